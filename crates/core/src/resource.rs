//! Resource support between agencies: each agency's register of detection dogs and
//! detection equipment, the availability calendar of each resource, and loans of a
//! resource from one agency (the owner) to another (the borrower).
//!
//! A resource and its calendar are data of kind `DataKind::Resource` owned by its agency
//! with its own label (`Resource::meta`): partners read them through an agreement with
//! the resources scope. A loan is `DataKind::Loan`, owned by the lending agency at
//! TLP:RED with the borrowing agency as a party (`Loan::meta`): only the two read it.
//!
//! The life of a loan (`Loan::check`): requested → approved (the owner picks a
//! resource) | declined | countered (the owner proposes a resource and perhaps another
//! period; the borrower accepts → approved) → deployed → returned with a usage report.
//! The borrower may withdraw before deployment. A request still undecided when its first
//! day has passed is expired.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::agency::{AgencyCode, Username};
use crate::handling::Tlp;
use crate::policy::{DataKind, Meta};
use crate::record::DrugType;
use crate::validate::{optional_text, text, FieldErrors};

/// The longest period of a loan or a calendar entry, in days.
pub const MAX_PERIOD_DAYS: i64 = 366;

macro_rules! word_enum {
    ($(#[doc = $doc:expr])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
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
    };
}

word_enum!(
    /// What a resource is: a detection dog or a kind of detection equipment.
    ResourceKind {
        Dog => "dog",
        IonMobilitySpectrometer => "ion_mobility_spectrometer",
        RamanAnalyser => "raman_analyser",
        XrayScanner => "xray_scanner",
        ContainerScanner => "container_scanner",
        Drone => "drone",
        Boat => "boat",
    }
);

word_enum!(
    /// Why a resource is taken on some days.
    Availability {
        HomeDuty => "home_duty",
        Maintenance => "maintenance",
        Leave => "leave",
        OnLoan => "on_loan",
    }
);

word_enum!(
    /// Where a loan is in its life (`expired` is never stored: a request still
    /// undecided when its first day has passed reads as expired).
    LoanStatus {
        Requested => "requested",
        Countered => "countered",
        Approved => "approved",
        Declined => "declined",
        Withdrawn => "withdrawn",
        Deployed => "deployed",
        Returned => "returned",
        Expired => "expired",
    }
);

impl ResourceKind {
    pub fn is_dog(self) -> bool {
        self == ResourceKind::Dog
    }
}

/// A named site with its position: a resource's home base, where a loan is wanted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
}

impl Site {
    fn validate(&self, errors: &mut FieldErrors, field: &str) {
        text(errors, &format!("{field}.name"), &self.name, 120);
        if !(self.lat.is_finite() && (-90.0..=90.0).contains(&self.lat)) {
            errors.add(format!("{field}.lat"), "must be between -90 and 90");
        }
        if !(self.lon.is_finite() && (-180.0..=180.0).contains(&self.lon)) {
            errors.add(format!("{field}.lon"), "must be between -180 and 180");
        }
    }

    /// The great-circle distance to another place, in kilometres (haversine, on a
    /// sphere of the Earth's mean radius).
    pub fn distance_km(&self, other: &Site) -> f64 {
        const EARTH_KM: f64 = 6371.0088;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_KM * a.sqrt().min(1.0).asin()
    }
}

fn green() -> Tlp {
    Tlp::Green
}

/// What a resource manager sends to register or change a resource. (Unknown fields are
/// not refused here: the input is flattened into `Resource`, whose document would then
/// admit nothing else; the fields a resource needs are checked by `validate`.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResourceInput {
    pub kind: ResourceKind,
    /// A dog's name, or the designation of a piece of equipment (make and model).
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    /// Dogs: the handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// Dogs: the drug classes the dog is trained to find.
    #[serde(default)]
    #[schema(max_items = 14)]
    pub specialisations: Vec<DrugType>,
    /// Dogs: the certification held (such as `KCS detection dog, level 2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification: Option<String>,
    /// Dogs: the last day the certification is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certified_until: Option<NaiveDate>,
    /// Equipment: the serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// Equipment: the day calibration or maintenance is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_due: Option<NaiveDate>,
    pub home_base: Site,
    /// Partners read the resource through an agreement with the resources scope up to
    /// this label; GREEN unless said otherwise.
    #[serde(default = "green")]
    pub tlp: Tlp,
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

impl ResourceInput {
    /// Checks every field; dogs need a handler, specialisations and a certification
    /// with its expiry, equipment a serial number and the day its service is due.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        text(&mut errors, "name", &self.name, 80);
        self.home_base.validate(&mut errors, "home_base");
        if self.kind.is_dog() {
            match &self.handler {
                Some(h) => text(&mut errors, "handler", h, 80),
                None => errors.add("handler", "a dog needs its handler"),
            }
            if self.specialisations.is_empty() {
                errors.add("specialisations", "name at least one drug class");
            }
            let mut seen = std::collections::BTreeSet::new();
            for s in &self.specialisations {
                if !seen.insert(s) {
                    errors.add("specialisations", format!("{} is named twice", s.as_str()));
                }
            }
            match &self.certification {
                Some(c) => text(&mut errors, "certification", c, 120),
                None => errors.add("certification", "a dog needs its certification"),
            }
            if self.certified_until.is_none() {
                errors.add(
                    "certified_until",
                    "a dog needs the expiry of its certification",
                );
            }
            if !blank(&self.serial_number) {
                errors.add("serial_number", "only equipment has a serial number");
            }
            if self.service_due.is_some() {
                errors.add(
                    "service_due",
                    "only equipment is calibrated; give a dog's certified_until",
                );
            }
        } else {
            match &self.serial_number {
                Some(s) => text(&mut errors, "serial_number", s, 60),
                None => errors.add("serial_number", "equipment needs its serial number"),
            }
            if self.service_due.is_none() {
                errors.add(
                    "service_due",
                    "equipment needs the day its calibration or maintenance is due",
                );
            }
            if !blank(&self.handler) {
                errors.add("handler", "only a dog has a handler");
            }
            if !self.specialisations.is_empty() {
                errors.add("specialisations", "only a dog has specialisations");
            }
            if !blank(&self.certification) || self.certified_until.is_some() {
                errors.add(
                    "certification",
                    "only a dog is certified; give equipment's service_due",
                );
            }
        }
        if self.tlp == Tlp::Red {
            errors.add("tlp", "a register entry is shared up to TLP:AMBER+STRICT");
        }
        errors.into_result()
    }
}

/// A resource of an agency's register.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Resource {
    pub id: Uuid,
    pub agency: AgencyCode,
    #[serde(flatten)]
    pub input: ResourceInput,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Resource {
    /// What the policy needs to know of the resource and its calendar.
    pub fn meta(&self) -> Meta<'_> {
        Meta::plain(DataKind::Resource, &self.agency, self.input.tlp)
    }

    /// The last day the resource may be lent: a dog's certification expiry, the day
    /// before equipment's calibration or maintenance is due.
    pub fn fit_until(&self) -> Option<NaiveDate> {
        if self.input.kind.is_dog() {
            self.input.certified_until
        } else {
            self.input.service_due.and_then(|d| d.pred_opt())
        }
    }

    /// Whether the resource is what a request asks for.
    pub fn matches(&self, kind: ResourceKind, specialisation: Option<DrugType>) -> bool {
        self.input.kind == kind
            && specialisation.is_none_or(|s| self.input.specialisations.contains(&s))
    }

    /// Why the resource may not be lent until `to` (inclusive), if it may not.
    pub fn unfit_for(&self, to: NaiveDate) -> Option<LoanError> {
        match self.fit_until() {
            Some(until) if until >= to => None,
            _ if self.input.kind.is_dog() => Some(LoanError::new(
                "certification_expires",
                format!(
                    "{}'s certification expires on {}, before the loan ends on {to}",
                    self.input.name,
                    self.input
                        .certified_until
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ),
            )),
            _ => {
                Some(LoanError::new(
                    "calibration_due",
                    format!(
                    "{} is due for calibration or maintenance on {}, before the loan ends on {to}",
                    self.input.name,
                    self.input.service_due.map(|d| d.to_string()).unwrap_or_default()
                ),
                ))
            }
        }
    }
}

/// A period of whole days, both inclusive.
pub fn check_period(errors: &mut FieldErrors, from: NaiveDate, to: NaiveDate) {
    if to < from {
        errors.add("to", "must not be before the first day");
    } else if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
        errors.add("to", format!("a period is at most {MAX_PERIOD_DAYS} days"));
    }
}

/// An entry of a resource's calendar as written by its manager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    /// `home_duty`, `maintenance` or `leave` (`on_loan` entries are made by approving
    /// a loan).
    pub kind: Availability,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

impl CalendarInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.kind == Availability::OnLoan {
            errors.add("kind", "a resource goes on loan by the approval of a loan");
        }
        check_period(&mut errors, self.from, self.to);
        optional_text(&mut errors, "note", &self.note, 200);
        errors.into_result()
    }
}

/// An entry of a resource's calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarEntry {
    pub id: Uuid,
    pub resource: Uuid,
    pub kind: Availability,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub note: String,
    /// The loan an `on_loan` entry belongs to, when the reader may see the loan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loan: Option<Uuid>,
}

/// What a partner's resource manager sends to ask for a resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoanRequestInput {
    /// The agency asked to lend.
    pub owner_agency: AgencyCode,
    pub kind: ResourceKind,
    /// For a dog: the drug class it must be trained to find.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialisation: Option<DrugType>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Where the resource is wanted.
    pub place: Site,
    /// The joint operation the loan serves, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Uuid>,
    #[schema(min_length = 1, max_length = 1000)]
    pub purpose: String,
}

impl LoanRequestInput {
    /// Checks the fields; `borrower` is the requesting agency, `today` the node's day.
    pub fn validate(&self, borrower: &AgencyCode, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if &self.owner_agency == borrower {
            errors.add(
                "owner_agency",
                "ask a partner agency; your own resources need no loan",
            );
        }
        if self.specialisation.is_some() && !self.kind.is_dog() {
            errors.add("specialisation", "only a dog has a specialisation");
        }
        if self.from < today {
            errors.add("from", "must not be in the past");
        }
        check_period(&mut errors, self.from, self.to);
        self.place.validate(&mut errors, "place");
        text(&mut errors, "purpose", &self.purpose, 1000);
        errors.into_result()
    }
}

/// The owner's counter-proposal: another resource, and perhaps another period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterInput {
    pub resource: Uuid,
    /// The first day proposed; the requested one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// The last day proposed; the requested one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// What the borrower reports when returning a resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageReport {
    /// Hours the resource worked.
    #[schema(minimum = 0.0, maximum = 10000.0)]
    pub hours: f64,
    #[schema(minimum = 0, maximum = 100000)]
    pub searches: u32,
    #[schema(minimum = 0, maximum = 100000)]
    pub finds: u32,
    /// Seizure records the loan led to.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub seizures: Vec<Uuid>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub notes: String,
}

impl UsageReport {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(self.hours.is_finite() && (0.0..=10000.0).contains(&self.hours)) {
            errors.add("hours", "must be between 0 and 10000");
        }
        if self.searches > 100_000 {
            errors.add("searches", "must be at most 100000");
        }
        if self.finds > self.searches {
            errors.add("finds", "cannot exceed the searches");
        }
        if self.seizures.len() > 50 {
            errors.add("seizures", "at most 50 seizures");
        }
        optional_text(&mut errors, "notes", &self.notes, 2000);
        errors.into_result()
    }
}

/// A loan request and, once approved, the loan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Loan {
    pub id: Uuid,
    /// The agency asked to lend (the owner of the resource).
    pub owner_agency: AgencyCode,
    /// The requesting agency.
    pub borrower_agency: AgencyCode,
    pub kind: ResourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialisation: Option<DrugType>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub place: Site,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Uuid>,
    pub purpose: String,
    /// As stored; `expired` is never stored (see [`Loan::status_on`]).
    pub status: LoanStatus,
    /// The resource lent, once approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<UsageReport>,
    pub requested_by: Username,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A change of a loan's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoanStep {
    Approve,
    Decline,
    Counter,
    Accept,
    Withdraw,
    Deploy,
    Return,
}

impl LoanStep {
    pub fn as_str(self) -> &'static str {
        match self {
            LoanStep::Approve => "approve",
            LoanStep::Decline => "decline",
            LoanStep::Counter => "counter",
            LoanStep::Accept => "accept",
            LoanStep::Withdraw => "withdraw",
            LoanStep::Deploy => "deploy",
            LoanStep::Return => "return",
        }
    }

    /// Whether the owner takes this step (else the borrower).
    pub fn by_owner(self) -> bool {
        matches!(
            self,
            LoanStep::Approve | LoanStep::Decline | LoanStep::Counter | LoanStep::Deploy
        )
    }

    /// The status the step leads to.
    pub fn target(self) -> LoanStatus {
        match self {
            LoanStep::Approve | LoanStep::Accept => LoanStatus::Approved,
            LoanStep::Decline => LoanStatus::Declined,
            LoanStep::Counter => LoanStatus::Countered,
            LoanStep::Withdraw => LoanStatus::Withdrawn,
            LoanStep::Deploy => LoanStatus::Deployed,
            LoanStep::Return => LoanStatus::Returned,
        }
    }
}

/// An illegal change of a loan: a stable code and a clear message (HTTP 409).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanError {
    pub code: &'static str,
    pub message: String,
}

impl LoanError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl Loan {
    /// What the policy needs to know of the loan: the owner's, at TLP:RED, with the
    /// borrower as a party; no one else reads it.
    pub fn meta<'a>(&'a self, parties: &'a [AgencyCode; 1]) -> Meta<'a> {
        Meta::plain(DataKind::Loan, &self.owner_agency, Tlp::Red).with_parties(parties)
    }

    /// The status on `today`: an undecided request whose first day has passed is
    /// expired.
    pub fn status_on(&self, today: NaiveDate) -> LoanStatus {
        match self.status {
            LoanStatus::Requested | LoanStatus::Countered if self.from < today => {
                LoanStatus::Expired
            }
            status => status,
        }
    }

    /// Whether `step` may be taken on `today` by the owner (`by_owner`) or the
    /// borrower; the error says why not.
    pub fn check(&self, step: LoanStep, by_owner: bool, today: NaiveDate) -> Result<(), LoanError> {
        let status = self.status_on(today);
        if step.by_owner() != by_owner {
            let who = if step.by_owner() {
                "the lending agency"
            } else {
                "the requesting agency"
            };
            return Err(LoanError::new(
                "loan_wrong_party",
                format!("only {who} may {} a loan", step.as_str()),
            ));
        }
        let allowed: &[LoanStatus] = match step {
            LoanStep::Approve | LoanStep::Decline | LoanStep::Counter => &[LoanStatus::Requested],
            LoanStep::Accept => &[LoanStatus::Countered],
            LoanStep::Withdraw => &[
                LoanStatus::Requested,
                LoanStatus::Countered,
                LoanStatus::Approved,
            ],
            LoanStep::Deploy => &[LoanStatus::Approved],
            LoanStep::Return => &[LoanStatus::Deployed],
        };
        if allowed.contains(&status) {
            return Ok(());
        }
        let code = match status {
            LoanStatus::Expired => "loan_expired",
            _ => "loan_state",
        };
        let message = match (step, status) {
            (_, LoanStatus::Expired) => format!(
                "the request expired: its first day {} passed before it was decided; it cannot be {}",
                self.from,
                past(step)
            ),
            (LoanStep::Return, _) => format!(
                "a loan is returned after it is deployed; this one is {}",
                status.as_str()
            ),
            (LoanStep::Deploy, _) => format!(
                "a loan is deployed once approved; this one is {}",
                status.as_str()
            ),
            (LoanStep::Withdraw, _) => format!(
                "a request is withdrawn before deployment; this one is {}",
                status.as_str()
            ),
            (LoanStep::Accept, _) => format!(
                "only a counter-proposal is accepted; this request is {}",
                status.as_str()
            ),
            _ => format!(
                "only a pending request can be {}; this one is {}",
                past(step),
                status.as_str()
            ),
        };
        Err(LoanError::new(code, message))
    }
}

fn past(step: LoanStep) -> &'static str {
    match step {
        LoanStep::Approve => "approved",
        LoanStep::Decline => "declined",
        LoanStep::Counter => "countered",
        LoanStep::Accept => "accepted",
        LoanStep::Withdraw => "withdrawn",
        LoanStep::Deploy => "deployed",
        LoanStep::Return => "returned",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    fn loan(status: LoanStatus) -> Loan {
        Loan {
            id: Uuid::nil(),
            owner_agency: AgencyCode::parse("KR-KCS").unwrap(),
            borrower_agency: AgencyCode::parse("KR-KCG").unwrap(),
            kind: ResourceKind::Dog,
            specialisation: Some(DrugType::Methamphetamine),
            from: day("2026-06-10"),
            to: day("2026-06-12"),
            place: Site {
                name: "Busan".into(),
                lat: 35.1,
                lon: 129.0,
            },
            operation: None,
            purpose: "boarding".into(),
            status,
            resource: None,
            counter: None,
            decline_reason: None,
            usage: None,
            requested_by: Username::parse("kcg.resources").unwrap(),
            version: 1,
            created_at: at(),
            updated_at: at(),
        }
    }

    fn dog(until: &str) -> Resource {
        Resource {
            id: Uuid::nil(),
            agency: AgencyCode::parse("KR-KCS").unwrap(),
            input: ResourceInput {
                kind: ResourceKind::Dog,
                name: "Tori".into(),
                handler: Some("Kim".into()),
                specialisations: vec![DrugType::Methamphetamine],
                certification: Some("level 2".into()),
                certified_until: Some(day(until)),
                serial_number: None,
                service_due: None,
                home_base: Site {
                    name: "Incheon".into(),
                    lat: 37.46,
                    lon: 126.6,
                },
                tlp: Tlp::Green,
            },
            version: 1,
            created_at: at(),
            updated_at: at(),
        }
    }

    const BEFORE: &str = "2026-06-01";

    #[test]
    fn the_life_of_a_loan_goes_forward_only() {
        let today = day(BEFORE);
        use LoanStatus::*;
        use LoanStep::*;
        let legal = [
            (Requested, Approve),
            (Requested, Decline),
            (Requested, Counter),
            (Countered, Accept),
            (Requested, Withdraw),
            (Countered, Withdraw),
            (Approved, Withdraw),
            (Approved, Deploy),
            (Deployed, Return),
        ];
        let statuses = [
            Requested, Countered, Approved, Declined, Withdrawn, Deployed, Returned,
        ];
        let steps = [Approve, Decline, Counter, Accept, Withdraw, Deploy, Return];
        for status in statuses {
            for step in steps {
                let answer = loan(status).check(step, step.by_owner(), today);
                assert_eq!(
                    answer.is_ok(),
                    legal.contains(&(status, step)),
                    "{status:?} {step:?}: {answer:?}"
                );
                if let Err(e) = answer {
                    assert_eq!(e.code, "loan_state");
                }
            }
        }
    }

    #[test]
    fn returning_a_loan_never_deployed_says_why() {
        let e = loan(LoanStatus::Approved)
            .check(LoanStep::Return, false, day(BEFORE))
            .unwrap_err();
        assert_eq!(e.code, "loan_state");
        assert!(e.message.contains("after it is deployed"), "{}", e.message);
    }

    #[test]
    fn an_undecided_request_expires_on_its_first_day_passing() {
        let l = loan(LoanStatus::Requested);
        assert_eq!(l.status_on(day("2026-06-10")), LoanStatus::Requested);
        assert_eq!(l.status_on(day("2026-06-11")), LoanStatus::Expired);
        let e = l
            .check(LoanStep::Approve, true, day("2026-06-11"))
            .unwrap_err();
        assert_eq!(e.code, "loan_expired");
        assert!(l
            .check(LoanStep::Withdraw, false, day("2026-06-11"))
            .is_err());
        // A decided loan does not expire.
        assert_eq!(
            loan(LoanStatus::Approved).status_on(day("2026-07-01")),
            LoanStatus::Approved
        );
        assert_eq!(
            loan(LoanStatus::Countered).status_on(day("2026-06-11")),
            LoanStatus::Expired
        );
    }

    #[test]
    fn each_party_takes_its_own_steps() {
        let l = loan(LoanStatus::Requested);
        let e = l.check(LoanStep::Approve, false, day(BEFORE)).unwrap_err();
        assert_eq!(e.code, "loan_wrong_party");
        assert!(l.check(LoanStep::Withdraw, true, day(BEFORE)).is_err());
        let c = loan(LoanStatus::Countered);
        assert!(c.check(LoanStep::Accept, true, day(BEFORE)).is_err());
        assert!(c.check(LoanStep::Accept, false, day(BEFORE)).is_ok());
    }

    #[test]
    fn a_dog_certified_through_the_loan_may_go_and_no_other() {
        let to = day("2026-06-12");
        assert!(dog("2026-06-12").unfit_for(to).is_none());
        let e = dog("2026-06-11").unfit_for(to).unwrap();
        assert_eq!(e.code, "certification_expires");
        assert!(e.message.contains("2026-06-11"), "{}", e.message);
        let mut scanner = dog("2030-01-01");
        scanner.input.kind = ResourceKind::Drone;
        scanner.input.certified_until = None;
        scanner.input.service_due = Some(day("2026-06-12"));
        assert_eq!(scanner.unfit_for(to).unwrap().code, "calibration_due");
        scanner.input.service_due = Some(day("2026-06-13"));
        assert!(scanner.unfit_for(to).is_none());
        assert!(dog("2030-01-01").matches(ResourceKind::Dog, Some(DrugType::Methamphetamine)));
        assert!(!dog("2030-01-01").matches(ResourceKind::Dog, Some(DrugType::Cocaine)));
        assert!(!dog("2030-01-01").matches(ResourceKind::Drone, None));
    }

    #[test]
    fn inputs_are_checked_field_by_field() {
        let mut input = dog("2027-01-01").input;
        assert!(input.validate().is_ok());
        input.handler = None;
        input.serial_number = Some("X1".into());
        input.home_base.lat = 95.0;
        let e = input.validate().unwrap_err();
        for field in ["handler", "serial_number", "home_base.lat"] {
            assert!(e.fields().contains_key(field), "{field}: {e}");
        }
        input = dog("2027-01-01").input;
        input.kind = ResourceKind::Boat;
        let e = input.validate().unwrap_err();
        for field in ["serial_number", "service_due", "handler", "specialisations"] {
            assert!(e.fields().contains_key(field), "{field}: {e}");
        }
        let request = LoanRequestInput {
            owner_agency: AgencyCode::parse("KR-KCG").unwrap(),
            kind: ResourceKind::Drone,
            specialisation: Some(DrugType::Cocaine),
            from: day("2026-06-10"),
            to: day("2026-06-01"),
            place: Site {
                name: "".into(),
                lat: 0.0,
                lon: 200.0,
            },
            operation: None,
            purpose: "x".into(),
        };
        let e = request
            .validate(&AgencyCode::parse("KR-KCG").unwrap(), day("2026-06-20"))
            .unwrap_err();
        for field in [
            "owner_agency",
            "specialisation",
            "from",
            "to",
            "place.name",
            "place.lon",
        ] {
            assert!(e.fields().contains_key(field), "{field}: {e}");
        }
    }

    #[test]
    fn the_text_forms_are_the_wire_forms() {
        fn check<T: Serialize + Copy>(all: &[T], text: fn(T) -> &'static str) {
            for v in all {
                assert_eq!(
                    serde_json::to_value(v).unwrap(),
                    serde_json::json!(text(*v))
                );
            }
        }
        check(ResourceKind::ALL, ResourceKind::as_str);
        check(Availability::ALL, Availability::as_str);
        check(LoanStatus::ALL, LoanStatus::as_str);
    }

    #[test]
    fn distances_are_great_circle() {
        let busan = Site {
            name: "Busan".into(),
            lat: 35.1796,
            lon: 129.0756,
        };
        let seoul = Site {
            name: "Seoul".into(),
            lat: 37.5665,
            lon: 126.978,
        };
        let d = busan.distance_km(&seoul);
        assert!((320.0..330.0).contains(&d), "{d}");
        assert!(busan.distance_km(&busan).abs() < 1e-9);
    }
}
