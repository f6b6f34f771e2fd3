//! Round trip: random valid messages of every type, encoded here (from the ITU-R M.1371
//! field tables, written independently of the decoder as a list of widths in order),
//! armoured into sentences, decoded by the stream decoder and compared through gpsd's
//! unscaled JSON names.

use interdict_ais::bits::SIXBIT_ASCII;
use interdict_ais::gpsd::{JsonOptions, JsonWriter};
use interdict_ais::StreamDecoder;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::stream::nmea;

#[derive(Clone, Copy)]
enum K {
    /// Unsigned.
    U,
    /// Signed.
    I,
    /// Boolean.
    B,
    /// Six-bit text of this many characters.
    T(usize),
    /// Not shown by gpsd (spare, sequence numbers, ...): random.
    Skip,
    /// A fixed value.
    Fixed(u64),
}

use K::*;

/// (gpsd name, bits, kind)
type F = (&'static str, u32, K);

const POSITION: &[F] = &[
    ("status", 4, U),
    ("turn", 8, I),
    ("speed", 10, U),
    ("accuracy", 1, B),
    ("lon", 28, I),
    ("lat", 27, I),
    ("course", 12, U),
    ("heading", 9, U),
    ("second", 6, U),
    ("maneuver", 2, U),
    ("_", 3, Skip),
    ("raim", 1, B),
    ("radio", 19, U),
];
const BASE: &[F] = &[
    ("year", 14, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("sec", 6, U),
    ("accuracy", 1, B),
    ("lon", 28, I),
    ("lat", 27, I),
    ("epfd", 4, U),
    ("_", 10, Skip),
    ("raim", 1, B),
    ("radio", 19, U),
];
const STATIC: &[F] = &[
    ("ais_version", 2, U),
    ("imo", 30, U),
    ("callsign", 42, T(7)),
    ("shipname", 120, T(20)),
    ("shiptype", 8, U),
    ("to_bow", 9, U),
    ("to_stern", 9, U),
    ("to_port", 6, U),
    ("to_starboard", 6, U),
    ("epfd", 4, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("draught", 8, U),
    ("destination", 120, T(20)),
    ("dte", 1, U),
    ("_", 1, Skip),
];
const ACK: &[F] = &[
    ("_", 2, Skip),
    ("mmsi1", 30, U),
    ("_", 2, Skip),
    ("mmsi2", 30, U),
    ("_", 2, Skip),
    ("mmsi3", 30, U),
    ("_", 2, Skip),
    ("mmsi4", 30, U),
    ("_", 2, Skip),
];
const SAR: &[F] = &[
    ("alt", 12, U),
    ("speed", 10, U),
    ("accuracy", 1, B),
    ("lon", 28, I),
    ("lat", 27, I),
    ("course", 12, U),
    ("second", 6, U),
    ("regional", 8, U),
    ("dte", 1, U),
    ("_", 3, Skip),
    ("_", 1, Skip),
    ("raim", 1, B),
    ("radio", 20, U),
];
const INQUIRY: &[F] = &[("_", 2, Skip), ("dest_mmsi", 30, U), ("_", 2, Skip)];
const INTERROGATION: &[F] = &[
    ("_", 2, Skip),
    ("mmsi1", 30, U),
    ("type1_1", 6, U),
    ("offset1_1", 12, U),
    ("_", 2, Skip),
    ("type1_2", 6, U),
    ("offset1_2", 12, U),
    ("_", 2, Skip),
    ("mmsi2", 30, U),
    ("type2_1", 6, U),
    ("offset2_1", 12, U),
    ("_", 2, Skip),
];
const ASSIGNMENT: &[F] = &[
    ("_", 2, Skip),
    ("mmsi1", 30, U),
    ("offset1", 12, U),
    ("increment1", 10, U),
    ("mmsi2", 30, U),
    ("offset2", 12, U),
    ("increment2", 10, U),
    ("_", 4, Skip),
];
const CLASS_B: &[F] = &[
    ("reserved", 8, U),
    ("speed", 10, U),
    ("accuracy", 1, B),
    ("lon", 28, I),
    ("lat", 27, I),
    ("course", 12, U),
    ("heading", 9, U),
    ("second", 6, U),
    ("regional", 2, U),
    ("cs", 1, B),
    ("display", 1, B),
    ("dsc", 1, B),
    ("band", 1, B),
    ("msg22", 1, B),
    ("_", 1, Skip),
    ("raim", 1, B),
    ("radio", 20, U),
];
const CLASS_B_EXT: &[F] = &[
    ("reserved", 8, U),
    ("speed", 10, U),
    ("accuracy", 1, B),
    ("lon", 28, I),
    ("lat", 27, I),
    ("course", 12, U),
    ("heading", 9, U),
    ("second", 6, U),
    ("regional", 4, U),
    ("shipname", 120, T(20)),
    ("shiptype", 8, U),
    ("to_bow", 9, U),
    ("to_stern", 9, U),
    ("to_port", 6, U),
    ("to_starboard", 6, U),
    ("epfd", 4, U),
    ("raim", 1, B),
    ("dte", 1, U),
    ("assigned", 1, B),
    ("_", 4, Skip),
];
const DATALINK: &[F] = &[
    ("_", 2, Skip),
    ("offset1", 12, U),
    ("number1", 4, U),
    ("timeout1", 3, U),
    ("increment1", 11, U),
    ("offset2", 12, U),
    ("number2", 4, U),
    ("timeout2", 3, U),
    ("increment2", 11, U),
    ("offset3", 12, U),
    ("number3", 4, U),
    ("timeout3", 3, U),
    ("increment3", 11, U),
    ("offset4", 12, U),
    ("number4", 4, U),
    ("timeout4", 3, U),
    ("increment4", 11, U),
];
const ATON: &[F] = &[
    ("aid_type", 5, U),
    ("name", 120, T(20)),
    ("accuracy", 1, B),
    ("lon", 28, I),
    ("lat", 27, I),
    ("to_bow", 9, U),
    ("to_stern", 9, U),
    ("to_port", 6, U),
    ("to_starboard", 6, U),
    ("epfd", 4, U),
    ("second", 6, U),
    ("off_position", 1, B),
    ("regional", 8, U),
    ("raim", 1, B),
    ("virtual_aid", 1, B),
    ("_", 1, Skip),
    ("_", 1, Skip),
];
const CHANNEL_AREA: &[F] = &[
    ("_", 2, Skip),
    ("channel_a", 12, U),
    ("channel_b", 12, U),
    ("txrx", 4, U),
    ("power", 1, B),
    ("ne_lon", 18, I),
    ("ne_lat", 17, I),
    ("sw_lon", 18, I),
    ("sw_lat", 17, I),
    ("addressed", 1, Fixed(0)),
    ("band_a", 1, B),
    ("band_b", 1, B),
    ("zonesize", 3, U),
    ("_", 23, Skip),
];
const CHANNEL_ADDRESSED: &[F] = &[
    ("_", 2, Skip),
    ("channel_a", 12, U),
    ("channel_b", 12, U),
    ("txrx", 4, U),
    ("power", 1, B),
    ("dest1", 30, U),
    ("_", 5, Skip),
    ("dest2", 30, U),
    ("_", 5, Skip),
    ("addressed", 1, Fixed(1)),
    ("band_a", 1, B),
    ("band_b", 1, B),
    ("zonesize", 3, U),
    ("_", 23, Skip),
];
const GROUP: &[F] = &[
    ("_", 2, Skip),
    ("ne_lon", 18, I),
    ("ne_lat", 17, I),
    ("sw_lon", 18, I),
    ("sw_lat", 17, I),
    ("stationtype", 4, U),
    ("shiptype", 8, U),
    ("_", 22, Skip),
    ("_", 2, Skip),
    ("interval", 4, U),
    ("quiet", 4, U),
    ("_", 6, Skip),
];
const LONG_RANGE: &[F] = &[
    ("accuracy", 1, B),
    ("raim", 1, B),
    ("status", 4, U),
    ("lon", 18, I),
    ("lat", 17, I),
    ("speed", 6, U),
    ("course", 9, U),
    ("gnss", 1, B),
    ("_", 1, Skip),
];

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bits(&mut self, n: u32) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() >> (64 - n)
        }
    }
}

#[derive(Default)]
struct Msg {
    bits: Vec<bool>,
    expected: Map<String, Value>,
}

impl Msg {
    fn push(&mut self, v: u64, n: u32) {
        for i in (0..n).rev() {
            self.bits.push((v >> i) & 1 == 1);
        }
    }
    fn text(&mut self, rng: &mut Rng, chars: usize) -> String {
        // No '@' (the terminator) and no trailing space, which gpsd's display drops.
        let mut s = String::new();
        for i in 0..chars {
            let mut v = 1 + rng.bits(6) % 63;
            if i + 1 == chars && v == 32 {
                v = 33;
            }
            self.push(v, 6);
            s.push(char::from(SIXBIT_ASCII[v as usize]));
        }
        s
    }
    fn fields(&mut self, rng: &mut Rng, fields: &[F]) {
        for &(name, n, kind) in fields {
            let v = match kind {
                Fixed(v) => v,
                T(chars) => {
                    let s = self.text(rng, chars);
                    self.expected.insert(name.into(), s.into());
                    continue;
                }
                _ => rng.bits(n),
            };
            self.push(v, n);
            let value = match kind {
                U => json!(v),
                I => json!(((v << (64 - n)) as i64) >> (64 - n)),
                B | Fixed(_) if name == "addressed" => json!(v == 1),
                B => json!(v == 1),
                _ => continue,
            };
            self.expected.insert(name.into(), value);
        }
    }
    /// Random binary data to the end of the message, and gpsd's "bits:hex" of it.
    fn data(&mut self, rng: &mut Rng, max_bits: u64, trailer: usize) {
        let n = rng.bits(16) % (max_bits + 1);
        let start = self.bits.len();
        for _ in 0..n {
            let b = rng.bits(1);
            self.push(b, 1);
        }
        let _ = (start, trailer);
        self.expected.insert("data_bits".into(), json!(n));
    }
    fn take(&mut self, name: &str) -> u64 {
        self.expected
            .remove(name)
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    }
}

/// Builds one random message of type `t`; returns its bits and the expected JSON fields.
fn random_message(t: u8, rng: &mut Rng) -> Msg {
    let mut m = Msg::default();
    let repeat = rng.bits(2);
    // Ordinary MMSIs (not 98xxxxxxx auxiliary craft, whose type 24 B differs).
    let mmsi = 200_000_000 + rng.bits(28) % 500_000_000;
    m.push(u64::from(t), 6);
    m.push(repeat, 2);
    m.push(mmsi, 30);
    m.expected.insert("type".into(), json!(t));
    m.expected.insert("repeat".into(), json!(repeat));
    m.expected.insert("mmsi".into(), json!(mmsi));
    match t {
        1..=3 => m.fields(rng, POSITION),
        4 | 11 => {
            m.fields(rng, BASE);
            let (y, mo, d, h, mi, s) = (
                m.take("year"),
                m.take("month"),
                m.take("day"),
                m.take("hour"),
                m.take("minute"),
                m.take("sec"),
            );
            m.expected.insert(
                "timestamp".into(),
                json!(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")),
            );
        }
        5 => {
            m.fields(rng, STATIC);
            let (mo, d, h, mi) = (
                m.take("month"),
                m.take("day"),
                m.take("hour"),
                m.take("minute"),
            );
            m.expected.insert(
                "eta".into(),
                json!(format!("{mo:02}-{d:02}T{h:02}:{mi:02}Z")),
            );
        }
        6 => {
            // A DAC that has no application decoder, so that the raw data is shown.
            m.fields(
                rng,
                &[
                    ("seqno", 2, U),
                    ("dest_mmsi", 30, U),
                    ("retransmit", 1, B),
                    ("_", 1, Skip),
                ],
            );
            let dac = 300 + rng.bits(9) % 600;
            m.fields(rng, &[("dac", 10, Fixed(dac)), ("fid", 6, U)]);
            let dac = m.bits[72..82]
                .iter()
                .fold(0u64, |a, &b| a * 2 + u64::from(b));
            m.expected.insert("dac".into(), json!(dac));
            m.data(rng, 920, 0);
        }
        7 | 13 => m.fields(rng, ACK),
        8 => {
            let dac = 300 + rng.bits(9) % 600;
            m.fields(
                rng,
                &[("_", 2, Skip), ("dac", 10, Fixed(dac)), ("fid", 6, U)],
            );
            let dac = m.bits[40..50]
                .iter()
                .fold(0u64, |a, &b| a * 2 + u64::from(b));
            m.expected.insert("dac".into(), json!(dac));
            m.data(rng, 952, 0);
        }
        9 => m.fields(rng, SAR),
        10 => m.fields(rng, INQUIRY),
        12 => {
            m.fields(
                rng,
                &[
                    ("seqno", 2, U),
                    ("dest_mmsi", 30, U),
                    ("retransmit", 1, B),
                    ("_", 1, Skip),
                ],
            );
            let chars = (rng.bits(8) % 150) as usize;
            let s = m.text(rng, chars);
            m.expected.insert("text".into(), s.into());
        }
        14 => {
            m.fields(rng, &[("_", 2, Skip)]);
            let chars = (rng.bits(8) % 150) as usize;
            let s = m.text(rng, chars);
            m.expected.insert("text".into(), s.into());
        }
        15 => m.fields(rng, INTERROGATION),
        16 => m.fields(rng, ASSIGNMENT),
        17 => {
            m.fields(
                rng,
                &[
                    ("_", 2, Skip),
                    ("lon", 18, I),
                    ("lat", 17, I),
                    ("_", 5, Skip),
                ],
            );
            m.data(rng, 736, 0);
        }
        18 => m.fields(rng, CLASS_B),
        19 => m.fields(rng, CLASS_B_EXT),
        20 => m.fields(rng, DATALINK),
        21 => m.fields(rng, ATON),
        22 => {
            let layout = if rng.bits(1) == 1 {
                CHANNEL_AREA
            } else {
                CHANNEL_ADDRESSED
            };
            m.fields(rng, layout);
        }
        23 => m.fields(rng, GROUP),
        25 | 26 => {
            let addressed = rng.bits(1);
            let structured = rng.bits(1);
            m.fields(
                rng,
                &[
                    ("addressed", 1, Fixed(addressed)),
                    ("structured", 1, Fixed(structured)),
                ],
            );
            m.expected
                .insert("structured".into(), json!(structured == 1));
            if addressed == 1 {
                m.fields(rng, &[("dest_mmsi", 30, U)]);
            }
            if structured == 1 {
                m.fields(rng, &[("app_id", 16, U)]);
            }
            let used = m.bits.len() as u64;
            let max = if t == 25 { 168 - used } else { 1044 - used };
            m.data(rng, max, 0);
            if t == 26 {
                m.fields(rng, &[("radio", 20, U)]);
            }
        }
        27 => m.fields(rng, LONG_RANGE),
        _ => unreachable!(),
    }
    m
}

/// Armours a bit string into one or more sentences (at most 60 characters each).
fn sentences(bits: &[bool], seq: u8, channel: char) -> Vec<String> {
    let mut chars = String::new();
    for chunk in bits.chunks(6) {
        let mut v = 0u8;
        for i in 0..6 {
            v = v << 1 | u8::from(chunk.get(i).copied().unwrap_or(false));
        }
        chars.push(char::from(interdict_ais::bits::armour(v)));
    }
    let fill = (6 - bits.len() % 6) % 6;
    let parts: Vec<&str> = chars
        .as_bytes()
        .chunks(60)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let total = parts.len();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let fill = if i + 1 == total { fill } else { 0 };
            let seq = if total > 1 {
                seq.to_string()
            } else {
                String::new()
            };
            nmea(&format!(
                "AIVDM,{total},{},{seq},{channel},{p},{fill}",
                i + 1
            ))
        })
        .collect()
}

fn decode_all(input: &str) -> Vec<Map<String, Value>> {
    let mut dec = StreamDecoder::new(input.as_bytes());
    let mut w = JsonWriter::new(JsonOptions {
        scaled: false,
        device: None,
    });
    let mut out = Vec::new();
    let mut all = Vec::new();
    while let Some(r) = dec.next_message() {
        let d = r.unwrap_or_else(|e| panic!("{e}: {input}"));
        out.clear();
        if w.write(&d.message, &mut out) {
            match serde_json::from_slice(&out).unwrap() {
                Value::Object(m) => all.push(m),
                _ => panic!("not an object"),
            }
        }
    }
    assert_eq!(dec.stats().total_errors(), 0);
    all
}

fn check(expected: &Map<String, Value>, got: &Map<String, Value>) {
    for (k, v) in expected {
        if k == "data_bits" {
            let data = got["data"].as_str().unwrap();
            let (n, hex) = data.split_once(':').unwrap();
            assert_eq!(n.parse::<u64>().ok(), v.as_u64(), "data bit count");
            assert_eq!(hex.len() as u64, v.as_u64().unwrap().div_ceil(8) * 2);
            continue;
        }
        assert_eq!(got.get(k), Some(v), "field {k} of {got:?}");
    }
}

const TYPES: [u8; 26] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 25, 26, 27,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_type_round_trips(t in proptest::sample::select(TYPES.to_vec()), seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let m = random_message(t, &mut rng);
        let input = sentences(&m.bits, (seed % 10) as u8, if seed & 1 == 0 { 'A' } else { 'B' }).join("\n");
        let got = decode_all(&input);
        prop_assert_eq!(got.len(), 1);
        check(&m.expected, &got[0]);
    }

    #[test]
    fn type_24_parts_round_trip(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let mmsi = 200_000_000 + rng.bits(28) % 500_000_000;
        let mut a = Msg::default();
        a.push(24, 6);
        a.push(0, 2);
        a.push(mmsi, 30);
        a.push(0, 2);
        let name = a.text(&mut rng, 20);
        let mut b = Msg::default();
        b.push(24, 6);
        b.push(0, 2);
        b.push(mmsi, 30);
        b.push(1, 2);
        b.fields(&mut rng, &[("shiptype", 8, U), ("_vendor", 18, Skip), ("model", 4, U), ("serial", 20, U)]);
        b.fields(&mut rng, &[("callsign", 42, T(7)), ("to_bow", 9, U), ("to_stern", 9, U), ("to_port", 6, U), ("to_starboard", 6, U), ("_", 6, Skip)]);
        let input = [sentences(&a.bits, 0, 'A'), sentences(&b.bits, 0, 'A')].concat().join("\n");
        let got = decode_all(&input);
        prop_assert_eq!(got.len(), 1);
        b.expected.insert("shipname".into(), name.into());
        b.expected.insert("mmsi".into(), json!(mmsi));
        check(&b.expected, &got[0]);
    }

    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec("[!\\\\A-Za-z0-9,*:.@`;<>=?-]{0,90}", 0..20)) {
        let input = lines.join("\n");
        let mut dec = StreamDecoder::new(input.as_bytes());
        while dec.next_message().is_some() {}
    }
}
