//! Accuracy on the labelled sets in shared/data/er, with floors a little below
//! the measured F1 (docs/correlation.md has the figures and the commands).

use std::collections::HashMap;

use interdict_correlate::{resolve, Kind, Options, RawIdentifier, Scheme, Subject};

use crate::{data, pairwise_f1};

fn read(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(|v| v.trim().to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn fake_1000() {
    let rows = read(&data("splink/fake_1000.csv"));
    let subjects: Vec<Subject> = rows
        .iter()
        .map(|r| {
            let mut s = Subject::new(Kind::Person);
            s.given_name = Some(r["first_name"].clone()).filter(|v| !v.is_empty());
            s.family_name = Some(r["surname"].clone()).filter(|v| !v.is_empty());
            s.birth_date = Some(r["dob"].clone()).filter(|v| !v.is_empty());
            if !r["email"].is_empty() {
                s = s.with_id(Scheme::Email, &r["email"]);
            }
            if !r["city"].is_empty() {
                s = s.with_attribute("city", &r["city"]);
            }
            s
        })
        .collect();
    let truth: Vec<String> = rows.iter().map(|r| r["cluster"].clone()).collect();
    let resolution = resolve(&subjects, &Options::default());
    let (p, r, f1) = pairwise_f1(&truth, &resolution.cluster_of);
    assert!(f1 > 0.85, "precision {p:.3} recall {r:.3} f1 {f1:.3}");
}

#[test]
fn senzing_truth_set() {
    let mut truth_of: HashMap<String, String> = HashMap::new();
    for r in read(&data("senzing/actual_truthset_key.csv")) {
        truth_of.insert(
            format!("{}-{}", r["DATA_SOURCE"], r["RECORD_ID"]),
            r["CLUSTER_ID"].clone(),
        );
    }
    let mut subjects = Vec::new();
    let mut truth = Vec::new();
    for file in ["customers.csv", "reference.csv", "watchlist.csv"] {
        for r in read(&data(&format!("senzing/{file}"))) {
            let get = |k: &str| r.get(k).cloned().filter(|v| !v.is_empty());
            let id = format!("{}-{}", r["DATA_SOURCE"], r["RECORD_ID"]);
            let Some(cluster) = truth_of.get(&id) else {
                continue;
            };
            let kind = if get("RECORD_TYPE").as_deref() == Some("ORGANIZATION") {
                Kind::Organisation
            } else {
                Kind::Person
            };
            let mut s = Subject::new(kind);
            if let Some(n) = get("PRIMARY_NAME_FULL")
                .or(get("PRIMARY_NAME_ORG"))
                .or(get("NATIVE_NAME_FULL"))
            {
                s.names.push(n);
            }
            let first: Vec<String> = [get("PRIMARY_NAME_FIRST"), get("PRIMARY_NAME_MIDDLE")]
                .into_iter()
                .flatten()
                .collect();
            s.given_name = Some(first.join(" ")).filter(|v| !v.is_empty());
            s.family_name = get("PRIMARY_NAME_LAST");
            s.birth_date = get("DATE_OF_BIRTH");
            for (column, scheme) in [
                ("PASSPORT_NUMBER", Scheme::Passport),
                ("PHONE_NUMBER", Scheme::Phone),
                ("EMAIL_ADDRESS", Scheme::Email),
            ] {
                if let Some(v) = get(column) {
                    s.identifiers.push(RawIdentifier {
                        scheme,
                        value: v,
                        country: get("PASSPORT_COUNTRY"),
                    });
                }
            }
            let address = get("ADDR_FULL").or_else(|| {
                let parts: Vec<String> = [
                    "ADDR_LINE1",
                    "ADDR_CITY",
                    "ADDR_STATE",
                    "ADDR_POSTAL_CODE",
                    "ADDR_COUNTRY",
                ]
                .iter()
                .filter_map(|k| get(k))
                .collect();
                Some(parts.join(", ")).filter(|v| !v.is_empty())
            });
            for (name, value) in [
                ("address", address),
                (
                    "national_id",
                    get("NATIONAL_ID_NUMBER").or(get("TAX_ID_NUMBER")),
                ),
                ("ssn", get("SSN_NUMBER")),
                ("drivers_license", get("DRIVERS_LICENSE_NUMBER")),
                ("gender", get("GENDER")),
            ] {
                if let Some(v) = value {
                    s.attributes.push((name.to_owned(), v));
                }
            }
            subjects.push(s);
            truth.push(cluster.clone());
        }
    }
    assert_eq!(subjects.len(), 159);
    let resolution = resolve(&subjects, &Options::default());
    let (p, r, f1) = pairwise_f1(&truth, &resolution.cluster_of);
    assert!(f1 > 0.62, "precision {p:.3} recall {r:.3} f1 {f1:.3}");
}
