//! What a build writes: every URL of the contract, with its key content.

use crate::support::*;

#[test]
fn home_lists_newest_first_with_summaries() {
    let built = sample_site("https://example.org/").build().ok();
    let home = built.read("index.html");
    let main = main_of(&home);
    let fifth = main.find("Fifth briefing").expect("newest on page 1");
    let fourth = main
        .find("Fourth briefing")
        .expect("second newest on page 1");
    assert!(fifth < fourth, "newest first");
    assert!(!main.contains("Third briefing"), "two a page");
    assert!(
        main.contains("The fifth briefing opens with its summary paragraph."),
        "first paragraph as summary"
    );
    let page2 = built.read("page/2/index.html");
    assert!(
        main_of(&page2).contains("An explicit summary."),
        "front matter summary"
    );
    assert!(!main_of(&page2).contains("Body of the second."));
}

#[test]
fn home_paginates_with_prev_and_next() {
    let built = sample_site("https://example.org/").build().ok();
    let pages = ["index.html", "page/2/index.html", "page/3/index.html"];
    let order: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| {
            let html = built.read(p);
            let titles = ["Fifth", "Fourth", "Third", "Second", "First"];
            titles
                .into_iter()
                .filter(|t| main_of(&html).contains(&format!("{t} briefing")))
                .collect()
        })
        .collect();
    assert_eq!(
        order,
        [
            vec!["Fifth", "Fourth"],
            vec!["Third", "Second"],
            vec!["First"]
        ]
    );
    assert!(!built.exists("page/4/index.html") && !built.exists("page/1/index.html"));
    let page2 = built.read("page/2/index.html");
    assert_eq!(links(tag_with(main_of(&page2), "rel=\"prev\"")), ["/"]);
    assert_eq!(
        links(tag_with(main_of(&page2), "rel=\"next\"")),
        ["/page/3/"]
    );
    let page1 = built.read("index.html");
    assert!(!main_of(&page1).contains("rel=\"prev\""));
    let page3 = built.read("page/3/index.html");
    assert!(!main_of(&page3).contains("rel=\"next\""));
}

#[test]
fn briefing_page_has_title_body_tags_and_time() {
    let built = sample_site("https://example.org/").build().ok();
    let html = built.read("briefings/custom-slug/index.html");
    let main = main_of(&html);
    assert!(main.contains("Fourth briefing</h1>"), "{main}");
    assert!(main.contains("<p>Body of the fourth.</p>"));
    assert!(main.contains("<time datetime=\"2025-06-09\">9 June 2025</time>"));
    let tags: Vec<String> = links(main)
        .into_iter()
        .filter(|l| l.starts_with("/tags/"))
        .collect();
    assert_eq!(tags, ["/tags/minerals/", "/tags/london-talks/"]);
    assert!(html.contains("<title>Fourth briefing — Sample</title>"));
}

#[test]
fn briefing_page_snapshot() {
    let built = sample_site("https://example.org/").build().ok();
    insta::assert_snapshot!(
        "briefing_main",
        main_of(&built.read("briefings/fifth/index.html"))
    );
}

#[test]
fn home_page_snapshot() {
    let built = sample_site("https://example.org/").build().ok();
    insta::assert_snapshot!("home_main", main_of(&built.read("index.html")));
}

#[test]
fn archive_groups_briefings_by_month() {
    let built = sample_site("https://example.org/").build().ok();
    let html = built.read("briefings/index.html");
    let main = main_of(&html);
    let sections: Vec<&str> = main.split("<section").skip(1).collect();
    assert_eq!(sections.len(), 2, "one section a month:\n{main}");
    let june = ["Fifth", "Fourth", "Third"].map(|t| sections[0].contains(&format!("{t} briefing")));
    let may = ["Second", "First"].map(|t| sections[1].contains(&format!("{t} briefing")));
    assert!(
        sections[0].contains("June 2025") && june == [true; 3],
        "{}",
        sections[0]
    );
    assert!(
        sections[1].contains("May 2025") && may == [true; 2],
        "{}",
        sections[1]
    );
}

#[test]
fn tags_index_lists_every_tag_with_its_count() {
    let built = sample_site("https://example.org/").build().ok();
    let html = unescape(&built.read("tags/index.html"));
    let main = main_of(&html);
    let minerals = &main[main.find("/tags/minerals/").expect("minerals listed")..];
    let talks = &main[main
        .find("/tags/london-talks/")
        .expect("London talks listed")..];
    assert!(
        minerals[..minerals.find("</li>").unwrap()].contains("5 briefings"),
        "{main}"
    );
    assert!(
        talks[..talks.find("</li>").unwrap()].contains("2 briefings"),
        "{main}"
    );
    assert!(
        talks.contains(">London talks</a>"),
        "shows the tag as written"
    );
}

#[test]
fn tag_pages_paginate_and_have_feeds() {
    let built = sample_site("https://example.org/").build().ok();
    let page1 = built.read("tags/minerals/index.html");
    assert!(
        main_of(&page1).contains("Fifth briefing") && !main_of(&page1).contains("Third briefing")
    );
    let page2 = built.read("tags/minerals/page/2/index.html");
    assert!(
        main_of(&page2).contains("Third briefing") && main_of(&page2).contains("Second briefing")
    );
    assert_eq!(
        links(tag_with(main_of(&page2), "rel=\"prev\"")),
        ["/tags/minerals/"]
    );
    assert_eq!(
        links(tag_with(main_of(&page2), "rel=\"next\"")),
        ["/tags/minerals/page/3/"]
    );
    assert!(main_of(&built.read("tags/minerals/page/3/index.html")).contains("First briefing"));
    let talks = built.read("tags/london-talks/atom.xml");
    check_xml(&talks).unwrap();
    let ids = xml_texts(&talks, "id");
    assert_eq!(
        ids,
        [
            "https://example.org/tags/london-talks/atom.xml",
            "https://example.org/briefings/custom-slug/",
            "https://example.org/briefings/second/",
        ]
    );
}

#[test]
fn atom_feed_is_well_formed_absolute_and_newest_first() {
    let built = sample_site("https://example.org/").build().ok();
    let atom = built.read("atom.xml");
    check_xml(&atom).unwrap_or_else(|e| panic!("{e}\n{atom}"));
    assert!(
        atom.starts_with("<?xml") && atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    let entry_ids: Vec<String> = xml_texts(&atom, "id").into_iter().skip(1).collect();
    let slugs = ["fifth", "custom-slug", "third", "second", "first"];
    assert_eq!(
        entry_ids,
        slugs.map(|s| format!("https://example.org/briefings/{s}/"))
    );
    assert!(
        links(&without_cdata(&atom))
            .iter()
            .all(|l| l.starts_with("https://example.org/")),
        "{:?}",
        links(&without_cdata(&atom))
    );
    let titles = xml_texts(&atom, "title");
    assert_eq!(titles[..2], ["Sample", "Fifth briefing"]);
    assert!(
        xml_texts(&atom, "updated")[0].starts_with("2025-06-11"),
        "feed updated = newest update"
    );
}

#[test]
fn sitemap_lists_pages_and_briefings_but_not_404() {
    let built = sample_site("https://example.org/").build().ok();
    let sitemap = built.read("sitemap.xml");
    check_xml(&sitemap).unwrap();
    let locs = xml_texts(&sitemap, "loc");
    for url in [
        "",
        "briefings/fifth/",
        "briefings/custom-slug/",
        "briefings/first/",
        "tags/minerals/",
        "about/",
    ] {
        assert!(
            locs.contains(&format!("https://example.org/{url}")),
            "{url} missing from {locs:#?}"
        );
    }
    assert!(!locs.iter().any(|l| l.contains("404")), "{locs:#?}");
}

#[test]
fn robots_txt_points_at_the_absolute_sitemap() {
    let built = sample_site("https://example.org/").build().ok();
    let robots = built.read("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == "Sitemap: https://example.org/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn not_found_page_links_back_into_the_site() {
    let built = sample_site("https://example.org/").build().ok();
    let html = built.read("404.html");
    assert!(main_of(&html).contains("Page not found"));
    assert!(links(main_of(&html)).contains(&"/".to_string()));
}

#[test]
fn standalone_page_is_served_at_its_slug() {
    let s = sample_site("https://example.org/");
    s.write(
        "content/pages/methodology.md",
        &md("title = \"How we work\"\nslug = \"method\"", "Carefully.\n"),
    );
    let built = s.build().ok();
    let about = built.read("about/index.html");
    assert!(
        main_of(&about).contains("About</h1>")
            && main_of(&about).contains("What this publication is.")
    );
    assert!(main_of(&built.read("method/index.html")).contains("Carefully."));
    assert!(!built.exists("methodology/index.html"));
    assert!(
        links(&built.read("index.html")).contains(&"/about/".to_string()),
        "pages are in the navigation"
    );
}

#[test]
fn theme_and_site_static_files_are_copied() {
    let built = sample_site("https://example.org/").build().ok();
    assert!(built.read("style.css").len() > 100);
    assert!(built.read("favicon.svg").contains("<svg"));
    assert_eq!(built.read("x.txt"), "a site static file\n");
    let syntax = built.read("syntax.css");
    assert!(
        syntax.contains("pre.code .l0 {") && syntax.contains("pre.code .d0 {"),
        "class-based highlighting styles for both themes"
    );
    assert!(
        syntax.contains("@media (prefers-color-scheme: dark)"),
        "a dark scheme"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let s = site(&[
        (
            "content/briefings/out.md",
            &briefing("Published", "2025-06-01", "", "Out.\n"),
        ),
        (
            "content/briefings/wip.md",
            &briefing(
                "Work in progress",
                "2025-06-02",
                "draft = true\ntags = [\"secret\"]",
                "Not yet.\n",
            ),
        ),
        (
            "content/pages/plans.md",
            &md("title = \"Unfinished page\"\ndraft = true", "Plans.\n"),
        ),
    ]);
    let built = s.build().ok();
    assert!(!built.exists("briefings/wip/index.html") && !built.exists("tags/secret/index.html"));
    assert!(!built.exists("plans/index.html"));
    let everything: String = built.files().iter().map(|f| built.read(f)).collect();
    assert!(
        !everything.contains("Work in progress") && !everything.contains("Unfinished page"),
        "a draft leaks into a list, feed, sitemap or the navigation"
    );
    let built = s.build_with(|o| o.publish.drafts = true).ok();
    assert!(built.read("briefings/wip/index.html").contains("Not yet."));
    assert!(built.read("index.html").contains("Work in progress"));
    assert!(built.read("plans/index.html").contains("Plans."));
}

#[test]
fn future_briefings_are_left_out_unless_asked_for() {
    // The library build time is 2025-07-01T00:00Z (support::now).
    let s = site(&[
        (
            "content/briefings/past.md",
            &briefing("Past", "2025-06-30T23:59:00Z", "", "Old.\n"),
        ),
        (
            "content/briefings/next.md",
            &briefing("Scheduled one", "2025-07-01T00:30:00Z", "", "Soon.\n"),
        ),
    ]);
    let built = s.build().ok();
    assert!(
        built.exists("briefings/past/index.html") && !built.exists("briefings/next/index.html")
    );
    assert!(!built.read("atom.xml").contains("Scheduled one"));
    let built = s.build_with(|o| o.publish.future = true).ok();
    assert!(built.read("briefings/next/index.html").contains("Soon."));
}

#[test]
fn slug_defaults_to_file_name_without_date() {
    let s = site(&[
        (
            "content/briefings/2025-06-09-london-handshake.md",
            &briefing("A", "2025-06-09", "", "a\n"),
        ),
        (
            "content/briefings/Undated Name.md",
            &briefing("B", "2025-06-09", "", "b\n"),
        ),
        (
            "content/briefings/2025/2025-06-10-nested.md",
            &briefing("C", "2025-06-10", "", "c\n"),
        ),
        (
            "content/briefings/2025-06-11-x.md",
            &briefing("D", "2025-06-11", "slug = \"explicit\"", "d\n"),
        ),
    ]);
    let built = s.build().ok();
    for page in ["london-handshake", "undated-name", "nested", "explicit"] {
        assert!(
            built.exists(&format!("briefings/{page}/index.html")),
            "{page}: {:#?}",
            built.files()
        );
    }
    assert!(!built.exists("briefings/x/index.html"));
}

#[test]
fn report_counts_what_was_built() {
    let built = sample_site("https://example.org/").build().ok();
    assert_eq!((built.report.briefings, built.report.pages), (5, 1));
    // Every file written, the search index included, but brief's marker.
    assert!(built.exists(".brief-output"));
    assert_eq!(built.report.outputs, tree(&built.out).len() - 1);
    assert!(built.report.diagnostics.is_empty(), "{:#?}", built.diags());
}

#[test]
fn front_matter_titles_and_summaries_get_smart_punctuation() {
    let built = site(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        ),
        (
            "content/briefings/a.md",
            &briefing(
                "China's \"yes\" -- and *not* 2 < 3",
                "2025-06-09",
                "summary = \"It's 'framework'... not <b>deal</b>\"",
                "Body.\n",
            ),
        ),
    ])
    .build()
    .ok();
    let page = built.read("briefings/a/index.html");
    let title = "China’s “yes” – and *not* 2 &lt; 3";
    assert!(
        page.contains(&format!("<title>{title} — T</title>")),
        "{page}"
    );
    assert!(main_of(&page).contains(title), "{}", main_of(&page));
    let home = built.read("index.html");
    assert!(
        home.contains("It’s ‘framework’… not &lt;b&gt;deal&lt;/b&gt;"),
        "{}",
        main_of(&home)
    );
}

#[test]
fn meta_description_is_a_short_first_paragraph_or_the_written_summary() {
    let long = "Officials from both governments met in London for two days of talks. They agreed on a framework. \
                Neither side published the text, and the details of export licences, \
                quotas and timelines were left for later rounds of talks.";
    let written = "A summary the writer wrote, longer than the limit on purpose: \
                   it goes on past one hundred and sixty characters so that a cut \
                   would show, and it must be kept exactly as written.";
    let built = site(&[
        (
            "content/briefings/a.md",
            &briefing("A", "2025-06-01", "", long),
        ),
        (
            "content/briefings/b.md",
            &briefing("B", "2025-06-02", &format!("summary = {written:?}"), long),
        ),
    ])
    .build()
    .ok();
    let a = built.read("briefings/a/index.html");
    let short = "Officials from both governments met in London for two days of talks. They agreed on a framework.";
    assert_eq!(
        tag_with(&a, "name=\"description\""),
        format!("<meta name=\"description\" content=\"{short}\">")
    );
    assert!(tag_with(&a, "og:description").contains(&format!("content=\"{short}\"")));
    let json = inner(&a, "<script type=\"application/ld+json\"", "</script>");
    assert!(
        json.contains(&format!("\"description\":\"{short}\"")),
        "{json}"
    );
    assert!(main_of(&built.read("index.html")).contains("left for later rounds of talks."));

    let b = built.read("briefings/b/index.html");
    assert_eq!(
        tag_with(&b, "name=\"description\""),
        format!("<meta name=\"description\" content=\"{written}\">")
    );
}

#[test]
fn many_tags_on_one_briefing_keep_every_tag_page_small() {
    // Each tag page and tag feed lists the briefing; listing all its tags
    // there would make the output grow with the square of the tag count.
    const TAGS: usize = 1_500;
    let tags: Vec<String> = (0..TAGS).map(|i| format!("\"tag {i}\"")).collect();
    let s = site(&[(
        "content/briefings/2025-06-01-tagged.md",
        &briefing(
            "Tagged",
            "2025-06-01",
            &format!("tags = [{}]", tags.join(", ")),
            "Body.\n",
        ),
    )]);
    let built = s.build_with(|o| o.search = false).ok();
    let page = built.read("briefings/tagged/index.html");
    assert_eq!(
        page.matches("class=\"tag\"").count(),
        TAGS,
        "all on the briefing"
    );
    let largest = built
        .files()
        .into_iter()
        .filter(|p| p.starts_with("tags/") && p != "tags/index.html")
        .map(|p| (std::fs::metadata(built.out.join(&p)).unwrap().len(), p))
        .max()
        .unwrap();
    assert!(largest.0 < 16_000, "{largest:?}");
    let tag_page = built.read("tags/tag-1499/index.html");
    assert_eq!(tag_page.matches("class=\"tag\"").count(), 8);
    assert!(
        tag_page.contains(&format!(
            "<a class=\"tag tag--more\" href=\"/briefings/tagged/\">{} more tags</a>",
            TAGS - 8
        )),
        "{}",
        main_of(&tag_page)
    );
    let feed = built.read("tags/tag-0/atom.xml");
    assert_eq!(feed.matches("<category ").count(), 8);
}

#[test]
fn search_page_landmarks_have_distinct_names() {
    // axe `landmark-unique`: the masthead's search form and the search
    // page's own are two search landmarks; each needs its own name.
    let built = sample_site("https://example.org/").build().ok();
    let page = built.read("search/index.html");
    let mut labels: Vec<&str> = page
        .match_indices("role=\"search\"")
        .map(|(i, _)| {
            let tag = &page[page[..i].rfind('<').unwrap()..];
            let tag = &tag[..tag.find('>').unwrap()];
            between(tag, "aria-label=\"", "\"")
        })
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    labels.dedup();
    assert_eq!(labels.len(), 2, "{labels:?}");
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let s = sample_site("https://example.org/");
    let first = s.build_with(|o| o.search = false).ok();
    let a = tree(&first.out);
    drop(first);
    let again = s.build_with(|o| o.search = false).ok();
    let b = tree(&again.out);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between two builds");
    }
}
