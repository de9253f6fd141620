//! Stage 4: the frozen [`Site`] -> output files.
//!
//! Every output is a [`Job`]; [`Renderer::jobs`] lists them all and
//! [`Renderer::render`] turns one into bytes, so jobs run in parallel with
//! rayon and each is written to the [`Sink`] as soon as it is rendered:
//! the whole site is never held in memory. `serve` uses the same jobs to
//! re-render only what a change touches: [`Renderer::job_key`] hashes what
//! a job's page shows.
//!
//! One module per kind of page, each holding the kind's renderers and
//! their keys side by side: `list` (home, archive, tags), `briefing`,
//! `page` (standalone, search, 404), `source`, `explainer`, `snapshot`
//! (the explainer on a past day), `timeline` (page and feed), `feed`
//! (feeds, sitemap, robots), `asset` (syntax.css, static files), `bundle`
//! (the files and resized images of folder briefings). `keys` holds the
//! key parts they share; `context` documents what templates receive.

mod asset;
mod briefing;
mod bundle;
pub mod context;
mod explainer;
mod feed;
pub mod keys;
mod list;
mod newsroom;
mod page;
pub mod search;
mod snapshot;
mod source;
mod timeline;

pub use briefing::toc;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tera::Context;

use crate::diag::Diagnostic;
use crate::resolve::Site;
use crate::theme::{Asset, Theme};
use context::*;
use keys::KeyParts;

/// Where rendered outputs go: a staging directory, or memory in `serve`.
pub trait Sink: Sync {
    /// Writes one output; `path` is relative to the output root, `/`-separated.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

/// One output of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// Home page N (1-based).
    Home(usize),
    /// A briefing, by index into `Site::briefings`.
    Briefing(usize),
    /// `/briefings/`, the archive.
    Archive,
    /// `/tags/`.
    Tags,
    /// A tag's page N (tag index into `Site::tags`, 1-based page).
    Tag(usize, usize),
    TagFeed(usize),
    Feed,
    Sitemap,
    Robots,
    NotFound,
    /// A standalone page, by index into `Site::pages`.
    Page(usize),
    /// `/sources/`, the registry grouped by publisher.
    Sources,
    /// A source's page, by index into the registry.
    Source(usize),
    /// `/sources.json`, the registry as CSL-JSON.
    SourcesJson,
    /// `/explainer/`, the running explainer.
    Explainer,
    /// `/explainer/atom.xml`, one entry per change.
    ExplainerFeed,
    /// `/search/`, the search page.
    Search,
    /// `/authors/`, every author with a byline.
    Authors,
    /// An author's page N (index into `Site::authors`, 1-based page).
    Author(usize, usize),
    /// An author's Atom feed.
    AuthorFeed(usize),
    /// `/corrections/`, every correction and update, newest first.
    Corrections,
    /// `/corrections/atom.xml`.
    CorrectionsFeed,
    /// `/explainer/<YYYY-MM-DD>/`, by index into `Site::snapshots`.
    Snapshot(usize),
    /// `/timeline/`, the story's events.
    Timeline,
    /// `/timeline/atom.xml`, one entry per event.
    TimelineFeed,
    SyntaxCss,
    /// A static file, by index into the renderer's assets.
    Static(usize),
    /// A file beside a folder briefing: (briefing, file).
    File(usize, usize),
    /// A resized copy of an image a folder briefing shows: (briefing,
    /// image of its body, copy).
    Copy(usize, usize, usize),
}

/// How to render, beyond what the site says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Drafts or scheduled briefings may be shown: say so in the page.
    pub preview: bool,
    /// Add a content hash to stylesheet URLs so browsers refetch them after
    /// a deploy. `serve` turns it off: it sends no-cache headers, and a CSS
    /// edit must change only the stylesheet, not every page.
    pub hash_assets: bool,
}

fn asset_path(path: String, hash: &str, options: Options) -> String {
    if options.hash_assets {
        format!("{path}?h={hash}")
    } else {
        path
    }
}

impl Job {
    /// Pages worth finding by full-text search: lists, tag pages and
    /// pagination would only repeat the briefings in the results.
    pub fn is_searchable(self) -> bool {
        matches!(
            self,
            Job::Briefing(_)
                | Job::Page(_)
                | Job::Source(_)
                | Job::Explainer
                | Job::Snapshot(_)
                | Job::Timeline
        )
    }
}

/// Briefings per feed: feeds carry full content, so they stay short.
const FEED_ENTRIES: usize = 20;
/// Tags a briefing shows in lists and feed entries. A briefing appears on
/// each of its tags' pages and feeds, so listing all its tags there makes
/// the output grow with the square of its tag count (5,000 tags: 3.3 GB).
pub const LIST_TAGS: usize = 8;
/// Words a minute, for reading time.
const WORDS_PER_MINUTE: usize = 230;

/// Renders the outputs of one site with one theme.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    site_context: SiteContext,
    /// One per briefing, same order as `Site::briefings`.
    summaries: Vec<Arc<BriefingSummary>>,
    /// `0..briefings.len()`: every briefing, newest first.
    newest_first: Vec<usize>,
    assets: Vec<(String, Asset)>,
    /// Hashes of `summaries`, computed once when `serve` first asks for keys.
    summary_keys: std::sync::OnceLock<Vec<u64>>,
    /// Resized images from earlier runs; counts what it served and made.
    images: crate::raster::Cache,
}

/// Briefing summaries and their keys kept between `serve` rebuilds, by
/// (document fingerprint, scheduled), so a rebuild recomputes only the
/// summaries of the briefings that changed. Empty it when the config
/// changes: summaries hold URLs.
#[derive(Default)]
pub struct SummaryCache(
    HashMap<(u64, bool), (Arc<BriefingSummary>, u64), foldhash::fast::FixedState>,
);

impl SummaryCache {
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<'a> Renderer<'a> {
    /// Prepares rendering. `site_statics` are the site's own `static/`
    /// files, which override the theme's.
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        site_statics: Vec<(String, Asset)>,
        options: Options,
    ) -> Self {
        let mut r = Renderer::new_without_summaries(site, theme, site_statics, options);
        r.summaries = site
            .briefings
            .par_iter()
            .map(|b| Arc::new(r.summary(b)))
            .collect();
        r
    }

    fn new_without_summaries(
        site: &'a Site,
        theme: &'a Theme,
        site_statics: Vec<(String, Asset)>,
        options: Options,
    ) -> Self {
        let mut assets: BTreeMap<String, Asset> = theme.statics.iter().cloned().collect();
        assets.extend(site_statics);
        let assets: Vec<(String, Asset)> = assets.into_iter().collect();
        let base = &site.config.base_url;
        let style_hash = assets
            .iter()
            .find(|(p, _)| p == "style.css")
            .and_then(|(_, a)| a.read().ok())
            .map(|bytes| short_hash(&bytes))
            .unwrap_or_default();
        let syntax_hash = short_hash(syntax_css(site).as_bytes());
        let site_context = SiteContext {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            language: site.config.language.clone(),
            base_url: base.absolute().to_string(),
            root: base.root().to_string(),
            feed_url: base.url("atom.xml"),
            style_path: asset_path(base.path("style.css"), &style_hash, options),
            syntax_style_path: asset_path(base.path("syntax.css"), &syntax_hash, options),
            nav: site
                .pages
                .iter()
                .map(|p| NavLink {
                    title: p.title.clone(),
                    path: base.path(&format!("{}/", p.slug)),
                })
                .collect(),
            explainer_path: site.has_explainer().then(|| base.path("explainer/")),
            authors_path: (!site.authors.is_empty()).then(|| base.path("authors/")),
            corrections_path: (!site.corrections.is_empty()).then(|| base.path("corrections/")),
            timeline_path: site.has_timeline().then(|| base.path("timeline/")),
            year: site.briefings.first().map_or_else(
                || site.now.format("%Y").to_string().parse().unwrap_or(2025),
                |b| b.date.year(),
            ),
            preview: options.preview,
        };
        Renderer {
            site,
            theme,
            site_context,
            summaries: Vec::new(),
            newest_first: (0..site.briefings.len()).collect(),
            assets,
            summary_keys: std::sync::OnceLock::new(),
            images: crate::raster::Cache::default(),
        }
    }

    /// Takes resized images from `cache` and keeps those it makes there
    /// (without one, every image is resized).
    pub fn with_image_cache(mut self, cache: crate::raster::Cache) -> Self {
        self.images = cache;
        self
    }

    /// How many resized images came from the cache, and were made, so far.
    pub fn image_counts(&self) -> crate::raster::CacheCounts {
        self.images.counts()
    }

    /// Like [`Renderer::new`], but takes the summaries of briefings that
    /// did not change from `cache`, and leaves it holding this site's. The
    /// cache must be emptied when the config changes.
    pub fn with_cache(
        site: &'a Site,
        theme: &'a Theme,
        site_statics: Vec<(String, Asset)>,
        options: Options,
        cache: &mut SummaryCache,
    ) -> Self {
        let mut r = Renderer::new_without_summaries(site, theme, site_statics, options);
        let (summaries, keys): (Vec<_>, Vec<_>) = site
            .briefings
            .par_iter()
            .map(|b| {
                let id = (b.fingerprint, site.is_scheduled(b));
                cache.0.get(&id).cloned().unwrap_or_else(|| {
                    let summary = r.summary(b);
                    let key = crate::fingerprint::hash_of(&summary);
                    (Arc::new(summary), key)
                })
            })
            .unzip();
        cache.0 = site
            .briefings
            .iter()
            .zip(summaries.iter().zip(&keys))
            .map(|(b, (s, &k))| ((b.fingerprint, site.is_scheduled(b)), (s.clone(), k)))
            .collect();
        r.summaries = summaries;
        r.summary_keys = keys.into();
        r
    }

    /// Every output of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs = Vec::new();
        let per = site.config.paginate_by;
        jobs.extend((1..=pages_for(site.briefings.len(), per)).map(Job::Home));
        jobs.extend((0..site.briefings.len()).map(Job::Briefing));
        for i in 0..site.briefings.len() {
            self.bundle_jobs(i, &mut jobs);
        }
        jobs.extend([
            Job::Archive,
            Job::Tags,
            Job::Feed,
            Job::Sitemap,
            Job::Robots,
            Job::NotFound,
            Job::Search,
            Job::SyntaxCss,
        ]);
        for (t, tag) in site.tags.iter().enumerate() {
            jobs.extend((1..=pages_for(tag.briefings.len(), per)).map(|p| Job::Tag(t, p)));
            jobs.push(Job::TagFeed(t));
        }
        jobs.extend((0..site.pages.len()).map(Job::Page));
        jobs.extend([Job::Sources, Job::SourcesJson]);
        if site.has_explainer() {
            jobs.extend([Job::Explainer, Job::ExplainerFeed]);
        }
        jobs.extend((0..site.snapshots.len()).map(Job::Snapshot));
        if site.has_timeline() {
            jobs.extend([Job::Timeline, Job::TimelineFeed]);
        }
        jobs.extend((0..site.registry.sources.len()).map(Job::Source));
        if !site.authors.is_empty() {
            jobs.push(Job::Authors);
        }
        for (a, author) in site.authors.iter().enumerate() {
            jobs.extend((1..=pages_for(author.briefings.len(), per)).map(|p| Job::Author(a, p)));
            jobs.push(Job::AuthorFeed(a));
        }
        if !site.corrections.is_empty() {
            jobs.extend([Job::Corrections, Job::CorrectionsFeed]);
        }
        jobs.extend((0..self.assets.len()).map(Job::Static));
        jobs
    }

    /// The URL a search result links to, from the site root (the client
    /// puts the site's root path in front): `briefings/x/`.
    pub fn search_url(&self, job: Job) -> String {
        self.output_path(job)
            .trim_end_matches("index.html")
            .to_string()
    }

    /// The output path of a job, relative to the output root.
    pub fn output_path(&self, job: Job) -> String {
        match job {
            Job::Home(1) => "index.html".into(),
            Job::Home(n) => format!("page/{n}/index.html"),
            Job::Briefing(i) => format!("briefings/{}/index.html", self.site.briefings[i].slug),
            Job::Archive => "briefings/index.html".into(),
            Job::Tags => "tags/index.html".into(),
            Job::Tag(t, 1) => format!("tags/{}/index.html", self.site.tags[t].slug),
            Job::Tag(t, n) => format!("tags/{}/page/{n}/index.html", self.site.tags[t].slug),
            Job::TagFeed(t) => format!("tags/{}/atom.xml", self.site.tags[t].slug),
            Job::Feed => "atom.xml".into(),
            Job::Sitemap => "sitemap.xml".into(),
            Job::Robots => "robots.txt".into(),
            Job::NotFound => "404.html".into(),
            Job::Page(i) => format!("{}/index.html", self.site.pages[i].slug),
            Job::Sources => "sources/index.html".into(),
            Job::Source(i) => format!("sources/{}/index.html", self.site.registry.sources[i].id),
            Job::SourcesJson => "sources.json".into(),
            Job::Explainer => "explainer/index.html".into(),
            Job::ExplainerFeed => "explainer/atom.xml".into(),
            Job::Search => "search/index.html".into(),
            Job::Authors => "authors/index.html".into(),
            Job::Author(a, 1) => format!("authors/{}/index.html", self.site.authors[a].author.id),
            Job::Author(a, n) => format!(
                "authors/{}/page/{n}/index.html",
                self.site.authors[a].author.id
            ),
            Job::AuthorFeed(a) => format!("authors/{}/atom.xml", self.site.authors[a].author.id),
            Job::Corrections => "corrections/index.html".into(),
            Job::CorrectionsFeed => "corrections/atom.xml".into(),
            Job::Snapshot(k) => format!("explainer/{}/index.html", self.site.snapshots[k].day),
            Job::Timeline => "timeline/index.html".into(),
            Job::TimelineFeed => "timeline/atom.xml".into(),
            Job::SyntaxCss => "syntax.css".into(),
            Job::Static(i) => self.assets[i].0.clone(),
            Job::File(i, f) => self.bundle_path(i, &self.site.briefings[i].files[f].name),
            Job::Copy(i, k, c) => {
                self.bundle_path(i, &self.site.briefings[i].body.images[k].copies[c].name)
            }
        }
    }

    /// A static file may not take the place of a page brief generates, nor
    /// sit among the search index's files. `planned` is every job with its
    /// output path.
    pub fn check_statics<'p>(
        &self,
        planned: impl Iterator<Item = (Job, &'p str)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let statics: HashSet<&str> = self.assets.iter().map(|(p, _)| p.as_str()).collect();
        let mut taken: Vec<&str> = planned
            .filter(|(job, path)| !matches!(job, Job::Static(_)) && statics.contains(path))
            .map(|(_, path)| path)
            .collect();
        taken.sort_unstable();
        taken.dedup();
        for path in taken {
            diags.push(
                Diagnostic::error(
                    format!("static/{path}"),
                    format!("static file `{path}` would replace a page brief generates"),
                )
                .with_help("rename or remove the static file"),
            );
        }
        let mut index: Vec<&str> = statics
            .into_iter()
            .filter(|p| crate::search::is_index_path(p))
            .collect();
        index.sort_unstable();
        for path in index {
            diags.push(
                Diagnostic::error(
                    format!("static/{path}"),
                    format!("static file `{path}` is where brief writes its search index"),
                )
                .with_help("move it out of `static/search/`"),
            );
        }
    }

    /// Every job with its output path. A static file that would take the
    /// place of a generated page is an error.
    pub fn plan(&self, diags: &mut Vec<Diagnostic>) -> Vec<(Job, String)> {
        let planned: Vec<(Job, String)> = self
            .jobs()
            .into_par_iter()
            .map(|job| (job, self.output_path(job)))
            .collect();
        self.check_statics(
            planned.iter().map(|(job, path)| (*job, path.as_str())),
            diags,
        );
        planned
    }

    /// Renders every job into `sink`: [`Renderer::plan`], then
    /// [`Renderer::render_jobs`]. Returns the number of files written.
    pub fn render_all(
        &self,
        sink: &dyn Sink,
        search: Option<&crate::search::Builder>,
        diags: &mut Vec<Diagnostic>,
    ) -> io::Result<usize> {
        let planned = self.plan(diags);
        let documents = self.render_jobs(&planned, sink, search, diags)?;
        Ok(planned.len() + documents)
    }

    /// Renders `jobs` (from [`Renderer::plan`]: all of them in a build,
    /// those whose key changed in `serve`) into `sink`, in parallel, each
    /// written as soon as it is rendered. A template error is one
    /// diagnostic per template and message, naming the first output (by
    /// path) that hit it and how many more did; I/O errors abort. With
    /// `search`, each searchable page's record goes to the index as the
    /// page is rendered, and its search document is written beside it;
    /// returns how many search documents were written.
    pub fn render_jobs(
        &self,
        jobs: &[(Job, String)],
        sink: &dyn Sink,
        search: Option<&crate::search::Builder>,
        diags: &mut Vec<Diagnostic>,
    ) -> io::Result<usize> {
        // Image copies on one thread, beside the pages on the others (see
        // `bundle.rs`).
        let (copies, jobs) = bundle::split_copies(jobs);
        // Search ids: searchable pages numbered in job order (briefings
        // newest first), the same in every build of the same site.
        let mut next_id = 0u32;
        let search_ids: Vec<Option<u32>> = jobs
            .iter()
            .map(|(job, _)| {
                job.is_searchable().then(|| {
                    next_id += 1;
                    next_id - 1
                })
            })
            .collect();
        let documents = std::sync::atomic::AtomicUsize::new(0);
        // By message: the diagnostic, the first page that hit it, how many.
        let failures: Mutex<BTreeMap<String, (Diagnostic, String, usize)>> =
            Mutex::new(BTreeMap::new());
        let (copied, rendered) = rayon::join(
            || self.render_copies(copies, sink),
            || {
                jobs.par_iter().zip(&search_ids).try_for_each(
                    |((job, path), search_id)| -> io::Result<()> {
                        let job = *job;
                        match self.render(job) {
                            Ok(bytes) => {
                                if let (Some(index), Some(id)) = (search, search_id)
                                    && let Some(record) = self.search_record(job)
                                {
                                    let (doc_path, doc) = index.add(*id, &record);
                                    sink.write(&doc_path, &doc)?;
                                    documents.fetch_add(1, Ordering::Relaxed);
                                }
                                sink.write(path, &bytes)
                            }
                            Err(d) => {
                                let page = format!("/{}", path.trim_end_matches("index.html"));
                                let mut f = failures.lock().unwrap_or_else(|e| e.into_inner());
                                f.entry(d.to_string())
                                    .and_modify(|(_, first, n)| {
                                        *n += 1;
                                        if page < *first {
                                            first.clone_from(&page);
                                        }
                                    })
                                    .or_insert((d, page, 1));
                                Ok(())
                            }
                        }
                    },
                )
            },
        );
        rendered?;
        diags.extend(copied?);
        for (_, (mut d, first, n)) in failures.into_inner().unwrap_or_else(|e| e.into_inner()) {
            d.message = match n {
                1 => format!("{} (while rendering {first})", d.message),
                n => format!(
                    "{} (while rendering {first}, and {} more output{})",
                    d.message,
                    n - 1,
                    if n == 2 { "" } else { "s" }
                ),
            };
            diags.push(d);
        }
        Ok(documents.into_inner())
    }

    /// Renders one job. Each kind's renderer sits in its module beside
    /// its key (see [`Renderer::job_key`]).
    pub fn render(&self, job: Job) -> Result<Vec<u8>, Diagnostic> {
        match job {
            Job::Home(n) => self.home(n),
            Job::Briefing(i) => self.briefing(i),
            Job::Archive => self.archive(),
            Job::Tags => self.tags(),
            Job::Tag(t, n) => self.tag(t, n),
            Job::TagFeed(t) => self.tag_feed(t),
            Job::Feed => self.site_feed(),
            Job::Sitemap => self.sitemap(),
            Job::Robots => self.robots(),
            Job::NotFound => self.not_found(),
            Job::Page(i) => self.page(i),
            Job::Sources => self.sources(),
            Job::Source(i) => self.source(i),
            Job::SourcesJson => self.sources_json(),
            Job::Explainer => self.explainer(),
            Job::ExplainerFeed => self.explainer_feed(),
            Job::Search => self.search_page(),
            Job::Authors => self.authors(),
            Job::Author(a, n) => self.author(a, n),
            Job::AuthorFeed(a) => self.author_feed(a),
            Job::Corrections => self.corrections(),
            Job::CorrectionsFeed => self.corrections_feed(),
            Job::Snapshot(k) => self.snapshot(k),
            Job::Timeline => self.timeline(),
            Job::TimelineFeed => self.timeline_feed(),
            Job::SyntaxCss => Ok(self.syntax_css()),
            Job::Static(i) => self.static_file(i),
            Job::File(i, f) => self.bundle_file(i, f),
            Job::Copy(i, k, c) => self.image_copy(i, k, c),
        }
    }

    /// The key of one job: equal keys mean equal output. Each kind's key
    /// sits beside its renderer and hashes exactly what the renderer reads.
    pub fn job_key(&self, job: Job, parts: &KeyParts) -> u64 {
        match job {
            Job::Home(n) => self.home_key(n, parts),
            Job::Briefing(i) => self.briefing_key(i, parts),
            Job::Archive => self.archive_key(parts),
            Job::Tags => self.tags_key(parts),
            Job::Tag(t, n) => self.tag_key(t, n, parts),
            Job::TagFeed(t) => self.tag_feed_key(t, parts),
            Job::Feed => self.site_feed_key(parts),
            Job::Sitemap => self.sitemap_key(parts),
            Job::Page(i) => self.page_key(i, parts),
            Job::Sources => self.sources_key(parts),
            Job::Source(i) => self.source_key(i, parts),
            Job::SourcesJson => self.sources_json_key(parts),
            Job::Explainer | Job::ExplainerFeed => self.explainer_key(job, parts),
            Job::Snapshot(k) => self.snapshot_key(k, parts),
            Job::Timeline | Job::TimelineFeed => self.timeline_key(job, parts),
            Job::Robots | Job::NotFound | Job::SyntaxCss | Job::Search => {
                self.fixed_key(job, parts)
            }
            Job::Static(i) => self.static_key(i, parts),
            Job::Authors => self.authors_key(parts),
            Job::Author(a, n) => self.author_key(a, n, parts),
            Job::AuthorFeed(a) => self.author_feed_key(a, parts),
            Job::Corrections | Job::CorrectionsFeed => self.corrections_key(job, parts),
            Job::File(i, f) => self.bundle_file_key(i, f, parts),
            Job::Copy(i, k, c) => self.image_copy_key(i, k, c, parts),
        }
    }

    fn template(&self, name: &str, ctx: &Context) -> Result<Vec<u8>, Diagnostic> {
        // Rendered straight into bytes sized for a typical page: tera's
        // `render` starts at 2 KB, grows by copying, then checks the whole
        // page is UTF-8 (it is: templates and values are strings).
        const PAGE: usize = 32 * 1024;
        let mut out = Vec::with_capacity(PAGE);
        self.theme
            .tera
            .render_to(name, ctx, &mut out)
            .map(|()| out)
            .map_err(|e| crate::theme::template_error(&self.theme.template_dir.join(name), &e))
    }

    /// A body's HTML, its links to other content files (written
    /// `href="brief-link:N"` when parsed) made the targets' paths.
    fn body_html(&self, body: &crate::parse::Body) -> String {
        let html = body.html.unpack();
        if body.links.is_empty() {
            return html;
        }
        let marker = format!("href=\"{}", crate::parse::markdown::CONTENT_LINK);
        let mut out = String::with_capacity(html.len() + 64 * body.links.len());
        let mut rest = html.as_str();
        while let Some(at) = rest.find(&marker) {
            out.push_str(&rest[..at]);
            let after = &rest[at + marker.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let href = after[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|n| self.link_href(&body.links[n.min(body.links.len() - 1)]));
            out.push_str("href=\"");
            out.push_str(&href.unwrap_or_default());
            rest = &after[digits..];
        }
        out.push_str(rest);
        out
    }

    /// Where a link to a content file points: the target's path, with its
    /// fragment. `None` when the target is not published (an error).
    fn link_href(&self, link: &crate::parse::markdown::ContentLink) -> Option<String> {
        let doc = *self.site.documents.get(&link.target)?;
        let mut href = self
            .site
            .config
            .base_url
            .path(&self.site.document_path(doc));
        if let Some(fragment) = &link.fragment {
            href.push('#');
            crate::html::escape_into(&mut href, fragment);
        }
        Some(href)
    }

    /// What a body's links to content files resolve to: a slug change of a
    /// target re-renders the pages linking to it.
    pub(super) fn links_key(&self, body: &crate::parse::Body) -> u64 {
        crate::fingerprint::hash_of(
            body.links
                .iter()
                .map(|l| self.link_href(l))
                .collect::<Vec<_>>(),
        )
    }

    /// The context every HTML template gets: `site` and `meta`.
    fn context(
        &self,
        path: &str,
        head_title: String,
        description: String,
        section: &'static str,
        feed_url: Option<String>,
    ) -> Context {
        let base = &self.site.config.base_url;
        let meta = PageMeta {
            path: base.path(path),
            url: base.url(path),
            head_title,
            description,
            section,
            feed_url,
        };
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_context);
        ctx.insert("meta", &meta);
        ctx
    }
}

/// JSON that cannot end a `<script>` element early (see
/// [`crate::html::safe_json`]).
fn script_safe_json(v: &serde_json::Value) -> String {
    let json = crate::html::safe_json(v.to_string().into_bytes());
    // Only ASCII bytes were replaced by ASCII: still UTF-8.
    String::from_utf8(json).unwrap_or_default()
}

fn pages_for(items: usize, per: usize) -> usize {
    items.div_ceil(per).max(1)
}

fn syntax_css(site: &Site) -> String {
    crate::highlight::stylesheet(site.config.highlight.themes())
}

/// A short, stable content hash for cache-busting asset URLs.
fn short_hash(bytes: &[u8]) -> String {
    // SipHash with fixed keys: stable across runs of the same binary.
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:08x}", h.finish() as u32)
}
