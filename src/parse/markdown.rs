//! A briefing's markdown body -> HTML, table of contents, summary, counts.
//!
//! pulldown-cmark parses; this module rewrites the event stream in one pass
//! for what the default renderer lacks: heading ids with anchor links,
//! highlighted code, footnotes gathered at the end with back-references,
//! scrollable tables, and checks on links. Body problems are reported at
//! their position in the file through the byte offsets pulldown-cmark gives.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
    html,
};

mod figure;

use crate::date::PubDate;
use crate::diag::{Diagnostic, FileContext};
use crate::highlight;
use crate::html::escape_into;
use crate::parse::Rendering;
use crate::parse::bundle::{Colocated, Resized};
pub use crate::parse::packed::PackedHtml;
use crate::parse::sources::{Registry, Source};
use crate::parse::{chart, citation};
use crate::slug::slugify;

/// A heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// The rendered body of one content file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub html: PackedHtml,
    /// Every heading in order; nested into a tree when rendered.
    pub headings: Vec<Heading>,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    /// Plain text of everything a reader sees in the body, in order
    /// (headings, paragraphs, list items, table cells, code, the footnotes
    /// that are shown), blocks separated by newlines; citation markers and
    /// raw HTML left out. What the search index reads; empty unless
    /// [`Rendering::keep_text`].
    pub text: PackedHtml,
    pub word_count: usize,
    /// Every source cited, in order of first use (index + 1 is its number).
    pub citations: Vec<CitedSource>,
    /// A hash of each of `citations`, same order: what a source page shows
    /// of this body, so `serve` can tell cheaply whether it changed.
    pub citation_keys: Vec<u64>,
    /// Ids cited that the registry could not resolve (entries with errors):
    /// when the registry is fixed, this body must be rendered again.
    pub unresolved: Vec<String>,
    /// Links to other content files, in order: link `N` is written in
    /// `html` as `href="brief-link:N"` and becomes the target's URL when
    /// the page is rendered (see [`CONTENT_LINK`]).
    pub links: Vec<ContentLink>,
    /// The raster images beside a folder briefing that the body shows,
    /// each once, with the resized copies its `srcset` names.
    pub images: Vec<Resized>,
}

/// The href prefix of a link to another content file until rendering,
/// when the target's URL is known (its slug may change without the
/// linking file changing).
pub const CONTENT_LINK: &str = "brief-link:";

/// A link from a body to another content file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentLink {
    /// The file linked, relative to the site root (`content/pages/about.md`).
    pub target: std::path::PathBuf,
    /// `#fragment`, without the `#`.
    pub fragment: Option<String>,
    /// Where the link is written.
    pub at: crate::diag::Position,
}

/// The content file a link destination names, relative to the site root:
/// `@/briefings/x.md` from the content root, or a relative path ending in
/// `.md` from the linking file's folder (`from`), with an optional
/// `#fragment`. `None` for anything else (URLs, paths in the site, files).
pub fn content_link_target(
    dest: &str,
    from: &std::path::Path,
) -> Option<(std::path::PathBuf, Option<String>)> {
    use std::path::{Component, PathBuf};
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (dest, None),
    };
    let (base, rel) = if let Some(rest) = path.strip_prefix("@/") {
        (PathBuf::from("content"), rest)
    } else {
        if path.contains(':') || path.starts_with('/') || !path.ends_with(".md") {
            return None;
        }
        (from.parent().map(PathBuf::from).unwrap_or_default(), path)
    };
    let decoded = percent_encoding::percent_decode_str(rel)
        .decode_utf8()
        .ok()?;
    let mut target = base;
    for part in std::path::Path::new(decoded.as_ref()).components() {
        match part {
            Component::Normal(p) => target.push(p),
            // Never above the site root: a target there exists nowhere.
            Component::ParentDir if !target.pop() => {
                return Some((PathBuf::from("/"), fragment));
            }
            _ => {}
        }
    }
    Some((target, fragment))
}

/// A source cited in a body, with every place it is cited.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitedSource {
    pub id: String,
    pub uses: Vec<CitationUse>,
}

/// One place a source is cited.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitationUse {
    /// The marker's element id, e.g. `cite-2-b`, for back-links.
    pub anchor: String,
    pub locator: Option<String>,
    /// The sentence around the citation, as plain text.
    pub context: String,
}

/// The markdown extensions brief enables, in one place.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What a body's document brings to its rendering besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'f> {
    /// The document's date, if it has one: citing a source published
    /// after it is a warning (a briefing can only cite what existed when it
    /// was written).
    pub written: Option<PubDate>,
    /// The files beside a folder briefing, which its relative images name
    /// (`None` for any other document).
    pub files: Option<&'f [Colocated]>,
}

/// Renders `body`, which starts at byte `offset` of the file in `ctx`;
/// citations are numbered and checked against `registry`.
pub fn render(
    ctx: &FileContext,
    body: &str,
    offset: usize,
    registry: &Registry,
    origin: Origin,
    rendering: Rendering,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let Origin { written, files } = origin;
    // `[@…]` reaches us as a reference link without a definition: turn it
    // into a link to `cite:N`, N indexing the labels collected here.
    // The parser calls back while the renderer reads the labels, one event
    // at a time: the events are never all held at once.
    let labels: RefCell<Vec<Range<usize>>> = RefCell::default();
    let callback = |link: BrokenLink<'_>| {
        citation::is_citation(&link.reference).then(|| {
            let mut labels = labels.borrow_mut();
            labels.push(link.span.clone());
            (
                CowStr::from(format!("{CITE_SCHEME}{}", labels.len() - 1)),
                CowStr::Borrowed(""),
            )
        })
    };
    let events =
        Parser::new_with_broken_link_callback(body, options(), Some(callback)).into_offset_iter();
    let mut r = HtmlWriter {
        ctx,
        body,
        offset,
        diags,
        registry,
        written,
        rendering,
        labels: &labels,
        in_citation: false,
        in_image: 0,
        files,
        images: Vec::new(),
        image: None,
        images_shown: 0,
        paragraph_start: None,
        lone: None,
        deferred: Vec::new(),
        citations: Vec::new(),
        unresolved: Vec::new(),
        links: Vec::new(),
        blocks: Vec::new(),
        out: Vec::with_capacity(body.len() / 8),
        footnote_defs: HashMap::new(),
        footnote_spans: HashMap::new(),
        current_def: None,
        footnote_order: Vec::new(),
        footnote_refs: HashMap::new(),
        ids: HashSet::new(),
        headings: Vec::new(),
        heading: None,
        code: None,
        paragraph: ParagraphState::Before,
        first_paragraph: String::new(),
        text: String::with_capacity(body.len()),
        footnote_text: HashMap::new(),
        words: 0,
        charts: 0,
    };
    for (event, range) in events {
        if let Some(name) = undefined_footnote(body, &event, &range) {
            let span = range.start - 1 + offset..range.end + 1 + offset;
            r.diags.push(
                ctx.error(span, format!("footnote `{name}` is never defined"))
                    .with_help(format!("add a definition: `[^{name}]: …` on its own line")),
            );
        }
        r.event(event, range);
    }
    r.finish()
}

struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    inner: Vec<Event<'a>>,
    text: String,
}

struct OpenCode {
    lang: Option<String>,
    text: String,
    start: usize,
    /// Where the text's pieces come from: (offset in `text`, offset in
    /// the body), so a problem in a `chart` block is reported where it is
    /// written even in a list item or a quote.
    pieces: Vec<(usize, usize)>,
    /// Body ranges of the text's lines, for a `figure` block's positions.
    lines: Vec<Range<usize>>,
}

#[derive(PartialEq)]
enum ParagraphState {
    Before,
    In,
    Done,
}

/// A citation waiting for the end of its text block, which gives it its
/// sentence: at byte `at` of the block's text.
enum PendingUse {
    /// Use `use_index` of cited source `source`.
    Use {
        source: usize,
        use_index: usize,
        at: usize,
    },
    /// Citation `slot` of a footnote, numbered once the notes are.
    Deferred { slot: usize, at: usize },
}

/// A citation in a footnote. Notes are read after the text, in the order
/// they are referenced, so their citations are numbered then (and a note
/// that is never referenced, so never shown, cites nothing).
struct DeferredCitation {
    items: Vec<citation::Item>,
    context: String,
}

/// Stands in a footnote's events for its citation `slot` until the notes
/// are rendered; markdown cannot produce it (pulldown-cmark replaces NUL).
const DEFERRED_MARK: char = '\0';

struct HtmlWriter<'a, 'c> {
    ctx: &'c FileContext<'c>,
    body: &'a str,
    offset: usize,
    diags: &'c mut Vec<Diagnostic>,
    registry: &'c Registry,
    /// The document's date: sources published after it are anachronisms.
    written: Option<PubDate>,
    rendering: Rendering<'c>,
    /// Body spans of the `[@…]` citations, indexed by `cite:N`.
    labels: &'c RefCell<Vec<Range<usize>>>,
    /// Inside a citation's link: its text is not output.
    in_citation: bool,
    /// Inside an image: its text is the alt text.
    in_image: usize,
    /// The files beside a folder briefing (see [`render`]).
    files: Option<&'c [Colocated]>,
    /// The raster images shown, with their copies.
    images: Vec<Resized>,
    /// The image being read (see `figure.rs`).
    image: Option<figure::OpenImage<'a>>,
    /// Images shown outside footnotes: all but the first load lazily.
    images_shown: usize,
    /// Where the open paragraph starts in the emit target, and whether it
    /// is the first paragraph (the summary).
    paragraph_start: Option<(usize, bool)>,
    /// An image that may be alone in the open paragraph: a figure.
    lone: Option<figure::LoneImage>,
    deferred: Vec<DeferredCitation>,
    citations: Vec<CitedSource>,
    unresolved: Vec<String>,
    /// Links to other content files, numbered as written.
    links: Vec<ContentLink>,
    /// Plain text of the open text blocks (paragraph, heading, cell, item),
    /// innermost last, with the citations waiting for their sentence.
    blocks: Vec<(String, Vec<PendingUse>)>,
    out: Vec<Event<'a>>,
    footnote_defs: HashMap<String, Vec<Event<'a>>>,
    /// Where each footnote is defined (body offsets), for diagnostics.
    footnote_spans: HashMap<String, Range<usize>>,
    current_def: Option<String>,
    /// Footnote names in order of first reference: their numbers.
    footnote_order: Vec<String>,
    /// References seen per footnote name.
    footnote_refs: HashMap<String, usize>,
    ids: HashSet<String>,
    headings: Vec<Heading>,
    heading: Option<OpenHeading<'a>>,
    code: Option<OpenCode>,
    paragraph: ParagraphState,
    first_paragraph: String,
    /// The body's plain text so far (see [`Body::text`]).
    text: String,
    /// Each footnote's plain text, added to `text` if it is shown.
    footnote_text: HashMap<String, String>,
    words: usize,
    /// Charts drawn so far, for their ids.
    charts: usize,
}

impl<'a> HtmlWriter<'a, '_> {
    fn span(&self, range: &Range<usize>) -> Range<usize> {
        range.start + self.offset..range.end + self.offset
    }

    fn emit(&mut self, event: Event<'a>) {
        if let Some(image) = &mut self.image {
            image.inner.push(event);
        } else if let Some(h) = &mut self.heading {
            h.inner.push(event);
        } else if let Some(name) = &self.current_def {
            self.footnote_defs
                .entry(name.clone())
                .or_default()
                .push(event);
        } else {
            self.out.push(event);
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if let Event::End(
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition,
        ) = event
        {
            self.end_text_block();
        }
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(t) => {
                    code.pieces.push((code.text.len(), range.start));
                    code.text.push_str(&t);
                    code.lines.push(range);
                }
                Event::End(TagEnd::CodeBlock) => self.close_code(),
                _ => {}
            }
            return;
        }
        if self.in_citation {
            if let Event::End(TagEnd::Link) = event {
                self.in_citation = false;
            }
            return;
        }
        match &event {
            // A table row is one block, so a citation in a cell keeps the row's meaning.
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::TableRow | Tag::TableHead | Tag::Item,
            ) => self.blocks.push(Default::default()),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::Item,
            ) => self.close_block(),
            Event::End(TagEnd::TableCell) => {
                if let Some((row, _)) = self.blocks.last_mut() {
                    row.push_str(" · ");
                }
            }
            _ => {}
        }
        if figure::image_event(self, &event, &range) {
            return;
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if matches!(
                link_type,
                LinkType::ShortcutUnknown | LinkType::CollapsedUnknown | LinkType::ReferenceUnknown
            ) && dest_url.starts_with(CITE_SCHEME) =>
            {
                let n: usize = dest_url[CITE_SCHEME.len()..].parse().unwrap_or(usize::MAX);
                self.in_citation = true;
                self.citation(n);
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                self.heading = Some(OpenHeading {
                    level,
                    id,
                    classes,
                    inner: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.close_heading(),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(OpenCode {
                    lang,
                    text: String::new(),
                    start: range.start,
                    pieces: Vec::new(),
                    lines: Vec::new(),
                });
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                self.current_def = Some(name.to_string());
                self.footnote_defs.entry(name.to_string()).or_default();
                self.footnote_spans
                    .entry(name.to_string())
                    .or_insert(range.clone());
            }
            Event::End(TagEnd::FootnoteDefinition) => self.current_def = None,
            Event::FootnoteReference(name) => self.footnote_reference(name),
            Event::Start(Tag::Paragraph) => {
                let first = self.paragraph == ParagraphState::Before && self.current_def.is_none();
                if first {
                    self.paragraph = ParagraphState::In;
                }
                self.paragraph_start = Some((self.target_len(), first));
                self.lone = None;
                self.emit(Event::Start(Tag::Paragraph));
            }
            // An image alone in its paragraph became a figure.
            Event::End(TagEnd::Paragraph) if self.close_figure() => {}
            Event::End(TagEnd::Paragraph) => {
                if self.paragraph == ParagraphState::In && self.current_def.is_none() {
                    self.paragraph = ParagraphState::Done;
                }
                self.emit(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Table(align)) => {
                self.emit(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                self.emit(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                self.emit(Event::End(TagEnd::Table));
                self.emit(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.check_url(dest_url, &range, "link");
                let dest_url = match content_link_target(&dest_url, self.ctx.path) {
                    Some((target, fragment)) => {
                        let at = self.ctx.position(self.span(&range));
                        self.links.push(ContentLink {
                            target,
                            fragment,
                            at,
                        });
                        CowStr::from(format!("{CONTENT_LINK}{}", self.links.len() - 1))
                    }
                    None => dest_url,
                };
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Text(text) => {
                self.words += count_words(&text);
                self.plain_text(&text);
                self.emit(Event::Text(text));
            }
            Event::Code(code) => {
                self.words += count_words(&code);
                self.plain_text(&code);
                self.emit(Event::Code(code));
            }
            // A checkbox needs a name for screen readers; it is never editable.
            Event::TaskListMarker(done) => {
                let (checked, label) = if done {
                    (" checked", "Done")
                } else {
                    ("", "Not done")
                };
                self.emit(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ")
                        .into(),
                ));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.plain_text(" ");
                self.emit(event);
            }
            other => self.emit(other),
        }
    }

    /// Collects plain text for the summary, the heading being read, the
    /// sentence context of citations and the body's text.
    fn plain_text(&mut self, text: &str) {
        self.push_text(text);
        if let Some((block, _)) = self.blocks.last_mut() {
            block.push_str(text);
        }
        if let Some(h) = &mut self.heading {
            h.text.push_str(text);
        } else if self.paragraph == ParagraphState::In && self.current_def.is_none() {
            self.first_paragraph.push_str(text);
        }
    }

    /// The body's text being written: the body's own, or the open
    /// footnote's.
    fn text_sink(&mut self) -> &mut String {
        match &self.current_def {
            Some(name) => self.footnote_text.entry(name.clone()).or_default(),
            None => &mut self.text,
        }
    }

    fn push_text(&mut self, text: &str) {
        self.text_sink().push_str(text);
    }

    /// Ends a block of the body's text with a newline, so the words of
    /// two blocks never run together.
    fn end_text_block(&mut self) {
        let text = self.text_sink();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
    }

    /// Checks citation `n` and emits its markers: now in the text, once
    /// the notes are numbered in a footnote, never in an image's alt text.
    fn citation(&mut self, n: usize) {
        let Some(items) = self.citation_items(n) else {
            return;
        };
        // The marker is left out of the body's text, and so is the space
        // before it: "steady [@a]." reads "steady.".
        let text = self.text_sink();
        text.truncate(text.trim_end_matches(' ').len());
        if self.in_image > 0 {
            let span = self.labels.borrow()[n].clone();
            let d = self
                .ctx
                .warning(self.span(&span), "a citation in an image's description is not shown")
                .with_help("the description is read out in place of the image: cite the source in the text beside it");
            self.diags.push(d);
            return;
        }
        // A heading is rendered to HTML as it closes, so a citation in a
        // note's heading (rare) is numbered where it is written.
        if self.current_def.is_some() && self.heading.is_none() {
            let slot = self.deferred.len();
            self.deferred.push(DeferredCitation {
                items,
                context: String::new(),
            });
            if let Some((text, pending)) = self.blocks.last_mut() {
                pending.push(PendingUse::Deferred {
                    slot,
                    at: text.len(),
                });
            }
            self.emit(Event::InlineHtml(
                format!("{DEFERRED_MARK}{slot}{DEFERRED_MARK}").into(),
            ));
            return;
        }
        let (html, uses) = self.markers(items);
        if let Some((text, pending)) = self.blocks.last_mut() {
            pending.extend(uses.into_iter().map(|(source, use_index)| PendingUse::Use {
                source,
                use_index,
                at: text.len(),
            }));
        }
        self.emit(Event::InlineHtml(CowStr::from(html)));
    }

    /// The items of citation `n`, each id checked against the registry;
    /// `None` (and the label as text) when it is malformed.
    fn citation_items(&mut self, n: usize) -> Option<Vec<citation::Item>> {
        let span = self.labels.borrow().get(n).cloned()?;
        // The label as written: between `[` and the first `]`.
        let label_start = span.start + 1;
        let label_end = self.body[label_start..span.end]
            .find(']')
            .map_or(span.end, |i| label_start + i);
        let label = &self.body[label_start..label_end];
        let file_span = |r: Range<usize>| {
            r.start + label_start + self.offset..r.end + label_start + self.offset
        };
        let items = match citation::parse(label) {
            Ok(items) => items,
            Err(m) => {
                let d = self
                    .ctx
                    .error(
                        file_span(m.span),
                        format!("malformed citation: {}", m.message),
                    )
                    .with_help("write `[@id]`, `[@id, locator]` or `[@a; @b]`");
                self.diags.push(d);
                self.emit(Event::Text(CowStr::from(
                    self.body[span.clone()].to_string(),
                )));
                return None;
            }
        };
        for item in &items {
            match self.registry.get(&item.id) {
                None if !self.registry.is_invalid(&item.id) => {
                    let d = self
                        .ctx
                        .error(
                            file_span(item.span.clone()),
                            format!("unknown source id `{}`", item.id),
                        )
                        .with_help(self.registry.help_for_unknown(&item.id));
                    self.diags.push(d);
                }
                Some(source) => {
                    if let Some(d) = anachronism(source, self.written) {
                        let d = Diagnostic {
                            severity: crate::diag::Severity::Warning,
                            ..self.ctx.error(file_span(item.span.clone()), d.0)
                        }
                        .with_help(d.1);
                        self.diags.push(d);
                    }
                }
                None => {}
            }
        }
        Some(items)
    }

    /// Numbers the items of one citation and records their uses: the
    /// markers' HTML, and (source, use) of each use recorded. Sources are
    /// numbered in the order written, and the markers of a group are shown
    /// in number order, as numeric citation styles do (`[@c; @a]` after
    /// `[@a]` reads "1, 2", not "2, 1"); unknown ids come last.
    fn markers(&mut self, items: Vec<citation::Item>) -> (String, Vec<(usize, usize)>) {
        let mut uses = Vec::new();
        let mut shown: Vec<(usize, String)> = Vec::with_capacity(items.len());
        for item in items {
            let Some(source) = self.registry.get(&item.id) else {
                // Reported: unknown above, or with errors in sources.toml.
                if self.registry.is_invalid(&item.id) {
                    self.unresolved.push(item.id.clone());
                }
                shown.push((
                    usize::MAX,
                    "<span class=\"cite cite--unknown\">?</span>".to_string(),
                ));
                continue;
            };
            let number = match self.citations.iter().position(|c| c.id == item.id) {
                Some(i) => i + 1,
                None => {
                    self.citations.push(CitedSource {
                        id: item.id.clone(),
                        uses: Vec::new(),
                    });
                    self.citations.len()
                }
            };
            let cited = &mut self.citations[number - 1];
            let anchor = format!("cite-{number}-{}", letter(cited.uses.len() + 1));
            cited.uses.push(CitationUse {
                anchor: anchor.clone(),
                locator: item.locator.clone(),
                context: String::new(),
            });
            uses.push((number - 1, cited.uses.len() - 1));
            let marker = citation_marker(
                number,
                &anchor,
                source.reference_html(),
                item.locator.as_deref(),
            );
            shown.push((number, marker));
        }
        // Stable: one source cited twice keeps its uses in written order.
        shown.sort_by_key(|(number, _)| *number);
        let mut html = String::from("<sup class=\"cite-group\" data-pagefind-ignore>");
        for (k, (_, marker)) in shown.iter().enumerate() {
            if k > 0 {
                html.push_str("<span class=\"cite-sep\">,</span>");
            }
            html.push_str(marker);
        }
        html.push_str("</sup>");
        (html, uses)
    }

    /// A footnote's events with its citations numbered, in order.
    fn number_deferred(&mut self, events: Vec<Event<'a>>) -> Vec<Event<'a>> {
        events
            .into_iter()
            .map(|event| {
                let slot = match &event {
                    Event::InlineHtml(h) => h
                        .strip_prefix(DEFERRED_MARK)
                        .and_then(|h| h.strip_suffix(DEFERRED_MARK))
                        .and_then(|n| n.parse::<usize>().ok()),
                    _ => None,
                };
                let Some(slot) = slot.filter(|&s| s < self.deferred.len()) else {
                    return event;
                };
                let items = std::mem::take(&mut self.deferred[slot].items);
                let context = std::mem::take(&mut self.deferred[slot].context);
                let (html, uses) = self.markers(items);
                for (source, use_index) in uses {
                    self.citations[source].uses[use_index].context = context.clone();
                }
                Event::InlineHtml(html.into())
            })
            .collect()
    }

    /// Closes a text block: the citations in it get their sentence.
    fn close_block(&mut self) {
        let Some((text, pending)) = self.blocks.pop() else {
            return;
        };
        for p in pending {
            match p {
                PendingUse::Use {
                    source,
                    use_index,
                    at,
                } => self.citations[source].uses[use_index].context = sentence_around(&text, at),
                PendingUse::Deferred { slot, at } => {
                    self.deferred[slot].context = sentence_around(&text, at);
                }
            }
        }
        // An item's paragraphs are its text too, for a tight list's parent.
        if let Some((outer, _)) = self.blocks.last_mut() {
            if !outer.is_empty() {
                outer.push(' ');
            }
            outer.push_str(&text);
        }
    }

    fn check_url(&mut self, url: CowStr<'a>, range: &Range<usize>, what: &str) -> CowStr<'a> {
        match unsafe_scheme(&url) {
            None => url,
            Some(scheme) => {
                let d = self
                    .ctx
                    .error(self.span(range), format!("{what} to a `{scheme}:` URL"))
                    .with_help(
                        "link to an `https:` URL, a `mailto:` address or a path in the site",
                    );
                self.diags.push(d);
                CowStr::Borrowed("#")
            }
        }
    }

    fn close_code(&mut self) {
        let Some(code) = self.code.take() else { return };
        if code.lang.as_deref() == Some("figure") {
            self.figure_block(&code.text, &code.lines, code.start);
            return;
        }
        if code.lang.as_deref() == Some(CHART_LANGUAGE) {
            self.chart(code);
            return;
        }
        self.push_text(&code.text);
        self.end_text_block();
        let (html, status) =
            highlight::code_block(code.lang.as_deref(), &code.text, self.rendering.code);
        if let (Err(unknown), Some(lang)) = (status, &code.lang) {
            let start = code.start + self.offset;
            let d = self
                .ctx
                .warning(
                    start..start + 3,
                    format!("unknown language `{lang}` in code block; shown without highlighting"),
                )
                .with_help_opt(unknown.suggestion.map(|s| format!("did you mean `{s}`?")));
            self.diags.push(d);
        }
        self.emit(Event::Html(html.into()));
    }

    /// A `chart` block: checked, drawn, and its sources numbered with the
    /// body's other citations (each source once per chart, in the order
    /// the values cite them).
    fn chart(&mut self, code: OpenCode) {
        let offset = self.offset;
        let start = code.start;
        let pieces = &code.pieces;
        let map = |at: usize| -> usize {
            let i = pieces.partition_point(|&(t, _)| t <= at).saturating_sub(1);
            match pieces.get(i) {
                Some(&(t, b)) => b + (at - t) + offset,
                None => start + offset,
            }
        };
        let fence = start + offset..start + offset + 3;
        let Some(block) =
            chart::parse(self.ctx, &code.text, &map, fence, self.registry, self.diags)
        else {
            return;
        };
        self.charts += 1;
        let id = self.unique_id(format!("chart-{}", self.charts));
        // Source id -> what it sources, in first-use order: per series, the
        // labels of its values (or the whole series).
        let mut sources: Vec<(String, Vec<String>)> = Vec::new();
        let mut cited = 0;
        for (series, cites) in block.chart.series.iter().zip(&block.cites) {
            let mut by_source: Vec<(&String, Vec<&str>)> = Vec::new();
            for (label, cite) in block.chart.labels.iter().zip(cites) {
                let Some(source) = cite else { continue };
                cited += 1;
                match by_source.iter_mut().find(|(id, _)| *id == source) {
                    Some((_, labels)) => labels.push(label),
                    None => by_source.push((source, vec![label])),
                }
            }
            for (source, labels) in by_source {
                let what = match (series.name.as_str(), labels.len() == cites.len()) {
                    ("", _) => labels.join(", "),
                    (name, true) => name.to_string(),
                    (name, false) => format!("{name} ({})", labels.join(", ")),
                };
                match sources.iter_mut().find(|(id, _)| id == source) {
                    Some((_, whats)) => whats.push(what),
                    None => sources.push((source.clone(), vec![what])),
                }
            }
        }
        let all = block
            .chart
            .series
            .iter()
            .map(|s| s.values.len())
            .sum::<usize>();
        let mut parts = Vec::new();
        for (source, labels) in &sources {
            let item = citation::Item {
                id: source.clone(),
                span: 0..0,
                locator: None,
            };
            let (marker, uses) = self.markers(vec![item]);
            let context = format!("{}: {}", block.chart.title, labels.join(", "));
            for (s, u) in uses {
                self.citations[s].uses[u].context = context.clone();
            }
            let publisher = self
                .registry
                .get(source)
                .map_or(source.as_str(), |s| s.publisher.as_str());
            let mut named = String::new();
            escape_into(&mut named, publisher);
            named.push_str(&marker);
            parts.push((labels, named));
        }
        let sources_html = match parts.as_slice() {
            [] => String::new(),
            // One source for every value: no need to say which.
            [(_, named)] if cited == all => format!("Source: {named}"),
            _ => {
                let mut html = String::from(if parts.len() == 1 {
                    "Source: "
                } else {
                    "Sources: "
                });
                for (k, (labels, named)) in parts.iter().enumerate() {
                    if k > 0 {
                        html.push_str("; ");
                    }
                    escape_into(&mut html, &labels.join(", "));
                    html.push_str(": ");
                    html.push_str(named);
                }
                html
            }
        };
        self.emit(Event::Html(
            chart::figure(&block, &id, &sources_html).into(),
        ));
    }

    fn close_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let title = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let id = self.unique_id(
            h.id.as_deref()
                .map_or_else(|| slugify(&title), str::to_string),
        );
        let level = h.level as u8;
        let mut open = format!("<h{level} id=\"");
        escape_into(&mut open, &id);
        open.push('"');
        if !h.classes.is_empty() {
            open.push_str(" class=\"");
            escape_into(&mut open, &h.classes.join(" "));
            open.push('"');
        }
        open.push('>');
        let mut inner = String::new();
        html::push_html(&mut inner, h.inner.into_iter());
        let mut anchor = String::from(" <a class=\"anchor\" href=\"#");
        escape_into(&mut anchor, &id);
        anchor.push_str(&format!(
            "\" aria-hidden=\"true\" tabindex=\"-1\" data-pagefind-ignore>#</a></h{level}>\n"
        ));
        self.emit(Event::Html(format!("{open}{inner}{anchor}").into()));
        self.headings.push(Heading { level, id, title });
    }

    fn unique_id(&mut self, base: String) -> String {
        let mut base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        // Keep heading ids out of the namespaces brief uses for notes and citations.
        if ["fn-", "fnref-", "cite-", "ref-"]
            .iter()
            .any(|p| base.starts_with(p))
        {
            base = format!("h-{base}");
        }
        let mut id = base.clone();
        let mut n = 1;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn footnote_reference(&mut self, name: CowStr<'a>) {
        let number = match self.footnote_order.iter().position(|n| n == name.as_ref()) {
            Some(i) => i + 1,
            None => {
                self.footnote_order.push(name.to_string());
                self.footnote_order.len()
            }
        };
        let count = self.footnote_refs.entry(name.to_string()).or_default();
        *count += 1;
        let html = format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{number}\" id=\"fnref-{number}-{count}\">{number}</a></sup>"
        );
        self.emit(Event::Html(html.into()));
    }

    fn finish(mut self) -> Body {
        let mut out = String::with_capacity(self.ctx.text.len() * 3 / 2);
        html::push_html(&mut out, std::mem::take(&mut self.out).into_iter());
        if !self.footnote_order.is_empty() {
            out.push_str("<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol>\n");
            let order = std::mem::take(&mut self.footnote_order);
            for (i, name) in order.iter().enumerate() {
                let number = i + 1;
                if let Some(text) = self.footnote_text.get(name) {
                    self.text.push_str(text);
                    self.end_text_block();
                }
                let mut def = String::new();
                let events = self.footnote_defs.remove(name).unwrap_or_default();
                let events = self.number_deferred(events);
                html::push_html(&mut def, events.into_iter());
                let refs = self.footnote_refs.get(name).copied().unwrap_or(0);
                let mut back = String::new();
                for r in 1..=refs {
                    let suffix = if refs > 1 { letter(r) } else { String::new() };
                    back.push_str(&format!(
                        " <a href=\"#fnref-{number}-{r}\" class=\"footnote-backref\" aria-label=\"Back to reference {number}{suffix}\">↩{}</a>",
                        if refs > 1 { format!("<sup>{suffix}</sup>") } else { String::new() }
                    ));
                }
                let def = def.trim_end();
                let def = match def.strip_suffix("</p>") {
                    Some(body) => format!("{body}{back}</p>"),
                    None => format!("{def}<p>{}</p>", back.trim_start()),
                };
                out.push_str(&format!("<li id=\"fn-{number}\">{def}</li>\n"));
            }
            out.push_str("</ol>\n</section>\n");
        }
        let mut unused: Vec<&String> = self.footnote_defs.keys().collect();
        unused.sort_by_key(|name| self.footnote_spans.get(*name).map_or(0, |r| r.start));
        for name in unused {
            // Point at the `[^name]:` label of the definition.
            let span = self
                .footnote_spans
                .get(name)
                .map_or(0..0, |r| self.span(&(r.start..r.start + name.len() + 4)));
            let d = self.ctx.warning(
                span,
                format!("footnote `{name}` is defined but never referenced"),
            );
            self.diags
                .push(d.with_help(format!("cite it with `[^{name}]` or remove it")));
        }
        Body {
            html: PackedHtml::pack(&out),
            citation_keys: self
                .citations
                .iter()
                .map(crate::fingerprint::hash_of)
                .collect(),
            citations: self.citations,
            unresolved: self.unresolved,
            links: self.links,
            images: self.images,
            headings: self.headings,
            first_paragraph: close_gaps(&self.first_paragraph),
            text: if self.rendering.keep_text {
                PackedHtml::pack(&self.text)
            } else {
                PackedHtml::default()
            },
            word_count: self.words,
        }
    }
}

const CITE_SCHEME: &str = "cite:";

/// The info string of a fenced block drawn as a chart.
pub const CHART_LANGUAGE: &str = "chart";

/// Renders one line of inline markdown (an explainer point) without the
/// enclosing paragraph. Block syntax is not expected and renders as text
/// would; links to script URLs are reported and neutralised.
pub fn inline_html(text: &str, mut on_problem: impl FnMut(InlineProblem<'_>)) -> String {
    let text = text.trim();
    // A `[@…]` citation reaches us as a reference link without a
    // definition; it stays text, and is reported: these texts cite through
    // their owner's `cite` list, if any.
    let citations: RefCell<Vec<(Range<usize>, Vec<String>)>> = RefCell::default();
    let callback = |link: BrokenLink<'_>| {
        if let Ok(items) = citation::parse(&link.reference) {
            let ids = items.into_iter().map(|i| i.id).collect();
            citations.borrow_mut().push((link.span, ids));
        }
        None
    };
    let mut unsafe_schemes = Vec::new();
    let events = Parser::new_with_broken_link_callback(text, options(), Some(callback)).filter_map(
        |event| match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match unsafe_scheme(&dest_url) {
                    Some(scheme) => {
                        unsafe_schemes.push(scheme);
                        CowStr::Borrowed("#")
                    }
                    None => dest_url,
                };
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            other => Some(other),
        },
    );
    let mut out = String::new();
    html::push_html(&mut out, events);
    for scheme in unsafe_schemes {
        on_problem(InlineProblem::UnsafeScheme(scheme));
    }
    for (span, ids) in citations.into_inner() {
        on_problem(InlineProblem::Citation {
            written: &text[span],
            ids: &ids,
        });
    }
    out.trim().to_string()
}

/// What [`inline_html`] reports about a text.
pub enum InlineProblem<'a> {
    /// A link to a `javascript:`-like URL, written as `#`.
    UnsafeScheme(&'static str),
    /// A `[@…]` citation, left as written: `written` as in the text, the
    /// ids it names.
    Citation { written: &'a str, ids: &'a [String] },
}

impl InlineProblem<'_> {
    /// The message and help for it, in a text `what` names ("figure
    /// caption"); `cites` says whether its owner has a `cite` list.
    pub fn describe(&self, what: &str, cites: bool) -> (String, String) {
        match self {
            InlineProblem::UnsafeScheme(scheme) => (
                format!("{what} links to a `{scheme}:` URL"),
                "link to an `https:` URL or a path in the site".to_string(),
            ),
            InlineProblem::Citation { written, ids } => {
                let message =
                    format!("{what} has a citation, `{written}`, which is shown as written there");
                let help = if cites {
                    let list: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
                    format!(
                        "take it out of the text and list the source in `cite = [{}]`: its number follows the text",
                        list.join(", ")
                    )
                } else {
                    "take it out: this text cannot cite; name the source in words".to_string()
                };
                (message, help)
            }
        }
    }
}

/// Plain text (a front-matter title or summary) with the smart
/// punctuation of the body: curly quotes and apostrophes, en and em dashes,
/// ellipses. Nothing else of markdown applies: every other punctuation
/// character is escaped first, so `*`, `<b>`, `&amp;` or a leading `1.`
/// stay as written. Whitespace runs become one space.
pub fn typographic(text: &str) -> String {
    let mut md = String::with_capacity(text.len() + 16);
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            md.push(' ');
        }
        for (j, c) in word.char_indices() {
            // A leading `-` or `1.` would start a list (or a rule); quotes,
            // dashes and dots elsewhere are what smart punctuation reads.
            let starts_block = i == 0
                && ((j == 0 && c == '-')
                    || (c == '.' && j > 0 && word[..j].bytes().all(|b| b.is_ascii_digit())));
            if starts_block || (c.is_ascii_punctuation() && !matches!(c, '\'' | '"' | '-' | '.')) {
                md.push('\\');
            }
            md.push(c);
        }
    }
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(&md, Options::ENABLE_SMART_PUNCTUATION) {
        if let Event::Text(t) = event {
            out.push_str(&t);
        }
    }
    out
}

/// The plain text of one line of inline markdown, for titles.
pub fn inline_plain(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text.trim(), options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// If `source` was published after `written` (by day), the warning's
/// message and help: a document can only cite what existed when it was
/// written, so later reporting belongs in a later briefing or a dated
/// correction or update.
pub fn anachronism(source: &Source, written: Option<PubDate>) -> Option<(String, String)> {
    let (published, written) = (source.published?, written?);
    (published.calendar_day() > written.calendar_day()).then(|| {
        (
            format!(
                "source `{}` was published on {}, after this was written ({})",
                source.id,
                published.display(),
                written.display()
            ),
            "cite it in a later briefing, or in a dated [[correction]] (kind = \"update\") on this one"
                .to_string(),
        )
    })
}

/// The marker for one use of a source: a numbered link to the reference
/// list, with the formatted reference in a tooltip shown on hover and
/// focus (pure CSS, so it works without JavaScript).
pub fn citation_marker(
    number: usize,
    anchor: &str,
    reference_html: &str,
    locator: Option<&str>,
) -> String {
    let mut html = format!(
        "<span class=\"cite\"><a class=\"cite-ref\" href=\"#ref-{number}\" id=\"{anchor}\" aria-describedby=\"{anchor}-pop\">{number}</a><span class=\"cite-pop\" role=\"tooltip\" id=\"{anchor}-pop\"><span class=\"cite-pop__number\">{number}.</span> {reference_html}"
    );
    if let Some(loc) = locator {
        html.push_str(" <span class=\"cite-pop__locator\">");
        escape_into(&mut html, loc);
        html.push_str("</span>");
    }
    html.push_str("</span></span>");
    html
}

/// Collapses whitespace and closes the gap a removed citation leaves before
/// punctuation (`said so [@x].` reads `said so.` in plain text).
fn close_gaps(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() && !word.starts_with(['.', ',', ';', ':', '?', '!']) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The sentence of `text` in which byte `at` falls, trimmed to a readable
/// length. A citation written just after a sentence's full stop belongs to
/// that sentence.
pub fn sentence_around(text: &str, at: usize) -> String {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = text[..at].trim_end();
    if before.ends_with(['.', '?', '!']) {
        at = before.len() - 1;
    }
    let is_end = |i: usize| -> bool {
        let b = text.as_bytes();
        if !matches!(b[i], b'.' | b'?' | b'!') {
            return false;
        }
        // Closing quotes or brackets may follow the stop.
        let mut j = i + 1;
        while j < b.len() && !b[j].is_ascii_whitespace() && !b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let followed_by_space = j >= b.len() || b[j].is_ascii_whitespace();
        // "U.S." and initials are not the end of a sentence.
        let initial = b[i] == b'.'
            && i >= 1
            && b[i - 1].is_ascii_uppercase()
            && (i < 2 || !b[i - 2].is_ascii_alphanumeric());
        followed_by_space && !initial
    };
    let start = (0..at).rev().find(|&i| is_end(i)).map_or(0, |i| i + 1);
    let end = (at..text.len())
        .find(|&i| is_end(i))
        .map_or(text.len(), |i| i + 1);
    let mut end = end;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut start = start;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let sentence = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let sentence = close_gaps(&sentence)
        .trim_end_matches(['·', ' '])
        .to_string();
    const MAX: usize = 320;
    if sentence.chars().count() > MAX {
        let cut: String = sentence.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    } else {
        sentence
    }
}

/// A `[^name]` without a definition: pulldown-cmark leaves it as the text
/// `[`, `^name`, `]`. Escaped brackets (`\\[^x]`) are not references.
fn undefined_footnote<'e>(body: &str, event: &'e Event, range: &Range<usize>) -> Option<&'e str> {
    let Event::Text(text) = event else {
        return None;
    };
    let name = text.strip_prefix('^')?;
    let before = body.get(..range.start)?;
    let escaped = before.strip_suffix('[')?.ends_with('\\');
    let closed = body.get(range.end..)?.starts_with(']');
    (!escaped && closed && !name.is_empty() && !name.contains(char::is_whitespace)).then_some(name)
}

/// The words of `text` as `split_whitespace` counts them, without making
/// each one a slice (the count runs over every text of every body): the
/// starts of words, a non-space after a space. ASCII text, most of any
/// body's text events, is compared byte by byte without decoding.
fn count_words(text: &str) -> usize {
    if text.is_ascii() {
        // ' ' and '\t'..='\r', without branches, so the loop vectorizes.
        let space = |b: u8| (b == b' ') | (b.wrapping_sub(b'\t') < 5);
        let bytes = text.as_bytes();
        let first = bytes.first().is_some_and(|&b| !space(b));
        let starts: usize = bytes
            .iter()
            .zip(bytes.iter().skip(1))
            .map(|(&a, &b)| usize::from(space(a) & !space(b)))
            .sum();
        return usize::from(first) + starts;
    }
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        let space = c.is_whitespace();
        words += usize::from(!space && !in_word);
        in_word = !space;
    }
    words
}

/// `a`, `b`, … `z`, `aa`, … for the n-th back-reference (1-based).
pub fn letter(n: usize) -> String {
    let mut n = n;
    let mut s = Vec::new();
    while n > 0 {
        n -= 1;
        s.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The scheme of a URL that would run code when followed, if it is one.
/// Browsers ignore leading spaces, control characters and embedded tabs or
/// newlines, and schemes are case-insensitive, so this does too.
fn unsafe_scheme(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    if cleaned.starts_with("javascript:") {
        Some("javascript")
    } else if cleaned.starts_with("vbscript:") {
        Some("vbscript")
    } else if cleaned.starts_with("data:") && !cleaned.starts_with("data:image/") {
        Some("data")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn md(body: &str) -> (Body, Vec<String>) {
        let ctx = FileContext::new(Path::new("a.md"), body);
        let mut diags = Vec::new();
        let b = render(
            &ctx,
            body,
            0,
            &Registry::default(),
            Origin::default(),
            Rendering {
                keep_text: true,
                ..Rendering::default()
            },
            &mut diags,
        );
        (b, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let (b, _) = md("## Who *was* there\n\n## Who was there\n\n### Next {#custom}\n");
        assert!(b.html.unpack().contains("<h2 id=\"who-was-there\">Who <em>was</em> there <a class=\"anchor\" href=\"#who-was-there\""), "{}", b.html.unpack());
        assert!(b.html.unpack().contains("<h2 id=\"who-was-there-1\">"));
        assert!(b.html.unpack().contains("<h3 id=\"custom\">"));
        assert_eq!(
            b.headings[0],
            Heading {
                level: 2,
                id: "who-was-there".into(),
                title: "Who was there".into()
            }
        );
    }

    #[test]
    fn footnotes_numbered_by_first_use_with_backrefs() {
        let (b, d) = md("A[^x] b[^y] c[^x].\n\n[^y]: Why.\n[^x]: Ex.\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(b.html.unpack().contains(
            "<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1-1\">1</a></sup>"
        ));
        assert!(
            b.html
                .unpack()
                .contains("<a href=\"#fn-1\" id=\"fnref-1-2\">1</a>")
        );
        assert!(b.html.unpack().contains("<li id=\"fn-1\"><p>Ex. <a href=\"#fnref-1-1\" class=\"footnote-backref\" aria-label=\"Back to reference 1a\">↩<sup>a</sup></a> <a href=\"#fnref-1-2\""), "{}", b.html.unpack());
        assert!(b.html.unpack().contains("<li id=\"fn-2\"><p>Why. <a href=\"#fnref-2-1\" class=\"footnote-backref\" aria-label=\"Back to reference 2\">↩</a></p></li>"), "{}", b.html.unpack());
    }

    #[test]
    fn undefined_and_unused_footnotes_are_reported() {
        let (_, d) = md("See[^nope].\n\n[^unused]: x\n");
        assert_eq!(
            d,
            [
                "a.md:1:4: error: footnote `nope` is never defined (help: add a definition: `[^nope]: …` on its own line)",
                "a.md:3:1: warning: footnote `unused` is defined but never referenced (help: cite it with `[^unused]` or remove it)",
            ]
        );
    }

    #[test]
    fn script_links_are_errors() {
        let (b, d) = md("Click [here](javascript:alert(1)) or [x](<JaVa\tScRiPt:x>).\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("a.md:1:7: error: link to a `javascript:` URL"));
        assert!(!b.html.unpack().to_lowercase().contains("javascript"));
    }

    #[test]
    fn summary_words_and_tables() {
        let (b, _) = md("# T\n\nFirst *para* with `code`\nand a break.\n\n| a |\n|---|\n| 1 |\n");
        assert_eq!(b.first_paragraph, "First para with code and a break.");
        assert!(
            b.html
                .unpack()
                .contains("<div class=\"table-wrap\" tabindex=\"0\"><table>")
        );
        assert_eq!(b.word_count, 10);
    }

    proptest::proptest! {
        /// One pass does what joining the words and removing the space
        /// before each punctuation mark in turn did.
        #[test]
        fn gaps_close_as_word_joining_and_replacing_would(
            text in "[a .,;:?!\t\n\u{a0}]{0,30}"
        ) {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let expected = [" .", " ,", " ;", " :", " ?", " !"]
                .iter()
                .fold(joined, |s, p| s.replace(p, &p[1..]));
            proptest::prop_assert_eq!(close_gaps(&text), expected);
        }

        #[test]
        fn words_are_counted_as_split_whitespace_counts_them(
            text in "[a-z .,\t\n\r\u{b}\u{c}\u{1f}\u{85}\u{a0}\u{2003}é’-]{0,40}"
        ) {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn titles_get_smart_punctuation_and_nothing_else_of_markdown() {
        assert_eq!(
            typographic("China's \"yes\" -- and 'maybe'... --- so"),
            "China’s “yes” – and ‘maybe’… — so"
        );
        // A quote at the start opens, at the end closes.
        assert_eq!(typographic("\"Yes,\" he said"), "“Yes,” he said");
        assert_eq!(typographic("'Deal' or not"), "‘Deal’ or not");
        for literal in [
            "1. Not a list",
            "2025. Not a list either",
            "- Not a list",
            "+ Not a list",
            "# Not a heading",
            "*Not* <b>bold</b> & `code` [link](x) \\ &amp; 2 * 3_4_",
            "> not a quote",
            "    not code",
        ] {
            assert_eq!(typographic(literal), literal.trim(), "{literal}");
        }
        assert_eq!(typographic("  two\n  lines\t here "), "two lines here");
        assert_eq!(typographic(""), "");
    }

    #[test]
    fn code_is_highlighted_and_unknown_language_warns() {
        let (b, d) = md("```rust\nlet x = 1;\n```\n\n```klingon\nqapla'\n```\n");
        let html = b.html.unpack();
        assert!(
            html.contains("<span class=\"l2 lb d2\">let</span> x"),
            "{html}"
        );
        assert!(html.contains("<code>qapla&#39;\n</code>"), "{html}");
        assert_eq!(
            d,
            [
                "a.md:5:1: warning: unknown language `klingon` in code block; shown without highlighting"
            ]
        );
    }

    fn registry() -> Registry {
        let file = crate::load::SourceFile {
            path: "content/sources.toml".into(),
            kind: crate::load::FileKind::Sources,
            text: "[reex]\ntitle = \"T\"\npublisher = \"REEx\"\n[ishook]\ntitle = \"U\"\npublisher = \"iShook\"\n".into(),
            bundle: None,
        };
        crate::parse::sources::parse(&file, &mut Vec::new())
    }

    fn cite(body: &str) -> (Body, Vec<String>) {
        let ctx = FileContext::new(Path::new("a.md"), body);
        let mut diags = Vec::new();
        let b = render(
            &ctx,
            body,
            0,
            &registry(),
            Origin::default(),
            Rendering {
                keep_text: true,
                ..Rendering::default()
            },
            &mut diags,
        );
        (b, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn citations_numbered_by_first_use_and_reused() {
        let (b, d) = cite("One [@ishook]. Two [@reex; @ishook, \"Hassett\"].\n");
        assert!(d.is_empty(), "{d:?}");
        let ids: Vec<(&str, usize)> = b
            .citations
            .iter()
            .map(|c| (c.id.as_str(), c.uses.len()))
            .collect();
        assert_eq!(ids, [("ishook", 2), ("reex", 1)]);
        assert_eq!(b.citations[0].uses[1].anchor, "cite-1-b");
        assert_eq!(
            b.citations[0].uses[1].locator.as_deref(),
            Some("\"Hassett\"")
        );
        assert!(b.html.unpack().contains("href=\"#ref-1\" id=\"cite-1-a\""));
        assert!(b.html.unpack().contains("href=\"#ref-2\" id=\"cite-2-a\""));
        assert!(!b.html.unpack().contains("[@"));
        assert_eq!(b.first_paragraph, "One. Two.");
    }

    #[test]
    fn citations_in_code_and_escapes_stay_literal() {
        let (b, d) = cite("`[@reex]` and \\[@reex] and\n\n```\n[@reex]\n```\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(b.citations.is_empty());
        assert_eq!(
            b.html.unpack().matches("[@reex]").count(),
            3,
            "{}",
            b.html.unpack()
        );
    }

    #[test]
    fn citations_in_footnotes_tables_lists_and_quotes() {
        let body = "Text[^n].\n\n| a | b |\n|---|---|\n| 70% | share [@reex] |\n\n- item [@ishook]\n\n> quoted [@reex]\n\n[^n]: Note [@ishook].\n";
        let (b, d) = cite(body);
        assert!(d.is_empty(), "{d:?}");
        let uses: Vec<&str> = b
            .citations
            .iter()
            .flat_map(|c| c.uses.iter().map(|u| u.context.as_str()))
            .collect();
        assert_eq!(uses, ["70% · share", "quoted", "item", "Note."]);
    }

    #[test]
    fn citation_diagnostics_point_at_the_id() {
        let (_, d) = cite("Para.\n\nSee [@reexx] and [@] and [@reex nope].\n");
        assert_eq!(
            d,
            [
                "a.md:3:6: error: unknown source id `reexx` (help: did you mean `reex`?)",
                "a.md:3:19: error: malformed citation: citation without a source id (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)",
                "a.md:3:27: error: malformed citation: unexpected `nope` after `@reex` (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)",
            ]
        );
    }

    #[test]
    fn sentence_context() {
        assert_eq!(
            sentence_around("First one. The U.S. side said so . Last.", 33),
            "The U.S. side said so."
        );
        assert_eq!(sentence_around("First one. Then this.", 10), "First one.");
    }

    #[test]
    fn letters() {
        assert_eq!(
            (letter(1), letter(26), letter(27)),
            ("a".into(), "z".into(), "aa".into())
        );
    }
}
