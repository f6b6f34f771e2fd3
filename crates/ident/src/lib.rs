//! Checked identifier types.
