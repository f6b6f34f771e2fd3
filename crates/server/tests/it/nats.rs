//! The maritime pipeline on NATS JetStream (127.0.0.1:4222): a detector killed in the
//! middle of a stream is taken over by another process, which goes on from the state
//! the first wrote down without losing a line or doubling an alert; two processes
//! share the sources between them. The tests pass without running when no NATS server
//! answers, unless `INTERDICT_REQUIRE_NATS=1` (CI).

use std::time::Duration;

use interdict_ingest::bus::{Bus, BusConfig, Supervisor};
use interdict_maritime_cmd::simulate::scenario;
use interdict_service::maritime::Line;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::picture::{alerts, assert_story};
use crate::support::{seed_world, token_for, Backend, TestNode};

const SEED: u64 = 7;

/// The NATS server's URL, if one answers.
async fn nats_url() -> Option<String> {
    let url =
        std::env::var("INTERDICT_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let address = url.trim_start_matches("nats://").to_owned();
    match tokio::net::TcpStream::connect(&address).await {
        Ok(_) => Some(url),
        Err(e) => {
            if std::env::var("INTERDICT_REQUIRE_NATS").is_ok_and(|v| v == "1") {
                panic!("NATS is required (INTERDICT_REQUIRE_NATS=1) but {address} does not answer: {e}");
            }
            None
        }
    }
}

/// A configuration under a prefix of its own, with short leases and frequent
/// snapshots, so that a test does not wait long and tests do not meet.
fn bus_config(url: &str) -> BusConfig {
    let mut config = BusConfig::new(url);
    config.prefix = format!("t{}", &Uuid::new_v4().simple().to_string()[..12]);
    config.lease = Duration::from_secs(2);
    config.snapshot_every = Duration::from_millis(700);
    config
}

async fn add_nats_source(node: &TestNode, token: &str, name: &str) -> Uuid {
    let (code, source) = node
        .post(
            "/api/v1/sources",
            token,
            &json!({ "name": name, "kind": "nats", "address": "", "tlp": "AMBER" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{source}");
    source["id"].as_str().unwrap().parse().unwrap()
}

/// Waits until `done` holds, or fails after a minute.
async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited a minute for {what}");
}

/// Publishes lines in batches of 400; the number of batches.
async fn publish(bus: &Bus, source: Uuid, tag: &str, lines: &[&str]) -> u64 {
    let mut n = 0;
    for (i, chunk) in lines.chunks(400).enumerate() {
        let batch: Vec<Line> = chunk
            .iter()
            .map(|l| Line {
                bytes: l.as_bytes().to_vec(),
                received_at: None,
            })
            .collect();
        bus.publish(source, &format!("{tag}-{i}"), &batch)
            .await
            .unwrap();
        n += 1;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detector_killed_mid_stream_is_taken_over_without_loss_or_double_alerts() {
    let Some(url) = nats_url().await else { return };
    let config_dir = tempfile::tempdir().unwrap();
    let maritime = config_dir.path().join("maritime.toml");
    std::fs::write(&maritime, scenario(SEED, 0).config).unwrap();
    let node = TestNode::start_with(Backend::Sqlite, |c| {
        c.maritime_config = Some(maritime.clone());
    })
    .await
    .unwrap();
    seed_world(node.service()).await;
    let start = (node.now().timestamp() / 60 + 1) * 60;
    node.clock
        .set(chrono::DateTime::from_timestamp(start, 0).unwrap());
    let s = scenario(SEED, start);
    let lines: Vec<&str> = s.nmea.lines().collect();
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.watch_officer").await;
    let (code, report) = node
        .post(
            "/api/v1/reports",
            &kcs,
            &json!({
                "title": "Methamphetamine shipment expected by sea",
                "narrative": "A cargo vessel from Kaohsiung is to tranship at sea.",
                "grading": "B2",
                "handling": { "tlp": "AMBER", "recipients": [] },
                "drugs": ["methamphetamine"],
                "status": "published",
                "subjects": [{ "kind": "vessel", "name": "OCEAN TRADER 7", "imo": "9074729" }]
            }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{report}");
    assert!(node.service().refresh_watchlist().await.unwrap() >= 1);
    let areas: Value = serde_json::from_str(&s.areas).unwrap();
    let (code, area) = node
        .post(
            "/api/v1/areas",
            &kcg,
            &json!({ "name": "Busan approaches", "geojson": areas, "tlp": "AMBER" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{area}");
    let source = add_nats_source(&node, &kcg, "KCG AIS on NATS").await;

    let config = bus_config(&url);
    let bus = Bus::connect(config.clone()).await.unwrap();
    let first = Supervisor::start(node.service().clone(), config.clone())
        .await
        .unwrap();
    // A third of the day, then another sixth: the first process applies both, writing
    // its state down on the way.
    let third = lines.len() / 3;
    let half = lines.len() / 2;
    let a = publish(&bus, source, "a", &lines[..third]).await;
    wait_for("the first process to apply the first third", || {
        first.applied(source) == Some(a)
    })
    .await;
    tokio::time::sleep(config.snapshot_every * 2).await;
    let b = a + publish(&bus, source, "b", &lines[third..half]).await;
    wait_for("the first process to apply the first half", || {
        first.applied(source) == Some(b)
    })
    .await;
    // The process dies: its tasks stop where they are, its pipeline's memory is gone,
    // its leases are not given back.
    first.kill();
    node.service().stop_pipeline(source);
    let total = b + publish(&bus, source, "c", &lines[half..]).await;

    let second = Supervisor::start(node.service().clone(), config.clone())
        .await
        .unwrap();
    // It waits for the dead process's lease to run out, then starts from the state the
    // first wrote down (at least the first third), not from the beginning.
    let mut resumed = None;
    wait_for("the second process to take the detector over", || {
        resumed = second.taken_up_at(source);
        resumed.is_some()
    })
    .await;
    let resumed = resumed.unwrap();
    assert!(
        (a..=b).contains(&resumed),
        "resumed after batch {resumed}; a = {a}, b = {b}"
    );
    wait_for(
        "the second process to take the detector over and apply everything",
        || second.applied(source) == Some(total),
    )
    .await;
    let stats = node.service().flush_pipeline(source).await.unwrap();
    // Every line counted once: none lost, none applied twice.
    assert_eq!(stats.lines, lines.len() as u64, "{stats:?}");
    // The engine holds the last positions until the reorder window has passed; the
    // rest of the story ends within the data.
    let all = alerts(&node, &kcg).await;
    let mine: Vec<&Value> = all.iter().collect();
    assert_story("KCG on NATS", &mine, &s.story);
    second.shutdown().await;
    bus.remove_all(&[source]).await.unwrap();
    node.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_sources_and_one_takes_over_when_the_other_stops() {
    let Some(url) = nats_url().await else { return };
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let kcg = token_for(node.service(), "kcg.watch_officer").await;
    let config = bus_config(&url);
    let one = Supervisor::start(node.service().clone(), config.clone())
        .await
        .unwrap();
    let two = Supervisor::start(node.service().clone(), config.clone())
        .await
        .unwrap();
    let east = add_nats_source(&node, &kcg, "East Sea receiver").await;
    let west = add_nats_source(&node, &kcg, "Yellow Sea receiver").await;
    wait_for("each process to take one source", || {
        one.detecting().len() == 1 && two.detecting().len() == 1
    })
    .await;
    let mut both = one.detecting();
    both.extend(two.detecting());
    both.sort();
    let mut expected = vec![east, west];
    expected.sort();
    assert_eq!(both, expected);
    // One process stops cleanly; the other takes its source at once.
    one.shutdown().await;
    wait_for("the other process to take both sources", || {
        two.detecting().len() == 2
    })
    .await;
    two.shutdown().await;
    Bus::connect(config)
        .await
        .unwrap()
        .remove_all(&[east, west])
        .await
        .unwrap();
    node.finish().await;
}
