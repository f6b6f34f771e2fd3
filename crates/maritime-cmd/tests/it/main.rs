//! Integration tests of the maritime commands (one test binary, a module per area).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod detect;
mod replay;
mod simulate;

use std::path::PathBuf;

/// Path of a file in the shared AIS test corpus (`../shared/data/ais` beside the repository).
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/ais"
    ))
    .join(rel)
}
