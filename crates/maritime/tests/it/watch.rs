//! Watch-listed vessels and arrivals from high-risk ports.

use interdict_maritime::geodesy::{bearing_deg, destination, distance_m};
use interdict_maritime::{Config, EventKind, Watchlist, Zones};

use crate::{run_with, stat, summary, track, SEA, T0};

const W: u32 = 341_555_000;
const F: u32 = 412_666_000;

#[test]
fn watched_vessel_sighting_and_encounter() {
    let wl =
        Watchlist::from_csv("reference,imo,name\nreport-17,IMO 9074729,\nreport-18,,Sea  star\n")
            .unwrap();
    let mut obs = vec![stat(W, T0, "SEA STAR", "V4AB", Some(9_074_729))];
    obs.extend(track(W, T0, 3 * 3600, 60, SEA, 1.0, 0.0));
    let f0 = destination(SEA.0, SEA.1, 90.0, 300.0);
    obs.extend(track(F, T0, 3 * 3600, 60, f0, 1.0, 0.0));
    let (events, engine) = run_with(Config::default(), Zones::default(), wl, obs, true);
    assert_eq!(
        summary(&events),
        vec![
            (EventKind::Encounter, W, Some(F), T0, None),
            (EventKind::Watchlist, W, Some(F), T0, None),
            (EventKind::Watchlist, W, None, T0, Some(T0)),
            (EventKind::Watchlist, W, Some(F), T0, None),
            (EventKind::Watchlist, W, None, T0, Some(T0)),
        ],
        "{events:#?}"
    );
    let refs: Vec<(&str, &str, &str)> = events[1..]
        .iter()
        .map(|e| {
            (
                e.evidence["reference"].as_str().unwrap(),
                e.evidence["trigger"].as_str().unwrap(),
                e.evidence["matched_by"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        refs,
        vec![
            ("report-17", "encounter", "imo"),
            ("report-17", "sighting", "imo"),
            ("report-18", "encounter", "name"),
            ("report-18", "sighting", "name"),
        ]
    );
    assert_eq!(events[1].evidence["related"], events[0].id.as_str());
    assert_eq!(
        engine.vessel(W).unwrap().watch,
        vec!["report-17".to_owned(), "report-18".to_owned()]
    );
}

#[test]
fn watched_vessel_by_mmsi_gap_and_zone() {
    let wl = Watchlist::from_csv("reference,mmsi\ncase-1,341555000\n").unwrap();
    let zones = Zones::from_geojson(
        r#"{"type":"Polygon","coordinates":[[[124.9,31.5],[125.1,31.5],[125.1,31.7],[124.9,31.7],[124.9,31.5]]]}"#,
    )
    .unwrap();
    let mut obs = track(W, T0, 3600, 60, SEA, 10.0, 0.0);
    obs.extend(track(W, T0 + 8 * 3600, 1800, 60, (31.55, 125.0), 10.0, 0.0));
    let (events, _) = run_with(Config::default(), zones, wl, obs, true);
    let kinds: Vec<(EventKind, Option<&str>, i64, Option<i64>)> = events
        .iter()
        .map(|e| (e.kind, e.evidence["trigger"].as_str(), e.start, e.end))
        .collect();
    let reentry = T0 + 8 * 3600;
    assert_eq!(
        kinds,
        vec![
            (EventKind::Watchlist, Some("sighting"), T0, Some(T0)),
            (EventKind::Gap, None, T0 + 3600, Some(reentry)),
            (EventKind::Watchlist, Some("gap"), T0 + 3600, Some(reentry)),
            (EventKind::ZoneEntry, None, reentry, None),
            (EventKind::Watchlist, Some("zone_entry"), reentry, None),
        ],
        "{events:#?}"
    );
}

fn arrival_voyage() -> Vec<interdict_maritime::Observation> {
    // Moored at Kaohsiung for three hours, then 14 kn towards Korea (a compressed voyage:
    // it appears at sea south-west of Jeju and heads for Busan).
    let kaohsiung = (22.61, 120.26);
    let mut obs = track(W, T0, 3 * 3600, 180, kaohsiung, 0.0, 0.0);
    obs.extend(track(
        W,
        T0 + 3 * 3600 + 600,
        3600,
        60,
        kaohsiung,
        14.0,
        200.0,
    ));
    // From south-west of Jeju towards Busan, stopping 5 nmi short of it.
    let from = (32.6, 126.9);
    let busan = (35.08, 129.06);
    let course = bearing_deg(from.0, from.1, busan.0, busan.1);
    let secs = ((distance_m(from.0, from.1, busan.0, busan.1) - 5.0 * 1852.0) / (14.0 * 1852.0)
        * 3600.0) as i64;
    obs.extend(track(W, T0 + 30 * 3600, secs, 60, from, 14.0, course));
    obs
}

#[test]
fn arrival_in_korean_waters_from_a_high_risk_port() {
    let mut config = Config::default();
    config.arrival.high_risk_ports = vec!["KAOHSIUNG".into()];
    let (events, engine) = run_with(
        config.clone(),
        Zones::default(),
        Watchlist::default(),
        arrival_voyage(),
        true,
    );
    let arrivals: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::HighRiskArrival)
        .collect();
    assert_eq!(
        arrivals.len(),
        1,
        "{events:#?} {:#?}",
        engine.vessel(W).unwrap()
    );
    let a = arrivals[0];
    assert_eq!(a.mmsi, W);
    assert!(
        a.start > T0 + 30 * 3600 && a.start < T0 + 45 * 3600,
        "{} {:#}",
        a.start - T0,
        a.evidence
    );
    let port = a.evidence["port_calls"][0]["port"].as_str().unwrap();
    assert_eq!(port.replace('-', ""), "KAOHSIUNG");
    let calls = &engine.vessel(W).unwrap().port_calls;
    assert_eq!(calls[0].arrival, T0);
    // The same voyage from a port not on the list: no arrival event.
    config.arrival.high_risk_ports = vec!["MANILA".into()];
    let (events, _) = run_with(
        config.clone(),
        Zones::default(),
        Watchlist::default(),
        arrival_voyage(),
        true,
    );
    assert!(events.iter().all(|e| e.kind != EventKind::HighRiskArrival));
    // By country.
    config.arrival.high_risk_countries = vec!["TWN".into()];
    let (events, _) = run_with(
        config,
        Zones::default(),
        Watchlist::default(),
        arrival_voyage(),
        true,
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| e.kind == EventKind::HighRiskArrival)
            .count(),
        1
    );
}
