//! Rendered HTML kept compressed, from parsing until its page is rendered.
//!
//! In: a body's HTML (from `markdown`). Out: the same HTML, on demand.

use std::cell::RefCell;

/// Rendered HTML (or a body's plain text), kept compressed from parsing
/// until its page is rendered.
///
/// A site's rendered bodies are most of its memory (10,000 briefings:
/// 104 MiB of HTML, 53 MiB packed; their text, kept for search, 36 MiB
/// packed); packing costs a few percent of a build's time and keeps a
/// large site within a fixed memory budget.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PackedHtml(Vec<u8>);

impl PackedHtml {
    /// The size of the input (4 bytes, little-endian), then its LZ4
    /// block, as `lz4_flex::compress_prepend_size` writes them; but
    /// compressed in a buffer kept per thread and copied out at its exact
    /// size: `compress_prepend_size` returns a vector with room for the
    /// worst case, as large as the input, which held the peak memory of a
    /// 10,000-briefing build 65 MiB higher than the packed bytes need.
    pub fn pack(html: &str) -> PackedHtml {
        use lz4_flex::block::{CompressTable, compress_into_with_table, get_maximum_output_size};
        thread_local! {
            static PACKER: RefCell<(CompressTable, Vec<u8>)> = RefCell::default();
        }
        let input = html.as_bytes();
        PACKER.with_borrow_mut(|(table, scratch)| {
            let bound = get_maximum_output_size(input.len());
            if scratch.len() < bound {
                scratch.resize(bound, 0);
            }
            // The buffer holds the worst case: compressing cannot fail.
            let len = compress_into_with_table(input, scratch, table).unwrap_or_default();
            let mut packed = Vec::with_capacity(4 + len);
            packed.extend((input.len() as u32).to_le_bytes());
            packed.extend_from_slice(&scratch[..len]);
            PackedHtml(packed)
        })
    }

    /// The HTML. Packing is lossless and private to this type, so a failure
    /// here would be a bug; it yields an empty string rather than a panic.
    pub fn unpack(&self) -> String {
        lz4_flex::decompress_size_prepended(&self.0)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// Bytes held in memory.
    pub fn packed_len(&self) -> usize {
        self.0.len()
    }
}

impl std::fmt::Debug for PackedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedHtml({} bytes packed)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn packing_gives_back_the_same_html(
            // Repetitive markup, as a body is, and any text between.
            parts in proptest::collection::vec(
                proptest::prop_oneof!["<p>|</p>\n|<span class=\"l2 d3\">", "\\PC{0,300}"],
                0..80,
            )
        ) {
            let html = parts.concat();
            proptest::prop_assert_eq!(PackedHtml::pack(&html).unpack(), html);
        }
    }
}
