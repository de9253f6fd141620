//! A fenced `chart` block of a markdown body: its TOML read and checked,
//! then drawn by the [`crate::chart`] service as an inline SVG figure.
//!
//! In: the block's text, where each of its bytes sits in the file, and the
//! registry. Out: a [`Block`] (the chart, its caption and note, and the
//! source each value cites), or diagnostics at the exact key or value of
//! the block that is wrong. The markdown writer numbers the citations
//! (they share the body's numbering) and asks [`figure`] for the HTML.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::markdown;
use super::sources::Registry;
use crate::chart::{self, Chart, Kind, MAX_SERIES, Series};
use crate::diag::{Diagnostic, FileContext, suggestion};
use crate::html::escape_into;
use crate::toml_input::{self, Schema};

/// A chart block, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub chart: Chart,
    /// `caption` and `note`, rendered as inline markdown (trusted HTML).
    pub caption_html: Option<String>,
    pub note_html: Option<String>,
    /// For each series, for each value: the source id it cites, if any.
    pub cites: Vec<Vec<Option<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChart {
    #[serde(rename = "type")]
    kind: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    unit: Option<Spanned<String>>,
    labels: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    values: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    cite: Option<Spanned<Vec<Spanned<String>>>>,
    caption: Option<Spanned<String>>,
    note: Option<Spanned<String>>,
    series: Option<Spanned<Vec<Spanned<RawSeries>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeries {
    name: Option<Spanned<String>>,
    values: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    cite: Option<Spanned<Vec<Spanned<String>>>>,
}

static SERIES_SCHEMA: Schema = Schema::Table(&[("name", None), ("values", None), ("cite", None)]);
static CHART_SCHEMA: Schema = Schema::Table(&[
    ("type", None),
    ("title", None),
    ("unit", None),
    ("labels", None),
    ("values", None),
    ("cite", None),
    ("caption", None),
    ("note", None),
    ("series", Some(&SERIES_SCHEMA)),
]);

/// Reads a chart block. `text` is the block's content; `map` takes a byte
/// offset in it to the file; `fence` is the opening fence in the file,
/// where a missing key is reported.
pub fn parse(
    ctx: &FileContext,
    text: &str,
    map: &dyn Fn(usize) -> usize,
    fence: Range<usize>,
    registry: &Registry,
    diags: &mut Vec<Diagnostic>,
) -> Option<Block> {
    let raw: RawChart =
        toml_input::parse_mapped(ctx, text, map, &CHART_SCHEMA, "chart block", diags)?;
    let mut c = Check {
        ctx,
        map,
        diags,
        ok: true,
    };
    let kind = match &raw.kind {
        None => Kind::Bar,
        Some(k) => Kind::parse(k.get_ref()).unwrap_or_else(|| {
            let help = suggestion(k.get_ref(), Kind::NAMES)
                .unwrap_or_else(|| "use `bar` or `line`".to_string());
            c.error(
                k.span(),
                format!("unknown chart type `{}`", k.get_ref()),
                Some(help),
            );
            Kind::Bar
        }),
    };
    let title = match &raw.title {
        Some(t) if !t.get_ref().trim().is_empty() => markdown::typographic(t.get_ref()),
        Some(t) => {
            c.error(t.span(), "chart title is empty", Some(TITLE_HELP.into()));
            String::new()
        }
        None => {
            c.error_at(
                fence.clone(),
                "chart without a `title`",
                Some(TITLE_HELP.into()),
            );
            String::new()
        }
    };
    let labels: Vec<String> = match &raw.labels {
        Some(l) if l.get_ref().is_empty() => {
            c.error(l.span(), "chart without labels", Some(LABELS_HELP.into()));
            Vec::new()
        }
        Some(l) => l
            .get_ref()
            .iter()
            .map(|v| match v.get_ref() {
                toml::Value::String(s) => s.trim().to_string(),
                toml::Value::Integer(i) => i.to_string(),
                other => {
                    c.error(
                        v.span(),
                        format!("label {} is not text", short(other)),
                        Some("write each label as a string, e.g. `\"2025\"`".into()),
                    );
                    String::new()
                }
            })
            .collect(),
        None => {
            c.error_at(
                fence.clone(),
                "chart without `labels`",
                Some(LABELS_HELP.into()),
            );
            Vec::new()
        }
    };
    let n = labels.len();
    let mut series: Vec<Series> = Vec::new();
    let mut cites: Vec<Vec<Option<String>>> = Vec::new();
    match (&raw.values, &raw.series) {
        (Some(_), Some(s)) => c.error(
            s.span(),
            "a chart has `values` or `[[series]]`, not both",
            Some("put the one series in `values`, or every series in `[[series]]`".into()),
        ),
        (None, None) => c.error_at(
            fence.clone(),
            "chart without data",
            Some("add `values = [...]` (one per label), or `[[series]]` tables".into()),
        ),
        (Some(values), None) => {
            let values = c.numbers(values, n, "labels");
            cites.push(c.cites(raw.cite.as_ref(), values.len(), registry));
            series.push(Series {
                name: String::new(),
                values,
            });
        }
        (None, Some(list)) => {
            if let Some(cite) = &raw.cite {
                c.error(
                    cite.span(),
                    "`cite` of a chart with `[[series]]` goes in each series",
                    Some("move it into the `[[series]]` whose values it sources".into()),
                );
            }
            if list.get_ref().is_empty() {
                c.error(list.span(), "chart without series", None);
            }
            if list.get_ref().len() > MAX_SERIES {
                c.error(
                    list.get_ref()[MAX_SERIES].span(),
                    format!("a chart shows at most {MAX_SERIES} series"),
                    Some("split the data into two charts".into()),
                );
            }
            for s in list.get_ref() {
                let whole = s.span();
                let s = s.get_ref();
                let name = match &s.name {
                    Some(name) if !name.get_ref().trim().is_empty() => {
                        name.get_ref().trim().to_string()
                    }
                    _ => {
                        c.error(
                            whole.start..whole.start + "[[series]]".len(),
                            "series without a `name`",
                            Some("add `name = \"…\"`: the legend and the table show it".into()),
                        );
                        String::new()
                    }
                };
                let values = match &s.values {
                    Some(v) => c.numbers(v, n, "labels"),
                    None => {
                        c.error(
                            whole.start..whole.start + "[[series]]".len(),
                            format!("series `{name}` without `values`"),
                            Some("add `values = [...]`, one per label".into()),
                        );
                        Vec::new()
                    }
                };
                cites.push(c.cites(s.cite.as_ref(), values.len(), registry));
                series.push(Series { name, values });
            }
        }
    }
    let unit = raw
        .unit
        .as_ref()
        .map(|u| u.get_ref().trim().to_string())
        .filter(|u| !u.is_empty());
    let caption_html = raw.caption.as_ref().and_then(|t| c.inline(t));
    let note_html = raw.note.as_ref().and_then(|t| c.inline(t));
    c.ok.then_some(Block {
        chart: Chart {
            kind,
            title,
            unit,
            labels,
            series,
        },
        caption_html,
        note_html,
        cites,
    })
}

const TITLE_HELP: &str =
    "add `title = \"…\"`: it names the chart for every reader, screen readers too";
const LABELS_HELP: &str = "add `labels = [\"…\", \"…\"]`, one per bar or point";

/// Checks of a block's values, with the block's offsets mapped to the file.
struct Check<'a, 'c> {
    ctx: &'a FileContext<'c>,
    map: &'a dyn Fn(usize) -> usize,
    diags: &'a mut Vec<Diagnostic>,
    ok: bool,
}

impl Check<'_, '_> {
    /// An error at a span of the block.
    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        let span = (self.map)(span.start)..(self.map)(span.end).max((self.map)(span.start));
        self.error_at(span, message, help);
    }

    /// An error at a span of the file.
    fn error_at(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        let d = self.ctx.error(span, message).with_help_opt(help);
        self.diags.push(d);
        self.ok = false;
    }

    /// A list of finite numbers, one per label.
    fn numbers(
        &mut self,
        list: &Spanned<Vec<Spanned<toml::Value>>>,
        labels: usize,
        what: &str,
    ) -> Vec<f64> {
        let values: Vec<f64> = list
            .get_ref()
            .iter()
            .map(|v| match v.get_ref() {
                toml::Value::Integer(i) => *i as f64,
                toml::Value::Float(f) if f.is_finite() => *f,
                toml::Value::Float(_) => {
                    self.error(
                        v.span(),
                        "value is not a finite number",
                        Some("charts show finite numbers: not `nan` or `inf`".into()),
                    );
                    0.0
                }
                other => {
                    let help = match other {
                        toml::Value::String(s) if s.trim().parse::<f64>().is_ok() => {
                            format!("write it without quotes: `{}`", s.trim())
                        }
                        _ => "write numbers, e.g. `60` or `12.5`".to_string(),
                    };
                    self.error(
                        v.span(),
                        format!("value {} is not a number", short(other)),
                        Some(help),
                    );
                    0.0
                }
            })
            .collect();
        if labels > 0 && values.len() != labels {
            self.error(
                list.span(),
                format!(
                    "{} value{} for {labels} {what}",
                    values.len(),
                    if values.len() == 1 { "" } else { "s" }
                ),
                Some(format!("give one value per label, {labels} in all")),
            );
        }
        values
    }

    /// `cite`: one known source id per value.
    fn cites(
        &mut self,
        cite: Option<&Spanned<Vec<Spanned<String>>>>,
        values: usize,
        registry: &Registry,
    ) -> Vec<Option<String>> {
        let Some(cite) = cite else {
            return vec![None; values];
        };
        if cite.get_ref().len() != values {
            self.error(
                cite.span(),
                format!(
                    "{} source{} cited for {values} values",
                    cite.get_ref().len(),
                    if cite.get_ref().len() == 1 { "" } else { "s" }
                ),
                Some("give one source id per value, in the order of the values".into()),
            );
        }
        cite.get_ref()
            .iter()
            .map(|id| {
                let known = registry.get(id.get_ref()).is_some();
                if !known && !registry.is_invalid(id.get_ref()) {
                    let help = registry.help_for_unknown(id.get_ref());
                    self.error(
                        id.span(),
                        format!("unknown source id `{}` in a chart", id.get_ref()),
                        Some(help),
                    );
                }
                known.then(|| id.get_ref().clone())
            })
            .collect()
    }

    fn inline(&mut self, text: &Spanned<String>) -> Option<String> {
        let mut problems = Vec::new();
        let html = markdown::inline_html(text.get_ref(), |problem| {
            problems.push(problem.describe("chart text", true));
        });
        for (message, help) in problems {
            self.error(text.span(), message, Some(help));
        }
        (!html.is_empty()).then_some(html)
    }
}

/// A TOML value as a writer would recognise it in a message.
fn short(v: &toml::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(23).collect::<String>())
    } else {
        s
    }
}

/// The chart as a figure: title and caption, the SVG, the data as a table
/// (visually hidden: screen readers and readers without CSS meet it), and
/// a line with the note and the sources (`sources_html`: the numbered
/// markers, grouped by source).
pub fn figure(block: &Block, id: &str, sources_html: &str) -> String {
    let chart = &block.chart;
    let mut out = format!(
        "<figure class=\"chart chart--{}\" id=\"{id}\">\n<figcaption class=\"chart__caption\"><span class=\"chart__title\">",
        chart.kind.as_str()
    );
    escape_into(&mut out, &chart.title);
    out.push_str("</span>");
    if let Some(caption) = &block.caption_html {
        out.push_str(" <span class=\"chart__text\">");
        out.push_str(caption);
        out.push_str("</span>");
    }
    out.push_str("</figcaption>\n");
    out.push_str(&chart::svg(chart, id));
    out.push('\n');
    out.push_str(&chart::table(chart));
    if block.note_html.is_some() || !sources_html.is_empty() {
        out.push_str("<p class=\"chart__notes\">");
        if let Some(note) = &block.note_html {
            out.push_str("<span class=\"chart__note\">Note: ");
            out.push_str(note);
            out.push_str("</span>");
        }
        if !sources_html.is_empty() {
            if block.note_html.is_some() {
                out.push(' ');
            }
            out.push_str("<span class=\"chart__sources\">");
            out.push_str(sources_html);
            out.push_str("</span>");
        }
        out.push_str("</p>\n");
    }
    out.push_str("</figure>\n");
    out
}
