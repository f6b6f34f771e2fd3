//! Text in through every parser of outside data: CSV rows of both dialects, watch lists,
//! areas, port lists.
#![no_main]

use interdict_maritime::{CsvReader, PortIndex, SourceId, Watchlist, Zones};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    for header in [
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass",
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D",
    ] {
        if let Some(mut r) = CsvReader::from_header(header) {
            for line in text.lines() {
                let _ = r.row(line, SourceId(0), &mut out);
            }
        }
    }
    let _ = CsvReader::from_header(&text);
    let _ = Watchlist::from_csv(&text);
    let _ = Zones::from_geojson(&text);
    let _ = PortIndex::from_csv(&text);
});
