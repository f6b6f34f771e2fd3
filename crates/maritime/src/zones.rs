//! Areas (zones) from GeoJSON polygons and multipolygons.

use geo::{BoundingRect, Contains, MultiPolygon, Point, Rect};

/// Errors reading areas.
#[derive(Debug, thiserror::Error)]
pub enum ZoneError {
    /// Not GeoJSON.
    #[error("not GeoJSON: {0}")]
    GeoJson(String),
    /// A feature whose geometry is not a polygon or multipolygon.
    #[error("feature {0}: only Polygon and MultiPolygon areas are supported")]
    Geometry(usize),
}

/// One area.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The feature's `id` property (or GeoJSON id), else `zone-N`.
    pub id: String,
    /// The feature's `name` property, else the id.
    pub name: String,
    shape: MultiPolygon<f64>,
    bbox: Option<Rect<f64>>,
}

impl Zone {
    /// An area from a multipolygon in (longitude, latitude).
    pub fn new(id: impl Into<String>, name: impl Into<String>, shape: MultiPolygon<f64>) -> Self {
        let bbox = shape.bounding_rect();
        Self {
            id: id.into(),
            name: name.into(),
            shape,
            bbox,
        }
    }

    /// Whether a position lies inside (boundary excluded).
    #[inline]
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let Some(b) = self.bbox else {
            return false;
        };
        if lon < b.min().x || lon > b.max().x || lat < b.min().y || lat > b.max().y {
            return false;
        }
        self.shape.contains(&Point::new(lon, lat))
    }
}

/// The areas watched.
#[derive(Debug, Clone, Default)]
pub struct Zones {
    zones: Vec<Zone>,
    /// Bounding boxes (min lat, max lat, min lon, max lon), side by side for a quick scan.
    boxes: Vec<[f64; 4]>,
    /// The box around them all.
    all: [f64; 4],
}

impl Zones {
    /// These areas.
    pub fn new(zones: Vec<Zone>) -> Self {
        let boxes = zones
            .iter()
            .map(|z| match z.bbox {
                Some(b) => [b.min().y, b.max().y, b.min().x, b.max().x],
                None => [f64::NAN; 4],
            })
            .collect::<Vec<[f64; 4]>>();
        let all = boxes.iter().fold(
            [
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ],
            |a, b| {
                [
                    a[0].min(b[0]),
                    a[1].max(b[1]),
                    a[2].min(b[2]),
                    a[3].max(b[3]),
                ]
            },
        );
        Self { zones, boxes, all }
    }

    /// Areas from a GeoJSON FeatureCollection, Feature or bare geometry.
    pub fn from_geojson(text: &str) -> Result<Self, ZoneError> {
        let gj: geojson::GeoJson = text
            .parse()
            .map_err(|e: geojson::Error| ZoneError::GeoJson(e.to_string()))?;
        let features = match gj {
            geojson::GeoJson::FeatureCollection(fc) => fc.features,
            geojson::GeoJson::Feature(f) => vec![f],
            geojson::GeoJson::Geometry(g) => vec![geojson::Feature {
                geometry: Some(g),
                ..geojson::Feature::default()
            }],
        };
        let mut zones = Vec::new();
        for (i, f) in features.into_iter().enumerate() {
            let prop = |k: &str| {
                f.property(k).and_then(|v| match v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            };
            let id = prop("id")
                .or_else(|| {
                    f.id.as_ref().map(|id| match id {
                        geojson::feature::Id::String(s) => s.clone(),
                        geojson::feature::Id::Number(n) => n.to_string(),
                    })
                })
                .unwrap_or_else(|| format!("zone-{}", i + 1));
            let name = prop("name").unwrap_or_else(|| id.clone());
            let Some(g) = f.geometry else {
                return Err(ZoneError::Geometry(i + 1));
            };
            let shape: MultiPolygon<f64> = match g.value {
                geojson::Value::Polygon(_) => {
                    let p: geo::Polygon<f64> =
                        g.value.try_into().map_err(|_| ZoneError::Geometry(i + 1))?;
                    MultiPolygon::new(vec![p])
                }
                geojson::Value::MultiPolygon(_) => {
                    g.value.try_into().map_err(|_| ZoneError::Geometry(i + 1))?
                }
                _ => return Err(ZoneError::Geometry(i + 1)),
            };
            zones.push(Zone::new(id, name, shape));
        }
        Ok(Self::new(zones))
    }

    /// The areas.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// Indices of the areas containing a position, appended to `out`.
    #[inline]
    pub fn containing(&self, lat: f64, lon: f64, out: &mut Vec<u32>) {
        let a = &self.all;
        if !(lat >= a[0] && lat <= a[1] && lon >= a[2] && lon <= a[3]) {
            return;
        }
        for (i, b) in self.boxes.iter().enumerate() {
            if lat >= b[0]
                && lat <= b[1]
                && lon >= b[2]
                && lon <= b[3]
                && self.zones[i].contains(lat, lon)
            {
                out.push(i as u32);
            }
        }
    }
}
