//! What a partner's query may touch holds nothing of what the partner may not see, and
//! the change feed is written with the changes, in their order.

use interdict_core::text::query_terms;
use interdict_core::{RecordKind, RecordStatus, Tlp};
use interdict_store::{ChangeOp, ListFilter, Store};
use sqlx::Row;

use crate::fixtures::*;
use crate::harness::raw;

/// The vocabulary tokens for `word` under any access code.
async fn vocabulary_of(store: &Store, word: &str) -> Vec<String> {
    let pool = raw(store).await;
    let rows = sqlx::query("SELECT token FROM search_vocab")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    let suffix = format!("_{word}");
    rows.iter()
        .map(|r| r.get::<String, _>("token"))
        .filter(|t| t.ends_with(&suffix))
        .collect()
}

/// The access rows of a record, as term names.
async fn access_terms_of(store: &Store, id: uuid::Uuid) -> Vec<String> {
    let pool = raw(store).await;
    let rows = sqlx::query(
        "SELECT c.term AS term FROM record_access a JOIN access_codes c ON c.code = a.code \
         JOIN records r ON r.seq = a.seq WHERE CAST(r.id AS TEXT) = $1 ORDER BY c.term",
    )
    .bind(id.to_string())
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.iter().map(|r| r.get::<String, _>("term")).collect()
}

backend_tests! {
    /// Regression: search time revealed words of records hidden from the searcher. The
    /// index and the vocabulary hold a record's words only under the access terms it
    /// carries now; a withdrawn or superseded version leaves nothing under a partner's.
    async fn words_of_withdrawn_and_superseded_versions_leave_what_partners_touch(store: Store) {
        seed_agencies(&store).await;
        let v1 = report(KCS, "zyxwvut 선박", Tlp::Green, RecordStatus::Published);
        store.insert_record(&v1, &event("report.create")).await.unwrap();
        // Under the owner's term and the published GREEN term.
        let tokens = vocabulary_of(&store, "zyxwvut").await;
        assert_eq!(tokens.len(), 2, "{tokens:?}");
        assert_eq!(
            access_terms_of(&store, v1.id).await,
            vec!["o:report:KR-KCS".to_owned(), "p:report:KR-KCS:1".to_owned()]
        );
        // A new version without the word: the word leaves entirely.
        let mut v2 = v1.clone();
        v2.version = 2;
        v2.title = "plain title".into();
        v2.updated_at = at(60);
        store.replace_record(&v2, "kcs.analyst", &event("report.update")).await.unwrap();
        assert!(vocabulary_of(&store, "zyxwvut").await.is_empty());
        // Withdrawn: its words stay under the owner's term only.
        let mut v3 = v2.clone();
        v3.version = 3;
        v3.status = RecordStatus::Withdrawn;
        v3.updated_at = at(120);
        store.replace_record(&v3, "kcs.analyst", &event("report.withdraw")).await.unwrap();
        assert_eq!(access_terms_of(&store, v1.id).await, vec!["o:report:KR-KCS".to_owned()]);
        assert_eq!(vocabulary_of(&store, "plain").await.len(), 1);
        // A partner's search for it walks nothing and finds nothing; the owner's does.
        let filter = ListFilter { terms: query_terms("plain"), ..ListFilter::default() };
        let partner = crate::fixtures::visible_to(
            &actors().into_iter().find(|a| a.agency.as_str() == KCG && a.username.as_str().ends_with("-0")).unwrap(),
            &agreements(),
            &Extras::default(),
        );
        assert_eq!(store.list_records(&partner, &filter, None, 10).await.unwrap().total, 0);
        assert_eq!(store.list_records(&own_reports(KCS), &filter, None, 10).await.unwrap().total, 1);
    }

    /// Every change is in the feed, in the order of its commit, with the access terms
    /// before and after; a write that fails leaves no feed entry.
    async fn the_feed_holds_every_change_in_order_and_nothing_of_failed_writes(store: Store) {
        seed_agencies(&store).await;
        let start = store.feed_head().await.unwrap();
        let mut r = report(KCS, "feed", Tlp::Amber, RecordStatus::Draft);
        store.insert_record(&r, &event("report.create")).await.unwrap();
        r.version = 2;
        r.status = RecordStatus::Published;
        store.replace_record(&r, "a", &event("report.update")).await.unwrap();
        let s = seizure(KCG, "부산신항", Tlp::Green, RecordStatus::Published);
        store.insert_record(&s, &event("seizure.create")).await.unwrap();
        let changes = store.changes_after(start, 100).await.unwrap();
        assert_eq!(changes.len(), 3);
        assert_eq!(
            changes.iter().map(|c| c.pos).collect::<Vec<_>>(),
            vec![start + 1, start + 2, start + 3],
            "positions without gaps"
        );
        assert_eq!(changes[0].op, ChangeOp::Create);
        assert_eq!(changes[0].terms, vec!["o:report:KR-KCS".to_owned()]);
        assert!(changes[0].prev_terms.is_empty());
        assert_eq!(changes[1].op, ChangeOp::Update);
        assert_eq!(changes[1].prev_terms, vec!["o:report:KR-KCS".to_owned()]);
        assert!(changes[1].terms.contains(&"p:report:KR-KCS:2".to_owned()));
        assert_eq!(changes[2].kind, RecordKind::Seizure.into());
        assert_eq!(store.changes_after(start + 2, 100).await.unwrap().len(), 1);

        // A write that fails at its last step writes no feed entry.
        let pool = raw(&store).await;
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, actor_agency, action, target_kind, target_id, \
             target_agency, detail, prev_hash, hash) \
             SELECT seq + 1, '2026-01-01T00:00:00Z', NULL, NULL, 'squat', NULL, NULL, NULL, '{}', hash, 'x' FROM audit_head",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        let other = report(KCS, "never", Tlp::Clear, RecordStatus::Published);
        assert!(store.insert_record(&other, &event("report.create")).await.is_err());
        assert_eq!(store.feed_head().await.unwrap(), start + 3);
        assert_eq!(store.changes_after(start, 100).await.unwrap().len(), 3);
    }

    /// A file attached to a record is a change of the record in the feed, with the
    /// record's access as it stands; a file refused for the count writes nothing.
    async fn an_attachment_is_a_change_of_its_record_in_the_feed(store: Store) {
        seed_agencies(&store).await;
        let r = report(KCS, "with a photo", Tlp::Green, RecordStatus::Published);
        store.insert_record(&r, &event("report.create")).await.unwrap();
        let start = store.feed_head().await.unwrap();
        let file = |n: u8| interdict_store::RecordAttachmentRow {
            id: uuid::Uuid::from_u128(0xa77ac4 + u128::from(n)),
            record: r.id,
            filename: format!("photo-{n}.txt"),
            content_type: "text/plain".into(),
            size: 5,
            sha256: "0".repeat(64),
            content: b"hello".to_vec(),
            thumbnail: None,
            thumbnail_type: None,
            width: None,
            height: None,
            added_by: "kcs.officer".into(),
            added_at: chrono::Utc::now(),
        };
        assert!(store
            .insert_record_attachment(&file(1), 1, &event("report.attach"))
            .await
            .unwrap());
        let changes = store.changes_after(start, 100).await.unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].id, r.id);
        assert_eq!(changes[0].op, ChangeOp::Update);
        assert_eq!(changes[0].kind, RecordKind::Report.into());
        assert_eq!(changes[0].agency.as_str(), KCS);
        let mut terms = changes[0].terms.clone();
        terms.sort();
        assert_eq!(terms, access_terms_of(&store, r.id).await);
        assert_eq!(changes[0].terms, changes[0].prev_terms);
        assert!(!store
            .insert_record_attachment(&file(2), 1, &event("report.attach"))
            .await
            .unwrap());
        assert_eq!(store.feed_head().await.unwrap(), start + 1);
    }
}
