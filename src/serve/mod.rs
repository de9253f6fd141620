//! `brief serve`: the site in memory, rebuilt incrementally on every save,
//! served over HTTP with live reload.

pub mod workspace;
