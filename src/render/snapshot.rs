//! The explainer as it stood at the end of a day: `/explainer/<YYYY-MM-DD>/`
//! for every day a point was added, revised, moved, withdrawn or
//! reinstated (see [`crate::resolve::snapshots`]). Each page shows the
//! lists of that day, what the day changed, and how today differs; its
//! renderer and its key sit side by side.

use tera::Context;

use super::context::*;
use super::keys::KeyParts;
use super::{Job, Renderer};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;
use crate::parse::markdown::inline_plain;
use crate::parse::{CitedSource, DealKind};
use crate::resolve::deal::Version;

use super::explainer::kind_label;

impl Renderer<'_> {
    /// The root-relative path of the snapshot of `day` (`YYYY-MM-DD`).
    pub(super) fn snapshot_path(&self, day: &str) -> String {
        self.site.config.base_url.path(&format!("explainer/{day}/"))
    }

    pub(super) fn snapshot_link(&self, k: usize) -> SnapshotLink {
        let s = &self.site.snapshots[k];
        SnapshotLink {
            date: s.day.clone(),
            date_display: s.date.display(),
            path: self.snapshot_path(&s.day),
            changes: s.changes.len(),
        }
    }

    /// The snapshot of a day, if the explainer changed that day.
    fn snapshot_of_day(&self, day: &str) -> Option<usize> {
        self.site
            .snapshots
            .binary_search_by(|s| s.day.as_str().cmp(day))
            .ok()
    }

    /// Point `p` as it stood at version `v`, with its citations numbered in
    /// `cited`.
    fn point_as_of(&self, p: usize, v: usize, cited: &mut Vec<CitedSource>) -> DealPointContext {
        let deal = &self.site.deal;
        let point = &deal.points[p];
        let version = &point.versions[v];
        let last = deal.changed_by_version(p, v);
        DealPointContext {
            id: point.id.clone(),
            path: format!(
                "{}#{}",
                self.site.config.base_url.path("explainer/"),
                point.id
            ),
            kind: version.kind.as_str(),
            text_html: version.text_html.clone(),
            text_plain: inline_plain(&version.text),
            citations_html: self.cite_markers(cited, &version.cite),
            first_stated: self.briefing_ref(point.versions[0].briefing),
            last_revised: self.briefing_ref(point.versions[last].briefing),
            revised: last > 0,
            withdrawn: version.withdrawn,
        }
    }

    /// How point `p` differs today from version `then` (`None`: not yet
    /// stated), if it does.
    fn compare(&self, p: usize, then: Option<usize>) -> Option<PointComparison> {
        let deal = &self.site.deal;
        let point = &deal.points[p];
        let now = point.current();
        let then: Option<&Version> = then.map(|v| &point.versions[v]);
        let same = |a: &Version, b: &Version| {
            a.kind == b.kind && a.text == b.text && a.cite == b.cite && a.withdrawn == b.withdrawn
        };
        let (kind, label) = match then {
            Some(t) if same(t, now) => return None,
            None if now.withdrawn => return None,
            Some(t) if t.withdrawn && now.withdrawn => return None,
            None => ("added", format!("Added to {}", kind_label(now.kind))),
            Some(t) if t.withdrawn => ("reinstated", "Reinstated".to_string()),
            Some(_) if now.withdrawn => ("withdrawn", "Withdrawn".to_string()),
            Some(t) => {
                let mut parts = Vec::new();
                if t.kind != now.kind {
                    parts.push(format!(
                        "Moved from {} to {}",
                        kind_label(t.kind),
                        kind_label(now.kind)
                    ));
                }
                if t.text != now.text {
                    parts.push("Reworded".to_string());
                }
                if parts.is_empty() {
                    parts.push("Sources updated".to_string());
                }
                ("revised", parts.join("; "))
            }
        };
        let last = deal.last_change_of(p)?;
        let day = point.versions[last.version].briefing;
        let changed = self.snapshot_of_day(&self.site.briefings[day].date.ymd())?;
        Some(PointComparison {
            id: point.id.clone(),
            path: format!(
                "{}#{}",
                self.site.config.base_url.path("explainer/"),
                point.id
            ),
            kind,
            label,
            then_html: then.map(|t| t.text_html.clone()),
            now_html: now.text_html.clone(),
            now_plain: inline_plain(&now.text),
            changed: self.snapshot_link(changed),
        })
    }

    fn snapshot_context(&self, k: usize) -> SnapshotContext {
        let site = self.site;
        let deal = &site.deal;
        let snapshot = &site.snapshots[k];
        let mut cited: Vec<CitedSource> = Vec::new();
        let mut lists = Vec::new();
        for kind in [DealKind::Is, DealKind::IsNot, DealKind::Open] {
            let list: Vec<DealPointContext> = snapshot
                .versions
                .iter()
                .enumerate()
                .filter_map(|(p, v)| v.map(|v| (p, v)))
                .filter(|&(p, v)| {
                    let version = &deal.points[p].versions[v];
                    !version.withdrawn && version.kind == kind
                })
                .map(|(p, v)| self.point_as_of(p, v, &mut cited))
                .collect();
            lists.push(list);
        }
        let open = lists.pop().unwrap_or_default();
        let is_not = lists.pop().unwrap_or_default();
        let is = lists.pop().unwrap_or_default();
        SnapshotContext {
            title: self.explainer_title(),
            date: snapshot.day.clone(),
            date_display: snapshot.date.display(),
            current_path: site.config.base_url.path("explainer/"),
            previous: k.checked_sub(1).map(|j| self.snapshot_link(j)),
            next: (k + 1 < site.snapshots.len()).then(|| self.snapshot_link(k + 1)),
            is,
            is_not,
            open,
            changes: snapshot
                .changes
                .iter()
                .rev()
                .map(|&c| self.change_context(&deal.changes[c]))
                .collect(),
            compare: snapshot
                .versions
                .iter()
                .enumerate()
                .filter_map(|(p, &v)| self.compare(p, v))
                .collect(),
            references: self.references(&cited),
        }
    }

    /// `/explainer/<YYYY-MM-DD>/`.
    pub(super) fn snapshot(&self, k: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let snapshot = self.snapshot_context(k);
        let path = format!("explainer/{}/", snapshot.date);
        let mut ctx: Context = self.context(
            &path,
            format!(
                "The explainer on {} — {}",
                snapshot.date_display, site.config.title
            ),
            format!(
                "What the deal was, was not, and what was open, as {} explained it at the end of {}.",
                site.config.title, snapshot.date_display
            ),
            "snapshot",
            None,
        );
        ctx.insert("snapshot", &snapshot);
        self.template("snapshot.html", &ctx)
    }

    /// The points as they stood that day (every version up to then, the
    /// briefings named, the sources cited), the day's changes, each
    /// point's state today with the day of its last change, the
    /// neighbouring snapshots and the explainer's title.
    pub(super) fn snapshot_key(&self, k: usize, parts: &KeyParts) -> u64 {
        let site = self.site;
        let deal = &site.deal;
        let snapshot = &site.snapshots[k];
        let source = |id: &String| site.registry.index_of(id).map(|i| parts.sources[i]);
        // Each point as it stood: that version, the briefing that first
        // stated it and the one that last changed it by then.
        let then: Vec<_> = snapshot
            .versions
            .iter()
            .enumerate()
            .map(|(p, &v)| {
                v.map(|v| {
                    let point = &deal.points[p];
                    let version = &point.versions[v];
                    let last = deal.changed_by_version(p, v);
                    let sources: Vec<_> = version.cite.iter().map(source).collect();
                    (
                        &point.id,
                        version,
                        self.summary_key(point.versions[0].briefing),
                        last,
                        self.summary_key(point.versions[last].briefing),
                        sources,
                    )
                })
            })
            .collect();
        // The day's changes, with what their entries show of the version
        // before.
        let changes: Vec<_> = snapshot
            .changes
            .iter()
            .map(|&c| {
                let change = &deal.changes[c];
                let point = &deal.points[change.point];
                let v = change.version;
                let prev = v
                    .checked_sub(1)
                    .map(|p| &point.versions[p])
                    .map(|p| (&p.text, &p.text_html, p.kind));
                (
                    change,
                    prev,
                    &point.versions[v],
                    self.summary_key(point.versions[v].briefing),
                )
            })
            .collect();
        let now: Vec<_> = deal
            .points
            .iter()
            .enumerate()
            .map(|(p, point)| {
                let last = deal.last_change_of(p).map(|c| {
                    let day = site.briefings[point.versions[c.version].briefing]
                        .date
                        .ymd();
                    let changes = self
                        .snapshot_of_day(&day)
                        .map(|s| site.snapshots[s].changes.len());
                    (day, changes)
                });
                (point.current(), last)
            })
            .collect();
        let neighbours = (
            k.checked_sub(1).map(|j| self.snapshot_link(j)),
            site.snapshots.get(k + 1).map(|_| self.snapshot_link(k + 1)),
        );
        hash_of((
            parts.global,
            Job::Snapshot(k),
            &snapshot.day,
            then,
            changes,
            now,
            neighbours,
            self.explainer_title(),
        ))
    }
}
