//! Joint operations as far as need-to-know needs them: an operation is a compartment
//! whose members read the records attached to it up to its handling limit.

use chrono::{DateTime, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::policy::Membership;
use interdict_core::{AgencyCode, Tlp};
use uuid::Uuid;

use interdict_core::record::Record;

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf};
use crate::records::stored_from_row;
use crate::{Store, StoreError, StoredRecord, WriteTx};

/// An operation as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRow {
    pub id: Uuid,
    pub code_name: String,
    pub lead_agency: AgencyCode,
    pub max_tlp: Tlp,
    pub status: String,
    pub created_at: DateTime<Utc>,
    /// The operation as the service keeps it (JSON); `{}` for one made before
    /// operations had more than a name.
    pub body: String,
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

const OPERATION_COLUMNS: &str =
    "id, code_name, lead_agency, max_tlp, status, created_at, body, version, updated_at";

fn operation_from_row(row: &dyn RowExt) -> Result<OperationRow, StoreError> {
    Ok(OperationRow {
        id: row.id("id")?,
        code_name: row.text("code_name")?,
        lead_agency: row.agency("lead_agency")?,
        max_tlp: row.tlp("max_tlp")?,
        status: row.text("status")?,
        created_at: row.time("created_at")?,
        body: row.text("body")?,
        version: row.int("version")?,
        updated_at: row.opt_time("updated_at")?,
    })
}

impl Store {
    /// Adds an operation with its partner agencies.
    pub async fn create_operation(
        &self,
        operation: &OperationRow,
        agencies: &[AgencyCode],
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO operations (id, code_name, lead_agency, max_tlp, status, created_at, body, version, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                vec![
                    Arg::Id(operation.id),
                    operation.code_name.as_str().into(),
                    operation.lead_agency.as_str().into(),
                    Arg::Int(operation.max_tlp.rank()),
                    operation.status.as_str().into(),
                    Arg::Time(operation.created_at),
                    operation.body.as_str().into(),
                    Arg::Int(operation.version),
                    Arg::OptTime(operation.updated_at),
                ],
            ))
            .await?;
        set_agencies(&mut tx, operation.id, agencies).await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Replaces an operation whose stored version is `expected` (else a conflict);
    /// officers of agencies no longer taking part leave it at `at`.
    pub async fn update_operation(
        &self,
        operation: &OperationRow,
        expected: i64,
        agencies: &[AgencyCode],
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE operations SET code_name = $1, max_tlp = $2, status = $3, body = $4, version = $5, updated_at = $6 \
                 WHERE id = $7 AND version = $8",
                vec![
                    operation.code_name.as_str().into(),
                    Arg::Int(operation.max_tlp.rank()),
                    operation.status.as_str().into(),
                    operation.body.as_str().into(),
                    Arg::Int(operation.version),
                    Arg::OptTime(operation.updated_at),
                    Arg::Id(operation.id),
                    Arg::Int(expected),
                ],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::Conflict(
                "the operation was changed meanwhile; reload it".into(),
            ));
        }
        set_agencies(&mut tx, operation.id, agencies).await?;
        let mut taking_part: Vec<String> = agencies.iter().map(|a| a.to_string()).collect();
        taking_part.push(operation.lead_agency.to_string());
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push("UPDATE operation_members SET left_at = ")
            .bind(operation.updated_at.unwrap_or(operation.created_at))
            .push(" WHERE operation = ")
            .bind(operation.id)
            .push(" AND left_at IS NULL AND user_id IN (SELECT id FROM users WHERE agency NOT IN ")
            .bind_list(taking_part)
            .push(")");
        tx.tx.execute(&sql).await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every operation of the node, newest first.
    pub async fn operations(&self) -> Result<Vec<OperationRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {OPERATION_COLUMNS} FROM operations ORDER BY created_at DESC, id"
                    ),
                    vec![],
                ),
                operation_from_row,
            )
            .await
    }

    /// The partner agencies of an operation.
    pub async fn operation_agencies(&self, id: Uuid) -> Result<Vec<AgencyCode>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT agency FROM operation_agencies WHERE operation = $1 ORDER BY agency",
                    vec![Arg::Id(id)],
                ),
                |row| row.agency("agency"),
            )
            .await
    }

    /// The officers named in an operation, those who left included.
    pub async fn operation_members(&self, id: Uuid) -> Result<Vec<MemberRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT m.user_id, u.username, u.display_name, u.agency, m.joined_at, m.left_at \
                     FROM operation_members m JOIN users u ON u.id = m.user_id \
                     WHERE m.operation = $1 ORDER BY u.agency, u.username",
                    vec![Arg::Id(id)],
                ),
                |row| {
                    Ok(MemberRow {
                        user_id: row.int("user_id")?,
                        username: row.text("username")?,
                        display_name: row.text("display_name")?,
                        agency: row.agency("agency")?,
                        joined_at: row.time("joined_at")?,
                        left_at: row.opt_time("left_at")?,
                    })
                },
            )
            .await
    }

    /// Posts a message on an operation's board with its attachments. A message whose
    /// id is on the board already is not posted again (`Ok(false)`).
    pub async fn insert_message(
        &self,
        message: &MessageRow,
        attachments: &[AttachmentRow],
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        if message_exists(&mut tx, message.id).await? {
            return Ok(false);
        }
        write_message(&mut tx, message, attachments).await?;
        append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Files a record attached to an operation and posts the message that filed it, in
    /// one transaction: both or neither. A message whose id is on the board already
    /// files nothing (`Ok(false)`).
    pub async fn insert_record_message<R: Record>(
        &self,
        record: &R,
        record_event: &AuditEvent,
        message: &MessageRow,
        attachments: &[AttachmentRow],
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        if message_exists(&mut tx, message.id).await? {
            return Ok(false);
        }
        self.insert_beside(&mut tx, record, record_event, Some(message.operation))
            .await?;
        write_message(&mut tx, message, attachments).await?;
        append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The messages of an operation's board, oldest first.
    pub async fn operation_messages(&self, operation: Uuid) -> Result<Vec<MessageRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {MESSAGE_COLUMNS} FROM operation_messages WHERE operation = $1 ORDER BY posted_at, id"),
                    vec![Arg::Id(operation)],
                ),
                message_from_row,
            )
            .await
    }

    /// One message of a board.
    pub async fn operation_message(&self, id: Uuid) -> Result<Option<MessageRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {MESSAGE_COLUMNS} FROM operation_messages WHERE id = $1"),
                    vec![Arg::Id(id)],
                ),
                message_from_row,
            )
            .await
    }

    /// Records that a user has read every message of a board posted until `at`.
    pub async fn mark_read(
        &self,
        operation: Uuid,
        user_id: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO operation_message_reads (message, user_id, read_at) \
                 SELECT id, $1, $2 FROM operation_messages WHERE operation = $3 AND posted_at <= $4 \
                 ON CONFLICT (message, user_id) DO NOTHING",
                vec![Arg::Int(user_id), Arg::Time(at), Arg::Id(operation), Arg::Time(at)],
            ))
            .await?;
        tx.commit().await
    }

    /// Who read which message of a board, and when.
    pub async fn message_reads(&self, operation: Uuid) -> Result<Vec<ReadRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT r.message, u.username, u.agency, r.read_at FROM operation_message_reads r \
                     JOIN operation_messages m ON m.id = r.message JOIN users u ON u.id = r.user_id \
                     WHERE m.operation = $1 ORDER BY r.read_at, u.username",
                    vec![Arg::Id(operation)],
                ),
                |row| {
                    Ok(ReadRow {
                        message: row.id("message")?,
                        username: row.text("username")?,
                        agency: row.agency("agency")?,
                        read_at: row.time("read_at")?,
                    })
                },
            )
            .await
    }

    /// The attachments of a board's messages, without their content.
    pub async fn operation_attachments(
        &self,
        operation: Uuid,
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT a.id, a.message, a.filename, a.content_type, a.size, a.sha256 FROM operation_attachments a \
                     JOIN operation_messages m ON m.id = a.message WHERE m.operation = $1 ORDER BY a.filename, a.id",
                    vec![Arg::Id(operation)],
                ),
                |row| attachment_from_row(row, false),
            )
            .await
    }

    /// One attachment with its content, and the operation of its message.
    pub async fn operation_attachment(
        &self,
        id: Uuid,
    ) -> Result<Option<(Uuid, AttachmentRow)>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT m.operation, a.id, a.message, a.filename, a.content_type, a.size, a.sha256, a.content \
                     FROM operation_attachments a JOIN operation_messages m ON m.id = a.message WHERE a.id = $1",
                    vec![Arg::Id(id)],
                ),
                |row| Ok((row.id("operation")?, attachment_from_row(row, true)?)),
            )
            .await
    }

    /// The records attached to an operation (every status; the caller asks the policy).
    pub async fn operation_records(
        &self,
        operation: Uuid,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(&crate::dialect::record_columns(self.dialect()))
            .push(" FROM records r WHERE r.seq IN (SELECT seq FROM record_compartments WHERE operation = ")
            .bind(operation)
            .push(") ORDER BY r.seq");
        self.db.fetch_all(&sql, stored_from_row).await
    }

    /// One operation.
    pub async fn operation(&self, id: Uuid) -> Result<Option<OperationRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {OPERATION_COLUMNS} FROM operations WHERE id = $1"),
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
                    Ok(Membership {
                        operation: row.id("id")?,
                        max_tlp: row.tlp("max_tlp")?,
                    })
                },
            )
            .await
    }
}

/// An officer named in an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub agency: AgencyCode,
    pub joined_at: DateTime<Utc>,
    /// When the officer left the operation; `None` while a member.
    pub left_at: Option<DateTime<Utc>>,
}

/// A message of an operation's board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRow {
    pub id: Uuid,
    pub operation: Uuid,
    pub posted_at: DateTime<Utc>,
    pub author: String,
    pub author_agency: AgencyCode,
    pub kind: String,
    pub reply_to: Option<Uuid>,
    /// The message's text and template fields (JSON).
    pub body: String,
    /// The seizure record a seizure message filed.
    pub seizure: Option<Uuid>,
}

/// Who read a message, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadRow {
    pub message: Uuid,
    pub username: String,
    pub agency: AgencyCode,
    pub read_at: DateTime<Utc>,
}

/// A file attached to a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub message: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Empty when listed.
    pub content: Vec<u8>,
}

const MESSAGE_COLUMNS: &str =
    "id, operation, posted_at, author, author_agency, kind, reply_to, body, seizure";

fn message_from_row(row: &dyn RowExt) -> Result<MessageRow, StoreError> {
    Ok(MessageRow {
        id: row.id("id")?,
        operation: row.id("operation")?,
        posted_at: row.time("posted_at")?,
        author: row.text("author")?,
        author_agency: row.agency("author_agency")?,
        kind: row.text("kind")?,
        reply_to: row.opt_id("reply_to")?,
        body: row.text("body")?,
        seizure: row.opt_id("seizure")?,
    })
}

fn attachment_from_row(row: &dyn RowExt, content: bool) -> Result<AttachmentRow, StoreError> {
    Ok(AttachmentRow {
        id: row.id("id")?,
        message: row.id("message")?,
        filename: row.text("filename")?,
        content_type: row.text("content_type")?,
        size: row.int("size")?,
        sha256: row.text("sha256")?,
        content: if content {
            row.bytes("content")?
        } else {
            Vec::new()
        },
    })
}

async fn set_agencies(
    tx: &mut WriteTx<'_>,
    operation: Uuid,
    agencies: &[AgencyCode],
) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            tx.dialect,
            "DELETE FROM operation_agencies WHERE operation = $1",
            vec![Arg::Id(operation)],
        ))
        .await?;
    for agency in agencies {
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO operation_agencies (operation, agency) VALUES ($1, $2)",
                vec![Arg::Id(operation), agency.as_str().into()],
            ))
            .await?;
    }
    Ok(())
}

async fn message_exists(tx: &mut WriteTx<'_>, id: Uuid) -> Result<bool, StoreError> {
    let found = tx
        .tx
        .fetch_optional(
            &SqlBuf::with(
                tx.dialect,
                "SELECT id FROM operation_messages WHERE id = $1",
                vec![Arg::Id(id)],
            ),
            |row| row.id("id"),
        )
        .await?;
    Ok(found.is_some())
}

async fn write_message(
    tx: &mut WriteTx<'_>,
    message: &MessageRow,
    attachments: &[AttachmentRow],
) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            tx.dialect,
            &format!("INSERT INTO operation_messages ({MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
            vec![
                Arg::Id(message.id),
                Arg::Id(message.operation),
                Arg::Time(message.posted_at),
                message.author.as_str().into(),
                message.author_agency.as_str().into(),
                message.kind.as_str().into(),
                Arg::OptId(message.reply_to),
                message.body.as_str().into(),
                Arg::OptId(message.seizure),
            ],
        ))
        .await?;
    for a in attachments {
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO operation_attachments (id, message, filename, content_type, size, sha256, content) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    Arg::Id(a.id),
                    Arg::Id(message.id),
                    a.filename.as_str().into(),
                    a.content_type.as_str().into(),
                    Arg::Int(a.size),
                    a.sha256.as_str().into(),
                    Arg::Bytes(a.content.clone()),
                ],
            ))
            .await?;
    }
    Ok(())
}
