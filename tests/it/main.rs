//! brief's integration tests: one binary, fixture sites written inline
//! (see `support`), diagnostics asserted as exact `path:line:col` lines,
//! `<main>` snapshots for rendered pages.

mod atomic;
mod base_url;
mod build;
mod citations;
mod cli;
mod diagnostics;
mod explainer;
mod figures;
mod hostile;
mod layout;
mod markdown;
mod newsroom;
mod publication;
mod scaffold;
mod search;
mod serve;
mod story;
mod support;
mod writer;
