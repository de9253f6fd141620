//! Newsroom essentials: bylines and author pages, corrections and updates,
//! and the check that a briefing cites only what existed on its date.

use crate::support::*;

const SOURCES: &str = r#"
[early]
title = "Early report"
publisher = "Wire"
published = 2025-06-01
kind = "news"

[late]
title = "Later analysis"
publisher = "Review"
published = 2025-06-11
kind = "analysis"
"#;

const AUTHORS: &str = "[desk]\nname = \"The briefing desk\"\nkind = \"organization\"\nbio = \"Writes and *corrects* these briefings.\"\n\n[ann]\nname = \"Ann Example\"\nurl = \"https://ann.example/\"\n";

fn newsroom_site(extra_front: &str) -> TempSite {
    site(&[
        ("content/sources.toml", SOURCES),
        ("content/authors.toml", AUTHORS),
        (
            "content/briefings/2025-06-09-talks.md",
            &briefing(
                "Talks in London",
                "2025-06-09",
                extra_front,
                "Officials met [@early].\n",
            ),
        ),
        (
            "content/briefings/2025-06-12-later.md",
            &briefing(
                "Later",
                "2025-06-12",
                "authors = [\"desk\"]",
                "The analysis came out [@late].\n",
            ),
        ),
    ])
}

#[test]
fn a_byline_links_each_author_and_author_pages_list_their_briefings() {
    let built = newsroom_site("authors = [\"desk\", \"ann\"]").build().ok();
    let page = built.read("briefings/talks/index.html");
    assert!(
        page.contains("<p class=\"byline\">By <a href=\"/authors/desk/\" rel=\"author\">The briefing desk</a> and <a href=\"/authors/ann/\" rel=\"author\">Ann Example</a></p>"),
        "{}",
        main_of(&page)
    );
    let desk = built.read("authors/desk/index.html");
    assert!(desk.contains("Writes and <em>corrects</em> these briefings."));
    let listed: Vec<&str> = ["/briefings/later/", "/briefings/talks/"]
        .into_iter()
        .filter(|p| desk.contains(&format!("href=\"{p}\"")))
        .collect();
    assert_eq!(listed.len(), 2, "{}", main_of(&desk));
    let ann = built.read("authors/ann/index.html");
    assert!(
        ann.contains("href=\"/briefings/talks/\"") && !ann.contains("href=\"/briefings/later/\"")
    );
    assert!(ann.contains("href=\"https://ann.example/\" rel=\"me\""));
    let index = built.read("authors/index.html");
    assert!(index.contains("The briefing desk") && index.contains("2 briefings"));
    // Feeds: the author's own, and the byline in every entry.
    let feed = built.read("authors/desk/atom.xml");
    check_xml(&feed).unwrap();
    assert_eq!(
        xml_texts(&feed, "name"),
        ["The briefing desk", "The briefing desk", "Ann Example"]
    );
    let atom = built.read("atom.xml");
    assert!(atom.contains("<author><name>The briefing desk</name></author>\n    <author><name>Ann Example</name></author>"));
    // JSON-LD, parsed back.
    let json = between(&page, "<script type=\"application/ld+json\">", "</script>");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["author"][0]["name"], "The briefing desk");
    // The desk is an organization; a person is the default.
    assert_eq!(v["author"][0]["@type"], "Organization");
    assert_eq!(v["author"][1]["@type"], "Person");
    assert_eq!(v["author"][1]["url"], "https://example.org/authors/ann/");
    let sitemap = built.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/authors/desk/</loc>"));
}

#[test]
fn every_problem_in_authors_toml_is_reported_at_its_place() {
    let authors = r#"
        [desk]
        name = "The briefing desk"
        kind = "organisation"

        [ann]
        url = "ftp://ann.example/"

        ["Ann B"]
        name = " "
        bio = "See [me](javascript:alert(1))."

        [cy]
        name = "Cy"
        bio = "Formerly at [@early]; writes `[@late]` in code."
    "#;
    let s = site(&[
        ("content/sources.toml", SOURCES),
        ("content/authors.toml", &dedent(authors)),
        (
            "content/briefings/2025-06-09-talks.md",
            &briefing(
                "Talks",
                "2025-06-09",
                "authors = [\"desk\"]",
                "Officials met [@early].\n",
            ),
        ),
        (
            "content/briefings/2025-06-12-later.md",
            &briefing("Later", "2025-06-12", "", "Later [@late].\n"),
        ),
    ]);
    // Naming an author whose entry has errors is not a second error.
    assert_eq!(
        s.diags(),
        [
            "content/authors.toml:3:8: error: unknown author kind `organisation` (help: did you mean `organization`?)",
            "content/authors.toml:5:2: error: author `ann` has no `name` (help: add `name = \"…\"`: the name a byline shows)",
            "content/authors.toml:6:7: error: `url` must be an http(s) URL (help: write it as `https://…`)",
            "content/authors.toml:8:2: error: author id `Ann B` is not a valid URL segment (help: use lowercase letters, digits and hyphens, e.g. `ann-b`)",
            "content/authors.toml:9:8: error: `name` must not be empty",
            "content/authors.toml:10:7: error: bio links to a `javascript:` URL (help: link to an `https:` URL or a path in the site)",
            // A bio cannot cite; in code, `[@…]` is text.
            "content/authors.toml:14:7: error: bio has a citation, `[@early]`, which is shown as written there (help: take it out: this text cannot cite; name the source in words)",
        ]
    );
}

/// Deal points, events and corrections cite with `cite = [...]`; a
/// `[@id]` in their text was published as those characters.
#[test]
fn a_citation_written_in_a_front_matter_text_is_an_error_with_the_cite_list_to_write() {
    let front = r#"
        [[deal]]
        id = "truce"
        kind = "is"
        text = "A truce [@early; @late, p. 2]."
        cite = ["early"]

        [[event]]
        date = 2025-06-08
        text = "Talks are set [@early]."
        cite = ["early"]

        [[correction]]
        date = 2025-06-12
        text = "Escaped, \\[@early] is text, `[@early]` in code too; this [@late] is not."
    "#;
    let s = site(&[
        ("content/sources.toml", SOURCES),
        (
            "content/briefings/2025-06-09-talks.md",
            &briefing(
                "Talks",
                "2025-06-09",
                &dedent(front),
                "Officials met [@early].\n",
            ),
        ),
        (
            "content/briefings/2025-06-12-later.md",
            &briefing("Later", "2025-06-12", "", "Later [@late].\n"),
        ),
    ]);
    let help = "its number follows the text";
    assert_eq!(
        s.diags(),
        [
            format!(
                "content/briefings/2025-06-09-talks.md:7:8: error: deal point text has a citation, `[@early; @late, p. 2]`, which is shown as written there (help: take it out of the text and list the source in `cite = [\"early\", \"late\"]`: {help})"
            ),
            format!(
                "content/briefings/2025-06-09-talks.md:12:8: error: event text has a citation, `[@early]`, which is shown as written there (help: take it out of the text and list the source in `cite = [\"early\"]`: {help})"
            ),
            format!(
                "content/briefings/2025-06-09-talks.md:17:8: error: correction text has a citation, `[@late]`, which is shown as written there (help: take it out of the text and list the source in `cite = [\"late\"]`: {help})"
            ),
        ]
    );
}

#[test]
fn a_site_without_authors_has_no_author_pages_or_bylines() {
    let s = site(&[(
        "content/briefings/2025-06-09-a.md",
        &briefing("A", "2025-06-09", "", "Body.\n"),
    )]);
    let built = s.build().ok();
    assert!(
        !built
            .files()
            .iter()
            .any(|f| f.starts_with("authors/") || f.starts_with("corrections/"))
    );
    assert!(!built.read("briefings/a/index.html").contains("byline"));
}

#[test]
fn an_unknown_author_is_an_error_with_did_you_mean() {
    let s = newsroom_site("authors = [\"dsk\"]");
    assert_eq!(
        s.diags(),
        [
            "content/briefings/2025-06-09-talks.md:4:12: error: unknown author `dsk` (help: did you mean `desk`?)"
        ]
    );
    let s = site(&[(
        "content/briefings/2025-06-09-a.md",
        &briefing("A", "2025-06-09", "authors = [\"desk\"]", "Body.\n"),
    )]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/2025-06-09-a.md:4:12: error: unknown author `desk` (help: add `content/authors.toml` with `[desk]` and `name = \"…\"`)"
        ]
    );
    // The file is there, with no one in it yet: the entry is what to add.
    let s = site(&[
        ("content/authors.toml", "# Who writes here.\n"),
        (
            "content/briefings/2025-06-09-a.md",
            &briefing("A", "2025-06-09", "authors = [\"desk\"]", "Body.\n"),
        ),
    ]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/2025-06-09-a.md:4:12: error: unknown author `desk` (help: add `[desk]` with `name = \"…\"` to content/authors.toml)"
        ]
    );
}

#[test]
fn corrections_are_notices_newest_first_with_a_page_a_feed_and_json_ld() {
    let front = "updated = 2025-06-10\n\n[[correction]]\ndate = 2025-06-10\ntext = \"An earlier version said *Monday*.\"\n\n[[correction]]\ndate = 2025-06-13\nkind = \"update\"\ntext = \"Added what the analysis found.\"\ncite = [\"late\"]";
    let built = newsroom_site(front).build().ok();
    let page = built.read("briefings/talks/index.html");
    let notices = between(&page, "<section class=\"corrections\"", "</section>");
    let update = notices
        .find("Update, <time datetime=\"2025-06-13\">13 June 2025</time>:")
        .unwrap();
    let correction = notices.find("Correction, <time datetime=\"2025-06-10\">10 June 2025</time>:</strong> An earlier version said <em>Monday</em>.").unwrap();
    assert!(update < correction, "newest first: {notices}");
    assert!(notices.contains("<a href=\"/sources/late/\">Review, <cite>Later analysis</cite></a>"));
    let json = between(&page, "<script type=\"application/ld+json\">", "</script>");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["dateModified"], "2025-06-13T00:00:00Z");
    assert_eq!(
        v["correction"][0]["text"],
        "Update: Added what the analysis found."
    );
    assert_eq!(v["correction"][1]["datePublished"], "2025-06-10");
    let list = built.read("corrections/index.html");
    assert!(
        list.contains("href=\"/briefings/talks/#correction-2\""),
        "{}",
        main_of(&list)
    );
    // Ids are the briefing page's; the list shows notices of many briefings.
    assert!(!list.contains("id=\"correction-"), "{}", main_of(&list));
    let feed = built.read("corrections/atom.xml");
    check_xml(&feed).unwrap();
    assert_eq!(
        xml_texts(&feed, "title")[1..],
        ["Update: Talks in London", "Correction: Talks in London"]
    );
    // The sitemap and the site feed date the briefing by its newest change.
    assert!(built.read("sitemap.xml").contains(
        "<loc>https://example.org/briefings/talks/</loc>\n    <lastmod>2025-06-13</lastmod>"
    ));
    let atom = built.read("atom.xml");
    assert!(
        atom.contains("<updated>2025-06-13</updated>")
            || atom.contains("<updated>2025-06-13T00:00:00Z</updated>"),
        "{atom}"
    );
}

#[test]
fn correction_problems_are_errors_at_their_position() {
    let front = "[[correction]]\ndate = 2025-06-08\ntext = \"Too early.\"\n\n[[correction]]\ndate = 2025-06-10\ntext = \"  \"\n\n[[correction]]\ndate = 2025-06-10\nkind = \"updte\"\ntext = \"A typo.\"";
    assert_eq!(
        newsroom_site(front).diags(),
        [
            "content/briefings/2025-06-09-talks.md:5:8: error: correction dated 8 June 2025, before the briefing (9 June 2025) (help: a correction comes on or after the day its briefing was published)",
            "content/briefings/2025-06-09-talks.md:10:8: error: correction text is empty (help: say what was wrong and what is right, e.g. `An earlier version said …; the source says ….`)",
            "content/briefings/2025-06-09-talks.md:14:8: error: unknown correction kind `updte` (help: did you mean `update`?)",
        ]
    );
}

#[test]
fn citing_a_source_published_later_is_a_warning_at_the_citation() {
    let s = site(&[
        ("content/sources.toml", SOURCES),
        (
            "content/briefings/2025-06-09-talks.md",
            &briefing(
                "Talks",
                "2025-06-09",
                "",
                "Officials met [@early]. It was a truce [@late].\n",
            ),
        ),
    ]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/2025-06-09-talks.md:5:41: warning: source `late` was published on 11 June 2025, after this was written (9 June 2025) (help: cite it in a later briefing, or in a dated [[correction]] (kind = \"update\") on this one)"
        ]
    );
    let run = s.brief(&["check", "--strict"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    // In a correction dated after the source, the same source is fine.
    let front = "[[correction]]\ndate = 2025-06-12\nkind = \"update\"\ntext = \"The analysis came out.\"\ncite = [\"late\"]";
    assert_eq!(newsroom_site(front).diags(), Vec::<String>::new());
    let front = "[[correction]]\ndate = 2025-06-10\nkind = \"update\"\ntext = \"Too soon.\"\ncite = [\"late\"]";
    assert_eq!(
        newsroom_site(front).diags(),
        [
            "content/briefings/2025-06-09-talks.md:8:9: warning: source `late` was published on 11 June 2025, after this was written (10 June 2025) (help: cite it in a later briefing, or in a dated [[correction]] (kind = \"update\") on this one)"
        ]
    );
}

#[test]
fn deal_points_and_events_are_held_to_the_briefings_date() {
    let front = r#"
        [[deal]]
        id = "truce"
        kind = "is"
        text = "A truce."
        cite = ["early", "late"]

        [[event]]
        date = 2025-06-12
        text = "A truce is signed."
        cite = ["late"]

        [[event]]
        date = "2025-06"
        text = "Talks go on this month."
        cite = ["early"]

        [[event]]
        date = "2025-07"
        text = "Talks go on next month."
        cite = ["early"]
    "#;
    let s = site(&[
        ("content/sources.toml", SOURCES),
        (
            "content/briefings/2025-06-09-talks.md",
            &briefing(
                "Talks",
                "2025-06-09",
                &dedent(front),
                "Officials met [@early].\n",
            ),
        ),
    ]);
    let later = "after this was written (9 June 2025) (help: cite it in a later briefing, or in a dated [[correction]] (kind = \"update\") on this one)";
    let after = "after this briefing (9 June 2025) (help: a briefing reports what has happened by its date: check the date, or state the event in a later briefing)";
    assert_eq!(
        s.diags(),
        [
            format!(
                "content/briefings/2025-06-09-talks.md:8:18: warning: source `late` was published on 11 June 2025, {later}"
            ),
            format!(
                "content/briefings/2025-06-09-talks.md:11:8: warning: event dated 12 June 2025, {after}"
            ),
            format!(
                "content/briefings/2025-06-09-talks.md:13:9: warning: source `late` was published on 11 June 2025, {later}"
            ),
            // June has begun on 9 June; July has not.
            format!(
                "content/briefings/2025-06-09-talks.md:21:8: warning: event dated July 2025, {after}"
            ),
        ]
    );
    let run = s.brief(&["check", "--strict"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
}

fn linked_site(link_line: &str) -> TempSite {
    site(&[
        (
            "content/briefings/2025-06-09-london-handshake.md",
            &briefing(
                "Handshake",
                "2025-06-09",
                "slug = \"handshake\"",
                "Intro.\n\n## Who was there\n\nThe delegations.\n",
            ),
        ),
        (
            "content/briefings/2025-06-10-next.md",
            &briefing("Next", "2025-06-10", "", &format!("Text.\n\n{link_line}\n")),
        ),
        (
            "content/pages/about.md",
            &md("title = \"About\"", "About us.\n"),
        ),
    ])
}

#[test]
fn links_to_content_files_become_their_urls() {
    let built = linked_site(
        "See [the handshake](2025-06-09-london-handshake.md#who-was-there), [about](../pages/about.md) and [again](@/briefings/2025-06-09-london-handshake.md).",
    )
    .build()
    .ok();
    let page = built.read("briefings/next/index.html");
    for href in [
        "<a href=\"/briefings/handshake/#who-was-there\">the handshake</a>",
        "<a href=\"/about/\">about</a>",
        "<a href=\"/briefings/handshake/\">again</a>",
    ] {
        assert!(page.contains(href), "{href} in {}", main_of(&page));
    }
    assert!(!page.contains("brief-link:"));
    // Feeds carry the same links.
    assert!(
        built
            .read("atom.xml")
            .contains("href=\"/briefings/handshake/#who-was-there\"")
    );
}

#[test]
fn a_link_to_a_missing_file_or_heading_is_an_error_with_did_you_mean() {
    let s = linked_site(
        "See [x](2025-06-09-london-handshak.md) and [y](@/briefings/2025-06-09-london-handshake.md#who-was-ther).",
    );
    assert_eq!(
        s.diags(),
        [
            "content/briefings/2025-06-10-next.md:7:5: error: link to content/briefings/2025-06-09-london-handshak.md, which is not a published briefing, page or explainer (help: did you mean `content/briefings/2025-06-09-london-handshake.md`?)",
            "content/briefings/2025-06-10-next.md:7:44: error: `#who-was-ther` is not a heading of content/briefings/2025-06-09-london-handshake.md (help: did you mean `who-was-there`?)",
        ]
    );
}

#[test]
fn a_changed_slug_changes_every_link_to_it_in_build_and_serve() {
    use brief::serve::workspace::Workspace;
    let s = linked_site("See [it](2025-06-09-london-handshake.md).");
    let mut opts = s.options();
    opts.publish = brief::resolve::Publish {
        drafts: true,
        future: true,
    };
    let (mut ws, first) = Workspace::open(opts).unwrap();
    assert!(!first.failed, "{:#?}", first.diagnostics);
    let page = |ws: &Workspace| {
        String::from_utf8(ws.outputs()["briefings/next/index.html"].to_vec()).unwrap()
    };
    assert!(page(&ws).contains("<a href=\"/briefings/handshake/\">it</a>"));
    s.write(
        "content/briefings/2025-06-09-london-handshake.md",
        &briefing(
            "Handshake",
            "2025-06-09",
            "slug = \"london\"",
            "Intro.\n\n## Who was there\n\nThe delegations.\n",
        ),
    );
    let update = ws
        .update(&[s.path("content/briefings/2025-06-09-london-handshake.md")])
        .unwrap();
    assert!(!update.failed, "{:#?}", update.diagnostics);
    assert!(
        update
            .changed
            .contains(&"briefings/next/index.html".to_string()),
        "{:?}",
        update.changed
    );
    assert!(page(&ws).contains("<a href=\"/briefings/london/\">it</a>"));
    let built = s.build().ok();
    assert!(
        built
            .read("briefings/next/index.html")
            .contains("<a href=\"/briefings/london/\">it</a>")
    );
}
