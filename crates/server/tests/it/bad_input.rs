//! Bad input gets a precise error in one shape, the right status, and changes nothing.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{report_json, seed_world, seizure_json, token_for, Backend, TestNode};

async fn node() -> (TestNode, String) {
    let node = TestNode::start(Backend::Sqlite).await.expect("sqlite node");
    seed_world(node.service()).await;
    let token = token_for(node.service(), "kcs.analyst").await;
    (node, token)
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// Posts bytes the OpenAPI document refuses, on purpose.
async fn raw_post(
    node: &TestNode,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let answer = node
        .request(Method::POST, path)
        .token(token)
        .raw_body(content_type, body)
        .invalid_on_purpose()
        .send()
        .await;
    (answer.status, answer.body)
}

/// Sends a request the OpenAPI document refuses, on purpose.
async fn invalid(
    node: &TestNode,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut call = node.request(method, path).token(token).invalid_on_purpose();
    if let Some(body) = body {
        call = call.json(body);
    }
    let answer = call.send().await;
    (answer.status, answer.body)
}

#[tokio::test]
async fn malformed_and_wrongly_typed_bodies_are_refused_and_nothing_is_written() {
    let (node, token) = node().await;
    let (code, body) = raw_post(
        &node,
        "/api/v1/reports",
        &token,
        "application/json",
        b"{\"title\": ".to_vec(),
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_error(&body, "bad_request");

    let (code, body) = raw_post(
        &node,
        "/api/v1/reports",
        &token,
        "text/plain",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(code, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error(&body, "unsupported_media_type");

    let mut unknown = report_json("t", "GREEN", &[], "published");
    unknown["secret"] = json!("x");
    let (code, body) = invalid(
        &node,
        Method::POST,
        "/api/v1/reports",
        &token,
        Some(&unknown),
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body, "invalid_input");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `secret`"),
        "{body}"
    );

    let mut wrong_imo = report_json("t", "GREEN", &[], "published");
    wrong_imo["subjects"][0]["imo"] = json!("9074728");
    let (code, body) = node.post("/api/v1/reports", &token, &wrong_imo).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = body["error"]["fields"].as_object().expect("fields");
    let (field, message) = fields.iter().next().expect("one field");
    assert!(field.starts_with("subjects[0]"), "{field}");
    assert!(
        message
            .as_str()
            .unwrap()
            .contains("check digit is 8, expected 9"),
        "{message}"
    );

    let mut wrong_container = seizure_json("x", "GREEN", &[], "published");
    wrong_container["subjects"][0]["number"] = json!("CSQU3054384");
    let (code, body) = node
        .post("/api/v1/seizures", &token, &wrong_container)
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("check digit"), "{body}");

    let mut bad_country = seizure_json("x", "GREEN", &[], "published");
    bad_country["route"]["origin"] = json!("XX");
    let (code, body) = node.post("/api/v1/seizures", &token, &bad_country).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["fields"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k == "route.origin"),
        "{body}"
    );

    let (code, body) = node
        .post(
            "/api/v1/reports",
            &token,
            &report_json("  ", "GREEN", &[], "published"),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"]["title"], "must not be empty");

    let (code, body) = node
        .post(
            "/api/v1/reports",
            &token,
            &report_json("t", "RED", &[], "published"),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["fields"]["handling.recipients"].is_string(),
        "{body}"
    );

    let mut phone = report_json("t", "GREEN", &[], "published");
    phone["subjects"] = json!([{ "kind": "phone", "number": "010-1234" }]);
    let (code, _) = invalid(&node, Method::POST, "/api/v1/reports", &token, Some(&phone)).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);

    let mut future = seizure_json("x", "GREEN", &[], "published");
    future["occurred_on"] = json!((node.now() + Duration::days(3)).date_naive().to_string());
    let (code, body) = node.post("/api/v1/seizures", &token, &future).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["occurred_on"].is_string());

    let big = report_json(&"x".repeat(300 * 1024), "GREEN", &[], "published");
    let (code, body) = invalid(&node, Method::POST, "/api/v1/reports", &token, Some(&big)).await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&body, "payload_too_large");

    // None of it was written, and the audit chain is intact.
    let (_, page) = node.get("/api/v1/reports", &token).await;
    assert_eq!(page["total"], 0);
    let (_, page) = node.get("/api/v1/seizures", &token).await;
    assert_eq!(page["total"], 0);
    assert!(node.service().verify_audit(&[]).await.unwrap().is_intact());
    node.finish().await;
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let (node, _) = node().await;
    let (code, body) = node.call(Method::GET, "/api/v1/reports", None, None).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    assert_error(&body, "unauthorized");
    let (code, _) = node
        .get(
            "/api/v1/reports",
            "idt_forgedforgedforgedforgedforgedforgedforg",
        )
        .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    let (code, _) = node.get("/api/v1/reports", "not-even-a-token").await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);

    // A token that expires: valid for a day on the node's clock, then not.
    let expired = interdict_testkit::token_for(node.service(), "kcs.analyst").await;
    let (code, _) = node.get("/api/v1/me", &expired).await;
    assert_eq!(code, StatusCode::OK);
    node.clock.advance(Duration::days(2));
    let (code, body) = node.get("/api/v1/me", &expired).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
    node.finish().await;
}

#[tokio::test]
async fn changes_need_the_current_version_and_a_live_record() {
    let (node, token) = node().await;
    let (_, created) = node
        .post(
            "/api/v1/reports",
            &token,
            &report_json("first", "GREEN", &[], "published"),
        )
        .await;
    let path = format!("/api/v1/reports/{}", created["id"].as_str().unwrap());
    let body = report_json("second", "GREEN", &[], "published");

    let (status, _) = invalid(&node, Method::PUT, &path, &token, Some(&body)).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);

    let (status, etag, _) = node.put(&path, &token, Some("\"1\""), &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(etag.as_deref(), Some("\"2\""));

    let (status, _, _) = node.put(&path, &token, Some("\"1\""), &body).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (code, _) = node
        .post(
            &format!("{path}/withdraw"),
            &token,
            &json!({"reason": "duplicate"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let (status, _, _) = node.put(&path, &token, Some("\"3\""), &body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (code, body) = node
        .post(&format!("{path}/withdraw"), &token, &json!({}))
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("withdrawn"));
    node.finish().await;
}

#[tokio::test]
async fn malformed_paths_and_queries_are_answered_precisely() {
    let (node, token) = node().await;
    let (code, body) = invalid(
        &node,
        Method::GET,
        "/api/v1/reports/not-a-uuid",
        &token,
        None,
    )
    .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found");
    let (code, body) = invalid(
        &node,
        Method::GET,
        "/api/v1/reports?colour=red",
        &token,
        None,
    )
    .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_error(&body, "bad_request");
    let (code, body) = invalid(&node, Method::GET, "/api/v1/reports?limit=0", &token, None).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["fields"]["limit"],
        "must be between 1 and 200"
    );
    let (code, _) = invalid(
        &node,
        Method::GET,
        "/api/v1/reports?tlp=WHITE",
        &token,
        None,
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, _) = node.get("/api/v1/reports?cursor=abc", &token).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, _) = node.get("/api/v1/search?q=%20%2C%2C", &token).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, body) = invalid(&node, Method::GET, "/api/v1/nothing-here", &token, None).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found");
    node.finish().await;
}
