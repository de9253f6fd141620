//! Stage 3: parsed documents + config -> the [`Site`], frozen.
//!
//! Decides what is published (drafts, scheduled briefings), orders
//! briefings, groups tags, and checks that no two documents claim the same
//! output path. After this stage nothing is mutated; rendering only reads.

pub mod explainer;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::parse::sources::Registry;
use crate::parse::{Body, Briefing, Explainer, Page, Parsed};

/// What to publish, from the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Publish {
    /// Include drafts.
    pub drafts: bool,
    /// Include briefings dated after `now`.
    pub future: bool,
}

/// A tag and the briefings that carry it.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    /// Indices into [`Site::briefings`], newest first.
    pub briefings: Vec<usize>,
}

/// Everything the renderer needs, decided.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first; of equal dates, the later file path first.
    pub briefings: Vec<Arc<Briefing>>,
    /// Standalone pages, ordered by title.
    pub pages: Vec<Arc<Page>>,
    pub explainer: Option<Arc<Explainer>>,
    /// Ordered by slug.
    pub tags: Vec<Tag>,
    pub registry: Registry,
    /// The running explainer's points and changes, from the briefings.
    pub deal: explainer::Explainer,
    /// For each source (same order as the registry), the documents citing
    /// it: newest briefing first, then pages, then the explainer.
    pub cited_by: Vec<Vec<Citing>>,
    /// When the site was resolved; briefings dated after it are "scheduled".
    pub now: DateTime<Utc>,
}

/// A document that cites a source, and which of its numbered sources it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Citing {
    pub doc: DocRef,
    /// Index into the document's `body.citations`.
    pub cited: usize,
}

/// A published document of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocRef {
    Briefing(usize),
    Page(usize),
    Explainer,
}

impl Site {
    /// True if the site has an explainer page: an intro or at least one point.
    pub fn has_explainer(&self) -> bool {
        self.explainer.is_some() || !self.deal.points.is_empty()
    }

    /// The rendered body of a document.
    pub fn body(&self, doc: DocRef) -> &Body {
        match doc {
            DocRef::Briefing(i) => &self.briefings[i].body,
            DocRef::Page(i) => &self.pages[i].body,
            DocRef::Explainer => {
                &self
                    .explainer
                    .as_ref()
                    .expect("DocRef::Explainer only exists with an explainer")
                    .body
            }
        }
    }

    /// True if the briefing is dated after the build time (only possible with `--future`).
    pub fn is_scheduled(&self, b: &Briefing) -> bool {
        b.date.is_after(self.now)
    }
}

/// Top-level output names that standalone pages may not take.
const RESERVED: &[&str] = &[
    "briefings",
    "tags",
    "sources",
    "explainer",
    "search",
    "page",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
    "syntax.css",
    "sources.json",
    "pagefind",
];

pub fn resolve(
    config: Config,
    parsed: Parsed,
    publish: Publish,
    now: DateTime<Utc>,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    check_sources(&parsed, diags);
    let mut briefings: Vec<Arc<Briefing>> = parsed
        .briefings
        .into_iter()
        .filter(|b| (publish.drafts || !b.draft) && (publish.future || !b.date.is_after(now)))
        .collect();
    // Newest first; of two briefings with the same date, the later file
    // path counts as newer, as in the explainer's history. Paths compare as
    // strings (byte order), which is also much cheaper than by components.
    briefings.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.path.as_os_str().cmp(a.path.as_os_str()))
    });
    let mut pages: Vec<Arc<Page>> = parsed
        .pages
        .into_iter()
        .filter(|p| publish.drafts || !p.draft)
        .collect();
    pages.sort_by(|a, b| {
        a.title
            .cmp(&b.title)
            .then_with(|| a.path.as_os_str().cmp(b.path.as_os_str()))
    });

    check_collisions(&briefings, &pages, diags);
    let deal = explainer::resolve(&briefings, diags);

    let mut by_slug: HashMap<String, Tag> = HashMap::new();
    for (i, b) in briefings.iter().enumerate() {
        for tag in &b.tags {
            by_slug
                .entry(tag.slug.clone())
                .or_insert_with(|| Tag {
                    name: tag.name.clone(),
                    slug: tag.slug.clone(),
                    briefings: Vec::new(),
                })
                .briefings
                .push(i);
        }
    }
    let mut tags: Vec<Tag> = by_slug.into_values().collect();
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));

    let registry = parsed.registry;
    let mut cited_by: Vec<Vec<Citing>> = vec![Vec::new(); registry.sources.len()];
    let docs = (0..briefings.len())
        .map(|i| (DocRef::Briefing(i), &briefings[i].body))
        .chain(
            pages
                .iter()
                .enumerate()
                .map(|(i, p)| (DocRef::Page(i), &p.body)),
        )
        .chain(
            parsed
                .explainer
                .iter()
                .map(|e| (DocRef::Explainer, &e.body)),
        );
    for (doc, body) in docs {
        for (cited, c) in body.citations.iter().enumerate() {
            if let Some(s) = registry.index_of(&c.id) {
                cited_by[s].push(Citing { doc, cited });
            }
        }
    }

    Site {
        config,
        briefings,
        pages,
        explainer: parsed.explainer,
        tags,
        registry,
        deal,
        cited_by,
        now,
    }
}

/// Explainer points must cite known sources; every source should be cited
/// somewhere (drafts count: a draft's sources are not unused).
fn check_sources(parsed: &Parsed, diags: &mut Vec<Diagnostic>) {
    let registry = &parsed.registry;
    let mut used: HashMap<&str, bool> = registry.ids().map(|id| (id, false)).collect();
    let bodies = parsed
        .briefings
        .iter()
        .map(|b| &b.body)
        .chain(parsed.pages.iter().map(|p| &p.body))
        .chain(parsed.explainer.iter().map(|e| &e.body));
    for body in bodies {
        for c in &body.citations {
            used.insert(c.id.as_str(), true);
        }
    }
    for b in &parsed.briefings {
        for point in &b.deal {
            // Unknown ids were reported when the briefing was parsed.
            for (id, _) in &point.cite {
                used.insert(id.as_str(), true);
            }
        }
    }
    // A document with errors is left out of the site, so its citations are
    // unknown: "never cited" would be wrong until the errors are fixed.
    if diags.iter().any(Diagnostic::is_error) {
        return;
    }
    for source in &registry.sources {
        if used.get(source.id.as_str()) == Some(&false) {
            diags.push(
                Diagnostic::at_position(
                    Severity::Warning,
                    &registry.path,
                    &source.at,
                    format!("source `{}` is never cited", source.id),
                )
                .with_help("cite it as `[@id]` in a briefing, or remove it from the registry"),
            );
        }
    }
}

/// Two documents writing the same output path is an error naming both.
fn check_collisions(briefings: &[Arc<Briefing>], pages: &[Arc<Page>], diags: &mut Vec<Diagnostic>) {
    let mut claimed: HashMap<String, PathBuf> = HashMap::new();
    let mut claim = |output: String,
                     path: &PathBuf,
                     at: &crate::diag::Position,
                     what: &str,
                     diags: &mut Vec<Diagnostic>| {
        if let Some(first) = claimed.get(&output) {
            // Claims are made in path order, so the later file is reported.
            diags.push(
                Diagnostic::at_position(
                    Severity::Error,
                    path,
                    at,
                    format!("{what} `{output}` is also used by {}", first.display()),
                )
                .with_help("give one of them a different `slug` in its front matter"),
            );
        } else {
            claimed.insert(output, path.clone());
        }
    };
    let mut sorted: Vec<&Briefing> = briefings.iter().map(|b| &**b).collect();
    sorted.sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    for b in sorted {
        claim(
            format!("/briefings/{}/", b.slug),
            &b.path,
            &b.slug_at,
            "output path",
            diags,
        );
    }
    let mut sorted: Vec<&Page> = pages.iter().map(|p| &**p).collect();
    sorted.sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    for p in sorted {
        if RESERVED.contains(&p.slug.as_str()) {
            diags.push(
                Diagnostic::at_position(
                    Severity::Error,
                    &p.path,
                    &p.slug_at,
                    format!(
                        "page slug `{}` is reserved for the site's own `/{}/`",
                        p.slug, p.slug
                    ),
                )
                .with_help("choose another `slug` for this page"),
            );
            continue;
        }
        claim(
            format!("/{}/", p.slug),
            &p.path,
            &p.slug_at,
            "output path",
            diags,
        );
    }
}
