//! The detect command over the input formats: NMEA with and without tag blocks, gzip,
//! MarineCadastre and DMA CSV; the JSON lines it writes.

use std::io::Write;

use interdict_maritime::Config;
use interdict_maritime_cmd::detect::{detect_files, write_events};

use crate::data;

#[test]
fn marinecadastre_csv_sample() {
    let (events, summary) = detect_files(
        &[data("noaa/marinecadastre-sample-2023-01.csv")],
        Config::default(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert_eq!(summary.input.errors, 0);
    assert!(summary.engine.positions > 900, "{summary:?}");
    assert!(summary.vessels > 10);
    // Every event serialises with the fields the format promises.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("events.jsonl");
    write_events(&p, &events).unwrap();
    for line in std::fs::read_to_string(&p).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for k in ["kind", "mmsi", "start", "end", "lat", "lon", "evidence"] {
            assert!(v.get(k).is_some(), "{k} in {line}");
        }
    }
}

#[test]
fn nmea_with_and_without_tag_blocks_and_gzip() {
    // Tag-block times: positions are used.
    let (_, s) = detect_files(
        &[data("amsa-risky/exact-earth-with-tag-block.txt")],
        Config::default(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert!(s.engine.positions > 0, "{s:?}");
    // No times at all: nothing can be placed in time; counted, not used.
    let (events, s) = detect_files(
        &[data("gpsd/sample.aivdm")],
        Config::default(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert!(events.is_empty());
    assert_eq!(s.engine.positions, 0);
    assert!(s.input.untimed > 10);
    // The same tagged lines, gzip-compressed, give the same counts.
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(data("amsa-risky/exact-earth-with-tag-block.txt")).unwrap();
    let gz = dir.path().join("x.nmea.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&plain).unwrap();
    enc.finish().unwrap();
    let (_, s2) = detect_files(
        &[gz],
        Config::default(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    let (_, s1) = detect_files(
        &[data("amsa-risky/exact-earth-with-tag-block.txt")],
        Config::default(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert_eq!(s1.engine, s2.engine);
}

#[test]
fn dma_csv_loitering() {
    // A DMA file: one vessel drifting far out in the North Sea for five hours.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("aisdk.csv");
    let mut text = String::from("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D\n");
    for k in 0..=300 {
        let (h, m) = (k / 60, k % 60);
        text.push_str(&format!(
            "27/02/2024 {h:02}:{m:02}:00,Class A,219000123,56.{:04},4.5,Under way using engine,,1.0,0.0,0,Unknown,OXAB2,NORTH STAR,Cargo,,12,100,GPS,5.0,,,AIS,,,,\n",
            k * 5
        ));
    }
    std::fs::write(&p, text).unwrap();
    let (events, s) = detect_files(
        &[p],
        Config::default(),
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert_eq!(s.engine.positions, 301);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].kind.as_str(), "loitering");
    assert_eq!(events[0].start, 1_708_992_000);
    assert_eq!(events[0].end, None);
}
