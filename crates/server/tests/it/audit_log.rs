//! The audit log as its readers use it: a page view is one entry per owning agency
//! however many lists the page shows; the log filters by actor, agency, action, target
//! and day in the API, the page and the CSV export; every action is named in every
//! language of the page; and no filter shows an agency's administrator entries that do
//! not concern its agency.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{report_json, seed_world, seizure_json, token_for, Backend, TestNode};

async fn entries(node: &TestNode, token: &str, query: &str) -> Vec<Value> {
    let (code, page) = node
        .get(&format!("/api/v1/audit?limit=200{query}"), token)
        .await;
    assert_eq!(code, StatusCode::OK, "{query}: {page}");
    page["entries"].as_array().unwrap().clone()
}

fn detail(entry: &Value) -> Value {
    serde_json::from_str(entry["detail"].as_str().unwrap()).unwrap()
}

async fn file(node: &TestNode, token: &str, path: &str, body: &Value) -> String {
    let (code, record) = node.post(path, token, body).await;
    assert_eq!(code, StatusCode::CREATED, "{record}");
    record["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_page_view_is_one_entry_per_owner_and_the_log_filters_as_asked() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let auditor = token_for(node.service(), "kcs.auditor").await;
    let report = file(
        &node,
        &kcs,
        "/api/v1/reports",
        &report_json("Lantern route through Busan", "GREEN", &[], "published"),
    )
    .await;
    let seizure = file(
        &node,
        &kcs,
        "/api/v1/seizures",
        &seizure_json("Lantern", "GREEN", &[], "published"),
    )
    .await;

    // The coast guard's analyst opens the dashboard, which lists reports and seizures:
    // one entry in the customs' log, naming both lists.
    // (Signing in lands on the dashboard: that is a view already.)
    let kcg = node.browser("kcg.analyst").await;
    let before = entries(&node, &auditor, "&actor=kcg.analyst&action=page").await;
    let response = kcg.get(node.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let views = entries(&node, &auditor, "&actor=kcg.analyst&action=page").await;
    assert_eq!(views.len(), before.len() + 1, "{views:?}");
    let view = &views[0];
    assert_eq!(view["action"], "page.view");
    assert_eq!(view["target_agency"], "KR-KCS");
    let reads = detail(view)["reads"].clone();
    assert_eq!(reads["report.list"], serde_json::json!([report]));
    assert_eq!(reads["seizure.list"], serde_json::json!([seizure]));
    assert_eq!(detail(view)["path"], "/");
    // Nothing else by the analyst concerns the customs (its sign-in is its own).
    let by_kcg = entries(&node, &auditor, "&actor=kcg.analyst").await;
    let actions: Vec<&str> = by_kcg
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.iter().all(|a| *a == "page.view"), "{by_kcg:?}");

    // A search keeps its action and its text.
    let response = kcg.get(node.url("/search?q=Lantern")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let searches = entries(&node, &auditor, "&action=search").await;
    assert_eq!(searches.len(), 1, "{searches:?}");
    assert_eq!(detail(&searches[0])["query"], "Lantern");

    // The target filter finds the entries that name a record, as target or in a list.
    let about = entries(&node, &auditor, &format!("&target={report}")).await;
    let actions: Vec<&str> = about
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[0], "search", "{about:?}");
    assert_eq!(actions.last(), Some(&"report.create"), "{about:?}");
    assert!(
        actions[1..actions.len() - 1]
            .iter()
            .all(|a| *a == "page.view"),
        "{about:?}"
    );
    // A family of actions, an exact action, an agency and days.
    assert!(entries(&node, &auditor, "&action=report")
        .await
        .iter()
        .all(|e| e["action"].as_str().unwrap().starts_with("report.")));
    assert_eq!(
        entries(&node, &auditor, "&action=report.create")
            .await
            .len(),
        1
    );
    assert!(entries(&node, &auditor, "&agency=KR-KCG")
        .await
        .iter()
        .all(|e| e["actor_agency"] == "KR-KCG" || e["target_agency"] == "KR-KCG"));
    let today = node.now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    assert!(entries(&node, &auditor, &format!("&to={yesterday}"))
        .await
        .is_empty());
    assert!(
        !entries(&node, &auditor, &format!("&from={today}&to={today}"))
            .await
            .is_empty()
    );
    // Bad filters are named.
    for (query, field) in [
        ("&actor=no%20one", "actor"),
        ("&agency=nowhere", "agency"),
        ("&action=Report;drop", "action"),
        ("&target=%25", "target"),
        (&format!("&from={today}&to={yesterday}"), "to"),
    ] {
        let (code, body) = node.get(&format!("/api/v1/audit?{query}"), &auditor).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{query}: {body}"
        );
    }

    // The page: filters, actions in the page's language, ids leading to their entries.
    let page_reader = node.browser("kcs.auditor").await;
    for (lang, view_name, search_name) in [
        ("en", "Page view: viewed", "Search"),
        ("ko", "페이지 열람: 열람", "검색"),
        ("th", "การเปิดดูหน้า: เปิดดู", "การค้นหา"),
    ] {
        page_reader
            .get(node.url(&format!("/lang?set={lang}&next=/")))
            .send()
            .await
            .unwrap();
        let html = page_reader
            .get(node.url("/audit?actor=kcg.analyst"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(view_name), "{lang}: {html}");
        assert!(html.contains(search_name), "{lang}");
        assert!(
            html.contains(&format!("href=\"/audit?target={report}\"")),
            "{lang}"
        );
        assert!(
            !html.contains("report.create"),
            "{lang}: only the actor's entries"
        );
        // Every action of the whole log is named in the language.
        let all = page_reader
            .get(node.url("/audit"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !all.contains("class=\"raw\""),
            "{lang}: an action without a name: {all}"
        );
        let bad = page_reader
            .get(node.url("/audit?from=yesterday"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("from"));
    }

    // The export holds what the filter selects.
    let csv = page_reader
        .get(node.url("/audit.csv?action=page"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), views.len(), "{text}");
    assert!(
        rows.iter()
            .all(|r| &r[4] == "page.view" && &r[2] == "kcg.analyst"),
        "{text}"
    );

    // Another agency's administrator finds none of it, whatever the filter.
    let japan = token_for(node.service(), "japan.agency_admin").await;
    for query in [
        "",
        "&actor=kcg.analyst",
        "&agency=KR-KCS",
        &format!("&target={report}"),
    ] {
        let seen = entries(&node, &japan, query).await;
        assert!(
            seen.iter()
                .all(|e| e["actor_agency"] == "JP-CUSTOMS" || e["target_agency"] == "JP-CUSTOMS"),
            "{query}: {seen:?}"
        );
        assert!(!seen.iter().any(|e| e["actor"] == "kcg.analyst"), "{query}");
    }
    // And an analyst reads no log at all.
    let analyst = node.browser("kcs.analyst").await;
    let refused = analyst.get(node.url("/audit.csv")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    node.finish().await;
}

#[tokio::test]
async fn the_records_a_record_page_links_to_are_audited_as_read() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let auditor = token_for(node.service(), "kcs.auditor").await;
    let report = file(
        &node,
        &kcs,
        "/api/v1/reports",
        &report_json("Lantern route through Busan", "GREEN", &[], "published"),
    )
    .await;
    // The coast guard's own seizure names the customs' report.
    let mut body = seizure_json("Lantern", "GREEN", &[], "published");
    body["linked_reports"] = serde_json::json!([report]);
    let seizure = file(&node, &kcg, "/api/v1/seizures", &body).await;

    let browser = node.browser("kcg.analyst").await;
    let response = browser
        .get(node.url(&format!("/seizures/{seizure}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Lantern route through Busan"),
        "the link is shown"
    );
    // The customs' log has the view, naming the report it showed (a read alone keeps
    // its action; several in one page become one `page.view`).
    node.service().flush_audit().await;
    let reads = entries(&node, &auditor, "&actor=kcg.analyst").await;
    let view = reads
        .iter()
        .find(|v| detail(v)["path"] == format!("/seizures/{seizure}"))
        .unwrap_or_else(|| panic!("no read on the seizure page: {reads:?}"));
    assert_eq!(view["target_agency"], "KR-KCS");
    assert_eq!(view["action"], "report.list");
    assert_eq!(detail(view)["records"], serde_json::json!([report]));
}
