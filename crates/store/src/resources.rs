//! Resource support: the registers of dogs and equipment, their calendars and loans.
//!
//! A calendar entry takes its resource's days in `resource_days`, whose primary key
//! (resource, day) is written in the same transaction as the entry: two entries (two
//! approvals of loans) over a common day cannot both commit, on either engine. The
//! second fails with [`StoreError::Duplicate`].

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::{AgencyCode, Tlp};
use uuid::Uuid;

use crate::audit::{append, append_all};
use crate::db::{Arg, RowExt, SqlBuf};
use crate::{Store, StoreError, WriteTx};

/// A resource as stored: its register entry as JSON (`body`) with the columns the
/// policy decides on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRow {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub kind: String,
    pub tlp: Tlp,
    pub body: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An entry of a resource's calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarRow {
    pub id: Uuid,
    pub resource: Uuid,
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub note: String,
    pub loan: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A loan as stored: the request and its life as JSON (`body`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanRow {
    pub id: Uuid,
    pub owner_agency: AgencyCode,
    pub borrower_agency: AgencyCode,
    pub status: String,
    pub body: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What changes with a loan's state besides the loan.
#[derive(Clone, Debug, Default)]
pub struct LoanBooking {
    /// The `on_loan` entry taking the resource's days (an approval).
    pub book: Option<CalendarRow>,
    /// Frees the days the loan had taken (a withdrawal after approval).
    pub release: bool,
}

const RESOURCE_COLUMNS: &str = "id, agency, kind, tlp, body, version, created_at, updated_at";
const CALENDAR_COLUMNS: &str = "id, resource, kind, from_day, to_day, note, loan, created_at";
const LOAN_COLUMNS: &str =
    "id, owner_agency, borrower_agency, status, body, version, created_at, updated_at";

fn resource_from_row(row: &dyn RowExt) -> Result<ResourceRow, StoreError> {
    Ok(ResourceRow {
        id: row.id("id")?,
        agency: row.agency("agency")?,
        kind: row.text("kind")?,
        tlp: row.tlp("tlp")?,
        body: row.text("body")?,
        version: row.int("version")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn calendar_from_row(row: &dyn RowExt) -> Result<CalendarRow, StoreError> {
    Ok(CalendarRow {
        id: row.id("id")?,
        resource: row.id("resource")?,
        kind: row.text("kind")?,
        from: row.date("from_day")?,
        to: row.date("to_day")?,
        note: row.text("note")?,
        loan: row.opt_id("loan")?,
        created_at: row.time("created_at")?,
    })
}

fn loan_from_row(row: &dyn RowExt) -> Result<LoanRow, StoreError> {
    Ok(LoanRow {
        id: row.id("id")?,
        owner_agency: row.agency("owner_agency")?,
        borrower_agency: row.agency("borrower_agency")?,
        status: row.text("status")?,
        body: row.text("body")?,
        version: row.int("version")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

async fn insert_resource(tx: &mut WriteTx<'_>, r: &ResourceRow) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            tx.dialect,
            &format!("INSERT INTO resources ({RESOURCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
            vec![
                Arg::Id(r.id),
                r.agency.as_str().into(),
                r.kind.as_str().into(),
                Arg::Int(r.tlp.rank()),
                r.body.as_str().into(),
                Arg::Int(r.version),
                Arg::Time(r.created_at),
                Arg::Time(r.updated_at),
            ],
        ))
        .await?;
    Ok(())
}

/// Writes a calendar entry and takes its days; fails with `Duplicate` when a day is
/// taken already.
async fn insert_entry(tx: &mut WriteTx<'_>, e: &CalendarRow) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            tx.dialect,
            &format!("INSERT INTO resource_calendar ({CALENDAR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
            vec![
                Arg::Id(e.id),
                Arg::Id(e.resource),
                e.kind.as_str().into(),
                Arg::Date(e.from),
                Arg::Date(e.to),
                e.note.as_str().into(),
                Arg::OptId(e.loan),
                Arg::Time(e.created_at),
            ],
        ))
        .await?;
    let mut sql = SqlBuf::new(tx.dialect);
    sql.push("INSERT INTO resource_days (resource, day, entry) VALUES ");
    let mut day = e.from;
    let mut first = true;
    while day <= e.to {
        if !first {
            sql.push(", ");
        }
        first = false;
        sql.push("(")
            .bind(e.resource)
            .push(", ")
            .bind(day)
            .push(", ")
            .bind(e.id)
            .push(")");
        day = day
            .succ_opt()
            .ok_or_else(|| StoreError::Config("day out of range".into()))?;
    }
    if !first {
        tx.tx.execute(&sql).await?;
    }
    Ok(())
}

impl Store {
    /// Adds resources to registers, all or none, with their audit entries.
    pub async fn insert_resources(
        &self,
        resources: &[ResourceRow],
        events: &[AuditEvent],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for r in resources {
            insert_resource(&mut tx, r).await?;
        }
        append_all(&mut tx, events).await?;
        tx.commit().await
    }

    /// Replaces a resource whose stored version is `expected` (else a conflict).
    pub async fn update_resource(
        &self,
        r: &ResourceRow,
        expected: i64,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE resources SET kind = $1, tlp = $2, body = $3, version = $4, updated_at = $5 \
                 WHERE id = $6 AND version = $7",
                vec![
                    r.kind.as_str().into(),
                    Arg::Int(r.tlp.rank()),
                    r.body.as_str().into(),
                    Arg::Int(r.version),
                    Arg::Time(r.updated_at),
                    Arg::Id(r.id),
                    Arg::Int(expected),
                ],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::Conflict(
                "the resource was changed meanwhile; reload it".into(),
            ));
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Removes a resource and its calendar.
    pub async fn delete_resource(&self, id: Uuid, event: &AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "DELETE FROM resources WHERE id = $1",
                vec![Arg::Id(id)],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// The resources of one agency's register, or of all of them.
    pub async fn resources(
        &self,
        agency: Option<&AgencyCode>,
    ) -> Result<Vec<ResourceRow>, StoreError> {
        let (filter, args) = match agency {
            Some(a) => (" WHERE agency = $1", vec![Arg::from(a.as_str())]),
            None => ("", vec![]),
        };
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {RESOURCE_COLUMNS} FROM resources{filter} ORDER BY agency, kind, created_at, id"),
                    args,
                ),
                resource_from_row,
            )
            .await
    }

    /// One resource.
    pub async fn resource(&self, id: Uuid) -> Result<Option<ResourceRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE id = $1"),
                    vec![Arg::Id(id)],
                ),
                resource_from_row,
            )
            .await
    }

    /// The entries of a resource's calendar that touch `from..=to`, oldest first.
    pub async fn calendar(
        &self,
        resource: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CalendarRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {CALENDAR_COLUMNS} FROM resource_calendar \
                         WHERE resource = $1 AND to_day >= $2 AND from_day <= $3 ORDER BY from_day, id"
                    ),
                    vec![Arg::Id(resource), Arg::Date(from), Arg::Date(to)],
                ),
                calendar_from_row,
            )
            .await
    }

    /// One calendar entry.
    pub async fn calendar_entry(&self, id: Uuid) -> Result<Option<CalendarRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {CALENDAR_COLUMNS} FROM resource_calendar WHERE id = $1"),
                    vec![Arg::Id(id)],
                ),
                calendar_from_row,
            )
            .await
    }

    /// The resources with at least one day taken in `from..=to`.
    pub async fn busy_resources(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Uuid>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT DISTINCT resource FROM resource_days WHERE day >= $1 AND day <= $2",
                    vec![Arg::Date(from), Arg::Date(to)],
                ),
                |row| row.id("resource"),
            )
            .await
    }

    /// Adds a calendar entry taking its days; `Duplicate` when one is taken.
    pub async fn add_calendar_entry(
        &self,
        entry: &CalendarRow,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_entry(&mut tx, entry).await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Removes a calendar entry, freeing its days.
    pub async fn delete_calendar_entry(
        &self,
        id: Uuid,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "DELETE FROM resource_calendar WHERE id = $1",
                vec![Arg::Id(id)],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Adds a loan request.
    pub async fn insert_loan(&self, loan: &LoanRow, event: &AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                &format!(
                    "INSERT INTO loans ({LOAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ),
                vec![
                    Arg::Id(loan.id),
                    loan.owner_agency.as_str().into(),
                    loan.borrower_agency.as_str().into(),
                    loan.status.as_str().into(),
                    loan.body.as_str().into(),
                    Arg::Int(loan.version),
                    Arg::Time(loan.created_at),
                    Arg::Time(loan.updated_at),
                ],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Moves a loan whose stored version is `expected` to its new state, booking or
    /// releasing its resource's days in the same transaction. A day taken already
    /// fails the whole change with `Duplicate`.
    pub async fn update_loan(
        &self,
        loan: &LoanRow,
        expected: i64,
        booking: &LoanBooking,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        // The audit head first: on PostgreSQL it serialises writers, so that a
        // concurrent approval finds the days taken rather than waiting on them.
        append(&mut tx, event).await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE loans SET status = $1, body = $2, version = $3, updated_at = $4 \
                 WHERE id = $5 AND version = $6",
                vec![
                    loan.status.as_str().into(),
                    loan.body.as_str().into(),
                    Arg::Int(loan.version),
                    Arg::Time(loan.updated_at),
                    Arg::Id(loan.id),
                    Arg::Int(expected),
                ],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::Conflict(
                "the loan was changed meanwhile; reload it".into(),
            ));
        }
        if booking.release {
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    "DELETE FROM resource_calendar WHERE loan = $1",
                    vec![Arg::Id(loan.id)],
                ))
                .await?;
        }
        if let Some(entry) = &booking.book {
            insert_entry(&mut tx, entry).await?;
        }
        tx.commit().await
    }

    /// Every loan of the node, newest first.
    pub async fn loans(&self) -> Result<Vec<LoanRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {LOAN_COLUMNS} FROM loans ORDER BY created_at DESC, id"),
                    vec![],
                ),
                loan_from_row,
            )
            .await
    }

    /// One loan.
    pub async fn loan(&self, id: Uuid) -> Result<Option<LoanRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {LOAN_COLUMNS} FROM loans WHERE id = $1"),
                    vec![Arg::Id(id)],
                ),
                loan_from_row,
            )
            .await
    }
}
