//! Links between content files: every `[…](other.md#fragment)` must name
//! a published document, and its fragment a heading of it.
//!
//! In: the published documents, each body with its [`ContentLink`]s. Out:
//! the document at each content path (for rendering the links as URLs),
//! and an error at every link whose target or fragment does not exist,
//! with a did-you-mean.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::DocRef;
use crate::diag::{Diagnostic, Severity};
use crate::parse::markdown::ContentLink;
use crate::parse::{Body, Briefing, ExplainerIntro, Page};

/// Ids every page has besides its headings' (the reference list, notes).
const PAGE_IDS: &[&str] = &["references", "references-title", "footnotes", "main"];

/// Each published document by its path, relative to the site root.
pub fn documents(
    briefings: &[Arc<Briefing>],
    pages: &[Arc<Page>],
    explainer: Option<&ExplainerIntro>,
) -> HashMap<PathBuf, DocRef> {
    let mut docs: HashMap<PathBuf, DocRef> = HashMap::new();
    for (i, b) in briefings.iter().enumerate() {
        docs.insert(b.path.clone(), DocRef::Briefing(i));
    }
    for (i, p) in pages.iter().enumerate() {
        docs.insert(p.path.clone(), DocRef::Page(i));
    }
    if let Some(e) = explainer {
        docs.insert(e.path.clone(), DocRef::Explainer);
    }
    docs
}

/// Checks the links of one body (of the file at `from`).
pub fn check_body<'a>(
    from: &Path,
    body: &Body,
    docs: &HashMap<PathBuf, DocRef>,
    body_of: &dyn Fn(DocRef) -> &'a Body,
    diags: &mut Vec<Diagnostic>,
) {
    for link in &body.links {
        let Some(&target) = docs.get(&link.target) else {
            diags.push(missing_target(from, link, docs));
            continue;
        };
        let Some(fragment) = &link.fragment else {
            continue;
        };
        let ids = || {
            body_of(target)
                .headings
                .iter()
                .map(|h| h.id.as_str())
                .chain(PAGE_IDS.iter().copied())
        };
        if !ids().any(|id| id == fragment) {
            let help = crate::diag::suggestion(fragment, ids())
                .unwrap_or_else(|| "link to one of the page's headings, by its id".into());
            diags.push(
                Diagnostic::at_position(
                    Severity::Error,
                    from,
                    &link.at,
                    format!(
                        "`#{fragment}` is not a heading of {}",
                        link.target.display()
                    ),
                )
                .with_help(help),
            );
        }
    }
}

fn missing_target(from: &Path, link: &ContentLink, docs: &HashMap<PathBuf, DocRef>) -> Diagnostic {
    let written: Vec<String> = docs
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let target = link.target.to_string_lossy();
    let help = crate::diag::did_you_mean(&target, written.iter().map(String::as_str))
        .map(|p| format!("did you mean `{p}`?"))
        .unwrap_or_else(|| {
            "link to a briefing, a page or the explainer by its file, e.g. `@/briefings/2025-06-09-london-handshake.md`".into()
        });
    Diagnostic::at_position(
        Severity::Error,
        from,
        &link.at,
        format!(
            "link to {}, which is not a published briefing, page or explainer",
            link.target.display()
        ),
    )
    .with_help(help)
}
