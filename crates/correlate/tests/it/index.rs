//! The incremental index: add, replace, remove, and what a query returns.

use interdict_correlate::{Index, IndexOptions, Kind, Scheme, Subject};

#[test]
fn the_vessel_of_two_services_is_linked() {
    // The customs service's report on 해양호 and the coast guard's report on
    // HAE YANG HO with the same IMO.
    let mut index = Index::new(IndexOptions::default());
    index.upsert(
        "customs-7",
        &[Subject::named(Kind::Vessel, "해양호").with_id(Scheme::Imo, "9074729")],
    );
    index.upsert(
        "other",
        &[Subject::named(Kind::Vessel, "OCEAN STAR").with_id(Scheme::Imo, "9176187")],
    );
    let found = index.matches(
        &[Subject::named(Kind::Vessel, "HAE YANG HO").with_id(Scheme::Imo, "IMO 9074729")],
        None,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].record, "customs-7");
    let fields: Vec<(&str, &str)> = found[0]
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.level.as_str()))
        .collect();
    assert!(fields.contains(&("imo", "same")), "{fields:?}");
    assert!(fields.contains(&("name", "exact")), "{fields:?}");
    assert!(found[0].probability > 0.99);
}

#[test]
fn a_hangul_name_finds_its_romanisation() {
    let mut index = Index::new(IndexOptions::default());
    index.upsert(
        "partner-1",
        &[Subject::named(Kind::Person, "Park Sung-min")
            .born("1979-04-02")
            .of_nationality("KOR")],
    );
    index.upsert(
        "partner-2",
        &[Subject::named(Kind::Person, "Park Sung-min")
            .born("1990-11-30")
            .of_nationality("KOR")],
    );
    let found = index.matches(
        &[Subject::named(Kind::Person, "박성민")
            .born("1979.04.02")
            .of_nationality("KR")],
        None,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].record, "partner-1");
    let fields: Vec<(&str, &str)> = found[0]
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.level.as_str()))
        .collect();
    assert!(fields.contains(&("family_name", "exact")), "{fields:?}");
    assert!(fields.contains(&("given_name", "exact")), "{fields:?}");
    assert!(fields.contains(&("birth_date", "same")), "{fields:?}");
    assert!(found[0].fields.iter().all(|f| f.weight.is_finite()));
}

#[test]
fn records_are_replaced_and_removed() {
    let mut index = Index::new(IndexOptions::default());
    let phone = |n: &str| Subject::new(Kind::Phone).with_id(Scheme::Phone, n);
    index.upsert(1, &[phone("+66 81 234 5678")]);
    index.upsert(2, &[phone("+66 81 234 5678")]);
    assert_eq!(index.len(), 2);
    assert_eq!(
        index
            .matches_of(&1)
            .iter()
            .map(|m| m.record)
            .collect::<Vec<_>>(),
        vec![2]
    );
    // Record 2 is corrected to another number: no longer a match.
    index.upsert(2, &[phone("+66 81 999 0000")]);
    assert!(index.matches_of(&1).is_empty());
    assert_eq!(index.subject_count(), 2);
    assert!(index.remove(&2));
    assert!(!index.remove(&2));
    assert_eq!(index.len(), 1);
    assert!(index.matches(&[phone("+66 81 999 0000")], None).is_empty());
    // A record's own entry is left out when asked to.
    assert!(index
        .matches(&[phone("+66 81 234 5678")], Some(&1))
        .is_empty());
}

#[test]
fn identifiers_correlate_across_kinds() {
    // A phone filed as a subject of its own and as a person's phone.
    let mut index = Index::new(IndexOptions::default());
    index.upsert(
        "r1",
        &[
            Subject::named(Kind::Person, "Somchai Jaidee")
                .with_id(Scheme::Phone, "+66 81 234 5678"),
        ],
    );
    let found = index.matches(
        &[Subject::new(Kind::Phone).with_id(Scheme::Phone, "081-234-5678")],
        None,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].subject, 0);
    assert_eq!(found[0].query_subject, 0);
}

#[test]
fn bad_identifiers_are_reported_not_indexed() {
    let mut index = Index::new(IndexOptions::default());
    let problems = index.upsert(
        1,
        &[Subject::named(Kind::Vessel, "X").with_id(Scheme::Imo, "9074728")],
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].to_string(),
        "imo number check digit is 8, expected 9"
    );
}
