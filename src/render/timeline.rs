//! The story's timeline: `/timeline/` and `/timeline/atom.xml`, and the
//! pieces of it other pages show (the newest events on the home page, the
//! events a briefing added, the events citing a source). Each page's
//! renderer sits beside its key; [`TimelineKeys`] holds the hashes they
//! share, computed once per rebuild.

use tera::Context;

use super::context::*;
use super::feed::FeedEntry;
use super::keys::KeyParts;
use super::{Job, Renderer};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;
use crate::html::escape_into;
use crate::parse::CitedSource;
use crate::parse::markdown::inline_plain;
use crate::resolve::timeline::{Change, ChangeKind};

/// Events the home page shows.
pub const RECENT_EVENTS: usize = 3;

/// What the timeline's pages and boxes depend on, hashed once per rebuild.
pub struct TimelineKeys {
    /// Everything `/timeline/` and its feed show: every event, version and
    /// change, the briefings they name, the sources they cite.
    pub(super) page: u64,
    /// The events each briefing's box lists, by briefing index.
    pub(super) by_briefing: Vec<u64>,
    /// The home page's newest events.
    pub(super) recent: u64,
    /// The events each source's page lists, by registry index.
    pub(super) by_source: Vec<u64>,
}

impl Renderer<'_> {
    /// Computes [`TimelineKeys`]; `sources` are the registry entries' hashes.
    pub(super) fn timeline_keys(&self, sources: &[u64]) -> TimelineKeys {
        let site = self.site;
        let t = &site.timeline;
        let named = |e: usize| -> Vec<u64> {
            t.events[e]
                .versions
                .iter()
                .map(|v| self.summary_key(v.briefing))
                .collect()
        };
        let cited: Vec<u64> = t
            .events
            .iter()
            .flat_map(|e| e.versions.iter().flat_map(|v| v.cite.iter()))
            .map(|id| site.registry.index_of(id).map_or(0, |i| sources[i]))
            .collect();
        let all_named: Vec<Vec<u64>> = (0..t.events.len()).map(named).collect();
        let page = hash_of((t, &all_named, cited, site.briefings.first().map(|b| b.date)));
        let mut by_briefing: Vec<Vec<(usize, usize)>> = vec![Vec::new(); site.briefings.len()];
        for c in &t.changes {
            let b = t.events[c.event].versions[c.version].briefing;
            by_briefing[b].push((c.event, c.version));
        }
        let by_briefing = by_briefing
            .into_iter()
            .map(|changes| {
                let shown: Vec<_> = changes
                    .iter()
                    .map(|&(e, v)| (&t.events[e].anchor, &t.events[e].versions[..=v]))
                    .collect();
                if shown.is_empty() { 0 } else { hash_of(shown) }
            })
            .collect();
        let recent: Vec<_> = t
            .recent(RECENT_EVENTS)
            .into_iter()
            .map(|e| (&t.events[e], &all_named[e]))
            .collect();
        let recent = hash_of((recent, t.events.len()));
        let by_source = site
            .registry
            .sources
            .iter()
            .map(|s| {
                let events: Vec<_> = t
                    .citing(&s.id)
                    .map(|e| (&t.events[e], &all_named[e]))
                    .collect();
                if events.is_empty() {
                    0
                } else {
                    hash_of(events)
                }
            })
            .collect();
        TimelineKeys {
            page,
            by_briefing,
            recent,
            by_source,
        }
    }

    fn event_path(&self, anchor: &str) -> String {
        format!("{}#{anchor}", self.site.config.base_url.path("timeline/"))
    }

    /// An event as pages show it; with `cited`, numbered citations and its
    /// history too (the timeline page).
    fn event_context(&self, e: usize, cited: Option<&mut Vec<CitedSource>>) -> EventContext {
        let site = self.site;
        let event = &site.timeline.events[e];
        let current = event.current();
        let stated = event.last_stated();
        let first = &event.versions[0];
        let reported = self.briefing_ref(first.briefing);
        let mut revised_in: Vec<BriefingRef> = Vec::new();
        let changes: Vec<&Change> = site
            .timeline
            .changes
            .iter()
            .filter(|c| c.event == e && c.version > 0)
            .collect();
        for c in &changes {
            let b = event.versions[c.version].briefing;
            if b != first.briefing && !revised_in.iter().any(|r| r.path == self.summaries[b].path) {
                revised_in.push(self.briefing_ref(b));
            }
        }
        let (citations_html, withdrawal_citations_html, history) = match cited {
            Some(cited) => {
                let stated_markers = self.cite_markers(cited, &stated.cite);
                let withdrawal_markers = if current.withdrawn {
                    self.cite_markers(cited, &current.cite)
                } else {
                    String::new()
                };
                // The statements that changed something, before the one
                // in force (restatements that change nothing are not history).
                let in_force = changes.last().map_or(0, |c| c.version);
                let history = std::iter::once(0)
                    .chain(changes.iter().map(|c| c.version))
                    .filter(|&v| v < in_force)
                    .map(|v| {
                        let version = &event.versions[v];
                        EventVersionContext {
                            date: version.date.ymd(),
                            date_display: version.date.display(),
                            text_html: version.text_html.clone(),
                            withdrawn: version.withdrawn,
                            briefing: self.briefing_ref(version.briefing),
                        }
                    })
                    .collect();
                (stated_markers, withdrawal_markers, history)
            }
            None => (String::new(), String::new(), Vec::new()),
        };
        EventContext {
            anchor: event.anchor.clone(),
            path: self.event_path(&event.anchor),
            date: current.date.ymd(),
            date_display: current.date.display(),
            text_html: stated.text_html.clone(),
            text_plain: inline_plain(&stated.text),
            citations_html,
            reported_later: first
                .date
                .is_before(site.briefings[first.briefing].date.calendar_day()),
            reported,
            revised: !changes.is_empty(),
            revised_in,
            withdrawn: current.withdrawn,
            withdrawal_html: current.withdrawn.then(|| current.text_html.clone()),
            withdrawal_citations_html,
            history,
        }
    }

    fn event_change_context(&self, c: &Change) -> EventChangeContext {
        let event = &self.site.timeline.events[c.event];
        let v = &event.versions[c.version];
        let prev = c.version.checked_sub(1).map(|i| &event.versions[i]);
        let mut parts = Vec::new();
        if c.kind != ChangeKind::Revised {
            parts.push(c.kind.label().to_string());
        }
        if let (true, Some(prev)) = (c.redated, prev) {
            parts.push(format!("Redated from {}", prev.date.display()));
        }
        if c.reworded {
            parts.push("Reworded".to_string());
        }
        if c.sources_changed && !c.reworded && !c.redated {
            parts.push("Sources updated".to_string());
        }
        let label = parts.join("; ");
        EventChangeContext {
            id: format!("revision-{}-{}", event.anchor, c.version + 1),
            event_path: self.event_path(&event.anchor),
            kind: c.kind.as_str(),
            label,
            briefing: self.briefing_ref(v.briefing),
            old_text_html: prev
                .filter(|p| p.text != v.text)
                .map(|p| p.text_html.clone()),
            new_text_html: v.text_html.clone(),
            new_text_plain: inline_plain(&v.text),
            date: v.date.ymd(),
            date_display: v.date.display(),
        }
    }

    fn timeline_context(&self) -> TimelineContext {
        let site = self.site;
        let t = &site.timeline;
        let mut cited: Vec<CitedSource> = Vec::new();
        let mut months: Vec<TimelineMonth> = Vec::new();
        for &e in &t.order {
            let ctx = self.event_context(e, Some(&mut cited));
            let (id, label) = t.events[e].current().date.month();
            match months.last_mut() {
                Some(m) if m.id.strip_prefix("m-") == Some(id.as_str()) => m.events.push(ctx),
                _ => months.push(TimelineMonth {
                    id: format!("m-{id}"),
                    label,
                    events: vec![ctx],
                }),
            }
        }
        let as_of = site.briefings.first().map(|b| b.date);
        TimelineContext {
            months,
            count: t.events.len(),
            changes: t
                .changes
                .iter()
                .rev()
                .filter(|c| c.kind != ChangeKind::Added)
                .map(|c| self.event_change_context(c))
                .collect(),
            references: self.references(&cited),
            feed_url: site.config.base_url.url("timeline/atom.xml"),
            as_of: as_of.map(|d| d.ymd()),
            as_of_display: as_of.map(|d| d.display()),
        }
    }

    /// `/timeline/`: every event in date order, by month.
    pub(super) fn timeline(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let timeline = self.timeline_context();
        let feed = Some(timeline.feed_url.clone());
        let mut ctx: Context = self.context(
            "timeline/",
            format!("Timeline — {}", site.config.title),
            format!(
                "Every event of the story {} follows, in date order, with its sources.",
                site.config.title
            ),
            "timeline",
            feed,
        );
        ctx.insert("timeline", &timeline);
        self.template("timeline.html", &ctx)
    }

    /// `/timeline/atom.xml`: one entry per event, the last changed first.
    pub(super) fn timeline_feed(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let t = &site.timeline;
        let base = &site.config.base_url;
        let mut entries: Vec<(chrono::DateTime<chrono::FixedOffset>, FeedEntry)> = t
            .order
            .iter()
            .map(|&e| {
                let event = &t.events[e];
                let c = self.event_context(e, None);
                let first = &site.briefings[event.versions[0].briefing];
                let last = t.last_change_of(e).map_or(first, |ch| {
                    &site.briefings[event.versions[ch.version].briefing]
                });
                let mut content = format!(
                    "<p><time datetime=\"{}\">{}</time>: {}</p>",
                    c.date, c.date_display, c.text_html
                );
                if let Some(note) = &c.withdrawal_html {
                    content.push_str(&format!("<p>Withdrawn: {note}</p>"));
                }
                content.push_str("<p>Reported in <a href=\"");
                escape_into(
                    &mut content,
                    &base.url(c.reported.path.trim_start_matches(base.root())),
                );
                content.push_str("\">");
                escape_into(&mut content, &c.reported.title);
                content.push_str(&format!("</a>, {}.</p>", c.reported.date_display));
                let title = if c.withdrawn {
                    format!("Withdrawn: {} — {}", c.date_display, c.text_plain)
                } else {
                    format!("{}: {}", c.date_display, c.text_plain)
                };
                let url = format!("{}#{}", base.url("timeline/"), c.anchor);
                let entry = FeedEntry {
                    title,
                    id: url.clone(),
                    url,
                    published: first.date.rfc3339(),
                    updated: last.date.rfc3339(),
                    authors: vec![site.config.title.clone()],
                    categories: Vec::new(),
                    summary: String::new(),
                    content,
                };
                (last.date.instant, entry)
            })
            .collect();
        // Newest change first; of equal times, as the timeline orders them.
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        let entries = entries.into_iter().map(|(_, e)| e).collect();
        let title = format!("Timeline — {}", site.config.title);
        self.feed_document(&title, "timeline/", entries)
    }

    /// Both show the whole timeline, the briefings it names and the
    /// sources it cites.
    pub(super) fn timeline_key(&self, job: Job, parts: &KeyParts) -> u64 {
        hash_of((parts.global, job, parts.timeline.page))
    }

    /// The newest events, for the home page.
    pub(super) fn timeline_brief(&self) -> Option<TimelineBrief> {
        let t = &self.site.timeline;
        let events: Vec<EventContext> = t
            .recent(RECENT_EVENTS)
            .into_iter()
            .map(|e| self.event_context(e, None))
            .collect();
        (!events.is_empty()).then(|| TimelineBrief {
            path: self.site.config.base_url.path("timeline/"),
            events,
            total: t.events.len(),
        })
    }

    /// The events a briefing added, revised, withdrew or reinstated.
    pub(super) fn briefing_events(&self, briefing: usize) -> Vec<BriefingEventContext> {
        let t = &self.site.timeline;
        t.changes_by(briefing)
            .map(|c| {
                let event = &t.events[c.event];
                let v = &event.versions[c.version];
                let text = if v.withdrawn {
                    &event.versions[..c.version]
                        .iter()
                        .rev()
                        .find(|p| !p.withdrawn)
                        .unwrap_or(v)
                        .text
                } else {
                    &v.text
                };
                BriefingEventContext {
                    kind: c.kind.as_str(),
                    label: c.kind.label().to_string(),
                    path: self.event_path(&event.anchor),
                    date: v.date.ymd(),
                    date_display: v.date.display(),
                    text_plain: inline_plain(text),
                }
            })
            .collect()
    }

    /// Events whose current or past versions cite `source_id`, in date order.
    pub(super) fn source_events(&self, source_id: &str) -> Vec<EventContext> {
        self.site
            .timeline
            .citing(source_id)
            .map(|e| self.event_context(e, None))
            .collect()
    }
}
