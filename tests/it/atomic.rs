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
