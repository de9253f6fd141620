//! The import direction of the code: services below stages, each stage
//! importing only earlier stages and services, never a later one. See
//! README's "Layout of the code".

use std::collections::BTreeSet;
use std::path::Path;

/// The library's top-level modules from the bottom up: a module may import
/// only modules listed before it (and itself). `crate` is `lib.rs`'s own
/// items (the pipeline functions, `Options`, `Error`): only the commands
/// above it use them.
const ORDER: &[&str] = &[
    // Services every stage may use.
    "diag",
    "date",
    "slug",
    "fingerprint",
    "cache",
    "html",
    "chart",
    "highlight",
    "toml_input",
    "raster",
    // The pipeline's stages, in order.
    "config",
    "load",
    "theme",
    "parse",
    "resolve",
    "search",
    "render",
    "write",
    "crate",
    // Commands built on the pipeline.
    "serve",
    "init",
    "scaffold",
];

/// The top-level module a source file belongs to (`src/parse/mod.rs` ->
/// `parse`), or `None` for `lib.rs` (the root runs every stage in order,
/// so it may name any) and the binary's own files.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.iter().next()?.to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "cli" | "allocator")).then(|| name.to_string())
}

/// Every `crate::name` a source names, as the top-level module `name`
/// (or `crate` for an item of lib.rs itself).
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            // `use crate::{a, b::c}` names several.
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                group.split(['}', ',']).map(|part| part.trim()).collect()
            } else {
                vec![rest]
            };
            for name in names {
                let head: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if head.is_empty() {
                    continue;
                }
                let is_module = head.chars().next().is_some_and(char::is_lowercase)
                    && ORDER.contains(&head.as_str());
                found.insert(if is_module { head } else { "crate".into() });
            }
        }
    }
    found
}

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry.path().strip_prefix(&src).unwrap();
        let Some(module) = module_of(rel) else {
            continue;
        };
        let rank = ORDER
            .iter()
            .position(|m| *m == module)
            .unwrap_or_else(|| panic!("src/{} is not in ORDER: place it", rel.display()));
        files += 1;
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for name in imports(&text) {
            let Some(to) = ORDER.iter().position(|m| *m == name) else {
                continue;
            };
            if to > rank {
                wrong.push(format!("src/{} ({module}) imports {name}", rel.display()));
            }
        }
    }
    assert!(files > 20, "read only {files} files");
    assert!(wrong.is_empty(), "imports that point up: {wrong:#?}");
}

#[test]
fn the_import_reader_sees_groups_and_paths() {
    let found = imports(
        "use crate::parse::{A, B};\nuse crate::{render::Job, write};\nlet x = crate::slug::slugify(y); // crate::serve\nuse crate::Error;\n",
    );
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["crate", "parse", "render", "slug", "write"]);
}
