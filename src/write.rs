//! Stage 5: outputs -> disk, atomically, without ever destroying what brief
//! did not write.
//!
//! In: the output folder a build was asked for, then rendered outputs
//! ([`Sink::write`]). Out: that folder, replaced whole, or left exactly as it
//! was.
//!
//! - [`check_output`] runs before anything is rendered. It refuses folders
//!   whose loss would destroy the site (its root, `content/`, an ancestor,
//!   `/`, a home folder), a file where the folder should go, and a
//!   non-empty folder brief did not write (one without the [`MARKER`] file,
//!   other than the site's own `public/`). It also checks that everything
//!   the swap will rename or delete can be renamed and deleted, so a swap
//!   never starts that cannot finish.
//! - A build writes into a fresh staging folder next to the output and
//!   swaps it in only when everything rendered ([`Staging::commit`]).
//! - SIGINT and SIGTERM remove the staging folder (and a replaced output
//!   not yet deleted) before the process exits ([`clean_up_on_signals`]);
//!   a build also removes what a killed build of the same output left.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::render::Sink;

/// Written into every output brief makes: a folder holding it may be
/// replaced by the next build; a non-empty folder without it is never
/// touched.
pub const MARKER: &str = ".brief-output";

const MARKER_TEXT: &str = "This folder was written by `brief build` and is replaced whole by the next build.\nAnything you put here will be deleted then.\n";

/// Why `output` may not be written to, or `None` if the build may replace it.
pub fn check_output(root: &Path, output: &Path) -> Option<String> {
    if let Some(why) = destroys_site(root, output) {
        return Some(why);
    }
    let meta = match fs::metadata(output) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => return Some(format!("cannot look at it: {e}")),
    };
    if !meta.is_dir() {
        return Some(
            "it is a file, and a build writes a whole folder there; nothing was touched \
             (choose a folder name for --output)"
                .into(),
        );
    }
    let own_default = absolute(output) == absolute(&root.join("public"));
    if !own_default && !output.join(MARKER).is_file() && !is_empty_dir(output) {
        return Some(format!(
            "it is not empty and brief did not write it (it has no {MARKER} file), \
             so building would delete what is in it; nothing was touched \
             (choose a new or empty folder for --output, or delete this one first \
             if you mean to replace it)"
        ));
    }
    replaceable(output).err()
}

/// Outputs whose replacement would destroy the site or the user's files.
fn destroys_site(root: &Path, output: &Path) -> Option<String> {
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

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Checks that an existing output can be swapped out and deleted: its
/// parent and every folder in it writable and searchable by this process.
fn replaceable(output: &Path) -> Result<(), String> {
    let parent = absolute(output)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if !writable(&parent) {
        return Err(format!(
            "its parent folder {} is not writable, so the build could not swap it in",
            parent.display()
        ));
    }
    for entry in walkdir::WalkDir::new(output) {
        let entry = entry.map_err(|e| format!("cannot read it: {e}"))?;
        if entry.file_type().is_dir() && !writable(entry.path()) {
            return Err(format!(
                "{} is read-only, so the previous output could not be deleted; nothing was \
                 touched (make it writable, e.g. `chmod -R u+w {}`, or choose another --output)",
                entry.path().display(),
                output.display()
            ));
        }
    }
    Ok(())
}

/// True if this process may create and delete entries in `dir`.
#[cfg(unix)]
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; access() only reads it.
    unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(dir: &Path) -> bool {
    fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
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

/// Folders a signal must remove before the process exits: the staging
/// folder, and a replaced output while it is being deleted. Held across a
/// swap's two renames, so a signal never lands between them.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set by a signal: every later write fails, so no thread refills the
/// staging folder being removed.
static CANCELLED: AtomicBool = AtomicBool::new(false);

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// On SIGINT or SIGTERM (and SIGHUP), removes the folders of a build in
/// progress, then exits with 128 + the signal's number, as a shell
/// reports a process killed by it. Call once, before building.
pub fn clean_up_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("brief-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                CANCELLED.store(true, Ordering::SeqCst);
                let dirs = pending();
                // A write that passed the check before the flag was set may
                // recreate a folder in the staging tree: remove it twice.
                for _ in 0..2 {
                    for dir in dirs.iter() {
                        let _ = fs::remove_dir_all(dir);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// The name of a sibling of `output` used during a build:
/// `.<name>.<what>-<pid>`.
fn sibling(output: &Path, what: &str, pid: u32) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.{what}-{pid}"))
}

/// Removes the staging and old folders a killed build of `output` left: a
/// sibling named as [`sibling`] names them, written by brief (it holds the
/// [`MARKER`]), whose process is gone.
fn remove_leftovers(output: &Path) {
    let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest
            .strip_prefix("staging-")
            .or_else(|| rest.strip_prefix("old-"))
            .and_then(|pid| pid.parse::<u32>().ok());
        let path = entry.path();
        if let Some(pid) = pid
            && pid != std::process::id()
            && !crate::cache::is_running(pid)
            && path.join(MARKER).is_file()
        {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// A staging directory that becomes the output on [`Staging::commit`] and
/// disappears on drop (or on a signal) otherwise.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `.<name>.staging-<pid>` next to `output`, with the
    /// [`MARKER`] in it, after removing what killed builds left there.
    pub fn create(output: &Path) -> io::Result<Staging> {
        let output = absolute(output);
        let parent = output
            .parent()
            .ok_or_else(|| io::Error::other("output has no parent directory"))?;
        fs::create_dir_all(parent)?;
        remove_leftovers(&output);
        let dir = sibling(&output, "staging", std::process::id());
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        pending().push(dir.clone());
        let staging = Staging {
            dir,
            output,
            committed: false,
        };
        fs::write(staging.dir.join(MARKER), MARKER_TEXT)?;
        Ok(staging)
    }

    /// Swaps the staging directory in for the output, and deletes the
    /// previous output.
    pub fn commit(mut self) -> io::Result<()> {
        let old = sibling(&self.output, "old", std::process::id());
        {
            let mut pending = pending();
            let had_output = self.output.exists();
            if had_output {
                fs::rename(&self.output, &old)?;
                pending.push(old.clone());
            }
            if let Err(e) = fs::rename(&self.dir, &self.output) {
                // Put the previous output back before reporting.
                if had_output && fs::rename(&old, &self.output).is_ok() {
                    pending.retain(|p| *p != old);
                }
                return Err(e);
            }
            pending.retain(|p| *p != self.dir);
            self.committed = true;
        }
        if old.exists() {
            let removed = fs::remove_dir_all(&old);
            pending().retain(|p| *p != old);
            removed?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            pending().retain(|p| *p != self.dir);
        }
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if CANCELLED.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "build interrupted",
            ));
        }
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
        assert!(check_output(root, root).is_some());
        assert!(check_output(root, &root.join("content")).is_some());
        assert!(check_output(root, &root.join("content/x")).is_some());
        assert!(check_output(root, root.parent().unwrap()).is_some());
        assert!(check_output(root, Path::new("/")).is_some());
        assert!(check_output(root, &root.join("public/../content")).is_some());
        assert_eq!(check_output(root, &root.join("public")), None);
        if let Some(home) = std::env::var_os("HOME") {
            assert!(check_output(root, Path::new(&home)).is_some());
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
