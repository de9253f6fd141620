//! Charts drawn at build time: a [`Chart`] (labels and one or more series
//! of numbers) -> inline SVG, a one-line description and the same data as
//! an HTML table.
//!
//! A service below the stages: `parse::chart` reads a `chart` block and
//! calls it. No JavaScript and no plotting crate. The drawing is laid out
//! in a fixed coordinate system ([`WIDTH`] wide) that the page scales to
//! its column; text widths are estimated from character classes, a little
//! generously, so labels that could touch are wrapped or rotated instead.
//!
//! Defaults: a zero-based value axis for bars, round ticks (1, 2, 2.5 or 5
//! times a power of ten), values printed at the bar ends, the last value of
//! each line printed at its end, and series told apart by colour *and* by
//! marker and dash pattern (so they survive greyscale printing). Colours
//! are classes (`chart__s1` …) the stylesheet maps to light and dark
//! custom properties; presentation attributes are the fallback without CSS.

use std::fmt::Write as _;

use crate::html::escape_into;

/// Width of the drawing, in SVG user units; the height follows the content.
pub const WIDTH: f64 = 420.0;
/// Height of the plotting area.
const PLOT_HEIGHT: f64 = 220.0;
/// Category labels and legend.
const FONT: f64 = 14.0;
/// Ticks and printed values.
const SMALL: f64 = 13.0;
/// Line height of wrapped category labels.
const LINE_HEIGHT: f64 = 17.0;
/// Wrapped labels longer than this many lines are rotated instead.
const MAX_LINES: usize = 3;
/// Rotated labels are cut to this many characters (the table has them whole).
const MAX_ROTATED_CHARS: usize = 24;
/// Series a chart may have: one colour, marker and dash each.
pub const MAX_SERIES: usize = 6;

/// Fallback colours (light scheme), for readers without CSS.
const COLOURS: [&str; MAX_SERIES] = [
    "#2f5f8a", "#b5532a", "#3d7d4a", "#7a4f9a", "#8a6d00", "#4f5b66",
];
const DASHES: [&str; MAX_SERIES] = ["", "6 4", "2 3", "8 3 2 3", "1 4", "10 4"];

/// The two kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Bar,
    Line,
}

impl Kind {
    pub const NAMES: [&'static str; 2] = ["bar", "line"];

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "bar" => Some(Kind::Bar),
            "line" => Some(Kind::Line),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// One series of values, one per label.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Empty for the one series of a chart written with `values`.
    pub name: String,
    pub values: Vec<f64>,
}

/// A chart, validated: as many values in each series as there are labels,
/// every value finite, at least one label, 1 to [`MAX_SERIES`] series.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: Kind,
    pub title: String,
    /// `%` and currency symbols are written with each value; any other
    /// unit is written once, above the value axis.
    pub unit: Option<String>,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    /// A value as printed: digits grouped, a true minus sign, the unit's
    /// symbol attached.
    pub fn format_value(&self, v: f64) -> String {
        self.affixed(format_number(v, None))
    }

    fn affixed(&self, number: String) -> String {
        match self.unit.as_deref() {
            Some("%") => format!("{number}%"),
            Some(u @ ("$" | "€" | "£" | "¥")) => match number.strip_prefix('−') {
                Some(n) => format!("−{u}{n}"),
                None => format!("{u}{number}"),
            },
            _ => number,
        }
    }

    /// The unit when it is written once, above the axis (not with each value).
    fn unit_title(&self) -> Option<&str> {
        self.unit
            .as_deref()
            .filter(|u| !matches!(*u, "%" | "$" | "€" | "£" | "¥") && !u.trim().is_empty())
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.series.iter().flat_map(|s| s.values.iter().copied())
    }
}

/// What a screen reader announces after the title: the kind of chart and
/// its data in one sentence (the table gives it in full).
pub fn description(chart: &Chart) -> String {
    let kind = match chart.kind {
        Kind::Bar => "Bar chart",
        Kind::Line => "Line chart",
    };
    let unit = chart
        .unit_title()
        .map_or_else(String::new, |u| format!(", in {u}"));
    if let [series] = chart.series.as_slice() {
        let pairs: Vec<String> = chart
            .labels
            .iter()
            .zip(&series.values)
            .map(|(l, &v)| format!("{l} {}", chart.format_value(v)))
            .collect();
        format!("{kind}{unit}: {}.", pairs.join(", "))
    } else {
        let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
        format!(
            "{kind} of {} series ({}){unit}, over {} labels from {} to {}. The data follows in a table.",
            chart.series.len(),
            names.join(", "),
            chart.labels.len(),
            chart.labels.first().map_or("", String::as_str),
            chart.labels.last().map_or("", String::as_str),
        )
    }
}

/// The data as a table: a row per label, a column per series.
pub fn table(chart: &Chart) -> String {
    let mut out = String::from("<table class=\"chart__table\">\n<caption>");
    escape_into(&mut out, &chart.title);
    if let Some(unit) = chart.unit_title() {
        out.push_str(" (");
        escape_into(&mut out, unit);
        out.push(')');
    }
    out.push_str("</caption>\n<thead><tr><td></td>");
    for s in &chart.series {
        out.push_str("<th scope=\"col\">");
        escape_into(&mut out, if s.name.is_empty() { "Value" } else { &s.name });
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, label) in chart.labels.iter().enumerate() {
        out.push_str("<tr><th scope=\"row\">");
        escape_into(&mut out, label);
        out.push_str("</th>");
        for s in &chart.series {
            out.push_str("<td>");
            escape_into(&mut out, &chart.format_value(s.values[i]));
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The chart as inline SVG. `id` prefixes the ids of its title and
/// description (`<id>-title`, `<id>-desc`), which name it for assistive
/// technology.
pub fn svg(chart: &Chart, id: &str) -> String {
    let layout = Layout::new(chart);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<svg class=\"chart__svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" font-family=\"system-ui, sans-serif\">\n<title id=\"{id}-title\">",
        w = num(WIDTH),
        h = num(layout.height),
    );
    escape_into(&mut out, &chart.title);
    let _ = write!(out, "</title>\n<desc id=\"{id}-desc\">");
    escape_into(&mut out, &description(chart));
    out.push_str("</desc>\n");
    layout.legend(chart, &mut out);
    layout.axis(chart, &mut out);
    match chart.kind {
        Kind::Bar => layout.bars(chart, &mut out),
        Kind::Line => layout.lines(chart, &mut out),
    }
    layout.categories(chart, &mut out);
    out.push_str("</svg>");
    out
}

/// Where everything goes, decided before anything is drawn.
struct Layout {
    height: f64,
    plot_left: f64,
    plot_right: f64,
    plot_top: f64,
    plot_bottom: f64,
    /// The value axis: lowest and highest tick, and the step between ticks.
    lo: f64,
    hi: f64,
    step: f64,
    /// Legend items: (x, y) of each series' swatch.
    legend: Vec<(f64, f64)>,
    /// Where the unit's title goes, if written above the axis.
    unit_y: Option<f64>,
    /// Category labels: each label's lines, or one cut label when rotated.
    label_lines: Vec<Vec<String>>,
    rotated: bool,
    labels_top: f64,
    /// Printed values of bars run upwards instead of across.
    values_rotated: bool,
}

impl Layout {
    fn new(chart: &Chart) -> Layout {
        let n = chart.labels.len().max(1) as f64;
        let (min, max) = chart
            .values()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let (min, max) = if min.is_finite() {
            (min, max)
        } else {
            (0.0, 0.0)
        };
        let (lo, hi, step) = match chart.kind {
            Kind::Bar => nice_ticks(min.min(0.0), max.max(0.0)),
            Kind::Line => nice_ticks(min, max),
        };
        // Legend rows, across the whole width.
        let mut legend = Vec::new();
        let mut y = 0.0;
        if chart.series.len() > 1 {
            let (mut x, mut row) = (0.0, 0.0);
            for s in &chart.series {
                let w = 26.0 + text_width(&s.name, FONT) + 14.0;
                if x > 0.0 && x + w > WIDTH {
                    x = 0.0;
                    row += 1.0;
                }
                legend.push((x, row * 22.0 + 4.0));
                x += w;
            }
            y = (row + 1.0) * 22.0 + 6.0;
        }
        let unit_y = chart.unit_title().map(|_| {
            y += 20.0;
            y - 6.0
        });
        let tick_width = ticks(lo, hi, step)
            .map(|(_, t)| text_width(&chart.affixed(t), SMALL))
            .fold(0.0, f64::max);
        let mut plot_left = (tick_width + 10.0).ceil();
        let value_width = chart
            .values()
            .map(|v| text_width(&chart.format_value(v), SMALL))
            .fold(0.0, f64::max);
        let plot_right = match chart.kind {
            Kind::Bar => WIDTH - 4.0,
            // The last value of each line is printed after its end.
            Kind::Line => WIDTH - (value_width + 12.0).ceil(),
        };
        // Category labels: wrapped to their slot, or rotated when a word
        // does not fit or a label would take too many lines.
        let slot = (plot_right - plot_left) / n;
        let wrapped: Option<Vec<Vec<String>>> = chart
            .labels
            .iter()
            .map(|l| wrap(l, slot - 6.0).filter(|lines| lines.len() <= MAX_LINES))
            .collect();
        let (label_lines, rotated) = match wrapped {
            Some(lines) => (lines, false),
            None => {
                let cut: Vec<Vec<String>> = chart
                    .labels
                    .iter()
                    .map(|l| vec![cut(l, MAX_ROTATED_CHARS)])
                    .collect();
                // The first label runs down to the left of its slot.
                let first = text_width(&cut[0][0], FONT) * 0.71;
                plot_left = plot_left.max((first - slot / 2.0 + 4.0).ceil());
                (cut, true)
            }
        };
        let slot = (plot_right - plot_left) / n;
        // Room above the plot for the values printed over the highest bars.
        let per_bar = slot * 0.8 / chart.series.len().max(1) as f64;
        let values_rotated = chart.kind == Kind::Bar && value_width > per_bar - 2.0;
        let headroom = match chart.kind {
            Kind::Bar if max > 0.0 && values_rotated => value_width + 8.0,
            Kind::Bar if max > 0.0 => SMALL + 8.0,
            _ => SMALL,
        };
        let plot_top = y + headroom;
        let plot_bottom = plot_top + PLOT_HEIGHT;
        let below = match chart.kind {
            Kind::Bar if min < 0.0 && values_rotated => value_width + 8.0,
            Kind::Bar if min < 0.0 => SMALL + 8.0,
            _ => 0.0,
        };
        let labels_top = plot_bottom + below + 8.0;
        let labels_height = if rotated {
            let longest = label_lines
                .iter()
                .map(|l| text_width(&l[0], FONT))
                .fold(0.0, f64::max);
            longest * 0.71 + FONT
        } else {
            let lines = label_lines.iter().map(Vec::len).max().unwrap_or(1) as f64;
            lines * LINE_HEIGHT
        };
        Layout {
            height: (labels_top + labels_height + 6.0).ceil(),
            plot_left,
            plot_right,
            plot_top,
            plot_bottom,
            lo,
            hi,
            step,
            legend,
            unit_y,
            label_lines,
            rotated,
            labels_top,
            values_rotated,
        }
    }

    fn y(&self, v: f64) -> f64 {
        self.plot_bottom - (v - self.lo) / (self.hi - self.lo) * (self.plot_bottom - self.plot_top)
    }

    fn slot(&self, n: usize) -> f64 {
        (self.plot_right - self.plot_left) / n.max(1) as f64
    }

    fn centre(&self, i: usize, n: usize) -> f64 {
        self.plot_left + self.slot(n) * (i as f64 + 0.5)
    }

    fn legend(&self, chart: &Chart, out: &mut String) {
        if self.legend.is_empty() {
            return;
        }
        out.push_str("<g class=\"chart__legend\">\n");
        for (k, (s, &(x, y))) in chart.series.iter().zip(&self.legend).enumerate() {
            let mid = y + 7.0;
            match chart.kind {
                Kind::Bar => {
                    let _ = writeln!(
                        out,
                        "<rect class=\"chart__bar chart__s{}\" x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\"/>",
                        k + 1,
                        num(x),
                        num(y),
                        COLOURS[k]
                    );
                }
                Kind::Line => {
                    let _ = writeln!(
                        out,
                        "<line class=\"chart__line chart__s{}\" x1=\"{}\" x2=\"{}\" y1=\"{m}\" y2=\"{m}\" stroke=\"{}\"{}/>",
                        k + 1,
                        num(x),
                        num(x + 22.0),
                        COLOURS[k],
                        dash(k),
                        m = num(mid)
                    );
                    marker(out, k, x + 11.0, mid);
                }
            }
            let _ = write!(
                out,
                "<text class=\"chart__label\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#1a1917\">",
                num(x + 26.0),
                num(mid + 5.0),
                num(FONT)
            );
            escape_into(out, &s.name);
            out.push_str("</text>\n");
        }
        out.push_str("</g>\n");
    }

    /// Gridlines and tick labels, the unit's title, and the zero line.
    fn axis(&self, chart: &Chart, out: &mut String) {
        if let (Some(y), Some(unit)) = (self.unit_y, chart.unit_title()) {
            let _ = write!(
                out,
                "<text class=\"chart__unit\" x=\"0\" y=\"{}\" font-size=\"{}\" fill=\"#5e5a53\">",
                num(y),
                num(SMALL)
            );
            escape_into(out, unit);
            out.push_str("</text>\n");
        }
        out.push_str("<g class=\"chart__ticks\">\n");
        for (v, label) in ticks(self.lo, self.hi, self.step) {
            let y = self.y(v);
            let _ = write!(
                out,
                "<line class=\"chart__grid\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#d8d1c4\"/>\n<text class=\"chart__tick\" x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"end\" fill=\"#5e5a53\">{}</text>\n",
                num(self.plot_left),
                num(self.plot_right),
                num(self.plot_left - 6.0),
                num(y + SMALL * 0.35),
                num(SMALL),
                chart.affixed(label),
                y = num(y),
            );
        }
        out.push_str("</g>\n");
        if self.lo <= 0.0 && self.hi >= 0.0 {
            let y = num(self.y(0.0));
            let _ = writeln!(
                out,
                "<line class=\"chart__axis\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#1a1917\"/>",
                num(self.plot_left),
                num(self.plot_right),
            );
        }
    }

    fn bars(&self, chart: &Chart, out: &mut String) {
        let n = chart.labels.len();
        let s = chart.series.len().max(1);
        let slot = self.slot(n);
        let (bar, gap) = if s == 1 {
            ((slot * 0.62).min(64.0), 0.0)
        } else {
            let group = slot * 0.8;
            (group / s as f64 - 2.0, 2.0)
        };
        let group = bar * s as f64 + gap * (s - 1) as f64;
        let zero = self.y(0.0);
        for (k, series) in chart.series.iter().enumerate() {
            let _ = writeln!(out, "<g class=\"chart__series chart__s{}\">", k + 1);
            for (i, &v) in series.values.iter().enumerate() {
                let x = self.centre(i, n) - group / 2.0 + k as f64 * (bar + gap);
                let y = self.y(v);
                let _ = writeln!(
                    out,
                    "<rect class=\"chart__bar chart__s{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    k + 1,
                    num(x),
                    num(y.min(zero)),
                    num(bar),
                    num((y - zero).abs()),
                    COLOURS[k],
                );
                let cx = x + bar / 2.0;
                let text = chart.format_value(v);
                let _ = if self.values_rotated {
                    let (ty, anchor) = if v < 0.0 {
                        (y + 5.0, "end")
                    } else {
                        (y - 5.0, "start")
                    };
                    write!(
                        out,
                        "<text class=\"chart__value\" x=\"{x}\" y=\"{y}\" transform=\"rotate(-90 {x} {y})\" dy=\"0.35em\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"#1a1917\">",
                        num(SMALL),
                        x = num(cx),
                        y = num(ty),
                    )
                } else {
                    let ty = if v < 0.0 { y + SMALL + 3.0 } else { y - 5.0 };
                    write!(
                        out,
                        "<text class=\"chart__value\" x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"#1a1917\">",
                        num(cx),
                        num(ty),
                        num(SMALL),
                    )
                };
                escape_into(out, &text);
                out.push_str("</text>\n");
            }
            out.push_str("</g>\n");
        }
    }

    fn lines(&self, chart: &Chart, out: &mut String) {
        let n = chart.labels.len();
        // The last values, moved apart so their labels never overlap.
        let mut ends: Vec<(f64, usize)> = chart
            .series
            .iter()
            .enumerate()
            .filter_map(|(k, s)| s.values.last().map(|&v| (self.y(v), k)))
            .collect();
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        for i in 1..ends.len() {
            ends[i].0 = ends[i].0.max(ends[i - 1].0 + SMALL + 2.0);
        }
        for (k, series) in chart.series.iter().enumerate() {
            let _ = writeln!(out, "<g class=\"chart__series chart__s{}\">", k + 1);
            let points: Vec<(f64, f64)> = series
                .values
                .iter()
                .enumerate()
                .map(|(i, &v)| (self.centre(i, n), self.y(v)))
                .collect();
            let d: Vec<String> = points
                .iter()
                .enumerate()
                .map(|(i, (x, y))| {
                    format!("{}{} {}", if i == 0 { "M" } else { "L" }, num(*x), num(*y))
                })
                .collect();
            let _ = writeln!(
                out,
                "<path class=\"chart__line chart__s{}\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"{}/>",
                k + 1,
                d.join(" "),
                COLOURS[k],
                dash(k)
            );
            for &(x, y) in &points {
                marker(out, k, x, y);
            }
            if let (Some(&(x, _)), Some(&v), Some(&(y, _))) = (
                points.last(),
                series.values.last(),
                ends.iter().find(|(_, s)| *s == k),
            ) {
                let _ = write!(
                    out,
                    "<text class=\"chart__value\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#1a1917\">",
                    num(x + 8.0),
                    num(y + SMALL * 0.35),
                    num(SMALL)
                );
                escape_into(out, &chart.format_value(v));
                out.push_str("</text>\n");
            }
            out.push_str("</g>\n");
        }
    }

    fn categories(&self, chart: &Chart, out: &mut String) {
        let n = chart.labels.len();
        out.push_str("<g class=\"chart__categories\">\n");
        for (i, lines) in self.label_lines.iter().enumerate() {
            let x = num(self.centre(i, n));
            if self.rotated {
                let y = num(self.labels_top + FONT * 0.4);
                let _ = write!(
                    out,
                    "<text class=\"chart__label\" x=\"{x}\" y=\"{y}\" transform=\"rotate(-45 {x} {y})\" font-size=\"{}\" text-anchor=\"end\" fill=\"#1a1917\">",
                    num(FONT)
                );
                escape_into(out, &lines[0]);
                out.push_str("</text>\n");
                continue;
            }
            let _ = write!(
                out,
                "<text class=\"chart__label\" x=\"{x}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"#1a1917\">",
                num(self.labels_top + FONT * 0.8),
                num(FONT)
            );
            for (j, line) in lines.iter().enumerate() {
                let dy = if j == 0 { 0.0 } else { LINE_HEIGHT };
                let _ = write!(out, "<tspan x=\"{x}\" dy=\"{}\">", num(dy));
                escape_into(out, line);
                out.push_str("</tspan>");
            }
            out.push_str("</text>\n");
        }
        out.push_str("</g>\n");
    }
}

fn dash(k: usize) -> String {
    match DASHES[k] {
        "" => String::new(),
        d => format!(" stroke-dasharray=\"{d}\""),
    }
}

/// A point of series `k`: a circle, square, triangle, diamond, …
fn marker(out: &mut String, k: usize, x: f64, y: f64) {
    let class = format!("chart__marker chart__s{}", k + 1);
    let fill = COLOURS[k];
    let r = 4.0;
    let _ = match k % 4 {
        0 => writeln!(
            out,
            "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\"/>",
            num(x),
            num(y),
            num(r)
        ),
        1 => writeln!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" fill=\"{fill}\"/>",
            num(x - r),
            num(y - r),
            s = num(2.0 * r)
        ),
        2 => writeln!(
            out,
            "<path class=\"{class}\" d=\"M{} {} L{} {} L{} {} Z\" fill=\"{fill}\"/>",
            num(x),
            num(y - r - 1.0),
            num(x + r + 0.5),
            num(y + r),
            num(x - r - 0.5),
            num(y + r)
        ),
        _ => writeln!(
            out,
            "<path class=\"{class}\" d=\"M{} {} L{} {} L{} {} L{} {} Z\" fill=\"{fill}\"/>",
            num(x),
            num(y - r - 1.0),
            num(x + r + 1.0),
            num(y),
            num(x),
            num(y + r + 1.0),
            num(x - r - 1.0),
            num(y)
        ),
    };
}

/// A coordinate: at most two decimals, no trailing zeros, never `-0`.
fn num(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}

/// The width of `text` at `size`, estimated a little generously from the
/// kinds of characters in it (no font metrics at build time).
pub fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' | '’' => 0.3,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '-' | '1' => 0.38,
            'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' => 0.92,
            c if c.is_uppercase() => 0.7,
            c if c.is_ascii() => 0.58,
            // Wide scripts and symbols.
            _ => 1.0,
        })
        .sum();
    em * size
}

/// `text` in lines no wider than `width` (at [`FONT`]), broken between
/// words; `None` if a word alone is wider.
fn wrap(text: &str, width: f64) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        if text_width(word, FONT) > width {
            return None;
        }
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), FONT) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    Some(lines)
}

/// At most `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max - 1).collect();
    format!("{}…", head.trim_end())
}

/// A round step near `raw`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|&s| norm <= s + 1e-9)
        .unwrap_or(10.0);
    nice * magnitude
}

/// The value axis: `(lowest tick, highest tick, step)`, round numbers
/// covering `min..=max` in four to six steps.
pub fn nice_ticks(min: f64, max: f64) -> (f64, f64, f64) {
    let (min, max) = if max - min > 0.0 {
        (min, max)
    } else if min == 0.0 {
        (0.0, 1.0)
    } else {
        // One value: a range around it that keeps zero in view when near.
        let pad = min.abs() * 0.1;
        (min - pad, max + pad)
    };
    let step = nice_step((max - min) / 5.0);
    let lo = (min / step + 1e-9).floor() * step;
    let hi = (max / step - 1e-9).ceil() * step;
    (lo, hi, step)
}

/// Each tick's value and its label.
fn ticks(lo: f64, hi: f64, step: f64) -> impl Iterator<Item = (f64, String)> {
    let count = ((hi - lo) / step).round() as usize;
    let decimals = decimals(step);
    (0..=count).map(move |i| {
        let v = lo + i as f64 * step;
        (v, format_number(v, Some(decimals)))
    })
}

/// Decimals needed to write multiples of `step` exactly.
fn decimals(step: f64) -> usize {
    (0..6)
        .find(|&k| {
            let scaled = step * 10f64.powi(k as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6)
}

/// A number as readers write it: `12,500` (digits grouped from five on,
/// so `2025` stays as it is), `0.5`, `−3` (a true minus sign); `decimals`
/// fixes the decimals, else the shortest exact form.
pub fn format_number(v: f64, decimals: Option<usize>) -> String {
    let text = match decimals {
        Some(d) => format!("{:.*}", d, v),
        None => format!("{v}"),
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (rest.chars().any(|c| c.is_ascii_digit() && c != '0'), rest),
        None => (false, text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 && int.len() > 4 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let mut out = String::new();
    if negative {
        out.push('−');
    }
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(labels: &[&str], values: &[f64]) -> Chart {
        Chart {
            kind: Kind::Bar,
            title: "T".into(),
            unit: Some("%".into()),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            series: vec![Series {
                name: String::new(),
                values: values.to_vec(),
            }],
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_values() {
        assert_eq!(nice_ticks(0.0, 90.0), (0.0, 100.0, 20.0));
        assert_eq!(nice_ticks(0.0, 7.0), (0.0, 8.0, 2.0));
        assert_eq!(nice_ticks(-12.0, 30.0), (-20.0, 30.0, 10.0));
        assert_eq!(nice_ticks(0.0, 0.0), (0.0, 1.0, 0.2));
        let (lo, hi, step) = nice_ticks(0.0, 0.3);
        assert!(lo == 0.0 && (hi - 0.3).abs() < 1e-9 && (step - 0.1).abs() < 1e-9);
        let labels: Vec<String> = ticks(0.0, 0.3, 0.1).map(|(_, t)| t).collect();
        assert_eq!(labels, ["0.0", "0.1", "0.2", "0.3"]);
        let labels: Vec<String> = ticks(0.0, 50.0, 12.5).map(|(_, t)| t).collect();
        assert_eq!(labels, ["0.0", "12.5", "25.0", "37.5", "50.0"]);
        for (min, max) in [(3.0, 1234.0), (-0.04, 0.07), (1e6, 3.2e6), (17.0, 17.0)] {
            let (lo, hi, step) = nice_ticks(min, max);
            assert!(lo <= min && hi >= max, "{min}..{max} -> {lo}..{hi}");
            let steps = ((hi - lo) / step).round();
            assert!((2.0..=7.0).contains(&steps), "{min}..{max}: {steps} steps");
        }
    }

    #[test]
    fn numbers_are_written_as_readers_write_them() {
        assert_eq!(format_number(60.0, None), "60");
        assert_eq!(format_number(1234.0, None), "1234");
        assert_eq!(format_number(12345.5, None), "12,345.5");
        assert_eq!(format_number(-3.0, None), "−3");
        assert_eq!(format_number(-0.0, Some(1)), "0.0");
        assert_eq!(format_number(2500000.0, Some(0)), "2,500,000");
        let c = bar(&["a"], &[1.0]);
        assert_eq!(c.format_value(-2.5), "−2.5%");
        let dollars = Chart {
            unit: Some("$".into()),
            ..c.clone()
        };
        assert_eq!(dollars.format_value(-2.0), "−$2");
        let tonnes = Chart {
            unit: Some("tonnes".into()),
            ..c
        };
        assert_eq!(tonnes.format_value(2.0), "2");
        assert_eq!(tonnes.unit_title(), Some("tonnes"));
    }

    /// Every category label's box, from the drawing's own numbers: wrapped
    /// labels side by side never overlap.
    #[test]
    fn labels_wrap_or_rotate_and_never_overlap() {
        let short = Layout::new(&bar(
            &["Production", "Supply", "Processing", "Magnets"],
            &[60.0, 70.0, 80.0, 90.0],
        ));
        assert!(!short.rotated);
        let long = bar(
            &[
                "Mining and extraction",
                "Magnet manufacture",
                "Finished motors",
                "Recycling",
            ],
            &[60.0, 92.0, 70.0, 5.0],
        );
        let layout = Layout::new(&long);
        assert!(!layout.rotated, "{:?}", layout.label_lines);
        assert_eq!(layout.label_lines[0], ["Mining and", "extraction"]);
        let slot = layout.slot(long.labels.len());
        for lines in &layout.label_lines {
            assert!(lines.len() <= MAX_LINES);
            for line in lines {
                assert!(
                    text_width(line, FONT) <= slot - 6.0,
                    "{line:?} is wider than its slot"
                );
            }
        }
        let months: Vec<String> = (1..=12).map(|m| format!("Month number {m}")).collect();
        let many = bar(
            &months.iter().map(String::as_str).collect::<Vec<_>>(),
            &[1.0; 12],
        );
        let layout = Layout::new(&many);
        assert!(layout.rotated, "twelve long labels are rotated");
        // Rotated by 45°, neighbours are a slot apart along the axis: their
        // baselines never cross as long as a line is thinner than the slot's
        // diagonal offset.
        assert!(layout.slot(12) * 0.71 > FONT * 1.05);
        // The first rotated label stays inside the drawing.
        let first = text_width(&layout.label_lines[0][0], FONT) * 0.71;
        assert!(layout.centre(0, 12) - first >= 0.0);
    }

    /// Tick labels end left of the plot and start inside the drawing;
    /// the last values of lines end inside it too.
    #[test]
    fn text_stays_inside_the_drawing() {
        let wide = Chart {
            unit: Some("$".into()),
            ..bar(&["a", "b"], &[1_250_000.0, -32_000.5])
        };
        let lines = Chart {
            kind: Kind::Line,
            ..bar(&["a", "b", "c"], &[100.0, 20.0, 123_456.0])
        };
        for chart in [bar(&["a"], &[100.0]), wide, lines] {
            let l = Layout::new(&chart);
            for (_, label) in ticks(l.lo, l.hi, l.step) {
                let w = text_width(&chart.affixed(label.clone()), SMALL);
                assert!(l.plot_left - 6.0 - w >= 0.0, "{label} is cut at the left");
            }
            if chart.kind == Kind::Line {
                let last = chart.format_value(123_456.0);
                let end = l.centre(2, 3) + 8.0 + text_width(&last, SMALL);
                assert!(end <= WIDTH, "{last} is cut at the right: {end}");
            }
        }
    }

    #[test]
    fn bars_start_at_zero_and_are_proportional() {
        let c = bar(&["a", "b", "c"], &[10.0, 20.0, 40.0]);
        let l = Layout::new(&c);
        assert_eq!(l.lo, 0.0);
        let h = |v: f64| l.y(0.0) - l.y(v);
        assert!((h(20.0) / h(10.0) - 2.0).abs() < 1e-9);
        assert!((h(40.0) / h(10.0) - 4.0).abs() < 1e-9);
    }
}
