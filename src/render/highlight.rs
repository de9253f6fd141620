//! Syntax highlighting, behind one small interface.
//!
//! Syntect's syntaxes and themes are loaded once per process, lazily, and
//! shared by every thread. Code is highlighted to CSS classes (prefix
//! `hl-`), so one page works with the generated light and dark stylesheets.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Info strings that mean "no highlighting" and so never warn.
const PLAIN: &[&str] = &[
    "text",
    "txt",
    "plain",
    "plaintext",
    "none",
    "output",
    "console-output",
];

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// The names of the highlighting themes brief knows.
pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// A fenced code block's language that syntect does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLanguage {
    /// Closest known language token, for a did-you-mean.
    pub suggestion: Option<String>,
}

/// Renders a code block as `<pre class="code"><code>…</code></pre>`.
/// An unknown language still renders (as plain, escaped code) and is
/// reported through the error so the caller can warn.
pub fn code_block(lang: Option<&str>, code: &str) -> (String, Result<(), UnknownLanguage>) {
    let lang = lang.map(str::trim).filter(|l| !l.is_empty());
    let mut out = String::with_capacity(code.len() * 3 + 64);
    out.push_str("<pre class=\"code\" tabindex=\"0\"");
    if let Some(lang) = lang {
        out.push_str(" data-lang=\"");
        escape_into(&mut out, lang);
        out.push('"');
    }
    out.push_str("><code>");
    let mut status = Ok(());
    match lang {
        Some(l) if PLAIN.contains(&l.to_ascii_lowercase().as_str()) => escape_into(&mut out, code),
        None => escape_into(&mut out, code),
        Some(l) => match highlight(l, code) {
            Some(html) => out.push_str(&html),
            None => {
                escape_into(&mut out, code);
                status = Err(UnknownLanguage {
                    suggestion: suggest(l),
                });
            }
        },
    }
    out.push_str("</code></pre>\n");
    (out, status)
}

fn highlight(lang: &str, code: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let html = LINES.with_borrow_mut(|cache| cache.block(syntax, set, code));
    // A failed line (a pathological grammar state) falls back to plain text
    // for the whole block rather than failing the page.
    Some(html.unwrap_or_else(|| {
        let mut plain = String::new();
        escape_into(&mut plain, code);
        plain
    }))
}

/// Empties this thread's line cache (see `LineCache`); a build calls it on
/// every thread once parsing is done, to lower its peak memory.
pub fn forget_lines() {
    LINES.with_borrow_mut(|cache| *cache = LineCache::default());
}

/// Where syntect is between two lines of a block: its parser state and the
/// scopes the HTML has open.
#[derive(Clone, PartialEq, Eq)]
struct LineState {
    parse: ParseState,
    scopes: ScopeStack,
}

/// One line highlighted from one state.
struct LineResult {
    before: LineState,
    after: LineState,
    html: Rc<str>,
    span_delta: isize,
}

thread_local! {
    static LINES: RefCell<LineCache> = RefCell::new(LineCache::default());
}

/// Memoized syntect lines, one cache per thread.
///
/// Syntect highlights a line as a pure function of the line and the parser
/// state it starts in, and code repeats lines (closing braces, blank lines,
/// `use` lists, `} else {`) far more often than it repeats blocks. This does
/// exactly what `ClassedHTMLGenerator` does, but looks each (line, state)
/// up first; a hit costs a hash and a state comparison instead of a few
/// dozen regex searches. Bounded: a line is cached on its second sighting,
/// long lines never, and the cache starts over when it reaches its capacity.
/// The output is byte-for-byte syntect's (a property test checks).
struct LineCache {
    map: HashMap<Box<str>, Vec<LineResult>, foldhash::fast::FixedState>,
    /// Hashes of the lines seen once: a line is cached on its second
    /// sighting, so lines that never repeat (most lines naming things) cost
    /// eight bytes, not a copy of syntect's state.
    seen: HashSet<u64, foldhash::fast::FixedState>,
    entries: usize,
    capacity: usize,
}

impl Default for LineCache {
    fn default() -> Self {
        Self::with_capacity(8192)
    }
}

impl LineCache {
    /// Lines longer than this are rarely repeated; they are not cached.
    const MAX_LINE: usize = 160;

    fn with_capacity(capacity: usize) -> Self {
        LineCache {
            map: HashMap::default(),
            seen: HashSet::default(),
            entries: 0,
            capacity,
        }
    }

    /// Highlights a whole block; `None` when syntect fails on a line.
    fn block(&mut self, syntax: &SyntaxReference, set: &SyntaxSet, code: &str) -> Option<String> {
        let mut state = LineState {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        };
        let mut html = String::with_capacity(code.len() * 3);
        let mut open_spans = 0;
        for line in LinesWithEndings::from(code) {
            let (line_html, delta) = self.line(&mut state, line, set)?;
            html.push_str(&line_html);
            open_spans += delta;
        }
        for _ in 0..open_spans {
            html.push_str("</span>");
        }
        Some(html)
    }

    /// Whether `line` was seen before (and remembers it).
    fn seen_before(&mut self, line: &str) -> bool {
        if self.seen.len() >= self.capacity * 8 {
            self.seen.clear();
        }
        !self.seen.insert(self.seen.hasher().hash_one(line))
    }

    /// Highlights `line` from `state` and advances `state`; `None` when
    /// syntect fails on the line.
    fn line(
        &mut self,
        state: &mut LineState,
        line: &str,
        set: &SyntaxSet,
    ) -> Option<(Rc<str>, isize)> {
        if let Some(hit) = self
            .map
            .get(line)
            .and_then(|results| results.iter().find(|r| r.before == *state))
        {
            state.clone_from(&hit.after);
            return Some((hit.html.clone(), hit.span_delta));
        }
        let before =
            (line.len() <= Self::MAX_LINE && self.seen_before(line)).then(|| state.clone());
        let ops = state.parse.parse_line(line, set).ok()?;
        let (html, span_delta) =
            line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut state.scopes).ok()?;
        let html: Rc<str> = html.into();
        if let Some(before) = before {
            if self.entries >= self.capacity {
                self.map.clear();
                self.seen.clear();
                self.entries = 0;
            }
            self.entries += 1;
            self.map.entry(line.into()).or_default().push(LineResult {
                before,
                after: state.clone(),
                html: html.clone(),
                span_delta,
            });
        }
        Some((html, span_delta))
    }
}

fn suggest(lang: &str) -> Option<String> {
    let lower = lang.to_ascii_lowercase();
    let tokens: Vec<String> = syntaxes()
        .syntaxes()
        .iter()
        .flat_map(|s| {
            s.file_extensions
                .iter()
                .cloned()
                .chain([s.name.to_ascii_lowercase()])
        })
        .collect();
    crate::diag::did_you_mean(&lower, tokens.iter().map(String::as_str)).map(str::to_string)
}

/// The stylesheet for highlighted code: the light theme, and the dark one
/// under `prefers-color-scheme: dark`. Theme names were validated with the
/// config; an unknown one yields an empty section rather than a panic.
pub fn stylesheet(light: &str, dark: &str) -> String {
    let css = |name: &str| {
        themes()
            .themes
            .get(name)
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    format!(
        "/* Generated by brief from the syntect themes `{light}` (light) and `{dark}` (dark). */\n{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css(light),
        css(dark)
    )
}

/// HTML-escapes text into `out` (text and attribute values alike).
pub fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(out, text).expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let (html, status) = code_block(Some("rust"), "fn main() {}\n");
        assert!(status.is_ok());
        assert!(html.starts_with("<pre class=\"code\" tabindex=\"0\" data-lang=\"rust\"><code><span class=\"hl-source hl-rust\">"), "{html}");
    }

    #[test]
    fn unknown_language_is_plain_and_reported() {
        let (html, status) = code_block(Some("rsut"), "a < b\n");
        assert_eq!(
            html,
            "<pre class=\"code\" tabindex=\"0\" data-lang=\"rsut\"><code>a &lt; b\n</code></pre>\n"
        );
        assert_eq!(
            status,
            Err(UnknownLanguage {
                suggestion: Some("rust".into())
            })
        );
    }

    /// What syntect's own generator makes of `code`, uncached.
    fn uncached(lang: &str, code: &str) -> String {
        let set = syntaxes();
        let syntax = set.find_syntax_by_token(lang).unwrap();
        let mut generator =
            syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        generator.finalize()
    }

    /// Lines whose highlighting depends on what came before them.
    const RUST_LINES: &[&str] = &[
        "}\n",
        "    }\n",
        "\n",
        "/* a comment that\n",
        "   goes on */\n",
        "let s = \"a string\n",
        "  that ends\";\n",
        "r#\"raw } \"#;\n",
        "fn f() -> u32 {\n",
        "    // note }\n",
        "    match x { 1 => 2, _ => 3 }\n",
        "#[derive(Debug)]\n",
        "struct S<'a> { s: &'a str }\n",
        "    x\n",
    ];

    proptest::proptest! {
        /// The line cache is invisible: any sequence of lines, highlighted
        /// again and again as the cache fills, equals syntect's own output.
        #[test]
        fn cached_lines_equal_syntect(
            blocks in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(RUST_LINES), 0..12),
                1..6,
            ),
            lang in proptest::sample::select(&["rust", "js", "python"][..]),
        ) {
            for block in &blocks {
                let code = block.concat();
                let expected = uncached(lang, &code);
                proptest::prop_assert_eq!(highlight(lang, &code).unwrap(), expected);
            }
        }
    }

    #[test]
    fn a_full_cache_starts_over_and_stays_correct() {
        let set = syntaxes();
        let rust = set.find_syntax_by_token("rust").unwrap();
        let mut cache = LineCache::with_capacity(8);
        let code: String = (0..20)
            .map(|i| format!("let v{} = {i};\n", i % 12))
            .collect();
        for _ in 0..3 {
            assert_eq!(
                cache.block(rust, set, &code).unwrap(),
                uncached("rust", &code)
            );
            assert!(cache.entries <= 8);
        }
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark");
        assert!(css.contains(".hl-"));
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
    }
}
