//! Rows in the NOAA MarineCadastre AIS columns: one row per position report, joined with
//! the last static data (types 5, 19, 24) seen for the vessel.

use std::collections::HashMap;

use crate::gpsd::{write_fixed, write_u64};
use crate::message::{Body, PartBDimensions, StaticData};
use crate::stream::Decoded;

/// The header line.
pub const HEADER: &str = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass\n";

/// Most vessels whose static data is remembered; beyond it the table is cleared, which
/// keeps memory bounded on endless streams.
const MAX_VESSELS: usize = 200_000;

#[derive(Debug, Clone, Default)]
struct Static {
    name: String,
    imo: u32,
    callsign: String,
    shiptype: u8,
    length: u16,
    width: u16,
    draught: u8,
}

/// Writes MarineCadastre CSV rows.
#[derive(Debug, Default)]
pub struct CsvWriter {
    vessels: HashMap<u32, Static>,
}

/// `YYYY-MM-DDTHH:MM:SS` of a UNIX time (UTC).
pub fn write_datetime(out: &mut Vec<u8>, t: i64) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let two = |out: &mut Vec<u8>, v: i64| {
        out.push(b'0' + (v / 10 % 10) as u8);
        out.push(b'0' + (v % 10) as u8);
    };
    if year < 0 {
        out.push(b'-');
    }
    let y = year.unsigned_abs();
    for pad in [1000, 100, 10] {
        if y < pad {
            out.push(b'0');
        }
    }
    write_u64(out, y);
    out.push(b'-');
    two(out, month);
    out.push(b'-');
    two(out, day);
    out.push(b'T');
    two(out, secs / 3600);
    out.push(b':');
    two(out, secs / 60 % 60);
    out.push(b':');
    two(out, secs % 60);
}

fn coord(out: &mut Vec<u8>, raw: i32) {
    // Five decimals, trailing zeros dropped (as in the MarineCadastre files), one kept.
    let start = out.len();
    write_fixed(out, i64::from(raw), 600_000, 5);
    let Some(dot) = out[start..].iter().position(|&b| b == b'.') else {
        return;
    };
    let keep = start + dot + 2;
    while out.len() > keep && out.last() == Some(&b'0') {
        out.pop();
    }
}

fn tenths(out: &mut Vec<u8>, v: u64) {
    write_u64(out, v / 10);
    out.push(b'.');
    write_u64(out, v % 10);
}

fn whole(out: &mut Vec<u8>, v: u64) {
    write_u64(out, v);
    out.extend_from_slice(b".0");
}

fn field(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"']) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

impl CsvWriter {
    /// A writer with no static data yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn vessel(&mut self, mmsi: u32) -> &mut Static {
        if self.vessels.len() >= MAX_VESSELS && !self.vessels.contains_key(&mmsi) {
            self.vessels.clear();
        }
        self.vessels.entry(mmsi).or_default()
    }

    /// Remembers static data and appends a row for a position report; returns whether a
    /// row was written.
    pub fn write(&mut self, d: &Decoded<'_>, out: &mut Vec<u8>) -> bool {
        let m = &d.message;
        let mmsi = m.header.mmsi;
        // (lat, lon, speed 1/10 kn, course 1/10 deg, heading, status, class)
        let pos = match &m.body {
            Body::Position(p) => (
                p.lat,
                p.lon,
                p.speed,
                p.course,
                p.heading,
                Some(p.status),
                b'A',
            ),
            Body::ClassBPosition(p) => (p.lat, p.lon, p.speed, p.course, p.heading, None, b'B'),
            Body::ClassBExtended(p) => {
                let v = self.vessel(mmsi);
                v.name = p.shipname.to_string();
                v.shiptype = p.shiptype;
                v.length = p.to_bow + p.to_stern;
                v.width = u16::from(p.to_port) + u16::from(p.to_starboard);
                (p.lat, p.lon, p.speed, p.course, p.heading, None, b'B')
            }
            Body::StaticVoyage(s) => {
                let v = self.vessel(mmsi);
                v.name = s.shipname.to_string();
                v.imo = s.imo;
                v.callsign = s.callsign.to_string();
                v.shiptype = s.shiptype;
                v.length = s.to_bow + s.to_stern;
                v.width = u16::from(s.to_port) + u16::from(s.to_starboard);
                v.draught = s.draught;
                return false;
            }
            Body::StaticData(StaticData::A { shipname }) => {
                self.vessel(mmsi).name = shipname.to_string();
                return false;
            }
            Body::StaticData(StaticData::B {
                shiptype,
                callsign,
                dims,
                ..
            }) => {
                let v = self.vessel(mmsi);
                v.shiptype = *shiptype;
                v.callsign = callsign.to_string();
                if let PartBDimensions::Dimensions {
                    to_bow,
                    to_stern,
                    to_port,
                    to_starboard,
                } = dims
                {
                    v.length = to_bow + to_stern;
                    v.width = u16::from(*to_port) + u16::from(*to_starboard);
                }
                return false;
            }
            _ => return false,
        };
        let (lat, lon, speed, course, heading, status, class) = pos;
        write_u64(out, u64::from(mmsi));
        out.push(b',');
        if let Some(t) = d.meta.time {
            write_datetime(out, t);
        }
        out.push(b',');
        coord(out, lat);
        out.push(b',');
        coord(out, lon);
        out.push(b',');
        tenths(out, u64::from(speed));
        out.push(b',');
        tenths(out, u64::from(course));
        out.push(b',');
        whole(out, u64::from(heading));
        out.push(b',');
        let v = self.vessels.get(&mmsi);
        if let Some(v) = v {
            field(out, &v.name);
        }
        out.push(b',');
        if let Some(v) = v.filter(|v| v.imo != 0) {
            out.extend_from_slice(b"IMO");
            let start = out.len();
            write_u64(out, u64::from(v.imo));
            while out.len() - start < 7 {
                out.insert(start, b'0');
            }
        }
        out.push(b',');
        if let Some(v) = v {
            field(out, &v.callsign);
        }
        out.push(b',');
        if let Some(v) = v.filter(|v| v.shiptype != 0) {
            write_u64(out, u64::from(v.shiptype));
        }
        out.push(b',');
        if let Some(s) = status {
            whole(out, u64::from(s));
        }
        out.push(b',');
        if let Some(v) = v.filter(|v| v.length != 0) {
            whole(out, u64::from(v.length));
        }
        out.push(b',');
        if let Some(v) = v.filter(|v| v.width != 0) {
            whole(out, u64::from(v.width));
        }
        out.push(b',');
        if let Some(v) = v.filter(|v| v.draught != 0) {
            tenths(out, u64::from(v.draught));
        }
        // Cargo: MarineCadastre fills it from sources outside AIS; left empty.
        out.extend_from_slice(b",,");
        out.push(class);
        out.push(b'\n');
        true
    }
}
