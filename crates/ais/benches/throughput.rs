//! Library throughput on one core: `cargo bench -p interdict-ais --bench throughput [FILE]`.
//!
//! Without a file, position reports from gpsd's regression log (shared corpus) are repeated
//! to two million sentences. With a file (e.g. from `bench/ais/generate.py`), its sentences
//! are used for the stream measurements.

// A benchmark measures wall time: the one place in this crate that reads the clock.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Instant;

use interdict_ais::gpsd::{JsonOptions, JsonWriter};
use interdict_ais::{decode_sentence, BitBuf, StreamDecoder};

fn best_of<F: FnMut() -> usize>(runs: usize, mut f: F) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, n)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/ais/gpsd/ais-nmea-type6-fid55.log"
    );
    let text = std::fs::read_to_string(corpus).unwrap_or_default();
    let mut buf = BitBuf::new();
    let positions: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("!AIVDM,1,1,") && matches!(decode_sentence(l.as_bytes(), &mut buf), Ok(m) if m.header.msg_type <= 3))
        .collect();
    if positions.is_empty() {
        eprintln!("no position reports found in {corpus}");
        return;
    }
    let lines: Vec<&str> = positions.iter().cycle().take(2_000_000).copied().collect();

    let (t, n) = best_of(5, || {
        let mut ok = 0;
        for l in &lines {
            if let Ok(m) = decode_sentence(l.as_bytes(), &mut buf) {
                black_box(&m);
                ok += 1;
            }
        }
        ok
    });
    println!(
        "decode_sentence, position reports: {:.2} M sentences/s ({n} in {t:.3} s)",
        n as f64 / t / 1e6
    );

    let mut out = Vec::with_capacity(1 << 20);
    let mut w = JsonWriter::new(JsonOptions::default());
    let (t, n) = best_of(5, || {
        let mut ok = 0;
        for l in &lines {
            if let Ok(m) = decode_sentence(l.as_bytes(), &mut buf) {
                w.write(&m, &mut out);
                ok += 1;
                if out.len() > 1 << 19 {
                    black_box(&out);
                    out.clear();
                }
            }
        }
        ok
    });
    println!(
        "decode_sentence + gpsd JSON, position reports: {:.2} M sentences/s ({n} in {t:.3} s)",
        n as f64 / t / 1e6
    );

    let input: Vec<u8> = match args.first() {
        Some(path) => std::fs::read(path).unwrap_or_default(),
        None => lines.join("\n").into_bytes(),
    };
    let (t, n) = best_of(3, || {
        let mut dec = StreamDecoder::new(&input[..]);
        let mut ok = 0;
        while let Some(r) = dec.next_message() {
            if let Ok(d) = r {
                black_box(&d);
                ok += 1;
            }
        }
        ok
    });
    println!(
        "stream decoder: {:.2} M messages/s ({n} in {t:.3} s, {:.0} MB/s)",
        n as f64 / t / 1e6,
        input.len() as f64 / t / 1e6
    );

    let (t, n) = best_of(3, || {
        let mut dec = StreamDecoder::new(&input[..]);
        let mut ok = 0;
        while let Some(r) = dec.next_message() {
            if let Ok(d) = r {
                w.write(&d.message, &mut out);
                ok += 1;
                if out.len() > 1 << 19 {
                    black_box(&out);
                    out.clear();
                }
            }
        }
        ok
    });
    println!(
        "stream decoder + gpsd JSON: {:.2} M messages/s ({n} in {t:.3} s)",
        n as f64 / t / 1e6
    );
}
