//! What each output depends on, as a hash: `serve` re-renders a job only
//! when its key changes.
//!
//! A key mixes the fingerprints of exactly the inputs a job's template
//! context is built from. Fingerprints of documents are computed when they
//! are parsed, so a key costs a few hashes of integers, never a pass over
//! text. The differential test in `tests/` checks, after random edit
//! sequences, that keys never miss a dependency: the served site must equal
//! a fresh full build byte for byte.

use rayon::prelude::*;

use super::{FEED_ENTRIES, Job, Renderer, pages_for};
use crate::fingerprint::hash_of;
use crate::resolve::DocRef;

/// Hashes computed once per rebuild and shared by every job's key.
pub struct KeyParts {
    /// Config, theme, site-wide context: everything every page shows.
    global: u64,
    /// One per registry source.
    sources: Vec<u64>,
    /// The whole explainer (points, versions, changes) with the briefings
    /// it names.
    deal: u64,
    /// The explainer changes each briefing made, by briefing index.
    changes_by: Vec<Vec<(usize, usize)>>,
}

impl Renderer<'_> {
    /// Computes the shared parts of the keys; `theme_key` changes whenever
    /// the theme's templates or statics change.
    pub fn key_parts(&self, theme_key: u64) -> KeyParts {
        let site = self.site;
        let context = serde_json::to_string(&self.site_context).unwrap_or_default();
        let global = hash_of((format!("{:?}", site.config), theme_key, context));
        let sources = site.registry.sources.iter().map(hash_of).collect();
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
        }
    }

    /// What a briefing shows in the lists, links and neighbours that name
    /// it: exactly its `BriefingSummary`, so a body edit that keeps the
    /// title, date, summary, tags and reading time changes no list.
    fn summary_key(&self, i: usize) -> u64 {
        self.summary_keys
            .get_or_init(|| self.summaries.par_iter().map(hash_of).collect())[i]
    }

    /// Everything a briefing's own content shows, for feeds carrying it.
    fn content_key(&self, i: usize) -> u64 {
        hash_of((self.site.briefings[i].fingerprint, self.summary_key(i)))
    }

    fn list_key(&self, items: &[usize], n: usize) -> u64 {
        let per = self.site.config.paginate_by;
        let page: Vec<u64> = items
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .map(|&i| self.summary_key(i))
            .collect();
        hash_of((page, items.len(), pages_for(items.len(), per)))
    }

    fn feed_key(&self, items: &[usize]) -> u64 {
        hash_of(
            items
                .iter()
                .take(FEED_ENTRIES)
                .map(|&i| self.content_key(i))
                .collect::<Vec<_>>(),
        )
    }

    fn cited_sources_key(&self, citations: &[crate::parse::CitedSource], parts: &KeyParts) -> u64 {
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

    /// The key of one job: equal keys mean equal output.
    pub fn job_key(&self, job: Job, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        match job {
            Job::Home(n) => {
                let deal = if n == 1 { parts.deal } else { 0 };
                hash_of((g, "home", n, self.list_key(&self.newest_first, n), deal))
            }
            Job::Briefing(i) => {
                let b = &site.briefings[i];
                let neighbours = (
                    i.checked_sub(1).map(|j| self.summary_key(j)),
                    site.briefings.get(i + 1).map(|_| self.summary_key(i + 1)),
                );
                // The explainer box names other briefings' versions too.
                let changes = &parts.changes_by[i];
                let deal = if changes.is_empty() { 0 } else { parts.deal };
                hash_of((
                    g,
                    "briefing",
                    self.content_key(i),
                    neighbours,
                    self.cited_sources_key(&b.body.citations, parts),
                    changes,
                    deal,
                ))
            }
            Job::Archive => hash_of((
                g,
                "archive",
                (0..site.briefings.len())
                    .map(|i| self.summary_key(i))
                    .collect::<Vec<_>>(),
            )),
            Job::Tags => hash_of((
                g,
                "tags",
                site.tags
                    .iter()
                    .map(|t| (&t.name, &t.slug, t.briefings.len()))
                    .collect::<Vec<_>>(),
            )),
            Job::Tag(t, n) => {
                let tag = &site.tags[t];
                hash_of((
                    g,
                    "tag",
                    &tag.name,
                    &tag.slug,
                    n,
                    self.list_key(&tag.briefings, n),
                ))
            }
            Job::TagFeed(t) => {
                let tag = &site.tags[t];
                hash_of((
                    g,
                    "tag-feed",
                    &tag.name,
                    &tag.slug,
                    self.feed_key(&tag.briefings),
                ))
            }
            Job::Feed => hash_of((g, "feed", self.feed_key(&self.newest_first))),
            Job::Sitemap => {
                let briefings: Vec<_> = site
                    .briefings
                    .iter()
                    .map(|b| (&b.slug, b.date, b.updated))
                    .collect();
                let tags: Vec<_> = site
                    .tags
                    .iter()
                    .map(|t| {
                        (
                            &t.slug,
                            t.briefings.first().map(|&i| site.briefings[i].date),
                        )
                    })
                    .collect();
                let sources: Vec<&str> = site.registry.ids().collect();
                let pages: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
                hash_of((
                    g,
                    "sitemap",
                    briefings,
                    tags,
                    sources,
                    pages,
                    site.has_explainer(),
                ))
            }
            Job::Robots | Job::NotFound | Job::SyntaxCss | Job::Search => hash_of((g, job)),
            Job::Page(i) => {
                let p = &site.pages[i];
                hash_of((
                    g,
                    "page",
                    p.fingerprint,
                    self.cited_sources_key(&p.body.citations, parts),
                ))
            }
            Job::Sources => {
                let counts: Vec<_> = site
                    .cited_by
                    .iter()
                    .map(|c| {
                        c.iter()
                            .map(|c| site.body(c.doc).citations[c.cited].uses.len())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                // Counts include the explainer points citing each source.
                hash_of((g, "sources", &parts.sources, counts, parts.deal))
            }
            Job::Source(i) => {
                // Each citing document as the page shows it: its name, and
                // the sentence, anchor and locator of every citation of this
                // source in it.
                let citing: Vec<u64> = site.cited_by[i]
                    .iter()
                    .map(|c| {
                        let doc = match c.doc {
                            DocRef::Briefing(b) => self.summary_key(b),
                            DocRef::Page(p) => hash_of((&site.pages[p].title, &site.pages[p].slug)),
                            DocRef::Explainer => {
                                site.explainer.as_ref().map_or(0, |e| hash_of(&e.title))
                            }
                        };
                        hash_of((doc, site.body(c.doc).citation_keys.get(c.cited)))
                    })
                    .collect();
                hash_of((g, "source", parts.sources[i], citing, parts.deal))
            }
            Job::SourcesJson => hash_of((g, "csl", &parts.sources)),
            Job::Explainer | Job::ExplainerFeed => {
                let intro = site.explainer.as_ref().map(|e| {
                    (
                        e.fingerprint,
                        self.cited_sources_key(&e.body.citations, parts),
                    )
                });
                hash_of((g, job, parts.deal, intro, &parts.sources))
            }
            Job::Static(i) => {
                let (path, asset) = &self.assets[i];
                let bytes = asset.read().map(|b| hash_of(&*b)).unwrap_or(0);
                hash_of((path, bytes))
            }
        }
    }
}
