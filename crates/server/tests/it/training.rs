//! Capacity building: every change of an enrolment's state, legal and illegal (409
//! with a stable code and a message), the waiting list, need-to-know on every read path
//! (an agency without an agreement and one whose agreement lacks the training scope
//! learn nothing), no over-enrolment under 50 concurrent enrolments, and the
//! verification of certificates (genuine, altered, signed elsewhere, not a PDF,
//! revoked), on both engines.

use std::sync::Arc;

use base64::Engine as _;
use reqwest::redirect::Policy;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{seed_world, token_for, Backend, TestNode, PASSWORD};

fn course_json(title: &str) -> Value {
    json!({
        "title": title,
        "syllabus": "X-ray images of containers; ion-mobility screening",
        "hours": 24,
        "language": "ko",
        "certificate_months": 2
    })
}

fn day(node: &TestNode, offset: i64) -> String {
    (node.service().today() + chrono::Duration::days(offset)).to_string()
}

async fn create_course(node: &TestNode, token: &str, title: &str) -> String {
    let (code, course) = node
        .post("/api/v1/courses", token, &course_json(title))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{course}");
    assert_eq!(course["tlp"], "GREEN", "{course}");
    course["id"].as_str().unwrap().to_owned()
}

async fn create_session(
    node: &TestNode,
    token: &str,
    course: &str,
    from: i64,
    to: i64,
    seats: &[(&str, i64)],
) -> String {
    let seats: Vec<Value> = seats
        .iter()
        .map(|(a, n)| json!({ "agency": a, "seats": n }))
        .collect();
    let (code, session) = node
        .post(
            "/api/v1/sessions",
            token,
            &json!({
                "course": course, "starts_on": day(node, from), "ends_on": day(node, to),
                "place": "KCS Academy, Cheonan", "instructors": ["Choi Eun-ji"], "seats": seats
            }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{session}");
    session["id"].as_str().unwrap().to_owned()
}

async fn enrol(node: &TestNode, token: &str, session: &str, officer: &str) -> (StatusCode, Value) {
    node.post(
        &format!("/api/v1/sessions/{session}/enrolments"),
        token,
        &json!({ "officer": officer }),
    )
    .await
}

async fn enrolled(node: &TestNode, token: &str, session: &str, officer: &str) -> Value {
    let (code, e) = enrol(node, token, session, officer).await;
    assert_eq!(code, StatusCode::CREATED, "{e}");
    e
}

fn assert_conflict(code: StatusCode, body: &Value, expected: &str) {
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], expected, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.len() > 10),
        "a clear message: {body}"
    );
}

async fn put(node: &TestNode, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let (code, _, body) = node.put(path, token, None, body).await;
    (code, body)
}

async fn attend(node: &TestNode, token: &str, id: &str, attended: bool) -> (StatusCode, Value) {
    put(
        node,
        &format!("/api/v1/enrolments/{id}/attendance"),
        token,
        &json!({ "attended": attended }),
    )
    .await
}

async fn assess(node: &TestNode, token: &str, id: &str, result: &str) -> (StatusCode, Value) {
    put(
        node,
        &format!("/api/v1/enrolments/{id}/assessment"),
        token,
        &json!({ "result": result, "score": 77.5 }),
    )
    .await
}

async fn pdf_of(node: &TestNode, token: &str, certificate: &str) -> Vec<u8> {
    let answer = node
        .request(
            Method::GET,
            &format!("/api/v1/certificates/{certificate}/pdf"),
        )
        .token(token)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/pdf")
    );
    answer.bytes.to_vec()
}

async fn verify(node: &TestNode, pdf: Vec<u8>) -> Value {
    let answer = node
        .request(Method::POST, "/api/v1/certificates/verify")
        .raw_body("application/pdf", pdf)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    serde_json::from_slice(&answer.bytes).unwrap()
}

/// The PDF with its signed content changed by `change`.
fn tampered(pdf: &[u8], change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let key = b"/InterdictCertificate (";
    let at = pdf.windows(key.len()).position(|w| w == key).unwrap() + key.len();
    let len = pdf[at..].iter().position(|b| *b == b')').unwrap();
    let engine = base64::engine::general_purpose::STANDARD;
    let mut content: Value =
        serde_json::from_slice(&engine.decode(&pdf[at..at + len]).unwrap()).unwrap();
    change(&mut content);
    let encoded = engine.encode(serde_json::to_string(&content).unwrap());
    let mut out = pdf[..at].to_vec();
    out.extend_from_slice(encoded.as_bytes());
    out.extend_from_slice(&pdf[at + len..]);
    out
}

/// A course of KCS for KCG's officers through to a certificate: returns (session,
/// enrolment, certificate) of kcg.watch_officer, who passed.
async fn certified(node: &TestNode, kcs: &str, kcg: &str) -> (String, String, String) {
    let course = create_course(node, kcs, "컨테이너 은닉 마약 탐지").await;
    let session = create_session(node, kcs, &course, 0, 4, &[("KR-KCG", 2)]).await;
    let e = enrolled(node, kcg, &session, "kcg.watch_officer").await;
    let id = e["id"].as_str().unwrap().to_owned();
    let (code, body) = attend(node, kcs, &id, true).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (code, body) = assess(node, kcs, &id, "passed").await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let certificate = body["certificate"].as_str().unwrap().to_owned();
    (session, id, certificate)
}

async fn every_change_of_state(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.trainer").await;
    let kcg = token_for(node.service(), "kcg.trainer").await;

    // A course is checked field by field; only trainers make one.
    let bad = node
        .request(Method::POST, "/api/v1/courses")
        .token(&kcs)
        .json(&json!({ "title": "", "hours": 0, "language": "kor", "certificate_months": 0, "tlp": "RED" }))
        .invalid_on_purpose()
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    for field in ["title", "hours", "language", "certificate_months", "tlp"] {
        assert!(
            bad.body["error"]["fields"][field].is_string(),
            "{field}: {}",
            bad.text
        );
    }
    let analyst = token_for(node.service(), "kcs.analyst").await;
    let (code, _) = node
        .post("/api/v1/courses", &analyst, &course_json("no"))
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);

    let course = create_course(&node, &kcs, "Drug detection in containers").await;
    // Only the host schedules sessions of its course.
    let (code, body) = node
        .post(
            "/api/v1/sessions",
            &kcg,
            &json!({ "course": course, "starts_on": day(&node, 0), "ends_on": day(&node, 1),
                     "place": "x", "instructors": ["y"], "seats": [{ "agency": "KR-KCG", "seats": 1 }] }),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    let session = create_session(&node, &kcs, &course, 0, 4, &[("KR-KCG", 2), ("KR-KCS", 1)]).await;
    let later = create_session(&node, &kcs, &course, 10, 12, &[("KR-KCG", 2)]).await;
    let no_kcg = create_session(&node, &kcs, &course, 0, 2, &[("KR-KCS", 2)]).await;

    // Two seats for KCG: the third officer waits.
    let analyst_e = enrolled(&node, &kcg, &session, "kcg.analyst").await;
    assert_eq!(analyst_e["status"], "enrolled");
    let coordinator_e = enrolled(&node, &kcg, &session, "kcg.coordinator").await;
    let watch_e = enrolled(&node, &kcg, &session, "kcg.watch_officer").await;
    assert_eq!(watch_e["status"], "waitlisted", "{watch_e}");
    assert_eq!(watch_e["waitlist_position"], 1, "{watch_e}");
    let id = |e: &Value| e["id"].as_str().unwrap().to_owned();
    let (analyst_id, coordinator_id, watch_id) = (id(&analyst_e), id(&coordinator_e), id(&watch_e));

    let (code, body) = enrol(&node, &kcg, &session, "kcg.analyst").await;
    assert_conflict(code, &body, "already_enrolled");
    let (code, body) = enrol(&node, &kcg, &no_kcg, "kcg.analyst").await;
    assert_conflict(code, &body, "no_seats_for_agency");
    let (code, body) = enrol(&node, &kcg, &session, "kcs.analyst").await;
    assert_eq!(
        code,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another agency's officer: {body}"
    );

    // Attendance: not for one waiting, not before the session, only by the host.
    let (code, body) = attend(&node, &kcs, &watch_id, true).await;
    assert_conflict(code, &body, "enrolment_waitlisted");
    let later_e = enrolled(&node, &kcg, &later, "kcg.analyst").await;
    let (code, body) = attend(&node, &kcs, &id(&later_e), true).await;
    assert_conflict(code, &body, "session_not_started");
    let (code, body) = attend(&node, &kcg, &coordinator_id, true).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    let (code, body) = assess(&node, &kcs, &coordinator_id, "passed").await;
    assert_conflict(code, &body, "not_attended");

    // A cancelled seat goes to the first officer waiting.
    let (code, cancelled) = node
        .post_empty(&format!("/api/v1/enrolments/{analyst_id}/cancel"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let (code, promoted) = node
        .get(&format!("/api/v1/enrolments/{watch_id}"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{promoted}");
    assert_eq!(promoted["status"], "enrolled", "{promoted}");
    assert!(promoted["waitlist_position"].is_null(), "{promoted}");
    let (code, body) = node
        .post_empty(&format!("/api/v1/enrolments/{analyst_id}/cancel"), &kcg)
        .await;
    assert_conflict(code, &body, "enrolment_cancelled");
    let (code, body) = attend(&node, &kcs, &analyst_id, true).await;
    assert_conflict(code, &body, "enrolment_cancelled");
    let (code, view) = node.get(&format!("/api/v1/sessions/{session}"), &kcs).await;
    assert_eq!(code, StatusCode::OK, "{view}");
    let kcg_seats = view["seats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["agency"] == "KR-KCG")
        .unwrap();
    assert_eq!(
        (kcg_seats["seats"].as_i64(), kcg_seats["used"].as_i64()),
        (Some(2), Some(2))
    );

    // The coordinator attends and fails: no certificate.
    let (code, body) = attend(&node, &kcs, &coordinator_id, true).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (code, body) = node
        .post_empty(&format!("/api/v1/enrolments/{coordinator_id}/cancel"), &kcg)
        .await;
    assert_conflict(code, &body, "enrolment_attended");
    let (code, failed) = assess(&node, &kcs, &coordinator_id, "failed").await;
    assert_eq!(code, StatusCode::OK, "{failed}");
    assert!(failed["certificate"].is_null(), "{failed}");
    let (code, body) = node
        .post_empty(
            &format!("/api/v1/enrolments/{coordinator_id}/certificate"),
            &kcs,
        )
        .await;
    assert_conflict(code, &body, "assessment_failed");
    let (code, body) = attend(&node, &kcs, &coordinator_id, false).await;
    assert_conflict(code, &body, "enrolment_assessed");

    // The watch officer attends and passes: a certificate, and only one.
    attend(&node, &kcs, &watch_id, true).await;
    let (code, passed) = assess(&node, &kcs, &watch_id, "passed").await;
    assert_eq!(code, StatusCode::OK, "{passed}");
    let certificate = passed["certificate"]
        .as_str()
        .expect("certificate")
        .to_owned();
    let (code, body) = node
        .post_empty(&format!("/api/v1/enrolments/{watch_id}/certificate"), &kcs)
        .await;
    assert_conflict(code, &body, "certificate_exists");
    let (code, body) = assess(&node, &kcs, &watch_id, "failed").await;
    assert_conflict(code, &body, "certificate_issued");
    let (code, c) = node
        .get(&format!("/api/v1/certificates/{certificate}"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{c}");
    assert_eq!(c["officer"], "kcg.watch_officer");
    assert_eq!(c["agency"], "KR-KCG");
    assert_eq!(c["hours"], 24.0);
    let issued: chrono::NaiveDate = c["issued_on"].as_str().unwrap().parse().unwrap();
    let expires: chrono::NaiveDate = c["expires_on"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        expires,
        issued.checked_add_months(chrono::Months::new(2)).unwrap()
    );

    // The record, the reports.
    let (code, record) = node
        .get("/api/v1/training/records/kcg.watch_officer", &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{record}");
    assert_eq!(record["hours_attended"], 24.0, "{record}");
    assert_eq!(
        record["entries"][0]["certificate_expires_on"],
        c["expires_on"]
    );
    let (code, hours) = node.get("/api/v1/training/reports/hours", &kcs).await;
    assert_eq!(code, StatusCode::OK, "{hours}");
    assert_eq!(
        hours,
        json!([{ "agency": "KR-KCG", "officers": 2, "courses_attended": 2, "hours": 48.0 }])
    );
    let (code, expiring) = node.get("/api/v1/training/reports/expiring", &kcg).await;
    assert_eq!(code, StatusCode::OK, "{expiring}");
    assert_eq!(
        expiring.as_array().unwrap().len(),
        1,
        "expires in 2 months: {expiring}"
    );
    let (code, seats) = node.get("/api/v1/training/reports/seats", &kcs).await;
    assert_eq!(code, StatusCode::OK, "{seats}");
    assert!(
        seats
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["session"] == session.as_str()
                && r["agency"] == "KR-KCG"
                && r["used"] == 2
                && r["seats"] == 2),
        "{seats}"
    );

    // Revocation: verified as revoked; a new certificate can be issued.
    let pdf = pdf_of(&node, &kcg, &certificate).await;
    assert_eq!(verify(&node, pdf.clone()).await["outcome"], "genuine");
    let (code, revoked) = node
        .post_empty(&format!("/api/v1/certificates/{certificate}/revoke"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{revoked}");
    let (code, body) = node
        .post_empty(&format!("/api/v1/certificates/{certificate}/revoke"), &kcs)
        .await;
    assert_conflict(code, &body, "certificate_revoked");
    let verdict = verify(&node, pdf).await;
    assert_eq!(
        (verdict["genuine"].as_bool(), verdict["outcome"].as_str()),
        (Some(false), Some("revoked"))
    );
    let (code, again) = node
        .post_empty(&format!("/api/v1/enrolments/{watch_id}/certificate"), &kcs)
        .await;
    assert_eq!(code, StatusCode::CREATED, "{again}");

    // After the last day no one enrols.
    node.clock.advance(chrono::Duration::days(5));
    let kcg = token_for(node.service(), "kcg.trainer").await;
    let (code, body) = enrol(&node, &kcg, &session, "kcg.auditor").await;
    assert_conflict(code, &body, "session_finished");

    // Every change is in the audit log.
    let admin = token_for(node.service(), "kcs.agency_admin").await;
    let (code, audit) = node.get("/api/v1/audit?limit=200", &admin).await;
    assert_eq!(code, StatusCode::OK, "{audit}");
    let text = audit.to_string();
    for action in [
        "training.course_create",
        "training.session_create",
        "training.enrol",
        "training.cancel",
        "training.promote",
        "training.attendance",
        "training.assessment",
        "training.certificate_revoke",
        "training.certificate_issue",
    ] {
        assert!(text.contains(action), "{action} audited");
    }
    node.finish().await;
}

#[tokio::test]
async fn every_change_of_state_on_sqlite() {
    every_change_of_state(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_change_of_state_on_postgres() {
    every_change_of_state(Backend::Postgres).await;
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::limited(5))
        .build()
        .unwrap()
}

/// Signs `username` in on a browser-like client.
async fn web_login(node: &TestNode, client: &Client, username: &str) {
    let page = client
        .get(node.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = r#"name="csrf" value=""#;
    let start = page.find(marker).unwrap() + marker.len();
    let csrf = &page[start..start + page[start..].find('"').unwrap()];
    let response = client
        .post(node.url("/login"))
        .form(&[
            ("csrf", csrf),
            ("next", "/"),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "login of {username}");
}

async fn page(client: &Client, node: &TestNode, path: &str) -> (StatusCode, String) {
    let response = client.get(node.url(path)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn outsiders_learn_nothing(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.trainer").await;
    let kcg = token_for(node.service(), "kcg.trainer").await;
    let (session, enrolment, certificate) = certified(&node, &kcs, &kcg).await;
    let course = node
        .get(&format!("/api/v1/sessions/{session}"), &kcs)
        .await
        .1["course"]
        .as_str()
        .unwrap()
        .to_owned();
    // KCS's own officer on the same session: KCG does not see that enrolment.
    let kcs_seat =
        create_session(&node, &kcs, &course, 0, 3, &[("KR-KCS", 2), ("KR-KCG", 1)]).await;
    let kcs_e = enrolled(&node, &kcs, &kcs_seat, "kcs.analyst").await;
    let (code, view) = node
        .get(&format!("/api/v1/sessions/{kcs_seat}"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{view}");
    assert!(view["enrolments"].as_array().unwrap().is_empty(), "{view}");
    let (code, _) = node
        .get(
            &format!("/api/v1/enrolments/{}", kcs_e["id"].as_str().unwrap()),
            &kcg,
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, view) = node.get(&format!("/api/v1/sessions/{session}"), &kcg).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(view["enrolments"].as_array().unwrap().len(), 1, "{view}");

    // Japan (no agreement) and Thai customs (an agreement without the training scope).
    for outsider in [
        "japan.trainer",
        "thai.trainer",
        "thai.agency_admin",
        "japan.coordinator",
    ] {
        let token = token_for(node.service(), outsider).await;
        for path in [
            "/api/v1/courses",
            "/api/v1/sessions",
            &format!("/api/v1/sessions?month={}", &day(&node, 0)[..7]),
            "/api/v1/certificates",
            "/api/v1/training/reports/hours",
            "/api/v1/training/reports/expiring",
            "/api/v1/training/reports/seats",
        ] {
            let (code, body) = node.get(path, &token).await;
            assert_eq!(code, StatusCode::OK, "{outsider} {path}: {body}");
            assert_eq!(body, json!([]), "{outsider} learns nothing from {path}");
        }
        for path in [
            format!("/api/v1/courses/{course}"),
            format!("/api/v1/sessions/{session}"),
            format!("/api/v1/enrolments/{enrolment}"),
            format!("/api/v1/certificates/{certificate}"),
            "/api/v1/training/records/kcg.watch_officer".to_owned(),
        ] {
            let (code, body) = node.get(&path, &token).await;
            assert_eq!(code, StatusCode::NOT_FOUND, "{outsider} {path}: {body}");
            assert_eq!(body["error"]["code"], "not_found");
        }
        let answer = node
            .request(
                Method::GET,
                &format!("/api/v1/certificates/{certificate}/pdf"),
            )
            .token(&token)
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{outsider} pdf");
        let (code, body) = enrol(&node, &token, &session, outsider).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{outsider} enrols: {body}");
        let (code, body) = node
            .post_empty(&format!("/api/v1/enrolments/{enrolment}/cancel"), &token)
            .await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{outsider} cancels: {body}");
    }
    // The pages say nothing either.
    for outsider in ["japan.trainer", "thai.trainer"] {
        let client = browser();
        web_login(&node, &client, outsider).await;
        let (code, html) = page(&client, &node, "/training").await;
        assert_eq!(code, StatusCode::OK);
        assert!(
            !html.contains("컨테이너 은닉"),
            "{outsider}: /training names the course"
        );
        for path in [
            format!("/training/sessions/{session}"),
            format!("/training/certificates/{certificate}/pdf"),
            "/training/record?officer=kcg.watch_officer".to_owned(),
        ] {
            let (code, html) = page(&client, &node, &path).await;
            assert_eq!(code, StatusCode::NOT_FOUND, "{outsider} {path}");
            assert!(!html.contains("컨테이너 은닉") && !html.contains("kcg watch_officer"));
        }
        let (code, html) = page(&client, &node, "/training/reports").await;
        assert_eq!(code, StatusCode::OK);
        assert!(
            !html.contains("KR-KCG") && !html.contains("컨테이너 은닉"),
            "{outsider} reports"
        );
    }
    // The partner with the scope sees it on its pages.
    let client = browser();
    web_login(&node, &client, "kcg.trainer").await;
    let (code, html) = page(&client, &node, "/training").await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("컨테이너 은닉"));
    let (code, html) = page(&client, &node, &format!("/training/sessions/{session}")).await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("kcg.watch_officer"), "{html}");
    let (code, html) = page(&client, &node, &format!("/training/sessions/{kcs_seat}")).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        !html.contains("kcs.analyst"),
        "KCS's own enrolment shown to KCG: {html}"
    );
    let (code, html) = page(&client, &node, "/training/record?officer=kcg.watch_officer").await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("컨테이너 은닉"));
    node.finish().await;
}

#[tokio::test]
async fn outsiders_learn_nothing_on_sqlite() {
    outsiders_learn_nothing(Backend::Sqlite).await;
}

#[tokio::test]
async fn outsiders_learn_nothing_on_postgres() {
    outsiders_learn_nothing(Backend::Postgres).await;
}

async fn fifty_for_the_last_seat(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let by = interdict_service::admin::Admin::Console;
    for i in 0..50 {
        node.service()
            .create_user(
                &by,
                interdict_service::admin::NewUserInput {
                    username: format!("kcg.officer{i:02}"),
                    agency: "KR-KCG".into(),
                    display_name: Some(format!("KCG officer {i}")),
                    roles: "analyst".into(),
                    password: PASSWORD.into(),
                },
            )
            .await
            .unwrap();
    }
    let kcs = token_for(node.service(), "kcs.trainer").await;
    let kcg = token_for(node.service(), "kcg.trainer").await;
    let course = create_course(&node, &kcs, "Boarding and search").await;
    let session = create_session(&node, &kcs, &course, 1, 3, &[("KR-KCG", 3)]).await;
    enrolled(&node, &kcg, &session, "kcg.analyst").await;
    enrolled(&node, &kcg, &session, "kcg.coordinator").await;

    let node = Arc::new(node);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (node, kcg, session) = (node.clone(), kcg.clone(), session.clone());
        tasks.spawn(async move {
            let (code, e) = enrol(&node, &kcg, &session, &format!("kcg.officer{i:02}")).await;
            assert_eq!(code, StatusCode::CREATED, "{e}");
            e["status"].as_str().unwrap().to_owned()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.unwrap());
    }
    let seated = statuses.iter().filter(|s| *s == "enrolled").count();
    let waiting = statuses.iter().filter(|s| *s == "waitlisted").count();
    assert_eq!((seated, waiting), (1, 49), "{statuses:?}");

    let (code, view) = node.get(&format!("/api/v1/sessions/{session}"), &kcs).await;
    assert_eq!(code, StatusCode::OK, "{view}");
    assert_eq!(view["seats"][0]["used"], 3, "{view}");
    let enrolments = view["enrolments"].as_array().unwrap();
    assert_eq!(
        enrolments
            .iter()
            .filter(|e| e["status"] == "enrolled")
            .count(),
        3
    );
    let mut positions: Vec<i64> = enrolments
        .iter()
        .filter_map(|e| e["waitlist_position"].as_i64())
        .collect();
    positions.sort_unstable();
    assert_eq!(positions, (1..=49).collect::<Vec<_>>());
    let node = Arc::into_inner(node).expect("the tasks are done");
    node.finish().await;
}

#[tokio::test]
async fn fifty_for_the_last_seat_on_sqlite() {
    fifty_for_the_last_seat(Backend::Sqlite).await;
}

#[tokio::test]
async fn fifty_for_the_last_seat_on_postgres() {
    fifty_for_the_last_seat(Backend::Postgres).await;
}

#[tokio::test]
async fn certificates_are_verified() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.trainer").await;
    let kcg = token_for(node.service(), "kcg.trainer").await;
    let (_, _, certificate) = certified(&node, &kcs, &kcg).await;
    let pdf = pdf_of(&node, &kcg, &certificate).await;
    assert!(pdf.starts_with(b"%PDF-"));

    let genuine = verify(&node, pdf.clone()).await;
    assert_eq!(genuine["genuine"], true, "{genuine}");
    assert_eq!(genuine["outcome"], "genuine");
    assert_eq!(genuine["certificate"]["officer"], "kcg.watch_officer");
    assert_eq!(
        genuine["certificate"]["course_title"],
        "컨테이너 은닉 마약 탐지"
    );
    assert_eq!(genuine["certificate"]["id"], certificate.as_str());

    for (what, pdf) in [
        (
            "name",
            tampered(&pdf, |c| c["officer_name"] = json!("Somebody Else")),
        ),
        (
            "expiry",
            tampered(&pdf, |c| c["expires_on"] = json!("2099-12-31")),
        ),
    ] {
        let verdict = verify(&node, pdf).await;
        assert_eq!(verdict["genuine"], false, "altered {what}: {verdict}");
        assert_eq!(verdict["outcome"], "signature_invalid", "altered {what}");
        assert!(
            verdict["certificate"].is_null(),
            "an altered certificate certifies nothing"
        );
    }
    let not_pdf = verify(&node, b"just some text".to_vec()).await;
    assert_eq!(
        (not_pdf["genuine"].as_bool(), not_pdf["outcome"].as_str()),
        (Some(false), Some("not_pdf"))
    );
    let answer = node
        .request(Method::POST, "/api/v1/certificates/verify")
        .raw_body("text/plain", b"%PDF-1.7".to_vec())
        .invalid_on_purpose()
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A certificate of another node (another key) is not this node's.
    let other = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(other.service()).await;
    let kcs2 = token_for(other.service(), "kcs.trainer").await;
    let kcg2 = token_for(other.service(), "kcg.trainer").await;
    let (_, _, foreign) = certified(&other, &kcs2, &kcg2).await;
    let foreign_pdf = pdf_of(&other, &kcg2, &foreign).await;
    assert_eq!(verify(&other, foreign_pdf.clone()).await["genuine"], true);
    let verdict = verify(&node, foreign_pdf.clone()).await;
    assert_eq!(
        (verdict["genuine"].as_bool(), verdict["outcome"].as_str()),
        (Some(false), Some("wrong_key")),
        "{verdict}"
    );
    // …even when it claims this node's key.
    let key = node.service().keys().public_hex();
    let verdict = verify(
        &node,
        tampered(&foreign_pdf, |c| c["node_key"] = json!(key)),
    )
    .await;
    assert_eq!(verdict["outcome"], "signature_invalid", "{verdict}");
    other.finish().await;
    node.finish().await;
}
