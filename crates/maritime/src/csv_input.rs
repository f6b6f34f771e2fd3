//! AIS as CSV rows: NOAA MarineCadastre and Danish Maritime Authority (DMA) files.
//!
//! The format is recognised from the header line; columns are found by name, so column
//! order and extra columns do not matter. Times are UTC.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use crate::observation::{Observation, Position, SourceId, StaticReport};

/// The CSV dialects understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFormat {
    /// NOAA MarineCadastre (`MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,...`).
    MarineCadastre,
    /// Danish Maritime Authority (`# Timestamp,Type of mobile,MMSI,Latitude,...`).
    Dma,
}

/// A bad CSV row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// A required field is missing or unreadable.
    #[error("bad or missing {0}")]
    Field(&'static str),
}

#[derive(Debug, Clone, Default)]
struct Columns {
    mmsi: usize,
    time: usize,
    lat: usize,
    lon: usize,
    sog: Option<usize>,
    cog: Option<usize>,
    heading: Option<usize>,
    name: Option<usize>,
    imo: Option<usize>,
    callsign: Option<usize>,
    ship_type: Option<usize>,
    status: Option<usize>,
    destination: Option<usize>,
}

/// Turns CSV rows into observations.
#[derive(Debug, Clone)]
pub struct CsvReader {
    format: CsvFormat,
    cols: Columns,
    fields: Vec<String>,
    last_static: FxHashMap<u32, u64>,
}

/// Splits one CSV line into `out` (double-quoted fields, `""` inside quotes).
fn split(line: &str, out: &mut Vec<String>) {
    out.clear();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
}

impl CsvReader {
    /// A reader for the file whose header line this is; `None` when it is neither format.
    pub fn from_header(header: &str) -> Option<Self> {
        let mut names = Vec::new();
        split(header.trim_end_matches(['\r', '\n']), &mut names);
        let names: Vec<String> = names
            .iter()
            .map(|n| n.trim().trim_start_matches('#').trim().to_ascii_lowercase())
            .collect();
        let find = |n: &str| names.iter().position(|x| x == n);
        let (format, cols) = if find("basedatetime").is_some() {
            (
                CsvFormat::MarineCadastre,
                Columns {
                    mmsi: find("mmsi")?,
                    time: find("basedatetime")?,
                    lat: find("lat")?,
                    lon: find("lon")?,
                    sog: find("sog"),
                    cog: find("cog"),
                    heading: find("heading"),
                    name: find("vesselname"),
                    imo: find("imo"),
                    callsign: find("callsign"),
                    ship_type: find("vesseltype"),
                    status: find("status"),
                    destination: None,
                },
            )
        } else if find("type of mobile").is_some() || find("timestamp").is_some() {
            (
                CsvFormat::Dma,
                Columns {
                    mmsi: find("mmsi")?,
                    time: find("timestamp")?,
                    lat: find("latitude")?,
                    lon: find("longitude")?,
                    sog: find("sog"),
                    cog: find("cog"),
                    heading: find("heading"),
                    name: find("name"),
                    imo: find("imo"),
                    callsign: find("callsign"),
                    ship_type: None,
                    status: find("navigational status"),
                    destination: find("destination"),
                },
            )
        } else {
            return None;
        };
        Some(Self {
            format,
            cols,
            fields: Vec::new(),
            last_static: FxHashMap::default(),
        })
    }

    /// The format recognised.
    pub fn format(&self) -> CsvFormat {
        self.format
    }

    fn get(&self, i: Option<usize>) -> Option<&str> {
        let v = self.fields.get(i?)?.trim();
        let unknown = v.is_empty()
            || v.eq_ignore_ascii_case("unknown")
            || v.eq_ignore_ascii_case("undefined")
            || v.eq_ignore_ascii_case("nan");
        (!unknown).then_some(v)
    }

    fn num(&self, i: Option<usize>) -> Option<f64> {
        self.get(i)?.parse().ok()
    }

    fn time(&self) -> Option<i64> {
        let v = self.get(Some(self.cols.time))?;
        let fmt = match self.format {
            CsvFormat::MarineCadastre => "%Y-%m-%dT%H:%M:%S",
            CsvFormat::Dma => "%d/%m/%Y %H:%M:%S",
        };
        chrono::NaiveDateTime::parse_from_str(v, fmt)
            .ok()
            .map(|t| t.and_utc().timestamp())
    }

    fn status(&self) -> Option<u8> {
        let v = self.get(self.cols.status)?;
        match self.format {
            CsvFormat::MarineCadastre => v
                .parse::<f64>()
                .ok()
                .filter(|s| (0.0..15.0).contains(s))
                .map(|s| s as u8),
            CsvFormat::Dma => {
                let v = v.to_ascii_lowercase();
                Some(match v.as_str() {
                    "under way using engine" => 0,
                    "at anchor" => 1,
                    "not under command" => 2,
                    "restricted maneuverability" | "restricted manoeuvrability" => 3,
                    "constrained by her draught" => 4,
                    "moored" => 5,
                    "aground" => 6,
                    "engaged in fishing" => 7,
                    "under way sailing" => 8,
                    _ => return None,
                })
            }
        }
    }

    /// Reads one data row into observations: its position, and its static data when it
    /// differs from the last row of the same vessel. Comment and blank lines give nothing.
    pub fn row(
        &mut self,
        line: &str,
        source: SourceId,
        out: &mut Vec<Observation>,
    ) -> Result<(), CsvError> {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let mut fields = std::mem::take(&mut self.fields);
        split(line, &mut fields);
        self.fields = fields;
        let c = self.cols.clone();
        let mmsi: u32 = self
            .get(Some(c.mmsi))
            .and_then(|v| v.parse().ok())
            .ok_or(CsvError::Field("MMSI"))?;
        let time = self.time().ok_or(CsvError::Field("time"))?;
        let lat = self.num(Some(c.lat)).ok_or(CsvError::Field("latitude"))?;
        let lon = self.num(Some(c.lon)).ok_or(CsvError::Field("longitude"))?;
        let sog = self
            .num(c.sog)
            .filter(|v| (0.0..102.3).contains(v))
            .map(|v| v as f32);
        let cog = self
            .num(c.cog)
            .filter(|v| (0.0..360.0).contains(v))
            .map(|v| v as f32);
        let heading = self
            .num(c.heading)
            .filter(|v| (0.0..360.0).contains(v))
            .map(|v| v as u16);
        if lat.abs() <= 90.0 && lon.abs() <= 180.0 && !(lat == 0.0 && lon == 0.0) {
            out.push(Observation::Position(Position {
                mmsi,
                time,
                received_at: None,
                lat,
                lon,
                sog,
                cog,
                heading,
                status: self.status(),
                source,
            }));
        }
        let name = self.get(c.name).map(str::to_owned);
        let callsign = self.get(c.callsign).map(str::to_owned);
        let imo = self
            .get(c.imo)
            .map(|v| v.trim_start_matches("IMO"))
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|&v| v != 0);
        let ship_type = self
            .num(c.ship_type)
            .filter(|v| (1.0..256.0).contains(v))
            .map(|v| v as u8);
        let destination = self.get(c.destination).map(str::to_owned);
        if name.is_some() || callsign.is_some() || imo.is_some() || ship_type.is_some() {
            let mut h = FxHasher::default();
            (&name, &callsign, imo, ship_type, &destination).hash(&mut h);
            let h = h.finish();
            if self.last_static.insert(mmsi, h) != Some(h) {
                out.push(Observation::Static(StaticReport {
                    mmsi,
                    time,
                    received_at: None,
                    name,
                    callsign,
                    imo,
                    ship_type,
                    destination,
                    source,
                }));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn marinecadastre_rows() {
        let mut r = CsvReader::from_header("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass").unwrap();
        assert_eq!(r.format(), CsvFormat::MarineCadastre);
        let mut out = Vec::new();
        let row = "636021061,2023-01-11T00:00:00,26.09241,-80.04806,8.8,272.7,270.0,MSC NAISHA III,IMO9307839,5LCB4,70,8.0,208.0,30.0,8.0,70.0,A";
        r.row(row, SourceId(1), &mut out).unwrap();
        r.row(row, SourceId(1), &mut out).unwrap();
        assert_eq!(out.len(), 3, "static data only when it changes");
        let Observation::Position(p) = &out[0] else {
            panic!()
        };
        assert_eq!(
            (p.mmsi, p.time, p.lat, p.sog),
            (636021061, 1_673_395_200, 26.09241, Some(8.8))
        );
        assert_eq!((p.heading, p.status), (Some(270), Some(8)));
        let Observation::Static(s) = &out[1] else {
            panic!()
        };
        assert_eq!(s.imo, Some(9307839));
        assert_eq!(s.name.as_deref(), Some("MSC NAISHA III"));
        assert_eq!(
            r.row("x,2023-01-11T00:00:00,1,1", SourceId(1), &mut out),
            Err(CsvError::Field("MMSI"))
        );
    }

    #[test]
    fn dma_rows() {
        let mut r = CsvReader::from_header("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D").unwrap();
        assert_eq!(r.format(), CsvFormat::Dma);
        let mut out = Vec::new();
        r.row("27/02/2024 00:00:01,Class A,219000123,55.5,10.5,Moored,0.0,0.0,,,Unknown,OXAB2,\"NAME, WITH COMMA\",Cargo,,12,100,GPS,5.0,AARHUS,,AIS,,,,", SourceId(0), &mut out).unwrap();
        let Observation::Position(p) = &out[0] else {
            panic!()
        };
        assert_eq!(
            (p.time, p.status, p.cog, p.heading),
            (1_708_992_001, Some(5), None, None)
        );
        let Observation::Static(s) = &out[1] else {
            panic!()
        };
        assert_eq!(
            (s.imo, s.name.as_deref(), s.callsign.as_deref()),
            (None, Some("NAME, WITH COMMA"), Some("OXAB2"))
        );
        assert!(CsvReader::from_header("a,b,c").is_none());
    }
}
