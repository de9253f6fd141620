//! Markdown features as they come out in a briefing page.

use crate::support::*;

/// Builds a site with one briefing (`a.md`, four lines of front matter)
/// and returns its article body and the build's diagnostics.
fn render(body: &str) -> (String, Vec<String>) {
    let s = site(&[(
        "content/briefings/a.md",
        &briefing("A", "2025-06-09", "", body),
    )]);
    let built = s.build().ok();
    (
        main_of(&built.read("briefings/a/index.html")).to_string(),
        built.diags(),
    )
}

#[test]
fn tables_are_wrapped_for_scrolling() {
    let (html, diags) = render("| Metal | Share |\n|---|--:|\n| Dysprosium | 99% |\n");
    assert!(
        html.contains("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
        "{html}"
    );
    assert!(
        html.contains("<td style=\"text-align: right\">99%</td>")
            && html.contains("</table>\n</div>")
    );
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn footnotes_are_numbered_with_back_references() {
    let (html, diags) =
        render("A claim.[^src] Another.[^b] Again.[^src]\n\n[^src]: The source.\n[^b]: Bee.\n");
    assert!(
        html.contains("<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1-1\">1</a></sup>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"#fn-1\" id=\"fnref-1-2\">1</a>"));
    assert!(html.contains(
        "<li id=\"fn-1\"><p>The source. <a href=\"#fnref-1-1\" class=\"footnote-backref\""
    ));
    assert!(html.contains("<a href=\"#fnref-1-2\" class=\"footnote-backref\""));
    assert!(
        html.contains("<li id=\"fn-2\"><p>Bee. <a href=\"#fnref-2-1\" class=\"footnote-backref\"")
    );
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn strikethrough_and_task_lists() {
    let (html, _) = render("~~withdrawn~~ kept\n\n- [x] talks held\n- [ ] deal signed\n");
    assert!(html.contains("<del>withdrawn</del> kept"), "{html}");
    let boxes: Vec<&str> = html
        .split("<input")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap()])
        .collect();
    assert_eq!(boxes.len(), 2, "{html}");
    assert!(
        boxes
            .iter()
            .all(|b| b.contains("type=\"checkbox\"") && b.contains("disabled"))
    );
    let checked = |b: &str| {
        b.split_whitespace()
            .any(|a| a == "checked" || a.starts_with("checked="))
    };
    assert_eq!(boxes.iter().filter(|b| checked(b)).count(), 1, "{html}");
    assert!(html.contains("</del> kept</p>") && html.contains("> talks held</li>"));
}

#[test]
fn smart_punctuation() {
    let (html, _) = render("He said \"a big, strong handshake\" -- it's done...\n");
    assert!(
        html.contains("He said “a big, strong handshake” – it’s done…"),
        "{html}"
    );
}

#[test]
fn headings_get_ids_and_anchor_links() {
    let (html, _) = render("## Who was there\n\n## Who was there\n\n### Next {#custom}\n");
    assert!(
        html.contains(
            "<h2 id=\"who-was-there\">Who was there <a class=\"anchor\" href=\"#who-was-there\""
        ),
        "{html}"
    );
    assert!(
        html.contains("<h2 id=\"who-was-there-1\">"),
        "repeated headings get unique ids"
    );
    assert!(html.contains("<h3 id=\"custom\">"));
}

#[test]
fn table_of_contents_on_a_page_with_several_headings() {
    let (html, _) = render("Intro.\n\n## First part\n\n### Detail\n\n## Second part\n");
    let toc = &html[html
        .find("aria-label=\"Contents\"")
        .expect("a table of contents")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert_eq!(links(toc), ["#first-part", "#detail", "#second-part"]);
    let (single, _) = render("Intro.\n\n## Only part\n");
    assert!(
        !single.contains("aria-label=\"Contents\""),
        "no contents box for one heading"
    );
}

#[test]
fn code_is_highlighted_with_classes() {
    let (html, diags) = render("```rust\nfn main() { let x = 1; }\n```\n");
    // One flat span per token, named by its style in the light (`l…`) and
    // the dark (`d…`) theme: `fn` is bold in the light theme.
    assert!(html.contains("<pre class=\"code\" tabindex=\"0\" data-lang=\"rust\"><code><span class=\"l2 lb d2\">fn</span> <span class=\"l5 lb d4\">main</span>() {"), "{html}");
    assert!(
        !html.contains("style=\"color"),
        "classes, not inline styles"
    );
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn unknown_code_language_is_plain_with_a_warning() {
    let (html, diags) = render("Text.\n\n```klingon\nqapla <b>\n```\n");
    assert!(
        html.contains("data-lang=\"klingon\"><code>qapla &lt;b&gt;\n</code></pre>"),
        "{html}"
    );
    assert_eq!(
        diags,
        [
            "content/briefings/a.md:7:1: warning: unknown language `klingon` in code block; shown without highlighting"
        ]
    );
    let (_, diags) = render("```pyhton\nx = 1\n```\n");
    assert_eq!(
        diags,
        [
            "content/briefings/a.md:5:1: warning: unknown language `pyhton` in code block; shown without highlighting (help: did you mean `python`?)"
        ]
    );
}

#[test]
fn plain_text_code_never_warns() {
    let (html, diags) = render("```text\n<plain>\n```\n\n    indented\n");
    assert!(html.contains("&lt;plain&gt;") && html.contains("indented"));
    assert!(diags.is_empty(), "{diags:?}");
}

/// The main part of the briefing page of `s`, built after `prepare`
/// (which may touch the site's cache).
fn page_after(s: &TempSite, prepare: impl FnOnce()) -> String {
    prepare();
    main_of(&s.build().ok().read("briefings/a/index.html")).to_string()
}

#[test]
fn highlighted_code_kept_between_builds_is_what_highlighting_gives() {
    let code = "```rust\nfn main() { let x = 1; }\n```\n\n```python\ndef f(): pass\n```\n";
    let s = site(&[(
        "content/briefings/a.md",
        &briefing("A", "2025-06-09", "", code),
    )]);
    let pack = s.path(".brief-cache/highlight");
    let fresh = |s: &TempSite| {
        page_after(s, || {
            std::fs::remove_dir_all(s.path(".brief-cache")).unwrap_or(())
        })
    };
    let first = fresh(&s);
    assert!(
        first.contains("<span class=\"l2 lb d2\">fn</span>"),
        "{first}"
    );
    assert!(pack.is_file(), "the first build keeps its blocks");
    let kept = std::fs::read(&pack).unwrap();
    // From the cache: the same page, and the pack untouched.
    assert_eq!(page_after(&s, || ()), first);
    assert_eq!(std::fs::read(&pack).unwrap(), kept);
    // An edited block, another theme pair: each page is the one a build
    // without a cache makes.
    let edited = code.replace("let x = 1;", "let y = \"two\";");
    s.write(
        "content/briefings/a.md",
        &briefing("A", "2025-06-09", "", &edited),
    );
    let cached = page_after(&s, || ());
    assert!(cached.contains("two"), "{cached}");
    assert_eq!(cached, fresh(&s));
    s.write(
        "site.toml",
        &format!(
            "{SITE_TOML}[highlight]\nlight = \"Solarized (light)\"\ndark = \"Solarized (dark)\"\n"
        ),
    );
    let solarized = page_after(&s, || ());
    assert_ne!(
        solarized, cached,
        "the classes name the new themes' colours"
    );
    assert_eq!(solarized, fresh(&s));
    // A damaged pack is no pack: every byte of the blocks overwritten.
    let mut bytes = std::fs::read(&pack).unwrap();
    let end = bytes.len() - 24 - 36 * 2;
    bytes[16..end].fill(b'x');
    let damaged = page_after(&s, || std::fs::write(&pack, &bytes).unwrap());
    assert_eq!(damaged, solarized);
}

#[test]
fn check_reports_code_problems_without_highlighting_or_writing() {
    let s = site(&[(
        "content/briefings/a.md",
        &briefing(
            "A",
            "2025-06-09",
            "",
            "```rust\nfn main() {}\n```\n\n```pyhton\nx = 1\n```\n",
        ),
    )]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:9:1: warning: unknown language `pyhton` in code block; shown without highlighting (help: did you mean `python`?)"
        ]
    );
    assert!(!s.path(".brief-cache").exists(), "check writes nothing");
}

#[test]
fn reading_time_from_word_count() {
    let (html, _) = render(&"word ".repeat(461));
    assert!(html.contains("3 min read"), "461 words at 230 a minute");
    let (html, _) = render("Short.\n");
    assert!(html.contains("1 min read"));
}
