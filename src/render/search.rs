//! Full-text search: a Pagefind index built from the rendered HTML, in
//! memory, while the site renders.
//!
//! Rendering threads hand each indexable page (briefings, standalone
//! pages, source pages, the explainer) to one indexing thread through a
//! bounded channel, so pages are indexed as they are made and never held
//! all at once. Lists, tag pages and pagination are not indexed: they would
//! only repeat the briefings in the results. The index and Pagefind's
//! search runtime are written under `pagefind/`.

use std::sync::mpsc;
use std::thread;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// Pages waiting to be indexed before rendering threads block.
const QUEUE: usize = 64;

/// Index files: paths relative to the output root, and their bytes.
pub type IndexFiles = Vec<(String, Vec<u8>)>;

/// The indexing thread and its queue.
pub struct SearchIndex {
    queue: mpsc::SyncSender<(String, String)>,
    worker: thread::JoinHandle<Result<IndexFiles, String>>,
}

impl SearchIndex {
    /// Starts an index for a site in `language` (an ISO 639-1 code).
    pub fn start(language: &str) -> SearchIndex {
        let (queue, pages) = mpsc::sync_channel::<(String, String)>(QUEUE);
        let language = language
            .split(['-', '_'])
            .next()
            .unwrap_or("en")
            .to_lowercase();
        let worker = thread::Builder::new()
            .name("brief-search".into())
            .spawn(move || index(language, pages))
            .expect("spawning a thread only fails when the system is out of resources");
        SearchIndex { queue, worker }
    }

    /// Queues a rendered page; `url` is its path from the site root (`/briefings/x/`).
    pub fn add(&self, url: String, html: String) {
        // If the worker died, `finish` reports why.
        let _ = self.queue.send((url, html));
    }

    /// Waits for every queued page and returns the index files, as paths
    /// relative to the output root (`pagefind/…`).
    pub fn finish(self) -> Result<IndexFiles, String> {
        drop(self.queue);
        self.worker
            .join()
            .map_err(|_| "the search indexer panicked".to_string())?
    }
}

fn index(
    language: String,
    pages: mpsc::Receiver<(String, String)>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async move {
        let config = PagefindServiceConfig::builder()
            .force_language(language)
            .build();
        let mut index =
            PagefindIndex::new(Some(config)).map_err(|e| format!("search index: {e:#}"))?;
        for (url, html) in pages {
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .map_err(|e| format!("search index: cannot index {url}: {e:#}"))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| format!("search index: {e:#}"))?;
        Ok(files
            .into_iter()
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                let name = name.trim_start_matches("./").trim_start_matches('/');
                let name = if name.starts_with("pagefind/") {
                    name.to_string()
                } else {
                    format!("pagefind/{name}")
                };
                (name, f.contents)
            })
            .collect())
    })
}
