//! Fingerprints: one fast hash for "has this changed?" questions.
//!
//! In: anything hashable. Out: a `u64`, stable for the life of the process
//! (fingerprints and render keys are only ever compared within one run of
//! `serve`, never stored).

use std::hash::{BuildHasher, Hash};

/// A hash of anything hashable. foldhash rather than SipHash: hashing every
/// summary on each rebuild was a fifth of a rebuild's time at 10,000
/// briefings.
pub fn hash_of(value: impl Hash) -> u64 {
    foldhash::fast::FixedState::default().hash_one(value)
}
