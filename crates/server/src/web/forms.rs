//! The report and seizure forms: what the browser sends, turned into the same input
//! types the API takes, and rendered back with the user's input and the failing
//! fields marked.
//!
//! A form is first read into a plain struct of strings (so that whatever the user
//! typed can be shown again), then converted. Conversion collects every problem it
//! finds under the same field names the service uses (`title`, `subjects[0].imo`,
//! `items[1].quantity`), so both kinds of error are shown the same way, in the page's
//! language (see [`super::field_error`]).

use chrono::NaiveDate;
use interdict_core::agency::Agency;
use interdict_core::geo::Position;
use interdict_core::ident::{
    find_identifiers, ContainerNumber, CountryCode, EmailAddress, Found, ImoNumber, Mmsi,
    PhoneNumber,
};
use interdict_core::record::{
    Conveyance, DrugItem, DrugType, PlaceKind, Route, SeizurePlace, Unit,
};
use interdict_core::{
    AgencyCode, Grading, Handling, RecordStatus, Report, ReportInput, Seizure, SeizureInput,
    Subject, Tlp,
};
use maud::{html, Markup};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::ctx::FormData;
pub use super::field_error::Errors;
use super::field_error::FieldError;
use super::i18n::Lang;

/// Every kind of subject, in the order the select offers them.
pub const SUBJECT_KINDS: [&str; 13] = [
    "person",
    "organisation",
    "vessel",
    "aircraft",
    "vehicle",
    "container",
    "parcel",
    "phone",
    "email",
    "bank_account",
    "document",
    "address",
    "place",
];

/// One row of the subjects table as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubjectRow {
    pub kind: String,
    pub name: String,
    pub ident: String,
    pub country: String,
    /// A person's aliases, separated by commas (or by semicolons when one holds a comma).
    pub aliases: String,
    /// A place's position in decimal degrees.
    pub lat: String,
    pub lon: String,
    /// The stored aliases of an existing person, as JSON: when the aliases field is
    /// left as it was shown, these are kept exactly, whatever separators they hold.
    pub extra: String,
}

impl SubjectRow {
    fn is_blank(&self) -> bool {
        [&self.name, &self.ident, &self.aliases, &self.lat, &self.lon]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// The subject rows of a form, blank rows dropped.
pub fn subject_rows(form: &FormData) -> Vec<SubjectRow> {
    let kinds = form.all("subject_kind");
    let names = form.all("subject_name");
    let idents = form.all("subject_id");
    let countries = form.all("subject_country");
    let aliases = form.all("subject_aliases");
    let lats = form.all("subject_lat");
    let lons = form.all("subject_lon");
    let extras = form.all("subject_extra");
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    (0..kinds.len())
        .map(|i| SubjectRow {
            kind: at(&kinds, i),
            name: at(&names, i),
            ident: at(&idents, i),
            country: at(&countries, i),
            aliases: at(&aliases, i),
            lat: at(&lats, i),
            lon: at(&lons, i),
            extra: at(&extras, i),
        })
        .filter(|row| !row.is_blank())
        .collect()
}

/// Aliases as one line of text: separated by commas, or by semicolons when an alias
/// holds a comma, so that [`parse_aliases`] reads them back.
pub fn aliases_text(aliases: &[String]) -> String {
    let separator = if aliases.iter().any(|a| a.contains(',')) {
        "; "
    } else {
        ", "
    };
    aliases.join(separator)
}

/// Reads aliases typed in one field: separated by line breaks or semicolons if there
/// are any, else by commas. Blank entries and repeats are dropped.
pub fn parse_aliases(raw: &str) -> Vec<String> {
    let parts: Vec<&str> = if raw.contains([';', '\n']) {
        raw.split([';', '\n']).collect()
    } else {
        raw.split(',').collect()
    };
    let mut aliases: Vec<String> = Vec::new();
    for part in parts {
        let alias = part.trim();
        if !alias.is_empty() && !aliases.iter().any(|a| a == alias) {
            aliases.push(alias.to_owned());
        }
    }
    aliases
}

fn opt(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn country_opt(errors: &mut Errors, field: &str, raw: &str) -> Option<CountryCode> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match CountryCode::parse(raw) {
        Ok(c) => Some(c),
        Err(e) => {
            errors
                .entry(field.to_owned())
                .or_insert(FieldError::ident(&e));
            None
        }
    }
}

/// Reads a position typed as latitude and longitude in decimal degrees; both blank is
/// no position. Problems are recorded under `field`.
fn position_opt(errors: &mut Errors, field: &str, lat: &str, lon: &str) -> Option<Position> {
    let (lat, lon) = (lat.trim(), lon.trim());
    if lat.is_empty() && lon.is_empty() {
        return None;
    }
    if lat.is_empty() || lon.is_empty() {
        errors.insert(field.to_owned(), FieldError::coded("err.position_both"));
        return None;
    }
    let degrees = |raw: &str| raw.parse::<f64>().ok().filter(|v| v.is_finite());
    let (Some(lat), Some(lon)) = (degrees(lat), degrees(lon)) else {
        errors.insert(field.to_owned(), FieldError::coded("err.position_decimal"));
        return None;
    };
    match Position::new(lat, lon) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.insert(field.to_owned(), FieldError::position(&e));
            None
        }
    }
}

/// The stored aliases a row carries, if it still shows a person.
fn stored_aliases(row: &SubjectRow) -> Option<Vec<String>> {
    let Ok(Value::Object(extra)) = serde_json::from_str::<Value>(&row.extra) else {
        return None;
    };
    if extra.get("kind") != Some(&json!(row.kind)) {
        return None;
    }
    serde_json::from_value(extra.get("aliases")?.clone()).ok()
}

/// Turns a row into a subject. Identifier problems are recorded under
/// `subjects[i].<field>`; the caller drops the subject when any were found.
pub fn row_to_subject(row: &SubjectRow, i: usize, errors: &mut Errors) -> Option<Subject> {
    let prefix = format!("subjects[{i}]");
    let before = errors.len();
    let add = |errors: &mut Errors, field: &str, error: FieldError| {
        errors.entry(format!("{prefix}.{field}")).or_insert(error);
    };
    let name = opt(&row.name);
    let ident = opt(&row.ident);
    let either = ident.clone().or_else(|| name.clone());
    let country = country_opt(errors, &format!("{prefix}.country"), &row.country);
    let country = country.map(|c| c.as_str().to_owned());
    // Only a person has aliases and only a place a position; a value typed for another
    // kind is refused rather than silently dropped.
    if row.kind != "person" && !row.aliases.trim().is_empty() {
        add(
            errors,
            "aliases",
            FieldError::coded("err.aliases_person_only"),
        );
    }
    let position = if row.kind == "place" {
        position_opt(errors, &format!("{prefix}.position"), &row.lat, &row.lon)
    } else {
        if !(row.lat.trim().is_empty() && row.lon.trim().is_empty()) {
            add(
                errors,
                "position",
                FieldError::coded("err.position_place_only"),
            );
        }
        None
    };
    let mut obj = Map::new();
    obj.insert("kind".into(), json!(row.kind));
    let mut put = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            obj.insert(key.into(), json!(v));
        }
    };
    match row.kind.as_str() {
        "person" => {
            put("name", name);
            put("nationality", country);
            if let Some(id) = ident {
                match NaiveDate::parse_from_str(&id, "%Y-%m-%d") {
                    Ok(d) => put("birth_date", Some(d.to_string())),
                    Err(_) => add(errors, "birth_date", FieldError::coded("err.birth_date")),
                }
            }
        }
        "organisation" => {
            put("name", name);
            put("country", country);
            put("registration", ident);
        }
        "vessel" => {
            put("name", name);
            put("flag", country);
            // Several identifiers may be given, as officers write them: labelled
            // (`IMO 9074729`, `MMSI 440123450`, `C/S D7AB`) or bare. What is not found
            // as a labelled or valid identifier is taken word by word: seven digits
            // as a (refused) IMO number, nine as a (refused) MMSI, else a call sign.
            let text = ident.unwrap_or_default();
            let mut rest = String::with_capacity(text.len());
            let mut at = 0;
            for (range, found) in find_identifiers(&text) {
                rest.push_str(&text[at..range.start]);
                rest.push(' ');
                at = range.end;
                match found {
                    Found::Imo(imo) => put("imo", Some(imo.as_str().to_owned())),
                    Found::Mmsi(mmsi) => put("mmsi", Some(mmsi.as_str().to_owned())),
                    Found::CallSign(call_sign) => put("call_sign", Some(call_sign)),
                    // Not a vessel's: left for the words below, which refuse it.
                    Found::Container(_) | Found::Phone(_) => {
                        rest.push_str(&text[range]);
                    }
                }
            }
            rest.push_str(&text[at..]);
            for token in rest.split_whitespace() {
                let word = token.trim_end_matches([':', '.']).to_ascii_uppercase();
                if matches!(
                    word.as_str(),
                    "IMO" | "MMSI" | "C/S" | "CALL" | "SIGN" | "NO"
                ) {
                    // A label whose value was not valid: the value is judged alone.
                    continue;
                }
                if token.len() == 7 && token.bytes().all(|b| b.is_ascii_digit()) {
                    // Seven digits is meant as an IMO number: say why it is refused.
                    if let Err(e) = ImoNumber::parse(token) {
                        add(errors, "imo", FieldError::ident(&e));
                    }
                } else if token.len() == 9 && token.bytes().all(|b| b.is_ascii_digit()) {
                    if let Err(e) = Mmsi::parse(token) {
                        add(errors, "mmsi", FieldError::ident(&e));
                    }
                } else {
                    put("call_sign", Some(token.to_owned()));
                }
            }
        }
        "aircraft" => {
            put("registration", Some(either.clone().unwrap_or_default()));
            if row.ident.trim().is_empty() {
                // The name was the registration.
            } else {
                put("operator", name);
            }
        }
        "vehicle" => {
            put("plate", Some(either.unwrap_or_default()));
            put("country", country);
        }
        "container" => match ContainerNumber::parse(either.as_deref().unwrap_or_default()) {
            Ok(n) => put("number", Some(n.as_str().to_owned())),
            Err(e) => add(errors, "number", FieldError::ident(&e)),
        },
        "parcel" => {
            put("tracking_number", Some(either.unwrap_or_default()));
            if !row.ident.trim().is_empty() {
                put("carrier", name);
            }
        }
        "phone" => match PhoneNumber::parse(either.as_deref().unwrap_or_default()) {
            Ok(n) => put("number", Some(n.as_str().to_owned())),
            Err(e) => add(errors, "number", FieldError::ident(&e)),
        },
        "email" => match EmailAddress::parse(either.as_deref().unwrap_or_default()) {
            Ok(a) => put("address", Some(a.as_str().to_owned())),
            Err(e) => add(errors, "address", FieldError::ident(&e)),
        },
        "bank_account" => {
            put("account", Some(ident.unwrap_or_default()));
            put("bank", name);
            put("country", country);
        }
        "document" => {
            put("document_type", Some(name.unwrap_or_default()));
            put("number", Some(ident.unwrap_or_default()));
            put("country", country);
        }
        "address" => {
            put("text", Some(either.unwrap_or_default()));
            put("country", country);
        }
        "place" => {
            put("name", Some(either.unwrap_or_default()));
            put("country", country);
        }
        _ => {
            errors
                .entry(format!("{prefix}.kind"))
                .or_insert(FieldError::coded("err.subject_kind"));
        }
    }
    if errors.len() > before {
        return None;
    }
    if row.kind == "person" {
        // Aliases shown and sent back unchanged are kept exactly as stored.
        let aliases = match stored_aliases(row) {
            Some(stored) if aliases_text(&stored).trim() == row.aliases.trim() => stored,
            _ => parse_aliases(&row.aliases),
        };
        if !aliases.is_empty() {
            obj.insert("aliases".into(), json!(aliases));
        }
    }
    if let Some(p) = position {
        obj.insert("position".into(), json!(p));
    }
    match serde_json::from_value::<Subject>(Value::Object(obj)) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::debug!(error = %e, "subject row does not read as a subject");
            errors
                .entry(prefix)
                .or_insert(FieldError::coded("err.subject_unreadable"));
            None
        }
    }
}

/// The row that shows a stored subject.
pub fn subject_to_row(subject: &Subject) -> SubjectRow {
    let c = |c: &Option<CountryCode>| c.map(|c| c.as_str().to_owned()).unwrap_or_default();
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut row = SubjectRow {
        kind: subject.kind().to_owned(),
        ..SubjectRow::default()
    };
    let (name, ident, country) = match subject {
        Subject::Person(p) => {
            if !p.aliases.is_empty() {
                row.aliases = aliases_text(&p.aliases);
                row.extra = json!({"kind": "person", "aliases": p.aliases}).to_string();
            }
            (
                p.name.clone(),
                p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                c(&p.nationality),
            )
        }
        Subject::Organisation(o) => (o.name.clone(), s(&o.registration), c(&o.country)),
        Subject::Vessel(v) => {
            // Labelled, as officers write them, so that the form reads them back the same.
            let ids: Vec<String> = [
                v.imo.as_ref().map(|i| format!("IMO {}", i.as_str())),
                v.mmsi.as_ref().map(|m| format!("MMSI {}", m.as_str())),
                v.call_sign.as_ref().map(|c| format!("C/S {c}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            (s(&v.name), ids.join(" "), c(&v.flag))
        }
        Subject::Aircraft(a) => (s(&a.operator), a.registration.clone(), String::new()),
        Subject::Vehicle(v) => (String::new(), v.plate.clone(), c(&v.country)),
        Subject::Container(k) => (String::new(), k.number.as_str().to_owned(), String::new()),
        Subject::Parcel(p) => (s(&p.carrier), p.tracking_number.clone(), String::new()),
        Subject::Phone(p) => (String::new(), p.number.as_str().to_owned(), String::new()),
        Subject::Email(e) => (String::new(), e.address.as_str().to_owned(), String::new()),
        Subject::BankAccount(b) => (s(&b.bank), b.account.clone(), c(&b.country)),
        Subject::Document(d) => (d.document_type.clone(), d.number.clone(), c(&d.country)),
        Subject::Address(a) => (a.text.clone(), String::new(), c(&a.country)),
        Subject::Place(p) => {
            if let Some(pos) = &p.position {
                // `f64` prints the shortest text that reads back as the same number.
                row.lat = pos.lat.to_string();
                row.lon = pos.lon.to_string();
            }
            (p.name.clone(), String::new(), c(&p.country))
        }
    };
    row.name = name;
    row.ident = ident;
    row.country = country;
    row
}

fn subjects_from_rows(rows: &[SubjectRow], errors: &mut Errors) -> Vec<Subject> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            row_to_subject(row, i, errors).unwrap_or_else(|| {
                // A stand-in keeps the numbering of later rows; the form is refused anyway.
                Subject::Place(interdict_core::subject::Place {
                    name: "-".into(),
                    country: None,
                    position: None,
                })
            })
        })
        .collect()
}

fn handling_from(tlp: &str, recipients: &[String], errors: &mut Errors) -> Handling {
    let tlp = Tlp::parse(tlp).unwrap_or_else(|| {
        errors.insert("handling.tlp".into(), FieldError::coded("err.choose_tlp"));
        Tlp::Amber
    });
    let mut parsed = Vec::new();
    if tlp == Tlp::Red {
        for r in recipients {
            match AgencyCode::parse(r) {
                Ok(code) => parsed.push(code),
                Err(e) => {
                    errors.insert("handling.recipients".into(), FieldError::agency_code(&e));
                }
            }
        }
    }
    // Recipients ticked before switching away from RED are ignored rather than refused.
    Handling {
        tlp,
        recipients: parsed,
    }
}

fn status_from(raw: &str, errors: &mut Errors) -> RecordStatus {
    match raw {
        "draft" => RecordStatus::Draft,
        "published" | "" => RecordStatus::Published,
        _ => {
            errors.insert("status".into(), FieldError::coded("err.status"));
            RecordStatus::Published
        }
    }
}

/// Merges the problems the domain's validation found with those found while reading.
fn add_domain_errors(errors: &mut Errors, found: &interdict_core::FieldErrors) {
    for (field, message) in found.fields() {
        errors
            .entry(field.clone())
            .or_insert_with(|| FieldError::domain(message));
    }
}

/// The report form as typed.
#[derive(Clone, Debug, Default)]
pub struct ReportForm {
    pub title: String,
    pub narrative: String,
    pub grading: String,
    pub tlp: String,
    pub recipients: Vec<String>,
    pub drugs: Vec<String>,
    pub modus_operandi: String,
    pub status: String,
    pub subjects: Vec<SubjectRow>,
    pub version: String,
}

impl ReportForm {
    /// Reads the posted form.
    pub fn read(form: &FormData) -> Self {
        Self {
            title: form.get("title").to_owned(),
            narrative: form.get("narrative").to_owned(),
            grading: form.get("grading").to_owned(),
            tlp: form.get("tlp").to_owned(),
            recipients: form.all("recipients"),
            drugs: form.all("drugs"),
            modus_operandi: form.get("modus_operandi").to_owned(),
            status: form.get("status").to_owned(),
            subjects: subject_rows(form),
            version: form.get("version").to_owned(),
        }
    }

    /// A blank form with sensible defaults.
    pub fn blank() -> Self {
        Self {
            grading: "B2".into(),
            tlp: "AMBER".into(),
            status: "published".into(),
            ..Self::default()
        }
    }

    /// The form that edits a stored report.
    pub fn of(report: &Report) -> Self {
        Self {
            title: report.title.clone(),
            narrative: report.narrative.clone(),
            grading: report.grading.to_string(),
            tlp: report.handling.tlp.as_str().to_owned(),
            recipients: report
                .handling
                .recipients
                .iter()
                .map(|r| r.to_string())
                .collect(),
            drugs: report.drugs.iter().map(|d| d.as_str().to_owned()).collect(),
            modus_operandi: report.modus_operandi.clone(),
            status: report.status.as_str().to_owned(),
            subjects: report.subjects.iter().map(subject_to_row).collect(),
            version: report.version.to_string(),
        }
    }

    /// The API input, or every problem found.
    pub fn input(&self, agency: &AgencyCode) -> Result<ReportInput, Errors> {
        let mut errors = Errors::new();
        // A stand-in grading lets the rest of the form be checked too.
        let grading = Grading::parse(&self.grading).or_else(|e| {
            errors.insert("grading".into(), FieldError::grading(&e));
            Grading::parse("F6")
        });
        let Ok(grading) = grading else {
            return Err(errors);
        };
        let handling = handling_from(&self.tlp, &self.recipients, &mut errors);
        let mut drugs = Vec::new();
        for d in &self.drugs {
            match DrugType::parse(d) {
                Some(d) => drugs.push(d),
                None => {
                    errors.insert("drugs".into(), FieldError::coded("err.unknown_drug"));
                }
            }
        }
        let status = status_from(&self.status, &mut errors);
        let subjects = subjects_from_rows(&self.subjects, &mut errors);
        let input = ReportInput {
            title: self.title.clone(),
            narrative: self.narrative.clone(),
            grading,
            handling,
            drugs,
            modus_operandi: self.modus_operandi.clone(),
            status,
            subjects,
        };
        if let Err(found) = input.validate(agency) {
            add_domain_errors(&mut errors, &found);
        }
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }
}

/// A report's id as entered: the id itself, or the address of the report's page
/// (`https://node/reports/<id>` or `/reports/<id>`), as copied from the browser.
fn report_id(token: &str) -> Option<Uuid> {
    let path = token.split(['?', '#']).next().unwrap_or_default();
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    if path.contains('/') && !path.contains("/reports/") {
        return None;
    }
    Uuid::parse_str(last).ok()
}

/// One row of drug items as typed.
#[derive(Clone, Debug, Default)]
pub struct ItemRow {
    pub drug: String,
    pub quantity: String,
    pub unit: String,
}

/// The seizure form as typed.
#[derive(Clone, Debug, Default)]
pub struct SeizureForm {
    pub occurred_on: String,
    pub place_kind: String,
    pub place_name: String,
    pub place_country: String,
    pub lat: String,
    pub lon: String,
    pub conveyance: String,
    pub items: Vec<ItemRow>,
    pub concealment: String,
    pub arrests: String,
    pub origin: String,
    pub transit: String,
    pub destination: String,
    pub tlp: String,
    pub recipients: Vec<String>,
    pub status: String,
    pub subjects: Vec<SubjectRow>,
    /// Report ids or addresses, one per line (or separated by spaces or commas).
    pub linked_reports: String,
    pub version: String,
}

impl SeizureForm {
    /// Reads the posted form.
    pub fn read(form: &FormData) -> Self {
        let drugs = form.all("item_drug");
        let quantities = form.all("item_quantity");
        let units = form.all("item_unit");
        let items = (0..drugs.len())
            .map(|i| ItemRow {
                drug: drugs.get(i).cloned().unwrap_or_default(),
                quantity: quantities.get(i).cloned().unwrap_or_default(),
                unit: units.get(i).cloned().unwrap_or_default(),
            })
            .filter(|row| !row.quantity.trim().is_empty())
            .collect();
        Self {
            occurred_on: form.get("occurred_on").to_owned(),
            place_kind: form.get("place_kind").to_owned(),
            place_name: form.get("place_name").to_owned(),
            place_country: form.get("place_country").to_owned(),
            lat: form.get("lat").to_owned(),
            lon: form.get("lon").to_owned(),
            conveyance: form.get("conveyance").to_owned(),
            items,
            concealment: form.get("concealment").to_owned(),
            arrests: form.get("arrests").to_owned(),
            origin: form.get("origin").to_owned(),
            transit: form.get("transit").to_owned(),
            destination: form.get("destination").to_owned(),
            tlp: form.get("tlp").to_owned(),
            recipients: form.all("recipients"),
            status: form.get("status").to_owned(),
            subjects: subject_rows(form),
            linked_reports: form.get("linked_reports").to_owned(),
            version: form.get("version").to_owned(),
        }
    }

    /// A blank form with sensible defaults.
    pub fn blank(today: NaiveDate) -> Self {
        Self {
            occurred_on: today.to_string(),
            place_kind: "port".into(),
            conveyance: "sea_container".into(),
            tlp: "AMBER".into(),
            status: "published".into(),
            ..Self::default()
        }
    }

    /// The form that edits a stored seizure.
    pub fn of(s: &Seizure) -> Self {
        let c = |c: &Option<CountryCode>| c.map(|c| c.as_str().to_owned()).unwrap_or_default();
        Self {
            occurred_on: s.occurred_on.to_string(),
            place_kind: s.place.kind.as_str().to_owned(),
            place_name: s.place.name.clone(),
            place_country: s.place.country.as_str().to_owned(),
            lat: s
                .place
                .position
                .map(|p| p.lat.to_string())
                .unwrap_or_default(),
            lon: s
                .place
                .position
                .map(|p| p.lon.to_string())
                .unwrap_or_default(),
            conveyance: s.conveyance.as_str().to_owned(),
            items: s
                .items
                .iter()
                .map(|i| ItemRow {
                    drug: i.drug.as_str().to_owned(),
                    quantity: i.quantity.to_string(),
                    unit: i.unit.as_str().to_owned(),
                })
                .collect(),
            concealment: s.concealment.clone(),
            arrests: s.arrests.to_string(),
            origin: c(&s.route.origin),
            transit: s
                .route
                .transit
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            destination: c(&s.route.destination),
            tlp: s.handling.tlp.as_str().to_owned(),
            recipients: s
                .handling
                .recipients
                .iter()
                .map(|r| r.to_string())
                .collect(),
            status: s.status.as_str().to_owned(),
            subjects: s.subjects.iter().map(subject_to_row).collect(),
            linked_reports: s
                .linked_reports
                .iter()
                .map(|u| u.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            version: s.version.to_string(),
        }
    }

    /// The linked reports as entered, one entry per report, repeats dropped. The
    /// errors of `linked_reports[i]` refer to the `i`th entry.
    pub fn linked_report_tokens(&self) -> Vec<String> {
        let mut tokens: Vec<String> = Vec::new();
        for token in self
            .linked_reports
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|t| !t.is_empty())
        {
            let same = |t: &String| match (report_id(t), report_id(token)) {
                (Some(a), Some(b)) => a == b,
                _ => t == token,
            };
            if !tokens.iter().any(same) {
                tokens.push(token.to_owned());
            }
        }
        tokens
    }

    /// The API input, or every problem found.
    pub fn input(&self, agency: &AgencyCode, today: NaiveDate) -> Result<SeizureInput, Errors> {
        let mut errors = Errors::new();
        let occurred_on = NaiveDate::parse_from_str(self.occurred_on.trim(), "%Y-%m-%d")
            .unwrap_or_else(|_| {
                errors.insert("occurred_on".into(), FieldError::coded("err.date"));
                today
            });
        let kind = PlaceKind::parse(&self.place_kind).unwrap_or_else(|| {
            errors.insert(
                "place.kind".into(),
                FieldError::coded("err.choose_place_kind"),
            );
            PlaceKind::Port
        });
        let country = country_opt(&mut errors, "place.country", &self.place_country);
        if country.is_none() && !errors.contains_key("place.country") {
            errors.insert(
                "place.country".into(),
                FieldError::coded("err.choose_country"),
            );
        }
        let position = position_opt(&mut errors, "place.position", &self.lat, &self.lon);
        let conveyance = Conveyance::parse(&self.conveyance).unwrap_or_else(|| {
            errors.insert(
                "conveyance".into(),
                FieldError::coded("err.choose_conveyance"),
            );
            Conveyance::SeaContainer
        });
        let mut items = Vec::new();
        for (i, row) in self.items.iter().enumerate() {
            let drug = DrugType::parse(&row.drug);
            let unit = Unit::parse(&row.unit);
            let q = row.quantity.trim().replace(',', "").parse::<f64>();
            if drug.is_none() {
                errors.insert(
                    format!("items[{i}].drug"),
                    FieldError::coded("err.choose_drug"),
                );
            }
            if unit.is_none() {
                errors.insert(
                    format!("items[{i}].unit"),
                    FieldError::coded("err.choose_unit"),
                );
            }
            if q.is_err() {
                errors.insert(
                    format!("items[{i}].quantity"),
                    FieldError::coded("err.number"),
                );
            }
            items.push(DrugItem {
                drug: drug.unwrap_or(DrugType::Other),
                quantity: q.unwrap_or(1.0),
                unit: unit.unwrap_or(Unit::Kilogram),
            });
        }
        let arrests = match self.arrests.trim() {
            "" => 0,
            raw => raw.parse::<u32>().unwrap_or_else(|_| {
                errors.insert("arrests".into(), FieldError::coded("err.number"));
                0
            }),
        };
        let origin = country_opt(&mut errors, "route.origin", &self.origin);
        let destination = country_opt(&mut errors, "route.destination", &self.destination);
        let mut transit = Vec::new();
        for code in self
            .transit
            .split([',', ' ', ';'])
            .filter(|s| !s.trim().is_empty())
        {
            if let Some(c) = country_opt(&mut errors, "route.transit", code) {
                transit.push(c);
            }
        }
        // Whether each report exists and may be seen is for the service to say; here
        // only the shape of the ids is checked. A malformed id reads like a missing one.
        let mut linked_reports = Vec::new();
        for (i, token) in self.linked_report_tokens().iter().enumerate() {
            match report_id(token) {
                Some(u) => linked_reports.push(u),
                None => {
                    errors.insert(
                        format!("linked_reports[{i}]"),
                        FieldError::coded("err.no_such_report"),
                    );
                }
            }
        }
        let handling = handling_from(&self.tlp, &self.recipients, &mut errors);
        let status = status_from(&self.status, &mut errors);
        let subjects = subjects_from_rows(&self.subjects, &mut errors);
        let input = SeizureInput {
            occurred_on,
            place: SeizurePlace {
                kind,
                name: self.place_name.clone(),
                country: match country.map(Ok).unwrap_or_else(|| CountryCode::parse("KR")) {
                    Ok(c) => c,
                    Err(_) => return Err(errors),
                },
                position,
            },
            conveyance,
            items,
            concealment: self.concealment.clone(),
            route: Route {
                origin,
                transit,
                destination,
            },
            arrests,
            subjects,
            linked_reports,
            handling,
            status,
        };
        if let Err(found) = input.validate(agency, today) {
            add_domain_errors(&mut errors, &found);
        }
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }
}

// ---- rendering -------------------------------------------------------------------

/// The error of exactly `key`, in the page's language.
fn err(lang: Lang, errors: &Errors, key: &str) -> Option<String> {
    errors.get(key).map(|e| e.text(lang))
}

/// All errors under `prefix` (the key itself and `prefix.…`); those of a part of the
/// prefix are named by the column the user typed it in.
fn errs_under(lang: Lang, errors: &Errors, prefix: &str) -> Vec<String> {
    errors
        .iter()
        .filter_map(|(k, e)| {
            if k.as_str() == prefix {
                return Some(e.text(lang));
            }
            let field = k.strip_prefix(prefix)?.strip_prefix('.')?;
            Some(format!("{}: {}", part_label(lang, field), e.text(lang)))
        })
        .collect()
}

/// The column of a subject or drug-item row that holds the field the service names.
fn part_label(lang: Lang, field: &str) -> &'static str {
    let base = field.split('[').next().unwrap_or(field);
    lang.t(match base {
        "name" | "text" | "document_type" | "operator" | "bank" | "carrier" => "field.name",
        "country" | "nationality" | "flag" => "field.country",
        "kind" => "field.kind",
        "aliases" => "field.aliases",
        "position" => "field.position",
        "drug" => "field.drug",
        "quantity" => "field.quantity",
        "unit" => "field.unit",
        _ => "field.identifier",
    })
}

/// The errors of the linked reports, each named by the entry it is about.
fn linked_report_errors(lang: Lang, errors: &Errors, form: &SeizureForm) -> Vec<String> {
    let tokens = form.linked_report_tokens();
    let found: Vec<String> = errors
        .iter()
        .filter_map(|(k, e)| {
            if k == "linked_reports" {
                return Some(e.text(lang));
            }
            let i: usize = k
                .strip_prefix("linked_reports[")?
                .strip_suffix(']')?
                .parse()
                .ok()?;
            Some(match tokens.get(i) {
                Some(token) => format!("{token}: {}", e.text(lang)),
                None => e.text(lang),
            })
        })
        .collect();
    found
}

/// A labelled field with its error underneath. `wide` spans the whole grid row.
pub(crate) fn field(
    label: &str,
    id: &str,
    error: Option<String>,
    wide: bool,
    control: Markup,
) -> Markup {
    let class = match (wide, error.is_some()) {
        (true, true) => "field wide invalid",
        (true, false) => "field wide",
        (false, true) => "field invalid",
        (false, false) => "field",
    };
    html! {
        div class=(class) {
            label for=(id) { (label) }
            (control)
            @if let Some(e) = error {
                p.field-error id={ (id) "-error" } { (e) }
            }
        }
    }
}

/// A select of every country, named in the page's language.
pub fn country_select(
    lang: Lang,
    name: &str,
    id: Option<&str>,
    selected: &str,
    required: bool,
) -> Markup {
    let mut countries: Vec<CountryCode> = CountryCode::all().collect();
    lang.sort_countries(&mut countries);
    let selected = selected.trim().to_ascii_uppercase();
    html! {
        select name=(name) id=[id] required[required] {
            option value="" { "—" }
            @for c in countries {
                option value=(c.as_str()) selected[c.as_str() == selected] { (lang.country(c)) " (" (c.as_str()) ")" }
            }
        }
    }
}

fn simple_select(name: &str, id: &str, options: &[(String, String)], selected: &str) -> Markup {
    html! {
        select name=(name) id=[(!id.is_empty()).then_some(id)] {
            @for (value, label) in options {
                option value=(value) selected[value == selected] { (label) }
            }
        }
    }
}

fn tlp_select(lang: Lang, selected: &str) -> Markup {
    let _ = lang;
    let options: Vec<(String, String)> = Tlp::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), format!("TLP:{}", t.as_str())))
        .collect();
    html! {
        select name="tlp" id="tlp" data-tlp-select {
            @for (value, label) in &options {
                option value=(value) selected[value == selected] { (label) }
            }
        }
    }
}

fn status_options(lang: Lang) -> Vec<(String, String)> {
    ["published", "draft"]
        .iter()
        .map(|s| ((*s).to_owned(), lang.t(&format!("status.{s}")).to_owned()))
        .collect()
}

/// The agencies a record's form names, and those that may receive it at TLP:RED with
/// the agreement by which each may.
pub struct FormAgencies {
    pub all: Vec<Agency>,
    pub red: Vec<(AgencyCode, String)>,
}

fn recipients_box(
    lang: Lang,
    agencies: &FormAgencies,
    own: &AgencyCode,
    chosen: &[String],
    errors: &Errors,
) -> Markup {
    // The box's own error, and the service's refusal of each recipient who cannot
    // receive the record (`handling.recipients[i]`).
    let problems: Vec<String> = errors
        .iter()
        .filter(|(k, _)| {
            k.as_str() == "handling.recipients" || k.starts_with("handling.recipients[")
        })
        .map(|(_, e)| e.text(lang))
        .collect();
    let error = (!problems.is_empty()).then(|| problems.join(" "));
    html! {
        fieldset.field.wide.checks.invalid[error.is_some()] id="recipients" data-red-only {
            legend { (lang.t("field.recipients")) }
            p.muted { (lang.t("field.recipients_help")) }
            div.check-grid.recipient-grid {
                @for a in agencies.all.iter().filter(|a| &a.code != own) {
                    @let by = agencies.red.iter().find(|(code, _)| code == &a.code).map(|(_, title)| title);
                    @let checked = chosen.iter().any(|c| c == a.code.as_str());
                    label.check.recipient.unreachable[by.is_none()] {
                        // An agency that cannot receive is offered only when it is
                        // already chosen (an older version), so that it can be taken off.
                        input type="checkbox" name="recipients" value=(a.code.as_str()) checked[checked] disabled[by.is_none() && !checked];
                        span {
                            (a.code.as_str()) " — " (a.name)
                            br;
                            @match by {
                                Some(title) => small.muted.reach { (lang.t("recipients.by").replace("{0}", title)) },
                                None => small.reach.cannot { (lang.t("recipients.cannot")) },
                            }
                        }
                    }
                }
            }
            @if let Some(e) = error { p.field-error { (e) } }
        }
    }
}

fn subjects_box(lang: Lang, rows: &[SubjectRow], errors: &Errors) -> Markup {
    let kind_options: Vec<(String, String)> = SUBJECT_KINDS
        .iter()
        .map(|k| ((*k).to_owned(), lang.t(&format!("subject.{k}")).to_owned()))
        .collect();
    let row_markup = |row: &SubjectRow, errors: Vec<String>| {
        html! {
            tr.subject-row.invalid[!errors.is_empty()] {
                td {
                    select name="subject_kind" aria-label=(lang.t("field.kind")) data-hint-for="subject_id" {
                        @for (value, label) in &kind_options {
                            option value=(value) selected[value == &row.kind] data-hint=(lang.t(&format!("hint.{value}"))) { (label) }
                        }
                    }
                }
                td { input type="text" name="subject_name" value=(row.name) maxlength="200" aria-label=(lang.t("field.name")); }
                td { input type="text" name="subject_id" value=(row.ident) maxlength="200" aria-label=(lang.t("field.identifier")) placeholder=(lang.t(&format!("hint.{}", row.kind))); }
                td {
                    (country_select(lang, "subject_country", None, &row.country, false))
                    input type="hidden" name="subject_extra" value=(row.extra);
                }
                // Every row sends every field, so that the fields of one row line up;
                // the style sheet hides those that do not apply to the row's kind
                // while they are empty.
                td.subject-more { div.subject-more-fields {
                    div.subject-aliases {
                        input type="text" name="subject_aliases" value=(row.aliases) maxlength="4000"
                            aria-label=(lang.t("field.aliases")) placeholder=(lang.t("hint.aliases"));
                    }
                    div.subject-position {
                        input type="text" inputmode="decimal" name="subject_lat" value=(row.lat) maxlength="32"
                            aria-label=(lang.t("field.lat")) placeholder=(lang.t("field.lat"));
                        input type="text" inputmode="decimal" name="subject_lon" value=(row.lon) maxlength="32"
                            aria-label=(lang.t("field.lon")) placeholder=(lang.t("field.lon"));
                    }
                } }
                td.row-actions { button.link-button type="button" data-remove-row hidden { "✕" } }
            }
            @if !errors.is_empty() {
                tr.row-error { td colspan="6" { @for e in &errors { p.field-error { (e) } } } }
            }
        }
    };
    let blank = SubjectRow {
        kind: "person".into(),
        ..SubjectRow::default()
    };
    html! {
        fieldset.field.wide.rows.invalid[err(lang, errors, "subjects").is_some()] {
            legend { (lang.t("field.subjects")) }
            div.table-scroll {
                table.form-table {
                    thead { tr {
                        th { (lang.t("field.kind")) }
                        th { (lang.t("field.name")) }
                        th { (lang.t("field.identifier")) }
                        th { (lang.t("field.country")) }
                        th { (lang.t("field.subject_more")) }
                        th {}
                    } }
                    tbody data-rows="subject" {
                        @for (i, row) in rows.iter().enumerate() {
                            (row_markup(row, errs_under(lang, errors, &format!("subjects[{i}]"))))
                        }
                        (row_markup(&blank, Vec::new()))
                    }
                }
            }
            template id="subject-template" { table { tbody { (row_markup(&blank, Vec::new())) } } }
            @if let Some(e) = err(lang, errors, "subjects") { p.field-error { (e) } }
            p { button.button.secondary type="button" data-add-row="subject" hidden { "+ " (lang.t("subject.add")) } }
            p.help { (lang.t("subject.help")) }
        }
    }
}

fn drug_label(lang: Lang, d: DrugType) -> &'static str {
    lang.t(&format!("drug.{}", d.as_str()))
}

pub(crate) fn error_banner(lang: Lang, errors: &Errors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.alert.alert-error role="alert" { (lang.t("common.fix_fields")) }
        }
    }
}

/// The report form.
#[allow(clippy::too_many_arguments)]
pub fn report_form(
    lang: Lang,
    action: &str,
    csrf: &str,
    form: &ReportForm,
    errors: &Errors,
    agencies: &FormAgencies,
    own: &AgencyCode,
    cancel: &str,
) -> Markup {
    let gradings: Vec<(String, String)> = ["A", "B", "C", "D", "E", "F"]
        .iter()
        .flat_map(|s| (1..=6).map(move |c| (format!("{s}{c}"), format!("{s}{c}"))))
        .collect();
    html! {
        (error_banner(lang, errors))
        form.record-form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            @if !form.version.is_empty() { input type="hidden" name="version" value=(form.version); }
            div.form-grid {
                (field(lang.t("field.title"), "title", err(lang, errors, "title"), true, html! {
                    input type="text" id="title" name="title" value=(form.title) maxlength="200" required;
                }))
                (field(lang.t("field.grading"), "grading", err(lang, errors, "grading"), false, html! {
                    (simple_select("grading", "grading", &gradings, &form.grading))
                    small.help { (lang.t("field.grading_help")) }
                }))
                (field(lang.t("field.tlp"), "tlp", err(lang, errors, "handling.tlp"), false, tlp_select(lang, &form.tlp)))
                (field(lang.t("field.status"), "status", err(lang, errors, "status"), false,
                    simple_select("status", "status", &status_options(lang), &form.status)))
                (recipients_box(lang, agencies, own, &form.recipients, errors))
                fieldset.field.wide.checks.invalid[err(lang, errors, "drugs").is_some()] {
                    legend { (lang.t("field.drugs")) }
                    div.check-grid {
                        @for d in DrugType::ALL {
                            label.check {
                                input type="checkbox" name="drugs" value=(d.as_str()) checked[form.drugs.iter().any(|x| x == d.as_str())];
                                span { (drug_label(lang, *d)) }
                            }
                        }
                    }
                    @if let Some(e) = err(lang, errors, "drugs") { p.field-error { (e) } }
                }
                (field(lang.t("field.narrative"), "narrative", err(lang, errors, "narrative"), true, html! {
                    textarea id="narrative" name="narrative" rows="8" { (form.narrative) }
                }))
                (field(lang.t("field.modus_operandi"), "modus_operandi", err(lang, errors, "modus_operandi"), true, html! {
                    textarea id="modus_operandi" name="modus_operandi" rows="3" { (form.modus_operandi) }
                }))
                (subjects_box(lang, &form.subjects, errors))
            }
            div.form-actions {
                button.button type="submit" { (lang.t("common.save")) }
                a.button.secondary href=(cancel) { (lang.t("common.cancel")) }
            }
        }
    }
}

fn items_box(lang: Lang, rows: &[ItemRow], errors: &Errors) -> Markup {
    let drugs: Vec<(String, String)> = DrugType::ALL
        .iter()
        .map(|d| (d.as_str().to_owned(), drug_label(lang, *d).to_owned()))
        .collect();
    let units: Vec<(String, String)> = Unit::ALL
        .iter()
        .map(|u| {
            (
                u.as_str().to_owned(),
                lang.t(&format!("unit.{}", u.as_str())).to_owned(),
            )
        })
        .collect();
    let row_markup = |row: &ItemRow, errors: Vec<String>| {
        html! {
            tr.item-row.invalid[!errors.is_empty()] {
                td { (simple_select("item_drug", "", &drugs, &row.drug)) }
                td { input type="text" inputmode="decimal" name="item_quantity" value=(row.quantity) aria-label=(lang.t("field.quantity")); }
                td { (simple_select("item_unit", "", &units, &row.unit)) }
                td.row-actions { button.link-button type="button" data-remove-row hidden { "✕" } }
            }
            @if !errors.is_empty() {
                tr.row-error { td colspan="4" { @for e in &errors { p.field-error { (e) } } } }
            }
        }
    };
    let blank = ItemRow {
        drug: "methamphetamine".into(),
        quantity: String::new(),
        unit: "kg".into(),
    };
    html! {
        fieldset.field.wide.rows.invalid[err(lang, errors, "items").is_some()] {
            legend { (lang.t("field.items")) }
            div.table-scroll {
                table.form-table {
                    thead { tr {
                        th { (lang.t("field.drug")) }
                        th { (lang.t("field.quantity")) }
                        th { (lang.t("field.unit")) }
                        th {}
                    } }
                    tbody data-rows="item" {
                        @for (i, row) in rows.iter().enumerate() {
                            (row_markup(row, errs_under(lang, errors, &format!("items[{i}]"))))
                        }
                        (row_markup(&blank, Vec::new()))
                    }
                }
            }
            template id="item-template" { table { tbody { (row_markup(&blank, Vec::new())) } } }
            @if let Some(e) = err(lang, errors, "items") { p.field-error { (e) } }
            p { button.button.secondary type="button" data-add-row="item" hidden { "+ " (lang.t("item.add")) } }
        }
    }
}

/// The seizure form.
#[allow(clippy::too_many_arguments)]
pub fn seizure_form(
    lang: Lang,
    action: &str,
    csrf: &str,
    form: &SeizureForm,
    errors: &Errors,
    agencies: &FormAgencies,
    own: &AgencyCode,
    cancel: &str,
) -> Markup {
    let places: Vec<(String, String)> = PlaceKind::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_owned(),
                lang.t(&format!("place.{}", p.as_str())).to_owned(),
            )
        })
        .collect();
    let conveyances: Vec<(String, String)> = Conveyance::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_owned(),
                lang.t(&format!("conveyance.{}", c.as_str())).to_owned(),
            )
        })
        .collect();
    html! {
        (error_banner(lang, errors))
        form.record-form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            @if !form.version.is_empty() { input type="hidden" name="version" value=(form.version); }
            div.form-grid {
                (field(lang.t("field.occurred_on"), "occurred_on", err(lang, errors, "occurred_on"), false, html! {
                    input type="date" id="occurred_on" name="occurred_on" value=(form.occurred_on) required;
                }))
                (field(lang.t("field.conveyance"), "conveyance", err(lang, errors, "conveyance"), false,
                    simple_select("conveyance", "conveyance", &conveyances, &form.conveyance)))
                (field(lang.t("field.tlp"), "tlp", err(lang, errors, "handling.tlp"), false, tlp_select(lang, &form.tlp)))
                (field(lang.t("field.status"), "status", err(lang, errors, "status"), false,
                    simple_select("status", "status", &status_options(lang), &form.status)))
                (recipients_box(lang, agencies, own, &form.recipients, errors))
                fieldset.field.wide {
                    legend { (lang.t("field.place")) }
                    div.sub-grid.place-grid {
                        (field(lang.t("field.place_kind"), "place_kind", err(lang, errors, "place.kind"), false,
                            simple_select("place_kind", "place_kind", &places, &form.place_kind)))
                        (field(lang.t("field.place_name"), "place_name", err(lang, errors, "place.name"), false, html! {
                            input type="text" id="place_name" name="place_name" value=(form.place_name) maxlength="200" required;
                        }))
                        (field(lang.t("field.country"), "place_country", err(lang, errors, "place.country"), false,
                            country_select(lang, "place_country", Some("place_country"), &form.place_country, true)))
                        (field(lang.t("field.lat"), "lat", err(lang, errors, "place.position"), false, html! {
                            input type="text" inputmode="decimal" id="lat" name="lat" value=(form.lat) placeholder="35.1";
                        }))
                        (field(lang.t("field.lon"), "lon", None, false, html! {
                            input type="text" inputmode="decimal" id="lon" name="lon" value=(form.lon) placeholder="129.04";
                        }))
                    }
                }
                (items_box(lang, &form.items, errors))
                (field(lang.t("field.concealment"), "concealment", err(lang, errors, "concealment"), true, html! {
                    textarea id="concealment" name="concealment" rows="3" { (form.concealment) }
                }))
                (field(lang.t("field.arrests"), "arrests", err(lang, errors, "arrests"), false, html! {
                    input type="text" inputmode="numeric" id="arrests" name="arrests" value=(form.arrests) placeholder="0";
                }))
                fieldset.field.wide {
                    legend { (lang.t("field.route")) }
                    div.sub-grid.route-grid {
                        (field(lang.t("field.origin"), "origin", err(lang, errors, "route.origin"), false,
                            country_select(lang, "origin", Some("origin"), &form.origin, false)))
                        (field(lang.t("field.transit"), "transit", err(lang, errors, "route.transit"), false, html! {
                            input type="text" id="transit" name="transit" value=(form.transit) placeholder="TH, VN";
                        }))
                        (field(lang.t("field.destination"), "destination", err(lang, errors, "route.destination"), false,
                            country_select(lang, "destination", Some("destination"), &form.destination, false)))
                    }
                }
                @let link_errors = linked_report_errors(lang, errors, form);
                div.field.wide.invalid[!link_errors.is_empty()] {
                    label for="linked_reports" { (lang.t("field.linked_reports")) }
                    textarea id="linked_reports" name="linked_reports" rows="2" aria-describedby="linked_reports-help" { (form.linked_reports) }
                    small.help id="linked_reports-help" { (lang.t("field.linked_reports_help")) }
                    @for e in &link_errors { p.field-error { (e) } }
                }
                (subjects_box(lang, &form.subjects, errors))
            }
            div.form-actions {
                button.button type="submit" { (lang.t("common.save")) }
                a.button.secondary href=(cancel) { (lang.t("common.cancel")) }
            }
        }
    }
}

/// One drug item as a list shows it, masses in kilograms whatever unit the record
/// uses, so that a column of quantities reads in one unit.
pub fn item_text_in_kg(lang: Lang, item: &DrugItem) -> String {
    match item.unit {
        interdict_core::record::Unit::Gram => lang.drug_item(&DrugItem {
            quantity: item.quantity / 1000.0,
            unit: interdict_core::record::Unit::Kilogram,
            ..*item
        }),
        _ => lang.drug_item(item),
    }
}

/// A drug's name.
pub fn drug_name(lang: Lang, d: DrugType) -> &'static str {
    drug_label(lang, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, name: &str, ident: &str, country: &str) -> SubjectRow {
        SubjectRow {
            kind: kind.into(),
            name: name.into(),
            ident: ident.into(),
            country: country.into(),
            ..SubjectRow::default()
        }
    }

    #[test]
    fn vessel_identifiers_are_told_apart() {
        let mut errors = Errors::new();
        let s = row_to_subject(
            &row("vessel", "해양호", "9074729 440123450 D7AB", "KR"),
            0,
            &mut errors,
        )
        .unwrap();
        let Subject::Vessel(v) = s else {
            panic!("not a vessel")
        };
        assert_eq!(v.imo.unwrap().as_str(), "9074729");
        assert_eq!(v.mmsi.unwrap().as_str(), "440123450");
        assert_eq!(v.call_sign.as_deref(), Some("D7AB"));
        assert_eq!(v.flag.unwrap().as_str(), "KR");
        // Regression: `IMO 9074729` stored the IMO number and a call sign "IMO".
        let mut fresh = Errors::new();
        for typed in [
            "IMO 9074729 MMSI 440123450 C/S D7AB",
            "IMO9074729 MMSI:440123450 call sign D7AB",
        ] {
            let s = row_to_subject(&row("vessel", "해양호", typed, "KR"), 0, &mut fresh).unwrap();
            let Subject::Vessel(v) = s else {
                panic!("not a vessel")
            };
            assert_eq!(v.imo.unwrap().as_str(), "9074729", "{typed}");
            assert_eq!(v.mmsi.unwrap().as_str(), "440123450", "{typed}");
            assert_eq!(v.call_sign.as_deref(), Some("D7AB"), "{typed}");
        }
        assert!(fresh.is_empty(), "{fresh:?}");
        assert!(row_to_subject(&row("vessel", "x", "9074728", ""), 1, &mut errors).is_none());
        assert!(errors.contains_key("subjects[1].imo"), "{errors:?}");
    }

    #[test]
    fn identifiers_are_checked_per_kind() {
        let mut errors = Errors::new();
        assert!(row_to_subject(&row("container", "", "CSQU3054383", ""), 0, &mut errors).is_some());
        assert!(row_to_subject(&row("container", "", "CSQU3054384", ""), 1, &mut errors).is_none());
        assert!(
            row_to_subject(&row("phone", "", "+82 10 1234 5678", ""), 2, &mut errors).is_some()
        );
        assert!(row_to_subject(&row("email", "", "not an address", ""), 3, &mut errors).is_none());
        assert!(row_to_subject(&row("person", "Kim", "", "XX"), 4, &mut errors).is_none());
        for key in [
            "subjects[1].number",
            "subjects[3].address",
            "subjects[4].country",
        ] {
            assert!(errors.contains_key(key), "{key}: {errors:?}");
        }
    }

    #[test]
    fn every_kind_round_trips_through_a_row() {
        let rows = [
            row("person", "Kim Min-jun", "1980-04-25", "KR"),
            row(
                "organisation",
                "Blue Ocean Trading Co.",
                "110-81-12345",
                "KR",
            ),
            row("vessel", "해양호", "9074729", "PA"),
            row("aircraft", "Jet Cargo", "HL8001", ""),
            row("vehicle", "", "12가3456", "KR"),
            row("container", "", "CSQU3054383", ""),
            row("parcel", "EMS", "EE123456789KR", ""),
            row("phone", "", "+66812345678", ""),
            row("email", "", "broker@example.com", ""),
            row("bank_account", "Krungthai", "123-4-56789-0", "TH"),
            row("document", "passport", "M12345678", "KR"),
            row("address", "Busan, Jung-gu 1", "", "KR"),
            row("place", "Gamcheon port", "", "KR"),
        ];
        for (i, r) in rows.iter().enumerate() {
            let mut errors = Errors::new();
            let s =
                row_to_subject(r, i, &mut errors).unwrap_or_else(|| panic!("{r:?}: {errors:?}"));
            assert_eq!(s.kind(), r.kind);
            let back = subject_to_row(&s);
            let mut errors = Errors::new();
            assert_eq!(row_to_subject(&back, i, &mut errors), Some(s), "{r:?}");
        }
    }

    #[test]
    fn aliases_round_trip_through_one_field() {
        for aliases in [
            vec!["Kim M.".to_owned(), "김민준".to_owned()],
            vec!["Kim, Min-jun".to_owned(), "The Captain".to_owned()],
            vec!["solo".to_owned()],
        ] {
            assert_eq!(parse_aliases(&aliases_text(&aliases)), aliases);
        }
        assert_eq!(
            parse_aliases(" a ,b,, a , "),
            vec!["a".to_owned(), "b".to_owned()]
        );
        assert_eq!(
            parse_aliases("Kim, Min-jun\nKim M."),
            vec!["Kim, Min-jun".to_owned(), "Kim M.".to_owned()]
        );
    }

    #[test]
    fn a_person_keeps_stored_aliases_that_were_not_changed() {
        // Stored through the API with spacing and separators one field cannot show.
        let stored: Subject = serde_json::from_value(json!({
            "kind": "person", "name": "Kim", "aliases": [" Kim, M.; K ", "K2"]
        }))
        .unwrap();
        let row = subject_to_row(&stored);
        let mut errors = Errors::new();
        assert_eq!(row_to_subject(&row, 0, &mut errors), Some(stored.clone()));
        // Edited, the field is read as typed.
        let edited = SubjectRow {
            aliases: "K2, K3".into(),
            ..row
        };
        let Some(Subject::Person(p)) = row_to_subject(&edited, 0, &mut errors) else {
            panic!("{errors:?}")
        };
        assert_eq!(p.aliases, vec!["K2".to_owned(), "K3".to_owned()]);
    }

    #[test]
    fn a_place_position_is_read_and_checked() {
        let place = |lat: &str, lon: &str| SubjectRow {
            lat: lat.into(),
            lon: lon.into(),
            ..row("place", "Gamcheon anchorage", "", "KR")
        };
        let mut errors = Errors::new();
        let Some(Subject::Place(p)) =
            row_to_subject(&place(" 35.0781 ", "129.0123"), 0, &mut errors)
        else {
            panic!("{errors:?}")
        };
        assert_eq!(p.position, Some(Position::new(35.0781, 129.0123).unwrap()));
        assert_eq!(subject_to_row(&Subject::Place(p.clone())).lat, "35.0781");
        for (i, (lat, lon, code)) in [
            ("95", "129", "err.latitude_range"),
            ("35", "-181", "err.longitude_range"),
            ("35.1", "", "err.position_both"),
            ("north", "129", "err.position_decimal"),
            ("NaN", "1", "err.position_decimal"),
        ]
        .into_iter()
        .enumerate()
        {
            assert!(row_to_subject(&place(lat, lon), i, &mut errors).is_none());
            assert_eq!(
                errors[&format!("subjects[{i}].position")].text(Lang::Ko),
                Lang::Ko.t(code),
                "{lat}, {lon}"
            );
        }
        // Other kinds refuse what they cannot hold rather than dropping it.
        let vessel = SubjectRow {
            lat: "35".into(),
            lon: "129".into(),
            aliases: "Sea Star".into(),
            ..row("vessel", "해양호", "", "")
        };
        assert!(row_to_subject(&vessel, 9, &mut errors).is_none());
        assert!(errors.contains_key("subjects[9].position"));
        assert!(errors.contains_key("subjects[9].aliases"));
    }

    #[test]
    fn linked_reports_are_read_from_ids_and_addresses() {
        let id = Uuid::now_v7();
        let form = SeizureForm {
            linked_reports: format!(
                "{id}\nhttp://node.example/reports/{id}/, /reports/{}  junk\n/seizures/{}",
                id.simple(),
                Uuid::nil()
            ),
            ..SeizureForm::default()
        };
        let tokens = form.linked_report_tokens();
        assert_eq!(tokens.len(), 3, "{tokens:?}");
        assert_eq!(report_id(&tokens[0]), Some(id));
        assert_eq!(report_id(&tokens[1]), None);
        assert_eq!(report_id(&tokens[2]), None, "a seizure is not a report");
    }
}
