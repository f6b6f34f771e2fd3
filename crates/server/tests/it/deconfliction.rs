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
    let all_told: Vec<&Value> = owner_audit
        .iter()
        .filter(|e| e["action"] == "deconfliction.hit")
        .collect();
    // One entry per identifier; a correlation of the customs' record run again in the
    // background (as records it matches arrive) may have asked once more before the
    // flush, which then adds one count per identifier, never another target.
    let told: Vec<&Value> = all_told
        .iter()
        .copied()
        .filter(|e| !e["detail"].as_str().unwrap_or("").contains("\"repeated\""))
        .collect();
    assert_eq!(told.len(), 2, "{owner_audit:?}");
    assert!(
        all_told.len() == 2 || all_told.len() == 4,
        "{owner_audit:?}"
    );
    for entry in &all_told {
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
    assert_eq!(hits.len(), all_told.len() + 4, "{hits:?}");
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
    let browser = node.browser("kcs.analyst").await;
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

/// A person with a date of birth: a common name alone does not link.
fn person(name: &str) -> Value {
    json!([{ "kind": "person", "name": name, "nationality": "KR", "birth_date": "1979-04-02" }])
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
/// guard's HAE YANG HO with one IMO number, 박성민 and Park Sung-min by name and date
/// of birth; the index follows changes and withdrawals; drafts tell only their own
/// agency.
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

    // A person by name and date of birth, in Hangul against its romanisation.
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
        &report_on(
            "KCG draft on Pak",
            "AMBER",
            "draft",
            person("Pak Seong-min"),
        ),
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
        fields
            .iter()
            .any(|(f, l)| f == "family_name" && l != "different"),
        "{preview}"
    );
    assert!(
        fields
            .iter()
            .any(|(f, l)| f == "given_name" && l != "different"),
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
    assert!(
        own_links.contains(&draft) && own_links.contains(&park),
        "{own}"
    );

    // A vessel's name that no other vessel bears (the two records name one IMO
    // number) is evidence enough on its own: both records link.
    let (_, by_name) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": [{ "kind": "vessel", "name": "해양호" }] }),
        )
        .await;
    assert_eq!(
        ids_of(&by_name["links"]),
        vec![ours.clone(), theirs.clone()],
        "{by_name}"
    );
    assert_eq!(by_name["links"][1]["matched"], json!([]), "{by_name}");
    // Once a second vessel of the name is known, by another IMO number, it is not.
    let other = file(
        &node,
        &kcg,
        reports,
        &report_on(
            "KCG on another HAE YANG HO",
            "AMBER",
            "published",
            json!([{ "kind": "vessel", "name": "HAE YANG HO", "imo": "9176187" }]),
        ),
    )
    .await;
    let (_, by_name) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": [{ "kind": "vessel", "name": "해양호" }] }),
        )
        .await;
    assert_eq!(by_name["links"], json!([]), "{by_name}");
    let (code, body) = node
        .post(
            &format!("{reports}/{other}/withdraw"),
            &kcg,
            &json!({ "reason": "filed by mistake" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");

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

/// Records of two agencies that name a vessel or a company by its name alone: a name
/// no other vessel bears links them (`HAI XING 8` and `HAIXING NO.8`), with the name's
/// weight and the score, or is a hit where the policy answers "exists"; another hull
/// number never links; two persons of a common name do not link on the name alone.
async fn rare_names_link_without_identifiers(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed(&node).await;
    node.service().name_index_ready().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    let reports = "/api/v1/reports";

    let theirs = file(
        &node,
        &kcg,
        reports,
        &report_on(
            "KCG on HAI XING 8",
            "AMBER",
            "published",
            json!([
                { "kind": "vessel", "name": "HAI XING 8" },
                { "kind": "organisation", "name": "Haixing Ocean Fishery Co., Ltd." },
                { "kind": "person", "name": "Kim Min-jun" }
            ]),
        ),
    )
    .await;
    let ninth = file(
        &node,
        &kcg,
        reports,
        &report_on(
            "KCG on HAI XING 9",
            "AMBER",
            "published",
            json!([{ "kind": "vessel", "name": "HAI XING 9" }]),
        ),
    )
    .await;
    let mut secret = report_on(
        "SECRET-KCG-HAIXING",
        "RED",
        "published",
        json!([{ "kind": "vessel", "name": "M/V Hai Xing No. 8" }]),
    );
    secret["handling"]["recipients"] = json!(["TH-CUSTOMS"]);
    secret["narrative"] = json!("SECRET-NARRATIVE boarding planned");
    let red = file(&node, &kcg, reports, &secret).await;
    let japanese = file(
        &node,
        &japan,
        reports,
        &report_on(
            "JAPAN on HAIXING",
            "GREEN",
            "published",
            json!([{ "kind": "vessel", "name": "HAIXING NO.8" }]),
        ),
    )
    .await;
    let ours = file(
        &node,
        &kcs,
        reports,
        &report_on(
            "KCS on HAIXING NO.8",
            "AMBER",
            "published",
            json!([
                { "kind": "vessel", "name": "HAIXING NO.8" },
                { "kind": "organisation", "name": "HAIXING OCEAN FISHERY" },
                { "kind": "person", "name": "Kim Min-jun" }
            ]),
        ),
    )
    .await;

    // The customs service: the coast guard's report is a link on the vessel's name,
    // with the name's weight and the score; the RED one a hit naming the coast guard
    // and the customs service's own spelling; the ninth hull and Japan's report
    // nothing.
    let (code, found) = node
        .get(&format!("{reports}/{ours}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(ids_of(&found["links"]), vec![theirs.clone()], "{found}");
    let link = &found["links"][0];
    assert_eq!(link["agency"], "KR-KCG");
    assert_eq!(link["matched"], json!([]), "{found}");
    assert_eq!(
        fields_of(link),
        vec![("name".to_owned(), "exact".to_owned())],
        "{found}"
    );
    let weight = link["fields"][0]["weight"].as_f64().unwrap();
    assert!((weight - 17.42).abs() < 0.01, "{found}");
    let score = link["score"].as_f64().unwrap();
    assert!(
        score > 0.0 && (score - (weight - 16.61)).abs() < 0.01,
        "{found}"
    );
    assert!(link["probability"].as_f64().unwrap() > 0.6, "{found}");
    assert_eq!(
        found["hits"],
        json!([{
            "agency": "KR-KCG",
            "identifier": {"scheme": "vessel_name", "value": "HAIXING NO.8"},
            "contact": "kcg duty desk"
        }]),
        "{found}"
    );
    let text = found.to_string();
    for leak in [
        red.as_str(),
        ninth.as_str(),
        japanese.as_str(),
        "SECRET",
        "Hai Xing No. 8",
        "JAPAN",
        "Kim Min-jun",
    ] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }

    // The company alone links the same way, from a record of nothing else.
    let (code, company) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": [{ "kind": "organisation", "name": "Haixing Ocean Fishery" }] }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{company}");
    let mut linked = ids_of(&company["links"]);
    linked.sort();
    let mut expected = vec![theirs.clone(), ours.clone()];
    expected.sort();
    assert_eq!(linked, expected, "{company}");
    assert!(company["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| fields_of(l) == vec![("name".to_owned(), "exact".to_owned())]));

    // Two persons of a common name, by the name alone: no link, no hit.
    let (_, persons) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": [{ "kind": "person", "name": "김민준" }] }),
        )
        .await;
    assert_eq!(persons["links"], json!([]), "{persons}");
    assert_eq!(persons["hits"], json!([]), "{persons}");
    let mut red_kim = report_on(
        "SECRET-KCG-KIM",
        "RED",
        "published",
        json!([{ "kind": "person", "name": "Kim Min-jun", "nationality": "KR" }]),
    );
    red_kim["handling"]["recipients"] = json!(["TH-CUSTOMS"]);
    file(&node, &kcg, reports, &red_kim).await;
    let (_, persons) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": [{ "kind": "person", "name": "Kim Min-jun", "nationality": "KR" }] }),
        )
        .await;
    assert_eq!(persons["links"], json!([]), "{persons}");
    assert_eq!(persons["hits"], json!([]), "{persons}");

    // Japan, bound by no agreement, learns nothing of the coast guard's vessel.
    let (code, found) = node
        .get(&format!("{reports}/{japanese}/correlations"), &japan)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(
        found,
        json!({"links": [], "hits": [], "skipped": []}),
        "{found}"
    );

    // The owner's list of hits: its RED record, who matched, on which kind of subject.
    let (code, hits) = node.get("/api/v1/deconfliction/hits", &kcg).await;
    assert_eq!(code, StatusCode::OK, "{hits}");
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["record"]["id"], red.as_str());
    assert_eq!(hits[0]["requester_agency"], "KR-KCS");
    assert_eq!(
        hits[0]["matched"],
        json!({"scheme": "vessel_name", "value": "HAIXING NO.8"})
    );
    node.finish().await;
}

#[tokio::test]
async fn rare_names_link_without_identifiers_sqlite() {
    rare_names_link_without_identifiers(Backend::Sqlite).await;
}

#[tokio::test]
async fn rare_names_link_without_identifiers_postgres() {
    rare_names_link_without_identifiers(Backend::Postgres).await;
}

async fn page_text(browser: &reqwest::Client, node: &TestNode, path: &str) -> String {
    browser
        .get(node.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Every id of a listing, page by page with the smallest page.
async fn every_id(node: &TestNode, token: &str, path: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!(
                "{path}{}limit=1&cursor={c}",
                if path.contains('?') { "&" } else { "?" }
            ),
            None => format!(
                "{path}{}limit=1",
                if path.contains('?') { "&" } else { "?" }
            ),
        };
        let (code, page) = node.get(&url, token).await;
        assert_eq!(code, StatusCode::OK, "{page}");
        ids.extend(ids_of(&page["items"]));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(ids.len() < 100, "runaway paging");
    }
    ids
}

/// The coast guard files a RED record on a person; the customs service files one on
/// the same person written in Hangul. The customs service learns exactly that the
/// coast guard holds something and whom to call, on every path; Japan, bound by no
/// agreement, learns nothing; the coast guard sees who matched on which kind of field,
/// declines one hit with a message and discloses the other record for two days, after
/// which the customs service reads it until the disclosure ends.
async fn a_red_record_on_a_person_tells_a_hit_and_no_more(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed(&node).await;
    node.service().name_index_ready().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    let kcg_admin = token_for(node.service(), "kcg.agency_admin").await;
    let japan_admin = token_for(node.service(), "japan.agency_admin").await;
    let reports = "/api/v1/reports";

    let mut secret = report_on(
        "SECRET-KCG-PARK",
        "RED",
        "published",
        json!([{ "kind": "person", "name": "Park Sung-min", "nationality": "KR", "birth_date": "1979-04-02" }]),
    );
    secret["handling"]["recipients"] = json!(["TH-CUSTOMS"]);
    secret["narrative"] = json!("SECRET-NARRATIVE informant in Busan");
    let red = file(&node, &kcg, reports, &secret).await;
    let mut second = report_on("SECRET-KCG-LEE", "RED", "published", person("Lee Young-ho"));
    second["handling"]["recipients"] = json!(["TH-CUSTOMS"]);
    let red_lee = file(&node, &kcg, reports, &second).await;

    let ours = file(
        &node,
        &kcs,
        reports,
        &report_on("KCS on 박성민", "AMBER", "published", person("박성민")),
    )
    .await;
    let ours_lee = file(
        &node,
        &kcs,
        reports,
        &report_on("KCS on 이영호", "AMBER", "published", person("이영호")),
    )
    .await;
    let japanese = file(
        &node,
        &japan,
        reports,
        &report_on("JAPAN on Park", "GREEN", "published", person("박성민")),
    )
    .await;
    // (The date of birth is the asker's too: the name alone would not match.)
    let secrets = [red.as_str(), red_lee.as_str(), "SECRET", "informant"];
    let hit_on_park = json!({
        "agency": "KR-KCG",
        "identifier": {"scheme": "person_name", "value": "박성민"},
        "contact": "kcg duty desk"
    });

    // The API: exactly one hit, no link, nothing skipped.
    let (code, found) = node
        .get(&format!("{reports}/{ours}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(
        found,
        json!({"links": [], "hits": [hit_on_park.clone()], "skipped": []}),
        "{found}"
    );
    let (code, preview) = node
        .post(
            "/api/v1/correlations",
            &kcs,
            &json!({ "subjects": person("박성민") }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{preview}");
    assert_eq!(ids_of(&preview["links"]), vec![ours.clone()], "{preview}");
    assert_eq!(preview["hits"], json!([hit_on_park.clone()]), "{preview}");

    // Search, listings page by page and the record itself: nothing.
    for q in ["Park", "SECRET", "informant", "박성민", "Sung-min"] {
        let (code, result) = node.get(&format!("/api/v1/search?q={q}"), &kcs).await;
        assert_eq!(code, StatusCode::OK, "{result}");
        let text = result.to_string();
        for s in &secrets {
            assert!(!text.contains(s), "search {q}: {s} leaked: {text}");
        }
    }
    let listed = every_id(&node, &kcs, reports).await;
    assert!(listed.contains(&ours));
    assert!(
        !listed.contains(&red) && !listed.contains(&red_lee),
        "{listed:?}"
    );
    let (code, total) = node.get(&format!("{reports}?limit=200"), &kcs).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(total["total"], json!(listed.len()), "{total}");
    let (code, invisible) = node.get(&format!("{reports}/{red}"), &kcs).await;
    let (missing_code, missing) = node
        .get(&format!("{reports}/{}", uuid::Uuid::new_v4()), &kcs)
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!((code, &invisible), (missing_code, &missing));

    // The record page.
    let customs = node.browser("kcs.analyst").await;
    let html = page_text(&customs, &node, &format!("/reports/{ours}")).await;
    assert!(
        html.contains("KR-KCG") && html.contains("kcg duty desk"),
        "{html}"
    );
    assert!(html.contains("박성민"));
    for s in &secrets {
        assert!(!html.contains(s), "{s} leaked on the page");
    }

    // Japan: no agreement, nothing at all.
    let (code, found) = node
        .get(&format!("{reports}/{japanese}/correlations"), &japan)
        .await;
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(
        found,
        json!({"links": [], "hits": [], "skipped": []}),
        "{found}"
    );
    let (_, japan_hits) = node.get("/api/v1/deconfliction/answers", &japan).await;
    assert_eq!(japan_hits, json!([]));

    // The owner's audit names who matched and on which kind of field.
    let (code, _) = node
        .get(&format!("{reports}/{ours_lee}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK);
    node.service().flush_audit().await;
    let owner_audit = audit_of(&node, &kcg_admin).await;
    let told: Vec<&Value> = owner_audit
        .iter()
        .filter(|e| e["action"] == "deconfliction.hit")
        .collect();
    assert!(
        told.iter().any(|e| e["actor"] == "kcs.analyst"
            && e["actor_agency"] == "KR-KCS"
            && e["target_kind"] == "name"
            && e["target_id"] == "person_name:박성민"),
        "{told:?}"
    );
    for entry in &told {
        assert!(!entry.to_string().contains(&red), "{entry}");
    }
    let japan_audit = Value::from(audit_of(&node, &japan_admin).await).to_string();
    assert!(!japan_audit.contains("deconfliction.hit"), "{japan_audit}");

    // The owner's list of hits: its record, who matched, on what.
    let (code, hits) = node.get("/api/v1/deconfliction/hits", &kcg).await;
    assert_eq!(code, StatusCode::OK, "{hits}");
    let hits = hits.as_array().unwrap().clone();
    assert_eq!(hits.len(), 2, "{hits:?}");
    let park_hit = hits
        .iter()
        .find(|h| h["record"]["id"] == red.as_str())
        .unwrap();
    assert_eq!(park_hit["record"]["title"], "SECRET-KCG-PARK");
    assert_eq!(park_hit["requester_agency"], "KR-KCS");
    assert_eq!(park_hit["requester"], "kcs.analyst");
    assert_eq!(
        park_hit["matched"],
        json!({"scheme": "person_name", "value": "박성민"})
    );
    assert_eq!(park_hit["from_record"], ours.as_str());
    assert_eq!(park_hit["state"], "open");
    let lee_hit = hits
        .iter()
        .find(|h| h["record"]["id"] == red_lee.as_str())
        .unwrap();
    let park_id = park_hit["id"].as_str().unwrap().to_owned();
    let lee_id = lee_hit["id"].as_str().unwrap().to_owned();
    // Other agencies see no hits on the coast guard's records.
    for token in [&kcs, &japan] {
        let (code, theirs) = node.get("/api/v1/deconfliction/hits", token).await;
        assert_eq!(code, StatusCode::OK);
        assert!(!theirs.to_string().contains(&red), "{theirs}");
    }
    // The asker's answers: one per agency and name, open.
    let (_, answers) = node.get("/api/v1/deconfliction/answers", &kcs).await;
    assert_eq!(answers.as_array().unwrap().len(), 2, "{answers}");
    assert!(answers
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["state"] == "open"));
    for s in &secrets {
        assert!(!answers.to_string().contains(s), "{s} in {answers}");
    }

    // Only the owner answers; bad answers are refused with reasons.
    let disclose = |id: &str| format!("/api/v1/deconfliction/hits/{id}/disclose");
    let decline = |id: &str| format!("/api/v1/deconfliction/hits/{id}/decline");
    let in_two_days = (node.service().today() + chrono::Duration::days(2)).to_string();
    let (code, _) = node
        .post(&disclose(&park_id), &kcs, &json!({ "until": in_two_days }))
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, _) = node
        .post(&decline(&park_id), &japan, &json!({ "message": "no" }))
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, body) = node
        .post(&decline(&lee_id), &kcg, &json!({ "message": "  " }))
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let yesterday = (node.service().today() - chrono::Duration::days(1)).to_string();
    let (code, body) = node
        .post(&disclose(&park_id), &kcg, &json!({ "until": yesterday }))
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Declined, with a message the asker reads; the record stays hidden.
    let (code, declined) = node
        .post(
            &decline(&lee_id),
            &kcg,
            &json!({ "message": "Covert operation under way: call the duty desk." }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{declined}");
    assert_eq!(declined["state"], "declined");
    let (code, again) = node
        .post(&decline(&lee_id), &kcg, &json!({ "message": "again" }))
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    let (_, answers) = node.get("/api/v1/deconfliction/answers", &kcs).await;
    let lee_answer = answers
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["identifier"]["value"] == "이영호")
        .unwrap();
    assert_eq!(lee_answer["state"], "declined");
    assert_eq!(
        lee_answer["message"],
        "Covert operation under way: call the duty desk."
    );
    let (code, _) = node.get(&format!("{reports}/{red_lee}"), &kcs).await;
    assert_eq!(code, StatusCode::NOT_FOUND);

    // Disclosed for two days with one action: the customs service reads the record,
    // and it is a link with its fields and score.
    let (code, disclosed) = node
        .post(&disclose(&park_id), &kcg, &json!({ "until": in_two_days }))
        .await;
    assert_eq!(code, StatusCode::OK, "{disclosed}");
    assert_eq!(disclosed["state"], "disclosed");
    assert_eq!(disclosed["until"], in_two_days.as_str());
    let (code, read) = node.get(&format!("{reports}/{red}"), &kcs).await;
    assert_eq!(code, StatusCode::OK, "{read}");
    assert_eq!(read["title"], "SECRET-KCG-PARK");
    let (_, found) = node
        .get(&format!("{reports}/{ours}/correlations"), &kcs)
        .await;
    assert_eq!(ids_of(&found["links"]), vec![red.clone()], "{found}");
    assert_eq!(found["hits"], json!([]), "{found}");
    let (_, answers) = node.get("/api/v1/deconfliction/answers", &kcs).await;
    assert!(
        answers
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["state"] == "disclosed" && a["until"] == in_two_days.as_str()),
        "{answers}"
    );
    // Japan still learns nothing.
    let (code, _) = node.get(&format!("{reports}/{red}"), &japan).await;
    assert_eq!(code, StatusCode::NOT_FOUND);

    // After the disclosure ends, the record is hidden again and a hit once more.
    node.clock.advance(chrono::Duration::days(3));
    // (Tokens last hours: new ones.)
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg_admin = token_for(node.service(), "kcg.agency_admin").await;
    let (code, _) = node.get(&format!("{reports}/{red}"), &kcs).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (_, found) = node
        .get(&format!("{reports}/{ours}/correlations"), &kcs)
        .await;
    assert_eq!(
        found,
        json!({"links": [], "hits": [hit_on_park], "skipped": []}),
        "{found}"
    );
    let (_, answers) = node.get("/api/v1/deconfliction/answers", &kcs).await;
    assert!(
        answers
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["state"] == "expired"),
        "{answers}"
    );

    // The answers are audited for the owner.
    node.service().flush_audit().await;
    let owner_audit = Value::from(audit_of(&node, &kcg_admin).await).to_string();
    for action in [
        "deconfliction.disclose",
        "deconfliction.decline",
        "report.disclose",
    ] {
        assert!(owner_audit.contains(action), "{action} not audited");
    }
    node.finish().await;
}

#[tokio::test]
async fn a_red_record_on_a_person_tells_a_hit_and_no_more_sqlite() {
    a_red_record_on_a_person_tells_a_hit_and_no_more(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_red_record_on_a_person_tells_a_hit_and_no_more_postgres() {
    a_red_record_on_a_person_tells_a_hit_and_no_more(Backend::Postgres).await;
}

/// The owner's page of hits answers with one action; the asker's page shows the
/// answer.
#[tokio::test]
async fn the_hits_page_discloses_with_one_action() {
    let node = TestNode::start(Backend::Sqlite).await.expect("node");
    seed(&node).await;
    node.service().name_index_ready().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let mut secret = report_on(
        "SECRET-KCG-PARK",
        "RED",
        "published",
        person("Park Sung-min"),
    );
    secret["handling"]["recipients"] = json!(["TH-CUSTOMS"]);
    let red = file(&node, &kcg, "/api/v1/reports", &secret).await;
    let ours = file(
        &node,
        &kcs,
        "/api/v1/reports",
        &report_on("KCS on 박성민", "AMBER", "published", person("박성민")),
    )
    .await;
    let customs = node.browser("kcs.analyst").await;
    let html = page_text(&customs, &node, &format!("/reports/{ours}")).await;
    assert!(html.contains("kcg duty desk"), "{html}");

    let guard = node.browser("kcg.analyst").await;
    // The owner is told on arriving: the dashboard counts the hits awaiting an answer.
    let dashboard = page_text(&guard, &node, "/").await;
    let card = &dashboard[dashboard
        .find(r#"id="open-hits""#)
        .expect("the open hits card")..];
    assert!(
        card.contains(r#"<div class="card-value">1</div>"#),
        "{card}"
    );
    let html = page_text(&guard, &node, "/deconfliction").await;
    assert!(html.contains("Hits on our records"), "{html}");
    assert!(html.contains("SECRET-KCG-PARK") && html.contains("kcs.analyst"));
    assert!(html.contains(&format!("/reports/{red}")));
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).unwrap() + marker.len();
    let csrf = html[start..start + html[start..].find('"').unwrap()].to_owned();
    let action_marker = r#"action="/deconfliction/"#;
    let at = html.find(action_marker).unwrap() + action_marker.len();
    let hit = html[at..at + 36].to_owned();
    let until = (node.service().today() + chrono::Duration::days(5)).to_string();
    // Without the CSRF token nothing happens.
    let refused = guard
        .post(node.url(&format!("/deconfliction/{hit}/disclose")))
        .form(&[("until", until.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let done = guard
        .post(node.url(&format!("/deconfliction/{hit}/disclose")))
        .form(&[("csrf", csrf.as_str()), ("until", until.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let html = done.text().await.unwrap();
    assert!(html.contains("disclosed"), "{html}");
    let dashboard = page_text(&guard, &node, "/").await;
    let card = &dashboard[dashboard
        .find(r#"id="open-hits""#)
        .expect("the open hits card")..];
    assert!(
        card.contains(r#"<div class="card-value">0</div>"#),
        "{card}"
    );

    let html = page_text(&customs, &node, "/deconfliction").await;
    assert!(
        html.contains("KR-KCG") && html.contains("disclosed"),
        "{html}"
    );
    let html = page_text(&customs, &node, &format!("/reports/{ours}")).await;
    assert!(html.contains(&format!("/reports/{red}")), "{html}");
    assert!(html.contains("SECRET-KCG-PARK"));
    node.finish().await;
}

async fn names_are_found_in_any_spelling_only_where_readable(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed(&node).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    // The coast guard writes the name in Latin letters, the customs service in Hangul.
    let theirs = file(
        &node,
        &kcg,
        "/api/v1/reports",
        &report_on(
            "Courier met at Gamcheon",
            "AMBER",
            "published",
            json!([{ "kind": "person", "name": "Park Sung-min", "nationality": "KR" }]),
        ),
    )
    .await;
    let (code, found) = node.get("/api/v1/names?q=박성민", &kcs).await;
    assert_eq!(code, StatusCode::OK, "{found}");
    let hit = found
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["record"]["id"] == theirs.as_str())
        .unwrap_or_else(|| panic!("{found}"));
    assert_eq!(hit["name"], "Park Sung-min");
    assert_eq!(hit["kind"], "person");
    // Japan Customs may not read the coast guard's report: the name finds nothing, and
    // nothing of it shows, in the API or on the search page.
    let (code, found) = node.get("/api/v1/names?q=박성민", &japan).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(found, json!([]), "{found}");
    let (code, found) = node.get("/api/v1/names?q=PARK%20SUNGMIN", &kcs).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["record"]["id"] == theirs.as_str()),
        "{found}"
    );
    let guard = node.browser("kcs.analyst").await;
    let html = page_text(&guard, &node, "/search?q=%EB%B0%95%EC%84%B1%EB%AF%BC").await;
    assert!(
        html.contains("names-like") && html.contains("Park Sung-min"),
        "{html}"
    );
    let guard = node.browser("japan.analyst").await;
    let html = page_text(&guard, &node, "/search?q=%EB%B0%95%EC%84%B1%EB%AF%BC").await;
    assert!(!html.contains("names-like") && !html.contains("Park Sung-min"));
    node.finish().await;
}

#[tokio::test]
async fn names_are_found_in_any_spelling_only_where_readable_on_sqlite() {
    names_are_found_in_any_spelling_only_where_readable(Backend::Sqlite).await;
}

#[tokio::test]
async fn names_are_found_in_any_spelling_only_where_readable_on_postgres() {
    names_are_found_in_any_spelling_only_where_readable(Backend::Postgres).await;
}

async fn a_new_agreement_tells_the_hits_it_now_allows(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed(&node).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    let vessel = json!([{ "kind": "vessel", "name": "SEA DRAGON 7", "imo": "9176187" }]);
    let ours = file(
        &node,
        &kcs,
        "/api/v1/reports",
        &report_on("KCS on SEA DRAGON 7", "AMBER", "published", vessel.clone()),
    )
    .await;
    let theirs = file(
        &node,
        &japan,
        "/api/v1/reports",
        &report_on("Japan on SEA DRAGON 7", "AMBER", "published", vessel),
    )
    .await;
    // Without an agreement neither learns of the other.
    for token in [&kcs, &japan] {
        let (code, hits) = node.get("/api/v1/deconfliction/hits", token).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(hits, json!([]), "{hits}");
    }
    // An agreement on seizures binds them: reports stay unreadable, but each is now
    // told that the other holds something, without anyone opening a record.
    add_agreement(
        node.service(),
        ["KR-KCS", "JP-CUSTOMS"],
        &[Scope::Seizures],
        Tlp::Amber,
    )
    .await;
    let mut told = (Value::Null, Value::Null);
    for _ in 0..100 {
        let (_, on_kcs) = node.get("/api/v1/deconfliction/hits", &kcs).await;
        let (_, on_japan) = node.get("/api/v1/deconfliction/hits", &japan).await;
        told = (on_kcs, on_japan);
        if !told.0.as_array().unwrap().is_empty() && !told.1.as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (on_kcs, on_japan) = told;
    assert_eq!(on_kcs.as_array().unwrap().len(), 1, "{on_kcs}");
    assert_eq!(on_kcs[0]["record"]["id"], ours.as_str());
    assert_eq!(on_kcs[0]["requester_agency"], "JP-CUSTOMS");
    assert_eq!(on_kcs[0]["matched"]["value"], "9176187");
    assert_eq!(on_japan.as_array().unwrap().len(), 1, "{on_japan}");
    assert_eq!(on_japan[0]["record"]["id"], theirs.as_str());
    assert_eq!(on_japan[0]["requester_agency"], "KR-KCS");
    // Still nothing readable across.
    assert_eq!(
        node.get(&format!("/api/v1/reports/{theirs}"), &kcs).await.0,
        StatusCode::NOT_FOUND
    );
    node.finish().await;
}

#[tokio::test]
async fn a_new_agreement_tells_the_hits_it_now_allows_on_sqlite() {
    a_new_agreement_tells_the_hits_it_now_allows(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_new_agreement_tells_the_hits_it_now_allows_on_postgres() {
    a_new_agreement_tells_the_hits_it_now_allows(Backend::Postgres).await;
}

/// The owner's list of hits names its seizures as its pages do, in the reader's
/// language.
#[tokio::test]
async fn the_hits_page_titles_seizures_in_the_page_language() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed(&node).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    // A RED seizure of the coast guard for the Thai customs, which the customs service
    // may not read, and a customs report on the same container.
    file(
        &node,
        &kcg,
        "/api/v1/seizures",
        &seizure_json("HIDDEN", "RED", &["TH-CUSTOMS"], "published"),
    )
    .await;
    let mut report = report_json("KCS on the box", "AMBER", &[], "published");
    report["subjects"] = json!([{ "kind": "container", "number": "CSQU3054383" }]);
    let id = file(&node, &kcs, "/api/v1/reports", &report).await;
    let (code, found) = node
        .get(&format!("/api/v1/reports/{id}/correlations"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(found["hits"][0]["agency"], "KR-KCG", "{found}");
    let guard = node.browser("kcg.analyst").await;
    guard
        .get(node.url("/lang?set=ko&next=%2F"))
        .send()
        .await
        .unwrap();
    let html = guard
        .get(node.url("/deconfliction"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Busan New Port HIDDEN에서 메트암페타민 (필로폰) 22.5kg"),
        "{html}"
    );
    node.finish().await;
}
