//! HTML escaping, for every stage that writes HTML outside a template
//! (markdown, citations, references, feeds' entry bodies).
//!
//! In: text. Out: the same text, safe in HTML text and in double- or
//! single-quoted attribute values.

/// HTML-escapes `text` into `out`: `& < > "` become entities (pulldown-cmark's
/// SIMD escaper), and `'` becomes `&#39;`.
pub fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(out, text).expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_the_five_characters() {
        let mut out = String::new();
        super::escape_into(&mut out, "a & b < c > d \" e ' f / g");
        assert_eq!(out, "a &amp; b &lt; c &gt; d &quot; e &#39; f / g");
    }
}
