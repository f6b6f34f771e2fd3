//! The vessel picture as plain data: what the server persists and serves.

use serde::{Deserialize, Serialize};

use crate::observation::{Position, SourceId};

/// A vessel's identity as last reported.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Identity {
    /// Name.
    pub name: Option<String>,
    /// Call sign.
    pub callsign: Option<String>,
    /// IMO number as transmitted.
    pub imo: Option<u32>,
    /// Type of ship and cargo (ITU-R M.1371 table 53).
    pub ship_type: Option<u8>,
    /// Destination.
    pub destination: Option<String>,
}

/// Which identity field changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityField {
    /// Name.
    Name,
    /// Call sign.
    Callsign,
    /// IMO number.
    Imo,
    /// Ship type.
    ShipType,
    /// Flag (from the MMSI's MID, set once when a vessel is first seen).
    Flag,
}

/// One entry of a vessel's identity history: a field set or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityChange {
    /// The vessel.
    pub mmsi: u32,
    /// When (message time).
    pub time: i64,
    /// Which field.
    pub field: IdentityField,
    /// The value before (`None` the first time).
    pub old: Option<String>,
    /// The value now.
    pub new: Option<String>,
}

/// A point of a down-sampled track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    /// The vessel.
    pub mmsi: u32,
    /// Message time.
    pub time: i64,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Speed over ground, knots.
    pub sog: Option<f32>,
    /// Course over ground, degrees.
    pub cog: Option<f32>,
    /// Heading, degrees.
    pub heading: Option<u16>,
    /// Where it came from.
    pub source: SourceId,
}

/// A port call: a stay near one port's points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortCall {
    /// Port name.
    pub port: String,
    /// Country (ISO 3166-1 alpha-3).
    pub iso3: String,
    /// First position in port.
    pub arrival: i64,
    /// Last position in port; `None` while the vessel is still there.
    pub departure: Option<i64>,
}

/// Current state of one vessel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[repr(C)]
pub struct VesselState {
    /// MMSI.
    pub mmsi: u32,
    /// Maritime Identification Digits (the flag) when the MMSI is a valid ship MMSI.
    pub mid: Option<u16>,
    /// Last accepted position.
    pub position: Option<Position>,
    /// First message time.
    pub first_seen: i64,
    /// Latest message time.
    pub last_seen: i64,
    /// Positions accepted.
    pub positions: u64,
    /// Identity as last reported.
    pub identity: Identity,
    /// Sources that reported the vessel.
    pub sources: Vec<SourceId>,
    /// Recent port calls, oldest first; the last may still be going on.
    pub port_calls: Vec<PortCall>,
    /// Areas the vessel is in (zone ids).
    pub zones: Vec<String>,
    /// Watch-list references the vessel matches.
    pub watch: Vec<String>,
}

impl VesselState {
    /// A vessel first seen at `time`.
    pub fn new(mmsi: u32, time: i64) -> Self {
        Self {
            mmsi,
            mid: interdict_ident::Mmsi::from_value(mmsi)
                .ok()
                .and_then(|m| m.mid()),
            identity: Identity::default(),
            position: None,
            first_seen: time,
            last_seen: time,
            positions: 0,
            sources: Vec::new(),
            port_calls: Vec::new(),
            zones: Vec::new(),
            watch: Vec::new(),
        }
    }
}
