//! The live map page and the data paths its script reads (`/map/data/…`, the maritime
//! API reached with the session cookie): the page in both languages, and a partner
//! without an agreement getting no vessel, alert, area or live position through them.

use std::time::Duration;

use interdict_core::Tlp;
use interdict_service::maritime::Line;
use interdict_testkit::{code, seed_world, token_for, Backend, TestNode, PASSWORD};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

/// The value of the first hidden `csrf` field of a page (the sign-out form's, which is
/// the session's token).
fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("page has a csrf field") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

/// A browser signed in as `username`, and its session's CSRF token.
async fn browser(node: &TestNode, username: &str) -> (Client, String) {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let form = client
        .get(node.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dashboard = client
        .post(node.url("/login"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("next", "/"),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), StatusCode::OK, "login of {username}");
    let html = dashboard.text().await.unwrap();
    assert!(html.contains(username));
    (client, csrf_of(&html))
}

async fn get_json(client: &Client, url: &str) -> (StatusCode, Value) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// The lines of a recording, each received when it was sent (the time of its tag block;
/// the second sentence of a message goes with the first): the detectors set aside
/// messages received long after they were sent.
fn received_as_sent(nmea: &str) -> Vec<Line> {
    let mut time = 0;
    nmea.lines()
        .map(|line| {
            if let Some(at) = line.find("c:") {
                let digits: String = line[at + 2..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                time = digits.parse().unwrap_or(time);
            }
            Line {
                bytes: line.as_bytes().to_vec(),
                received_at: Some(time),
            }
        })
        .collect()
}

/// A node with the test world and a KCS source (TLP:GREEN) that has seen the simulated
/// scenario, ending two hours ago: KCS–KCG share surveillance, KCS–Thai does not, Japan has no
/// agreement.
async fn node_with_picture() -> (TestNode, Uuid) {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let source = node
        .service()
        .create_source_as_operator(
            &code("KR-KCS"),
            "KCS coastal receivers",
            "file",
            "/nonexistent/replayed-by-the-test.nmea",
            Tlp::Green,
        )
        .await
        .unwrap();
    let probe = interdict_maritime_cmd::simulate::scenario(1, 0);
    let span = probe.span.1 - probe.span.0;
    let now = node.now().timestamp();
    // Ending two hours ago, to leave room for what the stream test adds (message times
    // ahead of the time received are flagged, not drawn).
    let scenario = interdict_maritime_cmd::simulate::scenario(1, now - span - 7_200);
    let lines = received_as_sent(&scenario.nmea);
    for chunk in lines.chunks(2_000) {
        node.service()
            .ingest(source.id, chunk.to_vec())
            .await
            .unwrap();
    }
    node.service().flush_pipeline(source.id).await.unwrap();
    (node, source.id)
}

#[tokio::test]
async fn the_map_page_renders_in_both_languages() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let (client, _) = browser(&node, "kcs.watch_officer").await;

    let response = client.get(node.url("/map")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        !csp.contains("blob:") && !csp.contains("http"),
        "the map needs nothing from outside the node: {csp}"
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"href="/map""#),
        "the map is in the navigation"
    );
    assert!(html.contains("<h1>Live map</h1>"));
    let assets = interdict_server::web::map_assets_present();
    if assets {
        assert!(html.contains(r#"id="map-app""#));
        assert!(html.contains("/static/vendor/maplibre-gl/maplibre-gl.mjs?v="));
        assert!(html.contains("Source agency") && html.contains("Alert kind"));
        assert!(!html.contains("npm ci"));
    } else {
        assert!(html.contains(r#"id="map-assets-missing""#));
        assert!(
            html.contains("npm ci --prefix web"),
            "says how to install the assets"
        );
        assert!(!html.contains(r#"id="map-app""#));
        assert!(!html.contains("map-status"), "no live status without a map");
    }

    // Korean.
    let response = client
        .get(node.url("/lang?set=ko&next=/map"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ko">"#));
    assert!(html.contains("<h1>실시간 지도</h1>"));
    assert!(html.contains(r#"<a href="/map" class="active" aria-current="page">지도</a>"#));
    if assets {
        assert!(html.contains("출처 기관") && html.contains("경보 종류"));
        // The script's messages, in Korean, as JSON in an attribute.
        assert!(html.contains("감시 대상 선박"));
    } else {
        assert!(html.contains("지도 자료가 설치되지 않았습니다"));
    }

    // The page's own script and style are served whatever the build; the packages only
    // when they were installed.
    for asset in ["/static/map.js", "/static/map.css"] {
        let response = client.get(node.url(asset)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
    }
    let vendor = client
        .get(node.url("/static/vendor/maplibre-gl/maplibre-gl-worker.mjs"))
        .send()
        .await
        .unwrap();
    if assets {
        assert_eq!(vendor.status(), StatusCode::OK);
        assert!(vendor.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript"));
    } else {
        assert_eq!(vendor.status(), StatusCode::NOT_FOUND);
    }
    let missing = client
        .get(node.url("/static/vendor/maplibre-gl/..%2F..%2FCargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_map_is_only_for_those_who_read_surveillance() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let (client, _) = browser(&node, "kcs.auditor").await;
    let html = client
        .get(node.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains(r#"href="/map""#));
    let response = client.get(node.url("/map")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, _) = get_json(&client, &node.url("/map/data/vessels")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Without a session, the data paths answer 401 (not the login page).
    let stranger = Client::new();
    for path in ["/map/data/vessels", "/map/data/alerts", "/map/data/stream"] {
        let (status, body) = get_json(&stranger, &node.url(path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"]["code"], "unauthorized");
    }
}

#[tokio::test]
async fn the_map_data_follows_the_agreements() {
    let (node, source) = node_with_picture().await;
    let base = node.url("");

    let (owner, _) = browser(&node, "kcs.watch_officer").await;
    let (_, vessels) = get_json(&owner, &format!("{base}/map/data/vessels")).await;
    let vessels = vessels.as_array().unwrap().clone();
    assert!(
        vessels.len() >= 3,
        "the owner sees the picture: {vessels:?}"
    );
    assert!(vessels.iter().all(|v| v["source"] == source.to_string()));
    let mmsi = vessels[0]["mmsi"].as_u64().unwrap();
    let (status, detail) = get_json(&owner, &format!("{base}/map/data/vessels/{mmsi}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!detail["states"].as_array().unwrap().is_empty());
    let (_, alerts) = get_json(&owner, &format!("{base}/map/data/alerts")).await;
    let alerts = alerts["items"].as_array().unwrap().clone();
    assert!(!alerts.is_empty(), "the scenario raises alerts");
    let alert_id = alerts[0]["id"].as_str().unwrap().to_owned();
    let (status, _) = get_json(&owner, &format!("{base}/map/data/alerts/{alert_id}")).await;
    assert_eq!(status, StatusCode::OK);

    // The coast guard shares surveillance with KCS: it sees the same picture.
    let (kcg, _) = browser(&node, "kcg.watch_officer").await;
    let (_, seen) = get_json(&kcg, &format!("{base}/map/data/vessels")).await;
    assert_eq!(seen.as_array().unwrap().len(), vessels.len());
    let (status, _) = get_json(&kcg, &format!("{base}/map/data/alerts/{alert_id}")).await;
    assert_eq!(status, StatusCode::OK);

    // Thai customs shares intelligence and seizures only; Japan has no agreement.
    for username in ["thai.watch_officer", "japan.watch_officer"] {
        let (partner, _) = browser(&node, username).await;
        let (status, body) = get_json(&partner, &format!("{base}/map/data/vessels")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!([]), "{username} sees no vessel");
        let (status, body) = get_json(&partner, &format!("{base}/map/data/sources")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!([]), "{username} sees no source");
        let (status, body) = get_json(&partner, &format!("{base}/map/data/alerts")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["items"], json!([]), "{username} sees no alert");
        assert_eq!(body["total"], 0);
        let (status, _) = get_json(&partner, &format!("{base}/map/data/vessels/{mmsi}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{username}: vessel");
        let (status, _) = get_json(&partner, &format!("{base}/map/data/alerts/{alert_id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{username}: alert");

        // The same through the API with a token.
        let token = token_for(node.service(), username).await;
        let (status, body) = node.get("/api/v1/vessels", &token).await;
        assert_eq!((status, body), (StatusCode::OK, json!([])), "{username}");
        let (status, body) = node.get("/api/v1/alerts", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["items"], json!([]), "{username}");
        let (status, _) = node.get(&format!("/api/v1/vessels/{mmsi}"), &token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{username}");
        let (status, _) = node
            .get(&format!("/api/v1/alerts/{alert_id}"), &token)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{username}");
    }
}

#[tokio::test]
async fn areas_drawn_on_the_map_need_the_pages_token_and_stay_with_their_agency() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let base = node.url("");
    let (owner, csrf) = browser(&node, "kcs.watch_officer").await;
    let area = json!({
        "name": "제주 남방 감시구역",
        "tlp": "GREEN",
        "geojson": {"type": "Polygon", "coordinates": [[[126.0, 32.5], [127.5, 32.5], [127.5, 33.2], [126.0, 33.2], [126.0, 32.5]]]},
    });
    let without = owner
        .post(format!("{base}/map/data/areas"))
        .json(&area)
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let wrong = owner
        .post(format!("{base}/map/data/areas"))
        .header("x-csrf-token", "not-the-token")
        .json(&area)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN, "a wrong CSRF token");
    let created = owner
        .post(format!("{base}/map/data/areas"))
        .header("x-csrf-token", &csrf)
        .json(&area)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bad = owner
        .post(format!("{base}/map/data/areas"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"name": "x", "tlp": "GREEN", "geojson": {"type": "Point", "coordinates": [1, 2]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let (_, areas) = get_json(&owner, &format!("{base}/map/data/areas")).await;
    assert_eq!(areas.as_array().unwrap().len(), 1);

    // Japan sees no KCS area and cannot delete it, even with its own valid token.
    let (japan, japan_csrf) = browser(&node, "japan.watch_officer").await;
    let (_, areas) = get_json(&japan, &format!("{base}/map/data/areas")).await;
    assert_eq!(areas, json!([]));
    let deleted = japan
        .delete(format!("{base}/map/data/areas/{id}"))
        .header("x-csrf-token", &japan_csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NOT_FOUND);

    let deleted = owner
        .delete(format!("{base}/map/data/areas/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let deleted = owner
        .delete(format!("{base}/map/data/areas/{id}"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (_, areas) = get_json(&owner, &format!("{base}/map/data/areas")).await;
    assert_eq!(areas, json!([]));
}

/// Reads a response's body for `wait`, or until `marker` appears.
async fn read_stream(response: &mut reqwest::Response, wait: Duration, marker: &str) -> String {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    while !text.contains(marker) {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    text
}

#[tokio::test]
async fn the_live_stream_of_the_map_carries_only_visible_positions() {
    let (node, source) = node_with_picture().await;
    let (kcg, _) = browser(&node, "kcg.watch_officer").await;
    let (japan, _) = browser(&node, "japan.watch_officer").await;
    let mut kcg_stream = kcg.get(node.url("/map/data/stream")).send().await.unwrap();
    assert_eq!(kcg_stream.status(), StatusCode::OK);
    let mut japan_stream = japan
        .get(node.url("/map/data/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(japan_stream.status(), StatusCode::OK);

    // More positions of the source: the first hour of another run, in the last hour.
    let later = interdict_maritime_cmd::simulate::scenario(2, node.now().timestamp() - 3_600);
    let lines: Vec<Line> = received_as_sent(&later.nmea)
        .into_iter()
        .take(1_000)
        .collect();
    node.service().ingest(source, lines).await.unwrap();
    node.service().flush_pipeline(source).await.unwrap();

    let seen = read_stream(&mut kcg_stream, Duration::from_secs(10), "event: position").await;
    assert!(
        seen.contains("event: position"),
        "the partner sees positions live"
    );
    let hidden = read_stream(&mut japan_stream, Duration::from_secs(2), "event: position").await;
    assert!(
        !hidden.contains("event: position") && !hidden.contains("\"mmsi\""),
        "japan sees nothing: {hidden}"
    );
}

#[tokio::test]
async fn a_resume_position_from_elsewhere_is_refused_when_the_stream_opens() {
    let (node, _) = node_with_picture().await;
    let token = token_for(node.service(), "kcg.watch_officer").await;
    let answer = node
        .request(Method::GET, "/api/v1/maritime/stream")
        .token(&token)
        .header("Last-Event-ID", "not-a-position")
        .send()
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert_eq!(
        answer.body["error"]["code"], "invalid_input",
        "{}",
        answer.body
    );
    // The error names the header the position came in.
    assert!(
        answer.body["error"]["fields"]["Last-Event-ID"].is_string(),
        "{}",
        answer.body
    );
}
