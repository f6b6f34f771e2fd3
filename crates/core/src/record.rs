//! Intelligence reports and seizure records.

use chrono::{DateTime, NaiveDate, Utc};
use interdict_ident::CountryCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::agency::{AgencyCode, Username};
use crate::agreement::Scope;
use crate::geo::Position;
use crate::handling::{Grading, Handling, Tlp};
use crate::subject::Subject;
use crate::validate::{optional_text, text, FieldErrors};

/// The life-cycle state of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Seen only by the originating agency.
    Draft,
    /// Shared as agreements allow.
    Published,
    /// Taken back: it vanishes for partners and stays, marked, for its own agency.
    Withdrawn,
}

impl RecordStatus {
    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Withdrawn]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// The kind of record, which decides the agreement scope that governs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Report,
    Seizure,
    /// Alerts of the maritime picture (`crate::alert`).
    Alert,
}

impl RecordKind {
    /// The agreement scope that covers records of this kind.
    pub fn scope(self) -> Scope {
        match self {
            Self::Report => Scope::Intelligence,
            Self::Seizure => Scope::Seizures,
            Self::Alert => Scope::Surveillance,
        }
    }

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Seizure => "seizure",
            Self::Alert => "alert",
        }
    }
}

/// An enum whose values travel as fixed text. Its OpenAPI schema lists the values from
/// the same table that `as_str` and `parse` use: a derived schema would take them from
/// the `serde(rename)` attributes, which the derive does not see through a macro's
/// `literal` fragment, and would list the variant names (`SeaContainer`) instead of
/// the values on the wire (`sea_container`).
macro_rules! text_enum {
    ($(#[doc = $doc:expr])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable text form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stable text form.
            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!($($doc, "\n"),*).trim()))
                    .enum_values(Some(Self::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

text_enum!(
    /// A drug or drug class, as seizure statistics group them.
    DrugType {
        Methamphetamine => "methamphetamine",
        Yaba => "yaba",
        Cocaine => "cocaine",
        Heroin => "heroin",
        Opium => "opium",
        Cannabis => "cannabis",
        Ketamine => "ketamine",
        Mdma => "mdma",
        Fentanyl => "fentanyl",
        Lsd => "lsd",
        Ghb => "ghb",
        Nps => "new_psychoactive_substance",
        Precursor => "precursor",
        Other => "other",
    }
);

text_enum!(
    /// The unit of a seized quantity.
    Unit {
        Gram => "g",
        Kilogram => "kg",
        Tablets => "tablets",
        Litre => "litres",
    }
);

text_enum!(
    /// How the drugs travelled.
    Conveyance {
        SeaContainer => "sea_container",
        Vessel => "vessel",
        AirPassenger => "air_passenger",
        AirCargo => "air_cargo",
        ExpressCourier => "express_courier",
        Post => "post",
    }
);

text_enum!(
    /// What kind of place a seizure happened at.
    PlaceKind {
        Port => "port",
        Airport => "airport",
        AtSea => "at_sea",
        MailCentre => "mail_centre",
        LandBorder => "land_border",
        Inland => "inland",
    }
);

/// An intelligence report as stored and returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub title: String,
    pub narrative: String,
    pub grading: Grading,
    pub handling: Handling,
    pub drugs: Vec<DrugType>,
    pub modus_operandi: String,
    pub status: RecordStatus,
    /// Starts at 1 and grows with every change; updates must name the version they change.
    pub version: i64,
    pub subjects: Vec<Subject>,
    pub created_by: Username,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or replace a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20_000)]
    pub narrative: String,
    pub grading: Grading,
    pub handling: Handling,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub drugs: Vec<DrugType>,
    #[serde(default)]
    #[schema(max_length = 2_000)]
    pub modus_operandi: String,
    /// `draft` or `published`; a new report is published unless it says otherwise.
    #[serde(default = "published")]
    #[schema(schema_with = input_status)]
    pub status: RecordStatus,
    #[serde(default)]
    #[schema(max_items = 200)]
    pub subjects: Vec<Subject>,
}

fn published() -> RecordStatus {
    RecordStatus::Published
}

/// The statuses a client may give a record it writes: withdrawing is an action of its own.
fn input_status() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(
            [RecordStatus::Draft, RecordStatus::Published].map(RecordStatus::as_str),
        ))
        .default(Some(serde_json::json!(RecordStatus::Published.as_str())))
        .build()
}

const MAX_SUBJECTS: usize = 200;

impl ReportInput {
    /// Checks everything the types could not: lengths, the status a client may set,
    /// and the recipients of TLP:RED.
    pub fn validate(&self, originator: &AgencyCode) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        text(&mut errors, "title", &self.title, 200);
        optional_text(&mut errors, "narrative", &self.narrative, 20_000);
        optional_text(&mut errors, "modus_operandi", &self.modus_operandi, 2_000);
        if self.status == RecordStatus::Withdrawn {
            errors.add("status", "use the withdraw action to withdraw a record");
        }
        if self.drugs.len() > 20 {
            errors.add("drugs", "at most 20 drugs");
        }
        check_handling(&mut errors, &self.handling, originator);
        check_subjects(&mut errors, &self.subjects);
        errors.into_result()
    }
}

fn check_handling(errors: &mut FieldErrors, handling: &Handling, originator: &AgencyCode) {
    match handling.tlp {
        Tlp::Red => {
            if handling.recipients.is_empty() {
                errors.add(
                    "handling.recipients",
                    "TLP:RED needs at least one named recipient agency",
                );
            }
            if handling.recipients.contains(originator) {
                errors.add(
                    "handling.recipients",
                    "the originating agency is not a recipient of its own record",
                );
            }
            if handling.recipients.len() > 50 {
                errors.add("handling.recipients", "at most 50 recipients");
            }
        }
        _ => {
            if !handling.recipients.is_empty() {
                errors.add("handling.recipients", "only TLP:RED names recipients");
            }
        }
    }
}

fn check_subjects(errors: &mut FieldErrors, subjects: &[Subject]) {
    if subjects.len() > MAX_SUBJECTS {
        errors.add("subjects", format!("at most {MAX_SUBJECTS} subjects"));
    }
    for (i, subject) in subjects.iter().enumerate() {
        subject.validate(errors, &format!("subjects[{i}]"));
    }
}

/// Where a seizure happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeizurePlace {
    pub kind: PlaceKind,
    /// Such as `Busan New Port` or `Incheon International Airport`.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub country: CountryCode,
    /// Required at sea, optional elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// The route of a consignment: where it came from, through where, to where.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 20)]
    pub transit: Vec<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<CountryCode>,
}

/// One drug and its seized quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrugItem {
    pub drug: DrugType,
    /// Tablets are counted in whole numbers.
    #[schema(exclusive_minimum = 0.0, exclusive_maximum = 1e9)]
    pub quantity: f64,
    pub unit: Unit,
}

impl DrugItem {
    /// The quantity in kilograms or litres, or `None` for counted units (tablets).
    pub fn mass_kg(&self) -> Option<f64> {
        match self.unit {
            Unit::Gram => Some(self.quantity / 1000.0),
            Unit::Kilogram => Some(self.quantity),
            Unit::Tablets | Unit::Litre => None,
        }
    }
}

/// A seizure record as stored and returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Seizure {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub occurred_on: NaiveDate,
    pub place: SeizurePlace,
    pub conveyance: Conveyance,
    pub items: Vec<DrugItem>,
    pub concealment: String,
    pub route: Route,
    /// Persons arrested with the seizure.
    #[serde(default)]
    pub arrests: u32,
    pub subjects: Vec<Subject>,
    pub linked_reports: Vec<Uuid>,
    pub handling: Handling,
    pub status: RecordStatus,
    pub version: i64,
    pub created_by: Username,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or replace a seizure record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeizureInput {
    /// Not in the future.
    pub occurred_on: NaiveDate,
    pub place: SeizurePlace,
    pub conveyance: Conveyance,
    #[schema(min_items = 1, max_items = 50)]
    pub items: Vec<DrugItem>,
    #[serde(default)]
    #[schema(max_length = 2_000)]
    pub concealment: String,
    #[serde(default)]
    pub route: Route,
    /// Persons arrested with the seizure.
    #[serde(default)]
    #[schema(maximum = 10_000)]
    pub arrests: u32,
    #[serde(default)]
    #[schema(max_items = 200)]
    pub subjects: Vec<Subject>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub linked_reports: Vec<Uuid>,
    pub handling: Handling,
    /// `draft` or `published`; a new seizure is published unless it says otherwise.
    #[serde(default = "published")]
    #[schema(schema_with = input_status)]
    pub status: RecordStatus,
}

impl SeizureInput {
    /// Checks everything the types could not. `today` bounds the seizure date.
    pub fn validate(&self, originator: &AgencyCode, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.occurred_on > today {
            errors.add("occurred_on", "must not be in the future");
        }
        text(&mut errors, "place.name", &self.place.name, 200);
        if self.place.kind == PlaceKind::AtSea && self.place.position.is_none() {
            errors.add("place.position", "a seizure at sea needs a position");
        }
        if self.items.is_empty() {
            errors.add("items", "at least one drug item");
        }
        if self.items.len() > 50 {
            errors.add("items", "at most 50 drug items");
        }
        for (i, item) in self.items.iter().enumerate() {
            if !(item.quantity.is_finite() && item.quantity > 0.0 && item.quantity < 1e9) {
                errors.add(format!("items[{i}].quantity"), "must be a positive number");
            }
            if item.unit == Unit::Tablets && item.quantity.fract() != 0.0 {
                errors.add(
                    format!("items[{i}].quantity"),
                    "tablets are counted in whole numbers",
                );
            }
        }
        optional_text(&mut errors, "concealment", &self.concealment, 2_000);
        if self.route.transit.len() > 20 {
            errors.add("route.transit", "at most 20 transit countries");
        }
        if self.arrests > 10_000 {
            errors.add("arrests", "at most 10,000 arrests");
        }
        if self.linked_reports.len() > 100 {
            errors.add("linked_reports", "at most 100 linked reports");
        }
        if self.status == RecordStatus::Withdrawn {
            errors.add("status", "use the withdraw action to withdraw a record");
        }
        check_handling(&mut errors, &self.handling, originator);
        check_subjects(&mut errors, &self.subjects);
        errors.into_result()
    }
}

/// What storage and policy need of any kind of record.
pub trait Record: Serialize + serde::de::DeserializeOwned + Send + Sync {
    /// The kind of record.
    const KIND: RecordKind;
    /// The record's id.
    fn id(&self) -> Uuid;
    /// The originating agency.
    fn agency(&self) -> &AgencyCode;
    /// The life-cycle state.
    fn status(&self) -> RecordStatus;
    /// The handling code.
    fn handling(&self) -> &Handling;
    /// The version number.
    fn version(&self) -> i64;
    /// A one-line title for lists.
    fn title(&self) -> String;
    /// The day the record is about, if it is about one.
    fn occurred_on(&self) -> Option<NaiveDate>;
    /// The drugs named in the record.
    fn drugs(&self) -> Vec<DrugType>;
    /// The subjects named in the record.
    fn subjects(&self) -> &[Subject];
    /// Who created it.
    fn created_by(&self) -> &Username;
    /// When it was created and last changed.
    fn times(&self) -> (DateTime<Utc>, DateTime<Utc>);
    /// The free text that search should find the record by.
    fn search_texts(&self) -> Vec<String>;

    /// What the record adds to the seizure statistics (`stats`): nothing but for a
    /// published seizure.
    fn stat_lines(&self) -> Vec<(crate::stats::StatKey, crate::stats::Counts)> {
        Vec::new()
    }

    /// What the policy needs to know of the record, apart from the operations it is
    /// attached to and the disclosures made of it, which are kept beside it.
    fn meta(&self) -> crate::policy::Meta<'_> {
        crate::policy::Meta {
            kind: Self::KIND.into(),
            agency: self.agency(),
            tlp: self.handling().tlp,
            recipients: &self.handling().recipients,
            status: self.status(),
            compartments: &[],
            disclosures: &[],
            parties: &[],
        }
    }

    /// The search index text of the record, with every spelling of the vocabulary
    /// terms it uses (`crate::vocabulary`), so that it is found in every language.
    fn index_text(&self) -> String {
        let texts = self.search_texts();
        let spellings = crate::vocabulary::equivalents(texts.iter().map(String::as_str));
        crate::text::index_text(texts.iter().map(String::as_str).chain(spellings))
    }

    /// The other records this one refers to (a seizure's linked reports).
    fn links(&self) -> Vec<Uuid> {
        Vec::new()
    }

    /// The exact identifiers of all subjects, deduplicated.
    fn identifiers(&self) -> Vec<(&'static str, String)> {
        let mut ids: Vec<_> = self
            .subjects()
            .iter()
            .flat_map(Subject::identifiers)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

impl Record for Report {
    const KIND: RecordKind = RecordKind::Report;
    fn id(&self) -> Uuid {
        self.id
    }
    fn agency(&self) -> &AgencyCode {
        &self.agency
    }
    fn status(&self) -> RecordStatus {
        self.status
    }
    fn handling(&self) -> &Handling {
        &self.handling
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn occurred_on(&self) -> Option<NaiveDate> {
        None
    }
    fn drugs(&self) -> Vec<DrugType> {
        self.drugs.clone()
    }
    fn subjects(&self) -> &[Subject] {
        &self.subjects
    }
    fn created_by(&self) -> &Username {
        &self.created_by
    }
    fn times(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.created_at, self.updated_at)
    }
    fn search_texts(&self) -> Vec<String> {
        let mut texts = vec![
            self.title.clone(),
            self.narrative.clone(),
            self.modus_operandi.clone(),
        ];
        texts.extend(self.drugs.iter().map(|d| d.as_str().replace('_', " ")));
        texts.extend(self.subjects.iter().map(Subject::search_text));
        texts
    }
}

impl Seizure {
    /// A one-line summary: the drugs and the place, like `22 kg methamphetamine at Busan New Port`.
    pub fn summary(&self) -> String {
        let items: Vec<String> = self
            .items
            .iter()
            .map(|i| {
                format!(
                    "{} {} {}",
                    format_quantity(i.quantity),
                    i.unit.as_str(),
                    i.drug.as_str()
                )
            })
            .collect();
        format!("{} at {}", items.join(", "), self.place.name)
    }
}

fn format_quantity(q: f64) -> String {
    if q.fract() == 0.0 {
        format!("{q:.0}")
    } else {
        let text = format!("{q:.3}");
        text.trim_end_matches('0').to_owned()
    }
}

impl Record for Seizure {
    const KIND: RecordKind = RecordKind::Seizure;
    fn links(&self) -> Vec<Uuid> {
        let mut links = self.linked_reports.clone();
        links.sort();
        links.dedup();
        links
    }

    fn id(&self) -> Uuid {
        self.id
    }
    fn agency(&self) -> &AgencyCode {
        &self.agency
    }
    fn status(&self) -> RecordStatus {
        self.status
    }
    fn handling(&self) -> &Handling {
        &self.handling
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn title(&self) -> String {
        self.summary()
    }
    fn occurred_on(&self) -> Option<NaiveDate> {
        Some(self.occurred_on)
    }
    fn stat_lines(&self) -> Vec<(crate::stats::StatKey, crate::stats::Counts)> {
        crate::stats::seizure_lines(self)
    }
    fn drugs(&self) -> Vec<DrugType> {
        let mut drugs: Vec<DrugType> = self.items.iter().map(|i| i.drug).collect();
        drugs.sort();
        drugs.dedup();
        drugs
    }
    fn subjects(&self) -> &[Subject] {
        &self.subjects
    }
    fn created_by(&self) -> &Username {
        &self.created_by
    }
    fn times(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.created_at, self.updated_at)
    }
    fn search_texts(&self) -> Vec<String> {
        let mut texts = vec![
            self.summary(),
            self.concealment.clone(),
            self.place.country.as_str().to_owned(),
            self.conveyance.as_str().replace('_', " "),
        ];
        texts.extend(self.route.origin.iter().map(|c| c.as_str().to_owned()));
        // Countries by name, in English and Korean, besides their codes.
        let countries = std::iter::once(&self.place.country).chain(self.route.origin.iter());
        for country in countries {
            texts.push(country.name().to_owned());
            texts.extend(country.name_ko().map(str::to_owned));
        }
        texts.extend(self.subjects.iter().map(Subject::search_text));
        texts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kcs() -> AgencyCode {
        AgencyCode::parse("KR-KCS").unwrap()
    }

    #[test]
    fn red_needs_recipients_and_others_must_not_have_them() {
        let mut input: ReportInput =
            serde_json::from_str(r#"{"title":"t","grading":"B2","handling":{"tlp":"RED"}}"#)
                .unwrap();
        let errors = input.validate(&kcs()).unwrap_err();
        assert!(errors.fields().contains_key("handling.recipients"));
        input.handling = Handling {
            tlp: Tlp::Green,
            recipients: vec![kcs()],
        };
        assert!(input.validate(&kcs()).is_err());
        input.handling.recipients.clear();
        assert!(input.validate(&kcs()).is_ok());
    }

    #[test]
    fn report_input_refuses_unknown_fields() {
        let err = serde_json::from_str::<ReportInput>(
            r#"{"title":"t","grading":"B2","handling":{"tlp":"GREEN"},"secret":1}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field"));
    }

    #[test]
    fn seizure_checks() {
        let json = r#"{"occurred_on":"2026-05-01","place":{"kind":"at_sea","name":"off Jeju","country":"KR"},
            "conveyance":"vessel","items":[{"drug":"yaba","quantity":10.5,"unit":"tablets"}],
            "handling":{"tlp":"AMBER"}}"#;
        let input: SeizureInput = serde_json::from_str(json).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let errors = input.validate(&kcs(), today).unwrap_err();
        for field in ["occurred_on", "place.position", "items[0].quantity"] {
            assert!(errors.fields().contains_key(field), "{field}: {errors}");
        }
    }

    /// The values an enum's OpenAPI schema lists.
    fn schema_values<T: utoipa::PartialSchema>() -> Vec<serde_json::Value> {
        match T::schema() {
            utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(object)) => {
                object.enum_values.unwrap_or_default()
            }
            _ => panic!("not an enum schema"),
        }
    }

    fn wire_values<T: Serialize>(values: &[T]) -> Vec<serde_json::Value> {
        values
            .iter()
            .map(|v| serde_json::to_value(v).unwrap())
            .collect()
    }

    /// Regression: the schemas of the text enums listed the variant names
    /// (`Methamphetamine`, `SeaContainer`, `Gram`, `Port`) instead of the values that
    /// travel (`methamphetamine`, `sea_container`, `g`, `port`).
    #[test]
    fn openapi_enums_list_the_values_on_the_wire() {
        assert_eq!(schema_values::<DrugType>(), wire_values(DrugType::ALL));
        assert_eq!(schema_values::<Unit>(), wire_values(Unit::ALL));
        assert_eq!(schema_values::<Conveyance>(), wire_values(Conveyance::ALL));
        assert_eq!(schema_values::<PlaceKind>(), wire_values(PlaceKind::ALL));
        assert_eq!(schema_values::<Tlp>(), wire_values(&Tlp::ALL));
        assert_eq!(schema_values::<Scope>(), wire_values(&Scope::ALL));
        assert_eq!(
            schema_values::<crate::Role>(),
            wire_values(&crate::Role::ALL)
        );
        assert_eq!(
            schema_values::<RecordStatus>(),
            wire_values(&[
                RecordStatus::Draft,
                RecordStatus::Published,
                RecordStatus::Withdrawn
            ])
        );
        assert_eq!(
            schema_values::<RecordKind>(),
            wire_values(&[RecordKind::Report, RecordKind::Seizure, RecordKind::Alert])
        );
        use crate::AgencyKind;
        assert_eq!(
            schema_values::<AgencyKind>(),
            wire_values(&[
                AgencyKind::Customs,
                AgencyKind::CoastGuard,
                AgencyKind::Police,
                AgencyKind::Other
            ])
        );
    }

    #[test]
    fn text_enums_round_trip() {
        for d in DrugType::ALL {
            assert_eq!(DrugType::parse(d.as_str()), Some(*d));
        }
        assert_eq!(
            serde_json::to_string(&Conveyance::SeaContainer).unwrap(),
            "\"sea_container\""
        );
    }
}
