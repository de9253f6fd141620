//! A build replaces its output whole or not at all, and never writes into
//! a folder whose loss would destroy the site.

use std::path::Path;

use brief::Error;

use crate::support::*;

/// Names in `dir` left by a build's staging: `.public.staging-*`, `.public.old-*`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect()
}

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let s = sample_site("https://example.org/");
    s.build().ok();
    let before = tree(&s.path("public"));
    assert!(before.contains_key("briefings/fifth/index.html"));

    s.write(
        "content/briefings/2025-06-10-fifth.md",
        "+++\ntitel = \"Broken\"\ndate = 2025-06-10\n+++\nNew body.\n",
    );
    s.write(
        "content/briefings/2025-06-12-sixth.md",
        &briefing("Sixth briefing", "2025-06-12", "", "Sixth.\n"),
    );
    let run = s.brief(&["build"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr
            .contains("content/briefings/2025-06-10-fifth.md:2:1: error: unknown key `titel`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("left as it was"), "{}", run.stderr);
    assert!(
        tree(&s.path("public")) == before,
        "public/ changed after a failed build"
    );
    assert_eq!(leftovers(s.root()), Vec::<String>::new());

    s.write(
        "content/briefings/2025-06-10-fifth.md",
        &briefing("Fifth, fixed", "2025-06-10", "", "New body.\n"),
    );
    let built = s.build().ok();
    assert!(
        built
            .read("briefings/fifth/index.html")
            .contains("New body.")
    );
    assert!(built.read("index.html").contains("Sixth briefing"));
    assert_eq!(leftovers(s.root()), Vec::<String>::new());
}

/// Copies the repository's default theme into the site, so a test can break it.
fn copy_default_theme(s: &TempSite) {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for (rel, bytes) in tree(&theme) {
        s.write_bytes(&format!("themes/default/{rel}"), &bytes);
    }
}

#[test]
fn render_error_leaves_previous_output_and_no_staging() {
    let s = sample_site("https://example.org/");
    copy_default_theme(&s);
    s.build().ok();
    let before = tree(&s.path("public"));

    // Parses, but fails while rendering: the staging folder exists by then.
    s.write(
        "themes/default/templates/briefing.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.no_such_field.x }}{% endblock content %}",
    );
    let built = s.build();
    assert!(built.report.errors() > 0, "{:#?}", built.diags());
    assert!(
        built
            .diags()
            .iter()
            .any(|d| d.starts_with("themes/default/templates/briefing.html")
                && d.contains("(while rendering /briefings/")),
        "names the template and the page: {:#?}",
        built.diags()
    );
    assert_eq!(built.report.outputs, 0);
    assert!(
        tree(&s.path("public")) == before,
        "public/ changed after a failed render"
    );
    assert_eq!(leftovers(s.root()), Vec::<String>::new());
}

#[test]
fn first_build_that_fails_creates_no_output() {
    let s = site(&[("content/briefings/a.md", "+++\ntitle = \"A\"\n+++\n")]);
    let built = s.build();
    assert_eq!(built.report.errors(), 1);
    assert!(!s.path("public").exists());
    assert_eq!(leftovers(s.root()), Vec::<String>::new());
}

#[test]
fn refuses_outputs_that_would_destroy_the_site() {
    let s = sample_site("https://example.org/");
    let before = tree(s.outer());
    let outputs = [
        s.root().to_path_buf(),
        s.path("content"),
        s.path("content/briefings"),
        s.path("static"),
        s.outer().to_path_buf(),
        s.path("public/.."),
        Path::new("/").to_path_buf(),
    ];
    for output in outputs {
        match brief::build(&s.options(), &output) {
            Err(Error::Usage(message)) => {
                assert!(
                    message.starts_with("refusing to write the site into"),
                    "{message}"
                )
            }
            other => panic!("{} was not refused: {other:?}", output.display()),
        }
    }
    assert!(
        tree(s.outer()) == before,
        "something was written or deleted"
    );
}

#[test]
fn refused_output_exits_2_from_the_command_line() {
    let s = sample_site("https://example.org/");
    let before = tree(s.outer());
    let root = s.root().to_str().unwrap();
    let run = s.brief(&["build", "--output", root]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr.trim(),
        format!(
            "error: refusing to write the site into {root}: it is the site root or contains it"
        )
    );
    assert!(tree(s.outer()) == before);
}

#[test]
fn output_elsewhere_is_fine() {
    let s = sample_site("https://example.org/");
    let out = s.outer().join("elsewhere/site-out");
    let report = brief::build(&s.options(), &out).unwrap();
    assert_eq!(report.errors(), 0, "{:#?}", lines(&report));
    assert!(out.join("index.html").is_file());
}

/// A folder of the writer's own, with a file and a git repository in it.
fn unrelated_folder(s: &TempSite) -> std::path::PathBuf {
    let dir = s.outer().join("notes");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join("todo.txt"), "call the ministry\n").unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    dir
}

#[test]
fn output_dot_in_an_unrelated_folder_is_refused_and_nothing_is_touched() {
    let s = sample_site("https://example.org/");
    let notes = unrelated_folder(&s);
    let before = tree(s.outer());
    let run = brief_in(
        &notes,
        &[
            "build",
            "--root",
            s.root().to_str().unwrap(),
            "--output",
            ".",
        ],
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.starts_with("error: refusing to write the site into .: it is not empty and brief did not write it (it has no .brief-output file)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("choose a new or empty folder for --output")
    );
    assert!(
        tree(s.outer()) == before,
        "something was written or deleted"
    );
    assert!(notes.join(".git/HEAD").is_file());
}

#[test]
fn a_folder_brief_wrote_is_replaced_and_an_empty_one_is_used() {
    let s = sample_site("https://example.org/");
    let out = s.outer().join("out");
    std::fs::create_dir(&out).unwrap();
    let run = s.brief(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(out.join(".brief-output").is_file());
    std::fs::write(out.join("stale.html"), "old").unwrap();
    let run = s.brief(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        !out.join("stale.html").exists(),
        "the output is replaced whole"
    );
    assert!(out.join("index.html").is_file());
}

#[test]
fn the_sites_own_public_folder_is_replaced_even_without_the_marker() {
    // Outputs of brief before the marker existed are still replaced.
    let s = sample_site("https://example.org/");
    s.write("public/old.html", "from an older brief");
    let run = s.brief(&["build"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(!s.path("public/old.html").exists());
    assert!(s.path("public/.brief-output").is_file());
}

#[test]
fn a_file_at_the_output_path_is_refused_untouched() {
    let s = sample_site("https://example.org/");
    s.write("notes.txt", "my notes\n");
    let before = tree(s.outer());
    let run = brief_in(s.root(), &["build", "--output", "notes.txt"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr.trim(),
        "error: refusing to write the site into notes.txt: it is a file, and a build writes a whole folder there; nothing was touched (choose a folder name for --output)"
    );
    assert!(
        tree(s.outer()) == before,
        "something was written or deleted"
    );
}

#[test]
fn a_read_only_previous_output_is_refused_before_anything_is_swapped() {
    let s = sample_site("https://example.org/");
    let built = s.build().ok();
    drop(built);
    hand_to_unprivileged(s.outer());
    let locked = s.path("public/briefings");
    let chmod = |mode: &str| {
        let ok = std::process::Command::new("chmod")
            .args([mode])
            .arg(&locked)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    chmod("555");
    let before = tree(s.outer());
    let run = brief_unprivileged(s.root(), &["build"]);
    chmod("755");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("public/briefings is read-only, so the previous output could not be deleted; nothing was touched"),
        "{}",
        run.stderr
    );
    assert!(
        tree(s.outer()) == before,
        "something was written or deleted"
    );
    assert_eq!(leftovers(s.root()), Vec::<String>::new());
}

#[test]
fn a_build_removes_what_killed_builds_left_and_only_that() {
    let s = sample_site("https://example.org/");
    // Process ids no process has: above the kernel's largest.
    let dead = [".public.staging-4194305", ".public.old-4194306"];
    for name in dead {
        s.write(&format!("{name}/.brief-output"), "");
        s.write(&format!("{name}/index.html"), "half a site");
    }
    // Not brief's: no marker, or a name brief never uses.
    s.write(".public.old-4194307/mine.txt", "keep");
    s.write(".public.staging-x/.brief-output", "");
    let run = s.brief(&["build"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let mut left = leftovers(s.root());
    left.sort();
    assert_eq!(left, [".public.old-4194307", ".public.staging-x"]);
}

#[test]
fn an_interrupted_build_leaves_no_staging_folder_and_the_old_output() {
    // Big enough that the build is still rendering when the signal comes.
    let mut files: Vec<(String, String)> = (0..1500)
        .map(|i| {
            (
                format!("content/briefings/2025-05-01-b{i}.md"),
                briefing(
                    &format!("Briefing {i}"),
                    "2025-05-01",
                    "tags = [\"minerals\"]",
                    &"Officials met in London to talk about magnets. ".repeat(40),
                ),
            )
        })
        .collect();
    files.push(("site.toml".into(), SITE_TOML.into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let s = site(&refs);
    for signal in ["INT", "TERM"] {
        std::fs::create_dir_all(s.path("public")).unwrap();
        s.write("public/index.html", "the previous build");
        let before = tree(&s.path("public"));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["build", "--no-search"])
            .current_dir(s.root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        let staging = s.path(&format!(".public.staging-{}", child.id()));
        while !staging.join("briefings").exists() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "no staging folder appeared"
            );
            assert!(child.try_wait().unwrap().is_none(), "the build ended first");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let killed = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        let expected = if signal == "INT" { 130 } else { 143 };
        assert_eq!(status.code(), Some(expected), "SIG{signal}");
        assert_eq!(leftovers(s.root()), Vec::<String>::new(), "SIG{signal}");
        assert!(tree(&s.path("public")) == before, "SIG{signal}");
    }
}
