//! Each normalisation and matching rule, as tables of inputs and expected results.

use interdict_correlate::date;
use interdict_correlate::identifier::{self, Scheme};
use interdict_correlate::name::{self, NameLevel};

#[test]
fn identifiers_normalise_per_scheme() {
    for (scheme, raw, country, expected) in [
        (Scheme::Imo, "IMO 9074729", None, "9074729"),
        (Scheme::Imo, "imo-9074729", None, "9074729"),
        (Scheme::Mmsi, "440 123 450", None, "440123450"),
        (Scheme::CallSign, "d7 ab-c", None, "D7ABC"),
        (Scheme::Container, "CSQU 305438 3", None, "CSQU3054383"),
        (Scheme::Passport, "m1234 5678", Some("KOR"), "M12345678"),
        (Scheme::Document, "AB-12/345", None, "AB12345"),
        (Scheme::Phone, "+82 10-1234-5678", None, "+821012345678"),
        (Scheme::Phone, "0082-10-1234-5678", None, "+821012345678"),
        (Scheme::Phone, "+66 (2) 123 4567", None, "+6621234567"),
        (Scheme::Phone, "010 1234 5678", None, "1012345678"),
        (Scheme::Email, "Kim.SM@Korea.KR", None, "kim.sm@korea.kr"),
        (
            Scheme::Email,
            "Maria Sentosa<msentosa@fmail.com>",
            None,
            "msentosa@fmail.com",
        ),
        (
            Scheme::BankAccount,
            "DE89 3704 0044 0532 0130 00",
            None,
            "DE89370400440532013000",
        ),
        (Scheme::BankAccount, "110-123-456789", None, "110123456789"),
        (Scheme::Plate, "12가 3456", Some("KR"), "12가3456"),
        (Scheme::Plate, "กท-1234", None, "กท1234"),
        (Scheme::Aircraft, "HL-7611", None, "HL7611"),
    ] {
        let id = identifier::normalise(scheme, raw, country)
            .unwrap()
            .unwrap();
        assert_eq!(id.value, expected, "{scheme:?} {raw:?}");
    }
}

#[test]
fn countries_are_read_as_codes() {
    let passport = identifier::normalise(Scheme::Passport, "M123", Some("Korea"))
        .unwrap()
        .unwrap();
    assert_eq!(passport.country.as_deref(), Some("KR"));
    for (raw, code) in [
        ("THA", "TH"),
        ("Thailand", "TH"),
        ("대한민국", "KR"),
        ("USA", "US"),
    ] {
        assert_eq!(identifier::country(raw).as_deref(), Some(code), "{raw}");
    }
}

#[test]
fn bad_checked_identifiers_are_refused_with_a_reason() {
    for (scheme, raw, message) in [
        (
            Scheme::Imo,
            "9074728",
            "imo number check digit is 8, expected 9",
        ),
        (
            Scheme::Container,
            "CSQU3054384",
            "container number check digit is 4, expected 3",
        ),
        (
            Scheme::BankAccount,
            "DE88370400440532013000",
            "iban check digits do not match (mod 97)",
        ),
        (
            Scheme::Email,
            "not-an-address",
            "email address must contain exactly one '@'",
        ),
    ] {
        let error = identifier::normalise(scheme, raw, None).unwrap_err();
        assert_eq!(error.to_string(), message, "{raw}");
    }
}

#[test]
fn names_agree_at_the_expected_level() {
    use NameLevel::*;
    // (a, b, at least this for the family name, at least this for the given name)
    for (a, b, family, given) in [
        ("박성민", "Park Sung-min", Equivalent, Close),
        ("박성민", "Sung-Min PARK", Equivalent, Close),
        ("이지은", "Rhee Ji-eun", Equivalent, Close),
        ("이지은", "Ri Chi-un", Equivalent, Close),
        ("정현우", "Jung Hyun-woo", Equivalent, Close),
        ("정현우", "Chung Hyon-u", Equivalent, Fuzzy),
        ("최영수", "Choi Young Soo", Equivalent, Close),
        ("김민준", "Gim Min-jun", Equivalent, Close),
        ("สมชาย ใจดี", "Somchai Jaidee", Equivalent, Exact),
        ("สมศักดิ์ ศรีสุข", "Somsak Srisuk", Fuzzy, Exact),
        ("Thomas Clifford", "Tom Clifford", Exact, Equivalent),
        ("Robert Smith", "SMITH, Bob", Exact, Equivalent),
        ("Anna-Maria O'Neil", "Annamaria ONeil", Exact, Exact),
    ] {
        let (x, y) = (name::person_full(a).unwrap(), name::person_full(b).unwrap());
        let (f, g) = name::compare_persons(&x, &y);
        assert!(f >= Some(family), "{a} / {b}: family {f:?}");
        assert!(g >= Some(given), "{a} / {b}: given {g:?}");
    }
}

#[test]
fn different_people_do_not_agree() {
    for (a, b) in [
        ("박성민", "Kim Ji-hoon"),
        ("Robert Smith", "Maria Garcia"),
        ("สมชาย ใจดี", "Prayut Chan-o-cha"),
    ] {
        let (x, y) = (name::person_full(a).unwrap(), name::person_full(b).unwrap());
        let (f, g) = name::compare_persons(&x, &y);
        assert!(
            f < Some(NameLevel::Close) && g < Some(NameLevel::Close),
            "{a} / {b}: {f:?} {g:?}"
        );
    }
}

#[test]
fn organisation_and_vessel_conventions() {
    for (a, b, vessel) in [
        (
            "HAEYANG SHIPPING CO LTD",
            "Haeyang Shipping Company Limited",
            false,
        ),
        ("บริษัท สยามเดินเรือ จำกัด", "สยามเดินเรือ", false),
        ("㈜해양", "해양 주식회사", false),
        ("HAI XING 8", "HAIXING NO.8", true),
        ("해양호", "HAE YANG HO", true),
        ("제3동해호", "DONGHAE NO. 3", true),
        ("M/V Golden Star II", "GOLDEN STAR NO 2", true),
    ] {
        let (x, y) = (
            name::organisation(a, vessel).unwrap(),
            name::organisation(b, vessel).unwrap(),
        );
        assert!(
            name::compare_parts(&x, &y) >= NameLevel::Equivalent,
            "{a} / {b}"
        );
    }
    let (x, y) = (
        name::organisation("HAI XING 8", true).unwrap(),
        name::organisation("HAI XING 18", true).unwrap(),
    );
    assert_eq!(name::compare_parts(&x, &y), NameLevel::Different);
}

#[test]
fn dates_of_birth_compare_by_level() {
    use date::DateAgreement::*;
    for (a, b, level) in [
        ("1985-03-12", "12/03/1985", Close),
        ("1985-03-12", "1985.03.12", Same),
        ("1985-03-12", "1985년 3월 12일", Same),
        ("1985-03-12", "2528-03-12", Same),
        ("1985-03-12", "12 Mar 85", Same),
        ("1985-03-12", "1985-03-21", Close),
        ("1985-03-12", "1985-07-30", SameYear),
        ("1985-03-12", "1986-03-12", Close),
        ("1985-03-12", "1979-11-02", Different),
    ] {
        let (x, y) = (date::parse(a).unwrap(), date::parse(b).unwrap());
        assert_eq!(date::compare(&x, &y), level, "{a} / {b}");
    }
}
