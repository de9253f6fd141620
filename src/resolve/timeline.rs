//! The story's timeline: every briefing's `[[event]]` entries, versioned
//! by id across briefings as the explainer's points are (see
//! [`super::deal`]).
//!
//! In: the published briefings. Out: a [`Timeline`]: every event with its
//! versions, the events in date order, and every revision and withdrawal,
//! plus diagnostics (a withdrawal of an id no earlier briefing states).
//!
//! Briefings are read oldest first (by date, then by file path). An event
//! without an id is stated once, by one briefing. An event with an id is
//! current as its newest briefing states it; earlier statements are its
//! history, and each statement that changes its date, wording or sources,
//! withdraws or reinstates it is a [`Change`].

use std::collections::HashMap;
use std::sync::Arc;

use crate::date::When;
use crate::diag::{Diagnostic, Severity};
use crate::parse::Briefing;

/// One briefing's statement of an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// Index into `Site::briefings`.
    pub briefing: usize,
    /// When it happened, a day or a month (a withdrawal that gives no
    /// date keeps the last).
    pub date: When,
    pub text: String,
    pub text_html: String,
    pub cite: Vec<String>,
    pub withdrawn: bool,
}

/// An event and every statement of it, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// The writer's id; `None` for an event stated once, without one.
    pub id: Option<String>,
    /// Its element id on `/timeline/`: `event-<id>`, or
    /// `e-<briefing slug>-<n>` for the n-th event a briefing writes
    /// without an id (the prefixes keep the two apart).
    pub anchor: String,
    pub versions: Vec<Version>,
}

impl Event {
    pub fn current(&self) -> &Version {
        self.versions
            .last()
            .expect("an event has at least one version")
    }

    /// The last version that states the event rather than withdrawing it.
    pub fn last_stated(&self) -> &Version {
        self.versions
            .iter()
            .rev()
            .find(|v| !v.withdrawn)
            .unwrap_or_else(|| self.current())
    }
}

pub use super::deal::ChangeKind;

/// One change to the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// Index into [`Timeline::events`].
    pub event: usize,
    /// Index into the event's versions.
    pub version: usize,
    pub kind: ChangeKind,
    pub redated: bool,
    pub reworded: bool,
    pub sources_changed: bool,
}

/// The resolved timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Timeline {
    /// In order of first statement.
    pub events: Vec<Event>,
    /// Indices into `events` in date order (oldest first): by current
    /// date, then by first statement.
    pub order: Vec<usize>,
    /// Oldest first.
    pub changes: Vec<Change>,
}

impl Timeline {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The changes one briefing made.
    pub fn changes_by(&self, briefing: usize) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |c| self.events[c.event].versions[c.version].briefing == briefing)
    }

    /// Events whose current or past versions cite `source_id`, in date order.
    pub fn citing<'a>(&'a self, source_id: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.order.iter().copied().filter(move |&e| {
            self.events[e]
                .versions
                .iter()
                .any(|v| v.cite.iter().any(|c| c == source_id))
        })
    }

    /// The `n` most recent events in force (not withdrawn), newest first.
    pub fn recent(&self, n: usize) -> Vec<usize> {
        self.order
            .iter()
            .rev()
            .copied()
            .filter(|&e| !self.events[e].current().withdrawn)
            .take(n)
            .collect()
    }

    /// The change that made the event's current version, if any.
    pub fn last_change_of(&self, event: usize) -> Option<&Change> {
        self.changes.iter().rev().find(|c| c.event == event)
    }

    /// Adds an event first stated now, and the change that added it.
    fn add(&mut self, event: Event) {
        self.changes.push(Change {
            event: self.events.len(),
            version: 0,
            kind: ChangeKind::Added,
            redated: false,
            reworded: false,
            sources_changed: false,
        });
        self.events.push(event);
    }
}

/// Briefing indices oldest first: by date, then by file path, as the
/// explainer reads them.
fn oldest_first(briefings: &[Arc<Briefing>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..briefings.len()).collect();
    order.sort_by(|&a, &b| {
        briefings[a].date.cmp(&briefings[b].date).then_with(|| {
            briefings[a]
                .path
                .as_os_str()
                .cmp(briefings[b].path.as_os_str())
        })
    });
    order
}

/// Builds the timeline from briefings (newest first, as in `Site`).
pub fn resolve(briefings: &[Arc<Briefing>], diags: &mut Vec<Diagnostic>) -> Timeline {
    let mut timeline = Timeline::default();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for bi in oldest_first(briefings) {
        let b = &briefings[bi];
        let mut unnamed = 0;
        for e in &b.events {
            let Some(id) = &e.id else {
                unnamed += 1;
                let Some(date) = e.date else { continue };
                timeline.add(Event {
                    id: None,
                    anchor: format!("e-{}-{unnamed}", b.slug),
                    versions: vec![version(bi, date, e)],
                });
                continue;
            };
            let Some(&ei) = index.get(id.as_str()) else {
                match (e.withdrawn, e.date) {
                    (false, Some(date)) => {
                        index.insert(id, timeline.events.len());
                        timeline.add(Event {
                            id: Some(id.clone()),
                            anchor: format!("event-{id}"),
                            versions: vec![version(bi, date, e)],
                        });
                    }
                    _ => {
                        let help = crate::diag::suggestion(id, index.keys().copied())
                            .unwrap_or_else(|| {
                                "an event must be stated in an earlier briefing before it can be withdrawn".into()
                            });
                        diags.push(
                            Diagnostic::at_position(
                                Severity::Error,
                                &b.path,
                                &e.at,
                                format!("withdraws event `{id}`, which no earlier briefing states"),
                            )
                            .with_help(help),
                        );
                    }
                }
                continue;
            };
            let event = &mut timeline.events[ei];
            let prev = event.current();
            let next = version(bi, e.date.unwrap_or(prev.date), e);
            let redated = prev.date != next.date;
            let reworded = prev.text != next.text;
            let sources_changed = prev.cite != next.cite;
            let kind = ChangeKind::between(
                prev.withdrawn,
                next.withdrawn,
                redated || reworded || sources_changed,
            );
            event.versions.push(next);
            if let Some(kind) = kind {
                let revision = kind != ChangeKind::Withdrawn;
                timeline.changes.push(Change {
                    event: ei,
                    version: event.versions.len() - 1,
                    kind,
                    redated: redated && revision,
                    reworded: reworded && revision,
                    sources_changed: sources_changed && revision,
                });
            }
        }
    }
    let mut order: Vec<usize> = (0..timeline.events.len()).collect();
    // Stable: events of one date stay in the order they were first stated;
    // an event known only by its month comes before that month's days.
    order.sort_by_key(|&e| timeline.events[e].current().date);
    timeline.order = order;
    timeline
}

fn version(briefing: usize, date: When, e: &crate::parse::Event) -> Version {
    Version {
        briefing,
        date,
        text: e.text.clone(),
        text_html: e.text_html.clone(),
        cite: e.cite.iter().map(|(id, _)| id.clone()).collect(),
        withdrawn: e.withdrawn,
    }
}
