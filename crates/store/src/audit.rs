//! The audit chain in the database.

use chrono::{DateTime, Utc};
use interdict_core::audit::{
    canonical_time, entry_hash, AuditBreak, AuditEntry, AuditEvent, ChainVerifier,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::sql::SqlBuf;
use crate::{Store, StoreError, WriteTx};

/// Appends `event` to the chain inside `tx`. The head row is updated first, which takes
/// the write lock on both engines, so concurrent appends queue and the chain stays linear.
pub(crate) async fn append(tx: &mut WriteTx<'_>, event: &AuditEvent) -> Result<i64, StoreError> {
    let dialect = tx.dialect;
    let tx = &mut tx.tx;
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let prev_seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let seq = prev_seq + 1;
    let hash = entry_hash(&prev_hash, seq, event);
    let mut sql = SqlBuf::new(dialect);
    sql.push("INSERT INTO audit_log (seq, at, actor, actor_agency, action, target_kind, target_id, target_agency, detail, prev_hash, hash) VALUES (")
        .bind(seq).push(", ")
        .bind(canonical_time(&event.at)).push(", ")
        .bind(event.actor.clone()).push(", ")
        .bind(event.actor_agency.clone()).push(", ")
        .bind(event.action.as_str()).push(", ")
        .bind(event.target_kind.clone()).push(", ")
        .bind(event.target_id.clone()).push(", ")
        .bind(event.target_agency.clone()).push(", ")
        .bind(event.detail.as_str()).push(", ")
        .bind(prev_hash).push(", ")
        .bind(hash.as_str()).push(")");
    sql.query().execute(&mut **tx).await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    let at: String = row.try_get("at")?;
    let at = DateTime::parse_from_rfc3339(&at)
        .map_err(|e| StoreError::Corrupt(format!("audit time {at:?}: {e}")))?
        .with_timezone(&Utc);
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        event: AuditEvent {
            at,
            actor: row.try_get("actor")?,
            actor_agency: row.try_get("actor_agency")?,
            action: row.try_get("action")?,
            target_kind: row.try_get("target_kind")?,
            target_id: row.try_get("target_id")?,
            target_agency: row.try_get("target_agency")?,
            detail: row.try_get("detail")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// A page of the audit log, newest first.
#[derive(Debug)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` to get the next page.
    pub next_before: Option<i64>,
}

const COLUMNS: &str = "seq, at, actor, actor_agency, action, target_kind, target_id, target_agency, detail, prev_hash, hash";

impl Store {
    /// Appends one event in a transaction of its own (for events that change nothing
    /// else, such as reads and failed logins).
    pub async fn audit(&self, event: &AuditEvent) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Entries that concern `agency` (as actor or as owner of the target), or all
    /// entries when `agency` is `None`; newest first, before sequence number `before`.
    pub async fn audit_page(
        &self,
        agency: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<AuditPage, StoreError> {
        let mut sql = SqlBuf::new(self.dialect);
        sql.push("SELECT ")
            .push(COLUMNS)
            .push(" FROM audit_log WHERE seq < ")
            .bind(before.unwrap_or(i64::MAX));
        if let Some(agency) = agency {
            sql.push(" AND (actor_agency = ")
                .bind(agency)
                .push(" OR target_agency = ")
                .bind(agency)
                .push(")");
        }
        sql.push(" ORDER BY seq DESC LIMIT ").bind(limit + 1);
        let rows = sql.query().fetch_all(&self.pool).await?;
        let mut entries = rows
            .iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let next_before = if entries.len() as i64 > limit {
            entries.truncate(limit as usize);
            entries.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
        })
    }

    /// Walks the whole chain and checks every link and the head. Returns the number of
    /// entries on success.
    pub async fn verify_audit(&self) -> Result<Result<i64, AuditBreak>, StoreError> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        let mut verifier = ChainVerifier::new();
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000"
            ))
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let entry = entry_from_row(row)?;
                if let Err(broken) = verifier.push(&entry) {
                    return Ok(Err(broken));
                }
                after = entry.seq;
            }
        }
        Ok(verifier.finish(Some((head_seq, &head_hash))))
    }
}
