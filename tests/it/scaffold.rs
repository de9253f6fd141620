//! Starting a publication and a briefing from the command line: `brief
//! init`, `brief new`, and the errors that point a writer to them. Every
//! test drives the real binary, some from inside the site's folder, as a
//! writer runs it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// Runs the binary with `dir` as its working directory, as a writer who
/// has `cd`-ed into the site does: no `--root`.
fn brief_in(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn brief");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("brief {args:?} in {} hangs", dir.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir`, relative and sorted.
fn files(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().collect()
}

/// The one file in `dir`, by name.
#[track_caller]
fn only_file(dir: &Path) -> String {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    names.into_iter().next().unwrap()
}

#[test]
fn init_makes_a_site_that_checks_strict_and_builds_from_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let run = brief_in(tmp.path(), &["init", "demo"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.stderr, "");
    let site = tmp.path().join("demo");
    let briefing = only_file(&site.join("content/briefings"));
    let briefing_rel = format!("content/briefings/{briefing}");
    let mut expected = vec![
        ".gitignore",
        "content/explainer.md",
        "content/pages/about.md",
        "content/sources.toml",
        "site.toml",
        &briefing_rel,
    ];
    expected.sort();
    assert_eq!(files(&site), expected);
    for file in &expected {
        assert!(
            run.stdout.contains(&format!("  {file}\n")),
            "{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("  cd demo && brief serve "),
        "{}",
        run.stdout
    );

    // No `--root`: the writer has `cd`-ed into the new folder.
    let check = brief_in(&site, &["check", "--strict"]);
    assert_eq!(check.code, Some(0), "{check:#?}");
    assert_eq!(
        check.stdout,
        "checked 1 briefing and 1 page: 0 errors, 0 warnings\n"
    );
    assert_eq!(check.stderr, "");
    let build = brief_in(&site, &["build"]);
    assert_eq!(build.code, Some(0), "{build:#?}");
    assert_eq!(build.stderr, "");
    for page in [
        "index.html",
        "briefings/first-briefing/index.html",
        "explainer/index.html",
        "about/index.html",
        "sources/example-source/index.html",
        "tags/getting-started/index.html",
    ] {
        assert!(site.join("public").join(page).is_file(), "no {page}");
    }
}

#[test]
fn init_writes_a_commented_site_toml_and_a_sample_that_teaches() {
    let tmp = tempfile::tempdir().unwrap();
    let run = brief_in(tmp.path(), &["init", "my-briefing"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let site = tmp.path().join("my-briefing");
    let read = |rel: &str| std::fs::read_to_string(site.join(rel)).unwrap();

    let toml = read("site.toml");
    for key in [
        "title",
        "description",
        "base_url",
        "language",
        "theme",
        "paginate_by",
        "light",
        "dark",
    ] {
        assert!(
            toml.lines().any(|l| l.starts_with(&format!("{key} = "))),
            "no `{key}` in:\n{toml}"
        );
    }
    // Every group of settings opens with the comment that explains it.
    for block in toml.split("\n\n") {
        assert!(block.starts_with('#'), "uncommented:\n{block}");
    }
    assert!(toml.contains("title = \"My briefing\"\n"), "{toml}");

    let briefing = read(&format!(
        "content/briefings/{}",
        only_file(&site.join("content/briefings"))
    ));
    assert!(briefing.contains("\n[[deal]]\n"), "{briefing}");
    assert!(briefing.contains(" [@example-source]"), "{briefing}");
    assert!(briefing.contains("draft = false\n"), "{briefing}");

    // The sample source has no made-up address.
    let sources: toml::Table = read("content/sources.toml").parse().unwrap();
    assert_eq!(sources.keys().collect::<Vec<_>>(), ["example-source"]);
    assert!(
        !sources["example-source"]
            .as_table()
            .unwrap()
            .contains_key("url")
    );

    assert!(
        read(".gitignore").lines().any(|l| l == "public/"),
        "{}",
        read(".gitignore")
    );
    assert!(
        !site.join("themes").exists(),
        "the default theme is built in"
    );
}

#[test]
fn init_in_an_empty_folder_or_a_fresh_git_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let run = brief_in(&empty, &["init"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stdout
            .starts_with("created a new brief site in this folder:\n"),
        "{}",
        run.stdout
    );
    // Already there: no `cd`.
    assert!(run.stdout.contains("\n  brief serve "), "{}", run.stdout);
    assert_eq!(brief_in(&empty, &["check", "--strict"]).code, Some(0));

    // `git init` first is fine: `.git` is left as it was.
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let run = brief_in(tmp.path(), &["init", "repo"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(
        std::fs::read_to_string(repo.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/main\n"
    );
    assert_eq!(brief_in(&repo, &["check", "--strict"]).code, Some(0));

    // A missing folder is made, parents and all.
    let run = brief_in(tmp.path(), &["init", "a/b c"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stdout.contains("  cd 'a/b c' && brief serve "),
        "{}",
        run.stdout
    );
    assert_eq!(
        brief_in(&tmp.path().join("a/b c"), &["check", "--strict"]).code,
        Some(0)
    );
}

#[test]
fn init_refuses_a_folder_with_anything_in_it_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("todo.txt"), "call the desk\n").unwrap();
    let before = tree(tmp.path());

    let run = brief_in(tmp.path(), &["init", "notes"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: notes is not empty (it holds `todo.txt`); `brief init` writes only into a new or empty folder, so that it never overwrites anything\n  = help: pass a new folder's name, e.g. `brief init my-briefing`, or empty notes first\n"
    );
    assert_eq!(run.stdout, "");
    let run = brief_in(&notes, &["init"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .starts_with("error: this folder is not empty (it holds `todo.txt`);"),
        "{}",
        run.stderr
    );
    // A file where the folder should be.
    let run = brief_in(&notes, &["init", "todo.txt"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .starts_with("error: todo.txt is a file, not a folder;"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(tmp.path()), before, "nothing written");
}

#[test]
fn init_over_a_site_says_it_is_one_and_keeps_it() {
    let s = sample_site("https://example.org/");
    let before = tree(s.root());
    let run = brief_in(s.outer(), &["init", "site"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: site already holds a brief site (it has a site.toml); not writing over it\n  = help: to preview it, run `cd site && brief serve`; to start another, pass a new folder's name, e.g. `brief init my-briefing`\n"
    );
    assert_eq!(tree(s.root()), before);
}

#[test]
fn commands_outside_a_site_point_to_brief_init() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_str().unwrap();
    let there = format!(
        "error: {root} is not a brief site: it has no site.toml\n  = help: run `brief init {root}` to start one there, or pass --root with the site folder\n"
    );
    for args in [
        vec!["build", "--root", root],
        vec!["check", "--root", root],
        vec!["new", "A title", "--root", root],
        vec!["serve", "--root", root, "--port", "0"],
    ] {
        let run = brief(&args);
        assert_eq!(run.code, Some(2), "{run:#?}");
        assert_eq!(run.stderr, there, "brief {args:?}");
    }
    // From inside the folder, no `--root`.
    let run = brief_in(tmp.path(), &["check"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: this folder is not a brief site: it has no site.toml\n  = help: run `brief init` to start one here, or pass --root with the site folder\n"
    );
    assert_eq!(files(tmp.path()), Vec::<String>::new(), "nothing written");

    // `brief init` would refuse a folder with files in it: say where it
    // would not.
    std::fs::write(tmp.path().join("notes.txt"), "x\n").unwrap();
    let run = brief_in(tmp.path(), &["build"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: this folder is not a brief site: it has no site.toml\n  = help: run `brief init my-briefing` to start one in a new folder, or pass --root with the site folder\n"
    );
}

#[test]
fn new_with_a_2000_character_title_shortens_the_file_name_not_the_title() {
    let s = site(&[]);
    let title = "The ministry's statement on export licences, ".repeat(45);
    let title = title.trim_end().trim_end_matches(',');
    assert!(title.len() >= 2000);
    let run = s.brief(&["new", title, "--date", "2025-06-09"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(run.stderr, "");
    let name = only_file(&s.path("content/briefings"));
    let slug = name
        .strip_prefix("2025-06-09-")
        .and_then(|n| n.strip_suffix(".md"))
        .unwrap_or_else(|| panic!("{name}"));
    assert!(slug.len() <= 80, "{} bytes: {slug}", slug.len());
    let full = brief::slug::slugify(title);
    assert!(
        full.starts_with(&format!("{slug}-")),
        "not whole words of {full}: {slug}"
    );
    assert_eq!(
        run.stdout,
        format!(
            "created {}\n",
            s.path("content/briefings").join(&name).display()
        )
    );
    let text = std::fs::read_to_string(s.path("content/briefings").join(&name)).unwrap();
    assert!(
        text.starts_with(&format!("+++\ntitle = \"{title}\"\n")),
        "{text}"
    );
    let check = s.brief(&["check", "--strict"]);
    assert_eq!(check.code, Some(0), "{check:#?}");

    // One word longer than the limit is cut between characters, never
    // inside one: `é` is two bytes.
    let word = "é".repeat(1000);
    let run = s.brief(&["new", &word, "--date", "2025-06-10"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let path = s.path(&format!(
        "content/briefings/2025-06-10-{}.md",
        "é".repeat(40)
    ));
    assert!(path.is_file(), "{:?}", files(s.root()));
}

/// `--tags` values `brief new` refuses, each as the front matter's `tags`
/// array it would have written.
const BAD_TAGS: &[(&str, &str)] = &[
    ("🎉", r#"["🎉"]"#),
    ("¿?", r#"["¿?"]"#),
    ("C++,C#", r#"["C++", "C#"]"#),
    (
        "Rare earths,rare-earths",
        r#"["Rare earths", "rare-earths"]"#,
    ),
    ("a,a", r#"["a", "a"]"#),
    ("a,,b", r#"["a", "", "b"]"#),
    ("a,", r#"["a", ""]"#),
    ("", r#"[""]"#),
];

#[test]
fn new_refuses_tags_that_check_rejects_or_warns_about() {
    for (tags, _) in BAD_TAGS {
        let s = site(&[]);
        let run = s.brief(&["new", "A title", "--tags", tags, "--date", "2025-06-09"]);
        assert_eq!(run.code, Some(2), "--tags {tags:?}: {run:#?}");
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.contains("\n  = help: "),
            "--tags {tags:?}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
        assert!(!s.path("content").exists(), "--tags {tags:?} wrote a file");
    }
}

#[test]
fn new_names_every_bad_tag_at_once() {
    let s = site(&[]);
    let run = s.brief(&["new", "A title", "--tags", "C++,C#,🎉"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr,
        "error: tags `C++` and `C#` would share one page, /tags/c/, as tags are told apart by their letters and digits only\n  = help: keep one of them, or name them apart in letters or digits, e.g. `cpp` and `csharp`\nerror: tag `🎉` has no letters or digits, so it cannot have a page, /tags/<tag>/, of its own\n  = help: name it with at least one letter or digit, e.g. `celebrations`\n"
    );
}

/// Keeps the refusals honest: each refused value, written by hand, is one
/// that `brief check --strict` fails on.
#[test]
fn the_refused_tags_are_ones_check_strict_fails_on() {
    for (tags, array) in BAD_TAGS {
        let s = site(&[(
            "content/briefings/a.md",
            &briefing("A", "2025-06-09", &format!("tags = {array}"), "x\n"),
        )]);
        let run = s.brief(&["check", "--strict"]);
        assert_eq!(run.code, Some(1), "--tags {tags:?} passed check: {run:#?}");
    }
}

#[test]
fn new_tags_it_accepts_pass_check_strict_as_draft_and_published() {
    for tags in [
        "rare-earths,london-talks",
        " Rare earths , C++ ",
        "Ré-export,東京,C#",
        "2025",
    ] {
        let s = site(&[]);
        let run = s.brief(&["new", "A title", "--tags", tags, "--date", "2025-06-09"]);
        assert_eq!(run.code, Some(0), "--tags {tags:?}: {run:#?}");
        let check = s.brief(&["check", "--strict"]);
        assert_eq!(check.code, Some(0), "--tags {tags:?}: {check:#?}");
        // Drafts are parsed but not published; published, the tags get
        // pages, and the later stages see them too.
        let path = s.path("content/briefings/2025-06-09-a-title.md");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\ndraft = true\n"), "{text}");
        std::fs::write(&path, text.replace("\ndraft = true\n", "\ndraft = false\n")).unwrap();
        let check = s.brief(&["check", "--strict"]);
        assert_eq!(check.code, Some(0), "--tags {tags:?}: {check:#?}");
        assert_eq!(
            check.stdout,
            "checked 1 briefing and 0 pages: 0 errors, 0 warnings\n"
        );
    }
}
