//! A briefing's page, and the pieces of a briefing other pages show: its
//! summary (lists, feeds, neighbours), tag links, reference list and
//! JSON-LD. The page's renderer and its key sit side by side.

use super::context::*;
use super::keys::KeyParts;
use super::{LIST_TAGS, Renderer, WORDS_PER_MINUTE, script_safe_json};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;
use crate::parse::{Briefing, Heading};

impl Renderer<'_> {
    /// `/briefings/<slug>/`.
    pub(super) fn briefing(&self, i: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let b = &site.briefings[i];
        let references = self.references(&b.body.citations);
        let page = BriefingContext {
            explainer_changes: self.explainer_changes(i),
            events: self.briefing_events(i),
            json_ld: self.json_ld(b, &self.summaries[i], &references),
            summary: self.summaries[i].clone(),
            all_tags: b.tags.iter().map(|t| self.tag_ref(t)).collect(),
            corrections: b
                .corrections
                .iter()
                .enumerate()
                .map(|(n, c)| self.correction_context(i, c, n))
                .collect(),
            content: self.body_html(&b.body),
            toc: toc(&b.body.headings),
            word_count: b.body.word_count,
            older: self.summaries.get(i + 1).cloned(),
            newer: i.checked_sub(1).map(|j| self.summaries[j].clone()),
            references,
        };
        let path = format!("briefings/{}/", b.slug);
        let mut ctx = self.context(
            &path,
            format!("{} — {}", b.title, site.config.title),
            b.description.clone(),
            "briefing",
            None,
        );
        ctx.insert("page", &page);
        self.template("briefing.html", &ctx)
    }

    /// Its content, its neighbours' summaries, the sources it cites and
    /// the explainer changes it made.
    pub(super) fn briefing_key(&self, i: usize, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
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
            self.correction_sources_key(b, parts),
            changes,
            deal,
            parts.timeline.by_briefing[i],
        ))
    }

    /// The sources a briefing's corrections cite, as their notices show them.
    fn correction_sources_key(&self, b: &Briefing, parts: &KeyParts) -> u64 {
        let sources: Vec<u64> = b
            .corrections
            .iter()
            .flat_map(|c| c.cite.iter())
            .filter_map(|(id, _)| self.site.registry.index_of(id))
            .map(|i| parts.sources[i])
            .collect();
        hash_of(sources)
    }

    pub(super) fn summary(&self, b: &Briefing) -> BriefingSummary {
        let base = &self.site.config.base_url;
        let path = format!("briefings/{}/", b.slug);
        BriefingSummary {
            title: b.title.clone(),
            path: base.path(&path),
            url: base.url(&path),
            date: b.date.ymd(),
            date_display: b.date.display(),
            datetime: b.date.rfc3339(),
            updated: b.updated.map(|u| u.ymd()),
            updated_display: b.updated.map(|u| u.display()),
            summary: b.summary.clone(),
            tags: b
                .tags
                .iter()
                .take(LIST_TAGS)
                .map(|t| self.tag_ref(t))
                .collect(),
            more_tags: b.tags.len().saturating_sub(LIST_TAGS),
            authors: self.byline(b),
            corrected: b.corrections.first().map(|c| c.date.ymd()),
            reading_time: b.body.word_count.div_ceil(WORDS_PER_MINUTE).max(1),
            draft: b.draft,
            scheduled: self.site.is_scheduled(b),
        }
    }

    pub(super) fn tag_ref(&self, tag: &crate::parse::TagName) -> TagRef {
        TagRef {
            path: self
                .site
                .config
                .base_url
                .path(&format!("tags/{}/", tag.slug)),
            name: tag.name.clone(),
            slug: tag.slug.clone(),
        }
    }

    /// The reference list of a body: its cited sources in number order.
    pub(super) fn references(
        &self,
        citations: &[crate::parse::CitedSource],
    ) -> Vec<ReferenceContext> {
        citations
            .iter()
            .enumerate()
            .filter_map(|(k, c)| {
                let index = self.site.registry.index_of(&c.id)?;
                Some(ReferenceContext {
                    number: k + 1,
                    source: self.source_context(index),
                    uses: c
                        .uses
                        .iter()
                        .enumerate()
                        .map(|(u, r)| ReferenceUse {
                            anchor: r.anchor.clone(),
                            letter: crate::parse::markdown::letter(u + 1),
                            locator: r.locator.clone(),
                        })
                        .collect(),
                })
            })
            .collect()
    }

    /// schema.org JSON-LD for a briefing, escaped for a `<script>` element.
    fn json_ld(
        &self,
        b: &Briefing,
        s: &BriefingSummary,
        references: &[ReferenceContext],
    ) -> String {
        let site = &self.site.config;
        let citations: Vec<serde_json::Value> = references
            .iter()
            .map(|r| {
                let src = &r.source;
                let mut v = serde_json::json!({
                    "@type": "CreativeWork",
                    "name": src.title,
                    "publisher": {"@type": "Organization", "name": src.publisher},
                });
                if let Some(url) = &src.url {
                    v["url"] = url.clone().into();
                }
                if let Some(d) = &src.published {
                    v["datePublished"] = d.clone().into();
                }
                v
            })
            .collect();
        let mut v = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": b.title,
            "description": b.description,
            "datePublished": s.datetime,
            "dateModified": b.modified().rfc3339(),
            "url": s.url,
            "mainEntityOfPage": s.url,
            "wordCount": b.body.word_count,
            "keywords": b.tags.iter().map(|t| &t.name).collect::<Vec<_>>(),
            "publisher": {"@type": "Organization", "name": site.title, "url": site.base_url.absolute()},
            "citation": citations,
        });
        if b.tags.is_empty() {
            v.as_object_mut().map(|o| o.remove("keywords"));
        }
        if !s.authors.is_empty() {
            v["author"] = s
                .authors
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "@type": if a.organization { "Organization" } else { "Person" },
                        "name": a.name,
                        "url": site.base_url.url(a.path.trim_start_matches(site.base_url.root())),
                    })
                })
                .collect();
        }
        if !b.corrections.is_empty() {
            v["correction"] = b
                .corrections
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "@type": "CorrectionComment",
                        "datePublished": c.date.ymd(),
                        "text": format!(
                            "{}: {}",
                            c.kind.label(),
                            crate::parse::markdown::inline_plain(&c.text)
                        ),
                    })
                })
                .collect();
        }
        script_safe_json(&v)
    }
}

/// Nests a flat list of headings into a table of contents.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    let mut stack: Vec<TocEntry> = Vec::new();
    fn attach(done: TocEntry, stack: &mut [TocEntry], roots: &mut Vec<TocEntry>) {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    }
    for h in headings {
        while stack.last().is_some_and(|top| top.level >= h.level) {
            let done = stack.pop().expect("checked non-empty");
            attach(done, &mut stack, &mut roots);
        }
        stack.push(TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        });
    }
    while let Some(done) = stack.pop() {
        attach(done, &mut stack, &mut roots);
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            title: id.into(),
        }
    }

    #[test]
    fn toc_nests_by_level() {
        let t = toc(&[
            h(2, "a"),
            h(3, "a1"),
            h(4, "a1x"),
            h(3, "a2"),
            h(2, "b"),
            h(4, "b1"),
        ]);
        let shape: Vec<(String, Vec<String>)> = t
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.children.iter().map(|c| c.id.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("a".into(), vec!["a1".into(), "a2".into()]),
                ("b".into(), vec!["b1".into()])
            ]
        );
        assert_eq!(t[0].children[0].children[0].id, "a1x");
    }
}
