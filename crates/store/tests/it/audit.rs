//! The audit chain in the database: linear under concurrent writers, append-only, and
//! every kind of tampering found by `verify_audit`.

use std::collections::BTreeSet;

use interdict_core::audit::{entry_hash, AuditBreak, AuditEntry, AuditEvent, GENESIS};
use interdict_core::{RecordStatus, Tlp};
use interdict_store::{Dialect, Store};
use sqlx::Row;

use crate::fixtures::*;

const N_TASKS: usize = 20;
const PER_TASK: usize = 5;

fn task_event(task: usize, i: usize) -> AuditEvent {
    let actor_agency = AGENCY_CODES[task % AGENCY_CODES.len()];
    let target_agency = AGENCY_CODES[(task + 1) % AGENCY_CODES.len()];
    AuditEvent {
        at: at((task * 100 + i) as i64),
        actor: Some(format!("user{task}")),
        actor_agency: Some(actor_agency.into()),
        action: "report.create".into(),
        target_kind: Some("report".into()),
        target_id: None,
        target_agency: Some(target_agency.into()),
        detail: format!(r#"{{"task":{task},"i":{i}}}"#),
    }
}

/// The whole log, oldest first, read through `audit_page` in small pages.
async fn whole_log(store: &Store, agency: Option<&str>) -> Vec<AuditEntry> {
    let mut entries = Vec::new();
    let mut before = None;
    loop {
        let filter = interdict_store::AuditFilter {
            agency: agency.map(str::to_owned),
            ..interdict_store::AuditFilter::default()
        };
        let page = store.audit_page(&filter, before, 7).await.unwrap();
        assert!(page.entries.len() <= 7);
        entries.extend(page.entries);
        match page.next_before {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    entries.reverse();
    entries
}

async fn exec(store: &Store, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sql)
        .execute(&crate::harness::raw(store).await)
        .await
        .map(|_| ())
}

async fn detail_of(store: &Store, seq: i64) -> String {
    sqlx::query("SELECT detail FROM audit_log WHERE seq = $1")
        .bind(seq)
        .fetch_one(&crate::harness::raw(store).await)
        .await
        .unwrap()
        .get("detail")
}

backend_tests! {
    /// Twenty writers at once: every event is in the chain exactly once, numbered
    /// without gaps, each linked to the one before.
    async fn concurrent_appends_stay_linear(store: Store) {
        seed_agencies(&store).await;
        let mut tasks = Vec::new();
        for task in 0..N_TASKS {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..PER_TASK {
                    let owner = AGENCY_CODES[task % AGENCY_CODES.len()];
                    let record = report(owner, &format!("task {task} record {i}"), Tlp::Green, RecordStatus::Published);
                    if i % 2 == 0 {
                        store.insert_record(&record, &task_event(task, i)).await.unwrap();
                    } else {
                        store.audit(&task_event(task, i)).await.unwrap();
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let n = (AGENCY_CODES.len() + N_TASKS * PER_TASK) as i64;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(n));

        let log = whole_log(&store, None).await;
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=n).collect::<Vec<_>>());
        assert_eq!(log[0].prev_hash, GENESIS);
        for pair in log.windows(2) {
            assert_eq!(pair[1].prev_hash, pair[0].hash);
        }
        let details: BTreeSet<&str> = log.iter().map(|e| e.event.detail.as_str()).collect();
        for task in 0..N_TASKS {
            for i in 0..PER_TASK {
                let event = task_event(task, i);
                assert!(details.contains(event.detail.as_str()), "{} missing", event.detail);
                // Stored exactly as given, so it hashes the same.
                let entry = log.iter().find(|e| e.event.detail == event.detail).unwrap();
                assert_eq!(entry.event, event);
            }
        }

        // Per agency: entries where it acts or owns the target, and only those.
        for agency in AGENCY_CODES {
            let filtered = whole_log(&store, Some(agency)).await;
            let want: Vec<&AuditEntry> = log
                .iter()
                .filter(|e| {
                    e.event.actor_agency.as_deref() == Some(agency)
                        || e.event.target_agency.as_deref() == Some(agency)
                })
                .collect();
            assert_eq!(filtered.iter().collect::<Vec<_>>(), want, "{agency}");
        }
    }

    /// The application's connection cannot change or remove entries.
    async fn audit_log_is_append_only(store: Store) {
        seed_agencies(&store).await;
        assert!(exec(&store, "UPDATE audit_log SET detail = '{\"x\":1}' WHERE seq = 2").await.is_err());
        assert!(exec(&store, "UPDATE audit_log SET hash = prev_hash").await.is_err());
        assert!(exec(&store, "DELETE FROM audit_log WHERE seq = 5").await.is_err());
        assert!(exec(&store, "DELETE FROM audit_log").await.is_err());
        assert_eq!(store.verify_audit().await.unwrap(), Ok(5));
        assert_eq!(detail_of(&store, 2).await, "{}");
    }

    /// Whoever goes around the triggers is caught: an edited entry, an edited and
    /// rehashed entry, a forged head, a cut-off tail and a removed entry.
    async fn tampering_is_detected(store: Store) {
        seed_agencies(&store).await;
        for i in 0..10 {
            let record = report(KCS, &format!("r{i}"), Tlp::Amber, RecordStatus::Published);
            store.insert_record(&record, &task_event(0, i)).await.unwrap();
        }
        let n = 15;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(n));
        match store.dialect() {
            Dialect::Sqlite => {
                exec(&store, "DROP TRIGGER audit_log_no_update").await.unwrap();
                exec(&store, "DROP TRIGGER audit_log_no_delete").await.unwrap();
            }
            Dialect::Postgres => {
                exec(&store, "DROP TRIGGER audit_log_no_change ON audit_log").await.unwrap();
            }
        }

        // An edited detail.
        let original = detail_of(&store, 7).await;
        exec(&store, "UPDATE audit_log SET detail = '{\"task\":0,\"i\":99}' WHERE seq = 7").await.unwrap();
        assert_eq!(store.verify_audit().await.unwrap(), Err(AuditBreak::Content { seq: 7 }));
        sqlx::query("UPDATE audit_log SET detail = $1 WHERE seq = 7")
            .bind(original.as_str())
            .execute(&crate::harness::raw(&store).await)
            .await
            .unwrap();
        assert_eq!(store.verify_audit().await.unwrap(), Ok(n));

        // An edited actor with its own hash recomputed: the next link breaks.
        let log = whole_log(&store, None).await;
        let mut forged = log[6].clone();
        forged.event.actor = Some("intruder".into());
        forged.hash = entry_hash(&forged.prev_hash, forged.seq, &forged.event);
        sqlx::query("UPDATE audit_log SET actor = $1, hash = $2 WHERE seq = 7")
            .bind(forged.event.actor.as_deref())
            .bind(forged.hash.as_str())
            .execute(&crate::harness::raw(&store).await)
            .await
            .unwrap();
        assert_eq!(store.verify_audit().await.unwrap(), Err(AuditBreak::Link { seq: 8 }));
        sqlx::query("UPDATE audit_log SET actor = $1, hash = $2 WHERE seq = 7")
            .bind(log[6].event.actor.as_deref())
            .bind(log[6].hash.as_str())
            .execute(&crate::harness::raw(&store).await)
            .await
            .unwrap();
        assert_eq!(store.verify_audit().await.unwrap(), Ok(n));

        // A forged head.
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(log[13].hash.as_str())
            .execute(&crate::harness::raw(&store).await)
            .await
            .unwrap();
        assert_eq!(store.verify_audit().await.unwrap(), Err(AuditBreak::Head));
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(log[14].hash.as_str())
            .execute(&crate::harness::raw(&store).await)
            .await
            .unwrap();
        assert_eq!(store.verify_audit().await.unwrap(), Ok(n));

        // The last entry removed.
        exec(&store, "DELETE FROM audit_log WHERE seq = 15").await.unwrap();
        assert_eq!(
            store.verify_audit().await.unwrap(),
            Err(AuditBreak::Truncated { expected: 15, found: 14 })
        );

        // An entry in the middle removed.
        exec(&store, "DELETE FROM audit_log WHERE seq = 9").await.unwrap();
        assert_eq!(
            store.verify_audit().await.unwrap(),
            Err(AuditBreak::Gap { expected: 9, found: 10 })
        );
    }
}
