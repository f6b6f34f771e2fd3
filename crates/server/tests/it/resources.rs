//! Resource support: the registers of dogs and equipment, their calendars, the search
//! for available resources, loans from request to return with every illegal step
//! refused (409 with a stable code and a clear message), need-to-know on every read
//! path, no double booking under 50 concurrent approvals, and the all-or-nothing CSV
//! import, on both engines.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{code, seed_world, seizure_json, token_for, Backend, TestNode};

fn day(node: &TestNode, offset: i64) -> NaiveDate {
    node.service().today() + Duration::days(offset)
}

fn dog_json(name: &str, certified_until: NaiveDate, tlp: &str) -> Value {
    json!({
        "kind": "dog", "name": name, "handler": "Kim Min-su",
        "specialisations": ["methamphetamine", "cocaine"],
        "certification": "KCS detection dog, level 2",
        "certified_until": certified_until,
        "home_base": { "name": "Incheon port", "lat": 37.4563, "lon": 126.5967 },
        "tlp": tlp
    })
}

fn equipment_json(kind: &str, name: &str, service_due: NaiveDate, lat: f64, lon: f64) -> Value {
    json!({
        "kind": kind, "name": name, "serial_number": format!("SN-{name}"),
        "service_due": service_due,
        "home_base": { "name": format!("{name} base"), "lat": lat, "lon": lon }
    })
}

fn request_json(owner: &str, kind: &str, from: NaiveDate, to: NaiveDate) -> Value {
    json!({
        "owner_agency": owner, "kind": kind, "from": from, "to": to,
        "place": { "name": "Busan North Port", "lat": 35.1028, "lon": 129.0403 },
        "purpose": "Boarding of a bulk carrier suspected of carrying methamphetamine"
    })
}

async fn create(node: &TestNode, token: &str, body: &Value) -> String {
    let (code, created) = node.post("/api/v1/resources", token, body).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn request(node: &TestNode, token: &str, body: &Value) -> String {
    let (code, loan) = node.post("/api/v1/loans", token, body).await;
    assert_eq!(code, StatusCode::CREATED, "{loan}");
    assert_eq!(loan["status"], "requested", "{loan}");
    loan["id"].as_str().unwrap().to_owned()
}

async fn step(
    node: &TestNode,
    token: &str,
    loan: &str,
    step: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/loans/{loan}/{step}");
    match body {
        Some(body) => node.post(&path, token, &body).await,
        None => node.post_empty(&path, token).await,
    }
}

/// Asserts a 409 with `code` and a message containing `words`.
fn refused(answer: (StatusCode, Value), code: &str, words: &str) {
    let (status, body) = answer;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(words), "{message:?} should say {words:?}");
}

async fn a_loan_goes_from_request_to_return(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.resource_manager").await;
    let kcg = token_for(node.service(), "kcg.resource_manager").await;
    let kcs_analyst = token_for(node.service(), "kcs.analyst").await;
    let kcg_analyst = token_for(node.service(), "kcg.analyst").await;

    // Only resource managers register.
    let (status, _) = node
        .post(
            "/api/v1/resources",
            &kcs_analyst,
            &dog_json("Tori", day(&node, 300), "GREEN"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Field by field.
    let mut bad = dog_json("", day(&node, 300), "GREEN");
    bad["handler"] = Value::Null;
    bad["serial_number"] = json!("X");
    let answer = node
        .request(reqwest::Method::POST, "/api/v1/resources")
        .token(&kcs)
        .json(&bad)
        .invalid_on_purpose()
        .send()
        .await;
    let body = answer.body;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    for field in ["name", "handler", "serial_number"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }

    let tori = create(&node, &kcs, &dog_json("Tori", day(&node, 300), "GREEN")).await;
    let old_dog = create(&node, &kcs, &dog_json("Old", day(&node, 12), "GREEN")).await;
    let scanner = create(
        &node,
        &kcs,
        &equipment_json(
            "ion_mobility_spectrometer",
            "IMS-1",
            day(&node, 12),
            37.4,
            126.6,
        ),
    )
    .await;
    let kcg_boat = create(
        &node,
        &kcg,
        &equipment_json("boat", "RIB-7", day(&node, 200), 35.1, 129.0),
    )
    .await;

    // The register: KCG reads KCS's resources (agreement with the resources scope).
    let (status, list) = node
        .get("/api/v1/resources?agency=KR-KCS", &kcg_analyst)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    assert_eq!(list[0]["may_manage"], false);

    let from = day(&node, 10);
    let to = day(&node, 14);
    let loan = request(&node, &kcg, &request_json("KR-KCS", "dog", from, to)).await;
    let path = format!("/api/v1/loans/{loan}");

    // Illegal steps before approval: who tries what, and what they are told.
    let before_approval = [
        (
            &kcg,
            "return",
            Some(json!({"hours": 1.0, "searches": 1, "finds": 0})),
            "loan_state",
            "after it is deployed",
        ),
        (&kcs, "deploy", None, "loan_state", "once approved"),
        (
            &kcg,
            "approve",
            Some(json!({"resource": tori})),
            "loan_wrong_party",
            "lending agency",
        ),
        (
            &kcs,
            "accept",
            None,
            "loan_wrong_party",
            "requesting agency",
        ),
        (
            &kcs,
            "approve",
            Some(json!({"resource": kcg_boat})),
            "resource_other_agency",
            "belongs to KR-KCG",
        ),
        (
            &kcs,
            "approve",
            Some(json!({"resource": scanner})),
            "resource_wrong_kind",
            "asks for a dog",
        ),
        (
            &kcs,
            "approve",
            Some(json!({"resource": old_dog})),
            "certification_expires",
            "certification expires",
        ),
    ];
    for (token, name, body, code, words) in before_approval {
        refused(step(&node, token, &loan, name, body).await, code, words);
    }

    // A day of Tori's taken at home: approval of the overlapping loan is refused.
    let (status, entry) = node
        .post(&format!("/api/v1/resources/{tori}/calendar"), &kcs, &json!({"kind": "home_duty", "from": day(&node, 14), "to": day(&node, 16), "note": "port sweep"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    refused(
        step(
            &node,
            &kcs,
            &loan,
            "approve",
            Some(json!({"resource": tori})),
        )
        .await,
        "double_booking",
        "taken",
    );
    let status = node
        .request(
            reqwest::Method::DELETE,
            &format!(
                "/api/v1/resources/{tori}/calendar/{}",
                entry["id"].as_str().unwrap()
            ),
        )
        .token(&kcs)
        .send()
        .await
        .status;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, approved) = step(
        &node,
        &kcs,
        &loan,
        "approve",
        Some(json!({"resource": tori})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["resource"], json!(tori));
    refused(
        step(
            &node,
            &kcs,
            &loan,
            "approve",
            Some(json!({"resource": tori})),
        )
        .await,
        "loan_state",
        "only a pending request",
    );
    refused(
        step(&node, &kcs, &loan, "decline", Some(json!({"reason": "no"}))).await,
        "loan_state",
        "approved",
    );

    // The calendar shows the loan to both agencies.
    let calendar = format!(
        "/api/v1/resources/{tori}/calendar?from={}&to={}",
        day(&node, 0),
        day(&node, 40)
    );
    for token in [&kcs, &kcg_analyst] {
        let (status, entries) = node.get(&calendar, token).await;
        assert_eq!(status, StatusCode::OK, "{entries}");
        let entries = entries.as_array().unwrap();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0]["kind"], "on_loan");
        assert_eq!(entries[0]["loan"], json!(loan));
    }
    // A home-duty entry over the loan's days is a double booking.
    refused(
        node.post(
            &format!("/api/v1/resources/{tori}/calendar"),
            &kcs,
            &json!({"kind": "maintenance", "from": to, "to": to}),
        )
        .await,
        "double_booking",
        "Tori",
    );
    // A resource on loan is not removed.
    let status = node
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/resources/{tori}"),
        )
        .token(&kcs)
        .send()
        .await
        .status;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, deployed) = step(&node, &kcs, &loan, "deploy", None).await;
    assert_eq!(status, StatusCode::OK, "{deployed}");
    assert_eq!(deployed["status"], "deployed");
    assert_eq!(
        deployed["actions"],
        json!([]),
        "the lender has nothing left to do: {deployed}"
    );
    let (_, borrowed) = node.get(&path, &kcg).await;
    assert_eq!(borrowed["actions"], json!(["return"]), "{borrowed}");
    refused(
        step(&node, &kcg, &loan, "withdraw", None).await,
        "loan_state",
        "before deployment",
    );

    // The return's report links a seizure the borrower may see; one it may not see is refused.
    let (status, seizure) = node
        .post(
            "/api/v1/seizures",
            &kcg_analyst,
            &seizure_json("LOAN", "AMBER", &[], "published"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{seizure}");
    let (status, body) = step(
        &node,
        &kcg,
        &loan,
        "return",
        Some(json!({"hours": 30.5, "searches": 4, "finds": 1, "seizures": [uuid::Uuid::new_v4()]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, returned) = step(&node, &kcg, &loan, "return", Some(json!({"hours": 30.5, "searches": 4, "finds": 1, "seizures": [seizure["id"]], "notes": "one find in the engine room"}))).await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["usage"]["finds"], 1);
    refused(
        step(
            &node,
            &kcg,
            &loan,
            "return",
            Some(json!({"hours": 1.0, "searches": 1, "finds": 0})),
        )
        .await,
        "loan_state",
        "returned",
    );
    let (status, read) = node.get(&path, &kcs).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["usage"]["seizures"], json!([seizure["id"]]));

    // Counter-proposal: another dog, another period; the requester accepts.
    let rex = create(&node, &kcs, &dog_json("Rex", day(&node, 300), "AMBER")).await;
    let second = request(&node, &kcg, &request_json("KR-KCS", "dog", from, to)).await;
    let (status, countered) = step(&node, &kcs, &second, "counter", Some(json!({"resource": rex, "from": day(&node, 20), "to": day(&node, 22), "note": "Tori is away"}))).await;
    assert_eq!(status, StatusCode::OK, "{countered}");
    assert_eq!(countered["status"], "countered");
    refused(
        step(
            &node,
            &kcs,
            &second,
            "approve",
            Some(json!({"resource": rex})),
        )
        .await,
        "loan_state",
        "countered",
    );
    let (status, accepted) = step(&node, &kcg, &second, "accept", None).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "approved");
    assert_eq!(accepted["from"], json!(day(&node, 20)));
    assert_eq!(accepted["resource"], json!(rex));
    // Withdrawn after approval: Rex's days are free again.
    let (status, withdrawn) = step(&node, &kcg, &second, "withdraw", None).await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    let (_, entries) = node
        .get(
            &format!(
                "/api/v1/resources/{rex}/calendar?from={}&to={}",
                day(&node, 0),
                day(&node, 40)
            ),
            &kcs,
        )
        .await;
    assert_eq!(entries, json!([]));
    refused(
        step(&node, &kcs, &second, "deploy", None).await,
        "loan_state",
        "withdrawn",
    );

    // Declined, then not approvable.
    let third = request(
        &node,
        &kcg,
        &request_json("KR-KCS", "ion_mobility_spectrometer", from, to),
    )
    .await;
    refused(
        step(
            &node,
            &kcs,
            &third,
            "approve",
            Some(json!({"resource": scanner})),
        )
        .await,
        "calibration_due",
        "calibration",
    );
    let (status, declined) = step(
        &node,
        &kcs,
        &third,
        "decline",
        Some(json!({"reason": "calibration due"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{declined}");
    assert_eq!(declined["decline_reason"], "calibration due");
    refused(
        step(
            &node,
            &kcs,
            &third,
            "approve",
            Some(json!({"resource": scanner})),
        )
        .await,
        "loan_state",
        "declined",
    );

    // A request still undecided when its first day passes is expired.
    let fourth = request(
        &node,
        &kcg,
        &request_json("KR-KCS", "dog", day(&node, 2), day(&node, 3)),
    )
    .await;
    node.clock.advance(Duration::days(3));
    // (Tokens last a day: take new ones.)
    let kcs = token_for(node.service(), "kcs.resource_manager").await;
    let kcg = token_for(node.service(), "kcg.resource_manager").await;
    let (_, expired) = node.get(&format!("/api/v1/loans/{fourth}"), &kcg).await;
    assert_eq!(expired["status"], "expired", "{expired}");
    refused(
        step(
            &node,
            &kcs,
            &fourth,
            "approve",
            Some(json!({"resource": tori})),
        )
        .await,
        "loan_expired",
        "expired",
    );

    // Every change is audited.
    let admin = token_for(node.service(), "kcs.auditor").await;
    let (status, audit) = node.get("/api/v1/audit?limit=200", &admin).await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "resource.create",
        "resource.calendar_add",
        "loan.request",
        "loan.approve",
        "loan.deploy",
        "loan.return",
        "loan.counter",
        "loan.accept",
        "loan.withdraw",
        "loan.decline",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
    node.finish().await;
}

#[tokio::test]
async fn a_loan_goes_from_request_to_return_sqlite() {
    a_loan_goes_from_request_to_return(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_loan_goes_from_request_to_return_postgres() {
    a_loan_goes_from_request_to_return(Backend::Postgres).await;
}

async fn need_to_know(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.resource_manager").await;
    let kcg = token_for(node.service(), "kcg.resource_manager").await;
    let tori = create(&node, &kcs, &dog_json("Tori", day(&node, 300), "GREEN")).await;
    let drone = create(
        &node,
        &kcs,
        &equipment_json("drone", "M30T", day(&node, 300), 35.1, 129.0),
    )
    .await;
    let loan = request(
        &node,
        &kcg,
        &request_json("KR-KCS", "dog", day(&node, 5), day(&node, 6)),
    )
    .await;
    let (status, _) = step(
        &node,
        &kcs,
        &loan,
        "approve",
        Some(json!({"resource": tori})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // KCG (agreement with the resources scope) sees both, searches them, reads the loan.
    let kcg_analyst = token_for(node.service(), "kcg.analyst").await;
    let (_, list) = node.get("/api/v1/resources", &kcg_analyst).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let search = format!(
        "/api/v1/resources/available?kind=drone&from={}&to={}&lat=35.1&lon=129.0",
        day(&node, 5),
        day(&node, 6)
    );
    let (status, found) = node.get(&search, &kcg_analyst).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");

    // Japan (no agreement) and Thai customs (an agreement without the resources scope)
    // learn nothing on any read path.
    for who in [
        "japan.resource_manager",
        "japan.analyst",
        "thai.resource_manager",
        "thai.analyst",
    ] {
        let token = token_for(node.service(), who).await;
        let (status, list) = node.get("/api/v1/resources", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list, json!([]), "{who}");
        let (_, list) = node.get("/api/v1/resources?agency=KR-KCS", &token).await;
        assert_eq!(list, json!([]), "{who}");
        for id in [&tori, &drone] {
            let (status, body) = node.get(&format!("/api/v1/resources/{id}"), &token).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who}: {body}");
            let (status, body) = node
                .get(
                    &format!(
                        "/api/v1/resources/{id}/calendar?from={}&to={}",
                        day(&node, 0),
                        day(&node, 30)
                    ),
                    &token,
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who}: {body}");
        }
        let (status, found) = node.get(&search, &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(found, json!([]), "{who}");
        let (_, loans) = node.get("/api/v1/loans", &token).await;
        assert_eq!(loans, json!([]), "{who}");
        let (status, _) = node.get(&format!("/api/v1/loans/{loan}"), &token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
        // Nor may they ask.
        let (status, body) = node
            .post(
                "/api/v1/loans",
                &token,
                &request_json("KR-KCS", "dog", day(&node, 5), day(&node, 6)),
            )
            .await;
        if who.ends_with("resource_manager") {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{who}: {body}");
            assert!(
                body["error"]["fields"]["owner_agency"]
                    .as_str()
                    .unwrap()
                    .contains("no agreement"),
                "{body}"
            );
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        }
        // And they cannot act on the loan either: it does not exist for them.
        let (status, _) = step(&node, &token, &loan, "deploy", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
    }
    node.finish().await;
}

#[tokio::test]
async fn outsiders_learn_nothing_sqlite() {
    need_to_know(Backend::Sqlite).await;
}

#[tokio::test]
async fn outsiders_learn_nothing_postgres() {
    need_to_know(Backend::Postgres).await;
}

async fn search_finds_free_resources_nearest_first(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.resource_manager").await;
    let kcg = token_for(node.service(), "kcg.resource_manager").await;
    // Seoul, Busan, Jeju; a busy one in Busan; one unfit (due during the period).
    let seoul = create(
        &node,
        &kcs,
        &equipment_json("drone", "Seoul", day(&node, 300), 37.5665, 126.978),
    )
    .await;
    let busan = create(
        &node,
        &kcg,
        &equipment_json("drone", "Busan", day(&node, 300), 35.1796, 129.0756),
    )
    .await;
    let jeju = create(
        &node,
        &kcs,
        &equipment_json("drone", "Jeju", day(&node, 300), 33.4996, 126.5312),
    )
    .await;
    let busy = create(
        &node,
        &kcs,
        &equipment_json("drone", "BusanBusy", day(&node, 300), 35.18, 129.07),
    )
    .await;
    create(
        &node,
        &kcs,
        &equipment_json("drone", "Due", day(&node, 8), 35.18, 129.07),
    )
    .await;
    create(
        &node,
        &kcs,
        &equipment_json("boat", "Boat", day(&node, 300), 35.18, 129.07),
    )
    .await;
    let (status, _) = node
        .post(
            &format!("/api/v1/resources/{busy}/calendar"),
            &kcs,
            &json!({"kind": "maintenance", "from": day(&node, 9), "to": day(&node, 9)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Near Busan (Gimhae): Busan, then Jeju or Seoul by great-circle distance.
    let path = format!(
        "/api/v1/resources/available?kind=drone&from={}&to={}&lat=35.17&lon=128.94",
        day(&node, 5),
        day(&node, 10)
    );
    let (status, found) = node.get(&path, &kcg).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![busan.as_str(), jeju.as_str(), seoul.as_str()],
        "{found}"
    );
    let distances: Vec<f64> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["distance_km"].as_f64().unwrap())
        .collect();
    assert!(
        distances[0] < 20.0 && (250.0..320.0).contains(&distances[1]),
        "{distances:?}"
    );
    // Outside the busy day, the busy one is found.
    let path = format!(
        "/api/v1/resources/available?kind=drone&from={}&to={}&lat=35.17&lon=128.94",
        day(&node, 5),
        day(&node, 7)
    );
    let (_, found) = node.get(&path, &kcg).await;
    assert_eq!(found.as_array().unwrap().len(), 5, "{found}");
    let answer = node
        .request(
            reqwest::Method::GET,
            "/api/v1/resources/available?kind=cat&from=2026-01-01&to=2026-01-02&lat=0&lon=0",
        )
        .token(&kcg)
        .invalid_on_purpose()
        .send()
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    node.finish().await;
}

#[tokio::test]
async fn search_finds_free_resources_nearest_first_sqlite() {
    search_finds_free_resources_nearest_first(Backend::Sqlite).await;
}

#[tokio::test]
async fn search_finds_free_resources_nearest_first_postgres() {
    search_finds_free_resources_nearest_first(Backend::Postgres).await;
}

async fn fifty_concurrent_approvals_book_once(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.resource_manager").await;
    let kcg = token_for(node.service(), "kcg.resource_manager").await;
    let tori = create(&node, &kcs, &dog_json("Tori", day(&node, 300), "GREEN")).await;
    let mut loans = Vec::new();
    for i in 0..50 {
        // Overlapping periods: each shares day 20 with every other.
        let from = day(&node, 10 + (i % 10));
        let to = day(&node, 20 + (i % 7));
        loans.push(request(&node, &kcg, &request_json("KR-KCS", "dog", from, to)).await);
    }
    let node = std::sync::Arc::new(node);
    let mut tasks = Vec::new();
    for loan in loans {
        let node = node.clone();
        let kcs = kcs.clone();
        let tori = tori.clone();
        tasks.push(tokio::spawn(async move {
            step(
                &node,
                &kcs,
                &loan,
                "approve",
                Some(json!({"resource": tori})),
            )
            .await
        }));
    }
    let mut approved = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::OK => approved += 1,
            StatusCode::CONFLICT => assert_eq!(body["error"]["code"], "double_booking", "{body}"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(approved, 1);
    let (_, entries) = node
        .get(
            &format!(
                "/api/v1/resources/{tori}/calendar?from={}&to={}",
                day(&node, 0),
                day(&node, 60)
            ),
            &kcs,
        )
        .await;
    assert_eq!(entries.as_array().unwrap().len(), 1, "{entries}");
    let (_, loans) = node.get("/api/v1/loans", &kcs).await;
    let approved_loans = loans
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "approved")
        .count();
    assert_eq!(approved_loans, 1);
    let node = std::sync::Arc::into_inner(node).expect("one owner");
    node.finish().await;
}

#[tokio::test]
async fn fifty_concurrent_approvals_book_once_sqlite() {
    fifty_concurrent_approvals_book_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn fifty_concurrent_approvals_book_once_postgres() {
    fifty_concurrent_approvals_book_once(Backend::Postgres).await;
}

const HEADER: &str = "kind,name,handler,specialisations,certification,certified_until,serial_number,service_due,base_name,base_lat,base_lon,tlp\n";

async fn csv_import_is_all_or_nothing(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.resource_manager").await;
    let agency = code("KR-KCS");
    let bad = format!(
        "{HEADER}dog,Tori,Kim,methamphetamine,L2,2030-01-01,,,Incheon,37.46,126.6,\n\
         dog,Rex,,heroin,L1,2030-01-01,,,Seoul,37.5,127.0,\n\
         drone,M30T,,,,,SN-1,2030-01-01,Busan,35.1,129.0,GREEN\n\
         boat,RIB,,,,,SN-2,someday,Busan,35.1,129.0,PURPLE\n"
    );
    let problems = node
        .service()
        .import_resources(None, &agency, &bad)
        .await
        .expect("service")
        .expect_err("bad rows");
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![3, 5], "{problems:?}");
    assert!(problems[0].message.contains("handler"), "{problems:?}");
    assert!(
        problems[1].message.contains("service_due") && problems[1].message.contains("tlp"),
        "{problems:?}"
    );
    let (_, list) = node.get("/api/v1/resources", &kcs).await;
    assert_eq!(list, json!([]), "nothing half-written");

    let good = format!(
        "{HEADER}dog,Tori,Kim,methamphetamine;heroin,L2,2030-01-01,,,Incheon,37.46,126.6,\n\
         drone,M30T,,,,,SN-1,2030-01-01,\"Busan, pier 1\",35.1,129.0,AMBER\n"
    );
    let count = node
        .service()
        .import_resources(None, &agency, &good)
        .await
        .expect("service")
        .expect("imported");
    assert_eq!(count, 2);
    let (_, list) = node.get("/api/v1/resources", &kcs).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|r| r["home_base"]["name"] == "Busan, pier 1" && r["tlp"] == "AMBER"),
        "{list}"
    );
    node.finish().await;
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_sqlite() {
    csv_import_is_all_or_nothing(Backend::Sqlite).await;
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_postgres() {
    csv_import_is_all_or_nothing(Backend::Postgres).await;
}
