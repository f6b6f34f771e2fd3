//! Integration tests of correlation (one test binary, a module per area).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod index;
mod names;
mod normalisation;
mod overcommon;
mod resolve;
