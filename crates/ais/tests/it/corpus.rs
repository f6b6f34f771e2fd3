//! Every file of the shared corpus decodes without panicking, with error counts that make
//! sense for the file.

use std::io::Read;

use interdict_ais::{ErrorKind, Stats, StreamDecoder};

use crate::data;

fn sweep(rel: &str) -> Stats {
    let mut bytes = std::fs::read(data(rel)).unwrap();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .unwrap();
        bytes = plain;
    }
    let mut dec = StreamDecoder::new(&bytes[..]);
    let mut n_ok = 0u64;
    let mut n_err = 0u64;
    while let Some(r) = dec.next_message() {
        match r {
            Ok(_) => n_ok += 1,
            Err(_) => n_err += 1,
        }
    }
    let s = dec.stats().clone();
    assert_eq!(s.messages, n_ok, "{rel}: messages counted");
    // Errors returned plus those only counted (dropped tag blocks, timed-out partials).
    assert!(s.total_errors() >= n_err, "{rel}: errors counted");
    assert_eq!(s.by_type.iter().sum::<u64>(), s.messages, "{rel}: by type");
    s
}

fn errors(s: &Stats) -> Vec<(ErrorKind, u64)> {
    s.error_counts().collect()
}

#[test]
fn every_file_decodes_without_panic() {
    let root = data("");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 30, "corpus found at {}", root.display());
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let s = sweep(&rel);
        let is_ais = !(rel.ends_with(".md")
            || rel.ends_with(".json")
            || rel.ends_with(".csv")
            || rel.contains("LICENSE"));
        // Files made of damaged sentences only.
        let all_bad = ["type1-bad-bitcount", "bad-type5", "single-message-type-5"]
            .iter()
            .any(|b| rel.contains(b));
        if is_ais && !rel.ends_with(".chk") && !all_bad {
            assert!(s.messages > 0, "{rel}: no message decoded");
        }
    }
}

#[test]
fn gfw_malformed_lines_are_the_right_error_kind() {
    use ErrorKind::*;
    // Two lines with truncated payloads keep their original checksums; two others carry
    // extra characters and are too long for a position report.
    assert_eq!(
        errors(&sweep("gfw-ais-tools/errors.nmea")),
        [(BadChecksum, 2), (PayloadTooLong, 2)]
    );
    // Position reports of 180 and more bits: a type 1-3 report is 168.
    let s = sweep("gfw-ais-tools/type1-bad-bitcount.nmea");
    assert_eq!(errors(&s), [(PayloadTooLong, 12)]);
    assert_eq!(s.messages, 0);
    // "g:1-2--001" is not a group; the tag blocks are dropped, the sentences still pair.
    let s = sweep("gfw-ais-tools/bad-tagblock-group.nmea");
    assert_eq!(errors(&s), [(BadTagBlock, 2)]);
    assert_eq!(s.messages, 1);
    // Tag blocks with checksum 00, and a group "2-1-1" (sentence 2 of 1).
    let s = sweep("gfw-ais-tools/spire-test.nmea");
    assert_eq!(errors(&s), [(BadTagBlock, 4)]);
    assert_eq!(s.messages, 2);
    // Type 5 messages of 448, 400 and 444 bits (424 is right) and bare payload lines.
    let s = sweep("gfw-ais-tools/bad-type5.nmea");
    assert_eq!(
        errors(&s),
        [
            (UnknownSentence, 3),
            (PayloadTooShort, 1),
            (PayloadTooLong, 2)
        ]
    );
    assert_eq!(s.messages, 0);
    // One sentence whose checksum does not match.
    assert_eq!(
        errors(&sweep("gfw-ais-tools/single-message-type-5.nmea")),
        [(BadChecksum, 1)]
    );
    // Clean files stay clean, multi-sentence and tag-block groups included.
    for clean in [
        "ee-multiline.nmea",
        "mixed_types.nmea",
        "multi-part.nmea",
        "sample.nmea",
        "type8.nmea",
    ] {
        let s = sweep(&format!("gfw-ais-tools/{clean}"));
        assert_eq!(errors(&s), [], "{clean}");
        assert!(s.messages > 0, "{clean}");
    }
}

#[test]
fn other_files_have_sensible_counts() {
    use ErrorKind::*;
    // gpsd's sample: one deliberately broken fragment line without its '!'.
    let s = sweep("gpsd/sample.aivdm");
    assert_eq!(errors(&s), [(UnknownSentence, 1)]);
    // libais's tag-block example: the g: group is reassembled across an interleaved sentence.
    let s = sweep("libais/tagblock.nmea");
    assert_eq!((s.messages, s.total_errors()), (4, 0));
    // Mixed receiver logs: other NMEA sentences are reported as unknown, nothing else.
    for f in [
        "aislib/replay_dump.txt",
        "aislib/stream_example.txt",
        "pyais/gatehouse.nmea",
        "pyais/timestamped.ais",
    ] {
        let s = sweep(f);
        assert!(s.errors(UnknownSentence) > 0, "{f}");
        assert_eq!(s.total_errors(), s.errors(UnknownSentence), "{f}");
    }
    // Tag blocks with a placeholder checksum: dropped and counted, every sentence decoded.
    let s = sweep("amsa-risky/nmea-timestamped.txt");
    assert_eq!(
        (s.messages, s.errors(BadTagBlock), s.total_errors()),
        (100, 100, 100)
    );
    // Clean feeds.
    for f in [
        "aislib/ais250.txt",
        "aislib/decode_encode_messages.txt",
        "amsa-risky/exact-earth-with-tag-block.txt",
        "libais/typeexamples.nmea",
        "pyais/messages.ais",
    ] {
        assert_eq!(errors(&sweep(f)), [], "{f}");
    }
    // A real day of a coastal receiver: mostly other sentences, very few damaged ones.
    let s = sweep("amsa-risky/ais.txt.gz");
    assert!(s.messages > 30_000);
    let damaged = s.total_errors() - s.errors(UnknownSentence);
    assert!(
        damaged * 100 < s.messages,
        "{damaged} damaged of {}",
        s.messages
    );
}
