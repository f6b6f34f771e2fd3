//! The push-style line decoder: the same messages, errors and counts as the stream
//! decoder over the same lines, and receive times as message times.

use std::io::Read;

use interdict_ais::{ErrorKind, LineDecoder, StreamDecoder};

use crate::data;
use crate::stream::{nmea, tag};

/// (type, MMSI, source, time, sentences) of each message, or the error kind.
type Item = Result<(u8, u32, Option<String>, Option<i64>, u8), ErrorKind>;

fn read(rel: &str) -> Vec<u8> {
    let mut bytes = std::fs::read(data(rel)).unwrap();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .unwrap();
        bytes = plain;
    }
    bytes
}

fn by_stream(bytes: &[u8]) -> (Vec<Item>, interdict_ais::Stats) {
    let mut dec = StreamDecoder::new(bytes);
    let mut out = Vec::new();
    while let Some(r) = dec.next_message() {
        out.push(
            r.map(|d| {
                let m = d.meta;
                let h = d.message.header;
                (
                    h.msg_type,
                    h.mmsi,
                    m.source.map(str::to_owned),
                    m.time,
                    m.sentences,
                )
            })
            .map_err(|e| e.kind()),
        );
    }
    (out, dec.stats().clone())
}

fn by_lines(bytes: &[u8]) -> (Vec<Item>, interdict_ais::Stats) {
    let mut dec = LineDecoder::new();
    let mut out = Vec::new();
    // Lines keep their endings (split_inclusive), as a socket reader would hand them over.
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let mut items = dec.push(line, None);
        while let Some(r) = items.next() {
            out.push(
                r.map(|d| {
                    let m = d.meta;
                    let h = d.message.header;
                    (
                        h.msg_type,
                        h.mmsi,
                        m.source.map(str::to_owned),
                        m.time,
                        m.sentences,
                    )
                })
                .map_err(|e| e.kind()),
            );
        }
    }
    dec.finish();
    (out, dec.stats().clone())
}

#[test]
fn same_as_stream_decoder_on_the_corpus() {
    for rel in [
        "gpsd/sample.aivdm",
        "gpsd/ais-nmea-type6-fid55.log",
        "libais/tagblock.nmea",
        "libais/test.aivdm",
        "amsa-risky/exact-earth-with-tag-block.txt",
        "amsa-risky/nmea-timestamped.txt",
        "amsa-risky/ais.txt.gz",
        "gfw-ais-tools/multi-part.nmea",
        "gfw-ais-tools/errors.nmea",
        "gfw-ais-tools/bad-tagblock-group.nmea",
        "aislib/stream_example.txt",
        "pyais/mixed.txt",
    ] {
        let bytes = read(rel);
        let (a, sa) = by_stream(&bytes);
        let (b, sb) = by_lines(&bytes);
        assert!(!a.is_empty(), "{rel}");
        assert_eq!(a, b, "{rel}");
        assert_eq!(sa, sb, "{rel}");
    }
}

#[test]
fn receive_time_is_the_message_time_unless_a_tag_block_gives_one() {
    let pos = nmea("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0");
    let mut dec = LineDecoder::new();
    let mut items = dec.push(pos.as_bytes(), Some(1_700_000_000));
    let d = items.next().unwrap().unwrap();
    assert_eq!(
        (d.message.header.mmsi, d.meta.time),
        (371798000, Some(1_700_000_000))
    );
    assert!(items.next().is_none());

    let tagged = format!("{}{pos}\r\n", tag("s:rx1,c:1600000000"));
    let mut items = dec.push(tagged.as_bytes(), Some(1_700_000_000));
    let d = items.next().unwrap().unwrap();
    assert_eq!(d.meta.time, Some(1_600_000_000));
    assert_eq!(d.meta.source, Some("rx1"));

    let mut items = dec.push(pos.as_bytes(), None);
    assert_eq!(items.next().unwrap().unwrap().meta.time, None);
    assert_eq!(dec.stats().messages, 3);
    assert_eq!(dec.stats().lines, 3);
}

#[test]
fn fragments_across_pushes_errors_and_blank_lines() {
    // A type 5 message in two fragments (from gpsd's sample).
    let a = nmea("AIVDM,2,1,3,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0");
    let b = nmea("AIVDM,2,2,3,A,88888888880,2");
    let mut dec = LineDecoder::new();
    assert!(dec.push(a.as_bytes(), Some(10)).next().is_none());
    assert!(dec.push(b"   \n", Some(11)).next().is_none());
    assert!(dec.push(b"# comment", Some(11)).next().is_none());
    let mut items = dec.push(b.as_bytes(), Some(12));
    let d = items.next().unwrap().unwrap();
    assert_eq!(d.message.header.msg_type, 5);
    // The message time is the first fragment's.
    assert_eq!((d.meta.time, d.meta.sentences), (Some(10), 2));
    // A bad checksum, then a fragment left alone at the end.
    let bad = format!("{}ZZ", &a[..a.len() - 2]);
    let mut items = dec.push(bad.as_bytes(), Some(13));
    assert_eq!(
        items.next().unwrap().unwrap_err().kind(),
        ErrorKind::MalformedSentence
    );
    assert!(dec.push(a.as_bytes(), Some(14)).next().is_none());
    dec.finish();
    let s = dec.stats();
    assert_eq!((s.lines, s.skipped_lines, s.messages), (6, 2, 1));
    assert_eq!(s.errors(ErrorKind::FragmentTimeout), 1);
    assert_eq!(s.errors(ErrorKind::MalformedSentence), 1);
}

#[test]
fn several_sentences_on_one_pushed_line_and_early_drop() {
    let pos = nmea("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0");
    let line = format!("{pos}{pos}{pos}");
    let mut dec = LineDecoder::new();
    let mut items = dec.push(line.as_bytes(), None);
    let mut n = 0;
    while let Some(r) = items.next() {
        r.unwrap();
        n += 1;
    }
    assert_eq!(n, 3);
    // Dropping the items early skips the rest of that line only.
    let mut items = dec.push(line.as_bytes(), None);
    assert!(items.next().unwrap().is_ok());
    let _ = items;
    let mut items = dec.push(pos.as_bytes(), None);
    assert!(items.next().unwrap().is_ok());
    assert!(items.next().is_none());
    assert_eq!(dec.stats().messages, 5);
}
