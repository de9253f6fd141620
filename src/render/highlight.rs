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

use syntect::highlighting::{Color, Theme, ThemeSet};
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
/// under `prefers-color-scheme: dark`, each scoped to its scheme so a rule
/// only one theme has never leaks into the other. Each scheme also gives
/// `pre.code` its theme's background and ink, so any syntect theme named in
/// site.toml sits on the background it was designed for. Token colours are
/// made readable first (see [`readable`]). Theme names were validated with
/// the config; an unknown one yields an empty section rather than a panic.
pub fn stylesheet(light: &str, dark: &str) -> String {
    let css = |name: &str| {
        let Some(theme) = themes().themes.get(name) else {
            return String::new();
        };
        let theme = readable(theme);
        let tokens = css_for_theme_with_class_style(&theme, CLASS_STYLE).unwrap_or_default();
        let mut block = String::from("pre.code {\n");
        if let Some(c) = theme.settings.foreground {
            block.push_str(&format!(" color: {};\n", hex(c)));
        }
        if let Some(c) = theme.settings.background {
            block.push_str(&format!(" background-color: {};\n", hex(c)));
        }
        block.push_str("}\n");
        block + &tokens
    };
    format!(
        "/* Generated by brief from the syntect themes `{light}` (light) and `{dark}` (dark),\n   token colours adjusted to a contrast of at least {MIN_CONTRAST}:1 (WCAG AA). */\n@media not all and (prefers-color-scheme: dark) {{\n{}\n}}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css(light),
        css(dark)
    )
}

/// WCAG 2's AA contrast for body-size text.
const MIN_CONTRAST: f64 = 4.5;

/// `theme` with every foreground colour that reads at less than
/// [`MIN_CONTRAST`] against its background moved toward black (on a light
/// background) or white (on a dark one), just far enough to pass. syntect's
/// bundled themes fail AA for comments and some tokens (InspiredGitHub's
/// comments are 2.9:1, base16-ocean.dark's 2.7:1); the hue is kept.
fn readable(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let background = theme.settings.background.map_or(WHITE, |c| over(c, WHITE));
    if let Some(fg) = &mut theme.settings.foreground {
        *fg = legible(*fg, background);
    }
    for item in &mut theme.scopes {
        let on = item
            .style
            .background
            .map_or(background, |c| over(c, background));
        if let Some(fg) = &mut item.style.foreground {
            *fg = legible(*fg, on);
        }
    }
    theme
}

const WHITE: Color = Color {
    r: 255,
    g: 255,
    b: 255,
    a: 255,
};
const BLACK: Color = Color {
    r: 0,
    g: 0,
    b: 0,
    a: 255,
};

/// `fg` (alpha blended onto the opaque `bg`), adjusted to pass [`MIN_CONTRAST`].
fn legible(fg: Color, bg: Color) -> Color {
    let fg = over(fg, bg);
    if contrast(fg, bg) >= MIN_CONTRAST {
        return fg;
    }
    // Black and white give the most contrast there is on a light and a dark
    // background; mixing toward them raises the contrast monotonically.
    let target = if contrast(BLACK, bg) >= contrast(WHITE, bg) {
        BLACK
    } else {
        WHITE
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..20 {
        let mid = (lo + hi) / 2.0;
        if contrast(mix(fg, target, mid), bg) >= MIN_CONTRAST {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    mix(fg, target, hi)
}

/// `a` moved the fraction `t` of the way to `b`, rounding away from `a` so a
/// colour found to pass still passes once rounded to 8 bits.
fn mix(a: Color, b: Color, t: f64) -> Color {
    let channel = |x: u8, y: u8| {
        let v = f64::from(x) + (f64::from(y) - f64::from(x)) * t;
        (if y >= x { v.ceil() } else { v.floor() }).clamp(0.0, 255.0) as u8
    };
    Color {
        r: channel(a.r, b.r),
        g: channel(a.g, b.g),
        b: channel(a.b, b.b),
        a: 255,
    }
}

/// `c` painted over the opaque `bg`.
fn over(c: Color, bg: Color) -> Color {
    let alpha = f64::from(c.a) / 255.0;
    let channel =
        |x: u8, y: u8| (f64::from(x) * alpha + f64::from(y) * (1.0 - alpha)).round() as u8;
    Color {
        r: channel(c.r, bg.r),
        g: channel(c.g, bg.g),
        b: channel(c.b, bg.b),
        a: 255,
    }
}

/// WCAG 2 contrast ratio of two opaque colours, 1 to 21.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// WCAG 2 relative luminance of an opaque sRGB colour.
fn luminance(c: Color) -> f64 {
    let linear = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
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
    fn stylesheet_scopes_each_theme_to_its_scheme() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark");
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark) {")
            .unwrap();
        let light = light
            .split_once("@media not all and (prefers-color-scheme: dark) {")
            .unwrap()
            .1;
        assert!(
            light.contains("pre.code {\n color: #323232;\n background-color: #ffffff;\n}"),
            "{light}"
        );
        assert!(light.contains(".hl-comment {"));
        assert!(dark.contains("background-color: #2b303b;"), "{dark}");
        assert!(dark.contains(".hl-comment {"));
    }

    /// Every colour of `css` that follows `color:` (not `background-color:`).
    fn token_colours(css: &str) -> Vec<Color> {
        css.split(" color: #")
            .skip(1)
            .map(|rest| rgb(u32::from_str_radix(&rest[..6], 16).unwrap()))
            .collect()
    }

    fn rgb(v: u32) -> Color {
        Color {
            r: (v >> 16) as u8,
            g: (v >> 8) as u8,
            b: v as u8,
            a: 255,
        }
    }

    #[test]
    fn every_bundled_theme_reads_at_aa_contrast() {
        for (name, theme) in &themes().themes {
            let bg = theme.settings.background.map_or(WHITE, |c| over(c, WHITE));
            let fixed = readable(theme);
            // Tokens with a background of their own are checked against it.
            for item in fixed.scopes.iter().filter(|i| i.style.background.is_none()) {
                if let Some(fg) = item.style.foreground {
                    let ratio = contrast(fg, bg);
                    assert!(ratio >= MIN_CONTRAST, "{name}: {} is {ratio:.2}:1", hex(fg));
                }
            }
            let css = stylesheet(name, name);
            assert!(!token_colours(&css).is_empty(), "{name}");
        }
    }

    #[test]
    fn readable_colours_keep_their_hue_and_passing_ones_are_untouched() {
        // InspiredGitHub's comment grey (2.9:1 on white) is darkened just enough.
        let grey = rgb(0x969896);
        let fixed = legible(grey, WHITE);
        let ratio = contrast(fixed, WHITE);
        assert!(
            (MIN_CONTRAST..MIN_CONTRAST + 0.1).contains(&ratio),
            "{ratio}"
        );
        assert!(
            fixed.r == fixed.b && fixed.g >= fixed.r,
            "still a neutral grey: {}",
            hex(fixed)
        );
        // base16-ocean.dark's comments (#65737e on #2b303b) are lightened.
        let dark_bg = rgb(0x2b303b);
        let comment = rgb(0x65737e);
        assert!(luminance(legible(comment, dark_bg)) > luminance(comment));
        assert!(contrast(legible(comment, dark_bg), dark_bg) >= MIN_CONTRAST);
        // A colour that passes already is kept exactly.
        let ink = rgb(0x323232);
        assert_eq!(hex(legible(ink, WHITE)), "#323232");
    }
}
