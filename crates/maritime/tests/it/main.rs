//! Integration tests of the maritime engine: each detector on crafted tracks with the
//! expected events and their start and end times (one test binary, a module per area).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod detectors;
mod geography;
mod input;
mod watch;

use std::sync::{Arc, OnceLock};

use interdict_maritime::geodesy::destination;
use interdict_maritime::{
    Config, Engine, Event, EventKind, Geography, Observation, Output, Position, SourceId,
    StaticReport, Watchlist, Zones,
};

/// The embedded geography, unpacked once for all tests.
pub fn geo() -> Arc<Geography> {
    static GEO: OnceLock<Arc<Geography>> = OnceLock::new();
    GEO.get_or_init(|| Arc::new(Geography::embedded().unwrap()))
        .clone()
}

/// 2024-01-01T00:00:00Z.
pub const T0: i64 = 1_704_067_200;

/// Open sea in the East China Sea, about 130 nmi from the nearest coast.
pub const SEA: (f64, f64) = (31.0, 125.0);

/// A position.
pub fn pos(mmsi: u32, time: i64, lat: f64, lon: f64, sog: f32, cog: f32) -> Observation {
    Observation::Position(Position {
        mmsi,
        time,
        received_at: None,
        lat,
        lon,
        sog: Some(sog),
        cog: Some(cog),
        heading: None,
        status: None,
        source: SourceId(0),
    })
}

/// Static data.
pub fn stat(mmsi: u32, time: i64, name: &str, callsign: &str, imo: Option<u32>) -> Observation {
    Observation::Static(StaticReport {
        mmsi,
        time,
        name: Some(name.into()),
        callsign: Some(callsign.into()),
        imo,
        ..StaticReport::default()
    })
}

/// A straight track: a position every `every` seconds from `start` for `secs` seconds
/// (both ends included), at `sog` knots on course `cog`.
#[allow(clippy::too_many_arguments)]
pub fn track(
    mmsi: u32,
    start: i64,
    secs: i64,
    every: i64,
    from: (f64, f64),
    sog: f64,
    cog: f64,
) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut t = start;
    while t <= start + secs {
        let d = sog * 1852.0 / 3600.0 * (t - start) as f64;
        let (lat, lon) = destination(from.0, from.1, cog, d);
        out.push(pos(mmsi, t, lat, lon, sog as f32, cog as f32));
        t += every;
    }
    out
}

/// Runs observations through an engine (sorted by time first when `sort`), returns the
/// last report of every event, sorted by (start, kind, mmsi).
pub fn run_with(
    config: Config,
    zones: Zones,
    watchlist: Watchlist,
    obs: Vec<Observation>,
    sort: bool,
) -> (Vec<Event>, Engine) {
    let mut obs = obs;
    if sort {
        obs.sort_by_key(|o| o.time());
    }
    let mut engine = Engine::new(config, geo(), zones, watchlist);
    let mut out = Output::default();
    for o in obs {
        engine.push(o, &mut out);
    }
    engine.finish(&mut out);
    (last_reports(out.events), engine)
}

/// The last report of each event id, sorted.
pub fn last_reports(events: Vec<Event>) -> Vec<Event> {
    let mut by_id: std::collections::BTreeMap<String, Event> = Default::default();
    for e in events {
        by_id.insert(e.id.clone(), e);
    }
    let mut v: Vec<Event> = by_id.into_values().collect();
    v.sort_by(|a, b| (a.start, a.kind, a.mmsi, &a.id).cmp(&(b.start, b.kind, b.mmsi, &b.id)));
    v
}

/// Runs with defaults, no areas and no watch list.
pub fn run(obs: Vec<Observation>) -> Vec<Event> {
    run_with(
        Config::default(),
        Zones::default(),
        Watchlist::default(),
        obs,
        true,
    )
    .0
}

/// (kind, mmsi, other, start, end) of an event.
pub type Summary = (EventKind, u32, Option<u32>, i64, Option<i64>);

/// (kind, mmsi, other, start, end) of each event.
pub fn summary(events: &[Event]) -> Vec<Summary> {
    events
        .iter()
        .map(|e| (e.kind, e.mmsi, e.other_mmsi, e.start, e.end))
        .collect()
}
