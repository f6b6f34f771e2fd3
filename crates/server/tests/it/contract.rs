//! The OpenAPI document against the API: every request and response of these tests
//! (and of all others, through the test kit) is checked against the served document;
//! here every documented operation is made to succeed at least once, and the
//! document's enums and tags are held to what the API accepts.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{
    add_agreement, report_json, seed_world, seizure_json, token_for, Backend, TestNode, PASSWORD,
};

async fn node() -> TestNode {
    let node = TestNode::start(Backend::Sqlite).await.expect("sqlite node");
    seed_world(node.service()).await;
    node
}

/// A report naming a subject of every kind, each with every optional field.
fn report_with_every_subject() -> Value {
    let mut report = report_json("contract: every subject", "AMBER", &[], "published");
    report["modus_operandi"] = json!("transhipment at sea");
    report["subjects"] = json!([
        { "kind": "person", "name": "Lee Jung-ho", "aliases": ["이정호"], "birth_date": "1980-02-29", "nationality": "KR" },
        { "kind": "organisation", "name": "Haeyang Trading", "country": "KR", "registration": "110111-1234567" },
        { "kind": "vessel", "name": "해양호", "imo": "9074729", "mmsi": "440123450", "call_sign": "DSAB7", "flag": "KR" },
        { "kind": "aircraft", "registration": "HL7700", "operator": "Cargo Air" },
        { "kind": "vehicle", "plate": "12가3456", "country": "KR" },
        { "kind": "container", "number": "CSQU3054383" },
        { "kind": "parcel", "tracking_number": "EE123456789KR", "carrier": "EMS" },
        { "kind": "phone", "number": "+821012345678" },
        { "kind": "email", "address": "broker@example.co.kr" },
        { "kind": "bank_account", "account": "110-123-456789", "bank": "Bank of Busan", "country": "KR" },
        { "kind": "document", "document_type": "passport", "number": "M12345678", "country": "KR" },
        { "kind": "address", "text": "12 Jungang-daero, Busan", "country": "KR" },
        { "kind": "place", "name": "Busan New Port", "country": "KR", "position": { "lat": 35.08, "lon": 128.83 } }
    ]);
    report
}

#[tokio::test]
async fn every_documented_operation_succeeds_as_documented() {
    let node = node().await;
    assert!(node.contract.operations().len() >= 19);

    let (code, login) = node
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"username": "kcs.analyst", "password": PASSWORD})),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{login}");
    let kcs = login["token"].as_str().unwrap().to_owned();
    let admin = token_for(node.service(), "kcs.agency_admin").await;

    for path in ["/api/v1/me", "/api/v1/agencies", "/api/v1/agreements"] {
        let (code, body) = node.get(path, &kcs).await;
        assert_eq!(code, StatusCode::OK, "{path}: {body}");
    }

    let (code, report) = node
        .post("/api/v1/reports", &kcs, &report_with_every_subject())
        .await;
    assert_eq!(code, StatusCode::CREATED, "{report}");
    let report_path = format!("/api/v1/reports/{}", report["id"].as_str().unwrap());

    let mut seizure = seizure_json("contract", "GREEN", &[], "published");
    seizure["place"] = json!({
        "kind": "at_sea", "name": "off Jeju", "country": "KR",
        "position": { "lat": 33.1, "lon": 126.2 }
    });
    seizure["items"] = json!([
        { "drug": "methamphetamine", "quantity": 1500, "unit": "g" },
        { "drug": "yaba", "quantity": 20000, "unit": "tablets" },
        { "drug": "new_psychoactive_substance", "quantity": 2.5, "unit": "litres" }
    ]);
    seizure["conveyance"] = json!("vessel");
    seizure["linked_reports"] = json!([report["id"]]);
    let (code, created) = node.post("/api/v1/seizures", &kcs, &seizure).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let seizure_path = format!("/api/v1/seizures/{}", created["id"].as_str().unwrap());

    // A record of the coast guard on the same vessel that the customs may not read:
    // the report's correlations hold a link (the seizure) and hits.
    let kcg = token_for(node.service(), "kcg.analyst").await;
    add_agreement(
        node.service(),
        ["KR-KCG", "TH-CUSTOMS"],
        &[interdict_core::agreement::Scope::Intelligence],
        interdict_core::Tlp::Red,
    )
    .await;
    let held = report_json(
        "held by the coast guard",
        "RED",
        &["TH-CUSTOMS"],
        "published",
    );
    let (code, body) = node.post("/api/v1/reports", &kcg, &held).await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let (code, found) = node.get(&format!("{report_path}/correlations"), &kcs).await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(found["links"].as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found["hits"][0]["agency"], "KR-KCG", "{found}");
    // The profile of the vessel (subject 2), which the held report names by its IMO
    // number (a person's common name alone would not reach it).
    let (code, profile) = node
        .get(
            &format!(
                "/api/v1/profiles/{}/2",
                report_path.trim_start_matches("/api/v1/")
            ),
            &kcs,
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{profile}");
    assert_eq!(profile["hits"][0]["agency"], "KR-KCG", "{profile}");
    let subjects = json!({"subjects": report_with_every_subject()["subjects"]});
    let (code, preview) = node.post("/api/v1/correlations", &kcs, &subjects).await;
    assert_eq!(code, StatusCode::OK, "{preview}");
    assert_eq!(preview["hits"][0]["agency"], "KR-KCG", "{preview}");

    for (path, body) in [
        (&report_path, report_with_every_subject()),
        (&seizure_path, seizure.clone()),
    ] {
        let (code, record) = node.get(path, &kcs).await;
        assert_eq!(code, StatusCode::OK, "{record}");
        let (status, etag, _) = node.put(path, &kcs, Some("\"1\""), &body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(etag.as_deref(), Some("\"2\""));
        let (code, versions) = node.get(&format!("{path}/versions"), &kcs).await;
        assert_eq!(code, StatusCode::OK, "{versions}");
        let (code, audience) = node.get(&format!("{path}/audience"), &kcs).await;
        assert_eq!(code, StatusCode::OK, "{audience}");
        let (code, found) = node.get(&format!("{path}/correlations"), &kcs).await;
        assert_eq!(code, StatusCode::OK, "{found}");
        exercise_attachments(&node, &kcs, path).await;
    }
    for list in [
        "/api/v1/reports?limit=1",
        "/api/v1/reports?status=published&tlp=AMBER&drug=methamphetamine&agency=KR-KCS",
        "/api/v1/seizures?from=2020-01-01&to=2030-12-31&q=jeju",
        "/api/v1/search?q=busan&kind=report&limit=5",
        "/api/v1/search?q=jeju&drug=yaba&from=2020-01-01",
    ] {
        let (code, page) = node.get(list, &kcs).await;
        assert_eq!(code, StatusCode::OK, "{list}: {page}");
        assert!(page["total"].as_i64().unwrap() >= 1, "{list}: {page}");
    }
    let (code, statistics) = node
        .get(
            "/api/v1/stats/seizures?by=drug,month&from=2020-01&to=2030-12",
            &kcs,
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{statistics}");
    assert!(
        !statistics["cells"].as_array().unwrap().is_empty(),
        "{statistics}"
    );
    maritime_operations(&node, &kcs).await;
    admin_operations(&node, &admin).await;

    for path in [&report_path, &seizure_path] {
        let (code, withdrawn) = node
            .post(
                &format!("{path}/withdraw"),
                &kcs,
                &json!({"reason": "test"}),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{withdrawn}");
    }
    // The coast guard answers the hits on its record: one declined, one disclosed;
    // the customs service reads the answers.
    let (code, hits) = node.get("/api/v1/deconfliction/hits", &kcg).await;
    assert_eq!(code, StatusCode::OK, "{hits}");
    let hits = hits.as_array().unwrap().clone();
    assert!(hits.len() >= 2, "{hits:?}");
    let (code, declined) = node
        .post(
            &format!(
                "/api/v1/deconfliction/hits/{}/decline",
                hits[0]["id"].as_str().unwrap()
            ),
            &kcg,
            &json!({ "message": "call the duty desk" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{declined}");
    let until = node.service().today() + chrono::Duration::days(7);
    let (code, disclosed) = node
        .post(
            &format!(
                "/api/v1/deconfliction/hits/{}/disclose",
                hits[1]["id"].as_str().unwrap()
            ),
            &kcg,
            &json!({ "until": until.to_string() }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{disclosed}");
    let (code, answers) = node.get("/api/v1/deconfliction/answers", &kcs).await;
    assert_eq!(code, StatusCode::OK, "{answers}");
    assert!(!answers.as_array().unwrap().is_empty(), "{answers}");

    let (code, names) = node.get("/api/v1/names?q=Lee%20Jung-ho", &kcs).await;
    assert_eq!(code, StatusCode::OK, "{names}");
    exercise_operations(&node, &kcs).await;
    exercise_training(&node).await;
    exercise_resources(&node).await;

    let (code, audit) = node.get("/api/v1/audit?limit=200", &admin).await;
    assert_eq!(code, StatusCode::OK, "{audit}");
    let (code, _) = node
        .call(Method::DELETE, "/api/v1/auth/token", Some(&kcs), None)
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);

    let missing = node.contract.operations_without_success();
    assert!(
        missing.is_empty(),
        "documented operations this test does not see succeed (add them to it): {missing:?}"
    );
    node.finish().await;
}

/// The maritime picture's operations, on a source fed with the start of the demo
/// scenario (the report above names the ferry of the scenario by its MMSI).
async fn maritime_operations(node: &TestNode, kcs: &str) {
    let watch = token_for(node.service(), "kcs.watch_officer").await;
    node.service().refresh_watchlist().await.unwrap();
    let (code, area) = node
        .post(
            "/api/v1/areas",
            &watch,
            &json!({
                "name": "Incheon approaches",
                "geojson": { "type": "Polygon", "coordinates": [[[126.3, 37.2], [126.8, 37.2], [126.8, 37.6], [126.3, 37.6], [126.3, 37.2]]] },
                "tlp": "AMBER"
            }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{area}");
    let (code, source) = node
        .post(
            "/api/v1/sources",
            &watch,
            &json!({ "name": "contract", "kind": "udp", "address": "127.0.0.1:0", "tlp": "AMBER" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{source}");
    let id = source["id"].as_str().unwrap().to_owned();
    let stream = node
        .request(Method::GET, "/api/v1/maritime/stream")
        .token(&watch)
        .open_stream()
        .await;
    assert_eq!(stream.status, StatusCode::OK, "{}", stream.text);
    let start = node.now().timestamp() - 3600;
    let lines = interdict_maritime_cmd::simulate::scenario(3, start)
        .nmea
        .lines()
        .take(600)
        .map(|l| interdict_service::maritime::Line {
            bytes: l.as_bytes().to_vec(),
            received_at: None,
        })
        .collect();
    let source_id = id.parse().unwrap();
    node.service().ingest(source_id, lines).await.unwrap();
    node.service().flush_pipeline(source_id).await.unwrap();

    let twin = interdict_maritime_cmd::simulate::TWIN;
    for path in [
        "/api/v1/sources".to_owned(),
        format!("/api/v1/sources/{id}/stats"),
        "/api/v1/vessels?from=2000-01-01T00:00:00Z&bbox=30,120,40,132&limit=100".to_owned(),
        format!("/api/v1/vessels/{twin}?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z"),
        "/api/v1/tracks?bbox=30,120,40,132&from=2000-01-01T00:00:00Z&limit=1000".to_owned(),
        "/api/v1/areas".to_owned(),
    ] {
        let (code, body) = node.get(&path, kcs).await;
        assert_eq!(code, StatusCode::OK, "{path}: {body}");
    }
    let (code, alerts) = node.get("/api/v1/alerts?limit=10&q=watchlist", kcs).await;
    assert_eq!(code, StatusCode::OK, "{alerts}");
    let alert = alerts["items"][0]["id"]
        .as_str()
        .expect("a watch-list alert")
        .to_owned();
    let (code, one) = node.get(&format!("/api/v1/alerts/{alert}"), kcs).await;
    assert_eq!(code, StatusCode::OK, "{one}");
    let answer = node
        .request(Method::POST, &format!("/api/v1/alerts/{alert}/state"))
        .token(&watch)
        .header("If-Match", &format!("\"{}\"", one["version"]))
        .json(&json!({ "state": "acknowledged", "note": "seen" }))
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let (code, _) = node
        .call(
            Method::DELETE,
            &format!("/api/v1/areas/{}", area["id"].as_str().unwrap()),
            Some(&watch),
            None,
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let (code, changes) = node.get("/api/v1/changes", kcs).await;
    assert_eq!(code, StatusCode::OK, "{changes}");
    let (code, node_info) = node.get("/api/v1/node", kcs).await;
    assert_eq!(code, StatusCode::OK, "{node_info}");
}

/// The agency administrator's operations.
async fn admin_operations(node: &TestNode, admin: &str) {
    let (code, users) = node.get("/api/v1/users", admin).await;
    assert_eq!(code, StatusCode::OK, "{users}");
    let (code, user) = node
        .post(
            "/api/v1/users",
            admin,
            &json!({ "username": "kcs.contract", "display_name": "Contract", "roles": ["analyst"], "password": "contract-password-1" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{user}");
    let user = "/api/v1/users/kcs.contract";
    let (status, _, body) = node
        .put(
            &format!("{user}/password"),
            admin,
            None,
            &json!({ "password": "contract-password-2" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _, body) = node
        .put(
            &format!("{user}/roles"),
            admin,
            None,
            &json!({ "roles": ["analyst", "watch_officer"] }),
        )
        .await;
    assert!(status.is_success(), "{status}: {body}");
    let (code, token) = node
        .post(
            &format!("{user}/tokens"),
            admin,
            &json!({ "name": "program", "days": 30 }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{token}");
    let (code, tokens) = node.get(&format!("{user}/tokens"), admin).await;
    assert_eq!(code, StatusCode::OK, "{tokens}");
    let (code, _) = node
        .call(
            Method::DELETE,
            &format!("{user}/tokens/{}", token["id"]),
            Some(admin),
            None,
        )
        .await;
    assert!(code.is_success(), "{code}");
    for step in ["disable", "enable"] {
        let (code, _) = node
            .call(Method::POST, &format!("{user}/{step}"), Some(admin), None)
            .await;
        assert_eq!(code, StatusCode::NO_CONTENT, "{step}");
    }
    let (code, agreements) = node.get("/api/v1/agreements", admin).await;
    assert_eq!(code, StatusCode::OK);
    let thai = agreements
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["parties"].to_string().contains("TH-CUSTOMS"))
        .expect("the KCS–Thai agreement");
    let agreement = thai["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| thai["id"].to_string());
    let on = node.service().today() + chrono::Duration::days(30);
    let (code, ended) = node
        .post(
            &format!("/api/v1/agreements/{agreement}/end"),
            admin,
            &json!({ "on": on.to_string() }),
        )
        .await;
    assert!(code.is_success(), "{code}: {ended}");
}

/// Regression: the document listed `Methamphetamine`, `SeaContainer`, `Gram` and
/// `Port` (the Rust variant names) where the API accepts only `methamphetamine`,
/// `sea_container`, `g` and `port`, so that a client generated from it could not file
/// a seizure.
#[tokio::test]
async fn seizure_enums_in_the_document_are_the_values_on_the_wire() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let seizure = seizure_json("wire values", "GREEN", &[], "published");
    let mut wire = seizure.clone();
    wire["items"][0]["unit"] = json!("g");
    assert_eq!(
        node.contract.component_errors("SeizureInput", &wire),
        Vec::<String>::new()
    );
    let (code, created) = node.post("/api/v1/seizures", &kcs, &wire).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    assert_eq!(created["items"][0]["drug"], "methamphetamine");
    assert_eq!(created["conveyance"], "sea_container");
    assert_eq!(created["items"][0]["unit"], "g");
    assert_eq!(created["place"]["kind"], "port");

    // The variant names are refused by the API, and so by the document.
    for (pointer, variant) in [
        ("/items/0/drug", "Methamphetamine"),
        ("/conveyance", "SeaContainer"),
        ("/items/0/unit", "Gram"),
        ("/place/kind", "Port"),
    ] {
        let mut named = wire.clone();
        *named.pointer_mut(pointer).unwrap() = json!(variant);
        let answer = node
            .request(Method::POST, "/api/v1/seizures")
            .token(&kcs)
            .json(&named)
            .invalid_on_purpose()
            .send()
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pointer} = {variant}: {}",
            answer.body
        );
    }
    node.finish().await;
}

/// Regression: each subject's schema refused unknown properties and the `kind` tag
/// was added beside it, so the document admitted no subject at all.
#[tokio::test]
async fn subjects_with_their_kind_tag_are_admitted_by_the_document() {
    let node = node().await;
    for subject in report_with_every_subject()["subjects"].as_array().unwrap() {
        assert_eq!(
            node.contract.component_errors("Subject", subject),
            Vec::<String>::new(),
            "{subject}"
        );
        let mut unknown = subject.clone();
        unknown["colour"] = json!("red");
        assert!(
            !node
                .contract
                .component_errors("Subject", &unknown)
                .is_empty(),
            "{unknown}"
        );
    }
    let spaceship = json!({ "kind": "spaceship", "name": "A" });
    assert!(!node
        .contract
        .component_errors("Subject", &spaceship)
        .is_empty());
    node.finish().await;
}

/// Regression: fields the API always sends, null when empty (`next_cursor`,
/// `valid_to`, the audit entry's actor and target), were documented as optional.
#[tokio::test]
async fn fields_sent_as_null_are_documented_as_required() {
    let node = node().await;
    let (_, document) = node
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let schemas = &document["components"]["schemas"];
    let required = |schema: &Value, field: &str| -> bool {
        let parts = schema["allOf"].as_array().cloned().unwrap_or_default();
        std::iter::once(schema).chain(parts.iter()).any(|s| {
            s["required"]
                .as_array()
                .is_some_and(|r| r.contains(&json!(field)))
        })
    };
    for (schema, field) in [
        ("ReportPage", "next_cursor"),
        ("SeizurePage", "next_cursor"),
        ("SearchPage", "next_cursor"),
        ("SearchHit", "occurred_on"),
        ("AuditPageBody", "next_before"),
        ("Agreement", "valid_to"),
        ("AuditEvent", "actor"),
        ("AuditEvent", "target_id"),
    ] {
        assert!(required(&schemas[schema], field), "{schema}.{field}");
    }
    // And the API sends them: a last page says null.
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let (_, page) = node.get("/api/v1/reports", &kcs).await;
    assert_eq!(page.get("next_cursor"), Some(&Value::Null), "{page}");
    node.finish().await;
}

/// Every operation of `/api/v1/operations`, each made to succeed once.
async fn exercise_operations(node: &TestNode, kcs: &str) {
    use base64::Engine as _;
    let lead = token_for(node.service(), "kcs.coordinator").await;
    let area = json!({ "type": "Polygon", "coordinates": [[[100.0, 12.0], [102.0, 12.0], [102.0, 14.0], [100.0, 12.0]]] });
    let (code, created) = node
        .post(
            "/api/v1/operations",
            &lead,
            &json!({
                "code_name": "CONTRACT", "starts_on": "2026-05-01", "ends_on": "2026-08-31",
                "member_agencies": ["TH-CUSTOMS"], "area": area, "objectives": ["one"],
                "targets": [ { "kind": "vessel", "name": "HAE YANG HO" } ], "max_tlp": "AMBER"
            }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let op = created["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/operations/{op}");
    let (code, list) = node.get("/api/v1/operations", &lead).await;
    assert_eq!(code, StatusCode::OK, "{list}");
    for officer in ["kcs.analyst", "thai.analyst"] {
        let (code, view) = node
            .post(
                &format!("{base}/officers"),
                &lead,
                &json!({ "username": officer }),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{view}");
    }
    let (code, view) = node.get(&base, kcs).await;
    assert_eq!(code, StatusCode::OK, "{view}");
    let mut input = created.clone();
    for key in [
        "id",
        "lead_agency",
        "version",
        "created_by",
        "created_at",
        "updated_at",
        "officers",
        "may_manage",
    ] {
        input.as_object_mut().unwrap().remove(key);
    }
    input["status"] = json!("active");
    let (code, _, updated) = node
        .put(&base, &lead, Some(&created["version"].to_string()), &input)
        .await;
    assert_eq!(code, StatusCode::OK, "{updated}");
    let (code, seizure) = node
        .post(
            "/api/v1/seizures",
            kcs,
            &seizure_json("contract-op", "AMBER", &[], "published"),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{seizure}");
    let (code, _) = node
        .post(
            &format!("{base}/records"),
            kcs,
            &json!({ "kind": "seizure", "id": seizure["id"] }),
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let text = base64::engine::general_purpose::STANDARD.encode("container list\n");
    let (code, posted) = node
        .post(
            &format!("{base}/messages"),
            kcs,
            &json!({
                "message": { "kind": "message", "text": "hello" },
                "attachments": [ { "filename": "list.txt", "content_type": "text/plain", "content_base64": text } ]
            }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{posted}");
    let (code, board) = node.get(&format!("{base}/messages"), kcs).await;
    assert_eq!(code, StatusCode::OK, "{board}");
    let file = posted["attachments"][0]["id"].as_str().unwrap();
    let answer = node
        .request(
            Method::GET,
            &format!("/api/v1/operations/attachments/{file}"),
        )
        .token(kcs)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let (code, tally) = node.get(&format!("{base}/tally"), kcs).await;
    assert_eq!(code, StatusCode::OK, "{tally}");
    let answer = node
        .request(Method::GET, &format!("{base}/seizures.csv"))
        .token(kcs)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = node
        .request(Method::DELETE, &format!("{base}/officers/thai.analyst"))
        .token(&lead)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
}

/// Every operation of capacity building, each made to succeed once.
async fn exercise_training(node: &TestNode) {
    let kcs = token_for(node.service(), "kcs.trainer").await;
    let kcg = token_for(node.service(), "kcg.trainer").await;
    let today = node.service().today();
    let (code, course) = node
        .post(
            "/api/v1/courses",
            &kcs,
            &json!({ "title": "contract course", "syllabus": "all", "hours": 8.5, "language": "en",
                     "certificate_months": 1, "tlp": "AMBER" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{course}");
    let course_id = course["id"].as_str().unwrap().to_owned();
    let (code, session) = node
        .post(
            "/api/v1/sessions",
            &kcs,
            &json!({ "course": course_id, "starts_on": today.to_string(), "ends_on": (today + chrono::Duration::days(1)).to_string(),
                     "place": "", "online": true, "instructors": ["A"], "seats": [{ "agency": "KR-KCG", "seats": 1 }] }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{session}");
    let session_id = session["id"].as_str().unwrap().to_owned();
    for path in [
        "/api/v1/courses".to_owned(),
        format!("/api/v1/courses/{course_id}"),
        format!("/api/v1/sessions?month={}", today.format("%Y-%m")),
        format!("/api/v1/sessions/{session_id}"),
    ] {
        let (code, body) = node.get(&path, &kcg).await;
        assert_eq!(code, StatusCode::OK, "{path}: {body}");
    }
    let enrol = |officer: &'static str| {
        let path = format!("/api/v1/sessions/{session_id}/enrolments");
        let kcg = kcg.clone();
        async move { node.post(&path, &kcg, &json!({ "officer": officer })).await }
    };
    let (code, first) = enrol("kcg.analyst").await;
    assert_eq!(code, StatusCode::CREATED, "{first}");
    let (code, second) = enrol("kcg.auditor").await;
    assert_eq!(code, StatusCode::CREATED, "{second}");
    assert_eq!(second["status"], "waitlisted");
    let first_id = first["id"].as_str().unwrap().to_owned();
    let second_id = second["id"].as_str().unwrap().to_owned();
    let (code, _) = node
        .get(&format!("/api/v1/enrolments/{first_id}"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK);
    let (code, cancelled) = node
        .post_empty(&format!("/api/v1/enrolments/{first_id}/cancel"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{cancelled}");
    let (code, _, attended) = node
        .put(
            &format!("/api/v1/enrolments/{second_id}/attendance"),
            &kcs,
            None,
            &json!({ "attended": true }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{attended}");
    let (code, _, passed) = node
        .put(
            &format!("/api/v1/enrolments/{second_id}/assessment"),
            &kcs,
            None,
            &json!({ "result": "passed", "score": 90 }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{passed}");
    let certificate = passed["certificate"].as_str().unwrap().to_owned();
    let (code, list) = node.get("/api/v1/certificates", &kcg).await;
    assert_eq!(code, StatusCode::OK, "{list}");
    let (code, one) = node
        .get(&format!("/api/v1/certificates/{certificate}"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{one}");
    let pdf = node
        .request(
            Method::GET,
            &format!("/api/v1/certificates/{certificate}/pdf"),
        )
        .token(&kcg)
        .send()
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let verified = node
        .request(Method::POST, "/api/v1/certificates/verify")
        .raw_body("application/pdf", pdf.bytes.to_vec())
        .send()
        .await;
    assert_eq!(verified.status, StatusCode::OK);
    for path in [
        "/api/v1/training/records/kcg.auditor",
        "/api/v1/training/reports/hours",
        "/api/v1/training/reports/expiring",
        "/api/v1/training/reports/seats",
    ] {
        let (code, body) = node.get(path, &kcg).await;
        assert_eq!(code, StatusCode::OK, "{path}: {body}");
    }
    let (code, revoked) = node
        .post_empty(&format!("/api/v1/certificates/{certificate}/revoke"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{revoked}");
    let (code, issued) = node
        .post_empty(&format!("/api/v1/enrolments/{second_id}/certificate"), &kcs)
        .await;
    assert_eq!(code, StatusCode::CREATED, "{issued}");
}

/// Every operation of `/api/v1/resources` and `/api/v1/loans`, each made to succeed once.
async fn exercise_resources(node: &TestNode) {
    let kcs = token_for(node.service(), "kcs.resource_manager").await;
    let kcg = token_for(node.service(), "kcg.resource_manager").await;
    let today = node.service().today();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let dog = json!({
        "kind": "dog", "name": "Tori", "handler": "Kim", "specialisations": ["methamphetamine"],
        "certification": "level 2", "certified_until": day(400),
        "home_base": { "name": "Incheon", "lat": 37.46, "lon": 126.6 }, "tlp": "GREEN"
    });
    let (code, created) = node.post("/api/v1/resources", &kcs, &dog).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/resources/{id}");
    let (code, list) = node.get("/api/v1/resources?agency=KR-KCS", &kcg).await;
    assert_eq!(code, StatusCode::OK, "{list}");
    let (code, one) = node.get(&base, &kcg).await;
    assert_eq!(code, StatusCode::OK, "{one}");
    let mut changed = dog.clone();
    changed["name"] = json!("Tori II");
    let (code, _, updated) = node.put(&base, &kcs, Some("1"), &changed).await;
    assert_eq!(code, StatusCode::OK, "{updated}");
    let (code, entry) = node
        .post(
            &format!("{base}/calendar"),
            &kcs,
            &json!({ "kind": "leave", "from": day(50), "to": day(52), "note": "rest" }),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{entry}");
    let (code, calendar) = node
        .get(
            &format!("{base}/calendar?from={}&to={}", day(0), day(60)),
            &kcs,
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{calendar}");
    let answer = node
        .request(
            Method::DELETE,
            &format!("{base}/calendar/{}", entry["id"].as_str().unwrap()),
        )
        .token(&kcs)
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let (code, found) = node
        .get(&format!("/api/v1/resources/available?kind=dog&specialisation=methamphetamine&from={}&to={}&lat=35.1&lon=129.0", day(5), day(6)), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");

    let request = |from: i64, to: i64| {
        json!({
            "owner_agency": "KR-KCS", "kind": "dog", "specialisation": "methamphetamine",
            "from": day(from), "to": day(to),
            "place": { "name": "Busan", "lat": 35.1, "lon": 129.0 }, "purpose": "boarding"
        })
    };
    let mut loans = Vec::new();
    for n in 0..3 {
        let (code, loan) = node
            .post("/api/v1/loans", &kcg, &request(5 + 10 * n, 6 + 10 * n))
            .await;
        assert_eq!(code, StatusCode::CREATED, "{loan}");
        loans.push(loan["id"].as_str().unwrap().to_owned());
    }
    let (code, list) = node.get("/api/v1/loans", &kcs).await;
    assert_eq!(code, StatusCode::OK, "{list}");
    let (code, one) = node.get(&format!("/api/v1/loans/{}", loans[0]), &kcg).await;
    assert_eq!(code, StatusCode::OK, "{one}");
    let steps: [(&str, &str, &str, Option<Value>); 8] = [
        (&loans[0], "approve", &kcs, Some(json!({ "resource": id }))),
        (&loans[0], "deploy", &kcs, None),
        (
            &loans[0],
            "return",
            &kcg,
            Some(json!({ "hours": 6.5, "searches": 3, "finds": 1, "notes": "one find" })),
        ),
        (
            &loans[1],
            "decline",
            &kcs,
            Some(json!({ "reason": "away" })),
        ),
        (
            &loans[2],
            "counter",
            &kcs,
            Some(json!({ "resource": id, "from": day(40), "to": day(41) })),
        ),
        (&loans[2], "accept", &kcg, None),
        (&loans[2], "withdraw", &kcg, None),
        (&loans[2], "withdraw", &kcg, None),
    ];
    for (i, (loan, step, token, body)) in steps.into_iter().enumerate() {
        let path = format!("/api/v1/loans/{loan}/{step}");
        let (code, answer) = match body {
            Some(body) => node.post(&path, token, &body).await,
            None => node.post_empty(&path, token).await,
        };
        let expected = if i == 7 {
            StatusCode::CONFLICT
        } else {
            StatusCode::OK
        };
        assert_eq!(code, expected, "{step}: {answer}");
    }
    let answer = node.request(Method::DELETE, &base).token(&kcs).send().await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
}

/// A photo attached to a record, listed, opened and shown as a thumbnail.
async fn exercise_attachments(node: &TestNode, kcs: &str, record: &str) {
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }))
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    let added = node
        .request(
            Method::POST,
            &format!("{record}/attachments?filename=deck.png"),
        )
        .token(kcs)
        .raw_body("application/octet-stream", png)
        .send()
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let id = added.body["id"].as_str().unwrap().to_owned();
    let (code, list) = node.get(&format!("{record}/attachments"), kcs).await;
    assert_eq!(code, StatusCode::OK, "{list}");
    for path in [
        format!("/api/v1/attachments/{id}"),
        format!("/api/v1/attachments/{id}/thumbnail"),
    ] {
        let file = node.request(Method::GET, &path).token(kcs).send().await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        assert_eq!(file.header("content-type").as_deref(), Some("image/png"));
    }
}
