//! Images and figures in a body (part of the markdown writer).
//!
//! - Every image's `<img>` is written here: in a folder briefing, a
//!   relative source names a file beside it, which must exist and be an
//!   image; a PNG, JPEG or WebP one gets its resized copies in `srcset`,
//!   and every image whose size is known gets `width` and `height`. The
//!   first image of a page (outside footnotes) loads at once, the others
//!   lazily.
//! - An image alone in its paragraph becomes a `<figure>`, its title the
//!   `<figcaption>`.
//! - A fenced `figure` block (TOML: `src`, `alt`, `caption`, `credit`,
//!   `cite`) is a figure with a caption, a credit and numbered citations,
//!   numbered with the body's own.

use std::ops::Range;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::Deserialize;
use toml::Spanned;

use super::{DEFERRED_MARK, DeferredCitation, HtmlWriter, inline_html, inline_plain, typographic};
use crate::diag::suggestion;
use crate::html::escape_into;
use crate::parse::bundle::{self, Picture};
use crate::parse::citation;
use crate::toml_input::{self, Schema};

/// What `sizes` says: the reading column is 44rem wide, the full width of
/// the window below that.
const SIZES: &str = "(min-width: 46rem) 44rem, 100vw";

/// The width a browser without `srcset` gets, at most.
const FALLBACK_WIDTH: u32 = 960;

/// Characters escaped in a file name written as a URL path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// An image being read: its description's events are captured.
pub(super) struct OpenImage<'a> {
    dest: CowStr<'a>,
    title: CowStr<'a>,
    /// Body range of the whole image.
    range: Range<usize>,
    pub(super) inner: Vec<Event<'a>>,
    /// Images nested in the description.
    depth: usize,
}

/// An image that may turn out alone in its paragraph.
pub(super) struct LoneImage {
    /// Where its `<img>` is in the emit target.
    at: usize,
    img: String,
    caption: Option<String>,
}

/// Where an image's `src` points, read for the page.
struct Shown {
    src: String,
    srcset: Option<String>,
    size: Option<(u32, u32)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFigure {
    src: Option<Spanned<String>>,
    alt: Option<Spanned<String>>,
    caption: Option<Spanned<String>>,
    credit: Option<Spanned<String>>,
    cite: Option<Spanned<Vec<Spanned<String>>>>,
}

static FIGURE_SCHEMA: Schema = Schema::Table(&[
    ("src", None),
    ("alt", None),
    ("caption", None),
    ("credit", None),
    ("cite", None),
]);

impl<'a> HtmlWriter<'a, '_> {
    /// `Start(Image)`: checks its URL and description, and captures the
    /// description until [`HtmlWriter::close_image`].
    pub(super) fn open_image(
        &mut self,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        range: Range<usize>,
    ) {
        self.in_image += 1;
        if let Some(open) = &mut self.image {
            // An image in another's description: its text is description too.
            open.depth += 1;
            return;
        }
        let dest = self.check_url(dest_url, &range, "image");
        if self.ctx.text[self.span(&range)].starts_with("![]") {
            let d = self
                .ctx
                .warning(self.span(&range), "image without alt text")
                .with_help(
                    "describe the image for readers who cannot see it: `![what it shows](…)`",
                );
            self.diags.push(d);
        }
        self.image = Some(OpenImage {
            dest,
            title,
            range,
            inner: Vec::new(),
            depth: 0,
        });
    }

    /// `End(Image)`: writes the `<img>`, and remembers it in case it is
    /// alone in its paragraph.
    pub(super) fn close_image(&mut self) {
        self.in_image = self.in_image.saturating_sub(1);
        match &mut self.image {
            Some(open) if open.depth > 0 => {
                open.depth -= 1;
                return;
            }
            Some(_) => {}
            None => return,
        }
        let Some(open) = self.image.take() else {
            return;
        };
        let mut alt = String::new();
        for event in &open.inner {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
        }
        let span = self.span(&url_range(self.body, &open.range));
        let shown = self.shown(&open.dest, span);
        let lazy = self.next_image_is_lazy();
        let title = (!open.title.is_empty()).then(|| typographic(&open.title));
        // In a paragraph the title stays a title; alone, it is the caption.
        let inline = img_html(&shown, &alt, title.as_deref(), lazy);
        let img = img_html(&shown, &alt, None, lazy);
        self.emit(Event::InlineHtml(inline.into()));
        if self.paragraph_start.is_some() {
            self.lone = Some(LoneImage {
                at: self.target_len() - 1,
                img,
                caption: title,
            });
        }
    }

    /// `End(Paragraph)`: if the paragraph holds one image and nothing
    /// else, replaces it with a figure and returns true.
    pub(super) fn close_figure(&mut self) -> bool {
        let (Some((start, first)), Some(lone)) = (self.paragraph_start.take(), self.lone.take())
        else {
            return false;
        };
        if lone.at != start + 1 || self.target_len() != start + 2 {
            return false;
        }
        let target = self.target_mut();
        target.truncate(start);
        let mut html = format!("<figure>\n{}\n", lone.img);
        if let Some(caption) = &lone.caption {
            html.push_str("<figcaption>");
            escape_into(&mut html, caption);
            html.push_str("</figcaption>\n");
        }
        html.push_str("</figure>\n");
        self.emit(Event::Html(html.into()));
        // A figure is not the first paragraph: the summary is the text.
        if first {
            self.paragraph = super::ParagraphState::Before;
            self.first_paragraph.clear();
        }
        true
    }

    /// Where `dest` (written at file span `span`) points, read for the
    /// page; a problem is reported at `span`, and the image is then shown
    /// as written.
    fn shown(&mut self, dest: &str, span: Range<usize>) -> Shown {
        let as_written = Shown {
            src: dest.to_string(),
            srcset: None,
            size: None,
        };
        let Some(files) = self.files else {
            return as_written;
        };
        let Some(name) = relative_path(dest) else {
            return as_written;
        };
        let folder = self
            .ctx
            .path
            .parent()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let Ok(name) = name else {
            let d = self
                .ctx
                .error(
                    span,
                    format!("image `{dest}` is outside this briefing's folder"),
                )
                .with_help(format!(
                    "put the image in {folder}/ and write its name, e.g. `map.png`"
                ));
            self.diags.push(d);
            return as_written;
        };
        let Some(i) = files.iter().position(|f| f.name == name) else {
            let help = suggestion(&name, files.iter().map(|f| f.name.as_str()))
                .unwrap_or_else(|| format!("put the image in {folder}/"));
            let d = self
                .ctx
                .error(
                    span,
                    format!("image `{name}` not found beside this briefing"),
                )
                .with_help(help);
            self.diags.push(d);
            return as_written;
        };
        let file = &files[i];
        let src = encode_path(&name);
        match &file.picture {
            Picture::NotAnImage => {
                let d = self
                    .ctx
                    .error(span, format!("`{name}` is not an image"))
                    .with_help("show a PNG, JPEG, WebP, GIF or SVG file; link to other files with `[text](file)`");
                self.diags.push(d);
                as_written
            }
            Picture::Raster(Err(why)) => {
                let d = self.ctx.error(
                    span,
                    format!("cannot read image {}: {why}", file.rel.display()),
                );
                self.diags.push(d);
                as_written
            }
            Picture::Fixed(size) => Shown {
                src,
                srcset: None,
                size: *size,
            },
            Picture::Raster(Ok(probe)) => {
                let resized = bundle::copies(i, &name, probe);
                let mut candidates: Vec<(String, u32, u32)> = resized
                    .copies
                    .iter()
                    .map(|c| (encode_path(&c.name), c.width, c.height))
                    .collect();
                if probe.original_in_srcset() {
                    candidates.push((src, probe.width, probe.height));
                }
                if !self.images.iter().any(|r| r.file == i) {
                    self.images.push(resized);
                }
                let fallback = candidates
                    .iter()
                    .rev()
                    .find(|(_, w, _)| *w <= FALLBACK_WIDTH)
                    .unwrap_or(&candidates[0]);
                let (_, w, h) = candidates[candidates.len() - 1];
                let srcset = (candidates.len() > 1).then(|| {
                    candidates
                        .iter()
                        .map(|(url, w, _)| format!("{url} {w}w"))
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                Shown {
                    src: fallback.0.clone(),
                    srcset,
                    size: Some((w, h)),
                }
            }
        }
    }

    /// True unless this is the page's first image outside the footnotes,
    /// which loads at once: it is likely in view when the page opens.
    fn next_image_is_lazy(&mut self) -> bool {
        if self.current_def.is_some() {
            return true;
        }
        self.images_shown += 1;
        self.images_shown > 1
    }

    /// A fenced `figure` block, its TOML at body ranges `lines`, the fence
    /// at body offset `fence`.
    pub(super) fn figure_block(&mut self, text: &str, lines: &[Range<usize>], fence: usize) {
        let fence_end = self.body[fence..]
            .find('\n')
            .map_or(self.body.len(), |i| fence + i);
        let fence_span = self.span(&(fence..fence_end));
        // The TOML as it sits in the file, so its positions are the file's:
        // what is not its text (a quote's `> `) becomes spaces.
        let (input, start) = match (lines.first(), lines.last()) {
            (Some(first), Some(last)) => {
                let mut bytes = vec![b' '; last.end - first.start];
                for r in lines {
                    bytes[r.start - first.start..r.end - first.start]
                        .copy_from_slice(&self.body.as_bytes()[r.clone()]);
                }
                (
                    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()),
                    first.start,
                )
            }
            _ => (String::new(), fence_end),
        };
        let offset = self.offset + start;
        let Some(raw) = toml_input::parse::<RawFigure>(
            self.ctx,
            &input,
            offset,
            &FIGURE_SCHEMA,
            "figure",
            self.diags,
        ) else {
            return;
        };
        let at = |v: &Spanned<String>| v.span().start + offset..v.span().end + offset;
        let Some(src) = raw.src.as_ref().filter(|s| !s.get_ref().trim().is_empty()) else {
            let d = self
                .ctx
                .error(fence_span, "figure without `src`")
                .with_help("add `src = \"map.png\"`: the image's file name beside the briefing");
            self.diags.push(d);
            return;
        };
        let alt = match &raw.alt {
            Some(a) if !a.get_ref().trim().is_empty() => a.get_ref().trim().to_string(),
            other => {
                let span = other.as_ref().map_or(fence_span.clone(), at);
                let d = self.ctx.warning(span, "figure without alt text").with_help(
                    "describe the image for readers who cannot see it: `alt = \"what it shows\"`",
                );
                self.diags.push(d);
                String::new()
            }
        };
        let mut inline = |v: &Option<Spanned<String>>, what: &str| -> Option<(String, String)> {
            let v = v.as_ref().filter(|v| !v.get_ref().trim().is_empty())?;
            let span = at(v);
            let diags = &mut *self.diags;
            let ctx = self.ctx;
            let html = inline_html(v.get_ref(), |problem| {
                let (message, help) = problem.describe(&format!("figure {what}"), true);
                diags.push(ctx.error(span.clone(), message).with_help(help));
            });
            Some((html, inline_plain(v.get_ref())))
        };
        let caption = inline(&raw.caption, "caption");
        let credit = inline(&raw.credit, "credit");
        let mut items = Vec::new();
        for id in raw
            .cite
            .as_ref()
            .map(|c| c.get_ref().as_slice())
            .unwrap_or_default()
        {
            if self.registry.get(id.get_ref()).is_none() && !self.registry.is_invalid(id.get_ref())
            {
                let d = self
                    .ctx
                    .error(at(id), format!("unknown source id `{}`", id.get_ref()))
                    .with_help(self.registry.help_for_unknown(id.get_ref()));
                self.diags.push(d);
            }
            items.push(citation::Item {
                id: id.get_ref().clone(),
                span: 0..0,
                locator: None,
            });
        }
        let shown = self.shown(src.get_ref().trim(), at(src));
        let lazy = self.next_image_is_lazy();
        let img = img_html(&shown, &alt, None, lazy);
        let context = match (&caption, &credit) {
            (Some((_, c)), _) => c.clone(),
            (None, Some((_, c))) => c.clone(),
            (None, None) => alt.clone(),
        };
        for (_, plain) in caption.iter().chain(&credit) {
            self.words += super::count_words(plain);
        }
        let mut open = format!("<figure>\n{img}\n");
        let has_caption = caption.is_some() || credit.is_some() || !items.is_empty();
        if has_caption {
            open.push_str("<figcaption>");
        }
        if let Some((html, _)) = &caption {
            open.push_str(html);
        }
        self.emit(Event::Html(open.into()));
        if !items.is_empty() {
            self.figure_citations(items, context);
        }
        let mut close = String::new();
        if let Some((html, _)) = &credit {
            close.push_str(" <span class=\"figure-credit\">");
            close.push_str(html);
            close.push_str("</span>");
        }
        if has_caption {
            close.push_str("</figcaption>\n");
        }
        close.push_str("</figure>\n");
        self.emit(Event::Html(close.into()));
    }

    /// The markers of a figure's `cite`, numbered as the body's
    /// citations are (in a footnote, once the notes are numbered).
    fn figure_citations(&mut self, items: Vec<citation::Item>, context: String) {
        if self.current_def.is_some() {
            let slot = self.deferred.len();
            self.deferred.push(DeferredCitation { items, context });
            self.emit(Event::InlineHtml(
                format!("{DEFERRED_MARK}{slot}{DEFERRED_MARK}").into(),
            ));
            return;
        }
        let (html, uses) = self.markers(items);
        for (source, use_index) in uses {
            self.citations[source].uses[use_index].context = context.clone();
        }
        self.emit(Event::InlineHtml(html.into()));
    }

    pub(super) fn target_len(&self) -> usize {
        if let Some(h) = &self.heading {
            h.inner.len()
        } else if let Some(name) = &self.current_def {
            self.footnote_defs.get(name).map_or(0, Vec::len)
        } else {
            self.out.len()
        }
    }

    fn target_mut(&mut self) -> &mut Vec<Event<'a>> {
        if let Some(h) = &mut self.heading {
            &mut h.inner
        } else if let Some(name) = &self.current_def {
            self.footnote_defs.entry(name.clone()).or_default()
        } else {
            &mut self.out
        }
    }
}

/// Handles an image event; false if `event` is not one.
pub(super) fn image_event<'a>(
    w: &mut HtmlWriter<'a, '_>,
    event: &Event<'a>,
    range: &Range<usize>,
) -> bool {
    match event {
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            w.open_image(dest_url.clone(), title.clone(), range.clone());
            true
        }
        Event::End(TagEnd::Image) => {
            w.close_image();
            true
        }
        _ => false,
    }
}

/// An `<img>`; every one decodes off the main thread.
fn img_html(shown: &Shown, alt: &str, title: Option<&str>, lazy: bool) -> String {
    let mut html = String::from("<img src=\"");
    escape_into(&mut html, &shown.src);
    html.push('"');
    if let Some(srcset) = &shown.srcset {
        html.push_str(" srcset=\"");
        escape_into(&mut html, srcset);
        html.push_str("\" sizes=\"");
        html.push_str(SIZES);
        html.push('"');
    }
    if let Some((w, h)) = shown.size {
        html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    html.push_str(" alt=\"");
    escape_into(&mut html, alt);
    html.push('"');
    if let Some(title) = title {
        html.push_str(" title=\"");
        escape_into(&mut html, title);
        html.push('"');
    }
    if lazy {
        html.push_str(" loading=\"lazy\"");
    }
    html.push_str(" decoding=\"async\">");
    html
}

/// Where the URL of the image at body `range` is written, for diagnostics:
/// after the last `](` of an inline image, else the whole image.
fn url_range(body: &str, range: &Range<usize>) -> Range<usize> {
    let text = &body[range.clone()];
    let Some(open) = text.rfind("](") else {
        return range.clone();
    };
    let rest = &text[open + 2..];
    let mut start = open + 2 + (rest.len() - rest.trim_start().len());
    let mut rest = rest.trim_start();
    if let Some(r) = rest.strip_prefix('<') {
        start += 1;
        rest = r;
    }
    let len = rest
        .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
        .unwrap_or(rest.len());
    range.start + start..range.start + start + len
}

/// The file a relative image URL names, `/`-separated, its `..` and `.`
/// resolved and its `%` escapes decoded: `None` for a URL that is not
/// relative (a scheme, `/`, `#` or `?` first), `Err` for one that leaves
/// the folder.
fn relative_path(url: &str) -> Option<Result<String, ()>> {
    let url = url.trim();
    let scheme = url.find(':').is_some_and(|i| {
        url[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && i > 0
    });
    if url.is_empty() || scheme || url.starts_with(['/', '#', '?']) {
        return None;
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decode_str(path).decode_utf8_lossy();
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(()));
                }
            }
            p => parts.push(p),
        }
    }
    Some(Ok(parts.join("/")))
}

/// A file name written as a URL path.
fn encode_path(name: &str) -> String {
    utf8_percent_encode(name, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path("map.png"), Some(Ok("map.png".into())));
        assert_eq!(
            relative_path("./img/../map%20b.png?x#y"),
            Some(Ok("map b.png".into()))
        );
        assert_eq!(relative_path("../other/map.png"), Some(Err(())));
        for not in [
            "https://x/y.png",
            "/static/a.png",
            "data:image/png;base64,x",
            "#top",
            "",
        ] {
            assert_eq!(relative_path(not), None, "{not}");
        }
        assert_eq!(encode_path("my map.png"), "my%20map.png");
    }
}
