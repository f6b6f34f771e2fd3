//! Regression tests of the holes found when the node was attacked: each test is named
//! after what broke.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{
    report_json, seed_world, seizure_json, token_for, Backend, TestNode, PASSWORD,
};

async fn node() -> TestNode {
    let node = TestNode::start(Backend::Sqlite).await.expect("sqlite node");
    seed_world(node.service()).await;
    node
}

/// Logs in as `username` from the client address `forwarded_for` (the test node trusts
/// 127.0.0.1 as a proxy when so configured); returns the status.
async fn login_from(
    node: &TestNode,
    username: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> StatusCode {
    let mut request = node
        .http
        .post(node.url("/api/v1/auth/token"))
        .json(&json!({ "username": username, "password": password }));
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap().status()
}

/// The audit entries an auditor of `agency`'s sees, newest first (all pages).
async fn audit_of(node: &TestNode, auditor: &str) -> Vec<Value> {
    let token = token_for(node.service(), auditor).await;
    let mut entries = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let path = match before {
            Some(b) => format!("/api/v1/audit?limit=200&before={b}"),
            None => "/api/v1/audit?limit=200".to_owned(),
        };
        let (code, page) = node.get(&path, &token).await;
        assert_eq!(code, StatusCode::OK, "{page}");
        entries.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next_before"].as_i64() {
            Some(b) => before = Some(b),
            None => return entries,
        }
    }
}

#[tokio::test]
async fn parallel_logins_were_all_evaluated_before_the_limit_counted_them() {
    let node = node().await;
    // 29 wrong passwords and the right one, all sent at once.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..30 {
        let http = node.http.clone();
        let url = node.url("/api/v1/auth/token");
        let password = if i == 17 { PASSWORD } else { "wrong password" };
        set.spawn(async move {
            http.post(url)
                .json(&json!({ "username": "kcg.analyst", "password": password }))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = set.join_next().await {
        statuses.push(status.unwrap());
    }
    let evaluated = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED || **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        evaluated <= 5,
        "{evaluated} attempts evaluated: {statuses:?}"
    );
    assert_eq!(evaluated + refused, 30, "{statuses:?}");
    node.finish().await;
}

#[tokio::test]
async fn a_stranger_could_lock_an_officer_out_and_a_proxy_was_every_user() {
    let node = TestNode::start_with(Backend::Sqlite, |config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
    .unwrap();
    seed_world(node.service()).await;
    // The officer works from 10.1.1.1 and has logged in from there before.
    assert_eq!(
        login_from(&node, "kcs.analyst", PASSWORD, Some("10.1.1.1")).await,
        StatusCode::CREATED
    );
    // A stranger guesses from many addresses.
    for i in 0..40 {
        let status = login_from(
            &node,
            "kcs.analyst",
            "guess",
            Some(&format!("203.0.113.{i}")),
        )
        .await;
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
    }
    // The stranger is slowed down...
    assert_eq!(
        login_from(&node, "kcs.analyst", PASSWORD, Some("198.51.100.9")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...but the officer, at the usual workstation, is not locked out.
    assert_eq!(
        login_from(&node, "kcs.analyst", PASSWORD, Some("10.1.1.1")).await,
        StatusCode::CREATED
    );
    // Other officers behind the same proxy are not affected by it all.
    assert_eq!(
        login_from(&node, "kcg.analyst", PASSWORD, Some("10.1.1.2")).await,
        StatusCode::CREATED
    );
    node.finish().await;

    // A node that does not trust the client's proxy ignores the header: a client
    // cannot choose the address its failures are counted under.
    let node = node_plain().await;
    for i in 0..5 {
        login_from(
            &node,
            "thai.analyst",
            "guess",
            Some(&format!("203.0.113.{i}")),
        )
        .await;
    }
    assert_eq!(
        login_from(&node, "thai.analyst", PASSWORD, Some("203.0.113.99")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    node.finish().await;
}

async fn node_plain() -> TestNode {
    node().await
}

#[tokio::test]
async fn refused_actions_and_probes_of_hidden_ids_left_no_trace() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    let (_, green) = node
        .post(
            "/api/v1/reports",
            &kcs,
            &report_json("shared", "GREEN", &[], "published"),
        )
        .await;
    let (_, amber) = node
        .post(
            "/api/v1/reports",
            &kcs,
            &report_json("hidden", "AMBER", &[], "published"),
        )
        .await;
    let green_id = green["id"].as_str().unwrap();
    let amber_id = amber["id"].as_str().unwrap();
    // The partner's refused PUT and withdraw of a record it may see.
    let (status, _, _) = node
        .put(
            &format!("/api/v1/reports/{green_id}"),
            &thai,
            Some("\"1\""),
            &report_json("changed", "GREEN", &[], "published"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = node
        .post(
            &format!("/api/v1/reports/{green_id}/withdraw"),
            &thai,
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Probes of an id it may not see, and of one that does not exist.
    for _ in 0..3 {
        let (status, _) = node
            .get(&format!("/api/v1/reports/{amber_id}"), &thai)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = node
        .get(
            "/api/v1/reports/0190a0d0-0000-7000-8000-000000000000",
            &thai,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A failed login.
    assert_eq!(
        login_from(&node, "thai.analyst", "wrong", None).await,
        StatusCode::UNAUTHORIZED
    );

    let thai_log = audit_of(&node, "thai.agency_admin").await;
    let actions: Vec<&str> = thai_log
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"report.update_denied"), "{actions:?}");
    assert!(actions.contains(&"report.withdraw_denied"), "{actions:?}");
    let probes: Vec<&Value> = thai_log
        .iter()
        .filter(|e| e["action"] == "report.read_denied" && e["target_id"] == amber_id)
        .collect();
    assert!(!probes.is_empty(), "{thai_log:#?}");
    // A probe names no owner: the prober's auditors learn nothing the answer did not say.
    assert!(
        probes.iter().all(|e| e["target_agency"].is_null()),
        "{probes:#?}"
    );
    // The owner sees the refused changes of its visible record.
    let kcs_log = audit_of(&node, "kcs.agency_admin").await;
    assert!(kcs_log
        .iter()
        .any(|e| e["action"] == "report.update_denied" && e["actor"] == "thai.analyst"));
    // Failed logins are audited (the node's entries have no agency; the operator sees
    // them through `interdict audit` on the console).
    let all = node.service();
    all.flush_audit().await;
    let report = all.verify_audit(&[]).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    node.finish().await;
}

#[tokio::test]
async fn admin_entries_did_not_say_whom_or_what_they_changed() {
    let node = node().await;
    let admin = token_for(node.service(), "kcs.agency_admin").await;
    let (status, _) = node
        .call(
            Method::PUT,
            "/api/v1/users/kcs.analyst/roles",
            Some(&admin),
            Some(&json!({ "roles": ["analyst", "coordinator"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = node
        .call(
            Method::PUT,
            "/api/v1/users/kcs.analyst/password",
            Some(&admin),
            Some(&json!({ "password": "another-long-password" })),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = node
        .call(
            Method::POST,
            "/api/v1/users/kcs.trainer/disable",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let agreements = node.get("/api/v1/agreements", &admin).await.1;
    let thai = agreements
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["parties"]
                .as_array()
                .unwrap()
                .contains(&json!("TH-CUSTOMS"))
        })
        .unwrap();
    let end = (node.service().today() + chrono::Duration::days(10)).to_string();
    let (status, ended) = node
        .post(
            &format!("/api/v1/agreements/{}/end", thai["id"].as_str().unwrap()),
            &admin,
            &json!({ "on": end }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");

    let log = audit_of(&node, "kcs.agency_admin").await;
    let find = |action: &str| {
        log.iter()
            .find(|e| e["action"] == action)
            .cloned()
            .unwrap_or_else(|| panic!("no {action}"))
    };
    let roles = find("user.roles");
    assert_eq!(roles["target_id"], "kcs.analyst");
    let detail: Value = serde_json::from_str(roles["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["roles"], "analyst,coordinator");
    assert_eq!(detail["previous"], "analyst");
    assert_eq!(find("user.password")["target_id"], "kcs.analyst");
    assert_eq!(find("user.disable")["target_id"], "kcs.trainer");
    let end_entry = find("agreement.end");
    assert_eq!(end_entry["target_id"], thai["id"]);
    let detail: Value = serde_json::from_str(end_entry["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["valid_to"], end);
    node.finish().await;
}

#[tokio::test]
async fn a_password_change_did_not_end_sessions_and_tokens() {
    let node = node().await;
    let admin = token_for(node.service(), "kcs.agency_admin").await;
    let login = |node: &TestNode| {
        let http = node.http.clone();
        let url = node.url("/api/v1/auth/token");
        async move {
            let body: Value = http
                .post(url)
                .json(&json!({ "username": "kcs.analyst", "password": PASSWORD }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["token"].as_str().unwrap().to_owned()
        }
    };
    let session = login(&node).await;
    // A token an administrator made for a program.
    let (status, issued) = node
        .post(
            "/api/v1/users/kcs.analyst/tokens",
            &admin,
            &json!({ "name": "nightly export", "days": 30 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let automation = issued["token"].as_str().unwrap().to_owned();
    assert_eq!(node.get("/api/v1/me", &session).await.0, StatusCode::OK);

    // A new password ends the login; the automation token stays unless asked.
    node.call(
        Method::PUT,
        "/api/v1/users/kcs.analyst/password",
        Some(&admin),
        Some(&json!({ "password": "a-new-password-1" })),
    )
    .await;
    assert_eq!(
        node.get("/api/v1/me", &session).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(node.get("/api/v1/me", &automation).await.0, StatusCode::OK);
    node.call(
        Method::PUT,
        "/api/v1/users/kcs.analyst/password",
        Some(&admin),
        Some(&json!({ "password": PASSWORD, "end_automation_tokens": true })),
    )
    .await;
    assert_eq!(
        node.get("/api/v1/me", &automation).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Removing a role ends them too.
    let session = login(&node).await;
    let (_, issued) = node
        .post(
            "/api/v1/users/kcs.analyst/tokens",
            &admin,
            &json!({ "name": "job", "days": 30 }),
        )
        .await;
    let automation = issued["token"].as_str().unwrap().to_owned();
    let (status, _) = node
        .call(
            Method::PUT,
            "/api/v1/users/kcs.analyst/roles",
            Some(&admin),
            Some(&json!({ "roles": ["watch_officer"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        node.get("/api/v1/me", &session).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        node.get("/api/v1/me", &automation).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Adding a role ends nothing.
    let session = login(&node).await;
    node.call(
        Method::PUT,
        "/api/v1/users/kcs.analyst/roles",
        Some(&admin),
        Some(&json!({ "roles": ["watch_officer", "analyst"] })),
    )
    .await;
    assert_eq!(node.get("/api/v1/me", &session).await.0, StatusCode::OK);

    // Disabling ends everything at once.
    let (_, issued) = node
        .post(
            "/api/v1/users/kcs.analyst/tokens",
            &admin,
            &json!({ "name": "job 2", "days": 30 }),
        )
        .await;
    let automation = issued["token"].as_str().unwrap().to_owned();
    node.call(
        Method::POST,
        "/api/v1/users/kcs.analyst/disable",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        node.get("/api/v1/me", &session).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        node.get("/api/v1/me", &automation).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Enabling again does not bring them back.
    node.call(
        Method::POST,
        "/api/v1/users/kcs.analyst/enable",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        node.get("/api/v1/me", &session).await.0,
        StatusCode::UNAUTHORIZED
    );
    // An administrator of another agency manages nothing here.
    let other = token_for(node.service(), "kcg.agency_admin").await;
    let (status, _) = node
        .call(
            Method::POST,
            "/api/v1/users/kcs.analyst/disable",
            Some(&other),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    node.finish().await;
}

#[tokio::test]
async fn a_seizure_showed_the_id_of_a_linked_report_the_reader_may_not_see() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let (_, hidden) = node
        .post(
            "/api/v1/reports",
            &kcs,
            &report_json("amber source", "AMBER", &[], "published"),
        )
        .await;
    let (_, shared) = node
        .post(
            "/api/v1/reports",
            &kcs,
            &report_json("green source", "GREEN", &[], "published"),
        )
        .await;
    let mut seizure = seizure_json("linked", "GREEN", &[], "published");
    seizure["linked_reports"] = json!([hidden["id"], shared["id"]]);
    let (status, created) = node.post("/api/v1/seizures", &kcs, &seizure).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/seizures/{}", created["id"].as_str().unwrap());
    // The GREEN partner sees the seizure and the GREEN report only.
    let (_, seen) = node.get(&path, &thai).await;
    assert_eq!(seen["linked_reports"], json!([shared["id"]]));
    let (_, page) = node.get("/api/v1/seizures", &thai).await;
    assert_eq!(page["items"][0]["linked_reports"], json!([shared["id"]]));
    // The partner whose agreement reaches AMBER sees both; the owner too.
    let (_, seen) = node.get(&path, &kcg).await;
    assert_eq!(seen["linked_reports"].as_array().unwrap().len(), 2);
    let (_, seen) = node.get(&path, &kcs).await;
    assert_eq!(seen["linked_reports"].as_array().unwrap().len(), 2);
    node.finish().await;
}

#[tokio::test]
async fn cursors_counted_the_hidden_records_between_two_items() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    for i in 0..6 {
        let tlp = if i % 2 == 0 { "GREEN" } else { "AMBER" };
        node.post(
            "/api/v1/reports",
            &kcs,
            &report_json(&format!("r{i}"), tlp, &[], "published"),
        )
        .await;
    }
    let (_, first) = node.get("/api/v1/reports?limit=1", &thai).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    assert!(cursor.parse::<i64>().is_err(), "a number: {cursor}");
    // The same page asked again gives another cursor: it encodes nothing stable.
    let (_, again) = node.get("/api/v1/reports?limit=1", &thai).await;
    assert_ne!(again["next_cursor"].as_str().unwrap(), cursor);
    // It works for the reader it was given to...
    let (status, second) = node
        .get(&format!("/api/v1/reports?limit=1&cursor={cursor}"), &thai)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(second["items"][0]["id"], first["items"][0]["id"]);
    // ...and for nobody else, nor for another listing.
    let (status, body) = node
        .get(&format!("/api/v1/reports?limit=1&cursor={cursor}"), &kcs)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = node
        .get(&format!("/api/v1/seizures?limit=1&cursor={cursor}"), &thai)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Paging through shows exactly the GREEN ones.
    let mut seen = BTreeSet::new();
    let mut next = None::<String>;
    loop {
        let path = match &next {
            Some(c) => format!("/api/v1/reports?limit=1&cursor={c}"),
            None => "/api/v1/reports?limit=1".to_owned(),
        };
        let (_, page) = node.get(&path, &thai).await;
        for item in page["items"].as_array().unwrap() {
            seen.insert(item["title"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["r0", "r2", "r4"].map(str::to_owned).into_iter().collect()
    );
    node.finish().await;
}

#[tokio::test]
async fn the_change_feed_resumes_without_loss_or_repeats_and_shows_only_what_the_reader_may_see() {
    let node = node().await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    let (_, start) = node.get("/api/v1/changes", &thai).await;
    let mut after = start["next"].as_str().unwrap().to_owned();
    let mut created = Vec::new();
    for i in 0..7 {
        let tlp = if i % 3 == 0 { "AMBER" } else { "GREEN" };
        let (_, r) = node
            .post(
                "/api/v1/reports",
                &kcs,
                &report_json(&format!("feed {i}"), tlp, &[], "published"),
            )
            .await;
        created.push((r["id"].as_str().unwrap().to_owned(), tlp));
    }
    // Read two at a time, resuming each time from where the last answer ended.
    let mut seen = Vec::new();
    loop {
        let (status, page) = node
            .get(&format!("/api/v1/changes?after={after}&limit=2"), &thai)
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        for item in items {
            assert_eq!(item["event"], "upsert");
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        after = page["next"].as_str().unwrap().to_owned();
        if items.is_empty() {
            break;
        }
    }
    let green: Vec<String> = created
        .iter()
        .filter(|(_, tlp)| *tlp == "GREEN")
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(
        seen, green,
        "every visible change once, in order, and nothing else"
    );
    // Withdrawing a record the reader saw tells it that it is gone.
    node.post(
        &format!("/api/v1/reports/{}/withdraw", green[0]),
        &kcs,
        &json!({"reason": "wrong"}),
    )
    .await;
    let (_, page) = node
        .get(&format!("/api/v1/changes?after={after}"), &thai)
        .await;
    assert_eq!(page["items"][0]["event"], "removed");
    assert_eq!(page["items"][0]["id"], json!(green[0]));
    // A reader that waits is woken by a change.
    let after = page["next"].as_str().unwrap().to_owned();
    let waiting = {
        let http = node.http.clone();
        let url = node.url(&format!("/api/v1/changes?after={after}&wait=10"));
        let thai = thai.clone();
        tokio::spawn(async move {
            http.get(url)
                .bearer_auth(thai)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    node.post(
        "/api/v1/reports",
        &kcs,
        &report_json("late", "GREEN", &[], "published"),
    )
    .await;
    let page = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
        .await
        .expect("woken")
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    // A position is the reader's own.
    let (status, _) = node
        .get(&format!("/api/v1/changes?after={after}"), &kcs)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    node.finish().await;
}

#[tokio::test]
async fn two_nodes_run_side_by_side_with_their_own_keys_and_data() {
    let a = node().await;
    let b = node().await;
    assert_ne!(a.service().node_key(), b.service().node_key());
    let token_a = token_for(a.service(), "kcs.analyst").await;
    // A token of one node means nothing to the other.
    assert_eq!(
        b.get("/api/v1/me", &token_a).await.0,
        StatusCode::UNAUTHORIZED
    );
    a.post(
        "/api/v1/reports",
        &token_a,
        &report_json("only on a", "GREEN", &[], "published"),
    )
    .await;
    let token_b = token_for(b.service(), "kcs.analyst").await;
    let (_, page) = b.get("/api/v1/reports", &token_b).await;
    assert_eq!(page["total"], 0);
    let (_, info) = a.get("/api/v1/node", &token_a).await;
    assert_eq!(info["public_key"], a.service().node_key());
    assert!(info["checkpoint"]["seq"].as_i64().unwrap() > 0);
    a.finish().await;
    b.finish().await;
}
