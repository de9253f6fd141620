//! `brief new`: a new briefing file with its front matter filled in.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::slug::slugify;

/// Writes `content/briefings/<date>-<slug>.md` under `root`; never overwrites.
pub fn new_briefing(
    root: &Path,
    title: &str,
    tags: &[String],
    date: chrono::NaiveDate,
) -> Result<PathBuf, Error> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Error::Usage(format!(
            "the title `{title}` has no letters or digits to make a file name from"
        )));
    }
    if !root.join(crate::config::FILE_NAME).is_file() {
        return Err(crate::init::not_a_site(root));
    }
    let dir = root.join("content").join("briefings");
    let path = dir.join(format!("{}-{slug}.md", date.format("%Y-%m-%d")));
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    fs::create_dir_all(&dir).map_err(io)?;
    let tags: Vec<String> = tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
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
