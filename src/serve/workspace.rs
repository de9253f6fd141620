//! The incremental build behind `serve`: the site kept in memory, and
//! updated from a set of changed paths by re-running only what they touch.
//!
//! - A changed content file is re-read; if its text is unchanged (an editor
//!   touched it) nothing happens. Otherwise only it is re-parsed.
//! - A file added, changed or removed beside a folder briefing re-parses
//!   that briefing's `index.md` (its images' sizes and hashes are in its
//!   page).
//! - A changed registry re-parses only the documents citing a source whose
//!   entry changed (their citation tooltips embed it) or that had errors.
//! - A theme change reloads templates without re-parsing content.
//! - site.toml reloads everything.
//!
//! Resolving is cheap (metadata only) and always re-run. Then every output
//! job gets a key ([`crate::render::keys`]); only jobs whose key changed are
//! rendered. While there are errors the last good outputs stay served.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;
use crate::highlight;
use crate::load::{self, FileKind, Input, SourceFile};
use crate::parse::sources::{self, Registry};
use crate::parse::{self, Authors, Parsed, ParsedFile};
use crate::render::{self, Job, Renderer, SummaryCache};
use crate::resolve::{self, Publish};
use crate::theme::{self, Asset, Theme};
use crate::{Error, Options};

/// One content document as last read.
struct Entry {
    /// A hash of the text it was parsed from: a save of the same bytes
    /// changes nothing.
    text_hash: u64,
    parsed: ParsedFile,
}

/// What one update did.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Output paths added, changed or removed (empty when nothing changed
    /// or there were errors).
    pub changed: Vec<String>,
    /// Every problem of the site as it is now, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Files re-parsed.
    pub reparsed: usize,
    /// Jobs rendered, by kind.
    pub rendered: RenderedCounts,
    /// True if the site now has errors and the previous outputs stay served.
    pub failed: bool,
    /// True if nothing read differed from the last update: nothing was
    /// rebuilt, and `diagnostics` and `failed` are the last update's.
    pub unchanged: bool,
    /// Search records of the searchable pages rendered anew, for the
    /// live search index.
    pub search: Vec<crate::search::Record>,
    /// Every searchable page's URL, when that set changed: pages not in it
    /// leave the search index.
    pub search_urls: Option<Vec<String>>,
    /// Resized images the rendered jobs took from the cache, and made.
    pub images: crate::raster::CacheCounts,
}

/// How many outputs of each kind an update rendered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RenderedCounts {
    pub briefings: usize,
    pub lists: usize,
    pub feeds: usize,
    pub pages: usize,
    /// Static files, and the files beside folder briefings.
    pub statics: usize,
    /// Resized copies of images.
    pub images: usize,
}

impl RenderedCounts {
    pub fn total(&self) -> usize {
        self.briefings + self.lists + self.feeds + self.pages + self.statics + self.images
    }
}

/// One input of the site as last loaded, with the problems loading it found.
#[derive(Default)]
struct Loaded<T> {
    value: T,
    diags: Vec<Diagnostic>,
}

/// The theme, and a hash of all its files (templates and statics alike),
/// which every render key includes.
#[derive(Default)]
struct ThemeInput {
    theme: Option<Theme>,
    key: u64,
}

/// What the last rebuild made, and what the next one compares against.
#[derive(Default)]
struct Built {
    /// The last good outputs, by path.
    outputs: BTreeMap<String, Arc<Vec<u8>>>,
    /// Each output's key, with the number of the rebuild that last
    /// planned it.
    keys: HashMap<String, (u64, u64), foldhash::fast::FixedState>,
    generation: u64,
    /// Briefing summaries of the last rebuild, reused when unchanged.
    summaries: SummaryCache,
    /// The problems of the last rebuild, still true while nothing changes.
    diagnostics: Vec<Diagnostic>,
    failed: bool,
}

/// The site in memory, kept up to date by [`Workspace::update`]: each
/// input as last loaded, the parsed documents, and what was built.
pub struct Workspace {
    opts: Options,
    config: Loaded<Option<Config>>,
    theme: Loaded<ThemeInput>,
    statics: Loaded<Vec<(String, Asset)>>,
    registry: Loaded<Registry>,
    authors: Loaded<Authors>,
    /// Content documents by path relative to the root, with the problems
    /// the walks that found them reported (unreadable folders…).
    files: Loaded<BTreeMap<PathBuf, Entry>>,
    built: Built,
}

impl Workspace {
    /// Loads and renders the whole site. `opts.publish` should include
    /// drafts and scheduled briefings for a preview.
    pub fn open(opts: Options) -> Result<(Workspace, Update), Error> {
        let mut ws = Workspace {
            opts,
            config: Loaded::default(),
            theme: Loaded::default(),
            statics: Loaded::default(),
            registry: Loaded::default(),
            authors: Loaded::default(),
            files: Loaded::default(),
            built: Built::default(),
        };
        ws.reload_all()?;
        let reparsed = ws.files.value.len();
        let mut update = ws.rebuild()?;
        update.reparsed = reparsed;
        Ok((ws, update))
    }

    /// The last good outputs, by path relative to the output root.
    pub fn outputs(&self) -> &BTreeMap<String, Arc<Vec<u8>>> {
        &self.built.outputs
    }

    /// The site's language, for the search index.
    pub fn language(&self) -> String {
        self.config
            .value
            .as_ref()
            .map_or_else(|| "en".to_string(), |c| c.language.clone())
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Sets the time against which briefings count as scheduled.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.opts.now = now;
    }

    /// Applies changes to the given paths (absolute, or relative to the root).
    pub fn update(&mut self, paths: &[PathBuf]) -> Result<Update, Error> {
        let root = self.opts.root.clone();
        let mut content: BTreeSet<PathBuf> = BTreeSet::new();
        let (mut config, mut theme, mut statics, mut registry) = (false, false, false, false);
        let mut authors = false;
        for path in paths {
            let rel = path.strip_prefix(&root).unwrap_or(path).to_path_buf();
            match load::input_of(&rel) {
                Some(Input::Config) => config = true,
                Some(Input::Theme) => theme = true,
                Some(Input::Static) => statics = true,
                Some(Input::Registry) => registry = true,
                Some(Input::Authors) => authors = true,
                Some(Input::Content) => {
                    // content/ itself (moved, deleted or replaced) holds
                    // the registry too.
                    registry |= load::holds_registry(&rel);
                    authors |= load::holds_registry(&rel);
                    content.insert(rel);
                }
                None => {}
            }
        }
        if config {
            self.reload_all()?;
            let reparsed = self.files.value.len();
            let mut update = self.rebuild()?;
            update.reparsed = reparsed;
            return Ok(update);
        }
        if theme {
            self.load_theme();
        }
        if statics {
            self.statics.diags.clear();
            self.statics.value = crate::site_statics(&root, &mut self.statics.diags);
        }
        let mut reparse: BTreeSet<PathBuf> = BTreeSet::new();
        if authors {
            self.load_authors();
        }
        if registry {
            let changed_ids = self.load_registry();
            for (path, entry) in &self.files.value {
                let parsed = &entry.parsed;
                let touched = parsed.cites.iter().any(|id| changed_ids.contains(id));
                if touched || parsed.diags.iter().any(Diagnostic::is_error) {
                    reparse.insert(path.clone());
                }
            }
        }
        // A file beside a folder briefing (added, changed or removed), or
        // a folder below it, changes what the briefing publishes and shows:
        // its index.md is read again, with the files beside it.
        for rel in &content {
            reparse.extend(self.bundles_changed_by(&root, rel));
        }
        let mut removed = false;
        let walk_diags_before = self.files.diags.clone();
        let mut files_to_parse: Vec<SourceFile> = Vec::new();
        for rel in content {
            let abs = root.join(&rel);
            if abs.is_dir() {
                // A folder that appeared, came back or changed permissions:
                // walked again, it replaces all that is known under it.
                // What it no longer yields (unreadable now) is gone, as is
                // every problem the last walk reported there, or a folder
                // made readable again would stay in error.
                let mut d = Vec::new();
                let found = load::content_under(&root, &abs, &mut d);
                let found_paths: BTreeSet<&Path> = found.iter().map(|f| f.rel.as_path()).collect();
                let before = self.files.value.len();
                self.files
                    .value
                    .retain(|p, _| !p.starts_with(&rel) || found_paths.contains(p.as_path()));
                removed |= self.files.value.len() != before;
                self.files.diags.retain(|w| !w.path.starts_with(&rel));
                files_to_parse.extend(read_documents(found, &mut d));
                self.files.diags.extend(d);
                continue;
            }
            // Gone (deleted, or renamed away): drop it and anything under it.
            if !abs.exists() {
                let before = self.files.value.len();
                self.files.value.retain(|p, _| !p.starts_with(&rel));
                removed |= self.files.value.len() != before;
                self.files.diags.retain(|w| !w.path.starts_with(&rel));
                reparse.remove(&rel);
                continue;
            }
            let Some(kind) = load::classify(&rel) else {
                // Saved where no document belongs: warned about as the
                // build's walk does (the warning goes with the file, above).
                self.files.diags.retain(|w| w.path != rel);
                self.files.diags.extend(load::stray(&rel));
                continue;
            };
            if matches!(kind, FileKind::Sources | FileKind::Authors) {
                continue;
            }
            if !inside_site(&root, &abs) {
                continue;
            }
            // Read now, the file replaces what a walk found reading it (a
            // file unreadable when serve started stays in error otherwise).
            self.files.diags.retain(|w| w.path != rel);
            match load::read_text(&abs, &rel) {
                Ok(text) => {
                    let unchanged = self
                        .files
                        .value
                        .get(&rel)
                        .is_some_and(|e| e.text_hash == hash_of(&text));
                    if !unchanged || reparse.contains(&rel) {
                        files_to_parse.push(SourceFile::new(&root, rel.clone(), kind, text));
                    }
                }
                Err(d) => {
                    removed = true;
                    self.files.value.insert(
                        rel.clone(),
                        Entry {
                            text_hash: 0,
                            parsed: ParsedFile::unreadable(d),
                        },
                    );
                }
            }
            reparse.remove(&rel);
        }
        // Registry changes re-read the documents they touch.
        for rel in reparse {
            let abs = root.join(&rel);
            if let (Some(kind), Ok(text)) = (load::classify(&rel), load::read_text(&abs, &rel)) {
                files_to_parse.push(SourceFile::new(&root, rel, kind, text));
            }
        }
        // Nothing read differs from what was built (an editor touched a
        // file, or wrote the same bytes): no rebuild.
        let walk_changed = self.files.diags != walk_diags_before;
        if files_to_parse.is_empty()
            && !(removed || walk_changed || registry || authors || theme || statics)
        {
            return Ok(Update {
                diagnostics: self.built.diagnostics.clone(),
                failed: self.built.failed,
                unchanged: true,
                ..Update::default()
            });
        }
        let reparsed = files_to_parse.len();
        self.parse_files(files_to_parse, None);
        let mut update = self.rebuild()?;
        update.reparsed = reparsed;
        Ok(update)
    }

    /// The folder briefings (their `index.md`) whose files a change at
    /// `rel` may have changed. A file saved with the bytes it had changes
    /// none; another briefing's text changes none, unless it is an
    /// `index.md` that came or went (the folder it names leaves or joins
    /// the bundles around it).
    fn bundles_changed_by(&self, root: &Path, rel: &Path) -> Vec<PathBuf> {
        // Innermost first.
        let enclosing: Vec<PathBuf> = rel
            .ancestors()
            .skip(1)
            .map(|dir| dir.join("index.md"))
            .filter(|index| index != rel && load::is_folder_briefing(index))
            .filter(|index| self.files.value.contains_key(index))
            .collect();
        let abs = root.join(rel);
        if !abs.is_file() {
            return enclosing;
        }
        if rel.extension().is_some_and(|e| e == "md") {
            let known = self.files.value.contains_key(rel);
            let is_index = rel.file_name().is_some_and(|n| n == "index.md");
            return if is_index && !known {
                enclosing
            } else {
                Vec::new()
            };
        }
        // A file belongs to the innermost folder briefing around it.
        let Some(index) = enclosing.into_iter().next() else {
            return Vec::new();
        };
        let dir = index.parent().unwrap_or(Path::new(""));
        let name = rel
            .strip_prefix(dir)
            .map(|p| {
                p.iter()
                    .map(|c| c.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default();
        let recorded = match &self.files.value[&index].parsed.doc {
            Some(parse::Document::Briefing(b)) => {
                b.files.iter().find(|f| f.name == name).map(|f| f.hash)
            }
            _ => None,
        };
        let now = parse::bundle::file_hash(&abs).ok();
        if recorded.is_some() && recorded == now {
            Vec::new()
        } else {
            vec![index]
        }
    }

    fn reload_all(&mut self) -> Result<(), Error> {
        let root = self.opts.root.clone();
        self.config.diags.clear();
        self.config.value = crate::load_config(&self.opts, &mut self.config.diags)?;
        self.load_theme();
        self.statics.diags.clear();
        self.statics.value = crate::site_statics(&root, &mut self.statics.diags);
        self.load_registry();
        self.load_authors();
        self.files.diags.clear();
        let found = load::content(&root, &mut self.files.diags);
        let files = read_documents(found, &mut self.files.diags);
        self.files.value.clear();
        // Every document is parsed: the cache of highlighted code serves,
        // and afterwards holds exactly this site's blocks.
        let store = highlight::Store::open(&root.join(crate::cache::DIR));
        self.parse_files(files, Some(&store));
        store.finish();
        // Every key and summary depends on the config: start afresh.
        self.built.keys.clear();
        self.built.summaries.clear();
        Ok(())
    }

    fn load_theme(&mut self) {
        self.theme.diags.clear();
        let root = self.opts.root.clone();
        self.theme.value.theme = self
            .config
            .value
            .as_ref()
            .and_then(|c| theme::load(&root, &c.theme, &mut self.theme.diags));
        // The theme's files, hashed: templates and statics alike.
        let dir = self
            .config
            .value
            .as_ref()
            .map(|c| root.join("themes").join(&c.theme));
        let mut d = Vec::new();
        let files: Vec<(String, u64)> = dir
            .map(|dir| {
                load::walk(&root, &dir, &mut d)
                    .into_iter()
                    .map(|(abs, rel)| {
                        (
                            rel.to_string_lossy().into_owned(),
                            std::fs::read(abs).map(hash_of).unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.theme.value.key = hash_of(files);
    }

    /// Re-reads `content/authors.toml`. Bylines are in briefing summaries,
    /// which are cached by briefing: a change of an author empties the cache.
    fn load_authors(&mut self) {
        let rel = PathBuf::from(load::AUTHORS);
        let abs = self.opts.root.join(&rel);
        self.authors.diags.clear();
        let file = abs.exists().then(|| {
            load::read_text(&abs, &rel).map(|text| SourceFile {
                path: rel,
                kind: FileKind::Authors,
                text,
                bundle: None,
            })
        });
        let new = parse::authors(file, &mut self.authors.diags);
        if new != self.authors.value {
            self.built.summaries.clear();
        }
        self.authors.value = new;
    }

    /// Re-reads the registry; returns the ids whose entry changed.
    fn load_registry(&mut self) -> BTreeSet<String> {
        let root = &self.opts.root;
        let rel = PathBuf::from("content/sources.toml");
        self.registry.diags.clear();
        let abs = root.join(&rel);
        let file = abs.exists().then(|| {
            load::read_text(&abs, &rel).map(|text| SourceFile {
                path: rel,
                kind: FileKind::Sources,
                text,
                bundle: None,
            })
        });
        let new = parse::registry(file, &mut self.registry.diags);
        let old: BTreeMap<&str, &sources::Source> = self
            .registry
            .value
            .sources
            .iter()
            .map(|s| (s.id.as_str(), s))
            .collect();
        let mut changed: BTreeSet<String> = BTreeSet::new();
        for s in &new.sources {
            if old.get(s.id.as_str()) != Some(&s) {
                changed.insert(s.id.clone());
            }
        }
        for id in old.keys() {
            if new.get(id).is_none() {
                changed.insert(id.to_string());
            }
        }
        self.registry.value = new;
        changed
    }

    fn parse_files(&mut self, files: Vec<SourceFile>, store: Option<&highlight::Store>) {
        let registry = &self.registry.value;
        let themes = crate::config::highlight_themes(self.config.value.as_ref());
        let mut code = highlight::Highlighting::new(themes);
        if let Some(store) = store {
            code = code.with_store(store);
        }
        // serve keeps a live search index, which reads the text.
        let rendering = parse::Rendering {
            code,
            keep_text: true,
        };
        let parsed: Vec<(PathBuf, Entry)> = files
            .into_par_iter()
            .map(|file| {
                let entry = Entry {
                    text_hash: hash_of(&file.text),
                    parsed: parse::parse_one(&file, registry, rendering),
                };
                (file.path, entry)
            })
            .collect();
        self.files.value.extend(parsed);
    }

    /// Resolves and renders what changed, and remembers the outcome.
    fn rebuild(&mut self) -> Result<Update, Error> {
        let update = self.resolve_and_render()?;
        self.built.diagnostics = update.diagnostics.clone();
        self.built.failed = update.failed;
        Ok(update)
    }

    fn resolve_and_render(&mut self) -> Result<Update, Error> {
        let mut timer = crate::Timer::new();
        let mut diags: Vec<Diagnostic> = Vec::new();
        diags.extend(self.config.diags.iter().cloned());
        diags.extend(self.theme.diags.iter().cloned());
        diags.extend(self.statics.diags.iter().cloned());
        diags.extend(self.registry.diags.iter().cloned());
        diags.extend(self.files.diags.iter().cloned());
        let mut parsed = Parsed {
            registry: self.registry.value.clone(),
            authors: self.authors.value.clone(),
            ..Parsed::default()
        };
        for entry in self.files.value.values() {
            diags.extend(entry.parsed.diags.iter().cloned());
            if let Some(doc) = &entry.parsed.doc {
                parsed.add(doc.clone());
            }
        }
        let (Some(config), Some(theme)) =
            (self.config.value.clone(), self.theme.value.theme.as_ref())
        else {
            return Ok(failed(diags));
        };
        timer.lap("assemble");
        let site = resolve::resolve(config, parsed, self.opts.publish, self.opts.now, &mut diags);
        timer.lap("resolve");
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(failed(diags));
        }
        let renderer = Renderer::with_cache(
            &site,
            theme,
            self.statics.value.clone(),
            render_options(self.opts.publish),
            &mut self.built.summaries,
        )
        .with_image_cache(crate::raster::Cache::of_site(&self.opts.root));
        timer.lap("renderer");
        let parts = renderer.key_parts(self.theme.value.key);
        let planned: Vec<(Job, String)> = renderer.plan(&mut diags);
        let keys: Vec<u64> = planned
            .par_iter()
            .map(|(job, _)| renderer.job_key(*job, &parts))
            .collect();
        timer.lap("keys");
        let stale: Vec<(Job, String)> = planned
            .iter()
            .zip(&keys)
            .filter(|((_, path), key)| {
                self.built.keys.get(path.as_str()).map(|k| k.0) != Some(**key)
                    || !self.built.outputs.contains_key(path)
            })
            .map(|(planned, _)| planned.clone())
            .collect();
        let sink = Collected::default();
        renderer
            .render_jobs(&stale, &sink, None, &mut diags)
            .map_err(|e| Error::Io {
                path: self.opts.root.clone(),
                cause: e,
            })?;
        let mut update = Update {
            rendered: counts(&stale),
            images: renderer.image_counts(),
            ..Update::default()
        };
        let fresh = sink.0.into_inner().unwrap_or_else(|e| e.into_inner());
        timer.lap(&format!("render {} jobs", stale.len()));
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(failed(diags));
        }
        // The search index is updated elsewhere, from the records of the
        // searchable pages that were rendered anew.
        update.search = stale
            .par_iter()
            .filter(|(job, _)| job.is_searchable())
            .filter_map(|(job, _)| renderer.search_record(*job))
            .collect();
        let mut changed = Vec::new();
        for (path, bytes) in fresh {
            if self
                .built
                .outputs
                .get(&path)
                .is_none_or(|old| **old != bytes)
            {
                self.built.outputs.insert(path.clone(), Arc::new(bytes));
                changed.push(path);
            }
        }
        // Remember every key, stamped with this rebuild; what is left with
        // an older stamp is no longer an output.
        self.built.generation += 1;
        let generation = self.built.generation;
        let mut paths_changed = false;
        for ((_, path), key) in planned.iter().zip(&keys) {
            match self.built.keys.get_mut(path.as_str()) {
                Some(entry) => *entry = (*key, generation),
                None => {
                    paths_changed = true;
                    self.built.keys.insert(path.clone(), (*key, generation));
                }
            }
        }
        self.built.keys.retain(|_, (_, stamp)| *stamp == generation);
        let keys = &self.built.keys;
        self.built.outputs.retain(|path, _| {
            let live = keys.contains_key(path);
            if !live {
                changed.push(path.clone());
                paths_changed = true;
            }
            live
        });
        if paths_changed {
            update.search_urls = Some(
                planned
                    .iter()
                    .filter(|(job, _)| job.is_searchable())
                    .map(|(job, _)| renderer.search_url(*job))
                    .collect(),
            );
        }
        timer.lap("bookkeeping");
        changed.sort();
        crate::diag::sort(&mut diags);
        update.changed = changed;
        update.diagnostics = diags;
        Ok(update)
    }
}

/// Rendered outputs, kept in memory.
#[derive(Default)]
struct Collected(std::sync::Mutex<Vec<(String, Vec<u8>)>>);

impl render::Sink for Collected {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        all.push((path.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// An update that found errors: the previous outputs stay served.
fn failed(mut diags: Vec<Diagnostic>) -> Update {
    crate::diag::sort(&mut diags);
    Update {
        failed: true,
        diagnostics: diags,
        ..Update::default()
    }
}

/// How `serve` renders: drafts and scheduled briefings marked, and no
/// content hashes in asset URLs, so a CSS edit changes only the stylesheet.
pub fn render_options(publish: Publish) -> render::Options {
    render::Options {
        preview: publish.drafts || publish.future,
        hash_assets: false,
    }
}

fn counts(jobs: &[(Job, String)]) -> RenderedCounts {
    let mut c = RenderedCounts::default();
    for (job, _) in jobs {
        match job {
            Job::Briefing(_) => c.briefings += 1,
            Job::Home(_)
            | Job::Archive
            | Job::Tags
            | Job::Tag(..)
            | Job::Sources
            | Job::Authors
            | Job::Author(..)
            | Job::Corrections => c.lists += 1,
            Job::Feed
            | Job::TagFeed(_)
            | Job::Sitemap
            | Job::SourcesJson
            | Job::ExplainerFeed
            | Job::AuthorFeed(_)
            | Job::CorrectionsFeed
            | Job::TimelineFeed
            | Job::Robots => c.feeds += 1,
            Job::Page(_)
            | Job::Source(_)
            | Job::Explainer
            | Job::Snapshot(_)
            | Job::Timeline
            | Job::NotFound
            | Job::Search => c.pages += 1,
            Job::Static(_) | Job::SyntaxCss | Job::File(..) => c.statics += 1,
            Job::Copy(..) => c.images += 1,
        }
    }
    c
}

/// Reads the documents among `found` (the registry is read on its own).
fn read_documents(found: Vec<load::ContentFile>, diags: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let read: Vec<Result<SourceFile, Diagnostic>> = found
        .into_par_iter()
        .filter(|f| !matches!(f.kind, FileKind::Sources | FileKind::Authors))
        .map(|f| f.read())
        .collect();
    read.into_iter()
        .filter_map(|r| r.map_err(|d| diags.push(d)).ok())
        .collect()
}

/// Symlinks may point anywhere; brief reads only what stays in the site.
fn inside_site(root: &Path, abs: &Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(abs)) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => false,
    }
}
