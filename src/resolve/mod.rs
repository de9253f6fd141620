//! Stage 3: parsed documents + config -> the [`Site`], frozen.
//!
//! Decides what is published (drafts, scheduled briefings), orders
//! briefings, groups tags, and checks that no two documents claim the same
//! output path. After this stage nothing is mutated; rendering only reads.

pub mod deal;
pub mod links;
pub mod snapshots;
pub mod timeline;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::parse::newsroom::Author;
use crate::parse::sources::Registry;
use crate::parse::{Body, Briefing, ExplainerIntro, Page, Parsed};

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

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
    pub explainer: Option<Arc<ExplainerIntro>>,
    /// Ordered by slug.
    pub tags: Vec<Tag>,
    pub registry: Registry,
    /// The running explainer's points and changes, from the briefings.
    pub deal: deal::Deal,
    /// The explainer at the end of each day it changed, oldest first.
    pub snapshots: Vec<snapshots::Snapshot>,
    /// The story's events, from the briefings' `[[event]]` entries.
    pub timeline: timeline::Timeline,
    /// For each source (same order as the registry), the documents citing
    /// it: newest briefing first, then pages, then the explainer.
    pub cited_by: Vec<Vec<Citing>>,
    /// The authors of `content/authors.toml` who signed a published
    /// briefing, in the order written there, each with their briefings.
    pub authors: Vec<SiteAuthor>,
    /// Every correction and update: (briefing, index into its
    /// `corrections`), newest first.
    pub corrections: Vec<(usize, usize)>,
    /// Each published document by its path (relative to the site root):
    /// what a link to a content file becomes.
    pub documents: HashMap<PathBuf, DocRef>,
    /// When the site was resolved; briefings dated after it are "scheduled".
    pub now: DateTime<Utc>,
}

/// An author with a page: one who signed at least one published briefing.
#[derive(Debug, Clone)]
pub struct SiteAuthor {
    pub author: Author,
    /// Indices into [`Site::briefings`], newest first.
    pub briefings: Vec<usize>,
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

    /// The site-relative path of a published document (`briefings/x/`).
    pub fn document_path(&self, doc: DocRef) -> String {
        match doc {
            DocRef::Briefing(i) => format!("briefings/{}/", self.briefings[i].slug),
            DocRef::Page(i) => format!("{}/", self.pages[i].slug),
            DocRef::Explainer => "explainer/".into(),
        }
    }

    /// True if the site has a timeline: at least one event.
    pub fn has_timeline(&self) -> bool {
        !self.timeline.is_empty()
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

    /// What the site holds in memory, for `BRIEF_TIMINGS`: bodies are
    /// kept packed (see [`crate::parse::packed`]), citation contexts not.
    pub fn memory_note(&self) -> String {
        let html: usize = self
            .briefings
            .iter()
            .map(|b| b.body.html.packed_len())
            .sum();
        let text: usize = self
            .briefings
            .iter()
            .map(|b| b.body.text.packed_len())
            .sum();
        let contexts: usize = self
            .briefings
            .iter()
            .flat_map(|b| b.body.citations.iter())
            .flat_map(|c| c.uses.iter().map(|u| u.context.len()))
            .sum();
        format!(
            "memory: briefing bodies {} MiB packed (their text {} MiB), citation contexts {} MiB",
            html >> 20,
            text >> 20,
            contexts >> 20
        )
    }
}

/// Top-level output names that standalone pages may not take.
const RESERVED: &[&str] = &[
    "briefings",
    "tags",
    "sources",
    "explainer",
    "timeline",
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
    let had_errors = diags.iter().any(Diagnostic::is_error);
    let (mut sources_diags, (briefings, pages)) = rayon::join(
        || check_sources(&parsed, had_errors),
        || published(&parsed, publish, now),
    );
    diags.append(&mut sources_diags);
    let (authors, mut author_diags) = bylines(&parsed.authors, &briefings);
    diags.append(&mut author_diags);
    let corrections = corrections(&briefings);
    let registry = parsed.registry;
    let explainer = parsed.explainer;
    let documents = links::documents(&briefings, &pages, explainer.as_deref());
    {
        let body_of = |doc: DocRef| -> &Body {
            match doc {
                DocRef::Briefing(i) => &briefings[i].body,
                DocRef::Page(i) => &pages[i].body,
                DocRef::Explainer => &explainer.as_ref().expect("listed above").body,
            }
        };
        for (path, &doc) in &documents {
            links::check_body(path, body_of(doc), &documents, &body_of, diags);
        }
    }
    // Four independent passes over the published documents.
    let ((mut collisions, (deal, mut deal_diags)), ((tags, mut tag_diags), cited_by)) = rayon::join(
        || {
            rayon::join(
                || check_collisions(&briefings, &pages),
                || {
                    let mut d = Vec::new();
                    (deal::resolve(&briefings, &mut d), d)
                },
            )
        },
        || {
            rayon::join(
                || group_tags(&briefings),
                || citing(&registry, &briefings, &pages, explainer.as_deref()),
            )
        },
    );
    diags.append(&mut collisions);
    diags.append(&mut deal_diags);
    diags.append(&mut tag_diags);
    let snapshots = snapshots::resolve(&deal, &briefings);
    let timeline = timeline::resolve(&briefings, diags);

    Site {
        config,
        briefings,
        pages,
        explainer,
        tags,
        registry,
        deal,
        snapshots,
        timeline,
        cited_by,
        authors,
        corrections,
        documents,
        now,
    }
}

/// The authors who signed published briefings, and an error at every
/// byline naming an id `content/authors.toml` does not have.
fn bylines(
    registry: &crate::parse::Authors,
    briefings: &[Arc<Briefing>],
) -> (Vec<SiteAuthor>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut signed: Vec<Vec<usize>> = vec![Vec::new(); registry.authors.len()];
    for (i, b) in briefings.iter().enumerate() {
        for r in &b.authors {
            match registry.index_of(&r.id) {
                Some(a) => signed[a].push(i),
                None if registry.invalid.contains(&r.id) => {}
                None => {
                    // No file (or an unreadable one): it is the file to add.
                    let help = if registry.path.as_os_str().is_empty() {
                        format!(
                            "add `content/authors.toml` with `[{}]` and `name = \"…\"`",
                            r.id
                        )
                    } else {
                        crate::diag::suggestion(&r.id, registry.ids()).unwrap_or_else(|| {
                            format!(
                                "add `[{}]` with `name = \"…\"` to content/authors.toml",
                                r.id
                            )
                        })
                    };
                    diags.push(
                        Diagnostic::at_position(
                            Severity::Error,
                            &b.path,
                            &r.at,
                            format!("unknown author `{}`", r.id),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }
    let authors = registry
        .authors
        .iter()
        .zip(signed)
        .filter(|(_, briefings)| !briefings.is_empty())
        .map(|(author, briefings)| SiteAuthor {
            author: author.clone(),
            briefings,
        })
        .collect();
    (authors, diags)
}

/// Every correction of the published briefings, newest first (of one
/// day, the newer briefing's first).
fn corrections(briefings: &[Arc<Briefing>]) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = briefings
        .iter()
        .enumerate()
        .flat_map(|(i, b)| (0..b.corrections.len()).map(move |c| (i, c)))
        .collect();
    all.sort_by(|&(a, ca), &(b, cb)| {
        briefings[b].corrections[cb]
            .date
            .cmp(&briefings[a].corrections[ca].date)
            .then(a.cmp(&b))
            .then(ca.cmp(&cb))
    });
    all
}

/// The briefings and pages to publish: briefings newest first (of two on
/// the same date, the later file path counts as newer, as in the
/// explainer's history), pages by title.
fn published(
    parsed: &Parsed,
    publish: Publish,
    now: DateTime<Utc>,
) -> (Vec<Arc<Briefing>>, Vec<Arc<Page>>) {
    let mut briefings: Vec<Arc<Briefing>> = parsed
        .briefings
        .iter()
        .filter(|b| (publish.drafts || !b.draft) && (publish.future || !b.date.is_after(now)))
        .cloned()
        .collect();
    // Paths compare as strings (byte order), which is also much cheaper
    // than by components.
    briefings.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.path.as_os_str().cmp(a.path.as_os_str()))
    });
    let mut pages: Vec<Arc<Page>> = parsed
        .pages
        .iter()
        .filter(|p| publish.drafts || !p.draft)
        .cloned()
        .collect();
    pages.sort_by(|a, b| {
        a.title
            .cmp(&b.title)
            .then_with(|| a.path.as_os_str().cmp(b.path.as_os_str()))
    });
    (briefings, pages)
}

/// Tags by slug, each with its briefings in site order. Two different
/// tags with one slug in different briefings (`C++` here, `C#` there) are
/// an error at each later one: one URL cannot be two tags' page.
fn group_tags(briefings: &[Arc<Briefing>]) -> (Vec<Tag>, Vec<Diagnostic>) {
    let mut tags: Vec<Tag> = Vec::new();
    let mut diags = Vec::new();
    // Slug -> (index into `tags`, the briefing that named it first).
    let mut by_slug: FastMap<&str, (usize, usize)> = FastMap::default();
    for (i, b) in briefings.iter().enumerate() {
        for tag in &b.tags {
            let (t, first) = *by_slug.entry(tag.slug.as_str()).or_insert_with(|| {
                tags.push(Tag {
                    name: tag.name.clone(),
                    slug: tag.slug.clone(),
                    briefings: Vec::new(),
                });
                (tags.len() - 1, i)
            });
            if !crate::parse::same_tag(&tags[t].name, &tag.name) {
                let other = &briefings[first];
                let at = other
                    .tags
                    .iter()
                    .find(|o| o.slug == tag.slug)
                    .map(|o| &o.at);
                diags.push(
                    Diagnostic::at_position(
                        Severity::Error,
                        &b.path,
                        &tag.at,
                        format!(
                            "tags `{}` and `{}` would share one page, /tags/{}/ (`{}` is in {}{})",
                            tags[t].name,
                            tag.name,
                            tag.slug,
                            tags[t].name,
                            other.path.display(),
                            at.map_or_else(String::new, |p| format!(":{}:{}", p.line, p.col)),
                        ),
                    )
                    .with_help("spell them the same if they are one tag, or rename one (tag URLs keep only letters and digits)"),
                );
                continue;
            }
            tags[t].briefings.push(i);
        }
    }
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    (tags, diags)
}

/// For each registry source, every citation of it in the published documents.
fn citing(
    registry: &Registry,
    briefings: &[Arc<Briefing>],
    pages: &[Arc<Page>],
    explainer: Option<&ExplainerIntro>,
) -> Vec<Vec<Citing>> {
    let mut cited_by: Vec<Vec<Citing>> = vec![Vec::new(); registry.sources.len()];
    let docs = briefings
        .iter()
        .enumerate()
        .map(|(i, b)| (DocRef::Briefing(i), &b.body))
        .chain(
            pages
                .iter()
                .enumerate()
                .map(|(i, p)| (DocRef::Page(i), &p.body)),
        )
        .chain(explainer.iter().map(|e| (DocRef::Explainer, &e.body)));
    for (doc, body) in docs {
        for (cited, c) in body.citations.iter().enumerate() {
            if let Some(s) = registry.index_of(&c.id) {
                cited_by[s].push(Citing { doc, cited });
            }
        }
    }
    cited_by
}

/// Warns about registry sources no document cites. `had_errors`: a
/// document with errors is left out of the site, so its citations are
/// unknown, and "never cited" would be wrong until the errors are fixed.
fn check_sources(parsed: &Parsed, had_errors: bool) -> Vec<Diagnostic> {
    let registry = &parsed.registry;
    let mut diags = Vec::new();
    if had_errors {
        return diags;
    }
    let mut used = vec![false; registry.sources.len()];
    let bodies = parsed
        .briefings
        .iter()
        .map(|b| &b.body)
        .chain(parsed.pages.iter().map(|p| &p.body))
        .chain(parsed.explainer.iter().map(|e| &e.body));
    let cited = bodies.flat_map(|body| body.citations.iter().map(|c| c.id.as_str()));
    // Unknown ids in deal points were reported when the briefing was parsed.
    let in_points = parsed
        .briefings
        .iter()
        .flat_map(|b| b.deal.iter())
        .flat_map(|point| point.cite.iter().map(|(id, _)| id.as_str()));
    // Likewise in events.
    let in_events = parsed
        .briefings
        .iter()
        .flat_map(|b| b.events.iter())
        .flat_map(|event| event.cite.iter().map(|(id, _)| id.as_str()));
    for id in cited.chain(in_points).chain(in_events) {
        if let Some(i) = registry.index_of(id) {
            used[i] = true;
        }
    }
    for (source, used) in registry.sources.iter().zip(used) {
        if !used {
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
    diags
}

/// Two documents writing the same output path is an error naming both.
fn check_collisions(briefings: &[Arc<Briefing>], pages: &[Arc<Page>]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Briefings live under `/briefings/`, a reserved page slug, so they can
    // only collide with each other; pages likewise.
    let briefings = briefings
        .iter()
        .map(|b| (b.slug.as_str(), &b.path, &b.slug_at));
    report_collisions(briefings, "/briefings/", &mut diags);
    let mut claims = Vec::new();
    for p in pages {
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
        } else {
            claims.push((p.slug.as_str(), &p.path, &p.slug_at));
        }
    }
    report_collisions(claims.into_iter(), "/", &mut diags);
    diags
}

/// Reports every document whose slug an earlier file (by path) already
/// claimed, naming that file.
fn report_collisions<'a>(
    claims: impl Iterator<Item = (&'a str, &'a PathBuf, &'a crate::diag::Position)>,
    prefix: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut claims: Vec<_> = claims.collect();
    let mut seen: HashSet<&str, foldhash::fast::FixedState> = HashSet::default();
    if claims.iter().all(|(slug, _, _)| seen.insert(slug)) {
        return;
    }
    claims.sort_by(|a, b| {
        a.0.cmp(b.0)
            .then_with(|| a.1.as_os_str().cmp(b.1.as_os_str()))
    });
    for group in claims.chunk_by(|a, b| a.0 == b.0) {
        let (slug, first, _) = group[0];
        for (_, path, at) in &group[1..] {
            diags.push(
                Diagnostic::at_position(
                    Severity::Error,
                    path,
                    at,
                    format!(
                        "output path `{prefix}{slug}/` is also used by {}",
                        first.display()
                    ),
                )
                .with_help("give one of them a different `slug` in its front matter"),
            );
        }
    }
}
