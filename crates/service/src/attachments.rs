//! Photos and documents attached to reports and seizures.
//!
//! A file's kind is found from its content (`interdict_core::file::sniff`), never from
//! its name or the type a client claims; a photo gets a thumbnail when it is added,
//! after its dimensions are checked before it is decoded (a small file may unpack to a
//! huge picture). The files of a record are read under the record's need-to-know:
//! whoever the policy lets read the record lists and opens them, and to anyone else an
//! attachment is "not found" exactly like an id that does not exist. Only the owning
//! agency's officers who may change the record add files. Adding is audited with the
//! record; opening is audited too, attributed to the record's owner, so that the owner
//! sees in its log which partner opened which file.

use std::io::Cursor;

use chrono::{DateTime, Utc};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use interdict_core::file::{sniff, FileType};
use interdict_core::{Actor, AgencyCode, RecordKind, Report, Seizure};
use interdict_store::{AttachmentPart, RecordAttachmentRow};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::records::{Readable, RecordType};
use crate::Service;

/// The largest file attached to a record.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most files one record holds.
pub const MAX_PER_RECORD: usize = 20;
/// The widest and tallest image taken, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 12_000;
/// The most pixels of an image taken (about a 48-megapixel camera's).
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;
/// The longer side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
/// The longest file name kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;

/// A file attached to a record, without its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct RecordAttachment {
    pub id: Uuid,
    /// The report or seizure it is attached to.
    pub record: Uuid,
    pub filename: String,
    /// The type found from the content: `image/jpeg`, `image/png`, `image/gif`,
    /// `image/webp`, `application/pdf` or `text/plain`.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Whether a thumbnail is served (images only).
    pub thumbnail: bool,
    /// The image's width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i64>,
    /// The image's height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i64>,
    /// Who attached it.
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

impl RecordAttachment {
    fn of(row: RecordAttachmentRow) -> Self {
        Self {
            id: row.id,
            record: row.record,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            thumbnail: row.thumbnail.is_some(),
            width: row.width,
            height: row.height,
            added_by: row.added_by,
            added_at: row.added_at,
        }
    }

    /// Whether it is a picture.
    pub fn is_image(&self) -> bool {
        FileType::from_mime(&self.content_type).is_some_and(FileType::is_image)
    }
}

/// The bytes of an attachment (its content or its thumbnail) as served.
#[derive(Clone, Debug)]
pub struct AttachmentFile {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
    /// Whether the bytes are a picture (shown in place; anything else is a download).
    pub image: bool,
}

/// An attachment found for a reader who may read its record.
struct Found {
    row: RecordAttachmentRow,
    kind: RecordKind,
    owner: AgencyCode,
    /// Whether the owner is another agency than the reader's.
    foreign: bool,
}

/// What is made of a file before it is stored.
struct Prepared {
    kind: FileType,
    thumbnail: Option<(Vec<u8>, &'static str)>,
    dimensions: Option<(u32, u32)>,
}

/// A file name as kept: trimmed, 1 to 200 characters, no path or control characters.
fn checked_filename(raw: &str) -> ServiceResult<String> {
    let name = raw.trim();
    if name.is_empty()
        || name.chars().count() > MAX_FILENAME_CHARS
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err(ServiceError::field(
            "filename",
            format!("a file name of 1 to {MAX_FILENAME_CHARS} characters without paths"),
        ));
    }
    Ok(name.to_owned())
}

/// Finds the file's kind and makes the thumbnail of a picture. CPU work: run it off the
/// async executor.
fn prepare(content: &[u8]) -> ServiceResult<Prepared> {
    let Some(kind) = sniff(content) else {
        return Err(ServiceError::UnsupportedType(
            "the content is of no type taken here; attach JPEG, PNG, GIF or WebP images, PDF or plain text"
                .into(),
        ));
    };
    let format = match kind {
        FileType::Png => ImageFormat::Png,
        FileType::Jpeg => ImageFormat::Jpeg,
        FileType::Gif => ImageFormat::Gif,
        FileType::Webp => ImageFormat::WebP,
        FileType::Pdf | FileType::Text => {
            return Ok(Prepared {
                kind,
                thumbnail: None,
                dimensions: None,
            })
        }
    };
    let unreadable = |e: image::ImageError| {
        ServiceError::field("file", format!("the image cannot be read: {e}"))
    };
    // The header first: a picture too large is refused before anything is decoded.
    let (width, height) = ImageReader::with_format(Cursor::new(content), format)
        .into_dimensions()
        .map_err(unreadable)?;
    if width > MAX_IMAGE_SIDE
        || height > MAX_IMAGE_SIDE
        || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS
    {
        return Err(ServiceError::TooLarge {
            code: "image_too_large",
            message: format!(
                "the image is {width} × {height} pixels; images of at most {MAX_IMAGE_SIDE} pixels a side and {} megapixels are taken",
                MAX_IMAGE_PIXELS / 1_000_000
            ),
        });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    let mut reader = ImageReader::with_format(Cursor::new(content), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    picture.apply_orientation(orientation);
    let small = if picture.width() > THUMBNAIL_SIDE || picture.height() > THUMBNAIL_SIDE {
        picture.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        picture
    };
    let mut bytes = Vec::new();
    // Photographs stay JPEG; the others may be transparent, and become PNG.
    let thumbnail_type = if kind == FileType::Jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80);
        DynamicImage::ImageRgb8(small.to_rgb8())
            .write_with_encoder(encoder)
            .map_err(ServiceError::internal)?;
        "image/jpeg"
    } else {
        DynamicImage::ImageRgba8(small.to_rgba8())
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(ServiceError::internal)?;
        "image/png"
    };
    Ok(Prepared {
        kind,
        thumbnail: Some((bytes, thumbnail_type)),
        dimensions: Some((width, height)),
    })
}

impl Service {
    /// Attaches a file to a record of the actor's agency that the actor may change.
    /// Refused: a file over [`MAX_FILE_BYTES`] or a picture over [`MAX_IMAGE_PIXELS`]
    /// (`payload_too_large`, `image_too_large`), content of no kind taken
    /// (`unsupported_media_type`), a record holding [`MAX_PER_RECORD`] files
    /// (`too_many_attachments`).
    pub async fn add_attachment<R: RecordType>(
        &self,
        actor: &Actor,
        record: Uuid,
        filename: &str,
        content: Vec<u8>,
    ) -> ServiceResult<RecordAttachment> {
        let (loaded, _) = self
            .load_visible::<R>(actor, record, "add_attachment")
            .await?;
        if let Err(denied) = actor.may_modify(&loaded.meta()) {
            self.deny(
                actor,
                R::KIND,
                "add_attachment",
                record,
                Some(loaded.record.agency()),
                &denied.to_string(),
            );
            return Err(denied.into());
        }
        let filename = checked_filename(filename)?;
        if content.is_empty() {
            return Err(ServiceError::field("file", "the file is empty"));
        }
        if content.len() > MAX_FILE_BYTES {
            return Err(too_large());
        }
        let (prepared, content) = tokio::task::spawn_blocking(move || {
            prepare(&content).map(|prepared| (prepared, content))
        })
        .await
        .map_err(ServiceError::internal)??;
        let (thumbnail, thumbnail_type) = match prepared.thumbnail {
            Some((bytes, kind)) => (Some(bytes), Some(kind.to_owned())),
            None => (None, None),
        };
        let row = RecordAttachmentRow {
            id: self.new_id(),
            record,
            filename,
            content_type: prepared.kind.mime().to_owned(),
            size: content.len() as i64,
            sha256: hex::encode(Sha256::digest(&content)),
            content,
            thumbnail,
            thumbnail_type,
            width: prepared.dimensions.map(|(w, _)| i64::from(w)),
            height: prepared.dimensions.map(|(_, h)| i64::from(h)),
            added_by: actor.username.to_string(),
            added_at: self.now(),
        };
        let mut event = self.attachment_event(
            actor,
            "attachment.add",
            R::KIND,
            record,
            loaded.record.agency(),
        );
        event.detail = serde_json::json!({
            "attachment": row.id.to_string(),
            "filename": row.filename,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        })
        .to_string();
        if !self
            .store()
            .insert_record_attachment(&row, MAX_PER_RECORD as i64, &event)
            .await?
        {
            return Err(ServiceError::Conflict {
                code: "too_many_attachments",
                message: format!("a record holds at most {MAX_PER_RECORD} files"),
            });
        }
        Ok(RecordAttachment::of(row))
    }

    /// The files attached to a record the actor may read, oldest first. Another
    /// agency's list is audited as a read of the record's owner.
    pub async fn record_attachments<R: Readable>(
        &self,
        actor: &Actor,
        record: Uuid,
    ) -> ServiceResult<Vec<RecordAttachment>> {
        let (loaded, access) = self.load_visible::<R>(actor, record, "read").await?;
        let rows = self.store().record_attachments(record).await?;
        if access.is_foreign(loaded.record.agency()) && !rows.is_empty() {
            let event = self.attachment_event(
                actor,
                "attachment.list",
                R::KIND,
                record,
                loaded.record.agency(),
            );
            self.inner.audit.read(event);
        }
        Ok(rows.into_iter().map(RecordAttachment::of).collect())
    }

    /// A file attached to a record the actor may read, with its content. Every opening
    /// is audited, attributed to the record's owner.
    pub async fn open_attachment(&self, actor: &Actor, id: Uuid) -> ServiceResult<AttachmentFile> {
        let found = self
            .visible_attachment(actor, id, AttachmentPart::Content)
            .await?;
        self.audit_open(actor, "attachment.open", &found);
        let row = found.row;
        let image = FileType::from_mime(&row.content_type).is_some_and(FileType::is_image);
        Ok(AttachmentFile {
            filename: row.filename,
            content_type: row.content_type,
            content: row.content,
            image,
        })
    }

    /// The thumbnail of a picture attached to a record the actor may read ("not
    /// found" for other files). Another agency's look is audited like an opening.
    pub async fn attachment_thumbnail(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<AttachmentFile> {
        let found = self
            .visible_attachment(actor, id, AttachmentPart::Thumbnail)
            .await?;
        if found.foreign {
            self.audit_open(actor, "attachment.thumbnail", &found);
        }
        let row = found.row;
        let (Some(content), Some(content_type)) = (row.thumbnail, row.thumbnail_type) else {
            return Err(ServiceError::NotFound);
        };
        Ok(AttachmentFile {
            filename: row.filename,
            content_type,
            content,
            image: true,
        })
    }

    /// An attachment whose record the actor may read, with the record's owner and
    /// whether it is another agency. Anything else (no such id, a record hidden from
    /// the actor) is "not found", audited as a refusal that names neither the record
    /// nor its owner.
    async fn visible_attachment(
        &self,
        actor: &Actor,
        id: Uuid,
        part: AttachmentPart,
    ) -> ServiceResult<Found> {
        let found = self.store().record_attachment(id, part).await?;
        let visible = match &found {
            Some((RecordKind::Report, row)) => {
                self.record_owner::<Report>(actor, row.record).await?
            }
            Some((RecordKind::Seizure, row)) => {
                self.record_owner::<Seizure>(actor, row.record).await?
            }
            _ => None,
        };
        match (found, visible) {
            (Some((kind, row)), Some((owner, foreign))) => Ok(Found {
                row,
                kind,
                owner,
                foreign,
            }),
            _ => {
                let mut event = self.event(Some(actor), "attachment.open_denied");
                event.target_kind = Some("attachment".into());
                event.target_id = Some(id.to_string());
                event.detail = serde_json::json!({ "reason": "not visible" }).to_string();
                self.inner
                    .audit
                    .denial(event, format!("user:{}", actor.username));
                Err(ServiceError::NotFound)
            }
        }
    }

    /// The owner of a record and whether it is another agency than the actor's, when
    /// the actor may read the record.
    async fn record_owner<R: Readable>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Option<(AgencyCode, bool)>> {
        let (loaded, access) = self.load::<R>(actor, id).await?;
        Ok(loaded
            .filter(|loaded| access.allows(&loaded.meta()))
            .map(|loaded| {
                let owner = loaded.record.agency().clone();
                let foreign = access.is_foreign(&owner);
                (owner, foreign)
            }))
    }

    fn audit_open(&self, actor: &Actor, action: &str, found: &Found) {
        let row = &found.row;
        let mut event = self.attachment_event(actor, action, found.kind, row.record, &found.owner);
        event.detail = serde_json::json!({
            "attachment": row.id.to_string(),
            "filename": row.filename,
        })
        .to_string();
        self.inner.audit.read(event);
    }

    fn attachment_event(
        &self,
        actor: &Actor,
        action: &str,
        kind: RecordKind,
        record: Uuid,
        owner: &AgencyCode,
    ) -> interdict_core::audit::AuditEvent {
        let mut event = self.event(Some(actor), action);
        event.target_kind = Some(kind.as_str().to_owned());
        event.target_id = Some(record.to_string());
        event.target_agency = Some(owner.to_string());
        event
    }
}

fn too_large() -> ServiceError {
    ServiceError::TooLarge {
        code: "payload_too_large",
        message: format!("a file of at most {} MiB is taken", MAX_FILE_BYTES >> 20),
    }
}

/// The error of a file larger than [`MAX_FILE_BYTES`], for callers that stop reading
/// an upload at that size.
pub fn file_too_large() -> ServiceError {
    too_large()
}
