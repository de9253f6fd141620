//! Splits a content file into its `+++` TOML front matter and its body.
//!
//! Done by hand at byte 0 rather than through pulldown-cmark's metadata
//! blocks, so offsets are exact: every span reported later is relative to
//! the whole file. A UTF-8 byte-order mark and CRLF line endings are
//! accepted.

use std::ops::Range;

/// The two parts of a content file, as slices of it with their offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences, without them.
    pub front_matter: &'a str,
    /// Byte offset of `front_matter` in the file.
    pub front_matter_start: usize,
    /// Everything after the closing fence's line.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_start: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file is empty (or only a byte-order mark and whitespace).
    Empty,
    /// The file does not start with a `+++` line.
    NoOpeningFence,
    /// The opening `+++` has no closing `+++` line; the span is the opening fence.
    Unterminated(Range<usize>),
}

const FENCE: &str = "+++";

/// Splits `text` at its front-matter fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if text[start..].trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let (first, after_first) = next_line(text, start);
    if first.trim_end() != FENCE {
        return Err(SplitError::NoOpeningFence);
    }
    let front_matter_start = after_first;
    let mut pos = after_first;
    while pos < text.len() {
        let (line, next) = next_line(text, pos);
        if line.trim_end() == FENCE {
            return Ok(Split {
                front_matter: &text[front_matter_start..pos],
                front_matter_start,
                body: &text[next..],
                body_start: next,
            });
        }
        pos = next;
    }
    Err(SplitError::Unterminated(start..start + FENCE.len()))
}

/// The line starting at `pos` (without `\n` or `\r\n`) and the offset of the next line.
fn next_line(text: &str, pos: usize) -> (&str, usize) {
    match text[pos..].find('\n') {
        Some(i) => {
            let line = &text[pos..pos + i];
            (line.strip_suffix('\r').unwrap_or(line), pos + i + 1)
        }
        None => (&text[pos..], text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(s.front_matter, "title = \"a\"\n");
        assert_eq!(s.front_matter_start, 4);
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_start, 20);
    }

    #[test]
    fn crlf_front_matter() {
        let s = split("+++\r\ntitle = \"a\"\r\n+++\r\nbody").unwrap();
        assert_eq!(s.front_matter, "title = \"a\"\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn bom_is_skipped_and_offsets_stay_exact() {
        let text = "\u{feff}+++\nx = 1\n+++\n";
        let s = split(text).unwrap();
        assert_eq!(&text[s.front_matter_start..][..5], "x = 1");
        assert_eq!(s.body, "");
    }

    #[test]
    fn closing_fence_at_end_of_file() {
        let s = split("+++\nx = 1\n+++").unwrap();
        assert_eq!(s.front_matter, "x = 1\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn fence_lookalikes_are_not_fences() {
        assert_eq!(split("++++\nx\n+++\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(
            split("+++\nx = \"+++ \"\n"),
            Err(SplitError::Unterminated(0..3))
        );
    }

    #[test]
    fn empty_and_missing() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split("\u{feff}\n  \n"), Err(SplitError::Empty));
        assert_eq!(split("# Title\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(
            split("+++\ntitle = 1\n"),
            Err(SplitError::Unterminated(0..3))
        );
    }

    proptest::proptest! {
        #[test]
        fn split_never_panics_and_reassembles(fm in "[^+]{0,40}", body in "(?s).{0,60}", crlf: bool) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let fm = fm.replace('\r', "");
            let fm = if fm.is_empty() || fm.ends_with('\n') { fm } else { format!("{fm}\n") };
            let fm = fm.replace('\n', nl);
            let text = format!("+++{nl}{fm}+++{nl}{body}");
            let s = split(&text).unwrap();
            proptest::prop_assert_eq!(s.front_matter, fm.as_str());
            proptest::prop_assert_eq!(s.body, body.as_str());
            proptest::prop_assert_eq!(&text[s.body_start..], body.as_str());
        }

        #[test]
        fn split_any_input_never_panics(text in "(?s).{0,120}") {
            let _ = split(&text);
        }
    }
}
