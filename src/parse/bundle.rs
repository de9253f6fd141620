//! The files beside a folder briefing, read (part of stage 2).
//!
//! In: a [`Bundle`] (paths, from `load`). Out: each file's fingerprint, and
//! for an image what its `<img>` needs, its format and size
//! ([`crate::raster::probe`]: the header only, never the pixels), plus the
//! copies a body promised to publish of each raster image ([`Resized`]).

use std::hash::Hasher as _;
use std::path::PathBuf;

use crate::diag::Diagnostic;
use crate::load::Bundle;
use crate::raster::{self, Probe};

/// A file beside a folder briefing, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colocated {
    /// Relative to the briefing's folder, `/`-separated.
    pub name: String,
    pub abs: PathBuf,
    /// Relative to the site root, for diagnostics.
    pub rel: PathBuf,
    /// A fingerprint of its bytes: its output changes when this does.
    pub hash: u64,
    pub picture: Picture,
}

/// What a file is as an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picture {
    /// Not an image brief shows (a table, a PDF…).
    NotAnImage,
    /// PNG, JPEG or WebP: resized. The error says why it cannot be read.
    Raster(Result<Probe, String>),
    /// GIF or SVG: shown as it is, with its size when the file says one.
    Fixed(Option<(u32, u32)>),
}

/// The copies of one raster image a body shows, each published beside the
/// page under its own name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resized {
    /// Index into the briefing's files.
    pub file: usize,
    pub probe: Probe,
    pub copies: Vec<Copy>,
}

/// One resized copy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Copy {
    pub width: u32,
    pub height: u32,
    /// Relative to the briefing's folder, `/`-separated: beside the image,
    /// named by its width and a hash of the image's bytes, so a changed
    /// image gets new URLs (no stale copy in a browser's cache).
    pub name: String,
}

/// Reads every file of `bundle`: unreadable files are errors at the file,
/// and so is a file that would take the place of the briefing's page.
pub fn read(bundle: &Bundle, diags: &mut Vec<Diagnostic>) -> Vec<Colocated> {
    let mut out = Vec::with_capacity(bundle.files.len());
    for f in &bundle.files {
        if f.name == "index.html" {
            diags.push(
                Diagnostic::error(
                    &f.rel,
                    "this file would replace the briefing's page, index.html",
                )
                .with_help("rename it"),
            );
            continue;
        }
        let ext = f
            .name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let read = match ext.as_str() {
            "png" | "jpg" | "jpeg" | "webp" => std::fs::read(&f.abs)
                .map(|bytes| (hash_bytes(&bytes), Picture::Raster(raster::probe(&bytes)))),
            "gif" | "svg" => std::fs::read(&f.abs).map(|bytes| {
                let size = raster::intrinsic_size(&bytes);
                (hash_bytes(&bytes), Picture::Fixed(size))
            }),
            _ => file_hash(&f.abs).map(|hash| (hash, Picture::NotAnImage)),
        };
        match read {
            Ok((hash, picture)) => out.push(Colocated {
                name: f.name.clone(),
                abs: f.abs.clone(),
                rel: f.rel.clone(),
                hash,
                picture,
            }),
            Err(e) => diags.push(Diagnostic::error(&f.rel, format!("cannot read file: {e}"))),
        }
    }
    out
}

/// The fingerprint of a file beside a briefing ([`Colocated::hash`]),
/// read in pieces: a large data file is never all in memory. `serve`
/// compares it to tell a saved file from a touched one.
pub fn file_hash(path: &std::path::Path) -> std::io::Result<u64> {
    hash_reader(std::fs::File::open(path)?)
}

/// [`file_hash`] of bytes already read.
fn hash_bytes(bytes: &[u8]) -> u64 {
    hash_reader(bytes).unwrap_or_default()
}

fn hash_reader(mut r: impl std::io::Read) -> std::io::Result<u64> {
    use std::hash::BuildHasher;
    let mut h = foldhash::fast::FixedState::default().build_hasher();
    let mut buf = vec![0; 64 * 1024];
    loop {
        // Pieces as the reader gives them: the same for a file and bytes
        // only if each read fills the buffer, so read until it is full.
        let mut n = 0;
        while n < buf.len() {
            match r.read(&mut buf[n..])? {
                0 => break,
                k => n += k,
            }
        }
        h.write(&buf[..n]);
        if n < buf.len() {
            return Ok(h.finish());
        }
    }
}

/// The copies of raster image `file` (named `name` in its folder) at the
/// sizes it is resized to.
pub fn copies(file: usize, name: &str, probe: &Probe) -> Resized {
    let (dir, base) = match name.rsplit_once('/') {
        Some((dir, base)) => (format!("{dir}/"), base),
        None => (String::new(), name),
    };
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let hash = probe.hash as u32;
    let ext = probe.output_format().extension();
    Resized {
        file,
        probe: *probe,
        copies: probe
            .resized_sizes()
            .into_iter()
            .map(|(width, height)| Copy {
                width,
                height,
                name: format!("{dir}{stem}-{width}w.{hash:08x}.{ext}"),
            })
            .collect(),
    }
}
