//! Joint operations as far as need-to-know needs them: an operation is a compartment
//! whose members read the records attached to it up to its handling limit.

use chrono::{DateTime, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::policy::Membership;
use interdict_core::{AgencyCode, Tlp};
use uuid::Uuid;

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf};
use crate::{Store, StoreError};

/// An operation as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRow {
    pub id: Uuid,
    pub code_name: String,
    pub lead_agency: AgencyCode,
    pub max_tlp: Tlp,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

fn operation_from_row(row: &dyn RowExt) -> Result<OperationRow, StoreError> {
    let lead = row.text("lead_agency")?;
    let tlp = row.int("max_tlp")?;
    Ok(OperationRow {
        id: row.id("id")?,
        code_name: row.text("code_name")?,
        lead_agency: AgencyCode::parse(&lead)
            .map_err(|_| StoreError::Corrupt(format!("lead agency {lead:?}")))?,
        max_tlp: Tlp::from_rank(tlp).ok_or_else(|| StoreError::Corrupt(format!("tlp {tlp}")))?,
        status: row.text("status")?,
        created_at: row.time("created_at")?,
    })
}

impl Store {
    /// Adds an operation.
    pub async fn create_operation(
        &self,
        operation: &OperationRow,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO operations (id, code_name, lead_agency, max_tlp, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    Arg::Id(operation.id),
                    operation.code_name.as_str().into(),
                    operation.lead_agency.as_str().into(),
                    Arg::Int(operation.max_tlp.rank()),
                    operation.status.as_str().into(),
                    Arg::Time(operation.created_at),
                ],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// One operation.
    pub async fn operation(&self, id: Uuid) -> Result<Option<OperationRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT id, code_name, lead_agency, max_tlp, status, created_at FROM operations WHERE id = $1",
                    vec![Arg::Id(id)],
                ),
                operation_from_row,
            )
            .await
    }

    /// Makes a user a member of an operation (again, if they had left).
    pub async fn add_member(
        &self,
        operation: Uuid,
        user_id: i64,
        at: DateTime<Utc>,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO operation_members (operation, user_id, joined_at, left_at) VALUES ($1, $2, $3, NULL) \
                 ON CONFLICT (operation, user_id) DO UPDATE SET joined_at = excluded.joined_at, left_at = NULL",
                vec![Arg::Id(operation), Arg::Int(user_id), Arg::Time(at)],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Ends a user's membership of an operation.
    pub async fn remove_member(
        &self,
        operation: Uuid,
        user_id: i64,
        at: DateTime<Utc>,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE operation_members SET left_at = $1 WHERE operation = $2 AND user_id = $3 AND left_at IS NULL",
                vec![Arg::Time(at), Arg::Id(operation), Arg::Int(user_id)],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// The operations a user is a member of now, with their handling limits.
    pub async fn memberships(&self, user_id: i64) -> Result<Vec<Membership>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT o.id, o.max_tlp FROM operation_members m JOIN operations o ON o.id = m.operation \
                     WHERE m.user_id = $1 AND m.left_at IS NULL ORDER BY o.id",
                    vec![Arg::Int(user_id)],
                ),
                |row| {
                    let tlp = row.int("max_tlp")?;
                    Ok(Membership {
                        operation: row.id("id")?,
                        max_tlp: Tlp::from_rank(tlp)
                            .ok_or_else(|| StoreError::Corrupt(format!("tlp {tlp}")))?,
                    })
                },
            )
            .await
    }
}
