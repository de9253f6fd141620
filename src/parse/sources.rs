//! The source registry: `content/sources.toml` -> [`Registry`].
//!
//! Each `[id]` table is one source. Titles and publishers are required;
//! `kind` comes from a fixed list; dates are TOML dates; a URL must be an
//! absolute http(s) URL. A source without a URL renders without a link —
//! brief never makes one up.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::date::PubDate;
use crate::diag::{Diagnostic, FileContext, Position, suggestion};
use crate::html::escape_into;
use crate::load::SourceFile;
use crate::toml_input::{self, Schema};

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    News,
    Analysis,
    Opinion,
    Official,
    Data,
}

impl SourceKind {
    pub const NAMES: [&'static str; 5] = ["news", "analysis", "opinion", "official", "data"];

    pub fn parse(s: &str) -> Option<SourceKind> {
        Some(match s {
            "news" => SourceKind::News,
            "analysis" => SourceKind::Analysis,
            "opinion" => SourceKind::Opinion,
            "official" => SourceKind::Official,
            "data" => SourceKind::Data,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The CSL type used in the CSL-JSON export.
    pub fn csl_type(self) -> &'static str {
        match self {
            SourceKind::News => "article-newspaper",
            SourceKind::Analysis | SourceKind::Opinion => "article",
            SourceKind::Official => "report",
            SourceKind::Data => "dataset",
        }
    }
}

/// One source of the registry, validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub published: Option<PubDate>,
    pub url: Option<String>,
    pub accessed: Option<PubDate>,
    pub kind: Option<SourceKind>,
    pub note: Option<String>,
    /// Where the `[id]` table starts, for "unused source" warnings.
    pub at: Position,
    /// [`Source::reference_html`], made once: every citation marker
    /// carries it.
    html: String,
}

impl Source {
    /// The formatted reference, as HTML: publisher, title (linked when
    /// there is a URL), date, accessed date. One format everywhere.
    pub fn reference_html(&self) -> &str {
        &self.html
    }

    fn format_html(&self) -> String {
        let mut out = String::new();
        escape_into(&mut out, &self.publisher);
        out.push_str(", ");
        match &self.url {
            Some(url) => {
                out.push_str("<a href=\"");
                escape_into(&mut out, url);
                out.push_str("\"><cite>");
                escape_into(&mut out, &self.title);
                out.push_str("</cite></a>");
            }
            None => {
                out.push_str("<cite>");
                escape_into(&mut out, &self.title);
                out.push_str("</cite>");
            }
        }
        if let Some(d) = self.published {
            out.push_str(&format!(
                ", <time datetime=\"{}\">{}</time>",
                d.ymd(),
                d.display()
            ));
        }
        out.push('.');
        if let Some(d) = self.accessed {
            out.push_str(&format!(
                " Accessed <time datetime=\"{}\">{}</time>.",
                d.ymd(),
                d.display()
            ));
        }
        out
    }

    /// The formatted reference as plain text, for tooltips and feeds.
    pub fn reference_text(&self) -> String {
        let mut out = format!("{}, “{}”", self.publisher, self.title);
        if let Some(d) = self.published {
            out.push_str(&format!(", {}", d.display()));
        }
        out.push('.');
        out
    }
}

/// Every source, in file order, with an index by id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub path: PathBuf,
    pub sources: Vec<Source>,
    by_id: HashMap<String, usize, foldhash::fast::FixedState>,
    /// Ids of entries with errors (already reported): citing them is not
    /// another error, and "unknown id" would send the writer the wrong way.
    invalid: std::collections::BTreeSet<String>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&Source> {
        self.by_id.get(id).map(|&i| &self.sources[i])
    }

    /// True if the registry has an entry `id` that failed validation.
    pub fn is_invalid(&self, id: &str) -> bool {
        self.invalid.contains(id)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The ids, for did-you-mean.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| s.id.as_str())
    }

    /// A help line for an unknown id.
    pub fn help_for_unknown(&self, id: &str) -> String {
        suggestion(id, self.ids()).unwrap_or_else(|| {
            if self.sources.is_empty() {
                "add the source to content/sources.toml".to_string()
            } else {
                format!("add `[{id}]` to content/sources.toml, or cite one of its ids")
            }
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: Option<Spanned<String>>,
    publisher: Option<Spanned<String>>,
    published: Option<Spanned<Datetime>>,
    url: Option<Spanned<String>>,
    accessed: Option<Spanned<Datetime>>,
    kind: Option<Spanned<String>>,
    note: Option<String>,
}

static SOURCE_SCHEMA: Schema = Schema::Table(&[
    ("title", None),
    ("publisher", None),
    ("published", None),
    ("url", None),
    ("accessed", None),
    ("kind", None),
    ("note", None),
]);
static REGISTRY_SCHEMA: Schema = Schema::MapOf(&SOURCE_SCHEMA);

/// Parses `content/sources.toml`. Invalid entries are reported and left
/// out; the rest still form the registry, so citations of them resolve.
pub fn parse(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Registry {
    let ctx = FileContext::new(&file.path, &file.text);
    let mut registry = Registry {
        path: file.path.clone(),
        ..Registry::default()
    };
    let Some(raw) = toml_input::parse::<BTreeMap<Spanned<String>, Spanned<RawSource>>>(
        &ctx,
        &file.text,
        0,
        &REGISTRY_SCHEMA,
        "sources.toml",
        diags,
    ) else {
        // The file as a whole failed (a syntax error, an unknown key): its
        // ids still exist, so citations of them are not errors too.
        let (table, _) = toml::de::DeTable::parse_recoverable(&file.text);
        registry.invalid = table
            .get_ref()
            .keys()
            .map(|k| k.get_ref().to_string())
            .collect();
        return registry;
    };
    let mut entries: Vec<(Spanned<String>, Spanned<RawSource>)> = raw.into_iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, raw) in entries {
        let id = key.get_ref().clone();
        match validate(&ctx, key, raw, diags) {
            Some(source) => {
                registry
                    .by_id
                    .insert(source.id.clone(), registry.sources.len());
                registry.sources.push(source);
            }
            None => {
                registry.invalid.insert(id);
            }
        }
    }
    registry
}

fn validate(
    ctx: &FileContext,
    key: Spanned<String>,
    raw: Spanned<RawSource>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let before = diags.len();
    let id = key.get_ref().clone();
    let at = ctx.position(key.span());
    if !crate::slug::is_valid(&id) {
        diags.push(
            ctx.error(
                key.span(),
                format!("source id `{id}` is not a valid URL segment"),
            )
            .with_help(format!(
                "use lowercase letters, digits and hyphens, e.g. `{}`",
                crate::slug::slugify(&id)
            )),
        );
    }
    let raw = raw.into_inner();
    let mut required = |field: Option<Spanned<String>>, name: &str| match field {
        Some(v) if !v.get_ref().trim().is_empty() => Some(v.into_inner().trim().to_string()),
        Some(v) => {
            diags.push(ctx.error(v.span(), format!("`{name}` of source `{id}` is empty")));
            None
        }
        None => {
            diags.push(
                ctx.error(key.span(), format!("source `{id}` has no `{name}`"))
                    .with_help(format!("add `{name} = \"…\"` under `[{id}]`")),
            );
            None
        }
    };
    let title = required(raw.title, "title");
    let publisher = required(raw.publisher, "publisher");
    let mut date = |d: Option<Spanned<Datetime>>| {
        d.and_then(|d| match PubDate::from_toml(d.get_ref()) {
            Ok(p) => Some(p),
            Err(e) => {
                diags.push(
                    ctx.error(d.span(), format!("invalid date: {}", e.message()))
                        .with_help(e.help()),
                );
                None
            }
        })
    };
    let published = date(raw.published);
    let accessed = date(raw.accessed);
    let url = raw.url.and_then(|u| match check_url(u.get_ref()) {
        Ok(()) => Some(u.into_inner()),
        Err(why) => {
            diags.push(
                ctx.error(u.span(), format!("invalid `url` for source `{id}`: {why}"))
                    .with_help("write the full address, e.g. `https://example.org/article`, or leave `url` out"),
            );
            None
        }
    });
    let kind = raw.kind.and_then(|k| match SourceKind::parse(k.get_ref()) {
        Some(kind) => Some(kind),
        None => {
            let help = suggestion(k.get_ref(), SourceKind::NAMES)
                .unwrap_or_else(|| format!("use one of: {}", SourceKind::NAMES.join(", ")));
            diags.push(
                ctx.error(k.span(), format!("unknown source kind `{}`", k.get_ref()))
                    .with_help(help),
            );
            None
        }
    });
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let mut source = Source {
        id,
        title: title?,
        publisher: publisher?,
        published,
        url,
        accessed,
        kind,
        note: raw
            .note
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        at,
        html: String::new(),
    };
    source.html = source.format_html();
    Some(source)
}

/// An absolute http(s) URL with a host and no spaces.
fn check_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with `https://` or `http://`")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with('.') || host.starts_with(':') {
        return Err("has no host");
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
    {
        return Err("contains spaces or characters that must be encoded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(text: &str) -> (Registry, Vec<String>) {
        let file = SourceFile {
            path: "content/sources.toml".into(),
            kind: crate::load::FileKind::Sources,
            text: text.into(),
            bundle: None,
        };
        let mut diags = Vec::new();
        let r = parse(&file, &mut diags);
        (r, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn valid_registry_keeps_file_order() {
        let (r, d) = registry(
            "[zeta]\ntitle = \"Z\"\npublisher = \"P\"\nkind = \"news\"\n\n[alpha]\ntitle = \"A & B\"\npublisher = \"Q\"\npublished = 2025-06-11\nurl = \"https://example.org/a\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.ids().collect::<Vec<_>>(), ["zeta", "alpha"]);
        assert_eq!(
            r.get("alpha").unwrap().reference_html(),
            "Q, <a href=\"https://example.org/a\"><cite>A &amp; B</cite></a>, <time datetime=\"2025-06-11\">11 June 2025</time>."
        );
        assert_eq!(
            r.get("zeta").unwrap().reference_html(),
            "P, <cite>Z</cite>."
        );
    }

    #[test]
    fn every_problem_reported() {
        let (r, d) = registry("[a]\ntitle = \"T\"\npublihser = \"P\"\n");
        assert!(r.sources.is_empty());
        assert_eq!(
            d,
            [
                "content/sources.toml:3:1: error: unknown key `publihser` in sources.toml (help: did you mean `publisher`?)"
            ]
        );
        let (_, d) = registry(
            "[a]\ntitle = \"T\"\nkind = \"newz\"\nurl = \"example.org\"\n[B]\ntitle = \"x\"\npublisher = \"y\"\n",
        );
        assert_eq!(
            d,
            [
                "content/sources.toml:1:2: error: source `a` has no `publisher` (help: add `publisher = \"…\"` under `[a]`)",
                "content/sources.toml:4:7: error: invalid `url` for source `a`: must start with `https://` or `http://` (help: write the full address, e.g. `https://example.org/article`, or leave `url` out)",
                "content/sources.toml:3:8: error: unknown source kind `newz` (help: did you mean `news`?)",
                "content/sources.toml:5:2: error: source id `B` is not a valid URL segment (help: use lowercase letters, digits and hyphens, e.g. `b`)",
            ]
        );
    }
}
