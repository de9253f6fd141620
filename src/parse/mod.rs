//! Stage 2: each [`SourceFile`] -> a typed document.
//!
//! Front matter is split at byte 0, checked for unknown keys, deserialized
//! into raw serde types and validated into the types below, which carry no
//! `Option` where a value is required. The markdown body is rendered here,
//! in parallel over files, so later stages handle only small metadata and
//! finished HTML. Every problem becomes a diagnostic; a file with errors
//! yields no document but never stops the others.

pub mod bundle;
pub mod chart;
pub mod citation;
pub mod event;
pub mod front_matter;
pub mod markdown;
pub mod newsroom;
pub mod packed;
pub mod sources;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::date::PubDate;
use crate::diag::{Diagnostic, FileContext, Position, Severity};
use crate::highlight::Highlighting;
use crate::load::{ContentFile, FileKind, SourceFile};
use crate::slug;
use crate::toml_input::{self, Schema};
pub use event::Event;
use front_matter::SplitError;
pub use markdown::{Body, CitationUse, CitedSource, Heading};
pub use newsroom::{AuthorRef, Authors, Correction, CorrectionKind};
use sources::Registry;

/// A parsed briefing.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub path: PathBuf,
    pub title: String,
    pub date: PubDate,
    pub updated: Option<PubDate>,
    /// Front matter `summary`, else the first paragraph's plain text.
    pub summary: String,
    /// The meta description: a written `summary` as it stands, else the
    /// first paragraph cut to the whole sentences (or words) that fit in
    /// 160 characters.
    pub description: String,
    pub tags: Vec<TagName>,
    pub draft: bool,
    pub slug: String,
    /// Where the slug comes from (the `slug` key, or the file's first line).
    pub slug_at: Position,
    pub deal: Vec<DealPoint>,
    /// Ids from `content/authors.toml`, checked when the site is resolved.
    pub authors: Vec<AuthorRef>,
    /// Dated corrections and updates, newest first.
    pub corrections: Vec<Correction>,
    /// The story's events this briefing states (`[[event]]`).
    pub events: Vec<Event>,
    pub body: Body,
    /// For a folder briefing, the files beside it, published next to its
    /// page (sorted by name).
    pub files: Vec<bundle::Colocated>,
    /// Changes whenever anything rendered from this file may change: a
    /// hash of its text, of the sources it cites and of the images it
    /// shows. `serve` compares it.
    pub fingerprint: u64,
}

impl Briefing {
    /// When it last changed in substance: its newest correction or
    /// `updated`, else its date.
    pub fn modified(&self) -> PubDate {
        let newest = self.corrections.first().map(|c| c.date);
        [Some(self.date), self.updated, newest]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(self.date)
    }
}

/// A tag as written, with its slug (computed once, used on every page).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TagName {
    pub name: String,
    pub slug: String,
    /// Where it is written, for a collision found across briefings.
    pub at: Position,
}

/// The longest tag slug, in bytes: a tag page is a folder, and file names
/// stop at 255 bytes.
const MAX_TAG_SLUG: usize = 80;

/// The longest file name most file systems take (NAME_MAX), in bytes: a
/// slug is a folder name in the output.
const MAX_NAME: usize = 255;

/// Two spellings of one tag: the same but for case (`Minerals`, `minerals`).
pub fn same_tag(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// A briefing's tags, each once. An empty slug, and two different tags
/// with one slug (`C++` and `C#` are both `c`), are errors: one URL cannot
/// be two tags' page.
fn tag_names(f: &mut Fields, raw: Vec<Spanned<String>>) -> Vec<TagName> {
    let spans: Vec<_> = raw.iter().map(|t| f.span(t)).collect();
    let positions = f.ctx.positions(&spans);
    let mut tags: Vec<TagName> = Vec::with_capacity(raw.len());
    let mut by_slug: HashMap<String, usize> = HashMap::with_capacity(raw.len());
    for ((tag, span), at) in raw.into_iter().zip(spans).zip(positions) {
        let name = tag.into_inner().trim().to_string();
        let full = slug::slugify(&name);
        if full.is_empty() {
            let (message, help) = if name.is_empty() {
                (
                    "empty tag".to_string(),
                    "tags need at least one letter or digit",
                )
            } else {
                (
                    format!("tag `{name}` has no letters or digits to make its URL from"),
                    "add a word to it, e.g. `celebration 🎉`, or remove it",
                )
            };
            f.error(span, message, Some(help.into()));
            continue;
        }
        let tag_slug = slug::shorten(&full, MAX_TAG_SLUG).to_string();
        match by_slug.get(&tag_slug) {
            Some(&i) if same_tag(&tags[i].name, &name) => {
                let d = f.ctx.warning(span, format!("tag `{name}` is listed twice"));
                f.diags.push(d);
            }
            Some(&i) => {
                let other = &tags[i].name;
                f.error(
                    span,
                    format!("tags `{other}` and `{name}` would share one page, /tags/{tag_slug}/"),
                    Some("spell them the same if they are one tag, or rename one (tag URLs keep only letters and digits)".into()),
                );
            }
            None => {
                by_slug.insert(tag_slug.clone(), tags.len());
                tags.push(TagName {
                    name,
                    slug: tag_slug,
                    at,
                });
            }
        }
    }
    tags
}

/// A standalone page from `content/pages/`.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: PathBuf,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub slug: String,
    pub slug_at: Position,
    pub draft: bool,
    pub body: Body,
    pub fingerprint: u64,
}

/// `content/explainer.md`: the title and intro of the running explainer.
#[derive(Debug, Clone)]
pub struct ExplainerIntro {
    pub path: PathBuf,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub body: Body,
    pub fingerprint: u64,
}

/// What an explainer point says about the deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DealKind {
    Is,
    IsNot,
    Open,
}

impl DealKind {
    pub const NAMES: [&'static str; 3] = ["is", "is-not", "open"];

    pub fn parse(s: &str) -> Option<DealKind> {
        match s {
            "is" => Some(DealKind::Is),
            "is-not" => Some(DealKind::IsNot),
            "open" => Some(DealKind::Open),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// One `[[deal]]` point as a briefing states it.
#[derive(Debug, Clone)]
pub struct DealPoint {
    pub id: String,
    pub id_at: Position,
    pub kind: DealKind,
    /// Inline markdown, as written (compared across versions).
    pub text: String,
    /// `text` rendered (trusted HTML, no enclosing paragraph).
    pub text_html: String,
    /// Source ids with where each was written.
    pub cite: Vec<(String, Position)>,
    pub withdrawn: bool,
}

/// Every document of the site, parsed.
#[derive(Debug, Default)]
pub struct Parsed {
    pub briefings: Vec<Arc<Briefing>>,
    pub pages: Vec<Arc<Page>>,
    pub explainer: Option<Arc<ExplainerIntro>>,
    pub registry: Registry,
    pub authors: Authors,
}

impl Parsed {
    /// Adds a document; documents are shared, so `serve` keeps them across rebuilds.
    pub fn add(&mut self, doc: Document) {
        match doc {
            Document::Briefing(b) => self.briefings.push(b),
            Document::Page(p) => self.pages.push(p),
            Document::Explainer(e) => self.explainer = Some(e),
        }
    }
}

/// One parsed content file.
#[derive(Debug, Clone)]
pub enum Document {
    Briefing(Arc<Briefing>),
    Page(Arc<Page>),
    Explainer(Arc<ExplainerIntro>),
}

/// How bodies are rendered while parsing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rendering<'a> {
    /// How code blocks are highlighted.
    pub code: Highlighting<'a>,
    /// Keep each body's plain text, which only the search index reads
    /// (`false` saves packing it: a tenth of a build's packing time and
    /// 36 MiB at 10,000 briefings).
    pub keep_text: bool,
}

/// Parses every file: the source registry first, then every document in
/// parallel against it, rendered as `rendering` says; diagnostics
/// come back in file order. `serve` runs the same [`registry`] and
/// [`parse_one`] on the files a save touched.
pub fn parse(files: Vec<ContentFile>, rendering: Rendering, diags: &mut Vec<Diagnostic>) -> Parsed {
    let registry = registry(
        files
            .iter()
            .find(|f| f.kind == FileKind::Sources)
            .map(ContentFile::read),
        diags,
    );
    let authors = authors(
        files
            .iter()
            .find(|f| f.kind == FileKind::Authors)
            .map(ContentFile::read),
        diags,
    );
    let results: Vec<ParsedFile> = files
        .into_par_iter()
        .filter(|f| !matches!(f.kind, FileKind::Sources | FileKind::Authors))
        .map(|file| match file.read() {
            Ok(file) => parse_one(&file, &registry, rendering),
            Err(d) => ParsedFile::unreadable(d),
        })
        .collect();
    // The highlighter's per-thread line cache has done its work.
    rayon::broadcast(|_| crate::highlight::forget_lines());
    let mut parsed = Parsed {
        registry,
        authors,
        ..Parsed::default()
    };
    for file in results {
        diags.extend(file.diags);
        if let Some(doc) = file.doc {
            parsed.add(doc);
        }
    }
    parsed
}

/// The source registry from `content/sources.toml`, read or not (`None`:
/// the site has none, which is fine until something cites a source).
pub fn registry(
    file: Option<Result<SourceFile, Diagnostic>>,
    diags: &mut Vec<Diagnostic>,
) -> Registry {
    parse_optional(file, diags, sources::parse)
}

/// The authors' registry from `content/authors.toml`, read or not
/// (`None`: the site has none; bylines are optional).
pub fn authors(
    file: Option<Result<SourceFile, Diagnostic>>,
    diags: &mut Vec<Diagnostic>,
) -> Authors {
    parse_optional(file, diags, newsroom::parse_authors)
}

/// A site-wide TOML file that may be absent: parsed, or its read error
/// reported, or (absent or unreadable) empty.
fn parse_optional<T: Default>(
    file: Option<Result<SourceFile, Diagnostic>>,
    diags: &mut Vec<Diagnostic>,
    parse: fn(&SourceFile, &mut Vec<Diagnostic>) -> T,
) -> T {
    match file {
        Some(Ok(file)) => parse(&file, diags),
        Some(Err(d)) => {
            diags.push(d);
            T::default()
        }
        None => T::default(),
    }
}

/// One content file, parsed.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// `None` when the file has errors (or is the registry).
    pub doc: Option<Document>,
    pub diags: Vec<Diagnostic>,
    /// Every source id the file names, known or not, in its text, its
    /// explainer points or its events: a registry change to any of them
    /// must parse the file again.
    pub cites: Vec<String>,
}

impl ParsedFile {
    /// A file that could not be read: only its diagnostic.
    pub fn unreadable(d: Diagnostic) -> ParsedFile {
        ParsedFile {
            diags: vec![d],
            ..ParsedFile::default()
        }
    }
}

/// Parses one content file against the registry (the registry itself is
/// parsed by [`registry`]).
pub fn parse_one(file: &SourceFile, registry: &Registry, rendering: Rendering) -> ParsedFile {
    let mut diags = Vec::new();
    let doc = match file.kind {
        FileKind::Briefing => parse_briefing(file, registry, rendering, &mut diags)
            .map(|d| Document::Briefing(Arc::new(d))),
        FileKind::Page => {
            parse_page(file, registry, rendering, &mut diags).map(|d| Document::Page(Arc::new(d)))
        }
        FileKind::Explainer => parse_explainer(file, registry, rendering, &mut diags)
            .map(|d| Document::Explainer(Arc::new(d))),
        FileKind::Sources | FileKind::Authors => None,
    };
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
        cites.extend(
            b.events
                .iter()
                .flat_map(|e| e.cite.iter().map(|(id, _)| id.clone())),
        );
    }
    ParsedFile { doc, diags, cites }
}

/// Longest meta description made from a first paragraph, in characters:
/// about what search results and link previews show before they cut.
const DESCRIPTION_MAX: usize = 160;

/// A file's summary (front matter `summary`, else the first paragraph) and
/// its meta description. A written summary is the description as it
/// stands: the writer chose it. A first paragraph longer than
/// [`DESCRIPTION_MAX`] is cut to the whole sentences that fit (when they
/// make at least half of it), else to the words that fit, and an ellipsis.
fn summary_and_description(written: Option<&str>, body: &Body) -> (String, String) {
    if let Some(s) = written.map(markdown::typographic).filter(|s| !s.is_empty()) {
        return (s.clone(), s);
    }
    let summary = body.first_paragraph.clone();
    let description = shorten(&summary, DESCRIPTION_MAX);
    (summary, description)
}

/// `text` in at most `max` characters, cut as [`summary_and_description`]
/// says.
fn shorten(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    // `head` plus the character after it, so a sentence ending exactly at
    // the limit is seen as ending.
    let next = text[cut..].chars().next().map_or(0, char::len_utf8);
    let head = &text[..cut + next];
    let sentence_end = head
        .char_indices()
        .zip(head.chars().skip(1))
        .filter(|((_, c), after)| matches!(c, '.' | '?' | '!' | '”' | '’') && after.is_whitespace())
        .map(|((i, c), _)| i + c.len_utf8())
        // A closing quote ends a sentence only after . ? or !
        .filter(|&end| {
            text[..end]
                .trim_end_matches(['”', '’'])
                .ends_with(['.', '?', '!'])
        })
        .last();
    if let Some(end) = sentence_end.filter(|&end| text[..end].chars().count() >= max / 2) {
        return text[..end].to_string();
    }
    let words = text[..cut]
        .rfind(char::is_whitespace)
        .map_or(&text[..cut], |i| &text[..i]);
    let words = words.trim_end_matches(|c: char| c.is_whitespace() || ",;:—–-(“‘".contains(c));
    format!("{words}…")
}

/// Hash of a file's path and text, of the registry entries its body cites
/// and of the images it shows (their sizes and copies' names).
fn fingerprint(path: &std::path::Path, text: &str, body: &Body, registry: &Registry) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::default().build_hasher();
    // The path too: a renamed file gets another default slug.
    path.hash(&mut h);
    text.hash(&mut h);
    for c in &body.citations {
        registry.get(&c.id).hash(&mut h);
    }
    // Not which file each is (an index, which a file added beside it
    // shifts): what the page shows of it.
    for image in &body.images {
        (image.probe, &image.copies).hash(&mut h);
    }
    h.finish()
}

const FRONT_MATTER_EXAMPLE: &str = "start the file with front matter between `+++` lines, e.g.\n+++\ntitle = \"…\"\ndate = 2025-06-09\n+++";

/// Splits and reads the front matter of a markdown file into `T`, then
/// renders the body. `None` if the front matter had errors.
fn front_matter_and_body<T: serde::de::DeserializeOwned>(
    ctx: &FileContext,
    schema: &Schema,
    registry: &Registry,
    written: impl FnOnce(&T) -> Option<PubDate>,
    rendering: Rendering,
    files: Option<&[bundle::Colocated]>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(T, Body, usize)> {
    let split = match front_matter::split(ctx.text) {
        Ok(s) => s,
        Err(SplitError::Empty) => {
            // At 1:1, so editors that jump by `path:line:col` open it.
            diags.push(
                ctx.error(0..0, "empty file")
                    .with_help(FRONT_MATTER_EXAMPLE),
            );
            return None;
        }
        Err(SplitError::NoOpeningFence) => {
            diags.push(
                ctx.error(0..0, "missing front matter")
                    .with_help(FRONT_MATTER_EXAMPLE),
            );
            return None;
        }
        Err(SplitError::Unterminated(span)) => {
            diags.push(
                ctx.error(span, "front matter is never closed")
                    .with_help("add a line with only `+++` after the front matter"),
            );
            return None;
        }
    };
    let raw = toml_input::parse(
        ctx,
        split.front_matter,
        split.front_matter_start,
        schema,
        "front matter",
        diags,
    );
    // Render the body even when the front matter is bad: its problems are
    // reported in the same run.
    let written = raw.as_ref().and_then(written);
    let body = markdown::render(
        ctx,
        split.body,
        split.body_start,
        registry,
        markdown::Origin { written, files },
        rendering,
        diags,
    );
    Some((raw?, body, split.front_matter_start))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBriefing {
    title: Option<Spanned<String>>,
    date: Option<Spanned<Datetime>>,
    updated: Option<Spanned<Datetime>>,
    summary: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(default)]
    authors: Vec<Spanned<String>>,
    #[serde(default)]
    correction: Vec<Spanned<newsroom::RawCorrection>>,
    #[serde(default)]
    draft: bool,
    slug: Option<Spanned<String>>,
    #[serde(default)]
    deal: Vec<Spanned<RawDeal>>,
    #[serde(default)]
    event: Vec<Spanned<event::RawEvent>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeal {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    cite: Option<Spanned<Vec<Spanned<String>>>>,
    status: Option<Spanned<String>>,
}

static DEAL_SCHEMA: Schema = Schema::Table(&[
    ("id", None),
    ("kind", None),
    ("text", None),
    ("cite", None),
    ("status", None),
]);
static BRIEFING_SCHEMA: Schema = Schema::Table(&[
    ("title", None),
    ("date", None),
    ("updated", None),
    ("summary", None),
    ("tags", None),
    ("draft", None),
    ("slug", None),
    ("authors", None),
    ("deal", Some(&DEAL_SCHEMA)),
    ("correction", Some(&newsroom::CORRECTION_SCHEMA)),
    ("event", Some(&event::EVENT_SCHEMA)),
]);

/// Checks of front matter values, with the offset of the front matter applied.
struct Fields<'a, 'c> {
    ctx: &'a FileContext<'c>,
    offset: usize,
    diags: &'a mut Vec<Diagnostic>,
    ok: bool,
}

impl Fields<'_, '_> {
    fn span<T>(&self, v: &Spanned<T>) -> std::ops::Range<usize> {
        v.span().start + self.offset..v.span().end + self.offset
    }

    /// The sources a front-matter entry cites (`where_` says which, e.g.
    /// "in an event"): an unknown id is an error, a source published after
    /// `written` a warning, each at the id.
    fn check_cites(
        &mut self,
        cite: &[(String, Position)],
        registry: &Registry,
        written: Option<PubDate>,
        where_: &str,
    ) {
        for (id, at) in cite {
            let (severity, message, help) = match registry.get(id) {
                None if registry.is_invalid(id) => continue,
                None => (
                    Severity::Error,
                    format!("unknown source id `{id}` {where_}"),
                    registry.help_for_unknown(id),
                ),
                Some(source) => match markdown::anachronism(source, written) {
                    Some((message, help)) => (Severity::Warning, message, help),
                    None => continue,
                },
            };
            let d = Diagnostic::at_position(severity, self.ctx.path, at, message).with_help(help);
            self.ok &= severity != Severity::Error;
            self.diags.push(d);
        }
    }

    fn error(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let d = self.ctx.error(span, message).with_help_opt(help);
        self.diags.push(d);
        self.ok = false;
    }

    /// An inline-markdown text (a deal point's, an event's, a
    /// correction's): the text as written and its HTML. Empty text, a link
    /// to a `javascript:`-like URL and a `[@…]` citation (these cite
    /// through their `cite` list) are errors at it; `what` names the
    /// text's owner in them, `empty_help` says what to write.
    fn inline_text(
        &mut self,
        t: Spanned<String>,
        what: &str,
        empty_help: &str,
    ) -> Option<(String, String)> {
        let span = self.span(&t);
        if t.get_ref().trim().is_empty() {
            self.error(
                span,
                format!("{what} text is empty"),
                Some(empty_help.into()),
            );
            return None;
        }
        let mut problems = Vec::new();
        let html = markdown::inline_html(t.get_ref(), |problem| {
            problems.push(problem.describe(&format!("{what} text"), true));
        });
        for (message, help) in problems {
            self.error(span.clone(), message, Some(help));
        }
        Some((t.into_inner().trim().to_string(), html))
    }

    /// A required, non-empty string.
    fn required(&mut self, v: Option<Spanned<String>>, key: &str, example: &str) -> String {
        match v {
            Some(s) if !s.get_ref().trim().is_empty() => s.into_inner().trim().to_string(),
            Some(s) => {
                let span = self.span(&s);
                self.error(span, format!("`{key}` must not be empty"), None);
                String::new()
            }
            None => {
                // Point at the opening fence, after a byte-order mark if any.
                let fence = if self.ctx.text.starts_with('\u{feff}') {
                    3
                } else {
                    0
                };
                let span = fence..fence + 3;
                self.error(
                    span,
                    format!("missing required key `{key}`"),
                    Some(format!("add `{key} = {example}` to the front matter")),
                );
                String::new()
            }
        }
    }

    fn date(&mut self, v: &Spanned<Datetime>) -> Option<PubDate> {
        match PubDate::from_toml(v.get_ref()) {
            Ok(d) => Some(d),
            Err(e) => {
                let span = self.span(v);
                self.error(
                    span,
                    format!("invalid date: {}", e.message()),
                    Some(e.help().to_string()),
                );
                None
            }
        }
    }

    /// An `id` that becomes a URL fragment (a deal point's, an event's):
    /// the id and where it is, or an error at it with the id it could be.
    fn anchor_id(&mut self, id: Spanned<String>, what: &str) -> Option<(String, Position)> {
        let span = self.span(&id);
        let id = id.into_inner();
        if slug::is_valid(&id) {
            return Some((id, self.ctx.position(span)));
        }
        let fixed = slug::slugify(&id);
        let help = if fixed.is_empty() {
            "use lowercase letters, digits and hyphens, e.g. `geneva-truce`".to_string()
        } else {
            format!("write it as `{fixed}`")
        };
        self.error(
            span,
            format!("{what} id `{id}` is not a valid anchor"),
            Some(help),
        );
        None
    }

    fn slug(&mut self, v: Option<Spanned<String>>, path: &std::path::Path) -> (String, Position) {
        match v {
            Some(s) => {
                let span = self.span(&s);
                let at = self.ctx.position(span.clone());
                let value = s.into_inner();
                if !slug::is_valid(&value) {
                    let fixed = slug::slugify(&value);
                    let help = if fixed.is_empty() {
                        "use lowercase letters, digits and hyphens, e.g. `london-handshake`"
                            .to_string()
                    } else {
                        format!("write it as `{fixed}`")
                    };
                    let what = if value.contains(['/', '\\']) || value.contains("..") {
                        format!("slug `{value}` would write outside its folder in the output")
                    } else {
                        format!("slug `{value}` is not a valid URL segment")
                    };
                    self.error(span, what, Some(help));
                } else if value.len() > MAX_NAME {
                    let help = format!(
                        "shorten it, e.g. to `{}`",
                        slug::shorten(&value, MAX_TAG_SLUG)
                    );
                    self.error(
                        span,
                        format!(
                            "slug is {} bytes long, more than a file name may be ({MAX_NAME})",
                            value.len()
                        ),
                        Some(help),
                    );
                }
                (value, at)
            }
            None => {
                // A folder briefing is named by its folder.
                let folder = crate::load::is_folder_briefing(path);
                let named = if folder {
                    path.parent().and_then(|d| d.file_name())
                } else {
                    path.file_stem()
                };
                let stem = named.map(|s| s.to_string_lossy()).unwrap_or_default();
                let value = slug::from_file_stem(&stem);
                if value.is_empty() {
                    let (what, fix) = if folder {
                        ("folder name", "rename the folder")
                    } else {
                        ("file name", "rename the file")
                    };
                    let d = Diagnostic::error(path, format!("{what} gives an empty slug"))
                        .with_help(format!("{fix}, or set `slug = \"…\"` in the front matter"));
                    self.diags.push(d);
                    self.ok = false;
                }
                (value, self.ctx.position(0..0))
            }
        }
    }
}

fn parse_briefing(
    file: &SourceFile,
    registry: &Registry,
    rendering: Rendering,
    diags: &mut Vec<Diagnostic>,
) -> Option<Briefing> {
    let ctx = FileContext::new(&file.path, &file.text);
    let files = file.bundle.as_ref().map(|b| bundle::read(b, diags));
    let (raw, body, offset): (RawBriefing, Body, usize) = front_matter_and_body(
        &ctx,
        &BRIEFING_SCHEMA,
        registry,
        |raw: &RawBriefing| {
            let date = raw.date.as_ref()?;
            PubDate::from_toml(date.get_ref()).ok()
        },
        rendering,
        files.as_deref(),
        diags,
    )?;
    let mut f = Fields {
        ctx: &ctx,
        offset,
        diags,
        ok: true,
    };
    let title = markdown::typographic(&f.required(raw.title, "title", "\"…\""));
    let date = match &raw.date {
        Some(d) => f.date(d),
        None => {
            f.required(None, "date", "2025-06-09");
            None
        }
    };
    let updated = raw.updated.as_ref().and_then(|u| f.date(u));
    if let (Some(date), Some(updated), Some(raw_updated)) = (date, updated, &raw.updated)
        && updated < date
    {
        let span = f.span(raw_updated);
        f.error(
            span,
            "`updated` is before `date`",
            Some("an update comes after publication".into()),
        );
    }
    let tags = tag_names(&mut f, raw.tags);
    let (slug, slug_at) = f.slug(raw.slug, &file.path);
    let (summary, description) =
        summary_and_description(raw.summary.as_ref().map(|s| s.get_ref().as_str()), &body);
    let deal: Vec<DealPoint> = raw
        .deal
        .into_iter()
        .filter_map(|d| deal_point(&mut f, d))
        .collect();
    check_deal_points(&mut f, &deal, registry, date);
    let authors = newsroom::author_refs(&mut f, raw.authors);
    let corrections = newsroom::corrections(&mut f, raw.correction, date, registry);
    let events = event::events(&mut f, raw.event, registry, date);
    let ok = f.ok;
    Some(Briefing {
        fingerprint: fingerprint(&file.path, &file.text, &body, registry),
        path: file.path.clone(),
        title,
        date: date.filter(|_| ok)?,
        updated,
        summary,
        description,
        tags,
        draft: raw.draft,
        slug,
        slug_at,
        deal,
        authors,
        corrections,
        events,
        body,
        files: files.unwrap_or_default(),
    })
    .filter(|_| ok)
}

/// Problems between a briefing's points, and with the sources they cite:
/// checked here, with the registry at hand, so they are reported together
/// with every other problem of the briefing.
fn check_deal_points(
    f: &mut Fields,
    deal: &[DealPoint],
    registry: &Registry,
    written: Option<PubDate>,
) {
    let mut seen: std::collections::HashMap<&str, &Position> = std::collections::HashMap::new();
    for point in deal {
        f.check_cites(
            &point.cite,
            registry,
            written,
            &format!("in deal point `{}`", point.id),
        );
        match seen.get(point.id.as_str()) {
            Some(first) => {
                let d = Diagnostic::at_position(
                    Severity::Error,
                    f.ctx.path,
                    &point.id_at,
                    format!("deal point `{}` appears twice in this briefing", point.id),
                )
                .with_help(format!(
                    "the first is at line {}; merge them or give this one another id",
                    first.line
                ));
                f.diags.push(d);
                f.ok = false;
            }
            None => {
                seen.insert(&point.id, &point.id_at);
            }
        }
    }
}

fn deal_point(f: &mut Fields, raw: Spanned<RawDeal>) -> Option<DealPoint> {
    let whole = f.span(&raw);
    let raw = raw.into_inner();
    let before = f.ok;
    f.ok = true;
    let id = match raw.id {
        Some(id) => f.anchor_id(id, "deal point"),
        None => {
            f.error(
                whole.start..whole.start + 8,
                "deal point without an `id`",
                Some("add `id = \"a-stable-name\"`".into()),
            );
            None
        }
    };
    let kind = match raw.kind {
        Some(k) => match DealKind::parse(k.get_ref()) {
            Some(kind) => Some(kind),
            None => {
                let span = f.span(&k);
                let help = crate::diag::suggestion(k.get_ref(), DealKind::NAMES)
                    .unwrap_or_else(|| "use `is`, `is-not` or `open`".into());
                f.error(
                    span,
                    format!("unknown deal point kind `{}`", k.get_ref()),
                    Some(help),
                );
                None
            }
        },
        None => {
            f.error(
                whole.start..whole.start + 8,
                "deal point without a `kind`",
                Some("add `kind = \"is\"`, `\"is-not\"` or `\"open\"`".into()),
            );
            None
        }
    };
    let text = match raw.text {
        Some(t) => f.inline_text(
            t,
            "deal point",
            "say in one sentence what the deal is, is not, or leaves open",
        ),
        None => {
            f.error(
                whole.start..whole.start + 8,
                "deal point without a `text`",
                None,
            );
            None
        }
    };
    let cite = match raw.cite {
        Some(c) if !c.get_ref().is_empty() => {
            let items = c.into_inner();
            items
                .into_iter()
                .map(|s| {
                    let at = f.ctx.position(f.span(&s));
                    (s.into_inner(), at)
                })
                .collect()
        }
        Some(c) => {
            let span = f.span(&c);
            f.error(
                span,
                "deal point cites no source",
                Some("add at least one source id: `cite = [\"id\"]`".into()),
            );
            Vec::new()
        }
        None => {
            f.error(
                whole.start..whole.start + 8,
                "deal point without `cite`",
                Some("add `cite = [\"source-id\"]`".into()),
            );
            Vec::new()
        }
    };
    let withdrawn = match raw.status {
        None => false,
        Some(s) if s.get_ref() == "withdrawn" => true,
        Some(s) => {
            let span = f.span(&s);
            f.error(
                span,
                format!("unknown status `{}`", s.get_ref()),
                Some("the only status is `withdrawn`".into()),
            );
            false
        }
    };
    let ok = f.ok;
    f.ok = before && ok;
    let (id, id_at) = id?;
    let (text, text_html) = text?;
    Some(DealPoint {
        id,
        id_at,
        kind: kind?,
        text,
        text_html,
        cite,
        withdrawn,
    })
    .filter(|_| ok)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: Option<Spanned<String>>,
    summary: Option<String>,
    slug: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
}

static PAGE_SCHEMA: Schema = Schema::Table(&[
    ("title", None),
    ("summary", None),
    ("slug", None),
    ("draft", None),
]);

fn parse_page(
    file: &SourceFile,
    registry: &Registry,
    rendering: Rendering,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let ctx = FileContext::new(&file.path, &file.text);
    let (raw, body, offset): (RawPage, Body, usize) = front_matter_and_body(
        &ctx,
        &PAGE_SCHEMA,
        registry,
        |_| None,
        rendering,
        None,
        diags,
    )?;
    let mut f = Fields {
        ctx: &ctx,
        offset,
        diags,
        ok: true,
    };
    let title = markdown::typographic(&f.required(raw.title, "title", "\"…\""));
    let (slug, slug_at) = f.slug(raw.slug, &file.path);
    let ok = f.ok;
    let (summary, description) = summary_and_description(raw.summary.as_deref(), &body);
    Some(Page {
        fingerprint: fingerprint(&file.path, &file.text, &body, registry),
        path: file.path.clone(),
        title,
        summary,
        description,
        slug,
        slug_at,
        draft: raw.draft,
        body,
    })
    .filter(|_| ok)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExplainer {
    title: Option<Spanned<String>>,
    summary: Option<String>,
}

static EXPLAINER_SCHEMA: Schema = Schema::Table(&[("title", None), ("summary", None)]);

fn parse_explainer(
    file: &SourceFile,
    registry: &Registry,
    rendering: Rendering,
    diags: &mut Vec<Diagnostic>,
) -> Option<ExplainerIntro> {
    let ctx = FileContext::new(&file.path, &file.text);
    let (raw, body, offset): (RawExplainer, Body, usize) = front_matter_and_body(
        &ctx,
        &EXPLAINER_SCHEMA,
        registry,
        |_| None,
        rendering,
        None,
        diags,
    )?;
    let mut f = Fields {
        ctx: &ctx,
        offset,
        diags,
        ok: true,
    };
    let title = markdown::typographic(&f.required(raw.title, "title", "\"…\""));
    let ok = f.ok;
    let (summary, description) = summary_and_description(raw.summary.as_deref(), &body);
    Some(ExplainerIntro {
        fingerprint: fingerprint(&file.path, &file.text, &body, registry),
        path: file.path.clone(),
        title,
        summary,
        description,
        body,
    })
    .filter(|_| ok)
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn short_text_is_kept() {
        assert_eq!(shorten("One sentence.", 20), "One sentence.");
        assert_eq!(shorten("exactly ten", 11), "exactly ten");
    }

    #[test]
    fn cut_after_the_last_whole_sentence_that_fits() {
        let text = "The first sentence is long. The second one too. The third runs past the end.";
        assert_eq!(
            shorten(text, 50),
            "The first sentence is long. The second one too."
        );
        // A sentence ending exactly at the limit counts.
        assert_eq!(shorten("Ends here. Then more words.", 10), "Ends here.");
        // A closing quote after the full stop belongs to the sentence.
        assert_eq!(
            shorten("He called it “routine.” Then he left the room at once.", 30),
            "He called it “routine.”"
        );
    }

    #[test]
    fn cut_at_a_word_when_the_sentences_are_too_short_or_too_long() {
        assert_eq!(
            shorten("Short. Then a very long sentence that goes on and on.", 30),
            "Short. Then a very long…"
        );
        assert_eq!(shorten("one two, three four", 12), "one two…");
        // No space at all: cut inside the word, on a character boundary.
        assert_eq!(shorten("ééééééééé", 4), "éééé…");
    }
}
