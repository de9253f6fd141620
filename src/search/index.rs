//! The index in memory: terms, pages and postings, and how `build` makes
//! it from records arriving on every render thread at once.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::format::{self, FilterValue, Manifest};
use super::text::{self, Terms};
use super::{IndexFiles, Kind, Record};

pub type TermId = u32;

/// Shards of the term table, so render threads rarely wait for each other.
const LOCKS: usize = 64;
/// Words a thread remembers the term of; past this it forgets them all
/// (a hostile page of unique words must not grow memory twice).
const CACHE_WORDS: usize = 1 << 16;

/// Every term, with an id, shared by all threads. Ids are given in
/// whatever order threads ask, so nothing written depends on them: files
/// list terms in byte order.
pub struct Dictionary {
    /// Tells thread caches of two dictionaries apart.
    id: u64,
    terms: Terms,
    ids: Vec<Mutex<Map<Box<str>, TermId>>>,
    strings: Mutex<Vec<Box<str>>>,
}

type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

thread_local! {
    /// Word -> term id, for the dictionary named by the first field.
    static CACHE: RefCell<(u64, Map<Box<str>, TermId>)> = RefCell::new((0, Map::default()));
}

impl Dictionary {
    pub fn new(language: &str) -> Dictionary {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Dictionary {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            terms: Terms::new(language),
            ids: (0..LOCKS).map(|_| Mutex::default()).collect(),
            strings: Mutex::default(),
        }
    }

    /// The term id of a lowercased word, stemming it the first time this
    /// thread sees it.
    fn word(&self, word: &str) -> TermId {
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.0 != self.id || cache.1.len() >= CACHE_WORDS {
                cache.0 = self.id;
                cache.1.clear();
            }
            if let Some(&id) = cache.1.get(word) {
                return id;
            }
            let id = self.intern(&self.terms.term(word));
            cache.1.insert(word.into(), id);
            id
        })
    }

    fn intern(&self, term: &str) -> TermId {
        let h = foldhash::fast::FixedState::default().hash_one(term);
        let mut ids = lock(&self.ids[h as usize % LOCKS]);
        if let Some(&id) = ids.get(term) {
            return id;
        }
        let mut strings = lock(&self.strings);
        let id = strings.len() as TermId;
        strings.push(term.into());
        ids.insert(term.into(), id);
        id
    }

    /// Term strings by id, up to the newest term.
    pub fn strings(&self) -> std::sync::MutexGuard<'_, Vec<Box<str>>> {
        lock(&self.strings)
    }
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the index keeps of one page besides its document.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: Kind,
    pub timestamp: Option<i64>,
    pub tags: Vec<String>,
    /// Words in its title and text.
    pub length: u32,
    /// Each term once (in no particular order), with its weighted count.
    pub terms: Vec<(TermId, u32)>,
}

/// Reads a record: its terms, and the document the browser fetches.
pub fn analyze(dict: &Dictionary, record: &Record) -> (Doc, Vec<u8>) {
    // Each distinct word once, weighted; then each word's term.
    let mut words: Map<Cow<'_, str>, u32> =
        Map::with_capacity_and_hasher((record.text.len() / 16).clamp(16, 1024), Default::default());
    let mut length = 0u32;
    let mut add = |text, weight: u32, counted: bool| {
        text::words(text, |w| {
            *words.entry(w).or_default() += weight;
            if counted {
                length = length.saturating_add(1);
            }
        });
    };
    add(&record.title, format::TITLE_WEIGHT, true);
    for tag in &record.tags {
        add(tag, format::TAG_WEIGHT, false);
    }
    add(&record.text, 1, true);
    let mut counts: Map<TermId, u32> = Map::default();
    for (w, n) in words {
        let c = counts.entry(dict.word(&w)).or_default();
        *c = c.saturating_add(n);
    }
    let terms: Vec<(TermId, u32)> = counts.into_iter().collect();
    let document = format::Document {
        url: &record.url,
        title: &record.title,
        kind: record.kind,
        date: record.date.as_ref().map(|d| d.display.as_str()),
        tags: &record.tags,
        text: &record.text,
    };
    let bytes =
        crate::html::safe_json(serde_json::to_vec(&document).expect("strings always serialize"));
    let doc = Doc {
        kind: record.kind,
        timestamp: record.date.as_ref().map(|d| d.timestamp),
        tags: record.tags.clone(),
        length,
        terms,
    };
    (doc, bytes)
}

/// A stable hash, the same in every run of one binary.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Where shards start: cuts `terms` (in byte order, with their number of
/// pages) every [`format::SHARD_BYTES`]; one term is never split.
pub fn shard_starts<'a>(terms: impl IntoIterator<Item = (&'a str, usize)>) -> Vec<&'a str> {
    let mut starts = Vec::new();
    let mut size = 0;
    for (term, postings) in terms {
        if postings == 0 {
            continue;
        }
        if starts.is_empty() || size >= format::SHARD_BYTES {
            // The first shard starts at the smallest term there can be.
            starts.push(if starts.is_empty() { "" } else { term });
            size = 0;
        }
        size += format::term_bytes(term, postings);
    }
    if starts.is_empty() {
        starts.push("");
    }
    starts
}

/// The manifest's filter entries, the filter files and `newest.bin`.
pub struct Facets {
    pub entries: BTreeMap<&'static str, Vec<FilterValue>>,
    pub files: Vec<(String, Vec<u8>)>,
    pub newest: Vec<u8>,
}

/// The [`Facets`] of the pages `docs` (by id).
pub fn facets<'a>(docs: impl Iterator<Item = (u32, &'a Doc)> + Clone) -> Facets {
    let mut files = Vec::new();
    let mut entries = BTreeMap::new();
    let kinds: Vec<FilterValue> = Kind::ALL
        .iter()
        .filter_map(|&kind| {
            let ids: Vec<u32> = docs
                .clone()
                .filter(|(_, d)| d.kind == kind)
                .map(|(id, _)| id)
                .collect();
            if ids.is_empty() {
                return None;
            }
            let file = format!("search/filters/kind-{}.bin", kind.as_str());
            files.push((file.clone(), format::id_list(&ids)));
            Some(FilterValue {
                value: kind.as_str().to_string(),
                count: ids.len(),
                file: file.trim_start_matches("search/").to_string(),
            })
        })
        .collect();
    entries.insert("kind", kinds);
    let mut tags: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (id, d) in docs.clone() {
        for t in &d.tags {
            let ids = tags.entry(t.as_str()).or_default();
            // A page listing a tag twice is in its list once.
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }
    let tags: Vec<FilterValue> = tags
        .into_iter()
        .enumerate()
        .map(|(n, (value, ids))| {
            let file = format!("search/filters/tag-{n}.bin");
            files.push((file.clone(), format::id_list(&ids)));
            FilterValue {
                value: value.to_string(),
                count: ids.len(),
                file: file.trim_start_matches("search/").to_string(),
            }
        })
        .collect();
    entries.insert("tag", tags);
    let mut dated: Vec<(i64, u32)> = docs
        .filter_map(|(id, d)| d.timestamp.map(|t| (t, id)))
        .collect();
    dated.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let order: Vec<u32> = dated.into_iter().map(|(_, id)| id).collect();
    Facets {
        entries,
        files,
        newest: format::id_order(&order),
    }
}

/// The search index of `brief build`: [`Builder::add`] is called from
/// every render thread with each page's record and returns the page's
/// document file; [`Builder::finish`] writes the rest.
pub struct Builder {
    language: String,
    dict: Dictionary,
    /// (id, page, hash of its document), in any order.
    docs: Mutex<Vec<(u32, Doc, u64)>>,
}

impl Builder {
    /// An index for a site in `language` (an ISO 639-1 code).
    pub fn new(language: &str) -> Builder {
        Builder {
            language: language.to_string(),
            dict: Dictionary::new(language),
            docs: Mutex::default(),
        }
    }

    /// Indexes page `id` (ids must be 0.. without gaps, each once) and
    /// returns its document: a path relative to the output root, and bytes.
    pub fn add(&self, id: u32, record: &Record) -> (String, Vec<u8>) {
        let (doc, bytes) = analyze(&self.dict, record);
        let hash = stable_hash(&bytes);
        lock(&self.docs).push((id, doc, hash));
        (format::doc_path(id), bytes)
    }

    /// Every other index file, as paths relative to the output root.
    /// Byte for byte the same for the same records, in whatever order
    /// they came.
    pub fn finish(self) -> IndexFiles {
        let mut docs = self.docs.into_inner().unwrap_or_else(|e| e.into_inner());
        docs.sort_unstable_by_key(|(id, _, _)| *id);
        let strings = self
            .dict
            .strings
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let ids = docs.last().map_or(0, |(id, _, _)| id + 1);
        let mut lengths = vec![0u32; ids as usize];
        for (id, d, _) in &docs {
            lengths[*id as usize] = d.length;
        }
        let total: u64 = docs.iter().map(|(_, d, _)| u64::from(d.length)).sum();
        let avg = total as f64 / docs.len().max(1) as f64;

        // Postings, by term, in page order: counted, then filled.
        let mut start = vec![0usize; strings.len() + 1];
        for (_, d, _) in &docs {
            for &(t, _) in &d.terms {
                start[t as usize + 1] += 1;
            }
        }
        for t in 0..strings.len() {
            start[t + 1] += start[t];
        }
        let mut filled = start.clone();
        let mut postings = vec![(0u32, 0u32); start[strings.len()]];
        for (id, d, _) in &docs {
            for &(t, tf) in &d.terms {
                postings[filled[t as usize]] = (*id, tf);
                filled[t as usize] += 1;
            }
        }
        let of = |t: TermId| &postings[start[t as usize]..start[t as usize + 1]];

        let mut order: Vec<TermId> = (0..strings.len() as TermId).collect();
        order.par_sort_unstable_by(|&a, &b| strings[a as usize].cmp(&strings[b as usize]));
        let starts = shard_starts(order.iter().map(|&t| (&*strings[t as usize], of(t).len())));
        // The terms of each shard: a range of `order`.
        let mut bounds = Vec::with_capacity(starts.len() + 1);
        for s in &starts {
            bounds.push(order.partition_point(|&t| &*strings[t as usize] < *s));
        }
        bounds[0] = 0;
        bounds.push(order.len());
        let shards: Vec<Vec<u8>> = (0..starts.len())
            .into_par_iter()
            .map(|i| {
                format::shard(
                    order[bounds[i]..bounds[i + 1]]
                        .iter()
                        .map(|&t| (&*strings[t as usize], of(t))),
                    |id| lengths[id as usize],
                    avg,
                )
            })
            .collect();

        let Facets {
            entries: filters,
            files: filter_files,
            newest,
        } = facets(docs.iter().map(|(id, d, _)| (*id, d)));

        let mut version = std::hash::DefaultHasher::new();
        for (id, _, hash) in &docs {
            (id, hash).hash(&mut version);
        }
        for bytes in shards.iter().chain(filter_files.iter().map(|(_, b)| b)) {
            bytes.hash(&mut version);
        }
        newest.hash(&mut version);
        starts.hash(&mut version);
        super::ENGINE_JS.hash(&mut version);
        let manifest = Manifest {
            format: format::FORMAT,
            version: format!("{:016x}", version.finish()),
            language: &self.language,
            stemmer: text::stemmer_name(&self.language),
            ids,
            pages: docs.len() as u32,
            shards: starts.clone(),
            filters,
            newest: "newest.bin",
            live: None,
        };
        let mut files: IndexFiles = Vec::with_capacity(shards.len() + filter_files.len() + 3);
        files.push((
            format::MANIFEST_PATH.to_string(),
            crate::html::safe_json(
                serde_json::to_vec(&manifest).expect("strings always serialize"),
            ),
        ));
        files.push((
            format::ENGINE_PATH.to_string(),
            super::ENGINE_JS.as_bytes().to_vec(),
        ));
        files.push((format::NEWEST_PATH.to_string(), newest));
        files.extend(
            shards
                .into_iter()
                .enumerate()
                .map(|(i, b)| (format::term_path(i), b)),
        );
        files.extend(filter_files);
        files
    }
}
