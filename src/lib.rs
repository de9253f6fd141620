//! brief: a static-site generator for briefing publications.
//!
//! The pipeline, in order (each stage is a module):
//!
//! 1. [`load`]: walk `content/` -> [`load::SourceFile`]s
//! 2. [`parse`]: each file -> a typed document, markdown rendered
//! 3. [`resolve`]: documents + [`config`] -> the frozen [`resolve::Site`]
//! 4. [`render`]: the site -> outputs, each written as soon as rendered
//! 5. [`write`](mod@write): outputs -> a staging directory, swapped in atomically
//!
//! Content problems are [`diag::Diagnostic`]s, collected across the whole
//! run; only I/O and usage problems are `Err`.

pub mod cache;
pub mod chart;
pub mod config;
pub mod date;
pub mod diag;
pub mod fingerprint;
pub mod highlight;
pub mod html;
pub mod init;
pub mod load;
pub mod parse;
pub mod raster;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod toml_input;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::resolve::{Publish, Site};
use crate::theme::{Asset, Theme};

/// A failure that is not a content problem: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The cause is part of the message, not a `source()`: printed with
    /// anyhow's `{:#}`, a source would repeat it.
    #[error("{path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
}

/// What to build and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site folder (holds site.toml).
    pub root: PathBuf,
    pub publish: Publish,
    /// Replaces site.toml's `base_url` (e.g. for a local preview).
    pub base_url: Option<String>,
    /// The build time: briefings dated after it are scheduled.
    pub now: DateTime<Utc>,
    /// Build the search index (`build` only; `serve` always keeps one).
    pub search: bool,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            publish: Publish::default(),
            base_url: None,
            now: Utc::now(),
            search: true,
        }
    }
}

/// A site ready to render: resolved content, its theme and static files.
pub struct Prepared {
    pub site: Site,
    pub theme: Theme,
    pub statics: Vec<(String, Asset)>,
}

/// The result of `check` or `build`: what was found, and what was made.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of outputs written (0 for `check` or a failed build).
    pub outputs: usize,
    pub briefings: usize,
    pub pages: usize,
    pub millis: u128,
    /// Resized images taken from the site's cache, and made (`build`).
    pub images: raster::CacheCounts,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Reads and validates site.toml, applying a `--base-url` override.
/// `Err` when there is no site here or the override is invalid; `Ok(None)`
/// when site.toml has content errors (in `diags`).
pub fn load_config(
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<config::Config>, Error> {
    let config_path = opts.root.join(config::FILE_NAME);
    if !config_path.is_file() {
        return Err(init::not_a_site(&opts.root));
    }
    let config = match load::read_text(&config_path, Path::new(config::FILE_NAME)) {
        Ok(text) => config::parse(Path::new(config::FILE_NAME), &text, diags),
        Err(d) => {
            diags.push(d);
            None
        }
    };
    config
        .map(|mut c| {
            if let Some(url) = &opts.base_url {
                c.base_url = config::BaseUrl::parse(url)
                    .map_err(|why| Error::Usage(format!("invalid --base-url `{url}`: {why}")))?;
            }
            Ok(c)
        })
        .transpose()
}

/// The site's own `static/` files, which override the theme's.
pub fn site_statics(root: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, Asset)> {
    load::statics(root, &root.join("static"), diags)
        .into_iter()
        .map(|f| (f.output.clone(), Asset::file(f)))
        .collect()
}

/// What [`prepare`] prepares for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Every problem, nothing shown: code is not highlighted and bodies'
    /// text not kept.
    Check,
    /// Pages (and the search index, if [`Options::search`]): code is
    /// highlighted, with the blocks the last build highlighted taken from
    /// the site's cache.
    Render,
}

/// Stages 1–3: load, parse and resolve, plus the theme. `None` when a
/// content error makes rendering pointless; the diagnostics say why.
pub fn prepare(
    opts: &Options,
    purpose: Purpose,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Prepared>, Error> {
    let root = &opts.root;
    let mut timer = Timer::new();
    let config = load_config(opts, diags)?;
    let files = load::content(root, diags);
    timer.lap("load");
    let parsed = match purpose {
        Purpose::Check => {
            let rendering = parse::Rendering {
                code: highlight::Highlighting::none(),
                keep_text: false,
            };
            parse::parse(files, rendering, diags)
        }
        Purpose::Render => {
            let store = highlight::Store::open(&root.join(cache::DIR));
            let themes = config::highlight_themes(config.as_ref());
            let rendering = parse::Rendering {
                code: highlight::Highlighting::new(themes).with_store(&store),
                keep_text: opts.search,
            };
            let parsed = parse::parse(files, rendering, diags);
            timer.note(|| format!("code blocks: {:?}", store.counts()));
            store.finish();
            parsed
        }
    };
    timer.lap("parse");
    let theme = config
        .as_ref()
        .and_then(|c| theme::load(root, &c.theme, diags));
    let statics = site_statics(root, diags);
    timer.lap("theme");
    let (Some(config), Some(theme)) = (config, theme) else {
        return Ok(None);
    };
    let site = resolve::resolve(config, parsed, opts.publish, opts.now, diags);
    timer.lap("resolve");
    timer.note(|| site.memory_note());
    Ok(Some(Prepared {
        site,
        theme,
        statics,
    }))
}

/// Stage timings on stderr when `BRIEF_TIMINGS` is set, for profiling.
pub(crate) struct Timer {
    on: bool,
    last: Instant,
}

impl Timer {
    pub(crate) fn new() -> Timer {
        Timer {
            on: std::env::var_os("BRIEF_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Prints a note computed only when timings are on.
    pub(crate) fn note(&self, note: impl FnOnce() -> String) {
        if self.on {
            eprintln!("timing: {}", note());
        }
    }

    pub(crate) fn lap(&mut self, stage: &str) {
        if self.on {
            let ms = self.last.elapsed().as_secs_f64() * 1000.0;
            eprintln!("timing: {stage}: {ms:.1} ms");
        }
        self.last = Instant::now();
    }
}

/// `brief check`: every problem, nothing written.
pub fn check(opts: &Options) -> Result<Report, Error> {
    let start = Instant::now();
    let mut diags = Vec::new();
    let prepared = prepare(opts, Purpose::Check, &mut diags)?;
    diag::sort(&mut diags);
    Ok(Report {
        diagnostics: diags,
        outputs: 0,
        briefings: prepared.as_ref().map_or(0, |p| p.site.briefings.len()),
        pages: prepared.as_ref().map_or(0, |p| p.site.pages.len()),
        millis: start.elapsed().as_millis(),
        ..Report::default()
    })
}

/// `brief build`: renders into a staging directory and swaps it in for
/// `output` only if there were no errors.
pub fn build(opts: &Options, output: &Path) -> Result<Report, Error> {
    let start = Instant::now();
    if let Some(why) = write::check_output(&opts.root, output) {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: {why}",
            output.display()
        )));
    }
    let mut diags = Vec::new();
    let prepared = prepare(opts, Purpose::Render, &mut diags)?;
    let mut report = Report::default();
    if let Some(p) = prepared.filter(|_| !diags.iter().any(Diagnostic::is_error)) {
        let io = |cause| Error::Io {
            path: output.to_path_buf(),
            cause,
        };
        let staging = write::Staging::create(output).map_err(io)?;
        let renderer = render::Renderer::new(
            &p.site,
            &p.theme,
            p.statics,
            render::Options {
                preview: opts.publish.drafts || opts.publish.future,
                hash_assets: true,
            },
        )
        .with_image_cache(raster::Cache::of_site(&opts.root));
        let mut timer = Timer::new();
        let search = opts
            .search
            .then(|| search::Builder::new(&p.site.config.language));
        let mut outputs = renderer
            .render_all(&staging, search.as_ref(), &mut diags)
            .map_err(io)?;
        timer.lap("render and write");
        if let Some(search) = search {
            let files = search.finish();
            timer.lap("search index");
            files
                .par_iter()
                .try_for_each(|(path, bytes)| render::Sink::write(&staging, path, bytes))
                .map_err(io)?;
            outputs += files.len();
            timer.lap("write search index");
        }
        if !diags.iter().any(Diagnostic::is_error) {
            staging.commit().map_err(io)?;
            timer.lap("swap");
            report.outputs = outputs;
        }
        report.briefings = p.site.briefings.len();
        report.pages = p.site.pages.len();
        report.images = renderer.image_counts();
    }
    diag::sort(&mut diags);
    report.diagnostics = diags;
    report.millis = start.elapsed().as_millis();
    Ok(report)
}
