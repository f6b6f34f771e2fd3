//! stream tests.
