//! Reports and seizures: one table of records, whatever their kind, with the columns
//! that filters and the policy need beside the full record as JSON.

use std::collections::HashMap;

use chrono::NaiveDate;
use interdict_core::audit::{canonical_time, AuditEvent};
use interdict_core::policy::Branch;
use interdict_core::record::{DrugType, Record, RecordKind};
use interdict_core::text::QueryTerm;
use interdict_core::{AgencyCode, RecordStatus, Tlp};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::audit::append;
use crate::sql::{push_fts_match, push_search, push_visibility, Arg, SqlBuf};
use crate::{Dialect, Store, StoreError};

/// Counts stop here: beyond it a page says "more than".
pub const COUNT_CAP: i64 = 10_000;

/// A stored record: its kind, position and JSON body.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    pub seq: i64,
    pub kind: RecordKind,
    pub body: String,
}

/// A short view of a record for search results.
#[derive(Clone, Debug)]
pub struct RecordSummary {
    pub seq: i64,
    pub id: Uuid,
    pub kind: RecordKind,
    pub agency: AgencyCode,
    pub status: RecordStatus,
    pub tlp: Tlp,
    pub title: String,
    pub occurred_on: Option<NaiveDate>,
    pub updated_at: String,
}

/// An earlier version of a record.
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub version: i64,
    pub body: String,
    pub changed_by: String,
    pub changed_at: String,
}

/// Conditions a client may put on a listing, on top of what the policy allows.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub agency: Option<AgencyCode>,
    pub status: Option<RecordStatus>,
    pub tlp: Option<Tlp>,
    pub drug: Option<DrugType>,
    /// Seizures on or after this day.
    pub from: Option<NaiveDate>,
    /// Seizures on or before this day.
    pub to: Option<NaiveDate>,
    /// Full-text terms, all of which must match.
    pub terms: Option<Vec<QueryTerm>>,
}

/// One page of a listing, newest first.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as the cursor to get the next page.
    pub next_cursor: Option<i64>,
    /// How many records match in all, counted up to [`COUNT_CAP`].
    pub total: i64,
    /// Whether `total` stopped at the cap.
    pub total_capped: bool,
}

fn kind_from(raw: &str) -> Result<RecordKind, StoreError> {
    match raw {
        "report" => Ok(RecordKind::Report),
        "seizure" => Ok(RecordKind::Seizure),
        other => Err(StoreError::Corrupt(format!("record kind {other:?}"))),
    }
}

/// Most parameters one statement binds, well below the limits of both engines
/// (32,766 on SQLite, 65,535 on PostgreSQL).
const MAX_PARAMS: usize = 30_000;

/// Records per multi-row INSERT: 13 parameters each.
const RECORDS_PER_INSERT: usize = 500;

/// Inserts `rows` into `table (columns)` with as few multi-row INSERTs as the parameter
/// limit allows: a bulk import would otherwise pay one round trip per row.
async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    columns: &str,
    rows: Vec<Vec<Arg>>,
) -> Result<(), StoreError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks((MAX_PARAMS / width.max(1)).max(1)) {
        let mut sql = SqlBuf::new();
        sql.push("INSERT INTO ")
            .push(table)
            .push(" (")
            .push(columns)
            .push(") VALUES ");
        for (i, row) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            for (j, value) in row.iter().enumerate() {
                if j > 0 {
                    sql.push(", ");
                }
                sql.bind(value.clone());
            }
            sql.push(")");
        }
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes the projection rows (recipients, drugs, identifiers) of records stored at
/// the given positions.
async fn write_projections<R: Record>(
    tx: &mut Transaction<'static, Any>,
    stored: &[(i64, &R)],
) -> Result<(), StoreError> {
    let mut recipients = Vec::new();
    let mut drug_rows = Vec::new();
    let mut identifiers = Vec::new();
    for (seq, record) in stored {
        for recipient in &record.handling().recipients {
            recipients.push(vec![Arg::Int(*seq), Arg::from(recipient.as_str())]);
        }
        let mut drugs = record.drugs();
        drugs.sort();
        drugs.dedup();
        for drug in drugs {
            drug_rows.push(vec![Arg::Int(*seq), Arg::from(drug.as_str())]);
        }
        for (scheme, value) in record.identifiers() {
            identifiers.push(vec![Arg::Int(*seq), Arg::from(scheme), Arg::Text(value)]);
        }
    }
    insert_rows(tx, "record_recipients", "seq, agency", recipients).await?;
    insert_rows(tx, "record_drugs", "seq, drug", drug_rows).await?;
    insert_rows(tx, "record_identifiers", "seq, scheme, value", identifiers).await?;
    Ok(())
}

fn body_of<R: Record>(record: &R) -> Result<String, StoreError> {
    serde_json::to_string(record)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode record: {e}")))
}

/// Inserts records with multi-row INSERTs and returns their positions, in order.
async fn insert_in<R: Record>(
    tx: &mut Transaction<'static, Any>,
    records: &[R],
) -> Result<Vec<i64>, StoreError> {
    let mut seqs = Vec::with_capacity(records.len());
    for chunk in records.chunks(RECORDS_PER_INSERT) {
        let mut sql = SqlBuf::new();
        sql.push(
            "INSERT INTO records (id, kind, agency, status, tlp, version, title, occurred_on, body, search, \
             created_by, created_at, updated_at) VALUES ",
        );
        for (i, record) in chunk.iter().enumerate() {
            let (created_at, updated_at) = record.times();
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(record.id().to_string()).push(", ");
            sql.bind(R::KIND.as_str()).push(", ");
            sql.bind(record.agency().as_str()).push(", ");
            sql.bind(record.status().as_str()).push(", ");
            sql.bind(record.handling().tlp.rank()).push(", ");
            sql.bind(record.version()).push(", ");
            sql.bind(record.title()).push(", ");
            sql.bind(record.occurred_on().map(|d| d.to_string()))
                .push(", ");
            sql.bind(body_of(record)?).push(", ");
            sql.bind(record.index_text()).push(", ");
            sql.bind(record.created_by().as_str()).push(", ");
            sql.bind(canonical_time(&created_at)).push(", ");
            sql.bind(canonical_time(&updated_at)).push(")");
        }
        // The order of RETURNING rows is not guaranteed; match them by id.
        sql.push(" RETURNING seq, id");
        let rows = sql.query().fetch_all(&mut **tx).await?;
        let mut seq_of = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            let seq: i64 = row.try_get("seq")?;
            seq_of.insert(id, seq);
        }
        let mut stored = Vec::with_capacity(chunk.len());
        for record in chunk {
            let seq = *seq_of.get(&record.id().to_string()).ok_or_else(|| {
                StoreError::Corrupt(format!("record {} was not inserted", record.id()))
            })?;
            stored.push((seq, record));
        }
        write_projections(tx, &stored).await?;
        seqs.extend(stored.iter().map(|(seq, _)| *seq));
    }
    Ok(seqs)
}

impl Store {
    /// Stores a new record and its audit event in one transaction.
    pub async fn insert_record<R: Record>(
        &self,
        record: &R,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seqs = insert_in(&mut tx.tx, std::slice::from_ref(record)).await?;
        let seq = *seqs
            .first()
            .ok_or_else(|| StoreError::Corrupt("record was not inserted".into()))?;
        append(&mut tx.tx, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Stores many new records in one transaction with one audit event (bulk import).
    pub async fn insert_records<R: Record>(
        &self,
        records: &[R],
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_in(&mut tx.tx, records).await?;
        append(&mut tx.tx, event).await?;
        tx.commit().await
    }

    /// Replaces a record with its next version, keeping the previous one in the history.
    /// Fails with a conflict unless the stored version is `record.version() - 1`.
    pub async fn replace_record<R: Record>(
        &self,
        record: &R,
        changed_by: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT seq, version, body, updated_at FROM records WHERE id = $1 AND kind = $2",
        )
        .bind(record.id().to_string())
        .bind(R::KIND.as_str())
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let seq: i64 = row.try_get("seq")?;
        let version: i64 = row.try_get("version")?;
        if version + 1 != record.version() {
            return Err(StoreError::Conflict(format!(
                "the record is at version {version}; reload it and apply your change again"
            )));
        }
        let old_body: String = row.try_get("body")?;
        sqlx::query("INSERT INTO record_versions (seq, version, body, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(seq)
            .bind(version)
            .bind(old_body)
            .bind(changed_by)
            .bind(canonical_time(&record.times().1))
            .execute(&mut *tx.tx)
            .await?;
        let (_, updated_at) = record.times();
        sqlx::query(
            "UPDATE records SET status = $1, tlp = $2, version = $3, title = $4, occurred_on = $5, body = $6, \
             search = $7, updated_at = $8 WHERE seq = $9",
        )
        .bind(record.status().as_str())
        .bind(record.handling().tlp.rank())
        .bind(record.version())
        .bind(record.title())
        .bind(record.occurred_on().map(|d| d.to_string()))
        .bind(body_of(record)?)
        .bind(record.index_text())
        .bind(canonical_time(&updated_at))
        .bind(seq)
        .execute(&mut *tx.tx)
        .await?;
        for table in ["record_recipients", "record_drugs", "record_identifiers"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE seq = $1"))
                .bind(seq)
                .execute(&mut *tx.tx)
                .await?;
        }
        write_projections(&mut tx.tx, &[(seq, record)]).await?;
        append(&mut tx.tx, event).await?;
        tx.commit().await
    }

    /// A record by id, whoever may see it; callers apply the policy.
    pub async fn record(
        &self,
        kind: RecordKind,
        id: Uuid,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let row = sqlx::query("SELECT seq, kind, body FROM records WHERE id = $1 AND kind = $2")
            .bind(id.to_string())
            .bind(kind.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored_from_row).transpose()
    }

    /// The earlier versions of a record, oldest first.
    pub async fn record_versions(&self, seq: i64) -> Result<Vec<VersionRow>, StoreError> {
        let rows = sqlx::query("SELECT version, body, changed_by, changed_at FROM record_versions WHERE seq = $1 ORDER BY version")
            .bind(seq)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(VersionRow {
                    version: r.try_get("version")?,
                    body: r.try_get("body")?,
                    changed_by: r.try_get("changed_by")?,
                    changed_at: r.try_get("changed_at")?,
                })
            })
            .collect()
    }

    /// A page of records the reader may see, newest first. `visible` holds, per kind,
    /// the branches computed by the policy; kinds absent from it are not listed.
    pub async fn list_records(
        &self,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Page<StoredRecord>, StoreError> {
        let mut sql = SqlBuf::new();
        sql.push("SELECT r.seq, r.kind, r.body FROM records r WHERE r.seq IN (");
        self.push_page_seqs(&mut sql, visible, filter, cursor, limit + 1);
        sql.push(") ORDER BY r.seq DESC");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let mut items = rows
            .iter()
            .map(stored_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = trim_page(&mut items, limit, |r| r.seq);
        let (total, total_capped) = self.count(visible, filter).await?;
        Ok(Page {
            items,
            next_cursor,
            total,
            total_capped,
        })
    }

    /// Like [`Store::list_records`], but returns short summaries (for search across kinds).
    pub async fn list_summaries(
        &self,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Page<RecordSummary>, StoreError> {
        let mut sql = SqlBuf::new();
        sql.push("SELECT r.seq, r.id, r.kind, r.agency, r.status, r.tlp, r.title, r.occurred_on, r.updated_at FROM records r WHERE r.seq IN (");
        self.push_page_seqs(&mut sql, visible, filter, cursor, limit + 1);
        sql.push(") ORDER BY r.seq DESC");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let mut items = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = trim_page(&mut items, limit, |r| r.seq);
        let (total, total_capped) = self.count(visible, filter).await?;
        Ok(Page {
            items,
            next_cursor,
            total,
            total_capped,
        })
    }

    async fn count(
        &self,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
    ) -> Result<(i64, bool), StoreError> {
        let mut sql = SqlBuf::new();
        sql.push("SELECT COUNT(*) AS n FROM (SELECT c.seq FROM (");
        self.push_candidates(&mut sql, visible, filter, None, None);
        sql.push(") c LIMIT ").bind(COUNT_CAP + 1).push(") t");
        let n: i64 = sql.query().fetch_one(&self.pool).await?.try_get("n")?;
        Ok((n.min(COUNT_CAP), n > COUNT_CAP))
    }

    /// Appends a query of the positions of the first `limit` visible records before
    /// `cursor`, newest first.
    fn push_page_seqs(
        &self,
        sql: &mut SqlBuf,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) {
        sql.push("SELECT p.seq FROM (");
        self.push_candidates(sql, visible, filter, cursor, Some(limit));
        sql.push(") p ORDER BY p.seq DESC LIMIT ").bind(limit);
    }

    /// Appends a query of the positions (`seq`) of visible records matching `filter`.
    /// With `limit`, each part of the query stops after the newest `limit` records, so
    /// that the database reads a page from indexes in order instead of sorting every
    /// match.
    ///
    /// Without search terms the query is a UNION ALL of one SELECT per policy branch:
    /// every branch is a range of the index `(kind, agency, status, tlp, seq)` or
    /// `(kind, agency, seq)`, read newest first. One OR of all branches would make
    /// the engines scan every record of the kind. A search is one query over the
    /// matches instead, so that the full-text index is read once: on SQLite newest
    /// match first, because reading every match of a common term before filtering
    /// costs more than checking visibility match by match; on PostgreSQL as the
    /// planner finds cheapest from the term statistics.
    fn push_candidates(
        &self,
        sql: &mut SqlBuf,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: Option<i64>,
    ) {
        let parts: Vec<(RecordKind, &Branch)> = visible
            .iter()
            .flat_map(|(kind, branches)| branches.iter().map(move |b| (*kind, b)))
            .collect();
        if parts.is_empty() {
            sql.push("SELECT r.seq FROM records r WHERE 1 = 0");
            return;
        }
        if let Some(terms) = &filter.terms {
            let seq = match self.dialect {
                Dialect::Sqlite => {
                    // CROSS JOIN keeps the full-text index as the outer loop.
                    sql.push("SELECT records_fts.rowid AS seq FROM records_fts CROSS JOIN records r ON r.seq = records_fts.rowid WHERE ");
                    push_fts_match(sql, terms);
                    "records_fts.rowid"
                }
                Dialect::Postgres => {
                    sql.push("SELECT r.seq FROM records r WHERE ");
                    push_search(sql, self.dialect, terms);
                    "r.seq"
                }
            };
            sql.push(" AND (");
            for (i, (kind, branches)) in visible.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push("(r.kind = ").bind(kind.as_str()).push(" AND ");
                push_visibility(sql, branches);
                sql.push(")");
            }
            sql.push(")");
            self.push_filters(sql, filter);
            if let Some(cursor) = cursor {
                sql.push(" AND ").push(seq).push(" < ").bind(cursor);
            }
            if let Some(limit) = limit {
                sql.push(" ORDER BY ")
                    .push(seq)
                    .push(" DESC LIMIT ")
                    .bind(limit);
            }
            return;
        }
        for (i, (kind, branch)) in parts.iter().enumerate() {
            if i > 0 {
                sql.push(" UNION ALL ");
            }
            sql.push("SELECT b.seq FROM (SELECT r.seq FROM records r WHERE r.kind = ")
                .bind(kind.as_str())
                .push(" AND ");
            push_visibility(sql, std::slice::from_ref(*branch));
            self.push_filters(sql, filter);
            if let Some(cursor) = cursor {
                sql.push(" AND r.seq < ").bind(cursor);
            }
            if let Some(limit) = limit {
                sql.push(" ORDER BY r.seq DESC LIMIT ").bind(limit);
            }
            sql.push(") b");
        }
    }

    /// Appends the client's conditions other than full-text terms, each starting with
    /// AND.
    fn push_filters(&self, sql: &mut SqlBuf, filter: &ListFilter) {
        if let Some(agency) = &filter.agency {
            sql.push(" AND r.agency = ").bind(agency.as_str());
        }
        if let Some(status) = filter.status {
            sql.push(" AND r.status = ").bind(status.as_str());
        }
        if let Some(tlp) = filter.tlp {
            sql.push(" AND r.tlp = ").bind(tlp.rank());
        }
        if let Some(drug) = filter.drug {
            sql.push(" AND EXISTS (SELECT 1 FROM record_drugs d WHERE d.seq = r.seq AND d.drug = ")
                .bind(drug.as_str())
                .push(")");
        }
        if let Some(from) = filter.from {
            sql.push(" AND r.occurred_on >= ").bind(from.to_string());
        }
        if let Some(to) = filter.to {
            sql.push(" AND r.occurred_on <= ").bind(to.to_string());
        }
    }
}

fn trim_page<T>(items: &mut Vec<T>, limit: i64, seq: impl Fn(&T) -> i64) -> Option<i64> {
    if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(seq)
    } else {
        None
    }
}

fn stored_from_row(row: &AnyRow) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        seq: row.try_get("seq")?,
        kind: kind_from(&row.try_get::<String, _>("kind")?)?,
        body: row.try_get("body")?,
    })
}

fn summary_from_row(row: &AnyRow) -> Result<RecordSummary, StoreError> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("{what}: {v:?}"));
    let id: String = row.try_get("id")?;
    let agency: String = row.try_get("agency")?;
    let status: String = row.try_get("status")?;
    let tlp: i64 = row.try_get("tlp")?;
    let occurred_on: Option<String> = row.try_get("occurred_on")?;
    Ok(RecordSummary {
        seq: row.try_get("seq")?,
        id: Uuid::parse_str(&id).map_err(|_| corrupt("id", &id))?,
        kind: kind_from(&row.try_get::<String, _>("kind")?)?,
        agency: AgencyCode::parse(&agency).map_err(|_| corrupt("agency", &agency))?,
        status: RecordStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        tlp: Tlp::from_rank(tlp).ok_or_else(|| corrupt("tlp", &tlp.to_string()))?,
        title: row.try_get("title")?,
        occurred_on: occurred_on
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("occurred_on", &d))
            })
            .transpose()?,
        updated_at: row.try_get("updated_at")?,
    })
}
