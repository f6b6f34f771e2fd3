//! Agreements between agencies.

use interdict_core::{Agreement, Scope, Tlp};
use interdict_store::StoreError;
use sqlx::Row;
use uuid::Uuid;

use crate::fixtures::*;

fn by_id(mut agreements: Vec<Agreement>) -> Vec<Agreement> {
    agreements.sort_by_key(|a| a.id);
    agreements
}

backend_tests! {
    async fn agreements_read_back_equal_and_filter_by_party(store: Store) {
        seed_agencies(&store).await;
        assert!(store.agreements(None).await.unwrap().is_empty());
        let all = agreements();
        for agreement in &all {
            store.create_agreement(agreement, &event("agreement.create")).await.unwrap();
        }
        assert_eq!(by_id(store.agreements(None).await.unwrap()), by_id(all.clone()));
        // Oldest first.
        let froms: Vec<_> = store.agreements(None).await.unwrap().iter().map(|a| a.valid_from).collect();
        assert!(froms.windows(2).all(|w| w[0] <= w[1]), "{froms:?}");

        for party in AGENCY_CODES {
            let party = code(party);
            let want: Vec<Agreement> = all.iter().filter(|a| a.binds(&party)).cloned().collect();
            assert!(!want.is_empty());
            assert_eq!(by_id(store.agreements(Some(&party)).await.unwrap()), by_id(want), "{party}");
        }
        assert!(store.agreements(Some(&code("DE-ZOLL"))).await.unwrap().is_empty());

        // The same id again is a conflict.
        assert!(matches!(
            store.create_agreement(&all[0], &event("agreement.create")).await,
            Err(StoreError::Duplicate { .. })
        ));
        // A party the node does not know: refused, with nothing of it left behind.
        let audit_before = store.verify_audit().await.unwrap();
        let stranger = Agreement {
            id: Uuid::new_v4(),
            title: "with a stranger".into(),
            parties: vec![code("DE-ZOLL"), code(KCS)],
            scopes: vec![Scope::Intelligence],
            valid_from: day(2026, 1, 1),
            valid_to: None,
            max_tlp: Tlp::Green,
        };
        assert!(store.create_agreement(&stranger, &event("agreement.create")).await.is_err());
        assert_eq!(store.agreements(None).await.unwrap().len(), all.len());
        // Listing joins the parties, so count the agreement rows themselves.
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM agreements")
            .fetch_one(&crate::harness::raw(&store).await)
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, all.len() as i64);
        assert_eq!(store.verify_audit().await.unwrap(), audit_before);
    }

    async fn agreements_can_be_ended_and_extended(store: Store) {
        seed_agencies(&store).await;
        let all = agreements();
        for agreement in &all {
            store.create_agreement(agreement, &event("agreement.create")).await.unwrap();
        }
        let open = &all[0];
        assert_eq!(open.valid_to, None);
        store
            .set_agreement_end(open.id, Some(day(2026, 5, 31)), &event("agreement.end"))
            .await
            .unwrap();
        let stored = store.agreements(None).await.unwrap();
        let ended = stored.iter().find(|a| a.id == open.id).unwrap();
        assert_eq!(ended.valid_to, Some(day(2026, 5, 31)));
        assert!(!ended.in_force(today()));
        assert_eq!(ended.parties, open.parties);
        // The others are untouched.
        for a in &all[1..] {
            assert!(stored.contains(a), "{}", a.title);
        }
        // Open-ended again.
        store.set_agreement_end(open.id, None, &event("agreement.extend")).await.unwrap();
        let reopened = store.agreements(None).await.unwrap();
        assert!(reopened.contains(open));

        assert!(matches!(
            store.set_agreement_end(Uuid::new_v4(), None, &event("agreement.end")).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.verify_audit().await.unwrap(), Ok(5 + all.len() as i64 + 2));
    }
}
