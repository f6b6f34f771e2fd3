//! Each detector on crafted tracks: the expected events with their start and end times,
//! thresholds at their edges, and nothing for vessels in port.

use interdict_maritime::geodesy::destination;
use interdict_maritime::{Config, EventKind, Watchlist, Zones};

use crate::{pos, run, run_with, stat, summary, track, SEA, T0};

const A: u32 = 440_111_000;
const B: u32 = 412_222_000;

/// Two vessels drifting together at 1 kn, `apart` metres apart, for `secs` seconds.
fn drift_pair(secs: i64, apart: f64, sog: f64) -> Vec<interdict_maritime::Observation> {
    let mut obs = track(A, T0, secs, 60, SEA, sog, 90.0);
    let b_start = destination(SEA.0, SEA.1, 0.0, apart);
    obs.extend(track(B, T0 + 30, secs - 30, 60, b_start, sog, 90.0));
    obs
}

#[test]
fn encounter_of_two_vessels_for_two_and_a_half_hours() {
    let events = run(drift_pair(9000, 300.0, 1.0));
    assert_eq!(
        summary(&events),
        vec![(EventKind::Encounter, B, Some(A), T0, None)],
        "still together at the end of the data: {events:#?}"
    );
    let e = &events[0];
    assert!((e.lat - SEA.0).abs() < 0.01 && (e.lon - SEA.1).abs() < 0.05);
    assert_eq!(e.evidence["thresholds"]["max_distance_m"], 500.0);
    assert!(e.evidence["distance_m"]["max"].as_f64().unwrap() <= 500.0);
}

#[test]
fn encounter_duration_at_its_edge() {
    // Exactly two hours from the first close pair of positions: an encounter.
    let events = run(drift_pair(7200 + 30, 300.0, 1.0));
    assert_eq!(
        summary(&events),
        vec![(EventKind::Encounter, B, Some(A), T0, None)]
    );
    assert_eq!(events[0].evidence["duration_h"], 2.0);
    // Shorter: nothing.
    assert!(run(drift_pair(7200 - 60, 300.0, 1.0)).is_empty());
}

#[test]
fn encounter_distance_and_speed_at_their_edges() {
    assert_eq!(run(drift_pair(9000, 480.0, 1.0)).len(), 1);
    assert!(run(drift_pair(9000, 530.0, 1.0)).is_empty());
    assert_eq!(run(drift_pair(9000, 300.0, 1.9)).len(), 1);
    assert!(run(drift_pair(9000, 300.0, 2.0)).is_empty());
}

#[test]
fn encounter_ends_when_one_vessel_leaves() {
    // B leaves at 10 kn after three hours; A stays.
    let mut obs = track(A, T0, 6 * 3600, 60, SEA, 0.5, 90.0);
    let b0 = destination(SEA.0, SEA.1, 0.0, 200.0);
    obs.extend(track(B, T0, 3 * 3600, 60, b0, 0.5, 90.0));
    let b1 = destination(b0.0, b0.1, 90.0, 0.5 * 1852.0 * 3.0);
    obs.extend(track(B, T0 + 3 * 3600 + 60, 3 * 3600, 60, b1, 10.0, 0.0));
    let events = run(obs);
    let enc: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::Encounter)
        .collect();
    assert_eq!(enc.len(), 1, "{events:#?}");
    // A's position a minute after B's last slow one is still within 500 m of it, so the
    // pair was last seen together then.
    assert_eq!((enc[0].start, enc[0].end), (T0, Some(T0 + 3 * 3600 + 60)));
    // A drifts for six hours at 0.5 kn, 130 nmi offshore: loitering too.
    let loit: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::Loitering)
        .collect();
    assert_eq!(loit.len(), 1);
    assert_eq!((loit[0].mmsi, loit[0].start, loit[0].end), (A, T0, None));
}

#[test]
fn no_events_for_vessels_moored_in_port_or_at_anchor() {
    // Busan anchorage: two vessels 200 m apart, stopped for a day, one silent for 8 h.
    let busan = (35.08, 129.06);
    let mut obs = track(A, T0, 86_400, 180, busan, 0.0, 0.0);
    let b0 = destination(busan.0, busan.1, 90.0, 200.0);
    obs.extend(track(B, T0, 6 * 3600, 180, b0, 0.0, 0.0));
    obs.extend(track(B, T0 + 14 * 3600, 10 * 3600, 180, b0, 0.0, 0.0));
    assert!(run(obs).is_empty());
}

#[test]
fn loitering_for_five_hours_far_offshore() {
    let events = run(track(A, T0, 5 * 3600, 60, SEA, 1.0, 45.0));
    assert_eq!(
        summary(&events),
        vec![(EventKind::Loitering, A, None, T0, None)]
    );
    // Ended by speeding up.
    let mut obs = track(A, T0, 5 * 3600, 60, SEA, 1.0, 45.0);
    let drifted = destination(SEA.0, SEA.1, 45.0, 5.0 * 1852.0);
    obs.extend(track(A, T0 + 5 * 3600 + 60, 3600, 60, drifted, 12.0, 45.0));
    let events = run(obs);
    assert_eq!(
        summary(&events),
        vec![(EventKind::Loitering, A, None, T0, Some(T0 + 5 * 3600))]
    );
}

#[test]
fn loitering_thresholds_at_their_edges() {
    // Four hours exactly: yes; a minute less: no.
    assert_eq!(run(track(A, T0, 4 * 3600, 60, SEA, 1.0, 45.0)).len(), 1);
    assert!(run(track(A, T0, 4 * 3600 - 60, 60, SEA, 1.0, 45.0)).is_empty());
    // Too fast.
    assert!(run(track(A, T0, 5 * 3600, 60, SEA, 2.0, 45.0)).is_empty());
    // Too close to shore: south of Jeju, well within 20 nmi.
    let near = (33.15, 126.3);
    let g = crate::geo();
    assert!(g.shore.distance_nmi(near.0, near.1) < 20.0);
    assert!(run(track(A, T0, 5 * 3600, 60, near, 1.0, 90.0)).is_empty());
}

/// Traffic: `n` vessels crossing the sea around SEA at 12 kn all day, one position a
/// minute each (other vessels' messages make the reception good).
fn traffic(n: u32, hours: i64) -> Vec<interdict_maritime::Observation> {
    let mut obs = Vec::new();
    for k in 0..n {
        let from = (SEA.0 - 0.8 + 0.1 * f64::from(k), SEA.1 - 0.9);
        let mut leg = track(413_000_000 + k, T0, hours * 3600, 60, from, 12.0, 90.0);
        // Turn back halfway so that they stay in the area.
        let half = leg.len() / 2;
        leg.truncate(half);
        obs.extend(leg);
        let back = destination(from.0, from.1, 90.0, 12.0 * 1852.0 * (hours as f64) / 2.0);
        obs.extend(track(
            413_000_000 + k,
            T0 + (half as i64) * 60,
            hours * 3600 - (half as i64) * 60,
            60,
            back,
            12.0,
            270.0,
        ));
    }
    obs
}

#[test]
fn gaps_every_silence_and_likely_intentional_ones() {
    // 13 h silence far offshore, with traffic around: likely intentional.
    let mut obs = track(A, T0, 3600, 60, SEA, 10.0, 0.0);
    let back = (SEA.0 + 2.2, SEA.1);
    obs.extend(track(A, T0 + 14 * 3600, 3600, 60, back, 10.0, 0.0));
    let mut all = obs.clone();
    all.extend(traffic(6, 16));
    let events = run(all);
    let gaps: Vec<_> = events.iter().filter(|e| e.kind == EventKind::Gap).collect();
    assert_eq!(gaps.len(), 1, "{events:#?}");
    let g = gaps[0];
    assert_eq!(
        (g.mmsi, g.start, g.end),
        (A, T0 + 3600, Some(T0 + 14 * 3600))
    );
    assert_eq!(g.evidence["likely_intentional"], true, "{:#}", g.evidence);
    assert_eq!(g.evidence["duration_h"], 13.0);
    // The same gap without anybody else around: reception unknown, not "likely".
    let events = run(obs);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].evidence["good_reception"], false);
    assert_eq!(events[0].evidence["likely_intentional"], false);
}

#[test]
fn gap_thresholds_at_their_edges() {
    let mk = |silence: i64| {
        let mut obs = track(A, T0, 3600, 60, SEA, 10.0, 0.0);
        obs.extend(track(A, T0 + 3600 + silence, 600, 60, SEA, 10.0, 0.0));
        obs
    };
    let events = run(mk(6 * 3600));
    assert_eq!(
        summary(&events),
        vec![(EventKind::Gap, A, None, T0 + 3600, Some(T0 + 7 * 3600))]
    );
    // 12 h exactly is long enough to be intentional (with reception); 6 h is not.
    assert_eq!(events[0].evidence["likely_intentional"], false);
    assert!(run(mk(6 * 3600 - 1)).is_empty());
    // Silent at the end of the data: an open gap.
    let mut obs = track(A, T0, 3600, 60, SEA, 10.0, 0.0);
    obs.extend(track(B, T0, 8 * 3600, 60, (SEA.0, SEA.1 + 1.0), 10.0, 0.0));
    let events = run(obs);
    assert_eq!(
        summary(&events),
        vec![(EventKind::Gap, A, None, T0 + 3600, None)]
    );
}

#[test]
fn identity_changes_check_digits_and_mids() {
    let mut obs = track(A, T0, 600, 60, SEA, 10.0, 0.0);
    obs.push(stat(A, T0 + 60, "SEA STAR", "DSAB1", Some(9_074_729)));
    obs.push(stat(A, T0 + 120, "SEA STAR", "DSAB1", Some(9_074_729)));
    obs.push(stat(A, T0 + 180, "OCEAN STAR", "DSAB1", Some(9_074_729)));
    obs.push(stat(A, T0 + 240, "OCEAN STAR", "DSAB2", Some(9_074_728)));
    // MID 200 is not allocated.
    obs.extend(track(
        200_123_456,
        T0,
        60,
        60,
        (SEA.0 + 1.0, SEA.1),
        10.0,
        0.0,
    ));
    let (events, engine) = run_with(
        Config::default(),
        Zones::default(),
        Watchlist::default(),
        obs,
        true,
    );
    let reasons: Vec<(u32, i64, String)> = events
        .iter()
        .map(|e| {
            assert_eq!(e.kind, EventKind::Identity);
            (
                e.mmsi,
                e.start,
                e.evidence["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            (200_123_456, T0, "invalid_mid".into()),
            (A, T0 + 180, "name_change".into()),
            (A, T0 + 240, "callsign_change".into()),
            (A, T0 + 240, "imo_change".into()),
            (A, T0 + 240, "imo_check_digit".into()),
        ]
    );
    let v = engine.vessel(A).unwrap();
    assert_eq!(v.identity.name.as_deref(), Some("OCEAN STAR"));
    assert_eq!(v.mid, Some(440));
}

#[test]
fn one_mmsi_in_two_places() {
    // A genuine vessel near SEA and a second transmitter 100 km away with the same MMSI,
    // both every minute for two hours; then only the genuine one.
    let mut obs = track(A, T0, 5 * 3600, 60, SEA, 10.0, 0.0);
    let far = (SEA.0, SEA.1 + 1.05);
    obs.extend(track(A, T0 + 30, 2 * 3600, 60, far, 10.0, 0.0));
    let events = run(obs);
    assert_eq!(events.len(), 1, "{events:#?}");
    let e = &events[0];
    assert_eq!(e.kind, EventKind::Identity);
    assert_eq!(e.evidence["reason"], "implied_speed");
    // From the first genuine position before the first jump to the last jump.
    assert_eq!((e.start, e.end), (T0, Some(T0 + 2 * 3600 + 60)));
    assert!(e.evidence["jumps"].as_u64().unwrap() >= 200);
}

#[test]
fn zone_entry_and_exit() {
    let zones = Zones::from_geojson(
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"box","name":"Patrol box"},
         "geometry":{"type":"Polygon","coordinates":[[[125.1,30.9],[125.3,30.9],[125.3,31.1],[125.1,31.1],[125.1,30.9]]]}},
        {"type":"Feature","properties":{"id":"two"},
         "geometry":{"type":"MultiPolygon","coordinates":[[[[125.5,30.9],[125.6,30.9],[125.6,31.1],[125.5,31.1],[125.5,30.9]]],
                                                          [[[126.5,30.9],[126.6,30.9],[126.6,31.1],[126.5,31.1],[126.5,30.9]]]]}}]}"#,
    )
    .unwrap();
    // Eastward at 12 kn from 125.0 E along 31 N: 0.2 nmi a minute.
    let obs = track(A, T0, 4 * 3600, 60, SEA, 12.0, 90.0);
    let inside: Vec<(i64, usize)> = obs
        .iter()
        .filter_map(|o| match o {
            interdict_maritime::Observation::Position(p) => {
                let z = zones
                    .zones()
                    .iter()
                    .position(|z| z.contains(p.lat, p.lon))?;
                Some((p.time, z))
            }
            _ => None,
        })
        .collect();
    let first = |z: usize| inside.iter().find(|x| x.1 == z).unwrap().0;
    let last = |z: usize| inside.iter().rev().find(|x| x.1 == z).unwrap().0;
    let (events, _) = run_with(Config::default(), zones, Watchlist::default(), obs, true);
    let got: Vec<(String, i64, Option<i64>)> = events
        .iter()
        .map(|e| {
            assert_eq!(e.kind, EventKind::ZoneEntry);
            (
                e.evidence["zone"].as_str().unwrap().to_owned(),
                e.start,
                e.end,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("box".into(), first(0), Some(last(0))),
            ("two".into(), first(1), Some(last(1))),
        ]
    );
    let _ = pos;
}
