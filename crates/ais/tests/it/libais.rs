//! libais's example pairs: every value that both schemas carry agrees, and tag-block values
//! agree with ours.

use interdict_ais::gpsd::{JsonOptions, JsonWriter};
use interdict_ais::message::StaticData;
use interdict_ais::{Body, StreamDecoder};
use serde_json::{Map, Value};

use crate::data;

/// Fields that libais names like gpsd but means differently (see docs/ais.md).
const DIFFERENT_MEANING: &[&str] = &[
    // libais: the receive time from the tag block or the trailing fields; gpsd: the
    // message's own time (type 4/11 date, met data day/hour/minute).
    "timestamp",
    // libais gives turn in degrees/minute as a float or null; gpsd gives text or a rounded value.
    "turn",
    "device",
    "class",
    "scaled",
];

/// Values that differ on purpose, by (type, field), with the reason (see docs/ais.md).
const KNOWN: &[(u64, &str, &str)] = &[
    (21, "name", "libais maps six-bit values 31 and 39 to '-' and '`'; ITU-R M.1371 and gpsd give '_' and '\''"),
    (9, "speed", "type 9 speed is in whole knots (ITU-R M.1371, gpsd); libais divides it by ten"),
    (6, "retransmit", "libais reports the inverse of the retransmit bit; gpsd and we report the bit"),
    (27, "gnss", "libais reports the inverse of the GNSS position status bit; gpsd and we report the bit"),
];

/// Positions that gpsd's schema prints with fewer decimals: (type, tolerance).
const COARSE: &[(u64, f64)] = &[(17, 0.05), (27, 0.05)];

fn agree(ours: &Value, theirs: &Value, tolerance: f64) -> bool {
    match (ours, theirs) {
        // gpsd prints type 22/23 corners as strings.
        (Value::String(a), Value::Number(b)) if a.parse::<f64>().is_ok() => {
            (a.parse::<f64>().unwrap_or(f64::NAN) - b.as_f64().unwrap_or(f64::NAN)).abs() <= 1e-4
        }
        (Value::Number(a), Value::Number(b)) if tolerance > 0.0 => {
            (a.as_f64().unwrap_or(f64::NAN) - b.as_f64().unwrap_or(f64::NAN)).abs() <= tolerance
        }
        (a, b) if a == b => true,
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            // libais stores floats in single precision.
            (a - b).abs() <= 1e-4 * a.abs().max(1.0)
        }
        // libais prints the IMO number as a string.
        (Value::Number(a), Value::String(b)) => b.parse::<f64>().ok() == a.as_f64(),
        // Text fields: libais keeps trailing '@' padding and spaces in some.
        (Value::String(a), Value::String(b)) => a == b.trim_end_matches(['@', ' ']),
        // gpsd's boolean flags are 0/1 in libais for some fields.
        (Value::Bool(a), Value::Number(b)) => b.as_u64() == Some(u64::from(*a)),
        (Value::Number(a), Value::Bool(b)) => a.as_u64() == Some(u64::from(*b)),
        _ => false,
    }
}

/// A decoded message as gpsd JSON, with its tag-block source and time.
type Ours = (Map<String, Value>, Option<(Option<String>, Option<i64>)>);

fn ours_as_map(input: &[u8]) -> Vec<Ours> {
    let mut dec = StreamDecoder::new(input);
    let mut w = JsonWriter::new(JsonOptions::default());
    let mut out = Vec::new();
    let mut all = Vec::new();
    while let Some(r) = dec.next_message() {
        let d = r.unwrap();
        out.clear();
        let map = if w.write(&d.message, &mut out) {
            match serde_json::from_slice(&out).unwrap() {
                Value::Object(m) => m,
                _ => panic!("not an object"),
            }
        } else {
            // Type 24 part A, which gpsd's schema folds into part B.
            let mut m = Map::new();
            if let Body::StaticData(StaticData::A { shipname }) = d.message.body {
                m.insert("type".into(), 24.into());
                m.insert("mmsi".into(), d.message.header.mmsi.into());
                m.insert("shipname".into(), shipname.to_string().into());
            }
            m
        };
        all.push((map, Some((d.meta.source.map(str::to_owned), d.meta.time))));
    }
    all
}

#[test]
fn typeexamples_values_agree() {
    let input = std::fs::read(data("libais/typeexamples.nmea")).unwrap();
    let expected = std::fs::read_to_string(data("libais/typeexamples.json")).unwrap();
    let ours = ours_as_map(&input);
    let theirs: Vec<Map<String, Value>> = expected
        .lines()
        .map(|l| match serde_json::from_str(l).unwrap() {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        })
        .collect();
    assert_eq!(ours.len(), theirs.len(), "number of messages");
    let mut compared = 0;
    let mut failures = Vec::new();
    for ((o, _), t) in ours.iter().zip(&theirs) {
        assert_eq!(o.get("mmsi"), t.get("mmsi"), "same message");
        for (k, tv) in t {
            let ty = t["type"].as_u64().unwrap_or(0);
            // Texts are worded differently in the two schemas; their codes are compared.
            if DIFFERENT_MEANING.contains(&k.as_str())
                || k.ends_with("_text")
                || KNOWN.iter().any(|&(t, f, _)| t == ty && f == k)
                || (ty == 27 && k == "status")
            {
                continue;
            }
            let tolerance = match k.as_str() {
                "lat" | "lon" => COARSE.iter().find(|c| c.0 == ty).map_or(0.0, |c| c.1),
                _ => 0.0,
            };
            if let Some(ov) = o.get(k) {
                compared += 1;
                if !agree(ov, tv, tolerance) {
                    failures.push(format!(
                        "type {} field {k}: ours {ov}, libais {tv}",
                        t["type"]
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 200, "only {compared} values compared");
}

#[test]
fn tagblock_values_agree() {
    let input = std::fs::read(data("libais/tagblock.nmea")).unwrap();
    let expected = std::fs::read_to_string(data("libais/tagblock.json")).unwrap();
    let ours = ours_as_map(&input);
    let theirs: Vec<Value> = expected
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        ours.len(),
        theirs.len(),
        "number of messages (the g: group reassembled)"
    );
    for ((o, meta), t) in ours.iter().zip(&theirs) {
        assert_eq!(o.get("mmsi"), t.get("mmsi"));
        assert_eq!(o.get("type"), t.get("type"));
        let (source, time) = meta.clone().unwrap();
        assert_eq!(source.as_deref(), t["tagblock_station"].as_str());
        // libais: "2014-12-10T00:41:53.000000Z"; ours: UNIX seconds.
        let mut ts = Vec::new();
        interdict_ais::csv::write_datetime(&mut ts, time.unwrap());
        let ts = String::from_utf8(ts).unwrap();
        assert_eq!(
            format!("{ts}.000000Z"),
            t["tagblock_timestamp"].as_str().unwrap()
        );
    }
}
