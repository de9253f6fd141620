//! `brief new`: a new briefing file with its front matter filled in.
//!
//! In: a title, tags and a date from the command line. Out: a draft at
//! `content/briefings/<date>-<slug>.md` whose front matter `brief check
//! --strict` accepts, or a usage error saying which argument to change.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::slug::{self, slugify};

/// The longest slug a file name gets from a title, in bytes. File systems
/// cap a name at 255 bytes (a 2,000-character title failed with "File name
/// too long"), and a URL is read by people: 80 keeps a headline's first
/// dozen words.
pub const TITLE_SLUG_MAX: usize = 80;

/// Writes `content/briefings/<date>-<slug>.md` under `root`; never overwrites.
pub fn new_briefing(
    root: &Path,
    title: &str,
    tags: &[String],
    date: chrono::NaiveDate,
) -> Result<PathBuf, Error> {
    let full_slug = slugify(title);
    if full_slug.is_empty() {
        return Err(Error::Usage(format!(
            "the title `{title}` has no letters or digits to make a file name from"
        )));
    }
    let slug = slug::shorten(&full_slug, TITLE_SLUG_MAX);
    let tags = check_tags(tags)?;
    if !root.join(crate::config::FILE_NAME).is_file() {
        return Err(crate::init::not_a_site(root));
    }
    let dir = root.join("content").join("briefings");
    let path = dir.join(format!("{}-{slug}.md", date.format("%Y-%m-%d")));
    let io = |source| Error::Io {
        path: path.clone(),
        cause: source,
    };
    fs::create_dir_all(&dir).map_err(io)?;
    let tags: Vec<String> = tags
        .iter()
        .map(|t| toml::Value::String(t.to_string()).to_string())
        .collect();
    let text = format!(
        "+++\ntitle = {}\ndate = {}\nsummary = \"\"\ntags = [{}]\n# A draft is previewed by `brief serve` and left out of `brief build`.\ndraft = true\n# Cite sources in the text as [@source-id], with ids from content/sources.toml.\n+++\n\nWrite the briefing here.\n",
        toml::Value::String(title.to_string()),
        date.format("%Y-%m-%d"),
        tags.join(", "),
    );
    // `create_new` makes the no-overwrite check and the write one atomic step.
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage(format!(
                "{} already exists; not overwriting it",
                path.display()
            )));
        }
        Err(e) => return Err(io(e)),
    };
    file.write_all(text.as_bytes()).map_err(io)?;
    Ok(path)
}

/// The `--tags` values, trimmed, or every problem with them at once: what
/// the front-matter check would report as an error (a tag without letters
/// or digits) or a warning (two tags with one slug, so one page). Tags are
/// slugged with [`slugify`], as the parse and resolve stages do, so this
/// check and `brief check` cannot drift apart.
fn check_tags(tags: &[String]) -> Result<Vec<&str>, Error> {
    let mut problems: Vec<String> = Vec::new();
    let mut kept: Vec<(&str, String)> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        let tag_slug = slugify(tag);
        if tag.is_empty() {
            problems.push(
                "--tags has an empty tag (two commas in a row, or one at an end)\n  = help: remove the extra comma, or leave out --tags"
                    .to_string(),
            );
        } else if tag_slug.is_empty() {
            problems.push(format!(
                "tag `{tag}` has no letters or digits, so it cannot have a page, /tags/<tag>/, of its own\n  = help: name it with at least one letter or digit, e.g. `celebrations`"
            ));
        } else if let Some((first, _)) = kept.iter().find(|(_, s)| *s == tag_slug) {
            problems.push(if *first == tag {
                format!("tag `{tag}` is given twice\n  = help: give it once")
            } else {
                format!(
                    "tags `{first}` and `{tag}` would share one page, /tags/{tag_slug}/, as tags are told apart by their letters and digits only\n  = help: keep one of them, or name them apart in letters or digits, e.g. `cpp` and `csharp`"
                )
            });
        } else {
            kept.push((tag, tag_slug));
        }
    }
    if problems.is_empty() {
        Ok(kept.into_iter().map(|(tag, _)| tag).collect())
    } else {
        // The binary prints the first `error: `; the others get their own,
        // so every problem reads as one error with its help line.
        Err(Error::Usage(problems.join("\nerror: ")))
    }
}
