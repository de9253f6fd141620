//! Stage 5: outputs -> disk, atomically.
//!
//! A build writes into a fresh staging directory next to the output and
//! swaps it in only when everything rendered, so a failed build leaves the
//! previous output exactly as it was. Output directories that would destroy
//! the site (its root, `content/`, an ancestor, `/`, a home directory) are
//! refused before anything is written.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::render::Sink;

/// Why an output directory is refused.
pub fn refuse_reason(root: &Path, output: &Path) -> Option<String> {
    let root = absolute(root);
    let output = absolute(output);
    if output.parent().is_none() {
        return Some("it is the filesystem root".into());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && absolute(&home) == output
    {
        return Some("it is your home directory".into());
    }
    if root.starts_with(&output) {
        return Some("it is the site root or contains it".into());
    }
    for dir in ["content", "themes", "static"] {
        if output.starts_with(root.join(dir)) {
            return Some(format!("it is inside the site's {dir}/ folder"));
        }
    }
    None
}

/// A canonical absolute path where possible, else a lexically cleaned one
/// (the output directory may not exist yet).
fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = fs::canonicalize(p) {
        return c;
    }
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Canonicalize the longest existing ancestor so symlinks compare right.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return out,
        }
    }
    let mut base = fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        base.push(name);
    }
    base
}

/// A staging directory that becomes the output on [`Staging::commit`] and
/// disappears on drop otherwise.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `.<name>.staging-<pid>` next to `output`.
    pub fn create(output: &Path) -> io::Result<Staging> {
        let output = absolute(output);
        let parent = output
            .parent()
            .ok_or_else(|| io::Error::other("output has no parent directory"))?;
        fs::create_dir_all(parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            output,
            committed: false,
        })
    }

    /// Swaps the staging directory in for the output.
    pub fn commit(mut self) -> io::Result<()> {
        let parent = self.output.parent().expect("checked in create");
        let name = self
            .output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_output = self.output.exists();
        if had_output {
            fs::rename(&self.output, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            // Put the previous output back before reporting.
            if had_output {
                let _ = fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        self.committed = true;
        if had_output {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = safe_join(&self.dir, path)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, bytes)
    }
}

/// Joins a relative output path under `dir`, refusing anything that could
/// leave it. Slugs are already safe; this is the last line of defence.
pub fn safe_join(dir: &Path, rel: &str) -> io::Result<PathBuf> {
    let mut out = dir.to_path_buf();
    for part in rel.split('/') {
        match part {
            "" | "." => continue,
            ".." => {
                return Err(io::Error::other(format!(
                    "output path `{rel}` leaves the output directory"
                )));
            }
            p if p.contains('\\') || p.contains(':') && cfg!(windows) => {
                return Err(io::Error::other(format!(
                    "output path `{rel}` is not portable"
                )));
            }
            p => out.push(p),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        fs::create_dir_all(root.join("content")).unwrap();
        assert!(refuse_reason(root, root).is_some());
        assert!(refuse_reason(root, &root.join("content")).is_some());
        assert!(refuse_reason(root, &root.join("content/x")).is_some());
        assert!(refuse_reason(root, root.parent().unwrap()).is_some());
        assert!(refuse_reason(root, Path::new("/")).is_some());
        assert!(refuse_reason(root, &root.join("public/../content")).is_some());
        assert_eq!(refuse_reason(root, &root.join("public")), None);
        if let Some(home) = std::env::var_os("HOME") {
            assert!(refuse_reason(root, Path::new(&home)).is_some());
        }
    }

    #[test]
    fn safe_join_rejects_traversal() {
        let d = Path::new("/out");
        assert_eq!(
            safe_join(d, "a/b/index.html").unwrap(),
            Path::new("/out/a/b/index.html")
        );
        assert!(safe_join(d, "../x").is_err());
        assert!(safe_join(d, "a/../../x").is_err());
    }
}
