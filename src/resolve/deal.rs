//! The deal: `[[deal]]` points versioned by id across briefings, which the
//! explainer page shows (its intro is `content/explainer.md`, a
//! [`crate::parse::ExplainerIntro`]).
//!
//! In: the published briefings. Out: a [`Deal`]: every point with its
//! versions, and every change, plus diagnostics.
//!
//! Briefings are read oldest first (by date, then by file path for
//! briefings of the same date); for each id the newest version is current
//! and earlier ones are its history. Every version that changes something
//! — a new point, a rewording, a move to another kind, a withdrawal or a
//! reinstatement — is a [`Change`].

use std::collections::HashMap;

use crate::diag::{Diagnostic, Severity};
use crate::parse::{Briefing, DealKind};

/// One briefing's statement of a point.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// Index into `Site::briefings`.
    pub briefing: usize,
    pub kind: DealKind,
    pub text: String,
    pub text_html: String,
    pub cite: Vec<String>,
    pub withdrawn: bool,
}

/// A point and every version of it, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Point {
    pub id: String,
    pub versions: Vec<Version>,
}

impl Point {
    pub fn current(&self) -> &Version {
        self.versions
            .last()
            .expect("a point has at least one version")
    }
}

/// What a version changed: of an explainer point here, and of a timeline
/// event ([`super::timeline`]), which are versioned alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Added,
    /// Wording, kind, date or sources changed (see the flags on the change).
    Revised,
    Withdrawn,
    Reinstated,
}

impl ChangeKind {
    /// What a later statement of a point or event does to the one before:
    /// `changed` says whether anything besides withdrawal differs. `None`
    /// for a restatement that changes nothing (or stays withdrawn).
    pub fn between(was_withdrawn: bool, is_withdrawn: bool, changed: bool) -> Option<ChangeKind> {
        match (was_withdrawn, is_withdrawn) {
            (false, true) => Some(ChangeKind::Withdrawn),
            (true, false) => Some(ChangeKind::Reinstated),
            (true, true) => None,
            (false, false) => changed.then_some(ChangeKind::Revised),
        }
    }

    /// `added`, `revised`, `withdrawn`, `reinstated`: its CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Revised => "revised",
            ChangeKind::Withdrawn => "withdrawn",
            ChangeKind::Reinstated => "reinstated",
        }
    }

    /// `Added`, `Revised`, …: as a label.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "Added",
            ChangeKind::Revised => "Revised",
            ChangeKind::Withdrawn => "Withdrawn",
            ChangeKind::Reinstated => "Reinstated",
        }
    }
}

/// One entry of "What changed".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// Index into `Explainer::points`.
    pub point: usize,
    pub point_id: String,
    /// Index into the point's versions.
    pub version: usize,
    pub kind: ChangeKind,
    pub reworded: bool,
    pub moved: bool,
    pub sources_changed: bool,
}

/// The resolved explainer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Deal {
    /// In order of first statement.
    pub points: Vec<Point>,
    /// Oldest first; render newest first.
    pub changes: Vec<Change>,
}

impl Deal {
    /// Points currently in force (not withdrawn), of one kind, in order of first statement.
    pub fn current(&self, kind: DealKind) -> impl Iterator<Item = (usize, &Point)> {
        self.points
            .iter()
            .enumerate()
            .filter(move |(_, p)| !p.current().withdrawn && p.current().kind == kind)
    }

    /// The changes one briefing made.
    pub fn changes_by(&self, briefing: usize) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |c| self.points[c.point].versions[c.version].briefing == briefing)
    }

    /// The version that last changed the point.
    pub fn last_change_of(&self, point: usize) -> Option<&Change> {
        self.changes.iter().rev().find(|c| c.point == point)
    }

    /// The version of `point` that, as it stood at its version `version`,
    /// last changed it (0: it was as first stated). A restatement that
    /// changed nothing is no change.
    pub fn changed_by_version(&self, point: usize, version: usize) -> usize {
        self.changes
            .iter()
            .rev()
            .find(|c| c.point == point && c.version <= version)
            .map_or(0, |c| c.version)
    }
}

/// Ids the explainer page uses for itself; a point may not take them.
pub fn is_reserved_id(id: &str) -> bool {
    [
        "main",
        "what-changed",
        "references-title",
        "explainer-intro",
        "withdrawn",
    ]
    .contains(&id)
        || ["ref-", "cite-", "fn-", "fnref-", "section-", "change-"]
            .iter()
            .any(|p| id.starts_with(p))
}

/// Builds the deal from briefings (newest first, as in `Site`).
pub fn resolve(briefings: &[std::sync::Arc<Briefing>], diags: &mut Vec<Diagnostic>) -> Deal {
    // Oldest first; ties by path, as documented.
    let mut order: Vec<usize> = (0..briefings.len()).collect();
    order.sort_by(|&a, &b| {
        briefings[a].date.cmp(&briefings[b].date).then_with(|| {
            briefings[a]
                .path
                .as_os_str()
                .cmp(briefings[b].path.as_os_str())
        })
    });
    let mut deal = Deal::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    for &bi in &order {
        let b = &briefings[bi];
        for d in &b.deal {
            if is_reserved_id(&d.id) {
                diags.push(
                    Diagnostic::at_position(
                        Severity::Error,
                        &b.path,
                        &d.id_at,
                        format!("deal point id `{}` is reserved by the explainer page", d.id),
                    )
                    .with_help("choose another id"),
                );
                continue;
            }
            let version = Version {
                briefing: bi,
                kind: d.kind,
                text: d.text.clone(),
                text_html: d.text_html.clone(),
                cite: d.cite.iter().map(|(id, _)| id.clone()).collect(),
                withdrawn: d.withdrawn,
            };
            let Some(&pi) = index.get(&d.id) else {
                if d.withdrawn {
                    diags.push(
                        Diagnostic::at_position(
                            Severity::Error,
                            &b.path,
                            &d.id_at,
                            format!(
                                "withdraws deal point `{}`, which no earlier briefing states",
                                d.id
                            ),
                        )
                        .with_help(withdraw_help(&d.id, index.keys().map(String::as_str))),
                    );
                    continue;
                }
                index.insert(d.id.clone(), deal.points.len());
                deal.changes.push(Change {
                    point: deal.points.len(),
                    point_id: d.id.clone(),
                    version: 0,
                    kind: ChangeKind::Added,
                    reworded: false,
                    moved: false,
                    sources_changed: false,
                });
                deal.points.push(Point {
                    id: d.id.clone(),
                    versions: vec![version],
                });
                continue;
            };
            let point = &mut deal.points[pi];
            let prev = point.current();
            let reworded = prev.text != version.text;
            let moved = prev.kind != version.kind;
            let sources_changed = prev.cite != version.cite;
            let kind = ChangeKind::between(
                prev.withdrawn,
                version.withdrawn,
                reworded || moved || sources_changed,
            );
            point.versions.push(version);
            if let Some(kind) = kind {
                deal.changes.push(Change {
                    point: pi,
                    point_id: point.id.clone(),
                    version: point.versions.len() - 1,
                    kind,
                    reworded: reworded && kind != ChangeKind::Withdrawn,
                    moved: moved && kind != ChangeKind::Withdrawn,
                    sources_changed: sources_changed && kind != ChangeKind::Withdrawn,
                });
            }
        }
    }
    deal
}

fn withdraw_help<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> String {
    crate::diag::suggestion(id, known).unwrap_or_else(|| {
        "a point must be stated in an earlier briefing before it can be withdrawn".into()
    })
}
