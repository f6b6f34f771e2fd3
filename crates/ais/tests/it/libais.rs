//! libais tests.
