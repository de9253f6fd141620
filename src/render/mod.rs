//! Stage 4: the frozen [`Site`] -> output files.
//!
//! Every output is a [`Job`]; [`Renderer::jobs`] lists them all and
//! [`Renderer::render`] turns one into bytes, so jobs run in parallel with
//! rayon and each is written to the [`Sink`] as soon as it is rendered:
//! the whole site is never held in memory. `serve` uses the same jobs to
//! re-render only what a change touches.

pub mod context;
mod explainer;
pub mod highlight;
pub mod keys;
pub mod search;
pub mod theme;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::diag::Diagnostic;
use crate::parse::{Briefing, Heading};
use crate::resolve::{DocRef, Site};
use context::*;
use theme::{Asset, Theme};

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
    SyntaxCss,
    /// A static file, by index into the renderer's assets.
    Static(usize),
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
            Job::Briefing(_) | Job::Page(_) | Job::Source(_) | Job::Explainer
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
    /// Renders per job kind, for tests and `serve`'s statistics.
    pub counts: RenderCounts,
    /// Hashes of `summaries`, computed once when `serve` first asks for keys.
    summary_keys: std::sync::OnceLock<Vec<u64>>,
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

/// How many outputs of each kind were rendered.
#[derive(Debug, Default)]
pub struct RenderCounts {
    pub briefings: AtomicUsize,
    pub lists: AtomicUsize,
    pub feeds: AtomicUsize,
    pub pages: AtomicUsize,
    pub statics: AtomicUsize,
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
            counts: RenderCounts::default(),
            summary_keys: std::sync::OnceLock::new(),
        }
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
                    let key = keys::hash_of(&summary);
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
        jobs.extend((0..site.registry.sources.len()).map(Job::Source));
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
            Job::SyntaxCss => "syntax.css".into(),
            Job::Static(i) => self.assets[i].0.clone(),
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

    /// Renders every job into `sink`, in parallel. Template errors are
    /// diagnostics (one per template and message, naming the first output
    /// that hit it); I/O errors abort. With `search`, each searchable
    /// page's record goes to the index as the page is rendered, and its
    /// search document is written beside it. Returns the number of files
    /// written.
    pub fn render_all(
        &self,
        sink: &dyn Sink,
        search: Option<&crate::search::Builder>,
        diags: &mut Vec<Diagnostic>,
    ) -> io::Result<usize> {
        let planned: Vec<(Job, String)> = self
            .jobs()
            .into_par_iter()
            .map(|job| (job, self.output_path(job)))
            .collect();
        // Search ids: searchable pages numbered in job order (briefings
        // newest first), the same in every build of the same site.
        let mut next_id = 0u32;
        let search_ids: Vec<Option<u32>> = planned
            .iter()
            .map(|(job, _)| {
                job.is_searchable().then(|| {
                    next_id += 1;
                    next_id - 1
                })
            })
            .collect();
        let documents = std::sync::atomic::AtomicUsize::new(0);
        self.check_statics(
            planned.iter().map(|(job, path)| (*job, path.as_str())),
            diags,
        );
        let failures: Mutex<BTreeMap<String, (Diagnostic, usize)>> = Mutex::new(BTreeMap::new());
        planned.par_iter().zip(&search_ids).try_for_each(
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
                        let mut f = failures.lock().unwrap_or_else(|e| e.into_inner());
                        f.entry(d.to_string())
                            .and_modify(|(_, n)| *n += 1)
                            .or_insert((d, 1));
                        Ok(())
                    }
                }
            },
        )?;
        for (_, (mut d, n)) in failures.into_inner().unwrap_or_else(|e| e.into_inner()) {
            if n > 1 {
                d.message
                    .push_str(&format!(" (and {} more outputs)", n - 1));
            }
            diags.push(d);
        }
        Ok(planned.len() + documents.into_inner())
    }

    /// Renders one job.
    pub fn render(&self, job: Job) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let base = &site.config.base_url;
        match job {
            Job::Home(n) => {
                self.counts.lists.fetch_add(1, Ordering::Relaxed);
                let paginator = self.paginator(&self.newest_first, n, "");
                let title = if n == 1 {
                    site.config.title.clone()
                } else {
                    format!("Page {n} — {}", site.config.title)
                };
                let path = if n == 1 {
                    String::new()
                } else {
                    format!("page/{n}/")
                };
                let mut ctx =
                    self.context(&path, title, site.config.description.clone(), "home", None);
                ctx.insert("paginator", &paginator);
                if n == 1 {
                    ctx.insert("deal", &self.deal_brief());
                }
                self.template("index.html", &ctx, job)
            }
            Job::Briefing(i) => {
                self.counts.briefings.fetch_add(1, Ordering::Relaxed);
                let b = &site.briefings[i];
                let references = self.references(&b.body.citations);
                let page = BriefingContext {
                    explainer_changes: self.explainer_changes(i),
                    json_ld: self.json_ld(b, &self.summaries[i], &references),
                    summary: self.summaries[i].clone(),
                    all_tags: b.tags.iter().map(|t| self.tag_ref(t)).collect(),
                    content: b.body.html.unpack(),
                    toc: toc(&b.body.headings),
                    word_count: b.body.word_count,
                    older: self.summaries.get(i + 1).cloned(),
                    newer: i.checked_sub(1).map(|j| self.summaries[j].clone()),
                    references,
                };
                let path = format!("briefings/{}/", b.slug);
                let mut ctx = self.context(
                    &path,
                    format!("{} — {}", b.title, site.config.title),
                    b.description.clone(),
                    "briefing",
                    None,
                );
                ctx.insert("page", &page);
                self.template("briefing.html", &ctx, job)
            }
            Job::Archive => {
                self.counts.lists.fetch_add(1, Ordering::Relaxed);
                let mut months: Vec<ArchiveMonth> = Vec::new();
                for (b, s) in site.briefings.iter().zip(&self.summaries) {
                    let (id, label) = b.date.month();
                    match months.last_mut() {
                        Some(m) if m.id.strip_prefix("m-") == Some(id.as_str()) => {
                            m.briefings.push(s.clone())
                        }
                        _ => months.push(ArchiveMonth {
                            id: format!("m-{id}"),
                            label,
                            briefings: vec![s.clone()],
                        }),
                    }
                }
                let mut ctx = self.context(
                    "briefings/",
                    format!("Archive — {}", site.config.title),
                    format!("Every briefing of {}, by month.", site.config.title),
                    "archive",
                    None,
                );
                ctx.insert("months", &months);
                ctx.insert("total", &site.briefings.len());
                self.template("archive.html", &ctx, job)
            }
            Job::Tags => {
                self.counts.lists.fetch_add(1, Ordering::Relaxed);
                let tags: Vec<TagContext> =
                    (0..site.tags.len()).map(|t| self.tag_context(t)).collect();
                let mut ctx = self.context(
                    "tags/",
                    format!("Tags — {}", site.config.title),
                    format!("Every tag of {}.", site.config.title),
                    "tags",
                    None,
                );
                ctx.insert("tags", &tags);
                self.template("tags.html", &ctx, job)
            }
            Job::Tag(t, n) => {
                self.counts.lists.fetch_add(1, Ordering::Relaxed);
                let tag = &site.tags[t];
                let tag_ctx = self.tag_context(t);
                let prefix = format!("tags/{}/", tag.slug);
                let paginator = self.paginator(&tag.briefings, n, &prefix);
                let path = if n == 1 {
                    prefix.clone()
                } else {
                    format!("{prefix}page/{n}/")
                };
                let title = if n == 1 {
                    format!("{} — {}", tag.name, site.config.title)
                } else {
                    format!("{} (page {n}) — {}", tag.name, site.config.title)
                };
                let description = format!("Briefings tagged “{}”.", tag.name);
                let mut ctx = self.context(
                    &path,
                    title,
                    description,
                    "tag",
                    Some(tag_ctx.feed_url.clone()),
                );
                ctx.insert("tag", &tag_ctx);
                ctx.insert("paginator", &paginator);
                self.template("tag.html", &ctx, job)
            }
            Job::TagFeed(t) => {
                self.counts.feeds.fetch_add(1, Ordering::Relaxed);
                let tag = &site.tags[t];
                let prefix = format!("tags/{}/", tag.slug);
                let title = format!("{} — {}", tag.name, site.config.title);
                self.feed(&title, &prefix, &tag.briefings, job)
            }
            Job::Feed => {
                self.counts.feeds.fetch_add(1, Ordering::Relaxed);
                let all: Vec<usize> = (0..site.briefings.len().min(FEED_ENTRIES)).collect();
                self.feed(&site.config.title, "", &all, job)
            }
            Job::Sitemap => {
                self.counts.feeds.fetch_add(1, Ordering::Relaxed);
                let mut ctx = Context::new();
                ctx.insert("entries", &self.sitemap_entries());
                self.template("sitemap.xml", &ctx, job)
            }
            Job::Robots => {
                let mut ctx = Context::new();
                ctx.insert("sitemap_url", &base.url("sitemap.xml"));
                self.template("robots.txt", &ctx, job)
            }
            Job::NotFound => {
                self.counts.pages.fetch_add(1, Ordering::Relaxed);
                let ctx = self.context(
                    "404.html",
                    format!("Page not found — {}", site.config.title),
                    String::new(),
                    "404",
                    None,
                );
                self.template("404.html", &ctx, job)
            }
            Job::Page(i) => {
                self.counts.pages.fetch_add(1, Ordering::Relaxed);
                let p = &site.pages[i];
                let path = format!("{}/", p.slug);
                let page = StandaloneContext {
                    title: p.title.clone(),
                    path: base.path(&path),
                    url: base.url(&path),
                    summary: p.summary.clone(),
                    content: p.body.html.unpack(),
                    toc: toc(&p.body.headings),
                    draft: p.draft,
                    references: self.references(&p.body.citations),
                };
                let mut ctx = self.context(
                    &path,
                    format!("{} — {}", p.title, site.config.title),
                    p.description.clone(),
                    "page",
                    None,
                );
                ctx.insert("page", &page);
                self.template("page.html", &ctx, job)
            }
            Job::Sources => {
                self.counts.lists.fetch_add(1, Ordering::Relaxed);
                let mut groups: BTreeMap<String, PublisherGroup> = BTreeMap::new();
                for i in 0..site.registry.sources.len() {
                    let source = self.source_stats(i);
                    let publisher = &source.source.publisher;
                    let group =
                        groups
                            .entry(publisher.to_lowercase())
                            .or_insert_with(|| PublisherGroup {
                                name: publisher.clone(),
                                id: format!("publisher-{}", crate::slug::slugify(publisher)),
                                sources: Vec::new(),
                                citation_count: 0,
                            });
                    group.citation_count += source.citation_count;
                    group.sources.push(source);
                }
                let groups: Vec<PublisherGroup> = groups.into_values().collect();
                let mut ctx = self.context(
                    "sources/",
                    format!("Sources — {}", site.config.title),
                    format!("Every source cited by {}, by publisher.", site.config.title),
                    "sources",
                    None,
                );
                ctx.insert("publishers", &groups);
                ctx.insert("total", &site.registry.sources.len());
                self.template("sources.html", &ctx, job)
            }
            Job::Source(i) => {
                self.counts.pages.fetch_add(1, Ordering::Relaxed);
                let source = self.source_stats(i);
                let citing = self.citing_documents(i);
                let s = &site.registry.sources[i];
                let path = format!("sources/{}/", s.id);
                let description = format!(
                    "{}: {} — and everything in {} that cites it.",
                    s.publisher, s.title, site.config.title
                );
                let mut ctx = self.context(
                    &path,
                    format!("{} — Sources — {}", s.title, site.config.title),
                    description,
                    "source",
                    None,
                );
                ctx.insert("deal_points", &self.source_points(&s.id));
                ctx.insert("source", &source);
                ctx.insert("citing", &citing);
                self.template("source.html", &ctx, job)
            }
            Job::SourcesJson => {
                self.counts.feeds.fetch_add(1, Ordering::Relaxed);
                let items: Vec<serde_json::Value> =
                    site.registry.sources.iter().map(csl_item).collect();
                let mut json = serde_json::to_vec_pretty(&items)
                    .map_err(|e| Diagnostic::error("sources.json", e.to_string()))?;
                json.push(b'\n');
                Ok(json)
            }
            Job::Explainer => self.render_explainer(job),
            Job::Search => {
                self.counts.pages.fetch_add(1, Ordering::Relaxed);
                let ctx = self.context(
                    "search/",
                    format!("Search — {}", site.config.title),
                    format!(
                        "Search every briefing, source and the explainer of {}.",
                        site.config.title
                    ),
                    "search",
                    None,
                );
                self.template("search.html", &ctx, job)
            }
            Job::ExplainerFeed => self.render_explainer_feed(job),
            Job::SyntaxCss => {
                self.counts.statics.fetch_add(1, Ordering::Relaxed);
                Ok(syntax_css(site).into_bytes())
            }
            Job::Static(i) => {
                self.counts.statics.fetch_add(1, Ordering::Relaxed);
                self.assets[i].1.read().map(|b| b.into_owned())
            }
        }
    }

    fn template(&self, name: &str, ctx: &Context, job: Job) -> Result<Vec<u8>, Diagnostic> {
        // Rendered straight into bytes sized for a typical page: tera's
        // `render` starts at 2 KB, grows by copying, then checks the whole
        // page is UTF-8 (it is: templates and values are strings).
        const PAGE: usize = 32 * 1024;
        let mut out = Vec::with_capacity(PAGE);
        self.theme
            .tera
            .render_to(name, ctx, &mut out)
            .map(|()| out)
            .map_err(|e| {
                let mut d = theme::template_error(&self.theme.template_dir.join(name), &e);
                d.message = format!(
                    "{} (while rendering /{})",
                    d.message,
                    self.output_path(job).trim_end_matches("index.html")
                );
                d
            })
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

    fn summary(&self, b: &Briefing) -> BriefingSummary {
        let base = &self.site.config.base_url;
        let path = format!("briefings/{}/", b.slug);
        BriefingSummary {
            title: b.title.clone(),
            path: base.path(&path),
            url: base.url(&path),
            date: b.date.ymd(),
            date_display: b.date.display(),
            datetime: b.date.rfc3339(),
            updated: b.updated.map(|u| u.ymd()),
            updated_display: b.updated.map(|u| u.display()),
            summary: b.summary.clone(),
            tags: b
                .tags
                .iter()
                .take(LIST_TAGS)
                .map(|t| self.tag_ref(t))
                .collect(),
            more_tags: b.tags.len().saturating_sub(LIST_TAGS),
            reading_time: b.body.word_count.div_ceil(WORDS_PER_MINUTE).max(1),
            draft: b.draft,
            scheduled: self.site.is_scheduled(b),
        }
    }

    fn tag_ref(&self, tag: &crate::parse::TagName) -> TagRef {
        TagRef {
            path: self
                .site
                .config
                .base_url
                .path(&format!("tags/{}/", tag.slug)),
            name: tag.name.clone(),
            slug: tag.slug.clone(),
        }
    }

    /// The reference list of a body: its cited sources in number order.
    fn references(&self, citations: &[crate::parse::CitedSource]) -> Vec<ReferenceContext> {
        citations
            .iter()
            .enumerate()
            .filter_map(|(k, c)| {
                let index = self.site.registry.index_of(&c.id)?;
                Some(ReferenceContext {
                    number: k + 1,
                    source: self.source_context(index),
                    uses: c
                        .uses
                        .iter()
                        .enumerate()
                        .map(|(u, r)| ReferenceUse {
                            anchor: r.anchor.clone(),
                            letter: crate::parse::markdown::letter(u + 1),
                            locator: r.locator.clone(),
                        })
                        .collect(),
                })
            })
            .collect()
    }

    fn source_context(&self, i: usize) -> SourceContext {
        let s = &self.site.registry.sources[i];
        SourceContext {
            id: s.id.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            published: s.published.map(|d| d.ymd()),
            published_display: s.published.map(|d| d.display()),
            url: s.url.clone(),
            accessed: s.accessed.map(|d| d.ymd()),
            accessed_display: s.accessed.map(|d| d.display()),
            kind: s.kind.map(|k| k.as_str()),
            note: s.note.clone(),
            reference_html: s.reference_html().to_string(),
            path: self
                .site
                .config
                .base_url
                .path(&format!("sources/{}/", s.id)),
        }
    }

    fn source_stats(&self, i: usize) -> SourceStats {
        let citing = &self.site.cited_by[i];
        SourceStats {
            source: self.source_context(i),
            citation_count: citing
                .iter()
                .map(|c| self.site.body(c.doc).citations[c.cited].uses.len())
                .sum(),
            document_count: citing.len(),
            point_count: {
                let id = &self.site.registry.sources[i].id;
                let cites = |p: &&crate::resolve::explainer::Point| {
                    p.versions.iter().any(|v| v.cite.contains(id))
                };
                self.site.deal.points.iter().filter(cites).count()
            },
        }
    }

    /// Every document citing source `i`, with the sentence around each citation.
    fn citing_documents(&self, i: usize) -> Vec<CitingDocument> {
        let site = self.site;
        let base = &site.config.base_url;
        site.cited_by[i]
            .iter()
            .map(|c| {
                let (title, path, kind, date) = match c.doc {
                    DocRef::Briefing(b) => {
                        let s = &self.summaries[b];
                        (
                            s.title.clone(),
                            s.path.clone(),
                            "briefing",
                            Some(site.briefings[b].date),
                        )
                    }
                    DocRef::Page(p) => {
                        let page = &site.pages[p];
                        (
                            page.title.clone(),
                            base.path(&format!("{}/", page.slug)),
                            "page",
                            None,
                        )
                    }
                    DocRef::Explainer => {
                        let e = site.explainer.as_ref().expect("cited by the explainer");
                        (e.title.clone(), base.path("explainer/"), "explainer", None)
                    }
                };
                let cited = &site.body(c.doc).citations[c.cited];
                CitingDocument {
                    citations: cited
                        .uses
                        .iter()
                        .map(|u| CitationContext {
                            href: format!("{path}#{}", u.anchor),
                            context: u.context.clone(),
                            locator: u.locator.clone(),
                        })
                        .collect(),
                    title,
                    path,
                    kind,
                    date: date.map(|d| d.ymd()),
                    date_display: date.map(|d| d.display()),
                }
            })
            .collect()
    }

    /// schema.org JSON-LD for a briefing, escaped for a `<script>` element.
    fn json_ld(
        &self,
        b: &Briefing,
        s: &BriefingSummary,
        references: &[ReferenceContext],
    ) -> String {
        let site = &self.site.config;
        let citations: Vec<serde_json::Value> = references
            .iter()
            .map(|r| {
                let src = &r.source;
                let mut v = serde_json::json!({
                    "@type": "CreativeWork",
                    "name": src.title,
                    "publisher": {"@type": "Organization", "name": src.publisher},
                });
                if let Some(url) = &src.url {
                    v["url"] = url.clone().into();
                }
                if let Some(d) = &src.published {
                    v["datePublished"] = d.clone().into();
                }
                v
            })
            .collect();
        let mut v = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": b.title,
            "description": b.description,
            "datePublished": s.datetime,
            "dateModified": b.updated.unwrap_or(b.date).rfc3339(),
            "url": s.url,
            "mainEntityOfPage": s.url,
            "wordCount": b.body.word_count,
            "keywords": b.tags.iter().map(|t| &t.name).collect::<Vec<_>>(),
            "publisher": {"@type": "Organization", "name": site.title, "url": site.base_url.absolute()},
            "citation": citations,
        });
        if b.tags.is_empty() {
            v.as_object_mut().map(|o| o.remove("keywords"));
        }
        script_safe_json(&v)
    }

    fn tag_context(&self, t: usize) -> TagContext {
        let tag = &self.site.tags[t];
        let base = &self.site.config.base_url;
        TagContext {
            name: tag.name.clone(),
            slug: tag.slug.clone(),
            path: base.path(&format!("tags/{}/", tag.slug)),
            feed_url: base.url(&format!("tags/{}/atom.xml", tag.slug)),
            count: tag.briefings.len(),
        }
    }

    /// Page `n` of `items` (briefing indices); `prefix` is the list's own path.
    fn paginator(&self, items: &[usize], n: usize, prefix: &str) -> Paginator {
        let per = self.site.config.paginate_by;
        let total_pages = pages_for(items.len(), per);
        let base = &self.site.config.base_url;
        let page_path = |k: usize| {
            if k == 1 {
                base.path(prefix)
            } else {
                base.path(&format!("{prefix}page/{k}/"))
            }
        };
        Paginator {
            current: n,
            total_pages,
            total_items: items.len(),
            items: items
                .iter()
                .skip((n - 1) * per)
                .take(per)
                .map(|&i| self.summaries[i].clone())
                .collect(),
            prev_path: (n > 1).then(|| page_path(n - 1)),
            next_path: (n < total_pages).then(|| page_path(n + 1)),
            pages: pager_window(n, total_pages)
                .into_iter()
                .scan(0, |last, k| {
                    let link = PagerLink {
                        number: k,
                        path: page_path(k),
                        current: k == n,
                        gap_before: k > *last + 1,
                    };
                    *last = k;
                    Some(link)
                })
                .collect(),
        }
    }

    fn feed(
        &self,
        title: &str,
        prefix: &str,
        items: &[usize],
        job: Job,
    ) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let entries: Vec<FeedEntry> = items
            .iter()
            .take(FEED_ENTRIES)
            .map(|&i| {
                let b = &site.briefings[i];
                let s = &self.summaries[i];
                FeedEntry {
                    title: b.title.clone(),
                    id: s.url.clone(),
                    url: s.url.clone(),
                    published: b.date.rfc3339(),
                    updated: b.updated.unwrap_or(b.date).rfc3339(),
                    author: site.config.title.clone(),
                    categories: s.tags.clone(),
                    summary: b.summary.clone(),
                    content: b.body.html.unpack(),
                }
            })
            .collect();
        self.feed_document(title, prefix, entries, job)
    }

    /// An Atom feed at `<prefix>atom.xml` for the page at `prefix`.
    fn feed_document(
        &self,
        title: &str,
        prefix: &str,
        entries: Vec<FeedEntry>,
        job: Job,
    ) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let base = &site.config.base_url;
        let updated = entries
            .iter()
            .filter_map(|e| chrono::DateTime::parse_from_rfc3339(&e.updated).ok())
            .max()
            .map_or_else(
                // A feed with no entries yet (the explainer before any point
                // changes) is as new as the site's newest briefing, so two
                // builds of the same content are the same bytes.
                || {
                    site.briefings.first().map_or_else(
                        || site.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        |b| b.updated.unwrap_or(b.date).rfc3339(),
                    )
                },
                |d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            );
        let feed = Feed {
            title: title.to_string(),
            subtitle: if prefix.is_empty() {
                site.config.description.clone()
            } else {
                String::new()
            },
            id: base.url(&format!("{prefix}atom.xml")),
            self_url: base.url(&format!("{prefix}atom.xml")),
            alternate_url: base.url(prefix),
            updated,
            entries,
        };
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_context);
        ctx.insert("feed", &feed);
        self.template("atom.xml", &ctx, job)
    }

    fn sitemap_entries(&self) -> Vec<SitemapEntry> {
        let site = self.site;
        let base = &site.config.base_url;
        let newest = site
            .briefings
            .first()
            .map(|b| b.updated.unwrap_or(b.date).ymd());
        let mut entries = vec![
            SitemapEntry {
                url: base.url(""),
                lastmod: newest.clone(),
            },
            SitemapEntry {
                url: base.url("briefings/"),
                lastmod: newest.clone(),
            },
            SitemapEntry {
                url: base.url("tags/"),
                lastmod: newest,
            },
        ];
        entries.extend(
            site.briefings
                .iter()
                .zip(&self.summaries)
                .map(|(b, s)| SitemapEntry {
                    url: s.url.clone(),
                    lastmod: Some(b.updated.unwrap_or(b.date).ymd()),
                }),
        );
        entries.extend(site.tags.iter().map(|t| SitemapEntry {
            url: base.url(&format!("tags/{}/", t.slug)),
            lastmod: t.briefings.first().map(|&i| site.briefings[i].date.ymd()),
        }));
        if site.has_explainer() {
            entries.push(SitemapEntry {
                url: base.url("explainer/"),
                lastmod: site.briefings.first().map(|b| b.date.ymd()),
            });
        }
        entries.push(SitemapEntry {
            url: base.url("sources/"),
            lastmod: None,
        });
        entries.extend(site.registry.sources.iter().map(|src| SitemapEntry {
            url: base.url(&format!("sources/{}/", src.id)),
            lastmod: None,
        }));
        entries.extend(site.pages.iter().map(|p| SitemapEntry {
            url: base.url(&format!("{}/", p.slug)),
            lastmod: None,
        }));
        entries
    }
}

#[derive(Serialize)]
struct Feed {
    title: String,
    subtitle: String,
    id: String,
    self_url: String,
    alternate_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    id: String,
    url: String,
    published: String,
    updated: String,
    author: String,
    categories: Vec<TagRef>,
    summary: String,
    content: String,
}

#[derive(Serialize)]
struct SitemapEntry {
    url: String,
    lastmod: Option<String>,
}

/// One CSL-JSON item (the bibliography format of Zotero, Pandoc and citeproc).
fn csl_item(s: &crate::parse::sources::Source) -> serde_json::Value {
    let date = |d: crate::date::PubDate| {
        let ymd = d.ymd();
        let parts: Vec<i64> = ymd.split('-').filter_map(|p| p.parse().ok()).collect();
        serde_json::json!({ "date-parts": [parts] })
    };
    let mut v = serde_json::json!({
        "id": s.id,
        "type": s.kind.map_or("article", |k| k.csl_type()),
        "title": s.title,
        "publisher": s.publisher,
        "container-title": s.publisher,
    });
    let o = v.as_object_mut().expect("built as an object");
    if let Some(d) = s.published {
        o.insert("issued".into(), date(d));
    }
    if let Some(d) = s.accessed {
        o.insert("accessed".into(), date(d));
    }
    if let Some(url) = &s.url {
        o.insert("URL".into(), url.clone().into());
    }
    if let Some(note) = &s.note {
        o.insert("note".into(), note.clone().into());
    }
    if let Some(k) = s.kind {
        o.insert("genre".into(), k.as_str().into());
    }
    v
}

/// JSON that cannot end a `<script>` element early: `<`, `>` and `&` are
/// written as `\u003c`, `\u003e`, `\u0026`, which JSON parsers read back.
fn script_safe_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The page numbers a pager shows: first, last, and two either side of `n`.
fn pager_window(n: usize, total: usize) -> Vec<usize> {
    let mut pages: Vec<usize> = [1, total]
        .into_iter()
        .chain(n.saturating_sub(2).max(1)..=(n + 2).min(total))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    pages
}

fn pages_for(items: usize, per: usize) -> usize {
    items.div_ceil(per).max(1)
}

fn syntax_css(site: &Site) -> String {
    highlight::stylesheet(site.config.highlight.themes())
}

/// A short, stable content hash for cache-busting asset URLs.
fn short_hash(bytes: &[u8]) -> String {
    // SipHash with fixed keys: stable across runs of the same binary.
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:08x}", h.finish() as u32)
}

/// Nests a flat list of headings into a table of contents.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    let mut stack: Vec<TocEntry> = Vec::new();
    fn attach(done: TocEntry, stack: &mut [TocEntry], roots: &mut Vec<TocEntry>) {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    }
    for h in headings {
        while stack.last().is_some_and(|top| top.level >= h.level) {
            let done = stack.pop().expect("checked non-empty");
            attach(done, &mut stack, &mut roots);
        }
        stack.push(TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        });
    }
    while let Some(done) = stack.pop() {
        attach(done, &mut stack, &mut roots);
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            title: id.into(),
        }
    }

    #[test]
    fn pager_window_stays_small() {
        assert_eq!(pager_window(1, 1), [1]);
        assert_eq!(pager_window(1, 3), [1, 2, 3]);
        assert_eq!(pager_window(500, 1000), [1, 498, 499, 500, 501, 502, 1000]);
        assert_eq!(pager_window(2, 1000), [1, 2, 3, 4, 1000]);
    }

    #[test]
    fn toc_nests_by_level() {
        let t = toc(&[
            h(2, "a"),
            h(3, "a1"),
            h(4, "a1x"),
            h(3, "a2"),
            h(2, "b"),
            h(4, "b1"),
        ]);
        let shape: Vec<(String, Vec<String>)> = t
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.children.iter().map(|c| c.id.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("a".into(), vec!["a1".into(), "a2".into()]),
                ("b".into(), vec!["b1".into()])
            ]
        );
        assert_eq!(t[0].children[0].children[0].id, "a1x");
    }
}
