//! Joint operations: membership as a compartment (a member reads the operation's
//! records, a non-member of the same agency does not, an ex-member loses them), the
//! board's templates (a seizure message files exactly one seizure; bad templates are
//! refused field by field), the tally of linked visible seizures, read receipts,
//! attachments, and the life cycle of an operation, on both engines.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{seed_world, seizure_json, token_for, Backend, TestNode};

/// A seizure for the board: one drug item, a place in Thailand, `arrests` arrests.
fn board_seizure(drug: &str, quantity: f64, unit: &str, arrests: u32) -> Value {
    json!({
        "occurred_on": "2026-05-12",
        "place": { "kind": "port", "name": "Laem Chabang", "country": "TH" },
        "conveyance": "sea_container",
        "items": [ { "drug": drug, "quantity": quantity, "unit": unit } ],
        "arrests": arrests,
        "route": { "origin": "MM", "destination": "KR" },
        "handling": { "tlp": "AMBER", "recipients": [] },
        "status": "published"
    })
}

fn operation_json(partners: &[&str]) -> Value {
    json!({
        "code_name": "MEKONG TIDE",
        "starts_on": "2026-05-01",
        "ends_on": "2026-08-31",
        "member_agencies": partners,
        "area": { "type": "Polygon", "coordinates": [[[100.0, 12.0], [102.0, 12.0], [102.0, 14.0], [100.0, 14.0], [100.0, 12.0]]] },
        "objectives": ["Stop methamphetamine moving from the Golden Triangle through Laem Chabang"],
        "targets": [ { "kind": "vessel", "name": "HAE YANG HO", "imo": "9074729" } ],
        "max_tlp": "AMBER",
        "status": "active"
    })
}

async fn post_message(
    node: &TestNode,
    token: &str,
    op: &str,
    message: Value,
) -> (StatusCode, Value) {
    node.post(
        &format!("/api/v1/operations/{op}/messages"),
        token,
        &json!({ "message": message }),
    )
    .await
}

async fn seizures_of(node: &TestNode, token: &str) -> usize {
    let (code, page) = node.get("/api/v1/seizures?limit=200", token).await;
    assert_eq!(code, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().len()
}

/// Starts the operation of [`operation_json`] with the Thai customs as `lead` and names
/// `officers`; returns its id.
async fn start_operation(node: &TestNode, lead: &str, officers: &[&str]) -> String {
    let (code, created) = node
        .post("/api/v1/operations", lead, &operation_json(&["TH-CUSTOMS"]))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    assert_eq!(created["area"]["type"], "MultiPolygon", "{created}");
    let op = created["id"].as_str().unwrap().to_owned();
    for officer in officers {
        let (code, view) = node
            .post(
                &format!("/api/v1/operations/{op}/officers"),
                lead,
                &json!({ "username": officer }),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{view}");
    }
    op
}

async fn members_read_what_is_attached_and_no_one_else(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs_lead = token_for(node.service(), "kcs.coordinator").await;
    let kcs_analyst = token_for(node.service(), "kcs.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    let thai_other = token_for(node.service(), "thai.watch_officer").await;
    let japan = token_for(node.service(), "japan.analyst").await;

    // Only coordinators start operations.
    let (code, _) = node
        .post(
            "/api/v1/operations",
            &kcs_analyst,
            &operation_json(&["TH-CUSTOMS"]),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let op = start_operation(&node, &kcs_lead, &[]).await;

    // A KCS seizure at AMBER: the Thai customs share seizures with KCS up to GREEN
    // only, so no Thai officer reads it by agreement.
    let (code, ours) = node
        .post(
            "/api/v1/seizures",
            &kcs_analyst,
            &seizure_json("OP-KCS", "AMBER", &[], "published"),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{ours}");
    let ours = ours["id"].as_str().unwrap().to_owned();
    let seizure_path = format!("/api/v1/seizures/{ours}");
    assert_eq!(
        node.get(&seizure_path, &thai).await.0,
        StatusCode::NOT_FOUND
    );

    // Officers are named by the lead agency's coordinator, from agencies taking part.
    let (code, refused) = node
        .post(
            &format!("/api/v1/operations/{op}/officers"),
            &kcs_lead,
            &json!({ "username": "japan.analyst" }),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    for officer in ["thai.analyst", "kcs.analyst"] {
        let (code, view) = node
            .post(
                &format!("/api/v1/operations/{op}/officers"),
                &kcs_lead,
                &json!({ "username": officer }),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{view}");
    }
    let (code, _) = node
        .post(
            &format!("/api/v1/operations/{op}/records"),
            &kcs_analyst,
            &json!({ "kind": "seizure", "id": ours }),
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);

    // A member reads the attached record; a non-member of the same agency does not;
    // another agency without an agreement learns nothing of the operation.
    assert_eq!(node.get(&seizure_path, &thai).await.0, StatusCode::OK);
    assert_eq!(
        node.get(&seizure_path, &thai_other).await.0,
        StatusCode::NOT_FOUND
    );
    let op_path = format!("/api/v1/operations/{op}");
    for (token, visible) in [
        (&thai, true),
        (&thai_other, false),
        (&japan, false),
        (&kcs_lead, true),
    ] {
        let (code, _) = node.get(&op_path, token).await;
        assert_eq!(code == StatusCode::OK, visible, "{op_path}");
        let (code, list) = node.get("/api/v1/operations", token).await;
        assert_eq!(code, StatusCode::OK);
        let listed = list
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == op.as_str());
        assert_eq!(listed, visible, "{list}");
        for path in ["messages", "tally", "seizures.csv"] {
            let (code, _) = node.get(&format!("{op_path}/{path}"), token).await;
            assert_eq!(code == StatusCode::OK, visible, "{path}");
        }
    }
    // The search of a non-member finds nothing of it either.
    let (_, found) = node.get("/api/v1/search?q=OP-KCS", &thai_other).await;
    assert_eq!(found["total"], 0, "{found}");
    let (_, found) = node.get("/api/v1/search?q=OP-KCS", &thai).await;
    assert_eq!(found["total"], 1, "{found}");

    // The tally counts the linked seizures the reader sees: a draft attached to the
    // operation counts for its own agency only, and a seizure not attached for nobody.
    let (code, draft) = node
        .post(
            "/api/v1/seizures",
            &kcs_analyst,
            &seizure_json("OP-DRAFT", "AMBER", &[], "draft"),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{draft}");
    let (code, _) = node
        .post(
            &format!("/api/v1/operations/{op}/records"),
            &kcs_analyst,
            &json!({ "kind": "seizure", "id": draft["id"] }),
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let (code, _) = node
        .post(
            "/api/v1/seizures",
            &kcs_analyst,
            &seizure_json("OP-LOOSE", "AMBER", &[], "published"),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    for (token, cases) in [(&thai, 1), (&kcs_analyst, 2)] {
        let (code, tally) = node.get(&format!("{op_path}/tally"), token).await;
        assert_eq!(code, StatusCode::OK, "{tally}");
        assert_eq!(tally["cases"], cases, "{tally}");
    }

    // An ex-member loses access at once.
    let left = node
        .request(
            reqwest::Method::DELETE,
            &format!("{op_path}/officers/thai.analyst"),
        )
        .token(&kcs_lead)
        .send()
        .await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    assert_eq!(
        node.get(&seizure_path, &thai).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(node.get(&op_path, &thai).await.0, StatusCode::NOT_FOUND);
    let (_, found) = node.get("/api/v1/search?q=OP-KCS", &thai).await;
    assert_eq!(found["total"], 0, "{found}");
    node.finish().await;
}

#[tokio::test]
async fn members_read_what_is_attached_and_no_one_else_on_sqlite() {
    members_read_what_is_attached_and_no_one_else(Backend::Sqlite).await;
}

#[tokio::test]
async fn members_read_what_is_attached_and_no_one_else_on_postgres() {
    members_read_what_is_attached_and_no_one_else(Backend::Postgres).await;
}

async fn the_board_files_seizures_once_and_refuses_bad_templates(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let lead = token_for(node.service(), "kcs.coordinator").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let op = start_operation(&node, &lead, &["thai.analyst", "kcs.analyst"]).await;

    // A warning, then feedback on it.
    let (code, warning) = post_message(
        &node,
        &kcs,
        &op,
        json!({
            "kind": "warning",
            "warning": {
                "title": "Reefer containers of frozen fish from Laem Chabang",
                "profile": "Consignee registered last month; freight paid in cash",
                "subjects": [ { "kind": "container", "number": "MSKU9070323" } ],
                "valid_until": "2026-12-31"
            }
        }),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{warning}");
    let warning_id = warning["id"].as_str().unwrap().to_owned();
    let (code, feedback) = post_message(
        &node,
        &thai,
        &op,
        json!({
            "kind": "feedback",
            "reply_to": warning_id,
            "feedback": { "action": "seized", "place": "Laem Chabang" },
            "text": "Container opened on 12 May"
        }),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{feedback}");
    assert_eq!(feedback["reply_to"], warning_id.as_str());

    // Bad templates are refused field by field, and nothing is filed.
    let before = seizures_of(&node, &thai).await;
    let mut bad = board_seizure("yaba", 0.5, "tablets", 1);
    bad["handling"]["tlp"] = json!("AMBER+STRICT");
    let (code, refused) = post_message(
        &node,
        &thai,
        &op,
        json!({ "kind": "seizure", "seizure": bad }),
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let fields = refused["error"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("seizure.items[0].quantity"),
        "{refused}"
    );
    assert!(fields.contains_key("seizure.handling.tlp"), "{refused}");
    let (code, refused) = post_message(
        &node,
        &thai,
        &op,
        json!({
            "kind": "feedback", "reply_to": feedback["id"], "feedback": { "action": "seized" }
        }),
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["error"]["fields"]["reply_to"].is_string(),
        "{refused}"
    );
    let (code, refused) = post_message(
        &node,
        &thai,
        &op,
        json!({ "kind": "warning", "text": "look out" }),
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["error"]["fields"]["warning"].is_string(),
        "{refused}"
    );
    assert_eq!(seizures_of(&node, &thai).await, before);

    // A seizure message files exactly one seizure, even when sent twice.
    let message_id = "6d1d3a5e-4f7b-4c1e-9a43-0b7f3c2d9e10";
    let body = json!({ "id": message_id, "kind": "seizure", "seizure": board_seizure("yaba", 12000.0, "tablets", 2), "text": "Found in the reefer" });
    let (code, first) = post_message(&node, &thai, &op, body.clone()).await;
    assert_eq!(code, StatusCode::CREATED, "{first}");
    let (code, again) = post_message(&node, &thai, &op, body).await;
    assert_eq!(code, StatusCode::CREATED, "{again}");
    assert_eq!(first["seizure"], again["seizure"]);
    assert_eq!(seizures_of(&node, &thai).await, before + 1);
    let seizure = first["seizure"].as_str().unwrap();
    // The seizure is the Thai customs' own record, and KCS members read it through the
    // operation although their agreement shares seizures up to GREEN only.
    let (code, record) = node.get(&format!("/api/v1/seizures/{seizure}"), &kcs).await;
    assert_eq!(code, StatusCode::OK, "{record}");
    assert_eq!(record["agency"], "TH-CUSTOMS");
    assert_eq!(record["arrests"], 2);

    // Another seizure in grams: the tally gives kilograms, tablets apart.
    let (code, _) = post_message(
        &node,
        &kcs,
        &op,
        json!({ "kind": "seizure", "seizure": board_seizure("methamphetamine", 1500.0, "g", 1) }),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED);
    let (code, tally) = node
        .get(&format!("/api/v1/operations/{op}/tally"), &thai)
        .await;
    assert_eq!(code, StatusCode::OK, "{tally}");
    assert_eq!(tally["cases"], 2, "{tally}");
    assert_eq!(tally["arrests"], 3, "{tally}");
    assert_eq!(
        tally["quantities"],
        json!([
            { "drug": "methamphetamine", "unit": "kg", "quantity": 1.5 },
            { "drug": "yaba", "unit": "tablets", "quantity": 12000.0 }
        ]),
        "{tally}"
    );
    assert_eq!(tally["by_agency"].as_array().unwrap().len(), 2);

    // Reading the board marks it read: the warning's author sees who read it.
    let (code, board) = node
        .get(&format!("/api/v1/operations/{op}/messages"), &thai)
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(board.as_array().unwrap().len(), 4, "{board}");
    let (_, board) = node
        .get(&format!("/api/v1/operations/{op}/messages"), &kcs)
        .await;
    let readers: Vec<&str> = board[0]["read_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["username"].as_str().unwrap())
        .collect();
    assert!(readers.contains(&"thai.analyst"), "{board}");

    // Attachments: checked against the declared type; served to members only.
    use base64::Engine as _;
    let pdf = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4\n1 0 obj\n");
    let fake = base64::engine::general_purpose::STANDARD.encode(b"MZ\x90\x00 not a pdf");
    let (code, refused) = node
        .post(&format!("/api/v1/operations/{op}/messages"), &kcs, &json!({
            "message": { "kind": "message", "text": "the manifest" },
            "attachments": [ { "filename": "manifest.pdf", "content_type": "application/pdf", "content_base64": fake } ]
        }))
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["error"]["fields"]["attachments[0]"].is_string(),
        "{refused}"
    );
    let (code, posted) = node
        .post(&format!("/api/v1/operations/{op}/messages"), &kcs, &json!({
            "message": { "kind": "message", "text": "the manifest" },
            "attachments": [ { "filename": "manifest.pdf", "content_type": "application/pdf", "content_base64": pdf } ]
        }))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{posted}");
    let file = posted["attachments"][0]["id"].as_str().unwrap().to_owned();
    let answer = node
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/operations/attachments/{file}"),
        )
        .token(&thai)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/pdf")
    );
    let japan = token_for(node.service(), "japan.analyst").await;
    let answer = node
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/operations/attachments/{file}"),
        )
        .token(&japan)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    // Closing: forward only, and a closed board takes nothing more.
    let (code, view) = node.get(&format!("/api/v1/operations/{op}"), &lead).await;
    assert_eq!(code, StatusCode::OK);
    let mut input = operation_json(&["TH-CUSTOMS"]);
    input["status"] = json!("planned");
    let version = view["version"].to_string();
    let (code, _, refused) = node
        .put(
            &format!("/api/v1/operations/{op}"),
            &lead,
            Some(&version),
            &input,
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{refused}");
    input["status"] = json!("closed");
    let (code, _, closed) = node
        .put(
            &format!("/api/v1/operations/{op}"),
            &lead,
            Some(&version),
            &input,
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    let (code, refused) = post_message(
        &node,
        &thai,
        &op,
        json!({ "kind": "message", "text": "late" }),
    )
    .await;
    assert_eq!(code, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "operation_closed", "{refused}");

    // The CSV of the seizures has one line per drug item.
    let answer = node
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/operations/{op}/seizures.csv"),
        )
        .token(&thai)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let lines: Vec<&str> = answer.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", answer.text);
    assert!(lines[0].starts_with("seizure,agency,occurred_on"));
    assert!(
        answer.text.contains(",yaba,12000,tablets,2,"),
        "{}",
        answer.text
    );
    node.finish().await;
}

#[tokio::test]
async fn the_board_files_seizures_once_and_refuses_bad_templates_on_sqlite() {
    the_board_files_seizures_once_and_refuses_bad_templates(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_board_files_seizures_once_and_refuses_bad_templates_on_postgres() {
    the_board_files_seizures_once_and_refuses_bad_templates(Backend::Postgres).await;
}
