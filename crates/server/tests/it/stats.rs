//! Seizure statistics against figures computed by hand on a small fixed data set, on
//! both engines: need-to-know, suppression of small hidden parts, units, drafts and
//! withdrawn seizures, and the sums kept right through changes.
//!
//! The world: KCS–KCG share everything up to RED; KCS–Thai share seizures up to GREEN;
//! KCS–HSI shared intelligence only and expired; Japan has no agreement.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{seed_world, token_for, Backend, TestNode};

struct Seizure {
    day: &'static str,
    items: Value,
    origin: &'static str,
    tlp: &'static str,
    status: &'static str,
}

fn body(s: &Seizure) -> Value {
    json!({
        "occurred_on": s.day,
        "place": { "kind": "port", "name": "Busan New Port", "country": "KR" },
        "conveyance": "sea_container",
        "items": s.items,
        "concealment": "in frozen fish",
        "route": { "origin": s.origin, "destination": "KR" },
        "handling": { "tlp": s.tlp, "recipients": [] },
        "status": s.status
    })
}

fn item(drug: &str, quantity: f64, unit: &str) -> Value {
    json!({ "drug": drug, "quantity": quantity, "unit": unit })
}

async fn create(node: &TestNode, token: &str, s: &Seizure) -> String {
    let (code, created) = node.post("/api/v1/seizures", token, &body(s)).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn stats(node: &TestNode, token: &str, query: &str) -> Value {
    let (code, body) = node
        .get(&format!("/api/v1/stats/seizures?{query}"), token)
        .await;
    assert_eq!(code, StatusCode::OK, "{query}: {body}");
    body
}

/// The cells as `(key, cases, kilograms, tablets, suppressed)`, sorted by key.
fn cells(stats: &Value) -> Vec<(String, i64, f64, i64, bool)> {
    stats["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let key: Vec<&str> = c["key"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap())
                .collect();
            (
                key.join("/"),
                c["cases"].as_i64().unwrap(),
                c["kilograms"].as_f64().unwrap(),
                c["tablets"].as_i64().unwrap(),
                c["suppressed"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn row(
    key: &str,
    cases: i64,
    kg: f64,
    tablets: i64,
    suppressed: bool,
) -> (String, i64, f64, i64, bool) {
    (key.to_owned(), cases, kg, tablets, suppressed)
}

async fn figures(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let hsi = token_for(node.service(), "hsi.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    let s = |day, items, origin, tlp, status| Seizure {
        day,
        items,
        origin,
        tlp,
        status,
    };

    // KCS, GREEN: methamphetamine in grams and Yaba in tablets; methamphetamine in kg.
    create(
        &node,
        &kcs,
        &s(
            "2025-03-10",
            json!([
                item("methamphetamine", 1500.0, "g"),
                item("yaba", 2000.0, "tablets")
            ]),
            "TH",
            "GREEN",
            "published",
        ),
    )
    .await;
    create(
        &node,
        &kcs,
        &s(
            "2025-03-20",
            json!([item("methamphetamine", 2.0, "kg")]),
            "CN",
            "GREEN",
            "published",
        ),
    )
    .await;
    // KCS, AMBER (above what Thai customs may read): GHB in litres, six cocaine
    // seizures in one month, one heroin seizure.
    create(
        &node,
        &kcs,
        &s(
            "2025-04-05",
            json!([item("ghb", 1.5, "litres")]),
            "NL",
            "AMBER",
            "published",
        ),
    )
    .await;
    for _ in 0..6 {
        create(
            &node,
            &kcs,
            &s(
                "2025-05-12",
                json!([item("cocaine", 1.0, "kg")]),
                "MX",
                "AMBER",
                "published",
            ),
        )
        .await;
    }
    create(
        &node,
        &kcs,
        &s(
            "2025-06-01",
            json!([item("heroin", 3.0, "kg")]),
            "TH",
            "AMBER",
            "published",
        ),
    )
    .await;
    // A draft and a withdrawn seizure count for no one.
    create(
        &node,
        &kcs,
        &s(
            "2025-04-06",
            json!([item("methamphetamine", 100.0, "kg")]),
            "TH",
            "GREEN",
            "draft",
        ),
    )
    .await;
    let withdrawn = create(
        &node,
        &kcs,
        &s(
            "2025-07-01",
            json!([item("methamphetamine", 4.0, "kg")]),
            "TH",
            "GREEN",
            "published",
        ),
    )
    .await;
    // A seizure changed after it was published counts as it now stands.
    let changed = s(
        "2025-08-01",
        json!([item("opium", 10.0, "kg")]),
        "TH",
        "GREEN",
        "published",
    );
    let changed_id = create(&node, &kcs, &changed).await;
    // The coast guard's and HSI's own.
    create(
        &node,
        &kcg,
        &s(
            "2025-03-15",
            json!([item("methamphetamine", 5.0, "kg")]),
            "TH",
            "GREEN",
            "published",
        ),
    )
    .await;
    create(
        &node,
        &hsi,
        &s(
            "2025-03-01",
            json!([item("cocaine", 7.0, "kg")]),
            "CO",
            "CLEAR",
            "published",
        ),
    )
    .await;

    let before = stats(&node, &kcs, "by=drug").await;
    assert!(
        cells(&before)
            .iter()
            .any(|c| c.0 == "methamphetamine" && c.1 == 4),
        "{before}"
    );
    let (code, _) = node
        .post(
            &format!("/api/v1/seizures/{withdrawn}/withdraw"),
            &kcs,
            &json!({"reason": "duplicate"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let mut update = body(&changed);
    update["items"] = json!([item("opium", 12.0, "kg")]);
    let (code, _, answer) = node
        .put(
            &format!("/api/v1/seizures/{changed_id}"),
            &kcs,
            Some("\"1\""),
            &update,
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");

    // KCS sees its own published seizures and the coast guard's; HSI's agreement does
    // not cover seizures. Tablets stay apart from kilograms; litres count as kilograms.
    let by_drug = stats(&node, &kcs, "by=drug").await;
    assert_eq!(
        cells(&by_drug),
        vec![
            row("cocaine", 6, 6.0, 0, false),
            row("ghb", 1, 1.5, 0, false),
            row("heroin", 1, 3.0, 0, false),
            row("methamphetamine", 3, 8.5, 0, false),
            row("opium", 1, 12.0, 0, false),
            row("yaba", 1, 0.0, 2000, false),
        ]
    );
    assert_eq!(by_drug["seizures"]["cases"], 12, "{by_drug}");
    assert_eq!(by_drug["seizures"]["kilograms"], 31.0, "{by_drug}");
    assert_eq!(by_drug["seizures"]["tablets"], 2000, "{by_drug}");
    // Grouped by drug, the seizure of methamphetamine and Yaba counts in both cells.
    assert_eq!(by_drug["total"]["cases"], 13, "{by_drug}");
    let shares = by_drug["shares_by_agency"].as_array().unwrap();
    assert_eq!(shares[0]["key"], "KR-KCG");
    assert_eq!(shares[0]["cases"], 1);
    assert_eq!(shares[1]["cases"], 11);
    assert_eq!(shares[1]["percent"], 91.7);

    // Thai customs reads KCS's GREEN seizures. Of the eight AMBER ones, the six cocaine
    // seizures reach the minimum cell size and count; the GHB and heroin ones are alone
    // in their cells, which are suppressed. Nothing of the coast guard's (no agreement).
    let thai_drugs = stats(&node, &thai, "by=drug").await;
    assert_eq!(
        cells(&thai_drugs),
        vec![
            row("cocaine", 6, 6.0, 0, false),
            row("ghb", 0, 0.0, 0, true),
            row("heroin", 0, 0.0, 0, true),
            row("methamphetamine", 2, 3.5, 0, false),
            row("opium", 1, 12.0, 0, false),
            row("yaba", 1, 0.0, 2000, false),
        ]
    );
    assert_eq!(thai_drugs["total"]["cases"], 10, "{thai_drugs}");
    assert_eq!(thai_drugs["total"]["kilograms"], 21.5, "{thai_drugs}");
    let thai_regions = stats(&node, &thai, "by=region").await;
    assert_eq!(
        cells(&thai_regions),
        vec![
            row("Americas", 6, 6.0, 0, false),
            row("Asia-Pacific", 3, 15.5, 2000, true),
            row("Europe", 0, 0.0, 0, true),
        ]
    );
    assert_eq!(thai_regions["total"]["cases"], 9, "{thai_regions}");
    // Months and drugs: the cocaine month is shown, the others as Thai customs sees them.
    let thai_months = stats(&node, &thai, "by=drug,month&from=2025-05&to=2025-06").await;
    assert_eq!(
        cells(&thai_months),
        vec![
            row("cocaine/2025-05", 6, 6.0, 0, false),
            row("heroin/2025-06", 0, 0.0, 0, true)
        ]
    );

    // No agreement on seizures: nothing of another agency, not even suppressed cells.
    for (token, own) in [(&japan, 0), (&hsi, 1)] {
        let none = stats(&node, token, "by=drug,agency").await;
        assert_eq!(cells(&none).len(), own, "{none}");
        assert!(
            cells(&none).iter().all(|c| c.0.ends_with("US-HSI") && !c.4),
            "{none}"
        );
    }

    // Growth over years, and the same cells as CSV.
    let kcs_years = stats(&node, &kcs, "by=year").await;
    assert_eq!(cells(&kcs_years), vec![row("2025", 12, 31.0, 2000, false)]);
    let csv = node
        .request(Method::GET, "/api/v1/stats/seizures?by=drug&format=csv")
        .token(&thai)
        .send()
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.text,
        "drug,cases,kilograms,tablets,suppressed\ncocaine,6,6,0,false\nghb,0,0,0,true\n\
         heroin,0,0,0,true\nmethamphetamine,2,3.5,0,false\nopium,1,12,0,false\nyaba,1,0,2000,false\n"
    );

    // Bad groupings and periods are refused field by field.
    for (query, field) in [
        ("by=weight", "by"),
        ("by=drug,drug", "by"),
        ("from=2025-13", "from"),
        ("format=xml", "format"),
    ] {
        let call = node
            .request(Method::GET, &format!("/api/v1/stats/seizures?{query}"))
            .token(&kcs);
        // The document's pattern cannot tell a grouping named twice.
        let call = if query == "by=drug,drug" {
            call.unchecked()
        } else {
            call.invalid_on_purpose()
        };
        let answer = call.send().await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            answer.text
        );
        assert_eq!(answer.body["error"]["code"], "invalid_input", "{query}");
        assert!(
            answer.body["error"]["fields"][field].is_string(),
            "{query}: {}",
            answer.body
        );
    }
    // A reader whose roles read no records gets none.
    let trainer = token_for(node.service(), "kcs.trainer").await;
    let (code, _) = node.get("/api/v1/stats/seizures", &trainer).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    node.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_match_hand_computed_figures_sqlite() {
    figures(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_match_hand_computed_figures_postgres() {
    figures(Backend::Postgres).await;
}
