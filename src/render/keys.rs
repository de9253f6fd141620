//! What each output depends on, as a hash: `serve` re-renders a job only
//! when its key changes.
//!
//! Each page kind's key sits beside its renderer (`list.rs`, `briefing.rs`,
//! …); this module holds what they share: the hashes computed once per
//! rebuild ([`KeyParts`]) and the keys of summaries, lists and feeds.
//! A key mixes the fingerprints of exactly the inputs a job's template
//! context is built from. Fingerprints of documents are computed when they
//! are parsed, so a key costs a few hashes of integers, never a pass over
//! text. The differential test in `tests/` checks, after random edit
//! sequences, that keys never miss a dependency: the served site must equal
//! a fresh full build byte for byte.

use rayon::prelude::*;

use super::{FEED_ENTRIES, Renderer, pages_for};
use crate::fingerprint::hash_of;

/// Hashes computed once per rebuild and shared by every job's key.
pub struct KeyParts {
    /// Config, theme, site-wide context: everything every page shows.
    pub(super) global: u64,
    /// One per registry source.
    pub(super) sources: Vec<u64>,
    /// The whole explainer (points, versions, changes) with the briefings
    /// it names.
    pub(super) deal: u64,
    /// The explainer changes each briefing made, by briefing index.
    pub(super) changes_by: Vec<Vec<(usize, usize)>>,
    /// The timeline and the pieces of it other pages show.
    pub(super) timeline: super::timeline::TimelineKeys,
}

impl Renderer<'_> {
    /// Computes the shared parts of the keys; `theme_key` changes whenever
    /// the theme's templates or statics change.
    pub fn key_parts(&self, theme_key: u64) -> KeyParts {
        let site = self.site;
        let context = serde_json::to_string(&self.site_context).unwrap_or_default();
        let global = hash_of((format!("{:?}", site.config), theme_key, context));
        let sources: Vec<u64> = site.registry.sources.iter().map(hash_of).collect();
        let timeline = self.timeline_keys(&sources);
        let deal = &site.deal;
        let named: Vec<u64> = deal
            .points
            .iter()
            .flat_map(|p| p.versions.iter().map(|v| self.summary_key(v.briefing)))
            .collect();
        let mut changes_by = vec![Vec::new(); site.briefings.len()];
        for c in &deal.changes {
            let briefing = deal.points[c.point].versions[c.version].briefing;
            changes_by[briefing].push((c.point, c.version));
        }
        let deal = hash_of((deal, named, site.briefings.first().map(|b| b.date)));
        KeyParts {
            global,
            sources,
            deal,
            changes_by,
            timeline,
        }
    }

    /// What a briefing shows in the lists, links and neighbours that name
    /// it: exactly its `BriefingSummary`, so a body edit that keeps the
    /// title, date, summary, tags and reading time changes no list.
    pub(super) fn summary_key(&self, i: usize) -> u64 {
        self.summary_keys
            .get_or_init(|| self.summaries.par_iter().map(hash_of).collect())[i]
    }

    /// Everything a briefing's own content shows: its text, its summary,
    /// and where its links to other content files lead.
    pub(super) fn content_key(&self, i: usize) -> u64 {
        let b = &self.site.briefings[i];
        hash_of((b.fingerprint, self.summary_key(i), self.links_key(&b.body)))
    }

    pub(super) fn list_key(&self, items: &[usize], n: usize) -> u64 {
        let per = self.site.config.paginate_by;
        let page: Vec<u64> = items
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .map(|&i| self.summary_key(i))
            .collect();
        hash_of((page, items.len(), pages_for(items.len(), per)))
    }

    pub(super) fn feed_key(&self, items: &[usize]) -> u64 {
        hash_of(
            items
                .iter()
                .take(FEED_ENTRIES)
                .map(|&i| self.content_key(i))
                .collect::<Vec<_>>(),
        )
    }

    pub(super) fn cited_sources_key(
        &self,
        citations: &[crate::parse::CitedSource],
        parts: &KeyParts,
    ) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = foldhash::fast::FixedState::default().build_hasher();
        for i in citations
            .iter()
            .filter_map(|c| self.site.registry.index_of(&c.id))
        {
            h.write_u64(parts.sources[i]);
        }
        h.finish()
    }
}
