//! Batch resolution on small sets.

use interdict_correlate::{resolve, Kind, Options, Scheme, Subject};

fn people() -> Vec<Subject> {
    vec![
        Subject::named(Kind::Person, "박성민")
            .born("1979-04-02")
            .with_id(Scheme::Passport, "M12345678"),
        Subject::named(Kind::Person, "Park Sung-min").born("1979.04.02"),
        Subject::named(Kind::Person, "PAK SONG MIN").with_id(Scheme::Passport, "M 1234 5678"),
        Subject::named(Kind::Person, "Kim Ji-hoon").born("1985-01-20"),
        Subject::named(Kind::Person, "김지훈").born("20/01/1985"),
        Subject::named(Kind::Person, "Kim Ji-hoon").born("1962-07-07"),
        Subject::named(Kind::Person, "สมชาย ใจดี")
            .born("1970-05-05")
            .with_id(Scheme::Phone, "+66 81 234 5678"),
        Subject::named(Kind::Person, "Somchai Jaidee").with_id(Scheme::Phone, "081 234 5678"),
        Subject::named(Kind::Person, "Maria Garcia").born("1990-02-02"),
    ]
}

/// The people above among others, so that values have frequencies to go by.
fn crowd() -> Vec<Subject> {
    let given = [
        "Anna", "Ben", "Carl", "Dora", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jana",
    ];
    let family = [
        "Novak", "Berg", "Costa", "Dahl", "Eder", "Falk", "Gross", "Horn", "Ito", "Jung",
    ];
    let mut all = people();
    for i in 0..300 {
        all.push(
            Subject::named(
                Kind::Person,
                &format!("{} {}", given[i % 10], family[(i / 10) % 10]),
            )
            .born(&format!(
                "19{:02}-{:02}-{:02}",
                40 + i % 57,
                1 + i % 12,
                1 + i % 27
            )),
        );
    }
    all
}

#[test]
fn variants_cluster_and_namesakes_do_not() {
    let resolution = resolve(&crowd(), &Options::default());
    let c = &resolution.cluster_of;
    assert_eq!(c[0], c[1]);
    assert_eq!(c[0], c[2]);
    assert_eq!(c[3], c[4]);
    assert_ne!(c[3], c[5], "same name, another date of birth");
    assert_eq!(c[6], c[7]);
    assert_ne!(c[0], c[3]);
    assert_eq!(c[8], 8);
}

#[test]
fn resolution_is_deterministic_whatever_the_threads() {
    let one = resolve(
        &people(),
        &Options {
            threads: 1,
            ..Options::default()
        },
    );
    let two = resolve(
        &people(),
        &Options {
            threads: 2,
            ..Options::default()
        },
    );
    assert_eq!(one.cluster_of, two.cluster_of);
    assert_eq!(one.links, two.links);
    assert_eq!(one.model, two.model);
}

#[test]
fn nothing_in_nothing_out() {
    let resolution = resolve(&[], &Options::default());
    assert!(resolution.cluster_of.is_empty());
    let one = resolve(&[Subject::named(Kind::Person, "A B")], &Options::default());
    assert_eq!(one.cluster_of, vec![0]);
}
