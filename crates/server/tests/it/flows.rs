//! Whole flows: login, the life of a record, auditing, search, the OpenAPI document.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{report_json, seed_world, token_for, Backend, TestNode, PASSWORD};

async fn node() -> TestNode {
    let node = TestNode::start(Backend::Sqlite).await.expect("sqlite node");
    seed_world(node.service()).await;
    node
}

#[tokio::test]
async fn login_issues_a_token_and_failed_logins_are_limited() {
    let node = node().await;
    let (code, body) = node
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"username": "kcs.analyst", "password": PASSWORD})),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(body["user"]["agency"], "KR-KCS");
    let (code, me) = node.get("/api/v1/me", &token).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(me["username"], "kcs.analyst");
    assert_eq!(me["roles"], json!(["analyst"]));

    for _ in 0..5 {
        let (code, body) = node
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(&json!({"username": "kcg.analyst", "password": "wrong"})),
            )
            .await;
        assert_eq!(code, StatusCode::UNAUTHORIZED, "{body}");
    }
    let answer = node
        .request(Method::POST, "/api/v1/auth/token")
        .json(&json!({"username": "kcg.analyst", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    assert!(answer.header("retry-after").is_some());

    // Logging out revokes the token.
    let (code, _) = node
        .call(Method::DELETE, "/api/v1/auth/token", Some(&token), None)
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let (code, _) = node.get("/api/v1/me", &token).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    node.finish().await;
}

#[tokio::test]
async fn a_report_lives_is_shared_changed_and_withdrawn() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let admin = token_for(node.service(), "kcs.agency_admin").await;

    let (code, created) = node
        .post(
            "/api/v1/reports",
            &kcs,
            &report_json("부산항에서 필로폰 적발 첩보", "AMBER", &[], "published"),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/reports/{id}");
    assert_eq!(created["version"], 1);
    assert_eq!(created["subjects"][0]["imo"], "9074729");

    // The partner finds it by a Korean fragment and reads it; the read is audited.
    let (code, hits) = node.get("/api/v1/search?q=부산항", &kcg).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(hits["items"][0]["id"], id.as_str(), "{hits}");
    let (code, _) = node.get(&path, &kcg).await;
    assert_eq!(code, StatusCode::OK);
    let (code, audit) = node.get("/api/v1/audit?limit=200", &admin).await;
    assert_eq!(code, StatusCode::OK);
    let entries = audit["entries"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["action"] == "report.read"
            && e["actor"] == "kcg.analyst"
            && e["target_id"] == id.as_str()),
        "{audit}"
    );
    assert!(entries
        .iter()
        .any(|e| e["action"] == "search" && e["actor"] == "kcg.analyst"));
    let (code, _) = node.get("/api/v1/audit", &kcs).await;
    assert_eq!(
        code,
        StatusCode::FORBIDDEN,
        "analysts do not read the audit log"
    );

    // A new version keeps the old one in the history.
    let (status, _, response_body) = node
        .put(
            &path,
            &kcs,
            Some("\"1\""),
            &report_json("인천항 필로폰 첩보 (정정)", "AMBER", &[], "published"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let updated = response_body;
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["created_at"], created["created_at"]);
    let (_, versions) = node.get(&format!("{path}/versions"), &kcs).await;
    assert_eq!(versions[0]["title"], "부산항에서 필로폰 적발 첩보");
    let (_, hits) = node.get("/api/v1/search?q=부산항", &kcg).await;
    assert_eq!(hits["total"], 0, "the old title is no longer indexed");

    // Withdrawn: gone for the partner, kept and marked for its agency.
    let (code, withdrawn) = node
        .post(
            &format!("{path}/withdraw"),
            &kcs,
            &json!({"reason": "source retracted"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(withdrawn["status"], "withdrawn");
    let (code, _) = node.get(&path, &kcg).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (_, page) = node.get("/api/v1/reports", &kcg).await;
    assert_eq!(page["total"], 0);
    let (code, own) = node.get(&path, &kcs).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(own["status"], "withdrawn");

    assert!(node.service().verify_audit(&[]).await.unwrap().is_intact());
    node.finish().await;
}

#[tokio::test]
async fn pages_follow_cursors_without_gaps() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    for i in 0..7 {
        let (code, _) = node
            .post(
                "/api/v1/reports",
                &kcs,
                &report_json(&format!("paging {i}"), "GREEN", &[], "published"),
            )
            .await;
        assert_eq!(code, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/reports?limit=3&cursor={c}"),
            None => "/api/v1/reports?limit=3".to_owned(),
        };
        let (_, page) = node.get(&path, &kcs).await;
        assert_eq!(page["total"], 7);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["title"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).rev().map(|i| format!("paging {i}")).collect();
    assert_eq!(seen, expected);
    node.finish().await;
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let node = node().await;
    let (code, doc) = node
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(code, StatusCode::OK);
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 12, "{}", paths.len());
    let mut operations = 0;
    for (path, item) in paths {
        for method in ["get", "post", "put", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let concrete = path.replace("{id}", "0196f6a0-0000-7000-8000-000000000000");
            // Without token or body: the request is not one a client would send, but
            // the answer must still be one the document lists.
            let status = node
                .request(method.to_uppercase().parse().unwrap(), &concrete)
                .unchecked()
                .send()
                .await
                .status;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            // Unauthenticated calls reach the handler's extractors: 401, or 415 for the
            // login endpoint without a body — never the router's 404.
            assert!(
                matches!(
                    status,
                    StatusCode::UNAUTHORIZED | StatusCode::UNSUPPORTED_MEDIA_TYPE
                ),
                "{method} {path}: {status}"
            );
        }
    }
    assert!(operations >= 18, "{operations}");
    // Regression: the reports' and seizures' operations shared their ids (`list`,
    // `create`, …), which OpenAPI requires to be unique and code generators key on.
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    assert_eq!(ids.len(), operations, "every operation has an id");
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "operation ids are unique");
    assert!(doc["components"]["schemas"]["Report"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    node.finish().await;
}

#[tokio::test]
async fn metrics_answered_without_login_and_data_was_cacheable() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let response = node
        .http
        .get(node.url("/api/v1/reports"))
        .bearer_auth(&kcs)
        .send()
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'self'"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.headers().contains_key("x-request-id"));
    // Responses with data are kept by no browser or proxy; the node's static assets may be.
    assert_eq!(response.headers()["cache-control"], "no-store");
    let asset = node
        .http
        .get(node.url("/static/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_ne!(
        asset
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    // Regression: /metrics answered without login on the API's port. It is served
    // only on the metrics listener (loopback by default), not with the API.
    let exposed = node.http.get(node.url("/metrics")).send().await.unwrap();
    assert_eq!(exposed.status(), StatusCode::NOT_FOUND);
    let metrics_addr = node.metrics_addr.expect("the test node serves metrics");
    let text = node
        .http
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("interdict_http_requests_total{method=\"GET\",route=\"/api/v1/reports\",status=\"200\"} 1"), "{text}");
    assert!(text.contains("interdict_http_request_duration_seconds_bucket"));
    node.finish().await;
}

/// The OpenAPI document in `docs/openapi.json` is the one the routes produce; run with
/// `INTERDICT_TEST_UPDATE_OPENAPI=1` to rewrite it after changing the API.
#[test]
fn the_committed_openapi_document_is_current() {
    let (_, doc) = interdict_server::api::router();
    let generated = serde_json::to_string_pretty(&doc).expect("serialize") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var("INTERDICT_TEST_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write docs/openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date; run INTERDICT_TEST_UPDATE_OPENAPI=1 cargo test -p interdict-server --test it openapi"
    );
}

/// Regression: identifiers typed as officers write them (`IMO 9074729`,
/// `MSKU 907032-3`, `MMSI 440123450`, `+82 10-1234-5678`) found nothing in search, and
/// an `MMSI` label was refused in the API's field.
#[tokio::test]
async fn identifiers_are_found_however_they_are_typed() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let mut report = report_json("spellings", "GREEN", &[], "published");
    report["subjects"] = json!([
        { "kind": "vessel", "name": "해양호", "imo": "IMO 9074729", "mmsi": "MMSI 440123450" },
        { "kind": "container", "number": "MSKU 907032-3" },
        { "kind": "phone", "number": "+82 10-1234-5678" }
    ]);
    // The document gives the canonical forms; other spellings are accepted on input, as
    // its descriptions say, which its patterns cannot express.
    let answer = node
        .request(Method::POST, "/api/v1/reports")
        .token(&kcs)
        .json(&report)
        .unchecked()
        .send()
        .await;
    let (code, created) = (answer.status, answer.body);
    assert_eq!(code, StatusCode::CREATED, "{created}");
    assert_eq!(created["subjects"][0]["imo"], "9074729");
    assert_eq!(created["subjects"][0]["mmsi"], "440123450");
    for typed in [
        "IMO 9074729",
        "IMO9074729",
        "MMSI 440123450",
        "MSKU 907032-3",
        "MSKU9070323",
        "+82 10-1234-5678",
    ] {
        let query: String = typed
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let (code, page) = node.get(&format!("/api/v1/search?q={query}"), &kcs).await;
        assert_eq!(code, StatusCode::OK, "{typed}: {page}");
        assert_eq!(page["total"], 1, "{typed}: {page}");
    }
    node.finish().await;
}

/// Regression: `필로폰` found 1 record where `methamphetamine` found 136, `인천` 1
/// where `Incheon` found 158: the controlled vocabularies are searchable in every
/// language, whichever the record was written in.
#[tokio::test]
async fn vocabulary_is_found_in_every_language() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let mut english = report_json("shipment expected at Incheon", "GREEN", &[], "published");
    english["drugs"] = json!(["methamphetamine"]);
    english["subjects"] = json!([]);
    let mut korean = report_json("부산항 코카인 밀반입 첩보", "GREEN", &[], "published");
    korean["drugs"] = json!(["cocaine"]);
    korean["subjects"] = json!([]);
    let mut thai = report_json("ยาบ้า ที่แหลมฉบัง", "GREEN", &[], "published");
    thai["drugs"] = json!(["yaba"]);
    thai["subjects"] = json!([]);
    let mut ids = Vec::new();
    for report in [&english, &korean, &thai] {
        let (code, created) = node.post("/api/v1/reports", &kcs, report).await;
        assert_eq!(code, StatusCode::CREATED, "{created}");
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    for (query, expected) in [
        ("%ED%95%84%EB%A1%9C%ED%8F%B0", 0), // 필로폰
        ("%EC%9D%B8%EC%B2%9C", 0),          // 인천
        ("methamphetamine", 0),
        ("cocaine", 1),
        ("busan", 1),
        ("%EC%BD%94%EC%B9%B4%EC%9D%B8", 1), // 코카인
        ("yaba", 2),
        ("laem%20chabang", 2),
        ("%EC%95%BC%EB%B0%94", 2), // 야바
    ] {
        let (code, page) = node.get(&format!("/api/v1/search?q={query}"), &kcs).await;
        assert_eq!(code, StatusCode::OK, "{query}: {page}");
        let found: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|item| item["id"].as_str())
            .collect();
        assert_eq!(found, [ids[expected].as_str()], "{query}: {page}");
    }
    node.finish().await;
}

/// Regression: the form and the API took as TLP:RED recipients agencies that could never
/// receive the record (no agreement, or one that stops below RED); the record then read
/// "TLP:RED KR-KCG" while KR-KCG could not see it. Such recipients are refused with the
/// reason, and the owner sees who actually sees each record, and by what.
#[tokio::test]
async fn recipients_who_cannot_receive_are_refused_and_the_audience_is_shown() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    for (recipient, reason) in [
        (
            "TH-CUSTOMS",
            "TH-CUSTOMS cannot receive TLP:RED: its agreements with KR-KCS stop at GREEN",
        ),
        (
            "US-HSI",
            "US-HSI cannot receive this record: no agreement in force",
        ),
        (
            "JP-CUSTOMS",
            "JP-CUSTOMS cannot receive this record: no agreement in force",
        ),
    ] {
        let body = report_json("red", "RED", &["KR-KCG", recipient], "published");
        let (code, refused) = node.post("/api/v1/reports", &kcs, &body).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let text = refused.to_string();
        assert!(text.contains("handling.recipients[1]"), "{text}");
        assert!(text.contains(reason), "{text}");
        assert!(
            !text.contains("recipients[0]"),
            "KR-KCG may receive RED: {text}"
        );
    }
    let audience = |tlp: &'static str, recipients: &'static [&'static str]| {
        let node = &node;
        let kcs = &kcs;
        async move {
            let body = report_json("audience", tlp, recipients, "published");
            let (code, created) = node.post("/api/v1/reports", kcs, &body).await;
            assert_eq!(code, StatusCode::CREATED, "{created}");
            let id = created["id"].as_str().unwrap().to_owned();
            let (code, audience) = node
                .get(&format!("/api/v1/reports/{id}/audience"), kcs)
                .await;
            assert_eq!(code, StatusCode::OK, "{audience}");
            let agencies: Vec<String> = audience
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["agency"].as_str().unwrap().to_owned())
                .collect();
            (id, agencies, audience)
        }
    };
    let (red, agencies, body) = audience("RED", &["KR-KCG"]).await;
    assert_eq!(agencies, ["KR-KCG"], "{body}");
    assert_eq!(body[0]["basis"], "agreement");
    assert_eq!(body[0]["agreements"].as_array().unwrap().len(), 1, "{body}");
    let (_, agencies, body) = audience("AMBER", &[]).await;
    assert_eq!(agencies, ["KR-KCG"], "{body}");
    let (_, mut agencies, body) = audience("GREEN", &[]).await;
    agencies.sort();
    assert_eq!(agencies, ["KR-KCG", "TH-CUSTOMS"], "{body}");
    // Only the owner asks; to anyone else the record's audience does not exist.
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let (code, _) = node
        .get(&format!("/api/v1/reports/{red}/audience"), &kcg)
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    // A change that names an unreachable recipient is refused too.
    let body = report_json("audience", "RED", &["TH-CUSTOMS"], "published");
    let (status, _, refused) = node
        .put(
            &format!("/api/v1/reports/{red}"),
            &kcs,
            Some("\"1\""),
            &body,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    node.finish().await;
}
