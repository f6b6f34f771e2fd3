//! Capacity building as stored: courses, sessions, the seats a session offers each
//! agency, enrolments and certificates. Each is a JSON body the service keeps, beside
//! the columns that queries and constraints need.
//!
//! No over-enrolment: an enrolment takes a seat with `used = used + 1 WHERE used <
//! seats` in its own transaction (a row lock on PostgreSQL, the one writer on SQLite),
//! and the CHECK `used <= seats` refuses any write that would go over.

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::{AgencyCode, Tlp};
use uuid::Uuid;

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf};
use crate::{Store, StoreError, WriteTx};

/// A course as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseRow {
    pub id: Uuid,
    pub host_agency: AgencyCode,
    pub tlp: Tlp,
    pub created_at: DateTime<Utc>,
    pub body: String,
}

/// A session as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    pub id: Uuid,
    pub course: Uuid,
    pub host_agency: AgencyCode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub body: String,
}

/// The seats a session offers an agency, and how many are held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatRow {
    pub session: Uuid,
    pub agency: AgencyCode,
    pub seats: i64,
    pub used: i64,
}

/// An enrolment as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct EnrolmentRow {
    pub id: Uuid,
    pub session: Uuid,
    pub host_agency: AgencyCode,
    pub agency: AgencyCode,
    pub officer: String,
    pub status: String,
    pub queued_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub body: String,
}

/// A certificate as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct CertificateRow {
    pub id: Uuid,
    pub enrolment: Uuid,
    pub host_agency: AgencyCode,
    pub agency: AgencyCode,
    pub officer: String,
    pub expires_on: NaiveDate,
    pub content: String,
    pub signature: String,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// How an enrolment was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    /// A seat was free.
    Seat,
    /// No seat was free: the officer waits.
    Waitlisted,
}

const SESSION_COLUMNS: &str = "id, course, host_agency, starts_on, ends_on, created_at, body";
const ENROLMENT_COLUMNS: &str =
    "id, session, host_agency, agency, officer, status, queued_at, updated_at, body";
const CERTIFICATE_COLUMNS: &str =
    "id, enrolment, host_agency, agency, officer, expires_on, content, signature, revoked_at";

fn course_from_row(row: &dyn RowExt) -> Result<CourseRow, StoreError> {
    Ok(CourseRow {
        id: row.id("id")?,
        host_agency: row.agency("host_agency")?,
        tlp: row.tlp("tlp")?,
        created_at: row.time("created_at")?,
        body: row.text("body")?,
    })
}

fn session_from_row(row: &dyn RowExt) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        id: row.id("id")?,
        course: row.id("course")?,
        host_agency: row.agency("host_agency")?,
        starts_on: row.date("starts_on")?,
        ends_on: row.date("ends_on")?,
        created_at: row.time("created_at")?,
        body: row.text("body")?,
    })
}

fn seat_from_row(row: &dyn RowExt) -> Result<SeatRow, StoreError> {
    Ok(SeatRow {
        session: row.id("session")?,
        agency: row.agency("agency")?,
        seats: row.int("seats")?,
        used: row.int("used")?,
    })
}

fn enrolment_from_row(row: &dyn RowExt) -> Result<EnrolmentRow, StoreError> {
    Ok(EnrolmentRow {
        id: row.id("id")?,
        session: row.id("session")?,
        host_agency: row.agency("host_agency")?,
        agency: row.agency("agency")?,
        officer: row.text("officer")?,
        status: row.text("status")?,
        queued_at: row.time("queued_at")?,
        updated_at: row.time("updated_at")?,
        body: row.text("body")?,
    })
}

fn certificate_from_row(row: &dyn RowExt) -> Result<CertificateRow, StoreError> {
    Ok(CertificateRow {
        id: row.id("id")?,
        enrolment: row.id("enrolment")?,
        host_agency: row.agency("host_agency")?,
        agency: row.agency("agency")?,
        officer: row.text("officer")?,
        expires_on: row.date("expires_on")?,
        content: row.text("content")?,
        signature: row.text("signature")?,
        revoked_at: row.opt_time("revoked_at")?,
    })
}

async fn write_enrolment(tx: &mut WriteTx<'_>, e: &EnrolmentRow) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            tx.dialect,
            "INSERT INTO training_enrolments (id, session, host_agency, agency, officer, status, queued_at, updated_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            vec![
                Arg::Id(e.id),
                Arg::Id(e.session),
                e.host_agency.as_str().into(),
                e.agency.as_str().into(),
                e.officer.as_str().into(),
                e.status.as_str().into(),
                Arg::Time(e.queued_at),
                Arg::Time(e.updated_at),
                e.body.as_str().into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Replaces an enrolment's status and body if its status is still `expected`.
async fn replace_enrolment(
    tx: &mut WriteTx<'_>,
    e: &EnrolmentRow,
    expected: &str,
) -> Result<(), StoreError> {
    let done = tx
        .tx
        .execute(&SqlBuf::with(
            tx.dialect,
            "UPDATE training_enrolments SET status = $1, body = $2, updated_at = $3 WHERE id = $4 AND status = $5",
            vec![
                e.status.as_str().into(),
                e.body.as_str().into(),
                Arg::Time(e.updated_at),
                Arg::Id(e.id),
                expected.into(),
            ],
        ))
        .await?;
    if done == 0 {
        return Err(StoreError::Conflict(
            "the enrolment was changed meanwhile; reload it".into(),
        ));
    }
    Ok(())
}

impl Store {
    /// Adds a course.
    pub async fn create_course(
        &self,
        course: &CourseRow,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO training_courses (id, host_agency, tlp, created_at, body) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    Arg::Id(course.id),
                    course.host_agency.as_str().into(),
                    Arg::Int(course.tlp.rank()),
                    Arg::Time(course.created_at),
                    course.body.as_str().into(),
                ],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every course of the node, oldest first.
    pub async fn courses(&self) -> Result<Vec<CourseRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT id, host_agency, tlp, created_at, body FROM training_courses ORDER BY created_at, id",
                    vec![],
                ),
                course_from_row,
            )
            .await
    }

    /// One course.
    pub async fn course(&self, id: Uuid) -> Result<Option<CourseRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT id, host_agency, tlp, created_at, body FROM training_courses WHERE id = $1",
                    vec![Arg::Id(id)],
                ),
                course_from_row,
            )
            .await
    }

    /// Adds a session with the seats it offers.
    pub async fn create_session(
        &self,
        session: &SessionRow,
        seats: &[SeatRow],
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO training_sessions (id, course, host_agency, starts_on, ends_on, created_at, body) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    Arg::Id(session.id),
                    Arg::Id(session.course),
                    session.host_agency.as_str().into(),
                    Arg::Date(session.starts_on),
                    Arg::Date(session.ends_on),
                    Arg::Time(session.created_at),
                    session.body.as_str().into(),
                ],
            ))
            .await?;
        for seat in seats {
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    "INSERT INTO training_seats (session, agency, seats, used) VALUES ($1, $2, $3, 0)",
                    vec![
                        Arg::Id(session.id),
                        seat.agency.as_str().into(),
                        Arg::Int(seat.seats),
                    ],
                ))
                .await?;
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every session of the node (of one course when `course` is given), by first day.
    pub async fn sessions(&self, course: Option<Uuid>) -> Result<Vec<SessionRow>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push(&format!("SELECT {SESSION_COLUMNS} FROM training_sessions"));
        if let Some(course) = course {
            sql.push(" WHERE course = ").bind(course);
        }
        sql.push(" ORDER BY starts_on, id");
        self.db.fetch_all(&sql, session_from_row).await
    }

    /// One session.
    pub async fn session(&self, id: Uuid) -> Result<Option<SessionRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {SESSION_COLUMNS} FROM training_sessions WHERE id = $1"),
                    vec![Arg::Id(id)],
                ),
                session_from_row,
            )
            .await
    }

    /// The seats of a session (of every session when `None`), by agency.
    pub async fn seats(&self, session: Option<Uuid>) -> Result<Vec<SeatRow>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT session, agency, seats, used FROM training_seats");
        if let Some(session) = session {
            sql.push(" WHERE session = ").bind(session);
        }
        sql.push(" ORDER BY session, agency");
        self.db.fetch_all(&sql, seat_from_row).await
    }

    /// Enrols an officer: takes a seat of the officer's agency if one is free, else
    /// puts the officer on the waiting list; appends `seat_event` or `wait_event`
    /// accordingly. The row's status is set here.
    pub async fn enrol(
        &self,
        enrolment: &EnrolmentRow,
        seat_event: &AuditEvent,
        wait_event: &AuditEvent,
    ) -> Result<Taken, StoreError> {
        let mut tx = self.begin_write().await?;
        let took = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE training_seats SET used = used + 1 WHERE session = $1 AND agency = $2 AND used < seats",
                vec![
                    Arg::Id(enrolment.session),
                    enrolment.agency.as_str().into(),
                ],
            ))
            .await?;
        let taken = if took == 1 {
            Taken::Seat
        } else {
            Taken::Waitlisted
        };
        let mut row = enrolment.clone();
        row.status = match taken {
            Taken::Seat => "enrolled".into(),
            Taken::Waitlisted => "waitlisted".into(),
        };
        write_enrolment(&mut tx, &row).await?;
        append(
            &mut tx,
            match taken {
                Taken::Seat => seat_event,
                Taken::Waitlisted => wait_event,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(taken)
    }

    /// Cancels an enrolment whose status is `expected`. A seat it held goes to the
    /// first officer of the same agency on the session's waiting list (whose id is
    /// returned), or is freed. `promote` makes the promoted officer's row from its
    /// stored row; `promote_event` is appended for the promotion.
    pub async fn cancel_enrolment(
        &self,
        enrolment: &EnrolmentRow,
        expected: &str,
        event: &AuditEvent,
        promote: impl FnOnce(EnrolmentRow) -> (EnrolmentRow, AuditEvent),
    ) -> Result<Option<Uuid>, StoreError> {
        let mut tx = self.begin_write().await?;
        replace_enrolment(&mut tx, enrolment, expected).await?;
        // Seats before the audit log, as an enrolment takes them: one order of locks.
        let mut promoted = None;
        let mut promote_event = None;
        if expected == "enrolled" {
            // Freeing the seat takes the seats row's lock first, so that concurrent
            // cancellations promote one waiting officer each, in turn.
            let dialect = tx.dialect;
            let seat = |delta: &str| {
                SqlBuf::with(
                    dialect,
                    &format!(
                        "UPDATE training_seats SET used = used {delta} 1 WHERE session = $1 AND agency = $2"
                    ),
                    vec![
                        Arg::Id(enrolment.session),
                        enrolment.agency.as_str().into(),
                    ],
                )
            };
            let free = seat("-");
            tx.tx.execute(&free).await?;
            let next = tx
                .tx
                .fetch_optional(
                    &SqlBuf::with(
                        tx.dialect,
                        &format!(
                            "SELECT {ENROLMENT_COLUMNS} FROM training_enrolments \
                             WHERE session = $1 AND agency = $2 AND status = 'waitlisted' \
                             ORDER BY queued_at, id LIMIT 1"
                        ),
                        vec![Arg::Id(enrolment.session), enrolment.agency.as_str().into()],
                    ),
                    enrolment_from_row,
                )
                .await?;
            if let Some(next) = next {
                let take = seat("+");
                tx.tx.execute(&take).await?;
                let (row, event) = promote(next);
                replace_enrolment(&mut tx, &row, "waitlisted").await?;
                promote_event = Some(event);
                promoted = Some(row.id);
            }
        }
        append(&mut tx, event).await?;
        if let Some(promote_event) = &promote_event {
            append(&mut tx, promote_event).await?;
        }
        tx.commit().await?;
        Ok(promoted)
    }

    /// Replaces an enrolment (attendance, assessment) whose status is still the one
    /// stored, with a certificate issued in the same transaction if one is given.
    pub async fn update_enrolment(
        &self,
        enrolment: &EnrolmentRow,
        certificate: Option<&CertificateRow>,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        replace_enrolment(&mut tx, enrolment, &enrolment.status).await?;
        if let Some(c) = certificate {
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    &format!(
                        "INSERT INTO training_certificates ({CERTIFICATE_COLUMNS}) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                    ),
                    vec![
                        Arg::Id(c.id),
                        Arg::Id(c.enrolment),
                        c.host_agency.as_str().into(),
                        c.agency.as_str().into(),
                        c.officer.as_str().into(),
                        Arg::Date(c.expires_on),
                        c.content.as_str().into(),
                        c.signature.as_str().into(),
                        Arg::OptTime(c.revoked_at),
                    ],
                ))
                .await?;
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Revokes a certificate in force and writes its enrolment without it.
    pub async fn revoke_certificate(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        enrolment: &EnrolmentRow,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE training_certificates SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                vec![Arg::Time(at), Arg::Id(id)],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::Conflict(
                "the certificate is revoked already".into(),
            ));
        }
        replace_enrolment(&mut tx, enrolment, &enrolment.status).await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// One enrolment.
    pub async fn enrolment(&self, id: Uuid) -> Result<Option<EnrolmentRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {ENROLMENT_COLUMNS} FROM training_enrolments WHERE id = $1"),
                    vec![Arg::Id(id)],
                ),
                enrolment_from_row,
            )
            .await
    }

    /// Enrolments of a session, of an officer, or all: in the order they were queued.
    pub async fn enrolments(
        &self,
        session: Option<Uuid>,
        officer: Option<&str>,
    ) -> Result<Vec<EnrolmentRow>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push(&format!(
            "SELECT {ENROLMENT_COLUMNS} FROM training_enrolments WHERE 1 = 1"
        ));
        if let Some(session) = session {
            sql.push(" AND session = ").bind(session);
        }
        if let Some(officer) = officer {
            sql.push(" AND officer = ").bind(officer);
        }
        sql.push(" ORDER BY queued_at, id");
        self.db.fetch_all(&sql, enrolment_from_row).await
    }

    /// One certificate.
    pub async fn certificate(&self, id: Uuid) -> Result<Option<CertificateRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {CERTIFICATE_COLUMNS} FROM training_certificates WHERE id = $1"
                    ),
                    vec![Arg::Id(id)],
                ),
                certificate_from_row,
            )
            .await
    }

    /// Every certificate, by expiry.
    pub async fn certificates(&self) -> Result<Vec<CertificateRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {CERTIFICATE_COLUMNS} FROM training_certificates ORDER BY expires_on, id"
                    ),
                    vec![],
                ),
                certificate_from_row,
            )
            .await
    }
}
