//! Slugs: the URL-safe names of briefings, pages and tags.
//!
//! A slug is one path segment of lowercase letters, digits and hyphens, so
//! whatever a writer puts in a file name or a `slug` key, an output path
//! built from it stays inside the output directory.

/// Lowercases and joins runs of anything but letters and digits with `-`.
/// Unicode letters are kept (browsers encode them in URLs).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else if c != '\'' && c != '’' {
            pending_dash = true;
        }
    }
    out
}

/// True if `slug` is already in the form [`slugify`] produces.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty() && slugify(slug) == slug
}

/// The default slug of a briefing file: its name without the extension and
/// without a leading `YYYY-MM-DD-` date.
pub fn from_file_stem(stem: &str) -> String {
    let b = stem.as_bytes();
    let dated = b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && b[10] == b'-';
    slugify(if dated { &stem[11..] } else { stem })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_examples() {
        assert_eq!(
            slugify("Washington goes to London"),
            "washington-goes-to-london"
        );
        assert_eq!(slugify("  China's 70%  share!  "), "chinas-70-share");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("Ré-export"), "ré-export");
        assert_eq!(slugify("¿?"), "");
    }

    #[test]
    fn file_stems() {
        assert_eq!(
            from_file_stem("2025-06-09-london-handshake"),
            "london-handshake"
        );
        assert_eq!(from_file_stem("2025-06-09"), "2025-06-09");
        assert_eq!(from_file_stem("About Us"), "about-us");
    }

    #[test]
    fn validity() {
        assert!(is_valid("london-handshake"));
        assert!(!is_valid("London"));
        assert!(!is_valid("../x"));
        assert!(!is_valid("a/b"));
        assert!(!is_valid(""));
    }

    proptest::proptest! {
        #[test]
        fn slugs_are_safe_path_segments(text in "(?s).{0,60}") {
            let s = slugify(&text);
            proptest::prop_assert!(!s.contains('/') && !s.contains('\\') && !s.contains('.'));
            proptest::prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"));
            proptest::prop_assert_eq!(slugify(&s), s.clone());
        }
    }
}
