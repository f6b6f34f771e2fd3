//! Events: what the detectors report.

use serde::{Deserialize, Serialize};

/// The kind of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Two vessels close together, slow, away from port.
    Encounter,
    /// One vessel slow, far offshore.
    Loitering,
    /// A silence in a vessel's transmissions.
    Gap,
    /// An identity anomaly (bad MID, bad IMO, changed name, two places at once).
    Identity,
    /// A vessel entering an area.
    ZoneEntry,
    /// Something about a watch-listed vessel.
    Watchlist,
    /// A vessel arriving in home waters from a high-risk port.
    HighRiskArrival,
}

impl EventKind {
    /// The name used in events and identifiers.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Encounter => "encounter",
            EventKind::Loitering => "loitering",
            EventKind::Gap => "gap",
            EventKind::Identity => "identity",
            EventKind::ZoneEntry => "zone_entry",
            EventKind::Watchlist => "watchlist",
            EventKind::HighRiskArrival => "high_risk_arrival",
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event. An event with a duration is reported when it is known (`end: None`, "open")
/// and again, with the same `id`, when it ends; a consumer keeps the last report per id.
///
/// Times are UNIX seconds; they serialise as RFC 3339 UTC strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable identifier: the same for every report of one event.
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// The vessel (for encounters the lower MMSI).
    pub mmsi: u32,
    /// The other vessel of an encounter.
    pub other_mmsi: Option<u32>,
    /// When it started.
    #[serde(with = "rfc3339")]
    pub start: i64,
    /// When it ended; `None` while it goes on.
    #[serde(with = "rfc3339_opt")]
    pub end: Option<i64>,
    /// Where (for an encounter the mean position, for a gap the last position before it).
    pub lat: f64,
    /// Where.
    pub lon: f64,
    /// Why: the thresholds used, the measured values, track points.
    pub evidence: serde_json::Value,
}

/// Formats UNIX seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// Parses an RFC 3339 time into UNIX seconds.
pub fn parse_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.timestamp())
}

mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_time(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_time(&s).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time"))
    }
}

mod rfc3339_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format_time(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => super::parse_time(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time")),
        }
    }
}
