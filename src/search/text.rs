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
/// longer than [`MAX_WORD`] characters are skipped. Linear in `text`.
pub fn words(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut len = 0usize;
    let mut ascii = true;
    let mut flush = |word: &mut String, len: &mut usize, ascii: &mut bool| {
        if *len > 0 && *len <= MAX_WORD {
            if *ascii {
                word.make_ascii_lowercase();
                f(word);
            } else {
                // The whole word at once, as JavaScript's toLowerCase does
                // it (a final sigma depends on what comes before it).
                f(&word.to_lowercase());
            }
        }
        word.clear();
        *len = 0;
        *ascii = true;
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if c.is_alphanumeric() {
            c
        } else if (c == '\'' || c == '’')
            && len > 0
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            '\''
        } else {
            flush(&mut word, &mut len, &mut ascii);
            continue;
        };
        // Past MAX_WORD the word is only counted, so skipping it costs
        // nothing more.
        len += 1;
        if len <= MAX_WORD {
            word.push(c);
            ascii &= c.is_ascii();
        }
    }
    flush(&mut word, &mut len, &mut ascii);
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
        words(text, |w| out.push(w.to_string()));
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
