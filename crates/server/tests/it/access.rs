//! The access-control matrix: every endpoint that reads or changes records × every
//! role × own agency / partner with agreement / partner with a narrower agreement /
//! expired agreement / no agreement × every handling code and status. The expected
//! outcome is written here as an explicit table, independent of the policy module.

use std::collections::BTreeSet;

use interdict_core::Role;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{
    report_json, seed_world, seizure_json, token_for, Backend, TestNode, AGENCIES,
};

const TLPS: [&str; 5] = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];

#[derive(Clone, Debug)]
struct Rec {
    kind: &'static str,
    id: String,
    owner: &'static str,
    tlp: usize,
    recipients: Vec<&'static str>,
    status: &'static str,
}

fn path_of(kind: &str) -> &'static str {
    if kind == "report" {
        "/api/v1/reports"
    } else {
        "/api/v1/seizures"
    }
}

/// Who may read what in the test world, written out by hand.
fn may_read(reader: &str, role: Role, rec: &Rec) -> bool {
    if !matches!(role, Role::Analyst | Role::WatchOfficer | Role::Coordinator) {
        return false;
    }
    if reader == rec.owner {
        return true;
    }
    if rec.status != "published" {
        return false;
    }
    let red_ok = |r: &Rec| TLPS[r.tlp] != "RED" || r.recipients.contains(&reader);
    match (rec.owner, reader) {
        // Every scope, up to RED.
        ("KR-KCS", "KR-KCG") | ("KR-KCG", "KR-KCS") => red_ok(rec),
        // Intelligence and seizures, up to GREEN.
        ("KR-KCS", "TH-CUSTOMS") | ("TH-CUSTOMS", "KR-KCS") => rec.tlp <= 1,
        // KCS–HSI expired yesterday; Japan has no agreement.
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
async fn create(
    node: &TestNode,
    token: &str,
    kind: &'static str,
    owner: &'static str,
    tlp: usize,
    recipients: Vec<&'static str>,
    status: &'static str,
    n: usize,
) -> Rec {
    let marker = format!("matrixcommon m{n}");
    let create_status = if status == "draft" {
        "draft"
    } else {
        "published"
    };
    let body = if kind == "report" {
        report_json(&marker, TLPS[tlp], &recipients, create_status)
    } else {
        seizure_json(&marker, TLPS[tlp], &recipients, create_status)
    };
    let (code, created) = node.post(path_of(kind), token, &body).await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    if status == "withdrawn" {
        let (code, body) = node
            .post(
                &format!("{}/{id}/withdraw", path_of(kind)),
                token,
                &serde_json::json!({"reason": "test"}),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    Rec {
        kind,
        id,
        owner,
        tlp,
        recipients,
        status,
    }
}

async fn world(node: &TestNode) -> Vec<Rec> {
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    let mut recs = Vec::new();
    let mut n = 0;
    for kind in ["report", "seizure"] {
        for (tlp, label) in TLPS.iter().enumerate() {
            for status in ["draft", "published", "withdrawn"] {
                let recipients = if *label == "RED" {
                    vec!["KR-KCG"]
                } else {
                    vec![]
                };
                recs.push(create(node, &kcs, kind, "KR-KCS", tlp, recipients, status, n).await);
                n += 1;
            }
        }
        // RED naming only a partner whose agreement stops at GREEN is refused, with the
        // reason, instead of showing a recipient who can never receive it.
        let body = if kind == "report" {
            report_json("unreachable", "RED", &["TH-CUSTOMS"], "published")
        } else {
            seizure_json("unreachable", "RED", &["TH-CUSTOMS"], "published")
        };
        let (code, refused) = node.post(path_of(kind), &kcs, &body).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(
            refused
                .to_string()
                .contains("TH-CUSTOMS cannot receive TLP:RED"),
            "{refused}"
        );
        recs.push(create(node, &kcg, kind, "KR-KCG", 2, vec![], "published", n).await);
        n += 1;
        recs.push(create(node, &thai, kind, "TH-CUSTOMS", 1, vec![], "published", n).await);
        n += 1;
    }
    recs
}

fn ids(items: &Value) -> BTreeSet<String> {
    items
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn matrix(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    let recs = world(&node).await;
    let mut checked = 0usize;
    for (agency, short) in AGENCIES {
        for role in Role::ALL {
            let who = format!("{short}.{}", role.as_str());
            let token = token_for(node.service(), &who).await;
            let reader = matches!(role, Role::Analyst | Role::WatchOfficer | Role::Coordinator);
            let writer = matches!(role, Role::Analyst | Role::Coordinator);
            for kind in ["report", "seizure"] {
                let expected: BTreeSet<String> = recs
                    .iter()
                    .filter(|r| r.kind == kind && may_read(agency, role, r))
                    .map(|r| r.id.clone())
                    .collect();
                let (code, page) = node
                    .get(&format!("{}?limit=200", path_of(kind)), &token)
                    .await;
                if reader {
                    assert_eq!(code, StatusCode::OK, "{who} lists {kind}s: {page}");
                    assert_eq!(ids(&page["items"]), expected, "{who} lists {kind}s");
                    assert_eq!(page["total"], expected.len() as i64, "{who} counts {kind}s");
                } else {
                    assert_eq!(code, StatusCode::FORBIDDEN, "{who} lists {kind}s");
                }
                // Filters never widen what is visible.
                let (_, page) = node
                    .get(
                        &format!("{}?limit=200&agency=KR-KCS&tlp=RED", path_of(kind)),
                        &token,
                    )
                    .await;
                if reader {
                    let red: BTreeSet<String> = recs
                        .iter()
                        .filter(|r| {
                            r.kind == kind
                                && r.owner == "KR-KCS"
                                && r.tlp == 4
                                && may_read(agency, role, r)
                        })
                        .map(|r| r.id.clone())
                        .collect();
                    assert_eq!(ids(&page["items"]), red, "{who} lists RED {kind}s of KCS");
                }
            }
            let (code, hits) = node
                .get("/api/v1/search?q=matrixcommon&limit=200", &token)
                .await;
            if reader {
                assert_eq!(code, StatusCode::OK, "{who} searches: {hits}");
                let expected: BTreeSet<String> = recs
                    .iter()
                    .filter(|r| may_read(agency, role, r))
                    .map(|r| r.id.clone())
                    .collect();
                assert_eq!(ids(&hits["items"]), expected, "{who} searches");
                assert_eq!(hits["total"], expected.len() as i64, "{who} search count");
            } else {
                assert_eq!(code, StatusCode::FORBIDDEN, "{who} searches");
            }
            for rec in &recs {
                let visible = may_read(agency, role, rec);
                let own = rec.owner == agency;
                let path = format!("{}/{}", path_of(rec.kind), rec.id);
                let (code, body) = node.get(&path, &token).await;
                let want = if visible {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(code, want, "{who} reads {rec:?}: {body}");
                if !visible {
                    assert_eq!(
                        body["error"]["code"], "not_found",
                        "{who}: an invisible record looks like none"
                    );
                }
                let (code, _) = node.get(&format!("{path}/versions"), &token).await;
                let want = match (visible, own) {
                    (false, _) => StatusCode::NOT_FOUND,
                    (true, true) => StatusCode::OK,
                    (true, false) => StatusCode::FORBIDDEN,
                };
                assert_eq!(code, want, "{who} reads the history of {rec:?}");
                // A change on a stale version: the permission gate answers before the
                // version check, so only the record's own writers reach the conflict.
                let body = if rec.kind == "report" {
                    report_json("changed", "GREEN", &[], "published")
                } else {
                    seizure_json("changed", "GREEN", &[], "published")
                };
                let (status, _, _) = node.put(&path, &token, Some("\"999\""), &body).await;
                let want = match (visible, own && writer) {
                    (false, _) => StatusCode::NOT_FOUND,
                    (true, true) => StatusCode::CONFLICT,
                    (true, false) => StatusCode::FORBIDDEN,
                };
                assert_eq!(status, want, "{who} changes {rec:?}");
                // Withdrawing is tried by everyone but the record's own writers (whose
                // withdrawals would change the world under the other cases; the flows
                // tests cover them).
                if !(own && writer) {
                    let (code, _) = node
                        .call(
                            Method::POST,
                            &format!("{path}/withdraw"),
                            Some(&token),
                            Some(&serde_json::json!({})),
                        )
                        .await;
                    let want = if visible {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    };
                    assert_eq!(code, want, "{who} withdraws {rec:?}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "the matrix ran ({checked} cases)");
    node.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_sqlite() {
    matrix(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_postgres() {
    matrix(Backend::Postgres).await;
}

/// The bulk import holds TLP:RED recipients to what the form holds them to: a recipient
/// whose agreements stop below RED is refused, naming the record and the field, and
/// nothing of the batch is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_refuses_red_recipients_who_could_never_receive_it() {
    use interdict_core::{AgencyCode, Report, ReportInput, Username};
    use interdict_service::records::RecordType;

    let node = TestNode::start(Backend::Sqlite).await.expect("sqlite node");
    seed_world(node.service()).await;
    let by = interdict_service::admin::Admin::Console;
    let kcs = AgencyCode::parse("KR-KCS").unwrap();
    let author = Username::parse("kcs.analyst").unwrap();
    let report = |title: &str, recipients: &[&str]| {
        let input: ReportInput =
            serde_json::from_value(report_json(title, "RED", recipients, "published")).unwrap();
        Report::build(
            input,
            uuid::Uuid::new_v4(),
            kcs.clone(),
            author.clone(),
            chrono::Utc::now(),
        )
    };
    let batch = [
        report("to the coast guard", &["KR-KCG"]),
        report("to the Thai customs", &["TH-CUSTOMS"]),
    ];
    let token = token_for(node.service(), "kcs.analyst").await;
    let held = || async {
        let (code, list) = node.get("/api/v1/reports", &token).await;
        assert_eq!(code, StatusCode::OK, "{list}");
        list["total"].as_i64().expect("total")
    };
    let before = held().await;
    let refused = node
        .service()
        .import_records(&by, &batch)
        .await
        .expect_err("a RED recipient who cannot receive it");
    assert_eq!(refused.code(), "invalid_input");
    let fields = refused.fields();
    assert!(
        fields["records[1].handling.recipients[0]"].contains("TH-CUSTOMS cannot receive TLP:RED"),
        "{fields:?}"
    );
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(
        held().await,
        before,
        "nothing of the refused batch is stored"
    );
    let kcg_only = &batch[..1];
    assert_eq!(
        node.service().import_records(&by, kcg_only).await.unwrap(),
        1
    );
    assert_eq!(held().await, before + 1);
    node.finish().await;
}
