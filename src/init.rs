//! `brief init [DIR]`: a new publication that checks and builds at once.
//!
//! In: a folder that is missing or empty (a `.git` alone is allowed, for
//! `git init` first). Out: a commented `site.toml`, one sample briefing that
//! cites one source and sets one explainer point, the source registry, the
//! explainer's introduction, an about page and a `.gitignore`, all from the
//! files in `src/init/`. The default theme is compiled into the binary, so
//! no theme is written. Nothing is ever overwritten.
//!
//! Also here: the "not a brief site" error every command gives outside a
//! site, since its fix is `brief init`.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::Error;

/// What `init` wrote.
#[derive(Debug)]
pub struct Created {
    /// The new site's folder, as given.
    pub dir: PathBuf,
    /// Every file written, relative to `dir`, in the order written.
    pub files: Vec<PathBuf>,
}

/// Placeholders in the files of `src/init/`.
const TITLE: &str = "%TITLE%";
const DATE: &str = "%DATE%";

/// The files of a new site: path relative to the site, text.
const FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("init/site.toml")),
    (".gitignore", include_str!("init/gitignore")),
    ("content/sources.toml", include_str!("init/sources.toml")),
    ("content/explainer.md", include_str!("init/explainer.md")),
    ("content/pages/about.md", include_str!("init/about.md")),
    (
        "content/briefings/%DATE%-first-briefing.md",
        include_str!("init/briefing.md"),
    ),
];

/// Entries an otherwise empty folder may already hold.
const ALLOWED: &[&str] = &[".git"];

/// Writes a new site into `dir` (created if missing), its sample briefing
/// dated `date`. Refuses a folder that holds anything but `.git`.
pub fn init(dir: &Path, date: NaiveDate) -> Result<Created, Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| Error::Io { path, cause }
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a file, not a folder; `brief init` makes a site in a new or empty folder\n  = help: pass a new folder's name, e.g. `brief init my-briefing`",
            dir.display()
        )));
    }
    match unexpected_entries(dir) {
        Ok(found) if !found.is_empty() => return Err(not_empty(dir, &found)),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(io(dir))?;
        }
        Err(e) => return Err(io(dir)(e)),
    }
    let title = toml::Value::String(site_title(dir)).to_string();
    let date = date.format("%Y-%m-%d").to_string();
    let mut files = Vec::new();
    for (rel, text) in FILES {
        let rel = PathBuf::from(rel.replace(DATE, &date));
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        // `create_new`: checking for the file and writing it are one step,
        // so even a file that appeared since the check above is kept.
        let mut file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::Usage(format!(
                    "{} appeared while the site was being written; not overwriting it",
                    path.display()
                )));
            }
            Err(e) => return Err(io(&path)(e)),
        };
        let text = text.replace(TITLE, &title).replace(DATE, &date);
        file.write_all(text.as_bytes()).map_err(io(&path))?;
        files.push(rel);
    }
    Ok(Created {
        dir: dir.to_path_buf(),
        files,
    })
}

/// What was written and the commands to run next, for the terminal.
impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "created a new brief site in {}:", shown(&self.dir))?;
        for file in &self.files {
            writeln!(f, "  {}", file.display())?;
        }
        let cd = if self.dir == Path::new(".") {
            String::new()
        } else {
            format!("cd {} && ", shell_word(&self.dir.to_string_lossy()))
        };
        let next = [
            (
                format!("{cd}brief serve"),
                "preview it, rebuilt and reloaded on every save",
            ),
            ("brief new \"Title\" --tags a,b".into(), "start a briefing"),
            (
                "brief check --strict && brief build".into(),
                "set base_url in site.toml before you publish",
            ),
        ];
        let width = next
            .iter()
            .map(|(c, _)| c.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(f, "\nnext:")?;
        for (command, why) in next {
            writeln!(f, "  {command:<width$}   # {why}")?;
        }
        Ok(())
    }
}

/// The sample briefing's date: today, but never a day whose midnight UTC
/// is still ahead (east of UTC, the local day starts before UTC's), which
/// would make it a scheduled briefing that `brief build` leaves out.
pub fn sample_date() -> NaiveDate {
    let local = chrono::Local::now().date_naive();
    let utc = chrono::Utc::now().date_naive();
    local.min(utc)
}

/// The error of a command run outside a site, pointing to `brief init`.
pub fn not_a_site(root: &Path) -> Error {
    // `brief init` refuses a folder with files in it, so only an empty one
    // can become a site where it is; a missing or unreadable one, `init`
    // makes or says why it cannot.
    let fresh = unexpected_entries(root).map_or(true, |found| found.is_empty());
    let fix = match (root == Path::new("."), fresh) {
        (true, true) => "run `brief init` to start one here".to_string(),
        (false, true) => format!(
            "run `brief init {}` to start one there",
            shell_word(&root.to_string_lossy())
        ),
        (_, false) => "run `brief init my-briefing` to start one in a new folder".to_string(),
    };
    Error::Usage(format!(
        "{} is not a brief site: it has no {}\n  = help: {fix}, or pass --root with the site folder",
        shown(root),
        crate::config::FILE_NAME
    ))
}

/// The entries of `dir` that keep `init` from writing there, sorted.
fn unexpected_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !ALLOWED.contains(&name.as_str()) {
            found.push(name);
        }
    }
    found.sort();
    Ok(found)
}

fn not_empty(dir: &Path, found: &[String]) -> Error {
    if found.iter().any(|n| n == crate::config::FILE_NAME) {
        let cd = if dir == Path::new(".") {
            String::new()
        } else {
            format!("cd {} && ", shell_word(&dir.to_string_lossy()))
        };
        return Error::Usage(format!(
            "{} already holds a brief site (it has a {}); not writing over it\n  = help: to preview it, run `{cd}brief serve`; to start another, pass a new folder's name, e.g. `brief init my-briefing`",
            shown(dir),
            crate::config::FILE_NAME
        ));
    }
    let mut listed: Vec<String> = found.iter().take(3).map(|n| format!("`{n}`")).collect();
    if found.len() > 3 {
        listed.push(format!("{} more", found.len() - 3));
    }
    let help = if dir == Path::new(".") {
        "pass a new folder's name instead, e.g. `brief init my-briefing`".to_string()
    } else {
        format!(
            "pass a new folder's name, e.g. `brief init my-briefing`, or empty {} first",
            dir.display()
        )
    };
    Error::Usage(format!(
        "{} is not empty (it holds {}); `brief init` writes only into a new or empty folder, so that it never overwrites anything\n  = help: {help}",
        shown(dir),
        listed.join(", ")
    ))
}

/// How to name a folder in a message: `.` reads as "this folder".
fn shown(dir: &Path) -> String {
    if dir == Path::new(".") {
        "this folder".to_string()
    } else {
        dir.display().to_string()
    }
}

/// The site's title, from its folder's name: `my-briefing` -> "My briefing".
fn site_title(dir: &Path) -> String {
    let name = fs::canonicalize(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let words: Vec<&str> = name
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let mut title = words.join(" ");
    if !title.chars().any(char::is_alphanumeric) {
        return "My briefing".to_string();
    }
    if let Some(first) = title.chars().next() {
        let upper: String = first.to_uppercase().collect();
        title.replace_range(..first.len_utf8(), &upper);
    }
    title
}

/// `text` as one word of a POSIX shell command: as is when it is plainly
/// safe, otherwise in single quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ',' | ':' | '+'));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_folder_names() {
        let dir = tempfile::tempdir().unwrap();
        let named = |name: &str| {
            let d = dir.path().join(name);
            fs::create_dir(&d).unwrap();
            site_title(&d)
        };
        assert_eq!(named("my-briefing"), "My briefing");
        assert_eq!(named("rare_earth talks"), "Rare earth talks");
        assert_eq!(named("étude"), "Étude");
        assert_eq!(named("--"), "My briefing");
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("my-briefing"), "my-briefing");
        assert_eq!(shell_word("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn every_placeholder_is_filled() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("new");
        let date = NaiveDate::from_ymd_opt(2025, 6, 9).unwrap();
        let created = init(&site, date).unwrap();
        assert_eq!(created.files.len(), FILES.len());
        for rel in &created.files {
            let text = fs::read_to_string(site.join(rel)).unwrap();
            assert!(!text.contains('%'), "{}: {text}", rel.display());
        }
        assert!(
            site.join("content/briefings/2025-06-09-first-briefing.md")
                .is_file()
        );
    }
}
