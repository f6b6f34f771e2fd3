//! gpsd's own regression data: our JSON equals gpsd's, field by field.

use interdict_ais::gpsd::JsonOptions;
use serde_json::Value;

use crate::{data, decode_json};
use interdict_ais::gpsd::JsonWriter;
use interdict_ais::{Error, Message, Reassembler, Sentence};

/// Differences from gpsd made on purpose (see docs/ais.md): (type, MMSI or 0 for all, field).
const DELIBERATE: &[(u64, u64, &str)] = &[
    // gpsd 3.20 never decodes the radio status of type 26 and always prints 0.
    (26, 0, "radio"),
    // A 163-bit type 1 (fill bits 5 on 28 characters): we read the missing bits of the
    // radio field as zeros; gpsd right-aligns what is left.
    (1, 244740981, "radio"),
];

/// Compares decoded JSON lines with gpsd's, field by field.
fn compare_lines(got: &[String], expected: &[String]) {
    let mut failures = Vec::new();
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        let gv: Value =
            serde_json::from_str(g).unwrap_or_else(|err| panic!("line {i}: {err}: {g}"));
        let ev: Value = serde_json::from_str(e).unwrap();
        let (Value::Object(go), Value::Object(eo)) = (&gv, &ev) else {
            panic!("not objects")
        };
        if go.is_empty() || eo.is_empty() {
            if go.len() != eo.len() {
                failures.push(format!("message {i}: ours {g}, gpsd {e}"));
            }
            continue;
        }
        for (k, v) in eo {
            let ty = eo["type"].as_u64().unwrap_or(0);
            match go.get(k) {
                Some(gvv) if gvv == v => {}
                Some(_)
                    if DELIBERATE.iter().any(|&(t, m, f)| {
                        t == ty && (m == 0 || Some(m) == eo["mmsi"].as_u64()) && f == k
                    }) => {}
                Some(gvv)
                    if gvv.as_f64().is_some()
                        && gvv.as_f64() == v.as_f64()
                        && gvv.is_f64() == v.is_f64() => {}
                other => failures.push(format!(
                    "message {i} type {} mmsi {} field {k}: got {other:?}, gpsd {v}",
                    eo["type"], eo["mmsi"]
                )),
            }
        }
        for k in go.keys() {
            if !eo.contains_key(k) {
                failures.push(format!("message {i} type {}: extra field {k}", eo["type"]));
            }
        }
    }
    failures.truncate(60);
    assert!(failures.is_empty(), "differences:\n{}", failures.join("\n"));
    assert_eq!(got.len(), expected.len(), "number of messages");
}

fn compare(input: &str, expected: &str, opts: JsonOptions) {
    let input = std::fs::read(data(input)).unwrap();
    let expected = std::fs::read_to_string(data(expected)).unwrap();
    let expected: Vec<String> = expected
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(str::to_owned)
        .collect();
    let got = decode_json(&input, opts);
    compare_lines(&got, &expected);
}

/// gpsd's daemon logs echo each input sentence before the JSON it produced: decode the
/// sentences one by one and pair each output with the JSON that follows its sentence.
fn compare_log(chk: &str, opts: JsonOptions) {
    let chk = std::fs::read_to_string(data(chk)).unwrap();
    let mut reasm = Reassembler::default();
    let mut w = JsonWriter::new(opts);
    let (mut got, mut expected) = (Vec::new(), Vec::new());
    let mut pending: Option<String> = None;
    let mut out = Vec::new();
    for line in chk.lines() {
        if line.starts_with('{') {
            // Pair gpsd's output with ours for the same input; an absent one is an empty object.
            let ours = pending.take().unwrap_or_else(|| "{}".to_owned());
            if ours == "SKIP" {
                continue;
            }
            expected.push(line.to_owned());
            got.push(ours);
            continue;
        }
        if let Some(p) = pending.take().filter(|p| p != "SKIP") {
            // We produced a message where gpsd produced none.
            got.push(p);
            expected.push("{}".to_owned());
        }
        let Ok(s) = Sentence::parse(line.as_bytes()) else {
            continue;
        };
        if let Ok(true) = reasm.push_sentence(&s, None) {
            match Message::decode(reasm.assembled().bits) {
                Ok(m) => {
                    out.clear();
                    if w.write(&m, &mut out) {
                        pending = Some(
                            String::from_utf8(out.clone())
                                .unwrap()
                                .trim_end()
                                .to_owned(),
                        );
                    }
                }
                // Deliberate: position reports longer than a slot are rejected (gpsd
                // decodes them); pass gpsd's output through so the pairing holds.
                Err(Error::PayloadTooLong {
                    msg_type: 1..=3, ..
                }) => {
                    pending = Some("SKIP".to_owned());
                }
                Err(_) => {}
            }
        }
    }
    compare_lines(&got, &expected);
}

#[test]
fn sample_aivdm_scaled() {
    compare(
        "gpsd/sample.aivdm",
        "gpsd/sample.aivdm.js.chk",
        JsonOptions::default(),
    );
}

#[test]
fn sample_aivdm_unscaled() {
    compare(
        "gpsd/sample.aivdm",
        "gpsd/sample.aivdm.ju.chk",
        JsonOptions {
            scaled: false,
            ..JsonOptions::default()
        },
    );
}

#[test]
fn type6_fid55_log() {
    compare_log(
        "gpsd/ais-nmea-type6-fid55.log.chk",
        JsonOptions {
            scaled: false,
            device: None,
        },
    );
}

#[test]
fn unpack_sixbit_log() {
    compare_log(
        "gpsd/ais_unpack_sixbit.log.chk",
        JsonOptions {
            scaled: false,
            device: None,
        },
    );
}

/// Re-armours gpsd's type 9 sample with another altitude, as a whole sentence.
fn type9_with_alt(alt: u16) -> String {
    let payload = b"91b55wi;hbOS@OdQAC062Ch2089h";
    let mut bits: Vec<u8> = payload
        .iter()
        .flat_map(|&c| {
            let mut v = c - 48;
            if v > 40 {
                v -= 8;
            }
            (0..6).rev().map(move |i| (v >> i) & 1)
        })
        .collect();
    for i in 0..12 {
        bits[38 + i] = ((alt >> (11 - i)) & 1) as u8;
    }
    let armoured: String = bits
        .chunks(6)
        .map(|c| {
            let v = c.iter().fold(0u8, |a, &b| a << 1 | b);
            char::from(if v < 40 { v + 48 } else { v + 56 })
        })
        .collect();
    let body = format!("AIVDM,1,1,,B,{armoured},0");
    let cs = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("!{body}*{cs:02X}\n")
}

/// gpsd prints a type 9 altitude of 4095 as "nan" and 4094 as "high" when scaled, and
/// the raw number when unscaled.
#[test]
fn type9_altitude_not_available_and_high_as_gpsd() {
    for (alt, scaled, unscaled) in [
        (303, Value::from(303), Value::from(303)),
        (4093, Value::from(4093), Value::from(4093)),
        (4094, Value::from("high"), Value::from(4094)),
        (4095, Value::from("nan"), Value::from(4095)),
    ] {
        let line = type9_with_alt(alt);
        for (opts, want) in [
            (JsonOptions::default(), &scaled),
            (
                JsonOptions {
                    scaled: false,
                    ..JsonOptions::default()
                },
                &unscaled,
            ),
        ] {
            let out = decode_json(line.as_bytes(), opts);
            assert_eq!(out.len(), 1, "{line}");
            let v: Value = serde_json::from_str(&out[0]).unwrap();
            assert_eq!(&v["alt"], want, "alt {alt}: {}", out[0]);
            assert_eq!(v["mmsi"], 111232511);
        }
    }
}
