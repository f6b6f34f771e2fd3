//! The replay schedule and loop.

use std::time::Duration;

use interdict_maritime_cmd::replay::{due, line_time, replay, Speed};

#[test]
fn schedule_at_recorded_speed_a_multiple_and_as_fast_as_possible() {
    assert_eq!(
        due(100, Some(160), Speed::Recorded),
        Some(Duration::from_secs(60))
    );
    assert_eq!(
        due(100, Some(160), Speed::Multiple(60.0)),
        Some(Duration::from_secs(1))
    );
    assert_eq!(due(100, Some(160), Speed::AsFastAsPossible), None);
    assert_eq!(due(100, Some(90), Speed::Recorded), None);
    assert_eq!(due(100, None, Speed::Recorded), None);
    assert_eq!("10x".parse::<Speed>(), Ok(Speed::Multiple(10.0)));
    assert_eq!("max".parse::<Speed>(), Ok(Speed::AsFastAsPossible));
    assert_eq!("recorded".parse::<Speed>(), Ok(Speed::Recorded));
    assert!("0".parse::<Speed>().is_err());
    assert!("fastest".parse::<Speed>().is_err());
}

#[test]
fn line_times_from_tag_blocks_and_csv() {
    let line = b"\\s:rx1,c:1714521600*00\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
    assert_eq!(line_time(line, None), Some(1_714_521_600));
    assert_eq!(
        line_time(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", None),
        None
    );
    let mut csv = interdict_maritime::CsvReader::from_header(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass",
    )
    .unwrap();
    let row = b"367752440,2023-01-11T00:00:05,43.07917,-70.75733,0.0,360.0,95.0,SAN JOSE,,WDI9818,31,0.0,,,,52.0,A";
    assert_eq!(line_time(row, Some(&mut csv)), Some(1_673_395_205));
}

#[test]
fn replay_paces_lines_by_their_times() {
    let t0 = 1_714_521_600;
    let mut input = String::new();
    for k in 0..3 {
        input.push_str(&format!(
            "\\c:{}\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n",
            t0 + k
        ));
    }
    let mut out = Vec::new();
    let start = std::time::Instant::now();
    // Two seconds of data at 10x: about 0.2 s.
    assert_eq!(
        replay(input.as_bytes(), &mut out, Speed::Multiple(10.0)).unwrap(),
        3
    );
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(190), "{took:?}");
    assert_eq!(out, input.as_bytes());
    let start = std::time::Instant::now();
    let mut out = Vec::new();
    replay(input.as_bytes(), &mut out, Speed::AsFastAsPossible).unwrap();
    assert!(start.elapsed() < Duration::from_millis(150));
}
