//! Highlighted blocks kept between builds.
//!
//! Highlighting is most of what a build spends on code: syntect runs a few
//! dozen regular expressions over every line (on the 10,000-briefing
//! benchmark, 40 % of a build without search). A block's HTML is a pure
//! function of its language, its code, the theme pair and brief's version,
//! so a build keeps what it highlighted in `.brief-cache/highlight`, and the
//! next build reads each unchanged block back instead.
//!
//! The file is one pack: the blocks' HTML one after another, then an index
//! sorted by key, then a footer saying where the index starts. A build
//! reads the index (36 bytes a block) and then only the blocks it looks up,
//! each with one positioned read, so the pack never sits in memory whole.
//! Blocks highlighted anew are appended to a temporary pack as they come;
//! at the end the blocks this build used from the old pack are copied after
//! them, an index is written, and the new pack is renamed over the old.
//! A build that highlighted nothing new and used nearly every block writes
//! nothing at all. Anything wrong with the pack (absent, truncated, an
//! older version, a block whose bytes do not match their check) is a miss:
//! the block is highlighted again, and the pack replaced. A file there
//! that brief did not write is never replaced (see [`Store::open`]).

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::Themes;

/// The pack's name in a site's cache folder.
pub const FILE: &str = "highlight";

/// Starts a pack; the last byte is the layout's version. A file that
/// starts otherwise is not brief's.
const HEADER: &[u8; 16] = b"brief-highlight1";
const OURS: &[u8] = b"brief-highlight";
/// Ends a pack, after the index's offset and length.
const FOOTER_MAGIC: &[u8; 8] = b"BRIEFHL1";
const FOOTER_LEN: u64 = 8 + 8 + 8;
/// key (16) + offset (8) + length (4) + check (8).
const ENTRY_LEN: usize = 36;

/// One block in a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    key: u128,
    offset: u64,
    len: u32,
    /// A hash of the block's bytes, to tell a damaged pack from a good one.
    check: u64,
}

impl Entry {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend(self.key.to_le_bytes());
        out.extend(self.offset.to_le_bytes());
        out.extend(self.len.to_le_bytes());
        out.extend(self.check.to_le_bytes());
    }

    fn read(b: &[u8]) -> Entry {
        let (key, rest) = b.split_at(16);
        let (offset, rest) = rest.split_at(8);
        let (len, check) = rest.split_at(4);
        Entry {
            key: u128::from_le_bytes(key.try_into().unwrap_or_default()),
            offset: u64::from_le_bytes(offset.try_into().unwrap_or_default()),
            len: u32::from_le_bytes(len.try_into().unwrap_or_default()),
            check: u64::from_le_bytes(check.try_into().unwrap_or_default()),
        }
    }
}

/// A block's check. foldhash does not promise the same hash across its
/// versions: after an upgrade every check fails, so every block is a miss
/// once, which is safe.
fn check(bytes: &[u8]) -> u64 {
    crate::fingerprint::hash_of(bytes)
}

/// The pack the previous build wrote.
struct Pack {
    file: File,
    /// Sorted by key.
    index: Vec<Entry>,
    used: Vec<AtomicBool>,
}

impl Pack {
    fn open(path: &Path) -> Option<Pack> {
        let mut file = File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        let mut header = [0; HEADER.len()];
        file.read_exact(&mut header).ok()?;
        if &header != HEADER || len < HEADER.len() as u64 + FOOTER_LEN {
            return None;
        }
        let mut footer = [0; FOOTER_LEN as usize];
        file.read_exact_at(&mut footer, len - FOOTER_LEN).ok()?;
        let (start, rest) = footer.split_at(8);
        let (count, magic) = rest.split_at(8);
        let start = u64::from_le_bytes(start.try_into().ok()?);
        let count = usize::try_from(u64::from_le_bytes(count.try_into().ok()?)).ok()?;
        if magic != FOOTER_MAGIC
            || start < HEADER.len() as u64
            || start.checked_add((count.checked_mul(ENTRY_LEN)? as u64) + FOOTER_LEN)? != len
        {
            return None;
        }
        let mut bytes = vec![0; count * ENTRY_LEN];
        file.seek(SeekFrom::Start(start)).ok()?;
        file.read_exact(&mut bytes).ok()?;
        let index: Vec<Entry> = bytes.chunks_exact(ENTRY_LEN).map(Entry::read).collect();
        let sorted = index.windows(2).all(|w| w[0].key < w[1].key);
        let inside = index.iter().all(|e| {
            e.offset >= HEADER.len() as u64
                && e.offset
                    .checked_add(u64::from(e.len))
                    .is_some_and(|end| end <= start)
        });
        (sorted && inside).then(|| Pack {
            file,
            used: index.iter().map(|_| AtomicBool::new(false)).collect(),
            index,
        })
    }

    /// The block under `key`, if the pack has it whole.
    fn get(&self, key: u128) -> Option<String> {
        let i = self.index.binary_search_by_key(&key, |e| e.key).ok()?;
        let entry = self.index[i];
        let mut bytes = vec![0; entry.len as usize];
        self.file.read_exact_at(&mut bytes, entry.offset).ok()?;
        if check(&bytes) != entry.check {
            return None;
        }
        let html = String::from_utf8(bytes).ok()?;
        self.used[i].store(true, Ordering::Relaxed);
        Some(html)
    }

    fn unused(&self) -> usize {
        self.used
            .iter()
            .filter(|u| !u.load(Ordering::Relaxed))
            .count()
    }
}

/// The pack this build writes: blocks appended as they are highlighted.
struct Fresh {
    /// Created on the first block.
    file: Option<(PathBuf, BufWriter<File>)>,
    end: u64,
    entries: Vec<Entry>,
    /// A write failed: this build keeps nothing.
    failed: bool,
}

/// How many blocks a build took from the store, and highlighted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StoreCounts {
    pub reused: usize,
    pub highlighted: usize,
}

/// Highlighted blocks of earlier builds, and those of this one (see the
/// module's documentation). Shared by the threads that parse.
pub struct Store {
    dir: PathBuf,
    old: Option<Pack>,
    fresh: Mutex<Fresh>,
    reused: AtomicUsize,
    highlighted: AtomicUsize,
}

impl Store {
    /// The store in the cache folder `dir` (`.brief-cache` of a site):
    /// what the last build left there, if anything usable. Something at
    /// the pack's path that brief did not write (not a file, or a file
    /// with bytes that do not start as a pack does) is never replaced: the
    /// store then keeps nothing.
    pub fn open(dir: &Path) -> Store {
        crate::cache::remove_stale(dir);
        let path = dir.join(FILE);
        let old = Pack::open(&path);
        let foreign = old.is_none()
            && path.symlink_metadata().is_ok_and(|meta| {
                let mut start = [0; OURS.len()];
                !meta.is_file()
                    || (meta.len() > 0
                        && File::open(&path)
                            .and_then(|mut f| f.read_exact(&mut start))
                            .map_or(true, |()| start != OURS))
            });
        Store {
            dir: dir.to_path_buf(),
            old,
            fresh: Mutex::new(Fresh {
                file: None,
                end: 0,
                entries: Vec::new(),
                failed: foreign,
            }),
            reused: AtomicUsize::new(0),
            highlighted: AtomicUsize::new(0),
        }
    }

    /// The key of a block: what its HTML depends on.
    pub(super) fn key(syntax: &str, themes: Themes, code: &str) -> u128 {
        let mut bytes = Vec::with_capacity(code.len() + 96);
        for part in [
            env!("CARGO_PKG_VERSION"),
            syntax,
            themes.light.name,
            themes.dark.name,
        ] {
            bytes.extend((part.len() as u32).to_le_bytes());
            bytes.extend(part.as_bytes());
        }
        bytes.extend(code.as_bytes());
        crate::cache::stable_hash(&bytes)
    }

    /// The HTML kept under `key`, if any.
    pub(super) fn get(&self, key: u128) -> Option<String> {
        let html = self.old.as_ref()?.get(key)?;
        self.reused.fetch_add(1, Ordering::Relaxed);
        Some(html)
    }

    /// Keeps `html` under `key` for the next build.
    pub(super) fn put(&self, key: u128, html: &str) {
        self.highlighted.fetch_add(1, Ordering::Relaxed);
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        if fresh.failed {
            return;
        }
        if fresh.append(&self.dir, key, html.as_bytes()).is_err() {
            fresh.failed = true;
        }
    }

    pub fn counts(&self) -> StoreCounts {
        StoreCounts {
            reused: self.reused.load(Ordering::Relaxed),
            highlighted: self.highlighted.load(Ordering::Relaxed),
        }
    }

    /// Makes what this build used the next build's store. Skipped (the old
    /// pack stays) when nothing new was highlighted and at most a quarter
    /// of the old pack went unused. A store that cannot be written is no
    /// store: nothing fails, the next build highlights again.
    pub fn finish(self) {
        let Store {
            dir, old, fresh, ..
        } = self;
        let mut fresh = fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        let unused = old.as_ref().map_or(0, Pack::unused);
        let total = old.as_ref().map_or(0, |p| p.index.len());
        if fresh.failed || (fresh.entries.is_empty() && unused * 4 <= total) {
            fresh.discard();
            return;
        }
        if fresh.commit(&dir, old.as_ref()).is_err() {
            fresh.discard();
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

impl Fresh {
    fn append(&mut self, dir: &Path, key: u128, bytes: &[u8]) -> io::Result<()> {
        let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        let (_, out) = match &mut self.file {
            Some(file) => file,
            None => {
                crate::cache::create(dir)?;
                let path = crate::cache::temp_path(dir, FILE);
                let mut out = BufWriter::with_capacity(1 << 16, File::create(&path)?);
                out.write_all(HEADER)?;
                self.end = HEADER.len() as u64;
                self.file.insert((path, out))
            }
        };
        out.write_all(bytes)?;
        self.entries.push(Entry {
            key,
            offset: self.end,
            len,
            check: check(bytes),
        });
        self.end += u64::from(len);
        Ok(())
    }

    /// Copies the blocks used from `old` after the new ones, writes the
    /// index and renames the pack into place.
    fn commit(&mut self, dir: &Path, old: Option<&Pack>) -> io::Result<()> {
        if let Some(old) = old {
            for (entry, used) in old.index.iter().zip(&old.used) {
                if used.load(Ordering::Relaxed) {
                    let mut bytes = vec![0; entry.len as usize];
                    old.file.read_exact_at(&mut bytes, entry.offset)?;
                    self.append(dir, entry.key, &bytes)?;
                }
            }
        }
        if self.file.is_none() {
            // Nothing used, nothing new: no pack.
            let _ = std::fs::remove_file(dir.join(FILE));
            return Ok(());
        }
        self.entries.sort_by_key(|e| e.key);
        self.entries.dedup_by_key(|e| e.key);
        let mut index = Vec::with_capacity(self.entries.len() * ENTRY_LEN + FOOTER_LEN as usize);
        for entry in &self.entries {
            entry.write(&mut index);
        }
        index.extend(self.end.to_le_bytes());
        index.extend((self.entries.len() as u64).to_le_bytes());
        index.extend(FOOTER_MAGIC);
        let (path, mut out) = self.file.take().expect("created above");
        let written = out
            .write_all(&index)
            .and_then(|()| out.into_inner().map_err(io::IntoInnerError::into_error))
            .and_then(|_| std::fs::rename(&path, dir.join(FILE)));
        if written.is_err() {
            let _ = std::fs::remove_file(&path);
        }
        written
    }

    fn discard(&mut self) {
        if let Some((path, out)) = self.file.take() {
            drop(out);
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for Fresh {
    /// A build that stopped before [`Store::finish`] leaves no file.
    fn drop(&mut self) {
        self.discard();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build's use of the store: looks up each block, "highlights" a miss
    /// as its upper-case, and finishes. Returns what it got and its counts.
    fn run(dir: &Path, blocks: &[&str]) -> (Vec<String>, StoreCounts) {
        let store = Store::open(dir);
        let themes = Themes::default();
        let html = blocks
            .iter()
            .map(|code| {
                let key = Store::key("Rust", themes, code);
                store.get(key).unwrap_or_else(|| {
                    let html = code.to_uppercase();
                    store.put(key, &html);
                    html
                })
            })
            .collect();
        let counts = store.counts();
        store.finish();
        (html, counts)
    }

    fn counts(reused: usize, highlighted: usize) -> StoreCounts {
        StoreCounts {
            reused,
            highlighted,
        }
    }

    /// The folder's files other than the pack and the tag.
    fn others(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n != FILE && n != "CACHEDIR.TAG")
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_second_build_reuses_every_block_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path().join(".brief-cache");
        let blocks = ["fn a() {}", "let b = 2;", "é → ü"];
        let (first, c) = run(&dir, &blocks);
        assert_eq!(c, counts(0, 3));
        assert_eq!(first, ["FN A() {}", "LET B = 2;", "É → Ü"]);
        let written = std::fs::metadata(dir.join(FILE))
            .unwrap()
            .modified()
            .unwrap();
        let (second, c) = run(&dir, &blocks);
        assert_eq!((second, c), (first, counts(3, 0)));
        let now = std::fs::metadata(dir.join(FILE))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(written, now, "an unchanged build rewrote the pack");
        assert!(others(&dir).is_empty(), "{:?}", others(&dir));
    }

    #[test]
    fn a_changed_block_is_highlighted_and_the_pack_keeps_what_was_used() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        run(dir, &["a", "b", "c", "d"]);
        // One block edited, one deleted.
        let (html, c) = run(dir, &["a", "b", "c2"]);
        assert_eq!(html, ["A", "B", "C2"]);
        assert_eq!(c, counts(2, 1));
        let pack = Pack::open(&dir.join(FILE)).unwrap();
        assert_eq!(pack.index.len(), 3, "d was dropped, c2 added");
        assert_eq!(run(dir, &["a", "b", "c2"]).1, counts(3, 0));
        assert!(others(dir).is_empty(), "{:?}", others(dir));
    }

    #[test]
    fn a_few_unused_blocks_are_kept_until_a_quarter_is_unused() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let all: Vec<String> = (0..8).map(|i| format!("block {i}")).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        run(dir, &all);
        // 2 of 8 unused: the pack stays as it is.
        assert_eq!(run(dir, &all[..6]).1, counts(6, 0));
        assert_eq!(Pack::open(&dir.join(FILE)).unwrap().index.len(), 8);
        // 3 of 8 unused: rewritten with the 5 used.
        run(dir, &all[..5]);
        assert_eq!(Pack::open(&dir.join(FILE)).unwrap().index.len(), 5);
        // Nothing used any more: no pack.
        run(dir, &[]);
        assert!(!dir.join(FILE).exists());
    }

    #[test]
    fn the_key_names_the_language_themes_and_code() {
        let themes = Themes::default();
        let other = Themes::new("Solarized (light)", "Solarized (dark)");
        let key = Store::key("Rust", themes, "x");
        assert_ne!(key, Store::key("Rust", other, "x"));
        assert_ne!(key, Store::key("Python", themes, "x"));
        assert_ne!(key, Store::key("Rust", themes, "y"));
        // Parts are length-prefixed: moving a byte between them changes it.
        assert_ne!(Store::key("Rus", themes, "tx"), key);
    }

    #[test]
    fn a_damaged_pack_is_a_miss_never_wrong_html() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let blocks = ["first block", "second block"];
        run(dir, &blocks);
        let pack = dir.join(FILE);
        let good = std::fs::read(&pack).unwrap();
        let at = |needle: &[u8]| {
            good.windows(needle.len())
                .position(|w| w == needle)
                .unwrap()
        };
        let mut damaged: Vec<(&str, Vec<u8>)> = Vec::new();
        // A byte of a block changed.
        let mut b = good.clone();
        b[at(b"SECOND")] = b'X';
        damaged.push(("a changed block", b));
        // Cut short, anywhere.
        for len in [0, HEADER.len() + 3, good.len() / 2, good.len() - 1] {
            damaged.push(("cut short", good[..len].to_vec()));
        }
        // Another version of the format: brief's own, replaced.
        let mut b = good.clone();
        b[HEADER.len() - 1] = b'0';
        damaged.push(("another version", b));
        // An index entry that points past the blocks.
        let mut b = good.clone();
        let index = good.len() - FOOTER_LEN as usize - 2 * ENTRY_LEN;
        b[index + 16..index + 24].copy_from_slice(&u64::MAX.to_le_bytes());
        damaged.push(("an offset out of range", b));
        for (what, bytes) in damaged {
            std::fs::write(&pack, &bytes).unwrap();
            let (html, c) = run(dir, &blocks);
            assert_eq!(html, ["FIRST BLOCK", "SECOND BLOCK"], "{what}");
            assert!(c.highlighted > 0, "{what}: {c:?}");
            // And the next build has a good pack again.
            assert_eq!(run(dir, &blocks).1, counts(2, 0), "{what}");
        }
    }

    #[test]
    fn a_build_that_stops_before_finishing_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let store = Store::open(dir);
        store.put(1, "html");
        assert_eq!(others(dir).len(), 1, "the new pack is being written");
        drop(store);
        assert!(others(dir).is_empty());
        assert!(!dir.join(FILE).exists());
    }

    #[test]
    fn a_file_brief_did_not_write_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        for (what, bytes) in [
            ("text", &b"my notes, not a cache"[..]),
            ("short", b"brief-hi"),
        ] {
            std::fs::write(dir.join(FILE), bytes).unwrap();
            let (html, c) = run(dir, &["a"]);
            assert_eq!((html, c), (vec!["A".to_string()], counts(0, 1)), "{what}");
            assert_eq!(std::fs::read(dir.join(FILE)).unwrap(), bytes, "{what}");
            assert!(others(dir).is_empty(), "{what}: {:?}", others(dir));
        }
        // A folder there is left alone too.
        std::fs::remove_file(dir.join(FILE)).unwrap();
        std::fs::create_dir(dir.join(FILE)).unwrap();
        std::fs::write(dir.join(FILE).join("inside"), "x").unwrap();
        run(dir, &["a"]);
        assert!(dir.join(FILE).join("inside").is_file());
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_no_store() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the folder should be.
        let file = dir.path().join("cache");
        std::fs::write(&file, "not a folder").unwrap();
        let (html, c) = run(&file, &["a"]);
        assert_eq!((html, c), (vec!["A".to_string()], counts(0, 1)));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
    }
}
