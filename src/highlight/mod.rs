//! Syntax highlighting, behind one small interface.
//!
//! Syntect's syntaxes and themes are loaded once per process, lazily, and
//! shared by every thread. Each token is resolved to its style in the
//! site's light theme and in its dark theme, and written as one flat span
//! whose classes name those two styles (`l3 d5`: light colour 3, dark
//! colour 5); the generated stylesheet gives each class its colour under
//! its colour scheme. Tokens plain in both themes get no span, and
//! neighbours styled alike share one, so a highlighted block is a few times
//! smaller than syntect's nested scope spans, and renders exactly as
//! syntect's own highlighter would colour it.
//!
//! Highlighting is most of what a build spends on code, so a build keeps
//! the blocks it highlighted in the site's cache ([`Store`]) and the next
//! one reads the unchanged ones back; `check`, which shows no code, does
//! not highlight ([`Highlighting::none`]).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::html::escape_into;
pub use store::{Store, StoreCounts};
use syntect::highlighting::{Color, FontStyle, Highlighter, Style, Theme, ThemeSet};
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

mod store;

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

/// site.toml's default `[highlight]` themes.
pub const DEFAULT_LIGHT: &str = "InspiredGitHub";
pub const DEFAULT_DARK: &str = "base16-ocean.dark";

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

/// A bundled theme made `readable`, with what turning its styles into
/// class names needs.
struct Scheme {
    name: &'static str,
    theme: &'static Theme,
    highlighter: Highlighter<'static>,
    default: Style,
    /// Every foreground and background colour the theme's rules set, in
    /// rule order: a colour's index is its class name.
    foregrounds: Vec<Color>,
    backgrounds: Vec<Color>,
}

impl Scheme {
    fn get(name: &str) -> Option<&'static Scheme> {
        static READABLE: OnceLock<BTreeMap<&'static str, Theme>> = OnceLock::new();
        static SCHEMES: OnceLock<BTreeMap<&'static str, Scheme>> = OnceLock::new();
        let readable = READABLE.get_or_init(|| {
            themes()
                .themes
                .iter()
                .map(|(name, theme)| (name.as_str(), readable(theme)))
                .collect()
        });
        SCHEMES
            .get_or_init(|| {
                readable
                    .iter()
                    .map(|(&name, theme)| (name, Scheme::new(name, theme)))
                    .collect()
            })
            .get(name)
    }

    fn new(name: &'static str, theme: &'static Theme) -> Scheme {
        let highlighter = Highlighter::new(theme);
        let default = highlighter.get_default();
        let mut foregrounds = Vec::new();
        let mut backgrounds = Vec::new();
        for item in &theme.scopes {
            for (colour, list) in [
                (item.style.foreground, &mut foregrounds),
                (item.style.background, &mut backgrounds),
            ] {
                if let Some(c) = colour.filter(|c| !list.contains(c)) {
                    list.push(c);
                }
            }
        }
        Scheme {
            name,
            theme,
            highlighter,
            default,
            foregrounds,
            backgrounds,
        }
    }

    /// Appends the classes of `style` in this scheme, each starting with
    /// `prefix`: `l3` (foreground 3), `lk1` (background 1), `lb`, `li`, `lu`
    /// (bold, italic, underline). Nothing for the theme's plain text.
    fn classes(&self, prefix: char, style: Style, out: &mut String) {
        let mut class = |name: std::fmt::Arguments| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(prefix);
            let _ = out.write_fmt(name);
        };
        if style.foreground != self.default.foreground
            && let Some(i) = self.foregrounds.iter().position(|&c| c == style.foreground)
        {
            class(format_args!("{i}"));
        }
        if style.background != self.default.background
            && let Some(i) = self.backgrounds.iter().position(|&c| c == style.background)
        {
            class(format_args!("k{i}"));
        }
        for (flag, name, _) in FONT_STYLES {
            if style.font_style.contains(flag) {
                class(format_args!("{name}"));
            }
        }
    }

    /// This scheme's rules, each under `pre.code` (see [`stylesheet`]).
    fn css(&self, prefix: char) -> String {
        let mut css = String::from("pre.code {\n");
        if let Some(c) = self.theme.settings.foreground {
            let _ = writeln!(css, " color: {};", hex(c));
        }
        if let Some(c) = self.theme.settings.background {
            let _ = writeln!(css, " background-color: {};", hex(c));
        }
        css.push_str("}\n");
        for (i, &c) in self.foregrounds.iter().enumerate() {
            let _ = writeln!(css, "pre.code .{prefix}{i} {{ color: {}; }}", hex(c));
        }
        for (i, &c) in self.backgrounds.iter().enumerate() {
            let _ = writeln!(
                css,
                "pre.code .{prefix}k{i} {{ background-color: {}; }}",
                hex(c)
            );
        }
        for (_, name, rule) in FONT_STYLES {
            let _ = writeln!(css, "pre.code .{prefix}{name} {{ {rule}; }}");
        }
        css
    }
}

/// Font styles: flag, class name (after the scheme's prefix), CSS.
const FONT_STYLES: [(FontStyle, &str, &str); 3] = [
    (FontStyle::BOLD, "b", "font-weight: bold"),
    (FontStyle::ITALIC, "i", "font-style: italic"),
    (FontStyle::UNDERLINE, "u", "text-decoration: underline"),
];

/// The light and dark themes code is highlighted with (site.toml's
/// `[highlight]`). The highlighted HTML names styles of both, so it is
/// made for one pair.
#[derive(Clone, Copy)]
pub struct Themes {
    light: &'static Scheme,
    dark: &'static Scheme,
}

impl Themes {
    /// The pair named; a name brief does not know (site.toml's check
    /// reports it) falls back to the default theme for its scheme.
    pub fn new(light: &str, dark: &str) -> Themes {
        let get = |name, default| {
            Scheme::get(name)
                .or_else(|| Scheme::get(default))
                .expect("the default themes are bundled")
        };
        Themes {
            light: get(light, DEFAULT_LIGHT),
            dark: get(dark, DEFAULT_DARK),
        }
    }

    /// The classes of a token with this scope stack; `None` when it is
    /// plain text in both themes.
    fn classes(self, stack: &[Scope]) -> Option<Rc<str>> {
        let mut out = String::new();
        let light = self.light.highlighter.style_for_stack(stack);
        self.light.classes('l', light, &mut out);
        let dark = self.dark.highlighter.style_for_stack(stack);
        self.dark.classes('d', dark, &mut out);
        (!out.is_empty()).then(|| out.into())
    }

    /// Tells pairs apart for the per-thread caches.
    fn id(self) -> (usize, usize) {
        (
            std::ptr::from_ref(self.light) as usize,
            std::ptr::from_ref(self.dark) as usize,
        )
    }
}

impl Default for Themes {
    fn default() -> Self {
        Themes::new(DEFAULT_LIGHT, DEFAULT_DARK)
    }
}

impl std::fmt::Debug for Themes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Themes").finish_non_exhaustive()
    }
}

/// How a build highlights code: with a theme pair, reusing the blocks an
/// earlier build highlighted when it has a [`Store`], or not at all (for
/// `check`, which shows no code).
#[derive(Clone, Copy, Debug)]
pub struct Highlighting<'a> {
    themes: Option<Themes>,
    store: Option<&'a Store>,
}

impl<'a> Highlighting<'a> {
    /// Highlights every block with `themes`.
    pub fn new(themes: Themes) -> Highlighting<'a> {
        Highlighting {
            themes: Some(themes),
            store: None,
        }
    }

    /// Takes blocks from `store` and keeps new ones there.
    pub fn with_store(self, store: &'a Store) -> Highlighting<'a> {
        Highlighting {
            store: Some(store),
            ..self
        }
    }

    /// Code shown as plain text; unknown languages are still reported.
    pub fn none() -> Highlighting<'a> {
        Highlighting {
            themes: None,
            store: None,
        }
    }
}

/// The default themes, without a store.
impl Default for Highlighting<'_> {
    fn default() -> Self {
        Highlighting::new(Themes::default())
    }
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
pub fn code_block(
    lang: Option<&str>,
    code: &str,
    how: Highlighting,
) -> (String, Result<(), UnknownLanguage>) {
    let lang = lang.map(str::trim).filter(|l| !l.is_empty());
    let mut out = String::with_capacity(code.len() * 2 + 64);
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
        Some(l) => match highlight(l, code, how) {
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

/// The HTML of `code` in `lang`; `None` when syntect does not know `lang`.
fn highlight(lang: &str, code: &str, how: Highlighting) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let escaped = || {
        let mut plain = String::new();
        escape_into(&mut plain, code);
        plain
    };
    let Some(themes) = how.themes else {
        return Some(escaped());
    };
    let stored = how
        .store
        .map(|store| (store, Store::key(&syntax.name, themes, code)));
    if let Some(html) = stored.and_then(|(store, key)| store.get(key)) {
        return Some(html);
    }
    // A failed line (a pathological grammar state) falls back to plain text
    // for the whole block rather than failing the page.
    let Some(html) = LINES.with_borrow_mut(|cache| cache.block(syntax, set, code, themes)) else {
        return Some(escaped());
    };
    if let Some((store, key)) = stored {
        store.put(key, &html);
    }
    Some(html)
}

/// Empties this thread's line cache (see `LineCache`); a build calls it on
/// every thread once parsing is done, to lower its peak memory.
pub fn forget_lines() {
    LINES.with_borrow_mut(|cache| *cache = LineCache::default());
}

/// Where syntect is between two lines of a block: its parser state and the
/// scope stack.
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
}

thread_local! {
    static LINES: RefCell<LineCache> = RefCell::new(LineCache::default());
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Memoized syntect lines, one cache per thread.
///
/// Syntect highlights a line as a pure function of the line and the parser
/// state it starts in, and code repeats lines (closing braces, blank lines,
/// `use` lists, `} else {`) far more often than it repeats blocks. So each
/// (line, state) is looked up first; a hit costs a hash and a state
/// comparison instead of a few dozen regex searches. Bounded: a line is
/// cached on its second sighting, long lines never, and the cache starts
/// over when it reaches its capacity. The classes of each scope stack are
/// memoized too, as resolving a style walks every rule of the theme.
struct LineCache {
    map: FastMap<Box<str>, Vec<LineResult>>,
    /// Hashes of the lines seen once: a line is cached on its second
    /// sighting, so lines that never repeat (most lines naming things) cost
    /// eight bytes, not a copy of syntect's state.
    seen: HashSet<u64, foldhash::fast::FixedState>,
    entries: usize,
    capacity: usize,
    classes: FastMap<Box<[Scope]>, Option<Rc<str>>>,
    /// The theme pair the cached HTML was made for.
    themes: Option<(usize, usize)>,
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
            map: FastMap::default(),
            seen: HashSet::default(),
            entries: 0,
            capacity,
            classes: FastMap::default(),
            themes: None,
        }
    }

    /// Highlights a whole block; `None` when syntect fails on a line.
    fn block(
        &mut self,
        syntax: &SyntaxReference,
        set: &SyntaxSet,
        code: &str,
        themes: Themes,
    ) -> Option<String> {
        if self.themes != Some(themes.id()) {
            *self = LineCache::with_capacity(self.capacity);
            self.themes = Some(themes.id());
        }
        let mut state = LineState {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        };
        let mut html = String::with_capacity(code.len() * 2);
        for line in LinesWithEndings::from(code) {
            html.push_str(&self.line(&mut state, line, set, themes)?);
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
        themes: Themes,
    ) -> Option<Rc<str>> {
        if let Some(hit) = self
            .map
            .get(line)
            .and_then(|results| results.iter().find(|r| r.before == *state))
        {
            state.clone_from(&hit.after);
            return Some(hit.html.clone());
        }
        let before =
            (line.len() <= Self::MAX_LINE && self.seen_before(line)).then(|| state.clone());
        let ops = state.parse.parse_line(line, set).ok()?;
        let html: Rc<str> = self.spans(line, &ops, &mut state.scopes, themes)?.into();
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
            });
        }
        Some(html)
    }

    /// The HTML of one parsed line: each run of text styled alike in one
    /// span, closed before the line ends, so every line stands alone.
    fn spans(
        &mut self,
        line: &str,
        ops: &[(usize, ScopeStackOp)],
        scopes: &mut ScopeStack,
        themes: Themes,
    ) -> Option<String> {
        let text = line.trim_end_matches(['\n', '\r']);
        let mut out = Spans::default();
        let mut class = self.classes(scopes.as_slice(), themes);
        let mut at = 0;
        for (i, op) in ops {
            let i = (*i).min(text.len());
            if i > at {
                out.push(&text[at..i], class.as_ref());
                at = i;
            }
            scopes.apply(op).ok()?;
            class = self.classes(scopes.as_slice(), themes);
        }
        out.push(&text[at..], class.as_ref());
        let mut html = out.finish();
        html.push_str(&line[text.len()..]);
        Some(html)
    }

    fn classes(&mut self, stack: &[Scope], themes: Themes) -> Option<Rc<str>> {
        if let Some(classes) = self.classes.get(stack) {
            return classes.clone();
        }
        let classes = themes.classes(stack);
        self.classes.insert(stack.into(), classes.clone());
        classes
    }
}

/// Flat spans being written: text styled like the span still open joins it.
#[derive(Default)]
struct Spans {
    html: String,
    open: Option<Rc<str>>,
}

impl Spans {
    fn push(&mut self, text: &str, class: Option<&Rc<str>>) {
        if text.is_empty() {
            return;
        }
        if self.open.as_ref() != class {
            if self.open.take().is_some() {
                self.html.push_str("</span>");
            }
            if let Some(class) = class {
                self.html.push_str("<span class=\"");
                self.html.push_str(class);
                self.html.push_str("\">");
                self.open = Some(class.clone());
            }
        }
        escape_into(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html
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

/// The stylesheet for highlighted code: the classes of the light theme,
/// and those of the dark one under `prefers-color-scheme: dark`, each
/// scoped to its scheme. Each scheme also gives `pre.code` its theme's
/// background and ink, so any syntect theme named in site.toml sits on the
/// background it was designed for. Token colours are made readable first
/// (see `readable`).
pub fn stylesheet(themes: Themes) -> String {
    format!(
        "/* Generated by brief from the syntect themes `{}` (light) and `{}` (dark),\n   token colours adjusted to a contrast of at least {MIN_CONTRAST}:1 (WCAG AA). */\n@media not all and (prefers-color-scheme: dark) {{\n{}}}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
        themes.light.name,
        themes.dark.name,
        themes.light.css('l'),
        themes.dark.css('d'),
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

/// `#rrggbb`, or `#rrggbbaa` for a translucent colour.
fn hex(c: Color) -> String {
    let rgb = format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
    if c.a == 255 {
        rgb
    } else {
        format!("{rgb}{:02x}", c.a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_get_flat_spans_named_by_their_styles() {
        let (html, status) = code_block(
            Some("rust"),
            "fn main() {} // done\n",
            Highlighting::default(),
        );
        assert!(status.is_ok());
        // InspiredGitHub's `fn` is its colour 2, bold, base16-ocean.dark's
        // its colour 2; punctuation is plain in both; comments are italic
        // in the light theme only.
        assert_eq!(
            html,
            "<pre class=\"code\" tabindex=\"0\" data-lang=\"rust\"><code>\
             <span class=\"l2 lb d2\">fn</span> <span class=\"l5 lb d4\">main</span>() {} \
             <span class=\"l0 li d1\">// done</span>\n</code></pre>\n"
        );
    }

    #[test]
    fn unknown_language_is_plain_and_reported() {
        let (html, status) = code_block(Some("rsut"), "a < b\n", Highlighting::default());
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

    /// Each character of `code` with the classes of the styles syntect's
    /// own highlighter gives it in each theme: uncached, span by span.
    fn reference(lang: &str, code: &str, themes: Themes) -> Vec<(char, String)> {
        let set = syntaxes();
        let syntax = set.find_syntax_by_token(lang).unwrap();
        let mut light = syntect::easy::HighlightLines::new(syntax, themes.light.theme);
        let mut dark = syntect::easy::HighlightLines::new(syntax, themes.dark.theme);
        let chars = |ranges: Vec<(Style, &str)>| -> Vec<(char, Style)> {
            ranges
                .into_iter()
                .flat_map(|(style, text)| text.chars().map(move |c| (c, style)))
                .collect()
        };
        let mut out = Vec::new();
        for line in LinesWithEndings::from(code) {
            let l = chars(light.highlight_line(line, set).unwrap());
            let d = chars(dark.highlight_line(line, set).unwrap());
            for ((c, l), (_, d)) in l.into_iter().zip(d) {
                let mut classes = String::new();
                if c != '\n' && c != '\r' {
                    themes.light.classes('l', l, &mut classes);
                    themes.dark.classes('d', d, &mut classes);
                }
                out.push((c, classes));
            }
        }
        out
    }

    /// Each character of highlighted HTML with its span's classes; fails on
    /// nested, empty or needlessly split spans.
    fn decode(html: &str) -> Vec<(char, String)> {
        let mut out = Vec::new();
        let (mut class, mut closed) = (String::new(), String::new());
        let mut rest = html;
        while let Some(c) = rest.chars().next() {
            if let Some(r) = rest.strip_prefix("<span class=\"") {
                let (name, r) = r.split_once("\">").unwrap();
                assert!(class.is_empty(), "nested span in {html}");
                assert_ne!(name, closed, "split span in {html}");
                class = name.to_string();
                rest = r;
                continue;
            }
            if let Some(r) = rest.strip_prefix("</span>") {
                assert!(!class.is_empty(), "stray </span> in {html}");
                assert_ne!(out.last().map(|(_, c): &(char, String)| c), None);
                closed = std::mem::take(&mut class);
                rest = r;
                continue;
            }
            let (c, len) = match rest.split_once(';').filter(|_| c == '&') {
                Some((entity, _)) => {
                    let c = match entity {
                        "&amp" => '&',
                        "&lt" => '<',
                        "&gt" => '>',
                        "&quot" => '"',
                        "&#39" | "&#x27" => '\'',
                        _ => panic!("{entity} in {html}"),
                    };
                    (c, entity.len() + 1)
                }
                None => (c, c.len_utf8()),
            };
            out.push((c, class.clone()));
            closed.clear();
            rest = &rest[len..];
        }
        assert!(class.is_empty(), "unclosed span in {html}");
        out
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

    const PAIRS: &[(&str, &str)] = &[
        (DEFAULT_LIGHT, DEFAULT_DARK),
        ("Solarized (light)", "Solarized (dark)"),
        ("base16-ocean.light", "base16-eighties.dark"),
    ];

    proptest::proptest! {
        /// The line and class caches are invisible: any sequence of lines,
        /// highlighted again and again as the caches fill and as the theme
        /// pair changes, colours every character as syntect does.
        #[test]
        fn every_character_gets_syntects_styles(
            blocks in proptest::collection::vec(
                (
                    proptest::collection::vec(proptest::sample::select(RUST_LINES), 0..12),
                    proptest::sample::select(PAIRS),
                ),
                1..6,
            ),
            lang in proptest::sample::select(&["rust", "js", "python"][..]),
        ) {
            for (block, (light, dark)) in &blocks {
                let themes = Themes::new(light, dark);
                let code = block.concat();
                let html = highlight(lang, &code, Highlighting::new(themes)).unwrap();
                proptest::prop_assert_eq!(decode(&html), reference(lang, &code, themes));
            }
        }
    }

    #[test]
    fn a_full_cache_starts_over_and_stays_correct() {
        let set = syntaxes();
        let rust = set.find_syntax_by_token("rust").unwrap();
        let themes = Themes::default();
        let mut cache = LineCache::with_capacity(8);
        let code: String = (0..20)
            .map(|i| format!("let v{} = {i};\n", i % 12))
            .collect();
        for _ in 0..3 {
            let html = cache.block(rust, set, &code, themes).unwrap();
            assert_eq!(decode(&html), reference("rust", &code, themes));
            assert!(cache.entries <= 8);
        }
    }

    #[test]
    fn stylesheet_scopes_each_theme_to_its_scheme() {
        let css = stylesheet(Themes::default());
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
        // The light theme's comment grey, darkened to AA; italic.
        assert!(
            light.contains("pre.code .l0 { color: #757775; }"),
            "{light}"
        );
        assert!(light.contains("pre.code .li { font-style: italic; }"));
        assert!(!light.contains(".d0"), "{light}");
        assert!(dark.contains("background-color: #2b303b;"), "{dark}");
        assert!(dark.contains("pre.code .d0 {"), "{dark}");
        assert!(!dark.contains(".l0"), "{dark}");
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
            let css = stylesheet(Themes::new(name, name));
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
