//! Storing, reading and replacing records, and that failed writes leave nothing behind.

use interdict_core::record::Conveyance;
use interdict_core::{RecordKind, RecordStatus, Report, Seizure, Tlp};
use interdict_store::{Dialect, ListFilter, Sort, SortKey, Store, StoreError};
use sqlx::Row;
use uuid::Uuid;

use crate::fixtures::*;

/// Everything a failed write must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    records: Vec<(i64, String, i64, String, i64, String)>,
    versions: i64,
    recipients: Vec<(i64, String)>,
    drugs: Vec<(i64, String)>,
    identifiers: i64,
    audit_head: (i64, String),
    audit_entries: i64,
}

async fn snapshot(store: &Store) -> Snapshot {
    let pool = &crate::harness::raw(store).await;
    let records = sqlx::query(
        "SELECT seq, CAST(id AS TEXT) AS id, version, body, tlp, status FROM records ORDER BY seq",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get("seq"),
            r.get("id"),
            r.get("version"),
            r.get("body"),
            r.get("tlp"),
            r.get("status"),
        )
    })
    .collect();
    let count = |table: &'static str| async move {
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap()
            .get::<i64, _>("n")
    };
    let pairs = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
            .collect::<Vec<_>>()
    };
    let head = sqlx::query("SELECT seq, hash FROM audit_head")
        .fetch_one(pool)
        .await
        .unwrap();
    Snapshot {
        records,
        versions: count("record_versions").await,
        recipients: pairs("SELECT seq, agency FROM record_recipients ORDER BY seq, agency").await,
        drugs: pairs("SELECT seq, drug FROM record_drugs ORDER BY seq, drug").await,
        identifiers: count("record_identifiers").await,
        audit_head: (head.get("seq"), head.get("hash")),
        audit_entries: count("audit_log").await,
    }
}

fn is_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(
        result,
        Err(StoreError::Conflict(_) | StoreError::Duplicate { .. })
    )
}

backend_tests! {
    /// A report and a seizure come back exactly as stored.
    async fn records_read_back_equal(store: Store) {
        seed_agencies(&store).await;
        let mut report = report(KCS, "부산항에서 필로폰 적발", Tlp::Red, RecordStatus::Published);
        report.handling = handling(Tlp::Red, &[KCG, THAI]);
        let seizure = seizure(THAI, "ท่าเรือแหลมฉบัง", Tlp::Amber, RecordStatus::Draft);
        let report_seq = store.insert_record(&report, &event("report.create")).await.unwrap();
        let seizure_seq = store.insert_record(&seizure, &event("seizure.create")).await.unwrap();
        assert!(seizure_seq > report_seq);

        let stored = store.record(RecordKind::Report, report.id).await.unwrap().unwrap();
        assert_eq!((stored.seq, stored.kind), (report_seq, RecordKind::Report));
        assert_eq!(serde_json::from_str::<Report>(&stored.body).unwrap(), report);
        let stored = store.record(RecordKind::Seizure, seizure.id).await.unwrap().unwrap();
        assert_eq!((stored.seq, stored.kind), (seizure_seq, RecordKind::Seizure));
        assert_eq!(serde_json::from_str::<Seizure>(&stored.body).unwrap(), seizure);

        // Lookups are by kind as well as id.
        assert!(store.record(RecordKind::Seizure, report.id).await.unwrap().is_none());
        assert!(store.record(RecordKind::Report, Uuid::new_v4()).await.unwrap().is_none());

        // The projections that filters and the policy use.
        let snap = snapshot(&store).await;
        assert_eq!(
            snap.recipients,
            vec![(report_seq, KCG.to_owned()), (report_seq, THAI.to_owned())]
        );
        assert_eq!(
            snap.drugs,
            vec![
                (report_seq, "methamphetamine".to_owned()),
                (report_seq, "yaba".to_owned()),
                (seizure_seq, "methamphetamine".to_owned()),
                (seizure_seq, "yaba".to_owned()),
            ]
        );
        // The vessel's IMO number is an identifier of the report.
        assert!(snap.identifiers >= 1);
        assert_eq!(snap.audit_entries, 7);
    }

    /// Replacing keeps every earlier version, in order, and updates the projections.
    async fn replace_keeps_history(store: Store) {
        seed_agencies(&store).await;
        let v1 = report(KCS, "first", Tlp::Amber, RecordStatus::Draft);
        let seq = store.insert_record(&v1, &event("report.create")).await.unwrap();
        assert!(store.record_versions(seq).await.unwrap().is_empty());

        let mut v2 = v1.clone();
        v2.version = 2;
        v2.title = "second".into();
        v2.status = RecordStatus::Published;
        v2.handling = handling(Tlp::Red, &[HSI]);
        v2.drugs = vec![interdict_core::record::DrugType::Cocaine];
        v2.updated_at = at(60);
        store.replace_record(&v2, "kcs.lead", &event("report.update")).await.unwrap();

        let mut v3 = v2.clone();
        v3.version = 3;
        v3.title = "third".into();
        v3.handling = handling(Tlp::Green, &[]);
        v3.updated_at = at(120);
        store.replace_record(&v3, "kcs.chief", &event("report.update")).await.unwrap();

        let stored = store.record(RecordKind::Report, v1.id).await.unwrap().unwrap();
        assert_eq!(stored.seq, seq, "replacing keeps the position");
        assert_eq!(serde_json::from_str::<Report>(&stored.body).unwrap(), v3);
        let history = store.record_versions(seq).await.unwrap();
        assert_eq!(history.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(serde_json::from_str::<Report>(&history[0].body).unwrap(), v1);
        assert_eq!(serde_json::from_str::<Report>(&history[1].body).unwrap(), v2);
        assert_eq!(history[0].changed_by, "kcs.lead");
        assert_eq!(history[1].changed_by, "kcs.chief");

        let snap = snapshot(&store).await;
        assert!(snap.recipients.is_empty(), "recipients of v2 linger: {:?}", snap.recipients);
        assert_eq!(snap.drugs, vec![(seq, "cocaine".to_owned())]);
        assert_eq!(snap.versions, 2);

        // The summary follows the new version.
        let page = store
            .list_records(
                &own_reports(KCS),
                &ListFilter::default(),
                None,
                10,
            )
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        let listed = Rec::parse(page.items[0].kind, &page.items[0].body);
        assert_eq!(listed.title(), "third");
        assert_eq!(listed.meta().tlp, Tlp::Green);
        assert_eq!(listed.meta().status, RecordStatus::Published);

        // A seizure goes through the same path.
        let s1 = seizure(KCG, "부산신항", Tlp::Clear, RecordStatus::Published);
        let s_seq = store.insert_record(&s1, &event("seizure.create")).await.unwrap();
        let mut s2 = s1.clone();
        s2.version = 2;
        s2.occurred_on = day(2026, 5, 2);
        store.replace_record(&s2, "kcg.analyst", &event("seizure.update")).await.unwrap();
        let stored = store.record(RecordKind::Seizure, s1.id).await.unwrap().unwrap();
        assert_eq!(serde_json::from_str::<Seizure>(&stored.body).unwrap(), s2);
        let history = store.record_versions(s_seq).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(serde_json::from_str::<Seizure>(&history[0].body).unwrap(), s1);
        assert_eq!(store.verify_audit().await.unwrap(), Ok(10));
    }

    /// A replacement naming a version other than the next one is refused and changes
    /// nothing: not the record, not its history, not the audit chain.
    async fn stale_replace_is_a_conflict_and_writes_nothing(store: Store) {
        seed_agencies(&store).await;
        let v1 = report(KCS, "first", Tlp::Amber, RecordStatus::Published);
        store.insert_record(&v1, &event("report.create")).await.unwrap();
        let mut v2 = v1.clone();
        v2.version = 2;
        v2.title = "second".into();
        store.replace_record(&v2, "a", &event("report.update")).await.unwrap();
        let before = snapshot(&store).await;

        // Two editors both started from version 1; the second one loses.
        let mut late = v1.clone();
        late.version = 2;
        late.title = "late".into();
        late.handling = handling(Tlp::Red, &[KCG]);
        assert!(is_conflict(store.replace_record(&late, "b", &event("report.update")).await));
        // Skipping a version is no better, nor is going back.
        for version in [1, 4, 0] {
            late.version = version;
            assert!(
                is_conflict(store.replace_record(&late, "b", &event("report.update")).await),
                "version {version}"
            );
        }
        // A record that does not exist, or not as that kind.
        let mut unknown = v2.clone();
        unknown.id = Uuid::new_v4();
        unknown.version = 3;
        assert!(matches!(
            store.replace_record(&unknown, "b", &event("report.update")).await,
            Err(StoreError::NotFound)
        ));
        let mut other_kind = seizure(KCS, "부산신항", Tlp::Clear, RecordStatus::Published);
        other_kind.id = v1.id;
        other_kind.version = 3;
        assert!(matches!(
            store.replace_record(&other_kind, "b", &event("seizure.update")).await,
            Err(StoreError::NotFound)
        ));

        assert_eq!(snapshot(&store).await, before);
        assert_eq!(store.verify_audit().await.unwrap(), Ok(before.audit_head.0));
        // And the store still takes the right next version.
        let mut v3 = v2.clone();
        v3.version = 3;
        store.replace_record(&v3, "a", &event("report.update")).await.unwrap();
        assert_eq!(store.record_versions(before.records[0].0).await.unwrap().len(), 2);
    }

    /// When a replacement fails at its very last step (the audit append), the history,
    /// the record, its projections and the search index are all rolled back.
    async fn replace_failing_at_the_audit_append_writes_nothing(store: Store) {
        seed_agencies(&store).await;
        let mut v1 = report(KCS, "부산항에서 필로폰 적발", Tlp::Red, RecordStatus::Published);
        v1.handling = handling(Tlp::Red, &[KCG]);
        store.insert_record(&v1, &event("report.create")).await.unwrap();
        // Occupy the next audit sequence number, so that the append of the next
        // write hits the primary key. Inserting is allowed; only changes are blocked.
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, actor_agency, action, target_kind, target_id, \
             target_agency, detail, prev_hash, hash) \
             SELECT seq + 1, '2026-01-01T00:00:00Z', NULL, NULL, 'squat', NULL, NULL, NULL, '{}', hash, 'x' FROM audit_head",
        )
        .execute(&crate::harness::raw(&store).await)
        .await
        .unwrap();
        let before = snapshot(&store).await;

        let mut v2 = v1.clone();
        v2.version = 2;
        v2.title = "인천항으로 코카인 밀반입".into();
        v2.handling = handling(Tlp::Green, &[]);
        v2.drugs = vec![];
        v2.subjects = vec![];
        assert!(store.replace_record(&v2, "a", &event("report.update")).await.is_err());
        assert_eq!(snapshot(&store).await, before);
        let stored = store.record(RecordKind::Report, v1.id).await.unwrap().unwrap();
        assert_eq!(serde_json::from_str::<Report>(&stored.body).unwrap(), v1);
        // The search index still holds the old text, and only the old text.
        let own = own_reports(KCS);
        for (query, hits) in [("부산항", 1), ("인천항", 0)] {
            let filter = ListFilter {
                terms: interdict_core::text::query_terms(query),
                ..ListFilter::default()
            };
            let page = store.list_records(&own, &filter, None, 10).await.unwrap();
            assert_eq!(page.total, hits, "{query}");
        }

        // Inserts fail the same way and leave no record behind.
        let other = report(KCS, "other", Tlp::Clear, RecordStatus::Published);
        assert!(store.insert_record(&other, &event("report.create")).await.is_err());
        assert_eq!(snapshot(&store).await, before);
    }

    /// A prefix finds every term it starts, whether it stands for a few whole terms
    /// (which SQLite expands it into) or for more than the expansion takes; a word
    /// renamed by an edit is found under its new name only; short words match whole.
    async fn prefixes_find_every_term_they_start(store: Store) {
        seed_agencies(&store).await;
        let mut batch: Vec<Report> = (0..150)
            .map(|i| report(KCS, &format!("widget{i:03} 2"), Tlp::Green, RecordStatus::Published))
            .collect();
        batch[0].title = "widgetry 21".into();
        store.insert_records(&batch, &event("report.import")).await.unwrap();
        let mut renamed = batch[1].clone();
        renamed.version = 2;
        renamed.title = "gadget".into();
        store.replace_record(&renamed, "a", &event("report.update")).await.unwrap();

        let own = own_reports(KCS);
        for (query, hits) in [
            ("widget", 149),    // more whole terms than an expansion takes
            ("widget05", 10),   // widget050 … widget059
            ("widget001", 0),   // renamed
            ("widgetr", 1),
            ("gadg", 1),
            ("2", 148),         // whole word: not `21`
            ("wid 2", 148),     // `wid` a prefix, `2` whole
            ("nothing", 0),
        ] {
            let filter = ListFilter {
                terms: interdict_core::text::query_terms(query),
                ..ListFilter::default()
            };
            let page = store.list_records(&own, &filter, None, 200).await.unwrap();
            assert_eq!((page.total, page.items.len() as i64), (hits, hits), "{query}");
        }
    }

    /// Searches whose matches lie far below the newest records page and count right:
    /// PostgreSQL tests the newest few thousand records first and reads the rest
    /// through its GIN index, and a page may straddle the two.
    async fn sparse_old_matches_page_and_count_right(store: Store) {
        seed_agencies(&store).await;
        let titled = |owner: &str, title: String| report(owner, &title, Tlp::Green, RecordStatus::Published);
        // Oldest first: 117 old matches of KCS and 30 of Japan, 6,000 others, then
        // 3 new matches among the newest records: too few to promise the rest of a
        // page nearby, so PostgreSQL reads it from the GIN index.
        let mut all: Vec<Report> = (0..117).map(|i| titled(KCS, format!("ancient {i}"))).collect();
        all.extend((0..30).map(|i| titled(JAPAN, format!("ancient {i}"))));
        all.extend((0..6000).map(|i| titled(if i % 2 == 0 { KCS } else { JAPAN }, format!("filler {i}"))));
        all.extend((117..120).map(|i| titled(KCS, format!("ancient {i}"))));
        for batch in all.chunks(1000) {
            store.insert_records(batch, &event("report.import")).await.unwrap();
        }
        let own = own_reports(KCS);
        let filter = ListFilter { terms: interdict_core::text::query_terms("ancient"), ..ListFilter::default() };
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.list_records(&own, &filter, cursor, 50).await.unwrap();
            assert_eq!((page.total, page.total_capped), (120, false));
            seen.extend(page.items.iter().map(title_of));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let expected: Vec<String> = (0..120).rev().map(|i| format!("ancient {i}")).collect();
        assert_eq!(seen, expected);

        // Matches only far down are found too.
        let old_only = ListFilter { terms: interdict_core::text::query_terms("ancient 5"), ..ListFilter::default() };
        let page = store.list_records(&own, &old_only, None, 50).await.unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(title_of(&page.items[0]), "ancient 5");

        // A word in every other record is counted to the cap from the newest ones.
        let filter = ListFilter { terms: interdict_core::text::query_terms("filler"), ..ListFilter::default() };
        let page = store.list_records(&own, &filter, None, 50).await.unwrap();
        assert_eq!((page.total, page.total_capped, page.items.len()), (1000, true, 50));
        assert_eq!(title_of(&page.items[0]), "filler 5998");

        // And one the reader cannot see anywhere finds nothing, however far it looks.
        let japan_only = ListFilter { terms: interdict_core::text::query_terms("ancient 115"), ..ListFilter::default() };
        let jp = own_reports(JAPAN);
        let page = store.list_records(&jp, &japan_only, None, 50).await.unwrap();
        assert_eq!((page.total, page.items.len()), (0, 0));
    }

    /// A listing sorts by any key it offers, both ways, pages by position to the end,
    /// keeps the filters and the reader's visibility, and puts records without the
    /// key last.
    async fn listings_sort_by_a_key_and_page_by_position(store: Store) {
        seed_agencies(&store).await;
        let places = ["Busan", "incheon", "Gwangyang", "Apia", "Pyeongtaek", "Ulsan", "Mokpo"];
        let mut seizures = Vec::new();
        for (i, place) in places.iter().enumerate() {
            let mut s = seizure(KCS, place, Tlp::Green, RecordStatus::Published);
            // Days out of the order of insertion.
            s.occurred_on = day(2026, 1 + (i as u32 * 5) % 7, 10);
            s.conveyance = if i % 2 == 0 { Conveyance::Vessel } else { Conveyance::AirCargo };
            if i % 3 == 1 {
                s.items[0].drug = interdict_core::record::DrugType::Cocaine;
            }
            seizures.push(s);
        }
        // Another agency's seizure, which the reader must not see in any order.
        seizures.push(seizure(JAPAN, "Aaa hidden", Tlp::Green, RecordStatus::Published));
        store.insert_records(&seizures, &event("seizure.import")).await.unwrap();
        let own = own_records(KCS, RecordKind::Seizure);
        let place_of = |stored: &interdict_store::StoredRecord| -> String {
            serde_json::from_str::<Seizure>(&stored.body).unwrap().place.name
        };
        let day_of = |stored: &interdict_store::StoredRecord| {
            serde_json::from_str::<Seizure>(&stored.body).unwrap().occurred_on
        };

        // By place, ascending and ignoring case, three to a page.
        let filter = ListFilter { sort: Sort::parse("place"), ..ListFilter::default() };
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.list_records(&own, &filter, cursor, 3).await.unwrap();
            assert_eq!((page.total, page.total_capped), (7, false));
            seen.extend(page.items.iter().map(place_of));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, ["Apia", "Busan", "Gwangyang", "incheon", "Mokpo", "Pyeongtaek", "Ulsan"]);

        // By the names a reader sees: Busan shown as "Zz Busan" sorts last.
        let filter = ListFilter {
            sort: Sort::parse("place"),
            place_names: vec![("Busan".into(), "Zz Busan".into())],
            ..ListFilter::default()
        };
        let page = store.list_records(&own, &filter, None, 50).await.unwrap();
        let shown: Vec<_> = page.items.iter().map(place_of).collect();
        assert_eq!(shown, ["Apia", "Gwangyang", "incheon", "Mokpo", "Pyeongtaek", "Ulsan", "Busan"]);

        // By day, descending; and ascending with a date range.
        let filter = ListFilter { sort: Sort::parse("-date"), ..ListFilter::default() };
        let page = store.list_records(&own, &filter, None, 50).await.unwrap();
        let days: Vec<_> = page.items.iter().map(day_of).collect();
        let mut sorted = days.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(days, sorted);
        assert_eq!(days.len(), 7);
        let filter = ListFilter {
            sort: Some(Sort { key: SortKey::Date, descending: false }),
            from: Some(day(2026, 3, 1)),
            to: Some(day(2026, 6, 30)),
            ..ListFilter::default()
        };
        let page = store.list_records(&own, &filter, None, 50).await.unwrap();
        let days: Vec<_> = page.items.iter().map(day_of).collect();
        assert_eq!(days, [day(2026, 3, 10), day(2026, 4, 10), day(2026, 5, 10), day(2026, 6, 10)]);
        assert_eq!(page.total, 4);

        // Through the index (a drug filter) too, by conveyance then newest first.
        let filter = ListFilter {
            sort: Sort::parse("conveyance"),
            drug: Some(interdict_core::record::DrugType::Yaba),
            ..ListFilter::default()
        };
        let page = store.list_records(&own, &filter, None, 50).await.unwrap();
        let conveyances: Vec<_> = page
            .items
            .iter()
            .map(|s| serde_json::from_str::<Seizure>(&s.body).unwrap().conveyance)
            .collect();
        assert_eq!((page.total, page.total_capped), (7, false));
        assert_eq!(conveyances[..3], [Conveyance::AirCargo; 3]);
        assert_eq!(conveyances[3..], [Conveyance::Vessel; 4]);
        assert!(page.items.iter().all(|s| !place_of(s).contains("hidden")));
        // By the first drug, descending: methamphetamine before cocaine.
        let filter = ListFilter { sort: Sort::parse("-drug"), ..ListFilter::default() };
        let page = store.list_records(&own, &filter, None, 50).await.unwrap();
        let drugs: Vec<_> = page
            .items
            .iter()
            .map(|s| serde_json::from_str::<Seizure>(&s.body).unwrap().items[0].drug)
            .collect();
        use interdict_core::record::DrugType::{Cocaine, Methamphetamine as Meth};
        assert_eq!(drugs, [Meth, Meth, Meth, Meth, Meth, Cocaine, Cocaine]);
        // And by full-text terms, counted the same as newest first.
        let unsorted = ListFilter { terms: interdict_core::text::query_terms("Busan"), ..ListFilter::default() };
        let sorted = ListFilter { sort: Sort::parse("-place"), ..unsorted.clone() };
        let (a, b) = (
            store.list_records(&own, &unsorted, None, 50).await.unwrap(),
            store.list_records(&own, &sorted, None, 50).await.unwrap(),
        );
        assert_eq!((a.total, b.total), (1, 1));
        assert_eq!(place_of(&b.items[0]), "Busan");

        // Reports have no day: sorted by day they keep their place, newest first.
        let mut reports = Vec::new();
        for title in ["b", "A", "c"] {
            reports.push(report(KCS, title, Tlp::Green, RecordStatus::Published));
        }
        store.insert_records(&reports, &event("report.import")).await.unwrap();
        let filter = ListFilter { sort: Sort::parse("-title"), ..ListFilter::default() };
        let page = store.list_records(&own_reports(KCS), &filter, None, 50).await.unwrap();
        assert_eq!(page.items.iter().map(title_of).collect::<Vec<_>>(), ["c", "b", "A"]);
        let filter = ListFilter { sort: Sort::parse("date"), ..ListFilter::default() };
        let page = store.list_records(&own_reports(KCS), &filter, None, 50).await.unwrap();
        assert_eq!(page.items.iter().map(title_of).collect::<Vec<_>>(), ["c", "A", "b"]);
        assert_eq!(Sort::parse("-nonsense"), None);
        assert_eq!(Sort::parse("-date").map(Sort::to_param).as_deref(), Some("-date"));
    }

    /// A second record with the same id is a conflict; a bulk import with one bad
    /// record stores none of them.
    async fn duplicate_ids_conflict_and_bulk_insert_is_all_or_nothing(store: Store) {
        seed_agencies(&store).await;
        let first = report(KCS, "one", Tlp::Clear, RecordStatus::Published);
        store.insert_record(&first, &event("report.create")).await.unwrap();
        let before = snapshot(&store).await;
        let mut again = report(KCG, "two", Tlp::Clear, RecordStatus::Published);
        again.id = first.id;
        assert!(is_conflict(store.insert_record(&again, &event("report.create")).await));
        assert_eq!(snapshot(&store).await, before);

        let mut batch: Vec<Report> = (0..5)
            .map(|i| report(KCG, &format!("batch {i}"), Tlp::Green, RecordStatus::Published))
            .collect();
        batch[3].id = first.id;
        assert!(is_conflict(store.insert_records(&batch, &event("report.import")).await));
        assert_eq!(snapshot(&store).await, before);

        // A record of an agency the node does not know is refused too.
        let stranger = report("DE-ZOLL", "unknown agency", Tlp::Clear, RecordStatus::Published);
        assert!(store.insert_record(&stranger, &event("report.create")).await.is_err());
        assert_eq!(snapshot(&store).await, before);

        batch[3].id = Uuid::new_v4();
        store.insert_records(&batch, &event("report.import")).await.unwrap();
        let after = snapshot(&store).await;
        assert_eq!(after.records.len(), 6);
        // One audit entry for the whole import.
        assert_eq!(after.audit_entries, before.audit_entries + 1);
    }

    /// Regression: PostgreSQL's text parser read `3e5kg` as the number `3e5` and the
    /// word `kg`, so that `kg` found records that only say `3e5kg` (hex wallet
    /// addresses and hashes in narratives have this shape). Terms must stay whole.
    async fn search_terms_shaped_like_scientific_notation_stay_whole(store: Store) {
        use interdict_core::text::{matches, query_terms};
        seed_agencies(&store).await;
        let titles = ["wallet 3e5kg", "22 kg", "3e5 kg", "tx 1e9a7f3c", "1e9 a7f3c"];
        let mut reports = Vec::new();
        for title in titles {
            let r = report(KCS, title, Tlp::Clear, RecordStatus::Published);
            store.insert_record(&r, &event("report.create")).await.unwrap();
            reports.push(r);
        }
        let own = own_reports(KCS);
        for query in ["kg", "3e5kg", "3e5", "3e5k", "a7f3c", "1e9a7f3c", "1e9", "1e9a"] {
            let terms = query_terms(query).unwrap();
            let mut want: Vec<String> = reports
                .iter()
                .filter(|r| matches(&interdict_core::Record::index_text(*r), &terms))
                .map(|r| r.title.clone())
                .collect();
            let filter = ListFilter { terms: Some(terms), ..ListFilter::default() };
            let page = store.list_records(&own, &filter, None, 50).await.unwrap();
            let mut got: Vec<String> = page.items.iter().map(title_of).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "query {query:?}");
        }
    }

    /// The records carrying an identifier are found by its exact value, newest first,
    /// without the record asked about, and at most as many as asked.
    async fn records_carrying_an_identifier(store: Store) {
        seed_agencies(&store).await;
        let first = report(KCS, "first", Tlp::Amber, RecordStatus::Published);
        let second = report(KCG, "second", Tlp::Red, RecordStatus::Draft);
        let third = report(THAI, "third", Tlp::Green, RecordStatus::Published);
        let mut other = report(KCS, "other vessel", Tlp::Green, RecordStatus::Published);
        other.subjects.clear();
        let seizure = seizure(KCS, "Busan", Tlp::Green, RecordStatus::Published);
        for record in [&first, &second, &third, &other] {
            store.insert_record(record, &event("report.create")).await.unwrap();
        }
        store.insert_record(&seizure, &event("seizure.create")).await.unwrap();

        let ids = |found: Vec<interdict_store::StoredRecord>| -> Vec<Uuid> {
            found.iter().map(|s| s.id).collect()
        };
        let found = store.records_carrying("imo", "9074729", Some(first.id), 200).await.unwrap();
        assert_eq!(ids(found), vec![third.id, second.id]);
        let found = store.records_carrying("imo", "9074729", None, 200).await.unwrap();
        assert_eq!(ids(found), vec![third.id, second.id, first.id]);
        let found = store.records_carrying("imo", "9074729", None, 1).await.unwrap();
        assert_eq!(ids(found), vec![third.id]);
        // The scheme is part of the key.
        assert!(store.records_carrying("mmsi", "9074729", None, 200).await.unwrap().is_empty());
        assert!(store.records_carrying("imo", "9074730", None, 200).await.unwrap().is_empty());

        // A replaced record carries the identifiers of its new version only.
        let mut gone = third.clone();
        gone.subjects.clear();
        gone.version = 2;
        store.replace_record(&gone, "thai.analyst", &event("report.update")).await.unwrap();
        let found = store.records_carrying("imo", "9074729", None, 200).await.unwrap();
        assert_eq!(ids(found), vec![second.id, first.id]);
    }

    /// The SQL of the dialect in use is the one the store says it speaks.
    async fn dialect_is_reported(store: Store) {
        let version: String = match store.dialect() {
            Dialect::Sqlite => sqlx::query("SELECT sqlite_version() AS v"),
            Dialect::Postgres => sqlx::query("SELECT version()::text AS v"),
        }
        .fetch_one(&crate::harness::raw(&store).await)
        .await
        .unwrap()
        .get("v");
        assert!(!version.is_empty());
        store.ping().await.unwrap();
    }
}
