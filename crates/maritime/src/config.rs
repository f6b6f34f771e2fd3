//! Every threshold of the detectors, with defaults from the published definitions.
//!
//! Deserialises from TOML or JSON; keys left out keep their defaults, unknown keys are
//! rejected.

use serde::{Deserialize, Serialize};

/// Configuration of the engine and all detectors.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Input handling: time checks, reordering, duplicates.
    pub input: InputConfig,
    /// Down-sampled tracks.
    pub track: TrackConfig,
    /// Ports and anchorages: where vessels are "in port".
    pub port: PortConfig,
    /// Encounters between two vessels.
    pub encounter: EncounterConfig,
    /// Loitering.
    pub loitering: LoiteringConfig,
    /// AIS gaps.
    pub gap: GapConfig,
    /// Identity anomalies.
    pub identity: IdentityConfig,
    /// Watch-list sightings.
    pub watchlist: WatchlistConfig,
    /// Arrivals from high-risk ports.
    pub arrival: ArrivalConfig,
}

/// Input handling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    /// Observations wait this long (seconds of data time) to be put in time order.
    pub reorder_window_secs: i64,
    /// A message time more than this ahead of its receive time is flagged as future.
    pub future_tolerance_secs: i64,
    /// A message time more than this behind its receive time is flagged as stale.
    pub max_age_secs: i64,
    /// Without a receive time, a message more than this ahead of the latest time seen is
    /// flagged as future (a recording may pause for hours, so this is generous).
    pub max_jump_secs: i64,
}

impl Default for InputConfig {
    fn default() -> Self {
        Self {
            reorder_window_secs: 120,
            future_tolerance_secs: 300,
            max_age_secs: 86_400,
            max_jump_secs: 30 * 86_400,
        }
    }
}

/// Down-sampled tracks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackConfig {
    /// A track point at least this often (seconds) while positions arrive.
    pub interval_secs: i64,
    /// A track point on a course change of at least this many degrees.
    pub course_change_deg: f64,
    /// A track point on a speed change of at least this many knots.
    pub speed_change_kn: f64,
}

impl Default for TrackConfig {
    fn default() -> Self {
        Self {
            interval_secs: 60,
            course_change_deg: 15.0,
            speed_change_kn: 2.0,
        }
    }
}

/// Ports and anchorages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortConfig {
    /// A vessel closer than this (metres) to a port or anchorage is in port: no
    /// encounter, loitering or gap is reported for it (Miller et al. 2018: 10 km).
    pub in_port_m: f64,
    /// A port call is a stay within this distance (metres) of one port's points.
    pub call_radius_m: f64,
    /// A stay counts as a port call from this duration (seconds).
    pub call_min_secs: i64,
    /// Port calls remembered per vessel.
    pub calls_kept: usize,
}

impl Default for PortConfig {
    fn default() -> Self {
        Self {
            in_port_m: 10_000.0,
            call_radius_m: 3_000.0,
            call_min_secs: 3_600,
            calls_kept: 16,
        }
    }
}

/// Encounters (Miller et al. 2018, Global Fishing Watch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EncounterConfig {
    /// Two vessels at most this far apart (metres).
    pub max_distance_m: f64,
    /// Both slower than this (knots).
    pub max_speed_kn: f64,
    /// For at least this long (seconds).
    pub min_duration_secs: i64,
    /// Two positions are compared only when at most this far apart in time (seconds).
    pub max_time_skew_secs: i64,
    /// A pair not seen together for longer than this (seconds) has ended.
    pub max_silence_secs: i64,
}

impl Default for EncounterConfig {
    fn default() -> Self {
        Self {
            max_distance_m: 500.0,
            max_speed_kn: 2.0,
            min_duration_secs: 2 * 3600,
            max_time_skew_secs: 600,
            max_silence_secs: 3600,
        }
    }
}

/// Loitering (Global Fishing Watch: carriers slower than 2 kn for 4 h, 20 nmi offshore).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoiteringConfig {
    /// Slower than this (knots).
    pub max_speed_kn: f64,
    /// For at least this long (seconds).
    pub min_duration_secs: i64,
    /// At least this far from shore (nautical miles).
    pub min_shore_nmi: f64,
    /// A silence longer than this (seconds) ends a loitering run.
    pub max_silence_secs: i64,
}

impl Default for LoiteringConfig {
    fn default() -> Self {
        Self {
            max_speed_kn: 2.0,
            min_duration_secs: 4 * 3600,
            min_shore_nmi: 20.0,
            max_silence_secs: 3600,
        }
    }
}

/// AIS gaps (Welch et al. 2022).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GapConfig {
    /// Every silence at least this long (seconds) is a gap.
    pub min_secs: i64,
    /// A gap at least this long (seconds) ...
    pub intentional_min_secs: i64,
    /// ... that starts at least this far from shore (nautical miles) ...
    pub intentional_min_shore_nmi: f64,
    /// ... where other vessels were received at least this often (positions per hour,
    /// within the 3 x 3 one-degree cells around the last position, during the gap) is
    /// "likely intentional".
    pub reception_min_per_hour: f64,
    /// Reception counts are kept this long (seconds of data time).
    pub reception_keep_secs: i64,
}

impl Default for GapConfig {
    fn default() -> Self {
        Self {
            min_secs: 6 * 3600,
            intentional_min_secs: 12 * 3600,
            intentional_min_shore_nmi: 50.0,
            reception_min_per_hour: 10.0,
            reception_keep_secs: 7 * 86_400,
        }
    }
}

/// Identity anomalies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentityConfig {
    /// Consecutive positions implying more than this speed (knots) ...
    pub max_implied_speed_kn: f64,
    /// ... over more than this distance (metres) put one MMSI in two places.
    pub min_jump_m: f64,
    /// An episode of such jumps ends after this long (seconds) without one.
    pub quiet_secs: i64,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            max_implied_speed_kn: 50.0,
            min_jump_m: 2_000.0,
            quiet_secs: 3600,
        }
    }
}

/// Watch-list sightings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchlistConfig {
    /// A watched vessel seen again after this long unseen (seconds) is sighted again.
    pub resight_after_secs: i64,
}

impl Default for WatchlistConfig {
    fn default() -> Self {
        Self {
            resight_after_secs: 86_400,
        }
    }
}

/// Arrivals from high-risk ports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArrivalConfig {
    /// Countries whose waters are watched (ISO 3166-1 alpha-3).
    pub home_countries: Vec<String>,
    /// A vessel is in home waters within this distance (nautical miles) of a port or
    /// anchorage of a home country (12 nmi: the territorial sea).
    pub home_waters_nmi: f64,
    /// High-risk ports, by name as in the ports list (upper case).
    pub high_risk_ports: Vec<String>,
    /// High-risk countries (ISO 3166-1 alpha-3): every port of theirs.
    pub high_risk_countries: Vec<String>,
    /// Port calls within this long (seconds) before the arrival count.
    pub lookback_secs: i64,
}

impl Default for ArrivalConfig {
    fn default() -> Self {
        Self {
            home_countries: vec!["KOR".into()],
            home_waters_nmi: 12.0,
            high_risk_ports: Vec::new(),
            high_risk_countries: Vec::new(),
            lookback_secs: 60 * 86_400,
        }
    }
}
