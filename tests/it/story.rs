//! Issue 21: story tools — a sourced timeline, build-time charts, and the
//! explainer as it stood on any date.
//!
//! - The timeline: one fixture of four briefings whose `[[event]]`s are
//!   added, restated, redated, reworded and withdrawn; the page's order,
//!   months, revisions, citations, feed, and the events shown on the home
//!   page, each briefing and each source page.
//! - Charts: the SVG's geometry read back (bars proportional to their
//!   values, standing on a zero axis), the table equal to the data, a
//!   golden SVG per chart type, citations numbered with the body's.
//! - Snapshots: for every day of a fixture, `/explainer/<day>/` lists what
//!   the explainer of a site holding only the briefings up to that day
//!   lists (each such site built for the comparison).
//! - Every new diagnostic at its exact `path:line:col`.

use std::collections::BTreeMap;

use crate::support::*;

const SOURCES: &str = "content/sources.toml";

const REGISTRY: &str = r#"
    [geneva-statement]
    title = "Joint statement on the Geneva meeting"
    publisher = "White House"
    published = 2025-05-12

    [framework-report]
    title = "What the London framework says"
    publisher = "Harbour Post"

    [reex-leverage]
    title = "Where China's leverage comes from"
    publisher = "Rare Earth Exchanges"

    [customs-data]
    title = "Monthly magnet exports"
    publisher = "Customs statistics office"
"#;

/// The value of attribute `name` in an opening tag.
#[track_caller]
fn attr(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let start = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + key.len();
    let end = tag[start..].find('"').expect("attribute is closed") + start;
    unescape(&tag[start..end])
}

/// Every `id` attribute value of a page.
fn ids(html: &str) -> Vec<String> {
    html.match_indices(" id=\"")
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            unescape(&rest[..rest.find('"').expect("attribute is closed")])
        })
        .collect()
}

/// The first opening tag that starts with `open`.
#[track_caller]
fn open_tag<'a>(html: &'a str, open: &str) -> &'a str {
    let at = html
        .find(open)
        .unwrap_or_else(|| panic!("no `{open}` in:\n{html}"));
    &html[at..at + html[at..].find('>').expect("tag is closed") + 1]
}

/// Every opening tag that starts with `open` (e.g. `<rect class="chart__bar`).
fn tags<'a>(html: &'a str, open: &str) -> Vec<&'a str> {
    html.match_indices(open)
        .map(|(at, _)| &html[at..at + html[at..].find('>').expect("tag is closed") + 1])
        .collect()
}

// ---------------------------------------------------------------------------
// The timeline
// ---------------------------------------------------------------------------

/// 2 June: states the Geneva truce (before its day: reported later), a
/// call it dates 1 June, and an event without an id.
const TRUCE: &str = r#"
    +++
    title = "A truce that set up the talks"
    date = 2025-06-02

    [[event]]
    id = "geneva-truce"
    date = 2025-05-12
    text = "US and Chinese officials agree a *90-day* tariff truce in Geneva."
    cite = ["geneva-statement"]

    [[event]]
    id = "call"
    date = 2025-06-01
    text = "The two presidents speak by phone."
    cite = ["framework-report"]

    [[event]]
    date = 2025-06-02
    text = "Talks are announced for London."
    cite = ["framework-report"]
    +++
    The truce set the stage [@geneva-statement].
"#;

/// 9 June: an April event reported late; redates and rewords the call.
const LEVERAGE: &str = r#"
    +++
    title = "Why China has leverage"
    date = 2025-06-09

    [[event]]
    date = 2025-04-04
    text = "China adds seven rare earths to its export-licence list."
    cite = ["reex-leverage"]

    [[event]]
    id = "call"
    date = 2025-06-05
    text = "Presidents Trump and Xi speak by phone for ninety minutes."
    cite = ["reex-leverage", "framework-report"]
    +++
    China dominates the supply chain [@reex-leverage].
"#;

/// 10 June: a new event, and the truce restated unchanged (no revision).
const FRAMEWORK: &str = r#"
    +++
    title = "A framework is agreed"
    date = 2025-06-10

    [[event]]
    date = 2025-06-10
    text = "Negotiators agree a framework in London."
    cite = ["framework-report"]

    [[event]]
    id = "geneva-truce"
    date = 2025-05-12
    text = "US and Chinese officials agree a *90-day* tariff truce in Geneva."
    cite = ["geneva-statement"]
    +++
    A framework [@framework-report].
"#;

/// 12 June: withdraws the call (keeping its date).
const CORRECTIONS: &str = r#"
    +++
    title = "What we got wrong about the call"
    date = 2025-06-12

    [[event]]
    id = "call"
    text = "Its length was never confirmed."
    cite = ["framework-report"]
    status = "withdrawn"
    +++
    A correction [@framework-report].
"#;

fn timeline_site() -> TempSite {
    site(&[
        (SOURCES, REGISTRY),
        ("content/briefings/2025-06-02-truce.md", TRUCE),
        ("content/briefings/2025-06-09-leverage.md", LEVERAGE),
        ("content/briefings/2025-06-10-framework.md", FRAMEWORK),
        ("content/briefings/2025-06-12-corrections.md", CORRECTIONS),
    ])
}

fn timeline_built() -> Built {
    let built = timeline_site().build().ok();
    // customs-data is cited by nothing here.
    assert_eq!(
        built.diags(),
        [
            "content/sources.toml:14:2: warning: source `customs-data` is never cited (help: cite it as `[@id]` in a briefing, or remove it from the registry)"
        ]
    );
    built
}

/// An event as the timeline page shows it.
#[derive(Debug)]
struct ShownEvent {
    anchor: String,
    classes: String,
    date: String,
    /// "reported 9 June 2025", when shown.
    reported: Option<String>,
    /// The text without its markers (HTML).
    text: String,
    /// The numbers of its citation markers, in order.
    markers: Vec<String>,
    withdrawal: Option<String>,
    meta: String,
    /// Earlier versions, as text.
    history: Vec<String>,
}

/// The timeline's months: (id, label, events).
fn months(html: &str) -> Vec<(String, String, Vec<ShownEvent>)> {
    let main = main_of(html);
    main.split("<section class=\"timeline-month\"")
        .skip(1)
        .map(|section| {
            let section = &section[..section.find("</section>").unwrap()];
            let h2 = open_tag(section, "<h2");
            let label = text_of(inner(section, "<h2", "</h2>"));
            let events = section
                .split("<li class=\"event")
                .skip(1)
                .map(|li| {
                    let text_p = inner(li, "<p class=\"event__text\"", "</p>");
                    let (text, group) = text_p
                        .split_once("<sup class=\"cite-group\"")
                        .unwrap_or((text_p, ""));
                    let text = text
                        .replace("<span class=\"event__status\">Withdrawn</span> <del>", "")
                        .replace("</del>", "");
                    ShownEvent {
                        anchor: attr(li, "id"),
                        classes: li[..li.find('"').unwrap()].trim().to_string(),
                        date: attr(inner(li, "<p class=\"event__when\"", "</p>"), "datetime"),
                        reported: li.contains("<span class=\"event__reported\"").then(|| {
                            text_of(inner(li, "<span class=\"event__reported\"", "</time>"))
                        }),
                        text,
                        markers: group
                            .match_indices("class=\"cite-ref\" href=\"#ref-")
                            .map(|(at, m)| {
                                let rest = &group[at + m.len()..];
                                rest[..rest.find('"').unwrap()].to_string()
                            })
                            .collect(),
                        withdrawal: li.contains("<p class=\"event__withdrawal\"").then(|| {
                            let w = inner(li, "<p class=\"event__withdrawal\"", "</p>");
                            w.split("<sup").next().unwrap().to_string()
                        }),
                        meta: text_of(inner(li, "<p class=\"event__meta\"", "</p>")),
                        history: if li.contains("<details class=\"event__history\"") {
                            inner(li, "<ol class=\"event__versions\"", "</ol>")
                                .split("<li>")
                                .skip(1)
                                .map(text_of)
                                .collect()
                        } else {
                            Vec::new()
                        },
                    }
                })
                .collect();
            (attr(h2, "id"), label, events)
        })
        .collect()
}

#[test]
fn the_timeline_lists_every_event_in_date_order_grouped_by_month() {
    let built = timeline_built();
    let html = built.read("timeline/index.html");
    let months = months(&html);
    // (month id, label, [(date, anchor)]).
    type Shape<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
    let shape: Vec<Shape> = months
        .iter()
        .map(|(id, label, events)| {
            (
                id.as_str(),
                label.as_str(),
                events
                    .iter()
                    .map(|e| (e.date.as_str(), e.anchor.as_str()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (
                "m-2025-04",
                "April 2025",
                vec![("2025-04-04", "e-leverage-1")]
            ),
            (
                "m-2025-05",
                "May 2025",
                vec![("2025-05-12", "event-geneva-truce")]
            ),
            (
                "m-2025-06",
                "June 2025",
                vec![
                    ("2025-06-02", "e-truce-1"),
                    // Redated to 5 June by a later briefing, withdrawn later
                    // still, keeping that date.
                    ("2025-06-05", "event-call"),
                    ("2025-06-10", "e-framework-1"),
                ]
            ),
        ]
    );
    let events: Vec<&ShownEvent> = months.iter().flat_map(|m| m.2.iter()).collect();
    // Reported after its day: both dates; reported on its day: one.
    assert_eq!(
        events[0].reported.as_deref(),
        Some("· reported 9 June 2025")
    );
    assert_eq!(
        events[1].reported.as_deref(),
        Some("· reported 2 June 2025")
    );
    assert_eq!(events[2].reported, None);
    assert_eq!(events[4].reported, None);
    // Inline markdown, rendered.
    assert_eq!(
        events[1].text,
        "US and Chinese officials agree a <em>90-day</em> tariff truce in Geneva."
    );
    // Each with the briefing that reported it.
    assert_eq!(
        events[2].meta,
        "Reported in A truce that set up the talks. Link to this event"
    );
    // Restated unchanged by a later briefing: no revision.
    assert!(
        !events[1].classes.contains("is-revised"),
        "{}",
        events[1].classes
    );
    assert_eq!(
        events[1].meta,
        "Reported in A truce that set up the talks. Link to this event"
    );
    // The page heading counts them; the nav links every month.
    assert!(html.contains("<span>5 events, oldest first</span>"));
    for (id, _, _) in &months {
        assert!(
            html.contains(&format!("<a href=\"#{id}\">")),
            "no link to {id}"
        );
    }
}

#[test]
fn revisions_and_withdrawals_are_shown_with_their_history() {
    let built = timeline_built();
    let html = built.read("timeline/index.html");
    let months = months(&html);
    let call = months[2]
        .2
        .iter()
        .find(|e| e.anchor == "event-call")
        .unwrap();
    assert_eq!(call.classes, "is-withdrawn is-revised");
    // The wording withdrawn (struck out), and the withdrawal's note.
    assert_eq!(
        call.text,
        "Presidents Trump and Xi speak by phone for ninety minutes."
    );
    assert!(
        html.contains("<span class=\"event__status\">Withdrawn</span> <del>Presidents Trump"),
        "the withdrawn wording is struck out"
    );
    assert_eq!(
        call.withdrawal.as_deref(),
        Some("Its length was never confirmed.")
    );
    assert_eq!(
        call.meta,
        "Reported in A truce that set up the talks; revised in Why China has leverage, 9 June 2025; withdrawn in What we got wrong about the call, 12 June 2025. Link to this event"
    );
    assert_eq!(
        call.history,
        [
            "1 June 2025: The two presidents speak by phone. (A truce that set up the talks, 2 June 2025)",
            "5 June 2025: Presidents Trump and Xi speak by phone for ninety minutes. (Why China has leverage, 9 June 2025)",
        ]
    );
    // The revisions, newest first, each linking the event and its briefing.
    let revisions = inner(&html, "<ol class=\"changes__list\"", "</ol>");
    let entries: Vec<(String, String, String)> = revisions
        .split("<li class=\"change change--")
        .skip(1)
        .map(|li| {
            (
                li[..li.find('"').unwrap()].to_string(),
                text_of(inner(li, "<span class=\"change__label\"", "</span>")),
                links(li).join(" "),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "withdrawn".to_string(),
                "Withdrawn".to_string(),
                "/timeline/#event-call /briefings/corrections/".to_string()
            ),
            (
                "revised".to_string(),
                "Redated from 1 June 2025; Reworded".to_string(),
                "/timeline/#event-call /briefings/leverage/".to_string()
            ),
        ]
    );
}

#[test]
fn events_carry_numbered_citations_and_the_page_one_reference_list() {
    let built = timeline_built();
    let html = built.read("timeline/index.html");
    let months = months(&html);
    let markers: BTreeMap<&str, Vec<&str>> = months
        .iter()
        .flat_map(|m| m.2.iter())
        .map(|e| {
            (
                e.anchor.as_str(),
                e.markers.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    // Numbered in order of first use down the page; a group in number order.
    assert_eq!(markers["e-leverage-1"], ["1"]);
    assert_eq!(markers["event-geneva-truce"], ["2"]);
    assert_eq!(markers["e-truce-1"], ["3"]);
    assert_eq!(markers["event-call"], ["1", "3"]);
    assert_eq!(markers["e-framework-1"], ["3"]);
    let refs = inner(&html, "<ol class=\"references__list\"", "</ol>");
    let listed: Vec<String> = refs
        .split("<li id=\"ref-")
        .skip(1)
        .map(|li| text_of(inner(li, "<span class=\"reference__body\"", " <a class")))
        .collect();
    assert_eq!(
        listed,
        [
            "Rare Earth Exchanges, Where China's leverage comes from.",
            "White House, Joint statement on the Geneva meeting, 12 May 2025.",
            "Harbour Post, What the London framework says.",
        ]
    );
    // Every fragment of the page exists on it, and ids are unique.
    let all = ids(&html);
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "duplicate ids");
    for link in links(&html) {
        if let Some(id) = link.strip_prefix('#') {
            assert!(all.iter().any(|i| i == id), "{link} goes nowhere");
        }
    }
}

#[test]
fn a_source_page_lists_the_events_citing_it() {
    let built = timeline_built();
    let listed = |id: &str| -> Vec<(String, String)> {
        let html = built.read(&format!("sources/{id}/index.html"));
        if !html.contains("<section class=\"source__events\"") {
            return Vec::new();
        }
        let section = inner(&html, "<section class=\"source__events\"", "</section>");
        section
            .split("<li class=\"event-item")
            .skip(1)
            .map(|li| (attr(li, "href"), text_of(&li[li.find('>').unwrap() + 1..])))
            .collect()
    };
    assert_eq!(
        listed("reex-leverage"),
        [
            (
                "/timeline/#e-leverage-1".to_string(),
                "4 April 2025 China adds seven rare earths to its export-licence list.".to_string()
            ),
            (
                "/timeline/#event-call".to_string(),
                "5 June 2025 Withdrawn: Presidents Trump and Xi speak by phone for ninety minutes."
                    .to_string()
            ),
        ]
    );
    assert_eq!(listed("geneva-statement").len(), 1);
    assert_eq!(listed("framework-report").len(), 3);
    assert_eq!(listed("customs-data"), []);
}

#[test]
fn the_home_page_shows_the_three_most_recent_events_in_force() {
    let built = timeline_built();
    let html = built.read("index.html");
    let section = inner(&html, "<section class=\"home-events\"", "</section>");
    let shown: Vec<String> = section
        .split("<li class=\"event-item\">")
        .skip(1)
        .map(|li| attr(li, "href"))
        .collect();
    // The call (5 June) is withdrawn: not among them.
    assert_eq!(
        shown,
        [
            "/timeline/#e-framework-1",
            "/timeline/#e-truce-1",
            "/timeline/#event-geneva-truce"
        ]
    );
    assert!(section.contains("The whole timeline (5 events)"));
    // And the site's navigation links the timeline.
    assert!(html.contains("<a href=\"/timeline/\">Timeline</a>"));
}

#[test]
fn each_briefing_lists_the_events_it_added_or_changed() {
    let built = timeline_built();
    let listed = |slug: &str| -> Vec<String> {
        let html = built.read(&format!("briefings/{slug}/index.html"));
        if !html.contains("<aside class=\"events-box\"") {
            return Vec::new();
        }
        inner(&html, "<ul class=\"events-box__list\"", "</ul>")
            .split("<li")
            .skip(1)
            .map(|li| {
                format!(
                    "{} -> {}",
                    text_of(&li[li.find('>').unwrap() + 1..]),
                    attr(li, "href")
                )
            })
            .collect()
    };
    assert_eq!(
        listed("truce"),
        [
            "Added: 12 May 2025 — US and Chinese officials agree a 90-day tariff truce in Geneva. -> /timeline/#event-geneva-truce",
            "Added: 1 June 2025 — The two presidents speak by phone. -> /timeline/#event-call",
            "Added: 2 June 2025 — Talks are announced for London. -> /timeline/#e-truce-1",
        ]
    );
    assert_eq!(
        listed("leverage"),
        [
            "Added: 4 April 2025 — China adds seven rare earths to its export-licence list. -> /timeline/#e-leverage-1",
            "Revised: 5 June 2025 — Presidents Trump and Xi speak by phone for ninety minutes. -> /timeline/#event-call",
        ]
    );
    // The truce, restated unchanged, is not listed.
    assert_eq!(
        listed("framework"),
        [
            "Added: 10 June 2025 — Negotiators agree a framework in London. -> /timeline/#e-framework-1"
        ]
    );
    assert_eq!(
        listed("corrections"),
        [
            "Withdrawn: 5 June 2025 — Presidents Trump and Xi speak by phone for ninety minutes. -> /timeline/#event-call"
        ]
    );
}

#[test]
fn the_timeline_feed_has_an_entry_per_event_last_changed_first() {
    let built = timeline_built();
    let xml = built.read("timeline/atom.xml");
    check_xml(&xml).unwrap();
    let ids = xml_texts(&xml, "id");
    assert_eq!(ids[0], "https://example.org/timeline/atom.xml");
    assert_eq!(
        ids[1..],
        [
            "https://example.org/timeline/#event-call",
            "https://example.org/timeline/#e-framework-1",
            "https://example.org/timeline/#e-leverage-1",
            // Both stated on 2 June: in the timeline's (date) order.
            "https://example.org/timeline/#event-geneva-truce",
            "https://example.org/timeline/#e-truce-1",
        ]
    );
    let titles = xml_texts(&xml, "title");
    assert_eq!(
        titles[1],
        "Withdrawn: 5 June 2025 — Presidents Trump and Xi speak by phone for ninety minutes."
    );
    let updated = xml_texts(&xml, "updated");
    assert_eq!(
        updated[0], "2025-06-12T00:00:00Z",
        "the feed is as new as its newest entry"
    );
    // The page advertises it; the sitemap lists the page.
    let page = built.read("timeline/index.html");
    assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Timeline — Test Site\" href=\"https://example.org/timeline/atom.xml\">"));
    assert!(
        built
            .read("sitemap.xml")
            .contains("<loc>https://example.org/timeline/</loc>")
    );
}

/// 10 June: events the sources date only by month, beside days of those
/// months; 12 June: one of them gets its day.
const MONTHS: &str = r#"
    +++
    title = "What came before London"
    date = 2025-06-10

    [[event]]
    date = 2025-05-20
    text = "A day in May."
    cite = ["framework-report"]

    [[event]]
    id = "geneva"
    date = "2025-05"
    text = "Talks in Geneva end with vague promises."
    cite = ["framework-report"]

    [[event]]
    date = 2025-06-09
    text = "Talks open in London."
    cite = ["framework-report"]

    [[event]]
    date = "2025-06"
    text = "Officials prepare the London round."
    cite = ["framework-report"]
    +++
    Before London [@framework-report; @geneva-statement; @reex-leverage; @customs-data].
"#;

const MONTH_DAY: &str = r#"
    +++
    title = "The day of Geneva"
    date = 2025-06-12

    [[event]]
    id = "geneva"
    date = 2025-05-12
    text = "Talks in Geneva end with vague promises."
    cite = ["framework-report", "geneva-statement"]
    +++
    Geneva was on 12 May [@geneva-statement].
"#;

#[test]
fn an_event_known_only_by_its_month_comes_first_in_that_month() {
    let month_site = |with_day: bool| {
        let mut files = vec![
            (SOURCES, REGISTRY),
            ("content/briefings/2025-06-10-months.md", MONTHS),
        ];
        if with_day {
            files.push(("content/briefings/2025-06-12-day.md", MONTH_DAY));
        }
        let built = site(&files).build().ok();
        assert_eq!(built.diags(), Vec::<String>::new());
        built
    };
    let built = month_site(false);
    let html = built.read("timeline/index.html");
    let shown = months(&html);
    type Shown<'a> = (&'a str, &'a str, Option<&'a str>);
    let shape: Vec<(&str, Vec<Shown>)> = shown
        .iter()
        .map(|(id, _, events)| {
            (
                id.as_str(),
                events
                    .iter()
                    .map(|e| (e.date.as_str(), e.text.as_str(), e.reported.as_deref()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (
                "m-2025-05",
                vec![
                    // Its month, as a valid <time datetime>; reported after
                    // the month is over.
                    (
                        "2025-05",
                        "Talks in Geneva end with vague promises.",
                        Some("· reported 10 June 2025")
                    ),
                    (
                        "2025-05-20",
                        "A day in May.",
                        Some("· reported 10 June 2025")
                    ),
                ]
            ),
            (
                "m-2025-06",
                vec![
                    // June is not over on 10 June: not "reported later".
                    ("2025-06", "Officials prepare the London round.", None),
                    (
                        "2025-06-09",
                        "Talks open in London.",
                        Some("· reported 10 June 2025")
                    ),
                ]
            ),
        ]
    );
    assert!(
        html.contains("<time datetime=\"2025-05\">May 2025</time>"),
        "the month is shown as the month"
    );
    let page = built.read("briefings/months/index.html");
    let listed = text_of(inner(&page, "<ul class=\"events-box__list\"", "</ul>"));
    assert!(
        listed.contains("Added: May 2025 — Talks in Geneva end with vague promises."),
        "the briefing lists the event by its month: {listed}"
    );
    let xml = built.read("timeline/atom.xml");
    check_xml(&xml).unwrap();
    assert!(
        xml_texts(&xml, "title")
            .iter()
            .any(|t| t == "May 2025: Talks in Geneva end with vague promises."),
        "{xml}"
    );

    // A later briefing gives the day: the event moves to it, and the
    // revision says it was dated by month before.
    let built = month_site(true);
    let html = built.read("timeline/index.html");
    let may: Vec<(String, String)> = months(&html)[0]
        .2
        .iter()
        .map(|e| (e.date.clone(), e.anchor.clone()))
        .collect();
    assert_eq!(
        may,
        [
            ("2025-05-12".to_string(), "event-geneva".to_string()),
            ("2025-05-20".to_string(), "e-months-1".to_string()),
        ]
    );
    let revisions = inner(&html, "<ol class=\"changes__list\"", "</ol>");
    assert_eq!(
        text_of(inner(revisions, "<span class=\"change__label\"", "</span>")),
        "Redated from May 2025"
    );
}

#[test]
fn a_site_without_events_has_no_timeline() {
    let built = site(&[
        (SOURCES, REGISTRY),
        (
            "content/briefings/2025-06-02-a.md",
            &briefing("A", "2025-06-02", "", "Text [@geneva-statement].\n"),
        ),
    ])
    .build()
    .ok();
    assert!(!built.exists("timeline/index.html"));
    assert!(!built.exists("timeline/atom.xml"));
    assert!(!built.read("index.html").contains("/timeline/"));
}

/// `brief check` of a one-briefing site with the registry above.
fn check(text: &str) -> Vec<String> {
    site(&[(SOURCES, REGISTRY), ("content/briefings/a.md", text)]).diags()
}

#[test]
fn event_diagnostics_point_at_the_key_or_value() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[event]]
        id = "call"
        date = 2025-06-05
        text = "A call."
        cite = ["framework-reprot"]

        [[event]]
        id = "call"
        date = 2025-06-06
        text = "Another call."
        cite = ["framework-report"]

        [[event]]
        text = "No date."
        cite = ["framework-report"]

        [[event]]
        date = 2025-06-01
        text = "Withdrawn without an id."
        cite = ["framework-report"]
        status = "withdrawn"

        [[event]]
        date = 2025-06-01
        text = "Uncited."
        cite = []

        [[event]]
        id = "Not An Id"
        date = 2025-06-01
        text = "Bad id."
        cite = ["framework-report"]
        +++
        Body [@framework-report; @reex-leverage; @geneva-statement; @customs-data].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:9:9: error: unknown source id `framework-reprot` in an event (help: did you mean `framework-report`?)",
            "content/briefings/a.md:12:6: error: event `call` appears twice in this briefing (help: the first is at line 6; merge them or give this one another id)",
            "content/briefings/a.md:17:1: error: event without a `date` (help: add `date = 2025-06-09` (the day it happened), or `date = \"2025-05\"` if the sources give only the month)",
            "content/briefings/a.md:25:10: error: an event without an `id` cannot be withdrawn (help: add the `id` of the event this withdraws: `id = \"…\"`)",
            "content/briefings/a.md:30:8: error: event cites no source (help: add at least one source id: `cite = [\"id\"]`)",
            "content/briefings/a.md:33:6: error: event id `Not An Id` is not a valid anchor (help: write it as `not-an-id`)",
        ]
    );
}

#[test]
fn an_event_date_is_a_day_or_a_month_and_anything_else_is_an_error_at_it() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[event]]
        date = "May 2025"
        text = "Words."
        cite = ["framework-report"]

        [[event]]
        date = "2025-06-09"
        text = "A quoted day."
        cite = ["framework-report"]

        [[event]]
        date = "2025-13"
        text = "No such month."
        cite = ["framework-report"]

        [[event]]
        date = 2025
        text = "A number."
        cite = ["framework-report"]
        +++
        Body [@framework-report; @reex-leverage; @geneva-statement; @customs-data].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:8: error: event date `May 2025` is not a day or a month (help: write a day as `date = 2025-06-09`, or only the month as `date = \"2025-05\"`)",
            "content/briefings/a.md:11:8: error: event date `2025-06-09` is not a day or a month (help: write a day without quotes: `date = 2025-06-09`)",
            "content/briefings/a.md:16:8: error: event date `2025-13` is not a day or a month (help: write a day as `date = 2025-06-09`, or only the month as `date = \"2025-05\"`)",
            "content/briefings/a.md:21:8: error: event date is an integer, not a day or a month (help: write a day as `date = 2025-06-09`, or only the month as `date = \"2025-05\"`)",
        ]
    );
    // Without the quotes, a month is not TOML at all.
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[event]]
        date = 2025-05
        text = "Geneva."
        cite = ["framework-report"]
        +++
        Body.
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:8: error: invalid TOML in front matter: invalid date, expected `-` (MM-DD) (help: TOML has no month-only date: write `\"2025-05\"` (an event's month), or a whole day)"
        ]
    );
}

#[test]
fn an_unknown_key_in_an_event_suggests_the_right_one() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[event]]
        dat = 2025-06-05
        text = "A call."
        cite = ["framework-report"]
        +++
        Body [@framework-report; @reex-leverage; @geneva-statement; @customs-data].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:1: error: unknown key `dat` in a `[[event]]` table (help: did you mean `date`?)"
        ]
    );
}

#[test]
fn withdrawing_an_event_no_earlier_briefing_states() {
    let d = site(&[
        (SOURCES, REGISTRY),
        (
            "content/briefings/2025-06-01-first.md",
            "+++\ntitle = \"First\"\ndate = 2025-06-01\n\n[[event]]\nid = \"geneva-truce\"\ndate = 2025-05-12\ntext = \"A truce.\"\ncite = [\"geneva-statement\"]\n+++\nBody [@framework-report; @reex-leverage; @customs-data].\n",
        ),
        (
            "content/briefings/2025-06-02-second.md",
            "+++\ntitle = \"Second\"\ndate = 2025-06-02\n\n[[event]]\nid = \"geneva-trcue\"\ntext = \"Never happened.\"\ncite = [\"geneva-statement\"]\nstatus = \"withdrawn\"\n+++\n",
        ),
        (
            // Dated before the event is first stated: withdrawing goes by
            // date, not by file name.
            "content/briefings/2025-06-03-early.md",
            "+++\ntitle = \"Early\"\ndate = 2025-05-30\n\n[[event]]\nid = \"geneva-truce\"\ntext = \"Too early.\"\ncite = [\"geneva-statement\"]\nstatus = \"withdrawn\"\n+++\n",
        ),
    ])
    .diags();
    assert_eq!(
        d,
        [
            "content/briefings/2025-06-02-second.md:6:6: error: withdraws event `geneva-trcue`, which no earlier briefing states (help: did you mean `geneva-truce`?)",
            "content/briefings/2025-06-03-early.md:6:6: error: withdraws event `geneva-truce`, which no earlier briefing states (help: an event must be stated in an earlier briefing before it can be withdrawn)",
        ]
    );
}

#[test]
fn a_source_cited_only_by_an_event_is_cited() {
    let d = site(&[
        (SOURCES, "[only-event]\ntitle = \"T\"\npublisher = \"P\"\n"),
        (
            "content/briefings/a.md",
            "+++\ntitle = \"A\"\ndate = 2025-06-01\n\n[[event]]\ndate = 2025-05-12\ntext = \"A truce.\"\ncite = [\"only-event\"]\n+++\nNo citation in the text.\n",
        ),
    ])
    .diags();
    assert_eq!(d, Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------

const BAR: &str = r#"
    ```chart
    type = "bar"
    title = "China's share of rare earths, by stage"
    unit = "%"
    labels = ["Mining", "Separation and refining", "Metal making", "Magnets"]
    values = [60, 90, 85.5, 94]
    cite = ["reex-leverage", "reex-leverage", "framework-report", "reex-leverage"]
    caption = "China leads at *every* stage."
    note = "Shares of world output."
    ```
"#;

const LINE: &str = r#"
    ```chart
    type = "line"
    title = "Magnet exports by month"
    unit = "tonnes"
    labels = ["Jan", "Feb", "Mar", "Apr", "May"]

    [[series]]
    name = "To the US"
    values = [520, 480, 410, 60, 210]

    [[series]]
    name = "To Europe"
    values = [900, 850, 800, -30, 1650]
    cite = ["customs-data", "customs-data", "customs-data", "customs-data", "customs-data"]
    ```
"#;

/// A one-briefing site whose body is `body`; built, with no errors.
fn chart_built(body: &str) -> Built {
    let text = format!(
        "+++\ntitle = \"Charts\"\ndate = 2025-06-09\n+++\n{}",
        dedent(body)
    );
    site(&[(SOURCES, REGISTRY), ("content/briefings/charts.md", &text)])
        .build()
        .ok()
}

/// The `n`-th chart figure of the briefing (0-based).
fn figure(built: &Built, n: usize) -> String {
    let html = built.read("briefings/charts/index.html");
    let at = html
        .match_indices("<figure class=\"chart")
        .nth(n)
        .expect("a chart figure")
        .0;
    let end = html[at..].find("</figure>").unwrap() + at;
    html[at..end + "</figure>".len()].to_string()
}

fn svg_of(figure: &str) -> &str {
    let at = figure.find("<svg").expect("an svg");
    let end = figure.find("</svg>").unwrap();
    &figure[at..end + "</svg>".len()]
}

/// The cells of each row of a table, as text.
fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap()];
            let cells: Vec<&str> = row.split("</t").collect();
            // The piece after the last cell's end tag is no cell.
            cells[..cells.len() - 1]
                .iter()
                .filter_map(|cell| cell.rfind('>').map(|at| text_of(&cell[at + 1..])))
                .collect()
        })
        .collect()
}

fn number(tag: &str, name: &str) -> f64 {
    attr(tag, name).parse().unwrap()
}

#[test]
fn bars_are_proportional_to_their_values_and_stand_on_zero() {
    let built = chart_built(BAR);
    let fig = figure(&built, 0);
    let svg = svg_of(&fig);
    let bars = tags(svg, "<rect class=\"chart__bar");
    let values = [60.0, 90.0, 85.5, 94.0];
    assert_eq!(bars.len(), values.len());
    // The zero line, and the lowest tick labelled 0.
    let axis = tag_with(svg, "class=\"chart__axis\"");
    let zero = number(axis, "y1");
    let ticks: Vec<(f64, String)> = svg
        .split("<text class=\"chart__tick\"")
        .skip(1)
        .map(|t| {
            (
                number(t, "y"),
                text_of(&t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]),
            )
        })
        .collect();
    assert_eq!(
        ticks.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
        ["0%", "20%", "40%", "60%", "80%", "100%"],
        "round ticks from zero"
    );
    let grid: Vec<f64> = tags(svg, "<line class=\"chart__grid\"")
        .iter()
        .map(|g| number(g, "y1"))
        .collect();
    assert_eq!(grid[0], zero, "the first gridline is the zero line");
    let per_unit = (zero - grid[grid.len() - 1]) / 100.0;
    for (bar, v) in bars.iter().zip(values) {
        let (y, h) = (number(bar, "y"), number(bar, "height"));
        assert!((y + h - zero).abs() < 0.02, "{bar} stands on the zero line");
        assert!(
            (h - v * per_unit).abs() < 0.02,
            "{bar}: height {h} for {v} at {per_unit} per unit"
        );
    }
    // Values printed at the bar ends, above them.
    let printed: Vec<(String, f64)> = svg
        .split("<text class=\"chart__value\"")
        .skip(1)
        .map(|t| {
            (
                text_of(&t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]),
                number(t, "y"),
            )
        })
        .collect();
    assert_eq!(
        printed.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["60%", "90%", "85.5%", "94%"]
    );
    for ((_, y), bar) in printed.iter().zip(&bars) {
        assert!(*y < number(bar, "y"), "the value is above its bar");
    }
    // Bars never overlap.
    for pair in bars.windows(2) {
        assert!(number(pair[0], "x") + number(pair[0], "width") < number(pair[1], "x"));
    }
}

#[test]
fn a_chart_is_an_accessible_figure_with_its_data_as_a_table() {
    let built = chart_built(BAR);
    let fig = figure(&built, 0);
    let svg = svg_of(&fig);
    let root = open_tag(svg, "<svg");
    assert_eq!(attr(root, "role"), "img");
    let title_id = attr(root, "aria-labelledby");
    let desc_id = attr(root, "aria-describedby");
    assert_eq!(
        text_of(inner(svg, &format!("<title id=\"{title_id}\""), "</title>")),
        "China’s share of rare earths, by stage"
    );
    assert_eq!(
        text_of(inner(svg, &format!("<desc id=\"{desc_id}\""), "</desc>")),
        "Bar chart: Mining 60%, Separation and refining 90%, Metal making 85.5%, Magnets 94%."
    );
    // No script, and a viewBox so the page can scale it.
    assert!(!fig.contains("<script"));
    assert!(root.contains("viewBox=\"0 0 420 "));
    // The table equals the data.
    let table = inner(&fig, "<table class=\"chart__table\"", "</table>");
    assert_eq!(
        rows(table),
        [
            vec!["", "Value"],
            vec!["Mining", "60%"],
            vec!["Separation and refining", "90%"],
            vec!["Metal making", "85.5%"],
            vec!["Magnets", "94%"],
        ]
    );
    assert_eq!(
        text_of(inner(table, "<caption", "</caption>")),
        "China’s share of rare earths, by stage"
    );
    // Title, caption (inline markdown), note and sources are visible text.
    assert_eq!(
        text_of(inner(&fig, "<figcaption", "</figcaption>")),
        "China’s share of rare earths, by stage China leads at every stage."
    );
    assert!(fig.contains("China leads at <em>every</em> stage."));
    assert!(fig.contains("<span class=\"chart__note\">Note: Shares of world output.</span>"));
}

#[test]
fn chart_citations_are_numbered_with_the_body() {
    let built = chart_built(&format!(
        "First the text cites [@geneva-statement].\n{}\nThen the text cites [@framework-report] again.\n",
        dedent(BAR)
    ));
    let html = built.read("briefings/charts/index.html");
    let fig = figure(&built, 0);
    let sources = inner(&fig, "<span class=\"chart__sources\"", "</p>");
    let markers: Vec<String> = sources
        .match_indices("<a class=\"cite-ref\" ")
        .map(|(at, _)| {
            format!(
                "{} {}",
                attr(&sources[at..], "href"),
                attr(&sources[at..], "id")
            )
        })
        .collect();
    // 1 is the text's first source; the chart's come next, in the order
    // its values cite them; the text's later citation reuses 3.
    assert_eq!(markers, ["#ref-2 cite-2-a", "#ref-3 cite-3-a"]);
    assert!(
        html.contains("id=\"cite-3-b\""),
        "the later text citation reuses 3"
    );
    assert_eq!(
        text_of(sources.split("<sup").next().unwrap()),
        "Sources: Mining, Separation and refining, Magnets: Rare Earth Exchanges"
    );
    // The reference list and the source page know where the chart cites.
    let refs = inner(&html, "<ol class=\"references__list\"", "</ol>");
    assert_eq!(refs.matches("<li id=\"ref-").count(), 3);
    let source = built.read("sources/reex-leverage/index.html");
    assert!(
        source.contains(
            "China’s share of rare earths, by stage: Mining, Separation and refining, Magnets"
        ),
        "the source page quotes the chart"
    );
    assert!(source.contains("href=\"/briefings/charts/#cite-2-a\""));
}

#[test]
fn a_line_chart_has_a_legend_a_line_per_series_and_its_last_values() {
    let built = chart_built(LINE);
    let fig = figure(&built, 0);
    let svg = svg_of(&fig);
    let paths = tags(svg, "<path class=\"chart__line");
    assert_eq!(paths.len(), 2);
    // Told apart by more than colour: the second is dashed.
    assert!(!paths[0].contains("stroke-dasharray"));
    assert!(paths[1].contains("stroke-dasharray"));
    let legend = inner(svg, "<g class=\"chart__legend\"", "</g>");
    assert_eq!(text_of(legend), "To the US To Europe");
    // The unit is written once, above the axis; the axis covers the
    // negative value.
    assert!(svg.contains(">tonnes</text>"));
    let ticks: Vec<String> = svg
        .split("<text class=\"chart__tick\"")
        .skip(1)
        .map(|t| text_of(&t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]))
        .collect();
    assert_eq!(ticks.first().map(String::as_str), Some("−500"));
    assert_eq!(ticks.last().map(String::as_str), Some("2000"));
    let values: Vec<String> = svg
        .split("<text class=\"chart__value\"")
        .skip(1)
        .map(|t| text_of(&t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]))
        .collect();
    assert_eq!(values, ["210", "1650"]);
    assert_eq!(
        rows(inner(&fig, "<table class=\"chart__table\"", "</table>")),
        [
            ["", "To the US", "To Europe"],
            ["Jan", "520", "900"],
            ["Feb", "480", "850"],
            ["Mar", "410", "800"],
            ["Apr", "60", "−30"],
            ["May", "210", "1650"],
        ]
    );
    // One source for one series: named with the series.
    assert_eq!(
        text_of(inner(&fig, "<span class=\"chart__sources\"", "<sup")),
        "Source: To Europe: Customs statistics office"
    );
}

#[test]
fn golden_bar_chart_svg() {
    let built = chart_built(BAR);
    insta::assert_snapshot!("chart_bar_svg", svg_of(&figure(&built, 0)));
}

#[test]
fn golden_line_chart_svg() {
    let built = chart_built(LINE);
    insta::assert_snapshot!("chart_line_svg", svg_of(&figure(&built, 0)));
}

#[test]
fn long_labels_are_rotated_and_kept_whole_in_the_table() {
    let labels: Vec<String> = (1..=10)
        .map(|m| format!("\"Quarter {m} of the fiscal year\""))
        .collect();
    let body = format!(
        "```chart\ntitle = \"Many long labels\"\nlabels = [{}]\nvalues = [{}]\n```\n",
        labels.join(", "),
        (1..=10)
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let built = chart_built(&body);
    let fig = figure(&built, 0);
    let svg = svg_of(&fig);
    let labels = tags(svg, "<text class=\"chart__label\"");
    assert_eq!(labels.len(), 10);
    for l in &labels {
        assert!(l.contains("transform=\"rotate(-45 "), "{l}");
    }
    assert!(fig.contains("<th scope=\"row\">Quarter 10 of the fiscal year</th>"));
}

/// A chart's texts cite through its `cite` list, like deal points, events
/// and corrections; a `[@…]` in its caption was shown as those characters.
/// In code it is text, as in a body.
#[test]
fn a_citation_written_in_a_chart_caption_is_an_error_and_one_in_code_is_text() {
    let text = dedent(
        r#"
        +++
        title = "Charts"
        date = 2025-06-09
        +++
        Text [@geneva-statement; @framework-report; @reex-leverage; @customs-data].

        ```chart
        title = "Shares"
        labels = ["a", "b"]
        values = [1, 2]
        caption = "Shares [@reex-leverage]."
        note = "Written `[@reex-leverage]` in code."
        ```
        "#,
    );
    let s = site(&[(SOURCES, REGISTRY), ("content/briefings/a.md", &text)]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:11:11: error: chart text has a citation, `[@reex-leverage]`, which is shown as written there (help: take it out of the text and list the source in `cite = [\"reex-leverage\"]`: its number follows the text)"
        ]
    );
}

#[test]
fn chart_diagnostics_point_at_the_key_or_value() {
    let text = dedent(
        r#"
        +++
        title = "Charts"
        date = 2025-06-09
        +++
        Text [@geneva-statement; @framework-report; @reex-leverage; @customs-data].

        ```chart
        type = "bars"
        title = "Shares"
        labels = ["a", "b", "c"]
        values = [1, "two", 3, 4]
        cite = ["reex-leverage", "framwork-report"]
        ```

        ```chart
        labels = ["a"]
        values = [1]
        ```

        - In a list:

          ```chart
          title = "Listed"
          labels = ["a", "b"]

          [[series]]
          values = [1, 2]
          ```

        > ```chart
        > title = "Quoted"
        > labels = ["a"]
        > values = [1]
        >
        > [[series]]
        > name = "Both"
        > values = [1]
        > ```

        ```chart
        title = "Misspelt"
        labels = ["a"]
        values = [1]
        colour = "red"
        ```
        "#,
    );
    let d = site(&[(SOURCES, REGISTRY), ("content/briefings/a.md", &text)]).diags();
    assert_eq!(
        d,
        [
            "content/briefings/a.md:8:8: error: unknown chart type `bars` (help: did you mean `bar`?)",
            "content/briefings/a.md:11:10: error: 4 values for 3 labels (help: give one value per label, 3 in all)",
            "content/briefings/a.md:11:14: error: value \"two\" is not a number (help: write numbers, e.g. `60` or `12.5`)",
            "content/briefings/a.md:12:8: error: 2 sources cited for 4 values (help: give one source id per value, in the order of the values)",
            "content/briefings/a.md:12:26: error: unknown source id `framwork-report` in a chart (help: did you mean `framework-report`?)",
            "content/briefings/a.md:15:1: error: chart without a `title` (help: add `title = \"…\"`: it names the chart for every reader, screen readers too)",
            "content/briefings/a.md:26:3: error: series without a `name` (help: add `name = \"…\"`: the legend and the table show it)",
            "content/briefings/a.md:35:3: error: a chart has `values` or `[[series]]`, not both (help: put the one series in `values`, or every series in `[[series]]`)",
            "content/briefings/a.md:44:1: error: unknown key `colour` in chart block (help: allowed keys: type, title, unit, labels, values, cite, caption, note, series)",
        ]
    );
}

#[test]
fn a_non_finite_value_is_an_error_at_the_value() {
    let d = site(&[
        (SOURCES, REGISTRY),
        (
            "content/briefings/a.md",
            "+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nText [@geneva-statement; @framework-report; @reex-leverage; @customs-data].\n\n> ```chart\n> title = \"Quoted\"\n> labels = [\"a\", \"b\"]\n> values = [1, inf]\n> ```\n",
        ),
    ])
    .diags();
    assert_eq!(
        d,
        [
            "content/briefings/a.md:10:16: error: value is not a finite number (help: charts show finite numbers: not `nan` or `inf`)"
        ]
    );
}

// ---------------------------------------------------------------------------
// The explainer as it stood
// ---------------------------------------------------------------------------

const DEAL_REGISTRY: &str = r#"
    [s1]
    title = "First source"
    publisher = "One"

    [s2]
    title = "Second source"
    publisher = "Two"
"#;

/// Seven briefings over six days: additions, a rewording, a move, two
/// briefings on one day, a withdrawal late on 5 June in New York (6 June
/// in UTC, after a briefing dated 6 June), a restatement that changes
/// nothing, a reinstatement, and a briefing that changes nothing.
fn deal_briefings() -> Vec<(&'static str, String)> {
    let point = |id: &str, kind: &str, text: &str, cite: &str, withdrawn: bool| {
        format!(
            "\n[[deal]]\nid = \"{id}\"\nkind = \"{kind}\"\ntext = \"{text}\"\ncite = [\"{cite}\"]\n{}",
            if withdrawn {
                "status = \"withdrawn\"\n"
            } else {
                ""
            }
        )
    };
    let b = |title: &str, date: &str, points: &[String]| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = {date}\n{}+++\nBody of {title} [@s1; @s2].\n",
            points.concat()
        )
    };
    vec![
        (
            "content/briefings/2025-06-01-a.md",
            b(
                "A",
                "2025-06-01",
                &[
                    point("framework", "is", "A framework.", "s1", false),
                    point("tariffs", "open", "Will tariffs fall?", "s1", false),
                    point("licences", "open", "Will licences flow?", "s2", false),
                ],
            ),
        ),
        (
            "content/briefings/2025-06-03-b.md",
            b(
                "B",
                "2025-06-03",
                &[
                    point(
                        "framework",
                        "is",
                        "A framework with *no* enforcement.",
                        "s1",
                        false,
                    ),
                    point("treaty", "is-not", "A binding treaty.", "s2", false),
                ],
            ),
        ),
        (
            "content/briefings/2025-06-03-c.md",
            b(
                "C",
                "2025-06-03",
                &[point("tariffs", "is", "Tariffs fall to 30%.", "s2", false)],
            ),
        ),
        (
            "content/briefings/2025-06-05-d.md",
            b(
                "D",
                "2025-06-05T23:30:00-04:00",
                &[point("licences", "open", "Settled.", "s2", true)],
            ),
        ),
        (
            "content/briefings/2025-06-06-e.md",
            b(
                "E",
                "2025-06-06",
                &[
                    point("treaty", "is-not", "A binding treaty.", "s2", false),
                    point(
                        "exports",
                        "is-not",
                        "An end to export controls.",
                        "s1",
                        false,
                    ),
                ],
            ),
        ),
        (
            "content/briefings/2025-06-08-f.md",
            b(
                "F",
                "2025-06-08",
                &[point(
                    "licences",
                    "open",
                    "Will licences flow, and how fast?",
                    "s1",
                    false,
                )],
            ),
        ),
        (
            "content/briefings/2025-06-09-g.md",
            b("G", "2025-06-09", &[]),
        ),
    ]
}

/// The date a fixture briefing is dated, as its `YYYY-MM-DD`.
fn day_of(text: &str) -> String {
    let line = text.lines().find(|l| l.starts_with("date = ")).unwrap();
    line["date = ".len()..][..10].to_string()
}

/// A site of the fixture's briefings dated up to `day` (all with `None`).
fn deal_site(up_to: Option<&str>) -> TempSite {
    let briefings = deal_briefings();
    let mut files: Vec<(&str, &str)> = vec![(SOURCES, DEAL_REGISTRY)];
    for (path, text) in &briefings {
        if up_to.is_none_or(|d| day_of(text).as_str() <= d) {
            files.push((path, text));
        }
    }
    site(&files)
}

/// A point as a page of the explainer lists it.
#[derive(Debug, PartialEq)]
struct Listed {
    section: String,
    id: String,
    text: String,
    /// "First stated in …; last revised in …."
    meta: String,
    /// The sources its markers point to, as the reference list names them.
    sources: Vec<String>,
}

/// The Is, Is not and Open lists of an explainer page or a snapshot.
fn lists(html: &str) -> Vec<Listed> {
    let main = main_of(html);
    let refs: BTreeMap<String, String> = if main.contains("<ol class=\"references__list\"") {
        inner(main, "<ol class=\"references__list\"", "</ol>")
            .split("<li id=\"ref-")
            .skip(1)
            .map(|li| {
                (
                    li[..li.find('"').unwrap()].to_string(),
                    text_of(inner(li, "<span class=\"reference__body\"", " <a class")),
                )
            })
            .collect()
    } else {
        BTreeMap::new()
    };
    let mut out = Vec::new();
    for section in ["is", "is-not", "open"] {
        let start = format!("<section class=\"deal-section deal-section--{section}\"");
        let at = main.find(&start).expect("a section of each kind");
        let body = &main[at..at + main[at..].find("</section>").unwrap()];
        for li in body.split("<li class=\"deal-point ").skip(1) {
            let text = inner(li, "<p class=\"deal-point__text\"", "</p>");
            let (text, group) = text
                .split_once("<sup class=\"cite-group\"")
                .unwrap_or((text, ""));
            out.push(Listed {
                section: section.to_string(),
                id: attr(li, "id"),
                text: text.to_string(),
                meta: text_of(inner(li, "<p class=\"deal-point__meta\"", "</p>")),
                sources: group
                    .match_indices("class=\"cite-ref\" href=\"#ref-")
                    .map(|(at, m)| {
                        let rest = &group[at + m.len()..];
                        refs[&rest[..rest.find('"').unwrap()]].clone()
                    })
                    .collect(),
            });
        }
    }
    out
}

#[test]
fn each_snapshot_lists_what_the_explainer_of_the_briefings_up_to_its_day_lists() {
    let built = deal_site(None).build().ok();
    let mut days: Vec<String> = built
        .files()
        .iter()
        .filter_map(|f| {
            let day = f.strip_prefix("explainer/")?.strip_suffix("/index.html")?;
            Some(day.to_string())
        })
        .collect();
    days.sort();
    // Every day a point changed: not 9 June (G changes nothing). 5 June
    // is D's day as written, although it is 6 June in UTC.
    assert_eq!(
        days,
        [
            "2025-06-01",
            "2025-06-03",
            "2025-06-05",
            "2025-06-06",
            "2025-06-08"
        ]
    );
    for day in &days {
        let snapshot = lists(&built.read(&format!("explainer/{day}/index.html")));
        let then = deal_site(Some(day)).build().ok();
        let expected = lists(&then.read("explainer/index.html"));
        assert!(!expected.is_empty());
        assert_eq!(snapshot, expected, "the explainer on {day}");
    }
    // The last day's lists are today's.
    assert_eq!(
        lists(&built.read("explainer/2025-06-08/index.html")),
        lists(&built.read("explainer/index.html"))
    );
}

#[test]
fn a_snapshot_says_what_it_is_and_links_its_neighbours_and_today() {
    let built = deal_site(None).build().ok();
    let html = built.read("explainer/2025-06-03/index.html");
    let banner = inner(&html, "<p class=\"snapshot-banner\"", "</p>");
    assert_eq!(
        text_of(banner),
        "This is the explainer as it stood at the end of 3 June 2025. Read the current explainer, or see what changed since."
    );
    assert_eq!(links(banner), ["/explainer/", "#compare"]);
    let nav = inner(&html, "<ul class=\"snapshot-nav__list\"", "</ul>");
    assert_eq!(
        links(nav),
        ["/explainer/2025-06-01/", "/explainer/2025-06-05/"]
    );
    // Its own canonical URL, in the sitemap.
    assert!(
        html.contains(
            "<link rel=\"canonical\" href=\"https://example.org/explainer/2025-06-03/\">"
        )
    );
    assert!(
        built
            .read("sitemap.xml")
            .contains("<loc>https://example.org/explainer/2025-06-03/</loc>")
    );
    // What the day changed: B's rewording and addition, C's move.
    let day = inner(
        &html,
        "<section class=\"changes snapshot-day\"",
        "</section>",
    );
    let labels: Vec<String> = day
        .split("<span class=\"change__label\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect();
    assert_eq!(
        labels,
        [
            "Moved from Open questions to Is; Reworded",
            "Added to Is not",
            "Reworded"
        ]
    );
    // The first and last have no previous, and a link to today.
    let first = built.read("explainer/2025-06-01/index.html");
    let nav = inner(&first, "<ul class=\"snapshot-nav__list\"", "</ul>");
    assert_eq!(links(nav), ["/explainer/2025-06-03/"]);
    let last = built.read("explainer/2025-06-08/index.html");
    let nav = inner(&last, "<ul class=\"snapshot-nav__list\"", "</ul>");
    assert_eq!(links(nav), ["/explainer/2025-06-06/", "/explainer/"]);
    assert!(last.contains("Nothing has changed since: this is what the explainer says today."));
}

#[test]
fn compare_with_today_lists_every_point_that_reads_differently_now() {
    let built = deal_site(None).build().ok();
    let html = built.read("explainer/2025-06-01/index.html");
    let compare = inner(&html, "<section class=\"changes compare\"", "</section>");
    let entries: Vec<(String, String, Vec<String>)> = compare
        .split("<li class=\"change change--")
        .skip(1)
        .map(|li| {
            (
                li[..li.find('"').unwrap()].to_string(),
                text_of(inner(li, "<span class=\"change__label\"", "</span>")),
                links(li),
            )
        })
        .collect();
    let entry = |kind: &str, label: &str, links: &[&str]| {
        (
            kind.to_string(),
            label.to_string(),
            links.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        entries,
        [
            entry(
                "revised",
                "Reworded",
                &["/explainer/2025-06-03/", "/explainer/#framework"]
            ),
            entry(
                "revised",
                "Moved from Open questions to Is; Reworded",
                &["/explainer/2025-06-03/", "/explainer/#tariffs"]
            ),
            // Withdrawn on 5 June and reinstated on 8 June, reworded.
            entry(
                "revised",
                "Reworded",
                &["/explainer/2025-06-08/", "/explainer/#licences"]
            ),
            entry(
                "added",
                "Added to Is not",
                &["/explainer/2025-06-03/", "/explainer/#treaty"]
            ),
            entry(
                "added",
                "Added to Is not",
                &["/explainer/2025-06-06/", "/explainer/#exports"]
            ),
        ]
    );
    // On 5 June licences was withdrawn: today it is reinstated.
    let html = built.read("explainer/2025-06-05/index.html");
    let compare = inner(&html, "<section class=\"changes compare\"", "</section>");
    assert!(compare.contains("<li class=\"change change--reinstated\">"));
}

#[test]
fn the_explainer_links_every_snapshot_and_each_change_its_day() {
    let built = deal_site(None).build().ok();
    let html = built.read("explainer/index.html");
    let list = inner(&html, "<ol class=\"snapshots__list\"", "</ol>");
    assert_eq!(
        links(list),
        [
            "/explainer/2025-06-08/",
            "/explainer/2025-06-06/",
            "/explainer/2025-06-05/",
            "/explainer/2025-06-03/",
            "/explainer/2025-06-01/",
        ]
    );
    let changes = inner(&html, "<ol class=\"changes__list\"", "</ol>");
    for li in changes.split("<li class=\"change change--").skip(1) {
        let head = inner(li, "<p class=\"change__head\"", "</p>");
        let date = attr(head, "datetime");
        assert_eq!(links(head)[0], format!("/explainer/{date}/"), "{head}");
    }
}
