//! Deconfliction hits as their owners see them, and the owners' answers.

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::record::RecordKind;
use interdict_core::AgencyCode;
use uuid::Uuid;

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf};
use crate::records::{corrupt, kind_from};
use crate::{Store, StoreError};

/// A hit to be recorded: an officer of `requester_agency` matched the record `record`
/// of `owner` on `(scheme, value)` (the officer's own identifier or name).
#[derive(Clone, Debug)]
pub struct NewHit {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub owner: AgencyCode,
    pub record: Uuid,
    pub kind: RecordKind,
    pub requester_agency: AgencyCode,
    pub requester: String,
    pub scheme: String,
    pub value: String,
    pub from_record: Option<Uuid>,
}

/// A recorded hit with its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HitRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub owner: AgencyCode,
    pub record: Uuid,
    pub kind: RecordKind,
    pub requester_agency: AgencyCode,
    pub requester: String,
    pub scheme: String,
    pub value: String,
    pub from_record: Option<Uuid>,
    /// `open`, `disclosed` or `declined`.
    pub state: String,
    pub message: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub disclosure: Option<Uuid>,
    /// The last day of the disclosure.
    pub until: Option<NaiveDate>,
}

const COLUMNS: &str = "h.id, h.at, h.owner, r.id AS record, r.kind, h.requester_agency, h.requester, \
     h.scheme, h.value, h.from_record, h.state, h.message, h.answered_by, h.answered_at, h.disclosure, h.until_day";

fn hit_from_row(row: &dyn RowExt) -> Result<HitRow, StoreError> {
    let agency = |column: &str| -> Result<AgencyCode, StoreError> {
        let raw = row.text(column)?;
        AgencyCode::parse(&raw).map_err(|_| corrupt(column, &raw))
    };
    let opt_id = |column: &str| -> Result<Option<Uuid>, StoreError> {
        row.opt_text(column)?
            .map(|raw| Uuid::parse_str(&raw).map_err(|_| corrupt(column, &raw)))
            .transpose()
    };
    Ok(HitRow {
        id: row.id("id")?,
        at: row.time("at")?,
        owner: agency("owner")?,
        record: row.id("record")?,
        kind: kind_from(&row.text("kind")?)?,
        requester_agency: agency("requester_agency")?,
        requester: row.text("requester")?,
        scheme: row.text("scheme")?,
        value: row.text("value")?,
        from_record: opt_id("from_record")?,
        state: row.text("state")?,
        message: row.text("message")?,
        answered_by: row.opt_text("answered_by")?,
        answered_at: row.opt_time("answered_at")?,
        disclosure: opt_id("disclosure")?,
        until: row.opt_date("until_day")?,
    })
}

impl Store {
    /// Records hits; a record already hit by the same agency on the same identifier or
    /// name keeps its first row (and its answer).
    pub async fn record_hits(&self, hits: &[NewHit]) -> Result<(), StoreError> {
        if hits.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for hit in hits {
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    "INSERT INTO deconfliction_hits (id, at, owner, seq, requester_agency, requester, \
                     scheme, value, from_record, state, message) \
                     SELECT $1, $2, $3, r.seq, $4, $5, $6, $7, $8, 'open', '' FROM records r \
                     WHERE r.id = $9 AND r.kind = $10 \
                     ON CONFLICT (seq, requester_agency, scheme, value) DO NOTHING",
                    vec![
                        Arg::Id(hit.id),
                        Arg::Time(hit.at),
                        hit.owner.as_str().into(),
                        hit.requester_agency.as_str().into(),
                        hit.requester.as_str().into(),
                        hit.scheme.as_str().into(),
                        hit.value.as_str().into(),
                        Arg::OptText(hit.from_record.map(|id| id.to_string())),
                        Arg::Id(hit.record),
                        hit.kind.as_str().into(),
                    ],
                ))
                .await?;
        }
        tx.commit().await
    }

    /// The hits on the records of `owner`, at most `limit`: those awaiting an answer
    /// first, so that answered ones never push an open one out of the list, each part
    /// newest first.
    pub async fn hits_on(&self, owner: &AgencyCode, limit: i64) -> Result<Vec<HitRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {COLUMNS} FROM deconfliction_hits h JOIN records r ON r.seq = h.seq \
                         WHERE h.owner = $1 \
                         ORDER BY CASE WHEN h.state = 'open' THEN 0 ELSE 1 END, h.at DESC, h.id DESC \
                         LIMIT $2"
                    ),
                    vec![owner.as_str().into(), Arg::Int(limit)],
                ),
                hit_from_row,
            )
            .await
    }

    /// How many hits on the records of `owner` await an answer, all of them (the list
    /// above stops at its limit).
    pub async fn open_hits_on(&self, owner: &AgencyCode) -> Result<i64, StoreError> {
        self.db
            .fetch_one(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT COUNT(*) AS n FROM deconfliction_hits h JOIN records r ON r.seq = h.seq \
                     WHERE h.owner = $1 AND h.state = 'open'",
                    vec![owner.as_str().into()],
                ),
                |r| r.int("n"),
            )
            .await
    }

    /// The hits made by officers of `requester`, newest first, at most `limit`.
    pub async fn hits_by(
        &self,
        requester: &AgencyCode,
        limit: i64,
    ) -> Result<Vec<HitRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {COLUMNS} FROM deconfliction_hits h JOIN records r ON r.seq = h.seq \
                         WHERE h.requester_agency = $1 ORDER BY h.at DESC, h.id DESC LIMIT $2"
                    ),
                    vec![requester.as_str().into(), Arg::Int(limit)],
                ),
                hit_from_row,
            )
            .await
    }

    /// One hit.
    pub async fn hit(&self, id: Uuid) -> Result<Option<HitRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {COLUMNS} FROM deconfliction_hits h JOIN records r ON r.seq = h.seq \
                         WHERE h.id = $1"
                    ),
                    vec![Arg::Id(id)],
                ),
                hit_from_row,
            )
            .await
    }

    /// Writes the owner's answer to an open hit, with its audit event; fails with
    /// `NotFound` when the hit is not open any more.
    pub async fn answer_hit(
        &self,
        id: Uuid,
        answer: &HitAnswer<'_>,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let HitAnswer {
            state,
            message,
            by,
            at,
            disclosure,
        } = *answer;
        let mut tx = self.begin_write().await?;
        let changed = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE deconfliction_hits SET state = $1, message = $2, answered_by = $3, \
                 answered_at = $4, disclosure = $5, until_day = $6 WHERE id = $7 AND state = 'open'",
                vec![
                    state.into(),
                    message.into(),
                    by.into(),
                    Arg::Time(at),
                    Arg::OptText(disclosure.map(|(d, _)| d.to_string())),
                    Arg::OptDate(disclosure.map(|(_, until)| until)),
                    Arg::Id(id),
                ],
            ))
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }
}

/// An owner's answer to a deconfliction hit.
#[derive(Clone, Copy, Debug)]
pub struct HitAnswer<'a> {
    /// `disclosed` or `declined`.
    pub state: &'a str,
    /// The message the asking agency reads (declined).
    pub message: &'a str,
    /// Who answered.
    pub by: &'a str,
    pub at: DateTime<Utc>,
    /// The disclosure made and its last day (disclosed).
    pub disclosure: Option<(Uuid, NaiveDate)>,
}
