//! Input policy: time checks, reordering, duplicates; tracks down-sampled.

use interdict_maritime::{
    Config, Engine, FlagReason, Observation, Output, Position, SourceId, Watchlist, Zones,
};

use crate::{geo, run_with, summary, track, SEA, T0};

const A: u32 = 440_111_000;
const B: u32 = 412_222_000;

fn drift_pair() -> Vec<Observation> {
    let mut obs = track(A, T0, 3 * 3600, 30, SEA, 1.0, 90.0);
    let b0 = interdict_maritime::geodesy::destination(SEA.0, SEA.1, 0.0, 250.0);
    obs.extend(track(B, T0, 3 * 3600, 30, b0, 1.0, 90.0));
    obs
}

/// A deterministic shuffle within `window` seconds: sorts by time plus a pseudo-random
/// delay below the window.
fn jitter(mut obs: Vec<Observation>, window: i64) -> Vec<Observation> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut keyed: Vec<(i64, Observation)> = obs
        .drain(..)
        .map(|o| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (o.time() + (x % window as u64) as i64, o)
        })
        .collect();
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|k| k.1).collect()
}

#[test]
fn unordered_and_duplicated_input_gives_the_same_events() {
    let ordered = drift_pair();
    let (expected, _) = run_with(
        Config::default(),
        Zones::default(),
        Watchlist::default(),
        ordered.clone(),
        true,
    );
    assert_eq!(expected.len(), 1);
    // Shuffled within 100 s (the reorder window is 120 s) and every message twice, as
    // from two receivers.
    let mut twice = ordered.clone();
    twice.extend(ordered);
    let shuffled = jitter(twice, 100);
    let (events, engine) = run_with(
        Config::default(),
        Zones::default(),
        Watchlist::default(),
        shuffled,
        false,
    );
    assert_eq!(summary(&events), summary(&expected));
    assert_eq!(engine.stats().duplicates, 722);
    assert_eq!(engine.stats().late, 0);
    assert_eq!(engine.vessel(A).unwrap().positions, 361);
}

#[test]
fn input_later_than_the_window_is_flagged_late() {
    let mut engine = Engine::new(
        Config::default(),
        geo(),
        Zones::default(),
        Watchlist::default(),
    );
    let mut out = Output::default();
    for o in track(A, T0, 600, 60, SEA, 10.0, 0.0) {
        engine.push(o, &mut out);
    }
    // Five minutes late: beyond the 120 s window, the vessel has moved on.
    for o in track(A, T0 + 300, 0, 60, SEA, 10.0, 0.0) {
        engine.push(
            match o {
                Observation::Position(p) => Observation::Position(Position {
                    time: T0 + 290,
                    ..p
                }),
                o => o,
            },
            &mut out,
        );
    }
    engine.finish(&mut out);
    assert_eq!(engine.stats().late, 1);
    assert_eq!(out.flagged.last().unwrap().reason, FlagReason::Late);
}

#[test]
fn future_and_stale_messages_are_flagged_not_used() {
    let mut engine = Engine::new(
        Config::default(),
        geo(),
        Zones::default(),
        Watchlist::default(),
    );
    let mut out = Output::default();
    let p = |time, received_at| {
        Observation::Position(Position {
            mmsi: A,
            time,
            received_at,
            lat: SEA.0,
            lon: SEA.1,
            sog: Some(5.0),
            cog: Some(0.0),
            heading: None,
            status: None,
            source: SourceId(0),
        })
    };
    engine.push(p(T0, Some(T0)), &mut out);
    // Five minutes ahead of its receive time is tolerated; a second more is not.
    engine.push(p(T0 + 400, Some(T0 + 100)), &mut out);
    engine.push(p(T0 + 401, Some(T0 + 100)), &mut out);
    // A day old on arrival is tolerated; older is not.
    engine.push(p(T0 - 86_300, Some(T0 + 100)), &mut out);
    engine.push(p(T0 - 86_301, Some(T0 + 100)), &mut out);
    // Without a receive time: a year ahead of the data.
    engine.push(p(T0 + 365 * 86_400, None), &mut out);
    engine.finish(&mut out);
    let reasons: Vec<(i64, FlagReason)> = out.flagged.iter().map(|f| (f.time, f.reason)).collect();
    assert_eq!(
        reasons,
        vec![
            (T0 + 401, FlagReason::Future),
            // Accepted by the time check, but older than what the vessel already sent.
            (T0 - 86_300, FlagReason::Late),
            (T0 - 86_301, FlagReason::Stale),
            (T0 + 365 * 86_400, FlagReason::Future),
        ]
    );
    assert_eq!(engine.stats().positions, 2);
}

#[test]
fn tracks_a_point_a_minute_and_on_turns() {
    let mut engine = Engine::new(
        Config::default(),
        geo(),
        Zones::default(),
        Watchlist::default(),
    );
    let mut out = Output::default();
    // Every 10 s for ten minutes on 000, then a turn to 090.
    let mut obs = track(A, T0, 600, 10, SEA, 12.0, 0.0);
    obs.extend(track(
        A,
        T0 + 610,
        50,
        10,
        (SEA.0 + 0.04, SEA.1),
        12.0,
        90.0,
    ));
    for o in obs {
        engine.push(o, &mut out);
    }
    engine.finish(&mut out);
    let times: Vec<i64> = out.track.iter().map(|t| t.time - T0).collect();
    assert_eq!(
        times,
        vec![0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 610]
    );
}

#[test]
fn arbitrary_observations_in_any_order_never_panic() {
    let mut engine = Engine::new(
        Config::default(),
        geo(),
        Zones::default(),
        Watchlist::default(),
    );
    let mut out = Output::default();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for k in 0..50_000 {
        let r = next();
        let time = T0 + (r % 400_000) as i64 - 200_000;
        let lat = (next() % 180_000) as f64 / 1000.0 - 90.0;
        let lon = (next() % 360_000) as f64 / 1000.0 - 180.0;
        let obs = if k % 17 == 0 {
            Observation::Static(interdict_maritime::StaticReport {
                mmsi: 440_000_000 + (r % 9) as u32,
                time,
                name: Some(format!("N{}", r % 3)),
                imo: Some((next() % 10_000_000) as u32),
                ..Default::default()
            })
        } else {
            Observation::Position(Position {
                mmsi: 440_000_000 + (r % 9) as u32,
                time,
                received_at: (r % 3 == 0).then_some(time + (next() % 1000) as i64 - 500),
                lat,
                lon,
                sog: Some((next() % 300) as f32 / 10.0),
                cog: Some((next() % 3600) as f32 / 10.0),
                heading: None,
                status: None,
                source: SourceId((r % 2) as u16),
            })
        };
        engine.push(obs, &mut out);
        if k % 1000 == 0 {
            engine.advance(time, &mut out);
            out.clear();
        }
    }
    engine.finish(&mut out);
    let s = engine.stats();
    assert_eq!(
        s.pushed,
        s.positions + s.statics + s.future + s.stale + s.late + s.duplicates
    );
}

#[test]
fn advance_opens_gaps_with_the_clock_and_the_vessel_closes_them() {
    let mut engine = Engine::new(
        Config::default(),
        geo(),
        Zones::default(),
        Watchlist::default(),
    );
    let mut out = Output::default();
    for o in track(A, T0, 3600, 60, SEA, 10.0, 0.0) {
        engine.push(o, &mut out);
    }
    // Five hours of silence: nothing yet.
    engine.advance(T0 + 6 * 3600 - 1, &mut out);
    assert!(out.events.is_empty());
    // Six hours after the last position: an open gap.
    engine.advance(T0 + 7 * 3600, &mut out);
    let open: Vec<_> = out.events.drain(..).collect();
    assert_eq!(open.len(), 1, "{open:#?}");
    assert_eq!((open[0].start, open[0].end), (T0 + 3600, None));
    // Advancing further reports nothing new; the vessel's return closes the same event.
    engine.advance(T0 + 8 * 3600, &mut out);
    assert!(out.events.is_empty());
    for o in track(A, T0 + 9 * 3600, 600, 60, (SEA.0 + 1.0, SEA.1), 10.0, 0.0) {
        engine.push(o, &mut out);
    }
    engine.finish(&mut out);
    let closed: Vec<_> = out
        .events
        .iter()
        .filter(|e| e.kind == interdict_maritime::EventKind::Gap)
        .collect();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].id, open[0].id);
    assert_eq!(closed[0].end, Some(T0 + 9 * 3600));
}
