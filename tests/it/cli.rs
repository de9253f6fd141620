//! The `brief` binary: commands, messages and exit codes (0, 1, 2).

use crate::support::*;

#[test]
fn check_passes_a_good_site_and_prints_a_summary() {
    let s = sample_site("https://example.org/");
    let run = s.brief(&["check"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    // "1 page" or "1 pages": the plural is a known bug (see below).
    assert!(
        run.stdout.starts_with("checked 5 briefings and 1 page"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(": 0 errors, 0 warnings\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
    assert!(!s.path("public").exists(), "check writes nothing");
}

#[test]

fn check_summary_counts_in_the_singular() {
    let s = site(&[
        (
            "content/briefings/a.md",
            &briefing("A", "2025-06-09", "", "x\n"),
        ),
        ("content/pages/p.md", &md("title = \"P\"", "x\n")),
    ]);
    let run = s.brief(&["check"]);
    assert_eq!(
        run.stdout,
        "checked 1 briefing and 1 page: 0 errors, 0 warnings\n"
    );
}

#[test]
fn check_fails_with_errors_and_shows_frames() {
    let s = site(&[(
        "content/briefings/a.md",
        "+++\ntitel = \"A\"\ndate = 2025-06-09\n+++\n",
    )]);
    let run = s.brief(&["check"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let root = s.root().display();
    assert_eq!(
        run.stderr,
        format!(
            "{root}/content/briefings/a.md:2:1: error: unknown key `titel` in front matter\n  |\n2 | titel = \"A\"\n  | ^^^^^\n  |\n  = help: did you mean `title`?\ncheck failed: 1 error, 0 warnings\n"
        )
    );
}

#[test]
fn check_strict_fails_on_a_warning() {
    let s = site(&[(
        "content/briefings/a.md",
        &briefing("A", "2025-06-09", "tags = [\"x\", \"x\"]", "x\n"),
    )]);
    let run = s.brief(&["check"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stderr.contains("warning: tag `x` is listed twice"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.ends_with(": 0 errors, 1 warning\n"),
        "{}",
        run.stdout
    );
    let run = s.brief(&["check", "--strict"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr.ends_with("check failed: 0 errors, 1 warning\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn build_prints_what_it_built() {
    let s = sample_site("https://example.org/");
    let run = s.brief(&["build"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stdout.starts_with("built 5 briefings and 1 page"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!(" files) into {}/public in ", s.root().display())),
        "{}",
        run.stdout
    );
    assert!(s.path("public/index.html").is_file());
}

#[test]
fn build_with_drafts_and_future_flags() {
    let s = site(&[
        (
            "content/briefings/d.md",
            &briefing("Draft", "2025-06-09", "draft = true", "x\n"),
        ),
        (
            "content/briefings/f.md",
            &briefing("Future", "2999-01-01", "", "x\n"),
        ),
    ]);
    assert_eq!(s.brief(&["build"]).code, Some(0));
    assert!(
        !s.path("public/briefings/d/index.html").exists()
            && !s.path("public/briefings/f/index.html").exists()
    );
    let run = s.brief(&["build", "--drafts", "--future"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        s.path("public/briefings/d/index.html").is_file()
            && s.path("public/briefings/f/index.html").is_file()
    );
}

#[test]
fn new_scaffolds_a_briefing_whose_front_matter_parses() {
    let s = site(&[]);
    let run = s.brief(&[
        "new",
        "Hello, World",
        "--tags",
        "a,b",
        "--date",
        "2025-06-09",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let path = s.path("content/briefings/2025-06-09-hello-world.md");
    assert_eq!(run.stdout, format!("created {}\n", path.display()));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("+++\ntitle = \"Hello, World\"\ndate = 2025-06-09\n"),
        "{text}"
    );
    assert!(
        text.contains("tags = [\"a\", \"b\"]\n") && text.contains("draft = true\n"),
        "{text}"
    );
    let fence = text
        .lines()
        .skip(1)
        .position(|l| l == "+++")
        .expect("closing fence")
        + 2;
    let front_matter_problems: Vec<String> = s
        .check()
        .diagnostics
        .iter()
        .filter(|d| d.line <= fence)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(front_matter_problems, Vec::<String>::new());
}

#[test]

fn new_scaffolds_a_briefing_that_checks() {
    let s = site(&[]);
    let run = s.brief(&[
        "new",
        "Hello, World",
        "--tags",
        "a,b",
        "--date",
        "2025-06-09",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let check = s.brief(&["check"]);
    assert_eq!(check.code, Some(0), "{check:#?}");
    assert_eq!(check.stderr, "");
}

#[test]
fn new_never_overwrites() {
    let s = site(&[]);
    let args = ["new", "Hello, World", "--date", "2025-06-09"];
    assert_eq!(s.brief(&args).code, Some(0));
    let path = s.path("content/briefings/2025-06-09-hello-world.md");
    std::fs::write(&path, "edited by hand\n").unwrap();
    let run = s.brief(&args);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        format!(
            "error: {} already exists; not overwriting it\n",
            path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited by hand\n");
}

#[test]
fn new_rejects_a_bad_date_and_an_empty_title() {
    let s = site(&[]);
    let run = s.brief(&["new", "T", "--date", "9 June"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.starts_with("error: invalid --date `9 June`: "),
        "{}",
        run.stderr
    );
    let run = s.brief(&["new", "?!"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: the title `?!` has no letters or digits to make a file name from\n"
    );
    assert!(!s.path("content").exists());
}

#[test]
fn commands_outside_a_site_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    for command in ["build", "check"] {
        let run = brief(&[command, "--root", root]);
        assert_eq!(run.code, Some(2), "{run:#?}");
        assert_eq!(
            run.stderr,
            format!(
                "error: {root} is not a brief site: it has no site.toml\n  = help: run `brief init {root}` to start one there, or pass --root with the site folder\n"
            )
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let run = brief(&["build", "--no-such-flag"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
}

#[test]
fn repository_publication_passes_check() {
    let run = brief(&["check", "--root", env!("CARGO_MANIFEST_DIR")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}
