//! Capacity building: courses, their sessions with seats offered to each participating
//! agency, enrolments of officers by their agency's training coordinators with a waiting
//! list, attendance, assessment and certificates with an expiry.
//!
//! A course and its sessions are data of kind `DataKind::Course` owned by the host
//! agency with the course's label (default GREEN): partners with the training scope see
//! them. An enrolment with its attendance, assessment and certificate is of kind
//! `DataKind::Enrolment`, owned by the host, RED, with the officer's agency as party:
//! only the two agencies read it.
//!
//! Every change of state is checked here ([`Enrolment::check`]); an illegal one is an
//! [`Illegal`] with a stable code, answered 409 by the API.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::agency::{AgencyCode, Username};
use crate::handling::Tlp;
use crate::policy::{DataKind, Meta};
use crate::validate::{optional_text, text, FieldErrors};

fn green() -> Tlp {
    Tlp::Green
}

/// What a trainer sends to create a course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What the course teaches.
    #[serde(default)]
    #[schema(max_length = 10_000)]
    pub syllabus: String,
    /// Hours of instruction, more than 0 and at most 1000.
    pub hours: f64,
    /// The language it is taught in: an ISO 639-1 code such as `ko` or `en`.
    #[schema(min_length = 2, max_length = 2, example = "ko")]
    pub language: String,
    /// How long a certificate of the course is valid, in months (1 to 120).
    pub certificate_months: u32,
    /// The course's label; GREEN unless said otherwise. RED is refused.
    #[serde(default = "green")]
    pub tlp: Tlp,
}

impl CourseInput {
    /// Checks the course field by field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        text(&mut errors, "title", &self.title, 200);
        optional_text(&mut errors, "syllabus", &self.syllabus, 10_000);
        if !(self.hours.is_finite() && self.hours > 0.0 && self.hours <= 1000.0) {
            errors.add("hours", "must be more than 0 and at most 1000");
        }
        let language_ok =
            self.language.len() == 2 && self.language.bytes().all(|b| b.is_ascii_lowercase());
        if !language_ok {
            errors.add(
                "language",
                "must be a two-letter ISO 639-1 code in lower case, such as ko or en",
            );
        }
        if !(1..=120).contains(&self.certificate_months) {
            errors.add("certificate_months", "must be from 1 to 120 months");
        }
        if self.tlp == Tlp::Red {
            errors.add(
                "tlp",
                "a course is shared with partners; TLP:RED goes to named recipients only",
            );
        }
        errors.into_result()
    }
}

/// A course as stored and returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Course {
    pub id: Uuid,
    pub host_agency: AgencyCode,
    pub title: String,
    pub syllabus: String,
    pub hours: f64,
    pub language: String,
    pub certificate_months: u32,
    pub tlp: Tlp,
    pub created_by: Username,
    pub created_at: DateTime<Utc>,
}

impl Course {
    /// What the policy needs to know of the course and its sessions.
    pub fn meta(&self) -> Meta<'_> {
        course_meta(&self.host_agency, self.tlp)
    }
}

/// The policy's view of a course (and its sessions) hosted by `host` with label `tlp`.
pub fn course_meta(host: &AgencyCode, tlp: Tlp) -> Meta<'_> {
    Meta::plain(DataKind::Course, host, tlp)
}

/// The policy's view of an enrolment: the host's, RED, the officer's agency a party.
pub fn enrolment_meta<'a>(host: &'a AgencyCode, agency: &'a [AgencyCode]) -> Meta<'a> {
    Meta::plain(DataKind::Enrolment, host, Tlp::Red).with_parties(agency)
}

/// Seats a session offers to one agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatOffer {
    pub agency: AgencyCode,
    /// From 1 to 500.
    pub seats: i64,
}

/// What a trainer of the host agency sends to schedule a session of a course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    pub course: Uuid,
    pub starts_on: NaiveDate,
    /// The last day (inclusive).
    pub ends_on: NaiveDate,
    /// Where it is held; may be empty for a session only online.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub place: String,
    #[serde(default)]
    pub online: bool,
    #[schema(min_items = 1, max_items = 20)]
    pub instructors: Vec<String>,
    /// Seats per participating agency (the host's own officers included if it names itself).
    #[schema(min_items = 1, max_items = 30)]
    pub seats: Vec<SeatOffer>,
}

impl SessionInput {
    /// Checks the session field by field (`today` refuses sessions that are over).
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.ends_on < self.starts_on {
            errors.add("ends_on", "must not be before the first day");
        }
        if self.ends_on < today {
            errors.add("ends_on", "the session would be over already");
        }
        if (self.ends_on - self.starts_on).num_days() > 366 {
            errors.add("ends_on", "a session lasts at most a year");
        }
        if self.online {
            optional_text(&mut errors, "place", &self.place, 200);
        } else {
            text(&mut errors, "place", &self.place, 200);
        }
        if self.instructors.is_empty() || self.instructors.len() > 20 {
            errors.add("instructors", "name from 1 to 20 instructors");
        }
        for (i, name) in self.instructors.iter().enumerate() {
            text(&mut errors, &format!("instructors[{i}]"), name, 200);
        }
        if self.seats.is_empty() || self.seats.len() > 30 {
            errors.add("seats", "offer seats to from 1 to 30 agencies");
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, offer) in self.seats.iter().enumerate() {
            if !(1..=500).contains(&offer.seats) {
                errors.add(format!("seats[{i}].seats"), "must be from 1 to 500");
            }
            if !seen.insert(&offer.agency) {
                errors.add(
                    format!("seats[{i}].agency"),
                    format!("{} is named twice", offer.agency),
                );
            }
        }
        errors.into_result()
    }
}

/// A session as stored and returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    pub course: Uuid,
    pub host_agency: AgencyCode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub place: String,
    pub online: bool,
    pub instructors: Vec<String>,
    pub created_by: Username,
    pub created_at: DateTime<Utc>,
}

impl Session {
    /// Whether the session's last day is past.
    pub fn finished(&self, today: NaiveDate) -> bool {
        self.ends_on < today
    }
}

/// Where an enrolment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    /// Holds a seat.
    Enrolled,
    /// Waits for a seat of the agency's.
    Waitlisted,
    Cancelled,
}

impl EnrolmentStatus {
    pub const ALL: [EnrolmentStatus; 3] = [Self::Enrolled, Self::Waitlisted, Self::Cancelled];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enrolled => "enrolled",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// Whether an officer attended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    pub attended: bool,
}

/// The result of an assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentResult {
    Passed,
    Failed,
}

/// What the host's trainer records of an officer's assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    pub result: AssessmentResult,
    /// A score from 0 to 100, if the course gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl AssessmentInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Some(score) = self.score {
            if !(score.is_finite() && (0.0..=100.0).contains(&score)) {
                errors.add("score", "must be from 0 to 100");
            }
        }
        errors.into_result()
    }
}

/// An officer's enrolment in a session, with what became of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Enrolment {
    pub id: Uuid,
    pub session: Uuid,
    pub course: Uuid,
    pub host_agency: AgencyCode,
    /// The officer's agency.
    pub agency: AgencyCode,
    pub officer: Username,
    pub officer_name: String,
    pub status: EnrolmentStatus,
    /// The place on the agency's waiting list (1 is next), while waitlisted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waitlist_position: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attended: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentInput>,
    /// The certificate in force (not revoked), if one was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Uuid>,
    pub enrolled_by: Username,
    pub enrolled_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An illegal change of state: a stable code and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Illegal {
    pub code: &'static str,
    pub message: String,
}

fn illegal(code: &'static str, message: impl Into<String>) -> Result<(), Illegal> {
    Err(Illegal {
        code,
        message: message.into(),
    })
}

/// A change of an enrolment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Cancel,
    Attendance,
    Assessment,
    Certificate,
}

/// Whether a new enrolment may be made in `session` on `today`.
pub fn check_enrol(session: &Session, today: NaiveDate) -> Result<(), Illegal> {
    if session.finished(today) {
        return illegal(
            "session_finished",
            format!(
                "the session ended on {}; no one enrols in a finished session",
                session.ends_on
            ),
        );
    }
    Ok(())
}

impl Enrolment {
    /// Whether `change` is allowed now (`today`, in `session`).
    pub fn check(
        &self,
        change: Change,
        session: &Session,
        today: NaiveDate,
    ) -> Result<(), Illegal> {
        if self.status == EnrolmentStatus::Cancelled {
            return illegal(
                "enrolment_cancelled",
                match change {
                    Change::Cancel => "the enrolment is cancelled already",
                    Change::Attendance => {
                        "the enrolment is cancelled; no attendance is recorded on it"
                    }
                    Change::Assessment => {
                        "the enrolment is cancelled; no assessment is recorded on it"
                    }
                    Change::Certificate => "the enrolment is cancelled; it earns no certificate",
                },
            );
        }
        match change {
            Change::Cancel => {
                if self.attended.is_some() {
                    return illegal(
                        "enrolment_attended",
                        "attendance is recorded on the enrolment; it can no longer be cancelled",
                    );
                }
                if session.finished(today) {
                    return illegal(
                        "session_finished",
                        "the session is over; its enrolments stay as they are",
                    );
                }
            }
            Change::Attendance => {
                if self.status == EnrolmentStatus::Waitlisted {
                    return illegal(
                        "enrolment_waitlisted",
                        "the officer is on the waiting list and holds no seat",
                    );
                }
                if session.starts_on > today {
                    return illegal(
                        "session_not_started",
                        format!(
                            "the session starts on {}; attendance is recorded from then",
                            session.starts_on
                        ),
                    );
                }
                if self.assessment.is_some() {
                    return illegal(
                        "enrolment_assessed",
                        "the officer is assessed already; attendance no longer changes",
                    );
                }
            }
            Change::Assessment => {
                if self.attended != Some(true) {
                    return illegal(
                        "not_attended",
                        "only an officer recorded as having attended is assessed",
                    );
                }
                if self.certificate.is_some() {
                    return illegal(
                        "certificate_issued",
                        "a certificate is issued on this assessment; revoke it before changing the assessment",
                    );
                }
            }
            Change::Certificate => {
                if self.certificate.is_some() {
                    return illegal(
                        "certificate_exists",
                        "a certificate in force is issued already",
                    );
                }
                match &self.assessment {
                    None => return illegal("not_assessed", "the officer is not assessed yet"),
                    Some(a) if a.result == AssessmentResult::Failed => {
                        return illegal(
                            "assessment_failed",
                            "the officer failed the assessment; no certificate is issued",
                        )
                    }
                    Some(_) => {}
                }
                if self.attended != Some(true) {
                    return illegal("not_attended", "the officer did not attend");
                }
            }
        }
        Ok(())
    }
}

/// What a certificate certifies: the content that is signed, in this field order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CertificateContent {
    /// Always `interdict-certificate-v1`.
    pub format: String,
    pub id: Uuid,
    pub officer: Username,
    pub officer_name: String,
    pub agency: AgencyCode,
    pub host_agency: AgencyCode,
    pub course: Uuid,
    pub course_title: String,
    pub session: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: f64,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// The public key of the node that signed it (64 hex digits).
    pub node_key: String,
}

/// The format name of a certificate's signed content.
pub const CERTIFICATE_FORMAT: &str = "interdict-certificate-v1";

impl CertificateContent {
    /// The bytes that are signed: the content as compact JSON after a domain line.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = b"interdict certificate\n".to_vec();
        bytes.extend(self.canonical_json().into_bytes());
        bytes
    }

    /// The content as compact JSON, fields in declaration order.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The day a certificate issued on `issued_on` for a course of `months` expires.
pub fn expiry(issued_on: NaiveDate, months: u32) -> NaiveDate {
    issued_on
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// A certificate as stored and returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Certificate {
    #[serde(flatten)]
    pub content: CertificateContent,
    pub enrolment: Uuid,
    /// The Ed25519 signature of the content by the node's key, hex.
    pub signature: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn epoch() -> DateTime<Utc> {
        DateTime::from_timestamp(0, 0).unwrap()
    }

    fn course() -> CourseInput {
        CourseInput {
            title: "Detection of concealed drugs in containers".into(),
            syllabus: "X-ray images, ion scanners".into(),
            hours: 24.0,
            language: "ko".into(),
            certificate_months: 24,
            tlp: Tlp::Green,
        }
    }

    fn session() -> Session {
        Session {
            id: Uuid::nil(),
            course: Uuid::nil(),
            host_agency: AgencyCode::parse("KR-KCS").unwrap(),
            starts_on: day("2026-06-01"),
            ends_on: day("2026-06-05"),
            place: "Busan".into(),
            online: false,
            instructors: vec!["Kim".into()],
            created_by: Username::parse("kcs.trainer").unwrap(),
            created_at: epoch(),
        }
    }

    fn enrolment(status: EnrolmentStatus) -> Enrolment {
        Enrolment {
            id: Uuid::nil(),
            session: Uuid::nil(),
            course: Uuid::nil(),
            host_agency: AgencyCode::parse("KR-KCS").unwrap(),
            agency: AgencyCode::parse("KR-KCG").unwrap(),
            officer: Username::parse("kcg.analyst").unwrap(),
            officer_name: "Park".into(),
            status,
            waitlist_position: None,
            attended: None,
            assessment: None,
            certificate: None,
            enrolled_by: Username::parse("kcg.trainer").unwrap(),
            enrolled_at: epoch(),
            updated_at: epoch(),
        }
    }

    #[test]
    fn a_course_is_checked_field_by_field() {
        assert!(course().validate().is_ok());
        let mut bad = course();
        bad.title = " ".into();
        bad.hours = 0.0;
        bad.language = "KOR".into();
        bad.certificate_months = 0;
        bad.tlp = Tlp::Red;
        let errors = bad.validate().unwrap_err();
        for field in ["title", "hours", "language", "certificate_months", "tlp"] {
            assert!(errors.fields().contains_key(field), "{field}: {errors}");
        }
        let mut nan = course();
        nan.hours = f64::NAN;
        assert!(nan.validate().is_err());
    }

    #[test]
    fn a_session_is_checked_field_by_field() {
        let agency = AgencyCode::parse("KR-KCG").unwrap();
        let good = SessionInput {
            course: Uuid::nil(),
            starts_on: day("2026-06-01"),
            ends_on: day("2026-06-05"),
            place: String::new(),
            online: true,
            instructors: vec!["Kim".into()],
            seats: vec![SeatOffer {
                agency: agency.clone(),
                seats: 10,
            }],
        };
        assert!(good.validate(day("2026-05-01")).is_ok());
        let mut bad = good.clone();
        bad.ends_on = day("2026-05-01");
        bad.online = false;
        bad.instructors.clear();
        bad.seats = vec![
            SeatOffer {
                agency: agency.clone(),
                seats: 0,
            },
            SeatOffer { agency, seats: 1 },
        ];
        let errors = bad.validate(day("2026-05-01")).unwrap_err();
        for field in [
            "ends_on",
            "place",
            "instructors",
            "seats[0].seats",
            "seats[1].agency",
        ] {
            assert!(errors.fields().contains_key(field), "{field}: {errors}");
        }
        assert!(good.validate(day("2026-07-01")).is_err(), "over already");
    }

    #[test]
    fn no_enrolment_in_a_finished_session() {
        let s = session();
        assert!(check_enrol(&s, day("2026-06-05")).is_ok());
        assert_eq!(
            check_enrol(&s, day("2026-06-06")).unwrap_err().code,
            "session_finished"
        );
    }

    #[test]
    fn illegal_changes_have_stable_codes() {
        let s = session();
        let during = day("2026-06-03");
        let cancelled = enrolment(EnrolmentStatus::Cancelled);
        for change in [
            Change::Cancel,
            Change::Attendance,
            Change::Assessment,
            Change::Certificate,
        ] {
            assert_eq!(
                cancelled.check(change, &s, during).unwrap_err().code,
                "enrolment_cancelled"
            );
        }
        let waiting = enrolment(EnrolmentStatus::Waitlisted);
        assert_eq!(
            waiting
                .check(Change::Attendance, &s, during)
                .unwrap_err()
                .code,
            "enrolment_waitlisted"
        );
        assert!(waiting.check(Change::Cancel, &s, during).is_ok());

        let mut e = enrolment(EnrolmentStatus::Enrolled);
        assert_eq!(
            e.check(Change::Attendance, &s, day("2026-05-01"))
                .unwrap_err()
                .code,
            "session_not_started"
        );
        assert!(e.check(Change::Attendance, &s, during).is_ok());
        assert_eq!(
            e.check(Change::Assessment, &s, during).unwrap_err().code,
            "not_attended"
        );
        assert_eq!(
            e.check(Change::Certificate, &s, during).unwrap_err().code,
            "not_assessed"
        );
        e.attended = Some(false);
        assert_eq!(
            e.check(Change::Assessment, &s, during).unwrap_err().code,
            "not_attended"
        );
        e.attended = Some(true);
        assert_eq!(
            e.check(Change::Cancel, &s, during).unwrap_err().code,
            "enrolment_attended"
        );
        assert!(e.check(Change::Assessment, &s, during).is_ok());
        e.assessment = Some(AssessmentInput {
            result: AssessmentResult::Failed,
            score: Some(40.0),
        });
        assert_eq!(
            e.check(Change::Certificate, &s, during).unwrap_err().code,
            "assessment_failed"
        );
        assert_eq!(
            e.check(Change::Attendance, &s, during).unwrap_err().code,
            "enrolment_assessed"
        );
        e.assessment = Some(AssessmentInput {
            result: AssessmentResult::Passed,
            score: None,
        });
        assert!(e.check(Change::Certificate, &s, during).is_ok());
        e.certificate = Some(Uuid::nil());
        assert_eq!(
            e.check(Change::Certificate, &s, during).unwrap_err().code,
            "certificate_exists"
        );
        assert_eq!(
            e.check(Change::Assessment, &s, during).unwrap_err().code,
            "certificate_issued"
        );
    }

    #[test]
    fn scores_are_from_0_to_100() {
        let a = |score| AssessmentInput {
            result: AssessmentResult::Passed,
            score,
        };
        assert!(a(None).validate().is_ok());
        assert!(a(Some(100.0)).validate().is_ok());
        assert!(a(Some(100.5)).validate().is_err());
        assert!(a(Some(-1.0)).validate().is_err());
    }

    #[test]
    fn certificates_expire_after_their_months() {
        assert_eq!(expiry(day("2026-01-31"), 1), day("2026-02-28"));
        assert_eq!(expiry(day("2026-06-05"), 24), day("2028-06-05"));
    }

    #[test]
    fn the_signed_bytes_follow_the_content() {
        let content = CertificateContent {
            format: CERTIFICATE_FORMAT.into(),
            id: Uuid::nil(),
            officer: Username::parse("kcg.analyst").unwrap(),
            officer_name: "박서준".into(),
            agency: AgencyCode::parse("KR-KCG").unwrap(),
            host_agency: AgencyCode::parse("KR-KCS").unwrap(),
            course: Uuid::nil(),
            course_title: "X".into(),
            session: Uuid::nil(),
            starts_on: day("2026-06-01"),
            ends_on: day("2026-06-05"),
            hours: 24.0,
            issued_on: day("2026-06-05"),
            expires_on: day("2028-06-05"),
            node_key: "00".into(),
        };
        let mut other = content.clone();
        other.officer_name = "박서진".into();
        assert_ne!(content.signed_bytes(), other.signed_bytes());
        let back: CertificateContent = serde_json::from_str(&content.canonical_json()).unwrap();
        assert_eq!(back, content);
    }
}
