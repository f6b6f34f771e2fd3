//! Over-common values never correlate: the stop list, and the demotion of values
//! that too many subjects share.

use interdict_correlate::{resolve, Index, IndexOptions, Kind, Options, Scheme, Subject};

fn vessel(name: &str, mmsi: &str) -> Subject {
    Subject::named(Kind::Vessel, name).with_id(Scheme::Mmsi, mmsi)
}

#[test]
fn placeholder_values_do_not_link_records() {
    let mut index = Index::new(IndexOptions::default());
    index.upsert(1, &[vessel("SEA DRAGON", "000000000")]);
    index.upsert(
        2,
        &[Subject::named(Kind::Person, "Kim Ji-hoon").with_id(Scheme::Passport, "UNKNOWN")],
    );
    index.upsert(
        3,
        &[Subject::new(Kind::Phone).with_id(Scheme::Phone, "000-0000-0000")],
    );
    let found = index.matches(
        &[
            vessel("PACIFIC GLORY", "000000000"),
            vessel("EAST WIND", "123456789"),
            Subject::named(Kind::Person, "Maria Santos").with_id(Scheme::Passport, "N/A"),
            Subject::new(Kind::Phone).with_id(Scheme::Phone, "000 0000 0000"),
        ],
        None,
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_phone_shared_by_too_many_records_is_demoted() {
    let options = IndexOptions {
        demote_above: 20,
        ..IndexOptions::default()
    };
    let mut index = Index::new(options);
    // A shipping line's head-office number on 30 unrelated records.
    for r in 0..30u32 {
        index.upsert(
            r,
            &[
                Subject::named(Kind::Person, &format!("Crew Member {r}"))
                    .born(&format!("19{:02}-01-01", 50 + r)),
                Subject::new(Kind::Phone).with_id(Scheme::Phone, "+82 51 440 0000"),
            ],
        );
    }
    // A number on two records only still correlates.
    index.upsert(
        100,
        &[Subject::new(Kind::Phone).with_id(Scheme::Phone, "+82 10 5555 1234")],
    );
    let found = index.matches(
        &[
            Subject::new(Kind::Phone).with_id(Scheme::Phone, "+82-51-440-0000"),
            Subject::new(Kind::Phone).with_id(Scheme::Phone, "010-5555-1234"),
        ],
        None,
    );
    let records: Vec<u32> = found.iter().map(|m| m.record).collect();
    assert_eq!(records, vec![100], "{found:?}");
    assert!(found[0]
        .fields
        .iter()
        .any(|f| f.field == "phone" && f.level == "tail"));
}

#[test]
fn a_common_value_below_demotion_counts_for_little() {
    // Sixteen people share an office e-mail address; each has a different name.
    let names = [
        "Andrew Anderson",
        "Anna Anderson",
        "Jim Muir",
        "Jane Muir",
        "Jorg Swarm",
        "Jorge Barge",
        "Gaston Gray",
        "Henry Howard",
        "Inez Inverness",
        "Julia Jackson",
        "Kandace Kellar",
        "Leslie Leonard",
        "Millie Miller",
        "Nelson Nice",
        "Otto Otter",
        "Penny Pemberton",
    ];
    let mut subjects: Vec<Subject> = names
        .iter()
        .map(|n| Subject::named(Kind::Person, n).with_id(Scheme::Email, "info@ca-state.gov"))
        .collect();
    // And some unrelated people with their own addresses, so that the share of
    // the office address is visible.
    for i in 0..300 {
        subjects.push(
            Subject::named(Kind::Person, &format!("Person{i} Family{}", i % 37))
                .with_id(Scheme::Email, &format!("p{i}@mail{}.kr", i % 7))
                .born(&format!(
                    "19{:02}-{:02}-{:02}",
                    40 + i % 60,
                    1 + i % 12,
                    1 + i % 28
                )),
        );
    }
    let resolution = resolve(&subjects, &Options::default());
    let first: Vec<u32> = resolution.cluster_of[..names.len()].to_vec();
    let mut distinct = first.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= names.len() - 1, "{first:?}");
}
