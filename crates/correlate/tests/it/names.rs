//! Links on a name alone: the names of vessels and organisations weighed by their
//! rarity among the entities of their kind; persons' names never enough when they
//! are common.

use interdict_correlate::model::RARE_NAME_SHARE;
use interdict_correlate::{resolve, Index, IndexOptions, Kind, Match, Options, Scheme, Subject};

fn vessel(name: &str) -> Subject {
    Subject::named(Kind::Vessel, name)
}

fn person(name: &str) -> Subject {
    Subject::named(Kind::Person, name)
}

fn fields<'a>(m: &'a Match<&'static str>) -> Vec<(&'a str, &'a str)> {
    m.fields
        .iter()
        .map(|f| (f.field.as_str(), f.level.as_str()))
        .collect()
}

/// An index with a few vessels of other names, as a node holds.
fn fleet() -> Index<&'static str> {
    let mut index = Index::new(IndexOptions::default());
    index.upsert(
        "kcg-ocean",
        &[vessel("OCEAN STAR").with_id(Scheme::Imo, "9176187")],
    );
    index.upsert("kcg-sea", &[vessel("SEA DRAGON 7")]);
    index.upsert(
        "kcs-9",
        &[vessel("HAI XING 9").with_id(Scheme::Mmsi, "412345679")],
    );
    index
}

#[test]
fn a_vessel_named_alike_by_two_agencies_links_on_its_name() {
    let mut index = fleet();
    index.upsert("kcg-1", &[vessel("HAI XING 8")]);
    for spelling in ["HAIXING NO.8", "M/V Hai Xing No. 8", "HAI XING EIGHT"] {
        let found = index.matches(&[vessel(spelling)], None);
        assert_eq!(found.len(), 1, "{spelling}: {found:?}");
        let link = &found[0];
        assert_eq!(link.record, "kcg-1");
        assert_eq!(fields(link), vec![("name", "exact")], "{spelling}");
        // No other vessel bears the name: it weighs as one in 250,000 names.
        let weight = link.fields[0].weight;
        assert!(
            (weight - (0.7 / RARE_NAME_SHARE).log2()).abs() < 1e-9,
            "{weight}"
        );
        assert!(link.score > 0.0 && link.probability > 0.6, "{link:?}");
        assert!((link.score - (weight + index.model().prior_weight())).abs() < 1e-9);
    }
    // The record asked about, once indexed itself, finds the same.
    index.upsert("kcs-2", &[vessel("HAIXING NO.8")]);
    let again = index.matches_of(&"kcs-2");
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0].record, "kcg-1");
    assert!(again[0].probability > 0.6);
    // A third agency naming it without an identifier links to both: records that
    // give no identifier are not taken for other vessels of the name.
    let third = index.matches(&[vessel("M/V Hai Xing No. 8")], None);
    let mut records: Vec<&str> = third.iter().map(|m| m.record).collect();
    records.sort_unstable();
    assert_eq!(records, vec!["kcg-1", "kcs-2"], "{third:?}");
}

#[test]
fn hull_numbers_that_differ_never_link() {
    let mut index = fleet();
    index.upsert("kcg-1", &[vessel("HAI XING 8")]);
    let found = index.matches(&[vessel("HAI XING 9")], None);
    assert!(found.iter().all(|m| m.record != "kcg-1"), "{found:?}");
    let found = index.matches(&[vessel("HAIXING NO.10")], None);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_name_several_vessels_bear_does_not_link_alone() {
    let mut index = fleet();
    // Two vessels of one name, told apart by their IMO numbers.
    index.upsert(
        "a",
        &[vessel("GOLDEN BRIDGE").with_id(Scheme::Imo, "9074729")],
    );
    index.upsert(
        "b",
        &[vessel("GOLDEN BRIDGE").with_id(Scheme::Imo, "9176187")],
    );
    let found = index.matches(&[vessel("Golden Bridge")], None);
    assert!(found.is_empty(), "{found:?}");

    // One vessel named in two records with its IMO number is one bearer: a record
    // naming it alone links to both.
    let mut index = fleet();
    index.upsert(
        "a",
        &[vessel("GOLDEN BRIDGE").with_id(Scheme::Imo, "9074729")],
    );
    index.upsert(
        "b",
        &[vessel("M/V GOLDEN BRIDGE").with_id(Scheme::Imo, "IMO 9074729")],
    );
    let mut records: Vec<&str> = index
        .matches(&[vessel("Golden Bridge")], None)
        .iter()
        .map(|m| m.record)
        .collect();
    records.sort_unstable();
    assert_eq!(records, vec!["a", "b"]);

    // Removing a record takes its bearer away again.
    index.upsert(
        "c",
        &[vessel("GOLDEN BRIDGE").with_id(Scheme::Mmsi, "440123450")],
    );
    assert!(index.matches(&[vessel("Golden Bridge")], None).is_empty());
    assert!(index.remove(&"c"));
    assert_eq!(index.matches(&[vessel("Golden Bridge")], None).len(), 2);
}

#[test]
fn a_different_identifier_or_flag_outweighs_a_rare_name() {
    let mut index = fleet();
    index.upsert(
        "kcg-1",
        &[vessel("HAI XING 8")
            .with_id(Scheme::Imo, "9074729")
            .of_nationality("PA")],
    );
    let other_imo = vessel("HAIXING NO.8").with_id(Scheme::Imo, "9176187");
    assert!(index.matches(&[other_imo], None).is_empty());
    let other_flag = vessel("HAIXING NO.8").of_nationality("KR");
    assert!(index.matches(&[other_flag], None).is_empty());
    let same_flag = vessel("HAIXING NO.8").of_nationality("Panama");
    let found = index.matches(&[same_flag], None);
    assert_eq!(found.len(), 1);
    assert!(found[0].probability > 0.8, "{found:?}");
}

#[test]
fn organisations_with_a_rare_name_link_and_placeholders_do_not() {
    let mut index = fleet();
    index.upsert(
        "kcg-1",
        &[Subject::named(
            Kind::Organisation,
            "Haeyang Shipping Co., Ltd.",
        )],
    );
    index.upsert(
        "kcg-2",
        &[Subject::named(Kind::Organisation, "해양해운 주식회사")],
    );
    index.upsert("kcg-3", &[Subject::named(Kind::Organisation, "UNKNOWN")]);
    index.upsert("kcg-4", &[vessel("unnamed boat")]);
    let found = index.matches(
        &[Subject::named(Kind::Organisation, "HAEYANG SHIPPING")],
        None,
    );
    assert_eq!(
        found.iter().map(|m| m.record).collect::<Vec<_>>(),
        vec!["kcg-1"]
    );
    let found = index.matches(&[Subject::named(Kind::Organisation, "(주)해양해운")], None);
    assert_eq!(
        found.iter().map(|m| m.record).collect::<Vec<_>>(),
        vec!["kcg-2"]
    );
    // A name that says the name is not known names no one.
    assert!(index
        .matches(&[Subject::named(Kind::Organisation, "Unknown")], None)
        .is_empty());
    assert!(index.matches(&[vessel("UNNAMED BOAT")], None).is_empty());
    // An organisation and a vessel of one name are two things.
    index.upsert("kcg-5", &[vessel("HAEYANG SHIPPING")]);
    let found = index.matches(
        &[Subject::named(Kind::Organisation, "HAEYANG SHIPPING")],
        None,
    );
    assert!(found.iter().all(|m| m.record != "kcg-5"), "{found:?}");
}

#[test]
fn persons_of_a_common_name_do_not_link_on_name_alone() {
    let mut index = Index::new(IndexOptions::default());
    index.upsert("kcg-1", &[person("Kim Min-jun")]);
    index.upsert("kcg-2", &[person("Lee Ji-eun").of_nationality("KR")]);
    index.upsert(
        "kcg-3",
        &[person("Park Sung-min")
            .of_nationality("KR")
            .born("1979-04-02")],
    );
    for query in [
        person("Kim Min-jun"),
        person("김민준"),
        person("Kim Min-jun").of_nationality("KOR"),
        person("이지은").of_nationality("KR"),
        person("Lee Ji-eun").of_nationality("KR"),
        person("Park Sung-min").of_nationality("KR"),
    ] {
        let found = index.matches(std::slice::from_ref(&query), None);
        assert!(found.is_empty(), "{query:?}: {found:?}");
    }
    // A shared Kim is a one-in-five coincidence among Koreans, and weighs so.
    let found = index.search(&[person("Kim Min-jun")], 5.0);
    let family = found[0]
        .fields
        .iter()
        .find(|f| f.field == "family_name")
        .map(|f| f.weight);
    assert!(family.is_some_and(|w| w < 2.0), "{found:?}");
    // The name with the date of birth links.
    let found = index.matches(
        &[person("박성민").of_nationality("KR").born("1979.04.02")],
        None,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].record, "kcg-3");
}

#[test]
fn batch_resolution_weighs_vessel_names_the_same_way() {
    let mut subjects = vec![
        vessel("HAI XING 8"),
        vessel("HAIXING NO.8"),
        vessel("M/V Hai Xing No. 8"),
        vessel("HAI XING 9"),
        person("Kim Min-jun"),
        person("Kim Min-jun"),
    ];
    for i in 0..200 {
        subjects.push(
            vessel(&format!("PACIFIC {}", 100 + i))
                .with_id(Scheme::Mmsi, &format!("4401{:05}", 23450 + i)),
        );
    }
    let resolution = resolve(&subjects, &Options::default());
    let c = &resolution.cluster_of;
    assert_eq!(c[0], c[1]);
    assert_eq!(c[0], c[2]);
    assert_ne!(c[0], c[3]);
    assert_ne!(c[4], c[5], "{:?}", resolution.links);
}
