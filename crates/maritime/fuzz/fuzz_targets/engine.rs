//! Arbitrary observations through the engine: any times, places and speeds, in any order,
//! never panic.
#![no_main]

use std::sync::{Arc, OnceLock};

use interdict_maritime::{
    Config, Engine, Geography, Observation, Output, Position, SourceId, StaticReport,
    Watchlist, Zones,
};
use libfuzzer_sys::fuzz_target;

fn geo() -> Arc<Geography> {
    static GEO: OnceLock<Arc<Geography>> = OnceLock::new();
    GEO.get_or_init(|| Arc::new(Geography::embedded().unwrap_or_else(|_| std::process::abort())))
        .clone()
}

fuzz_target!(|data: &[u8]| {
    let mut engine = Engine::new(Config::default(), geo(), Zones::default(), Watchlist::default());
    let mut out = Output::default();
    for c in data.chunks_exact(24) {
        let u = |i: usize| u32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
        let mmsi = u(0) % 8 + 440_000_000;
        let time = 1_700_000_000 + i64::from(u(4) % 200_000) - 100_000;
        let lat = f64::from(u(8)) / f64::from(u32::MAX) * 180.0 - 90.0;
        let lon = f64::from(u(12)) / f64::from(u32::MAX) * 360.0 - 180.0;
        let obs = if c[20] % 16 == 0 {
            Observation::Static(StaticReport {
                mmsi,
                time,
                name: Some(format!("N{}", c[21] % 3)),
                imo: Some(u(16) % 10_000_000),
                ..StaticReport::default()
            })
        } else {
            Observation::Position(Position {
                mmsi,
                time,
                received_at: (c[21] % 2 == 0).then_some(time + i64::from(c[22]) * 100 - 12_800),
                lat,
                lon,
                sog: Some(f32::from(c[20]) / 10.0),
                cog: Some(f32::from(c[23]) * 1.5),
                heading: None,
                status: None,
                source: SourceId(u16::from(c[22] % 2)),
            })
        };
        engine.push(obs, &mut out);
        if c[23] == 255 {
            engine.advance(time, &mut out);
        }
    }
    engine.finish(&mut out);
});
