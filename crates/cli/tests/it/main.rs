//! The `interdict` binary, run as a user would run it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn interdict(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("INTERDICT_DATABASE_URL")
        .env("INTERDICT_PASSWORD", "a-long-test-password")
        .output()
        .expect("run interdict")
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn every_command_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["demo"],
        &["admin"],
        &["admin", "agency"],
        &["admin", "user"],
        &["admin", "agreement"],
        &["admin", "token"],
        &["audit"],
        &["audit", "verify"],
        &["audit", "checkpoint"],
        &["admin", "node"],
        &["ais"],
        &["ais", "decode"],
        &["stats"],
        &["stats", "seizures"],
    ];
    for command in commands {
        let output = Command::new(env!("CARGO_BIN_EXE_interdict"))
            .args(*command)
            .arg("--help")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && text.contains("Usage:"),
            "{command:?}: {text}"
        );
    }
}

#[test]
fn admin_commands_build_a_node_and_audit_verify_catches_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&interdict(
        data,
        &[
            "admin",
            "agency",
            "add",
            "--code",
            "KR-KCS",
            "--name",
            "Korea Customs Service",
            "--country",
            "KR",
        ],
    ));
    ok(&interdict(
        data,
        &[
            "admin",
            "agency",
            "add",
            "--code",
            "KR-KCG",
            "--name",
            "Korea Coast Guard",
            "--country",
            "KR",
            "--kind",
            "coast_guard",
        ],
    ));
    let listed = ok(&interdict(data, &["admin", "agency", "list"]));
    assert!(
        listed.contains("KR-KCG") && listed.contains("coast_guard"),
        "{listed}"
    );

    ok(&interdict(
        data,
        &[
            "admin",
            "user",
            "add",
            "--username",
            "kcs.analyst",
            "--agency",
            "KR-KCS",
            "--roles",
            "analyst,watch_officer",
        ],
    ));
    let users = ok(&interdict(data, &["admin", "user", "list"]));
    assert!(
        users.contains("kcs.analyst") && users.contains("analyst,watch_officer"),
        "{users}"
    );

    // Bad input is refused with the reason and leaves nothing behind.
    let bad = interdict(
        data,
        &[
            "admin",
            "user",
            "add",
            "--username",
            "x y",
            "--agency",
            "KR-KCS",
            "--roles",
            "analyst",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("username must be"));
    let bad = interdict(
        data,
        &[
            "admin",
            "user",
            "add",
            "--username",
            "ghost",
            "--agency",
            "KR-NONE",
            "--roles",
            "analyst",
        ],
    );
    assert!(!bad.status.success());
    let bad = interdict(
        data,
        &[
            "admin",
            "agreement",
            "add",
            "--title",
            "t",
            "--parties",
            "KR-KCS,KR-KCS",
            "--scopes",
            "intelligence",
            "--from",
            "2023-04-05",
            "--max-tlp",
            "AMBER",
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("two different parties"));

    let added = ok(&interdict(
        data,
        &[
            "admin",
            "agreement",
            "add",
            "--title",
            "KCG-KCS MOU",
            "--parties",
            "KR-KCG,KR-KCS",
            "--scopes",
            "intelligence,surveillance,resources,training,seizures",
            "--from",
            "2023-04-05",
            "--max-tlp",
            "AMBER",
        ],
    ));
    assert!(added.starts_with("added agreement "));
    let agreements = ok(&interdict(data, &["admin", "agreement", "list"]));
    assert!(
        agreements.contains("KCG-KCS MOU") && agreements.contains("TLP:AMBER"),
        "{agreements}"
    );

    let token = ok(&interdict(
        data,
        &[
            "admin",
            "token",
            "create",
            "--username",
            "kcs.analyst",
            "--days",
            "7",
        ],
    ));
    assert!(token.trim().starts_with("idt_"), "{token}");

    let verified = ok(&interdict(data, &["audit", "verify"]));
    assert!(
        verified.contains("5 entries") && verified.contains("audit log intact"),
        "{verified}"
    );

    // Someone with access to the database file edits an entry behind the node's back.
    let db = data.join("interdict.db");
    let runtime = tokio_runtime();
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let broken = interdict(data, &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    let message = String::from_utf8_lossy(&broken.stderr);
    assert!(message.contains("entry 3 was altered"), "{message}");
}

/// Runs statements on the node's SQLite file as an intruder with write access to the
/// database (but not to the node's key) would.
fn tamper(data: &Path, statements: &[String]) {
    let db = data.join("interdict.db");
    tokio_runtime().block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        for statement in statements {
            sqlx::query(statement).execute(&pool).await.unwrap();
        }
        pool.close().await;
    });
}

/// The audit log's entries as stored: seq, at, actor, actor_agency, action, target_kind,
/// target_id, target_agency, detail.
fn entries(data: &Path) -> Vec<Vec<Option<String>>> {
    let db = data.join("interdict.db");
    tokio_runtime().block_on(async {
        use sqlx::Row as _;
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let rows = sqlx::query(
            "SELECT CAST(seq AS TEXT) AS seq, at, actor, actor_agency, action, target_kind, \
             target_id, target_agency, detail FROM audit_log ORDER BY seq",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows.iter()
            .map(|r| (0..9).map(|i| r.get::<Option<String>, _>(i)).collect())
            .collect()
    })
}

/// The hash of an entry as the chain computes it (length-prefixed fields), written
/// out here as an intruder who read the code would.
fn forged_hash(prev: &str, entry: &[Option<String>]) -> String {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    let mut put = |field: Option<&str>| match field {
        None => hasher.update(b"-\n"),
        Some(v) => {
            hasher.update(v.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(v.as_bytes());
            hasher.update(b"\n");
        }
    };
    put(Some(prev));
    for field in entry {
        put(field.as_deref());
    }
    hex::encode(hasher.finalize())
}

fn quote(v: &Option<String>) -> String {
    match v {
        None => "NULL".into(),
        Some(s) => format!("'{}'", s.replace('\'', "''")),
    }
}

/// Regression: the audit log could be rewritten without `audit verify` noticing, by
/// cutting the tail and setting the head back, or by editing an entry and recomputing
/// every later hash and the head with plain SHA-256. Signed checkpoints kept outside the
/// database catch both; a cut after the last checkpoint is reported as unvouched.
#[test]
fn audit_verify_catches_a_cut_tail_and_a_rehashed_chain_that_the_hash_chain_alone_missed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for args in [
        &[
            "admin",
            "agency",
            "add",
            "--code",
            "KR-KCS",
            "--name",
            "KCS",
            "--country",
            "KR",
        ][..],
        &[
            "admin",
            "agency",
            "add",
            "--code",
            "KR-KCG",
            "--name",
            "KCG",
            "--country",
            "KR",
        ][..],
        &[
            "admin",
            "user",
            "add",
            "--username",
            "kcs.analyst",
            "--agency",
            "KR-KCS",
            "--roles",
            "analyst",
        ][..],
        &[
            "admin",
            "user",
            "add",
            "--username",
            "kcg.analyst",
            "--agency",
            "KR-KCG",
            "--roles",
            "analyst",
        ][..],
    ] {
        ok(&interdict(data, args));
    }
    // Each command signed a checkpoint when it finished.
    let log = std::fs::read_to_string(data.join("audit-checkpoints.log")).unwrap();
    assert_eq!(log.lines().count(), 4, "{log}");
    let intact = ok(&interdict(data, &["audit", "verify"]));
    assert!(intact.contains("audit log intact"), "{intact}");
    let node = ok(&interdict(data, &["admin", "node"]));
    assert!(node.contains("public key: "), "{node}");
    let exported = ok(&interdict(data, &["audit", "checkpoint", "--export"]));
    let copy = dir.path().join("copy.json");
    std::fs::write(&copy, &exported).unwrap();
    assert!(ok(&interdict(
        data,
        &["audit", "verify", "--checkpoint", copy.to_str().unwrap()]
    ))
    .contains("intact"));

    // 1. The last entries deleted and the stored head set back to match.
    let before = entries(data);
    let n = before.len();
    let backup = data.join("backup.db");
    std::fs::copy(data.join("interdict.db"), &backup).unwrap();
    let mut prev = "0".repeat(64);
    let mut hashes = Vec::new();
    for entry in &before {
        prev = forged_hash(&prev, entry);
        hashes.push(prev.clone());
    }
    tamper(
        data,
        &[
            "DROP TRIGGER audit_log_no_delete".into(),
            format!("DELETE FROM audit_log WHERE seq > {}", n - 2),
            format!(
                "UPDATE audit_head SET seq = {}, hash = '{}'",
                n - 2,
                hashes[n - 3]
            ),
        ],
    );
    let cut = interdict(data, &["audit", "verify"]);
    assert_eq!(cut.status.code(), Some(1));
    let message = String::from_utf8_lossy(&cut.stderr);
    assert!(
        message.contains(&format!("ends at entry {}", n - 2))
            && message.contains(&format!("vouches for {n} entries")),
        "{message}"
    );

    // 2. An entry edited, every later hash and the head recomputed.
    std::fs::copy(&backup, data.join("interdict.db")).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.join(format!("interdict.db{suffix}")));
    }
    let mut forged = before.clone();
    forged[2][2] = Some("intruder".into());
    let mut statements = vec!["DROP TRIGGER audit_log_no_update".to_owned()];
    let mut prev = "0".repeat(64);
    for entry in &forged {
        let hash = forged_hash(&prev, entry);
        statements.push(format!(
            "UPDATE audit_log SET actor = {}, prev_hash = '{prev}', hash = '{hash}' WHERE seq = {}",
            quote(&entry[2]),
            entry[0].as_deref().unwrap()
        ));
        prev = hash;
    }
    statements.push(format!("UPDATE audit_head SET hash = '{prev}'"));
    tamper(data, &statements);
    let rewritten = interdict(data, &["audit", "verify"]);
    assert_eq!(rewritten.status.code(), Some(1));
    let message = String::from_utf8_lossy(&rewritten.stderr);
    assert!(
        message.contains("differs from what a signed checkpoint vouches for"),
        "{message}"
    );

    // 3. The checkpoint log itself cut back to hide the cut tail: the exported copy
    // still tells.
    std::fs::copy(&backup, data.join("interdict.db")).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.join(format!("interdict.db{suffix}")));
    }
    tamper(
        data,
        &[
            "DROP TRIGGER audit_log_no_delete".into(),
            format!("DELETE FROM audit_log WHERE seq > {}", n - 2),
            format!(
                "UPDATE audit_head SET seq = {}, hash = '{}'",
                n - 2,
                hashes[n - 3]
            ),
        ],
    );
    let log: Vec<String> = std::fs::read_to_string(data.join("audit-checkpoints.log"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    std::fs::write(
        data.join("audit-checkpoints.log"),
        format!("{}\n", log[..2].join("\n")),
    )
    .unwrap();
    let with_copy = interdict(
        data,
        &["audit", "verify", "--checkpoint", copy.to_str().unwrap()],
    );
    assert_eq!(with_copy.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&with_copy.stderr).contains("entries were removed from the end")
    );

    // 4. A forged checkpoint line: its signature does not verify.
    let mut bad = log[3].clone();
    bad = bad.replacen("\"seq\":", "\"seq\":1", 1);
    std::fs::write(
        data.join("audit-checkpoints.log"),
        format!("{}\n{bad}\n", log[0]),
    )
    .unwrap();
    let forged_line = interdict(data, &["audit", "verify"]);
    assert_eq!(forged_line.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&forged_line.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&forged_line.stderr)
    );
}

/// The command line and the API refuse the same things with the same code and write
/// the same audit entries, since both call the same service functions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_and_the_api_obey_the_same_rules_and_audit_alike() {
    use interdict_testkit::{seed_world, token_for, Backend, TestNode};
    use serde_json::{json, Value};
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let data = node.data_dir().to_owned();
    let admin = token_for(node.service(), "kcs.agency_admin").await;
    let cli = |args: Vec<String>, password: &'static str| {
        let data = data.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_interdict"))
                .args(&args)
                .arg("--data-dir")
                .arg(&data)
                .env_remove("INTERDICT_DATABASE_URL")
                .env("INTERDICT_PASSWORD", password)
                .output()
                .unwrap()
        })
    };
    let add = |name: &str| {
        [
            "admin",
            "user",
            "add",
            "--username",
            name,
            "--agency",
            "KR-KCS",
            "--roles",
            "analyst,coordinator",
            "--display-name",
            "Kim",
        ]
        .map(str::to_owned)
        .to_vec()
    };

    // A short password: refused by both, with the same code and field.
    let refused = cli(add("kcs.short"), "short").await.unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("[invalid_input]")
            && stderr.contains("password: needs at least 10 characters"),
        "{stderr}"
    );
    let (status, body) = node
        .post(
            "/api/v1/users",
            &admin,
            &json!({ "username": "kcs.short2", "roles": ["analyst"], "password": "short" }),
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert_eq!(body["error"]["code"], "invalid_input");
    assert_eq!(
        body["error"]["fields"]["password"],
        "needs at least 10 characters"
    );
    // The same user twice: refused by both as already existing.
    let created = cli(add("kcs.cli"), "a-long-enough-password").await.unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let again = cli(add("kcs.cli"), "a-long-enough-password").await.unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("[already_exists]"));
    let (status, body) = node
        .post(
            "/api/v1/users",
            &admin,
            &json!({ "username": "kcs.cli", "roles": ["analyst"], "password": "a-long-enough-password" }),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (409, Some("already_exists"))
    );
    let (status, _) = node
        .post(
            "/api/v1/users",
            &admin,
            &json!({ "username": "kcs.api", "display_name": "Kim", "roles": ["analyst", "coordinator"], "password": "a-long-enough-password" }),
        )
        .await;
    assert_eq!(status.as_u16(), 201);
    // Role changes both ways.
    let roles = cli(
        [
            "admin",
            "user",
            "roles",
            "--username",
            "kcs.cli",
            "--roles",
            "analyst",
        ]
        .map(str::to_owned)
        .to_vec(),
        "",
    )
    .await
    .unwrap();
    assert!(roles.status.success());
    let (status, _) = node
        .call(
            reqwest::Method::PUT,
            "/api/v1/users/kcs.api/roles",
            Some(&admin),
            Some(&json!({ "roles": ["analyst"] })),
        )
        .await;
    assert_eq!(status.as_u16(), 200);

    // The entries differ only in who acted and which user they name.
    let auditor = token_for(node.service(), "kcs.auditor").await;
    let (_, page) = node.get("/api/v1/audit?limit=200", &auditor).await;
    let entries = page["entries"].as_array().unwrap();
    let entry = |action: &str, target: &str| -> Value {
        entries
            .iter()
            .find(|e| e["action"] == action && e["target_id"] == target)
            .cloned()
            .unwrap_or_else(|| panic!("no {action} of {target}"))
    };
    for action in ["user.create", "user.roles"] {
        let by_cli = entry(action, "kcs.cli");
        let by_api = entry(action, "kcs.api");
        assert_eq!(by_cli["actor"], "console");
        assert_eq!(by_api["actor"], "kcs.agency_admin");
        for field in ["target_kind", "target_agency", "detail"] {
            assert_eq!(by_cli[field], by_api[field], "{action} {field}");
        }
    }
    node.finish().await;
}

/// `interdict stats seizures --as` gives the figures the API gives that user, and
/// without `--as` the node's own figures of every published seizure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_on_the_command_line_are_those_of_the_api() {
    use interdict_testkit::{seed_world, seizure_json, token_for, Backend, TestNode};
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;
    for (marker, tlp) in [("a", "GREEN"), ("b", "GREEN"), ("c", "AMBER")] {
        let (status, body) = node
            .post(
                "/api/v1/seizures",
                &kcs,
                &seizure_json(marker, tlp, &[], "published"),
            )
            .await;
        assert_eq!(status.as_u16(), 201, "{body}");
    }
    let data = node.data_dir().to_owned();
    let cli = |args: &'static [&'static str]| {
        let data = data.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_interdict"))
                .args(args)
                .arg("--data-dir")
                .arg(&data)
                .env_remove("INTERDICT_DATABASE_URL")
                .output()
                .unwrap()
        })
    };
    let api = node
        .request(
            reqwest::Method::GET,
            "/api/v1/stats/seizures?by=drug,month&format=csv",
        )
        .token(&thai)
        .send()
        .await;
    assert_eq!(api.status.as_u16(), 200);
    // Thai customs reads the two GREEN seizures; the AMBER one alone is suppressed.
    assert_eq!(
        api.text,
        "drug,month,cases,kilograms,tablets,suppressed\nmethamphetamine,2026-01,2,45,0,true\n"
    );
    let as_thai = cli(&[
        "stats",
        "seizures",
        "--by",
        "drug,month",
        "--format",
        "csv",
        "--as",
        "thai.analyst",
    ])
    .await
    .unwrap();
    assert_eq!(ok(&as_thai), api.text);
    let as_node = cli(&["stats", "seizures", "--by", "drug", "--format", "csv"])
        .await
        .unwrap();
    assert_eq!(
        ok(&as_node),
        "drug,cases,kilograms,tablets,suppressed\nmethamphetamine,3,67.5,0,false\n"
    );
    let nobody = cli(&["stats", "seizures", "--as", "nobody"]).await.unwrap();
    assert_eq!(nobody.status.code(), Some(2));
    let bad = cli(&["stats", "seizures", "--by", "weight"]).await.unwrap();
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("[invalid_input]"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    node.finish().await;
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The pure crates depend on no async runtime, database, HTTP server or client, however
/// indirectly (ARCHITECTURE.md: pure core, I/O at the edge).
#[test]
fn pure_crates_depend_on_no_io_crates() {
    const PURE: &[&str] = &[
        "interdict-core",
        "interdict-ident",
        "interdict-ais",
        "interdict-maritime",
        "interdict-correlate",
        "interdict-datagen",
    ];
    const IO: &[&str] = &[
        "tokio",
        "sqlx",
        "axum",
        "reqwest",
        "hyper",
        "mio",
        "async-nats",
    ];
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let name_of = |id: &str| -> String {
        packages
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let nodes = metadata["resolve"]["nodes"].as_array().unwrap();
    // The normal (not dev, not build) dependencies of a package, by id.
    let deps_of = |id: &str| -> Vec<String> {
        nodes
            .iter()
            .find(|n| n["id"] == id)
            .map(|n| {
                n["deps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|d| {
                        d["dep_kinds"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|k| k["kind"].is_null())
                    })
                    .map(|d| d["pkg"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut checked = 0;
    for package in packages {
        let name = package["name"].as_str().unwrap();
        if !PURE.contains(&name) {
            continue;
        }
        checked += 1;
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![package["id"].as_str().unwrap().to_owned()];
        while let Some(id) = stack.pop() {
            for dep in deps_of(&id) {
                if seen.insert(dep.clone()) {
                    let dep_name = name_of(&dep);
                    assert!(
                        !IO.contains(&dep_name.as_str()),
                        "{name} depends on {dep_name}, which does I/O"
                    );
                    stack.push(dep);
                }
            }
        }
    }
    assert!(checked >= 3, "the pure crates were not found");
}

/// A backup taken while the node runs restores into a node whose records and audit
/// log are intact (SQLite always; PostgreSQL with pg_dump and pg_restore when a server
/// answers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_a_working_node_with_its_audit_log_intact() {
    use interdict_testkit::{report_json, seed_world, token_for, Backend, TestNode};
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(node) = TestNode::start(backend).await else {
            continue;
        };
        seed_world(node.service()).await;
        let kcs = token_for(node.service(), "kcs.analyst").await;
        let (status, created) = node
            .post(
                "/api/v1/reports",
                &kcs,
                &report_json("before the backup", "GREEN", &[], "published"),
            )
            .await;
        assert_eq!(status.as_u16(), 201);
        let data = node.data_dir().to_owned();
        let url = node.state.config.database_url();
        let backup = tempfile::tempdir().unwrap();
        let to = backup.path().join("b");
        let (url_arg, to_arg) = (url.clone(), to.clone());
        let out = tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_interdict"))
                .args(["admin", "backup", "--to"])
                .arg(&to_arg)
                .arg("--data-dir")
                .arg(&data)
                .arg("--database-url")
                .arg(&url_arg)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let key = std::fs::read(node.data_dir().join("node.key")).unwrap();
        assert!(
            !to.join("node.key").exists(),
            "the key stays out of backups"
        );
        node.finish().await;

        // Restore into a new data directory (and a new database), with the key kept apart.
        let restored = tempfile::tempdir().unwrap();
        std::fs::write(restored.path().join("node.key"), &key).unwrap();
        std::fs::copy(
            to.join("audit-checkpoints.log"),
            restored.path().join("audit-checkpoints.log"),
        )
        .unwrap();
        let mut restored_db = None;
        let database_url = match backend {
            Backend::Sqlite => {
                std::fs::copy(
                    to.join("interdict.db"),
                    restored.path().join("interdict.db"),
                )
                .unwrap();
                None
            }
            Backend::Postgres => {
                let (name, new_url) = interdict_testkit::postgres_database().await.unwrap();
                restored_db = Some(name);
                let status = std::process::Command::new("pg_restore")
                    .args(["--no-owner", "--dbname"])
                    .arg(&new_url)
                    .arg(to.join("interdict.dump"))
                    .status()
                    .unwrap();
                assert!(status.success());
                Some(new_url)
            }
        };
        let dir = restored.path().to_owned();
        let db = database_url.clone();
        let verify = tokio::task::spawn_blocking(move || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_interdict"));
            command.args(["audit", "verify", "--data-dir"]).arg(&dir);
            if let Some(url) = &db {
                command.arg("--database-url").arg(url);
            }
            command.output().unwrap()
        })
        .await
        .unwrap();
        assert!(
            verify.status.success(),
            "{backend:?}: {}{}",
            String::from_utf8_lossy(&verify.stdout),
            String::from_utf8_lossy(&verify.stderr)
        );
        let node = TestNode::start_with(backend, |config| {
            config.data_dir = restored.path().to_owned();
            config.database_url = database_url.clone();
        })
        .await
        .unwrap();
        let kcs = token_for(node.service(), "kcs.analyst").await;
        let (status, read) = node
            .get(
                &format!("/api/v1/reports/{}", created["id"].as_str().unwrap()),
                &kcs,
            )
            .await;
        assert_eq!(status.as_u16(), 200);
        assert_eq!(read["title"], "before the backup");
        node.finish().await;
        if let Some(name) = restored_db {
            interdict_testkit::drop_postgres_database(&name).await;
        }
    }
}

/// `interdict demo` starts with the maritime picture loaded: the Korea Coast Guard's
/// source replays the scenario, so that an officer who opens the demo finds vessels on
/// the map and alerts, KCS sees them by the MOU and Japan Customs sees none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_starts_with_the_maritime_scenario_loaded() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    use serde_json::{json, Value};

    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args([
            "demo",
            "--port",
            &port.to_string(),
            "--password",
            "demo-password-1",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("INTERDICT_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Ends the demo (only this child, by its handle) however the test ends.
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout = child.stdout.take().unwrap();
    let child = Stop(child);
    // The demo's output is read to its end: a closed pipe would end the demo.
    let (started, banner) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let reader = BufReader::new(stdout);
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if line.starts_with("Interdict demo at") {
                let _ = started.send(line);
            }
        }
    });
    let banner = tokio::task::spawn_blocking(move || {
        banner
            .recv_timeout(std::time::Duration::from_secs(600))
            .ok()
    })
    .await
    .unwrap();
    assert!(banner.is_some(), "the demo did not start");
    assert!(dir.path().join("scenario.nmea").exists());

    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let token = |username: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let body: Value = http
                .post(format!("{base}/auth/token"))
                .json(&json!({"username": username, "password": "demo-password-1"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["token"].as_str().unwrap().to_owned()
        }
    };
    let get = |path: String, token: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            http.get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let kcg = token("kcg.analyst").await;
    let kcs = token("kcs.analyst").await;
    let japan = token("japan.analyst").await;
    let mut kinds = std::collections::BTreeSet::new();
    for _ in 0..300 {
        let page = get("/alerts?limit=200".into(), kcg.clone()).await;
        kinds = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["kind"].as_str().unwrap().to_owned())
            .collect();
        if kinds.len() >= 6 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    for kind in [
        "encounter",
        "gap",
        "identity",
        "watchlist",
        "zone_entry",
        "high_risk_arrival",
    ] {
        assert!(
            kinds.contains(kind),
            "{kind} missing from the demo's alerts: {kinds:?}"
        );
    }
    // The vessels' current states are written at most every five seconds once a vessel
    // is known (docs/maritime.md), and the replay runs far faster than that.
    let mut vessels = Value::Null;
    for _ in 0..100 {
        vessels = get("/vessels".into(), kcg.clone()).await;
        if vessels.as_array().unwrap().len() >= 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(vessels.as_array().unwrap().len() >= 10, "{vessels}");
    let shared = get("/alerts".into(), kcs).await;
    assert!(shared["total"].as_i64().unwrap() >= 6, "{shared}");
    let none = get("/alerts".into(), japan.clone()).await;
    assert_eq!(none["total"], 0, "{none}");
    assert_eq!(get("/vessels".into(), japan.clone()).await, json!([]));

    // The joint operations: MEKONG TIDE, closed, reproduces the seeds' figures from its
    // linked seizures for its Thai officer; EAST SEA NET goes on at sea; Japan sees
    // neither.
    let thai = token("thai.analyst").await;
    let operations = get("/operations".into(), thai.clone()).await;
    let mekong = operations
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code_name"] == "MEKONG TIDE")
        .unwrap_or_else(|| panic!("{operations}"));
    assert_eq!(mekong["status"], "closed");
    let tally = get(
        format!("/operations/{}/tally", mekong["id"].as_str().unwrap()),
        thai,
    )
    .await;
    assert_eq!(tally["cases"], 35, "{tally}");
    assert_eq!(
        tally["quantities"],
        json!([
            { "drug": "methamphetamine", "unit": "kg", "quantity": 22.0 },
            { "drug": "yaba", "unit": "tablets", "quantity": 290000.0 }
        ]),
        "{tally}"
    );
    let kcg_operations = get("/operations".into(), kcg).await;
    assert!(
        kcg_operations
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["code_name"] == "EAST SEA NET" && o["status"] == "active"),
        "{kcg_operations}"
    );
    assert_eq!(get("/operations".into(), japan).await, json!([]));

    // The demo's course issued a certificate; its PDF verifies with the command line,
    // and the same file altered does not.
    let trainer = token("kcs.training").await;
    let certificates = get("/certificates".into(), trainer.clone()).await;
    let id = certificates
        .as_array()
        .and_then(|list| list.first())
        .and_then(|c| c["id"].as_str())
        .unwrap_or_else(|| panic!("{certificates}"))
        .to_owned();
    let pdf = http
        .get(format!("{base}/certificates/{id}/pdf"))
        .bearer_auth(&trainer)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let file = dir.path().join("certificate.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let verified = interdict(
        dir.path(),
        &["certificate", "verify", file.to_str().unwrap()],
    );
    let said = ok(&verified);
    assert!(said.contains("GENUINE") && said.contains(&id), "{said}");
    // One character of the signed content (base64, in the document's information
    // dictionary, which is what verification reads) changed.
    let key = b"/InterdictCertificate (";
    let at = pdf
        .windows(key.len())
        .position(|w| w == key)
        .expect("the signed content is in the file")
        + key.len()
        + 10;
    let mut altered = pdf.to_vec();
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&file, &altered).unwrap();
    let refused = interdict(
        dir.path(),
        &["certificate", "verify", file.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stdout).contains("NOT GENUINE"));

    // Every demo account finds its work on its first page: records, alerts and
    // operations for officers, loans to answer for the dog units, sessions for the
    // trainers, the agency's users for administrators.
    let web = format!("http://127.0.0.1:{port}");
    for (username, expected) in [
        (
            "kcs.analyst",
            &[
                "href=\"/seizures/",
                "href=\"/reports/",
                "id=\"work-alerts\"",
            ][..],
        ),
        (
            "kcg.analyst",
            &["href=\"/seizures/", "href=\"/operations/"][..],
        ),
        ("thai.analyst", &["href=\"/seizures/", "MEKONG TIDE"][..]),
        ("hsi.analyst", &["href=\"/reports/"][..]),
        ("japan.analyst", &["href=\"/reports/"][..]),
        (
            "kcs.ops",
            &["href=\"/operations/", "id=\"work-alerts\""][..],
        ),
        ("kcg.ops", &["EAST SEA NET"][..]),
        ("kcs.training", &["href=\"/training/sessions/"][..]),
        ("kcg.training", &["href=\"/training/sessions/"][..]),
        (
            "kcs.resources",
            &["id=\"work-loans\"", "href=\"/loans\"><strong>"][..],
        ),
        ("kcg.resources", &["id=\"work-loans\""][..]),
        ("kcs.admin", &["id=\"work-admin\"", "kcs.analyst"][..]),
        ("japan.admin", &["id=\"work-admin\"", "japan.analyst"][..]),
    ] {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let login = browser
            .get(format!("{web}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "name=\"csrf\" value=\"";
        let start = login.find(marker).unwrap() + marker.len();
        let csrf = &login[start..start + login[start..].find('"').unwrap()];
        let dashboard = browser
            .post(format!("{web}/login"))
            .form(&[
                ("csrf", csrf),
                ("next", "/"),
                ("username", username),
                ("password", "demo-password-1"),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for needle in expected {
            assert!(
                dashboard.contains(needle),
                "{username}'s first page lacks {needle}"
            );
        }
    }
    drop(child);
}

/// `interdict resources import`: a file with bad rows is refused line by line and
/// writes nothing; a good one is written whole, each resource audited.
#[test]
fn a_register_is_imported_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&interdict(
        data,
        &[
            "admin",
            "agency",
            "add",
            "--code",
            "KR-KCS",
            "--name",
            "Korea Customs Service",
            "--country",
            "KR",
        ],
    ));
    let header = "kind,name,handler,specialisations,certification,certified_until,serial_number,service_due,base_name,base_lat,base_lon,tlp";
    let file = data.join("register.csv");
    std::fs::write(
        &file,
        format!(
            "{header}\n\
             dog,Tori,Han Dong-hoon,methamphetamine;cocaine,operational,2027-07-30,,,Busan Main Customs,35.10,129.04,GREEN\n\
             dog,Baram,,methamphetamine,operational,2027-04-01,,,Incheon,37.46,126.60,\n\
             raman_analyser,TruScan RM,,,,,RA-0001,2027-01-31,Busan New Port,35.08,128.83,GREEN\n\
             submarine,Nautilus,,,,,SUB-1,2027-01-31,Busan,35.1,129.0,GREEN\n"
        ),
    )
    .unwrap();
    let refused = interdict(
        data,
        &[
            "resources",
            "import",
            "--agency",
            "KR-KCS",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(
        errors.contains("register.csv:3:") && errors.contains("register.csv:5:"),
        "{errors}"
    );
    assert!(
        !errors.contains("register.csv:2:") && !errors.contains("register.csv:4:"),
        "{errors}"
    );
    assert!(errors.contains("nothing imported: 2 bad rows"), "{errors}");
    let created = |data: &Path| {
        entries(data)
            .iter()
            .filter(|e| e[4].as_deref() == Some("resource.import"))
            .count()
    };
    assert_eq!(created(data), 0, "nothing is written");

    std::fs::write(
        &file,
        format!(
            "{header}\n\
             dog,Tori,Han Dong-hoon,methamphetamine;cocaine,operational,2027-07-30,,,Busan Main Customs,35.10,129.04,GREEN\n\
             raman_analyser,TruScan RM,,,,,RA-0001,2027-01-31,Busan New Port,35.08,128.83,\n"
        ),
    )
    .unwrap();
    let imported = ok(&interdict(
        data,
        &[
            "resources",
            "import",
            "--agency",
            "KR-KCS",
            file.to_str().unwrap(),
        ],
    ));
    assert!(imported.contains("imported 2 resources"), "{imported}");
    assert_eq!(created(data), 2);
    // An agency the node does not know is refused.
    let unknown = interdict(
        data,
        &[
            "resources",
            "import",
            "--agency",
            "KR-XXX",
            file.to_str().unwrap(),
        ],
    );
    assert!(!unknown.status.success());
}
