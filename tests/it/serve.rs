//! Issue: brief serve (incremental rebuilds, differential test, render counts).
//!
//! `serve` keeps the site in memory and re-renders only the outputs whose
//! key changed ([`brief::render::keys`]). Two kinds of proof that it is right:
//!
//! - **The differential test** applies random edit sequences to a fixture on
//!   disk (briefings, tags, citations, `[[deal]]` points, `[[event]]`s,
//!   `chart` blocks, the registry, a page, the explainer intro, templates,
//!   static files, site.toml; written
//!   directly, through a temporary file and a rename, or through a backup
//!   rename as editors do), calls `Workspace::update` with the changed paths
//!   exactly as the watcher would, and after **every** update compares the
//!   served outputs with a fresh full build (`brief::prepare` +
//!   `Renderer::render_all` into memory: the build's code path, which never
//!   looks at a key), byte for byte. It also checks that `changed` names
//!   exactly the outputs whose bytes changed, that an update reports
//!   failure exactly when the full build has errors (and then leaves the
//!   served outputs untouched), and that the diagnostics are the build's.
//!   A failing sequence is shrunk to a minimal one and printed with its seed.
//! - **Render counters**: on a known fixture, an edit re-renders exactly the
//!   outputs that depend on it, and touching a file re-renders nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use brief::Options;
use brief::render::{Renderer, Sink};
use brief::resolve::Publish;
use brief::serve::workspace::{self, RenderedCounts, Update, Workspace};

use crate::support::{self, TempSite};

/// Serve's base URL (it passes `--base-url http://127.0.0.1:PORT/`).
const BASE_URL: &str = "http://127.0.0.1:1111/";

/// The options `brief serve` opens its workspace with, at a fixed time.
fn serve_options(root: &Path) -> Options {
    let mut opts = Options::new(root);
    opts.publish = Publish {
        drafts: true,
        future: true,
    };
    opts.now = support::now();
    opts.base_url = Some(BASE_URL.into());
    opts
}

type Files = BTreeMap<String, Vec<u8>>;

// ---------------------------------------------------------------------------
// The full build, through the build's own code path, into memory.
// ---------------------------------------------------------------------------

/// An in-memory [`Sink`], as `brief build` would write to disk.
#[derive(Default)]
struct MemSink(Mutex<Files>);

impl Sink for MemSink {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        // A static file shadowing a generated output is written twice; the
        // build reports it as an error, so which one wins does not matter.
        self.0
            .lock()
            .unwrap()
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// What a fresh full build of the site on disk gives.
struct Fresh {
    /// `None` when the build has errors (nothing would be written).
    outputs: Option<Files>,
    /// Every diagnostic, as its one-line `Display`, sorted.
    diagnostics: Vec<String>,
    /// The errors among them.
    errors: Vec<String>,
}

fn full_build(opts: &Options) -> Fresh {
    let mut diags = Vec::new();
    let prepared = brief::prepare(opts, brief::Purpose::Render, &mut diags)
        .expect("prepare returns a site or diagnostics");
    let mut outputs = None;
    if let Some(p) = prepared.filter(|_| !diags.iter().any(|d| d.is_error())) {
        let renderer = Renderer::new(
            &p.site,
            &p.theme,
            p.statics,
            workspace::render_options(opts.publish),
        );
        let sink = MemSink::default();
        let before = diags.len();
        // No search index: serve keeps its own (search::Live), outside its outputs.
        renderer
            .render_all(&sink, None, &mut diags)
            .expect("an in-memory sink cannot fail");
        if !diags[before..].iter().any(|d| d.is_error()) {
            outputs = Some(sink.0.into_inner().unwrap());
        }
    }
    let mut diagnostics: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    diagnostics.sort();
    let mut errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    errors.sort();
    Fresh {
        outputs,
        diagnostics,
        errors,
    }
}

fn served(ws: &Workspace) -> Files {
    ws.outputs()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_ref().clone()))
        .collect()
}

/// Outputs added, changed or removed between two versions, sorted.
fn changed_between(before: &Files, after: &Files) -> Vec<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// A readable account of how `served` differs from `expected`, or `None`.
fn difference(served: &Files, expected: &Files) -> Option<String> {
    let mut out = String::new();
    let missing: Vec<&String> = expected
        .keys()
        .filter(|k| !served.contains_key(*k))
        .collect();
    let extra: Vec<&String> = served
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "  outputs the full build has but serve lacks: {missing:?}"
        );
    }
    if !extra.is_empty() {
        let _ = writeln!(
            out,
            "  outputs serve has but the full build lacks: {extra:?}"
        );
    }
    let differing: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| served.get(*k).is_some_and(|s| s != *v))
        .map(|(k, _)| k)
        .collect();
    if !differing.is_empty() {
        let _ = writeln!(out, "  outputs whose bytes differ: {differing:?}");
        for path in differing.iter().take(3) {
            let _ = writeln!(
                out,
                "  {path}:\n{}",
                short_diff(&served[*path], &expected[*path])
            );
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The first differing line of two texts, with its neighbours.
fn short_diff(served: &[u8], expected: &[u8]) -> String {
    let s = String::from_utf8_lossy(served);
    let e = String::from_utf8_lossy(expected);
    let sl: Vec<&str> = s.lines().collect();
    let el: Vec<&str> = e.lines().collect();
    let first = (0..sl.len().max(el.len()))
        .find(|&i| sl.get(i) != el.get(i))
        .unwrap_or(0);
    let clip = |l: &str| -> String {
        let l = l.trim();
        if l.chars().count() > 240 {
            format!("{}…", l.chars().take(240).collect::<String>())
        } else {
            l.to_string()
        }
    };
    let mut out = String::new();
    for i in first.saturating_sub(1)..(first + 2).min(sl.len().max(el.len())) {
        match (sl.get(i), el.get(i)) {
            (a, b) if a == b => {
                let _ = writeln!(out, "      {:>4}   {}", i + 1, clip(a.unwrap_or(&"")));
            }
            (a, b) => {
                let _ = writeln!(
                    out,
                    "      {:>4} - serve: {}",
                    i + 1,
                    a.map_or("<none>".into(), |l| clip(l))
                );
                let _ = writeln!(
                    out,
                    "      {:>4} + build: {}",
                    i + 1,
                    b.map_or("<none>".into(), |l| clip(l))
                );
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The fixture, as a model that edits change and that is written to disk.
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Src {
    id: String,
    title: String,
    publisher: String,
}

#[derive(Clone, Debug)]
struct Deal {
    id: String,
    kind: &'static str,
    text: String,
    cite: Vec<String>,
    withdrawn: bool,
}

/// One `[[event]]` of a briefing.
#[derive(Clone, Debug)]
struct Ev {
    id: Option<String>,
    /// `None` only for a withdrawal, which keeps the event's date.
    date: Option<String>,
    text: String,
    cite: Vec<String>,
    withdrawn: bool,
}

/// A `chart` block at the end of a briefing's body.
#[derive(Clone, Debug)]
struct ChartBlock {
    line: bool,
    title: String,
    labels: Vec<String>,
    values: Vec<i64>,
    /// One source per value, when cited.
    cite: Option<Vec<String>>,
    /// One value too many: an error at the block's `values`.
    broken: bool,
}

/// A way to break a briefing that a later edit fixes.
#[derive(Clone, Copy, Debug)]
enum Breakage {
    UnknownKey,
    BadToml,
    UnknownCitation,
    NoDate,
}

#[derive(Clone, Debug)]
struct Brf {
    /// Path relative to the site root.
    file: String,
    title: String,
    date: String,
    updated: Option<String>,
    summary: Option<String>,
    tags: Vec<String>,
    slug: Option<String>,
    draft: bool,
    paras: Vec<String>,
    deal: Vec<Deal>,
    events: Vec<Ev>,
    charts: Vec<ChartBlock>,
    broken: Option<Breakage>,
    /// Author ids of its byline.
    authors: Vec<String>,
    /// Corrections: (date, text).
    corrections: Vec<(String, String)>,
    /// Files of other briefings it links to (`content/briefings/…`).
    links: Vec<String>,
    /// A folder briefing's files beside its `index.md`: name -> bytes.
    files: BTreeMap<String, Vec<u8>>,
    /// Files the body shows after its paragraphs, as an image alone in its
    /// paragraph (even places) or a fenced figure block (odd).
    figures: Vec<String>,
}

impl Brf {
    fn is_folder(&self) -> bool {
        self.file.ends_with("/index.md")
    }

    /// The folder of a folder briefing.
    fn dir(&self) -> &str {
        &self.file[..self.file.rfind('/').unwrap()]
    }
}

#[derive(Clone, Debug)]
struct Pg {
    file: String,
    title: String,
    slug: Option<String>,
    paras: Vec<String>,
}

#[derive(Clone, Debug)]
struct Model {
    /// For unique names and sentences.
    next: u32,
    title: String,
    paginate_by: u32,
    sources: Vec<Src>,
    sources_broken: bool,
    briefings: Vec<Brf>,
    pages: Vec<Pg>,
    /// content/explainer.md: title and paragraphs.
    explainer: Option<(String, Vec<String>)>,
    /// The repository's default theme, as `themes/default/...` -> bytes.
    theme: Arc<Files>,
    base_marks: u32,
    briefing_marks: u32,
    style_marks: u32,
    template_broken: bool,
    /// Marks in other page templates (one per kind of page), by file name.
    page_marks: BTreeMap<&'static str, u32>,
    /// `[highlight] light` in site.toml, when not the default.
    light_theme: Option<&'static str>,
    /// The site's own static files, `static/...` -> text.
    statics: BTreeMap<String, String>,
    /// content/authors.toml: id -> name (no file when empty).
    authors: BTreeMap<String, String>,
}

/// The repository's `themes/default`, read once per test.
fn default_theme() -> Arc<Files> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let files: Files = support::tree(&dir)
        .into_iter()
        .map(|(rel, bytes)| (format!("themes/default/{rel}"), bytes))
        .collect();
    assert!(
        files.contains_key("themes/default/templates/base.html"),
        "no themes/default/templates/base.html in the repository"
    );
    Arc::new(files)
}

fn src(id: &str, title: &str, publisher: &str) -> Src {
    Src {
        id: id.into(),
        title: title.into(),
        publisher: publisher.into(),
    }
}

fn point(id: &str, kind: &'static str, text: &str, cite: &[&str]) -> Deal {
    Deal {
        id: id.into(),
        kind,
        text: text.into(),
        cite: cite.iter().map(|c| c.to_string()).collect(),
        withdrawn: false,
    }
}

fn brf(file: &str, title: &str, date: &str, tags: &[&str], paras: &[&str], deal: Vec<Deal>) -> Brf {
    Brf {
        file: format!("content/briefings/{file}"),
        title: title.into(),
        date: date.into(),
        updated: None,
        summary: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        slug: None,
        draft: false,
        paras: paras.iter().map(|p| p.to_string()).collect(),
        deal,
        events: Vec::new(),
        charts: Vec::new(),
        broken: None,
        authors: Vec::new(),
        corrections: Vec::new(),
        links: Vec::new(),
        files: BTreeMap::new(),
        figures: Vec::new(),
    }
}

/// The fixture: five briefings (newest first: echo, delta, charlie, bravo,
/// alpha) over three tags, two pages of two on the home page, four sources
/// cited by briefings, a page and the explainer intro, explainer points
/// stated in bravo and revised in delta, a site static file, and a copy of
/// the default theme.
fn base_model(theme: Arc<Files>) -> Model {
    Model {
        next: 100,
        title: "Handshake Test".into(),
        paginate_by: 2,
        sources: vec![
            src("src-a", "Alpha report on rare earths", "Alpha News"),
            src("src-b", "Bravo analysis of the framework", "Bravo Analysis"),
            src("src-c", "Charlie data on magnets", "Charlie Data"),
            src(
                "src-d",
                "Delta explainer of export controls",
                "Delta Official",
            ),
        ],
        sources_broken: false,
        briefings: vec![
            brf(
                "2025-06-01-alpha.md",
                "Alpha opens the story",
                "2025-06-01",
                &["minerals"],
                &[
                    "Alpha opens the story of the talks [@src-a].",
                    "A second paragraph of alpha.",
                ],
                vec![],
            ),
            brf(
                "2025-06-03-bravo.md",
                "Bravo follows up",
                "2025-06-03",
                &["minerals", "london-talks"],
                &["Bravo follows the talks [@src-b].", "More on bravo."],
                vec![point(
                    "not-a-treaty",
                    "is-not",
                    "A binding treaty.",
                    &["src-a"],
                )],
            ),
            brf(
                "2025-06-05-charlie.md",
                "Charlie weighs both",
                "2025-06-05",
                &["london-talks"],
                &[
                    "Charlie weighs both accounts [@src-a; @src-b].",
                    "Second paragraph of charlie.",
                    "Third paragraph of charlie.",
                ],
                vec![],
            ),
            brf(
                "2025-06-07-delta.md",
                "Delta has no citations",
                "2025-06-07",
                &["magnets"],
                &[
                    "Delta cites nothing in its body.",
                    "```rust\nfn main() {\n    println!(\"magnets\");\n}\n```",
                ],
                vec![
                    point(
                        "not-a-treaty",
                        "is-not",
                        "A binding treaty: it is a framework.",
                        &["src-b"],
                    ),
                    point("timeline", "open", "When licences will flow.", &["src-a"]),
                ],
            ),
            brf(
                "2025-06-09-echo.md",
                "Echo brings data",
                "2025-06-09",
                &["minerals"],
                &["Echo cites a third source [@src-c, \"p. 4\"]."],
                vec![],
            ),
        ],
        pages: vec![Pg {
            file: "content/pages/about.md".into(),
            title: "About".into(),
            slug: None,
            paras: vec!["About this test site, citing [@src-b].".into()],
        }],
        explainer: Some((
            "What the deal is".into(),
            vec!["What the deal is, per [@src-d].".into()],
        )),
        theme,
        base_marks: 0,
        briefing_marks: 0,
        style_marks: 0,
        template_broken: false,
        page_marks: BTreeMap::new(),
        light_theme: None,
        statics: BTreeMap::from([("static/x.txt".into(), "a site static file\n".into())]),
        authors: BTreeMap::from([("desk".into(), "The desk".into())]),
    }
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

fn briefing_text(b: &Brf) -> String {
    let mut s = String::from("+++\n");
    match b.broken {
        // An unterminated string.
        Some(Breakage::BadToml) => {
            let _ = writeln!(s, "title = \"{}", b.title.replace('"', ""));
        }
        _ => {
            let _ = writeln!(s, "title = {:?}", b.title);
        }
    }
    if !matches!(b.broken, Some(Breakage::NoDate)) {
        let _ = writeln!(s, "date = {}", b.date);
    }
    if let Some(u) = &b.updated {
        let _ = writeln!(s, "updated = {u}");
    }
    if let Some(summary) = &b.summary {
        let _ = writeln!(s, "summary = {summary:?}");
    }
    if !b.tags.is_empty() {
        let _ = writeln!(s, "tags = {}", toml_list(&b.tags));
    }
    if b.draft {
        s.push_str("draft = true\n");
    }
    if let Some(slug) = &b.slug {
        let _ = writeln!(s, "slug = {slug:?}");
    }
    if matches!(b.broken, Some(Breakage::UnknownKey)) {
        s.push_str("colour = \"red\"\n");
    }
    if !b.authors.is_empty() {
        let _ = writeln!(s, "authors = {}", toml_list(&b.authors));
    }
    for (date, text) in &b.corrections {
        let _ = write!(s, "\n[[correction]]\ndate = {date}\ntext = {text:?}\n");
    }
    for d in &b.deal {
        let _ = write!(
            s,
            "\n[[deal]]\nid = {:?}\nkind = {:?}\ntext = {:?}\ncite = {}\n",
            d.id,
            d.kind,
            d.text,
            toml_list(&d.cite)
        );
        if d.withdrawn {
            s.push_str("status = \"withdrawn\"\n");
        }
    }
    for e in &b.events {
        s.push_str("\n[[event]]\n");
        if let Some(id) = &e.id {
            let _ = writeln!(s, "id = {id:?}");
        }
        if let Some(date) = &e.date {
            let _ = writeln!(s, "date = {date}");
        }
        let _ = writeln!(s, "text = {:?}\ncite = {}", e.text, toml_list(&e.cite));
        if e.withdrawn {
            s.push_str("status = \"withdrawn\"\n");
        }
    }
    s.push_str("+++\n\n");
    s.push_str(&b.paras.join("\n\n"));
    s.push('\n');
    for (k, target) in b.links.iter().enumerate() {
        let _ = writeln!(
            s,
            "\nSee [link {k}](@/{}).",
            target.trim_start_matches("content/")
        );
    }
    for (i, name) in b.figures.iter().enumerate() {
        if i % 2 == 0 {
            let _ = write!(s, "\n![Figure {name}]({name} \"Caption of {name}\")\n");
        } else {
            let _ = write!(
                s,
                "\n```figure\nsrc = {name:?}\nalt = \"Figure {name}\"\ncaption = \"Caption of *{name}*.\"\ncredit = \"Photo: test\"\n```\n"
            );
        }
    }
    for c in &b.charts {
        let mut values: Vec<String> = c.values.iter().map(|v| v.to_string()).collect();
        if c.broken {
            values.push("1".into());
        }
        let _ = write!(
            s,
            "\n```chart\ntype = \"{}\"\ntitle = {:?}\nunit = \"%\"\nlabels = {}\nvalues = [{}]\n",
            if c.line { "line" } else { "bar" },
            c.title,
            toml_list(&c.labels),
            values.join(", ")
        );
        if let Some(cite) = &c.cite {
            let _ = writeln!(s, "cite = {}", toml_list(cite));
        }
        s.push_str("```\n");
    }
    if matches!(b.broken, Some(Breakage::UnknownCitation)) {
        s.push_str("\nThis cites a source that does not exist [@no-such-source].\n");
    }
    s
}

/// Where the generated marks go in the theme's templates.
const BODY_END: &str = "</body>";
/// The templates of every kind of page but the briefing (marked on its own).
const PAGE_TEMPLATES: &[&str] = &[
    "index.html",
    "archive.html",
    "tags.html",
    "tag.html",
    "sources.html",
    "source.html",
    "explainer.html",
    "page.html",
    "search.html",
    "404.html",
];
const CONTENT_BLOCK: &str = "{% block content %}";

impl Model {
    /// Every file of the site, as it should be on disk.
    fn files(&self) -> Files {
        let mut f: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut put = |path: &str, text: String| {
            f.insert(path.to_string(), text.into_bytes());
        };
        put(
            "site.toml",
            format!(
                "title = {:?}\nbase_url = \"https://example.org/\"\npaginate_by = {}\n{}",
                self.title,
                self.paginate_by,
                self.light_theme
                    .map_or_else(String::new, |t| format!("[highlight]\nlight = {t:?}\n"))
            ),
        );
        let mut registry = String::from("# The test registry.\n");
        for (i, s) in self.sources.iter().enumerate() {
            let _ = writeln!(
                registry,
                "\n[{}]\ntitle = {:?}\npublisher = {:?}\nkind = \"news\"",
                s.id, s.title, s.publisher
            );
            if i == 0 && self.sources_broken {
                registry.push_str("colour = \"red\"\n");
            }
        }
        put("content/sources.toml", registry);
        for b in &self.briefings {
            put(&b.file, briefing_text(b));
        }
        for p in &self.pages {
            let mut s = format!("+++\ntitle = {:?}\n", p.title);
            if let Some(slug) = &p.slug {
                let _ = writeln!(s, "slug = {slug:?}");
            }
            let _ = write!(s, "+++\n\n{}\n", p.paras.join("\n\n"));
            put(&p.file, s);
        }
        if let Some((title, paras)) = &self.explainer {
            put(
                "content/explainer.md",
                format!("+++\ntitle = {title:?}\n+++\n\n{}\n", paras.join("\n\n")),
            );
        }
        for (path, text) in &self.statics {
            put(path, text.clone());
        }
        if !self.authors.is_empty() {
            let mut toml = String::new();
            for (id, name) in &self.authors {
                // Some writers are desks, so a rename can also change an
                // author's kind, which only the JSON-LD shows.
                let kind = if name.len() % 2 == 1 {
                    "kind = \"organization\"\n"
                } else {
                    ""
                };
                let _ = writeln!(toml, "[{id}]\nname = {name:?}\n{kind}");
            }
            put("content/authors.toml", toml);
        }
        for b in &self.briefings {
            for (name, bytes) in &b.files {
                f.insert(format!("{}/{name}", b.dir()), bytes.clone());
            }
        }
        for (path, bytes) in self.theme.iter() {
            f.insert(path.clone(), bytes.clone());
        }
        let text = |f: &Files, p: &str| String::from_utf8(f[p].clone()).unwrap();
        let base = "themes/default/templates/base.html";
        let mut html = text(&f, base);
        let at = html.rfind(BODY_END).expect("base.html has </body>");
        let marks: String = (1..=self.base_marks)
            .map(|k| format!("<!-- base mark {k} -->\n"))
            .collect();
        html.insert_str(at, &marks);
        f.insert(base.into(), html.into_bytes());
        let page = "themes/default/templates/briefing.html";
        let mut html = text(&f, page);
        let at = html
            .find(CONTENT_BLOCK)
            .expect("briefing.html has a content block")
            + CONTENT_BLOCK.len();
        let mut marks: String = (1..=self.briefing_marks)
            .map(|k| format!("\n<p hidden>briefing mark {k}</p>"))
            .collect();
        if self.template_broken {
            marks.push_str("\n{{ broken ");
        }
        html.insert_str(at, &marks);
        f.insert(page.into(), html.into_bytes());
        for (name, n) in &self.page_marks {
            let page = format!("themes/default/templates/{name}");
            let mut html = text(&f, &page);
            let at = html
                .find(CONTENT_BLOCK)
                .expect("a page template has a content block")
                + CONTENT_BLOCK.len();
            let marks: String = (1..=*n)
                .map(|k| format!("\n<p hidden>{name} mark {k}</p>"))
                .collect();
            html.insert_str(at, &marks);
            f.insert(page, html.into_bytes());
        }
        let css = "themes/default/static/style.css";
        let mut style = text(&f, css);
        for k in 1..=self.style_marks {
            let _ = write!(style, "\n/* style mark {k} */\n");
        }
        f.insert(css.into(), style.into_bytes());
        f
    }

    fn unique(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    /// Every source id something cites (bodies, points, pages, the intro).
    fn cited(&self) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let texts = self
            .briefings
            .iter()
            .flat_map(|b| b.paras.iter())
            .chain(self.pages.iter().flat_map(|p| p.paras.iter()))
            .chain(self.explainer.iter().flat_map(|(_, p)| p.iter()));
        for text in texts {
            ids.extend(citation_ids(text));
        }
        for b in &self.briefings {
            for d in &b.deal {
                ids.extend(d.cite.iter().cloned());
            }
            for e in &b.events {
                ids.extend(e.cite.iter().cloned());
            }
            for c in &b.charts {
                ids.extend(c.cite.iter().flatten().cloned());
            }
        }
        ids
    }
}

/// The source ids of `[@a]`, `[@a, "p. 2"]` and `[@a; @b]` in a text.
fn citation_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, _) in text.match_indices('@') {
        let before = &text[..i];
        if before.ends_with('[') || before.ends_with("; ") {
            let id: String = text[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            ids.push(id);
        }
    }
    ids
}

fn effective_slug(b: &Brf) -> String {
    b.slug.clone().unwrap_or_else(|| {
        let path = if b.is_folder() { b.dir() } else { &b.file };
        let name = path.rsplit('/').next().unwrap();
        brief::slug::from_file_stem(name.trim_end_matches(".md"))
    })
}

/// A small PNG, its colour and size from `n`: wider than 480 pixels (one
/// resized copy) but for every fourth, which is smaller (none).
fn test_png(n: u32) -> Vec<u8> {
    let width = if n.is_multiple_of(4) {
        300
    } else {
        481 + n % 200
    };
    let img = image::RgbImage::from_fn(width, 120, |x, y| {
        image::Rgb([(n % 256) as u8, (x % 256) as u8, (y * 2) as u8])
    });
    let mut out = Vec::new();
    img.write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
        .unwrap();
    out
}

fn page_slug(p: &Pg) -> String {
    p.slug.clone().unwrap_or_else(|| {
        let name = p.file.rsplit('/').next().unwrap();
        brief::slug::slugify(name.trim_end_matches(".md"))
    })
}

/// Writes every file of a model into a fresh temporary site.
fn write_site(model: &Model) -> TempSite {
    let site = support::site(&[]);
    for (path, bytes) in model.files() {
        site.write_bytes(&path, &bytes);
    }
    site
}

// ---------------------------------------------------------------------------
// Random edits.
// ---------------------------------------------------------------------------

/// SplitMix64: small, seedable, good enough to pick edits.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Byline,
    Correction,
    Link,
    AddBriefing,
    Body,
    Title,
    Date,
    Updated,
    Summary,
    Tags,
    Draft,
    Slug,
    Delete,
    Rename,
    Sources,
    Template,
    Style,
    Static,
    Deal,
    Event,
    Chart,
    Explainer,
    Page,
    SiteToml,
    Break,
    Touch,
    FolderIn,
    FolderOut,
    Folderize,
    ImageBytes,
    Colocated,
}

/// How often each kind of edit is drawn.
const WEIGHTS: &[(Kind, usize)] = &[
    (Kind::Byline, 4),
    (Kind::Correction, 3),
    (Kind::Link, 3),
    (Kind::AddBriefing, 6),
    (Kind::Body, 12),
    (Kind::Title, 5),
    (Kind::Date, 5),
    (Kind::Updated, 2),
    (Kind::Summary, 4),
    (Kind::Tags, 8),
    (Kind::Draft, 2),
    (Kind::Slug, 3),
    (Kind::Delete, 4),
    (Kind::Rename, 6),
    (Kind::Sources, 6),
    (Kind::Template, 4),
    (Kind::Style, 2),
    (Kind::Static, 4),
    (Kind::Deal, 9),
    (Kind::Event, 7),
    (Kind::Chart, 5),
    (Kind::Explainer, 3),
    (Kind::Page, 4),
    (Kind::SiteToml, 1),
    (Kind::Break, 4),
    (Kind::Touch, 4),
    (Kind::FolderIn, 1),
    (Kind::FolderOut, 1),
    (Kind::Folderize, 6),
    (Kind::ImageBytes, 4),
    (Kind::Colocated, 4),
];

fn draw_kind(rng: &mut Rng) -> Kind {
    let total: usize = WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut n = rng.below(total);
    for (kind, w) in WEIGHTS {
        if n < *w {
            return *kind;
        }
        n -= w;
    }
    unreachable!()
}

/// One edit: a kind and the seed that decides its details when it is
/// applied, so any subsequence of edits can be replayed (for shrinking).
#[derive(Clone, Copy, Debug)]
struct Edit {
    kind: Kind,
    seed: u64,
}

/// Edits saved together: the watcher's debounce gives them one update.
#[derive(Clone, Debug)]
struct Step {
    edits: Vec<Edit>,
    /// Decides how each file is written (direct, temp + rename, backup).
    write_seed: u64,
}

/// What an edit did beyond changing the model.
#[derive(Default)]
struct Effect {
    desc: String,
    /// A file rewritten with the same bytes.
    touch: Option<String>,
    /// A folder moved in or out as a whole (one event for the folder).
    folder: Option<String>,
}

const TAGS: &[&str] = &[
    "minerals",
    "london-talks",
    "London-Talks",
    "magnets",
    "export-controls",
    "geneva",
];
const DEAL_IDS: &[&str] = &[
    "not-a-treaty",
    "framework",
    "chip-relief",
    "timeline",
    "enforcement",
    "magnet-licences",
];
const DEAL_KINDS: &[&str] = &["is", "is-not", "open"];
const EVENT_IDS: &[&str] = &["geneva-truce", "london-talks", "call", "licences"];
const WORDS: &[&str] = &[
    "officials",
    "magnets",
    "licences",
    "export controls",
    "the framework",
    "London",
    "Geneva",
    "tariffs",
    "processing capacity",
    "chipmakers",
];
/// Outputs brief generates that a static file could shadow.
const GENERATED: &[&str] = &[
    "robots.txt",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "syntax.css",
];

fn random_date(m: &Model, rng: &mut Rng) -> String {
    if !m.briefings.is_empty() && rng.chance(20) {
        // The same date as another briefing: ties are ordered by path.
        return rng.pick(&m.briefings).date.clone();
    }
    let day = chrono::NaiveDate::from_ymd_opt(2025, 5, 25).unwrap()
        + chrono::Days::new(rng.below(50) as u64);
    if rng.chance(20) {
        format!(
            "{}T{:02}:30:00+01:00",
            day.format("%Y-%m-%d"),
            rng.below(24)
        )
    } else {
        day.format("%Y-%m-%d").to_string()
    }
}

fn sentence(m: &mut Model, rng: &mut Rng) -> String {
    let n = m.unique();
    let mut s = format!(
        "Sentence {n} is about {} and {}",
        rng.pick(WORDS),
        rng.pick(WORDS)
    );
    if !m.sources.is_empty() && rng.chance(40) {
        let a = rng.pick(&m.sources).id.clone();
        let b = rng.pick(&m.sources).id.clone();
        match rng.below(3) {
            0 => write!(s, " [@{a}]"),
            1 => write!(s, " [@{a}, \"p. {}\"]", rng.below(30) + 1),
            _ if a != b => write!(s, " [@{a}; @{b}]"),
            _ => write!(s, " [@{a}]"),
        }
        .unwrap();
    }
    if rng.chance(15) {
        s.push_str(", *in italics*");
    }
    s.push('.');
    s
}

fn paragraph(m: &mut Model, rng: &mut Rng) -> String {
    if rng.chance(10) {
        return format!("## Section {}", m.unique());
    }
    let n = 1 + rng.below(2);
    (0..n)
        .map(|_| sentence(m, rng))
        .collect::<Vec<_>>()
        .join(" ")
}

fn cite_ids(m: &Model, rng: &mut Rng) -> Vec<String> {
    let mut ids: Vec<String> = (0..1 + rng.below(2))
        .map(|_| rng.pick(&m.sources).id.clone())
        .collect();
    ids.dedup();
    ids
}

fn new_briefing(m: &mut Model, rng: &mut Rng, dir: &str) -> Brf {
    let n = m.unique();
    let date = random_date(m, rng);
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.below(3) {
        let t = rng.pick(TAGS).to_string();
        if !tags
            .iter()
            .any(|x| brief::slug::slugify(x) == brief::slug::slugify(&t))
        {
            tags.push(t);
        }
    }
    let paras = (0..1 + rng.below(3)).map(|_| paragraph(m, rng)).collect();
    Brf {
        file: format!("{dir}/{}-new-{n}.md", &date[..10]),
        title: format!("New briefing {n}"),
        date,
        updated: None,
        summary: rng.chance(30).then(|| format!("Summary of {n}.")),
        tags,
        slug: None,
        draft: rng.chance(10),
        paras,
        deal: Vec::new(),
        events: Vec::new(),
        charts: Vec::new(),
        broken: None,
        authors: Vec::new(),
        corrections: Vec::new(),
        links: Vec::new(),
        files: BTreeMap::new(),
        figures: Vec::new(),
    }
}

/// An event dated around the briefings.
/// An event's `date` as written in TOML: a day, or one time in five only
/// the month (a quoted `"YYYY-MM"`).
fn event_date(rng: &mut Rng) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(2025, 4, 20).unwrap()
        + chrono::Days::new(rng.below(70) as u64);
    if rng.chance(20) {
        day.format("\"%Y-%m\"").to_string()
    } else {
        day.format("%Y-%m-%d").to_string()
    }
}

fn chart_block(m: &mut Model, rng: &mut Rng) -> ChartBlock {
    let n = m.unique();
    let count = 1 + rng.below(5);
    let labels: Vec<String> = (0..count)
        .map(|i| {
            if rng.chance(30) {
                format!("A longer label number {i}")
            } else {
                format!("L{i}")
            }
        })
        .collect();
    let cite = (!m.sources.is_empty() && rng.chance(50)).then(|| {
        (0..count)
            .map(|_| rng.pick(&m.sources).id.clone())
            .collect()
    });
    ChartBlock {
        line: rng.chance(40),
        title: format!("Chart {n}"),
        labels,
        values: (0..count).map(|_| rng.below(200) as i64 - 20).collect(),
        cite,
        broken: false,
    }
}

/// Applies one edit to the model; returns what it did.
fn apply(m: &mut Model, edit: Edit) -> Effect {
    let mut rng = Rng::new(edit.seed);
    let rng = &mut rng;
    let mut fx = Effect::default();
    let nb = m.briefings.len();
    macro_rules! skip {
        ($why:expr) => {{
            fx.desc = format!("{:?}: skipped ({})", edit.kind, $why);
            return fx;
        }};
    }
    let bi = if nb > 0 { rng.below(nb) } else { 0 };
    let desc = match edit.kind {
        Kind::AddBriefing => {
            let b = new_briefing(m, rng, "content/briefings");
            if m.briefings.iter().any(|x| x.file == b.file) {
                skip!("file exists");
            }
            let d = format!("add {} (date {}, tags {:?})", b.file, b.date, b.tags);
            m.briefings.push(b);
            d
        }
        _ if nb == 0
            && matches!(
                edit.kind,
                Kind::Body
                    | Kind::Title
                    | Kind::Date
                    | Kind::Updated
                    | Kind::Summary
                    | Kind::Tags
                    | Kind::Draft
                    | Kind::Slug
                    | Kind::Delete
                    | Kind::Rename
                    | Kind::Deal
                    | Kind::Event
                    | Kind::Chart
                    | Kind::Break
            ) =>
        {
            skip!("no briefing")
        }
        Kind::Body => {
            let p = paragraph(m, rng);
            let b = &mut m.briefings[bi];
            let at = rng.below(b.paras.len().max(1));
            match rng.below(6) {
                0 => {
                    b.paras.push(p);
                    format!("{}: append a paragraph", b.file)
                }
                1 if !b.paras.is_empty() => {
                    b.paras[at] = p;
                    format!("{}: replace paragraph {at}", b.file)
                }
                2 if !b.paras.is_empty() => {
                    let extra = format!(" Added sentence {}.", m.next + 1);
                    m.next += 1;
                    let b = &mut m.briefings[bi];
                    b.paras[at].push_str(&extra);
                    format!("{}: extend paragraph {at}", b.file)
                }
                3 if b.paras.len() > 1 => {
                    b.paras.remove(at);
                    format!("{}: remove paragraph {at}", b.file)
                }
                4 => {
                    b.paras.insert(at, p);
                    format!("{}: insert a paragraph at {at}", b.file)
                }
                _ if !b.paras.is_empty() => {
                    // Drop the citations of one paragraph.
                    let text = &b.paras[at];
                    let mut out = String::new();
                    let mut rest = text.as_str();
                    while let Some(i) = rest.find(" [@") {
                        out.push_str(&rest[..i]);
                        rest = &rest[i..];
                        let end = rest.find(']').map_or(rest.len(), |e| e + 1);
                        rest = &rest[end..];
                    }
                    out.push_str(rest);
                    b.paras[at] = out;
                    format!("{}: uncite paragraph {at}", b.file)
                }
                _ => {
                    b.paras.push(p);
                    format!("{}: append a paragraph", b.file)
                }
            }
        }
        Kind::Title => {
            let n = m.unique();
            let b = &mut m.briefings[bi];
            b.title = if rng.chance(20) {
                format!("Title \"{n}\" quoted")
            } else {
                format!("Title {n}")
            };
            format!("{}: title -> {:?}", b.file, b.title)
        }
        Kind::Date => {
            let date = random_date(m, rng);
            let b = &mut m.briefings[bi];
            b.date = date;
            format!("{}: date -> {}", b.file, b.date)
        }
        Kind::Updated => {
            let b = &mut m.briefings[bi];
            if b.updated.is_some() {
                b.updated = None;
                format!("{}: no updated", b.file)
            } else if b.date.len() == 10 {
                let d = chrono::NaiveDate::parse_from_str(&b.date, "%Y-%m-%d").unwrap()
                    + chrono::Days::new(1 + rng.below(5) as u64);
                b.updated = Some(d.format("%Y-%m-%d").to_string());
                format!("{}: updated = {}", b.file, b.updated.as_ref().unwrap())
            } else {
                skip!("a datetime date")
            }
        }
        Kind::Summary => {
            let n = m.unique();
            let b = &mut m.briefings[bi];
            b.summary = match (&b.summary, rng.chance(50)) {
                (Some(_), true) => None,
                _ => Some(format!("Summary {n}, explicit.")),
            };
            format!("{}: summary -> {:?}", b.file, b.summary)
        }
        Kind::Tags => {
            let b = &mut m.briefings[bi];
            let slug = |t: &str| brief::slug::slugify(t);
            let tag = rng.pick(TAGS).to_string();
            match rng.below(5) {
                0 if !b.tags.iter().any(|t| slug(t) == slug(&tag)) => b.tags.push(tag),
                1 if !b.tags.is_empty() => {
                    let i = rng.below(b.tags.len());
                    b.tags.remove(i);
                }
                2 if !b.tags.is_empty() && !b.tags.iter().any(|t| slug(t) == slug(&tag)) => {
                    let i = rng.below(b.tags.len());
                    b.tags[i] = tag;
                }
                3 => b.tags.clear(),
                _ => {
                    // The same tag in other case (other spellings with one slug,
                    // `London Talks`, are an error: see diagnostics.rs).
                    for t in &mut b.tags {
                        if t == "london-talks" {
                            *t = "London-Talks".into();
                        } else if t == "London-Talks" {
                            *t = "london-talks".into();
                        }
                    }
                }
            }
            format!("{}: tags -> {:?}", b.file, b.tags)
        }
        Kind::Byline => {
            let n = m.unique();
            match rng.below(4) {
                // Sign or unsign a briefing.
                0 | 1 => {
                    let ids: Vec<String> = m.authors.keys().cloned().collect();
                    if ids.is_empty() {
                        skip!("no authors");
                    }
                    let id = rng.pick(&ids).clone();
                    let b = &mut m.briefings[bi];
                    if let Some(at) = b.authors.iter().position(|a| *a == id) {
                        b.authors.remove(at);
                    } else {
                        b.authors.push(id);
                    }
                    format!("{}: authors -> {:?}", b.file, b.authors)
                }
                // A new author, or a renamed one.
                2 => {
                    let id = format!("author-{}", n % 3);
                    m.authors.insert(id.clone(), format!("Writer {n}"));
                    format!("authors.toml: {id} = Writer {n}")
                }
                // An author removed (bylines naming them break).
                _ => {
                    let ids: Vec<String> = m.authors.keys().cloned().collect();
                    if ids.is_empty() {
                        skip!("no authors");
                    }
                    let id = rng.pick(&ids).clone();
                    m.authors.remove(&id);
                    format!("authors.toml: remove {id}")
                }
            }
        }
        Kind::Correction => {
            let n = m.unique();
            let b = &mut m.briefings[bi];
            if !b.corrections.is_empty() && rng.chance(40) {
                b.corrections.pop();
                format!("{}: drop a correction", b.file)
            } else {
                let day = b.date[..10].to_string();
                b.corrections
                    .push((day, format!("Correction {n}: an earlier version erred.")));
                format!("{}: add a correction", b.file)
            }
        }
        Kind::Link => {
            let b = &m.briefings[bi];
            if !b.links.is_empty() && rng.chance(30) {
                let b = &mut m.briefings[bi];
                b.links.pop();
                format!("{}: drop a link", b.file)
            } else {
                let target = m.briefings[rng.below(nb)].file.clone();
                let b = &mut m.briefings[bi];
                b.links.push(target.clone());
                format!("{}: link to {target}", b.file)
            }
        }
        Kind::Draft => {
            let b = &mut m.briefings[bi];
            b.draft = !b.draft;
            format!("{}: draft = {}", b.file, b.draft)
        }
        Kind::Slug => {
            let n = m.unique();
            let other = effective_slug(&m.briefings[rng.below(nb)]);
            let b = &mut m.briefings[bi];
            b.slug = match rng.below(3) {
                0 => Some(format!("custom-{n}")),
                1 => Some(other),
                _ => None,
            };
            format!("{}: slug -> {:?}", b.file, b.slug)
        }
        Kind::Delete => {
            if nb == 1 {
                skip!("last briefing");
            }
            let b = m.briefings.remove(bi);
            format!("delete {}", b.file)
        }
        Kind::Rename => {
            let n = m.unique();
            let b = &m.briefings[bi];
            if b.is_folder() {
                skip!("a folder briefing (its folder moves with FolderOut)");
            }
            let name = b.file.rsplit('/').next().unwrap().to_string();
            let dir = b.file[..b.file.len() - name.len() - 1].to_string();
            let stem_slug = brief::slug::from_file_stem(name.trim_end_matches(".md"));
            let date = random_date(m, rng);
            let to = match rng.below(4) {
                // Another date prefix, the same slug.
                0 => format!("{dir}/{}-{stem_slug}.md", &date[..10]),
                // Another slug.
                1 => format!("{dir}/{}-renamed-{n}.md", &name[..10.min(name.len())]),
                // Into (or out of) a subfolder, same name.
                2 if dir == "content/briefings" => format!("content/briefings/sub/{name}"),
                2 => format!("content/briefings/{name}"),
                // The slug of another briefing (collides unless slugs differ).
                _ => {
                    let other = effective_slug(&m.briefings[rng.below(nb)]);
                    format!("{dir}/{}-{other}.md", &date[..10])
                }
            };
            if m.briefings.iter().any(|x| x.file == to) {
                skip!("target exists");
            }
            let b = &mut m.briefings[bi];
            let from = std::mem::replace(&mut b.file, to);
            format!("rename {from} -> {}", b.file)
        }
        Kind::Sources => {
            let n = m.unique();
            let cited = m.cited();
            match rng.below(10) {
                0..=2 if !m.sources.is_empty() => {
                    let i = rng.below(m.sources.len());
                    m.sources[i].title = format!("Retitled source {n}");
                    format!("sources.toml: retitle {}", m.sources[i].id)
                }
                3 if !m.sources.is_empty() => {
                    let i = rng.below(m.sources.len());
                    m.sources[i].publisher = format!("Publisher {n}");
                    format!("sources.toml: new publisher for {}", m.sources[i].id)
                }
                4 | 5 => {
                    let id = format!("src-new-{n}");
                    m.sources
                        .push(src(&id, &format!("New source {n}"), "New Publisher"));
                    if nb > 0 && rng.chance(60) {
                        m.briefings[bi]
                            .paras
                            .push(format!("Now citing the new source [@{id}]."));
                        format!("sources.toml: add {id}, cited by {}", m.briefings[bi].file)
                    } else {
                        format!("sources.toml: add {id} (uncited)")
                    }
                }
                6 | 7 => {
                    let uncited: Vec<usize> = (0..m.sources.len())
                        .filter(|&i| !cited.contains(&m.sources[i].id))
                        .collect();
                    if uncited.is_empty() {
                        skip!("every source is cited");
                    }
                    let s = m.sources.remove(*rng.pick(&uncited));
                    format!("sources.toml: remove uncited {}", s.id)
                }
                8 if !m.sources.is_empty() => {
                    let s = m.sources.remove(rng.below(m.sources.len()));
                    format!(
                        "sources.toml: remove {} (cited: {})",
                        s.id,
                        cited.contains(&s.id)
                    )
                }
                _ => {
                    m.sources_broken = !m.sources_broken && !m.sources.is_empty();
                    format!("sources.toml: broken = {}", m.sources_broken)
                }
            }
        }
        Kind::Template => match rng.below(8) {
            0 | 1 => {
                m.base_marks += 1;
                format!("base.html: mark {}", m.base_marks)
            }
            2 | 3 => {
                m.briefing_marks += 1;
                format!("briefing.html: mark {}", m.briefing_marks)
            }
            4..=6 => {
                let name = *rng.pick(PAGE_TEMPLATES);
                let n = m.page_marks.entry(name).or_default();
                *n += 1;
                format!("{name}: mark {n}")
            }
            _ => {
                m.template_broken = !m.template_broken;
                format!("briefing.html: broken = {}", m.template_broken)
            }
        },
        Kind::Style => {
            m.style_marks += 1;
            format!("theme style.css: mark {}", m.style_marks)
        }
        Kind::Static => {
            let n = m.unique();
            match rng.below(8) {
                0..=2 => {
                    let text = m.statics.entry("static/x.txt".into()).or_default();
                    let _ = writeln!(text, "line {n}");
                    "static/x.txt: append a line".to_string()
                }
                3 => {
                    let path = format!("static/extra/n-{n}.txt");
                    m.statics.insert(path.clone(), format!("extra {n}\n"));
                    format!("add {path}")
                }
                4 if !m.statics.is_empty() => {
                    let keys: Vec<String> = m.statics.keys().cloned().collect();
                    let k = rng.pick(&keys).clone();
                    m.statics.remove(&k);
                    format!("delete {k}")
                }
                5 => {
                    // Overrides the theme's stylesheet: legitimate.
                    let path = "static/style.css".to_string();
                    if m.statics.remove(&path).is_some() {
                        "delete static/style.css (theme's comes back)".into()
                    } else {
                        m.statics
                            .insert(path, format!("body {{ color: #{:06x}; }}\n", n));
                        "add static/style.css (overrides the theme's)".into()
                    }
                }
                6 => {
                    // Shadows a page brief generates: an error in a build.
                    let path = format!("static/{}", rng.pick(GENERATED));
                    m.statics.insert(path.clone(), format!("shadow {n}\n"));
                    format!("add {path} (shadows a generated output)")
                }
                _ => {
                    let gone: Vec<String> = m
                        .statics
                        .keys()
                        .filter(|k| {
                            GENERATED
                                .iter()
                                .any(|g| k.as_str() == format!("static/{g}"))
                        })
                        .cloned()
                        .collect();
                    for k in &gone {
                        m.statics.remove(k);
                    }
                    format!("delete shadowing statics {gone:?}")
                }
            }
        }
        Kind::Deal => {
            if m.sources.is_empty() {
                skip!("no sources");
            }
            let n = m.unique();
            let cite = cite_ids(m, rng);
            let kind = *rng.pick(DEAL_KINDS);
            let b = &m.briefings[bi];
            let file = b.file.clone();
            let di = if b.deal.is_empty() {
                None
            } else {
                Some(rng.below(b.deal.len()))
            };
            match (rng.below(7), di) {
                (0, _) | (1..=3 | 6, None) => {
                    let free: Vec<&&str> = DEAL_IDS
                        .iter()
                        .filter(|id| !b.deal.iter().any(|d| d.id == **id))
                        .collect();
                    if free.is_empty() {
                        skip!("every id used");
                    }
                    let id = rng.pick(&free).to_string();
                    let mut p = point(&id, kind, &format!("Point text {n}."), &[]);
                    p.cite = cite;
                    m.briefings[bi].deal.push(p);
                    format!("{file}: add point {id} ({kind})")
                }
                (1, Some(d)) => {
                    let p = &mut m.briefings[bi].deal[d];
                    p.text = format!("Reworded point {n}, with *emphasis*.");
                    format!("{file}: reword point {}", p.id)
                }
                (2, Some(d)) => {
                    let p = &mut m.briefings[bi].deal[d];
                    p.kind = kind;
                    format!("{file}: point {} kind -> {kind}", p.id)
                }
                (3, Some(d)) => {
                    let p = &mut m.briefings[bi].deal[d];
                    p.cite = cite;
                    format!("{file}: point {} cites {:?}", p.id, p.cite)
                }
                (4, _) => {
                    // Withdraw a point stated elsewhere, in the newest
                    // briefing that does not state it yet.
                    let stated: Vec<(String, &'static str)> = m
                        .briefings
                        .iter()
                        .flat_map(|b| b.deal.iter().filter(|d| !d.withdrawn))
                        .map(|d| (d.id.clone(), d.kind))
                        .collect();
                    if stated.is_empty() {
                        skip!("no point to withdraw");
                    }
                    let (id, kind) = rng.pick(&stated).clone();
                    let newest = (0..nb)
                        .filter(|&i| !m.briefings[i].deal.iter().any(|d| d.id == id))
                        .max_by(|&a, &b| m.briefings[a].date[..10].cmp(&m.briefings[b].date[..10]));
                    let Some(w) = newest else {
                        skip!("stated everywhere")
                    };
                    let mut p = point(&id, kind, &format!("Withdrawn: {n}."), &[]);
                    p.cite = cite;
                    p.withdrawn = true;
                    m.briefings[w].deal.push(p);
                    format!("{}: withdraw point {id}", m.briefings[w].file)
                }
                (5, _) => {
                    let found = m
                        .briefings
                        .iter()
                        .enumerate()
                        .flat_map(|(i, b)| (0..b.deal.len()).map(move |d| (i, d)))
                        .find(|&(i, d)| m.briefings[i].deal[d].withdrawn);
                    let Some((i, d)) = found else {
                        skip!("nothing withdrawn")
                    };
                    m.briefings[i].deal[d].withdrawn = false;
                    format!(
                        "{}: reinstate point {}",
                        m.briefings[i].file, m.briefings[i].deal[d].id
                    )
                }
                (_, Some(d)) => {
                    let p = m.briefings[bi].deal.remove(d);
                    format!("{file}: remove point {}", p.id)
                }
                (_, None) => skip!("no point to change"),
            }
        }
        Kind::Event => {
            if m.sources.is_empty() {
                skip!("no sources");
            }
            let n = m.unique();
            let cite = cite_ids(m, rng);
            let date = event_date(rng);
            let b = &m.briefings[bi];
            let file = b.file.clone();
            let ei = if b.events.is_empty() {
                None
            } else {
                Some(rng.below(b.events.len()))
            };
            match (rng.below(6), ei) {
                (0 | 1, _) | (2..=4, None) => {
                    let id = if rng.chance(60) {
                        let free: Vec<&&str> = EVENT_IDS
                            .iter()
                            .filter(|id| !b.events.iter().any(|e| e.id.as_deref() == Some(**id)))
                            .collect();
                        if free.is_empty() {
                            None
                        } else {
                            Some(rng.pick(&free).to_string())
                        }
                    } else {
                        None
                    };
                    let desc = format!("{file}: add event {id:?} on {date}");
                    m.briefings[bi].events.push(Ev {
                        id,
                        date: Some(date),
                        text: format!("Event {n} happens, *reportedly*."),
                        cite,
                        withdrawn: false,
                    });
                    desc
                }
                (2, Some(e)) => {
                    let ev = &mut m.briefings[bi].events[e];
                    match rng.below(3) {
                        0 => ev.text = format!("Event {n}, reworded."),
                        1 => ev.date = Some(date),
                        _ => ev.cite = cite,
                    }
                    format!("{file}: revise event {:?}", ev.id)
                }
                (3, _) => {
                    // Withdraw an event stated elsewhere, in the newest
                    // briefing that does not state it yet.
                    let stated: Vec<String> = m
                        .briefings
                        .iter()
                        .flat_map(|b| b.events.iter().filter(|e| !e.withdrawn))
                        .filter_map(|e| e.id.clone())
                        .collect();
                    if stated.is_empty() {
                        skip!("no event to withdraw");
                    }
                    let id = rng.pick(&stated).clone();
                    let newest = (0..nb)
                        .filter(|&i| {
                            !m.briefings[i]
                                .events
                                .iter()
                                .any(|e| e.id.as_deref() == Some(id.as_str()))
                        })
                        .max_by(|&a, &b| m.briefings[a].date[..10].cmp(&m.briefings[b].date[..10]));
                    let Some(w) = newest else {
                        skip!("stated everywhere")
                    };
                    m.briefings[w].events.push(Ev {
                        id: Some(id.clone()),
                        date: rng.chance(30).then_some(date),
                        text: format!("Withdrawn: {n}."),
                        cite,
                        withdrawn: true,
                    });
                    format!("{}: withdraw event {id}", m.briefings[w].file)
                }
                (4, Some(e)) => {
                    let ev = &mut m.briefings[bi].events[e];
                    if !ev.withdrawn {
                        skip!("not withdrawn");
                    }
                    ev.withdrawn = false;
                    ev.date.get_or_insert(date);
                    format!("{file}: reinstate event {:?}", ev.id)
                }
                (_, Some(e)) => {
                    let ev = m.briefings[bi].events.remove(e);
                    format!("{file}: remove event {:?}", ev.id)
                }
                (_, None) => skip!("no event to change"),
            }
        }
        Kind::Chart => {
            let block = chart_block(m, rng);
            let b = &mut m.briefings[bi];
            let file = b.file.clone();
            if b.charts.is_empty() || rng.chance(25) {
                b.charts.push(block);
                return Effect {
                    desc: format!("{file}: add a chart"),
                    ..Effect::default()
                };
            }
            let c = rng.below(b.charts.len());
            let chart = &mut b.charts[c];
            match rng.below(6) {
                0 | 1 => {
                    let i = rng.below(chart.values.len());
                    chart.values[i] += 7;
                    format!("{file}: chart {c}: change value {i}")
                }
                2 => {
                    chart.broken = !chart.broken;
                    format!("{file}: chart {c}: broken = {}", chart.broken)
                }
                3 => {
                    chart.line = !chart.line;
                    format!("{file}: chart {c}: line = {}", chart.line)
                }
                4 => {
                    *chart = ChartBlock {
                        broken: chart.broken,
                        ..block
                    };
                    format!("{file}: chart {c}: new data")
                }
                _ => {
                    b.charts.remove(c);
                    format!("{file}: remove chart {c}")
                }
            }
        }
        Kind::Explainer => {
            let p = paragraph(m, rng);
            let n = m.unique();
            let ids: Vec<String> = m.sources.iter().map(|s| s.id.clone()).collect();
            let choice = rng.below(5);
            let cite = if ids.is_empty() {
                None
            } else {
                Some(rng.pick(&ids).clone())
            };
            if m.explainer.is_none() {
                m.explainer = Some((format!("Explainer {n}"), vec![p]));
                "create content/explainer.md".into()
            } else if choice == 0 {
                m.explainer = None;
                "delete content/explainer.md".into()
            } else {
                let (title, paras) = m.explainer.as_mut().unwrap();
                match (choice, cite) {
                    (1, _) => {
                        *title = format!("Explainer {n}");
                        "content/explainer.md: new title".into()
                    }
                    (2, Some(id)) => {
                        paras.push(format!("The intro now cites [@{id}]."));
                        "content/explainer.md: add a cited paragraph".into()
                    }
                    _ => {
                        let at = rng.below(paras.len());
                        paras[at] = p;
                        format!("content/explainer.md: replace paragraph {at}")
                    }
                }
            }
        }
        Kind::Page => {
            let p = paragraph(m, rng);
            let n = m.unique();
            let np = m.pages.len();
            let pi = if np > 0 { rng.below(np) } else { 0 };
            match rng.below(7) {
                0 | 1 if np > 0 => {
                    let pg = &mut m.pages[pi];
                    pg.paras.push(p);
                    format!("{}: append a paragraph", pg.file)
                }
                2 if np > 0 => {
                    let pg = &mut m.pages[pi];
                    pg.title = format!("Page title {n}");
                    format!("{}: title -> {}", pg.file, pg.title)
                }
                3 if np > 0 => {
                    let pg = m.pages.remove(pi);
                    format!("delete {}", pg.file)
                }
                4 if np > 0 => {
                    let pg = &mut m.pages[pi];
                    pg.slug = match rng.below(4) {
                        0 => None,
                        // Reserved for the site's own pages: an error.
                        1 => Some("tags".into()),
                        _ => Some(format!("page-slug-{n}")),
                    };
                    format!("{}: slug -> {:?}", pg.file, pg.slug)
                }
                5 if np > 0 => {
                    let to = format!("content/pages/renamed-{n}.md");
                    let pg = &mut m.pages[pi];
                    let from = std::mem::replace(&mut pg.file, to);
                    format!("rename {from} -> {}", pg.file)
                }
                _ => {
                    let file = format!("content/pages/page-{n}.md");
                    m.pages.push(Pg {
                        file: file.clone(),
                        title: format!("Page {n}"),
                        slug: None,
                        paras: vec![p],
                    });
                    format!("add {file}")
                }
            }
        }
        Kind::SiteToml => {
            if rng.chance(25) {
                // Changes syntax.css and nothing else.
                m.light_theme = match m.light_theme {
                    None => Some("Solarized (light)"),
                    Some(_) => None,
                };
                format!("site.toml: highlight light = {:?}", m.light_theme)
            } else if rng.chance(50) {
                m.paginate_by = if m.paginate_by == 2 { 3 } else { 2 };
                format!("site.toml: paginate_by = {}", m.paginate_by)
            } else {
                let n = m.unique();
                m.title = format!("Site title {n}");
                format!("site.toml: title = {}", m.title)
            }
        }
        Kind::Break => {
            let b = &mut m.briefings[bi];
            b.broken = match b.broken {
                Some(_) => None,
                None => Some(*rng.pick(&[
                    Breakage::UnknownKey,
                    Breakage::BadToml,
                    Breakage::UnknownCitation,
                    Breakage::NoDate,
                ])),
            };
            format!("{}: broken = {:?}", b.file, b.broken)
        }
        Kind::Touch => {
            let files: Vec<String> = m.files().into_keys().collect();
            let path = rng.pick(&files).clone();
            let d = format!("touch {path} (same bytes)");
            fx.touch = Some(path);
            d
        }
        Kind::FolderIn => {
            let n = m.unique();
            let dir = format!("content/briefings/batch-{n}");
            for _ in 0..1 + rng.below(2) {
                let b = new_briefing(m, rng, &dir);
                m.briefings.push(b);
            }
            let d = format!("move folder {dir} in (with its briefings)");
            fx.folder = Some(dir);
            d
        }
        Kind::Folderize | Kind::ImageBytes | Kind::Colocated => {
            match apply_figure(m, edit.kind, bi, rng) {
                Ok(d) => d,
                Err(why) => skip!(why),
            }
        }
        Kind::FolderOut => {
            let dirs: BTreeSet<String> = m
                .briefings
                .iter()
                .filter_map(|b| {
                    let rest = b.file.strip_prefix("content/briefings/")?;
                    let (dir, _) = rest.split_once('/')?;
                    Some(format!("content/briefings/{dir}"))
                })
                .collect();
            let dirs: Vec<String> = dirs.into_iter().collect();
            if dirs.is_empty() {
                skip!("no subfolder");
            }
            let dir = rng.pick(&dirs).clone();
            let prefix = format!("{dir}/");
            if m.briefings.iter().all(|b| b.file.starts_with(&prefix)) {
                skip!("it holds every briefing");
            }
            m.briefings.retain(|b| !b.file.starts_with(&prefix));
            let d = format!("move folder {dir} out (with its briefings)");
            fx.folder = Some(dir);
            d
        }
    };
    fx.desc = desc;
    fx
}

/// The figure edits: a briefing becomes a folder briefing showing an
/// image, an image's bytes change, a file beside a briefing comes or goes.
fn apply_figure(
    m: &mut Model,
    kind: Kind,
    bi: usize,
    rng: &mut Rng,
) -> Result<String, &'static str> {
    if m.briefings.is_empty() {
        return Err("no briefing");
    }
    let n = m.unique();
    match kind {
        Kind::Folderize => {
            let b = &m.briefings[bi];
            if b.is_folder() {
                return Err("already a folder briefing");
            }
            let to = format!("{}/index.md", b.file.trim_end_matches(".md"));
            if m.briefings.iter().any(|x| x.file == to) {
                return Err("target exists");
            }
            let b = &mut m.briefings[bi];
            let from = std::mem::replace(&mut b.file, to);
            let name = format!("photo-{n}.png");
            b.files.insert(name.clone(), test_png(n));
            if rng.chance(70) {
                b.figures.push(name.clone());
            }
            Ok(format!("{from} -> {} with {name}", b.file))
        }
        Kind::ImageBytes => {
            let images: Vec<(usize, String)> = m
                .briefings
                .iter()
                .enumerate()
                .flat_map(|(i, b)| {
                    b.files
                        .keys()
                        .filter(|k| k.ends_with(".png"))
                        .map(move |k| (i, k.clone()))
                })
                .collect();
            if images.is_empty() {
                // Nothing to change yet: make one.
                return apply_figure(m, Kind::Folderize, bi, rng);
            }
            let (i, name) = rng.pick(&images).clone();
            let b = &mut m.briefings[i];
            b.files.insert(name.clone(), test_png(n));
            Ok(format!("{}: new bytes for {name}", b.dir()))
        }
        _ => {
            let folders: Vec<usize> = (0..m.briefings.len())
                .filter(|&i| m.briefings[i].is_folder())
                .collect();
            if folders.is_empty() {
                return apply_figure(m, Kind::Folderize, bi, rng);
            }
            let i = *rng.pick(&folders);
            let b = &mut m.briefings[i];
            let names: Vec<String> = b.files.keys().cloned().collect();
            match rng.below(4) {
                0 if !names.is_empty() => {
                    // Possibly one the body shows: an error until repaired.
                    let name = rng.pick(&names).clone();
                    b.files.remove(&name);
                    Ok(format!(
                        "{}: remove {name} (shown: {})",
                        b.dir(),
                        b.figures.contains(&name)
                    ))
                }
                1 => {
                    let name = format!("data/table-{n}.csv");
                    b.files.insert(
                        name.clone(),
                        format!(
                            "a,b
{n},1
"
                        )
                        .into_bytes(),
                    );
                    Ok(format!("{}: add {name}", b.dir()))
                }
                2 if !names.is_empty() => {
                    let name = rng.pick(&names).clone();
                    if !name.ends_with(".png") || b.figures.contains(&name) {
                        return Err("not an image, or shown already");
                    }
                    b.figures.push(name.clone());
                    Ok(format!("{}: show {name}", b.dir()))
                }
                _ => {
                    let name = format!("extra-{n}.png");
                    b.files.insert(name.clone(), test_png(n));
                    if rng.chance(50) {
                        b.figures.push(name.clone());
                    }
                    Ok(format!(
                        "{}: add {name} (shown: {})",
                        b.dir(),
                        b.figures.contains(&name)
                    ))
                }
            }
        }
    }
}

/// Undoes every breakage, so the site builds: the last step of every case.
fn repair(m: &mut Model) -> String {
    let files: BTreeSet<String> = m.briefings.iter().map(|b| b.file.clone()).collect();
    let authors: BTreeSet<String> = m.authors.keys().cloned().collect();
    for b in &mut m.briefings {
        b.authors.retain(|a| authors.contains(a));
        b.links.retain(|l| files.contains(l));
        let day = b.date[..10].to_string();
        b.corrections.retain(|(d, _)| *d >= day);
    }
    for b in &mut m.briefings {
        b.broken = None;
        b.updated = None;
        for d in &mut b.deal {
            d.withdrawn = false;
        }
        for e in &mut b.events {
            e.withdrawn = false;
            e.date.get_or_insert_with(|| "2025-05-01".to_string());
        }
        for c in &mut b.charts {
            c.broken = false;
        }
    }
    let mut seen = BTreeSet::new();
    for i in 0..m.briefings.len() {
        let slug = effective_slug(&m.briefings[i]);
        if !seen.insert(slug.clone()) {
            let n = m.unique();
            m.briefings[i].slug = Some(format!("{slug}-{n}"));
            seen.insert(format!("{slug}-{n}"));
        }
    }
    let mut seen = BTreeSet::new();
    for i in 0..m.pages.len() {
        let slug = page_slug(&m.pages[i]);
        if slug == "tags" || !seen.insert(slug) {
            let n = m.unique();
            m.pages[i].slug = Some(format!("page-{n}"));
        }
    }
    for b in &mut m.briefings {
        let files = &b.files;
        b.figures.retain(|name| files.contains_key(name));
    }
    m.sources_broken = false;
    m.template_broken = false;
    m.statics.retain(|k, _| {
        !GENERATED
            .iter()
            .any(|g| k.as_str() == format!("static/{g}"))
    });
    for id in m.cited() {
        if !m.sources.iter().any(|s| s.id == id) {
            m.sources
                .push(src(&id, &format!("Restored {id}"), "Restored"));
        }
    }
    "repair: fix every breakage".into()
}

// ---------------------------------------------------------------------------
// Writing edits to disk the way editors do, and reporting them as the
// watcher would.
// ---------------------------------------------------------------------------

struct Disk<'a> {
    root: &'a Path,
    /// Outside the site: staging for folder moves.
    scratch: PathBuf,
    /// The step's number, so names in `scratch` never repeat.
    step: usize,
    counter: u32,
    reported: BTreeSet<PathBuf>,
}

impl Disk<'_> {
    fn report(&mut self, rel: &str) {
        self.reported.insert(self.root.join(rel));
    }

    /// Creates the parent folders of `rel`, reporting the new ones.
    fn parents(&mut self, rel: &str) {
        let mut missing = Vec::new();
        let mut p = Path::new(rel).parent();
        while let Some(dir) = p.filter(|d| !d.as_os_str().is_empty()) {
            if self.root.join(dir).is_dir() {
                break;
            }
            missing.push(dir.to_path_buf());
            p = dir.parent();
        }
        for dir in missing.into_iter().rev() {
            std::fs::create_dir(self.root.join(&dir)).unwrap();
            self.reported.insert(self.root.join(dir));
        }
    }

    /// Writes a file directly, through a temporary file and a rename, or
    /// after moving the old file to a backup, as editors do.
    fn save(&mut self, rel: &str, bytes: &[u8], rng: &mut Rng) {
        self.parents(rel);
        let abs = self.root.join(rel);
        let dir = abs.parent().unwrap().to_path_buf();
        let name = abs.file_name().unwrap().to_string_lossy().into_owned();
        match rng.below(10) {
            0..=5 => {
                std::fs::write(&abs, bytes).unwrap();
                self.report(rel);
            }
            6..=8 => {
                self.counter += 1;
                let temp = match rng.below(3) {
                    0 => format!(".{name}.swp"),
                    1 => format!("{name}.tmp"),
                    // A temporary name brief would read if it stayed.
                    _ => format!("save-{}-{name}", self.counter),
                };
                let temp = dir.join(temp);
                std::fs::write(&temp, bytes).unwrap();
                std::fs::rename(&temp, &abs).unwrap();
                self.reported.insert(temp);
                self.report(rel);
            }
            _ => {
                let backup = dir.join(format!("{name}~"));
                if abs.exists() {
                    std::fs::rename(&abs, &backup).unwrap();
                }
                std::fs::write(&abs, bytes).unwrap();
                let _ = std::fs::remove_file(&backup);
                self.reported.insert(backup);
                self.report(rel);
            }
        }
    }

    /// Brings the site on disk from `old` to `new`; returns the paths the
    /// watcher would report.
    fn sync(mut self, old: &Files, new: &Files, effects: &[Effect], rng: &mut Rng) -> Vec<PathBuf> {
        let folders: Vec<&str> = effects.iter().filter_map(|e| e.folder.as_deref()).collect();
        let in_folder = |p: &str| folders.iter().any(|f| p.starts_with(&format!("{f}/")));
        for dir in &folders {
            self.counter += 1;
            let inside = format!("{dir}/");
            let target = self.root.join(dir);
            if new.keys().any(|p| p.starts_with(&inside)) {
                let stage = self
                    .scratch
                    .join(format!("stage-{}-{}", self.step, self.counter));
                for (path, bytes) in new.range(inside.clone()..) {
                    let Some(rel) = path.strip_prefix(&inside) else {
                        break;
                    };
                    let to = stage.join(rel);
                    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                    std::fs::write(to, bytes).unwrap();
                }
                self.parents(&format!("{dir}/x"));
                std::fs::remove_dir(&target).unwrap();
                std::fs::rename(&stage, &target).unwrap();
            } else {
                std::fs::rename(
                    &target,
                    self.scratch
                        .join(format!("gone-{}-{}", self.step, self.counter)),
                )
                .unwrap();
            }
            self.reported.insert(target);
        }
        for (path, bytes) in new {
            if !in_folder(path) && old.get(path) != Some(bytes) {
                self.save(path, bytes, rng);
            }
        }
        for path in old.keys() {
            if !in_folder(path) && !new.contains_key(path) {
                std::fs::remove_file(self.root.join(path)).unwrap();
                self.report(path);
            }
        }
        for path in effects.iter().filter_map(|e| e.touch.as_deref()) {
            std::fs::write(self.root.join(path), &new[path]).unwrap();
            self.report(path);
        }
        self.reported.into_iter().collect()
    }
}

// ---------------------------------------------------------------------------
// Running a case: every update checked against a fresh build.
// ---------------------------------------------------------------------------

/// Why a case failed: a category and the kinds of edit of the failing step
/// (to group failures, so one bug does not hide another), and the details.
#[derive(Debug)]
struct Failure {
    /// `category [kinds of the failing step's edits]`.
    signature: String,
    detail: String,
    /// What each step did, up to the failing one.
    log: Vec<String>,
}

#[derive(Default)]
struct Stats {
    updates: usize,
    failed_updates: usize,
    edits: BTreeMap<String, usize>,
    outputs_changed: usize,
}

fn fail(category: &'static str, detail: String, log: &[(String, String)]) -> Failure {
    let kinds = log.last().map_or("open", |(kinds, _)| kinds.as_str());
    Failure {
        signature: format!("{category} [after: {kinds}]"),
        detail,
        log: log.iter().map(|(_, line)| line.clone()).collect(),
    }
}

fn errors_of(update: &Update) -> Vec<String> {
    let mut e: Vec<String> = update
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    e.sort();
    e
}

fn all_of(update: &Update) -> Vec<String> {
    let mut e: Vec<String> = update.diagnostics.iter().map(|d| d.to_string()).collect();
    e.sort();
    e
}

/// Applies `steps` (then a repair) to a fresh copy of the fixture, checking
/// every update against a full build.
fn run_case(theme: &Arc<Files>, steps: &[Step], stats: &mut Stats) -> Result<(), Failure> {
    let mut model = base_model(Arc::clone(theme));
    let site = write_site(&model);
    let opts = serve_options(site.root());
    let scratch = site.outer().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    // (kinds of edit, what the step did), one per step.
    let mut log: Vec<(String, String)> = Vec::new();
    let (mut ws, first) = Workspace::open(opts.clone()).expect("the workspace opens");
    let fresh = full_build(&opts);
    let Some(expected) = fresh.outputs else {
        panic!("the fixture does not build: {:#?}", fresh.diagnostics);
    };
    assert!(
        !first.failed,
        "the fixture fails in serve: {:#?}",
        all_of(&first)
    );
    if let Some(d) = difference(&served(&ws), &expected) {
        return Err(fail("initial outputs differ", d, &log));
    }
    let mut failing = false;
    let repair_step = Step {
        edits: Vec::new(),
        write_seed: 7,
    };
    for (n, step) in steps.iter().chain([&repair_step]).enumerate() {
        let is_repair = n == steps.len();
        let old = model.files();
        let mut effects: Vec<Effect> = if is_repair {
            vec![Effect {
                desc: repair(&mut model),
                ..Effect::default()
            }]
        } else {
            step.edits.iter().map(|e| apply(&mut model, *e)).collect()
        };
        for e in &step.edits {
            *stats.edits.entry(format!("{:?}", e.kind)).or_default() += 1;
        }
        let new = model.files();
        let disk = Disk {
            root: site.root(),
            scratch: scratch.clone(),
            step: n,
            counter: 0,
            reported: BTreeSet::new(),
        };
        let mut rng = Rng::new(step.write_seed);
        let paths = disk.sync(&old, &new, &effects, &mut rng);
        let descs: Vec<String> = effects.drain(..).map(|e| e.desc).collect();
        let touch_only =
            !is_repair && step.edits.iter().all(|e| e.kind == Kind::Touch) && old == new;
        let kinds: BTreeSet<String> = step.edits.iter().map(|e| format!("{:?}", e.kind)).collect();
        let kinds = if is_repair {
            "repair".to_string()
        } else {
            kinds.into_iter().collect::<Vec<_>>().join("+")
        };
        log.push((
            kinds,
            format!(
                "step {}: {} -> update({:?})",
                n + 1,
                descs.join("; "),
                paths
                    .iter()
                    .map(|p| p.strip_prefix(site.root()).unwrap().display().to_string())
                    .collect::<Vec<_>>()
            ),
        ));
        if paths.is_empty() {
            // The watcher sees nothing, so nothing runs.
            continue;
        }
        let before = served(&ws);
        let was_failing = failing;
        let update = match ws.update(&paths) {
            Ok(u) => u,
            Err(e) => return Err(fail("update error", e.to_string(), &log)),
        };
        stats.updates += 1;
        let after = served(&ws);
        let fresh = full_build(&opts);
        failing = fresh.outputs.is_none();
        match &fresh.outputs {
            None => {
                stats.failed_updates += 1;
                if !update.failed {
                    return Err(fail(
                        "an update with errors reports success",
                        format!(
                            "the full build has errors {:#?}\nbut the update reports failed = false, changed = {:?}, reparsed = {}",
                            fresh.errors, update.changed, update.reparsed
                        ),
                        &log,
                    ));
                }
                if after != before {
                    return Err(fail(
                        "a failed update changed the served site",
                        format!("changed outputs: {:?}", changed_between(&before, &after)),
                        &log,
                    ));
                }
                if !update.changed.is_empty() {
                    return Err(fail(
                        "a failed update names changed outputs",
                        format!("{:?}", update.changed),
                        &log,
                    ));
                }
                let ours = errors_of(&update);
                if fresh.errors != ours {
                    return Err(fail(
                        "errors differ from the build's",
                        format!("build: {:#?}\nserve: {ours:#?}", fresh.errors),
                        &log,
                    ));
                }
            }
            Some(expected) => {
                if update.failed {
                    return Err(fail(
                        "an update without errors reports failure",
                        format!("serve's errors: {:#?}", errors_of(&update)),
                        &log,
                    ));
                }
                if let Some(d) = difference(&after, expected) {
                    return Err(fail("served outputs differ from a full build", d, &log));
                }
                let really = changed_between(&before, &after);
                stats.outputs_changed += really.len();
                if update.changed != really {
                    return Err(fail(
                        "`changed` does not name the outputs that changed",
                        format!(
                            "update.changed = {:?}\nreally changed = {really:?}",
                            update.changed
                        ),
                        &log,
                    ));
                }
                let noop = update.reparsed == 0
                    && update.rendered.total() == 0
                    && update.changed.is_empty()
                    && update.diagnostics.is_empty();
                if !noop && all_of(&update) != fresh.diagnostics {
                    return Err(fail(
                        "diagnostics differ from the build's",
                        format!(
                            "build: {:#?}\nserve: {:#?}",
                            fresh.diagnostics,
                            all_of(&update)
                        ),
                        &log,
                    ));
                }
            }
        }
        if touch_only && !was_failing {
            let config = paths.iter().any(|p| p.ends_with("site.toml"));
            if !update.changed.is_empty() || (!config && update.reparsed != 0) {
                return Err(fail(
                    "touching a file rebuilt something",
                    format!(
                        "changed = {:?}, reparsed = {}, rendered = {:?}",
                        update.changed, update.reparsed, update.rendered
                    ),
                    &log,
                ));
            }
        }
        if is_repair && fresh.outputs.is_none() {
            panic!(
                "test bug: the repaired site still has errors {:#?}\n{}",
                fresh.diagnostics,
                log.iter()
                    .map(|(_, l)| l.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    Ok(())
}

/// The steps of one case, from its seed.
fn generate(seed: u64) -> Vec<Step> {
    let mut rng = Rng::new(seed);
    let n = 5 + rng.below(6);
    (0..n)
        .map(|_| {
            let k = if rng.chance(20) { 2 + rng.below(2) } else { 1 };
            let mut edits: Vec<Edit> = (0..k)
                .map(|_| Edit {
                    kind: draw_kind(&mut rng),
                    seed: rng.next(),
                })
                .collect();
            // A folder moved as a whole is one event: alone in its step.
            if let Some(folder) = edits
                .iter()
                .find(|e| matches!(e.kind, Kind::FolderIn | Kind::FolderOut))
            {
                edits = vec![*folder];
            }
            Step {
                edits,
                write_seed: rng.next(),
            }
        })
        .collect()
}

/// Removes steps and edits while the case still fails the same way.
fn shrink(theme: &Arc<Files>, steps: Vec<Step>, signature: &str) -> (Vec<Step>, Failure) {
    let fails = |s: &[Step]| -> Option<Failure> {
        run_case(theme, s, &mut Stats::default())
            .err()
            .filter(|f| f.signature == signature)
    };
    let mut best = steps;
    let mut failure = fails(&best).expect("the failure reproduces");
    // Steps after the failing one do not matter.
    best.truncate(failure.log.len().min(best.len()));
    loop {
        let mut progress = false;
        for i in (0..best.len()).rev() {
            let mut shorter = best.clone();
            shorter.remove(i);
            if let Some(f) = fails(&shorter) {
                best = shorter;
                failure = f;
                progress = true;
                continue;
            }
            let len = best[i].edits.len();
            for j in (0..len).rev().filter(|_| len > 1) {
                let mut fewer = best.clone();
                fewer[i].edits.remove(j);
                if let Some(f) = fails(&fewer) {
                    best = fewer;
                    failure = f;
                    progress = true;
                    break;
                }
            }
        }
        if !progress {
            return (best, failure);
        }
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}"))
    })
}

/// Incremental rebuilds equal a full build after random edit sequences.
///
/// `BRIEF_SERVE_SEED` changes the base seed, `BRIEF_SERVE_CASES` the number
/// of cases (default 30), `BRIEF_SERVE_CASE=<case seed>` runs one case.
#[test]
fn incremental_rebuilds_equal_a_full_build_after_random_edits() {
    let theme = default_theme();
    let base = env_u64("BRIEF_SERVE_SEED").unwrap_or(20_250_609);
    let cases = env_u64("BRIEF_SERVE_CASES").unwrap_or(30);
    let seeds: Vec<u64> = match env_u64("BRIEF_SERVE_CASE") {
        Some(seed) => vec![seed],
        None => {
            let mut rng = Rng::new(base);
            (0..cases).map(|_| rng.next()).collect()
        }
    };
    let started = Instant::now();
    let mut stats = Stats::default();
    // The first failure of each signature, shrunk below.
    let mut failures: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    for &seed in &seeds {
        let steps = generate(seed);
        if let Err(f) = run_case(&theme, &steps, &mut stats) {
            let entry = failures.entry(f.signature).or_insert((seed, 0));
            entry.1 += 1;
        }
    }
    eprintln!(
        "differential test: {} cases, {} updates ({} with errors, as the full build), {} outputs changed, {:.1} s; edits: {:?}",
        seeds.len(),
        stats.updates,
        stats.failed_updates,
        stats.outputs_changed,
        started.elapsed().as_secs_f64(),
        stats.edits
    );
    if failures.is_empty() {
        return;
    }
    let mut report = String::new();
    for (signature, (seed, count)) in &failures {
        let (steps, failure) = shrink(&theme, generate(*seed), signature);
        let _ = writeln!(
            report,
            "\n## {signature} ({count} of {} cases; first: BRIEF_SERVE_CASE={seed})\nminimal sequence ({} steps), from the fixture in base_model():\n  {}\n{}",
            seeds.len(),
            steps.len(),
            failure.log.join("\n  "),
            failure.detail
        );
    }
    panic!("incremental rebuilds differ from a full build:{report}");
}

// ---------------------------------------------------------------------------
// Render counters and regressions, on the fixture of `base_model`.
// ---------------------------------------------------------------------------

/// The fixture of [`base_model`] on disk, with its workspace open.
struct Served {
    model: Model,
    site: TempSite,
    opts: Options,
    ws: Workspace,
}

impl Served {
    fn open() -> Served {
        let model = base_model(default_theme());
        let site = write_site(&model);
        let opts = serve_options(site.root());
        let (ws, first) = Workspace::open(opts.clone()).expect("the workspace opens");
        assert!(
            first.diagnostics.is_empty(),
            "the fixture has problems: {:#?}",
            all_of(&first)
        );
        let served = Served {
            model,
            site,
            opts,
            ws,
        };
        served.assert_equals_full_build();
        served
    }

    /// Writes the files of the model that differ from the disk; returns
    /// their absolute paths.
    fn save(&mut self, edit: impl FnOnce(&mut Model)) -> Vec<PathBuf> {
        let old = self.model.files();
        edit(&mut self.model);
        let mut paths = Vec::new();
        for (path, bytes) in self.model.files() {
            if old.get(&path) != Some(&bytes) {
                self.site.write_bytes(&path, &bytes);
                paths.push(self.site.path(&path));
            }
        }
        for path in old.keys() {
            if !self.model.files().contains_key(path) {
                std::fs::remove_file(self.site.path(path)).unwrap();
                paths.push(self.site.path(path));
            }
        }
        paths
    }

    /// Rewrites a file with the bytes it has.
    fn touch(&self, rel: &str) -> PathBuf {
        let path = self.site.path(rel);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn update(&mut self, paths: &[PathBuf]) -> Update {
        self.ws.update(paths).expect("update runs")
    }

    #[track_caller]
    fn assert_equals_full_build(&self) {
        let fresh = full_build(&self.opts);
        let expected = fresh
            .outputs
            .unwrap_or_else(|| panic!("the full build fails: {:#?}", fresh.errors));
        if let Some(d) = difference(&served(&self.ws), &expected) {
            panic!("serve differs from a full build:\n{d}");
        }
    }

    /// How many of the theme's and the site's static files there are.
    fn static_files(&self) -> usize {
        let theme = self
            .model
            .theme
            .keys()
            .filter(|k| k.starts_with("themes/default/static/"))
            .count();
        theme + self.model.statics.len()
    }
}

fn counts(
    briefings: usize,
    lists: usize,
    feeds: usize,
    pages: usize,
    statics: usize,
) -> RenderedCounts {
    RenderedCounts {
        briefings,
        lists,
        feeds,
        pages,
        statics,
        images: 0,
    }
}

// What the fixture renders (newest first: echo, delta, charlie, bravo,
// alpha; two a page): 5 briefings; lists: home pages 1–3, archive, tags,
// minerals pages 1–2 (echo, bravo | alpha), london-talks (charlie, bravo),
// magnets (delta), sources = 10; feeds: atom.xml, 3 tag feeds, sitemap,
// robots.txt, sources.json, explainer/atom.xml = 8; pages: about, 4
// sources, explainer, the explainer on 3 and 7 June (the days bravo and
// delta changed it), search, 404 = 10; statics: syntax.css and the static
// files. A new kind of output changes these numbers.
const ALL_LISTS: usize = 10;
const ALL_FEEDS: usize = 8;
const ALL_PAGES: usize = 10;

#[test]
fn a_body_edit_re_renders_only_what_shows_that_briefing() {
    let mut s = Served::open();
    // Charlie's third paragraph: neither its summary (the first paragraph)
    // nor its citations change.
    let paths = s.save(|m| m.briefings[2].paras[2] = "Third paragraph, rewritten.".into());
    assert_eq!(
        paths,
        [s.site.path("content/briefings/2025-06-05-charlie.md")]
    );
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert_eq!(u.reparsed, 1);
    // Only what shows charlie's body: its own page, and the two feeds that
    // carry its full content (atom.xml, london-talks'). Not its neighbours,
    // lists or source pages: they show its summary and the sentences that
    // cite each source, and neither changed.
    assert_eq!(u.rendered, counts(1, 0, 2, 0, 0), "rendered");
    let may_change: BTreeSet<&str> = [
        "briefings/charlie/index.html",
        "briefings/delta/index.html",
        "briefings/bravo/index.html",
        "page/2/index.html",
        "briefings/index.html",
        "tags/london-talks/index.html",
        "atom.xml",
        "tags/london-talks/atom.xml",
        "sources/src-a/index.html",
        "sources/src-b/index.html",
    ]
    .into();
    assert!(
        u.changed
            .contains(&"briefings/charlie/index.html".to_string())
    );
    assert!(u.changed.contains(&"atom.xml".to_string()));
    for path in &u.changed {
        assert!(
            may_change.contains(path.as_str()),
            "{path} changed but was not re-rendered"
        );
    }
    s.assert_equals_full_build();
}

/// The explainer as it stood: bravo (3 June) states not-a-treaty citing
/// src-a, delta (7 June) rewords it citing src-b. Bravo's version now
/// cites src-c: the explainer on 3 June shows that version and
/// re-renders; the explainer on 7 June shows delta's, and its entry for
/// delta's change still reads "Reworded": it is not re-rendered.
#[test]
fn a_deal_point_edit_re_renders_only_the_snapshots_that_show_it() {
    let mut s = Served::open();
    let paths = s.save(|m| m.briefings[1].deal[0].cite = vec!["src-c".into()]);
    assert_eq!(
        paths,
        [s.site.path("content/briefings/2025-06-03-bravo.md")]
    );
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    // Briefings: bravo and delta (their explainer boxes name the deal's
    // changes). Lists: home page 1 (the deal in brief), /sources/ (each
    // source's count of points). Feeds: the explainer's, and the three
    // carrying bravo in full (atom.xml, minerals, london-talks: its file
    // changed). Pages: the explainer, the four source pages (the points
    // resting on each), the explainer on 3 June.
    assert_eq!(u.rendered, counts(2, 2, 4, 6, 0), "rendered");
    assert!(
        u.changed
            .contains(&"explainer/2025-06-03/index.html".to_string())
    );
    assert!(
        !u.changed
            .contains(&"explainer/2025-06-07/index.html".to_string())
    );
    s.assert_equals_full_build();
}

/// Events in alpha and charlie; charlie's is reworded: only the timeline,
/// its feed, charlie's box, the home page's newest events and the page of
/// the source it cites show it.
#[test]
fn an_event_revision_re_renders_the_timeline_and_what_shows_that_event() {
    let mut s = Served::open();
    let paths = s.save(|m| {
        m.briefings[0].events.push(Ev {
            id: Some("geneva-truce".into()),
            date: Some("2025-05-12".into()),
            text: "A truce in Geneva.".into(),
            cite: vec!["src-a".into()],
            withdrawn: false,
        });
        m.briefings[2].events.push(Ev {
            id: None,
            date: Some("2025-06-04".into()),
            text: "Talks resume.".into(),
            cite: vec!["src-c".into()],
            withdrawn: false,
        });
    });
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert!(u.changed.contains(&"timeline/index.html".to_string()));
    s.assert_equals_full_build();
    let paths = s.save(|m| m.briefings[2].events[0].text = "Talks resume in London.".into());
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert_eq!(u.reparsed, 1);
    // Charlie's page; home page 1; the timeline's feed and the two
    // carrying charlie in full (atom.xml, london-talks: its file changed);
    // the timeline and src-c's page. Not alpha, src-a, or any snapshot.
    assert_eq!(u.rendered, counts(1, 1, 3, 2, 0), "rendered");
    let mut changed = u.changed.clone();
    changed.sort();
    assert_eq!(
        changed,
        [
            "briefings/charlie/index.html",
            "index.html",
            "sources/src-c/index.html",
            "timeline/atom.xml",
            "timeline/index.html",
        ]
    );
    s.assert_equals_full_build();
}

/// A chart is part of its briefing's body: a value changed re-renders what
/// shows the body, and not the page of the source the chart cites (it
/// quotes the chart's title and labels, which did not change).
#[test]
fn a_chart_edit_re_renders_only_what_shows_that_briefing() {
    let mut s = Served::open();
    let chart = ChartBlock {
        line: false,
        title: "Shares".into(),
        labels: vec!["Mining".into(), "Magnets".into()],
        values: vec![60, 90],
        cite: Some(vec!["src-c".into(), "src-c".into()]),
        broken: false,
    };
    let paths = s.save(|m| m.briefings[2].charts.push(chart));
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert!(u.changed.contains(&"sources/src-c/index.html".to_string()));
    s.assert_equals_full_build();
    let paths = s.save(|m| m.briefings[2].charts[0].values[1] = 94);
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    // Charlie's page, atom.xml and the london-talks feed (full content).
    assert_eq!(u.rendered, counts(1, 0, 2, 0, 0), "rendered");
    assert!(
        u.changed
            .contains(&"briefings/charlie/index.html".to_string())
    );
    s.assert_equals_full_build();
    // Broken, the block is an error at its values; fixed, it converges.
    let paths = s.save(|m| m.briefings[2].charts[0].broken = true);
    let u = s.update(&paths);
    assert!(u.failed);
    assert_eq!(errors_of(&u), full_build(&s.opts).errors);
    let paths = s.save(|m| m.briefings[2].charts[0].broken = false);
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    s.assert_equals_full_build();
}

#[test]
fn a_template_edit_re_parses_nothing_and_re_renders_every_page() {
    let mut s = Served::open();
    let paths = s.save(|m| m.briefing_marks += 1);
    assert_eq!(
        paths,
        [s.site.path("themes/default/templates/briefing.html")]
    );
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert_eq!(u.reparsed, 0);
    // Every output made from a template, and syntax.css (its key holds the
    // theme's); not the static files, whose bytes did not change.
    assert_eq!(u.rendered, counts(5, ALL_LISTS, ALL_FEEDS, ALL_PAGES, 1));
    let briefing_pages: Vec<String> = ["alpha", "bravo", "charlie", "delta", "echo"]
        .iter()
        .map(|slug| format!("briefings/{slug}/index.html"))
        .collect();
    assert_eq!(u.changed, briefing_pages, "only briefing.html changed");
    s.assert_equals_full_build();
}

#[test]
fn a_site_toml_edit_reloads_everything() {
    let mut s = Served::open();
    let paths = s.save(|m| m.title = "Another Title".into());
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    // 5 briefings, about, the explainer intro (sources.toml is not a document).
    assert_eq!(u.reparsed, 7);
    let statics = s.static_files() + 1;
    assert_eq!(
        u.rendered,
        counts(5, ALL_LISTS, ALL_FEEDS, ALL_PAGES, statics)
    );
    assert!(u.changed.contains(&"index.html".to_string()));
    s.assert_equals_full_build();
}

#[test]
fn a_registry_edit_re_parses_only_the_documents_citing_the_changed_source() {
    let mut s = Served::open();
    let paths = s.save(|m| m.sources[1].title = "Bravo analysis, retitled".into());
    assert_eq!(paths, [s.site.path("content/sources.toml")]);
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    // src-b is cited by bravo, charlie and the about page, and by a point
    // of delta's: delta is re-parsed too, so a source removed from the
    // registry is reported at the point that cites it.
    assert_eq!(u.reparsed, 4);
    // Briefings: bravo and charlie, whose references show src-b (their
    // neighbours and lists show only summaries: not re-rendered). Lists:
    // /sources/. Feeds: atom.xml, the minerals and london-talks feeds (full
    // content, references included), sources.json, the explainer's feed.
    // Pages: about, src-b's page, the explainer (its points cite src-b),
    // the explainer on 7 June (delta's version of not-a-treaty cites
    // src-b; on 3 June, bravo's cites src-a: not re-rendered).
    assert_eq!(u.rendered, counts(2, 1, 5, 4, 0));
    assert!(u.changed.contains(&"sources/src-b/index.html".to_string()));
    s.assert_equals_full_build();
}

#[test]
fn a_static_file_edit_renders_only_that_file() {
    let mut s = Served::open();
    let paths = s.save(|m| {
        m.statics.insert("static/x.txt".into(), "new text\n".into());
    });
    let u = s.update(&paths);
    assert_eq!((u.reparsed, u.rendered), (0, counts(0, 0, 0, 0, 1)));
    assert_eq!(u.changed, ["x.txt"]);
    s.assert_equals_full_build();
}

#[test]
fn a_stylesheet_edit_changes_only_the_stylesheet() {
    // Serve's pages link style.css without a content hash, so the open tab
    // can swap the stylesheet instead of reloading.
    let mut s = Served::open();
    let paths = s.save(|m| m.style_marks += 1);
    assert_eq!(paths, [s.site.path("themes/default/static/style.css")]);
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert_eq!(u.reparsed, 0);
    assert_eq!(u.changed, ["style.css"]);
    s.assert_equals_full_build();
}

#[test]
fn touching_a_file_without_changing_it_rebuilds_nothing() {
    let mut s = Served::open();
    for rel in [
        "content/briefings/2025-06-05-charlie.md",
        "content/pages/about.md",
        "content/explainer.md",
        "content/sources.toml",
        "themes/default/templates/base.html",
        "themes/default/static/style.css",
        "static/x.txt",
    ] {
        let path = s.touch(rel);
        let u = s.update(&[path]);
        assert!(!u.failed, "{rel}: {:#?}", all_of(&u));
        assert_eq!(
            (u.changed.as_slice(), u.reparsed, u.rendered.total()),
            (&[] as &[String], 0, 0),
            "touching {rel}"
        );
    }
    // site.toml reloads everything by design, but nothing changes.
    let path = s.touch("site.toml");
    let u = s.update(&[path]);
    assert!(
        !u.failed && u.changed.is_empty(),
        "touching site.toml: {u:?}"
    );
    s.assert_equals_full_build();
}

#[test]
fn an_error_keeps_the_last_good_outputs_and_a_fix_converges() {
    let mut s = Served::open();
    let good = served(&s.ws);
    let paths = s.save(|m| m.briefings[2].broken = Some(Breakage::UnknownKey));
    let u = s.update(&paths);
    assert!(u.failed);
    assert!(u.changed.is_empty());
    let errors = errors_of(&u);
    assert_eq!(
        errors,
        full_build(&s.opts).errors,
        "serve reports the build's errors"
    );
    assert!(
        errors.len() == 1 && errors[0].starts_with("content/briefings/2025-06-05-charlie.md:"),
        "{errors:#?}"
    );
    assert!(
        served(&s.ws) == good,
        "a failed update changed the served site"
    );
    // Another edit while broken: still failing, still the old outputs.
    let paths = s.save(|m| m.briefings[0].title = "Alpha, retitled".into());
    let u = s.update(&paths);
    assert!(u.failed);
    assert!(served(&s.ws) == good);
    let paths = s.save(|m| m.briefings[2].broken = None);
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert!(
        u.changed
            .contains(&"briefings/alpha/index.html".to_string())
    );
    s.assert_equals_full_build();
}

// ---------------------------------------------------------------------------
// Regressions: bugs the differential test found, one minimal case each.
// ---------------------------------------------------------------------------

/// A briefing's default slug comes from its file name, which is not part of
/// the text its key hashes: renaming the file to another slug rendered the
/// briefing at its new URL but left every list, feed, neighbour and source
/// page linking the old one.
#[test]
fn renaming_a_briefing_to_another_slug_updates_every_link_to_it() {
    let mut s = Served::open();
    let paths = s.save(|m| m.briefings[2].file = "content/briefings/2025-06-05-chaplin.md".into());
    assert_eq!(paths.len(), 2, "{paths:?}");
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert!(
        u.changed
            .contains(&"briefings/chaplin/index.html".to_string())
    );
    assert!(
        u.changed
            .contains(&"briefings/charlie/index.html".to_string())
    );
    s.assert_equals_full_build();
}

/// An update that reads nothing new (an editor touched a file) returned an
/// empty, successful `Update` even while the site had errors, so `serve`
/// cleared the browser's error overlay and printed "rebuilt" although the
/// errors were still there.
#[test]
fn touching_a_file_while_the_site_has_errors_keeps_reporting_them() {
    let mut s = Served::open();
    let paths = s.save(|m| m.briefings[2].broken = Some(Breakage::UnknownKey));
    let broken = s.update(&paths);
    assert!(broken.failed);
    let path = s.touch("content/briefings/2025-06-01-alpha.md");
    let u = s.update(&[path]);
    assert!(
        u.failed,
        "the site still has errors, but the update says {u:?}"
    );
    assert_eq!(errors_of(&u), errors_of(&broken));
}

/// `brief build` refuses a static file that would replace a page brief
/// generates; serve must report the same error instead of serving one of
/// the two.
#[test]
fn a_static_file_shadowing_a_generated_output_is_an_error_in_serve_too() {
    let mut s = Served::open();
    let good = served(&s.ws);
    let paths = s.save(|m| {
        m.statics
            .insert("static/robots.txt".into(), "User-agent: *\n".into());
    });
    let fresh = full_build(&s.opts);
    assert!(
        fresh.outputs.is_none(),
        "the build accepts a shadowing static file"
    );
    let u = s.update(&paths);
    assert!(
        u.failed,
        "serve accepts what the build refuses ({:#?}): {u:?}",
        fresh.errors
    );
    assert_eq!(errors_of(&u), fresh.errors);
    assert!(served(&s.ws) == good);
}

/// Deal points' sources are checked while parsing, but a registry edit
/// re-parsed only the documents whose *body* cites a changed source: a
/// source removed while a point of a briefing that does not cite it in its
/// body (delta's `timeline` cites src-a) still used it went unreported.
#[test]
fn removing_a_source_a_deal_point_cites_is_reported() {
    let mut s = Served::open();
    let paths = s.save(|m| m.sources.retain(|x| x.id != "src-a"));
    let fresh = full_build(&s.opts);
    assert!(
        fresh
            .errors
            .iter()
            .any(|e| e.contains("delta.md") && e.contains("deal point `timeline`")),
        "{:#?}",
        fresh.errors
    );
    let u = s.update(&paths);
    assert!(u.failed);
    assert_eq!(
        errors_of(&u),
        fresh.errors,
        "serve's errors (left) and the build's"
    );
}

/// While sources.toml is broken its ids are "invalid" and citations of them
/// render as unknown (`?`). Fixing the file re-parsed only the documents
/// whose recorded citations name a changed source, and citations of invalid
/// ids were not recorded: every page kept its `?` markers.
#[test]
fn fixing_a_broken_registry_restores_every_citation() {
    let mut s = Served::open();
    let paths = s.save(|m| m.sources_broken = true);
    assert!(s.update(&paths).failed);
    let paths = s.save(|m| m.sources_broken = false);
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    s.assert_equals_full_build();
}

// ---------------------------------------------------------------------------
// Faults: a site broken from the start, a folder that goes away and back.
// (An unreadable folder needs a user other than root to be unreadable to:
// that case runs the binary, in writer.rs.)
// ---------------------------------------------------------------------------

/// Asserts that an update agrees with a fresh build of the site as it is
/// on disk: when the build succeeds, serve has its outputs and its
/// diagnostics, and `changed` names what changed since `before` (what was
/// served before the update); when it fails, serve reports the build's
/// errors and still serves `before`.
#[track_caller]
fn assert_agrees_with_a_fresh_build(
    ws: &Workspace,
    update: &Update,
    opts: &Options,
    before: &Files,
) {
    let fresh = full_build(opts);
    let after = served(ws);
    match &fresh.outputs {
        Some(expected) => {
            assert!(
                !update.failed,
                "serve fails where the build succeeds: {:#?}",
                all_of(update)
            );
            if let Some(d) = difference(&after, expected) {
                panic!("serve differs from a full build:\n{d}");
            }
            assert_eq!(
                all_of(update),
                fresh.diagnostics,
                "serve's diagnostics (left) and the build's"
            );
            assert_eq!(update.changed, changed_between(before, &after), "`changed`");
        }
        None => {
            assert!(
                update.failed,
                "serve succeeds where the build fails with {:#?}",
                fresh.errors
            );
            assert_eq!(
                errors_of(update),
                fresh.errors,
                "serve's errors (left) and the build's"
            );
            assert!(after == *before, "a failed update changed the served site");
        }
    }
}

/// Writes the files of `model` that differ from `old`; returns their paths.
fn write_changes(site: &TempSite, old: &Files, model: &Model) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for (path, bytes) in model.files() {
        if old.get(&path) != Some(&bytes) {
            site.write_bytes(&path, &bytes);
            paths.push(site.path(&path));
        }
    }
    paths
}

#[test]
fn a_site_broken_from_the_start_converges_when_fixed() {
    let mut model = base_model(default_theme());
    model.briefings[2].broken = Some(Breakage::UnknownKey);
    let site = write_site(&model);
    let opts = serve_options(site.root());
    let (mut ws, first) = Workspace::open(opts.clone()).expect("the workspace opens");
    assert!(first.failed, "{:#?}", all_of(&first));
    assert_agrees_with_a_fresh_build(&ws, &first, &opts, &Files::new());
    assert!(ws.outputs().is_empty(), "nothing good to serve yet");

    let old = model.files();
    model.briefings[2].broken = None;
    let paths = write_changes(&site, &old, &model);
    let u = ws.update(&paths).expect("update runs");
    // Every output is new.
    assert_agrees_with_a_fresh_build(&ws, &u, &opts, &Files::new());
}

/// Moves `rel` (a folder of the site) to a trash folder outside the site,
/// updates, moves it back and updates, as a file manager's delete and
/// undo do; the watcher reports the folder's path, nothing under it. Each
/// step is checked against a fresh build, and at the end the site is as it
/// was.
fn move_away_and_back(s: &mut Served, rel: &str) {
    let original = served(&s.ws);
    // An update of nothing changes nothing and returns the diagnostics as
    // they are.
    let original_diags = all_of(&s.update(&[]));
    let folder = s.site.path(rel);
    let trash = s.site.outer().join("trash");
    std::fs::create_dir_all(&trash).unwrap();
    let away = trash.join(folder.file_name().unwrap());

    std::fs::rename(&folder, &away).unwrap();
    let u = s.update(std::slice::from_ref(&folder));
    assert_agrees_with_a_fresh_build(&s.ws, &u, &s.opts, &original);
    let between = served(&s.ws);

    std::fs::rename(&away, &folder).unwrap();
    let u = s.update(std::slice::from_ref(&folder));
    assert_agrees_with_a_fresh_build(&s.ws, &u, &s.opts, &between);
    assert!(
        served(&s.ws) == original,
        "{rel} is back, but the outputs are not"
    );
    assert_eq!(
        all_of(&u),
        original_diags,
        "{rel} is back, but the diagnostics are not"
    );
}

#[test]
fn the_briefings_folder_moved_away_and_back_converges_at_each_step() {
    let mut s = Served::open();
    move_away_and_back(&mut s, "content/briefings");
}

/// A folder's walk reports problems (here: a markdown file outside
/// content/briefings/ and content/pages/). They stayed reported after the
/// folder was gone, and were reported twice once it was back.
#[test]
fn a_folder_moved_away_and_back_takes_its_warnings_with_it() {
    let mut s = Served::open();
    s.site
        .write("content/notes/todo.md", "A note, not a page.\n");
    let u = s.update(&[s.site.path("content/notes")]);
    assert_eq!(
        all_of(&u),
        full_build(&s.opts).diagnostics,
        "serve's diagnostics (left) and the build's"
    );
    assert_eq!(all_of(&u).len(), 1, "{:#?}", all_of(&u));
    move_away_and_back(&mut s, "content/notes");
}

/// A markdown file saved where no document belongs (directly under
/// content/) was ignored by serve without the warning `brief build` gives.
#[test]
fn a_stray_markdown_file_is_warned_about_as_build_does_until_it_is_deleted() {
    let mut s = Served::open();
    let rel = "content/todo.md";
    s.site.write(rel, "A note, not a page.\n");
    let u = s.update(&[s.site.path(rel)]);
    assert_eq!(
        all_of(&u),
        full_build(&s.opts).diagnostics,
        "serve's diagnostics (left) and the build's"
    );
    assert_eq!(
        all_of(&u),
        [
            "content/todo.md: warning: markdown file outside content/briefings/ and content/pages/; ignored (help: move briefings to content/briefings/ and standalone pages to content/pages/)"
        ]
    );
    // Saved again: still one warning.
    s.site.write(rel, "A longer note, not a page.\n");
    let u = s.update(&[s.site.path(rel)]);
    assert_eq!(all_of(&u).len(), 1, "{:#?}", all_of(&u));
    std::fs::remove_file(s.site.path(rel)).unwrap();
    let u = s.update(&[s.site.path(rel)]);
    assert_eq!(all_of(&u), Vec::<String>::new());
    assert_eq!(all_of(&u), full_build(&s.opts).diagnostics);
}

/// A file that cannot be read when serve starts (here: not UTF-8; a file
/// without read permission is the same case) was reported by the first
/// walk, and the report stayed after the file was saved readable: serve
/// never recovered.
#[test]
fn a_file_unreadable_at_the_start_converges_when_saved_readable() {
    let model = base_model(default_theme());
    let site = write_site(&model);
    let rel = "content/briefings/2025-06-05-charlie.md";
    let text = model.files()[rel].clone();
    let mut broken = text.clone();
    broken.extend_from_slice(b"\xff\xfe not UTF-8\n");
    site.write_bytes(rel, &broken);
    let opts = serve_options(site.root());
    let (mut ws, first) = Workspace::open(opts.clone()).expect("the workspace opens");
    assert!(first.failed, "{:#?}", all_of(&first));
    assert_agrees_with_a_fresh_build(&ws, &first, &opts, &Files::new());

    // Still unreadable: one error, not one per read.
    site.write_bytes(rel, &[&broken[..], b"more\n"].concat());
    let u = ws.update(&[site.path(rel)]).expect("update runs");
    assert_agrees_with_a_fresh_build(&ws, &u, &opts, &Files::new());

    site.write_bytes(rel, &text);
    let u = ws.update(&[site.path(rel)]).expect("update runs");
    assert_agrees_with_a_fresh_build(&ws, &u, &opts, &Files::new());
}

/// The whole content/ folder: the registry in it goes and comes back too.
#[test]
fn the_content_folder_moved_away_and_back_converges_at_each_step() {
    let mut s = Served::open();
    move_away_and_back(&mut s, "content");
}

#[test]
fn editing_an_image_re_renders_the_pages_that_show_it_and_its_copies() {
    let mut s = Served::open();
    // Alpha (the oldest, tagged minerals) becomes a folder briefing showing
    // a 488-pixel photo: one copy, 480 wide.
    let paths = s.save(|m| {
        let b = &mut m.briefings[0];
        b.file = "content/briefings/2025-06-01-alpha/index.md".into();
        b.files.insert("photo.png".into(), test_png(7));
        b.figures.push("photo.png".into());
    });
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert_eq!(u.images.made, 1);
    let copy = |u: &Update| -> Vec<String> {
        u.changed
            .iter()
            .filter(|p| p.starts_with("briefings/alpha/photo-480w."))
            .cloned()
            .collect()
    };
    let first_copy = copy(&u);
    assert_eq!(first_copy.len(), 1, "{:?}", u.changed);
    s.assert_equals_full_build();

    // New bytes: its page (new sizes and copy names), the two feeds that
    // carry its content, the file itself and its one copy; not the
    // neighbours or lists, which show its summary.
    let paths = s.save(|m| {
        m.briefings[0].files.insert("photo.png".into(), test_png(9));
    });
    assert_eq!(
        paths,
        [s.site.path("content/briefings/2025-06-01-alpha/photo.png")]
    );
    let u = s.update(&paths);
    assert!(!u.failed, "{:#?}", all_of(&u));
    assert_eq!(u.reparsed, 1);
    let expected = RenderedCounts {
        images: 1,
        ..counts(1, 0, 2, 0, 1)
    };
    assert_eq!(u.rendered, expected);
    assert_eq!((u.images.made, u.images.hits), (1, 0));
    let second_copy = copy(&u);
    assert_ne!(first_copy, second_copy);
    for path in [
        "atom.xml",
        "briefings/alpha/index.html",
        "briefings/alpha/photo.png",
        "tags/minerals/atom.xml",
        &first_copy[0],
        &second_copy[0],
    ] {
        assert!(
            u.changed.iter().any(|c| c == path),
            "{path} not in {:?}",
            u.changed
        );
    }
    assert_eq!(u.changed.len(), 6, "{:?}", u.changed);
    s.assert_equals_full_build();

    // The same bytes saved again: nothing.
    let path = s.touch("content/briefings/2025-06-01-alpha/photo.png");
    let u = s.update(&[path]);
    assert_eq!((u.reparsed, u.rendered.total(), u.changed.len()), (0, 0, 0));

    // A file added beside it is published, alone; removed, it is gone.
    let paths = s.save(|m| {
        m.briefings[0]
            .files
            .insert("data.csv".into(), b"a,b\n".to_vec());
    });
    let u = s.update(&paths);
    assert_eq!(u.reparsed, 1);
    assert_eq!(u.rendered, counts(0, 0, 0, 0, 1));
    assert_eq!(u.changed, ["briefings/alpha/data.csv"]);
    let paths = s.save(|m| {
        m.briefings[0].files.remove("data.csv");
    });
    let u = s.update(&paths);
    assert_eq!(u.rendered.total(), 0);
    assert_eq!(u.changed, ["briefings/alpha/data.csv"]);
    s.assert_equals_full_build();

    // serve started again on the same site resizes nothing: the copy is
    // in the site's cache.
    let (_, first) = Workspace::open(s.opts.clone()).expect("the workspace opens");
    assert_eq!((first.images.made, first.images.hits), (0, 1));
}
