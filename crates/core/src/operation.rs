//! Joint operations: their definition, their closed message board and the templates
//! officers post on it, and the tally of their results.
//!
//! An operation is a compartment of the policy (`policy::Membership`): its members read
//! the records attached to it up to its handling limit, whatever their agreements say.
//! The operation itself, its board and its tally are data of kind
//! `DataKind::Operation` with the lead agency as owner and the operation as their one
//! compartment (`Operation::meta`): its members read them, and of the lead agency only
//! the coordinators who run operations.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::agency::{AgencyCode, Username};
use crate::handling::Tlp;
use crate::policy::{DataKind, Meta};
use crate::record::{DrugType, Seizure, SeizureInput, Unit};
use crate::subject::Subject;
use crate::validate::{optional_text, text, FieldErrors};
use crate::RecordStatus;

/// Where an operation is in its life.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OperationStatus {
    Planned,
    Active,
    Closed,
}

impl OperationStatus {
    /// Every status, in the order of an operation's life.
    pub const ALL: [OperationStatus; 3] = [Self::Planned, Self::Active, Self::Closed];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// What a coordinator sends to create or replace an operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationInput {
    /// Such as `MEKONG TIDE`.
    #[schema(min_length = 1, max_length = 80)]
    pub code_name: String,
    /// The first day of the operation.
    pub starts_on: NaiveDate,
    /// The last day of the operation (inclusive).
    pub ends_on: NaiveDate,
    /// The partner agencies taking part besides the lead agency (the creator's).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub member_agencies: Vec<AgencyCode>,
    /// The area: a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection of
    /// polygons; none for an operation without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub area: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub objectives: Vec<String>,
    /// The persons, organisations, vessels and consignments the operation looks for.
    #[serde(default)]
    #[schema(max_items = 200)]
    pub targets: Vec<Subject>,
    /// The most restricted label of the records the operation shares with its members.
    pub max_tlp: Tlp,
    /// `planned` unless said otherwise.
    #[serde(default = "planned")]
    pub status: OperationStatus,
}

fn planned() -> OperationStatus {
    OperationStatus::Planned
}

impl OperationInput {
    /// Checks everything the types could not, except the area's geometry (checked by
    /// the maritime geometry where the area is stored).
    pub fn validate(&self, lead: &AgencyCode) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        text(&mut errors, "code_name", &self.code_name, 80);
        if self.ends_on < self.starts_on {
            errors.add("ends_on", "must not be before the first day");
        }
        if self.member_agencies.len() > 20 {
            errors.add("member_agencies", "at most 20 agencies");
        }
        if self.member_agencies.contains(lead) {
            errors.add(
                "member_agencies",
                "the lead agency takes part already; name the partner agencies",
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for agency in &self.member_agencies {
            if !seen.insert(agency) {
                errors.add("member_agencies", format!("{agency} is named twice"));
            }
        }
        if self.objectives.len() > 20 {
            errors.add("objectives", "at most 20 objectives");
        }
        for (i, objective) in self.objectives.iter().enumerate() {
            text(&mut errors, &format!("objectives[{i}]"), objective, 500);
        }
        if self.targets.len() > 200 {
            errors.add("targets", "at most 200 targets");
        }
        for (i, target) in self.targets.iter().enumerate() {
            target.validate(&mut errors, &format!("targets[{i}]"));
        }
        if self.max_tlp == Tlp::Red {
            errors.add(
                "max_tlp",
                "an operation shares up to TLP:AMBER+STRICT; TLP:RED goes to named recipients only",
            );
        }
        errors.into_result()
    }
}

/// A joint operation as stored and returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Operation {
    pub id: Uuid,
    pub code_name: String,
    pub lead_agency: AgencyCode,
    pub member_agencies: Vec<AgencyCode>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub area: Option<serde_json::Value>,
    pub objectives: Vec<String>,
    pub targets: Vec<Subject>,
    pub max_tlp: Tlp,
    pub status: OperationStatus,
    pub version: i64,
    pub created_by: Username,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Operation {
    /// The agencies taking part: the lead agency first.
    pub fn agencies(&self) -> Vec<AgencyCode> {
        let mut all = vec![self.lead_agency.clone()];
        all.extend(self.member_agencies.iter().cloned());
        all
    }

    /// The input that gives the operation as it is (to change a part of it).
    pub fn into_input(self) -> OperationInput {
        OperationInput {
            code_name: self.code_name,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            member_agencies: self.member_agencies,
            area: self.area,
            objectives: self.objectives,
            targets: self.targets,
            max_tlp: self.max_tlp,
            status: self.status,
        }
    }

    /// What the policy needs to know of the operation, its board and its tally.
    pub fn meta<'a>(&'a self, compartment: &'a [Uuid]) -> Meta<'a> {
        meta(&self.lead_agency, self.max_tlp, compartment)
    }
}

/// What the policy needs to know of an operation led by `lead` with label `tlp`
/// (`compartment` is the operation's id, as a slice).
pub fn meta<'a>(lead: &'a AgencyCode, tlp: Tlp, compartment: &'a [Uuid]) -> Meta<'a> {
    Meta {
        kind: DataKind::Operation,
        agency: lead,
        tlp,
        recipients: &[],
        status: RecordStatus::Published,
        compartments: compartment,
        disclosures: &[],
        parties: &[],
    }
}

/// What a message of the board is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Free text.
    Message,
    /// A consignment, vessel or person to look out for.
    Warning,
    /// The action taken on a warning.
    Feedback,
    /// A seizure: posting it files a seizure record attached to the operation.
    Seizure,
}

impl MessageKind {
    pub const ALL: [MessageKind; 4] = [Self::Message, Self::Warning, Self::Feedback, Self::Seizure];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Warning => "warning",
            Self::Feedback => "feedback",
            Self::Seizure => "seizure",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// The fields of a warning: a profile to look out for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// One line: what to look out for.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The profile: route, cargo, behaviour, why it is suspect.
    #[schema(max_length = 4_000)]
    #[serde(default)]
    pub profile: String,
    /// The vessels, containers, persons or companies of the profile.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub subjects: Vec<Subject>,
    /// Until when the warning holds (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

/// What was done on a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackAction {
    /// Inspected; nothing found.
    InspectedNothingFound,
    /// Inspected; drugs found and seized.
    Seized,
    /// Under watch, not yet inspected.
    Monitoring,
    /// The consignment or vessel was not found.
    NotLocated,
    /// Passed on to another agency.
    HandedOver,
}

impl FeedbackAction {
    pub const ALL: [FeedbackAction; 5] = [
        Self::InspectedNothingFound,
        Self::Seized,
        Self::Monitoring,
        Self::NotLocated,
        Self::HandedOver,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InspectedNothingFound => "inspected_nothing_found",
            Self::Seized => "seized",
            Self::Monitoring => "monitoring",
            Self::NotLocated => "not_located",
            Self::HandedOver => "handed_over",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// The fields of a feedback: the action taken on a warning (the message it replies to).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub action: FeedbackAction,
    /// When and where it was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(max_length = 200)]
    pub place: String,
}

/// What an officer posts on an operation's board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// The client's id of the message: a message posted twice with the same id is
    /// posted once (and a seizure filed once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    pub kind: MessageKind,
    /// The message itself, or remarks to a template.
    #[serde(default)]
    #[schema(max_length = 4_000)]
    pub text: String,
    /// The message this one answers; a feedback answers a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Warning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    /// The seizure to file: it becomes a seizure record of the poster's agency,
    /// attached to the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seizure: Option<SeizureInput>,
}

impl MessageInput {
    /// Checks the template field by field. `replied` is the kind of the message this
    /// one answers, when it names one that is on the board.
    pub fn validate(
        &self,
        poster: &AgencyCode,
        today: NaiveDate,
        replied: Option<MessageKind>,
    ) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.kind == MessageKind::Message {
            text(&mut errors, "text", &self.text, 4_000);
        } else {
            optional_text(&mut errors, "text", &self.text, 4_000);
        }
        let wrong = |errors: &mut FieldErrors, field: &str, present: bool| {
            if present {
                errors.add(
                    field,
                    format!("a {} message has no {field} fields", self.kind.as_str()),
                );
            }
        };
        wrong(
            &mut errors,
            "warning",
            self.kind != MessageKind::Warning && self.warning.is_some(),
        );
        wrong(
            &mut errors,
            "feedback",
            self.kind != MessageKind::Feedback && self.feedback.is_some(),
        );
        wrong(
            &mut errors,
            "seizure",
            self.kind != MessageKind::Seizure && self.seizure.is_some(),
        );
        if self.reply_to.is_some() && replied.is_none() {
            errors.add("reply_to", "no such message on this board");
        }
        match self.kind {
            MessageKind::Message => {}
            MessageKind::Warning => match &self.warning {
                None => errors.add("warning", "a warning needs its fields"),
                Some(w) => {
                    text(&mut errors, "warning.title", &w.title, 200);
                    optional_text(&mut errors, "warning.profile", &w.profile, 4_000);
                    if w.subjects.len() > 50 {
                        errors.add("warning.subjects", "at most 50 subjects");
                    }
                    for (i, s) in w.subjects.iter().enumerate() {
                        s.validate(&mut errors, &format!("warning.subjects[{i}]"));
                    }
                    if w.valid_until.is_some_and(|d| d < today) {
                        errors.add("warning.valid_until", "must not be in the past");
                    }
                }
            },
            MessageKind::Feedback => {
                match &self.feedback {
                    None => errors.add("feedback", "a feedback needs its fields"),
                    Some(f) => {
                        optional_text(&mut errors, "feedback.place", &f.place, 200);
                        if f.on.is_some_and(|d| d > today) {
                            errors.add("feedback.on", "must not be in the future");
                        }
                    }
                }
                match (self.reply_to, replied) {
                    (None, _) => errors.add("reply_to", "a feedback answers a warning"),
                    (Some(_), Some(kind)) if kind != MessageKind::Warning => {
                        errors.add("reply_to", "a feedback answers a warning")
                    }
                    _ => {}
                }
            }
            MessageKind::Seizure => match &self.seizure {
                None => errors.add("seizure", "a seizure message needs the seizure"),
                Some(s) => {
                    if let Err(found) = s.validate(poster, today) {
                        for (field, message) in found.fields() {
                            errors.add(format!("seizure.{field}"), message.clone());
                        }
                    }
                    if s.status != RecordStatus::Published {
                        errors.add(
                            "seizure.status",
                            "a seizure posted on the board is published",
                        );
                    }
                }
            },
        }
        errors.into_result()
    }
}

/// The results of an operation, computed from the seizures attached to it that the
/// reader may see.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Tally {
    /// Seizure records.
    pub cases: u64,
    pub arrests: u64,
    /// Quantities by drug and unit: kilograms (grams converted), litres and tablets
    /// apart, never added together.
    pub quantities: Vec<Quantity>,
    pub by_agency: Vec<TallyRow>,
    /// By ISO week (`2026-W19`), in order.
    pub by_week: Vec<TallyRow>,
}

/// One drug's quantity in one unit.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Quantity {
    pub drug: DrugType,
    /// `kg`, `litres` or `tablets`.
    pub unit: Unit,
    pub quantity: f64,
}

/// Cases and quantities of one agency or one week.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TallyRow {
    pub key: String,
    pub cases: u64,
    pub arrests: u64,
    pub quantities: Vec<Quantity>,
}

/// Adds a seizure's items into quantities by drug and common unit.
fn add_items(into: &mut BTreeMap<(DrugType, Unit), f64>, seizure: &Seizure) {
    for item in &seizure.items {
        let (unit, quantity) = match item.unit {
            Unit::Gram => (Unit::Kilogram, item.quantity / 1000.0),
            unit => (unit, item.quantity),
        };
        *into.entry((item.drug, unit)).or_default() += quantity;
    }
}

fn quantities(map: BTreeMap<(DrugType, Unit), f64>) -> Vec<Quantity> {
    map.into_iter()
        .map(|((drug, unit), quantity)| Quantity {
            drug,
            unit,
            // Sums of decimal quantities are rounded to the gram (or the tablet).
            quantity: (quantity * 1000.0).round() / 1000.0,
        })
        .collect()
}

impl Tally {
    /// The tally of these seizures (the caller passes only those the reader may see).
    pub fn of<'a>(seizures: impl IntoIterator<Item = &'a Seizure>) -> Tally {
        #[derive(Default)]
        struct Acc {
            cases: u64,
            arrests: u64,
            items: BTreeMap<(DrugType, Unit), f64>,
        }
        let mut all = Acc::default();
        let mut agencies: BTreeMap<String, Acc> = BTreeMap::new();
        let mut weeks: BTreeMap<String, Acc> = BTreeMap::new();
        for seizure in seizures {
            let week = seizure.occurred_on.iso_week();
            let week = format!("{}-W{:02}", week.year(), week.week());
            for acc in [
                &mut all,
                agencies.entry(seizure.agency.to_string()).or_default(),
                weeks.entry(week).or_default(),
            ] {
                acc.cases += 1;
                acc.arrests += u64::from(seizure.arrests);
                add_items(&mut acc.items, seizure);
            }
        }
        let rows = |map: BTreeMap<String, Acc>| {
            map.into_iter()
                .map(|(key, acc)| TallyRow {
                    key,
                    cases: acc.cases,
                    arrests: acc.arrests,
                    quantities: quantities(acc.items),
                })
                .collect()
        };
        Tally {
            cases: all.cases,
            arrests: all.arrests,
            quantities: quantities(all.items),
            by_agency: rows(agencies),
            by_week: rows(weeks),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handling::Handling;
    use crate::ident::CountryCode;
    use crate::record::{Conveyance, DrugItem, PlaceKind, Route, SeizurePlace};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn kcs() -> AgencyCode {
        AgencyCode::parse("KR-KCS").unwrap()
    }

    fn seizure_input(items: Vec<DrugItem>) -> SeizureInput {
        SeizureInput {
            occurred_on: day("2026-05-04"),
            place: SeizurePlace {
                kind: PlaceKind::Port,
                name: "Laem Chabang".into(),
                country: CountryCode::parse("TH").unwrap(),
                position: None,
            },
            conveyance: Conveyance::SeaContainer,
            items,
            concealment: String::new(),
            route: Route::default(),
            arrests: 2,
            subjects: vec![],
            linked_reports: vec![],
            handling: Handling::new(Tlp::Amber),
            status: RecordStatus::Published,
        }
    }

    fn seizure(agency: &str, on: &str, arrests: u32, items: Vec<DrugItem>) -> Seizure {
        let mut input = seizure_input(items);
        input.occurred_on = day(on);
        Seizure {
            id: Uuid::nil(),
            agency: AgencyCode::parse(agency).unwrap(),
            occurred_on: input.occurred_on,
            place: input.place,
            conveyance: input.conveyance,
            items: input.items,
            concealment: input.concealment,
            route: input.route,
            arrests,
            subjects: input.subjects,
            linked_reports: input.linked_reports,
            handling: input.handling,
            status: RecordStatus::Published,
            version: 1,
            created_by: Username::parse("kim").unwrap(),
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    fn item(drug: DrugType, quantity: f64, unit: Unit) -> DrugItem {
        DrugItem {
            drug,
            quantity,
            unit,
        }
    }

    #[test]
    fn a_tally_adds_grams_to_kilograms_and_keeps_tablets_apart() {
        let seizures = [
            seizure(
                "KR-KCS",
                "2026-05-04",
                1,
                vec![item(DrugType::Methamphetamine, 1.5, Unit::Kilogram)],
            ),
            seizure(
                "TH-CUSTOMS",
                "2026-05-06",
                2,
                vec![
                    item(DrugType::Methamphetamine, 500.0, Unit::Gram),
                    item(DrugType::Yaba, 12_000.0, Unit::Tablets),
                ],
            ),
            seizure(
                "TH-CUSTOMS",
                "2026-05-12",
                0,
                vec![item(DrugType::Yaba, 3_000.0, Unit::Tablets)],
            ),
        ];
        let tally = Tally::of(&seizures);
        assert_eq!(tally.cases, 3);
        assert_eq!(tally.arrests, 3);
        assert_eq!(
            tally.quantities,
            vec![
                Quantity {
                    drug: DrugType::Methamphetamine,
                    unit: Unit::Kilogram,
                    quantity: 2.0
                },
                Quantity {
                    drug: DrugType::Yaba,
                    unit: Unit::Tablets,
                    quantity: 15_000.0
                },
            ]
        );
        let agencies: Vec<(&str, u64)> = tally
            .by_agency
            .iter()
            .map(|r| (r.key.as_str(), r.cases))
            .collect();
        assert_eq!(agencies, [("KR-KCS", 1), ("TH-CUSTOMS", 2)]);
        // 4 and 6 May 2026 are in ISO week 19, 12 May in week 20.
        let weeks: Vec<(&str, u64)> = tally
            .by_week
            .iter()
            .map(|r| (r.key.as_str(), r.cases))
            .collect();
        assert_eq!(weeks, [("2026-W19", 2), ("2026-W20", 1)]);
    }

    fn message(kind: MessageKind) -> MessageInput {
        MessageInput {
            id: None,
            kind,
            text: String::new(),
            reply_to: None,
            warning: None,
            feedback: None,
            seizure: None,
        }
    }

    #[test]
    fn templates_are_refused_field_by_field() {
        let today = day("2026-06-01");
        let fields = |m: &MessageInput, replied| -> Vec<String> {
            m.validate(&kcs(), today, replied)
                .err()
                .map(|e| e.fields().keys().cloned().collect())
                .unwrap_or_default()
        };
        assert_eq!(fields(&message(MessageKind::Message), None), ["text"]);
        assert_eq!(fields(&message(MessageKind::Warning), None), ["warning"]);

        let mut warning = message(MessageKind::Warning);
        warning.warning = Some(Warning {
            title: " ".into(),
            profile: String::new(),
            subjects: vec![],
            valid_until: Some(day("2026-05-01")),
        });
        warning.seizure = Some(seizure_input(vec![]));
        assert_eq!(
            fields(&warning, None),
            ["seizure", "warning.title", "warning.valid_until"]
        );

        let mut feedback = message(MessageKind::Feedback);
        feedback.feedback = Some(Feedback {
            action: FeedbackAction::Seized,
            on: None,
            place: String::new(),
        });
        assert_eq!(fields(&feedback, None), ["reply_to"]);
        feedback.reply_to = Some(Uuid::nil());
        assert_eq!(fields(&feedback, Some(MessageKind::Message)), ["reply_to"]);
        assert!(fields(&feedback, Some(MessageKind::Warning)).is_empty());

        let mut filed = message(MessageKind::Seizure);
        filed.seizure = Some(seizure_input(vec![item(
            DrugType::Yaba,
            0.5,
            Unit::Tablets,
        )]));
        assert_eq!(fields(&filed, None), ["seizure.items[0].quantity"]);
        filed.seizure = Some(seizure_input(vec![item(
            DrugType::Yaba,
            5.0,
            Unit::Tablets,
        )]));
        assert!(fields(&filed, None).is_empty());
    }

    #[test]
    fn an_operation_needs_a_period_in_order_and_partners_named_once() {
        let input = OperationInput {
            code_name: "MEKONG TIDE".into(),
            starts_on: day("2026-08-31"),
            ends_on: day("2026-05-01"),
            member_agencies: vec![
                kcs(),
                AgencyCode::parse("TH-CUSTOMS").unwrap(),
                AgencyCode::parse("TH-CUSTOMS").unwrap(),
            ],
            area: None,
            objectives: vec![String::new()],
            targets: vec![],
            max_tlp: Tlp::Red,
            status: OperationStatus::Planned,
        };
        let errors = input.validate(&kcs()).unwrap_err();
        let fields: Vec<&str> = errors.fields().keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            ["ends_on", "max_tlp", "member_agencies", "objectives[0]"]
        );
    }
}
