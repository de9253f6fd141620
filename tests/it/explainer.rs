//! Issue: the running explainer (versioned deal points).
//!
//! One fixture of five briefings (two on the same day, one with no points)
//! whose `[[deal]]` points are added, reworded, moved between kinds and
//! withdrawn, under a sub-path base URL; then one small fixture per
//! diagnostic, each asserted at its exact `path:line:col`.

use std::collections::{BTreeSet, HashSet};

use crate::support::*;

const A: &str = "content/briefings/a.md";
const SOURCES: &str = "content/sources.toml";

const REGISTRY: &str = r#"
    [reex-framework]
    title = "The London framework, read closely"
    publisher = "Rare Earth Exchanges"
    published = 2025-05-30
    url = "https://rareearthexchanges.com/framework"

    [ishook-talks]
    title = "Talks resume in London"
    publisher = "iShook"

    [mofcom-licences]
    title = "On export licences"
    publisher = "Ministry of Commerce"

    [ustr-fact-sheet]
    title = "Fact sheet"
    publisher = "USTR"
"#;

/// 1 June: three points, one of each kind.
const OPENING: &str = r#"
    +++
    title = "Talks open in London"
    date = 2025-06-01

    [[deal]]
    id = "framework"
    kind = "is"
    text = "A political framework."
    cite = ["reex-framework"]

    [[deal]]
    id = "treaty"
    kind = "is-not"
    text = "A *binding* treaty."
    cite = ["reex-framework"]

    [[deal]]
    id = "tariffs"
    kind = "open"
    text = "Will tariffs fall?"
    cite = ["ishook-talks"]
    +++
    The talks opened.
"#;

/// 5 June, the first of two that day by file path (its title and slug sort
/// last): rewords `framework`, adds `licences`.
const FIRMER: &str = r#"
    +++
    title = "The wording firms up"
    date = 2025-06-05
    slug = "wording-firms-up"

    [[deal]]
    id = "framework"
    kind = "is"
    text = "A political framework with no enforcement mechanism."
    cite = ["reex-framework"]

    [[deal]]
    id = "licences"
    kind = "open"
    text = "Will export licences flow?"
    cite = ["mofcom-licences"]
    +++
    The wording firmed up.
"#;

/// 5 June, the second that day by file path (its title and slug sort
/// first): rewords `framework` again, moves `tariffs` from open to is.
const LATER: &str = r#"
    +++
    title = "A later read"
    date = 2025-06-05
    slug = "a-later-read"

    [[deal]]
    id = "framework"
    kind = "is"
    text = "A framework for talks, not a deal."
    cite = ["reex-framework", "ustr-fact-sheet"]

    [[deal]]
    id = "tariffs"
    kind = "is"
    text = "Tariffs fall to 30% for 90 days."
    cite = ["ishook-talks"]
    +++
    A later read.
"#;

/// 9 June: withdraws `licences`, restates `treaty` unchanged, adds `exports`.
const LICENCES: &str = r#"
    +++
    title = "Licences flow"
    date = 2025-06-09

    [[deal]]
    id = "licences"
    kind = "open"
    text = "Settled: licences now flow."
    cite = ["mofcom-licences"]
    status = "withdrawn"

    [[deal]]
    id = "treaty"
    kind = "is-not"
    text = "A *binding* treaty."
    cite = ["reex-framework"]

    [[deal]]
    id = "exports"
    kind = "is-not"
    text = "A lifting of every export control."
    cite = ["ustr-fact-sheet"]
    +++
    Licences flowed.
"#;

/// 10 June: no points at all.
const QUIET: &str = r#"
    +++
    title = "A quiet day"
    date = 2025-06-10
    +++
    Nothing changed.
"#;

const FIRST_OF_THE_DAY: &str = "content/briefings/2025-06-05-b.md";
const SECOND_OF_THE_DAY: &str = "content/briefings/2025-06-05-c.md";

fn deal_site(first_of_the_day: &str, second_of_the_day: &str) -> TempSite {
    site(&[
        (
            "site.toml",
            "title = \"Test Site\"\nbase_url = \"https://example.org/brief/\"\n",
        ),
        (SOURCES, REGISTRY),
        ("content/briefings/2025-06-01-opening.md", OPENING),
        (FIRST_OF_THE_DAY, first_of_the_day),
        (SECOND_OF_THE_DAY, second_of_the_day),
        ("content/briefings/2025-06-09-licences.md", LICENCES),
        ("content/briefings/2025-06-10-quiet.md", QUIET),
    ])
}

/// The five-briefing site, built, with no diagnostics at all.
fn built() -> Built {
    let built = deal_site(FIRMER, LATER).build().ok();
    assert_eq!(built.diags(), Vec::<String>::new());
    built
}

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

/// A point as the explainer page shows it.
#[derive(Debug, PartialEq)]
struct Shown {
    id: String,
    /// The wording (HTML), without its citation markers.
    text: String,
    /// "First stated in …; last revised in …. Link to this point".
    meta: String,
}

/// The points of one section of the explainer page (`is`, `is-not`,
/// `open`, `withdrawn`); `None` if the page has no such section.
fn section(html: &str, kind: &str) -> Option<Vec<Shown>> {
    let start = format!("<section class=\"deal-section deal-section--{kind}\"");
    let at = html.find(&start)?;
    let body = &html[at..at + html[at..].find("</section>").expect("section is closed")];
    Some(
        body.split("<li class=\"deal-point ")
            .skip(1)
            .map(|li| {
                let text = inner(li, "<p class=\"deal-point__text\"", "</p>");
                let text = text.split("<sup class=\"cite-group\"").next().unwrap();
                Shown {
                    id: attr(li, "id"),
                    text: text.to_string(),
                    meta: text_of(inner(li, "<p class=\"deal-point__meta\"", "</p>")),
                }
            })
            .collect(),
    )
}

/// An entry of "What changed".
#[derive(Debug, PartialEq)]
struct Change {
    /// `added`, `revised`, `withdrawn` or `reinstated`.
    kind: String,
    label: String,
    /// Where the entry links: the point on the explainer page.
    point: String,
    /// The wording before, if shown, and after (HTML).
    before: Option<String>,
    after: String,
    /// The briefing that made the change, and its date.
    briefing: String,
    date: String,
}

fn changes(html: &str) -> Vec<Change> {
    let list = inner(html, "<ol class=\"changes__list\"", "</ol>");
    list.split("<li class=\"change change--")
        .skip(1)
        .map(|li| {
            let head = inner(li, "<p class=\"change__head\"", "</p>");
            let (before, after) = if li.contains("class=\"change__diff\"") {
                let old = inner(li, "<div class=\"change__old\"", "</div>");
                let new = inner(li, "<div class=\"change__new\"", "</div>");
                let strip = |s: &str| s.split_once("</span> ").unwrap().1.to_string();
                (Some(strip(old)), strip(new))
            } else {
                let text = inner(li, "<p class=\"change__text\"", "</p>");
                (None, text.to_string())
            };
            let source = inner(li, "<p class=\"change__source\"", "</p>");
            Change {
                kind: li[..li.find('"').unwrap()].to_string(),
                label: text_of(inner(head, "<span class=\"change__label\"", "</span>")),
                point: links(head).pop().expect("a link to the point"),
                before,
                after,
                briefing: format!("{} {}", text_of(source), links(source).join(" ")),
                date: attr(head, "datetime"),
            }
        })
        .collect()
}

/// Owned pairs, to compare with what a page shows.
fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------
// The explainer page

#[test]
fn current_lists_show_each_point_in_its_section_with_its_current_wording() {
    let built = built();
    let html = built.read("explainer/index.html");
    let main = main_of(&html);
    let ids_of = |kind: &str| -> Vec<(String, String)> {
        section(main, kind)
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.id, p.text))
            .collect()
    };
    assert_eq!(
        ids_of("is"),
        pairs(&[
            ("framework", "A framework for talks, not a deal."),
            ("tariffs", "Tariffs fall to 30% for 90 days."),
        ])
    );
    assert_eq!(
        ids_of("is-not"),
        pairs(&[
            ("treaty", "A <em>binding</em> treaty."),
            ("exports", "A lifting of every export control."),
        ])
    );
    assert_eq!(ids_of("open"), pairs(&[]));
    assert!(main.contains("No open questions."));
    // A withdrawn point leaves the lists but keeps its anchor and history.
    assert_eq!(
        ids_of("withdrawn"),
        pairs(&[("licences", "Settled: licences now flow.")])
    );
}

#[test]
fn same_day_briefings_are_ordered_by_file_path() {
    // As written: the later path rewords `framework` last.
    let html = built().read("explainer/index.html");
    let current = section(main_of(&html), "is").unwrap();
    assert_eq!(current[0].text, "A framework for talks, not a deal.");
    // Swap the two files of 5 June: the other wording wins, whatever the
    // titles or slugs say.
    let swapped = deal_site(LATER, FIRMER).build().ok();
    let html = swapped.read("explainer/index.html");
    let main = main_of(&html);
    let current = section(main, "is").unwrap();
    assert_eq!(
        current[0].text,
        "A political framework with no enforcement mechanism."
    );
    assert_eq!(
        current[0].meta,
        "First stated in Talks open in London, 1 June 2025; last revised in The wording firms up, 5 June 2025. Link to this point"
    );
}

#[test]
fn each_point_says_where_it_was_first_stated_and_last_revised() {
    let built = built();
    let html = built.read("explainer/index.html");
    let main = main_of(&html);
    let all: Vec<Shown> = ["is", "is-not", "withdrawn"]
        .iter()
        .flat_map(|k| section(main, k).unwrap())
        .collect();
    let meta: Vec<(&str, &str)> = all
        .iter()
        .map(|p| (p.id.as_str(), p.meta.as_str()))
        .collect();
    assert_eq!(
        meta,
        [
            (
                "framework",
                "First stated in Talks open in London, 1 June 2025; last revised in A later read, 5 June 2025. Link to this point"
            ),
            (
                "tariffs",
                "First stated in Talks open in London, 1 June 2025; last revised in A later read, 5 June 2025. Link to this point"
            ),
            // Restated unchanged on 9 June: not a revision.
            (
                "treaty",
                "First stated in Talks open in London, 1 June 2025. Link to this point"
            ),
            (
                "exports",
                "First stated in Licences flow, 9 June 2025. Link to this point"
            ),
            (
                "licences",
                "First stated in The wording firms up, 5 June 2025; last revised in Licences flow, 9 June 2025. Link to this point"
            ),
        ]
    );
    let framework = between(main, " id=\"framework\"", "</li>");
    let meta = inner(framework, "<p class=\"deal-point__meta\"", "</p>");
    assert_eq!(
        links(meta),
        [
            "/brief/briefings/opening/",
            "/brief/briefings/a-later-read/",
            "#framework",
        ],
        "{framework}"
    );
}

#[test]
fn points_have_stable_anchors_and_the_page_has_unique_ids() {
    let built = built();
    let html = built.read("explainer/index.html");
    let all = ids(&html);
    for id in ["framework", "tariffs", "treaty", "exports", "licences"] {
        assert_eq!(all.iter().filter(|i| *i == id).count(), 1, "{id}");
        let tag = tag_with(&html, &format!(" id=\"{id}\""));
        assert!(tag.starts_with("<li class=\"deal-point"), "{tag}");
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "duplicate ids: {all:?}");
    for link in links(&html) {
        if let Some(id) = link.strip_prefix('#') {
            assert!(all.iter().any(|i| i == id), "{link} goes nowhere");
        }
        if let Some(id) = link.strip_prefix("/brief/explainer/#") {
            assert!(all.iter().any(|i| i == id), "{link} goes nowhere");
        }
    }
}

#[test]
fn points_carry_numbered_citations_of_their_current_sources() {
    let built = built();
    let html = built.read("explainer/index.html");
    let main = main_of(&html);
    let framework = between(main, " id=\"framework\"", "</li>");
    let markers: Vec<String> = framework
        .match_indices("<a class=\"cite-ref\" ")
        .map(|(at, _)| attr(&framework[at..], "href"))
        .collect();
    assert_eq!(markers, ["#ref-1", "#ref-2"], "two current sources");
    let refs = inner(main, "<ol class=\"references__list\"", "</ol>");
    let listed: Vec<String> = refs
        .split("<li id=\"ref-")
        .skip(1)
        .map(|li| text_of(inner(li, "<span class=\"reference__body\"", " <a class")))
        .collect();
    // Only the current points' sources: the withdrawn point's is not listed.
    assert_eq!(
        listed,
        [
            "Rare Earth Exchanges, The London framework, read closely, 30 May 2025.",
            "USTR, Fact sheet.",
            "iShook, Talks resume in London.",
        ]
    );
}

#[test]
fn what_changed_lists_every_change_newest_first() {
    let built = built();
    let html = built.read("explainer/index.html");
    let all = changes(main_of(&html));
    let mut briefing_order: Vec<&str> = all.iter().map(|c| c.briefing.as_str()).collect();
    briefing_order.dedup();
    assert_eq!(
        briefing_order,
        [
            "In Licences flow /brief/briefings/licences/",
            "In A later read /brief/briefings/a-later-read/",
            "In The wording firms up /brief/briefings/wording-firms-up/",
            "In Talks open in London /brief/briefings/opening/",
        ],
        "newest first; the same day by file path, later first"
    );
    let find = |point: &str, briefing: &str| -> &Change {
        all.iter()
            .find(|c| {
                c.point == format!("/brief/explainer/#{point}") && c.briefing.contains(briefing)
            })
            .unwrap_or_else(|| panic!("no change of {point} in {briefing}: {all:#?}"))
    };
    // Nine changes; restating `treaty` unchanged on 9 June is not one.
    assert_eq!(all.len(), 9, "{all:#?}");
    assert!(
        !all.iter()
            .any(|c| c.point.ends_with("#treaty") && c.date == "2025-06-09")
    );

    assert_eq!(
        find("framework", "Talks open"),
        &Change {
            kind: "added".into(),
            label: "Added to Is".into(),
            point: "/brief/explainer/#framework".into(),
            before: None,
            after: "A political framework.".into(),
            briefing: "In Talks open in London /brief/briefings/opening/".into(),
            date: "2025-06-01".into(),
        }
    );
    let reworded = find("framework", "The wording firms up");
    assert_eq!(
        (
            reworded.kind.as_str(),
            reworded.label.as_str(),
            reworded.before.as_deref(),
            reworded.after.as_str(),
            reworded.date.as_str()
        ),
        (
            "revised",
            "Reworded",
            Some("A political framework."),
            "A political framework with no enforcement mechanism.",
            "2025-06-05"
        )
    );
    let again = find("framework", "A later read");
    assert_eq!(
        (again.before.as_deref(), again.after.as_str()),
        (
            Some("A political framework with no enforcement mechanism."),
            "A framework for talks, not a deal."
        )
    );
    let moved = find("tariffs", "A later read");
    assert_eq!(
        (
            moved.kind.as_str(),
            moved.label.as_str(),
            moved.before.as_deref(),
            moved.after.as_str()
        ),
        (
            "revised",
            "Moved from Open questions to Is; Reworded",
            Some("Will tariffs fall?"),
            "Tariffs fall to 30% for 90 days."
        )
    );
    let withdrawn = find("licences", "Licences flow");
    assert_eq!(
        (
            withdrawn.kind.as_str(),
            withdrawn.label.as_str(),
            withdrawn.before.as_deref(),
            withdrawn.after.as_str(),
            withdrawn.date.as_str()
        ),
        (
            "withdrawn",
            "Withdrawn",
            Some("Will export licences flow?"),
            "Settled: licences now flow.",
            "2025-06-09"
        )
    );
    assert_eq!(
        find("licences", "The wording").label,
        "Added to Open questions"
    );
    assert_eq!(find("exports", "Licences flow").label, "Added to Is not");
    assert_eq!(
        find("treaty", "Talks open").after,
        "A <em>binding</em> treaty."
    );
    // The withdrawal is labelled as such in the page, not as "After".
    let html_withdrawn = between(&html, "<li class=\"change change--withdrawn\"", "</li>");
    assert!(
        html_withdrawn.contains("Withdrawal note"),
        "{html_withdrawn}"
    );
}

#[test]
fn other_changes_are_labelled_moves_source_updates_and_reinstatements() {
    let point = |id: &str, kind: &str, text: &str, cite: &str, extra: &str| {
        format!(
            "[[deal]]\nid = \"{id}\"\nkind = \"{kind}\"\ntext = \"{text}\"\ncite = [{cite}]\n{extra}\n"
        )
    };
    let file = |title: &str, date: &str, points: &[String]| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = {date}\n\n{}+++\nBody.\n",
            points.concat()
        )
    };
    let built = site(&[
        (
            SOURCES,
            "[a]\ntitle = \"A\"\npublisher = \"P\"\n[b]\ntitle = \"B\"\npublisher = \"P\"\n",
        ),
        (
            "content/briefings/1.md",
            &file(
                "One",
                "2025-06-01",
                &[
                    point("moves", "is", "Moves.", "\"a\"", ""),
                    point("sourced", "is", "Sourced.", "\"a\"", ""),
                    point("back", "open", "Back?", "\"a\"", ""),
                ],
            ),
        ),
        (
            "content/briefings/2.md",
            &file(
                "Two",
                "2025-06-02",
                &[
                    point("moves", "is-not", "Moves.", "\"a\"", ""),
                    point("sourced", "is", "Sourced.", "\"a\", \"b\"", ""),
                    point("back", "open", "Back?", "\"a\"", "status = \"withdrawn\""),
                ],
            ),
        ),
        (
            "content/briefings/3.md",
            &file(
                "Three",
                "2025-06-03",
                &[point("back", "open", "Back?", "\"a\"", "")],
            ),
        ),
    ])
    .build()
    .ok();
    assert_eq!(built.diags(), Vec::<String>::new());
    let html = built.read("explainer/index.html");
    let main = main_of(&html);
    let labels: Vec<(String, String, Option<String>)> = changes(main)
        .into_iter()
        .filter(|c| c.kind != "added")
        .map(|c| (c.point, c.label, c.before))
        .collect();
    assert_eq!(
        labels,
        [
            ("/explainer/#back".into(), "Reinstated".into(), None),
            (
                "/explainer/#back".into(),
                "Withdrawn".into(),
                Some("Back?".into())
            ),
            ("/explainer/#sourced".into(), "Sources updated".into(), None),
            (
                "/explainer/#moves".into(),
                "Moved from Is to Is not".into(),
                None
            ),
        ]
    );
    let current = |kind| -> Vec<String> {
        section(main, kind)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    assert_eq!(current("is"), ["sourced"]);
    assert_eq!(current("is-not"), ["moves"]);
    assert_eq!(current("open"), ["back"]);
    assert_eq!(
        section(main, "withdrawn"),
        None,
        "reinstated: no longer withdrawn"
    );
}

#[test]
fn explainer_page_says_as_of_which_day_and_offers_its_feed() {
    let built = built();
    let html = built.read("explainer/index.html");
    let main = main_of(&html);
    // As of the newest briefing, even one that changed nothing.
    assert!(
        main.contains("As of <time datetime=\"2025-06-10\">10 June 2025</time>"),
        "{main}"
    );
    assert!(links(main).contains(&"https://example.org/brief/explainer/atom.xml".to_string()));
    assert!(
        html.contains("<link rel=\"alternate\" type=\"application/atom+xml\"")
            && html.contains("href=\"https://example.org/brief/explainer/atom.xml\""),
        "the feed is advertised in the head"
    );
}

#[test]
fn drafts_and_scheduled_briefings_leave_the_explainer_alone() {
    let s = site(&[
        (SOURCES, "[a]\ntitle = \"A\"\npublisher = \"P\"\n"),
        (
            "content/briefings/1.md",
            "+++\ntitle = \"One\"\ndate = 2025-06-01\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"Published.\"\ncite = [\"a\"]\n+++\nBody.\n",
        ),
        (
            "content/briefings/2.md",
            "+++\ntitle = \"Two\"\ndate = 2025-06-02\ndraft = true\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"Drafted.\"\ncite = [\"a\"]\n+++\nBody.\n",
        ),
        (
            "content/briefings/3.md",
            "+++\ntitle = \"Three\"\ndate = 2026-01-01\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"Scheduled.\"\ncite = [\"a\"]\n+++\nBody.\n",
        ),
    ]);
    let wording = |built: &Built| -> String {
        let html = built.read("explainer/index.html");
        section(main_of(&html), "is").unwrap()[0].text.clone()
    };
    assert_eq!(wording(&s.build().ok()), "Published.");
    assert_eq!(
        wording(&s.build_with(|o| o.publish.drafts = true).ok()),
        "Drafted."
    );
    assert_eq!(
        wording(&s.build_with(|o| o.publish.future = true).ok()),
        "Scheduled."
    );
}

// ---------------------------------------------------------------------------
// The change feed

#[test]
fn change_feed_has_one_entry_per_change_with_absolute_urls() {
    let built = built();
    let feed = built.read("explainer/atom.xml");
    check_xml(&feed).unwrap_or_else(|e| panic!("{e}\n{feed}"));
    let entries: Vec<&str> = feed.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), 9, "one entry per change");
    // Newest first, by date; within one day, the later file's changes first.
    let titles = xml_texts(&feed, "title");
    let by_day: Vec<(String, BTreeSet<String>)> =
        entries
            .iter()
            .zip(&titles[1..])
            .fold(Vec::new(), |mut days, (entry, title)| {
                let day = xml_texts(entry, "published")[0][..10].to_string();
                match days.last_mut() {
                    Some((d, set)) if *d == day => {
                        set.insert(title.clone());
                    }
                    _ => days.push((day, BTreeSet::from([title.clone()]))),
                }
                days
            });
    let day = |d: &str, titles: &[&str]| {
        (
            d.to_string(),
            titles.iter().map(|t| t.to_string()).collect(),
        )
    };
    assert_eq!(
        by_day,
        [
            day(
                "2025-06-09",
                &[
                    "Withdrawn: Settled: licences now flow.",
                    "Added to Is not: A lifting of every export control.",
                ]
            ),
            day(
                "2025-06-05",
                &[
                    "Moved from Open questions to Is; Reworded: Tariffs fall to 30% for 90 days.",
                    "Reworded: A framework for talks, not a deal.",
                    "Added to Open questions: Will export licences flow?",
                    "Reworded: A political framework with no enforcement mechanism.",
                ]
            ),
            day(
                "2025-06-01",
                &[
                    "Added to Open questions: Will tariffs fall?",
                    "Added to Is not: A binding treaty.",
                    "Added to Is: A political framework.",
                ]
            ),
        ]
    );
    let later = titles
        .iter()
        .position(|t| t == "Reworded: A framework for talks, not a deal.")
        .unwrap();
    let earlier = titles
        .iter()
        .position(|t| t == "Reworded: A political framework with no enforcement mechanism.")
        .unwrap();
    assert!(later < earlier, "{titles:#?}");
    let ids = xml_texts(&feed, "id");
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique: {ids:#?}");
    for id in &ids[1..] {
        assert!(
            id.starts_with("https://example.org/brief/explainer/#change-"),
            "{id}"
        );
    }
    // Every link, in the XML and in the HTML content, is absolute.
    let mut all = links(&without_cdata(&feed));
    for content in xml_texts_with_attrs(&feed, "content") {
        all.extend(links(&content));
    }
    assert!(all.len() > 9, "{all:#?}");
    for link in &all {
        assert!(link.starts_with("https://example.org/brief/"), "{link}");
    }
    let withdrawn = entries
        .iter()
        .find(|e| e.contains("<title>Withdrawn"))
        .unwrap();
    assert!(withdrawn.contains("href=\"https://example.org/brief/explainer/#licences\""));
    assert!(withdrawn.contains("<updated>2025-06-09T00:00:00Z</updated>"));
    let content = &xml_texts_with_attrs(withdrawn, "content")[0];
    assert!(
        content.contains("<p>Previously: Will export licences flow?</p>"),
        "{content}"
    );
    assert!(
        content.contains(
            "<a href=\"https://example.org/brief/briefings/licences/\">Licences flow</a>"
        )
    );
}

/// The decoded text of every `<tag …>…</tag>` (with attributes) in `xml`.
fn xml_texts_with_attrs(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag} ");
    let close = format!("</{tag}>");
    xml.match_indices(&open)
        .map(|(at, _)| {
            let start = at + xml[at..].find('>').unwrap() + 1;
            let end = start + xml[start..].find(&close).unwrap();
            xml_decode(&xml[start..end])
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Briefing boxes, the home page, source pages

/// The "This briefing updated the explainer" box of a briefing page:
/// (label, link, text) of each change, or `None` without a box.
fn updates(built: &Built, slug: &str) -> Option<Vec<(String, String, String)>> {
    let html = built.read(&format!("briefings/{slug}/index.html"));
    let main = main_of(&html);
    let at = main.find("<aside class=\"explainer-box\"")?;
    let aside = &main[at..at + main[at..].find("</aside>").unwrap()];
    assert!(aside.contains("This briefing updated the explainer"));
    Some(
        aside
            .split("<li ")
            .skip(1)
            .map(|li| {
                let label = text_of(between(
                    li,
                    "<span class=\"explainer-box__label\">",
                    "</span>",
                ));
                let link = links(li).pop().unwrap();
                let text = text_of(between(li, "</span> ", "</li>"));
                (label, link, text)
            })
            .collect(),
    )
}

fn triples(list: &[(&str, &str, &str)]) -> Option<Vec<(String, String, String)>> {
    Some(
        list.iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect(),
    )
}

#[test]
fn each_briefing_shows_the_changes_it_made_to_the_explainer() {
    let built = built();
    assert_eq!(
        updates(&built, "opening"),
        triples(&[
            (
                "Added to Is:",
                "/brief/explainer/#framework",
                "A political framework."
            ),
            (
                "Added to Is not:",
                "/brief/explainer/#treaty",
                "A binding treaty."
            ),
            (
                "Added to Open questions:",
                "/brief/explainer/#tariffs",
                "Will tariffs fall?"
            ),
        ])
    );
    assert_eq!(
        updates(&built, "wording-firms-up"),
        triples(&[
            (
                "Reworded:",
                "/brief/explainer/#framework",
                "A political framework with no enforcement mechanism."
            ),
            (
                "Added to Open questions:",
                "/brief/explainer/#licences",
                "Will export licences flow?"
            ),
        ])
    );
    assert_eq!(
        updates(&built, "a-later-read"),
        triples(&[
            (
                "Reworded:",
                "/brief/explainer/#framework",
                "A framework for talks, not a deal."
            ),
            (
                "Moved from Open questions to Is; Reworded:",
                "/brief/explainer/#tariffs",
                "Tariffs fall to 30% for 90 days."
            ),
        ])
    );
    // Restating `treaty` unchanged is not an update.
    assert_eq!(
        updates(&built, "licences"),
        triples(&[
            (
                "Withdrawn:",
                "/brief/explainer/#licences",
                "Settled: licences now flow."
            ),
            (
                "Added to Is not:",
                "/brief/explainer/#exports",
                "A lifting of every export control."
            ),
        ])
    );
    assert_eq!(updates(&built, "quiet"), None, "no changes, no box");
}

#[test]
fn home_page_has_the_deal_in_brief_as_of_the_newest_briefing() {
    let built = built();
    let html = built.read("index.html");
    let main = main_of(&html);
    let brief = between(main, "<section class=\"deal-brief\"", "</section>");
    assert!(
        brief.contains("As of <time datetime=\"2025-06-10\">10 June 2025</time>"),
        "{brief}"
    );
    let group = |kind: &str| -> Vec<(String, String)> {
        let start = format!("deal-brief__group--{kind}\"");
        if !brief.contains(&start) {
            return Vec::new();
        }
        let ul = between(brief, &start, "</ul>");
        ul.split("<li>")
            .skip(1)
            .map(|li| (links(li).pop().unwrap(), text_of(li)))
            .collect()
    };
    assert_eq!(
        group("is"),
        pairs(&[
            (
                "/brief/explainer/#framework",
                "A framework for talks, not a deal."
            ),
            (
                "/brief/explainer/#tariffs",
                "Tariffs fall to 30% for 90 days."
            ),
        ])
    );
    assert_eq!(
        group("is-not"),
        pairs(&[
            ("/brief/explainer/#treaty", "A binding treaty."),
            (
                "/brief/explainer/#exports",
                "A lifting of every export control."
            ),
        ])
    );
    assert_eq!(group("open"), pairs(&[]), "no open question, no group");
    assert!(!brief.contains("licences"), "withdrawn points are left out");
    assert!(brief.contains("(4 points)"), "{brief}");
    assert!(links(brief).contains(&"/brief/explainer/".to_string()));
}

#[test]
fn deal_in_brief_shows_the_first_three_points_of_a_kind_and_counts_them_all() {
    let points: String = ["one", "two", "three", "four"]
        .iter()
        .map(|id| {
            format!(
                "[[deal]]\nid = \"{id}\"\nkind = \"is\"\ntext = \"Point {id}.\"\ncite = [\"a\"]\n\n"
            )
        })
        .collect();
    let built = site(&[
        (SOURCES, "[a]\ntitle = \"A\"\npublisher = \"P\"\n"),
        (
            A,
            &format!("+++\ntitle = \"A\"\ndate = 2025-06-09\n\n{points}+++\nBody.\n"),
        ),
    ])
    .build()
    .ok();
    let home = built.read("index.html");
    let brief = inner(
        main_of(&home),
        "<section class=\"deal-brief\"",
        "</section>",
    );
    let shown: Vec<String> = links(brief)
        .into_iter()
        .filter(|l| l.contains('#'))
        .collect();
    assert_eq!(
        shown,
        ["/explainer/#one", "/explainer/#two", "/explainer/#three"]
    );
    assert!(brief.contains("(4 points)"), "{brief}");
    let explainer = built.read("explainer/index.html");
    assert_eq!(section(main_of(&explainer), "is").unwrap().len(), 4);
}

#[test]
fn home_page_has_no_deal_box_without_points() {
    let built = site(&[(A, "+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nBody.\n")])
        .build()
        .ok();
    assert!(!built.read("index.html").contains("deal-brief"));
    assert!(!built.exists("explainer/index.html"));
    assert!(!built.exists("explainer/atom.xml"));
}

#[test]
fn source_page_lists_the_explainer_points_that_cite_it() {
    let built = built();
    let points = |id: &str| -> Vec<(String, String)> {
        let html = built.read(&format!("sources/{id}/index.html"));
        let main = main_of(&html);
        let Some(at) = main.find("<ul class=\"source-points\"") else {
            return Vec::new();
        };
        let ul = &main[at..at + main[at..].find("</ul>").unwrap()];
        ul.split("<li ")
            .skip(1)
            .map(|li| (links(li).pop().unwrap(), text_of(between(li, ">", "</li>"))))
            .collect()
    };
    assert_eq!(
        points("reex-framework"),
        pairs(&[
            (
                "/brief/explainer/#framework",
                "A framework for talks, not a deal. (what the deal is)"
            ),
            (
                "/brief/explainer/#treaty",
                "A binding treaty. (what it is not)"
            ),
        ])
    );
    assert_eq!(
        points("mofcom-licences"),
        pairs(&[(
            "/brief/explainer/#licences",
            "Settled: licences now flow. (withdrawn)"
        )])
    );
    assert_eq!(
        points("ustr-fact-sheet"),
        pairs(&[
            (
                "/brief/explainer/#framework",
                "A framework for talks, not a deal. (what the deal is)"
            ),
            (
                "/brief/explainer/#exports",
                "A lifting of every export control. (what it is not)"
            ),
        ])
    );
    assert_eq!(
        points("ishook-talks"),
        pairs(&[(
            "/brief/explainer/#tariffs",
            "Tariffs fall to 30% for 90 days. (what the deal is)"
        )])
    );
}

#[test]

fn a_source_cited_only_by_the_explainer_is_not_called_uncited() {
    let built = built();
    // ustr-fact-sheet is cited by two points and by no briefing body.
    let html = built.read("sources/ustr-fact-sheet/index.html");
    let main = main_of(&html);
    assert!(main.contains("In the explainer"));
    // Actual: "Nothing cites this source yet." right above the points that cite it.
    assert!(!main.contains("Nothing cites this source yet."), "{main}");
    let index = built.read("sources/index.html");
    let item = between(&index, "href=\"/brief/sources/ustr-fact-sheet/\"", "</li>");
    // Actual: "cited 0 times in 0 documents".
    assert!(!item.contains("cited 0 times"), "{item}");
}

#[test]

fn point_text_with_an_ampersand_reads_right_everywhere() {
    let built = site(&[
        (SOURCES, "[a]\ntitle = \"A\"\npublisher = \"P\"\n"),
        (
            A,
            "+++\ntitle = \"A\"\ndate = 2025-06-09\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"Rare earths & magnets, 5 < 6.\"\ncite = [\"a\"]\n+++\nBody.\n",
        ),
    ])
    .build()
    .ok();
    let want = "Rare earths & magnets, 5 < 6.";
    let explainer = built.read("explainer/index.html");
    assert_eq!(
        text_of(&section(main_of(&explainer), "is").unwrap()[0].text),
        want
    );
    // Actual in the three below: "Rare earths &amp; magnets, 5 &lt; 6." as
    // the reader sees it (`&amp;amp;` in the HTML).
    let home = built.read("index.html");
    let brief = between(
        main_of(&home),
        "<section class=\"deal-brief\"",
        "</section>",
    );
    assert_eq!(
        text_of(inner(brief, "href=\"/explainer/#p\"", "</a>")),
        want
    );
    let page = built.read("briefings/a/index.html");
    let aside = between(main_of(&page), "<aside class=\"explainer-box\"", "</aside>");
    assert_eq!(
        text_of(inner(aside, "href=\"/explainer/#p\"", "</a>")),
        want
    );
    let source = built.read("sources/a/index.html");
    assert_eq!(
        text_of(inner(main_of(&source), "href=\"/explainer/#p\"", "</a>")),
        want
    );
}

#[test]

fn intro_headings_cannot_take_a_point_anchor() {
    let built = site(&[
        (SOURCES, "[a]\ntitle = \"A\"\npublisher = \"P\"\n"),
        (
            "content/explainer.md",
            "+++\ntitle = \"The deal\"\n+++\nIntro.\n\n## Tariffs\n\nWhy they matter.\n",
        ),
        (
            A,
            "+++\ntitle = \"A\"\ndate = 2025-06-09\n\n[[deal]]\nid = \"tariffs\"\nkind = \"open\"\ntext = \"Will tariffs fall?\"\ncite = [\"a\"]\n+++\nBody.\n",
        ),
    ])
    .build()
    .ok();
    let html = built.read("explainer/index.html");
    let all = ids(&html);
    // Actual: two elements with id="tariffs", the intro's heading first.
    assert_eq!(all.iter().filter(|i| *i == "tariffs").count(), 1, "{all:?}");
    let tag = tag_with(&html, " id=\"tariffs\"");
    assert!(tag.starts_with("<li class=\"deal-point"), "{tag}");
}

// ---------------------------------------------------------------------------
// Diagnostics: one fixture each, at the exact position

/// `check` on a site with sources `src` and `source-two` and this briefing.
fn check(text: &str) -> Vec<String> {
    site(&[
        (
            SOURCES,
            "[src]\ntitle = \"T\"\npublisher = \"P\"\n\n[source-two]\ntitle = \"U\"\npublisher = \"P\"\n",
        ),
        (A, text),
    ])
    .diags()
}

#[test]
fn duplicate_id_within_one_briefing() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = ["src"]

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "Not a treaty."
        cite = ["src"]
        +++
        Body [@src; @source-two].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:12:6: error: deal point `not-a-treaty` appears twice in this briefing (help: the first is at line 6; merge them or give this one another id)"
        ]
    );
}

#[test]
fn the_same_id_in_two_briefings_is_a_new_version_not_an_error() {
    let text = |date: &str, wording: &str| {
        format!(
            "+++\ntitle = \"{date}\"\ndate = {date}\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"{wording}\"\ncite = [\"src\"]\n+++\nBody [@src; @source-two].\n"
        )
    };
    let s = site(&[
        (
            SOURCES,
            "[src]\ntitle = \"T\"\npublisher = \"P\"\n\n[source-two]\ntitle = \"U\"\npublisher = \"P\"\n",
        ),
        ("content/briefings/a.md", &text("2025-06-09", "One.")),
        ("content/briefings/b.md", &text("2025-06-10", "Two.")),
    ]);
    assert_eq!(s.diags(), Vec::<String>::new());
}

#[test]
fn unknown_kind_suggests_the_nearest() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "tariffs"
        kind = "opne"
        text = "Will tariffs fall?"
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:7:8: error: unknown deal point kind `opne` (help: did you mean `open`?)"
        ]
    );
}

#[test]
fn unknown_kind_far_from_any_lists_the_kinds() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "tariffs"
        kind = "maybe"
        text = "Will tariffs fall?"
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:7:8: error: unknown deal point kind `maybe` (help: use `is`, `is-not` or `open`)"
        ]
    );
}

#[test]
fn citation_of_an_unknown_source_in_cite() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = ["src", "source-tow"]
        +++
        Body [@src; @source-two].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:9:16: error: unknown source id `source-tow` in deal point `not-a-treaty` (help: did you mean `source-two`?)"
        ]
    );
}

#[test]
fn citation_of_an_unknown_source_without_a_near_match() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = ["xinhua"]
        +++
        Body [@src; @source-two].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:9:9: error: unknown source id `xinhua` in deal point `not-a-treaty` (help: add `[xinhua]` to content/sources.toml, or cite one of its ids)"
        ]
    );
}

#[test]
fn empty_text() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "  "
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:8:8: error: deal point text is empty (help: say in one sentence what the deal is, is not, or leaves open)"
        ]
    );
}

#[test]
fn empty_cite_list() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = []
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:9:8: error: deal point cites no source (help: add at least one source id: `cite = [\"id\"]`)"
        ]
    );
}

#[test]
fn cite_written_as_a_string() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = "src"
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:9:8: error: invalid value in front matter: invalid type: string \"src\", expected a sequence (help: write a list, e.g. `[\"a\", \"b\"]`)"
        ]
    );
}

#[test]
fn withdrawing_an_id_that_never_existed() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "It was never a treaty."
        cite = ["src"]
        status = "withdrawn"
        +++
        Body [@src; @source-two].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:6: error: withdraws deal point `not-a-treaty`, which no earlier briefing states (help: a point must be stated in an earlier briefing before it can be withdrawn)"
        ]
    );
}

#[test]
fn withdrawing_a_misspelt_id_suggests_the_stated_one() {
    let d = site(&[
        (SOURCES, "[src]\ntitle = \"T\"\npublisher = \"P\"\n"),
        (
            "content/briefings/2025-06-01-first.md",
            "+++\ntitle = \"First\"\ndate = 2025-06-01\n\n[[deal]]\nid = \"not-a-treaty\"\nkind = \"is-not\"\ntext = \"A treaty.\"\ncite = [\"src\"]\n+++\nBody [@src].\n",
        ),
        (
            "content/briefings/2025-06-02-second.md",
            "+++\ntitle = \"Second\"\ndate = 2025-06-02\n\n[[deal]]\nid = \"not-a-traety\"\nkind = \"is-not\"\ntext = \"Withdrawn.\"\ncite = [\"src\"]\nstatus = \"withdrawn\"\n+++\n",
        ),
    ])
    .diags();
    assert_eq!(
        d,
        [
            "content/briefings/2025-06-02-second.md:6:6: error: withdraws deal point `not-a-traety`, which no earlier briefing states (help: did you mean `not-a-treaty`?)"
        ]
    );
}

#[test]
fn withdrawing_before_the_point_is_stated_goes_by_date_not_by_file() {
    // The file that sorts first by name is dated later: it states the
    // point; the withdrawal, dated earlier, comes first and is the error.
    let d = site(&[
        (SOURCES, "[src]\ntitle = \"T\"\npublisher = \"P\"\n"),
        (
            "content/briefings/a-states.md",
            "+++\ntitle = \"States\"\ndate = 2025-06-05\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"Stated.\"\ncite = [\"src\"]\n+++\nBody [@src].\n",
        ),
        (
            "content/briefings/b-withdraws.md",
            "+++\ntitle = \"Withdraws\"\ndate = 2025-06-01\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"Withdrawn.\"\ncite = [\"src\"]\nstatus = \"withdrawn\"\n+++\n",
        ),
    ])
    .diags();
    assert_eq!(
        d,
        [
            "content/briefings/b-withdraws.md:6:6: error: withdraws deal point `p`, which no earlier briefing states (help: a point must be stated in an earlier briefing before it can be withdrawn)"
        ]
    );
}

#[test]
fn missing_id() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        kind = "is-not"
        text = "A treaty."
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:5:1: error: deal point without an `id` (help: add `id = \"a-stable-name\"`)"
        ]
    );
}

#[test]
fn missing_kind() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        text = "A treaty."
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:5:1: error: deal point without a `kind` (help: add `kind = \"is\"`, `\"is-not\"` or `\"open\"`)"
        ]
    );
}

#[test]
fn missing_text() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        ["content/briefings/a.md:5:1: error: deal point without a `text`"]
    );
}

#[test]
fn missing_cite() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:5:1: error: deal point without `cite` (help: add `cite = [\"source-id\"]`)"
        ]
    );
}

#[test]
fn missing_keys_of_a_second_point_point_at_its_own_table() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = ["src"]

        [[deal]]
        id = "tariffs"
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:11:1: error: deal point without `cite` (help: add `cite = [\"source-id\"]`)",
            "content/briefings/a.md:11:1: error: deal point without a `kind` (help: add `kind = \"is\"`, `\"is-not\"` or `\"open\"`)",
            "content/briefings/a.md:11:1: error: deal point without a `text`",
        ]
    );
}

#[test]
fn unknown_key_in_a_deal_table() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        txt = "A treaty."
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:8:1: error: unknown key `txt` in a `[[deal]]` table (help: did you mean `text`?)"
        ]
    );
}

#[test]
fn id_that_is_not_an_anchor() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "Not a Treaty"
        kind = "is-not"
        text = "A treaty."
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:6: error: deal point id `Not a Treaty` is not a valid anchor (help: write it as `not-a-treaty`)"
        ]
    );
    // Nothing to make an anchor of: an example, not "write it as ``".
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "???"
        kind = "is-not"
        text = "A treaty."
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:6: error: deal point id `???` is not a valid anchor (help: use lowercase letters, digits and hyphens, e.g. `geneva-truce`)"
        ]
    );
}

#[test]
fn id_reserved_by_the_explainer_page() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "what-changed"
        kind = "is-not"
        text = "A treaty."
        cite = ["src"]
        +++
        Body [@src; @source-two].
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:6: error: deal point id `what-changed` is reserved by the explainer page (help: choose another id)"
        ]
    );
}

#[test]
fn unknown_status() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = ["src"]
        status = "retracted"
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:10:10: error: unknown status `retracted` (help: the only status is `withdrawn`)"
        ]
    );
}

#[test]
fn script_link_in_point_text() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A [treaty](javascript:alert(1))."
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:8:8: error: deal point text links to a `javascript:` URL (help: link to an `https:` URL or a path in the site)"
        ]
    );
}

#[test]
fn deal_point_positions_survive_a_bom_and_crlf_line_endings() {
    let s = site(&[(SOURCES, "[src]\ntitle = \"T\"\npublisher = \"P\"\n")]);
    s.write_bytes(
        A,
        "\u{feff}+++\r\ntitle = \"A\"\r\ndate = 2025-06-09\r\n\r\n[[deal]]\r\nid = \"p\"\r\nkind = \"iz\"\r\ntext = \"T.\"\r\ncite = [\"src\"]\r\n+++\r\n".as_bytes(),
    );
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:7:8: error: unknown deal point kind `iz` (help: did you mean `is`?)"
        ]
    );
}

#[test]

fn every_deal_point_problem_of_a_briefing_is_reported_at_once() {
    let d = check(
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "tariffs"
        kind = "opne"
        text = "Will tariffs fall?"
        cite = ["src"]

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cite = ["xinhua"]

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "Not a treaty."
        cite = ["src"]
        +++
        Body [@src; @source-two].
        "#,
    );
    // Actual: only the first error; the other two appear once it is fixed.
    assert_eq!(
        d,
        [
            "content/briefings/a.md:7:8: error: unknown deal point kind `opne` (help: did you mean `open`?)",
            "content/briefings/a.md:15:9: error: unknown source id `xinhua` in deal point `not-a-treaty` (help: add `[xinhua]` to content/sources.toml, or cite one of its ids)",
            "content/briefings/a.md:18:6: error: deal point `not-a-treaty` appears twice in this briefing (help: the first is at line 12; merge them or give this one another id)",
        ]
    );
}

#[test]
fn an_explainer_feed_without_changes_is_dated_by_the_newest_briefing() {
    let built = site(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        ),
        (
            "content/explainer.md",
            "+++\ntitle = \"The deal\"\n+++\nNothing is agreed yet.\n",
        ),
        (
            "content/briefings/a.md",
            &briefing("A", "2025-06-09", "updated = 2025-06-11", "Body.\n"),
        ),
        (
            "content/briefings/b.md",
            &briefing("B", "2025-06-10", "", "Body.\n"),
        ),
    ])
    .build()
    .ok();
    let feed = built.read("explainer/atom.xml");
    check_xml(&feed).unwrap();
    // Not the build's clock: the same content builds to the same bytes.
    assert_eq!(xml_texts(&feed, "updated"), ["2025-06-10T00:00:00Z"]);
}
