//! Bylines and corrections: `/authors/`, each author's pages and feed,
//! `/corrections/` and its feed, and the pieces a briefing shows (its
//! byline, its correction notices). Renderers and keys side by side.

use super::context::*;
use super::feed::FeedEntry;
use super::keys::KeyParts;
use super::{Job, Renderer};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;
use crate::parse::{Briefing, Correction};

impl Renderer<'_> {
    /// `/authors/`: every author with a byline, with their counts.
    pub(super) fn authors(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let authors: Vec<AuthorContext> = (0..site.authors.len())
            .map(|a| self.author_context(a))
            .collect();
        let mut ctx = self.context(
            "authors/",
            format!("Authors — {}", site.config.title),
            format!("Who writes {}.", site.config.title),
            "authors",
            None,
        );
        ctx.insert("authors", &authors);
        self.template("authors.html", &ctx)
    }

    /// Every author as the index shows them.
    pub(super) fn authors_key(&self, parts: &KeyParts) -> u64 {
        hash_of((parts.global, "authors", self.authors_hash()))
    }

    /// An author's page `n`: the bio, then their briefings.
    pub(super) fn author(&self, a: usize, n: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let author = &site.authors[a];
        let context = self.author_context(a);
        let prefix = format!("authors/{}/", author.author.id);
        let paginator = self.paginator(&author.briefings, n, &prefix);
        let path = if n == 1 {
            prefix.clone()
        } else {
            format!("{prefix}page/{n}/")
        };
        let name = &author.author.name;
        let title = if n == 1 {
            format!("{name} — {}", site.config.title)
        } else {
            format!("{name} (page {n}) — {}", site.config.title)
        };
        let description = author
            .author
            .bio_plain
            .clone()
            .unwrap_or_else(|| format!("Briefings by {name}."));
        let mut ctx = self.context(
            &path,
            title,
            description,
            "author",
            Some(context.feed_url.clone()),
        );
        ctx.insert("author", &context);
        ctx.insert("paginator", &paginator);
        self.template("author.html", &ctx)
    }

    /// The author and their page of summaries.
    pub(super) fn author_key(&self, a: usize, n: usize, parts: &KeyParts) -> u64 {
        let author = &self.site.authors[a];
        hash_of((
            parts.global,
            "author",
            &author.author,
            n,
            self.list_key(&author.briefings, n),
        ))
    }

    /// `/authors/<id>/atom.xml`.
    pub(super) fn author_feed(&self, a: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let author = &site.authors[a];
        let title = format!("{} — {}", author.author.name, site.config.title);
        let prefix = format!("authors/{}/", author.author.id);
        self.feed(&title, &prefix, &author.briefings)
    }

    /// The author and the content of their newest briefings.
    pub(super) fn author_feed_key(&self, a: usize, parts: &KeyParts) -> u64 {
        let author = &self.site.authors[a];
        hash_of((
            parts.global,
            "author-feed",
            &author.author,
            self.feed_key(&author.briefings),
        ))
    }

    fn author_context(&self, a: usize) -> AuthorContext {
        let author = &self.site.authors[a];
        let base = &self.site.config.base_url;
        let id = &author.author.id;
        AuthorContext {
            id: id.clone(),
            name: author.author.name.clone(),
            bio_html: author.author.bio_html.clone(),
            url: author.author.url.clone(),
            path: base.path(&format!("authors/{id}/")),
            feed_url: base.url(&format!("authors/{id}/atom.xml")),
            count: author.briefings.len(),
        }
    }

    fn authors_hash(&self) -> u64 {
        hash_of(
            self.site
                .authors
                .iter()
                .map(|a| (&a.author, a.briefings.len()))
                .collect::<Vec<_>>(),
        )
    }

    /// A briefing's byline: the authors it names, as links.
    pub(super) fn byline(&self, b: &Briefing) -> Vec<AuthorLink> {
        let base = &self.site.config.base_url;
        b.authors
            .iter()
            .filter_map(|r| {
                let author = self.site.authors.iter().find(|a| a.author.id == r.id)?;
                Some(AuthorLink {
                    name: author.author.name.clone(),
                    path: base.path(&format!("authors/{}/", r.id)),
                    organization: author.author.organization,
                })
            })
            .collect()
    }

    /// `/corrections/`: every correction and update, newest first.
    pub(super) fn corrections(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let mut ctx = self.context(
            "corrections/",
            format!("Corrections and updates — {}", site.config.title),
            format!(
                "Every correction, update and clarification of {}, newest first.",
                site.config.title
            ),
            "corrections",
            Some(site.config.base_url.url("corrections/atom.xml")),
        );
        ctx.insert("corrections", &self.all_corrections());
        self.template("corrections.html", &ctx)
    }

    /// `/corrections/atom.xml`: one entry per correction.
    pub(super) fn corrections_feed(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let base = &site.config.base_url;
        let entries = self
            .all_corrections()
            .into_iter()
            .zip(&site.corrections)
            .map(|(c, &(b, _))| {
                let briefing = &site.briefings[b];
                let mut content = format!("<p>{}</p><p>In <a href=\"", c.text_html);
                let url = base.url(c.briefing.path.trim_start_matches(base.root()));
                crate::html::escape_into(&mut content, &url);
                content.push_str("\">");
                crate::html::escape_into(&mut content, &c.briefing.title);
                content.push_str(&format!("</a>, {}.</p>", c.briefing.date_display));
                let datetime = format!("{}T00:00:00Z", c.date);
                FeedEntry {
                    title: format!("{}: {}", c.label, briefing.title),
                    id: format!("{}#{}", base.url("corrections/"), c.id),
                    url: format!("{url}#{}", c.id),
                    published: datetime.clone(),
                    updated: datetime,
                    authors: vec![site.config.title.clone()],
                    categories: Vec::new(),
                    summary: String::new(),
                    content,
                }
            })
            .collect();
        let title = format!("Corrections and updates — {}", site.config.title);
        self.feed_document(&title, "corrections/", entries)
    }

    /// Both show every correction, its briefing as a list names it, and
    /// the sources it cites.
    pub(super) fn corrections_key(&self, job: Job, parts: &KeyParts) -> u64 {
        let site = self.site;
        let shown: Vec<_> = site
            .corrections
            .iter()
            .map(|&(b, c)| {
                let cites: Vec<u64> = site.briefings[b].corrections[c]
                    .cite
                    .iter()
                    .filter_map(|(id, _)| site.registry.index_of(id))
                    .map(|i| parts.sources[i])
                    .collect();
                (
                    &site.briefings[b].corrections[c],
                    self.summary_key(b),
                    cites,
                )
            })
            .collect();
        hash_of((parts.global, job, shown))
    }

    fn all_corrections(&self) -> Vec<CorrectionContext> {
        self.site
            .corrections
            .iter()
            .map(|&(b, c)| {
                let briefing = &self.site.briefings[b];
                self.correction_context(b, &briefing.corrections[c], c)
            })
            .collect()
    }

    /// Briefing `b`'s correction number `n` (newest first).
    pub(super) fn correction_context(
        &self,
        b: usize,
        c: &Correction,
        n: usize,
    ) -> CorrectionContext {
        let site = self.site;
        let s = &self.summaries[b];
        let briefing = &site.briefings[b];
        // Numbered from the oldest, so an id never changes when a newer
        // correction is added.
        let number = briefing.corrections.len() - n;
        CorrectionContext {
            kind: c.kind.as_str(),
            label: c.kind.label(),
            id: format!("correction-{number}"),
            date: c.date.ymd(),
            date_display: c.date.display(),
            text_html: c.text_html.clone(),
            sources: c
                .cite
                .iter()
                .filter_map(|(id, _)| {
                    let source = site.registry.get(id)?;
                    Some(SourceLink {
                        title: source.title.clone(),
                        publisher: source.publisher.clone(),
                        path: site.config.base_url.path(&format!("sources/{id}/")),
                    })
                })
                .collect(),
            briefing: BriefingRef {
                title: s.title.clone(),
                path: s.path.clone(),
                date: s.date.clone(),
                date_display: s.date_display.clone(),
            },
        }
    }
}
