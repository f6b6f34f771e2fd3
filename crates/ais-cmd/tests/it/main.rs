//! Tests of `interdict ais decode` (one test binary).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use interdict_ais_cmd::{decode_to, AisArgs, AisCommand, DecodeArgs, Format};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/ais"
    ))
    .join(rel)
}

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    ais: AisArgs,
}

fn parse(args: &[&str]) -> DecodeArgs {
    let cli =
        Cli::try_parse_from(std::iter::once("interdict-ais").chain(args.iter().copied())).unwrap();
    match cli.ais.command {
        AisCommand::Decode(d) => d,
    }
}

#[test]
fn command_line_shape() {
    let d = parse(&[
        "decode",
        "file.nmea",
        "--format",
        "csv",
        "--unscaled",
        "--stats",
    ]);
    assert_eq!(d.file, Some(PathBuf::from("file.nmea")));
    assert_eq!(d.format, Format::Csv);
    assert!(d.unscaled && d.stats);
    let d = parse(&["decode"]);
    assert_eq!(
        (d.file, d.format, d.unscaled, d.stats),
        (None, Format::Json, false, false)
    );
    assert!(Cli::try_parse_from(["x", "decode", "--format", "xml"]).is_err());
}

#[test]
fn json_lines_match_gpsd_sample() {
    let input = std::fs::read(data("gpsd/sample.aivdm")).unwrap();
    let mut out = Vec::new();
    let stats = decode_to(&input[..], &mut out, &parse(&["decode"])).unwrap();
    let text = String::from_utf8(out).unwrap();
    let expected = std::fs::read_to_string(data("gpsd/sample.aivdm.js.chk")).unwrap();
    assert_eq!(text.lines().count(), expected.lines().count());
    // The first line is byte for byte gpsd's.
    assert_eq!(text.lines().next(), expected.lines().next());
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["class"], "AIS");
    }
    assert_eq!(stats.by_type[1], 4);
}

#[test]
fn gzip_input_and_stats_report() {
    let plain = std::fs::read(data("gfw-ais-tools/errors.nmea")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&gz.finish().unwrap()).unwrap();
    let path = file.path().to_str().unwrap().to_owned();
    let (input, _) = open(&path);
    let mut out = Vec::new();
    let stats = decode_to(input, &mut out, &parse(&["decode", &path, "--unscaled"])).unwrap();
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
    let mut report = Vec::new();
    interdict_ais_cmd::write_stats(&mut report, &stats).unwrap();
    let report = String::from_utf8(report).unwrap();
    assert!(report.contains("bad_checksum: 2"), "{report}");
    assert!(report.contains("payload_too_long: 2"), "{report}");
    assert!(report.contains("type 1: 1"), "{report}");
}

fn open(path: &str) -> (Box<dyn std::io::BufRead>, Option<u64>) {
    interdict_ais_cmd::open_input(Some(&PathBuf::from(path))).unwrap()
}

#[test]
fn csv_rows_in_marinecadastre_columns() {
    let input = std::fs::read(data("libais/tagblock.nmea")).unwrap();
    let mut out = Vec::new();
    decode_to(&input[..], &mut out, &parse(&["decode", "--format", "csv"])).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let header = std::fs::read_to_string(data("noaa/marinecadastre-sample-2023-01.csv")).unwrap();
    assert_eq!(
        lines.next(),
        header.lines().next(),
        "same columns as the NOAA files"
    );
    let rows: Vec<&str> = lines.collect();
    // Three position reports; the type 5 only feeds later rows of its vessel.
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0],
        "224651000,2014-12-10T00:41:53,-5.27792,-161.88265,1.2,224.6,155.0,,,,,7.0,,,,,A"
    );
    for r in rows {
        assert_eq!(r.split(',').count(), 17);
    }
}

#[test]
fn csv_joins_static_data() {
    let input = std::fs::read(data("gpsd/sample.aivdm")).unwrap();
    let mut out = Vec::new();
    decode_to(&input[..], &mut out, &parse(&["decode", "--format", "csv"])).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.lines().count() > 10);
    // Type 19 carries its own name and dimensions.
    let row = text.lines().find(|l| l.starts_with("367059850,")).unwrap();
    assert!(row.contains(",CAPT.J.RIMES,,,70,,26.0,8.0,,,B"), "{row}");
}

#[test]
fn missing_file_is_an_error() {
    assert!(interdict_ais_cmd::open_input(Some(&PathBuf::from("/nonexistent/file"))).is_err());
}

#[test]
fn two_thread_json_equals_one_thread() {
    use interdict_ais::gpsd::{JsonOptions, JsonWriter};
    use interdict_ais::StreamDecoder;
    for file in [
        "gpsd/ais-nmea-type6-fid55.log",
        "pyais/nmea_data_sample.txt",
        "gfw-ais-tools/bad-type5.nmea",
    ] {
        let input = std::fs::read(data(file)).unwrap();
        let mut piped = Vec::new();
        let stats = decode_to(&input[..], &mut piped, &parse(&["decode", "--unscaled"])).unwrap();
        let mut dec = StreamDecoder::new(&input[..]);
        let mut w = JsonWriter::new(JsonOptions {
            scaled: false,
            ..JsonOptions::default()
        });
        let mut single = Vec::new();
        while let Some(r) = dec.next_message() {
            if let Ok(d) = r {
                w.write(&d.message, &mut single);
            }
        }
        assert_eq!(piped, single, "{file}");
        assert_eq!(&stats, dec.stats(), "{file}");
    }
}
