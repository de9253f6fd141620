//! Stage 1: walk the site folder and read every content file.
//!
//! In: the site root. Out: [`SourceFile`]s (path relative to the root, kind,
//! text; a folder briefing's `index.md` with the [`Bundle`] of files beside
//! it) and the site's static files, plus diagnostics for files that can't
//! be used: invalid UTF-8, unreadable files and folders (errors), symlinks
//! that lead outside the site (never followed), markdown in a place brief
//! does not read.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, LineIndex};

/// What a content file is, by where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// `content/briefings/**/*.md`
    Briefing,
    /// `content/pages/*.md`
    Page,
    /// `content/explainer.md`
    Explainer,
    /// `content/sources.toml`
    Sources,
    /// `content/authors.toml`
    Authors,
}

/// One content file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the site root, e.g. `content/briefings/x.md`.
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: String,
    /// For a folder briefing, the files beside it.
    pub bundle: Option<Bundle>,
}

impl SourceFile {
    /// A content file of the site at `root`, read: with the files beside
    /// it when it is a folder briefing.
    pub fn new(root: &Path, path: PathBuf, kind: FileKind, text: String) -> SourceFile {
        let bundle = is_folder_briefing(&path).then(|| bundle(root, &path));
        SourceFile {
            path,
            kind,
            text,
            bundle,
        }
    }
}

/// The files beside a folder briefing's `index.md`, published next to its
/// page: every file in its folder and the folders below, but markdown
/// files and the folders of other folder briefings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bundle {
    /// The folder, relative to the site root.
    pub dir: PathBuf,
    /// Sorted by name.
    pub files: Vec<BundleFile>,
}

/// One file beside a folder briefing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub abs: PathBuf,
    /// Relative to the site root, for diagnostics.
    pub rel: PathBuf,
    /// Relative to the briefing's folder, `/`-separated: where it is
    /// published under the briefing's URL, and how the body names it.
    pub name: String,
}

/// True if `rel` is the text of a folder briefing:
/// `content/briefings/<folder>/…/index.md`.
pub fn is_folder_briefing(rel: &Path) -> bool {
    let parts: Vec<&std::ffi::OsStr> = rel.iter().collect();
    parts.len() >= 4
        && parts[0] == "content"
        && parts[1] == "briefings"
        && parts[parts.len() - 1] == "index.md"
}

/// The files beside the folder briefing `index` (relative to `root`). The
/// walk's problems (unreadable folders, symlinks leading out) are not
/// reported here: the walk of `content/` that found `index` reports them.
pub fn bundle(root: &Path, index: &Path) -> Bundle {
    let dir = index.parent().map(Path::to_path_buf).unwrap_or_default();
    let found = walk(root, &root.join(&dir), &mut Vec::new());
    // Folders below holding their own index.md are other briefings.
    let others: Vec<&Path> = found
        .iter()
        .filter(|(_, rel)| {
            rel.as_path() != index && rel.file_name().is_some_and(|n| n == "index.md")
        })
        .filter_map(|(_, rel)| rel.parent())
        .collect();
    let files = found
        .iter()
        .filter(|(_, rel)| rel.extension().is_none_or(|e| e != "md"))
        .filter(|(_, rel)| !others.iter().any(|o| rel.starts_with(o)))
        .filter_map(|(abs, rel)| {
            let inside = rel.strip_prefix(&dir).ok()?;
            let name = inside
                .iter()
                .map(|p| p.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some(BundleFile {
                abs: abs.clone(),
                rel: rel.clone(),
                name,
            })
        })
        .collect();
    Bundle { dir, files }
}

/// A file to copy verbatim into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Where to read it.
    pub source: PathBuf,
    /// The same, relative to the site root, for diagnostics.
    pub rel: PathBuf,
    /// Where it goes, relative to the output root, with `/` separators.
    pub output: String,
}

/// Classifies a path relative to the site root; `None` for files brief ignores.
pub fn classify(rel: &Path) -> Option<FileKind> {
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    let is_md = rel.extension().is_some_and(|e| e == "md");
    match parts.as_slice() {
        ["content", "sources.toml"] => Some(FileKind::Sources),
        ["content", "authors.toml"] => Some(FileKind::Authors),
        ["content", "explainer.md"] => Some(FileKind::Explainer),
        ["content", "pages", _] if is_md => Some(FileKind::Page),
        ["content", "briefings", .., _] if is_md => Some(FileKind::Briefing),
        _ => None,
    }
}

/// The source registry, relative to the site root.
pub const REGISTRY: &str = "content/sources.toml";
/// The authors' registry, relative to the site root.
pub const AUTHORS: &str = "content/authors.toml";

/// What a path of the site is an input of: the one place that decides
/// which saves `serve` rebuilds for, and what each rebuild reloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// `site.toml`: everything depends on it.
    Config,
    /// Anything under `themes/`.
    Theme,
    /// Anything under the site's `static/`.
    Static,
    /// `content/sources.toml`.
    Registry,
    /// `content/authors.toml`.
    Authors,
    /// Any other file or folder under `content/` (a folder may hold the
    /// registry too: see [`holds_registry`]).
    Content,
}

/// What `rel` (relative to the site root) is an input of; `None` for
/// paths brief never reads (other folders, editors' swap and backup files).
pub fn input_of(rel: &Path) -> Option<Input> {
    if rel
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_ignored_name)
    {
        return None;
    }
    let mut parts = rel.iter();
    match parts.next()?.to_str()? {
        "site.toml" if parts.next().is_none() => Some(Input::Config),
        "themes" => Some(Input::Theme),
        "static" => Some(Input::Static),
        "content" if rel == Path::new(REGISTRY) => Some(Input::Registry),
        "content" if rel == Path::new(AUTHORS) => Some(Input::Authors),
        "content" => Some(Input::Content),
        _ => None,
    }
}

/// True if `rel` is a folder path that holds the registries (`content/`
/// itself, moved away or back as a whole).
pub fn holds_registry(rel: &Path) -> bool {
    Path::new(REGISTRY).starts_with(rel)
}

/// Editor droppings and hidden files: never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// A content file found by the walk, not read yet: reading happens in the
/// parse stage, in parallel, so a large site's text is never all in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFile {
    pub abs: PathBuf,
    /// Relative to the site root.
    pub rel: PathBuf,
    pub kind: FileKind,
}

impl ContentFile {
    pub fn read(&self) -> Result<SourceFile, Diagnostic> {
        // `abs` is the root joined with `rel`: the root is what is left
        // of it without `rel`'s parts.
        let root = self
            .abs
            .ancestors()
            .nth(self.rel.iter().count())
            .unwrap_or(Path::new(""));
        read_text(&self.abs, &self.rel)
            .map(|text| SourceFile::new(root, self.rel.clone(), self.kind, text))
    }
}

/// Every content file under `root/content`.
pub fn content(root: &Path, diags: &mut Vec<Diagnostic>) -> Vec<ContentFile> {
    content_under(root, &root.join("content"), diags)
}

/// Every content file under `dir` (a folder inside `root/content`).
pub fn content_under(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<ContentFile> {
    let mut found = Vec::new();
    for (abs, rel) in walk(root, dir, diags) {
        match classify(&rel) {
            Some(kind) => found.push(ContentFile { abs, rel, kind }),
            None => diags.extend(stray(&rel)),
        }
    }
    found
}

/// The warning for a file under `content/` that no stage reads, if it
/// looks like a document: markdown outside the briefings and pages.
pub fn stray(rel: &Path) -> Option<Diagnostic> {
    rel.extension().is_some_and(|e| e == "md").then(|| {
        Diagnostic::warning(
            rel,
            "markdown file outside content/briefings/ and content/pages/; ignored",
        )
        .with_help("move briefings to content/briefings/ and standalone pages to content/pages/")
    })
}

/// Lists the files of a static folder (`root/static` or a theme's), to copy.
pub fn statics(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<StaticFile> {
    walk(root, dir, diags)
        .into_iter()
        .filter_map(|(abs, rel)| {
            let inside = abs.strip_prefix(dir).ok()?;
            let output = inside
                .iter()
                .map(|p| p.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some(StaticFile {
                source: abs,
                rel,
                output,
            })
        })
        .collect()
}

/// Reads one file as UTF-8; the diagnostic says where decoding failed.
pub fn read_text(abs: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let bytes =
        fs::read(abs).map_err(|e| Diagnostic::error(rel, format!("cannot read file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid_up_to = e.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&e.as_bytes()[..valid_up_to]).unwrap_or_default();
        let (line, col) = LineIndex::new(prefix).locate(prefix, valid_up_to);
        Diagnostic {
            line,
            col,
            ..Diagnostic::error(
                rel,
                format!("invalid UTF-8 (byte {valid_up_to} of the file)"),
            )
        }
        .with_help("save the file as UTF-8")
    })
}

/// Every regular file under `dir`, sorted, as (absolute, relative-to-root)
/// paths. Symlinks are followed only while they stay inside the site.
pub fn walk(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    let site = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut it = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| relative(root, dir));
                // A loop is harmless (its files are read once); anything
                // else hides files the site may need, so it is an error:
                // a build must not publish a site with a folder missing.
                if e.loop_ancestor().is_some() {
                    diags.push(Diagnostic::warning(rel, "symlink loop; not followed"));
                } else {
                    let cause = e
                        .io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string());
                    diags.push(
                        Diagnostic::error(rel, format!("cannot read: {cause}")).with_help(
                            "make it readable (e.g. `chmod -R u+rX`), or move it out of the site",
                        ),
                    );
                }
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && is_ignored_name(&name) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            let inside =
                fs::canonicalize(entry.path()).is_ok_and(|target| target.starts_with(&site));
            if !inside {
                diags.push(
                    Diagnostic::warning(
                        relative(root, entry.path()),
                        "symlink leads outside the site; not followed",
                    )
                    .with_help("copy the file into the site instead"),
                );
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_file() {
            out.push((entry.path().to_path_buf(), relative(root, entry.path())));
        }
    }
    out
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_place() {
        assert_eq!(
            classify(Path::new("content/briefings/a.md")),
            Some(FileKind::Briefing)
        );
        assert_eq!(
            classify(Path::new("content/briefings/2025/a.md")),
            Some(FileKind::Briefing)
        );
        assert_eq!(
            classify(Path::new("content/pages/about.md")),
            Some(FileKind::Page)
        );
        assert_eq!(classify(Path::new("content/pages/x/about.md")), None);
        assert_eq!(
            classify(Path::new("content/explainer.md")),
            Some(FileKind::Explainer)
        );
        assert_eq!(
            classify(Path::new("content/sources.toml")),
            Some(FileKind::Sources)
        );
        assert_eq!(classify(Path::new("content/briefings/a.txt")), None);
    }

    #[test]
    fn folder_briefings() {
        assert!(is_folder_briefing(Path::new(
            "content/briefings/a/index.md"
        )));
        assert!(is_folder_briefing(Path::new(
            "content/briefings/2025/a/index.md"
        )));
        assert!(!is_folder_briefing(Path::new("content/briefings/index.md")));
        assert!(!is_folder_briefing(Path::new(
            "content/briefings/a/other.md"
        )));
        assert!(!is_folder_briefing(Path::new("content/pages/a/index.md")));
    }

    #[test]
    fn a_bundle_is_every_file_beside_but_markdown_and_other_bundles() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "content/briefings/a/index.md",
            "content/briefings/a/map.png",
            "content/briefings/a/notes.md",
            "content/briefings/a/data/table.csv",
            "content/briefings/a/.map.png.swp",
            "content/briefings/a/b/index.md",
            "content/briefings/a/b/photo.jpg",
        ] {
            let path = root.join(f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        let names = |index: &str| -> Vec<String> {
            bundle(root, Path::new(index))
                .files
                .into_iter()
                .map(|f| f.name)
                .collect()
        };
        assert_eq!(
            names("content/briefings/a/index.md"),
            ["data/table.csv", "map.png"]
        );
        assert_eq!(names("content/briefings/a/b/index.md"), ["photo.jpg"]);
        let file = ContentFile {
            abs: root.join("content/briefings/a/b/index.md"),
            rel: "content/briefings/a/b/index.md".into(),
            kind: FileKind::Briefing,
        };
        let read = file.read().unwrap();
        assert_eq!(
            read.bundle.unwrap().files[0].abs,
            root.join("content/briefings/a/b/photo.jpg")
        );
    }

    #[test]
    fn inputs_by_place() {
        let of = |p: &str| input_of(Path::new(p));
        assert_eq!(of("site.toml"), Some(Input::Config));
        assert_eq!(of("x/site.toml"), None);
        assert_eq!(of("themes/default/templates/base.html"), Some(Input::Theme));
        assert_eq!(of("static/a/b.css"), Some(Input::Static));
        assert_eq!(of("content/sources.toml"), Some(Input::Registry));
        assert_eq!(of("content/briefings/a.md"), Some(Input::Content));
        assert_eq!(of("content"), Some(Input::Content));
        assert_eq!(of("content/briefings/.a.md.swp"), None);
        assert_eq!(of("public/index.html"), None);
        assert!(holds_registry(Path::new("content")));
        assert!(!holds_registry(Path::new("content/briefings")));
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".a.md.swp", "a.md~", "#a.md#", ".#a.md", "4913"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("a.md"));
    }
}
