//! HTML escaping, for every stage that writes HTML outside a template
//! (markdown, citations, references, feeds' entry bodies), and JSON made
//! safe to put in HTML.
//!
//! In: text. Out: the same text, safe in HTML text and in double- or
//! single-quoted attribute values.

/// HTML-escapes `text` into `out`: `& < > "` become entities (pulldown-cmark's
/// SIMD escaper), and `'` becomes `&#39;`.
pub fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(out, text).expect("writing to a String cannot fail");
}

/// JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`
/// (which JSON readers read back): search documents hold page text and the
/// manifest tag names, JSON-LD a page's title, and no browser told they are HTML can then find
/// markup in them.
pub fn safe_json(json: Vec<u8>) -> Vec<u8> {
    let special = |b: &u8| matches!(b, b'<' | b'>' | b'&');
    let Some(first) = json.iter().position(special) else {
        return json;
    };
    let mut out = Vec::with_capacity(json.len() + 64);
    out.extend_from_slice(&json[..first]);
    for chunk in json[first..].split_inclusive(special) {
        let (last, text) = chunk
            .split_last()
            .expect("split_inclusive gives no empty chunk");
        out.extend_from_slice(text);
        match last {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            &b => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_the_five_characters() {
        let mut out = String::new();
        super::escape_into(&mut out, "a & b < c > d \" e ' f / g");
        assert_eq!(out, "a &amp; b &lt; c &gt; d &quot; e &#39; f / g");
    }

    #[test]
    fn safe_json_escapes_only_markup_characters() {
        let json = serde_json::to_vec(&"<b> & “q” </b>x").unwrap();
        let safe = super::safe_json(json);
        assert_eq!(
            String::from_utf8(safe.clone()).unwrap(),
            r#""\u003cb\u003e \u0026 “q” \u003c/b\u003ex""#
        );
        let back: String = serde_json::from_slice(&safe).unwrap();
        assert_eq!(back, "<b> & “q” </b>x");
        assert_eq!(super::safe_json(b"\"plain\"".to_vec()), b"\"plain\"");
    }
}
