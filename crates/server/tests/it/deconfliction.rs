//! Deconfliction: who else holds something on the identifiers of a record, and what the
//! policy lets the asker learn of it (ARCHITECTURE.md, the invariant on hits).

use reqwest::StatusCode;
use serde_json::{json, Value};

use interdict_core::agreement::Scope;
use interdict_core::Tlp;

use crate::support::{
    add_agreement, report_json, seed_world, seizure_json, token_for, Backend, TestNode,
};

/// The test world, with the coast guard and the Thai customs sharing intelligence up
/// to RED: so that the coast guard can file RED records the customs service may not
/// read (a RED recipient must be able to receive).
async fn seed(node: &TestNode) {
    seed_world(node.service()).await;
    add_agreement(
        node.service(),
        ["KR-KCG", "TH-CUSTOMS"],
        &[Scope::Intelligence, Scope::Seizures],
        Tlp::Red,
    )
    .await;
}

/// Files a report or a seizure and returns its id.
async fn file(node: &TestNode, token: &str, path: &str, body: &Value) -> String {
    let (code, created) = node.post(path, token, body).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect()
}

fn report_on(title: &str, tlp: &str, status: &str, subjects: Value) -> Value {
    let mut body = report_json(title, tlp, &[], status);
    body["subjects"] = subjects;
    body
}

async fn audit_of(node: &TestNode, admin: &str) -> Vec<Value> {
    let (code, audit) = node.get("/api/v1/audit?limit=200", admin).await;
    assert_eq!(code, StatusCode::OK, "{audit}");
    audit["entries"].as_array().unwrap().clone()
}

async fn hits_are_told_only_where_the_policy_allows(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed(&node).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    let kcg_admin = token_for(node.service(), "kcg.agency_admin").await;
    let kcs_admin = token_for(node.service(), "kcs.agency_admin").await;
    let japan_admin = token_for(node.service(), "japan.agency_admin").await;

    // Every report below names the vessel of IMO 9074729 (MMSI 440123450).
    let reports = "/api/v1/reports";
    let ours = file(
        &node,
        &kcs,
        reports,
        &report_json("KCS on 해양호", "AMBER", &[], "published"),
    )
    .await;
    let shared = file(
        &node,
        &kcg,
        reports,
        &report_json("KCG shared on 해양호", "AMBER", &[], "published"),
    )
    .await;
    let red = file(
        &node,
        &kcg,
        reports,
        &report_json("SECRET-KCG-SOURCE", "RED", &["TH-CUSTOMS"], "published"),
    )
    .await;
    let draft = file(
        &node,
        &kcg,
        reports,
        &report_json("DRAFT-KCG-LEAD", "AMBER", &[], "draft"),
    )
    .await;
    // A second record the customs may not read: the hits do not say how many.
    let red_too = file(
        &node,
        &kcg,
        reports,
        &report_json("SECRET-KCG-SECOND", "RED", &["TH-CUSTOMS"], "published"),
    )
    .await;
    let japanese = file(
        &node,
        &japan,
        reports,
        &report_json("JAPAN-ONLY-CASE", "GREEN", &[], "published"),
    )
    .await;

    // KCS: the shared report is a link on both identifiers; the RED one a hit per
    // identifier naming the coast guard and its desk; the draft and Japan's report
    // nothing.
    let (code, found) = node
        .get(&format!("{reports}/{ours}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(ids_of(&found["links"]), vec![shared.clone()], "{found}");
    assert_eq!(found["links"][0]["agency"], "KR-KCG");
    assert_eq!(
        found["links"][0]["matched"],
        json!([{"scheme": "imo", "value": "9074729"}, {"scheme": "mmsi", "value": "440123450"}])
    );
    assert_eq!(
        found["hits"],
        json!([
            {"agency": "KR-KCG", "identifier": {"scheme": "imo", "value": "9074729"}, "contact": "kcg duty desk"},
            {"agency": "KR-KCG", "identifier": {"scheme": "mmsi", "value": "440123450"}, "contact": "kcg duty desk"}
        ])
    );
    let text = found.to_string();
    for secret in [
        red.as_str(),
        red_too.as_str(),
        draft.as_str(),
        japanese.as_str(),
        "SECRET",
        "DRAFT",
        "JAPAN",
        "narrative",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }

    // The coast guard sees the customs report as a link: the agreement runs both ways.
    let (code, found) = node
        .get(&format!("{reports}/{shared}/correlations"), &kcg)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    let links = ids_of(&found["links"]);
    assert!(links.contains(&ours) && links.contains(&red) && links.contains(&draft));
    assert!(!links.contains(&japanese), "{found}");
    assert_eq!(found["hits"], json!([]), "{found}");

    // Japan, bound by no agreement, learns nothing: no link, no hit, no count.
    let (code, found) = node
        .get(&format!("{reports}/{japanese}/correlations"), &japan)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(
        found,
        json!({"links": [], "hits": [], "skipped": []}),
        "{found}"
    );

    // The owner learns who asked, on which identifier, and not of which record; the
    // asker's own auditors see the same entry, which names none of the owner's records.
    node.service().flush_audit().await;
    let owner_audit = audit_of(&node, &kcg_admin).await;
    let told: Vec<&Value> = owner_audit
        .iter()
        .filter(|e| e["action"] == "deconfliction.hit")
        .collect();
    assert_eq!(told.len(), 2, "{owner_audit:?}");
    for entry in &told {
        assert_eq!(entry["actor"], "kcs.analyst");
        assert_eq!(entry["actor_agency"], "KR-KCS");
        assert_eq!(entry["target_agency"], "KR-KCG");
        assert_eq!(entry["target_kind"], "identifier");
    }
    assert!(told.iter().any(|e| e["target_id"] == "imo:9074729"));
    // Asking again and again is bounded like denials: in a window, the first hit on each
    // identifier is written and the repeats are counted into one entry when the window
    // closes (a flush closes it). Ten asks: two first entries, two counts of nine.
    for _ in 0..10 {
        let (code, _) = node
            .get(&format!("{reports}/{ours}/correlations"), &kcs)
            .await;
        assert_eq!(code, StatusCode::OK);
    }
    node.service().flush_audit().await;
    let again = audit_of(&node, &kcg_admin).await;
    let hits: Vec<&Value> = again
        .iter()
        .filter(|e| e["action"] == "deconfliction.hit")
        .collect();
    assert_eq!(hits.len(), 6, "{hits:?}");
    let counted = hits
        .iter()
        .filter(|e| e.to_string().contains(r#"\"repeated\":9"#))
        .count();
    assert_eq!(counted, 2, "{hits:?}");
    let asker_audit = Value::from(audit_of(&node, &kcs_admin).await).to_string();
    assert!(asker_audit.contains("deconfliction.hit"));
    for secret in [red.as_str(), draft.as_str()] {
        assert!(
            !asker_audit.contains(secret),
            "{secret} in the asker's audit"
        );
    }
    let japan_audit = Value::from(audit_of(&node, &japan_admin).await).to_string();
    assert!(!japan_audit.contains("deconfliction.hit"), "{japan_audit}");

    // Seizures correlate by their container, across kinds too.
    let seizures = "/api/v1/seizures";
    let our_seizure = file(
        &node,
        &kcs,
        seizures,
        &seizure_json("ours", "GREEN", &[], "published"),
    )
    .await;
    let their_seizure = file(
        &node,
        &kcg,
        seizures,
        &seizure_json("theirs", "GREEN", &[], "published"),
    )
    .await;
    let on_container = file(
        &node,
        &kcg,
        reports,
        &report_on(
            "KCG container lead",
            "GREEN",
            "published",
            json!([{ "kind": "container", "number": "CSQU3054383" }]),
        ),
    )
    .await;
    let (code, found) = node
        .get(&format!("{seizures}/{our_seizure}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(
        ids_of(&found["links"]),
        vec![on_container.clone(), their_seizure.clone()]
    );
    assert_eq!(found["links"][0]["kind"], "report");
    assert_eq!(found["links"][1]["kind"], "seizure");

    // Before filing: the same answer for the subjects of a record not yet written.
    let vessel = json!({"subjects": [{ "kind": "vessel", "name": "해양호", "imo": "9074729" }]});
    let (code, preview) = node.post("/api/v1/correlations", &kcs, &vessel).await;
    assert_eq!(code, StatusCode::OK, "{preview}");
    assert_eq!(
        ids_of(&preview["links"]),
        vec![shared.clone(), ours.clone()]
    );
    assert_eq!(
        preview["hits"],
        json!([{"agency": "KR-KCG", "identifier": {"scheme": "imo", "value": "9074729"}, "contact": "kcg duty desk"}])
    );
    let (code, preview) = node.post("/api/v1/correlations", &japan, &vessel).await;
    assert_eq!(code, StatusCode::OK, "{preview}");
    assert_eq!(ids_of(&preview["links"]), vec![japanese.clone()]);
    assert_eq!(preview["hits"], json!([]), "{preview}");

    // An invisible record answers exactly like a missing one.
    let (code, invisible) = node
        .get(&format!("{reports}/{red}/correlations"), &kcs)
        .await;
    let (missing_code, missing) = node
        .get(
            &format!("{reports}/{}/correlations", uuid::Uuid::new_v4()),
            &kcs,
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!((code, &invisible), (missing_code, &missing));
    let (code, _) = node
        .get(&format!("{reports}/{ours}/correlations"), &japan)
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    node.finish().await;
}

#[tokio::test]
async fn hits_are_told_only_where_the_policy_allows_sqlite() {
    hits_are_told_only_where_the_policy_allows(Backend::Sqlite).await;
}

#[tokio::test]
async fn hits_are_told_only_where_the_policy_allows_postgres() {
    hits_are_told_only_where_the_policy_allows(Backend::Postgres).await;
}

async fn placeholders_and_common_values_never_correlate(backend: Backend) {
    let Some(node) = TestNode::start_with(backend, |config| {
        config.hits_without_agreement = true;
        config.common_identifier_limit = 2;
    })
    .await
    else {
        return;
    };
    seed(&node).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    let reports = "/api/v1/reports";

    // With hits between agencies no agreement binds, Japan gets the hit (and no more).
    let kcs_report = file(
        &node,
        &kcs,
        reports,
        &report_json("KCS on 해양호", "AMBER", &[], "published"),
    )
    .await;
    let japanese = file(
        &node,
        &japan,
        reports,
        &report_json("JAPAN-ONLY-CASE", "GREEN", &[], "published"),
    )
    .await;
    let (code, found) = node
        .get(&format!("{reports}/{japanese}/correlations"), &japan)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(found["links"], json!([]));
    assert_eq!(found["hits"][0]["agency"], "KR-KCS", "{found}");
    assert_eq!(found["hits"][0]["contact"], "kcs duty desk");
    assert!(!found.to_string().contains(&kcs_report));

    // Placeholder values are never looked up (MMSI 000000000 or 123456789 cannot even
    // be filed: they have no valid maritime identification digits).
    let placeholder = json!([
        { "kind": "vessel", "name": "unnamed boat", "call_sign": "UNKNOWN" },
        { "kind": "document", "document_type": "passport", "number": "N/A" }
    ]);
    let first = file(
        &node,
        &kcs,
        reports,
        &report_on("placeholder one", "GREEN", "published", placeholder.clone()),
    )
    .await;
    file(
        &node,
        &kcg,
        reports,
        &report_on("placeholder two", "GREEN", "published", placeholder),
    )
    .await;
    let (code, found) = node
        .get(&format!("{reports}/{first}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(found["links"], json!([]), "{found}");
    assert_eq!(found["hits"], json!([]), "{found}");
    let mut skipped: Vec<String> = found["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}:{}:{}",
                s["identifier"]["scheme"].as_str().unwrap(),
                s["identifier"]["value"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        vec!["call_sign:UNKNOWN:placeholder", "document:NA:placeholder"]
    );

    // A phone on more records than the limit (2) tells nothing.
    let phone = json!([{ "kind": "phone", "number": "+82519990000" }]);
    let mut on_phone = Vec::new();
    for n in 0..3 {
        on_phone.push(
            file(
                &node,
                &kcs,
                reports,
                &report_on(&format!("phone {n}"), "GREEN", "published", phone.clone()),
            )
            .await,
        );
    }
    let (_, found) = node
        .get(&format!("{reports}/{}/correlations", on_phone[0]), &kcs)
        .await;
    assert_eq!(ids_of(&found["links"]).len(), 2, "{found}");
    file(
        &node,
        &kcs,
        reports,
        &report_on("phone 3", "GREEN", "published", phone),
    )
    .await;
    let (_, found) = node
        .get(&format!("{reports}/{}/correlations", on_phone[0]), &kcs)
        .await;
    assert_eq!(found["links"], json!([]), "{found}");
    assert_eq!(found["skipped"][0]["reason"], "too_common", "{found}");
    assert_eq!(found["skipped"][0]["identifier"]["scheme"], "phone");
    node.finish().await;
}

#[tokio::test]
async fn placeholders_and_common_values_never_correlate_sqlite() {
    placeholders_and_common_values_never_correlate(Backend::Sqlite).await;
}

#[tokio::test]
async fn placeholders_and_common_values_never_correlate_postgres() {
    placeholders_and_common_values_never_correlate(Backend::Postgres).await;
}

/// The report and seizure pages show who else holds something, in English and Korean.
#[tokio::test]
async fn the_record_pages_show_who_else_holds_something() {
    let node = TestNode::start(Backend::Sqlite).await.expect("node");
    seed(&node).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let ours = file(
        &node,
        &kcs,
        "/api/v1/reports",
        &report_json("KCS on 해양호", "AMBER", &[], "published"),
    )
    .await;
    let shared = file(
        &node,
        &kcg,
        "/api/v1/reports",
        &report_json("KCG shared on 해양호", "AMBER", &[], "published"),
    )
    .await;
    let red = file(
        &node,
        &kcg,
        "/api/v1/reports",
        &report_json("SECRET-KCG-SOURCE", "RED", &["TH-CUSTOMS"], "published"),
    )
    .await;
    // A browser of the customs analyst.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login_page = browser
        .get(node.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = r#"name="csrf" value=""#;
    let start = login_page.find(marker).unwrap() + marker.len();
    let csrf = &login_page[start..start + login_page[start..].find('"').unwrap()];
    let response = browser
        .post(node.url("/login"))
        .form(&[
            ("csrf", csrf),
            ("next", "/"),
            ("username", "kcs.analyst"),
            ("password", crate::support::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    for (lang, heading, contact) in [
        ("en", "Also held by", "Contact"),
        ("ko", "다른 기관 보유 기록", "연락처"),
    ] {
        let html = browser
            .get(node.url(&format!("/reports/{ours}")))
            .header("accept-language", lang)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(heading), "{lang}: {html}");
        assert!(html.contains(&format!("/reports/{shared}")), "{lang}");
        assert!(html.contains("KCG shared on 해양호"));
        assert!(html.contains("KR-KCG"));
        assert!(html.contains(contact) && html.contains("kcg duty desk"));
        assert!(html.contains("9074729"));
        assert!(!html.contains(&red) && !html.contains("SECRET-KCG-SOURCE"));
    }
    // The seizure page too: the two seizures share their container.
    let our_seizure = file(
        &node,
        &kcs,
        "/api/v1/seizures",
        &seizure_json("ours", "GREEN", &[], "published"),
    )
    .await;
    let their_seizure = file(
        &node,
        &kcg,
        "/api/v1/seizures",
        &seizure_json("theirs", "GREEN", &[], "published"),
    )
    .await;
    let html = browser
        .get(node.url(&format!("/seizures/{our_seizure}")))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("다른 기관 보유 기록"), "{html}");
    assert!(
        html.contains(&format!("/seizures/{their_seizure}")),
        "{html}"
    );
    assert!(html.contains("CSQU3054383"));
    node.finish().await;
}

fn person(name: &str) -> Value {
    json!([{ "kind": "person", "name": name, "nationality": "KR" }])
}

fn fields_of(link: &Value) -> Vec<(String, String)> {
    link["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["level"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Names link records across scripts: the customs service's 해양호 and the coast
/// guard's HAE YANG HO with one IMO number, 박성민 and Park Sung-min by name alone;
/// the index follows changes and withdrawals; drafts tell only their own agency.
async fn names_link_across_scripts(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed(&node).await;
    node.service().name_index_ready().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let reports = "/api/v1/reports";

    let theirs = file(
        &node,
        &kcg,
        reports,
        &report_on(
            "KCG on HAE YANG HO",
            "AMBER",
            "published",
            json!([{ "kind": "vessel", "name": "HAE YANG HO", "imo": "9074729" }]),
        ),
    )
    .await;
    let ours = file(
        &node,
        &kcs,
        reports,
        &report_on(
            "KCS on 해양호",
            "AMBER",
            "published",
            json!([{ "kind": "vessel", "name": "해양호", "imo": "9074729" }]),
        ),
    )
    .await;
    let (code, found) = node
        .get(&format!("{reports}/{ours}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(ids_of(&found["links"]), vec![theirs.clone()], "{found}");
    let link = &found["links"][0];
    let fields = fields_of(link);
    assert!(fields.contains(&("imo".into(), "same".into())), "{found}");
    assert!(fields.contains(&("name".into(), "exact".into())), "{found}");
    assert!(link["score"].as_f64().unwrap() > 10.0, "{found}");
    assert!(link["probability"].as_f64().unwrap() > 0.99, "{found}");

    // A person by name alone, in Hangul against its romanisation.
    let park = file(
        &node,
        &kcg,
        reports,
        &report_on("KCG on Park", "AMBER", "published", person("Park Sung-min")),
    )
    .await;
    file(
        &node,
        &kcg,
        reports,
        &report_on("KCG on Kim", "AMBER", "published", person("Kim Min-jun")),
    )
    .await;
    let draft = file(
        &node,
        &kcg,
        reports,
        &report_on("KCG draft on Pak", "AMBER", "draft", person("Pak Seong-min")),
    )
    .await;
    let (code, preview) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": person("박성민") }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{preview}");
    assert_eq!(ids_of(&preview["links"]), vec![park.clone()], "{preview}");
    let link = &preview["links"][0];
    assert_eq!(link["matched"], json!([]), "{preview}");
    let fields = fields_of(link);
    assert!(
        fields.iter().any(|(f, l)| f == "family_name" && l != "different"),
        "{preview}"
    );
    assert!(
        fields.iter().any(|(f, l)| f == "given_name" && l != "different"),
        "{preview}"
    );
    assert!(link["probability"].as_f64().unwrap() >= 0.5, "{preview}");
    // The draft of another agency is neither a link nor a hit.
    assert_eq!(preview["hits"], json!([]), "{preview}");
    assert!(!preview.to_string().contains(&draft), "{preview}");
    // Its own agency is told of it.
    let (_, own) = node
        .post(
            "/api/v1/correlations",
            &kcg,
            &json!({ "subjects": person("박성민") }),
        )
        .await;
    let own_links = ids_of(&own["links"]);
    assert!(own_links.contains(&draft) && own_links.contains(&park), "{own}");

    // A vessel's name alone is weak evidence under the model: no link.
    let (_, by_name) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": [{ "kind": "vessel", "name": "해양호" }] }),
        )
        .await;
    assert_eq!(by_name["links"], json!([]), "{by_name}");

    // The index follows a change and a withdrawal.
    let changed = report_on("KCG on Choi", "AMBER", "published", person("Choi Young-ho"));
    let (code, _, body) = node
        .put(&format!("{reports}/{park}"), &kcg, Some("\"1\""), &changed)
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (_, after) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": person("박성민") }),
        )
        .await;
    assert_eq!(after["links"], json!([]), "{after}");
    let (_, choi) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": person("최영호") }),
        )
        .await;
    assert_eq!(ids_of(&choi["links"]), vec![park.clone()], "{choi}");
    let (code, body) = node
        .post(
            &format!("{reports}/{park}/withdraw"),
            &kcg,
            &json!({ "reason": "wrong man" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (_, gone) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": person("최영호") }),
        )
        .await;
    assert_eq!(gone["links"], json!([]), "{gone}");

    // A rebuild from the store finds what the incremental index found.
    node.service().rebuild_name_index().await.expect("rebuild");
    let (_, again) = node
        .get(&format!("{reports}/{ours}/correlations"), &kcs)
        .await;
    assert_eq!(ids_of(&again["links"]), vec![theirs], "{again}");
    node.finish().await;
}

#[tokio::test]
async fn names_link_across_scripts_sqlite() {
    names_link_across_scripts(Backend::Sqlite).await;
}

#[tokio::test]
async fn names_link_across_scripts_postgres() {
    names_link_across_scripts(Backend::Postgres).await;
}

