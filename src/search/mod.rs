//! Full-text search: brief's own index, written in parallel while the
//! site renders, and the small client (`engine.js`) that reads it in the
//! browser. No server is needed: the index is static files.
//!
//! **In**: one [`Record`] per page worth finding (briefings, standalone
//! pages, source pages, the explainer), made by the renderer from what it
//! already knows (`Renderer::search_record`): URL, kind, title, date,
//! tags and plain text. No HTML is parsed.
//!
//! **Out**: files under `search/` (next to the search page,
//! `search/index.html`, which the theme renders):
//!
//! | file | what |
//! |---|---|
//! | `search/index.json` | the manifest: version, language and stemmer, the first term of each term shard, the filter values with their counts |
//! | `search/engine.js` | the client: tokenizer and stemmer (the same as [`text`]), query, ranking, excerpts |
//! | `search/terms/N.bin` | term shard N: terms in byte order, each with its pages and a score per page |
//! | `search/docs/ID.json` | one page's title, URL, kind, date, tags and text, for its result and excerpt |
//! | `search/filters/kind-N.bin`, `tag-N.bin` | the pages with one filter value, fetched only when filtering |
//! | `search/newest.bin` | dated pages, newest first, fetched only when sorting by date |
//!
//! A query fetches the manifest, the shard of each word (more than one
//! only for a short prefix that spans shards) and the documents of the
//! results it shows. Every URL but the manifest's carries `?v=VERSION`, so
//! a browser never mixes two builds' files; the manifest is revalidated.
//!
//! Two ways in: [`Builder`] for `brief build` (records from every render
//! thread, files at the end) and [`Live`] for `brief serve` (changed
//! pages sent from the rebuild, indexed on a thread of its own, files made
//! on request from the current index).

mod format;
mod index;
mod live;
pub mod text;

use serde::Serialize;

pub use index::Builder;
pub use live::{Live, LiveFile};

/// The client, written to `search/engine.js`.
pub const ENGINE_JS: &str = include_str!("engine.js");

/// Index files: paths relative to the output root, and their bytes.
pub type IndexFiles = Vec<(String, Vec<u8>)>;

/// One page as search sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    /// The page's path from the site root, e.g. `briefings/x/`; the
    /// client puts the site's root path in front.
    pub url: String,
    pub kind: Kind,
    pub title: String,
    pub date: Option<RecordDate>,
    /// Filter values, shown with the result.
    pub tags: Vec<String>,
    /// What a reader can find the page by, beyond its title, and what
    /// excerpts are cut from.
    pub text: String,
}

/// A page's date: for sorting newest first, and as shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordDate {
    /// Seconds since the Unix epoch.
    pub timestamp: i64,
    /// E.g. "1 June 2025".
    pub display: String,
}

/// The kind of a page, a filter of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Briefing,
    Explainer,
    Page,
    Source,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Briefing => "briefing",
            Kind::Explainer => "explainer",
            Kind::Page => "page",
            Kind::Source => "source",
        }
    }

    const ALL: [Kind; 4] = [Kind::Briefing, Kind::Explainer, Kind::Page, Kind::Source];
}

/// True for the paths of index files (not the search page itself), which
/// `serve` answers from its [`Live`] index.
pub fn is_index_path(path: &str) -> bool {
    path.strip_prefix("search/")
        .is_some_and(|rest| rest != "index.html" && !rest.is_empty())
}
