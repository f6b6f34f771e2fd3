//! Capacity building: courses and sessions run by a host agency for its own and its
//! partners' officers, enrolments by each agency's training coordinators (role
//! `trainer`) with a waiting list per agency, attendance, assessment, certificates as
//! signed PDF documents, each officer's training record and three reports.
//!
//! Need-to-know: a course and its sessions are the host's data with the course's label
//! (`course_meta`): partners with the training scope of an agreement in force see them.
//! An enrolment with its attendance, assessment and certificate is the host's, RED,
//! with the officer's agency as party (`enrolment_meta`): only those two agencies see
//! it. Registers are small, so rows are read and filtered with `Access::allows`; what it
//! refuses is answered `not_found` like what does not exist.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ed25519_dalek::{Signature, Signer as _, Verifier as _};
use interdict_core::audit::AuditEvent;
use interdict_core::policy::{Access, Action, DataKind, Principal};
use interdict_core::training::{
    check_enrol, course_meta, enrolment_meta, expiry, AssessmentInput, AssessmentResult,
    AttendanceInput, Certificate, CertificateContent, Change, Course, CourseInput, Enrolment,
    EnrolmentStatus, Illegal, Session, SessionInput, CERTIFICATE_FORMAT,
};
use interdict_core::{Actor, AgencyCode, Username};
use interdict_store::{CertificateRow, CourseRow, EnrolmentRow, SeatRow, SessionRow, StoreError};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::certificate::{self, Unreadable};
use crate::error::{ServiceError, ServiceResult};
use crate::Service;

/// The seats a session offers an agency and how many are held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Seats {
    pub agency: AgencyCode,
    pub seats: i64,
    pub used: i64,
}

/// A session as a reader sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    pub course_title: String,
    pub hours: f64,
    pub seats: Vec<Seats>,
    /// The enrolments the reader may see: all for the host, its own agency's for a
    /// partner; in the order they were made.
    pub enrolments: Vec<Enrolment>,
    /// Whether the reader runs the session (a trainer of the host agency).
    pub may_manage: bool,
    /// Whether the reader may enrol officers of their agency (a trainer of an agency
    /// offered seats, while the session is not over).
    pub may_enrol: bool,
}

/// A course with its sessions.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CourseView {
    #[serde(flatten)]
    pub course: Course,
    pub sessions: Vec<Session>,
    pub may_manage: bool,
}

/// A session in a list or calendar.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionSummary {
    #[serde(flatten)]
    pub session: Session,
    pub course_title: String,
    pub hours: f64,
    pub seats_offered: i64,
    pub seats_used: i64,
}

/// One course an officer took, in a training record.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RecordEntry {
    pub enrolment: Enrolment,
    pub course_title: String,
    pub hours: f64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The certificate in force, if any, with its expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_expires_on: Option<NaiveDate>,
}

/// An officer's training across agencies, as far as the reader may see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TrainingRecord {
    pub officer: Username,
    pub officer_name: String,
    pub agency: AgencyCode,
    pub entries: Vec<RecordEntry>,
    /// Hours of the courses the officer attended.
    pub hours_attended: f64,
}

/// Hours of training an agency's officers attended.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct HoursRow {
    pub agency: AgencyCode,
    pub officers: i64,
    pub courses_attended: i64,
    pub hours: f64,
}

/// Seats of a session for an agency, used against offered.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct SeatsRow {
    pub session: Uuid,
    pub course_title: String,
    pub starts_on: NaiveDate,
    pub host_agency: AgencyCode,
    pub agency: AgencyCode,
    pub seats: i64,
    pub used: i64,
    pub waitlisted: i64,
}

/// What a verification finds of a presented certificate.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Verification {
    /// Signed by this node's key, known to it, and not revoked.
    pub genuine: bool,
    /// `genuine`, `not_pdf`, `no_certificate`, `wrong_key`, `signature_invalid`,
    /// `unknown_certificate` or `revoked`.
    pub outcome: String,
    pub message: String,
    /// What the certificate certifies, when its signature is this node's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateContent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What an enrolment keeps as its body besides its columns.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
struct EnrolmentBody {
    course: Uuid,
    officer_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attended: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assessment: Option<AssessmentInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certificate: Option<Uuid>,
    enrolled_by: Username,
    enrolled_at: chrono::DateTime<chrono::Utc>,
}

fn corrupt(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::internal(anyhow::anyhow!("stored training data: {e}"))
}

fn conflict(illegal: Illegal) -> ServiceError {
    ServiceError::Conflict {
        code: illegal.code,
        message: illegal.message,
    }
}

fn course_of(row: &CourseRow) -> ServiceResult<Course> {
    serde_json::from_str(&row.body).map_err(corrupt)
}

fn session_of(row: &SessionRow) -> ServiceResult<Session> {
    serde_json::from_str(&row.body).map_err(corrupt)
}

fn enrolment_of(row: &EnrolmentRow) -> ServiceResult<Enrolment> {
    let body: EnrolmentBody = serde_json::from_str(&row.body).map_err(corrupt)?;
    Ok(Enrolment {
        id: row.id,
        session: row.session,
        course: body.course,
        host_agency: row.host_agency.clone(),
        agency: row.agency.clone(),
        officer: Username::parse(&row.officer).map_err(corrupt)?,
        officer_name: body.officer_name,
        status: EnrolmentStatus::parse(&row.status).ok_or_else(|| corrupt(&row.status))?,
        waitlist_position: None,
        attended: body.attended,
        assessment: body.assessment,
        certificate: body.certificate,
        enrolled_by: body.enrolled_by,
        enrolled_at: body.enrolled_at,
        updated_at: row.updated_at,
    })
}

fn enrolment_row(e: &Enrolment) -> ServiceResult<EnrolmentRow> {
    let body = EnrolmentBody {
        course: e.course,
        officer_name: e.officer_name.clone(),
        attended: e.attended,
        assessment: e.assessment.clone(),
        certificate: e.certificate,
        enrolled_by: e.enrolled_by.clone(),
        enrolled_at: e.enrolled_at,
    };
    Ok(EnrolmentRow {
        id: e.id,
        session: e.session,
        host_agency: e.host_agency.clone(),
        agency: e.agency.clone(),
        officer: e.officer.to_string(),
        status: e.status.as_str().to_owned(),
        queued_at: e.enrolled_at,
        updated_at: e.updated_at,
        body: serde_json::to_string(&body).map_err(ServiceError::internal)?,
    })
}

fn certificate_of(row: &CertificateRow) -> ServiceResult<Certificate> {
    Ok(Certificate {
        content: serde_json::from_str(&row.content).map_err(corrupt)?,
        enrolment: row.enrolment,
        signature: row.signature.clone(),
        revoked_at: row.revoked_at,
    })
}

/// Sets the waiting-list positions of a session's enrolments (queued order, per agency).
fn number_waitlist(enrolments: &mut [Enrolment]) {
    let mut next: BTreeMap<AgencyCode, i64> = BTreeMap::new();
    for e in enrolments.iter_mut() {
        if e.status == EnrolmentStatus::Waitlisted {
            let n = next.entry(e.agency.clone()).or_insert(0);
            *n += 1;
            e.waitlist_position = Some(*n);
        }
    }
}

impl Service {
    fn training_event(
        &self,
        actor: Option<&Actor>,
        action: &str,
        kind: &str,
        id: Uuid,
        agency: &AgencyCode,
        detail: serde_json::Value,
    ) -> AuditEvent {
        let mut event = self.event(actor, &format!("training.{action}"));
        event.target_kind = Some(kind.into());
        event.target_id = Some(id.to_string());
        event.target_agency = Some(agency.to_string());
        event.detail = detail.to_string();
        event
    }

    async fn training_access(&self, actor: &Actor) -> ServiceResult<(Access, Access)> {
        let mut both = self
            .accesses(
                &Principal::User(actor.clone()),
                &[DataKind::Course, DataKind::Enrolment],
            )
            .await?;
        let enrolments = both.remove(1);
        Ok((both.remove(0), enrolments))
    }

    fn hidden(&self, actor: &Actor, kind: &str, id: Uuid, action: &str) -> ServiceError {
        let mut event = self.event(Some(actor), &format!("training.{action}_denied"));
        event.target_kind = Some(kind.into());
        event.target_id = Some(id.to_string());
        event.detail = serde_json::json!({ "reason": "not visible" }).to_string();
        self.inner
            .audit
            .denial(event, format!("user:{}", actor.username));
        ServiceError::NotFound
    }

    fn trainer_of(&self, actor: &Actor, agency: &AgencyCode, what: &str) -> ServiceResult<()> {
        self.require(actor, Action::ManageTraining, what)?;
        if &actor.agency != agency {
            return Err(ServiceError::OwnerOnly(format!(
                "only a trainer of {agency} may do this"
            )));
        }
        Ok(())
    }

    /// The officers of the actor's agency a trainer may enrol: (user name, name).
    pub async fn training_officers(&self, actor: &Actor) -> ServiceResult<Vec<(Username, String)>> {
        self.require(actor, Action::ManageTraining, "training.officers")?;
        Ok(self
            .store()
            .users(Some(&actor.agency))
            .await?
            .into_iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.username, u.display_name))
            .collect())
    }

    /// Creates a course hosted by the actor's agency (trainers).
    pub async fn create_course(&self, actor: &Actor, input: CourseInput) -> ServiceResult<Course> {
        self.require(actor, Action::ManageTraining, "training.course_create")?;
        input.validate()?;
        let course = Course {
            id: self.new_id(),
            host_agency: actor.agency.clone(),
            title: input.title.trim().to_owned(),
            syllabus: input.syllabus,
            hours: input.hours,
            language: input.language,
            certificate_months: input.certificate_months,
            tlp: input.tlp,
            created_by: actor.username.clone(),
            created_at: self.now(),
        };
        let event = self.training_event(
            Some(actor),
            "course_create",
            "course",
            course.id,
            &course.host_agency,
            serde_json::json!({ "title": course.title, "tlp": course.tlp }),
        );
        let row = CourseRow {
            id: course.id,
            host_agency: course.host_agency.clone(),
            tlp: course.tlp,
            created_at: course.created_at,
            body: serde_json::to_string(&course).map_err(ServiceError::internal)?,
        };
        self.store().create_course(&row, &event).await?;
        Ok(course)
    }

    /// The courses the actor may see.
    pub async fn courses_for(&self, actor: &Actor) -> ServiceResult<Vec<Course>> {
        let (access, _) = self.training_access(actor).await?;
        let mut out = Vec::new();
        for row in self.store().courses().await? {
            if access.allows(&course_meta(&row.host_agency, row.tlp)) {
                out.push(course_of(&row)?);
            }
        }
        Ok(out)
    }

    async fn visible_course(
        &self,
        actor: &Actor,
        access: &Access,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<Course> {
        match self.store().course(id).await? {
            Some(row) if access.allows(&course_meta(&row.host_agency, row.tlp)) => course_of(&row),
            _ => Err(self.hidden(actor, "course", id, action)),
        }
    }

    /// One course with its sessions.
    pub async fn course(&self, actor: &Actor, id: Uuid) -> ServiceResult<CourseView> {
        let (access, _) = self.training_access(actor).await?;
        let course = self
            .visible_course(actor, &access, id, "course_read")
            .await?;
        let sessions = self
            .store()
            .sessions(Some(id))
            .await?
            .iter()
            .map(session_of)
            .collect::<ServiceResult<Vec<_>>>()?;
        let may_manage = actor.agency == course.host_agency && actor.may(Action::ManageTraining);
        Ok(CourseView {
            course,
            sessions,
            may_manage,
        })
    }

    /// Schedules a session of a course of the actor's agency, with the seats it offers.
    pub async fn create_session(
        &self,
        actor: &Actor,
        input: SessionInput,
    ) -> ServiceResult<SessionView> {
        let (access, _) = self.training_access(actor).await?;
        let course = self
            .visible_course(actor, &access, input.course, "session_create")
            .await
            .map_err(|_| ServiceError::field("course", "no such course"))?;
        self.trainer_of(actor, &course.host_agency, "training.session_create")?;
        let mut errors = match input.validate(self.today()) {
            Ok(()) => interdict_core::FieldErrors::new(),
            Err(errors) => errors,
        };
        let known: Vec<AgencyCode> = self
            .store()
            .agencies()
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        for (i, offer) in input.seats.iter().enumerate() {
            if !known.contains(&offer.agency) {
                errors.add(
                    format!("seats[{i}].agency"),
                    format!("no agency {}", offer.agency),
                );
            }
        }
        errors.into_result()?;
        let session = Session {
            id: self.new_id(),
            course: course.id,
            host_agency: course.host_agency.clone(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            place: input.place.trim().to_owned(),
            online: input.online,
            instructors: input
                .instructors
                .iter()
                .map(|s| s.trim().to_owned())
                .collect(),
            created_by: actor.username.clone(),
            created_at: self.now(),
        };
        let seats: Vec<SeatRow> = input
            .seats
            .iter()
            .map(|o| SeatRow {
                session: session.id,
                agency: o.agency.clone(),
                seats: o.seats,
                used: 0,
            })
            .collect();
        let event = self.training_event(
            Some(actor),
            "session_create",
            "session",
            session.id,
            &session.host_agency,
            serde_json::json!({ "course": course.id, "starts_on": session.starts_on, "ends_on": session.ends_on,
                "seats": input.seats.iter().map(|o| (o.agency.to_string(), o.seats)).collect::<BTreeMap<_, _>>() }),
        );
        let row = SessionRow {
            id: session.id,
            course: session.course,
            host_agency: session.host_agency.clone(),
            starts_on: session.starts_on,
            ends_on: session.ends_on,
            created_at: session.created_at,
            body: serde_json::to_string(&session).map_err(ServiceError::internal)?,
        };
        self.store().create_session(&row, &seats, &event).await?;
        self.session(actor, session.id).await
    }

    /// A session the actor may see, with its course.
    async fn visible_session(
        &self,
        actor: &Actor,
        access: &Access,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<(Session, Course)> {
        let Some(row) = self.store().session(id).await? else {
            return Err(self.hidden(actor, "session", id, action));
        };
        let Some(course_row) = self.store().course(row.course).await? else {
            return Err(self.hidden(actor, "session", id, action));
        };
        if !access.allows(&course_meta(&course_row.host_agency, course_row.tlp)) {
            return Err(self.hidden(actor, "session", id, action));
        }
        Ok((session_of(&row)?, course_of(&course_row)?))
    }

    /// The sessions the actor may see, by first day; of one month (`YYYY-MM`: those
    /// overlapping it) when asked.
    pub async fn sessions_for(
        &self,
        actor: &Actor,
        month: Option<NaiveDate>,
    ) -> ServiceResult<Vec<SessionSummary>> {
        let (access, _) = self.training_access(actor).await?;
        let mut courses = BTreeMap::new();
        for row in self.store().courses().await? {
            if access.allows(&course_meta(&row.host_agency, row.tlp)) {
                courses.insert(row.id, course_of(&row)?);
            }
        }
        let seats = self.store().seats(None).await?;
        let range = month.map(|m| {
            let first = m.with_day(1).unwrap_or(m);
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(NaiveDate::MAX);
            (first, next)
        });
        let mut out = Vec::new();
        for row in self.store().sessions(None).await? {
            let Some(course) = courses.get(&row.course) else {
                continue;
            };
            if let Some((first, next)) = range {
                if row.ends_on < first || row.starts_on >= next {
                    continue;
                }
            }
            let of_session = seats.iter().filter(|s| s.session == row.id);
            let (offered, used) = of_session.fold((0, 0), |(o, u), s| (o + s.seats, u + s.used));
            out.push(SessionSummary {
                session: session_of(&row)?,
                course_title: course.title.clone(),
                hours: course.hours,
                seats_offered: offered,
                seats_used: used,
            });
        }
        Ok(out)
    }

    /// One session with its seats and the enrolments the actor may see.
    pub async fn session(&self, actor: &Actor, id: Uuid) -> ServiceResult<SessionView> {
        let (access, enrolment_access) = self.training_access(actor).await?;
        let (session, course) = self
            .visible_session(actor, &access, id, "session_read")
            .await?;
        let seats: Vec<Seats> = self
            .store()
            .seats(Some(id))
            .await?
            .into_iter()
            .map(|s| Seats {
                agency: s.agency,
                seats: s.seats,
                used: s.used,
            })
            .collect();
        let mut enrolments = Vec::new();
        for row in self.store().enrolments(Some(id), None).await? {
            enrolments.push(enrolment_of(&row)?);
        }
        number_waitlist(&mut enrolments);
        enrolments.retain(|e| {
            enrolment_access.allows(&enrolment_meta(
                &e.host_agency,
                std::slice::from_ref(&e.agency),
            ))
        });
        let trainer = actor.may(Action::ManageTraining);
        let may_enrol = trainer
            && !session.finished(self.today())
            && seats.iter().any(|s| s.agency == actor.agency);
        Ok(SessionView {
            may_manage: trainer && actor.agency == session.host_agency,
            may_enrol,
            course_title: course.title,
            hours: course.hours,
            session,
            seats,
            enrolments,
        })
    }

    /// Enrols an officer of the actor's agency (a trainer) in a session offering the
    /// agency seats: on a free seat, or else on the agency's waiting list.
    pub async fn enrol(
        &self,
        actor: &Actor,
        session_id: Uuid,
        officer: &str,
    ) -> ServiceResult<Enrolment> {
        let (access, _) = self.training_access(actor).await?;
        let (session, course) = self
            .visible_session(actor, &access, session_id, "enrol")
            .await?;
        self.require(actor, Action::ManageTraining, "training.enrol")?;
        let user = match Username::parse(officer) {
            Ok(name) => self.store().user_by_name(name.as_str()).await?,
            Err(_) => None,
        }
        .filter(|u| !u.disabled && u.agency == actor.agency)
        .ok_or_else(|| ServiceError::field("officer", "no such officer of your agency"))?;
        check_enrol(&session, self.today()).map_err(conflict)?;
        let offered = self.store().seats(Some(session_id)).await?;
        if !offered.iter().any(|s| s.agency == actor.agency) {
            return Err(ServiceError::Conflict {
                code: "no_seats_for_agency",
                message: format!("the session offers no seats to {}", actor.agency),
            });
        }
        let now = self.now();
        let enrolment = Enrolment {
            id: self.new_id(),
            session: session.id,
            course: course.id,
            host_agency: session.host_agency.clone(),
            agency: user.agency.clone(),
            officer: user.username.clone(),
            officer_name: user.display_name.clone(),
            status: EnrolmentStatus::Enrolled,
            waitlist_position: None,
            attended: None,
            assessment: None,
            certificate: None,
            enrolled_by: actor.username.clone(),
            enrolled_at: now,
            updated_at: now,
        };
        let event = |status: &str| {
            self.training_event(
                Some(actor),
                "enrol",
                "enrolment",
                enrolment.id,
                &enrolment.host_agency,
                serde_json::json!({ "session": session.id, "officer": enrolment.officer, "agency": enrolment.agency, "status": status }),
            )
        };
        match self
            .store()
            .enrol(
                &enrolment_row(&enrolment)?,
                &event("enrolled"),
                &event("waitlisted"),
            )
            .await
        {
            Ok(_) => {}
            Err(StoreError::Duplicate { .. }) => {
                return Err(ServiceError::Conflict {
                    code: "already_enrolled",
                    message: format!(
                        "{} is enrolled in this session already (or on its waiting list)",
                        enrolment.officer
                    ),
                })
            }
            Err(e) => return Err(e.into()),
        }
        self.enrolment(actor, enrolment.id).await
    }

    /// An enrolment the actor may see, with its session.
    async fn visible_enrolment(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<(Enrolment, Session, Course)> {
        let (_, access) = self.training_access(actor).await?;
        let Some(row) = self.store().enrolment(id).await? else {
            return Err(self.hidden(actor, "enrolment", id, action));
        };
        if !access.allows(&enrolment_meta(
            &row.host_agency,
            std::slice::from_ref(&row.agency),
        )) {
            return Err(self.hidden(actor, "enrolment", id, action));
        }
        let session_row = self
            .store()
            .session(row.session)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let course_row = self
            .store()
            .course(session_row.course)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut all = Vec::new();
        for r in self.store().enrolments(Some(row.session), None).await? {
            all.push(enrolment_of(&r)?);
        }
        number_waitlist(&mut all);
        let enrolment = all
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(ServiceError::NotFound)?;
        Ok((
            enrolment,
            session_of(&session_row)?,
            course_of(&course_row)?,
        ))
    }

    /// One enrolment.
    pub async fn enrolment(&self, actor: &Actor, id: Uuid) -> ServiceResult<Enrolment> {
        let (enrolment, _, _) = self.visible_enrolment(actor, id, "enrolment_read").await?;
        Ok(enrolment)
    }

    /// Cancels an enrolment (a trainer of the host or of the officer's agency); a seat
    /// it held goes to the first of the agency's waiting list.
    pub async fn cancel_enrolment(&self, actor: &Actor, id: Uuid) -> ServiceResult<Enrolment> {
        let (enrolment, session, _) = self.visible_enrolment(actor, id, "cancel").await?;
        self.require(actor, Action::ManageTraining, "training.cancel")?;
        if actor.agency != enrolment.host_agency && actor.agency != enrolment.agency {
            return Err(ServiceError::NotFound);
        }
        enrolment
            .check(Change::Cancel, &session, self.today())
            .map_err(conflict)?;
        let now = self.now();
        let expected = enrolment.status.as_str();
        let mut cancelled = enrolment.clone();
        cancelled.status = EnrolmentStatus::Cancelled;
        cancelled.updated_at = now;
        let event = self.training_event(
            Some(actor),
            "cancel",
            "enrolment",
            id,
            &enrolment.host_agency,
            serde_json::json!({ "officer": enrolment.officer, "was": expected }),
        );
        let promote = |next: EnrolmentRow| {
            let mut row = next;
            row.status = EnrolmentStatus::Enrolled.as_str().to_owned();
            row.updated_at = now;
            let event = self.training_event(
                None,
                "promote",
                "enrolment",
                row.id,
                &row.host_agency,
                serde_json::json!({ "officer": row.officer, "seat_of": id }),
            );
            (row, event)
        };
        self.store()
            .cancel_enrolment(&enrolment_row(&cancelled)?, expected, &event, promote)
            .await?;
        self.enrolment(actor, id).await
    }

    /// A change of an enrolment by a trainer of the host agency.
    async fn hosted_enrolment(
        &self,
        actor: &Actor,
        id: Uuid,
        change: Change,
        action: &str,
    ) -> ServiceResult<(Enrolment, Session, Course)> {
        let (enrolment, session, course) = self.visible_enrolment(actor, id, action).await?;
        self.trainer_of(actor, &enrolment.host_agency, &format!("training.{action}"))?;
        enrolment
            .check(change, &session, self.today())
            .map_err(conflict)?;
        Ok((enrolment, session, course))
    }

    /// Records whether an enrolled officer attended (the host's trainers).
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        id: Uuid,
        input: AttendanceInput,
    ) -> ServiceResult<Enrolment> {
        let (mut enrolment, _, _) = self
            .hosted_enrolment(actor, id, Change::Attendance, "attendance")
            .await?;
        enrolment.attended = Some(input.attended);
        enrolment.updated_at = self.now();
        let event = self.training_event(
            Some(actor),
            "attendance",
            "enrolment",
            id,
            &enrolment.host_agency,
            serde_json::json!({ "officer": enrolment.officer, "attended": input.attended }),
        );
        self.store()
            .update_enrolment(&enrolment_row(&enrolment)?, None, &event)
            .await?;
        self.enrolment(actor, id).await
    }

    fn signed_certificate(
        &self,
        enrolment: &Enrolment,
        session: &Session,
        course: &Course,
    ) -> ServiceResult<CertificateRow> {
        let issued_on = self.today();
        let content = CertificateContent {
            format: CERTIFICATE_FORMAT.to_owned(),
            id: self.new_id(),
            officer: enrolment.officer.clone(),
            officer_name: enrolment.officer_name.clone(),
            agency: enrolment.agency.clone(),
            host_agency: enrolment.host_agency.clone(),
            course: course.id,
            course_title: course.title.clone(),
            session: session.id,
            starts_on: session.starts_on,
            ends_on: session.ends_on,
            hours: course.hours,
            issued_on,
            expires_on: expiry(issued_on, course.certificate_months),
            node_key: self.keys().public_hex(),
        };
        let signature = self.keys().signing().sign(&content.signed_bytes());
        Ok(CertificateRow {
            id: content.id,
            enrolment: enrolment.id,
            host_agency: enrolment.host_agency.clone(),
            agency: enrolment.agency.clone(),
            officer: enrolment.officer.to_string(),
            expires_on: content.expires_on,
            content: content.canonical_json(),
            signature: hex::encode(signature.to_bytes()),
            revoked_at: None,
        })
    }

    /// Records an attended officer's assessment (the host's trainers); a pass issues
    /// the certificate in the same transaction.
    pub async fn record_assessment(
        &self,
        actor: &Actor,
        id: Uuid,
        input: AssessmentInput,
    ) -> ServiceResult<Enrolment> {
        input.validate()?;
        let (mut enrolment, session, course) = self
            .hosted_enrolment(actor, id, Change::Assessment, "assessment")
            .await?;
        enrolment.assessment = Some(input.clone());
        enrolment.updated_at = self.now();
        let certificate = if input.result == AssessmentResult::Passed {
            let c = self.signed_certificate(&enrolment, &session, &course)?;
            enrolment.certificate = Some(c.id);
            Some(c)
        } else {
            None
        };
        let event = self.training_event(
            Some(actor),
            "assessment",
            "enrolment",
            id,
            &enrolment.host_agency,
            serde_json::json!({ "officer": enrolment.officer, "result": input.result, "score": input.score,
                "certificate": certificate.as_ref().map(|c| c.id) }),
        );
        self.store()
            .update_enrolment(&enrolment_row(&enrolment)?, certificate.as_ref(), &event)
            .await?;
        self.enrolment(actor, id).await
    }

    /// Issues a certificate to an officer who attended and passed and holds none in
    /// force (after a revocation, say).
    pub async fn issue_certificate(&self, actor: &Actor, id: Uuid) -> ServiceResult<Certificate> {
        let (mut enrolment, session, course) = self
            .hosted_enrolment(actor, id, Change::Certificate, "certificate_issue")
            .await?;
        let c = self.signed_certificate(&enrolment, &session, &course)?;
        enrolment.certificate = Some(c.id);
        enrolment.updated_at = self.now();
        let event = self.training_event(
            Some(actor),
            "certificate_issue",
            "certificate",
            c.id,
            &enrolment.host_agency,
            serde_json::json!({ "enrolment": id, "officer": enrolment.officer, "expires_on": c.expires_on }),
        );
        self.store()
            .update_enrolment(&enrolment_row(&enrolment)?, Some(&c), &event)
            .await?;
        certificate_of(&c)
    }

    /// A certificate the actor may see (that of an enrolment they may see).
    pub async fn certificate(&self, actor: &Actor, id: Uuid) -> ServiceResult<Certificate> {
        let (_, access) = self.training_access(actor).await?;
        match self.store().certificate(id).await? {
            Some(row)
                if access.allows(&enrolment_meta(
                    &row.host_agency,
                    std::slice::from_ref(&row.agency),
                )) =>
            {
                let certificate = certificate_of(&row)?;
                if access.is_foreign(&row.host_agency) {
                    self.inner.audit.read(self.training_event(
                        Some(actor),
                        "certificate_read",
                        "certificate",
                        id,
                        &row.host_agency,
                        serde_json::json!({}),
                    ));
                }
                Ok(certificate)
            }
            _ => Err(self.hidden(actor, "certificate", id, "certificate_read")),
        }
    }

    /// A certificate as a PDF document.
    pub async fn certificate_pdf(&self, actor: &Actor, id: Uuid) -> ServiceResult<Vec<u8>> {
        let c = self.certificate(actor, id).await?;
        Ok(certificate::render(
            &c.content,
            &c.signature,
            c.revoked_at.is_some(),
        ))
    }

    /// The certificates the actor may see, by expiry.
    pub async fn certificates_for(&self, actor: &Actor) -> ServiceResult<Vec<Certificate>> {
        let (_, access) = self.training_access(actor).await?;
        let mut out = Vec::new();
        for row in self.store().certificates().await? {
            if access.allows(&enrolment_meta(
                &row.host_agency,
                std::slice::from_ref(&row.agency),
            )) {
                out.push(certificate_of(&row)?);
            }
        }
        Ok(out)
    }

    /// Revokes a certificate in force (the host's trainers).
    pub async fn revoke_certificate(&self, actor: &Actor, id: Uuid) -> ServiceResult<Certificate> {
        let c = self.certificate(actor, id).await?;
        self.trainer_of(actor, &c.content.host_agency, "training.certificate_revoke")?;
        if c.revoked_at.is_some() {
            return Err(ServiceError::Conflict {
                code: "certificate_revoked",
                message: "the certificate is revoked already".into(),
            });
        }
        let (mut enrolment, _, _) = self
            .visible_enrolment(actor, c.enrolment, "certificate_revoke")
            .await?;
        enrolment.certificate = None;
        enrolment.updated_at = self.now();
        let event = self.training_event(
            Some(actor),
            "certificate_revoke",
            "certificate",
            id,
            &c.content.host_agency,
            serde_json::json!({ "officer": c.content.officer }),
        );
        match self
            .store()
            .revoke_certificate(id, self.now(), &enrolment_row(&enrolment)?, &event)
            .await
        {
            Err(StoreError::Conflict(message)) => {
                return Err(ServiceError::Conflict {
                    code: "certificate_revoked",
                    message,
                })
            }
            other => other?,
        }
        self.certificate(actor, id).await
    }

    /// Whether a presented PDF is a genuine certificate of this node: signed by its
    /// key, known to it and not revoked. Anyone may ask (no login).
    pub async fn verify_certificate(&self, pdf: &[u8]) -> ServiceResult<Verification> {
        let verdict = |outcome: &str, message: &str| Verification {
            genuine: false,
            outcome: outcome.to_owned(),
            message: message.to_owned(),
            certificate: None,
            revoked_at: None,
        };
        let (content, json, signature) = match certificate::read(pdf) {
            Ok(found) => found,
            Err(Unreadable::NotPdf) => {
                return Ok(verdict("not_pdf", "the file is not a PDF document"))
            }
            Err(Unreadable::NoCertificate) => {
                return Ok(verdict(
                    "no_certificate",
                    "the PDF carries no certificate of an Interdict node",
                ))
            }
        };
        let signature = hex::decode(&signature)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok());
        let mut signed = b"interdict certificate\n".to_vec();
        signed.extend_from_slice(&json);
        let valid =
            signature.is_some_and(|s| self.keys().verifying_key().verify(&signed, &s).is_ok());
        if !valid {
            return Ok(if content.node_key != self.keys().public_hex() {
                verdict(
                    "wrong_key",
                    "the certificate was not signed by this node's key",
                )
            } else {
                verdict(
                    "signature_invalid",
                    "the signature does not match the content: the certificate was altered",
                )
            });
        }
        let stored = self.store().certificate(content.id).await?;
        let Some(row) = stored else {
            return Ok(Verification {
                certificate: Some(content),
                ..verdict("unknown_certificate", "this node holds no such certificate")
            });
        };
        if row.revoked_at.is_some() {
            return Ok(Verification {
                certificate: Some(content),
                revoked_at: row.revoked_at,
                ..verdict("revoked", "the certificate was revoked by its issuer")
            });
        }
        Ok(Verification {
            genuine: true,
            outcome: "genuine".into(),
            message: if content.expires_on < self.today() {
                format!("genuine, but expired on {}", content.expires_on)
            } else {
                "genuine: signed by this node and in force".into()
            },
            certificate: Some(content),
            revoked_at: None,
        })
    }

    /// An officer's training record: the enrolments of the officer the actor may see.
    /// Unknown officers and officers of whom the actor sees nothing are not found.
    pub async fn training_record(
        &self,
        actor: &Actor,
        officer: &str,
    ) -> ServiceResult<TrainingRecord> {
        let (course_access, access) = self.training_access(actor).await?;
        let user = match Username::parse(officer) {
            Ok(name) => self.store().user_by_name(name.as_str()).await?,
            Err(_) => None,
        };
        let Some(user) = user else {
            return Err(ServiceError::NotFound);
        };
        let _ = course_access;
        let certificates = self.store().certificates().await?;
        let mut entries = Vec::new();
        for row in self
            .store()
            .enrolments(None, Some(user.username.as_str()))
            .await?
        {
            if !access.allows(&enrolment_meta(
                &row.host_agency,
                std::slice::from_ref(&row.agency),
            )) {
                continue;
            }
            let enrolment = enrolment_of(&row)?;
            let Some(session) = self.store().session(row.session).await? else {
                continue;
            };
            let Some(course) = self.store().course(session.course).await? else {
                continue;
            };
            let course = course_of(&course)?;
            let certificate_expires_on = enrolment.certificate.and_then(|id| {
                certificates
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.expires_on)
            });
            entries.push(RecordEntry {
                course_title: course.title,
                hours: course.hours,
                starts_on: session.starts_on,
                ends_on: session.ends_on,
                certificate_expires_on,
                enrolment,
            });
        }
        let own = access.allows(&enrolment_meta(&user.agency, &[]));
        if entries.is_empty() && !own {
            return Err(self.hidden(actor, "officer", Uuid::nil(), "record_read"));
        }
        let hours_attended = entries
            .iter()
            .filter(|e| e.enrolment.attended == Some(true))
            .map(|e| e.hours)
            .sum();
        Ok(TrainingRecord {
            officer: user.username,
            officer_name: user.display_name,
            agency: user.agency,
            entries,
            hours_attended,
        })
    }

    /// Hours of training attended per agency, of the enrolments the actor may see.
    pub async fn hours_report(&self, actor: &Actor) -> ServiceResult<Vec<HoursRow>> {
        let (_, access) = self.training_access(actor).await?;
        let mut hours_of_course = BTreeMap::new();
        for row in self.store().courses().await? {
            hours_of_course.insert(row.id, course_of(&row)?.hours);
        }
        let mut by_agency: BTreeMap<AgencyCode, (std::collections::BTreeSet<String>, i64, f64)> =
            BTreeMap::new();
        for row in self.store().enrolments(None, None).await? {
            if !access.allows(&enrolment_meta(
                &row.host_agency,
                std::slice::from_ref(&row.agency),
            )) {
                continue;
            }
            let e = enrolment_of(&row)?;
            if e.attended != Some(true) {
                continue;
            }
            let hours = hours_of_course.get(&e.course).copied().unwrap_or(0.0);
            let entry = by_agency.entry(e.agency.clone()).or_default();
            entry.0.insert(e.officer.to_string());
            entry.1 += 1;
            entry.2 += hours;
        }
        Ok(by_agency
            .into_iter()
            .map(|(agency, (officers, courses, hours))| HoursRow {
                agency,
                officers: officers.len() as i64,
                courses_attended: courses,
                hours,
            })
            .collect())
    }

    /// Certificates in force the actor may see that expire in the next 90 days.
    pub async fn expiring_report(&self, actor: &Actor) -> ServiceResult<Vec<Certificate>> {
        let today = self.today();
        let until = today + chrono::Duration::days(90);
        Ok(self
            .certificates_for(actor)
            .await?
            .into_iter()
            .filter(|c| {
                c.revoked_at.is_none()
                    && c.content.expires_on >= today
                    && c.content.expires_on <= until
            })
            .collect())
    }

    /// Seats used against seats offered, per session the actor may see and agency.
    pub async fn seats_report(&self, actor: &Actor) -> ServiceResult<Vec<SeatsRow>> {
        let sessions = self.sessions_for(actor, None).await?;
        let seats = self.store().seats(None).await?;
        let enrolments = self.store().enrolments(None, None).await?;
        let mut out = Vec::new();
        for s in sessions {
            for seat in seats.iter().filter(|x| x.session == s.session.id) {
                let waitlisted = enrolments
                    .iter()
                    .filter(|e| {
                        e.session == seat.session
                            && e.agency == seat.agency
                            && e.status == "waitlisted"
                    })
                    .count() as i64;
                out.push(SeatsRow {
                    session: s.session.id,
                    course_title: s.course_title.clone(),
                    starts_on: s.session.starts_on,
                    host_agency: s.session.host_agency.clone(),
                    agency: seat.agency.clone(),
                    seats: seat.seats,
                    used: seat.used,
                    waitlisted,
                });
            }
        }
        Ok(out)
    }
}
