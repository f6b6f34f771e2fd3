//! Deconfliction hits: the owner's list and the count of those awaiting an answer.

use interdict_core::{RecordKind, RecordStatus, Tlp};
use interdict_store::{HitAnswer, NewHit};
use uuid::Uuid;

use crate::fixtures::*;

backend_tests! {
    /// The count of open hits is of all of them, not of the newest the list shows, and
    /// an answered hit leaves it; the list puts the open ones first.
    async fn open_hits_are_counted_past_the_list(store: Store) {
        seed_agencies(&store).await;
        let report = report(KCS, "부산항 필로폰", Tlp::Red, RecordStatus::Published);
        store.insert_record(&report, &event("report.create")).await.unwrap();
        let hits: Vec<NewHit> = (0..520)
            .map(|i| NewHit {
                id: Uuid::new_v4(),
                at: at(1_700_000_000 + i),
                owner: code(KCS),
                record: report.id,
                kind: RecordKind::Report,
                requester_agency: code(KCG),
                requester: "kcg.officer".into(),
                scheme: "passport".into(),
                value: format!("M{i:08}"),
                from_record: None,
            })
            .collect();
        store.record_hits(&hits).await.unwrap();
        // Another owner's hit is not counted.
        let other = report_of(THAI);
        store.insert_record(&other, &event("report.create")).await.unwrap();
        let mut theirs = hits[0].clone();
        theirs.id = Uuid::new_v4();
        theirs.owner = code(THAI);
        theirs.record = other.id;
        store.record_hits(&[theirs]).await.unwrap();

        assert_eq!(store.hits_on(&code(KCS), 500).await.unwrap().len(), 500);
        assert_eq!(store.open_hits_on(&code(KCS)).await.unwrap(), 520);
        let answer = HitAnswer {
            state: "declined",
            message: "not now",
            by: "kcs.analyst",
            at: at(1_800_000_000),
            disclosure: None,
        };
        store.answer_hit(hits[3].id, &answer, &event("deconfliction.decline")).await.unwrap();
        assert_eq!(store.open_hits_on(&code(KCS)).await.unwrap(), 519);

        // The list shows those awaiting an answer first: the newest, once answered,
        // leaves the first 500 to the open ones and comes after them.
        store.answer_hit(hits[519].id, &answer, &event("deconfliction.decline")).await.unwrap();
        let listed = store.hits_on(&code(KCS), 500).await.unwrap();
        assert!(listed.iter().all(|h| h.state == "open"));
        assert_eq!(listed[0].id, hits[518].id, "open ones newest first");
        let all = store.hits_on(&code(KCS), 600).await.unwrap();
        assert_eq!(all.len(), 520);
        let answered: Vec<Uuid> = all[518..].iter().map(|h| h.id).collect();
        assert_eq!(answered, vec![hits[519].id, hits[3].id], "answered ones after, newest first");
        assert_eq!(store.open_hits_on(&code(THAI)).await.unwrap(), 1);
        assert_eq!(store.open_hits_on(&code(JAPAN)).await.unwrap(), 0);
    }
}

fn report_of(owner: &str) -> interdict_core::Report {
    report(owner, "Laem Chabang", Tlp::Amber, RecordStatus::Published)
}
