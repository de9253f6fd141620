//! Diagnostics: every content problem, with its `path:line:col`, a code
//! frame and a help line.
//!
//! Positions are computed in exactly one place, [`LineIndex`], from byte
//! offsets into the whole file. Stages never `?` out of a walk on a content
//! problem: they push a [`Diagnostic`] and carry on, so one run reports
//! everything. A diagnostic owns the one line of text it points at, so the
//! file's text can be dropped as soon as it is parsed.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// The line of source a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    /// The text of the line, without its line ending.
    pub text: String,
    /// Byte range of the problem within `text` (may be empty).
    pub span: Range<usize>,
}

/// The longest line a kept [`Position`] copies into its frame.
pub const MAX_FRAME_LINE: usize = 240;

/// A place in a file, kept so a later stage can point back at it after the
/// file's text is gone (e.g. the second of two colliding slugs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Position {
    pub line: usize,
    pub col: usize,
    pub frame: Option<Box<Frame>>,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, e.g. `content/briefings/x.md`.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
    /// Boxed: most diagnostics travel in `Result`s, which should stay small.
    pub frame: Option<Box<Frame>>,
}

impl Diagnostic {
    /// A problem with a whole file (no position).
    pub fn file(severity: Severity, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            path: path.into(),
            line: 0,
            col: 0,
            message: message.into(),
            help: None,
            frame: None,
        }
    }

    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::file(Severity::Error, path, message)
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::file(Severity::Warning, path, message)
    }

    /// A problem at a position kept from an earlier stage.
    pub fn at_position(
        severity: Severity,
        path: impl Into<PathBuf>,
        pos: &Position,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            line: pos.line,
            col: pos.col,
            frame: pos.frame.clone(),
            ..Self::file(severity, path, message)
        }
    }

    /// Adds a help line ("did you mean …", "write it as …").
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line if there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// `path:line:col`, or just `path` for a whole-file problem.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.path.display().to_string()
        } else {
            format!("{}:{}:{}", self.path.display(), self.line, self.col)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic with a code frame; `color` for terminals.
    /// `prefix` is prepended to the path (the site root as the user gave it).
    pub fn render(&self, prefix: &Path, color: bool) -> String {
        let shown = Diagnostic {
            path: prefix.join(&self.path),
            ..self.clone()
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut out = format!(
            "{}: {}: {}\n",
            shown.location(),
            severity_word(self.severity),
            self.message
        );
        let mut group = Group::with_level(level.clone());
        let mut any = false;
        if let Some(frame) = &self.frame {
            let span = clamp_span(&frame.text, frame.span.clone());
            group = group.element(
                Snippet::source(frame.text.as_str())
                    .line_start(self.line)
                    .fold(false)
                    .annotation(AnnotationKind::Primary.span(span)),
            );
            any = true;
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
            any = true;
        }
        if any {
            let renderer = if color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            out.push_str(&renderer.render(&[group]));
            out.push('\n');
        }
        out
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Keeps a span inside the line and on character boundaries, so rendering
/// never panics whatever a stage computed.
fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// `path:line:col: severity: message`, without the frame; used in tests and logs.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            severity_word(self.severity),
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Byte offset -> (line, column) for one file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts; always starts with 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and 1-based character column of a byte offset. Offsets
    /// past the end land on the last position; offsets inside a multi-byte
    /// character count as that character.
    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = text[start..]
            .char_indices()
            .take_while(|(i, _)| start + i < offset)
            .count();
        (line + 1, col + 1)
    }

    /// Byte range of a 1-based line, without its `\n` or `\r\n`.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).map_or(text.len(), |next| next - 1);
        if text[start..end].ends_with('\r') {
            end -= 1;
        }
        start..end
    }
}

/// A file being parsed: makes positioned diagnostics from byte spans.
pub struct FileContext<'a> {
    /// Path relative to the site root.
    pub path: &'a Path,
    pub text: &'a str,
    index: LineIndex,
}

impl<'a> FileContext<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        FileContext {
            path,
            text,
            index: LineIndex::new(text),
        }
    }

    /// A diagnostic at a byte span of the whole file.
    pub fn at(
        &self,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, mut col) = self.index.locate(self.text, span.start);
        let mut range = self.index.line_range(self.text, line);
        // A byte-order mark is not a column an editor shows.
        if line == 1 && self.text.starts_with('\u{feff}') {
            range.start = 3.min(range.end);
            col = col.saturating_sub(1).max(1);
        }
        let line_start = range.start;
        let text = &self.text[range.clone()];
        let start = span.start.clamp(line_start, range.end);
        let end = span.end.clamp(start, range.end);
        let (start, end) = (start - line_start, end - line_start);
        Diagnostic {
            severity,
            path: self.path.to_path_buf(),
            line,
            col,
            message: message.into(),
            help: None,
            frame: Some(Box::new(Frame {
                text: text.to_string(),
                span: start..end,
            })),
        }
    }

    /// The position of a byte span, to keep for later diagnostics.
    pub fn position(&self, span: Range<usize>) -> Position {
        let d = self.at(Severity::Error, span, "");
        Position {
            line: d.line,
            col: d.col,
            frame: d.frame,
        }
    }

    /// The positions of many spans, given in increasing order, to keep for
    /// later diagnostics. Locating each from its line's start would be
    /// quadratic on a long line (5,000 tags on one line), so columns are
    /// counted on from the previous span; a line longer than
    /// [`MAX_FRAME_LINE`] keeps no frame (nobody reads a 50 KB code frame).
    pub fn positions(&self, spans: &[Range<usize>]) -> Vec<Position> {
        let mut out = Vec::with_capacity(spans.len());
        // Offset, line and column of the previous span's start.
        let mut last: Option<(usize, usize, usize)> = None;
        for span in spans {
            let start = span.start.min(self.text.len());
            let line = self.index.starts.partition_point(|&s| s <= start);
            let range = self.index.line_range(self.text, line);
            if line == 1 || range.len() <= MAX_FRAME_LINE {
                let p = self.position(span.clone());
                last = Some((start, p.line, p.col));
                out.push(p);
                continue;
            }
            let col = match last {
                Some((offset, l, col)) if l == line && offset <= start => {
                    col + self.text[offset..start].chars().count()
                }
                _ => self.index.locate(self.text, start).1,
            };
            last = Some((start, line, col));
            out.push(Position {
                line,
                col,
                frame: None,
            });
        }
        out
    }

    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.at(Severity::Error, span, message)
    }

    pub fn warning(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.at(Severity::Warning, span, message)
    }
}

/// The closest candidate to a misspelt word, if any is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // Fewest edits (a swap of two letters is one), then closest length,
    // then most shared prefix; at most a third of the word may change.
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|&c| {
            let distance = strsim::damerau_levenshtein(word, c);
            let length_gap = word.len().abs_diff(c.len());
            (
                distance,
                length_gap,
                -(strsim::jaro_winkler(word, c) * 1000.0) as i64,
                c,
            )
        })
        .filter(|(distance, ..)| *distance <= limit)
        .min()
        .map(|(.., c)| c)
        .or_else(|| completion(word, &candidates))
}

/// A candidate the word is a clear beginning of (`paginate` for
/// `paginate_by`), or that is a beginning of the word (`tag` for `tags`,
/// already caught by edit distance when short): the shortest such.
fn completion<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if word.chars().count() < 4 {
        return None;
    }
    candidates
        .iter()
        .copied()
        .filter(|c| c.starts_with(word) || (c.chars().count() >= 4 && word.starts_with(c)))
        .min_by_key(|c| (c.len(), *c))
}

/// A help line suggesting the closest candidate, if any.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Sorts diagnostics by path and position so output is stable whatever the
/// order the parallel stages finished in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_lines_and_characters() {
        let text = "ab\nçd€x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, 0), (1, 1));
        assert_eq!(idx.locate(text, 2), (1, 3));
        assert_eq!(idx.locate(text, 3), (2, 1));
        // "ç" is two bytes, "d" then is column 2, "€" three bytes.
        assert_eq!(idx.locate(text, 5), (2, 2));
        assert_eq!(idx.locate(text, 9), (2, 4));
        assert_eq!(idx.locate(text, 12), (3, 1));
        assert_eq!(idx.locate(text, 999), (3, 5));
        assert_eq!(&text[idx.line_range(text, 2)], "çd€x");
    }

    #[test]
    fn frame_points_at_the_span() {
        let text = "+++\ntitel = \"x\"\n+++\n";
        let ctx = FileContext::new(Path::new("content/a.md"), text);
        let d = ctx
            .error(4..9, "unknown key `titel`")
            .with_help("did you mean `title`?");
        assert_eq!(d.location(), "content/a.md:2:1");
        let shown = d.render(Path::new(""), false);
        assert!(
            shown.starts_with("content/a.md:2:1: error: unknown key `titel`\n"),
            "{shown}"
        );
        assert!(shown.contains("2 | titel = \"x\""), "{shown}");
        assert!(shown.contains("^^^^^"), "{shown}");
        assert!(shown.contains("help: did you mean `title`?"), "{shown}");
    }

    #[test]
    fn suggestions_only_when_close() {
        assert_eq!(did_you_mean("titel", ["title", "date"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "date"]), None);
    }

    proptest::proptest! {
        #[test]
        fn locate_never_panics_and_matches_naive(text in "(?s).{0,80}", offset in 0usize..100) {
            let idx = LineIndex::new(&text);
            let (line, col) = idx.locate(&text, offset);
            let mut o = offset.min(text.len());
            while !text.is_char_boundary(o) { o += 1; }
            let before = &text[..o];
            let naive_line = before.matches('\n').count() + 1;
            let naive_col = before.rsplit('\n').next().unwrap().chars().count() + 1;
            proptest::prop_assert_eq!((line, col), (naive_line, naive_col));
        }
    }
}
