//! Rendering the running explainer: its page, its change feed, the box on
//! each briefing, "the deal in brief" on the home page, and the points
//! listed on source pages.

use tera::Context;

use super::context::*;
use super::feed::FeedEntry;
use super::keys::KeyParts;
use super::{Job, Renderer};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;
use crate::html::escape_into;
use crate::parse::markdown::{citation_marker, inline_plain, letter};
use crate::parse::{CitationUse, CitedSource, DealKind};
use crate::resolve::deal::{Change, ChangeKind};

/// Points of each kind shown in "the deal in brief".
const BRIEF_POINTS: usize = 3;

/// The heading of a kind's list on the explainer and its snapshots.
pub(super) fn kind_label(kind: DealKind) -> &'static str {
    match kind {
        DealKind::Is => "Is",
        DealKind::IsNot => "Is not",
        DealKind::Open => "Open questions",
    }
}

impl Renderer<'_> {
    pub(super) fn briefing_ref(&self, briefing: usize) -> BriefingRef {
        let s = &self.summaries[briefing];
        BriefingRef {
            title: s.title.clone(),
            path: s.path.clone(),
            date: s.date.clone(),
            date_display: s.date_display.clone(),
        }
    }

    fn point_path(&self, id: &str) -> String {
        format!("{}#{id}", self.site.config.base_url.path("explainer/"))
    }

    fn point_context(&self, point: usize) -> DealPointContext {
        let deal = &self.site.deal;
        let p = &deal.points[point];
        let current = p.current();
        let last = deal.last_change_of(point).map_or(0, |c| c.version);
        DealPointContext {
            id: p.id.clone(),
            path: self.point_path(&p.id),
            kind: current.kind.as_str(),
            text_html: current.text_html.clone(),
            text_plain: inline_plain(&current.text),
            citations_html: String::new(),
            first_stated: self.briefing_ref(p.versions[0].briefing),
            last_revised: self.briefing_ref(p.versions[last].briefing),
            revised: last > 0,
            withdrawn: current.withdrawn,
        }
    }

    pub(super) fn change_context(&self, c: &Change) -> ChangeContext {
        let p = &self.site.deal.points[c.point];
        let v = &p.versions[c.version];
        let prev = c.version.checked_sub(1).map(|i| &p.versions[i]);
        let mut parts = Vec::new();
        match c.kind {
            ChangeKind::Added => parts.push(format!("Added to {}", kind_label(v.kind))),
            ChangeKind::Withdrawn => parts.push("Withdrawn".to_string()),
            ChangeKind::Reinstated => parts.push("Reinstated".to_string()),
            ChangeKind::Revised => {}
        }
        if let (true, Some(prev)) = (c.moved, prev) {
            parts.push(format!(
                "Moved from {} to {}",
                kind_label(prev.kind),
                kind_label(v.kind)
            ));
        }
        if c.reworded {
            parts.push("Reworded".to_string());
        }
        if c.sources_changed && !c.reworded && !c.moved {
            parts.push("Sources updated".to_string());
        }
        let b = &self.site.briefings[v.briefing];
        ChangeContext {
            id: format!("change-{}-{}", p.id, c.version + 1),
            point_id: p.id.clone(),
            point_path: self.point_path(&p.id),
            kind: c.kind.as_str(),
            label: parts.join("; "),
            reworded: c.reworded,
            moved: c.moved,
            briefing: self.briefing_ref(v.briefing),
            old_text_html: prev
                .filter(|p| p.text != v.text || c.kind == ChangeKind::Withdrawn)
                .map(|p| p.text_html.clone()),
            new_text_html: v.text_html.clone(),
            new_text_plain: inline_plain(&v.text),
            old_kind: prev.filter(|p| p.kind != v.kind).map(|p| p.kind.as_str()),
            new_kind: v.kind.as_str(),
            datetime: b.date.rfc3339(),
            snapshot_path: self.snapshot_path(&b.date.ymd()),
        }
    }

    /// The changes a briefing made to the explainer, for its box.
    pub(super) fn explainer_changes(&self, briefing: usize) -> Vec<ChangeContext> {
        self.site
            .deal
            .changes_by(briefing)
            .map(|c| self.change_context(c))
            .collect()
    }

    /// "The deal in brief" for the home page.
    pub(super) fn deal_brief(&self) -> Option<DealBrief> {
        let deal = &self.site.deal;
        let total = [DealKind::Is, DealKind::IsNot, DealKind::Open]
            .iter()
            .map(|&k| deal.current(k).count())
            .sum();
        if total == 0 {
            return None;
        }
        let first = |kind| {
            deal.current(kind)
                .take(BRIEF_POINTS)
                .map(|(i, _)| self.point_context(i))
                .collect()
        };
        let as_of = self.site.briefings.first().map(|b| b.date);
        Some(DealBrief {
            path: self.site.config.base_url.path("explainer/"),
            as_of: as_of.map(|d| d.ymd()),
            as_of_display: as_of.map(|d| d.display()),
            is: first(DealKind::Is),
            is_not: first(DealKind::IsNot),
            open: first(DealKind::Open),
            total,
        })
    }

    /// Explainer points whose current or past versions cite `source_id`.
    pub(super) fn source_points(&self, source_id: &str) -> Vec<SourcePointContext> {
        self.site
            .deal
            .points
            .iter()
            .filter(|p| {
                p.versions
                    .iter()
                    .any(|v| v.cite.iter().any(|c| c == source_id))
            })
            .map(|p| SourcePointContext {
                id: p.id.clone(),
                path: self.point_path(&p.id),
                kind: p.current().kind.as_str(),
                text_html: p.current().text_html.clone(),
                text_plain: inline_plain(&p.current().text),
                withdrawn: p.current().withdrawn,
            })
            .collect()
    }

    /// Citation markers for `ids` (a point's or an event's sources),
    /// numbered in `cited`, the page's one reference list: the explainer,
    /// a snapshot of it, the timeline.
    pub(super) fn cite_markers(&self, cited: &mut Vec<CitedSource>, ids: &[String]) -> String {
        let mut markers = Vec::new();
        for id in ids {
            let Some(source) = self.site.registry.get(id) else {
                continue;
            };
            let n = match cited.iter().position(|c| &c.id == id) {
                Some(k) => k,
                None => {
                    cited.push(CitedSource {
                        id: id.clone(),
                        uses: Vec::new(),
                    });
                    cited.len() - 1
                }
            };
            let anchor = format!("cite-{}-{}", n + 1, letter(cited[n].uses.len() + 1));
            markers.push((
                n,
                citation_marker(n + 1, &anchor, source.reference_html(), None),
            ));
            cited[n].uses.push(CitationUse {
                anchor,
                locator: None,
                context: String::new(),
            });
        }
        if markers.is_empty() {
            return String::new();
        }
        // In number order, as a body's citation groups are.
        markers.sort_by_key(|(n, _)| *n);
        let markers: Vec<String> = markers.into_iter().map(|(_, m)| m).collect();
        format!(
            "<sup class=\"cite-group\" data-pagefind-ignore>{}</sup>",
            markers.join("<span class=\"cite-sep\">,</span>")
        )
    }

    fn explainer_context(&self) -> ExplainerContext {
        let site = self.site;
        let deal = &site.deal;
        // One reference list for the page: the intro's citations first, then
        // the current points' in the order they are shown.
        let mut cited: Vec<CitedSource> = site
            .explainer
            .as_ref()
            .map(|e| e.body.citations.clone())
            .unwrap_or_default();
        let mut lists = Vec::new();
        for kind in [DealKind::Is, DealKind::IsNot, DealKind::Open] {
            let mut list = Vec::new();
            for (i, p) in deal.current(kind) {
                let mut ctx = self.point_context(i);
                ctx.citations_html = self.cite_markers(&mut cited, &p.current().cite);
                list.push(ctx);
            }
            lists.push(list);
        }
        let open = lists.pop().unwrap_or_default();
        let is_not = lists.pop().unwrap_or_default();
        let is = lists.pop().unwrap_or_default();
        let as_of = site.briefings.first().map(|b| b.date);
        ExplainerContext {
            title: self.explainer_title(),
            intro_html: self.intro_html(),
            as_of: as_of.map(|d| d.ymd()),
            as_of_display: as_of.map(|d| d.display()),
            is,
            is_not,
            open,
            withdrawn: deal
                .points
                .iter()
                .enumerate()
                .filter(|(_, p)| p.current().withdrawn)
                .map(|(i, _)| self.point_context(i))
                .collect(),
            changes: deal
                .changes
                .iter()
                .rev()
                .map(|c| self.change_context(c))
                .collect(),
            references: self.references(&cited),
            feed_url: site.config.base_url.url("explainer/atom.xml"),
            snapshots: (0..site.snapshots.len())
                .rev()
                .map(|k| self.snapshot_link(k))
                .collect(),
        }
    }

    /// The intro's HTML, with any heading whose id a point uses renamed, so
    /// `/explainer/#<point>` always lands on the point.
    fn intro_html(&self) -> String {
        let Some(intro) = &self.site.explainer else {
            return String::new();
        };
        let mut html = self.body_html(&intro.body);
        for heading in &intro.body.headings {
            if self.site.deal.points.iter().any(|p| p.id == heading.id) {
                let id = &heading.id;
                html = html
                    .replacen(&format!("id=\"{id}\""), &format!("id=\"intro-{id}\""), 1)
                    .replacen(
                        &format!("<a class=\"anchor\" href=\"#{id}\""),
                        &format!("<a class=\"anchor\" href=\"#intro-{id}\""),
                        1,
                    );
            }
        }
        html
    }

    pub(super) fn explainer_title(&self) -> String {
        self.site.explainer.as_ref().map_or_else(
            || "What the deal is — and is not".to_string(),
            |e| e.title.clone(),
        )
    }

    /// `/explainer/`: the deal's current points and what changed.
    pub(super) fn explainer(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let explainer = self.explainer_context();
        let description = site
            .explainer
            .as_ref()
            .map_or_else(String::new, |e| e.description.clone());
        let feed = Some(explainer.feed_url.clone());
        let mut ctx: Context = self.context(
            "explainer/",
            format!("{} — {}", explainer.title, site.config.title),
            description,
            "explainer",
            feed,
        );
        ctx.insert("explainer", &explainer);
        self.template("explainer.html", &ctx)
    }

    /// `/explainer/atom.xml`: one entry per change.
    pub(super) fn explainer_feed(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let base = &site.config.base_url;
        let entries = site
            .deal
            .changes
            .iter()
            .rev()
            .map(|change| {
                let c = self.change_context(change);
                let text = &site.deal.points[change.point].versions[change.version].text;
                let mut content =
                    format!("<p><strong>{}</strong>: {}</p>", c.label, c.new_text_html);
                if let Some(old) = &c.old_text_html {
                    content.push_str(&format!("<p>Previously: {old}</p>"));
                }
                content.push_str("<p>In <a href=\"");
                let url = base.url(c.briefing.path.trim_start_matches(base.root()));
                escape_into(&mut content, &url);
                content.push_str("\">");
                escape_into(&mut content, &c.briefing.title);
                content.push_str(&format!("</a>, {}.</p>", c.briefing.date_display));
                FeedEntry {
                    title: format!(
                        "{}: {}",
                        c.label,
                        crate::parse::markdown::inline_plain(text)
                    ),
                    id: format!("{}#{}", base.url("explainer/"), c.id),
                    url: format!("{}#{}", base.url("explainer/"), c.point_id),
                    published: c.datetime.clone(),
                    updated: c.datetime.clone(),
                    authors: vec![site.config.title.clone()],
                    categories: Vec::new(),
                    summary: String::new(),
                    content,
                }
            })
            .collect();
        let title = format!("{} — changes", self.explainer_title());
        self.feed_document(&title, "explainer/", entries)
    }

    /// Both show the deal (every point, version and change, with the
    /// briefings they name), the intro and the sources it cites.
    pub(super) fn explainer_key(&self, job: Job, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        let intro = site.explainer.as_ref().map(|e| {
            (
                e.fingerprint,
                self.cited_sources_key(&e.body.citations, parts),
                self.links_key(&e.body),
            )
        });
        hash_of((g, job, parts.deal, intro, &parts.sources))
    }
}
