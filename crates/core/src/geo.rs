//! Geographic positions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A WGS 84 position in decimal degrees; latitude within ±90 and longitude within ±180.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "RawPosition", deny_unknown_fields)]
pub struct Position {
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPosition {
    lat: f64,
    lon: f64,
}

/// Why a pair of numbers is not a position.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PositionError {
    #[error("latitude {0} is outside -90..90")]
    Latitude(f64),
    #[error("longitude {0} is outside -180..180")]
    Longitude(f64),
}

impl Position {
    /// A checked position.
    pub fn new(lat: f64, lon: f64) -> Result<Self, PositionError> {
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(PositionError::Latitude(lat));
        }
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(PositionError::Longitude(lon));
        }
        Ok(Self { lat, lon })
    }
}

impl TryFrom<RawPosition> for Position {
    type Error = PositionError;
    fn try_from(raw: RawPosition) -> Result<Self, Self::Error> {
        Self::new(raw.lat, raw.lon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_checked() {
        assert!(Position::new(35.1, 129.04).is_ok());
        assert!(Position::new(91.0, 0.0).is_err());
        assert!(Position::new(0.0, -180.5).is_err());
        assert!(Position::new(f64::NAN, 0.0).is_err());
        assert!(serde_json::from_str::<Position>(r#"{"lat": 95, "lon": 0}"#).is_err());
        assert!(serde_json::from_str::<Position>(r#"{"lat": 1, "lon": 0, "alt": 3}"#).is_err());
    }
}
