//! Issue: source citations (registry, numbering, source pages, CSL-JSON).
//!
//! One fixture site — two briefings citing overlapping sources, under a
//! sub-path base URL — for what the built pages say, and one small fixture
//! per diagnostic, each asserted at its exact `path:line:col`.

use std::collections::{BTreeSet, HashSet};

use crate::support::*;

const A: &str = "content/briefings/a.md";
const SOURCES: &str = "content/sources.toml";

/// Four sources from three publishers: one with everything (url, dates,
/// kind), two without a url, one dated with a time and an offset.
const REGISTRY: &str = r#"
    [reex-framework]
    title = "The London framework, read closely"
    publisher = "Rare Earth Exchanges"
    published = 2025-06-11
    url = "https://rareearthexchanges.com/framework"
    accessed = 2025-06-12
    kind = "analysis"

    [ishook-talks]
    title = "Talks resume in London"
    publisher = "iShook"
    published = 2025-06-09
    kind = "news"
    note = "Names no officials."

    [reex-prices]
    title = "Prices after the handshake"
    publisher = "Rare Earth Exchanges"
    kind = "data"

    [mofcom-statement]
    title = "Statement on the London consultations"
    publisher = "Ministry of Commerce"
    published = 2025-06-11T18:00:00+08:00
    url = "https://english.mofcom.gov.cn/statement"
    kind = "official"
"#;

/// Cites ishook-talks twice (once with a locator), then reex-framework,
/// then reex-prices in a table: numbers 1, 2, 1, 3.
const HANDSHAKE: &str = r#"
    +++
    title = "Washington goes to London"
    date = 2025-06-12
    +++
    Talks resumed in London on Monday [@ishook-talks]. The framework is thin on detail [@reex-framework].

    Officials met again on Tuesday [@ishook-talks, "Hassett"].

    | Metric | Value |
    |---|---|
    | Magnet exports | down 74% [@reex-prices] |
"#;

/// Cites mofcom-statement, then reex-framework and ishook-talks together:
/// its own numbers 1, 2, 3.
const FRAMEWORK: &str = r#"
    +++
    title = "The framework, a week on"
    date = 2025-06-12
    +++
    Beijing published its own account [@mofcom-statement]. Analysts still call it thin [@reex-framework; @ishook-talks].
"#;

const HANDSHAKE_PAGE: &str = "briefings/handshake/index.html";
const FRAMEWORK_PAGE: &str = "briefings/framework/index.html";

/// Two briefings citing overlapping sources, under a sub-path.
fn two_briefings() -> TempSite {
    site(&[
        (
            "site.toml",
            "title = \"Test Site\"\nbase_url = \"https://example.org/brief/\"\n",
        ),
        (SOURCES, REGISTRY),
        ("content/briefings/2025-06-09-handshake.md", HANDSHAKE),
        ("content/briefings/2025-06-12-framework.md", FRAMEWORK),
    ])
}

/// The two-briefing site, built, with no diagnostics at all.
fn built() -> Built {
    let built = two_briefings().build().ok();
    assert_eq!(built.diags(), Vec::<String>::new());
    built
}

/// A site with the registry above and `files`.
fn with_registry(files: &[(&str, &str)]) -> TempSite {
    let mut all = vec![(SOURCES, REGISTRY)];
    all.extend_from_slice(files);
    site(&all)
}

/// Every citation marker of a page, in document order: (number, anchor).
fn markers(html: &str) -> Vec<(usize, String)> {
    html.match_indices("<a class=\"cite-ref\" ")
        .map(|(at, _)| {
            let tag = &html[at..=at + html[at..].find('>').expect("tag is closed")];
            let href = attr(tag, "href");
            let number = href.trim_start_matches("#ref-").parse().expect("a number");
            (number, attr(tag, "id"))
        })
        .collect()
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

/// The `<li …>…</li>` whose opening tag has `id="{id}"` (no nested lists).
#[track_caller]
fn li_with_id<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = format!(" id=\"{id}\"");
    let at = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no id {id} in:\n{html}"));
    let start = html[..at].rfind("<li").expect("inside an <li>");
    let end = html[at..].find("</li>").expect("<li> is closed") + at;
    &html[start..end + "</li>".len()]
}

/// The page at a root-relative path of the `/brief/` site, and its fragment.
fn split_href(href: &str) -> (String, String) {
    let (path, fragment) = href.split_once('#').expect("a fragment");
    let rel = path.strip_prefix("/brief/").expect("under the sub-path");
    (format!("{rel}index.html"), fragment.to_string())
}

/// The parsed JSON-LD of a page (the first `application/ld+json` script).
fn json_ld(html: &str) -> serde_json::Value {
    let json = inner(html, "<script type=\"application/ld+json\"", "</script>");
    serde_json::from_str(json).unwrap_or_else(|e| panic!("invalid JSON-LD ({e}): {json}"))
}

// ---------------------------------------------------------------------------
// Numbering, markers, tooltips and reference lists

#[test]
fn citations_are_numbered_by_first_use_and_reuse_their_number() {
    let built = built();
    let html = built.read(HANDSHAKE_PAGE);
    assert_eq!(
        markers(main_of(&html)),
        [
            (1, "cite-1-a".to_string()),
            (2, "cite-2-a".to_string()),
            (1, "cite-1-b".to_string()),
            (3, "cite-3-a".to_string()),
        ]
    );
    assert!(!html.contains("[@"), "no citation left as text");
}

#[test]
fn each_briefing_numbers_its_own_sources() {
    let built = built();
    let html = built.read(FRAMEWORK_PAGE);
    assert_eq!(
        markers(main_of(&html)),
        [
            (1, "cite-1-a".to_string()),
            (2, "cite-2-a".to_string()),
            (3, "cite-3-a".to_string()),
        ]
    );
    // Numbers are per briefing: the ministry, first cited here, is 1.
    let refs = inner(main_of(&html), "<ol class=\"references__list\"", "</ol>");
    assert!(text_of(li_with_id(refs, "ref-1")).contains("Ministry of Commerce"));
    assert!(text_of(li_with_id(refs, "ref-2")).contains("The London framework"));
    assert!(text_of(li_with_id(refs, "ref-3")).contains("Talks resume in London"));
}

#[test]
fn reference_list_links_back_to_every_use() {
    let built = built();
    let html = built.read(HANDSHAKE_PAGE);
    let refs = inner(main_of(&html), "<ol class=\"references__list\"", "</ol>");
    let numbers: Vec<String> = ids(refs);
    assert_eq!(numbers, ["ref-1", "ref-2", "ref-3"]);

    // Used twice: back-links lettered a and b, to each marker.
    let first = li_with_id(refs, "ref-1");
    let back = inner(first, "<span class=\"reference__backlinks\"", "</span>\n");
    assert_eq!(links(back), ["#cite-1-a", "#cite-1-b"]);
    assert_eq!(text_of(back), "↑ a b", "lettered back-links: {back}");
    assert!(text_of(first).contains("iShook, Talks resume in London, 9 June 2025."));
    assert!(links(first).contains(&"/brief/sources/ishook-talks/".to_string()));

    // Used once: one back-link.
    let second = li_with_id(refs, "ref-2");
    let back = inner(second, "<span class=\"reference__backlinks\"", "</span>\n");
    assert_eq!(links(back), ["#cite-2-a"]);
    let third = li_with_id(refs, "ref-3");
    assert!(text_of(third).contains("Rare Earth Exchanges, Prices after the handshake."));
}

#[test]
fn every_fragment_link_resolves_to_an_id_on_the_same_page() {
    let built = built();
    for page in [HANDSHAKE_PAGE, FRAMEWORK_PAGE] {
        let html = built.read(page);
        let all = ids(&html);
        let unique: HashSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "duplicate ids on {page}: {all:?}");
        for link in links(&html) {
            if let Some(id) = link.strip_prefix('#') {
                assert!(all.iter().any(|i| i == id), "{page}: {link} goes nowhere");
            }
        }
        for (_, anchor) in markers(&html) {
            assert!(
                links(&html).contains(&format!("#{anchor}")),
                "{page}: no back-link to {anchor}"
            );
        }
    }
}

#[test]
fn tooltip_shows_the_formatted_reference() {
    let built = built();
    let html = built.read(HANDSHAKE_PAGE);
    let main = main_of(&html);
    let pop = between(main, "id=\"cite-2-a-pop\">", "</span></span>");
    let reference = "Rare Earth Exchanges, <a href=\"https://rareearthexchanges.com/framework\"><cite>The London framework, read closely</cite></a>, <time datetime=\"2025-06-11\">11 June 2025</time>. Accessed <time datetime=\"2025-06-12\">12 June 2025</time>.";
    assert_eq!(
        pop,
        format!("<span class=\"cite-pop__number\">2.</span> {reference}")
    );
    // The same reference, word for word, in the list.
    let listed = li_with_id(main, "ref-2");
    assert!(listed.contains(reference), "{listed}");
    // The marker is described by its tooltip, for screen readers.
    let marker = tag_with(main, "id=\"cite-2-a\"");
    assert_eq!(attr(marker, "aria-describedby"), "cite-2-a-pop");
    // A locator is shown in the tooltip of that use only.
    let with_locator = between(main, "id=\"cite-1-b-pop\">", "</span></span>");
    assert!(
        with_locator.ends_with("<span class=\"cite-pop__locator\">&quot;Hassett&quot;"),
        "{with_locator}"
    );
    let without = between(main, "id=\"cite-1-a-pop\">", "</span></span>");
    assert!(!without.contains("cite-pop__locator"), "{without}");
}

#[test]
fn several_sources_in_one_citation_share_a_group() {
    let built = built();
    let html = built.read(FRAMEWORK_PAGE);
    let group = inner(
        main_of(&html),
        "Analysts still call it thin <sup class=\"cite-group\"",
        "</sup>",
    );
    let numbers: Vec<usize> = markers(group).into_iter().map(|(n, _)| n).collect();
    assert_eq!(numbers, [2, 3]);
    assert_eq!(
        group.matches("<span class=\"cite-sep\">,</span>").count(),
        1
    );
}

#[test]
fn the_same_source_twice_in_one_citation_reuses_its_number() {
    let built = with_registry(&[(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nTwice [@reex-prices; @reex-prices, p. 2] and [@ishook-talks; @reex-framework; @mofcom-statement].\n",
    )])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    let numbers: Vec<(usize, String)> = markers(main_of(&html));
    assert_eq!(
        numbers,
        [
            (1, "cite-1-a".to_string()),
            (1, "cite-1-b".to_string()),
            (2, "cite-2-a".to_string()),
            (3, "cite-3-a".to_string()),
            (4, "cite-4-a".to_string()),
        ]
    );
}

#[test]
fn a_group_shows_its_numbers_in_order() {
    // reex-framework is 1 and ishook-talks 2 before the group is read; the
    // group, written 3, 2, 1, shows 1, 2, 3 with each marker's own anchor
    // and tooltip, and its locator stays with its source.
    let built = with_registry(&[(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nFirst [@reex-framework] and [@ishook-talks].\n\nThen [@reex-prices, p. 4; @ishook-talks; @reex-framework].\n",
    )])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    let group = inner(main_of(&html), "Then <sup class=\"cite-group\"", "</sup>");
    assert_eq!(
        markers(group),
        [
            (1, "cite-1-b".to_string()),
            (2, "cite-2-b".to_string()),
            (3, "cite-3-a".to_string()),
        ]
    );
    let third = between(group, "id=\"cite-3-a-pop\">", "</span></span>");
    assert!(third.contains("p. 4"), "{third}");
    // The reference list links back to the reordered marker.
    assert!(main_of(&html).contains("href=\"#cite-3-a\""));
}

// ---------------------------------------------------------------------------
// Where citations may and may not appear

#[test]
fn citations_in_footnotes_tables_lists_quotes_and_headings() {
    let built = with_registry(&[(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-12
        +++
        ## Prices [@reex-prices]

        A paragraph with a note.[^n]

        | Item | Share |
        |---|---|
        | Magnets | 90% [@reex-framework] |

        - First item [@ishook-talks]
        - Second item

        > A quoted line [@mofcom-statement, para. 2].

        [^n]: The note cites [@ishook-talks, p. 3].
        "#,
    )])
    .build()
    .ok();
    assert_eq!(built.diags(), Vec::<String>::new());
    let html = built.read("briefings/a/index.html");
    let main = main_of(&html);
    let heading = between(main, "<h2 id=\"prices\">", "</h2>");
    assert_eq!(markers(heading), [(1, "cite-1-a".to_string())]);
    let table = between(main, "<table>", "</table>");
    assert_eq!(markers(table), [(2, "cite-2-a".to_string())]);
    let list = between(main, "<ul>", "</ul>");
    assert_eq!(markers(list), [(3, "cite-3-a".to_string())]);
    let quote = between(main, "<blockquote>", "</blockquote>");
    assert_eq!(markers(quote), [(4, "cite-4-a".to_string())]);
    let notes = between(main, "<section class=\"footnotes\"", "</section>");
    assert_eq!(markers(notes), [(3, "cite-3-b".to_string())]);
    // The heading's id ("prices", matched above) comes from its words only.
    assert!(!heading.contains("[@"));

    // The source pages quote the sentence (or row, or item) of each use.
    let ishook = built.read("sources/ishook-talks/index.html");
    let quoted: Vec<String> = inner(main_of(&ishook), "<ol class=\"citing-list\"", "</ol>")
        .split("<blockquote class=\"citing-list__context\"><p>")
        .skip(1)
        .map(|s| unescape(&s[..s.find("</p>").unwrap()]))
        .collect();
    assert_eq!(quoted, ["First item", "The note cites."]);
    let statement = built.read("sources/mofcom-statement/index.html");
    assert!(main_of(&statement).contains("<p>A quoted line.</p>"));
    let framework = built.read("sources/reex-framework/index.html");
    assert!(
        main_of(&framework).contains("<p>Magnets · 90%</p>"),
        "{}",
        main_of(&framework)
    );
}

#[test]
fn citation_numbers_follow_reading_order_with_notes_at_the_end() {
    let built = with_registry(&[(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-12
        +++
        First paragraph.[^n]

        Second paragraph [@reex-framework].

        [^n]: The note cites [@ishook-talks].
        "#,
    )])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    let numbers: Vec<usize> = markers(main_of(&html))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(numbers, [1, 2], "numbers as a reader meets them");
}

#[test]
fn citation_in_a_footnote_defined_mid_text_is_numbered_in_reading_order() {
    // Reading order: the heading [@reex-prices], the later paragraph
    // [@reex-framework], then the notes at the end [@ishook-talks].
    let built = with_registry(&[(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-12
        +++
        Opening [@reex-prices] with a note.[^n]

        [^n]: The note cites [@ishook-talks].

        A later paragraph [@reex-framework].
        "#,
    )])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    let numbers: Vec<usize> = markers(main_of(&html))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
}

/// Every `#fragment` link of a page that has no matching `id` on it.
fn broken_fragments(html: &str) -> Vec<String> {
    let all = ids(html);
    links(html)
        .into_iter()
        .filter(|l| {
            l.strip_prefix('#')
                .is_some_and(|id| !all.iter().any(|i| i == id))
        })
        .collect()
}

#[test]
fn citation_in_an_unreferenced_footnote_leaves_no_broken_link() {
    let built = with_registry(&[(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nMain text [@reex-prices].\n\n[^orphan]: An orphan note cites [@ishook-talks].\n",
    )])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    // The note is never shown, so it cites nothing: no reference 2 with a
    // back-link to a marker that is not on the page.
    assert_eq!(broken_fragments(&html), Vec::<String>::new());
    let source = built.read("sources/ishook-talks/index.html");
    assert!(
        !links(main_of(&source)).contains(&"/briefings/a/#cite-2-a".to_string()),
        "{}",
        main_of(&source)
    ); // The note's source counts as uncited: the note is not shown.
    let diags = built.diags();
    assert_eq!(
        diags[0],
        "content/briefings/a.md:7:1: warning: footnote `orphan` is defined but never referenced (help: cite it with `[^orphan]` or remove it)"
    );
    assert!(
        diags
            .iter()
            .any(|d| d.contains("source `ishook-talks` is never cited")),
        "{diags:#?}"
    );
}

#[test]
fn citation_in_image_alt_text_keeps_the_alt_text_readable() {
    let built = with_registry(&[(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nMain text [@reex-prices].\n\n![A chart [@ishook-talks] of prices](chart.png)\n",
    )])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    let img = tag_with(main_of(&html), "src=\"chart.png\"");
    let alt = attr(img, "alt");
    // Not the marker's markup, read out by screen readers, nor a back-link
    // to a marker that is not there.
    assert!(!alt.contains('<'), "{alt}");
    assert!(alt.starts_with("A chart"), "{alt}");
    assert_eq!(broken_fragments(&html), Vec::<String>::new());
    assert_eq!(
        built.diags()[0],
        "content/briefings/a.md:7:11: warning: a citation in an image's description is not shown (help: the description is read out in place of the image: cite the source in the text beside it)"
    );
}

#[test]
fn citations_in_code_and_escaped_brackets_stay_literal() {
    let built = site(&[
        (SOURCES, "[reex-prices]\ntitle = \"T\"\npublisher = \"P\"\n"),
        (
            A,
            r#"
        +++
        title = "A"
        date = 2025-06-12
        +++
        Write `[@nope]` to cite, or \[@nope] for the brackets. Real: [@reex-prices].

        ```
        [@nope]
        ```

            [@nope] indented
        "#,
        ),
    ])
    .build()
    .ok();
    // `nope` is no source: any of these read as a citation would be an error.
    assert_eq!(built.diags(), Vec::<String>::new());
    let html = built.read("briefings/a/index.html");
    let main = main_of(&html);
    assert!(main.contains("<code>[@nope]</code>"), "{main}");
    assert!(main.contains(" [@nope] for the brackets"), "{main}");
    assert_eq!(main.matches("[@nope]").count(), 4, "{main}");
    assert_eq!(markers(main), [(1, "cite-1-a".to_string())]);
}

// ---------------------------------------------------------------------------
// Source pages, /sources/, CSL-JSON, JSON-LD

#[test]
fn source_page_lists_each_citing_briefing_with_the_sentence_and_a_link_to_the_marker() {
    let built = built();
    let html = built.read("sources/ishook-talks/index.html");
    let main = main_of(&html);
    assert!(main.contains("Cited 3 times in 2 documents."), "{main}");
    let docs: Vec<&str> = main
        .split("<li class=\"citing-list__doc\"")
        .skip(1)
        .collect();
    assert_eq!(docs.len(), 2, "{main}");
    // Newest briefing first.
    assert!(
        docs[0].contains("<a href=\"/brief/briefings/framework/\">The framework, a week on</a>")
    );
    assert!(docs[0].contains("<time datetime=\"2025-06-12\">12 June 2025</time>"));
    assert!(
        docs[1].contains("<a href=\"/brief/briefings/handshake/\">Washington goes to London</a>")
    );

    let uses = |doc: &str| -> Vec<(String, String)> {
        doc.split("<blockquote class=\"citing-list__context\"><p>")
            .skip(1)
            .map(|u| {
                let context = unescape(&u[..u.find("</p>").unwrap()]);
                let jump = tag_with(u, "class=\"citing-list__jump\"");
                (context, attr(jump, "href"))
            })
            .collect()
    };
    assert_eq!(
        uses(docs[0]),
        [(
            "Analysts still call it thin.".to_string(),
            "/brief/briefings/framework/#cite-3-a".to_string()
        )]
    );
    assert_eq!(
        uses(docs[1]),
        [
            (
                "Talks resumed in London on Monday.".to_string(),
                "/brief/briefings/handshake/#cite-1-a".to_string()
            ),
            (
                "Officials met again on Tuesday.".to_string(),
                "/brief/briefings/handshake/#cite-1-b".to_string()
            ),
        ]
    );
    assert!(docs[1].contains("<span class=\"citing-list__locator\">(&quot;Hassett&quot;)</span>"));

    // Every "read in context" link lands on a marker of the same source.
    for doc in docs {
        for (_, href) in uses(doc) {
            let (page, fragment) = split_href(&href);
            let target = built.read(&page);
            let marker = tag_with(&target, &format!(" id=\"{fragment}\""));
            assert!(marker.starts_with("<a class=\"cite-ref\""), "{marker}");
            let number = attr(marker, "href");
            let refs = inner(main_of(&target), "<ol class=\"references__list\"", "</ol>");
            assert!(
                links(li_with_id(refs, number.trim_start_matches('#')))
                    .contains(&"/brief/sources/ishook-talks/".to_string()),
                "{href} is not a citation of ishook-talks"
            );
        }
    }
}

#[test]
fn source_page_shows_the_reference_and_the_note() {
    let built = built();
    let html = built.read("sources/reex-framework/index.html");
    let main = main_of(&html);
    assert_eq!(
        text_of(inner(main, "<h1", "</h1>")),
        "The London framework, read closely"
    );
    assert!(
        inner(main, "<p class=\"source__reference\"", "</p>").starts_with(
            "Rare Earth Exchanges, <a href=\"https://rareearthexchanges.com/framework\"><cite>"
        )
    );
    assert!(!main.contains("source__nolink"));
    assert!(main.contains("Cited 2 times in 2 documents."));
    let html = built.read("sources/ishook-talks/index.html");
    assert!(main_of(&html).contains("<p>Names no officials.</p>"));
}

#[test]
fn source_without_url_renders_without_a_link() {
    let built = built();
    let html = built.read("sources/ishook-talks/index.html");
    let main = main_of(&html);
    let reference = inner(main, "<p class=\"source__reference\"", "</p>");
    assert_eq!(
        reference,
        "iShook, <cite>Talks resume in London</cite>, <time datetime=\"2025-06-09\">9 June 2025</time>."
    );
    assert!(main.contains("class=\"source__nolink\""));
    let external: Vec<String> = links(main)
        .into_iter()
        .filter(|l| l.starts_with("http"))
        .collect();
    assert_eq!(external, Vec::<String>::new(), "no invented link");
    // In a briefing: in the tooltip and the list, the title is not a link.
    let page = built.read(HANDSHAKE_PAGE);
    let pop = between(main_of(&page), "id=\"cite-1-a-pop\">", "</span></span>");
    assert!(!pop.contains("<a "), "{pop}");
    let item = li_with_id(main_of(&page), "ref-1");
    assert!(
        item.contains(
            "<span class=\"reference__body\">iShook, <cite>Talks resume in London</cite>"
        )
    );
}

#[test]
fn sources_index_groups_by_publisher_with_citation_counts() {
    let built = built();
    let html = built.read("sources/index.html");
    let main = main_of(&html);
    assert!(main.contains("4 sources, by publisher."), "{main}");
    let groups: Vec<(String, Vec<(String, String)>)> = main
        .split("<section class=\"publisher\"")
        .skip(1)
        .map(|g| {
            let heading = text_of(between(g, "<h2", "</h2>").split_once('>').unwrap().1);
            let sources = g
                .split("<li class=\"source-list__item\"")
                .skip(1)
                .map(|s| {
                    let title = text_of(
                        between(s, "class=\"source-list__title\"", "</a>")
                            .split_once('>')
                            .unwrap()
                            .1,
                    );
                    let meta = text_of(inner(s, "<span class=\"source-list__meta\"", "</span>"));
                    (title, meta)
                })
                .collect();
            (heading, sources)
        })
        .collect();
    let expected = [
        (
            "iShook 3 citations",
            vec![(
                "Talks resume in London",
                "9 June 2025 · News · cited 3 times in 2 documents",
            )],
        ),
        (
            "Ministry of Commerce 1 citation",
            vec![(
                "Statement on the London consultations",
                "11 June 2025 · Official · cited 1 time in 1 document",
            )],
        ),
        (
            "Rare Earth Exchanges 3 citations",
            vec![
                (
                    "The London framework, read closely",
                    "11 June 2025 · Analysis · cited 2 times in 2 documents",
                ),
                (
                    "Prices after the handshake",
                    "Data · cited 1 time in 1 document",
                ),
            ],
        ),
    ];
    let expected: Vec<(String, Vec<(String, String)>)> = expected
        .into_iter()
        .map(|(h, s)| {
            (
                h.to_string(),
                s.into_iter().map(|(t, m)| (t.into(), m.into())).collect(),
            )
        })
        .collect();
    assert_eq!(groups, expected);
    assert!(links(main).contains(&"/brief/sources.json".to_string()));
    assert!(links(main).contains(&"/brief/sources/reex-prices/".to_string()));
}

#[test]
fn csl_json_export_reads_back_without_invented_fields() {
    let built = built();
    let json: serde_json::Value =
        serde_json::from_str(&built.read("sources.json")).expect("sources.json is JSON");
    let items = json.as_array().expect("a CSL-JSON array");
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "reex-framework",
            "ishook-talks",
            "reex-prices",
            "mofcom-statement"
        ],
        "registry order"
    );
    let item = |id: &str| items.iter().find(|i| i["id"] == id).unwrap().clone();

    let framework = item("reex-framework");
    assert_eq!(framework["type"], "article");
    assert_eq!(framework["title"], "The London framework, read closely");
    assert_eq!(framework["publisher"], "Rare Earth Exchanges");
    assert_eq!(
        framework["issued"],
        serde_json::json!({"date-parts": [[2025, 6, 11]]})
    );
    assert_eq!(
        framework["accessed"],
        serde_json::json!({"date-parts": [[2025, 6, 12]]})
    );
    assert_eq!(framework["URL"], "https://rareearthexchanges.com/framework");

    let ishook = item("ishook-talks");
    assert_eq!(ishook["type"], "article-newspaper");
    assert_eq!(ishook["title"], "Talks resume in London");
    assert_eq!(
        ishook["issued"],
        serde_json::json!({"date-parts": [[2025, 6, 9]]})
    );
    assert_eq!(ishook["note"], "Names no officials.");

    let prices = item("reex-prices");
    assert_eq!(prices["type"], "dataset");
    let statement = item("mofcom-statement");
    assert_eq!(statement["type"], "report");
    assert_eq!(
        statement["issued"],
        serde_json::json!({"date-parts": [[2025, 6, 11]]})
    );

    // Never invented: no URL, date or access date the registry doesn't give.
    for (id, has_url, has_issued, has_accessed) in [
        ("reex-framework", true, true, true),
        ("ishook-talks", false, true, false),
        ("reex-prices", false, false, false),
        ("mofcom-statement", true, true, false),
    ] {
        let i = item(id);
        assert_eq!(i.get("URL").is_some(), has_url, "{id}: {i}");
        assert_eq!(i.get("issued").is_some(), has_issued, "{id}: {i}");
        assert_eq!(i.get("accessed").is_some(), has_accessed, "{id}: {i}");
        let text = i.to_string();
        assert!(!text.contains("example.org"), "{id}: {text}");
    }
}

#[test]
fn briefing_json_ld_is_a_news_article_listing_its_citations() {
    let built = built();
    let v = json_ld(&built.read(HANDSHAKE_PAGE));
    assert_eq!(v["@context"], "https://schema.org");
    assert_eq!(v["@type"], "NewsArticle");
    assert_eq!(v["headline"], "Washington goes to London");
    assert_eq!(v["url"], "https://example.org/brief/briefings/handshake/");
    let citations = v["citation"].as_array().expect("a citation list");
    let names: Vec<&str> = citations
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Talks resume in London",
            "The London framework, read closely",
            "Prices after the handshake"
        ],
        "in reference-list order"
    );
    assert_eq!(citations[0]["publisher"]["name"], "iShook");
    assert_eq!(citations[0]["datePublished"], "2025-06-09");
    assert!(citations[0].get("url").is_none(), "never invented");
    assert_eq!(
        citations[1]["url"],
        "https://rareearthexchanges.com/framework"
    );
    assert!(citations[2].get("datePublished").is_none());
}

#[test]
fn json_ld_cannot_be_broken_out_of_by_a_title() {
    let evil = "Talks </script><script>alert(1)</script> & more";
    let registry = format!(
        "[evil]\ntitle = {:?}\npublisher = \"P </SCRIPT>\"\n",
        "A </script> source"
    );
    let built = site(&[
        (SOURCES, &registry),
        (A, &briefing(evil, "2025-06-12", "", "Body [@evil].\n")),
    ])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    let head = &html[..html.find("<body").expect("a body")];
    let start = head
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD in the head");
    let script = &head[start..];
    let json = between(script, ">", "</script>");
    assert!(!json.to_lowercase().contains("</script"), "{json}");
    assert!(json.contains("\\u003c/script"), "{json}");
    let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    assert_eq!(v["headline"], evil);
    assert_eq!(v["citation"][0]["name"], "A </script> source");
    assert_eq!(v["citation"][0]["publisher"]["name"], "P </SCRIPT>");
    assert!(!html.contains("<script>alert(1)"), "the title stays text");
}

#[test]
fn pages_and_the_explainer_intro_are_listed_on_the_source_page_too() {
    let built = with_registry(&[
        (
            "content/pages/method.md",
            "+++\ntitle = \"Method\"\n+++\nWe read the statement [@mofcom-statement].\n",
        ),
        (
            "content/explainer.md",
            "+++\ntitle = \"The deal\"\n+++\nThe statement frames it [@mofcom-statement].\n",
        ),
        (A, "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nBody [@reex-framework; @ishook-talks; @reex-prices].\n"),
    ])
    .build()
    .ok();
    assert_eq!(built.diags(), Vec::<String>::new());
    let html = built.read("sources/mofcom-statement/index.html");
    let main = main_of(&html);
    assert!(main.contains("Cited 2 times in 2 documents."), "{main}");
    let jumps: Vec<String> = links(main)
        .into_iter()
        .filter(|l| l.contains('#'))
        .collect();
    assert_eq!(jumps, ["/method/#cite-1-a", "/explainer/#cite-1-a"]);
    for jump in jumps {
        let (path, id) = jump.split_once('#').unwrap();
        let target = built.read(&format!("{}index.html", path.trim_start_matches('/')));
        assert!(
            ids(&target).contains(&id.to_string()),
            "{jump} goes nowhere"
        );
    }
}

// ---------------------------------------------------------------------------
// Diagnostics in briefings

fn body_diags(body: &str) -> Vec<String> {
    with_registry(&[(
        A,
        &format!("+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nIntro [@reex-prices; @reex-framework; @ishook-talks; @mofcom-statement].\n\n{body}"),
    )])
    .diags()
}

#[test]
fn unknown_source_id_suggests_the_nearest() {
    assert_eq!(
        body_diags("As said [@reex-framwork].\n"),
        [
            "content/briefings/a.md:7:10: error: unknown source id `reex-framwork` (help: did you mean `reex-framework`?)"
        ]
    );
}

#[test]
fn unknown_source_id_far_from_any() {
    assert_eq!(
        body_diags("As said [@xinhua].\n"),
        [
            "content/briefings/a.md:7:10: error: unknown source id `xinhua` (help: add `[xinhua]` to content/sources.toml, or cite one of its ids)"
        ]
    );
}

#[test]
fn unknown_source_id_without_a_registry() {
    let d = site(&[(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nAs said [@xinhua].\n",
    )])
    .diags();
    assert_eq!(
        d,
        [
            "content/briefings/a.md:5:10: error: unknown source id `xinhua` (help: add the source to content/sources.toml)"
        ]
    );
}

#[test]
fn unknown_source_id_in_a_group_points_at_that_id() {
    assert_eq!(
        body_diags("As said [@reex-prices, p. 2; @ishok-talks].\n"),
        [
            "content/briefings/a.md:7:30: error: unknown source id `ishok-talks` (help: did you mean `ishook-talks`?)"
        ]
    );
}

#[test]
fn empty_citation() {
    assert_eq!(
        body_diags("As said [@].\n"),
        [
            "content/briefings/a.md:7:10: error: malformed citation: citation without a source id (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)"
        ]
    );
}

#[test]
fn citation_with_a_space_instead_of_a_comma() {
    assert_eq!(
        body_diags("As said [@reex-prices p. 2].\n"),
        [
            "content/briefings/a.md:7:10: error: malformed citation: unexpected `p. 2` after `@reex-prices` (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)"
        ]
    );
}

#[test]
fn citation_with_an_empty_item() {
    assert_eq!(
        body_diags("As said [@reex-prices;].\n"),
        [
            "content/briefings/a.md:7:23: error: malformed citation: empty item in citation (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)"
        ]
    );
}

#[test]
fn citation_item_without_an_at_sign() {
    assert_eq!(
        body_diags("As said [@reex-prices; ishook-talks].\n"),
        [
            "content/briefings/a.md:7:24: error: malformed citation: `ishook-talks` in a citation does not start with `@` (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)"
        ]
    );
}

#[test]
fn citation_with_an_empty_locator() {
    assert_eq!(
        body_diags("As said [@reex-prices, ].\n"),
        [
            "content/briefings/a.md:7:10: error: malformed citation: empty locator after `@reex-prices,` (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)"
        ]
    );
}

#[test]
fn a_malformed_citation_fails_the_build() {
    let built = with_registry(&[(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nAs said [@reex-prices p. 2].\n",
    )])
    .build();
    assert_eq!(built.report.errors(), 1);
    assert!(
        !built.exists("briefings/a/index.html"),
        "no output on errors"
    );
}

#[test]
fn citation_positions_survive_a_bom_and_crlf_line_endings() {
    let s = with_registry(&[]);
    s.write_bytes(
        A,
        "\u{feff}+++\r\ntitle = \"A\"\r\ndate = 2025-06-12\r\n+++\r\nIntro [@reex-prices; @reex-framework; @ishook-talks; @mofcom-statement].\r\n\r\nSee [@reexx-prices] and [@].\r\n".as_bytes(),
    );
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:7:6: error: unknown source id `reexx-prices` (help: did you mean `reex-prices`?)",
            "content/briefings/a.md:7:26: error: malformed citation: citation without a source id (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)",
        ]
    );
}

#[test]
fn every_citation_problem_is_reported_at_once() {
    let d = with_registry(&[
        (
            A,
            "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nOne [@nope-one].\n",
        ),
        (
            "content/briefings/b.md",
            "+++\ntitle = \"B\"\ndate = 2025-06-10\n+++\nTwo [@] and [@reex-prices; @nope-two].\n",
        ),
    ])
    .diags();
    assert_eq!(
        d,
        [
            "content/briefings/a.md:5:6: error: unknown source id `nope-one` (help: add `[nope-one]` to content/sources.toml, or cite one of its ids)",
            "content/briefings/b.md:5:6: error: malformed citation: citation without a source id (help: write `[@id]`, `[@id, locator]` or `[@a; @b]`)",
            "content/briefings/b.md:5:28: error: unknown source id `nope-two` (help: add `[nope-two]` to content/sources.toml, or cite one of its ids)",
        ]
    );
}

// ---------------------------------------------------------------------------
// Diagnostics in sources.toml

/// The diagnostics of a site whose registry is `registry` and which has
/// no briefing (so nothing is reported as unknown or unused because of it).
fn registry_diags(registry: &str) -> Vec<String> {
    site(&[(SOURCES, registry)]).diags()
}

#[test]
fn unknown_key_in_sources_toml_suggests_the_right_one() {
    let d = registry_diags(
        r#"
        [a]
        title = "T"
        publisher = "P"
        pubished = 2025-06-09
        "#,
    );
    assert_eq!(
        d,
        [
            "content/sources.toml:4:1: error: unknown key `pubished` in sources.toml (help: did you mean `published`?)"
        ]
    );
}

#[test]
fn unknown_key_in_sources_toml_far_from_any() {
    let d = registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\nauthor = \"X\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:1: error: unknown key `author` in sources.toml (help: allowed keys: title, publisher, published, url, accessed, kind, note)"
        ]
    );
}

#[test]
fn source_without_a_title() {
    let d = registry_diags(
        r#"
        [ok]
        title = "T"
        publisher = "P"

        [a]
        publisher = "P"
        "#,
    );
    assert_eq!(
        d,
        [
            "content/sources.toml:5:2: error: source `a` has no `title` (help: add `title = \"…\"` under `[a]`)"
        ]
    );
}

#[test]
fn source_without_a_publisher() {
    let d = registry_diags("[a]\ntitle = \"T\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:1:2: error: source `a` has no `publisher` (help: add `publisher = \"…\"` under `[a]`)"
        ]
    );
}

#[test]
fn source_with_an_empty_title() {
    let d = registry_diags(
        "[ok]\ntitle = \"T\"\npublisher = \"P\"\n[a]\ntitle = \" \"\npublisher = \"P\"\n",
    );
    assert_eq!(
        d,
        ["content/sources.toml:5:9: error: `title` of source `a` is empty"]
    );
}

#[test]
fn source_with_an_unknown_kind_suggests_the_nearest() {
    let d = registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\nkind = \"offical\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:8: error: unknown source kind `offical` (help: did you mean `official`?)"
        ]
    );
}

#[test]
fn source_with_an_unknown_kind_lists_the_kinds() {
    let d = registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\nkind = \"podcast\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:8: error: unknown source kind `podcast` (help: use one of: news, analysis, opinion, official, data)"
        ]
    );
}

#[test]
fn source_url_without_a_scheme() {
    let d = registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\nurl = \"www.reuters.com/x\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:7: error: invalid `url` for source `a`: must start with `https://` or `http://` (help: write the full address, e.g. `https://example.org/article`, or leave `url` out)"
        ]
    );
}

#[test]
fn source_url_without_a_host() {
    let d = registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https:///x\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:7: error: invalid `url` for source `a`: has no host (help: write the full address, e.g. `https://example.org/article`, or leave `url` out)"
        ]
    );
}

#[test]
fn source_url_with_a_space() {
    let d = registry_diags(
        "[a]\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://example.com/a b\"\n",
    );
    assert_eq!(
        d,
        [
            "content/sources.toml:4:7: error: invalid `url` for source `a`: contains spaces or characters that must be encoded (help: write the full address, e.g. `https://example.org/article`, or leave `url` out)"
        ]
    );
}

#[test]
fn source_date_without_an_offset() {
    let d =
        registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\npublished = 2025-06-11T10:00:00\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:13: error: invalid date: a date-time without a UTC offset (help: add an offset, e.g. `2025-06-09T14:30:00Z` or `2025-06-09T14:30:00+01:00`, or give only the day)"
        ]
    );
}

#[test]
fn source_date_written_as_a_string() {
    let d = registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\naccessed = \"2025-06-11\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:12: error: invalid value in sources.toml: invalid type: string \"2025-06-11\", expected a TOML datetime (help: write dates unquoted, as `2025-06-09` or `2025-06-09T14:30:00+01:00`)"
        ]
    );
}

#[test]
fn source_date_that_is_only_a_time() {
    let d = registry_diags("[a]\ntitle = \"T\"\npublisher = \"P\"\npublished = 10:00:00\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:4:13: error: invalid date: a time without a date (help: give a date, e.g. `2025-06-09`)"
        ]
    );
}

#[test]
fn source_id_that_is_not_a_url_segment() {
    let d = registry_diags("[Reuters_June]\ntitle = \"T\"\npublisher = \"P\"\n");
    assert_eq!(
        d,
        [
            "content/sources.toml:1:2: error: source id `Reuters_June` is not a valid URL segment (help: use lowercase letters, digits and hyphens, e.g. `reuters-june`)"
        ]
    );
}

#[test]
fn every_registry_problem_is_reported_at_once() {
    let d = registry_diags(
        r#"
        [a]
        title = "T"
        kind = "newz"
        url = "example.org"

        [b]
        publisher = "P"
        published = 2025-06-11T10:00:00

        [c]
        title = "T"
        publisher = "P"
        "#,
    );
    assert_eq!(
        d,
        [
            "content/sources.toml:1:2: error: source `a` has no `publisher` (help: add `publisher = \"…\"` under `[a]`)",
            "content/sources.toml:3:8: error: unknown source kind `newz` (help: did you mean `news`?)",
            "content/sources.toml:4:7: error: invalid `url` for source `a`: must start with `https://` or `http://` (help: write the full address, e.g. `https://example.org/article`, or leave `url` out)",
            "content/sources.toml:6:2: error: source `b` has no `title` (help: add `title = \"…\"` under `[b]`)",
            "content/sources.toml:8:13: error: invalid date: a date-time without a UTC offset (help: add an offset, e.g. `2025-06-09T14:30:00Z` or `2025-06-09T14:30:00+01:00`, or give only the day)",
        ]
    );
}

#[test]

fn citing_a_source_with_registry_errors_is_not_called_unknown() {
    let d = site(&[
        (
            SOURCES,
            "[dd]\ntitle = \"Other\"\npublisher = \"P\"\n\n[d]\ntitle = \"\"\npublisher = \"P\"\n",
        ),
        (
            A,
            "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nBody [@d; @dd].\n",
        ),
    ])
    .diags();
    // Actual: also `content/briefings/a.md:5:7: error: unknown source id `d`
    // (help: did you mean `dd`?)`. But `d` is in the registry: fixing its
    // title is the fix, citing `dd` instead is not.
    assert_eq!(
        d,
        ["content/sources.toml:6:9: error: `title` of source `d` is empty"]
    );
}

#[test]

fn a_typo_in_sources_toml_does_not_make_every_citation_unknown() {
    let d = site(&[
        (
            SOURCES,
            "[a]\ntitle = \"T\"\npublisher = \"P\"\npubished = 2025-06-09\n\n[b]\ntitle = \"T\"\npublisher = \"P\"\n",
        ),
        (A, "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nBody [@a] and [@b].\n"),
    ])
    .diags();
    // Actual: also `a.md:5:7: error: unknown source id `a` (help: add the
    // source to content/sources.toml)` and the same for `b` at 5:16 — the
    // registry is dropped whole, so a site with hundreds of citations gets
    // hundreds of errors whose help is wrong, for one misspelt key.
    assert_eq!(
        d,
        [
            "content/sources.toml:4:1: error: unknown key `pubished` in sources.toml (help: did you mean `published`?)"
        ]
    );
}

// ---------------------------------------------------------------------------
// Unused sources

const TWO_SOURCES: &str = "[cited]\ntitle = \"C\"\npublisher = \"P\"\n\n[never-cited]\ntitle = \"N\"\npublisher = \"P\"\n";

#[test]
fn unused_source_is_a_warning_at_its_table() {
    let s = site(&[
        (SOURCES, TWO_SOURCES),
        (
            A,
            "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nBody [@cited].\n",
        ),
    ]);
    assert_eq!(
        s.diags(),
        [
            "content/sources.toml:5:2: warning: source `never-cited` is never cited (help: cite it as `[@id]` in a briefing, or remove it from the registry)"
        ]
    );
    // A warning does not stop a build; the source still gets its page.
    let built = s.build().ok();
    let html = built.read("sources/never-cited/index.html");
    assert!(main_of(&html).contains("Nothing cites this source yet."));
}

#[test]
fn check_strict_fails_on_an_unused_source() {
    let s = site(&[
        (SOURCES, TWO_SOURCES),
        (
            A,
            "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nBody [@cited].\n",
        ),
    ]);
    let run = s.brief(&["check"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let run = s.brief(&["check", "--strict"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr
            .contains("content/sources.toml:5:2: warning: source `never-cited` is never cited"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with("check failed: 0 errors, 1 warning\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn sources_cited_by_a_page_a_draft_a_deal_point_or_the_explainer_are_used() {
    let registry = ["page", "draft", "point", "intro"]
        .iter()
        .map(|id| format!("[{id}]\ntitle = \"T\"\npublisher = \"P\"\n"))
        .collect::<String>();
    let s = site(&[
        (SOURCES, &registry),
        (
            "content/pages/about.md",
            "+++\ntitle = \"About\"\n+++\nSee [@page].\n",
        ),
        (
            "content/briefings/draft.md",
            "+++\ntitle = \"D\"\ndate = 2025-06-12\ndraft = true\n+++\nSee [@draft].\n",
        ),
        (
            A,
            "+++\ntitle = \"A\"\ndate = 2025-06-12\n\n[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"A point.\"\ncite = [\"point\"]\n+++\nNo citation.\n",
        ),
        (
            "content/explainer.md",
            "+++\ntitle = \"E\"\n+++\nSee [@intro].\n",
        ),
    ]);
    assert_eq!(s.diags(), Vec::<String>::new());
    let run = s.brief(&["check", "--strict"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
}

#[test]
fn every_source_gets_a_page_and_a_sitemap_entry() {
    let built = built();
    let sitemap = built.read("sitemap.xml");
    let locs: BTreeSet<String> = xml_texts(&sitemap, "loc").into_iter().collect();
    for id in [
        "reex-framework",
        "ishook-talks",
        "reex-prices",
        "mofcom-statement",
    ] {
        assert!(built.exists(&format!("sources/{id}/index.html")), "{id}");
        assert!(
            locs.contains(&format!("https://example.org/brief/sources/{id}/")),
            "{id} not in {locs:?}"
        );
    }
    assert!(locs.contains("https://example.org/brief/sources/"));
}

#[test]
fn citations_in_a_notes_heading_and_table_are_numbered_and_linked() {
    let built = with_registry(&[(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-12\n+++\nText [@reex-prices].[^n]\n\n[^n]: A note.\n\n    ## Heading [@ishook-talks]\n\n    | a |\n    |---|\n    | cell [@reex-framework] |\n",
    )])
    .build()
    .ok();
    let html = built.read("briefings/a/index.html");
    assert!(!html.contains('\0'), "no placeholder is left");
    assert_eq!(broken_fragments(&html), Vec::<String>::new());
    let mut numbers: Vec<usize> = markers(main_of(&html))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2, 3]);
}
