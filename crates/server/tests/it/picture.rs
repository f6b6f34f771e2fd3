//! The maritime picture end to end: the demo scenario (`interdict ais simulate`) read by
//! a source of the Korea Coast Guard through the node's feeds and pipelines, the alerts
//! its story implies and no others, shared with the Korea Customs Service by their MOU
//! and with no one else on any path, and the watch-list link to the report that named
//! the vessel shown only to readers of the report.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use interdict_maritime_cmd::simulate::{scenario, StoryEvent, FISHING, TWIN, WATCHED};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{seed_world, token_for, Backend, TestNode};

const SEED: u64 = 7;

/// Slack on the story's windows (seconds): tracks are down-sampled to a point a minute
/// and the detectors decide on the points around a change.
const SLACK: i64 = 120;

/// An SSE stream read in the background into a string.
struct Stream {
    text: Arc<Mutex<String>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stream {
    async fn open(node: &TestNode, token: &str) -> Self {
        let mut response = node
            .http
            .get(node.url("/api/v1/maritime/stream"))
            .bearer_auth(token)
            .send()
            .await
            .expect("open the stream");
        assert_eq!(response.status(), StatusCode::OK);
        let text = Arc::new(Mutex::new(String::new()));
        let sink = text.clone();
        let task = tokio::spawn(async move {
            while let Ok(Some(chunk)) = response.chunk().await {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk));
            }
        });
        Self { text, task }
    }

    fn events(&self, name: &str) -> usize {
        self.text
            .lock()
            .unwrap()
            .matches(&format!("event: {name}\n"))
            .count()
    }

    fn close(self) -> String {
        self.task.abort();
        let text = self.text.lock().unwrap().clone();
        text
    }
}

pub(crate) fn ts(value: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a time"))
        .expect("RFC 3339")
        .timestamp()
}

fn within(t: i64, (lo, hi): (i64, i64)) -> bool {
    (lo - SLACK..=hi + SLACK).contains(&t)
}

/// Whether an alert is the one a story event implies.
fn is_story_event(alert: &Value, event: &StoryEvent) -> bool {
    let kind_matches = alert["kind"] == event.kind
        && alert["mmsi"] == event.mmsi
        && alert["other_mmsi"].as_u64() == event.other_mmsi.map(u64::from);
    let trigger_matches = match event.trigger {
        Some(trigger) => alert["evidence"]["trigger"] == trigger,
        None => true,
    };
    let end_matches = match (event.end, alert["end"].is_null()) {
        (Some(window), false) => within(ts(&alert["end"]), window),
        (None, _) => true,
        (Some(_), true) => false,
    };
    kind_matches && trigger_matches && within(ts(&alert["start"]), event.start) && end_matches
}

/// Where the change feed stands now for a reader.
async fn feed_position(node: &TestNode, token: &str) -> String {
    let (code, page) = node.get("/api/v1/changes", token).await;
    assert_eq!(code, StatusCode::OK, "{page}");
    page["next"].as_str().unwrap().to_owned()
}

/// The kinds and ids of the changes a reader is told of after `position`.
async fn changes_after(
    node: &TestNode,
    token: &str,
    mut position: String,
) -> Vec<(String, String)> {
    let mut kinds = Vec::new();
    loop {
        let (code, page) = node
            .get(
                &format!("/api/v1/changes?limit=500&after={position}"),
                token,
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        if items.is_empty() {
            return kinds;
        }
        kinds.extend(items.iter().map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["id"].as_str().unwrap().to_owned(),
            )
        }));
        position = page["next"].as_str().unwrap().to_owned();
    }
}

pub(crate) async fn alerts(node: &TestNode, token: &str) -> Vec<Value> {
    let (code, page) = node.get("/api/v1/alerts?limit=200", token).await;
    assert_eq!(code, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

/// Checks that `alerts` are exactly the story's events, one alert each.
pub(crate) fn assert_story(who: &str, alerts: &[&Value], story: &[StoryEvent]) {
    let summary: Vec<String> = alerts
        .iter()
        .map(|a| {
            format!(
                "{} {} {} {}..{} {}",
                a["kind"],
                a["mmsi"],
                a["other_mmsi"],
                a["start"],
                a["end"],
                a["evidence"]["trigger"]
            )
        })
        .collect();
    for event in story {
        let n = alerts.iter().filter(|a| is_story_event(a, event)).count();
        assert_eq!(
            n, 1,
            "{who}: {event:?} is matched by {n} alerts; alerts: {summary:#?}"
        );
    }
    assert_eq!(
        alerts.len(),
        story.len(),
        "{who}: alerts the story does not imply: {summary:#?}"
    );
}

async fn scenario_in_the_node(backend: Backend) {
    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("maritime.toml");
    std::fs::write(&config, scenario(SEED, 0).config).unwrap();
    let Some(node) = TestNode::start_with(backend, |c| {
        c.maritime_config = Some(config.clone());
    })
    .await
    else {
        return;
    };
    seed_world(node.service()).await;
    // The node's clock stands at the scenario's start, as a recording is replayed.
    let start = (node.now().timestamp() / 60 + 1) * 60;
    node.clock
        .set(chrono::DateTime::from_timestamp(start, 0).unwrap());
    let s = scenario(SEED, start);
    let nmea = node.data_dir().join("scenario.nmea");
    std::fs::write(&nmea, &s.nmea).unwrap();
    let n_lines = s.nmea.lines().count() as u64;

    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.watch_officer").await;
    let thai = token_for(node.service(), "thai.watch_officer").await;
    let japan = token_for(node.service(), "japan.watch_officer").await;

    // KCS names the vessel by its IMO number in a report KCG may read by the MOU.
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
    let report_id = report["id"].as_str().unwrap().to_owned();
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

    // Thai Customs draws an area over the same waters. It may not see KCG's data, and
    // KCG may not see its area: an entry into it is no one's alert.
    let (code, thai_area) = node
        .post(
            "/api/v1/areas",
            &thai,
            &json!({ "name": "Thai interest", "geojson": areas, "tlp": "GREEN" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{thai_area}");
    let thai_area_id = thai_area["id"].as_str().unwrap().to_owned();

    let streams = [
        ("KCG", Stream::open(&node, &kcg).await),
        ("KCS", Stream::open(&node, &kcs).await),
        ("Thai", Stream::open(&node, &thai).await),
        ("Japan", Stream::open(&node, &japan).await),
    ];

    let mut positions = Vec::new();
    for token in [&kcs, &thai, &japan] {
        positions.push(feed_position(&node, token).await);
    }

    // A source added through the API is read by the node's feeds at once.
    let (code, source) = node
        .post(
            "/api/v1/sources",
            &kcg,
            &json!({
                "name": "KCG AIS replay",
                "kind": "file",
                "address": format!("{}?speed=max", nmea.display()),
                "tlp": "AMBER"
            }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{source}");
    let source_id: Uuid = source["id"].as_str().unwrap().parse().unwrap();
    let mut waited = 0;
    let stats = loop {
        let stats = node.service().flush_pipeline(source_id).await;
        match stats {
            Ok(stats) if stats.lines == n_lines => break stats,
            _ if waited > 600 => panic!("the replay did not finish: {stats:?}"),
            _ => {
                waited += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    assert_eq!(stats.malformed, 0, "{stats:?}");
    assert_eq!(
        stats.future + stats.stale,
        0,
        "a recording's own times are not judged by the node's clock: {stats:?}"
    );
    // The alert events reach the streams through the change feed (polled every 250 ms).
    for _ in 0..100 {
        if streams[..2]
            .iter()
            .all(|(_, s)| s.events("alert") > 0 && s.events("position") > 0)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // KCG, whose source saw it all, has the story's alerts.
    let kcg_alerts = alerts(&node, &kcg).await;
    let mmsis: BTreeSet<u64> = kcg_alerts
        .iter()
        .flat_map(|a| [a["mmsi"].as_u64(), a["other_mmsi"].as_u64()])
        .flatten()
        .collect();
    assert_eq!(
        mmsis,
        [WATCHED, FISHING, TWIN]
            .into_iter()
            .map(u64::from)
            .collect(),
        "no alerts about the ordinary traffic"
    );
    let kcg_own: Vec<&Value> = kcg_alerts
        .iter()
        .filter(|a| a["agency"] == "KR-KCG")
        .collect();
    assert_story("KCG", &kcg_own, &s.story);
    let gap = kcg_own.iter().find(|a| a["kind"] == "gap").unwrap();
    assert_eq!(gap["evidence"]["likely_intentional"], true, "{gap}");
    for alert in &kcg_own {
        assert_eq!(alert["source"], source_id.to_string());
        if alert["kind"] == "watchlist" {
            assert_eq!(alert["report"], report_id, "{alert}");
            assert_eq!(alert["evidence"]["reference"], report_id, "{alert}");
            assert_eq!(alert["handling"]["tlp"], "RED");
        } else {
            assert!(alert["report"].is_null());
            assert_eq!(alert["handling"]["tlp"], "AMBER");
        }
    }
    assert_eq!(
        kcg_alerts.len(),
        kcg_own.len(),
        "KCS's watch-list alerts are its own"
    );

    // KCS sees KCG's alerts by the MOU's surveillance scope, and has its own watch-list
    // alerts, as the author of the report.
    let kcs_alerts = alerts(&node, &kcs).await;
    let kcs_own: Vec<&Value> = kcs_alerts
        .iter()
        .filter(|a| a["agency"] == "KR-KCS")
        .collect();
    assert!(kcs_own.iter().all(|a| a["kind"] == "watchlist"));
    assert_eq!(
        kcs_own.len(),
        s.story.iter().filter(|e| e.kind == "watchlist").count()
    );
    let shared: Vec<&Value> = kcs_alerts
        .iter()
        .filter(|a| a["agency"] == "KR-KCG" || a["kind"] == "watchlist")
        .collect();
    assert_story("KCS", &shared, &s.story);
    for alert in &kcs_own {
        assert_eq!(alert["report"], report_id);
    }

    // Thai Customs (no surveillance scope) and Japan Customs (no agreement) get nothing.
    let kcg_alert_path = format!("/api/v1/alerts/{}", kcg_own[0]["id"].as_str().unwrap());
    let watched_path = format!("/api/v1/vessels/{WATCHED}");
    let bbox =
        "/api/v1/tracks?bbox=20,115,40,135&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";
    let since = "/api/v1/vessels?from=2000-01-01T00:00:00Z";
    for token in [&thai, &japan] {
        let (code, page) = node.get("/api/v1/alerts", token).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(page["total"], 0, "{page}");
        let (code, _) = node.get(&kcg_alert_path, token).await;
        assert_eq!(code, StatusCode::NOT_FOUND);
        let (code, _) = node.get(&watched_path, token).await;
        assert_eq!(code, StatusCode::NOT_FOUND);
        for path in [since, bbox, "/api/v1/sources"] {
            let (code, body) = node.get(path, token).await;
            assert_eq!(code, StatusCode::OK, "{path}: {body}");
            assert_eq!(body, json!([]), "{path}");
        }
        let (code, body) = node.get("/api/v1/areas", token).await;
        assert_eq!(code, StatusCode::OK);
        assert!(
            body.as_array()
                .unwrap()
                .iter()
                .all(|a| a["agency"] == "TH-CUSTOMS" && *token == thai),
            "only the reader's own areas: {body}"
        );
        let (code, _) = node
            .get(&format!("/api/v1/sources/{source_id}/stats"), token)
            .await;
        assert_eq!(code, StatusCode::NOT_FOUND);
    }
    let [kcs_position, thai_position, japan_position] = <[String; 3]>::try_from(positions).unwrap();
    for (token, position) in [(&thai, thai_position), (&japan, japan_position)] {
        let kinds = changes_after(&node, token, position).await;
        assert!(kinds.is_empty(), "{kinds:?}");
    }
    for token in [&kcg, &kcs] {
        let (code, body) = node.get(since, token).await;
        assert_eq!(code, StatusCode::OK);
        assert!(body.as_array().unwrap().len() >= 10, "{body}");
        assert!(!body.to_string().contains(&thai_area_id), "{body}");
        let (code, listed) = node.get("/api/v1/alerts?limit=200", token).await;
        assert_eq!(code, StatusCode::OK);
        assert!(!listed.to_string().contains(&thai_area_id));
        let (code, body) = node.get(bbox, token).await;
        assert_eq!(code, StatusCode::OK);
        assert!(!body.as_array().unwrap().is_empty());
    }
    // KCS is told of each alert it may see (made, then updated as it ends).
    let told: BTreeSet<String> = changes_after(&node, &kcs, kcs_position)
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "alert")
        .map(|(_, id)| id)
        .collect();
    let listed: BTreeSet<String> = kcs_alerts
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(told, listed);

    // A source's statistics are its agency's: the partner does not find them.
    let (code, _) = node
        .get(&format!("/api/v1/sources/{source_id}/stats"), &kcs)
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    // The owner's statistics through the API.
    let (code, api_stats) = node
        .get(&format!("/api/v1/sources/{source_id}/stats"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{api_stats}");
    assert_eq!(api_stats["feed"]["lines"], n_lines);
    assert_eq!(api_stats["pipeline"]["malformed"], 0);
    assert!(api_stats["pipeline"]["alerts"].as_u64().unwrap() >= s.story.len() as u64);

    for (who, stream) in streams {
        let (positions, alert_events) = (stream.events("position"), stream.events("alert"));
        let text = stream.close();
        if who == "KCG" || who == "KCS" {
            assert!(positions > 0 && alert_events > 0, "{who}: {text}");
        } else {
            assert_eq!((positions, alert_events), (0, 0), "{who}: {text}");
        }
    }

    // The report is withdrawn: KCG still sees its alerts but no longer the report, so
    // the link goes from the alert, its evidence and the vessel's state; KCS keeps it.
    let (code, withdrawn) = node
        .post(
            &format!("/api/v1/reports/{report_id}/withdraw"),
            &kcs,
            &json!({ "reason": "source burnt" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{withdrawn}");
    for alert in alerts(&node, &kcg).await {
        assert!(alert["report"].is_null(), "{alert}");
        assert!(alert["evidence"].get("reference").is_none(), "{alert}");
        let path = format!("/api/v1/alerts/{}", alert["id"].as_str().unwrap());
        let (code, one) = node.get(&path, &kcg).await;
        assert_eq!(code, StatusCode::OK);
        assert!(one["report"].is_null() && one["evidence"].get("reference").is_none());
        assert!(!one.to_string().contains(&report_id), "{one}");
    }
    let (code, vessel) = node
        .get(&format!("{watched_path}?from=2000-01-01T00:00:00Z"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(!vessel.to_string().contains(&report_id), "{vessel}");
    let (code, vessel) = node.get(&watched_path, &kcs).await;
    assert_eq!(code, StatusCode::OK);
    assert!(vessel["states"][0]["state"]["watch"]
        .as_array()
        .unwrap()
        .contains(&json!(report_id)));
    for alert in alerts(&node, &kcs).await {
        if alert["agency"] == "KR-KCS" {
            assert_eq!(alert["report"], report_id);
        }
    }

    // The life of the encounter alert: only KCG, its owner, moves it along.
    let encounter = kcg_own.iter().find(|a| a["kind"] == "encounter").unwrap();
    let path = format!("/api/v1/alerts/{}/state", encounter["id"].as_str().unwrap());
    let version = encounter["version"].as_i64().unwrap();
    let step = |token: &str, version: i64, body: Value| {
        node.request(Method::POST, &path)
            .token(token)
            .header("If-Match", &format!("\"{version}\""))
            .json(&body)
            .send()
    };
    let refused = step(&kcs, version, json!({ "state": "acknowledged" })).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    let hidden = step(&japan, version, json!({ "state": "acknowledged" })).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
    let mut version = version;
    for body in [
        json!({ "state": "acknowledged" }),
        json!({ "state": "assigned", "assignee": "kcg.analyst" }),
        json!({ "state": "closed", "outcome": "actioned", "note": "boarded off Busan" }),
    ] {
        let answer = step(&kcg, version, body.clone()).await;
        assert_eq!(answer.status, StatusCode::OK, "{body}: {}", answer.text);
        assert_eq!(answer.body["state"], body["state"]);
        version = answer.body["version"].as_i64().unwrap();
    }
    let (code, seen) = node
        .get(
            &format!("/api/v1/alerts/{}", encounter["id"].as_str().unwrap()),
            &kcs,
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(seen["state"], "closed");
    assert_eq!(seen["outcome"], "actioned");

    let area_path = format!("/api/v1/areas/{}", area["id"].as_str().unwrap());
    let kcs_watch = token_for(node.service(), "kcs.watch_officer").await;
    let (code, _) = node
        .call(Method::DELETE, &area_path, Some(&kcs_watch), None)
        .await;
    assert_eq!(
        code,
        StatusCode::NOT_FOUND,
        "a partner does not remove an area"
    );
    let (code, _) = node
        .call(Method::DELETE, &area_path, Some(&kcg), None)
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    node.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_scenario_gives_the_alerts_of_its_story_to_the_mou_partners_only_sqlite() {
    scenario_in_the_node(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_scenario_gives_the_alerts_of_its_story_to_the_mou_partners_only_postgres() {
    scenario_in_the_node(Backend::Postgres).await;
}
