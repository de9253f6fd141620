//! One fixture per diagnostic, each asserting the exact one-line form
//! `path:line:col: severity: message (help: …)`.

use std::path::Path;

use crate::support::*;

const A: &str = "content/briefings/a.md";

/// The diagnostics of `brief check` on a site with this one file.
fn check(path: &str, text: &str) -> Vec<String> {
    site(&[(path, text)]).diags()
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let d = check(
        A,
        r#"
        +++
        titel = "A"
        date = 2025-06-09
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:2:1: error: unknown key `titel` in front matter (help: did you mean `title`?)"
        ]
    );
}

#[test]
fn every_unknown_key_is_reported() {
    let d = check(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-09
        tgas = ["x"]
        sumary = "s"
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:1: error: unknown key `tgas` in front matter (help: did you mean `tags`?)",
            "content/briefings/a.md:5:1: error: unknown key `sumary` in front matter (help: did you mean `summary`?)",
        ]
    );
}

#[test]
fn rendered_diagnostic_has_a_code_frame() {
    let s = site(&[(A, "+++\ntitel = \"A\"\ndate = 2025-06-09\n+++\n")]);
    let report = s.check();
    let shown = report.diagnostics[0].render(Path::new(""), false);
    assert_eq!(
        shown,
        "content/briefings/a.md:2:1: error: unknown key `titel` in front matter\n  |\n2 | titel = \"A\"\n  | ^^^^^\n  |\n  = help: did you mean `title`?\n"
    );
}

#[test]
fn missing_title() {
    let d = check(A, "+++\ndate = 2025-06-09\n+++\nBody.\n");
    assert_eq!(
        d,
        [
            "content/briefings/a.md:1:1: error: missing required key `title` (help: add `title = \"…\"` to the front matter)"
        ]
    );
}

#[test]
fn missing_date() {
    let d = check(A, "+++\ntitle = \"A\"\n+++\nBody.\n");
    assert_eq!(
        d,
        [
            "content/briefings/a.md:1:1: error: missing required key `date` (help: add `date = 2025-06-09` to the front matter)"
        ]
    );
}

#[test]
fn quoted_date_is_a_type_error_with_a_fix() {
    let d = check(A, "+++\ntitle = \"A\"\ndate = \"2025-06-09\"\n+++\n");
    assert_eq!(
        d,
        [
            "content/briefings/a.md:3:8: error: invalid value in front matter: invalid type: string \"2025-06-09\", expected a TOML datetime (help: write dates unquoted, as `2025-06-09` or `2025-06-09T14:30:00+01:00`)"
        ]
    );
}

#[test]
fn datetime_without_offset() {
    let d = check(A, "+++\ntitle = \"A\"\ndate = 2025-06-09T10:00:00\n+++\n");
    assert_eq!(
        d,
        [
            "content/briefings/a.md:3:8: error: invalid date: a date-time without a UTC offset (help: add an offset, e.g. `2025-06-09T14:30:00Z` or `2025-06-09T14:30:00+01:00`, or give only the day)"
        ]
    );
}

#[test]
fn invalid_toml_syntax() {
    let d = check(A, "+++\ntitle = \"A\ndate = 2025-06-09\n+++\n");
    assert_eq!(
        d,
        [
            "content/briefings/a.md:2:11: error: invalid TOML in front matter: invalid basic string, expected `\"`"
        ]
    );
}

#[test]
fn unterminated_front_matter() {
    let d = check(A, "+++\ntitle = \"A\"\ndate = 2025-06-09\n\nBody.\n");
    assert_eq!(
        d,
        [
            "content/briefings/a.md:1:1: error: front matter is never closed (help: add a line with only `+++` after the front matter)"
        ]
    );
}

const EXAMPLE: &str = "start the file with front matter between `+++` lines, e.g.\n+++\ntitle = \"…\"\ndate = 2025-06-09\n+++";

#[test]
fn empty_file() {
    assert_eq!(
        check(A, ""),
        [format!(
            "content/briefings/a.md:1:1: error: empty file (help: {EXAMPLE})"
        )]
    );
    assert_eq!(
        check(A, "\n  \n"),
        [format!(
            "content/briefings/a.md:1:1: error: empty file (help: {EXAMPLE})"
        )]
    );
}

#[test]
fn missing_front_matter() {
    let d = check(A, "# A title\n\nBody.\n");
    assert_eq!(
        d,
        [format!(
            "content/briefings/a.md:1:1: error: missing front matter (help: {EXAMPLE})"
        )]
    );
}

#[test]
fn invalid_utf8_gives_its_position() {
    let s = site(&[]);
    s.write_bytes(A, b"+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nab\xffc\n");
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:5:3: error: invalid UTF-8 (byte 40 of the file) (help: save the file as UTF-8)"
        ]
    );
}

#[test]
fn slug_that_would_leave_its_folder() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\nslug = \"../x\"\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:8: error: slug `../x` would write outside its folder in the output (help: write it as `x`)"
        ]
    );
}

#[test]
fn slug_that_is_not_a_url_segment() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\nslug = \"Big News\"\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:8: error: slug `Big News` is not a valid URL segment (help: write it as `big-news`)"
        ]
    );
}

#[test]
fn duplicate_slugs_name_both_files() {
    let s = site(&[
        (
            "content/briefings/a.md",
            "+++\ntitle = \"A\"\ndate = 2025-06-09\nslug = \"same\"\n+++\n",
        ),
        (
            "content/briefings/b.md",
            "+++\ntitle = \"B\"\ndate = 2025-06-10\nslug = \"same\"\n+++\n",
        ),
    ]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/b.md:4:8: error: output path `/briefings/same/` is also used by content/briefings/a.md (help: give one of them a different `slug` in its front matter)"
        ]
    );
}

#[test]
fn duplicate_default_slugs_point_at_the_file() {
    let s = site(&[
        (
            "content/briefings/2025-06-09-same.md",
            &briefing("A", "2025-06-09", "", ""),
        ),
        (
            "content/briefings/same.md",
            &briefing("B", "2025-06-10", "", ""),
        ),
    ]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/same.md:1:1: error: output path `/briefings/same/` is also used by content/briefings/2025-06-09-same.md (help: give one of them a different `slug` in its front matter)"
        ]
    );
}

#[test]
fn page_slug_reserved_by_the_site() {
    let d = check(
        "content/pages/p.md",
        "+++\ntitle = \"P\"\nslug = \"tags\"\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/pages/p.md:3:8: error: page slug `tags` is reserved for the site's own `/tags/` (help: choose another `slug` for this page)"
        ]
    );
}

#[test]
fn empty_tag() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\ntags = [\"x\", \" \"]\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:14: error: empty tag (help: tags need at least one letter or digit)"
        ]
    );
}

#[test]
fn duplicate_tag_is_a_warning() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\ntags = [\"Talks\", \"talks\"]\n+++\n",
    );
    assert_eq!(
        d,
        ["content/briefings/a.md:4:18: warning: tag `talks` is listed twice"]
    );
}

#[test]
fn javascript_link_is_an_error_at_the_link() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nFirst line.\nSee [this](javascript:alert(1)).\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:6:5: error: link to a `javascript:` URL (help: link to an `https:` URL, a `mailto:` address or a path in the site)"
        ]
    );
}

#[test]
fn undefined_footnote() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nA claim.[^nope]\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:5:9: error: footnote `nope` is never defined (help: add a definition: `[^nope]: …` on its own line)"
        ]
    );
}

#[test]

fn unused_footnote_is_a_warning_at_its_definition() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nText.\n\n[^unused]: Never cited.\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:7:1: warning: footnote `unused` is defined but never referenced (help: cite it with `[^unused]` or remove it)"
        ]
    );
}

#[test]
fn unused_footnote_is_a_warning() {
    // Guards the message until the position is fixed (see the test above).
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nText.\n\n[^unused]: Never cited.\n",
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("content/briefings/a.md"), "{d:?}");
    assert!(d[0].ends_with("warning: footnote `unused` is defined but never referenced (help: cite it with `[^unused]` or remove it)"));
}

#[test]
fn image_without_alt_text() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\n+++\nA chart:\n\n![](chart.png)\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:7:1: warning: image without alt text (help: describe the image for readers who cannot see it: `![what it shows](…)`)"
        ]
    );
}

#[test]
fn unknown_key_in_a_deal_point() {
    let d = check(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is-not"
        text = "A treaty."
        cites = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:9:1: error: unknown key `cites` in a `[[deal]]` table (help: did you mean `cite`?)"
        ]
    );
}

#[test]
fn deal_point_with_an_unknown_kind() {
    let d = check(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "not-a-treaty"
        kind = "is_not"
        text = "A treaty."
        cite = ["src"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:7:8: error: unknown deal point kind `is_not` (help: did you mean `is-not`?)"
        ]
    );
}

#[test]

fn briefing_with_an_error_still_counts_as_citing() {
    let s = site(&[
        (
            "content/sources.toml",
            "[src]\ntitle = \"T\"\npublisher = \"P\"\n",
        ),
        (
            A,
            r#"
            +++
            title = "A"
            date = 2025-06-09

            [[deal]]
            id = "not-a-treaty"
            kind = "is_not"
            text = "A treaty."
            cite = ["src"]
            +++
            Body [@src].
            "#,
        ),
    ]);
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:7:8: error: unknown deal point kind `is_not` (help: did you mean `is-not`?)"
        ]
    );
}

#[test]
fn site_toml_unknown_key() {
    let d = check(
        "site.toml",
        "titel = \"T\"\nbase_url = \"https://example.org/\"\n",
    );
    assert_eq!(
        d,
        ["site.toml:1:1: error: unknown key `titel` in site.toml (help: did you mean `title`?)"]
    );
}

#[test]
fn site_toml_key_written_short_suggests_the_whole_key() {
    let d = check(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\npaginate = 5\n",
    );
    assert_eq!(
        d,
        [
            "site.toml:3:1: error: unknown key `paginate` in site.toml (help: did you mean `paginate_by`?)"
        ]
    );
}

/// TOML gives every key after a table header to that table: a front-matter
/// key written below a `[[deal]]`, or a site.toml key below `[highlight]`,
/// is unknown there, and the fix is to move it, not to spell it.
#[test]
fn a_top_level_key_written_below_a_table_says_to_move_it() {
    let d = check(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-09

        [[deal]]
        id = "truce"
        kind = "is"
        text = "A truce."
        cite = ["x"]
        tags = ["geneva"]
        tgas = ["typo"]
        +++
        "#,
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:10:1: error: unknown key `tags` in a `[[deal]]` table (help: `tags` belongs to the front matter, but TOML puts every key after a `[[deal]]` line in that table: move it above the first line that starts with `[`)",
            "content/briefings/a.md:11:1: error: unknown key `tgas` in a `[[deal]]` table (help: did you mean `tags`? `tags` belongs to the front matter, but TOML puts every key after a `[[deal]]` line in that table: move it above the first line that starts with `[`)",
        ]
    );
    let d = check(
        "site.toml",
        "base_url = \"https://example.org/\"\n[highlight]\nlight = \"InspiredGitHub\"\ntitle = \"T\"\n",
    );
    assert_eq!(
        d,
        [
            "site.toml:4:1: error: unknown key `title` in a `[highlight]` table (help: `title` belongs to the site.toml, but TOML puts every key after a `[highlight]` line in that table: move it above the first line that starts with `[`)"
        ]
    );
}

#[test]
fn site_toml_bad_base_url() {
    let d = check("site.toml", "title = \"T\"\nbase_url = \"example.org\"\n");
    assert_eq!(
        d,
        [
            "site.toml:2:12: error: invalid `base_url`: must start with `https://` or `http://` (help: write it as `https://example.org/` or `https://example.org/sub/path/`)"
        ]
    );
}

#[test]
fn unknown_highlight_theme() {
    let d = check(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[highlight]\nlight = \"InspiredGithub\"\n",
    );
    assert_eq!(
        d,
        [
            "site.toml:4:9: error: unknown highlighting theme `InspiredGithub` (help: did you mean `InspiredGitHub`?)"
        ]
    );
}

#[test]
fn errors_in_many_files_are_all_reported_sorted_by_path() {
    let s = site(&[
        ("content/pages/z.md", "+++\nslug = \"z\"\n+++\n"),
        (
            "content/briefings/c.md",
            "+++\ntitle = \"C\"\ndate = \"2025-06-09\"\n+++\n",
        ),
        (
            "content/briefings/a.md",
            "+++\ntitel = \"A\"\ndate = 2025-06-09\n+++\n",
        ),
        (
            "content/briefings/b.md",
            "+++\ntitle = \"B\"\ndate = 2025-06-09\n+++\n[x](javascript:void(0))\n",
        ),
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\npaginate_by = 0\n",
        ),
    ]);
    let locations: Vec<String> = s
        .check()
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d.location(),
                if d.is_error() { "error" } else { "warning" }
            )
        })
        .collect();
    assert_eq!(
        locations,
        [
            "content/briefings/a.md:2:1: error",
            "content/briefings/b.md:5:1: error",
            "content/briefings/c.md:3:8: error",
            "content/pages/z.md:1:1: error",
            "site.toml:3:15: error",
        ]
    );
}

#[test]
fn crlf_front_matter_positions() {
    let s = site(&[]);
    s.write_bytes(
        A,
        "\u{feff}+++\r\ntitle = \"A\"\r\ndate = \"2025-06-09\"\r\n+++\r\n".as_bytes(),
    );
    let d = s.diags();
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("content/briefings/a.md:3:8: error: invalid value in front matter"),
        "{d:?}"
    );
}

#[test]
fn crlf_body_positions() {
    let s = site(&[]);
    s.write_bytes(A, b"+++\r\ntitle = \"A\"\r\ndate = 2025-06-09\r\n+++\r\nLine one.\r\n\r\nAnd [x](javascript:x) here.\r\n");
    let d = s.diags();
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("content/briefings/a.md:7:5: error: link to a `javascript:` URL"),
        "{d:?}"
    );
}

#[test]

fn bom_is_not_a_column() {
    let s = site(&[]);
    s.write_bytes(A, "\u{feff}+++\r\ndate = 2025-06-09\r\n+++\r\n".as_bytes());
    assert_eq!(
        s.diags(),
        [
            "content/briefings/a.md:1:1: error: missing required key `title` (help: add `title = \"…\"` to the front matter)"
        ]
    );
}

#[test]
fn body_errors_count_front_matter_lines() {
    let d = check(
        A,
        r#"
        +++
        title = "A"
        date = 2025-06-09
        tags = ["x"]
        summary = "s"
        +++

        Para.

        More [^missing].
        "#,
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("content/briefings/a.md:10:6: error: footnote `missing` is never defined"),
        "{d:?}"
    );
}

#[test]
fn body_and_front_matter_errors_in_one_run() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\nslug = \"A B\"\n+++\n[x](javascript:x)\n",
    );
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[0].starts_with("content/briefings/a.md:4:8: error: slug `A B`"),
        "{d:?}"
    );
    assert!(
        d[1].starts_with("content/briefings/a.md:6:1: error: link to a `javascript:` URL"),
        "{d:?}"
    );
}

#[test]
fn updated_before_date() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\nupdated = 2025-06-01\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:11: error: `updated` is before `date` (help: an update comes after publication)"
        ]
    );
}

#[test]
fn impossible_calendar_date() {
    let d = check(A, "+++\ntitle = \"A\"\ndate = 2025-02-30\n+++\n");
    assert_eq!(
        d,
        [
            "content/briefings/a.md:3:8: error: invalid TOML in front matter: invalid date, expected day between 01 and 28"
        ]
    );
}

#[test]
fn tags_must_be_a_list() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\ntags = \"x\"\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:8: error: invalid value in front matter: invalid type: string \"x\", expected a sequence (help: write a list, e.g. `[\"a\", \"b\"]`)"
        ]
    );
}

#[test]
fn blank_title() {
    let d = check(A, "+++\ntitle = \"  \"\ndate = 2025-06-09\n+++\n");
    assert_eq!(
        d,
        ["content/briefings/a.md:2:9: error: `title` must not be empty"]
    );
}

#[test]
fn two_tags_with_one_url_in_a_briefing_are_an_error() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\ntags = [\"C++\", \"C#\"]\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:16: error: tags `C++` and `C#` would share one page, /tags/c/ (help: spell them the same if they are one tag, or rename one (tag URLs keep only letters and digits))"
        ]
    );
}

#[test]
fn two_tags_with_one_url_in_two_briefings_are_an_error_naming_both() {
    let s = site(&[
        (
            "content/briefings/2025-06-01-a.md",
            "+++\ntitle = \"A\"\ndate = 2025-06-01\ntags = [\"C++\"]\n+++\n",
        ),
        (
            "content/briefings/2025-06-02-b.md",
            "+++\ntitle = \"B\"\ndate = 2025-06-02\ntags = [\"x\", \"C#\"]\n+++\n",
        ),
    ]);
    // Site order is newest first: b names the page first.
    assert_eq!(
        s.diags(),
        [
            "content/briefings/2025-06-01-a.md:4:9: error: tags `C#` and `C++` would share one page, /tags/c/ (`C#` is in content/briefings/2025-06-02-b.md:4:14) (help: spell them the same if they are one tag, or rename one (tag URLs keep only letters and digits))"
        ]
    );
    let run = s.brief(&["build"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
}

#[test]
fn an_emoji_only_tag_is_an_error_with_help() {
    let d = check(
        A,
        "+++\ntitle = \"A\"\ndate = 2025-06-09\ntags = [\"🎉\"]\n+++\n",
    );
    assert_eq!(
        d,
        [
            "content/briefings/a.md:4:9: error: tag `🎉` has no letters or digits to make its URL from (help: add a word to it, e.g. `celebration 🎉`, or remove it)"
        ]
    );
}

#[test]
fn a_long_tag_gets_a_slug_a_file_system_takes() {
    let long = "rare earth ".repeat(30);
    let s = site(&[(
        "content/briefings/2025-06-01-a.md",
        &briefing(
            "A",
            "2025-06-01",
            &format!("tags = [\"{long}\"]"),
            "Body.\n",
        ),
    )]);
    let built = s.build().ok();
    let slug = built
        .files()
        .into_iter()
        .find_map(|p| {
            p.strip_prefix("tags/")?
                .strip_suffix("/index.html")
                .map(str::to_string)
        })
        .unwrap();
    assert!(
        slug.len() <= 80 && slug.starts_with("rare-earth-"),
        "{slug}"
    );
    assert!(!slug.ends_with('-'));
}

#[test]
fn a_slug_longer_than_a_file_name_is_an_error_at_it_and_nothing_is_written() {
    let long = "word-".repeat(60) + "end";
    let s = site(&[(
        "content/briefings/2025-06-01-a.md",
        &briefing("A", "2025-06-01", &format!("slug = \"{long}\""), "Body.\n"),
    )]);
    assert_eq!(
        s.diags(),
        [format!(
            "content/briefings/2025-06-01-a.md:4:8: error: slug is 303 bytes long, more than a file name may be (255) (help: shorten it, e.g. to `{}`)",
            "word-".repeat(16).trim_end_matches('-')
        )]
    );
    let run = s.brief(&["build"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(!s.path("public").exists(), "a failed build wrote public/");
    // 255 bytes is a name the file system takes.
    let fits = "a".repeat(255);
    let s = site(&[(
        "content/briefings/2025-06-01-a.md",
        &briefing("A", "2025-06-01", &format!("slug = \"{fits}\""), "Body.\n"),
    )]);
    assert!(
        s.build()
            .ok()
            .files()
            .contains(&format!("briefings/{fits}/index.html"))
    );
}

#[test]
fn names_that_differ_only_by_unicode_normalisation_collide() {
    // `café` as one character (NFC, most editors) and as `e` plus a
    // combining accent (NFD, macOS file names).
    let s = site(&[
        (
            "content/briefings/caf\u{e9}.md",
            "+++\ntitle = \"A\"\ndate = 2025-06-01\n+++\n",
        ),
        (
            "content/briefings/cafe\u{301}.md",
            "+++\ntitle = \"B\"\ndate = 2025-06-02\n+++\n",
        ),
    ]);
    let d = s.diags();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].contains("caf\u{e9}.md") && d[0].contains("cafe\u{301}.md"),
        "names both files: {d:#?}"
    );
    assert!(d[0].contains("error"), "{d:#?}");
}

#[test]
fn five_thousand_tags_on_one_line_check_quickly() {
    let tags: Vec<String> = (0..5_000).map(|i| format!("\"tag {i} é\"")).collect();
    let s = site(&[(
        "content/briefings/2025-06-01-a.md",
        &briefing(
            "A",
            "2025-06-01",
            &format!("tags = [{}, \"C#\", \"C++\"]", tags.join(", ")),
            "Body.\n",
        ),
    )]);
    let start = std::time::Instant::now();
    let d = s.diags();
    // Columns are counted in characters: `é` is one.
    let col = 9 + tags.iter().map(|t| t.chars().count() + 2).sum::<usize>() + 6;
    assert_eq!(
        d,
        [format!(
            "content/briefings/2025-06-01-a.md:4:{col}: error: tags `C#` and `C++` would share one page, /tags/c/ (help: spell them the same if they are one tag, or rename one (tag URLs keep only letters and digits))"
        )]
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn the_binary_reports_round_two_problems_at_once_from_inside_the_site() {
    let s = site(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"HTTPS://EXAMPLE.ORG/\"\npaginate = 5\n",
        ),
        ("content/briefings/empty.md", ""),
        (
            "content/briefings/2025-06-01-a.md",
            "+++\ntitle = \"A\"\ndate = 2025-06-01\ntags = [\"C++\", \"C#\", \"🎉\"]\n+++\nBody.\n",
        ),
    ]);
    let run = brief_in(s.root(), &["check"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let firsts: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(
        firsts,
        [
            "content/briefings/2025-06-01-a.md:4:16: error: tags `C++` and `C#` would share one page, /tags/c/",
            "content/briefings/2025-06-01-a.md:4:22: error: tag `🎉` has no letters or digits to make its URL from",
            "content/briefings/empty.md:1:1: error: empty file",
            "site.toml:3:1: error: unknown key `paginate` in site.toml",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: did you mean `paginate_by`?"));
}

#[test]
fn a_template_error_is_reported_once_naming_the_first_page_and_the_rest() {
    let s = site(&[
        (
            "content/briefings/2025-06-01-a.md",
            &briefing("A", "2025-06-01", "", "A.\n"),
        ),
        (
            "content/briefings/2025-06-02-b.md",
            &briefing("B", "2025-06-02", "", "B.\n"),
        ),
        (
            "content/briefings/2025-06-03-c.md",
            &briefing("C", "2025-06-03", "", "C.\n"),
        ),
    ]);
    let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for (rel, bytes) in tree(&theme) {
        s.write_bytes(&format!("themes/default/{rel}"), &bytes);
    }
    s.write(
        "themes/default/templates/briefing.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nope.x }}{% endblock content %}",
    );
    let built = s.build();
    let errors: Vec<String> = built
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("themes/default/templates/briefing.html: error: ")
            && errors[0].ends_with("(while rendering /briefings/a/, and 2 more outputs)"),
        "{errors:#?}"
    );
}
