//! Words and terms: how text becomes what the index stores.
//!
//! The browser does exactly the same to a query and to the text it
//! excerpts (`words` and `term` in `engine.js`), so a reader's word finds
//! the pages that contain it. The two must change together;
//! `tests/it/search.rs` runs both on the same words.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};

/// Words longer than this many characters are not indexed: no reader
/// types one, and a hostile file could otherwise make a term of megabytes.
pub const MAX_WORD: usize = 64;

/// Calls `f` with each word of `text`, lowercased.
///
/// A word is a run of letters and digits (Unicode `Alphabetic` and
/// `Numeric`), with an apostrophe (`'` or `’`) between two of them kept as
/// `'`: "China’s" is the one word `china's`, "rare-earth" is two. Words
/// longer than [`MAX_WORD`] characters are skipped. Linear in `text`; a
/// word already in lowercase ASCII is passed as a slice of `text`, not a
/// copy.
pub fn words<'a>(text: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // Whether the character at `i` (its byte width) is a letter or digit.
    let alnum_at = |i: usize| -> Option<(bool, usize)> {
        let b = *bytes.get(i)?;
        Some(if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().expect("inside the text");
            (c.is_alphanumeric(), c.len_utf8())
        })
    };
    let mut i = 0;
    while i < n {
        // Between words: ASCII punctuation and spaces are skipped fast.
        let b = bytes[i];
        if b < 0x80 && !b.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let (alnum, width) = alnum_at(i).expect("i < n");
        if !alnum {
            i += width;
            continue;
        }
        // A word: its characters, and whether it is already as it is
        // indexed (lowercase ASCII letters, digits and `'`).
        let start = i;
        let mut chars = 0usize;
        let mut plain = true;
        while i < n {
            let b = bytes[i];
            if b.is_ascii_lowercase() || b.is_ascii_digit() {
                i += 1;
            } else if b.is_ascii_uppercase() {
                plain = false;
                i += 1;
            } else if b == b'\'' || (b == 0xe2 && text[i..].starts_with('’')) {
                let width = if b == b'\'' { 1 } else { '’'.len_utf8() };
                if !alnum_at(i + width).is_some_and(|(a, _)| a) {
                    break;
                }
                plain &= b == b'\'';
                i += width;
            } else if b >= 0x80 {
                match alnum_at(i) {
                    Some((true, width)) => {
                        plain = false;
                        i += width;
                    }
                    _ => break,
                }
            } else {
                break;
            }
            chars += 1;
        }
        if chars > MAX_WORD {
            continue;
        }
        let word = &text[start..i];
        if plain {
            f(Cow::Borrowed(word));
        } else {
            let word = word.replace('’', "'");
            // The whole word at once, as JavaScript's toLowerCase does it
            // (a final sigma depends on what comes before it).
            f(Cow::Owned(if word.is_ascii() {
                word.to_ascii_lowercase()
            } else {
                word.to_lowercase()
            }));
        }
    }
}

/// Turns words into index terms: the Snowball stem for languages the
/// browser can stem the same way (English), the word itself otherwise.
pub struct Terms {
    stemmer: Option<Stemmer>,
}

impl Terms {
    /// For a site in `language` (an ISO 639-1 code, maybe with a region).
    pub fn new(language: &str) -> Terms {
        Terms {
            stemmer: (stemmer_name(language) == Some("english"))
                .then(|| Stemmer::create(Algorithm::English)),
        }
    }

    /// The term of a lowercased word.
    pub fn term<'a>(&self, word: &'a str) -> Cow<'a, str> {
        match &self.stemmer {
            Some(s) => s.stem(word),
            None => Cow::Borrowed(word),
        }
    }
}

/// The stemmer the index uses for `language`, as the manifest names it:
/// `engine.js` implements exactly these.
pub fn stemmer_name(language: &str) -> Option<&'static str> {
    let code = language.split(['-', '_']).next().unwrap_or("");
    code.eq_ignore_ascii_case("en").then_some("english")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(text, |w| out.push(w.into_owned()));
        out
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(
            all("China’s rare-earth EXPORTS fell 12% in 2025; 'quoted' don''t x86_64"),
            [
                "china's", "rare", "earth", "exports", "fell", "12", "in", "2025", "quoted", "don",
                "t", "x86", "64"
            ]
        );
        assert_eq!(
            all("ΟΔΟΣ Straße Éire 東京"),
            ["οδος", "straße", "éire", "東京"]
        );
        assert_eq!(all(""), Vec::<String>::new());
        assert_eq!(all("' ’ -"), Vec::<String>::new());
    }

    /// The rule, written plainly: what the fast `words` must equal.
    fn reference(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut word = String::new();
        for (k, &c) in chars.iter().enumerate() {
            let next_alnum = chars.get(k + 1).is_some_and(|n| n.is_alphanumeric());
            if c.is_alphanumeric() {
                word.push(c);
            } else if (c == '\'' || c == '’') && !word.is_empty() && next_alnum {
                word.push('\'');
            } else {
                if !word.is_empty() && word.chars().count() <= MAX_WORD {
                    out.push(word.to_lowercase());
                }
                word.clear();
            }
        }
        if !word.is_empty() && word.chars().count() <= MAX_WORD {
            out.push(word.to_lowercase());
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn words_follow_the_rule(text in "[a-cA-C0-9 '’.\\-éΣσ東_]{0,80}") {
            proptest::prop_assert_eq!(all(&text), reference(&text));
        }

        #[test]
        fn long_runs_follow_the_rule(n in 60usize..70, m in 0usize..3) {
            let text = format!("{}’{} x", "a".repeat(n), "b".repeat(m));
            proptest::prop_assert_eq!(all(&text), reference(&text));
        }
    }

    #[test]
    fn long_words_are_skipped_whole() {
        let long = "a".repeat(MAX_WORD + 1);
        assert_eq!(all(&format!("x {long} y")), ["x", "y"]);
        let edge = "b".repeat(MAX_WORD);
        assert_eq!(all(&edge), std::slice::from_ref(&edge));
    }

    #[test]
    fn english_is_stemmed_and_other_languages_are_not() {
        let en = Terms::new("en-GB");
        assert_eq!(en.term("running"), "run");
        assert_eq!(en.term("magnets"), "magnet");
        assert_eq!(en.term("china's"), "china");
        let fr = Terms::new("fr");
        assert_eq!(fr.term("aimons"), "aimons");
    }
}
