//! site.toml: raw (serde, with spans) -> validated [`Config`].

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, FileContext, suggestion};
use crate::highlight;
use crate::toml_input::{self, Schema};

/// The validated site configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub base_url: BaseUrl,
    pub language: String,
    pub theme: String,
    pub paginate_by: usize,
    pub highlight: Highlight,
}

/// Syntect theme names for the generated light and dark stylesheets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub light: String,
    pub dark: String,
}

impl Highlight {
    /// The pair of themes code is highlighted with.
    pub fn themes(&self) -> highlight::Themes {
        highlight::Themes::new(&self.light, &self.dark)
    }
}

/// The themes code is highlighted with; the defaults while site.toml has
/// errors (its files are still parsed, so every problem shows at once).
pub fn highlight_themes(config: Option<&Config>) -> highlight::Themes {
    config.map(|c| c.highlight.themes()).unwrap_or_default()
}

/// The site's base URL, split into the absolute form (for feeds, canonical
/// links) and the root-relative prefix (for links inside the site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://example.org/brief/`, always ending in `/`.
    absolute: String,
    /// `/brief/`, always starting and ending in `/`.
    root: String,
}

impl BaseUrl {
    /// Parses an `http(s)://host[:port][/path]` URL with the `url` crate
    /// (WHATWG rules: scheme and host lowercased, the default port
    /// dropped, unsafe path characters percent-encoded, so the result can
    /// go into any attribute); the message says what is wrong.
    pub fn parse(input: &str) -> Result<BaseUrl, String> {
        let input = input.trim();
        let Some((scheme, rest)) = input.split_once("://") else {
            return Err("must start with `https://` or `http://`".into());
        };
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return Err("must start with `https://` or `http://`".into());
        }
        // WHATWG parsing forgives these (`https:///x` is host `x`, `\` is
        // `/`); in a config file they are typos.
        if input.contains(|c: char| c.is_whitespace() || c == '\\' || c.is_control()) {
            return Err("must not contain spaces, backslashes or control characters".into());
        }
        if rest.starts_with('/') || rest.starts_with(':') {
            return Err("needs a host name".into());
        }
        let url = url::Url::parse(input).map_err(|e| format!("is not a valid URL: {e}"))?;
        match url.host() {
            Some(url::Host::Domain(name))
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')) => {}
            Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => {}
            Some(url::Host::Domain(name)) if !name.is_empty() => {
                return Err(format!("`{name}` is not a valid host name"));
            }
            _ => return Err("needs a host name".into()),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not contain a user name or password".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("must not contain a query or a fragment".into());
        }
        let raw_path = rest.find('/').map_or("", |i| &rest[i..]);
        if raw_path.split('/').any(|seg| seg == "." || seg == "..") {
            return Err("must not contain `.` or `..` segments".into());
        }
        let path = url.path().trim_matches('/');
        let root = if path.is_empty() {
            "/".to_string()
        } else {
            format!("/{path}/")
        };
        Ok(BaseUrl {
            absolute: format!("{}{root}", url.origin().ascii_serialization()),
            root,
        })
    }

    /// Absolute URL of a site-relative path (`briefings/x/` -> `https://…/briefings/x/`).
    pub fn url(&self, rel: &str) -> String {
        format!("{}{}", self.absolute, rel.trim_start_matches('/'))
    }

    /// Root-relative path of a site-relative path (`briefings/x/` -> `/brief/briefings/x/`).
    pub fn path(&self, rel: &str) -> String {
        format!("{}{}", self.root, rel.trim_start_matches('/'))
    }

    pub fn absolute(&self) -> &str {
        &self.absolute
    }

    pub fn root(&self) -> &str {
        &self.root
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<Spanned<String>>,
    description: Option<String>,
    base_url: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    paginate_by: Option<Spanned<i64>>,
    highlight: Option<RawHighlight>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHighlight {
    light: Option<Spanned<String>>,
    dark: Option<Spanned<String>>,
}

static HIGHLIGHT_SCHEMA: Schema = Schema::Table(&[("light", None), ("dark", None)]);
static SCHEMA: Schema = Schema::Table(&[
    ("title", None),
    ("description", None),
    ("base_url", None),
    ("language", None),
    ("theme", None),
    ("paginate_by", None),
    ("highlight", Some(&HIGHLIGHT_SCHEMA)),
]);

pub const FILE_NAME: &str = "site.toml";

/// Parses and validates site.toml's text. `path` is how to name the file.
pub fn parse(path: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Config> {
    let ctx = FileContext::new(path, text);
    let raw: RawConfig = toml_input::parse(&ctx, text, 0, &SCHEMA, "site.toml", diags)?;
    let before = diags.len();
    let whole = 0..0;
    let required =
        |field: Option<Spanned<String>>, name: &str, diags: &mut Vec<Diagnostic>| match field {
            Some(v) if !v.get_ref().trim().is_empty() => Some(v),
            Some(v) => {
                diags.push(ctx.error(v.span(), format!("`{name}` must not be empty")));
                None
            }
            None => {
                diags.push(
                    ctx.error(whole.clone(), format!("missing required key `{name}`"))
                        .with_help(format!("add `{name} = \"…\"` at the top of site.toml")),
                );
                None
            }
        };
    let title = required(raw.title, "title", diags);
    let base_url =
        required(raw.base_url, "base_url", diags).and_then(|b| match BaseUrl::parse(b.get_ref()) {
            Ok(url) => Some(url),
            Err(why) => {
                diags.push(
                    ctx.error(b.span(), format!("invalid `base_url`: {why}"))
                        .with_help(
                            "write it as `https://example.org/` or `https://example.org/sub/path/`",
                        ),
                );
                None
            }
        });
    let language = raw
        .language
        .map_or_else(|| "en".to_string(), |l| l.into_inner());
    let theme = match raw.theme {
        Some(t) if is_plain_name(t.get_ref()) => t.into_inner(),
        Some(t) => {
            diags.push(
                ctx.error(t.span(), "`theme` must be a folder name under themes/")
                    .with_help("e.g. `theme = \"default\"`"),
            );
            String::new()
        }
        None => "default".to_string(),
    };
    let paginate_by = match raw.paginate_by {
        None => 10,
        Some(n) if (1..=1000).contains(n.get_ref()) => *n.get_ref() as usize,
        Some(n) => {
            diags.push(ctx.error(n.span(), "`paginate_by` must be between 1 and 1000"));
            10
        }
    };
    let (light, dark) = match raw.highlight {
        Some(h) => (h.light, h.dark),
        None => (None, None),
    };
    let mut theme_name = |field: Option<Spanned<String>>, default: &str| match field {
        None => default.to_string(),
        Some(name) => {
            let names = highlight::theme_names();
            if !names.contains(&name.get_ref().as_str()) {
                let help = suggestion(name.get_ref(), names.iter().copied())
                    .unwrap_or_else(|| format!("available themes: {}", names.join(", ")));
                diags.push(
                    ctx.error(
                        name.span(),
                        format!("unknown highlighting theme `{}`", name.get_ref()),
                    )
                    .with_help(help),
                );
            }
            name.into_inner()
        }
    };
    let highlight = Highlight {
        light: theme_name(light, highlight::DEFAULT_LIGHT),
        dark: theme_name(dark, highlight::DEFAULT_DARK),
    };
    if diags.len() > before {
        return None;
    }
    Some(Config {
        title: title?.into_inner(),
        description: raw.description.unwrap_or_default(),
        base_url: base_url?,
        language,
        theme,
        paginate_by,
        highlight,
    })
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_forms() {
        let b = BaseUrl::parse("https://example.org").unwrap();
        assert_eq!((b.absolute(), b.root()), ("https://example.org/", "/"));
        let b = BaseUrl::parse("https://example.org/brief").unwrap();
        assert_eq!(
            (b.absolute(), b.root()),
            ("https://example.org/brief/", "/brief/")
        );
        assert_eq!(
            b.url("/briefings/x/"),
            "https://example.org/brief/briefings/x/"
        );
        assert_eq!(b.path("tags/"), "/brief/tags/");
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https:///x").is_err());
        assert!(BaseUrl::parse("https://e.org/a/../b").is_err());
        assert!(BaseUrl::parse("http://127.0.0.1:1111/").is_ok());
        let b = BaseUrl::parse("HTTPS://EXAMPLE.ORG/").unwrap();
        assert_eq!(b.absolute(), "https://example.org/");
        let b = BaseUrl::parse("https://example.org:443/Brief").unwrap();
        assert_eq!(
            (b.absolute(), b.root()),
            ("https://example.org/Brief/", "/Brief/")
        );
        let b = BaseUrl::parse("https://example.org/a\"b<c'd/").unwrap();
        assert_eq!(b.root(), "/a%22b%3Cc'd/");
        for bad in [
            "https://example.org:99999/",
            "https://exa\"mple.org/",
            "https://exa<mple.org/",
            "https://example.org/\0",
            "https://example.org/a b",
            "https://user:pw@example.org/",
            "https://example.org/?q",
            "ftp://example.org/",
            "javascript://example.org/",
            "https://",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    fn diags_for(text: &str) -> Vec<String> {
        let mut diags = Vec::new();
        let cfg = parse(Path::new("site.toml"), text, &mut diags);
        assert_eq!(cfg.is_none(), diags.iter().any(|d| d.is_error()));
        diags.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn unknown_keys_all_reported_with_suggestions() {
        let d = diags_for(
            "titel = \"x\"\nbase_url = \"https://e.org/\"\n[highlight]\nlihgt = \"InspiredGitHub\"\n",
        );
        assert_eq!(
            d,
            [
                "site.toml:1:1: error: unknown key `titel` in site.toml (help: did you mean `title`?)",
                "site.toml:4:1: error: unknown key `lihgt` in a `[highlight]` table (help: did you mean `light`?)",
            ]
        );
    }

    #[test]
    fn missing_and_invalid_values() {
        let d = diags_for("base_url = \"example.org\"\npaginate_by = 0\n");
        assert_eq!(
            d,
            [
                "site.toml:1:1: error: missing required key `title` (help: add `title = \"…\"` at the top of site.toml)",
                "site.toml:1:12: error: invalid `base_url`: must start with `https://` or `http://` (help: write it as `https://example.org/` or `https://example.org/sub/path/`)",
                "site.toml:2:15: error: `paginate_by` must be between 1 and 1000",
            ]
        );
    }

    #[test]
    fn unknown_highlight_theme() {
        let d = diags_for(
            "title = \"t\"\nbase_url = \"https://e.org/\"\n[highlight]\ndark = \"base16-ocean.drak\"\n",
        );
        assert_eq!(
            d,
            [
                "site.toml:4:8: error: unknown highlighting theme `base16-ocean.drak` (help: did you mean `base16-ocean.dark`?)"
            ]
        );
    }
}
