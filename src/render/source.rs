//! The source registry's pages: `/sources/`, `/sources/<id>/` and
//! `/sources.json` (CSL-JSON). Renderers and keys side by side.

use std::collections::BTreeMap;

use super::Renderer;
use super::context::*;
use super::keys::KeyParts;
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;
use crate::resolve::DocRef;

impl Renderer<'_> {
    /// `/sources/`: the registry grouped by publisher, with citation counts.
    pub(super) fn sources(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let mut groups: BTreeMap<String, PublisherGroup> = BTreeMap::new();
        for i in 0..site.registry.sources.len() {
            let source = self.source_stats(i);
            let publisher = &source.source.publisher;
            let group = groups
                .entry(publisher.to_lowercase())
                .or_insert_with(|| PublisherGroup {
                    name: publisher.clone(),
                    id: format!("publisher-{}", crate::slug::slugify(publisher)),
                    sources: Vec::new(),
                    citation_count: 0,
                });
            group.citation_count += source.citation_count;
            group.sources.push(source);
        }
        let groups: Vec<PublisherGroup> = groups.into_values().collect();
        let mut ctx = self.context(
            "sources/",
            format!("Sources — {}", site.config.title),
            format!("Every source cited by {}, by publisher.", site.config.title),
            "sources",
            None,
        );
        ctx.insert("publishers", &groups);
        ctx.insert("total", &site.registry.sources.len());
        self.template("sources.html", &ctx)
    }

    /// Every source, and how often each is cited.
    pub(super) fn sources_key(&self, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
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

    /// `/sources/<id>/`: a source and everything that cites it.
    pub(super) fn source(&self, i: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let source = self.source_stats(i);
        let citing = self.citing_documents(i);
        let s = &site.registry.sources[i];
        let path = format!("sources/{}/", s.id);
        let description = format!(
            "{}: {} — and everything in {} that cites it.",
            s.publisher, s.title, site.config.title
        );
        let mut ctx = self.context(
            &path,
            format!("{} — Sources — {}", s.title, site.config.title),
            description,
            "source",
            None,
        );
        ctx.insert("deal_points", &self.source_points(&s.id));
        ctx.insert("events", &self.source_events(&s.id));
        ctx.insert("source", &source);
        ctx.insert("citing", &citing);
        self.template("source.html", &ctx)
    }

    /// The source, each citing document as the page names it, and the deal.
    pub(super) fn source_key(&self, i: usize, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        // Each citing document as the page shows it: its name, and
        // the sentence, anchor and locator of every citation of this
        // source in it.
        let citing: Vec<u64> = site.cited_by[i]
            .iter()
            .map(|c| {
                let doc = match c.doc {
                    DocRef::Briefing(b) => self.summary_key(b),
                    DocRef::Page(p) => hash_of((&site.pages[p].title, &site.pages[p].slug)),
                    DocRef::Explainer => site.explainer.as_ref().map_or(0, |e| hash_of(&e.title)),
                };
                hash_of((doc, site.body(c.doc).citation_keys.get(c.cited)))
            })
            .collect();
        let events = parts.timeline.by_source[i];
        hash_of((g, "source", parts.sources[i], citing, parts.deal, events))
    }

    /// `/sources.json`: the registry as CSL-JSON.
    pub(super) fn sources_json(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let items: Vec<serde_json::Value> = site.registry.sources.iter().map(csl_item).collect();
        let mut json = serde_json::to_vec_pretty(&items)
            .map_err(|e| Diagnostic::error("sources.json", e.to_string()))?;
        json.push(b'\n');
        Ok(json)
    }

    /// The registry.
    pub(super) fn sources_json_key(&self, parts: &KeyParts) -> u64 {
        let g = parts.global;
        hash_of((g, "csl", &parts.sources))
    }

    pub(super) fn source_context(&self, i: usize) -> SourceContext {
        let s = &self.site.registry.sources[i];
        SourceContext {
            id: s.id.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            published: s.published.map(|d| d.ymd()),
            published_display: s.published.map(|d| d.display()),
            url: s.url.clone(),
            accessed: s.accessed.map(|d| d.ymd()),
            accessed_display: s.accessed.map(|d| d.display()),
            kind: s.kind.map(|k| k.as_str()),
            note: s.note.clone(),
            reference_html: s.reference_html().to_string(),
            path: self
                .site
                .config
                .base_url
                .path(&format!("sources/{}/", s.id)),
        }
    }

    fn source_stats(&self, i: usize) -> SourceStats {
        let citing = &self.site.cited_by[i];
        SourceStats {
            source: self.source_context(i),
            citation_count: citing
                .iter()
                .map(|c| self.site.body(c.doc).citations[c.cited].uses.len())
                .sum(),
            document_count: citing.len(),
            point_count: {
                let id = &self.site.registry.sources[i].id;
                let cites = |p: &&crate::resolve::deal::Point| {
                    p.versions.iter().any(|v| v.cite.contains(id))
                };
                self.site.deal.points.iter().filter(cites).count()
            },
        }
    }

    /// Every document citing source `i`, with the sentence around each citation.
    fn citing_documents(&self, i: usize) -> Vec<CitingDocument> {
        let site = self.site;
        let base = &site.config.base_url;
        site.cited_by[i]
            .iter()
            .map(|c| {
                let (title, path, kind, date) = match c.doc {
                    DocRef::Briefing(b) => {
                        let s = &self.summaries[b];
                        (
                            s.title.clone(),
                            s.path.clone(),
                            "briefing",
                            Some(site.briefings[b].date),
                        )
                    }
                    DocRef::Page(p) => {
                        let page = &site.pages[p];
                        (
                            page.title.clone(),
                            base.path(&format!("{}/", page.slug)),
                            "page",
                            None,
                        )
                    }
                    DocRef::Explainer => {
                        let e = site.explainer.as_ref().expect("cited by the explainer");
                        (e.title.clone(), base.path("explainer/"), "explainer", None)
                    }
                };
                let cited = &site.body(c.doc).citations[c.cited];
                CitingDocument {
                    citations: cited
                        .uses
                        .iter()
                        .map(|u| CitationContext {
                            href: format!("{path}#{}", u.anchor),
                            context: u.context.clone(),
                            locator: u.locator.clone(),
                        })
                        .collect(),
                    title,
                    path,
                    kind,
                    date: date.map(|d| d.ymd()),
                    date_display: date.map(|d| d.display()),
                }
            })
            .collect()
    }
}

/// One CSL-JSON item (the bibliography format of Zotero, Pandoc and citeproc).
fn csl_item(s: &crate::parse::sources::Source) -> serde_json::Value {
    let date = |d: crate::date::PubDate| {
        let ymd = d.ymd();
        let parts: Vec<i64> = ymd.split('-').filter_map(|p| p.parse().ok()).collect();
        serde_json::json!({ "date-parts": [parts] })
    };
    let mut v = serde_json::json!({
        "id": s.id,
        "type": s.kind.map_or("article", |k| k.csl_type()),
        "title": s.title,
        "publisher": s.publisher,
        "container-title": s.publisher,
    });
    let o = v.as_object_mut().expect("built as an object");
    if let Some(d) = s.published {
        o.insert("issued".into(), date(d));
    }
    if let Some(d) = s.accessed {
        o.insert("accessed".into(), date(d));
    }
    if let Some(url) = &s.url {
        o.insert("URL".into(), url.clone().into());
    }
    if let Some(note) = &s.note {
        o.insert("note".into(), note.clone().into());
    }
    if let Some(k) = s.kind {
        o.insert("genre".into(), k.as_str().into());
    }
    v
}
