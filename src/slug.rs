//! Slugs: the URL-safe names of briefings, pages and tags.
//!
//! A slug is one path segment of lowercase letters, digits and hyphens, so
//! whatever a writer puts in a file name or a `slug` key, an output path
//! built from it stays inside the output directory.
//!
//! In: a title, file name, tag or `slug` key. Out: its slug.

/// Lowercases and joins runs of anything but letters and digits with `-`.
/// Unicode letters are kept (browsers encode them in URLs), in NFC: `café`
/// typed with a combining accent (as macOS file names are) and with the
/// single character `é` are one slug, so they collide instead of making
/// two pages that most file systems and URLs treat as one.
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    let mut in_word = false;
    for c in text.nfc() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            in_word = true;
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else if in_word && is_combining_mark(c) {
            // An accent NFC has no precomposed letter for stays on its letter.
            out.push(c);
        } else if c != '\'' && c != '’' {
            pending_dash = true;
            in_word = false;
        }
    }
    out.nfc().collect()
}

/// True if `slug` is already in the form [`slugify`] produces.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty() && slugify(slug) == slug
}

/// `slug` cut to at most `max` bytes: at the last hyphen that keeps whole
/// words, or, when the first word alone is longer, at the last character
/// boundary. A valid slug stays valid (no trailing hyphen, no split
/// character) and is a prefix of the original; `max` must be at least 4, the
/// longest UTF-8 character, so a non-empty slug never comes back empty.
pub fn shorten(slug: &str, max: usize) -> &str {
    if slug.len() <= max {
        return slug;
    }
    // A hyphen right after the limit still ends a whole word within it.
    let words_end = slug.as_bytes()[..=max]
        .iter()
        .rposition(|&b| b == b'-')
        .filter(|&i| i > 0);
    let end = words_end.unwrap_or_else(|| {
        let mut end = max;
        while !slug.is_char_boundary(end) {
            end -= 1;
        }
        end
    });
    &slug[..end]
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
        assert_eq!(slugify("cafe\u{301}"), slugify("caf\u{e9}"));
        assert_eq!(slugify("Cafe\u{301} talks"), "caf\u{e9}-talks");
        // No precomposed form: the mark stays with its letter.
        assert_eq!(slugify("q\u{323}\u{307}x"), "q\u{323}\u{307}x");
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

    #[test]
    fn shorten_keeps_whole_words() {
        assert_eq!(shorten("london-handshake", 80), "london-handshake");
        assert_eq!(shorten("london-handshake", 16), "london-handshake");
        assert_eq!(shorten("london-handshake", 15), "london");
        // The hyphen right after the limit: the word before it fits exactly.
        assert_eq!(shorten("london-handshake", 6), "london");
        assert_eq!(shorten("london-handshake", 5), "londo");
        // One word longer than the limit is cut between characters: `€` is
        // three bytes, so 26 of them (78 bytes) fit in 80.
        let euros = "€".repeat(40);
        assert_eq!(shorten(&euros, 80), "€".repeat(26));
        assert_eq!(shorten("ab-€€€", 6), "ab");
        assert_eq!(shorten("ré-export", 2), "r");
    }

    proptest::proptest! {
        #[test]
        fn shortened_slugs_are_valid_prefixes(
            text in proptest::prop_oneof![
                "(?s).{0,200}",
                "[a-zé€ ]{0,300}",
                "[a-z]{70,90}( [a-z]{1,9}){0,20}",
            ],
            max in 4usize..100,
        ) {
            let full = slugify(&text);
            for max in [max, 80] {
                let short = shorten(&full, max);
                proptest::prop_assert!(short.len() <= max, "{} bytes > {max}", short.len());
                proptest::prop_assert!(full.starts_with(short));
                proptest::prop_assert_eq!(short.is_empty(), full.is_empty());
                proptest::prop_assert!(full.is_empty() || is_valid(short), "`{short}` is not a slug");
                // Whole words whenever the first word fits.
                let first_word = full.split('-').next().unwrap_or("");
                if short != full && first_word.len() <= max {
                    proptest::prop_assert_eq!(full.as_bytes()[short.len()], b'-');
                }
            }
        }
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
