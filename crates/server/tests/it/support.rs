//! Nodes and the seeded world come from the test kit.

pub use interdict_testkit::*;
