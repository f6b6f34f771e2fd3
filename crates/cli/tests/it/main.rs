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
        &["ais"],
        &["ais", "decode"],
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
    assert!(verified.contains("intact: 5 entries"), "{verified}");

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

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
