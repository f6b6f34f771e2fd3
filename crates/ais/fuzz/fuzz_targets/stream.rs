//! Arbitrary bytes through the stream decoder (reassembly included), JSON and CSV out.
#![no_main]

use interdict_ais::gpsd::{JsonOptions, JsonWriter};
use interdict_ais::{ReassemblyLimits, StreamDecoder, StreamOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits so that eviction and timeouts are exercised too.
    let opts = StreamOptions {
        limits: ReassemblyLimits {
            max_partials: 3,
            timeout_secs: 5,
            max_age_sentences: 8,
        },
        ..StreamOptions::default()
    };
    let mut dec = StreamDecoder::with_options(data, opts);
    let mut w = JsonWriter::new(JsonOptions::default());
    let mut csv = interdict_ais::csv::CsvWriter::new();
    let mut out = Vec::new();
    while let Some(r) = dec.next_message() {
        if let Ok(d) = r {
            out.clear();
            w.write(&d.message, &mut out);
            csv.write(&d, &mut out);
        }
    }
    let s = dec.stats();
    assert!(s.messages <= s.sentences);
});
