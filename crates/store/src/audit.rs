//! The audit chain in the database.

use chrono::{DateTime, Utc};
use interdict_core::audit::{entry_hash, AuditBreak, AuditEntry, AuditEvent, ChainVerifier};

use crate::db::{Arg, RowExt, SqlBuf};
use crate::{Store, StoreError, WriteTx};

/// Appends `event` to the chain inside `tx`; returns its sequence number.
pub(crate) async fn append(tx: &mut WriteTx<'_>, event: &AuditEvent) -> Result<i64, StoreError> {
    append_all(tx, std::slice::from_ref(event)).await
}

/// Appends `events` in order inside `tx`; returns the sequence number of the last. The
/// head row is updated first, which takes the write lock on both engines, so
/// concurrent appends queue and the chain stays linear.
pub(crate) async fn append_all(
    tx: &mut WriteTx<'_>,
    events: &[AuditEvent],
) -> Result<i64, StoreError> {
    let dialect = tx.dialect;
    tx.tx
        .execute(&SqlBuf::with(
            dialect,
            "UPDATE audit_head SET seq = seq WHERE id = 1",
            vec![],
        ))
        .await?;
    let (mut seq, mut hash) = tx
        .tx
        .fetch_one(
            &SqlBuf::with(
                dialect,
                "SELECT seq, hash FROM audit_head WHERE id = 1",
                vec![],
            ),
            |row| Ok((row.int("seq")?, row.text("hash")?)),
        )
        .await?;
    // Eleven parameters a row.
    for chunk in events.chunks(1_000) {
        let mut sql = SqlBuf::new(dialect);
        sql.push(
            "INSERT INTO audit_log (seq, at, actor, actor_agency, action, target_kind, target_id, \
             target_agency, detail, prev_hash, hash) VALUES ",
        );
        for (i, event) in chunk.iter().enumerate() {
            seq += 1;
            let next = entry_hash(&hash, seq, event);
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(seq)
                .push(", ")
                .bind(event.at)
                .push(", ")
                .bind(event.actor.clone())
                .push(", ")
                .bind(event.actor_agency.clone())
                .push(", ")
                .bind(event.action.as_str())
                .push(", ")
                .bind(event.target_kind.clone())
                .push(", ")
                .bind(event.target_id.clone())
                .push(", ")
                .bind(event.target_agency.clone())
                .push(", ")
                .bind(event.detail.as_str())
                .push(", ")
                .bind(hash.as_str())
                .push(", ")
                .bind(next.as_str())
                .push(")");
            hash = next;
        }
        tx.tx.execute(&sql).await?;
    }
    tx.tx
        .execute(&SqlBuf::with(
            dialect,
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            vec![Arg::Int(seq), Arg::Text(hash)],
        ))
        .await?;
    Ok(seq)
}

fn entry_from_row(row: &dyn RowExt) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.int("seq")?,
        event: AuditEvent {
            at: row.time("at")?,
            actor: row.opt_text("actor")?,
            actor_agency: row.opt_text("actor_agency")?,
            action: row.text("action")?,
            target_kind: row.opt_text("target_kind")?,
            target_id: row.opt_text("target_id")?,
            target_agency: row.opt_text("target_agency")?,
            detail: row.text("detail")?,
        },
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
    })
}

/// A page of the audit log, newest first.
#[derive(Debug)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` to get the next page.
    pub next_before: Option<i64>,
}

/// Which entries to show.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Entries that concern this agency, as actor's agency or as owner of the target;
    /// every entry when `None`.
    pub agency: Option<String>,
    /// Entries by this username.
    pub actor: Option<String>,
    /// Entries whose action is this one, or starts with it followed by `.`
    /// (`report` finds `report.create` and `report.read`).
    pub action: Option<String>,
    /// Entries about this id: their target, or one of the records a read lists.
    pub target_id: Option<String>,
    /// Entries whose actor or target belongs to this agency (within `agency`).
    pub other_agency: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "seq, at, actor, actor_agency, action, target_kind, target_id, target_agency, detail, prev_hash, hash";

impl Store {
    /// Appends one event in a transaction of its own (for events that change nothing
    /// else).
    pub async fn audit(&self, event: &AuditEvent) -> Result<i64, StoreError> {
        self.audit_all(std::slice::from_ref(event)).await
    }

    /// Appends events in order in one transaction (reads and denials, batched).
    pub async fn audit_all(&self, events: &[AuditEvent]) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = append_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Entries matching `filter`, newest first, before sequence number `before`.
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<AuditPage, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(COLUMNS)
            .push(" FROM audit_log WHERE seq < ")
            .bind(before.unwrap_or(i64::MAX));
        if let Some(agency) = &filter.agency {
            sql.push(" AND (actor_agency = ")
                .bind(agency.as_str())
                .push(" OR target_agency = ")
                .bind(agency.as_str())
                .push(")");
        }
        if let Some(other) = &filter.other_agency {
            sql.push(" AND (actor_agency = ")
                .bind(other.as_str())
                .push(" OR target_agency = ")
                .bind(other.as_str())
                .push(")");
        }
        if let Some(actor) = &filter.actor {
            sql.push(" AND actor = ").bind(actor.as_str());
        }
        if let Some(action) = &filter.action {
            sql.push(" AND (action = ")
                .bind(action.as_str())
                .push(" OR (action >= ")
                .bind(format!("{action}."))
                .push(" AND action < ")
                .bind(format!("{action}/"))
                .push("))");
        }
        if let Some(target) = &filter.target_id {
            // The target itself, or an id among the records a read lists (`"id"` in the
            // detail's JSON).
            let escaped = target
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            sql.push(" AND (target_id = ")
                .bind(target.as_str())
                .push(" OR detail LIKE ")
                .bind(format!("%\"{escaped}\"%"))
                .push(" ESCAPE '\\')");
        }
        if let Some(from) = filter.from {
            sql.push(" AND at >= ").bind(from);
        }
        if let Some(to) = filter.to {
            sql.push(" AND at <= ").bind(to);
        }
        sql.push(" ORDER BY seq DESC LIMIT ").bind(limit + 1);
        let mut entries = self.db.fetch_all(&sql, entry_from_row).await?;
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

    /// The head of the chain as stored: the last sequence number and its hash.
    pub async fn audit_head(&self) -> Result<(i64, String), StoreError> {
        self.db
            .fetch_one(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT seq, hash FROM audit_head WHERE id = 1",
                    vec![],
                ),
                |row| Ok((row.int("seq")?, row.text("hash")?)),
            )
            .await
    }

    /// Up to `limit` entries after sequence number `after`, in order.
    pub async fn audit_entries(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
                    ),
                    vec![Arg::Int(after), Arg::Int(limit)],
                ),
                entry_from_row,
            )
            .await
    }

    /// Walks the whole chain with `verifier` and checks the end against the stored head.
    /// Returns the number of entries on success.
    pub async fn verify_audit_with(
        &self,
        mut verifier: ChainVerifier,
    ) -> Result<Result<i64, AuditBreak>, StoreError> {
        let (head_seq, head_hash) = self.audit_head().await?;
        let mut after = 0i64;
        loop {
            let entries = self.audit_entries(after, 5000).await?;
            if entries.is_empty() {
                break;
            }
            for entry in &entries {
                if let Err(broken) = verifier.push(entry) {
                    return Ok(Err(broken));
                }
                after = entry.seq;
            }
        }
        Ok(verifier.finish(Some((head_seq, &head_hash))))
    }

    /// Walks the whole chain and checks every link and the head.
    pub async fn verify_audit(&self) -> Result<Result<i64, AuditBreak>, StoreError> {
        self.verify_audit_with(ChainVerifier::new()).await
    }
}
