//! Listing and search return exactly what the policy allows: the branches handed to
//! storage and `Grants::allows` are the same rule, and both engines must apply it alike.

use std::collections::{BTreeMap, BTreeSet};

use interdict_core::policy::{access, Principal};
use interdict_core::record::DrugType;
use interdict_core::text::{matches, query_terms};
use interdict_core::{Agreement, RecordKind, RecordStatus, Tlp};
use interdict_store::{ListFilter, Store};
use uuid::Uuid;

use crate::fixtures::*;

const N_RECORDS: usize = 300;

/// The ids of `records` that `actor` may see and that `keep` accepts.
fn expected_ids(
    records: &[Rec],
    actor: &interdict_core::Actor,
    agreements: &[Agreement],
    extras: &Extras,
    keep: impl Fn(&Rec) -> bool,
) -> BTreeSet<Uuid> {
    let memberships = extras.memberships(actor);
    let context = context_of(agreements, &memberships, extras);
    let principal = Principal::User(actor.clone());
    let reports = access(&principal, RecordKind::Report.into(), &context);
    let seizures = access(&principal, RecordKind::Seizure.into(), &context);
    records
        .iter()
        .filter(|r| {
            let grants = match r.kind() {
                RecordKind::Report => &reports,
                RecordKind::Seizure => &seizures,
                RecordKind::Alert => return false,
            };
            grants.allows(&extras.meta(r)) && keep(r)
        })
        .map(Rec::id)
        .collect()
}

async fn setup(
    store: &Store,
    seed: u64,
) -> (Vec<Rec>, BTreeMap<Uuid, Rec>, Vec<Agreement>, Extras) {
    let (records, mut want, extras) = random_dataset(store, seed, N_RECORDS).await;
    let by_id: BTreeMap<Uuid, Rec> = records.iter().map(|r| (r.id(), r.clone())).collect();
    // The policy works on the agreements as storage returns them.
    let agreements = store.agreements(None).await.unwrap();
    let mut got = agreements.clone();
    want.sort_by_key(|a| a.id);
    got.sort_by_key(|a| a.id);
    assert_eq!(got, want, "agreements read back");
    (records, by_id, agreements, extras)
}

backend_tests! {
    /// For every actor, listing pages through exactly the records `Grants::allows`
    /// admits, for both kinds together and for each kind alone.
    async fn listing_agrees_with_policy(store: Store) {
        let seed = seed(0x1d7e_7d1c);
        let (records, by_id, agreements, extras) = setup(&store, seed).await;
        let mut n_seen_by_someone = BTreeSet::new();
        for actor in actors() {
            let context = format!("seed {seed}, {} {}", actor.agency, actor.roles.to_csv());
            let visible = visible_to(&actor, &agreements, &extras);
            let expected = expected_ids(&records, &actor, &agreements, &extras, |_| true);
            n_seen_by_someone.extend(expected.iter().copied());
            check_listing(&store, &visible, &ListFilter::default(), 17, &expected, &by_id, &context)
                .await;
            for (kind, visibility) in &visible {
                let expected = expected_ids(&records, &actor, &agreements, &extras, |r| r.kind() == *kind);
                check_listing(
                    &store,
                    &[(*kind, visibility.clone())],
                    &ListFilter::default(),
                    50,
                    &expected,
                    &by_id,
                    &format!("{context}, {kind:?} only"),
                )
                .await;
            }
        }
        // The data must be rich enough for the comparison to mean something.
        let partner_visible = records.iter().filter(|r| {
            let m = r.meta();
            m.status == RecordStatus::Published && m.tlp == Tlp::Red && !m.recipients.is_empty()
        });
        assert!(partner_visible.count() > 5, "too few shared RED records");
        let attached = records.iter().filter(|r| {
            let m = extras.meta(r);
            m.status == RecordStatus::Published && !m.compartments.is_empty()
        });
        assert!(attached.count() > 5, "too few published records in operations");
        let disclosed = records.iter().filter(|r| {
            let m = extras.meta(r);
            m.status == RecordStatus::Published && !m.disclosures.is_empty()
        });
        assert!(disclosed.count() > 3, "too few published records disclosed");
        assert_eq!(n_seen_by_someone.len(), records.len(), "some record is visible to nobody");

        // Nothing at all when no kind is visible or a kind has no branch.
        let nothing = BTreeSet::new();
        check_listing(&store, &[], &ListFilter::default(), 10, &nothing, &by_id, "no kinds").await;
        let trainer = actors().into_iter().find(|a| a.username.as_str() == "user-0-3").unwrap();
        check_listing(
            &store,
            &visible_to(&trainer, &agreements, &extras),
            &ListFilter::default(),
            10,
            &nothing,
            &by_id,
            "a reader whose roles read no records",
        )
        .await;
    }

    /// Full-text search finds exactly the visible records whose index text matches the
    /// query by the reference semantics of `interdict_core::text::matches`.
    async fn search_agrees_with_reference_semantics(store: Store) {
        let seed = seed(0x005e_a7c4);
        let (records, by_id, agreements, extras) = setup(&store, seed).await;
        let readers: Vec<_> = actors()
            .into_iter()
            .filter(|a| a.username.as_str().ends_with("-0") || a.username.as_str() == "user-0-3")
            .collect();
        let mut n_hits = 0;
        for query in QUERIES {
            let terms = query_terms(query).unwrap();
            let filter = ListFilter {
                terms: Some(terms.clone()),
                ..ListFilter::default()
            };
            let all_matching = records.iter().filter(|r| matches(&r.index_text(), &terms)).count();
            if query != "amphetamine" {
                assert!(all_matching > 0, "query {query:?} matches no record; the test data is too thin");
            }
            for actor in &readers {
                let context = format!("seed {seed}, query {query:?}, {} {}", actor.agency, actor.roles.to_csv());
                let visible = visible_to(actor, &agreements, &extras);
                let expected = expected_ids(&records, actor, &agreements, &extras, |r| {
                    matches(&r.index_text(), &terms)
                });
                n_hits += expected.len();
                check_listing(&store, &visible, &filter, 40, &expected, &by_id, &context).await;
            }
        }
        assert!(n_hits > 100);
        // A query that matches nothing anywhere.
        let filter = ListFilter {
            terms: query_terms("amphetamine"),
            ..ListFilter::default()
        };
        let page = store
            .list_records(&visible_to(&readers[0], &agreements, &extras), &filter, None, 10)
            .await
            .unwrap();
        assert_eq!((page.items.len(), page.total), (0, 0));
    }

    /// The client's filters narrow what the policy allows and nothing else.
    async fn filters_narrow_the_visible_records(store: Store) {
        let seed = seed(0x0f11_7e25);
        let (records, by_id, agreements, extras) = setup(&store, seed).await;
        let readers: Vec<_> = actors()
            .into_iter()
            .filter(|a| a.username.as_str().ends_with("-0"))
            .collect();
        type Case = (String, ListFilter, Box<dyn Fn(&Rec) -> bool + Send + Sync>);
        let mut cases: Vec<Case> = Vec::new();
        for agency in AGENCY_CODES {
            cases.push((
                format!("agency {agency}"),
                ListFilter { agency: Some(code(agency)), ..ListFilter::default() },
                Box::new(move |r: &Rec| r.meta().agency.as_str() == agency),
            ));
        }
        for status in [RecordStatus::Draft, RecordStatus::Published, RecordStatus::Withdrawn] {
            cases.push((
                format!("status {status:?}"),
                ListFilter { status: Some(status), ..ListFilter::default() },
                Box::new(move |r: &Rec| r.meta().status == status),
            ));
        }
        for tlp in Tlp::ALL {
            cases.push((
                format!("tlp {tlp}"),
                ListFilter { tlp: Some(tlp), ..ListFilter::default() },
                Box::new(move |r: &Rec| r.meta().tlp == tlp),
            ));
        }
        for drug in [DrugType::Methamphetamine, DrugType::Cocaine, DrugType::Nps, DrugType::Other] {
            cases.push((
                format!("drug {drug:?}"),
                ListFilter { drug: Some(drug), ..ListFilter::default() },
                Box::new(move |r: &Rec| r.drugs().contains(&drug)),
            ));
        }
        let (from, to) = (day(2025, 6, 1), day(2025, 12, 31));
        cases.push((
            "from".into(),
            ListFilter { from: Some(from), ..ListFilter::default() },
            Box::new(move |r: &Rec| r.occurred_on().is_some_and(|d| d >= from)),
        ));
        cases.push((
            "to".into(),
            ListFilter { to: Some(to), ..ListFilter::default() },
            Box::new(move |r: &Rec| r.occurred_on().is_some_and(|d| d <= to)),
        ));
        cases.push((
            "from and to, a single day".into(),
            ListFilter { from: Some(from), to: Some(from), ..ListFilter::default() },
            Box::new(move |r: &Rec| r.occurred_on() == Some(from)),
        ));
        cases.push((
            "from and to".into(),
            ListFilter { from: Some(from), to: Some(to), ..ListFilter::default() },
            Box::new(move |r: &Rec| r.occurred_on().is_some_and(|d| from <= d && d <= to)),
        ));
        let terms = query_terms("부산").unwrap();
        let reference = terms.clone();
        cases.push((
            "everything at once".into(),
            ListFilter {
                agency: Some(code(KCG)),
                status: Some(RecordStatus::Published),
                tlp: None,
                drug: Some(DrugType::Methamphetamine),
                from: Some(day(2025, 1, 1)),
                to: Some(day(2026, 12, 31)),
                terms: Some(terms),
                sort: None,
                place_names: Vec::new(),
            },
            Box::new(move |r: &Rec| {
                r.meta().agency.as_str() == KCG
                    && r.meta().status == RecordStatus::Published
                    && r.drugs().contains(&DrugType::Methamphetamine)
                    && r.occurred_on().is_some()
                    && matches(&r.index_text(), &reference)
            }),
        ));
        for (name, filter, keep) in &cases {
            let mut n_matching = 0;
            for actor in &readers {
                let context = format!("seed {seed}, filter {name}, {}", actor.agency);
                let expected = expected_ids(&records, actor, &agreements, &extras, keep);
                n_matching += expected.len();
                check_listing(&store, &visible_to(actor, &agreements, &extras), filter, 25, &expected, &by_id, &context)
                    .await;
            }
            if !name.contains("single day") && !name.contains("at once") {
                assert!(n_matching > 0, "filter {name} selects nothing; the test data is too thin");
            }
        }
    }
}
