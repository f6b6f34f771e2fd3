//! The scenario generator and the detect command: the events found are exactly the ones
//! the story implies.

use interdict_maritime::Event;
use interdict_maritime_cmd::detect::{detect_files, load_config, load_watchlist, load_zones};
use interdict_maritime_cmd::simulate::{scenario, StoryEvent};

/// 2024-05-01T00:00:00Z.
const START: i64 = 1_714_521_600;

fn detect_scenario(seed: u64) -> (Vec<Event>, Vec<StoryEvent>) {
    let s = scenario(seed, START);
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("ais.nmea"), &s.nmea).unwrap();
    std::fs::write(p("areas.geojson"), &s.areas).unwrap();
    std::fs::write(p("watchlist.csv"), &s.watchlist).unwrap();
    std::fs::write(p("config.toml"), &s.config).unwrap();
    let (events, summary) = detect_files(
        &[p("ais.nmea")],
        load_config(Some(&p("config.toml"))).unwrap(),
        load_zones(Some(&p("areas.geojson"))).unwrap(),
        load_watchlist(Some(&p("watchlist.csv"))).unwrap(),
    )
    .unwrap();
    assert_eq!(summary.input.errors, 0);
    assert_eq!(summary.engine.late, 0);
    assert!(summary.engine.duplicates > 1000, "{summary:?}");
    (events, s.story)
}

fn matches(e: &Event, s: &StoryEvent) -> bool {
    e.kind.as_str() == s.kind
        && e.mmsi == s.mmsi
        && e.other_mmsi == s.other_mmsi
        && e.evidence["trigger"].as_str() == s.trigger
        && (s.start.0..=s.start.1).contains(&e.start)
        && match (e.end, s.end) {
            (None, None) => true,
            (Some(t), Some((a, b))) => (a..=b).contains(&t),
            _ => false,
        }
}

#[test]
fn detect_finds_exactly_the_story() {
    for seed in [1, 7] {
        let (events, story) = detect_scenario(seed);
        assert_eq!(events.len(), story.len(), "seed {seed}: {events:#?}");
        for s in &story {
            let n = events.iter().filter(|e| matches(e, s)).count();
            assert_eq!(n, 1, "seed {seed}: {s:?} in {events:#?}");
        }
        let gap = events.iter().find(|e| e.kind.as_str() == "gap").unwrap();
        assert_eq!(
            gap.evidence["likely_intentional"], true,
            "{:#}",
            gap.evidence
        );
        let arrival = events
            .iter()
            .find(|e| e.kind.as_str() == "high_risk_arrival")
            .unwrap();
        let port = arrival.evidence["port_calls"][0]["port"].as_str().unwrap();
        assert_eq!(port.replace('-', ""), "KAOHSIUNG");
    }
}

#[test]
fn same_seed_and_start_same_output() {
    assert_eq!(scenario(3, START).nmea, scenario(3, START).nmea);
    assert_ne!(scenario(3, START).nmea, scenario(4, START).nmea);
    let later = scenario(3, START + 86_400);
    assert!(later.nmea.contains(&format!("c:{}", START + 86_400)));
}

/// Runs the scenario's lines through an engine, cutting it at `cuts` (line numbers):
/// at each, the engine is written down, dropped and restored from what was written.
/// Returns everything the engine put out, in order.
fn run_with_cuts(seed: u64, cuts: &[usize]) -> (Vec<serde_json::Value>, usize) {
    use interdict_maritime::{Engine, Geography, Output, Snapshot};
    use std::sync::Arc;
    let s = scenario(seed, START);
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("areas.geojson"), &s.areas).unwrap();
    std::fs::write(p("watchlist.csv"), &s.watchlist).unwrap();
    std::fs::write(p("config.toml"), &s.config).unwrap();
    let config = load_config(Some(&p("config.toml"))).unwrap();
    let zones = || load_zones(Some(&p("areas.geojson"))).unwrap();
    let geo = Arc::new(Geography::embedded().unwrap());
    let mut engine = Engine::new(
        config.clone(),
        geo.clone(),
        zones(),
        load_watchlist(Some(&p("watchlist.csv"))).unwrap(),
    );
    let source = engine.source_id("feed");
    let mut decoder = interdict_ais::LineDecoder::new();
    let mut out = Output::default();
    let mut seen = Vec::new();
    let mut observations = Vec::new();
    let mut restored = 0;
    let drain = |out: &mut Output, seen: &mut Vec<serde_json::Value>| {
        for e in &out.events {
            seen.push(serde_json::to_value(e).unwrap());
        }
        for t in &out.track {
            seen.push(serde_json::to_value(t).unwrap());
        }
        for c in &out.identity {
            seen.push(serde_json::to_value(c).unwrap());
        }
        out.clear();
    };
    for (i, line) in s.nmea.lines().enumerate() {
        if cuts.contains(&i) {
            let bytes = postcard::to_stdvec(&engine.snapshot()).unwrap();
            drop(engine);
            let snapshot: Snapshot = postcard::from_bytes(&bytes).unwrap();
            engine = Engine::restore(config.clone(), geo.clone(), zones(), snapshot);
            restored += 1;
        }
        let mut pushed = decoder.push(line.as_bytes(), None);
        while let Some(decoded) = pushed.next() {
            let Ok(d) = decoded else { continue };
            observations.clear();
            if interdict_maritime::observation::from_ais(&d, None, source, &mut observations)
                .is_ok()
            {
                for obs in observations.drain(..) {
                    engine.push(obs, &mut out);
                }
            }
        }
        drain(&mut out, &mut seen);
    }
    engine.finish(&mut out);
    drain(&mut out, &mut seen);
    (seen, restored)
}

#[test]
fn an_engine_restored_from_its_snapshot_goes_on_as_if_never_stopped() {
    let (straight, _) = run_with_cuts(5, &[]);
    let lines = scenario(5, START).nmea.lines().count();
    let cuts: Vec<usize> = (1..8).map(|k| lines * k / 8).collect();
    let (cut, restored) = run_with_cuts(5, &cuts);
    assert_eq!(restored, cuts.len());
    let events = straight
        .iter()
        .filter(|v| v.get("kind").is_some() && v.get("evidence").is_some())
        .count();
    assert!(events >= 5, "the scenario has events: {events}");
    assert_eq!(straight.len(), cut.len());
    for (i, (a, b)) in straight.iter().zip(&cut).enumerate() {
        assert_eq!(a, b, "output {i} differs");
    }
}
