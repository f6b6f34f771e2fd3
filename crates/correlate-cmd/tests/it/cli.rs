//! The command on files: the output, and precise errors on bad input.

use std::path::Path;

use interdict_correlate_cmd::{resolve_file, ResolveArgs};

fn args(dir: &Path, input: &str) -> ResolveArgs {
    let path = dir.join("in.csv");
    std::fs::write(&path, input).unwrap();
    ResolveArgs {
        input: path,
        out: dir.join("out.csv"),
        links: Some(dir.join("links.csv")),
        model: Some(dir.join("model.json")),
        min_probability: 0.5,
        block_cap: 100,
        demote_above: 50,
        min_support: 0.25,
        threads: Some(2),
        verbose: false,
    }
}

#[test]
fn writes_a_cluster_for_every_row_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = "\
id,name,kind,dob,nationality,imo,mmsi,call_sign,passport,phone,email,port
v1,해양호,vessel,,KR,9074729,,,,,,Busan
p1,박성민,,1979-04-02,KOR,,,,M12345678,,,
v2,HAE YANG HO,vessel,,KOR,IMO 9074729,,,,,,busan
p2,Park Sung-min,person,1979.04.02,Korea,,,,,+82 10 1234 5678,,
p3,\"PARK, Sung Min\",,,,,,,M 1234 5678,010-1234-5678,,
p4,Maria Garcia,,1990-02-02,ES,,,,,,maria@example.org,
";
    let a = args(dir.path(), input);
    let summary = resolve_file(&a).unwrap();
    assert_eq!(summary.rows, 6);
    let out = std::fs::read_to_string(&a.out).unwrap();
    assert_eq!(
        out,
        "id,cluster\nv1,v1\np1,p1\nv2,v1\np2,p1\np3,p1\np4,p4\n"
    );
    let links = std::fs::read_to_string(a.links.as_ref().unwrap()).unwrap();
    assert!(
        links.starts_with("id_a,id_b,weight,probability\n"),
        "{links}"
    );
    let model = std::fs::read_to_string(a.model.as_ref().unwrap()).unwrap();
    assert!(model.contains("\"prior\""), "{model}");
}

#[test]
fn first_name_and_surname_columns() {
    let dir = tempfile::tempdir().unwrap();
    let input = "id,first_name,surname,dob\n1,Robert,Smith,1971-06-24\n2,Bob,Smith,24/06/1971\n3,Maria,Garcia,1980-01-01\n";
    let a = args(dir.path(), input);
    resolve_file(&a).unwrap();
    let out = std::fs::read_to_string(&a.out).unwrap();
    assert_eq!(out, "id,cluster\n1,1\n2,1\n3,3\n");
}

#[test]
fn bad_input_is_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    for (input, message) in [
        (
            "name,dob\nKim,1970\n",
            "line 1: the header has no `id` column",
        ),
        (
            "id,name,name\n1,a,b\n",
            "line 1: column \"name\" appears twice (columns 2 and 3)",
        ),
        (
            "id,name\n1,Kim\n2,Lee\n1,Park\n",
            "line 4: id \"1\" is already on line 2",
        ),
        ("id,name\n1,Kim\n,Lee\n", "line 3: the id is empty"),
        (
            "id,name,kind\n1,Kim,person\n2,Seabird,spaceship\n",
            "line 3: kind \"spaceship\" is not one of",
        ),
        ("id,name\n1,Kim\n2,Lee,extra\n", "line 3"),
    ] {
        let a = args(dir.path(), input);
        let error = format!("{:#}", resolve_file(&a).unwrap_err());
        assert!(error.contains(message), "{input:?}: {error}");
    }
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = args(dir.path(), "id\n");
    a.input = dir.path().join("nowhere.csv");
    let error = format!("{:#}", resolve_file(&a).unwrap_err());
    assert!(
        error.contains("cannot open") && error.contains("nowhere.csv"),
        "{error}"
    );
}

#[test]
fn invalid_identifiers_are_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let a = args(
        dir.path(),
        "id,name,kind,imo\n1,SEA STAR,vessel,9074728\n2,SEA STAR,vessel,9074729\n",
    );
    let summary = resolve_file(&a).unwrap();
    assert_eq!(summary.problems, 1);
    assert_eq!(summary.rows, 2);
}
