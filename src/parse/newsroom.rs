//! Newsroom front matter: a briefing's `authors` and `[[correction]]`s,
//! and the authors' registry, `content/authors.toml`.
//!
//! In: the raw front matter (with spans) and `authors.toml`'s text. Out:
//! [`Correction`]s and [`AuthorRef`]s of a briefing, and [`Authors`], each
//! problem a diagnostic at its position. Whether an author id exists is
//! checked when the site is resolved, so an edit to `authors.toml` needs no
//! briefing parsed again.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::Fields;
use super::markdown;
use super::sources::Registry;
use crate::date::PubDate;
use crate::diag::{Diagnostic, FileContext, Position};
use crate::load::SourceFile;
use crate::toml_input::{self, Schema};

/// What a `[[correction]]` entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CorrectionKind {
    /// Something published was wrong (the default).
    Correction,
    /// Something new is known; nothing published was wrong.
    Update,
    /// Something published was unclear.
    Clarification,
}

impl CorrectionKind {
    pub const NAMES: &'static [&'static str] = &["correction", "update", "clarification"];

    fn parse(s: &str) -> Option<CorrectionKind> {
        Some(match s {
            "correction" => CorrectionKind::Correction,
            "update" => CorrectionKind::Update,
            "clarification" => CorrectionKind::Clarification,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// `Correction`, `Update`, `Clarification`: how a notice begins.
    pub fn label(self) -> &'static str {
        match self {
            CorrectionKind::Correction => "Correction",
            CorrectionKind::Update => "Update",
            CorrectionKind::Clarification => "Clarification",
        }
    }
}

/// One dated notice on a published briefing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Correction {
    pub date: PubDate,
    pub kind: CorrectionKind,
    /// Inline markdown, as written.
    pub text: String,
    /// `text` rendered (trusted HTML, no enclosing paragraph).
    pub text_html: String,
    /// Source ids it cites, with where each was written.
    pub cite: Vec<(String, Position)>,
}

/// An author id in a briefing's `authors`, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuthorRef {
    pub id: String,
    pub at: Position,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCorrection {
    date: Option<Spanned<Datetime>>,
    kind: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    cite: Option<Vec<Spanned<String>>>,
}

pub(super) static CORRECTION_SCHEMA: Schema = Schema::Table(&[
    ("date", None),
    ("kind", None),
    ("text", None),
    ("cite", None),
]);

/// A briefing's `authors`: each id once, with its position.
pub(super) fn author_refs(f: &mut Fields, raw: Vec<Spanned<String>>) -> Vec<AuthorRef> {
    let mut refs: Vec<AuthorRef> = Vec::with_capacity(raw.len());
    for id in raw {
        let span = f.span(&id);
        let id = id.into_inner().trim().to_string();
        if refs.iter().any(|r| r.id == id) {
            let d = f
                .ctx
                .warning(span, format!("author `{id}` is listed twice"));
            f.diags.push(d);
            continue;
        }
        refs.push(AuthorRef {
            at: f.ctx.position(span),
            id,
        });
    }
    refs
}

/// The briefing's corrections, newest first. `published` is the
/// briefing's own date: a correction cannot come before it.
pub(super) fn corrections(
    f: &mut Fields,
    raw: Vec<Spanned<RawCorrection>>,
    published: Option<PubDate>,
    registry: &Registry,
) -> Vec<Correction> {
    let mut out: Vec<Correction> = raw
        .into_iter()
        .filter_map(|c| correction(f, c, published, registry))
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.date));
    out
}

fn correction(
    f: &mut Fields,
    raw: Spanned<RawCorrection>,
    published: Option<PubDate>,
    registry: &Registry,
) -> Option<Correction> {
    let whole = f.span(&raw);
    let header = whole.start..whole.start + 14;
    let raw = raw.into_inner();
    let date = match &raw.date {
        Some(d) => {
            let date = f.date(d);
            if let (Some(date), Some(published)) = (date, published)
                && date.calendar_day() < published.calendar_day()
            {
                let span = f.span(d);
                f.error(
                    span,
                    format!(
                        "correction dated {}, before the briefing ({})",
                        date.display(),
                        published.display()
                    ),
                    Some(
                        "a correction comes on or after the day its briefing was published".into(),
                    ),
                );
            }
            date
        }
        None => {
            f.error(
                header.clone(),
                "correction without a `date`",
                Some("add `date = 2025-06-12`: the day it was corrected".into()),
            );
            None
        }
    };
    let kind = match &raw.kind {
        None => Some(CorrectionKind::Correction),
        Some(k) => match CorrectionKind::parse(k.get_ref()) {
            Some(kind) => Some(kind),
            None => {
                let span = f.span(k);
                let help =
                    crate::diag::suggestion(k.get_ref(), CorrectionKind::NAMES.iter().copied())
                        .unwrap_or_else(|| "use `correction`, `update` or `clarification`".into());
                f.error(
                    span,
                    format!("unknown correction kind `{}`", k.get_ref()),
                    Some(help),
                );
                None
            }
        },
    };
    let text = match raw.text {
        Some(t) => f.inline_text(t, "correction", "say what was wrong and what is right, e.g. `An earlier version said …; the source says ….`"),
        None => {
            f.error(
                header,
                "correction without a `text`",
                Some("add `text = \"An earlier version said …\"`".into()),
            );
            None
        }
    };
    let cite: Vec<(String, Position)> = raw
        .cite
        .unwrap_or_default()
        .into_iter()
        .map(|id| {
            let at = f.ctx.position(f.span(&id));
            (id.into_inner(), at)
        })
        .collect();
    f.check_cites(&cite, registry, date, "in correction");
    let (text, text_html) = text?;
    Some(Correction {
        date: date?,
        kind: kind?,
        text,
        text_html,
        cite,
    })
}

/// One author of `content/authors.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Author {
    pub id: String,
    pub name: String,
    /// Inline markdown rendered (trusted HTML), if a bio is given.
    pub bio_html: Option<String>,
    /// The bio as plain text, for meta descriptions and feeds.
    pub bio_plain: Option<String>,
    pub url: Option<String>,
    /// A desk or a newsroom rather than a person (`kind = "organization"`).
    pub organization: bool,
}

/// `content/authors.toml`: who may be named in a byline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Authors {
    pub path: PathBuf,
    /// In the order written.
    pub authors: Vec<Author>,
    /// Ids of entries with errors: naming one is not a second error.
    pub invalid: Vec<String>,
}

impl Authors {
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.authors.iter().position(|a| a.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.authors.iter().map(|a| a.id.as_str())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthor {
    name: Option<Spanned<String>>,
    bio: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
}

static AUTHOR_SCHEMA: Schema =
    Schema::Table(&[("name", None), ("bio", None), ("url", None), ("kind", None)]);

/// An author's `kind`s; the first is the default.
const AUTHOR_KINDS: [&str; 2] = ["person", "organization"];
static AUTHORS_SCHEMA: Schema = Schema::MapOf(&AUTHOR_SCHEMA);

/// Parses `content/authors.toml`. Entries with errors are reported and
/// left out (their ids kept in `invalid`).
pub fn parse_authors(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Authors {
    let ctx = FileContext::new(&file.path, &file.text);
    let mut authors = Authors {
        path: file.path.clone(),
        ..Authors::default()
    };
    let Some(raw) = toml_input::parse::<BTreeMap<Spanned<String>, Spanned<RawAuthor>>>(
        &ctx,
        &file.text,
        0,
        &AUTHORS_SCHEMA,
        "authors.toml",
        diags,
    ) else {
        let (table, _) = toml::de::DeTable::parse_recoverable(&file.text);
        authors.invalid = table
            .get_ref()
            .keys()
            .map(|k| k.get_ref().to_string())
            .collect();
        return authors;
    };
    let mut entries: Vec<(Spanned<String>, Spanned<RawAuthor>)> = raw.into_iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, raw) in entries {
        let id = key.get_ref().clone();
        let before = diags.len();
        if !crate::slug::is_valid(&id) {
            diags.push(
                ctx.error(
                    key.span(),
                    format!("author id `{id}` is not a valid URL segment"),
                )
                .with_help(format!(
                    "use lowercase letters, digits and hyphens, e.g. `{}`",
                    crate::slug::slugify(&id)
                )),
            );
        }
        let raw = raw.into_inner();
        let name = match raw.name {
            Some(n) if !n.get_ref().trim().is_empty() => Some(n.into_inner().trim().to_string()),
            Some(n) => {
                diags.push(ctx.error(n.span(), "`name` must not be empty"));
                None
            }
            None => {
                diags.push(
                    ctx.error(key.span(), format!("author `{id}` has no `name`"))
                        .with_help("add `name = \"…\"`: the name a byline shows"),
                );
                None
            }
        };
        let bio = raw.bio.map(|b| {
            let span = b.span();
            let html = markdown::inline_html(b.get_ref(), |problem| {
                let (message, help) = problem.describe("bio", false);
                diags.push(ctx.error(span.clone(), message).with_help(help));
            });
            (html, markdown::inline_plain(b.get_ref()))
        });
        let url = raw.url.and_then(|u| {
            let ok = u.get_ref().starts_with("https://") || u.get_ref().starts_with("http://");
            if !ok {
                diags.push(
                    ctx.error(u.span(), "`url` must be an http(s) URL")
                        .with_help("write it as `https://…`"),
                );
            }
            ok.then(|| u.into_inner())
        });
        let organization = raw.kind.is_some_and(|k| match k.get_ref().as_str() {
            "organization" => true,
            "person" => false,
            other => {
                let help = crate::diag::suggestion(other, AUTHOR_KINDS)
                    .unwrap_or_else(|| "use `person` (the default) or `organization`".into());
                diags.push(
                    ctx.error(k.span(), format!("unknown author kind `{other}`"))
                        .with_help(help),
                );
                false
            }
        });
        match name.filter(|_| diags.len() == before) {
            Some(name) => authors.authors.push(Author {
                id,
                name,
                bio_html: bio.as_ref().map(|(h, _)| h.clone()),
                bio_plain: bio.map(|(_, p)| p),
                url,
                organization,
            }),
            None => authors.invalid.push(id),
        }
    }
    authors
}
