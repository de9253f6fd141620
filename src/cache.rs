//! What a build keeps for the next one, in the site's `.brief-cache/`:
//! resized images ([`crate::raster`]) and highlighted code
//! ([`crate::highlight`]). Never part of the output, safe to delete at any
//! time: a build without it makes everything again.
//!
//! Files are written under a temporary name that holds the writer's
//! process id and renamed into place, so a killed or concurrent build never
//! leaves half a file under a final name; [`remove_stale`] removes what a
//! killed one left.

use std::hash::Hasher as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use siphasher::sip128::{Hasher128, SipHasher13};

/// The cache's folder, relative to the site's root.
pub const DIR: &str = ".brief-cache";

/// A 128-bit SipHash-1-3 with fixed keys: its output is specified, so it
/// may name files and key a cache kept across runs and versions of brief
/// (foldhash and std's hasher promise neither).
pub fn stable_hash(bytes: &[u8]) -> u128 {
    let mut h = SipHasher13::new_with_keys(0x6272_6965_6620_696d, 0x6167_6573_2076_3100);
    h.write(bytes);
    h.finish128().as_u128()
}

/// Creates `dir` (a site's [`DIR`] or a folder in it), and marks [`DIR`]
/// (or else `dir`) as a cache for backup tools.
pub fn create(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let top = dir.ancestors().find(|a| a.ends_with(DIR)).unwrap_or(dir);
    // Tells backup tools the folder can be rebuilt (bford.info/cachedir).
    let _ = std::fs::write(
        top.join("CACHEDIR.TAG"),
        "Signature: 8a477f597d28d172789f06886806bc55\n# brief's build cache (resized images, highlighted code): safe to delete.\n",
    );
    Ok(())
}

/// A name in `dir` to write `name` under before renaming it into place:
/// `.<name>.<pid>.<n>.tmp`, unique in this process.
pub fn temp_path(dir: &Path, name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Removes the temporary files of [`temp_path`] in `dir` whose process is
/// gone (a build killed while writing).
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.starts_with('.'))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.rsplit('.').nth(1))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !is_running(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// True if a process with this id exists (it may belong to another user).
#[cfg(unix)]
pub fn is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub fn is_running(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temporary_files_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let live = temp_path(dir.path(), "highlight");
        // No process has the largest id a pid_t can hold.
        let dead = dir.path().join(format!(".highlight.{}.0.tmp", i32::MAX));
        let other = dir.path().join("highlight");
        for f in [&live, &dead, &other] {
            std::fs::write(f, "x").unwrap();
        }
        remove_stale(dir.path());
        assert!(live.exists() && other.exists());
        assert!(!dead.exists());
    }

    #[test]
    fn the_stable_hash_does_not_change() {
        // Names of cached files depend on it: a change empties every cache.
        assert_eq!(
            stable_hash(b"brief"),
            0x426d_4dde_9349_0b7c_7b0d_2acb_790a_903a
        );
    }
}
