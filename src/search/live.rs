//! The search index of `brief serve`: kept in memory, updated from the
//! records of the pages a rebuild changed, on a thread of its own.
//!
//! A rebuild hands its changed records to [`Live::update`], which only
//! queues them: the save never waits for the index. The indexing thread
//! replaces those pages' postings (work in proportion to the pages, not to
//! the site). A request for an index file waits until every update queued
//! before it is applied, so a search made after a reload finds the saved
//! words, then is answered from the current index: a term shard is written
//! from its terms alone, a document from its page.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::Duration;

use super::format::{self, Manifest};
use super::index::{self, Dictionary, Doc, TermId, lock};
use super::{Record, text};
use crate::parse::markdown::PackedHtml;

/// How long a request waits for the index to catch up before it is
/// answered from the index as it is.
const CATCH_UP: Duration = Duration::from_secs(10);

/// What a request for an index file gets.
#[derive(Debug)]
pub enum LiveFile {
    Found(Arc<Vec<u8>>),
    /// The request names another version of the index: the client fetches
    /// the manifest again.
    Stale,
    NotFound,
}

/// One rebuild's changes.
struct Batch {
    language: String,
    records: Vec<Record>,
    keep: Option<Vec<String>>,
    number: u64,
}

/// The live index and its indexing thread.
pub struct Live {
    shared: Arc<Shared>,
    queue: mpsc::Sender<Batch>,
}

struct Shared {
    state: Mutex<State>,
    applied: Condvar,
    /// Batches queued so far.
    sent: AtomicU64,
}

struct State {
    /// Batches applied so far.
    applied: u64,
    index: LiveIndex,
    /// Files already made for the current version.
    made: HashMap<String, Arc<Vec<u8>>>,
}

impl Live {
    /// Starts an empty index; `events` is the URL of the live-reload
    /// stream, which the client listens to for changes.
    pub fn start(events: &'static str) -> Live {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                applied: 0,
                index: LiveIndex::new("en", events),
                made: HashMap::new(),
            }),
            applied: Condvar::new(),
            sent: AtomicU64::new(0),
        });
        let (queue, batches) = mpsc::channel::<Batch>();
        let worker = shared.clone();
        std::thread::Builder::new()
            .name("brief-search".into())
            .spawn(move || {
                lower_priority();
                for batch in batches {
                    let mut state = lock(&worker.state);
                    if state.index.apply(batch.language, batch.records, batch.keep) {
                        state.made.clear();
                    }
                    state.applied = batch.number;
                    drop(state);
                    worker.applied.notify_all();
                }
            })
            .expect("spawning a thread only fails when the system is out of resources");
        Live { shared, queue }
    }

    /// Queues the records of pages that were rendered anew (unchanged ones
    /// cost a hash) for a site in `language`. `keep`, when the set of
    /// searchable pages changed, lists every page's URL: the others leave
    /// the index. Returns at once.
    pub fn update(&self, language: &str, records: Vec<Record>, keep: Option<Vec<String>>) {
        if records.is_empty() && keep.is_none() {
            return;
        }
        let number = self.shared.sent.fetch_add(1, Ordering::SeqCst) + 1;
        // The thread ends only with `self`.
        let _ = self.queue.send(Batch {
            language: language.to_string(),
            records,
            keep,
            number,
        });
    }

    /// The index file at `path` (relative to the site root), as of every
    /// update queued so far; `query` is the request's query string.
    pub fn file(&self, path: &str, query: Option<&str>) -> LiveFile {
        let wanted = self.shared.sent.load(Ordering::SeqCst);
        let state = lock(&self.shared.state);
        let (mut state, _) = self
            .shared
            .applied
            .wait_timeout_while(state, CATCH_UP, |s| s.applied < wanted)
            .unwrap_or_else(|e| e.into_inner());
        let version = state.index.version_string();
        let asked = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|kv| kv.strip_prefix("v="));
        if path != format::MANIFEST_PATH && asked.is_some_and(|v| v != version) {
            return LiveFile::Stale;
        }
        if let Some(bytes) = state.made.get(path) {
            return LiveFile::Found(bytes.clone());
        }
        let Some(bytes) = state.index.file(path) else {
            return LiveFile::NotFound;
        };
        let bytes = Arc::new(bytes);
        state.made.insert(path.to_string(), bytes.clone());
        LiveFile::Found(bytes)
    }
}

struct LivePage {
    url: String,
    doc: Doc,
    document: PackedHtml,
    /// Of the record, to skip updates that change nothing.
    hash: u64,
}

struct LiveIndex {
    language: String,
    events: &'static str,
    dict: Dictionary,
    ids: HashMap<String, u32>,
    pages: Vec<Option<LivePage>>,
    count: u32,
    total_length: u64,
    /// By term id, in page order.
    postings: Vec<Vec<(u32, u32)>>,
    total_postings: usize,
    /// Every term with postings ever, in byte order.
    sorted: BTreeMap<Box<str>, TermId>,
    /// Shard starts, kept while the index keeps its size, so a change
    /// rewrites only the shards a request asks for.
    starts: Vec<Box<str>>,
    starts_postings: usize,
    version: u64,
}

impl LiveIndex {
    fn new(language: &str, events: &'static str) -> LiveIndex {
        LiveIndex {
            language: language.to_string(),
            events,
            dict: Dictionary::new(language),
            ids: HashMap::new(),
            pages: Vec::new(),
            count: 0,
            total_length: 0,
            postings: Vec::new(),
            total_postings: 0,
            sorted: BTreeMap::new(),
            starts: Vec::new(),
            starts_postings: 0,
            version: 0,
        }
    }

    fn version_string(&self) -> String {
        format!("live{}", self.version)
    }

    /// Applies one rebuild's changes; true if the index changed.
    fn apply(&mut self, language: String, records: Vec<Record>, keep: Option<Vec<String>>) -> bool {
        if language != self.language {
            let version = self.version;
            *self = LiveIndex::new(&language, self.events);
            self.version = version + 1;
        }
        let changed: Vec<(Record, u64)> = records
            .into_iter()
            .map(|r| {
                let mut h = std::hash::DefaultHasher::new();
                r.hash(&mut h);
                (r, h.finish())
            })
            .filter(|(r, hash)| {
                self.ids
                    .get(&r.url)
                    .and_then(|&id| self.pages[id as usize].as_ref())
                    .is_none_or(|p| p.hash != *hash)
            })
            .collect();
        let mut touched = !changed.is_empty();
        let dict = &self.dict;
        // On this thread alone: the other cores stay free for rebuilds,
        // even while the whole site is first indexed.
        let analyzed: Vec<LivePage> = changed
            .into_iter()
            .map(|(record, hash)| {
                let (doc, bytes) = index::analyze(dict, &record);
                LivePage {
                    url: record.url,
                    doc,
                    document: PackedHtml::pack(std::str::from_utf8(&bytes).unwrap_or_default()),
                    hash,
                }
            })
            .collect();
        self.learn_terms();
        for page in analyzed {
            self.upsert(page);
        }
        if let Some(keep) = keep {
            let keep: std::collections::HashSet<&str> = keep.iter().map(String::as_str).collect();
            let gone: Vec<String> = self
                .ids
                .keys()
                .filter(|url| !keep.contains(url.as_str()))
                .cloned()
                .collect();
            touched |= !gone.is_empty();
            for url in gone {
                if let Some(id) = self.ids.remove(&url) {
                    self.remove_postings(id);
                }
            }
        }
        if touched {
            self.version += 1;
        }
        touched
    }

    /// Makes room for the terms the dictionary learned.
    fn learn_terms(&mut self) {
        let strings = self.dict.strings();
        for (id, term) in strings.iter().enumerate().skip(self.postings.len()) {
            self.sorted.insert(term.clone(), id as TermId);
        }
        let n = strings.len();
        drop(strings);
        self.postings.resize_with(n, Vec::new);
    }

    fn upsert(&mut self, page: LivePage) {
        let id = match self.ids.get(&page.url) {
            Some(&id) => {
                self.remove_postings(id);
                id
            }
            None => {
                let id = self.pages.len() as u32;
                self.ids.insert(page.url.clone(), id);
                self.pages.push(None);
                id
            }
        };
        for &(t, tf) in &page.doc.terms {
            let list = &mut self.postings[t as usize];
            match list.binary_search_by_key(&id, |p| p.0) {
                Ok(i) => list[i].1 = tf,
                Err(i) => {
                    list.insert(i, (id, tf));
                    self.total_postings += 1;
                }
            }
        }
        self.count += 1;
        self.total_length += u64::from(page.doc.length);
        self.pages[id as usize] = Some(page);
    }

    fn remove_postings(&mut self, id: u32) {
        let Some(old) = self.pages[id as usize].take() else {
            return;
        };
        for &(t, _) in &old.doc.terms {
            let list = &mut self.postings[t as usize];
            if let Ok(i) = list.binary_search_by_key(&id, |p| p.0) {
                list.remove(i);
                self.total_postings -= 1;
            }
        }
        self.count -= 1;
        self.total_length -= u64::from(old.doc.length);
    }

    /// Re-cuts the shards when the index has doubled or halved since they
    /// were cut (or never was): otherwise new terms join the shard whose
    /// range holds them.
    fn shard_starts(&mut self) -> &[Box<str>] {
        let n = self.total_postings;
        if self.starts.is_empty() || n > self.starts_postings * 2 || n * 2 < self.starts_postings {
            let postings = &self.postings;
            self.starts = index::shard_starts(
                self.sorted
                    .iter()
                    .map(|(term, &t)| (&**term, postings[t as usize].len())),
            )
            .into_iter()
            .map(Box::from)
            .collect();
            self.starts_postings = n;
        }
        &self.starts
    }

    fn average_length(&self) -> f64 {
        self.total_length as f64 / f64::from(self.count.max(1))
    }

    fn present(&self) -> impl Iterator<Item = (u32, &Doc)> + Clone {
        self.pages
            .iter()
            .enumerate()
            .filter_map(|(id, p)| p.as_ref().map(|p| (id as u32, &p.doc)))
    }

    /// Makes one index file from the current index.
    fn file(&mut self, path: &str) -> Option<Vec<u8>> {
        if path == format::ENGINE_PATH {
            return Some(super::ENGINE_JS.as_bytes().to_vec());
        }
        if path == format::MANIFEST_PATH {
            let version = self.version_string();
            let starts: Vec<Box<str>> = self.shard_starts().to_vec();
            let filters = index::facets(self.present()).entries;
            let manifest = Manifest {
                format: format::FORMAT,
                version,
                language: &self.language,
                stemmer: text::stemmer_name(&self.language),
                ids: self.pages.len() as u32,
                pages: self.count,
                shards: starts.iter().map(|s| &**s).collect(),
                filters,
                newest: "newest.bin",
                live: Some(self.events),
            };
            return serde_json::to_vec(&manifest)
                .ok()
                .map(crate::html::safe_json);
        }
        if path == format::NEWEST_PATH || path.starts_with("search/filters/") {
            let facets = index::facets(self.present());
            if path == format::NEWEST_PATH {
                return Some(facets.newest);
            }
            return facets
                .files
                .into_iter()
                .find(|(p, _)| p == path)
                .map(|(_, b)| b);
        }
        if let Some(n) = number_in(path, "search/terms/", ".bin") {
            let n = n as usize;
            let starts = self.shard_starts();
            let from = starts.get(n)?.clone();
            let to = starts.get(n + 1).cloned();
            let upper = match &to {
                Some(t) => Bound::Excluded(&**t),
                None => Bound::Unbounded,
            };
            let lower: Bound<&str> = if n == 0 {
                Bound::Unbounded
            } else {
                Bound::Included(&*from)
            };
            let (postings, pages) = (&self.postings, &self.pages);
            return Some(format::shard(
                self.sorted
                    .range::<str, _>((lower, upper))
                    .map(|(term, &t)| (&**term, postings[t as usize].as_slice())),
                |id| pages[id as usize].as_ref().map_or(0, |p| p.doc.length),
                self.average_length(),
            ));
        }
        if let Some(id) = number_in(path, "search/docs/", ".json") {
            let page = self.pages.get(id as usize)?.as_ref()?;
            return Some(page.document.unpack().into_bytes());
        }
        None
    }
}

/// Lets a save's rebuild go first when both want a core: the index
/// catches up a moment later.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on this thread's own id; a failure only
    // leaves the priority as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10);
    }
}

fn number_in(path: &str, prefix: &str, suffix: &str) -> Option<u32> {
    let n = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}
