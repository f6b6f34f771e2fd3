//! Geography shipped with the product: distance to the nearest coastline (Natural Earth
//! 1:10m, on a 0.1° grid) and the world's ports and anchorages (World Port Index and
//! Global Fishing Watch's named anchorages). See `data/MANIFEST.md` for sources and
//! licences. Both are embedded in the binary; nothing is read from disk or network.

use std::io::Read;

use rustc_hash::FxHashMap;

use crate::geodesy::distance_fast_m;

/// The distance-to-shore grid as built by `data/build.py`.
static SHORE: &[u8] = include_bytes!("../data/shore.bin.z");
/// Ports and anchorages as built by `data/build.py`.
static PORTS: &[u8] = include_bytes!("../data/ports.csv.gz");

/// Errors in geography data.
#[derive(Debug, thiserror::Error)]
pub enum GeographyError {
    /// The shore grid is not in the expected format.
    #[error("shore grid: {0}")]
    Shore(&'static str),
    /// A line of the ports table is malformed.
    #[error("ports table line {line}: {what}")]
    Ports {
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// Compressed data could not be unpacked.
    #[error("cannot unpack {0}")]
    Unpack(&'static str),
}

/// A port or anchorage.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Port {
    /// ISO 3166-1 alpha-3 country code.
    pub iso3: String,
    /// Name, upper case, as in the source list.
    pub label: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

/// Cell size of the port index, degrees.
const PORT_CELL_DEG: f64 = 0.2;

/// Ports and anchorages with a grid index for "nearest within a radius".
#[derive(Debug, Clone, Default)]
pub struct PortIndex {
    ports: Vec<Port>,
    cells: FxHashMap<(i32, i32), Vec<u32>>,
}

fn port_cell(lat: f64, lon: f64) -> (i32, i32) {
    (
        (lat / PORT_CELL_DEG).floor() as i32,
        (lon / PORT_CELL_DEG).floor() as i32,
    )
}

impl PortIndex {
    /// An index over the given ports.
    pub fn new(ports: Vec<Port>) -> Self {
        let mut cells: FxHashMap<(i32, i32), Vec<u32>> = FxHashMap::default();
        for (i, p) in ports.iter().enumerate() {
            cells
                .entry(port_cell(p.lat, p.lon))
                .or_default()
                .push(i as u32);
        }
        Self { ports, cells }
    }

    /// Parses `iso3,label,latitude,longitude` lines after a header line.
    pub fn from_csv(text: &str) -> Result<Self, GeographyError> {
        let mut ports = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let err = |what| GeographyError::Ports { line: i + 1, what };
            // Labels may be quoted and hold commas; the two numbers are the last fields.
            let mut rev = line.rsplitn(3, ',');
            let lon: f64 = rev
                .next()
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| err("longitude"))?;
            let lat: f64 = rev
                .next()
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| err("latitude"))?;
            let head = rev.next().ok_or_else(|| err("too few fields"))?;
            let (iso3, label) = head.split_once(',').ok_or_else(|| err("too few fields"))?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(err("position out of range"));
            }
            ports.push(Port {
                iso3: iso3.trim().to_owned(),
                label: label.trim().trim_matches('"').replace("\"\"", "\""),
                lat,
                lon,
            });
        }
        Ok(Self::new(ports))
    }

    /// The ports whose country is one of `iso3` (e.g. the home countries).
    pub fn filter_countries(&self, iso3: &[String]) -> Self {
        Self::new(
            self.ports
                .iter()
                .filter(|p| iso3.iter().any(|c| c.eq_ignore_ascii_case(&p.iso3)))
                .cloned()
                .collect(),
        )
    }

    /// All ports.
    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    /// The port at an index returned by [`PortIndex::nearest`].
    pub fn get(&self, idx: u32) -> Option<&Port> {
        self.ports.get(idx as usize)
    }

    /// The nearest port within `max_m` metres, with its distance; `None` when there is none.
    pub fn nearest(&self, lat: f64, lon: f64, max_m: f64) -> Option<(u32, f64)> {
        if self.ports.is_empty() {
            return None;
        }
        let dlat = max_m / 111_000.0;
        let coslat = lat.to_radians().cos().max(0.01);
        let dlon = (dlat / coslat).min(180.0);
        let (r0, c0) = port_cell(lat - dlat, lon - dlon);
        let (r1, c1) = port_cell(lat + dlat, lon + dlon);
        let mut best: Option<(u32, f64)> = None;
        for r in r0..=r1 {
            for c in c0..=c1 {
                let Some(list) = self.cells.get(&(r, c)) else {
                    continue;
                };
                for &i in list {
                    let p = &self.ports[i as usize];
                    let d = distance_fast_m(lat, lon, p.lat, p.lon);
                    if d <= max_m && best.is_none_or(|(_, b)| d < b) {
                        best = Some((i, d));
                    }
                }
            }
        }
        best
    }
}

/// Distance to the nearest coastline on a regular grid.
#[derive(Debug, Clone)]
pub struct ShoreGrid {
    cols: usize,
    rows: usize,
    per_deg: f64,
    cells: Vec<u8>,
}

impl ShoreGrid {
    /// Reads the grid format of `data/build.py` (unpacked).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, GeographyError> {
        if bytes.len() < 16 || &bytes[..8] != b"ISHORE01" {
            return Err(GeographyError::Shore("bad header"));
        }
        let u16_at = |i: usize| usize::from(u16::from_le_bytes([bytes[i], bytes[i + 1]]));
        let (cols, rows, per_deg) = (u16_at(8), u16_at(10), u16_at(12));
        if per_deg == 0 || cols != 360 * per_deg || rows != 180 * per_deg {
            return Err(GeographyError::Shore("bad dimensions"));
        }
        let cells = bytes[16..].to_vec();
        if cells.len() != cols * rows {
            return Err(GeographyError::Shore("size does not match dimensions"));
        }
        Ok(Self {
            cols,
            rows,
            per_deg: per_deg as f64,
            cells,
        })
    }

    /// A grid where every cell has the same value (for tests: 0 all land, 255 open sea).
    pub fn uniform(nmi: u8) -> Self {
        Self {
            cols: 360,
            rows: 180,
            per_deg: 1.0,
            cells: vec![nmi; 360 * 180],
        }
    }

    /// Distance to the nearest coastline in nautical miles (0 on land, at most 255).
    #[inline]
    pub fn distance_nmi(&self, lat: f64, lon: f64) -> f64 {
        let row = ((90.0 - lat) * self.per_deg) as isize;
        let col = ((lon + 180.0) * self.per_deg) as isize;
        let row = row.clamp(0, self.rows as isize - 1) as usize;
        let col = col.rem_euclid(self.cols as isize) as usize;
        f64::from(self.cells[row * self.cols + col])
    }
}

/// The geography the detectors use: shore distances and ports.
#[derive(Debug, Clone)]
pub struct Geography {
    /// Distance to shore.
    pub shore: ShoreGrid,
    /// Ports and anchorages.
    pub ports: PortIndex,
}

impl Geography {
    /// The geography embedded in the binary (about 40 ms to unpack).
    pub fn embedded() -> Result<Self, GeographyError> {
        let mut shore = Vec::with_capacity(6_500_000);
        flate2::read::ZlibDecoder::new(SHORE)
            .read_to_end(&mut shore)
            .map_err(|_| GeographyError::Unpack("shore grid"))?;
        let mut ports = String::with_capacity(1_500_000);
        flate2::read::GzDecoder::new(PORTS)
            .read_to_string(&mut ports)
            .map_err(|_| GeographyError::Unpack("ports table"))?;
        Ok(Self {
            shore: ShoreGrid::from_bytes(&shore)?,
            ports: PortIndex::from_csv(&ports)?,
        })
    }

    /// A geography built from parts (tests, other data).
    pub fn new(shore: ShoreGrid, ports: PortIndex) -> Self {
        Self { shore, ports }
    }
}
