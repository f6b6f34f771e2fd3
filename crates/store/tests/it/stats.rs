//! Seizure statistics: the sums the store keeps through single and bulk inserts,
//! changes, withdrawals, attachments and disclosures are those computed from the
//! records as they now stand, split exactly as the policy's statistics visibility says.

use std::collections::BTreeMap;

use interdict_core::policy::{access, access_terms, Principal};
use interdict_core::stats::{seizure_lines, Counts, Part, StatKey};
use interdict_core::{RecordKind, RecordStatus};
use interdict_store::StatsQuery;

use crate::fixtures::*;

/// The parts expected for `principal` from the records themselves.
fn expected_parts(
    records: &[Rec],
    principal: &Principal,
    context: &interdict_core::policy::Context<'_>,
    extras: &Extras,
    by_drug: bool,
) -> BTreeMap<StatKey, (Counts, Counts)> {
    let access = access(principal, RecordKind::Seizure.into(), context);
    let statistics = access.statistics_visibility();
    let mut out: BTreeMap<StatKey, (Counts, Counts)> = BTreeMap::new();
    for record in records {
        let Rec::Seizure(seizure) = record else {
            continue;
        };
        let meta = extras.meta(record);
        let visible = access.allows(&meta);
        let wider = statistics.admits_wider(&access_terms(&meta));
        for (key, counts) in seizure_lines(seizure) {
            if by_drug == key.drug.is_empty() {
                continue;
            }
            let entry = out.entry(key).or_default();
            if visible {
                entry.0 = entry.0.plus(counts);
            } else if wider {
                entry.1 = entry.1.plus(counts);
            }
        }
    }
    out.retain(|_, (v, h)| v.cases > 0 || h.cases > 0);
    out
}

/// `parts` summed over the columns not in `columns`.
fn projected(
    parts: &BTreeMap<StatKey, (Counts, Counts)>,
    columns: &[&str],
) -> BTreeMap<StatKey, (Counts, Counts)> {
    let keep = |c: &str, value: &str| {
        if columns.contains(&c) {
            value.to_owned()
        } else {
            String::new()
        }
    };
    let mut out: BTreeMap<StatKey, (Counts, Counts)> = BTreeMap::new();
    for (key, (visible, hidden)) in parts {
        let key = StatKey {
            month: keep("month", &key.month),
            drug: keep("drug", &key.drug),
            agency: keep("agency", &key.agency),
            conveyance: keep("conveyance", &key.conveyance),
            origin: keep("origin", &key.origin),
        };
        let entry = out.entry(key).or_default();
        entry.0 = entry.0.plus(*visible);
        entry.1 = entry.1.plus(*hidden);
    }
    out
}

fn as_map(parts: Vec<Part>) -> BTreeMap<StatKey, (Counts, Counts)> {
    parts
        .into_iter()
        .filter(|p| p.visible.cases > 0 || p.hidden.cases > 0)
        .map(|p| (p.key, (p.visible, p.hidden)))
        .collect()
}

backend_tests! {
    async fn statistics_agree_with_the_records_and_the_policy(store: Store) {
        let seed = seed(0x57a7_0001);
        let (records, _, extras) = random_dataset(&store, seed, 240).await;
        let agreements = store.agreements(None).await.unwrap();
        let mut principals: Vec<Principal> =
            actors().into_iter().map(Principal::User).collect();
        principals.push(Principal::System { job: "test" });
        let mut n_hidden = 0;
        for principal in &principals {
            let memberships = match principal {
                Principal::User(actor) => extras.memberships(actor),
                _ => Vec::new(),
            };
            let context = context_of(&agreements, &memberships, &extras);
            let statistics = access(principal, RecordKind::Seizure.into(), &context)
                .statistics_visibility();
            for by_drug in [false, true] {
                let query = StatsQuery {
                    by_drug,
                    ..StatsQuery::default()
                };
                let got = as_map(store.seizure_stats(&statistics, &query).await.unwrap());
                let want = expected_parts(&records, principal, &context, &extras, by_drug);
                n_hidden += want.values().filter(|(_, h)| h.cases > 0).count();
                assert_eq!(got, want, "seed {seed}, {principal:?}, by drug {by_drug}");
                // Grouped without the conveyance, the figures come from the coarser
                // sums (without it, and without the origin too), and are the same.
                for columns in [
                    vec!["drug", "month"],
                    vec!["month", "agency", "origin"],
                    vec!["drug", "origin"],
                    vec![],
                ] {
                    let query = StatsQuery {
                        by_drug,
                        columns: Some(columns.clone()),
                        ..StatsQuery::default()
                    };
                    let got = as_map(store.seizure_stats(&statistics, &query).await.unwrap());
                    assert_eq!(
                        got,
                        projected(&want, &columns),
                        "seed {seed}, {principal:?}, by drug {by_drug}, {columns:?}"
                    );
                }
            }
        }
        assert!(n_hidden > 0, "the data set hides nothing from anyone");
        let published = records
            .iter()
            .filter(|r| matches!(r, Rec::Seizure(s) if s.status == RecordStatus::Published))
            .count();
        assert!(published > 20, "too few published seizures: {published}");

        // A period selects whole months.
        let system = access(
            &Principal::System { job: "test" },
            RecordKind::Seizure.into(),
            &context_of(&agreements, &[], &extras),
        )
        .statistics_visibility();
        let all = as_map(store.seizure_stats(&system, &StatsQuery::default()).await.unwrap());
        let month = all.keys().map(|k| k.month.clone()).max().unwrap();
        let query = StatsQuery {
            from_month: Some(month.clone()),
            to_month: Some(month.clone()),
            ..StatsQuery::default()
        };
        let one = as_map(store.seizure_stats(&system, &query).await.unwrap());
        let want: BTreeMap<_, _> = all.into_iter().filter(|(k, _)| k.month == month).collect();
        assert!(!want.is_empty());
        assert_eq!(one, want);
    }
}
