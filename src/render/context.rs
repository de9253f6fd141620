//! The typed context every template receives.
//!
//! Templates never see the internal `Site`: they see these serializable
//! views, so the theme contract is written down here, in one place. Every
//! struct is documented field by field; the default theme uses all of them.
//!
//! Conventions:
//! - `path` is root-relative and already carries the base URL's sub-path
//!   (`/brief/briefings/x/` when `base_url = "https://example.org/brief/"`):
//!   use it for links inside the site.
//! - `url` is absolute (`https://example.org/brief/briefings/x/`): use it for
//!   canonical links, feeds and anything that leaves the site.
//! - `*_html` and `content` fields are trusted HTML produced by brief; mark
//!   them `| safe`. Everything else is plain text and is autoescaped.
//! - In XML templates, `{{ x | cdata }}` writes a string as a CDATA section
//!   (as the built-in atom.xml does with an entry's `content`), so HTML is
//!   carried as written instead of escaped.

use std::sync::Arc;

use serde::Serialize;

/// Site-wide values, available as `site` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteContext {
    /// `title` from site.toml.
    pub title: String,
    /// `description` from site.toml.
    pub description: String,
    /// `language` from site.toml, for `<html lang>`.
    pub language: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// Root-relative prefix of the site, always ending in `/` (`/` or `/brief/`).
    pub root: String,
    /// Absolute URL of the site-wide Atom feed.
    pub feed_url: String,
    /// Root-relative path of the stylesheet, with a content hash for cache busting.
    pub style_path: String,
    /// Root-relative path of the generated syntax-highlighting stylesheet.
    pub syntax_style_path: String,
    /// Standalone pages, for the navigation, ordered by title.
    pub nav: Vec<NavLink>,
    /// Root-relative path of the explainer, when the site has one.
    pub explainer_path: Option<String>,
    /// Root-relative path of `/authors/`, when a briefing has a byline.
    pub authors_path: Option<String>,
    /// Root-relative path of `/corrections/`, when anything was corrected.
    pub corrections_path: Option<String>,
    /// Root-relative path of the timeline, when the site has events.
    pub timeline_path: Option<String>,
    /// Year of the newest briefing (or of the build), for the footer.
    pub year: i32,
    /// True in `brief serve`: drafts and scheduled briefings are shown and marked.
    pub preview: bool,
}

/// A link in the site navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub title: String,
    pub path: String,
}

/// Per-render values shared by every template: where this output lives.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// Root-relative path of the output being rendered.
    pub path: String,
    /// Absolute canonical URL of the output being rendered.
    pub url: String,
    /// The `<title>` text (already includes the site title where appropriate).
    pub head_title: String,
    /// The meta description.
    pub description: String,
    /// Which part of the site this is, for highlighting the navigation:
    /// `home`, `briefing`, `archive`, `tags`, `tag`, `sources`, `source`,
    /// `page`, `404`, `explainer`, `snapshot` (the explainer on a past
    /// day), `timeline`.
    pub section: &'static str,
    /// Absolute URL of an Atom feed to advertise with `<link rel="alternate">`.
    pub feed_url: Option<String>,
}

/// A tag as shown next to a briefing.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct TagRef {
    /// The tag as written in front matter.
    pub name: String,
    /// URL-safe form of the name.
    pub slug: String,
    /// Root-relative path of the tag's page.
    pub path: String,
}

/// A briefing as listed on the home page, the archive and tag pages.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct BriefingSummary {
    pub title: String,
    pub path: String,
    pub url: String,
    /// `YYYY-MM-DD`, for `<time datetime>`.
    pub date: String,
    /// Human form, e.g. `9 June 2025`.
    pub date_display: String,
    /// RFC 3339 date-time, for feeds and JSON-LD.
    pub datetime: String,
    /// `YYYY-MM-DD` of the last update, if any.
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    /// Plain-text summary: front matter `summary`, else the first paragraph.
    pub summary: String,
    /// The first [`crate::render::LIST_TAGS`] tags: a list shows a
    /// briefing on every tag page, so showing all of a briefing's tags
    /// there would grow with tags times tag pages.
    pub tags: Vec<TagRef>,
    /// How many tags `tags` leaves out (all are on the briefing's page).
    pub more_tags: usize,
    /// The byline's authors, in the order written (empty: no byline).
    pub authors: Vec<AuthorLink>,
    /// `YYYY-MM-DD` of the newest correction or update, if any.
    pub corrected: Option<String>,
    /// Minutes, at least 1. (The exact word count is on the briefing page
    /// only, so an edit does not change every list that shows the briefing.)
    pub reading_time: usize,
    /// Only ever true in previews (`serve`, `--drafts`).
    pub draft: bool,
    /// Dated in the future; only ever true in previews (`serve`, `--future`).
    pub scheduled: bool,
}

/// One entry of a page's table of contents; `children` are its subsections.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    /// Heading level, 2 to 6 (the page title is the only `h1`).
    pub level: u8,
    /// The heading's `id`, to link as `#id`.
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// An author in a byline.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct AuthorLink {
    pub name: String,
    /// Root-relative path of the author's page.
    pub path: String,
    /// A desk or newsroom rather than a person (`kind = "organization"`).
    pub organization: bool,
}

/// An author, as `author` on their page and in `authors` on `/authors/`.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorContext {
    pub id: String,
    pub name: String,
    /// The bio (trusted HTML from inline markdown), if any.
    pub bio_html: Option<String>,
    /// The author's own page elsewhere, if given.
    pub url: Option<String>,
    pub path: String,
    /// Absolute URL of the author's Atom feed.
    pub feed_url: String,
    /// Number of briefings signed.
    pub count: usize,
}

/// A correction, update or clarification of a briefing.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionContext {
    /// `correction`, `update` or `clarification`.
    pub kind: &'static str,
    /// `Correction`, `Update` or `Clarification`.
    pub label: &'static str,
    /// Element id, unique on its page (`correction-2025-06-12-1`).
    pub id: String,
    pub date: String,
    pub date_display: String,
    /// Trusted HTML (inline markdown).
    pub text_html: String,
    /// The sources it cites.
    pub sources: Vec<SourceLink>,
    /// The briefing corrected (on `/corrections/`).
    pub briefing: BriefingRef,
}

/// A link to a source's page.
#[derive(Debug, Clone, Serialize)]
pub struct SourceLink {
    pub title: String,
    pub publisher: String,
    pub path: String,
}

/// A full briefing, as `page` in `briefing.html`.
#[derive(Debug, Clone, Serialize)]
pub struct BriefingContext {
    #[serde(flatten)]
    pub summary: Arc<BriefingSummary>,
    /// Every tag of the briefing (`tags` has only the first few, as lists
    /// show them).
    pub all_tags: Vec<TagRef>,
    /// Its corrections and updates, newest first, shown above the body.
    pub corrections: Vec<CorrectionContext>,
    /// The rendered body (trusted HTML).
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// The next-older and next-newer briefing, for "previous / next" links.
    pub older: Option<Arc<BriefingSummary>>,
    pub newer: Option<Arc<BriefingSummary>>,
    /// Numbered references, in order of first citation.
    pub references: Vec<ReferenceContext>,
    /// What this briefing changed in the running explainer, if anything.
    pub explainer_changes: Vec<ChangeContext>,
    /// The timeline's events this briefing added, revised or withdrew.
    pub events: Vec<BriefingEventContext>,
    /// schema.org `NewsArticle` JSON-LD, safe to put in a `<script>` (trusted).
    pub json_ld: String,
}

/// A standalone page, as `page` in `page.html`.
#[derive(Debug, Clone, Serialize)]
pub struct StandaloneContext {
    pub title: String,
    pub path: String,
    pub url: String,
    pub summary: String,
    /// The rendered body (trusted HTML).
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub draft: bool,
    pub references: Vec<ReferenceContext>,
}

/// A numbered link in a pager.
#[derive(Debug, Clone, Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub path: String,
    pub current: bool,
    /// Pages between the previous link and this one are left out (show `…`).
    pub gap_before: bool,
}

/// Pagination for the home page and tag pages, as `paginator`.
#[derive(Debug, Clone, Serialize)]
pub struct Paginator {
    /// 1-based number of this page.
    pub current: usize,
    pub total_pages: usize,
    /// Number of briefings across all pages.
    pub total_items: usize,
    /// The briefings on this page, newest first.
    pub items: Vec<Arc<BriefingSummary>>,
    pub prev_path: Option<String>,
    pub next_path: Option<String>,
    /// A window of pages for a numbered pager: the first, the last, and
    /// two either side of the current one (never all of them: a site of
    /// 10,000 briefings has 1,000 home pages).
    pub pages: Vec<PagerLink>,
}

/// A tag with its count, for `/tags/` and as `tag` on a tag page.
#[derive(Debug, Clone, Serialize)]
pub struct TagContext {
    pub name: String,
    pub slug: String,
    pub path: String,
    /// Absolute URL of the tag's Atom feed.
    pub feed_url: String,
    /// Number of briefings with this tag.
    pub count: usize,
}

/// A month of the archive.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveMonth {
    /// `YYYY-MM`, usable as an element id.
    pub id: String,
    /// Human form, e.g. `June 2025`.
    pub label: String,
    pub briefings: Vec<Arc<BriefingSummary>>,
}

/// A source of the registry, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct SourceContext {
    pub id: String,
    pub title: String,
    pub publisher: String,
    /// `YYYY-MM-DD` and human form, when the source is dated.
    pub published: Option<String>,
    pub published_display: Option<String>,
    /// The source's own URL; never invented, so often absent.
    pub url: Option<String>,
    pub accessed: Option<String>,
    pub accessed_display: Option<String>,
    /// `news`, `analysis`, `opinion`, `official` or `data`.
    pub kind: Option<&'static str>,
    /// Caveats and known errors (plain text).
    pub note: Option<String>,
    /// The formatted reference (trusted HTML): publisher, linked title, date.
    pub reference_html: String,
    /// Root-relative path of the source's page.
    pub path: String,
}

/// A source with how much it is cited, for `/sources/` and as `source` on
/// its own page.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStats {
    #[serde(flatten)]
    pub source: SourceContext,
    /// Times cited across the site, and in how many documents.
    pub citation_count: usize,
    pub document_count: usize,
    /// Explainer points (current or past) that cite it.
    pub point_count: usize,
}

/// One back-link from a reference to a place it was cited.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceUse {
    /// Element id of the marker in the text (`cite-2-b`): link as `#anchor`.
    pub anchor: String,
    /// `a`, `b`, … as Wikipedia labels back-links.
    pub letter: String,
    pub locator: Option<String>,
}

/// An entry of a document's reference list, as `page.references`.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceContext {
    /// The number of the markers in the text; the entry's id is `ref-<number>`.
    pub number: usize,
    pub source: SourceContext,
    pub uses: Vec<ReferenceUse>,
}

/// A place a source is cited, shown on the source's page.
#[derive(Debug, Clone, Serialize)]
pub struct CitationContext {
    /// Link straight to the marker: `/briefings/x/#cite-2-b`.
    pub href: String,
    /// The sentence around the citation (plain text).
    pub context: String,
    pub locator: Option<String>,
}

/// A document citing a source, with every citation in it.
#[derive(Debug, Clone, Serialize)]
pub struct CitingDocument {
    pub title: String,
    pub path: String,
    /// `briefing`, `page` or `explainer`.
    pub kind: &'static str,
    /// Briefings only.
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub citations: Vec<CitationContext>,
}

/// Sources grouped by publisher, for `/sources/`.
#[derive(Debug, Clone, Serialize)]
pub struct PublisherGroup {
    pub name: String,
    /// An element id for the group.
    pub id: String,
    pub sources: Vec<SourceStats>,
    pub citation_count: usize,
}

/// A briefing, as named by the explainer ("first stated in …").
#[derive(Debug, Clone, Serialize, Hash)]
pub struct BriefingRef {
    pub title: String,
    pub path: String,
    pub date: String,
    pub date_display: String,
}

/// A current (or withdrawn) point of the explainer.
#[derive(Debug, Clone, Serialize)]
pub struct DealPointContext {
    /// Stable id; the point's element id on the explainer page.
    pub id: String,
    /// Root-relative link to the point: `/explainer/#id`.
    pub path: String,
    /// `is`, `is-not` or `open`.
    pub kind: &'static str,
    /// The current wording (trusted HTML).
    pub text_html: String,
    /// The current wording as plain text, for links and titles.
    pub text_plain: String,
    /// Citation markers for the point (trusted HTML); empty outside the explainer page.
    pub citations_html: String,
    pub first_stated: BriefingRef,
    /// The briefing that last changed it (same as `first_stated` if never revised).
    pub last_revised: BriefingRef,
    pub revised: bool,
    pub withdrawn: bool,
}

/// One entry of "What changed".
#[derive(Debug, Clone, Serialize)]
pub struct ChangeContext {
    /// Element id of the entry (`change-<point>-<n>`).
    pub id: String,
    pub point_id: String,
    /// Root-relative link to the point on the explainer page.
    pub point_path: String,
    /// `added`, `revised`, `withdrawn` or `reinstated`.
    pub kind: &'static str,
    /// Human summary, e.g. "Reworded", "Moved from Open questions to Is".
    pub label: String,
    pub reworded: bool,
    pub moved: bool,
    pub briefing: BriefingRef,
    /// Wording before and after (trusted HTML); `old_*` only when it changed.
    pub old_text_html: Option<String>,
    pub new_text_html: String,
    /// The new wording as plain text, for links and titles.
    pub new_text_plain: String,
    pub old_kind: Option<&'static str>,
    pub new_kind: &'static str,
    /// RFC 3339, for the change feed.
    pub datetime: String,
    /// The explainer as it stood at the end of the change's day.
    pub snapshot_path: String,
}

/// The explainer page, as `explainer`.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainerContext {
    pub title: String,
    /// Intro prose (trusted HTML).
    pub intro_html: String,
    /// Date of the newest briefing: the explainer is "as of" it.
    pub as_of: Option<String>,
    pub as_of_display: Option<String>,
    pub is: Vec<DealPointContext>,
    pub is_not: Vec<DealPointContext>,
    pub open: Vec<DealPointContext>,
    pub withdrawn: Vec<DealPointContext>,
    /// Newest first.
    pub changes: Vec<ChangeContext>,
    pub references: Vec<ReferenceContext>,
    pub feed_url: String,
    /// Every day the explainer changed, newest first, each linking the
    /// explainer as it stood at the end of that day.
    pub snapshots: Vec<SnapshotLink>,
}

/// "The deal in brief" on the home page, as `deal` (absent without points).
#[derive(Debug, Clone, Serialize)]
pub struct DealBrief {
    pub path: String,
    pub as_of: Option<String>,
    pub as_of_display: Option<String>,
    /// The first few current points of each kind.
    pub is: Vec<DealPointContext>,
    pub is_not: Vec<DealPointContext>,
    pub open: Vec<DealPointContext>,
    /// How many current points there are in all.
    pub total: usize,
}

/// An explainer point citing a source, on the source's page.
#[derive(Debug, Clone, Serialize)]
pub struct SourcePointContext {
    pub id: String,
    pub path: String,
    pub kind: &'static str,
    pub text_html: String,
    pub text_plain: String,
    pub withdrawn: bool,
}

/// An event of the story's timeline (`/timeline/`, the home page, source
/// pages). The fields that only the timeline page fills are noted.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct EventContext {
    /// The event's element id on `/timeline/` (`event-<id>`, or
    /// `e-<briefing>-<n>` for an event written without an id).
    pub anchor: String,
    /// Root-relative link to the event: `/timeline/#anchor`.
    pub path: String,
    /// `YYYY-MM-DD` and human form of when it happened.
    pub date: String,
    pub date_display: String,
    /// What happened (trusted HTML); for a withdrawn event, what was
    /// stated before the withdrawal.
    pub text_html: String,
    /// The same as plain text, for links and titles.
    pub text_plain: String,
    /// Citation markers for `text_html` (trusted HTML); timeline page only.
    pub citations_html: String,
    /// The briefing that first reported it.
    pub reported: BriefingRef,
    /// True when that briefing is dated after the event's day: show both
    /// ("reported 10 June").
    pub reported_later: bool,
    /// Later briefings that revised, withdrew or reinstated it, oldest first.
    pub revised_in: Vec<BriefingRef>,
    pub revised: bool,
    pub withdrawn: bool,
    /// The withdrawal: the briefing's note (trusted HTML) and its markers.
    pub withdrawal_html: Option<String>,
    pub withdrawal_citations_html: String,
    /// Earlier statements, oldest first; timeline page only.
    pub history: Vec<EventVersionContext>,
}

/// An earlier statement of an event, in its history.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct EventVersionContext {
    pub date: String,
    pub date_display: String,
    pub text_html: String,
    pub withdrawn: bool,
    pub briefing: BriefingRef,
}

/// A month of the timeline, as `timeline.months`.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineMonth {
    /// `m-YYYY-MM`, the month's element id.
    pub id: String,
    /// Human form, e.g. `June 2025`.
    pub label: String,
    pub events: Vec<EventContext>,
}

/// A revision, withdrawal or reinstatement of an event.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct EventChangeContext {
    /// Element id of the entry (`revision-<anchor>-<n>`).
    pub id: String,
    /// Root-relative link to the event on `/timeline/`.
    pub event_path: String,
    /// `added`, `revised`, `withdrawn` or `reinstated`.
    pub kind: &'static str,
    /// Human summary, e.g. "Redated from 12 May 2025; reworded".
    pub label: String,
    pub briefing: BriefingRef,
    /// The wording before (when it changed) and after (trusted HTML).
    pub old_text_html: Option<String>,
    pub new_text_html: String,
    pub new_text_plain: String,
    /// The event's date after the change.
    pub date: String,
    pub date_display: String,
}

/// The timeline page, as `timeline`.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineContext {
    /// Events by month, oldest first.
    pub months: Vec<TimelineMonth>,
    /// How many events (withdrawn ones included).
    pub count: usize,
    /// Revisions, withdrawals and reinstatements, newest first.
    pub changes: Vec<EventChangeContext>,
    pub references: Vec<ReferenceContext>,
    pub feed_url: String,
    /// Date of the newest briefing: the timeline is "as of" it.
    pub as_of: Option<String>,
    pub as_of_display: Option<String>,
}

/// The newest events, on the home page as `timeline` (absent without events).
#[derive(Debug, Clone, Serialize)]
pub struct TimelineBrief {
    pub path: String,
    /// The most recent events in force, newest first.
    pub events: Vec<EventContext>,
    /// How many events the timeline has.
    pub total: usize,
}

/// An event a briefing added or changed, as `page.events` of a briefing.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct BriefingEventContext {
    /// `added`, `revised`, `withdrawn` or `reinstated`.
    pub kind: &'static str,
    /// "Added", "Revised", …
    pub label: String,
    pub path: String,
    pub date: String,
    pub date_display: String,
    pub text_plain: String,
}

/// A day of the explainer's history, linking its snapshot.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct SnapshotLink {
    /// `YYYY-MM-DD` and human form.
    pub date: String,
    pub date_display: String,
    /// Root-relative link: `/explainer/<date>/`.
    pub path: String,
    /// How many changes that day made.
    pub changes: usize,
}

/// How a point differs today from a snapshot's day, for "compare with today".
#[derive(Debug, Clone, Serialize, Hash)]
pub struct PointComparison {
    pub id: String,
    /// The point on the current explainer.
    pub path: String,
    /// `added` (stated since), `withdrawn` (since), `reinstated`, or
    /// `revised` (reworded, moved or re-sourced).
    pub kind: &'static str,
    /// Human summary, e.g. "Moved from Open questions to Is; reworded".
    pub label: String,
    /// The wording then (absent if not stated yet) and now (trusted HTML).
    pub then_html: Option<String>,
    pub now_html: String,
    pub now_plain: String,
    /// The last change since, with the snapshot of its day.
    pub changed: SnapshotLink,
}

/// The explainer as it stood at the end of a day, as `snapshot` in
/// `snapshot.html`.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotContext {
    pub title: String,
    pub date: String,
    pub date_display: String,
    /// The current explainer (root-relative).
    pub current_path: String,
    pub previous: Option<SnapshotLink>,
    pub next: Option<SnapshotLink>,
    /// The lists as they stood; `citations_html`, `first_stated` and
    /// `last_revised` as of that day.
    pub is: Vec<DealPointContext>,
    pub is_not: Vec<DealPointContext>,
    pub open: Vec<DealPointContext>,
    /// What that day changed.
    pub changes: Vec<ChangeContext>,
    /// Every point that differs today, in the order of first statement.
    pub compare: Vec<PointComparison>,
    pub references: Vec<ReferenceContext>,
}
