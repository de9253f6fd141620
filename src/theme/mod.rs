//! Themes: tera templates and static files.
//!
//! A site's `themes/<name>/` is used when present. The default theme is
//! also compiled into the binary, so a site without a `themes/` folder
//! (every test fixture, a new site) still builds. Feeds, the sitemap and
//! robots.txt come from built-in templates a theme may override by name.
//!
//! In: the site root and the theme's name. Out: a [`Theme`] (compiled tera
//! templates with brief's filters, and static assets), or diagnostics.

use std::fs;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diag::{Diagnostic, Severity};
use crate::load;

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum Asset {
    /// A file of the site or its theme: where to read it, and its path
    /// relative to the site root, for diagnostics.
    File {
        abs: PathBuf,
        rel: PathBuf,
    },
    Embedded(&'static [u8]),
}

impl Asset {
    /// A site or theme static file.
    pub fn file(file: load::StaticFile) -> Asset {
        Asset::File {
            abs: file.source,
            rel: file.rel,
        }
    }

    /// The bytes; an error names the file relative to the site root.
    pub fn read(&self) -> Result<std::borrow::Cow<'static, [u8]>, Diagnostic> {
        match self {
            Asset::File { abs, rel } => fs::read(abs)
                .map(Into::into)
                .map_err(|e| Diagnostic::error(rel, format!("cannot read static file: {e}"))),
            Asset::Embedded(b) => Ok((*b).into()),
        }
    }
}

/// A loaded theme.
pub struct Theme {
    pub tera: Tera,
    /// Output path (relative, `/`-separated) -> asset.
    pub statics: Vec<(String, Asset)>,
    /// Folder of the templates, for naming them in diagnostics.
    pub template_dir: PathBuf,
}

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)) as &[u8])),*]
    };
}

/// The default theme, as compiled in. A test checks it lists every file of
/// `themes/default/`.
pub static DEFAULT_THEME: &[(&str, &[u8])] = embed!(
    "templates/404.html",
    "templates/archive.html",
    "templates/author.html",
    "templates/authors.html",
    "templates/base.html",
    "templates/briefing.html",
    "templates/corrections.html",
    "templates/deal.html",
    "templates/events.html",
    "templates/explainer.html",
    "templates/index.html",
    "templates/macros.html",
    "templates/page.html",
    "templates/references.html",
    "templates/search.html",
    "templates/snapshot.html",
    "templates/source.html",
    "templates/sources.html",
    "templates/tag.html",
    "templates/tags.html",
    "templates/timeline.html",
    "static/explainer.js",
    "static/favicon.svg",
    "static/search.css",
    "static/search.js",
    "static/style.css",
);

/// Templates every site has; a theme overrides one by having a file of the same name.
pub static BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("atom.xml", include_str!("builtin/atom.xml")),
    ("sitemap.xml", include_str!("builtin/sitemap.xml")),
    ("robots.txt", include_str!("builtin/robots.txt")),
];

/// Loads `themes/<name>` from the site, or the compiled-in default theme.
pub fn load(root: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Option<Theme> {
    let dir = root.join("themes").join(name);
    let rel_dir = PathBuf::from("themes").join(name);
    let mut templates: Vec<(String, String)> = BUILTIN_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let mut statics = Vec::new();
    if dir.is_dir() {
        let mut walk_diags = Vec::new();
        for file in load::statics(root, &dir.join("templates"), &mut walk_diags) {
            let rel = rel_dir.join("templates").join(&file.output);
            match load::read_text(&file.source, &rel) {
                Ok(text) => {
                    templates.retain(|(n, _)| *n != file.output);
                    templates.push((file.output, text));
                }
                Err(d) => diags.push(d),
            }
        }
        for file in load::statics(root, &dir.join("static"), &mut walk_diags) {
            statics.push((file.output.clone(), Asset::file(file)));
        }
        diags.extend(walk_diags);
    } else if name == "default" {
        for (path, bytes) in DEFAULT_THEME {
            if let Some(t) = path.strip_prefix("templates/") {
                templates.retain(|(n, _)| n != t);
                templates.push((t.to_string(), String::from_utf8_lossy(bytes).into_owned()));
            } else if let Some(s) = path.strip_prefix("static/") {
                statics.push((s.to_string(), Asset::Embedded(bytes)));
            }
        }
    } else {
        diags.push(
            Diagnostic::error(
                crate::config::FILE_NAME,
                format!("theme `{name}` not found in themes/"),
            )
            .with_help("create themes/<name>/templates/, or use `theme = \"default\"`"),
        );
        return None;
    }
    let template_dir = rel_dir.join("templates");
    let mut tera = Tera::default();
    tera.set_escape_fn(escape_html);
    tera.register_filter("cdata", Cdata);
    let mut ok = true;
    // Add templates one by one so every broken template is reported, then
    // all together so inheritance is checked.
    for (name, text) in &templates {
        let mut single = Tera::default();
        // Alone, a child template misses its parent: that is checked below.
        if let Err(e) = single.add_raw_template(name, text)
            && !matches!(e.kind, tera::ErrorKind::MissingParent { .. })
        {
            diags.push(template_error(&template_dir.join(name), &e));
            ok = false;
        }
    }
    if ok
        && let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
    {
        diags.push(template_error(&template_dir, &e));
        ok = false;
    }
    ok.then_some(Theme {
        tera,
        statics,
        template_dir,
    })
}

/// Autoescaping for templates: the five characters that matter in HTML
/// text and quoted attributes (and XML): `& < > " '`. Tera's default also escapes `/`,
/// which makes every URL in the output read `https:&#x2F;&#x2F;…`.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    crate::html::escape_into(&mut out, text);
    out
}

/// The `cdata` filter: a string as an XML CDATA section, so a feed carries
/// a body's HTML as written instead of escaped (no escaping pass, and about
/// a sixth smaller). Its output is safe: `]]>` inside is split across two
/// sections, so nothing can end the section early.
struct Cdata;

impl tera::Filter for Cdata {
    fn filter(
        &self,
        value: &tera::Value,
        _: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("the `cdata` filter takes a string"))?;
        let mut out = String::with_capacity(text.len() + 12);
        out.push_str("<![CDATA[");
        let mut parts = text.split("]]>");
        out.push_str(parts.next().unwrap_or_default());
        for part in parts {
            out.push_str("]]]]><![CDATA[>");
            out.push_str(part);
        }
        out.push_str("]]>");
        Ok(tera::Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A tera error as a diagnostic: the whole cause chain (tera keeps the
/// useful part in `source()`), and the line and column when tera gives them.
pub fn template_error(path: &Path, error: &tera::Error) -> Diagnostic {
    let chain = error_chain(error);
    let mut d = Diagnostic::file(Severity::Error, path, chain.clone());
    // Parse errors carry " --> line:col" in their text.
    if let Some(pos) = chain.find("--> ") {
        let rest = &chain[pos + 4..];
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        if let (Some(l), Some(c)) = (nums.next(), nums.next()) {
            d.line = l.parse().unwrap_or(0);
            d.col = c.parse().unwrap_or(0);
        }
        d.message = format!("template syntax error: {}", one_line(&chain));
    }
    d
}

/// "a: b: c" from an error and its sources.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    one_line(&parts.join(": "))
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_theme_lists_every_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(
            embedded, on_disk,
            "update DEFAULT_THEME in src/render/theme.rs"
        );
    }

    #[test]
    fn cdata_sections_cannot_be_ended_early() {
        use tera::Filter;
        let cdata = |s: &str| {
            Cdata
                .filter(&tera::Value::from(s), &Default::default())
                .unwrap()
        };
        assert_eq!(cdata("<p>a & b</p>"), "<![CDATA[<p>a & b</p>]]>");
        // Read back, the sections join to the text again.
        let split = cdata("x]]>y]]>");
        assert_eq!(split, "<![CDATA[x]]]]><![CDATA[>y]]]]><![CDATA[>]]>");
        let text: String = split
            .as_str()
            .unwrap()
            .split("<![CDATA[")
            .map(|part| part.strip_suffix("]]>").unwrap_or(part))
            .collect();
        assert_eq!(text, "x]]>y]]>");
        assert!(
            Cdata
                .filter(&tera::Value::from(1), &Default::default())
                .is_err()
        );
    }
}
