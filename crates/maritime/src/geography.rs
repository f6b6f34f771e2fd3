//! Geography shipped with the product: distance to the nearest coastline (Natural Earth
//! 1:10m, on a 0.1° grid) and the world's ports and anchorages (World Port Index and
//! Global Fishing Watch's named anchorages). See `data/MANIFEST.md` for sources and
//! licences. Both are embedded in the binary; nothing is read from disk or network.

use std::io::Read;

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

/// A point on the unit sphere: Euclidean (chord) distance between such points grows with
/// the great-circle distance, so a nearest-neighbour search on them is exact.
fn unit(lat: f64, lon: f64) -> [f64; 3] {
    let (sp, cp) = lat.to_radians().sin_cos();
    let (sl, cl) = lon.to_radians().sin_cos();
    [cp * cl, cp * sl, sp]
}

/// A port name for comparison: letters and digits only, upper case ("KAO-HSIUNG" and
/// "Kaohsiung" are the same port).
pub fn port_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A static k-d tree over points on the unit sphere (implicit: each range's median is
/// its node, split on x, y, z in turn), for nearest-neighbour searches bounded by a
/// radius: the search prunes everything beyond the best distance so far, which starts at
/// the radius.
#[derive(Debug, Clone, Default)]
struct KdTree {
    points: Vec<[f64; 3]>,
    ids: Vec<u32>,
}

impl KdTree {
    fn new(mut items: Vec<([f64; 3], u32)>) -> Self {
        fn build(items: &mut [([f64; 3], u32)], depth: usize) {
            if items.len() <= 1 {
                return;
            }
            let mid = items.len() / 2;
            let axis = depth % 3;
            items.select_nth_unstable_by(mid, |a, b| a.0[axis].total_cmp(&b.0[axis]));
            let (left, right) = items.split_at_mut(mid);
            build(left, depth + 1);
            build(&mut right[1..], depth + 1);
        }
        build(&mut items, 0);
        Self {
            points: items.iter().map(|i| i.0).collect(),
            ids: items.iter().map(|i| i.1).collect(),
        }
    }

    /// The nearest point closer than `sqrt(max_d2)` (chord length), with its squared
    /// chord distance.
    fn nearest(&self, q: [f64; 3], max_d2: f64) -> Option<(u32, f64)> {
        let mut best = (u32::MAX, max_d2);
        self.search(0, self.points.len(), 0, &q, &mut best);
        (best.0 != u32::MAX).then_some(best)
    }

    fn search(&self, lo: usize, hi: usize, depth: usize, q: &[f64; 3], best: &mut (u32, f64)) {
        if lo >= hi {
            return;
        }
        let mid = lo + (hi - lo) / 2;
        let p = &self.points[mid];
        let d2 = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2);
        if d2 < best.1 {
            *best = (self.ids[mid], d2);
        }
        let axis = depth % 3;
        let diff = q[axis] - p[axis];
        let (near, far) = if diff < 0.0 {
            ((lo, mid), (mid + 1, hi))
        } else {
            ((mid + 1, hi), (lo, mid))
        };
        self.search(near.0, near.1, depth + 1, q, best);
        if diff * diff < best.1 {
            self.search(far.0, far.1, depth + 1, q, best);
        }
    }
}

/// Ports and anchorages with a k-d tree for "nearest within a radius".
#[derive(Debug, Clone)]
pub struct PortIndex {
    ports: Vec<Port>,
    /// Ports with the same country and name key share a group number.
    groups: Vec<u32>,
    tree: KdTree,
}

impl Default for PortIndex {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl PortIndex {
    /// An index over the given ports.
    pub fn new(ports: Vec<Port>) -> Self {
        let points = ports
            .iter()
            .enumerate()
            .map(|(i, p)| (unit(p.lat, p.lon), i as u32))
            .collect();
        let mut names: std::collections::HashMap<(String, String), u32> = Default::default();
        let groups = ports
            .iter()
            .map(|p| {
                let n = names.len() as u32;
                *names
                    .entry((p.iso3.clone(), port_key(&p.label)))
                    .or_insert(n)
            })
            .collect();
        Self {
            ports,
            groups,
            tree: KdTree::new(points),
        }
    }

    /// The group of a port: ports of one country with the same name key share it.
    pub fn group(&self, idx: u32) -> Option<u32> {
        self.groups.get(idx as usize).copied()
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

    /// The nearest port within `max_m` metres, with its great-circle distance; `None`
    /// when there is none.
    pub fn nearest(&self, lat: f64, lon: f64, max_m: f64) -> Option<(u32, f64)> {
        let half_angle =
            (max_m / crate::geodesy::EARTH_RADIUS_M * 0.5).min(std::f64::consts::FRAC_PI_2);
        let chord = 2.0 * half_angle.sin();
        let (id, d2) = self.tree.nearest(unit(lat, lon), chord * chord + 1e-12)?;
        let d = 2.0 * crate::geodesy::EARTH_RADIUS_M * (d2.sqrt() * 0.5).min(1.0).asin();
        Some((id, d))
    }

    /// The nearest port however far, with its great-circle distance; `None` only when
    /// the index is empty.
    pub fn nearest_any(&self, lat: f64, lon: f64) -> Option<(u32, f64)> {
        self.nearest(lat, lon, f64::INFINITY)
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
        self.distance_at(self.cell(lat, lon))
    }

    /// The index of the cell holding a position.
    #[inline]
    pub fn cell(&self, lat: f64, lon: f64) -> usize {
        let row = ((90.0 - lat) * self.per_deg) as isize;
        let col = ((lon + 180.0) * self.per_deg) as isize;
        let row = row.clamp(0, self.rows as isize - 1) as usize;
        let col = col.rem_euclid(self.cols as isize) as usize;
        row * self.cols + col
    }

    /// Distance to shore in nautical miles of a cell (from [`ShoreGrid::cell`]).
    #[inline]
    pub fn distance_at(&self, cell: usize) -> f64 {
        self.cells.get(cell).map_or(0.0, |&v| f64::from(v))
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The k-d tree finds what a search through every port finds.
    #[test]
    fn nearest_agrees_with_brute_force() {
        let mut ports = Vec::new();
        let mut x: u64 = 7;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 1_000_000) as f64 / 1_000_000.0
        };
        for k in 0..3000 {
            // Clustered like real ports, and a few anywhere.
            let (lat, lon) = if k % 10 == 0 {
                (next() * 170.0 - 85.0, next() * 360.0 - 180.0)
            } else {
                (30.0 + next() * 8.0, 120.0 + next() * 10.0)
            };
            ports.push(Port {
                iso3: "XXX".into(),
                label: format!("P{k}"),
                lat,
                lon,
            });
        }
        let index = PortIndex::new(ports.clone());
        for _ in 0..2000 {
            let (lat, lon) = (next() * 170.0 - 85.0, next() * 360.0 - 180.0);
            let (lat, lon) = if next() < 0.7 {
                (29.0 + next() * 10.0, 119.0 + next() * 12.0)
            } else {
                (lat, lon)
            };
            let brute = ports
                .iter()
                .enumerate()
                .map(|(i, p)| (i as u32, crate::geodesy::distance_m(lat, lon, p.lat, p.lon)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap();
            let (i, d) = index.nearest_any(lat, lon).unwrap();
            assert!((d - brute.1).abs() < 1.0, "{lat} {lon}: {d} vs {}", brute.1);
            assert!(i == brute.0 || (d - brute.1).abs() < 1e-6);
            for r in [1_000.0, 10_000.0, 100_000.0] {
                let got = index.nearest(lat, lon, r);
                assert_eq!(got.is_some(), brute.1 <= r, "{lat} {lon} {r}");
            }
        }
        assert!(PortIndex::default().nearest_any(0.0, 0.0).is_none());
    }
}
