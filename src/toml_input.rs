//! Reading TOML written by people: site.toml, front matter, sources.toml.
//!
//! One path for all three, so every TOML problem is reported the same way:
//! syntax errors (all of them, not just the first), unknown keys (all of
//! them, each with a did-you-mean), then type errors from serde, each at its
//! `path:line:col` in the file, whatever the offset of the TOML within it.
//!
//! In: TOML text, its offset in a file, and a schema of allowed keys. Out:
//! a serde type, or diagnostics.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, FileContext, did_you_mean, suggestion};

/// The keys a TOML table may have.
#[derive(Debug)]
pub enum Schema {
    /// A table with these keys; a key with a schema holds a table, or an
    /// array of tables, that must follow it.
    Table(&'static [(&'static str, Option<&'static Schema>)]),
    /// A table whose keys are free (ids) and whose values follow the schema.
    MapOf(&'static Schema),
}

/// Parses `input`, found at byte `offset` of the file in `ctx`, into `T`.
/// Problems go to `diags`; `None` means at least one error was reported.
pub fn parse<T: DeserializeOwned>(
    ctx: &FileContext,
    input: &str,
    offset: usize,
    schema: &Schema,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    parse_mapped(ctx, input, &|at| at + offset, schema, what, diags)
}

/// Like [`parse`], for TOML that is not one run of the file: `map` takes a
/// byte offset of `input` to its offset in the file (a `chart` block in a
/// list item or a quote loses its indentation or `>` on the way).
pub fn parse_mapped<T: DeserializeOwned>(
    ctx: &FileContext,
    input: &str,
    map: &dyn Fn(usize) -> usize,
    schema: &Schema,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let shift = |span: Range<usize>| map(span.start)..map(span.end).max(map(span.start));
    let (table, errors) = DeTable::parse_recoverable(input);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let written = input.get(span.clone()).unwrap_or_default();
            diags.push(
                ctx.error(
                    shift(span),
                    format!("invalid TOML in {what}: {}", one_line(e.message())),
                )
                .with_help_opt(syntax_help(written)),
            );
        }
        return None;
    }
    let mut unknown = Vec::new();
    check_keys(table.get_ref(), schema, None, &mut unknown);
    if !unknown.is_empty() {
        unknown.sort_by_key(|u| u.span.start);
        for u in unknown {
            let key = &u.key;
            let allowed = || {
                suggestion(key, u.allowed.iter().copied())
                    .unwrap_or_else(|| format!("allowed keys: {}", u.allowed.join(", ")))
            };
            let (message, help) = match (&u.table, schema) {
                // In a table of the front matter or site.toml: a key of
                // the top level written below a table header is TOML's
                // rule at work, not a misspelling.
                (Some(header), Schema::Table(top)) => {
                    let moved = |k: &str| {
                        format!(
                            "`{k}` belongs to the {what}, but TOML puts every key after a `{header}` line in that table: move it above the first line that starts with `[`"
                        )
                    };
                    let top_keys = top.iter().map(|(k, _)| *k);
                    let help = if schema.allows(key) {
                        moved(key)
                    } else if let Some(help) = suggestion(key, u.allowed.iter().copied()) {
                        help
                    } else if let Some(k) = did_you_mean(key, top_keys) {
                        format!("did you mean `{k}`? {}", moved(k))
                    } else {
                        allowed()
                    };
                    (format!("unknown key `{key}` in a `{header}` table"), help)
                }
                _ => (format!("unknown key `{key}` in {what}"), allowed()),
            };
            diags.push(ctx.error(shift(u.span), message).with_help(help));
        }
        return None;
    }
    match T::deserialize(toml::de::Deserializer::from(table)) {
        Ok(value) => Some(value),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = one_line(e.message());
            let help = type_help(&message);
            diags.push(
                ctx.error(shift(span), format!("invalid value in {what}: {message}"))
                    .with_help_opt(help),
            );
            None
        }
    }
}

impl Schema {
    /// Whether this table's schema names `key`.
    fn allows(&self, key: &str) -> bool {
        matches!(self, Schema::Table(keys) if keys.iter().any(|(k, _)| *k == key))
    }
}

/// A key the schema does not name.
struct Unknown {
    span: Range<usize>,
    key: String,
    allowed: Vec<&'static str>,
    /// The header of the table it is in (`[[deal]]`, `[highlight]`);
    /// `None` at the top level.
    table: Option<String>,
}

fn check_keys(table: &DeTable, schema: &Schema, header: Option<&str>, out: &mut Vec<Unknown>) {
    for (key, value) in table.iter() {
        let nested = match schema {
            Schema::MapOf(inner) => Some(*inner),
            Schema::Table(keys) => match keys.iter().find(|(k, _)| *k == key.get_ref().as_ref()) {
                Some((_, nested)) => *nested,
                None => {
                    out.push(Unknown {
                        span: key.span(),
                        key: key.get_ref().to_string(),
                        allowed: keys.iter().map(|(k, _)| *k).collect(),
                        table: header.map(String::from),
                    });
                    continue;
                }
            },
        };
        if let Some(nested) = nested {
            check_value(value, nested, key.get_ref(), out);
        }
    }
}

fn check_value(value: &Spanned<DeValue>, schema: &Schema, name: &str, out: &mut Vec<Unknown>) {
    match value.get_ref() {
        DeValue::Table(t) => check_keys(t, schema, Some(&format!("[{name}]")), out),
        DeValue::Array(items) => {
            let header = format!("[[{name}]]");
            for item in items.iter() {
                if let DeValue::Table(t) = item.get_ref() {
                    check_keys(t, schema, Some(&header), out);
                }
            }
        }
        // A wrong type is reported by serde with its span.
        _ => {}
    }
}

/// A fix for the TOML syntax errors writers make most: a month written
/// as a bare date (`date = 2025-05`), which only a string can hold.
fn syntax_help(written: &str) -> Option<String> {
    let month = written.trim();
    let (year, mm) = month.split_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    (digits(year, 4) && digits(mm, 2)).then(|| {
        format!(
            "TOML has no month-only date: write `\"{month}\"` (an event's month), or a whole day"
        )
    })
}

fn one_line(message: &str) -> String {
    message
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A fix for the type errors writers make most.
fn type_help(message: &str) -> Option<String> {
    if message.contains("expected a TOML datetime") || message.contains("expected a datetime") {
        Some("write dates unquoted, as `2025-06-09` or `2025-06-09T14:30:00+01:00`".into())
    } else if message.contains("expected a sequence") {
        Some("write a list, e.g. `[\"a\", \"b\"]`".into())
    } else {
        None
    }
}
