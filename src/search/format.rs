//! The bytes of the index files, shared by `build` and `serve`.
//! `engine.js` reads them; the two change together (see `FORMAT`).
//!
//! Integers in `.bin` files are unsigned LEB128 varints.
//!
//! - A term shard is its terms in byte order, each as: bytes shared with
//!   the previous term, the length of the rest and the rest (UTF-8), the
//!   number of pages, then per page (by id) the id's difference from the
//!   previous one and one byte of score.
//! - A filter file is the number of pages, then their ids as differences.
//! - `newest.bin` is the number of dated pages, then their ids, newest
//!   first, each as the zigzag-coded difference from the previous one.
//!
//! A score byte is BM25's term-frequency part for that page, scaled to
//! 1..=255: the browser multiplies it by the term's rarity (idf), which it
//! knows from the number of pages, so no page's length is ever fetched.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Kind;

/// Bumped when a file's layout changes; `engine.js` checks it.
pub const FORMAT: u32 = 1;
/// BM25's saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A term shard is cut once it holds about this many bytes: a one-word
/// query fetches one shard.
pub const SHARD_BYTES: usize = 32 * 1024;
/// How much more a word counts in the title, and in a tag, than in text.
pub const TITLE_WEIGHT: u32 = 5;
pub const TAG_WEIGHT: u32 = 2;

pub fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A page's score for a term it holds `tf` times (weighted), its length
/// being `len` words against `avg` on average.
pub fn score(tf: u32, len: u32, avg: f64) -> u8 {
    let tf = f64::from(tf);
    let norm = K1 * (1.0 - B + B * f64::from(len) / avg.max(1.0));
    let s = tf * (K1 + 1.0) / (tf + norm);
    ((s / (K1 + 1.0) * 255.0).round() as u32).clamp(1, 255) as u8
}

/// Writes one term shard: `terms` in byte order, each with its postings
/// (page id, weighted count) in id order; `length` of a page id.
pub fn shard<'a>(
    terms: impl IntoIterator<Item = (&'a str, &'a [(u32, u32)])>,
    length: impl Fn(u32) -> u32,
    avg: f64,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut previous: &[u8] = &[];
    for (term, postings) in terms {
        if postings.is_empty() {
            continue;
        }
        let bytes = term.as_bytes();
        let shared = previous
            .iter()
            .zip(bytes)
            .take_while(|(a, b)| a == b)
            .count();
        // Never split a character: the browser decodes each rest alone.
        let shared = (0..=shared)
            .rev()
            .find(|&i| term.is_char_boundary(i))
            .unwrap_or(0);
        varint(&mut out, shared as u64);
        varint(&mut out, (bytes.len() - shared) as u64);
        out.extend_from_slice(&bytes[shared..]);
        varint(&mut out, postings.len() as u64);
        let mut last = 0u32;
        for (k, &(doc, tf)) in postings.iter().enumerate() {
            let delta = if k == 0 { doc } else { doc - last };
            varint(&mut out, u64::from(delta));
            out.push(score(tf, length(doc), avg));
            last = doc;
        }
        previous = bytes;
    }
    out
}

/// The estimated size of a term in its shard, to cut shards evenly.
pub fn term_bytes(term: &str, postings: usize) -> usize {
    term.len() + 3 + postings * 5 / 2
}

/// A filter file: page ids in increasing order.
pub fn id_list(ids: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() + 4);
    varint(&mut out, ids.len() as u64);
    let mut last = 0;
    for (k, &id) in ids.iter().enumerate() {
        varint(&mut out, u64::from(if k == 0 { id } else { id - last }));
        last = id;
    }
    out
}

/// `newest.bin`: page ids in any order.
pub fn id_order(ids: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() + 4);
    varint(&mut out, ids.len() as u64);
    let mut last = 0i64;
    for &id in ids {
        let d = i64::from(id) - last;
        varint(&mut out, ((d << 1) ^ (d >> 63)) as u64);
        last = i64::from(id);
    }
    out
}

/// The fields of one filter value in the manifest.
#[derive(Serialize)]
pub struct FilterValue {
    pub value: String,
    pub count: usize,
    pub file: String,
}

#[derive(Serialize)]
pub struct Manifest<'a> {
    pub format: u32,
    pub version: String,
    pub language: &'a str,
    /// The stemmer `engine.js` must apply, or none.
    pub stemmer: Option<&'static str>,
    /// Page ids are below this.
    pub ids: u32,
    /// Pages in the index (some ids are unused in `serve`).
    pub pages: u32,
    /// The first term of each shard; shard N is `terms/N.bin`.
    pub shards: Vec<&'a str>,
    pub filters: BTreeMap<&'static str, Vec<FilterValue>>,
    pub newest: &'static str,
    /// In `serve`: the index changes while the page is open, so the client
    /// revalidates the manifest before each query and listens here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<&'static str>,
}

/// One page's document, `docs/ID.json`.
#[derive(Serialize)]
pub struct Document<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<&'a str>,
    pub tags: &'a [String],
    pub text: &'a str,
}

pub fn term_path(shard: usize) -> String {
    format!("search/terms/{shard}.bin")
}

pub fn doc_path(id: u32) -> String {
    format!("search/docs/{id}.json")
}

pub const MANIFEST_PATH: &str = "search/index.json";
pub const ENGINE_PATH: &str = "search/engine.js";
pub const NEWEST_PATH: &str = "search/newest.bin";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_leb128() {
        let mut out = Vec::new();
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX)] {
            varint(&mut out, n);
        }
        assert_eq!(
            out,
            [0, 1, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]
        );
    }

    #[test]
    fn scores_rise_with_count_and_fall_with_length() {
        assert!(score(2, 100, 100.0) > score(1, 100, 100.0));
        assert!(score(1, 50, 100.0) > score(1, 200, 100.0));
        assert_eq!(score(1_000_000, 1, 100.0), 255);
        assert!(score(1, 1_000_000, 100.0) >= 1);
    }

    #[test]
    fn shards_share_prefixes_on_character_boundaries() {
        let a = [(0u32, 1u32)];
        let bytes = shard([("é", &a[..]), ("ê", &a[..])], |_| 10, 10.0);
        // "é" and "ê" share their first UTF-8 byte, but not a character:
        // each term, then one page (id 0) and its score.
        assert_eq!(bytes[..6], [0, 2, 0xc3, 0xa9, 1, 0]);
        assert_eq!(bytes[7..13], [0, 2, 0xc3, 0xaa, 1, 0]);
        assert_eq!(bytes.len(), 14);
    }
}
