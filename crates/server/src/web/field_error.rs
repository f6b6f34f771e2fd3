//! The problems of a form's fields, shown in the page's language.
//!
//! A problem is found either while the form is read (a date that does not parse, an
//! identifier that fails its check) or by the domain's validation, which the service
//! runs for the API and the pages alike. Both are kept as a [`FieldError`]: a message
//! key of the catalogue (`err.…`) when the problem has a stable code, with the values
//! the message names, and the domain's own English text when it gave one.
//!
//! English pages show the domain's text, which is the most specific (it names the
//! expected check digit, say); other languages show the catalogue's text for the code.
//! The domain's field validation (`interdict_core::FieldErrors`) carries plain English
//! messages without codes, so [`FieldError::domain`] recognises the fixed messages it
//! can produce; a message it does not know is shown as it is, in English.

use std::collections::BTreeMap;

use interdict_core::agency::NameError;
use interdict_core::geo::PositionError;
use interdict_core::handling::GradingError;
use interdict_core::ident::IdentError;

use super::i18n::Lang;

/// Field errors by field name (`title`, `subjects[0].imo`, `linked_reports[1]`).
pub type Errors = BTreeMap<String, FieldError>;

/// One field's problem.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// The catalogue key, when the problem has a stable code.
    key: Option<&'static str>,
    /// The values for the placeholders `{0}`, `{1}`, … of the catalogue text.
    args: Vec<String>,
    /// The domain's own English message, if the problem came from the domain.
    english: Option<String>,
}

/// The messages of the domain's validation that have a translation, by their exact
/// English text.
const DOMAIN_MESSAGES: &[(&str, &str)] = &[
    ("must not be empty", "err.empty"),
    (
        "must not contain control characters",
        "err.control_characters",
    ),
    (
        "use the withdraw action to withdraw a record",
        "err.withdraw_status",
    ),
    (
        "TLP:RED needs at least one named recipient agency",
        "err.red_needs_recipients",
    ),
    (
        "the originating agency is not a recipient of its own record",
        "err.recipient_self",
    ),
    ("only TLP:RED names recipients", "err.recipients_not_red"),
    ("must not be in the future", "err.future_date"),
    ("a seizure at sea needs a position", "err.at_sea_position"),
    ("at least one drug item", "err.items_required"),
    ("must be a positive number", "err.positive_number"),
    ("tablets are counted in whole numbers", "err.whole_tablets"),
    (
        "a vessel needs a name, imo, mmsi or call_sign",
        "err.vessel_identity",
    ),
    ("no such report", "err.no_such_report"),
];

/// The messages of the administration rules (`service::admin`, the names of
/// `core::agency`) that have a translation, by their exact English text.
const ADMIN_MESSAGES: &[(&str, &str)] = &[
    (
        "username must be 3 to 64 characters of a-z, 0-9, '.', '_' or '-'",
        "err.username",
    ),
    ("give at least one role", "err.roles_required"),
    (
        "you cannot remove your own agency administrator role",
        "err.own_admin_role",
    ),
    ("you cannot disable yourself", "err.disable_self"),
    (
        "an agency may end an agreement sooner, not later",
        "err.end_later",
    ),
    ("is before the agreement starts", "err.end_before_start"),
];

/// The domain's limits on counts, `at most {n} <what>`, by `<what>`.
const DOMAIN_LIMITS: &[(&str, &str)] = &[
    ("drugs", "err.max_drugs"),
    ("recipients", "err.max_recipients"),
    ("subjects", "err.max_subjects"),
    ("drug items", "err.max_items"),
    ("transit countries", "err.max_transit"),
    ("linked reports", "err.max_linked_reports"),
    ("aliases", "err.max_aliases"),
];

impl FieldError {
    /// A problem found by the web layer, with its catalogue key.
    pub fn coded(key: &'static str) -> Self {
        Self {
            key: Some(key),
            args: Vec::new(),
            english: None,
        }
    }

    /// A rejected identifier, translated by its stable [`IdentError::code`].
    pub fn ident(error: &IdentError) -> Self {
        Self {
            key: ident_key(error.code()),
            args: Vec::new(),
            english: Some(error.to_string()),
        }
    }

    /// A rejected position.
    pub fn position(error: &PositionError) -> Self {
        let key = match error {
            PositionError::Latitude(_) => "err.latitude_range",
            PositionError::Longitude(_) => "err.longitude_range",
        };
        Self {
            key: Some(key),
            args: Vec::new(),
            english: Some(error.to_string()),
        }
    }

    /// A rejected agency code.
    pub fn agency_code(error: &NameError) -> Self {
        Self {
            key: Some("err.agency_code"),
            args: Vec::new(),
            english: Some(error.to_string()),
        }
    }

    /// A rejected grading.
    pub fn grading(error: &GradingError) -> Self {
        Self {
            key: Some("err.grading"),
            args: Vec::new(),
            english: Some(error.to_string()),
        }
    }

    /// A message of the domain's validation (or of the service, which uses the same
    /// messages), recognised by its text.
    pub fn domain(message: &str) -> Self {
        let english = Some(message.to_owned());
        if let Some((_, key)) = DOMAIN_MESSAGES.iter().find(|(m, _)| *m == message) {
            return Self {
                key: Some(key),
                args: Vec::new(),
                english,
            };
        }
        if let Some((_, key)) = ADMIN_MESSAGES.iter().find(|(m, _)| *m == message) {
            return Self {
                key: Some(key),
                args: Vec::new(),
                english,
            };
        }
        if let Some(role) = message
            .strip_prefix("unknown role \"")
            .and_then(|r| r.strip_suffix('"'))
        {
            return Self {
                key: Some("err.unknown_role"),
                args: vec![role.to_owned()],
                english,
            };
        }
        // The password rule: `needs at least {n} characters`.
        if let Some(n) = message
            .strip_prefix("needs at least ")
            .and_then(|rest| rest.strip_suffix(" characters"))
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Self {
                key: Some("err.min_chars"),
                args: vec![n.to_owned()],
                english,
            };
        }
        // Ranges: `must be {a} to {b} characters`, `must be between {a} and {b}`.
        let two_numbers = |a: &str, b: &str| {
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
            (digits(a) && digits(b)).then(|| vec![a.to_owned(), b.to_owned()])
        };
        if let Some(args) = message
            .strip_prefix("must be ")
            .and_then(|rest| rest.strip_suffix(" characters"))
            .and_then(|rest| rest.split_once(" to "))
            .and_then(|(a, b)| two_numbers(a, b))
        {
            return Self {
                key: Some("err.length_range"),
                args,
                english,
            };
        }
        if let Some(args) = message
            .strip_prefix("must be between ")
            .and_then(|rest| rest.split_once(" and "))
            .and_then(|(a, b)| two_numbers(a, b))
        {
            return Self {
                key: Some("err.number_range"),
                args,
                english,
            };
        }
        // The service's refusal of a TLP:RED recipient who cannot receive the record.
        if let Some((recipient, rest)) =
            message.split_once(" cannot receive TLP:RED: its agreements with ")
        {
            if let Some((owner, tlp)) = rest.split_once(" stop at ") {
                return Self {
                    key: Some("err.recipient_below_red"),
                    args: vec![recipient.to_owned(), owner.to_owned(), tlp.to_owned()],
                    english,
                };
            }
        }
        if let Some((recipient, rest)) =
            message.split_once(" cannot receive this record: no agreement in force with ")
        {
            let owner = rest.split(' ').next().unwrap_or_default();
            return Self {
                key: Some("err.recipient_no_agreement"),
                args: vec![recipient.to_owned(), owner.to_owned()],
                english,
            };
        }
        let number_and = |rest: &str| -> Option<(String, String)> {
            let (n, what) = rest.split_once(' ')?;
            n.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| (n.to_owned(), what.to_owned()))
        };
        if let Some((n, what)) = message
            .strip_prefix("must be at most ")
            .and_then(number_and)
        {
            if what == "characters" {
                return Self {
                    key: Some("err.max_chars"),
                    args: vec![n],
                    english,
                };
            }
        }
        if let Some((n, what)) = message.strip_prefix("at most ").and_then(number_and) {
            if let Some((_, key)) = DOMAIN_LIMITS.iter().find(|(w, _)| *w == what) {
                return Self {
                    key: Some(key),
                    args: vec![n],
                    english,
                };
            }
        }
        Self {
            key: None,
            args: Vec::new(),
            english,
        }
    }

    /// Whether the problem has a translation.
    #[cfg(test)]
    pub fn is_coded(&self) -> bool {
        self.key.is_some()
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        if let (Lang::En, Some(english)) = (lang, &self.english) {
            return english.clone();
        }
        match (self.key, &self.english) {
            (Some(key), _) => {
                let mut text = lang.t(key).to_owned();
                for (i, arg) in self.args.iter().enumerate() {
                    text = text.replace(&format!("{{{i}}}"), arg);
                }
                text
            }
            (None, Some(english)) => english.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The catalogue key of an identifier error code.
fn ident_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_imo" => "err.invalid_imo",
        "invalid_mmsi" => "err.invalid_mmsi",
        "invalid_container_number" => "err.invalid_container_number",
        "invalid_phone_number" => "err.invalid_phone_number",
        "invalid_country_code" => "err.invalid_country_code",
        "invalid_email_address" => "err.invalid_email_address",
        _ => return None,
    })
}

/// The field errors the service reported, as the pages show them.
pub fn from_domain(fields: &BTreeMap<String, String>) -> Errors {
    fields
        .iter()
        .map(|(field, message)| (field.clone(), FieldError::domain(message)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use interdict_core::ident::{
        ContainerNumber, CountryCode, EmailAddress, ImoNumber, Mmsi, PhoneNumber,
    };
    use interdict_core::record::{
        Conveyance, DrugItem, DrugType, PlaceKind, Route, SeizurePlace, Unit,
    };
    use interdict_core::subject::{Person, Place, Vessel};
    use interdict_core::{
        AgencyCode, Grading, Handling, RecordStatus, ReportInput, SeizureInput, Subject, Tlp,
    };
    use uuid::Uuid;

    fn kcs() -> AgencyCode {
        AgencyCode::parse("KR-KCS").unwrap()
    }

    /// Inputs that break every rule of the domain's validation at least once.
    fn bad_inputs() -> Vec<BTreeMap<String, String>> {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let person = |name: &str, aliases: Vec<String>| {
            Subject::Person(Person {
                name: name.into(),
                aliases,
                birth_date: None,
                nationality: None,
            })
        };
        let report =
            |title: &str, handling: Handling, n_drugs: usize, n_subjects: usize| ReportInput {
                title: title.into(),
                narrative: "a\u{7}b".into(),
                grading: Grading::parse("B2").unwrap(),
                handling,
                drugs: vec![DrugType::Cocaine; n_drugs],
                modus_operandi: "x".repeat(2_001),
                status: RecordStatus::Withdrawn,
                subjects: (0..n_subjects)
                    .map(|i| match i {
                        0 => person("", vec!["a".into(); 21]),
                        1 => Subject::Vessel(Vessel {
                            name: None,
                            imo: None,
                            mmsi: None,
                            call_sign: None,
                            flag: None,
                        }),
                        _ => person("Kim", Vec::new()),
                    })
                    .collect(),
            };
        let red = |recipients: Vec<AgencyCode>| Handling {
            tlp: Tlp::Red,
            recipients,
        };
        let many: Vec<AgencyCode> = (0..51)
            .map(|i| AgencyCode::parse(&format!("JP-A{i}")).unwrap())
            .collect();
        let seizure = |n_items: usize, unit: Unit, quantity: f64| SeizureInput {
            occurred_on: today.succ_opt().unwrap(),
            place: SeizurePlace {
                kind: PlaceKind::AtSea,
                name: String::new(),
                country: CountryCode::parse("KR").unwrap(),
                position: None,
            },
            conveyance: Conveyance::Vessel,
            items: vec![
                DrugItem {
                    drug: DrugType::Yaba,
                    quantity,
                    unit,
                };
                n_items
            ],
            concealment: String::new(),
            arrests: 0,
            route: Route {
                origin: None,
                transit: vec![CountryCode::parse("TH").unwrap(); 21],
                destination: None,
            },
            subjects: vec![Subject::Place(Place {
                name: String::new(),
                country: None,
                position: None,
            })],
            linked_reports: vec![Uuid::nil(); 101],
            handling: Handling {
                tlp: Tlp::Amber,
                recipients: vec![kcs()],
            },
            status: RecordStatus::Withdrawn,
        };
        let mut found = Vec::new();
        for input in [
            report("", red(Vec::new()), 21, 201),
            report(&"x".repeat(201), red(vec![kcs()]), 0, 2),
            report("t", red(many), 0, 0),
        ] {
            found.push(input.validate(&kcs()).unwrap_err().fields().clone());
        }
        for input in [
            seizure(0, Unit::Kilogram, 1.0),
            seizure(51, Unit::Tablets, 1.5),
            seizure(1, Unit::Kilogram, -1.0),
        ] {
            found.push(input.validate(&kcs(), today).unwrap_err().fields().clone());
        }
        found.push(BTreeMap::from([(
            "linked_reports[0]".to_owned(),
            "no such report".to_owned(),
        )]));
        found
    }

    #[test]
    fn the_administration_rules_are_told_in_every_language() {
        let short = interdict_service::admin::check_password("short").unwrap_err();
        let long = interdict_service::admin::check_password(&"x".repeat(2_000)).unwrap_err();
        let mut messages: Vec<String> = short
            .fields()
            .into_values()
            .chain(long.fields().into_values())
            .collect();
        messages.push(
            interdict_core::Username::parse("A B")
                .unwrap_err()
                .to_string(),
        );
        messages.push(
            interdict_core::RoleSet::parse_csv("analyst,captain")
                .unwrap_err()
                .to_string(),
        );
        messages.extend(ADMIN_MESSAGES.iter().map(|(m, _)| (*m).to_owned()));
        messages.push("must be 1 to 100 characters".into());
        messages.push("must be between 1 and 366".into());
        for message in &messages {
            let error = FieldError::domain(message);
            assert!(error.is_coded(), "{message:?} has no code");
            assert_eq!(&error.text(Lang::En), message);
            for lang in [Lang::Ko, Lang::Th] {
                let text = error.text(lang);
                assert!(!text.is_empty() && !text.contains('{'), "{message}: {text}");
                assert_ne!(&text, message, "{message} is not translated");
            }
        }
        assert!(FieldError::domain("needs at least 10 characters")
            .text(Lang::Ko)
            .contains("10"));
        assert!(FieldError::domain("unknown role \"captain\"")
            .text(Lang::Th)
            .contains("captain"));
    }

    #[test]
    fn every_message_of_the_domain_validation_has_a_translation() {
        let mut seen = 0;
        for fields in bad_inputs() {
            for (field, message) in fields {
                let error = FieldError::domain(&message);
                assert!(error.is_coded(), "{field}: {message:?} has no code");
                let korean = error.text(Lang::Ko);
                assert!(
                    !korean.is_empty() && !korean.contains('{'),
                    "{message}: {korean}"
                );
                assert_eq!(error.text(Lang::En), message);
                seen += 1;
            }
        }
        // Every fixed message and every limit was produced at least once.
        let mut messages: Vec<String> = bad_inputs()
            .into_iter()
            .flat_map(|f| f.into_values())
            .collect();
        messages.sort();
        messages.dedup();
        for (message, _) in DOMAIN_MESSAGES {
            assert!(
                messages.iter().any(|m| m == message),
                "{message} not produced"
            );
        }
        for (what, _) in DOMAIN_LIMITS {
            assert!(
                messages
                    .iter()
                    .any(|m| m.starts_with("at most ") && m.ends_with(what)),
                "no limit on {what} produced"
            );
        }
        assert!(seen > 20);
    }

    #[test]
    fn identifier_errors_are_translated_by_code() {
        let errors = [
            ImoNumber::parse("9074728").unwrap_err(),
            Mmsi::parse("12").unwrap_err(),
            ContainerNumber::parse("CSQU3054384").unwrap_err(),
            PhoneNumber::parse("12").unwrap_err(),
            CountryCode::parse("XX").unwrap_err(),
            EmailAddress::parse("nobody").unwrap_err(),
        ];
        for e in errors {
            let error = FieldError::ident(&e);
            assert!(error.is_coded(), "{}", e.code());
            assert_eq!(error.text(Lang::En), e.to_string());
            let korean = error.text(Lang::Ko);
            assert!(
                korean.chars().any(|c| ('가'..='힣').contains(&c)),
                "{korean}"
            );
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_messages_stay_english() {
        let limit = FieldError::domain("must be at most 200 characters");
        assert_eq!(limit.text(Lang::Ko), "200자 이하로 입력하십시오.");
        let unknown = FieldError::domain("something new");
        assert!(!unknown.is_coded());
        assert_eq!(unknown.text(Lang::Ko), "something new");
        let coded = FieldError::coded("err.date");
        assert_eq!(coded.text(Lang::En), "must be a date like 2026-05-01");
    }

    #[test]
    fn unreachable_recipients_are_told_in_korean() {
        let below = FieldError::domain(
            "TH-CUSTOMS cannot receive TLP:RED: its agreements with KR-KCS stop at GREEN",
        );
        assert!(below.is_coded());
        let korean = below.text(Lang::Ko);
        assert!(
            korean.contains("TH-CUSTOMS") && korean.contains("GREEN"),
            "{korean}"
        );
        let none = FieldError::domain(
            "JP-CUSTOMS cannot receive this record: no agreement in force with KR-KCS shares intelligence with it",
        );
        assert!(none.is_coded());
        assert!(none.text(Lang::Ko).contains("JP-CUSTOMS"));
    }
}
