//! Files attached to reports and seizures. The store keeps them and counts them; who
//! may list or open one is the service's question to the policy about the record.

use chrono::{DateTime, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::{AgencyCode, RecordKind};
use uuid::Uuid;

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf};
use crate::feed::{append_change, ChangeOp};
use crate::records::kind_from;
use crate::{Store, StoreError};

/// A file attached to a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordAttachmentRow {
    pub id: Uuid,
    pub record: Uuid,
    pub filename: String,
    /// The type found from the content.
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Empty when listed.
    pub content: Vec<u8>,
    /// The small image of a photo; `None` for other files, and empty when listed.
    pub thumbnail: Option<Vec<u8>>,
    pub thumbnail_type: Option<String>,
    /// The pixels of an image.
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

/// Which bytes of an attachment to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentPart {
    /// None: what is known of the file.
    Facts,
    Content,
    Thumbnail,
}

const COLUMNS: &str = "a.id, a.record, a.filename, a.content_type, a.size, a.sha256, \
     a.thumbnail_type, a.width, a.height, a.added_by, a.added_at";

fn from_row(row: &dyn RowExt, part: AttachmentPart) -> Result<RecordAttachmentRow, StoreError> {
    let thumbnail_type = row.opt_text("thumbnail_type")?;
    let (content, thumbnail) = match part {
        AttachmentPart::Facts => (Vec::new(), thumbnail_type.as_ref().map(|_| Vec::new())),
        AttachmentPart::Content => (
            row.bytes("part")?,
            thumbnail_type.as_ref().map(|_| Vec::new()),
        ),
        AttachmentPart::Thumbnail => (
            Vec::new(),
            match thumbnail_type {
                Some(_) => Some(row.bytes("part")?),
                None => None,
            },
        ),
    };
    Ok(RecordAttachmentRow {
        id: row.id("id")?,
        record: row.id("record")?,
        filename: row.text("filename")?,
        content_type: row.text("content_type")?,
        size: row.int("size")?,
        sha256: row.text("sha256")?,
        content,
        thumbnail,
        thumbnail_type,
        width: row.opt_int("width")?,
        height: row.opt_int("height")?,
        added_by: row.text("added_by")?,
        added_at: row.time("added_at")?,
    })
}

impl Store {
    /// Attaches a file to a record with its audit entry, unless the record holds
    /// `max` files already (`Ok(false)`, nothing written). The count is taken in the
    /// writing transaction.
    pub async fn insert_record_attachment(
        &self,
        row: &RecordAttachmentRow,
        max: i64,
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let held = tx
            .tx
            .fetch_one(
                &SqlBuf::with(
                    tx.dialect,
                    "SELECT COUNT(*) AS n FROM record_attachments WHERE record = $1",
                    vec![Arg::Id(row.record)],
                ),
                |r| r.int("n"),
            )
            .await?;
        if held >= max {
            return Ok(false);
        }
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO record_attachments (id, record, filename, content_type, size, sha256, content, \
                 thumbnail, thumbnail_type, width, height, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                vec![
                    Arg::Id(row.id),
                    Arg::Id(row.record),
                    row.filename.as_str().into(),
                    row.content_type.as_str().into(),
                    Arg::Int(row.size),
                    row.sha256.as_str().into(),
                    Arg::Bytes(row.content.clone()),
                    Arg::OptBytes(row.thumbnail.clone()),
                    row.thumbnail_type.as_deref().into(),
                    Arg::OptInt(row.width),
                    Arg::OptInt(row.height),
                    row.added_by.as_str().into(),
                    Arg::Time(row.added_at),
                ],
            ))
            .await?;
        append(&mut tx, event).await?;
        // A new file changes the record for whoever follows it: its readers as they
        // stand, whose access the file does not change.
        let (kind, agency, access) = tx
            .tx
            .fetch_one(
                &SqlBuf::with(
                    tx.dialect,
                    "SELECT kind, agency, access FROM records WHERE id = $1",
                    vec![Arg::Id(row.record)],
                ),
                |r| Ok((r.text("kind")?, r.text("agency")?, r.text("access")?)),
            )
            .await?;
        let agency = AgencyCode::parse(&agency)
            .map_err(|_| StoreError::Corrupt(format!("record agency {agency:?}")))?;
        append_change(
            &mut tx,
            event.at,
            kind_from(&kind)?.into(),
            row.record,
            &agency,
            ChangeOp::Update,
            &access,
            &access,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The files attached to a record, oldest first, without their bytes.
    pub async fn record_attachments(
        &self,
        record: Uuid,
    ) -> Result<Vec<RecordAttachmentRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {COLUMNS} FROM record_attachments a WHERE a.record = $1 ORDER BY a.added_at, a.id"
                    ),
                    vec![Arg::Id(record)],
                ),
                |row| from_row(row, AttachmentPart::Facts),
            )
            .await
    }

    /// One attachment with the part asked for, and the kind of its record.
    pub async fn record_attachment(
        &self,
        id: Uuid,
        part: AttachmentPart,
    ) -> Result<Option<(RecordKind, RecordAttachmentRow)>, StoreError> {
        let bytes = match part {
            AttachmentPart::Facts => "NULL",
            AttachmentPart::Content => "a.content",
            AttachmentPart::Thumbnail => "a.thumbnail",
        };
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT r.kind, {bytes} AS part, {COLUMNS} FROM record_attachments a \
                         JOIN records r ON r.id = a.record WHERE a.id = $1"
                    ),
                    vec![Arg::Id(id)],
                ),
                |row| Ok((kind_from(&row.text("kind")?)?, from_row(row, part)?)),
            )
            .await
    }
}
