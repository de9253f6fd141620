//! Pandoc-style citation labels: `@id`, `@id, locator`, `@a; @b, locator`.
//!
//! pulldown-cmark hands us the text between the brackets of `[@…]` (as a
//! reference link with no definition); this module splits it into cited
//! items or says why it is malformed. Escaped brackets and code never reach
//! it, which is how `\[@x]` and `` `[@x]` `` stay literal.

use std::ops::Range;

/// One cited source within a citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    /// Byte range of `@id` within the label.
    pub span: Range<usize>,
    /// Text after the comma, trimmed (a page, a person, a section).
    pub locator: Option<String>,
}

/// Why a label that starts with `@` is not a valid citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub message: String,
    /// Byte range within the label.
    pub span: Range<usize>,
}

/// True if the label is meant as a citation (its first non-space character is `@`).
pub fn is_citation(label: &str) -> bool {
    label.trim_start().starts_with('@')
}

/// Characters allowed in a source id (those of the registry's keys).
pub fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')
}

/// Parses a citation label into its items.
pub fn parse(label: &str) -> Result<Vec<Item>, Malformed> {
    let mut items = Vec::new();
    let mut start = 0;
    for part in label.split(';') {
        let part_start = start;
        start += part.len() + 1;
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        let at = part_start + lead;
        let Some(rest) = trimmed.strip_prefix('@') else {
            let span = at..at + trimmed.len().max(1);
            let message = if trimmed.is_empty() {
                "empty item in citation".to_string()
            } else {
                format!("`{trimmed}` in a citation does not start with `@`")
            };
            return Err(Malformed { message, span });
        };
        let id_len: usize = rest
            .chars()
            .take_while(|&c| is_id_char(c))
            .map(char::len_utf8)
            .sum();
        // Ids may not end in punctuation, as in Pandoc: `@doe.` cites `doe`.
        let id = rest[..id_len].trim_end_matches(['.', ':']);
        if id.is_empty() {
            return Err(Malformed {
                message: "citation without a source id".into(),
                span: at..at + 1,
            });
        }
        let after = rest[id.len()..].trim_start();
        let locator = if after.is_empty() {
            None
        } else if let Some(loc) = after.strip_prefix(',') {
            let loc = loc.trim();
            if loc.is_empty() {
                return Err(Malformed {
                    message: format!("empty locator after `@{id},`"),
                    span: at..at + 1 + id.len() + 1,
                });
            }
            Some(loc.to_string())
        } else {
            return Err(Malformed {
                message: format!("unexpected `{after}` after `@{id}`"),
                span: at..at + trimmed.len(),
            });
        };
        items.push(Item {
            id: id.to_string(),
            span: at..at + 1 + id.len(),
            locator,
        });
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(label: &str) -> Vec<(String, Option<String>)> {
        parse(label)
            .unwrap()
            .into_iter()
            .map(|i| (i.id, i.locator))
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(ids("@reex-framework"), [("reex-framework".into(), None)]);
        assert_eq!(
            ids("@ishook-talks, \"Hassett\""),
            [("ishook-talks".into(), Some("\"Hassett\"".into()))]
        );
        assert_eq!(
            ids("@a; @b, p. 3"),
            [("a".into(), None), ("b".into(), Some("p. 3".into()))]
        );
        assert_eq!(ids(" @a ;@b "), [("a".into(), None), ("b".into(), None)]);
    }

    #[test]
    fn spans_point_at_ids() {
        let label = "@a; @bee, x";
        let items = parse(label).unwrap();
        assert_eq!(&label[items[1].span.clone()], "@bee");
    }

    #[test]
    fn malformed() {
        assert_eq!(
            parse("@").unwrap_err().message,
            "citation without a source id"
        );
        assert_eq!(parse("@a;").unwrap_err().message, "empty item in citation");
        assert_eq!(
            parse("@a; b").unwrap_err().message,
            "`b` in a citation does not start with `@`"
        );
        assert_eq!(
            parse("@a b").unwrap_err().message,
            "unexpected `b` after `@a`"
        );
        assert_eq!(
            parse("@a,").unwrap_err().message,
            "empty locator after `@a,`"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_spans_are_in_bounds(label in "(?s).{0,60}") {
            match parse(&label) {
                Ok(items) => for i in items {
                    proptest::prop_assert!(label.get(i.span.clone()).is_some());
                    proptest::prop_assert_eq!(&label[i.span.clone()], format!("@{}", i.id));
                },
                Err(m) => proptest::prop_assert!(m.span.end <= label.len() + 1),
            }
        }

        #[test]
        fn roundtrip(ids in proptest::collection::vec("[a-z][a-z0-9-]{0,12}[a-z0-9]", 1..5),
                     locs in proptest::collection::vec(proptest::option::of("[A-Za-z0-9 .]{1,10}"), 5)) {
            let label = ids.iter().zip(&locs).map(|(id, loc)| match loc {
                Some(l) if !l.trim().is_empty() => format!("@{id}, {l}"),
                _ => format!("@{id}"),
            }).collect::<Vec<_>>().join("; ");
            let parsed = parse(&label).unwrap();
            let got: Vec<&str> = parsed.iter().map(|i| i.id.as_str()).collect();
            proptest::prop_assert_eq!(got, ids.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
