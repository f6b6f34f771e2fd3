//! Profiles: one subject as every record the reader may see knows it, through the
//! policy on every path (API, web page, name search), with deconfliction hits only
//! where the policy answers "exists".

use reqwest::StatusCode;
use serde_json::{json, Value};

use interdict_core::agreement::Scope;
use interdict_core::Tlp;

use crate::support::{add_agreement, report_json, seed_world, token_for, Backend, TestNode};

async fn file(node: &TestNode, token: &str, body: &Value) -> String {
    let (code, created) = node.post("/api/v1/reports", token, body).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// A report on a vessel and a person (born on one day: a person's name alone does not
/// link).
fn on_vessel(title: &str, tlp: &str, recipients: &[&str], vessel: Value, person: &str) -> Value {
    let mut body = report_json(title, tlp, recipients, "published");
    body["subjects"] = json!([
        vessel,
        { "kind": "person", "name": person, "nationality": "KR", "birth_date": "1980-02-29" }
    ]);
    body
}

async fn a_profile_gathers_what_the_reader_may_see_and_only_that(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    // The coast guard and the Thai customs share up to RED, so that the coast guard
    // can file a RED record addressed to the Thai customs, not to the customs service.
    add_agreement(
        node.service(),
        ["KR-KCG", "TH-CUSTOMS"],
        &[Scope::Intelligence],
        Tlp::Red,
    )
    .await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;

    let ours = file(
        &node,
        &kcs,
        &on_vessel(
            "KCS on 해양호",
            "AMBER",
            &[],
            json!({ "kind": "vessel", "name": "해양호", "imo": "9074729", "mmsi": "440123450" }),
            "이정호",
        ),
    )
    .await;
    // The coast guard writes the name in Latin letters and has only the IMO number.
    let shared = file(
        &node,
        &kcg,
        &on_vessel(
            "KCG patrol sighting",
            "AMBER",
            &[],
            json!({ "kind": "vessel", "name": "HAE YANG HO", "imo": "9074729" }),
            "Yi Jeong-ho",
        ),
    )
    .await;
    let secret = file(
        &node,
        &kcg,
        &on_vessel(
            "SECRET-KCG-SOURCE",
            "RED",
            &["TH-CUSTOMS"],
            json!({ "kind": "vessel", "name": "HAEYANG-HO", "mmsi": "440123450" }),
            "Someone Else",
        ),
    )
    .await;
    let japanese = file(
        &node,
        &japan,
        &on_vessel(
            "JAPAN-ONLY-CASE",
            "GREEN",
            &[],
            json!({ "kind": "vessel", "name": "HAE YANG HO", "imo": "9074729" }),
            "Nobody",
        ),
    )
    .await;

    // KCS, from its vessel: its own record first, the coast guard's by the IMO
    // number, both spellings, the identifiers of both; the RED record a hit that
    // names the coast guard and its desk; Japan's nothing at all.
    let path = format!("/api/v1/profiles/reports/{ours}/0");
    let (code, profile) = node.get(&path, &kcs).await;
    assert_eq!(code, StatusCode::OK, "{profile}");
    let ids: Vec<&str> = profile["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [ours.as_str(), shared.as_str()], "{profile}");
    assert!(profile["records"][0]["score"].is_null());
    assert_eq!(profile["records"][1]["agency"], "KR-KCG");
    assert_eq!(
        profile["records"][1]["matched"],
        json!([{"scheme": "imo", "value": "9074729"}])
    );
    assert!(profile["records"][1]["score"].as_f64().unwrap() > 0.0);
    assert_eq!(profile["records"][1]["subjects"][0]["name"], "HAE YANG HO");
    assert_eq!(profile["spellings"], json!(["해양호", "HAE YANG HO"]));
    assert_eq!(
        profile["identifiers"],
        json!([{"scheme": "imo", "value": "9074729"}, {"scheme": "mmsi", "value": "440123450"}])
    );
    assert_eq!(profile["mmsi"], json!([440123450]));
    assert_eq!(
        profile["hits"],
        json!([{"agency": "KR-KCG", "identifier": {"scheme": "mmsi", "value": "440123450"}, "contact": "kcg duty desk"}])
    );
    let text = profile.to_string();
    for leak in [
        secret.as_str(),
        japanese.as_str(),
        "SECRET",
        "JAPAN",
        "HAEYANG-HO",
        "Someone Else",
        "Nobody",
        "JP-CUSTOMS",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }

    // The person of the same record: the Korean name finds its romanisation.
    let (code, person) = node
        .get(&format!("/api/v1/profiles/reports/{ours}/1"), &kcs)
        .await;
    assert_eq!(code, StatusCode::OK, "{person}");
    assert!(
        person["spellings"]
            .as_array()
            .unwrap()
            .contains(&json!("Yi Jeong-ho")),
        "{person}"
    );

    // Japan may not read the record: its profile is "not found", as is a subject the
    // record does not have, or a kind that is not a record's.
    let (code, refused) = node.get(&path, &japan).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "{refused}");
    let (_, missing) = node
        .get(
            &format!("/api/v1/profiles/reports/{}/0", uuid::Uuid::now_v7()),
            &japan,
        )
        .await;
    assert_eq!(refused, missing, "a refusal reads as a missing record");
    for bad in [
        format!("/api/v1/profiles/reports/{ours}/2"),
        format!("/api/v1/profiles/alerts/{ours}/0"),
        format!("/api/v1/profiles/seizures/{ours}/0"),
    ] {
        let (code, _) = node.get(&bad, &kcs).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{bad}");
    }
    let answer = node
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/profiles/reports/{ours}/x"),
        )
        .token(&kcs)
        .invalid_on_purpose()
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    // Japan's own profile of its vessel holds only its record: no agreement, no hit.
    let (code, theirs) = node
        .get(&format!("/api/v1/profiles/reports/{japanese}/0"), &japan)
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(theirs["records"].as_array().unwrap().len(), 1, "{theirs}");
    assert_eq!(theirs["hits"], json!([]), "{theirs}");
    for leak in ["KCS on", "KCG patrol", "SECRET", "KR-KCG", "KR-KCS"] {
        assert!(!theirs.to_string().contains(leak), "{leak}: {theirs}");
    }

    // The name search points at the profile of the subject it found.
    let (code, names) = node.get("/api/v1/names?q=HAE%20YANG%20HO", &kcs).await;
    assert_eq!(code, StatusCode::OK, "{names}");
    let of_shared = names
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["record"]["id"] == shared.as_str())
        .unwrap_or_else(|| panic!("{names}"));
    assert_eq!(of_shared["subject"], 0);

    // The page: the graph and the lists, in Korean, with nothing of what the reader
    // may not read; the search links to it; Japan gets the page of a missing record.
    let browser = node.browser("kcs.analyst").await;
    let page_url = node.url(&format!("/profiles/reports/{ours}/0"));
    let page = browser
        .get(node.url("/lang?set=ko&next=%2F"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let response = browser.get(&page_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("<svg"), "the graph");
    assert!(html.contains("KCG patrol sighting") && html.contains("HAE YANG HO"));
    assert!(html.contains("다른 표기"), "Korean");
    assert!(html.contains("kcg duty desk"));
    for leak in ["SECRET", "JAPAN", "HAEYANG-HO", secret.as_str()] {
        assert!(!html.contains(leak), "{leak} on the page");
    }
    let detail = browser
        .get(node.url(&format!("/reports/{ours}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains(&format!("href=\"/profiles/reports/{ours}/0\"")));
    let search = browser
        .get(node.url("/search?q=HAE+YANG+HO"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        search.contains(&format!("href=\"/profiles/reports/{shared}/0\"")),
        "{search}"
    );
    let outsider = node.browser("japan.analyst").await;
    let response = outsider.get(&page_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(!html.contains("KCS on") && !html.contains("해양호"));
    node.finish().await;
}

#[tokio::test]
async fn a_profile_gathers_what_the_reader_may_see_and_only_that_sqlite() {
    a_profile_gathers_what_the_reader_may_see_and_only_that(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_profile_gathers_what_the_reader_may_see_and_only_that_postgres() {
    a_profile_gathers_what_the_reader_may_see_and_only_that(Backend::Postgres).await;
}
