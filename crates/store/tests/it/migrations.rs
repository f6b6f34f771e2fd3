//! Opening a store: migrations on a fresh database, and re-opening an existing one.

use interdict_core::record::DrugType;
use interdict_core::text::query_terms;
use interdict_core::{RecordKind, RecordStatus, Report, Tlp};
use interdict_store::ListFilter;
use interdict_store::{Store, StoreError};
use sqlx::Row;

use crate::fixtures::*;
use crate::harness::{reopen, url_of};

async fn applied_migrations(store: &Store) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success")
        .fetch_one(&crate::harness::raw(store).await)
        .await
        .unwrap()
        .get("n")
}

backend_tests! {
    async fn migrations_apply_and_reopening_keeps_data(store: Store) {
        let n_migrations = applied_migrations(&store).await;
        assert!(n_migrations >= 1);
        // A fresh database: an empty chain whose head is the genesis.
        assert_eq!(store.verify_audit().await.unwrap(), Ok(0));
        assert!(store.agencies().await.unwrap().is_empty());

        seed_agencies(&store).await;
        let report = report(KCS, "부산항에서 필로폰 적발", Tlp::Amber, RecordStatus::Published);
        store.insert_record(&report, &event("report.create")).await.unwrap();

        // Opening again runs the migrator again, which must find nothing to do.
        let again = reopen(&store).await;
        assert_eq!(applied_migrations(&again).await, n_migrations);
        assert_eq!(again.agencies().await.unwrap().len(), AGENCY_CODES.len());
        let stored = again.record(RecordKind::Report, report.id).await.unwrap().unwrap();
        assert_eq!(serde_json::from_str::<Report>(&stored.body).unwrap(), report);
        assert_eq!(again.verify_audit().await.unwrap(), Ok(6));

        // Both handles write to the same chain.
        let second = crate::fixtures::report(KCG, "second", Tlp::Clear, RecordStatus::Published);
        again.insert_record(&second, &event("report.create")).await.unwrap();
        assert!(store.record(RecordKind::Report, second.id).await.unwrap().is_some());
        store.audit(&event("report.read")).await.unwrap();
        assert_eq!(again.verify_audit().await.unwrap(), Ok(8));
        again.close().await;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(8));
    }

    /// Records whose search index is to be built again get it when the store opens:
    /// the `index-search` store task, which a migration that changes the index queues.
    async fn opening_indexes_the_access_terms_of_older_records(store: Store) {
        seed_agencies(&store).await;
        let mut red = report(KCS, "해양호 적발", Tlp::Red, RecordStatus::Published);
        red.handling = handling(Tlp::Red, &[KCG]);
        let draft = report(KCS, "해양호 초안", Tlp::Green, RecordStatus::Draft);
        for record in [&red, &draft] {
            store.insert_record(record, &event("report.create")).await.unwrap();
        }
        let kcg_reads = |store: Store| async move {
            // A KCG analyst under a KCS–KCG agreement that shares RED.
            let agreements = vec![interdict_core::Agreement {
                id: uuid::Uuid::new_v4(),
                title: "KCS–KCG".into(),
                parties: vec![code(KCG), code(KCS)],
                scopes: vec![interdict_core::Scope::Intelligence],
                valid_from: day(2020, 1, 1),
                valid_to: None,
                max_tlp: Tlp::Red,
            }];
            let analyst = actors().into_iter().find(|a| a.username.as_str() == "user-1-0").unwrap();
            let visible = visible_to(&analyst, &agreements, &Extras::default());
            let filter = ListFilter { terms: query_terms("해양호"), drug: Some(DrugType::Yaba), ..ListFilter::default() };
            let page = store.list_records(&visible, &filter, None, 10).await.unwrap();
            page.items.iter().map(|s| s.id).collect::<Vec<_>>()
        };
        assert_eq!(kcg_reads(store.clone()).await, vec![red.id]);

        // The state of a database whose index a migration dropped: empty, task pending.
        let raw = crate::harness::raw(&store).await;
        match store.dialect() {
            interdict_store::Dialect::Sqlite => {
                sqlx::query("INSERT INTO records_fts (records_fts) VALUES ('delete-all')").execute(&raw).await.unwrap();
            }
            interdict_store::Dialect::Postgres => {
                sqlx::query("UPDATE records SET search_vec = ''").execute(&raw).await.unwrap();
            }
        }
        sqlx::query("DELETE FROM search_vocab").execute(&raw).await.unwrap();
        sqlx::query("INSERT INTO store_tasks (name) VALUES ('index-search')").execute(&raw).await.unwrap();
        assert!(kcg_reads(store.clone()).await.is_empty());

        let again = reopen(&store).await;
        assert_eq!(kcg_reads(again.clone()).await, vec![red.id]);
        let pending: i64 = sqlx::query("SELECT COUNT(*) AS n FROM store_tasks")
            .fetch_one(&crate::harness::raw(&again).await).await.unwrap().get("n");
        assert_eq!(pending, 0);
    }

    /// A task this version does not know stops the store from opening.
    async fn unknown_store_tasks_refuse_to_open(store: Store) {
        sqlx::query("INSERT INTO store_tasks (name) VALUES ('from-the-future')").execute(&crate::harness::raw(&store).await).await.unwrap();
        let url = url_of(&store).await;
        match Store::open(&url).await {
            Err(StoreError::Corrupt(message)) => assert!(message.contains("from-the-future"), "{message}"),
            other => panic!("opened: {:?}", other.map(|_| ())),
        }
    }
}

#[tokio::test]
async fn unknown_database_urls_are_refused() {
    for url in ["mysql://localhost/interdict", "interdict.db", ""] {
        assert!(
            matches!(Store::open(url).await, Err(StoreError::Config(_))),
            "{url:?}"
        );
    }
}

#[tokio::test]
async fn open_dir_creates_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a").join("b");
    let store = Store::open_dir(&nested).await.unwrap();
    assert!(nested.join("interdict.db").exists());
    store.close().await;
    // And opens it again.
    let store = Store::open_dir(&nested).await.unwrap();
    assert_eq!(store.verify_audit().await.unwrap(), Ok(0));
    store.close().await;
}
