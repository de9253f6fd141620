//! brief's integration tests: one binary, fixture sites written inline
//! (see `support`), diagnostics asserted as exact `path:line:col` lines,
//! `<main>` snapshots for rendered pages.

mod atomic;
mod base_url;
mod build;
mod cli;
mod diagnostics;
mod hostile;
mod markdown;
mod support;
