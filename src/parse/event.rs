//! `[[event]]` entries of a briefing's front matter: the story's timeline,
//! as each briefing states it.
//!
//! In: the raw TOML tables (with their spans) and the registry. Out:
//! validated [`Event`]s, or diagnostics at their `path:line:col`. An event
//! with an `id` may be restated, revised or withdrawn by a later briefing;
//! that versioning across briefings is [`crate::resolve::timeline`]'s.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;
use toml::Value;

use super::Fields;
use super::sources::Registry;
use crate::date::{PubDate, When};
use crate::diag::{Diagnostic, Position, Severity};
use crate::toml_input::Schema;

/// One `[[event]]` as a briefing states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// The writer's stable id, when a later briefing may revise it.
    pub id: Option<String>,
    /// Where the event is written: its `id`, else its `[[event]]` header.
    pub at: Position,
    /// When it happened: a day, or only a month. `None` only for a
    /// withdrawal, which keeps the date the event had.
    pub date: Option<When>,
    /// Inline markdown, as written (compared across versions); for a
    /// withdrawal, the note saying why.
    pub text: String,
    /// `text` rendered (trusted HTML, no enclosing paragraph).
    pub text_html: String,
    /// Source ids with where each was written.
    pub cite: Vec<(String, Position)>,
    pub withdrawn: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    id: Option<Spanned<String>>,
    date: Option<Spanned<Value>>,
    text: Option<Spanned<String>>,
    cite: Option<Spanned<Vec<Spanned<String>>>>,
    status: Option<Spanned<String>>,
}

pub(super) static EVENT_SCHEMA: Schema = Schema::Table(&[
    ("date", None),
    ("text", None),
    ("cite", None),
    ("id", None),
    ("status", None),
]);

/// `[[event]]`, the length of the header a table-level problem points at.
const HEADER: usize = "[[event]]".len();

/// Validates a briefing's events, then checks them together: unknown
/// sources and an id stated twice in one briefing. `written` is the
/// briefing's date: an event after it, or a source published after it, is
/// a warning (an error under `--strict`).
pub(super) fn events(
    f: &mut Fields,
    raw: Vec<Spanned<RawEvent>>,
    registry: &Registry,
    written: Option<PubDate>,
) -> Vec<Event> {
    let events: Vec<Event> = raw
        .into_iter()
        .filter_map(|e| event(f, e, written))
        .collect();
    check(f, &events, registry, written);
    events
}

fn event(f: &mut Fields, raw: Spanned<RawEvent>, written: Option<PubDate>) -> Option<Event> {
    let whole = f.span(&raw);
    let header = whole.start..whole.start + HEADER;
    let raw = raw.into_inner();
    let has_id = raw.id.is_some();
    let before = f.ok;
    f.ok = true;
    let id = raw.id.and_then(|id| f.anchor_id(id, "event"));
    let withdrawn = match &raw.status {
        None => false,
        Some(s) if s.get_ref() == "withdrawn" => {
            if !has_id {
                let span = f.span(s);
                f.error(
                    span,
                    "an event without an `id` cannot be withdrawn",
                    Some("add the `id` of the event this withdraws: `id = \"…\"`".into()),
                );
            }
            true
        }
        Some(s) => {
            let span = f.span(s);
            f.error(
                span,
                format!("unknown status `{}`", s.get_ref()),
                Some("the only status is `withdrawn`".into()),
            );
            false
        }
    };
    let date = match &raw.date {
        Some(d) => {
            let date = when(f, d);
            if let (Some(date), Some(written)) = (date, written)
                && date.starts_after(written.calendar_day())
            {
                let d = Diagnostic {
                    severity: Severity::Warning,
                    ..f.ctx.error(
                        f.span(d),
                        format!(
                            "event dated {}, after this briefing ({})",
                            date.display(),
                            written.display()
                        ),
                    )
                }
                .with_help(
                    "a briefing reports what has happened by its date: check the date, or state the event in a later briefing",
                );
                f.diags.push(d);
            }
            date
        }
        None if withdrawn => None,
        None => {
            f.error(
                header.clone(),
                "event without a `date`",
                Some(
                    "add `date = 2025-06-09` (the day it happened), or `date = \"2025-05\"` if the sources give only the month"
                        .into(),
                ),
            );
            None
        }
    };
    let text = match raw.text {
        Some(t) => f.inline_text(t, "event", "say in one sentence what happened"),
        None => {
            let help = if withdrawn {
                "add `text = \"…\"`: a note saying why it is withdrawn"
            } else {
                "add `text = \"…\"`: what happened, in one sentence"
            };
            f.error(header.clone(), "event without a `text`", Some(help.into()));
            None
        }
    };
    let cite = match raw.cite {
        Some(c) if !c.get_ref().is_empty() => c
            .into_inner()
            .into_iter()
            .map(|s| {
                let at = f.ctx.position(f.span(&s));
                (s.into_inner(), at)
            })
            .collect(),
        Some(c) => {
            let span = f.span(&c);
            f.error(
                span,
                "event cites no source",
                Some("add at least one source id: `cite = [\"id\"]`".into()),
            );
            Vec::new()
        }
        None => {
            f.error(
                header.clone(),
                "event without `cite`",
                Some("add `cite = [\"source-id\"]`: every event is sourced".into()),
            );
            Vec::new()
        }
    };
    let ok = f.ok;
    f.ok = before && ok;
    let (text, text_html) = text?;
    if !ok {
        return None;
    }
    let (id, at) = match id {
        Some((id, at)) => (Some(id), at),
        None => (None, f.ctx.position(header)),
    };
    Some(Event {
        id,
        at,
        date,
        text,
        text_html,
        cite,
        withdrawn,
    })
}

/// An event's `date`: a TOML date (or date-time), or a `"YYYY-MM"` string
/// when the sources give only the month.
fn when(f: &mut Fields, d: &Spanned<Value>) -> Option<When> {
    let span = f.span(d);
    match d.get_ref() {
        Value::Datetime(dt) => {
            let day = Spanned::new(d.span(), *dt);
            f.date(&day).map(When::Day)
        }
        Value::String(s) => {
            if let Some(month) = When::month_of(s) {
                return Some(month);
            }
            let help = if s.parse::<toml::value::Datetime>().is_ok() {
                format!("write a day without quotes: `date = {s}`")
            } else {
                "write a day as `date = 2025-06-09`, or only the month as `date = \"2025-05\"`"
                    .to_string()
            };
            f.error(
                span,
                format!("event date `{s}` is not a day or a month"),
                Some(help),
            );
            None
        }
        other => {
            f.error(
                span,
                format!(
                    "event date is {}, not a day or a month",
                    a_or_an(other.type_str())
                ),
                Some(
                    "write a day as `date = 2025-06-09`, or only the month as `date = \"2025-05\"`"
                        .into(),
                ),
            );
            None
        }
    }
}

/// `an integer`, `a table`: a TOML type with its article.
fn a_or_an(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}

/// Problems between a briefing's events, and with the sources they cite.
fn check(f: &mut Fields, events: &[Event], registry: &Registry, written: Option<PubDate>) {
    let mut seen: HashMap<&str, &Position> = HashMap::new();
    for event in events {
        f.check_cites(&event.cite, registry, written, "in an event");
        let Some(id) = &event.id else { continue };
        match seen.get(id.as_str()) {
            Some(first) => {
                let d = Diagnostic::at_position(
                    Severity::Error,
                    f.ctx.path,
                    &event.at,
                    format!("event `{id}` appears twice in this briefing"),
                )
                .with_help(format!(
                    "the first is at line {}; merge them or give this one another id",
                    first.line
                ));
                f.diags.push(d);
                f.ok = false;
            }
            None => {
                seen.insert(id, &event.at);
            }
        }
    }
}
