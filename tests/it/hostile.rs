//! Hostile input: brief must not panic, hang, overflow its stack, emit
//! script, or write outside its output folder.

use std::time::{Duration, Instant};

use crate::support::*;

/// Files of the temporary folder outside the site's `public/`: what a
/// build must leave alone.
fn inputs(s: &TempSite) -> Vec<String> {
    tree(s.outer())
        .into_keys()
        .filter(|p| !p.starts_with("site/public/"))
        .collect()
}

#[test]
fn ten_megabyte_briefing_builds() {
    let paragraph = "The quick brown fox reports on *rare earths* and `code`, with a [link](https://example.com/).\n\n";
    let body = paragraph.repeat(10_000_000 / paragraph.len() + 1);
    let s = site(&[(
        "content/briefings/big.md",
        &briefing("Big", "2025-06-09", "", &body),
    )]);
    let start = Instant::now();
    let built = s.build().ok();
    // A hang guard, not a performance target.
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
    let html = built.read("briefings/big/index.html");
    assert!(html.len() > 10_000_000);
    assert_eq!(
        html.matches("<em>rare earths</em>").count(),
        body.matches("*rare earths*").count()
    );
}

/// Builds one briefing through the binary, so a stack overflow shows as a
/// crash (no exit code) instead of taking the test binary down.
fn build_body_in_a_process(body: &str) -> Run {
    let s = site(&[(
        "content/briefings/deep.md",
        &briefing("Deep", "2025-06-09", "", body),
    )]);
    let run = s.brief(&["build"]);
    let written = inputs(&s);
    assert_eq!(
        written,
        ["site/content/briefings/deep.md", "site/site.toml"],
        "wrote outside public/"
    );
    run
}

/// Exit code 0 (built) or 1 (a diagnostic) are both fine; a signal or
/// any other code is a crash.
#[track_caller]
fn assert_no_crash(run: &Run) {
    assert!(
        matches!(run.code, Some(0 | 1)),
        "crashed: {:?}\n{}",
        run.code,
        run.stderr
    );
}

#[test]
fn deeply_nested_block_quotes_do_not_overflow() {
    let run = build_body_in_a_process(&format!("{} deep\n", ">".repeat(50_000)));
    assert_no_crash(&run);
}

#[test]
fn deeply_nested_brackets_do_not_overflow() {
    let run = build_body_in_a_process(&format!("{}x{}\n", "[".repeat(50_000), "](u)".repeat(100)));
    assert_no_crash(&run);
}

#[test]
fn deeply_nested_emphasis_does_not_overflow() {
    let run = build_body_in_a_process(&format!("{}x{}\n", "*".repeat(50_000), "*".repeat(50_000)));
    assert_no_crash(&run);
    let run = build_body_in_a_process(&format!(
        "{}x{}\n",
        "[*".repeat(25_000),
        "*](u)".repeat(25_000)
    ));
    assert_no_crash(&run);
}

#[test]
fn deeply_nested_lists_do_not_overflow() {
    let body: String = (0..5_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let run = build_body_in_a_process(&body);
    assert_no_crash(&run);
}

#[test]
fn front_matter_strings_are_escaped_in_html_and_feeds() {
    let evil = r#"<script>alert("x")</script> & ]]> 'q'"#;
    let front = format!(
        "title = {evil:?}\ndate = 2025-06-09\nsummary = {evil:?}\ntags = [{evil:?}, \"<script>\"]"
    );
    let s = site(&[
        (
            "site.toml",
            &format!(
                "title = {evil:?}\ndescription = {evil:?}\nbase_url = \"https://example.org/\"\n"
            ),
        ),
        ("content/briefings/a.md", &md(&front, "Body.\n")),
        (
            "content/pages/p.md",
            &md(&format!("title = {evil:?}\nsummary = {evil:?}"), "Page.\n"),
        ),
    ]);
    let built = s.build().ok();
    for (path, bytes) in tree(&built.out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<script>"), "raw <script> in {path}");
        assert!(!text.contains("</script> &"), "raw title in {path}");
        if path.ends_with(".xml") {
            check_xml(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
    let atom = built.read("atom.xml");
    assert_eq!(
        xml_texts(&atom, "title")[1],
        "<script>alert(“x”)</script> & ]]> ‘q’",
        "the title survives escaping intact, with only its quotes made curly"
    );
    assert!(main_of(&built.read("briefings/a/index.html")).contains("&lt;script&gt;"));
}

#[cfg(unix)]
#[test]
fn symlink_outside_the_site_is_not_followed() {
    let s = site(&[(
        "content/briefings/ok.md",
        &briefing("OK", "2025-06-09", "", "Fine.\n"),
    )]);
    let secret = s.outer().join("secret.md");
    std::fs::write(
        &secret,
        briefing("Secret", "2025-06-09", "", "Outside the site.\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, s.path("content/briefings/link.md")).unwrap();
    let elsewhere = s.outer().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("secret.md"), "Outside the site.\n").unwrap();
    std::fs::create_dir_all(s.path("static")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, s.path("static/outer")).unwrap();
    let built = s.build().ok();
    assert_eq!(
        built.diags(),
        [
            "content/briefings/link.md: warning: symlink leads outside the site; not followed (help: copy the file into the site instead)",
            "static/outer: warning: symlink leads outside the site; not followed (help: copy the file into the site instead)",
        ]
    );
    assert!(!built.exists("briefings/link/index.html") && !built.exists("outer/secret.md"));
    let everything: String = built.files().iter().map(|f| built.read(f)).collect();
    assert!(!everything.contains("Outside the site."));
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_site_is_followed() {
    let s = site(&[(
        "drafts/shared.md",
        &briefing("Shared", "2025-06-09", "", "Inside.\n"),
    )]);
    std::fs::create_dir_all(s.path("content/briefings")).unwrap();
    std::os::unix::fs::symlink(
        s.path("drafts/shared.md"),
        s.path("content/briefings/shared.md"),
    )
    .unwrap();
    let built = s.build().ok();
    assert!(
        built
            .read("briefings/shared/index.html")
            .contains("Inside.")
    );
}

#[test]
fn odd_file_names_stay_inside_the_output() {
    let s = site(&[
        (
            "content/briefings/..md",
            &briefing("Dots", "2025-06-09", "", "Dots.\n"),
        ),
        (
            "content/briefings/...md",
            &briefing("More dots", "2025-06-09", "", "More.\n"),
        ),
        (
            "content/briefings/ok.md",
            &briefing("OK", "2025-06-09", "", "Fine.\n"),
        ),
    ]);
    let built = s.build().ok();
    assert!(
        built.files().iter().all(|f| !f.contains("..")),
        "{:#?}",
        built.files()
    );
    assert_eq!(inputs(&s).len(), 4, "{:#?}", inputs(&s));
}

#[test]
fn file_name_without_slug_characters_is_an_error() {
    let s = site(&[(
        "content/briefings/2025-06-09-!!!.md",
        &briefing("A", "2025-06-09", "", "x\n"),
    )]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/2025-06-09-!!!.md: error: file name gives an empty slug (help: rename the file, or set `slug = \"…\"` in the front matter)"
        ]
    );
}

#[test]
fn script_links_are_errors_and_never_emitted() {
    let body = "[a](javascript:alert(1)) [b](<JaVaScRiPt:alert(1)>) [c]( \tjavascript:x) [d](vbscript:x) [e](data:text/html,x)\n";
    let s = site(&[(
        "content/briefings/a.md",
        &briefing("A", "2025-06-09", "", body),
    )]);
    let built = s.build();
    let d = built.diags();
    assert_eq!(d.len(), 5, "{d:#?}");
    assert!(d.iter().all(|d| d.contains("error: link to a `")), "{d:#?}");
    assert!(!s.path("public").exists(), "nothing is written");
}

#[test]
fn script_in_a_data_image_is_not_allowed_but_plain_images_are() {
    let body = "![chart](data:image/png;base64,AAAA) ![x](data:text/html;base64,PHNjcmlwdD4=)\n";
    let s = site(&[(
        "content/briefings/a.md",
        &briefing("A", "2025-06-09", "", body),
    )]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:5:38: error: image to a `data:` URL (help: link to an `https:` URL, a `mailto:` address or a path in the site)"
        ]
    );
}

/// Runs `brief <command>` as a user file permissions apply to, with
/// `rel` in the site made unreadable for the run.
fn with_unreadable(s: &TempSite, rel: &str, args: &[&str]) -> Run {
    hand_to_unprivileged(s.outer());
    let chmod = |mode: &str| {
        let ok = std::process::Command::new("chmod")
            .arg(mode)
            .arg(s.path(rel))
            .status()
            .unwrap()
            .success();
        assert!(ok, "chmod {mode} {rel}");
    };
    chmod("000");
    let run = brief_unprivileged(s.root(), args);
    chmod("755");
    run
}

#[test]
fn an_unreadable_folder_is_an_error_in_build_and_check() {
    for (rel, command) in [
        ("content/briefings", "build"),
        ("content/briefings", "check"),
        ("content/pages", "build"),
        ("static", "build"),
        ("themes/default/static", "build"),
    ] {
        let s = sample_site("https://example.org/");
        s.write("themes/default/static/extra.css", "p { color: red }\n");
        let run = with_unreadable(&s, rel, &[command]);
        assert_eq!(run.code, Some(1), "{rel} {command}: {run:#?}");
        let first = run.stderr.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("{rel}: error: cannot read: Permission denied (os error 13)"),
            "{rel} {command}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("help: make it readable"),
            "{}",
            run.stderr
        );
        assert!(
            !s.path("public").exists(),
            "{rel} {command}: site published"
        );
    }
}

#[test]
fn an_unreadable_static_file_is_reported_at_its_own_path() {
    let s = sample_site("https://example.org/");
    let run = with_unreadable(&s, "static/x.txt", &["build"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr.starts_with(
            "static/x.txt: error: cannot read static file: Permission denied (os error 13)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn an_io_error_prints_its_cause_once() {
    let s = sample_site("https://example.org/");
    // A file where `brief new` must create a folder.
    std::fs::remove_dir_all(s.path("content/briefings")).unwrap();
    s.write("content/briefings", "not a folder");
    let run = s.brief(&["new", "Talks resume", "--date", "2025-06-20"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stderr.matches("os error").count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
}
