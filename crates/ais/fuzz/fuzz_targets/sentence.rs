//! One line through the single-sentence decoder and both JSON forms.
#![no_main]

use interdict_ais::gpsd::{JsonOptions, JsonWriter};
use interdict_ais::{decode_sentence, BitBuf};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = BitBuf::new();
    if let Ok(m) = decode_sentence(data, &mut buf) {
        let mut out = Vec::new();
        for scaled in [true, false] {
            let mut w = JsonWriter::new(JsonOptions {
                scaled,
                ..JsonOptions::default()
            });
            w.write(&m, &mut out);
        }
        let _ = format!("{m:?}");
    }
});
