//! Standalone pages (`content/pages/`), the search page and the 404
//! page. Renderers and keys side by side.

use super::context::*;
use super::keys::KeyParts;
use super::{Job, Renderer, toc};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;

impl Renderer<'_> {
    /// `/<slug>/`.
    pub(super) fn page(&self, i: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let base = &self.site.config.base_url;
        let p = &site.pages[i];
        let path = format!("{}/", p.slug);
        let page = StandaloneContext {
            title: p.title.clone(),
            path: base.path(&path),
            url: base.url(&path),
            summary: p.summary.clone(),
            content: self.body_html(&p.body),
            toc: toc(&p.body.headings),
            draft: p.draft,
            references: self.references(&p.body.citations),
        };
        let mut ctx = self.context(
            &path,
            format!("{} — {}", p.title, site.config.title),
            p.description.clone(),
            "page",
            None,
        );
        ctx.insert("page", &page);
        self.template("page.html", &ctx)
    }

    /// The page's own text and the sources it cites.
    pub(super) fn page_key(&self, i: usize, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        let p = &site.pages[i];
        hash_of((
            g,
            "page",
            p.fingerprint,
            self.cited_sources_key(&p.body.citations, parts),
            self.links_key(&p.body),
        ))
    }

    /// `/search/`.
    pub(super) fn search_page(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let ctx = self.context(
            "search/",
            format!("Search — {}", site.config.title),
            format!(
                "Search every briefing, source and the explainer of {}.",
                site.config.title
            ),
            "search",
            None,
        );
        self.template("search.html", &ctx)
    }

    /// `/404.html`.
    pub(super) fn not_found(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let ctx = self.context(
            "404.html",
            format!("Page not found — {}", site.config.title),
            String::new(),
            "404",
            None,
        );
        self.template("404.html", &ctx)
    }

    /// Pages that show only what every page shows (`site`), and the
    /// robots file, which names only the sitemap's URL.
    pub(super) fn fixed_key(&self, job: Job, parts: &KeyParts) -> u64 {
        hash_of((parts.global, job))
    }
}
