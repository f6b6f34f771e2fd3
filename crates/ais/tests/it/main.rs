//! Integration tests of the AIS decoder (one test binary, a module per area).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corpus;
mod gpsd_conformance;
mod libais;
mod line;
mod roundtrip;
mod stream;

use std::path::PathBuf;

/// Path of a file in the shared AIS test corpus (`../shared/data/ais` beside the repository).
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/ais"
    ))
    .join(rel)
}

/// Decodes a whole input as gpsd JSON lines.
pub fn decode_json(input: &[u8], opts: interdict_ais::gpsd::JsonOptions) -> Vec<String> {
    let mut dec = interdict_ais::StreamDecoder::new(input);
    let mut w = interdict_ais::gpsd::JsonWriter::new(opts);
    let mut out = Vec::new();
    let mut lines = Vec::new();
    while let Some(r) = dec.next_message() {
        if let Ok(d) = r {
            out.clear();
            if w.write(&d.message, &mut out) {
                lines.push(
                    String::from_utf8(out.clone())
                        .unwrap()
                        .trim_end()
                        .to_owned(),
                );
            }
        }
    }
    lines
}
