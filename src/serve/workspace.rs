//! The incremental build behind `serve`: the site kept in memory, and
//! updated from a set of changed paths by re-running only what they touch.
//!
//! - A changed content file is re-read; if its text is unchanged (an editor
//!   touched it) nothing happens. Otherwise only it is re-parsed.
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
use crate::load::{self, FileKind, SourceFile};
use crate::parse::sources::{self, Registry};
use crate::parse::{self, Document, Parsed};
use crate::render::keys::hash_of;
use crate::render::theme::{self, Asset, Theme};
use crate::render::{self, Job, Renderer, SummaryCache};
use crate::resolve::{self, Publish};
use crate::{Error, Options};

/// One content document as last read.
struct Entry {
    text_hash: u64,
    doc: Option<Document>,
    diags: Vec<Diagnostic>,
    /// Source ids its body cites, to know what a registry change touches.
    cites: Vec<String>,
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
}

/// How many outputs of each kind an update rendered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RenderedCounts {
    pub briefings: usize,
    pub lists: usize,
    pub feeds: usize,
    pub pages: usize,
    pub statics: usize,
}

impl RenderedCounts {
    pub fn total(&self) -> usize {
        self.briefings + self.lists + self.feeds + self.pages + self.statics
    }
}

/// The site in memory, kept up to date by [`Workspace::update`].
pub struct Workspace {
    opts: Options,
    config: Option<Config>,
    config_diags: Vec<Diagnostic>,
    theme: Option<Theme>,
    theme_diags: Vec<Diagnostic>,
    theme_key: u64,
    statics: Vec<(String, Asset)>,
    static_diags: Vec<Diagnostic>,
    registry: Registry,
    registry_diags: Vec<Diagnostic>,
    /// Content documents by path relative to the root.
    files: BTreeMap<PathBuf, Entry>,
    walk_diags: Vec<Diagnostic>,
    outputs: BTreeMap<String, Arc<Vec<u8>>>,
    /// Each output's key, with the number of the rebuild that last
    /// planned it.
    keys: HashMap<String, (u64, u64), foldhash::fast::FixedState>,
    generation: u64,
    /// Briefing summaries of the last rebuild, reused when unchanged.
    summaries: SummaryCache,
    /// The problems of the last rebuild, still true while nothing changes.
    last_diagnostics: Vec<Diagnostic>,
    last_failed: bool,
}

impl Workspace {
    /// Loads and renders the whole site. `opts.publish` should include
    /// drafts and scheduled briefings for a preview.
    pub fn open(opts: Options) -> Result<(Workspace, Update), Error> {
        let mut ws = Workspace {
            opts,
            config: None,
            config_diags: Vec::new(),
            theme: None,
            theme_diags: Vec::new(),
            theme_key: 0,
            statics: Vec::new(),
            static_diags: Vec::new(),
            registry: Registry::default(),
            registry_diags: Vec::new(),
            files: BTreeMap::new(),
            walk_diags: Vec::new(),
            outputs: BTreeMap::new(),
            keys: HashMap::default(),
            generation: 0,
            summaries: SummaryCache::default(),
            last_diagnostics: Vec::new(),
            last_failed: false,
        };
        ws.reload_all()?;
        let reparsed = ws.files.len();
        let mut update = ws.rebuild()?;
        update.reparsed = reparsed;
        Ok((ws, update))
    }

    /// The last good outputs, by path relative to the output root.
    pub fn outputs(&self) -> &BTreeMap<String, Arc<Vec<u8>>> {
        &self.outputs
    }

    /// The site's language, for the search index.
    pub fn language(&self) -> String {
        self.config
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
        for path in paths {
            let rel = path.strip_prefix(&root).unwrap_or(path).to_path_buf();
            let first = rel.iter().next().and_then(|c| c.to_str()).unwrap_or("");
            if rel
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(load::is_ignored_name)
            {
                continue;
            }
            match first {
                "site.toml" if rel.iter().count() == 1 => config = true,
                "themes" => theme = true,
                "static" => statics = true,
                "content" if rel == Path::new("content/sources.toml") => registry = true,
                "content" => {
                    content.insert(rel);
                }
                _ => {}
            }
        }
        if config {
            self.reload_all()?;
            let reparsed = self.files.len();
            let mut update = self.rebuild()?;
            update.reparsed = reparsed;
            return Ok(update);
        }
        if theme {
            self.load_theme();
        }
        if statics {
            self.static_diags.clear();
            self.statics = crate::site_statics(&root, &mut self.static_diags);
        }
        let mut reparse: BTreeSet<PathBuf> = BTreeSet::new();
        if registry {
            let changed_ids = self.load_registry();
            for (path, entry) in &self.files {
                let touched = entry.cites.iter().any(|id| changed_ids.contains(id));
                if touched || entry.diags.iter().any(Diagnostic::is_error) {
                    reparse.insert(path.clone());
                }
            }
        }
        let mut removed = false;
        let mut files_to_parse: Vec<SourceFile> = Vec::new();
        for rel in content {
            let abs = root.join(&rel);
            if abs.is_dir() {
                let mut d = Vec::new();
                files_to_parse.extend(read_documents(
                    load::content_under(&root, &abs, &mut d),
                    &mut d,
                ));
                self.walk_diags.extend(d);
                continue;
            }
            // Gone (deleted, or renamed away): drop it and anything under it.
            if !abs.exists() {
                let before = self.files.len();
                self.files.retain(|p, _| !p.starts_with(&rel));
                removed |= self.files.len() != before;
                reparse.remove(&rel);
                continue;
            }
            let Some(kind) = load::classify(&rel) else {
                continue;
            };
            if kind == FileKind::Sources {
                continue;
            }
            if !inside_site(&root, &abs) {
                continue;
            }
            match load::read_text(&abs, &rel) {
                Ok(text) => {
                    let unchanged = self
                        .files
                        .get(&rel)
                        .is_some_and(|e| e.text_hash == hash_of(&text));
                    if !unchanged || reparse.contains(&rel) {
                        files_to_parse.push(SourceFile {
                            path: rel.clone(),
                            kind,
                            text,
                        });
                    }
                }
                Err(d) => {
                    removed = true;
                    self.files.insert(
                        rel.clone(),
                        Entry {
                            text_hash: 0,
                            doc: None,
                            diags: vec![d],
                            cites: Vec::new(),
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
                files_to_parse.push(SourceFile {
                    path: rel,
                    kind,
                    text,
                });
            }
        }
        // Nothing read differs from what was built (an editor touched a
        // file, or wrote the same bytes): no rebuild.
        if files_to_parse.is_empty() && !(removed || registry || theme || statics) {
            return Ok(Update {
                diagnostics: self.last_diagnostics.clone(),
                failed: self.last_failed,
                unchanged: true,
                ..Update::default()
            });
        }
        let reparsed = files_to_parse.len();
        self.parse_files(files_to_parse);
        let mut update = self.rebuild()?;
        update.reparsed = reparsed;
        Ok(update)
    }

    fn reload_all(&mut self) -> Result<(), Error> {
        let root = self.opts.root.clone();
        self.config_diags.clear();
        self.config = crate::load_config(&self.opts, &mut self.config_diags)?;
        self.load_theme();
        self.static_diags.clear();
        self.statics = crate::site_statics(&root, &mut self.static_diags);
        self.load_registry();
        self.walk_diags.clear();
        let found = load::content(&root, &mut self.walk_diags);
        let files = read_documents(found, &mut self.walk_diags);
        self.files.clear();
        self.parse_files(files);
        // Every key and summary depends on the config: start afresh.
        self.keys.clear();
        self.summaries.clear();
        Ok(())
    }

    fn load_theme(&mut self) {
        self.theme_diags.clear();
        let root = self.opts.root.clone();
        self.theme = self
            .config
            .as_ref()
            .and_then(|c| theme::load(&root, &c.theme, &mut self.theme_diags));
        // The theme's files, hashed: templates and statics alike.
        let dir = self
            .config
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
        self.theme_key = hash_of(files);
    }

    /// Re-reads the registry; returns the ids whose entry changed.
    fn load_registry(&mut self) -> BTreeSet<String> {
        let root = &self.opts.root;
        let rel = PathBuf::from("content/sources.toml");
        self.registry_diags.clear();
        let new = match load::read_text(&root.join(&rel), &rel) {
            Ok(text) => sources::parse(
                &SourceFile {
                    path: rel,
                    kind: FileKind::Sources,
                    text,
                },
                &mut self.registry_diags,
            ),
            Err(d) => {
                if root.join(&rel).exists() {
                    self.registry_diags.push(d);
                }
                Registry::default()
            }
        };
        let old: BTreeMap<&str, &sources::Source> = self
            .registry
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
        self.registry = new;
        changed
    }

    fn parse_files(&mut self, files: Vec<SourceFile>) {
        let registry = &self.registry;
        let themes = self
            .config
            .as_ref()
            .map(|c| c.highlight.themes())
            .unwrap_or_default();
        let parsed: Vec<(PathBuf, Entry)> = files
            .into_par_iter()
            .map(|file| {
                let mut diags = Vec::new();
                let doc = parse::parse_file(&file, registry, themes, &mut diags);
                // Every source id the file names, resolved or not, in its
                // text or its explainer points: a registry change to any of
                // them must re-parse it.
                let body = match &doc {
                    Some(Document::Briefing(b)) => Some(&b.body),
                    Some(Document::Page(p)) => Some(&p.body),
                    Some(Document::Explainer(e)) => Some(&e.body),
                    None => None,
                };
                let mut cites: Vec<String> = body
                    .map(|b| {
                        b.citations
                            .iter()
                            .map(|c| c.id.clone())
                            .chain(b.unresolved.iter().cloned())
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(Document::Briefing(b)) = &doc {
                    cites.extend(
                        b.deal
                            .iter()
                            .flat_map(|d| d.cite.iter().map(|(id, _)| id.clone())),
                    );
                }
                let entry = Entry {
                    text_hash: hash_of(&file.text),
                    doc,
                    diags,
                    cites,
                };
                (file.path, entry)
            })
            .collect();
        self.files.extend(parsed);
    }

    /// Resolves and renders what changed, and remembers the outcome.
    fn rebuild(&mut self) -> Result<Update, Error> {
        let update = self.resolve_and_render()?;
        self.last_diagnostics = update.diagnostics.clone();
        self.last_failed = update.failed;
        Ok(update)
    }

    fn resolve_and_render(&mut self) -> Result<Update, Error> {
        let mut timer = crate::Timer::new();
        let mut diags: Vec<Diagnostic> = Vec::new();
        diags.extend(self.config_diags.iter().cloned());
        diags.extend(self.theme_diags.iter().cloned());
        diags.extend(self.static_diags.iter().cloned());
        diags.extend(self.registry_diags.iter().cloned());
        diags.extend(self.walk_diags.iter().cloned());
        let mut parsed = Parsed {
            registry: self.registry.clone(),
            ..Parsed::default()
        };
        for entry in self.files.values() {
            diags.extend(entry.diags.iter().cloned());
            if let Some(doc) = &entry.doc {
                parsed.add(doc.clone());
            }
        }
        let (Some(config), Some(theme)) = (self.config.clone(), self.theme.as_ref()) else {
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
            self.statics.clone(),
            render_options(self.opts.publish),
            &mut self.summaries,
        );
        timer.lap("renderer");
        let parts = renderer.key_parts(self.theme_key);
        let planned: Vec<(Job, String, u64)> = renderer
            .jobs()
            .into_par_iter()
            .map(|job| {
                let key = renderer.job_key(job, &parts);
                (job, renderer.output_path(job), key)
            })
            .collect();
        renderer.check_statics(
            planned.iter().map(|(job, path, _)| (*job, path.as_str())),
            &mut diags,
        );
        timer.lap("keys");
        let stale: Vec<&(Job, String, u64)> = planned
            .iter()
            .filter(|(_, path, key)| {
                self.keys.get(path.as_str()).map(|k| k.0) != Some(*key)
                    || !self.outputs.contains_key(path)
            })
            .collect();
        let rendered: Vec<(&str, Result<Vec<u8>, Diagnostic>)> = stale
            .par_iter()
            .map(|(job, path, _)| (path.as_str(), renderer.render(*job)))
            .collect();
        let mut update = Update {
            rendered: counts(&stale),
            ..Update::default()
        };
        let mut fresh = Vec::with_capacity(rendered.len());
        for (path, result) in rendered {
            match result {
                Ok(bytes) => fresh.push((path, bytes)),
                Err(d) => diags.push(d),
            }
        }
        timer.lap(&format!("render {} jobs", stale.len()));
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(failed(diags));
        }
        // The search index is updated elsewhere, from the records of the
        // searchable pages that were rendered anew.
        update.search = stale
            .par_iter()
            .filter(|(job, _, _)| job.is_searchable())
            .filter_map(|(job, _, _)| renderer.search_record(*job))
            .collect();
        let mut changed = Vec::new();
        for (path, bytes) in fresh {
            if self.outputs.get(path).is_none_or(|old| **old != bytes) {
                changed.push(path.to_string());
                self.outputs.insert(path.to_string(), Arc::new(bytes));
            }
        }
        // Remember every key, stamped with this rebuild; what is left with
        // an older stamp is no longer an output.
        self.generation += 1;
        let generation = self.generation;
        let mut paths_changed = false;
        for (_, path, key) in &planned {
            match self.keys.get_mut(path.as_str()) {
                Some(entry) => *entry = (*key, generation),
                None => {
                    paths_changed = true;
                    self.keys.insert(path.clone(), (*key, generation));
                }
            }
        }
        self.keys.retain(|_, (_, stamp)| *stamp == generation);
        let keys = &self.keys;
        self.outputs.retain(|path, _| {
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
                    .filter(|(job, _, _)| job.is_searchable())
                    .map(|(job, _, _)| renderer.search_url(*job))
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

fn counts(jobs: &[&(Job, String, u64)]) -> RenderedCounts {
    let mut c = RenderedCounts::default();
    for (job, _, _) in jobs {
        match job {
            Job::Briefing(_) => c.briefings += 1,
            Job::Home(_) | Job::Archive | Job::Tags | Job::Tag(..) | Job::Sources => c.lists += 1,
            Job::Feed
            | Job::TagFeed(_)
            | Job::Sitemap
            | Job::SourcesJson
            | Job::ExplainerFeed
            | Job::Robots => c.feeds += 1,
            Job::Page(_) | Job::Source(_) | Job::Explainer | Job::NotFound | Job::Search => {
                c.pages += 1
            }
            Job::Static(_) | Job::SyntaxCss => c.statics += 1,
        }
    }
    c
}

/// Reads the documents among `found` (the registry is read on its own).
fn read_documents(found: Vec<load::ContentFile>, diags: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let read: Vec<Result<SourceFile, Diagnostic>> = found
        .into_par_iter()
        .filter(|f| f.kind != FileKind::Sources)
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
