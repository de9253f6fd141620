//! Fixture sites written inline, and the helpers to build them (library
//! API or binary) and to look at what they produced.
//!
//! A fixture is `site(&[(path, text), …])`: a temporary folder holding a
//! minimal `site.toml` (unless one is given) and the listed files. A text
//! that starts with a newline is dedented (see [`dedent`]), so a fixture can
//! be indented with the test and its line numbers read off the page.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use brief::{Options, Report};
use chrono::{DateTime, TimeZone, Utc};

/// The `site.toml` written when a fixture gives none.
pub const SITE_TOML: &str = "title = \"Test Site\"\nbase_url = \"https://example.org/\"\n";

/// The build time of library builds, so "future" and "past" are fixed.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 7, 1, 0, 0, 0).unwrap()
}

/// A site in a temporary folder. The site root is `<tempdir>/site`, so a
/// test can check that nothing was written next to it.
pub struct TempSite {
    dir: Rc<tempfile::TempDir>,
    root: PathBuf,
}

/// Writes a fixture site: `site.toml` (default unless listed) and `files`.
pub fn site(files: &[(&str, &str)]) -> TempSite {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let root = dir.path().join("site");
    std::fs::create_dir(&root).unwrap();
    let s = TempSite {
        dir: Rc::new(dir),
        root,
    };
    if !files.iter().any(|(p, _)| *p == "site.toml") {
        s.write("site.toml", SITE_TOML);
    }
    for (path, text) in files {
        s.write(path, text);
    }
    s
}

/// `+++\n{front}\n+++\n{body}`: a markdown file with front matter.
pub fn md(front: &str, body: &str) -> String {
    format!("+++\n{}\n+++\n{body}", front.trim_end())
}

/// A briefing with a title and a date, and `extra` front-matter lines.
pub fn briefing(title: &str, date: &str, extra: &str, body: &str) -> String {
    md(&format!("title = {title:?}\ndate = {date}\n{extra}"), body)
}

/// If `text` starts with a newline: drops it, drops a last line of only
/// spaces, and removes the indentation common to the non-blank lines.
/// Any other text is returned unchanged, byte for byte.
pub fn dedent(text: &str) -> String {
    let Some(body) = text.strip_prefix('\n') else {
        return text.to_string();
    };
    let mut lines: Vec<&str> = body.split('\n').collect();
    if lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out: String = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

impl TempSite {
    /// The site root (the folder holding site.toml).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary folder that holds the site root and nothing else.
    pub fn outer(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes a file (dedented, see [`dedent`]), creating its folders.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, dedent(text).as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        self
    }

    /// Library options for this site, with the fixed build time [`now`].
    pub fn options(&self) -> Options {
        let mut opts = Options::new(&self.root);
        opts.now = now();
        opts
    }

    /// Builds into `<root>/public` with the library API.
    pub fn build(&self) -> Built {
        self.build_with(|_| {})
    }

    /// Builds into `<root>/public` after adjusting the options.
    pub fn build_with(&self, adjust: impl FnOnce(&mut Options)) -> Built {
        let mut opts = self.options();
        adjust(&mut opts);
        let out = self.path("public");
        let report = brief::build(&opts, &out).expect("build returns a report");
        Built {
            report,
            out,
            _site: Rc::clone(&self.dir),
        }
    }

    /// `brief check` through the library.
    pub fn check(&self) -> Report {
        brief::check(&self.options()).expect("check returns a report")
    }

    /// The diagnostics of `check`, as their one-line `Display`.
    pub fn diags(&self) -> Vec<String> {
        lines(&self.check())
    }

    /// Runs the binary with `args` followed by `--root <site root>`.
    pub fn brief(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        let root = self.root.to_str().unwrap();
        all.extend(["--root", root]);
        brief(&all)
    }
}

/// Every diagnostic of a report, as its one-line `Display`.
pub fn lines(report: &Report) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.to_string()).collect()
}

/// The result of a library build.
pub struct Built {
    pub report: Report,
    /// The output folder.
    pub out: PathBuf,
    /// Keeps the fixture's folder alive as long as its output is looked at.
    _site: Rc<tempfile::TempDir>,
}

impl Built {
    pub fn diags(&self) -> Vec<String> {
        lines(&self.report)
    }

    /// Asserts the build had no errors (warnings are fine).
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.report.errors(), 0, "build failed: {:#?}", self.diags());
        assert!(self.out.is_dir(), "no output folder");
        self
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).is_file()
    }

    /// Reads an output file as text; on a miss, lists what there is.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel} ({e}); outputs: {:#?}", self.files()))
    }

    /// Every output file, relative and `/`-separated, sorted; the search
    /// index under `search/` (partly binary; tests/it/search.rs reads it)
    /// is left out, the search page kept.
    pub fn files(&self) -> Vec<String> {
        tree(&self.out)
            .into_keys()
            .filter(|p| !brief::search::is_index_path(p))
            .collect()
    }
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>();
            (rel.join("/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// `None` when killed by a signal (a crash, e.g. a stack overflow).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// How long a run may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(60);

/// Runs the `brief` binary; panics if it runs longer than a minute.
pub fn brief(args: &[&str]) -> Run {
    brief_in(Path::new("."), args)
}

/// Runs the `brief` binary with `dir` as its working directory, as a
/// writer does from inside a folder.
pub fn brief_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
    command.args(args).current_dir(dir);
    run(command, args)
}

/// The user id the unprivileged runs below use when the tests run as root:
/// `nobody`, for whom file permissions apply.
pub const NOBODY: u32 = 65534;

/// True when the tests run as root, for whom no file permission applies.
pub fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("run id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// Makes `dir` (a test's temporary folder) the unprivileged user's, so
/// [`brief_unprivileged`] can work in it; nothing to do unless root.
pub fn hand_to_unprivileged(dir: &Path) {
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", &format!("{NOBODY}:{NOBODY}")])
            .arg(dir)
            .status()
            .expect("run chown");
        assert!(status.success(), "chown {}", dir.display());
    }
}

/// Runs the binary in `dir` as a user file permissions apply to: as
/// `nobody` through setpriv when the tests run as root, else as is.
pub fn brief_unprivileged(dir: &Path, args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_brief");
    let mut command = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            &format!("--reuid={NOBODY}"),
            &format!("--regid={NOBODY}"),
            "--clear-groups",
            "--",
            bin,
        ]);
        c
    } else {
        Command::new(bin)
    };
    command.args(args).current_dir(dir).env("HOME", dir);
    run(command, args)
}

/// Runs a prepared command with no input, collecting its output.
fn run(mut command: Command, args: &[&str]) -> Run {
    let mut child = command
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn brief");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("brief {args:?} still running after {HANG:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// The `<main …>…</main>` element of a page, tags included.
#[track_caller]
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has a <main>");
    let end = html[start..].find("</main>").expect("<main> is closed") + start;
    &html[start..end + "</main>".len()]
}

/// Decodes the character references tera and brief write.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every `href` and `src` attribute value of an HTML page, decoded.
pub fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=", "src="] {
        let mut from = 0;
        while let Some(i) = html[from..].find(attr) {
            let at = from + i;
            from = at + attr.len();
            // Only whole attribute names: `data-src=` is not `src=`.
            if !html[..at].ends_with(|c: char| c.is_whitespace()) {
                continue;
            }
            let rest = &html[from..];
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                found.push(unescape(&rest[1..1 + end]));
            }
        }
    }
    found
}

/// The decoded text of every `<tag>…</tag>` in an XML document, in order.
pub fn xml_texts(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find(&close).expect("element is closed");
        out.push(xml_decode(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// XML character data as text: entities decoded, CDATA sections verbatim.
pub fn xml_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<![CDATA[") {
        out.push_str(&unescape(&rest[..i]));
        let section = &rest[i + 9..];
        let end = section.find("]]>").expect("CDATA section is closed");
        out.push_str(&section[..end]);
        rest = &section[end + 3..];
    }
    out.push_str(&unescape(rest));
    out
}

/// `xml` without its CDATA sections: the document's own markup.
pub fn without_cdata(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find("<![CDATA[") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find("]]>").expect("CDATA section is closed");
        rest = &rest[i + end + 3..];
    }
    out.push_str(rest);
    out
}

/// Checks that `xml` is well-formed: one root, properly nested and closed
/// elements, quoted attributes without `<`, only known or numeric entity
/// references, no stray `<`, `&` or `]]>` in text. The message gives the
/// byte offset of the first problem.
pub fn check_xml(xml: &str) -> Result<(), String> {
    let at = |rest: &str| xml.len() - rest.len();
    let mut rest = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    while !rest.is_empty() {
        let skip = |r: &str, end: &str| -> Result<usize, String> {
            r.find(end)
                .map(|i| i + end.len())
                .ok_or_else(|| format!("`{end}` missing"))
        };
        if rest.starts_with("<!--") {
            rest = &rest[skip(rest, "-->")?..];
        } else if rest.starts_with("<![CDATA[") {
            if stack.is_empty() {
                return Err(format!("CDATA outside the root at byte {}", at(rest)));
            }
            rest = &rest[skip(rest, "]]>")?..];
        } else if rest.starts_with("<?") {
            rest = &rest[skip(rest, "?>")?..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unclosed end tag")?;
            let name = r[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("`</{name}>` closes {other:?} at byte {}", at(rest))),
            }
            if stack.is_empty() {
                roots += 1;
            }
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            let mut quote = None;
            let end = r
                .char_indices()
                .find(|&(_, c)| {
                    match (quote, c) {
                        (None, '"' | '\'') => quote = Some(c),
                        (Some(q), c) if c == q => quote = None,
                        _ => {}
                    }
                    quote.is_none() && c == '>'
                })
                .map(|(i, _)| i)
                .ok_or_else(|| format!("unclosed tag at byte {}", at(rest)))?;
            let inner = &r[..end];
            let empty = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let name_len = inner.find(char::is_whitespace).unwrap_or(inner.len());
            let name = &inner[..name_len];
            let name_ok = |n: &str| {
                !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
            };
            if !name_ok(name) {
                return Err(format!("bad element name `{name}` at byte {}", at(rest)));
            }
            if stack.is_empty() && roots > 0 {
                return Err(format!("second root element `{name}` at byte {}", at(rest)));
            }
            let mut attrs = inner[name_len..].trim_start();
            let mut seen = Vec::new();
            while !attrs.is_empty() {
                let eq = attrs
                    .find('=')
                    .ok_or_else(|| format!("attribute without value in <{name}>"))?;
                let attr = attrs[..eq].trim();
                if !name_ok(attr) || seen.contains(&attr) {
                    return Err(format!("bad or repeated attribute `{attr}` in <{name}>"));
                }
                seen.push(attr);
                let value = attrs[eq + 1..].trim_start();
                let q = value.chars().next().filter(|c| *c == '"' || *c == '\'');
                let q = q.ok_or_else(|| format!("unquoted attribute `{attr}` in <{name}>"))?;
                let close = value[1..].find(q).ok_or("unterminated attribute")? + 1;
                let v = &value[1..close];
                if v.contains('<') {
                    return Err(format!("`<` in attribute `{attr}` of <{name}>"));
                }
                check_references(v)
                    .map_err(|e| format!("{e} in attribute `{attr}` of <{name}>"))?;
                attrs = value[close + 1..].trim_start();
            }
            if empty {
                if stack.is_empty() {
                    roots += 1;
                }
            } else {
                stack.push(name);
            }
            rest = &r[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            if stack.is_empty() && !text.trim().is_empty() {
                return Err(format!("text outside the root at byte {}", at(rest)));
            }
            if text.contains("]]>") {
                return Err(format!("`]]>` in text at byte {}", at(rest)));
            }
            check_references(text).map_err(|e| format!("{e} at byte {}", at(rest)))?;
            rest = &rest[end..];
        }
    }
    match (stack.last(), roots) {
        (Some(open), _) => Err(format!("`<{open}>` is never closed")),
        (None, 1) => Ok(()),
        (None, n) => Err(format!("{n} root elements")),
    }
}

fn check_references(text: &str) -> Result<(), String> {
    for (i, _) in text.match_indices('&') {
        let rest = &text[i + 1..];
        let end = rest.find(';').ok_or("`&` without `;`")?;
        let name = &rest[..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("unknown entity `&{name};`"));
        }
    }
    Ok(())
}

#[test]
fn xml_checker_rejects_what_it_should() {
    assert_eq!(
        check_xml("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; &#x2F;</a>\n"),
        Ok(())
    );
    for bad in [
        "<a><b></a></b>",
        "<a>x & y</a>",
        "<a>",
        "<a/><b/>",
        "<a x=1/>",
        "<a>]]></a>",
        "<a>&nbsp;</a>",
    ] {
        assert!(check_xml(bad).is_err(), "{bad} passed");
    }
}

#[test]
fn dedent_keeps_line_numbers_readable() {
    assert_eq!(
        dedent("\n    +++\n      x\n    +++\n    "),
        "+++\n  x\n+++\n"
    );
    assert_eq!(dedent("+++\r\nx"), "+++\r\nx");
}

#[test]
fn links_finds_href_and_src_only() {
    let html = r#"<a href="/x/">a</a><img data-src="no" src="&#x2F;y.png"><link  href='z'>"#;
    assert_eq!(links(html), ["/x/", "z", "/y.png"]);
}

/// The opening tag (`<a …>`, `<link …>`) that contains `needle`.
#[track_caller]
pub fn tag_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("no `{needle}` in:\n{html}"));
    let start = html[..at].rfind('<').expect("inside a tag");
    let end = html[at..].find('>').expect("tag is closed") + at;
    &html[start..=end]
}

/// The shared fixture: five briefings over two months (two tags, one with
/// an explicit slug, one updated), an about page and a site static file,
/// two briefings a page.
pub fn sample_site(base_url: &str) -> TempSite {
    let toml = format!("title = \"Sample\"\nbase_url = \"{base_url}\"\npaginate_by = 2\n");
    site(&[
        ("site.toml", &toml),
        (
            "content/briefings/2025-05-20-first.md",
            &briefing(
                "First briefing",
                "2025-05-20",
                "tags = [\"minerals\"]",
                "The first paragraph is the summary.\n\nA second paragraph.\n",
            ),
        ),
        (
            "content/briefings/2025-05-28-second.md",
            &briefing(
                "Second briefing",
                "2025-05-28",
                "summary = \"An explicit summary.\"\ntags = [\"minerals\", \"London talks\"]",
                "Body of the second.\n",
            ),
        ),
        (
            "content/briefings/2025-06-02-third.md",
            &briefing(
                "Third briefing",
                "2025-06-02",
                "tags = [\"minerals\"]",
                "Third, with a [link](https://other.example/page) out.\n",
            ),
        ),
        (
            "content/briefings/2025-06-09-fourth.md",
            &briefing(
                "Fourth briefing",
                "2025-06-09T10:30:00+01:00",
                "tags = [\"minerals\", \"London talks\"]\nslug = \"custom-slug\"",
                "Body of the fourth.\n",
            ),
        ),
        (
            "content/briefings/2025-06-10-fifth.md",
            &briefing(
                "Fifth briefing",
                "2025-06-10",
                "updated = 2025-06-11\ntags = [\"minerals\"]",
                FIFTH_BODY,
            ),
        ),
        (
            "content/pages/about.md",
            &md("title = \"About\"", "What this publication is.\n"),
        ),
        ("static/x.txt", "a site static file\n"),
    ])
}

const FIFTH_BODY: &str = "The fifth briefing opens with its summary paragraph.

## What happened

Officials met in London.[^1]

## What comes next

More talks, ~~perhaps~~ certainly.

[^1]: As reported at the time.
";

/// The text between `start` (exclusive) and the next `end` after it.
#[track_caller]
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in:\n{html}"))
        + start.len();
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}`"))
        + from;
    &html[from..to]
}

/// The content of the element opened by `open` (a tag's start, attributes
/// after it allowed) up to the next `end`.
#[track_caller]
pub fn inner<'a>(html: &'a str, open: &str, end: &str) -> &'a str {
    let at = html
        .find(open)
        .unwrap_or_else(|| panic!("no `{open}` in:\n{html}"));
    let from = at + html[at..].find('>').expect("tag is closed") + 1;
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{open}`"))
        + from;
    &html[from..to]
}

/// Text with tags removed and character references decoded.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
