//! Sentence parsing and reassembly, case by case.

use interdict_ais::{
    decode_sentence, BitBuf, Body, Error, ErrorKind, ReassemblyLimits, Sentence, SentenceKind,
    StreamDecoder, StreamOptions,
};

/// Builds `!{talker}{kind},{fields}*hh` with a correct checksum.
pub fn nmea(body: &str) -> String {
    let cs = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("!{body}*{cs:02X}")
}

/// Builds a tag block with a correct checksum.
pub fn tag(body: &str) -> String {
    let cs = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("\\{body}*{cs:02X}\\")
}

const POS: &str = "15RTgt0PAso;90TKcjM8h6g208CQ";
// A type 5 message in two fragments (from gpsd's sample).
const T5A: &str = "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8";
const T5B: &str = "88888888880";

/// (type, MMSI, source, time) of each message, or the error kind.
type Outcome = Result<(u8, u32, Option<String>, Option<i64>), ErrorKind>;

fn run(input: &str, opts: StreamOptions) -> (Vec<Outcome>, interdict_ais::Stats) {
    let mut dec = StreamDecoder::with_options(input.as_bytes(), opts);
    let mut out = Vec::new();
    while let Some(r) = dec.next_message() {
        out.push(
            r.map(|d| {
                (
                    d.message.header.msg_type,
                    d.message.header.mmsi,
                    d.meta.source.map(str::to_owned),
                    d.meta.time,
                )
            })
            .map_err(|e| e.kind()),
        );
    }
    (out, dec.stats().clone())
}

#[test]
fn talkers_vdo_prefix_and_trailing_fields() {
    for talker in ["AI", "AB", "BS", "SA", "AN"] {
        let line = nmea(&format!("{talker}VDM,1,1,,A,{POS},0"));
        let s = Sentence::parse(line.as_bytes()).unwrap();
        assert_eq!(&s.talker, talker.as_bytes());
        assert_eq!(s.kind, SentenceKind::Vdm);
    }
    let line = nmea(&format!("AIVDO,1,1,,,{POS},0"));
    let s = Sentence::parse(line.as_bytes()).unwrap();
    assert_eq!((s.kind, s.channel), (SentenceKind::Vdo, None));
    // Receiver prefix and trailing receiver fields.
    let line = format!(
        "2024-01-01 00:00:00 {},rxA,1704067200",
        nmea(&format!("AIVDM,1,1,,B,{POS},0"))
    );
    let mut buf = BitBuf::new();
    let m = decode_sentence(line.as_bytes(), &mut buf).unwrap();
    assert_eq!(m.header.mmsi, 371798000);
}

#[test]
fn checksum_armour_and_fill_bits() {
    let good = nmea(&format!("AIVDM,1,1,,A,{POS},0"));
    let mut bad = good.clone();
    bad.replace_range(good.len() - 2.., "00");
    let mut buf = BitBuf::new();
    assert!(matches!(
        decode_sentence(bad.as_bytes(), &mut buf),
        Err(Error::BadChecksum { .. })
    ));
    let armour = nmea("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208C~,0");
    assert_eq!(
        decode_sentence(armour.as_bytes(), &mut buf).unwrap_err(),
        Error::InvalidArmour { byte: b'~' }
    );
    // Fill bits shorten the message: 28 characters with 5 fill bits are 163 bits.
    let short = nmea(&format!("AIVDM,1,1,,A,{},0", &POS[..20]));
    assert!(matches!(
        decode_sentence(short.as_bytes(), &mut buf),
        Err(Error::PayloadTooShort {
            msg_type: 1,
            bits: 120
        })
    ));
    let filled = nmea(&format!("AIVDM,1,1,,A,{POS},5"));
    decode_sentence(filled.as_bytes(), &mut buf).unwrap();
    assert_eq!(buf.len(), 163);
    assert_eq!(
        decode_sentence(b"$GPGGA,1,2,3*00", &mut buf).unwrap_err(),
        Error::UnknownSentence
    );
    let unknown_type = nmea("AIVDM,1,1,,A,w000000000,0");
    assert_eq!(
        decode_sentence(unknown_type.as_bytes(), &mut buf).unwrap_err(),
        Error::UnknownMessageType(63)
    );
}

#[test]
fn tag_block_fields() {
    let line = format!(
        "{}{}",
        tag("s:rORBCOMM008,c:1418169601,g:1-2-1604,n:12,t:hello,T:x"),
        nmea(&format!("AIVDM,1,1,,A,{POS},0"))
    );
    let s = Sentence::parse(line.as_bytes()).unwrap();
    let t = s.tag.unwrap();
    assert_eq!(t.source, Some("rORBCOMM008"));
    assert_eq!(t.time, Some(1418169601));
    assert_eq!(
        t.group.map(|g| (g.sentence, g.total, g.id)),
        Some((1, 2, 1604))
    );
    assert_eq!((t.line_count, t.text), (Some(12), Some("hello")));
    assert!(t.fields().any(|f| f == ("T", "x")));
    // Milliseconds are accepted for c:.
    let line = format!(
        "{}{}",
        tag("c:1599239526500"),
        nmea(&format!("AIVDM,1,1,,A,{POS},0"))
    );
    assert_eq!(
        Sentence::parse(line.as_bytes()).unwrap().tag.unwrap().time,
        Some(1599239526)
    );
}

#[test]
fn two_fragments_interleaved_by_channel_and_source() {
    let a1 = nmea(&format!("AIVDM,2,1,3,A,{T5A},0"));
    let b1 = nmea(&format!("AIVDM,2,1,3,B,{T5A},0"));
    let a2 = nmea(&format!("AIVDM,2,2,3,A,{T5B},2"));
    let b2 = nmea(&format!("AIVDM,2,2,3,B,{T5B},2"));
    let pos = nmea(&format!("AIVDM,1,1,,A,{POS},0"));
    let input = [a1, b1, pos.clone(), b2, a2].join("\n");
    let (out, stats) = run(&input, StreamOptions::default());
    let types: Vec<_> = out
        .iter()
        .map(|r| r.as_ref().map(|m| m.0).unwrap())
        .collect();
    assert_eq!(types, [1, 5, 5]);
    assert_eq!(stats.total_errors(), 0);
    // Same channel and sequence id, different sources: two messages.
    let s1 = format!(
        "{}{}",
        tag("s:one"),
        nmea(&format!("AIVDM,2,1,3,A,{T5A},0"))
    );
    let s2 = format!(
        "{}{}",
        tag("s:two"),
        nmea(&format!("AIVDM,2,1,3,A,{T5A},0"))
    );
    let e1 = format!(
        "{}{}",
        tag("s:one"),
        nmea(&format!("AIVDM,2,2,3,A,{T5B},2"))
    );
    let e2 = format!(
        "{}{}",
        tag("s:two"),
        nmea(&format!("AIVDM,2,2,3,A,{T5B},2"))
    );
    let (out, stats) = run(&[s1, s2, e2, e1].join("\n"), StreamOptions::default());
    let sources: Vec<_> = out
        .iter()
        .map(|r| r.as_ref().unwrap().2.clone().unwrap())
        .collect();
    assert_eq!(sources, ["two", "one"]);
    assert_eq!(stats.total_errors(), 0);
}

#[test]
fn orphan_duplicate_and_timeout() {
    use ErrorKind::*;
    let f1 = nmea(&format!("AIVDM,2,1,3,A,{T5A},0"));
    let f2 = nmea(&format!("AIVDM,2,2,3,A,{T5B},2"));
    // Orphan: a second fragment alone.
    let (out, _) = run(&f2, StreamOptions::default());
    assert_eq!(out, [Err(OrphanFragment)]);
    // Duplicate: three-part message with its first fragment twice is a restart; the
    // second fragment twice is a duplicate.
    let p1 = nmea(&format!("AIVDM,3,1,4,A,{T5A},0"));
    let p2 = nmea("AIVDM,3,2,4,A,8888,0");
    let p3 = nmea("AIVDM,3,3,4,A,8888888,2");
    let (out, _) = run(
        &[p1, p2.clone(), p2, p3].join("\n"),
        StreamOptions::default(),
    );
    assert_eq!(out[0], Err(DuplicateFragment));
    assert_eq!(out[1].as_ref().map(|m| m.0), Ok(5));
    // Timeout by receive time: the second fragment comes 120 s after the first.
    let t1 = format!("{}{f1}", tag("c:1000"));
    let t2 = format!("{}{f2}", tag("c:1120"));
    let (out, stats) = run(&[t1.clone(), t2].join("\n"), StreamOptions::default());
    assert_eq!(out, [Err(OrphanFragment)]);
    assert_eq!(stats.errors(FragmentTimeout), 1);
    // Within the timeout it completes, and carries the first fragment's time.
    let t2 = format!("{}{f2}", tag("c:1010"));
    let (out, _) = run(&[t1, t2].join("\n"), StreamOptions::default());
    assert_eq!(out[0].as_ref().unwrap().3, Some(1000));
    // Timeout by sentence count, without any time.
    let limits = ReassemblyLimits {
        max_age_sentences: 2,
        ..ReassemblyLimits::default()
    };
    let pos = nmea(&format!("AIVDM,1,1,,B,{POS},0"));
    let input = [f1.clone(), pos.clone(), pos.clone(), pos, f2.clone()].join("\n");
    let (out, stats) = run(
        &input,
        StreamOptions {
            limits,
            ..StreamOptions::default()
        },
    );
    assert_eq!(out.last(), Some(&Err(OrphanFragment)));
    assert_eq!(stats.errors(FragmentTimeout), 1);
    // A message never finished is counted at the end of input.
    let (_, stats) = run(&f1, StreamOptions::default());
    assert_eq!(stats.errors(FragmentTimeout), 1);
}

#[test]
fn bounded_number_of_partials() {
    let limits = ReassemblyLimits {
        max_partials: 4,
        ..ReassemblyLimits::default()
    };
    let mut lines: Vec<String> = (0..10)
        .map(|i| nmea(&format!("AIVDM,2,1,{i},A,{T5A},0")))
        .collect();
    lines.extend((0..10).map(|i| nmea(&format!("AIVDM,2,2,{i},A,{T5B},2"))));
    let (out, stats) = run(
        &lines.join("\n"),
        StreamOptions {
            limits,
            ..StreamOptions::default()
        },
    );
    let done = out.iter().filter(|r| r.is_ok()).count();
    assert_eq!(done, 4, "only the last four partial messages were kept");
    assert_eq!(stats.errors(ErrorKind::FragmentTimeout), 6);
    assert_eq!(stats.errors(ErrorKind::OrphanFragment), 6);
}

#[test]
fn tag_block_groups_and_several_sentences_per_line() {
    let g1 = format!(
        "{}{}",
        tag("g:1-2-77,s:x,c:5"),
        nmea(&format!("AIVDM,2,1,1,A,{T5A},0"))
    );
    let g2 = format!(
        "{}{}",
        tag("g:2-2-77"),
        nmea(&format!("AIVDM,2,2,1,A,{T5B},2"))
    );
    let (out, stats) = run(&format!("{g1}{g2}\n"), StreamOptions::default());
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].as_ref().unwrap().0, 5);
    assert_eq!(out[0].as_ref().unwrap().2.as_deref(), Some("x"));
    assert_eq!(stats.sentences, 2);
}

#[test]
fn position_fields_and_not_available() {
    let line = nmea("AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0");
    let mut buf = BitBuf::new();
    let m = decode_sentence(line.as_bytes(), &mut buf).unwrap();
    let Body::Position(p) = m.body else {
        panic!("not a position")
    };
    assert_eq!(p.speed(), Some(12.3));
    assert!((p.lon().unwrap() + 123.395383).abs() < 1e-6);
    assert!((p.lat().unwrap() - 48.381633).abs() < 1e-6);
    assert_eq!((p.course(), p.heading()), (Some(224.0), Some(215)));
    assert_eq!(
        p.turn_rate(),
        None,
        "fast left is a direction without a rate"
    );
    let line = nmea("AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0");
    let m = decode_sentence(line.as_bytes(), &mut buf).unwrap();
    let Body::Position(p) = m.body else {
        panic!("not a position")
    };
    assert_eq!(p.heading(), None, "511 is not available");
}

#[test]
fn regression_extreme_tag_times_and_short_aid_to_navigation() {
    // c: at the limits of i64, and partial messages compared across them.
    let f1 = format!(
        "{}{}",
        tag("c:-9223372036854775808"),
        nmea(&format!("AIVDM,2,1,3,A,{T5A},0"))
    );
    let f2 = format!(
        "{}{}",
        tag("c:9223372036854775807"),
        nmea(&format!("AIVDM,2,2,3,A,{T5B},2"))
    );
    let (out, stats) = run(&[f1, f2].join("\n"), StreamOptions::default());
    assert_eq!(out, [Err(ErrorKind::OrphanFragment)]);
    assert_eq!(stats.errors(ErrorKind::FragmentTimeout), 1);
    // A type 21 of 270 bits: shorter than its 272 bits of fixed fields, within the tolerance.
    let mut bits = BitBuf::new();
    bits.push_bits(21, 6);
    for _ in 0..264 {
        bits.push_bits(0, 1);
    }
    let m = interdict_ais::Message::decode(&bits).unwrap();
    let Body::AidToNavigation(a) = m.body else {
        panic!("not type 21")
    };
    assert!(a.name_ext.is_empty());
}
