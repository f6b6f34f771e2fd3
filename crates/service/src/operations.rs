//! Joint operations: creating and running them, their officers, their closed message
//! board (free messages and the warning, feedback and seizure templates, read receipts
//! and attachments), and their results.
//!
//! Who sees an operation, its board and its tally is the policy's answer about the
//! operation (`Operation::meta`): its members, and of the lead agency the coordinators.
//! Records attached to it are read by its members through the compartment rule of the
//! policy; its tally counts only the attached seizures the reader may see.

use std::collections::BTreeMap;

use interdict_core::audit::AuditEvent;
use interdict_core::file::{sniff, FileType};
use interdict_core::operation::{
    Feedback, MessageInput, MessageKind, Operation, OperationInput, OperationStatus, Tally, Warning,
};
use interdict_core::policy::{Access, Action, DataKind, Principal};
use interdict_core::record::{RecordKind, Seizure};
use interdict_core::{Actor, AgencyCode, Username};
use interdict_maritime::Zones;
pub use interdict_store::AttachmentRow;
use interdict_store::{MessageRow, OperationRow};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::records::{decode_if_allowed, RecordType};
use crate::Service;

/// The largest file attached to a board message.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// The most files one message carries.
pub const MAX_ATTACHMENTS: usize = 5;

/// An operation as a reader sees it, with its officers.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OperationView {
    #[serde(flatten)]
    pub operation: Operation,
    pub officers: Vec<Officer>,
    /// Whether the reader runs the operation (a coordinator of the lead agency).
    pub may_manage: bool,
}

/// An officer named in an operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Officer {
    pub username: String,
    pub display_name: String,
    pub agency: AgencyCode,
    pub joined_at: chrono::DateTime<chrono::Utc>,
    /// When the officer left; absent while a member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A file to attach to a message, as uploaded.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub filename: String,
    /// The type the client declared; it must agree with the content.
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A file attached to a message, without its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AttachmentInfo {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// Who read a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReadReceipt {
    pub username: String,
    pub agency: AgencyCode,
    pub read_at: chrono::DateTime<chrono::Utc>,
}

/// A message of a board as its readers see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BoardMessage {
    pub id: Uuid,
    pub posted_at: chrono::DateTime<chrono::Utc>,
    pub author: String,
    pub author_agency: AgencyCode,
    pub kind: MessageKind,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<Warning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    /// The seizure record a seizure message filed, when the reader may see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seizure: Option<Uuid>,
    pub attachments: Vec<AttachmentInfo>,
    pub read_by: Vec<ReadReceipt>,
}

/// What a board message keeps as its body.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
struct MessageBody {
    #[serde(default)]
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    warning: Option<Warning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feedback: Option<Feedback>,
}

/// The kinds of file a board takes.
const BOARD_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/csv",
];

/// The content type of an attachment, if its content is of the type declared (as
/// `interdict_core::file::sniff` finds it; CSV is text).
fn checked_type(declared: &str, content: &[u8]) -> Result<&'static str, String> {
    let declared = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some(name) = BOARD_TYPES.iter().find(|name| **name == declared) else {
        return Err(format!(
            "{declared:?} is not accepted; attach PDF, PNG, JPEG, plain text or CSV"
        ));
    };
    let fits = match sniff(content) {
        Some(FileType::Text) => *name == "text/plain" || *name == "text/csv",
        Some(found) => found.mime() == *name,
        None => false,
    };
    if fits {
        Ok(name)
    } else {
        Err(format!("the content is not {declared}"))
    }
}

fn officer(row: interdict_store::MemberRow) -> Officer {
    Officer {
        username: row.username,
        display_name: row.display_name,
        agency: row.agency,
        joined_at: row.joined_at,
        left_at: row.left_at,
    }
}

impl Service {
    fn operation_event(&self, actor: &Actor, action: &str, operation: &Operation) -> AuditEvent {
        let mut event = self.event(Some(actor), &format!("operation.{action}"));
        event.target_kind = Some("operation".into());
        event.target_id = Some(operation.id.to_string());
        event.target_agency = Some(operation.lead_agency.to_string());
        event
    }

    /// Checks an operation's input: fields, partner agencies that exist, and an area
    /// of polygons (kept as one MultiPolygon).
    async fn checked_operation_input(
        &self,
        actor: &Actor,
        mut input: OperationInput,
    ) -> ServiceResult<OperationInput> {
        let mut errors = match input.validate(&actor.agency) {
            Ok(()) => interdict_core::FieldErrors::new(),
            Err(errors) => errors,
        };
        let known: Vec<AgencyCode> = self
            .store()
            .agencies()
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        for agency in &input.member_agencies {
            if !known.contains(agency) {
                errors.add("member_agencies", format!("no agency {agency}"));
            }
        }
        if let Some(area) = &input.area {
            let text = area.to_string();
            if text.len() > 512 * 1024 {
                errors.add("area", "must be at most 512 KiB");
            } else if let Err(e) = Zones::from_geojson(&text) {
                errors.add("area", e.to_string());
            } else {
                input.area = crate::maritime::area_geometry(area);
            }
        }
        errors.into_result()?;
        Ok(input)
    }

    /// Starts an operation led by the actor's agency.
    pub async fn create_operation(
        &self,
        actor: &Actor,
        input: OperationInput,
    ) -> ServiceResult<OperationView> {
        self.require(actor, Action::ManageOperations, "operation.create")?;
        let input = self.checked_operation_input(actor, input).await?;
        let now = self.now();
        let operation = Operation {
            id: self.new_id(),
            code_name: input.code_name.trim().to_owned(),
            lead_agency: actor.agency.clone(),
            member_agencies: input.member_agencies,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            area: input.area,
            objectives: input.objectives,
            targets: input.targets,
            max_tlp: input.max_tlp,
            status: input.status,
            version: 1,
            created_by: actor.username.clone(),
            created_at: now,
            updated_at: now,
        };
        let mut event = self.operation_event(actor, "create", &operation);
        event.detail = serde_json::json!({ "code_name": operation.code_name }).to_string();
        self.store()
            .create_operation(&row_of(&operation)?, &operation.member_agencies, &event)
            .await?;
        Ok(OperationView {
            operation,
            officers: Vec::new(),
            may_manage: true,
        })
    }

    /// The operation access of a principal.
    async fn operation_access(&self, actor: &Actor) -> ServiceResult<Access> {
        self.access(&Principal::User(actor.clone()), DataKind::Operation)
            .await
    }

    /// An operation the actor may see; any other is "not found", audited as a denial.
    async fn visible_operation(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<(Operation, Access)> {
        let access = self.operation_access(actor).await?;
        let found = match self.store().operation(id).await? {
            Some(row) => Some(operation_of(
                &row,
                self.store().operation_agencies(id).await?,
            )?),
            None => None,
        };
        match found {
            Some(op) if access.allows(&op.meta(&[op.id])) => Ok((op, access)),
            _ => {
                let mut event = self.event(Some(actor), &format!("operation.{action}_denied"));
                event.target_kind = Some("operation".into());
                event.target_id = Some(id.to_string());
                event.detail = serde_json::json!({ "reason": "not visible" }).to_string();
                self.inner
                    .audit
                    .denial(event, format!("user:{}", actor.username));
                Err(ServiceError::NotFound)
            }
        }
    }

    /// An operation the actor runs: visible, and the actor a coordinator of the lead agency.
    async fn managed_operation(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<Operation> {
        let (operation, _) = self.visible_operation(actor, id, action).await?;
        self.require(
            actor,
            Action::ManageOperations,
            &format!("operation.{action}"),
        )?;
        if actor.agency != operation.lead_agency {
            return Err(ServiceError::NotOwner);
        }
        Ok(operation)
    }

    /// The operations the actor may see, newest first.
    pub async fn operations_for(&self, actor: &Actor) -> ServiceResult<Vec<Operation>> {
        let access = self.operation_access(actor).await?;
        let mut visible = Vec::new();
        for row in self.store().operations().await? {
            // The policy decides on the row; only what it admits is read further.
            if access.allows(&interdict_core::operation::meta(
                &row.lead_agency,
                row.max_tlp,
                &[row.id],
            )) {
                let agencies = self.store().operation_agencies(row.id).await?;
                visible.push(operation_of(&row, agencies)?);
            }
        }
        Ok(visible)
    }

    /// One operation with its officers. Reads by a partner agency's officer are audited.
    pub async fn operation(&self, actor: &Actor, id: Uuid) -> ServiceResult<OperationView> {
        let (operation, access) = self.visible_operation(actor, id, "read").await?;
        if access.is_foreign(&operation.lead_agency) {
            self.inner
                .audit
                .read(self.operation_event(actor, "read", &operation));
        }
        let officers = self
            .store()
            .operation_members(id)
            .await?
            .into_iter()
            .map(officer)
            .collect();
        let may_manage =
            actor.agency == operation.lead_agency && actor.may(Action::ManageOperations);
        Ok(OperationView {
            operation,
            officers,
            may_manage,
        })
    }

    /// Replaces an operation's definition (`version` is the version the change was made
    /// on). A closed operation does not change, and its status moves forward only.
    /// Officers of agencies no longer taking part leave it.
    pub async fn update_operation(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        input: OperationInput,
    ) -> ServiceResult<OperationView> {
        let current = self.managed_operation(actor, id, "update").await?;
        if current.version != version {
            return Err(ServiceError::VersionConflict {
                current: current.version,
                given: version,
            });
        }
        if current.status == OperationStatus::Closed {
            return Err(ServiceError::Conflict {
                code: "operation_closed",
                message: "the operation is closed and does not change".into(),
            });
        }
        if input.status < current.status {
            return Err(ServiceError::Conflict {
                code: "operation_status",
                message: format!(
                    "an operation goes from planned to active to closed; it cannot go back from {} to {}",
                    current.status.as_str(),
                    input.status.as_str()
                ),
            });
        }
        let input = self.checked_operation_input(actor, input).await?;
        let operation = Operation {
            code_name: input.code_name.trim().to_owned(),
            member_agencies: input.member_agencies,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            area: input.area,
            objectives: input.objectives,
            targets: input.targets,
            max_tlp: input.max_tlp,
            status: input.status,
            version: current.version + 1,
            updated_at: self.now(),
            ..current
        };
        let mut event = self.operation_event(actor, "update", &operation);
        event.detail = serde_json::json!({ "status": operation.status.as_str(), "version": operation.version }).to_string();
        self.store()
            .update_operation(
                &row_of(&operation)?,
                version,
                &operation.member_agencies,
                &event,
            )
            .await?;
        self.operation(actor, id).await
    }

    /// Names an officer of an agency taking part as a member of the operation.
    pub async fn add_officer(
        &self,
        actor: &Actor,
        id: Uuid,
        username: &str,
    ) -> ServiceResult<OperationView> {
        let operation = self.managed_operation(actor, id, "add_officer").await?;
        let user = match Username::parse(username) {
            Ok(name) => self.store().user_by_name(name.as_str()).await?,
            Err(_) => None,
        }
        .filter(|u| !u.disabled)
        .ok_or_else(|| ServiceError::field("username", "no such user"))?;
        if !operation.agencies().contains(&user.agency) {
            return Err(ServiceError::field(
                "username",
                format!(
                    "{} is an officer of {}, which does not take part in the operation",
                    user.username, user.agency
                ),
            ));
        }
        let mut event = self.operation_event(actor, "add_officer", &operation);
        event.detail = serde_json::json!({ "officer": user.username.as_str(), "agency": user.agency.as_str() }).to_string();
        self.store()
            .add_member(id, user.id, self.now(), &event)
            .await?;
        self.operation(actor, id).await
    }

    /// Ends an officer's membership: the lead agency's coordinator removes anyone, an
    /// officer may leave. Their access to the operation's records ends with it.
    pub async fn remove_officer(
        &self,
        actor: &Actor,
        id: Uuid,
        username: &str,
    ) -> ServiceResult<()> {
        let (operation, _) = self.visible_operation(actor, id, "remove_officer").await?;
        let leaving = username == actor.username.as_str();
        if !leaving {
            self.managed_operation(actor, id, "remove_officer").await?;
        }
        let user =
            self.store().user_by_name(username).await?.ok_or_else(|| {
                ServiceError::field("username", "no such officer in the operation")
            })?;
        let mut event = self.operation_event(actor, "remove_officer", &operation);
        event.detail = serde_json::json!({ "officer": user.username.as_str() }).to_string();
        self.store()
            .remove_member(id, user.id, self.now(), &event)
            .await
            .map_err(|e| match e {
                interdict_store::StoreError::NotFound => {
                    ServiceError::field("username", "no such officer in the operation")
                }
                other => other.into(),
            })
    }

    /// Posts a message on an operation's board. A seizure message files the seizure
    /// as a record of the poster's agency attached to the operation, in the same
    /// transaction as the message; a message posted again with the same id is the
    /// same message (nothing is filed twice).
    pub async fn post_message(
        &self,
        actor: &Actor,
        id: Uuid,
        input: MessageInput,
        attachments: Vec<NewAttachment>,
    ) -> ServiceResult<BoardMessage> {
        let (operation, _) = self.visible_operation(actor, id, "post").await?;
        if let Some(existing) = input.id {
            if let Some(row) = self.store().operation_message(existing).await? {
                if row.operation != id || row.author != actor.username.as_str() {
                    return Err(ServiceError::AlreadyExists("a message with this id".into()));
                }
                return self.board_message(actor, &operation, existing).await;
            }
        }
        if operation.status == OperationStatus::Closed {
            return Err(ServiceError::Conflict {
                code: "operation_closed",
                message: "the operation is closed; its board takes no more messages".into(),
            });
        }
        let replied = match input.reply_to {
            Some(to) => self
                .store()
                .operation_message(to)
                .await?
                .filter(|m| m.operation == id)
                .and_then(|m| MessageKind::parse(&m.kind)),
            None => None,
        };
        let mut errors = match input.validate(&actor.agency, self.today(), replied) {
            Ok(()) => interdict_core::FieldErrors::new(),
            Err(errors) => errors,
        };
        if let Some(seizure) = &input.seizure {
            if seizure.handling.tlp > operation.max_tlp {
                errors.add(
                    "seizure.handling.tlp",
                    format!(
                        "the operation shares up to {}; a seizure filed on its board carries no stricter label",
                        operation.max_tlp.as_str()
                    ),
                );
            }
        }
        if attachments.len() > MAX_ATTACHMENTS {
            errors.add("attachments", format!("at most {MAX_ATTACHMENTS} files"));
        }
        let mut files = Vec::new();
        for (i, file) in attachments.into_iter().enumerate() {
            let field = format!("attachments[{i}]");
            let name = file.filename.trim();
            if name.is_empty()
                || name.chars().count() > 200
                || name.contains(['/', '\\'])
                || name.chars().any(char::is_control)
            {
                errors.add(&field, "a file name of 1 to 200 characters without paths");
                continue;
            }
            if file.content.is_empty() || file.content.len() > MAX_ATTACHMENT_BYTES {
                errors.add(
                    &field,
                    format!("a file of 1 byte to {} MiB", MAX_ATTACHMENT_BYTES >> 20),
                );
                continue;
            }
            match checked_type(&file.content_type, &file.content) {
                Ok(content_type) => files.push(AttachmentRow {
                    id: self.new_id(),
                    message: Uuid::nil(),
                    filename: name.to_owned(),
                    content_type: content_type.to_owned(),
                    size: file.content.len() as i64,
                    sha256: hex::encode(Sha256::digest(&file.content)),
                    content: file.content,
                }),
                Err(message) => errors.add(&field, message),
            }
        }
        errors.into_result()?;
        let message_id = input.id.unwrap_or_else(|| self.new_id());
        let mut row = MessageRow {
            id: message_id,
            operation: id,
            posted_at: self.now(),
            author: actor.username.to_string(),
            author_agency: actor.agency.clone(),
            kind: input.kind.as_str().to_owned(),
            reply_to: input.reply_to,
            body: serde_json::to_string(&MessageBody {
                text: input.text.trim().to_owned(),
                warning: input.warning,
                feedback: input.feedback,
            })
            .map_err(|e| ServiceError::internal(anyhow::anyhow!("message: {e}")))?,
            seizure: None,
        };
        for file in &mut files {
            file.message = message_id;
        }
        let mut event = self.operation_event(actor, "post", &operation);
        event.detail =
            serde_json::json!({ "message": message_id.to_string(), "kind": input.kind.as_str() })
                .to_string();
        match input.seizure {
            Some(seizure_input) => {
                self.require(actor, Action::WriteRecords, "seizure.create")?;
                self.check_recipients(&actor.agency, RecordKind::Seizure, &seizure_input.handling)
                    .await?;
                let seizure = <Seizure as RecordType>::build(
                    seizure_input,
                    self.new_id(),
                    actor.agency.clone(),
                    actor.username.clone(),
                    self.now(),
                );
                row.seizure = Some(seizure.id);
                let mut record_event = self.record_event(actor, "create", &seizure);
                record_event.detail = serde_json::json!({ "operation": id.to_string(), "message": message_id.to_string() }).to_string();
                self.store()
                    .insert_record_message(&seizure, &record_event, &row, &files, &event)
                    .await?;
                self.index_names(&seizure);
            }
            None => {
                self.store().insert_message(&row, &files, &event).await?;
            }
        }
        self.board_message(actor, &operation, message_id).await
    }

    /// One message of a board as the actor sees it.
    async fn board_message(
        &self,
        actor: &Actor,
        operation: &Operation,
        message: Uuid,
    ) -> ServiceResult<BoardMessage> {
        self.board_of(actor, operation)
            .await?
            .into_iter()
            .find(|m| m.id == message)
            .ok_or(ServiceError::NotFound)
    }

    async fn board_of(
        &self,
        actor: &Actor,
        operation: &Operation,
    ) -> ServiceResult<Vec<BoardMessage>> {
        let store = self.store();
        let seizures = self
            .access(&Principal::User(actor.clone()), DataKind::Seizure)
            .await?;
        let messages = store.operation_messages(operation.id).await?;
        // The seizures the board's messages filed, as far as the reader may see them.
        let filed: Vec<Uuid> = messages.iter().filter_map(|m| m.seizure).collect();
        let mut visible_seizures = Vec::new();
        for stored in store.records_by_id(RecordKind::Seizure, &filed).await? {
            if decode_if_allowed::<Seizure>(&seizures, &stored)?.is_some() {
                visible_seizures.push(stored.id);
            }
        }
        let mut attachments: BTreeMap<Uuid, Vec<AttachmentInfo>> = BTreeMap::new();
        for a in store.operation_attachments(operation.id).await? {
            attachments
                .entry(a.message)
                .or_default()
                .push(AttachmentInfo {
                    id: a.id,
                    filename: a.filename,
                    content_type: a.content_type,
                    size: a.size,
                    sha256: a.sha256,
                });
        }
        let mut reads: BTreeMap<Uuid, Vec<ReadReceipt>> = BTreeMap::new();
        for r in store.message_reads(operation.id).await? {
            reads.entry(r.message).or_default().push(ReadReceipt {
                username: r.username,
                agency: r.agency,
                read_at: r.read_at,
            });
        }
        let mut board = Vec::new();
        for row in messages {
            let body: MessageBody = serde_json::from_str(&row.body).map_err(|e| {
                ServiceError::internal(anyhow::anyhow!("message {} is unreadable: {e}", row.id))
            })?;
            let kind = MessageKind::parse(&row.kind).ok_or_else(|| {
                ServiceError::internal(anyhow::anyhow!(
                    "message {} has kind {:?}",
                    row.id,
                    row.kind
                ))
            })?;
            board.push(BoardMessage {
                id: row.id,
                posted_at: row.posted_at,
                author: row.author,
                author_agency: row.author_agency,
                kind,
                text: body.text,
                reply_to: row.reply_to,
                warning: body.warning,
                feedback: body.feedback,
                seizure: row.seizure.filter(|s| visible_seizures.contains(s)),
                attachments: attachments.remove(&row.id).unwrap_or_default(),
                read_by: reads.remove(&row.id).unwrap_or_default(),
            });
        }
        Ok(board)
    }

    /// The board of an operation, oldest first; reading it marks its messages read by
    /// the actor.
    pub async fn operation_board(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Vec<BoardMessage>> {
        let (operation, _) = self.visible_operation(actor, id, "read").await?;
        self.store()
            .mark_read(id, actor.user_id, self.now())
            .await?;
        self.board_of(actor, &operation).await
    }

    /// A file attached to a board message, with its content.
    pub async fn operation_attachment(
        &self,
        actor: &Actor,
        attachment: Uuid,
    ) -> ServiceResult<AttachmentRow> {
        let found = self.store().operation_attachment(attachment).await?;
        let Some((operation, file)) = found else {
            return Err(ServiceError::NotFound);
        };
        self.visible_operation(actor, operation, "read").await?;
        Ok(file)
    }

    /// The seizures attached to an operation that `access` admits.
    async fn attached_seizures(
        &self,
        access: &Access,
        operation: Uuid,
    ) -> ServiceResult<Vec<Seizure>> {
        let mut seizures = Vec::new();
        for stored in self.store().operation_records(operation).await? {
            if stored.kind != RecordKind::Seizure {
                continue;
            }
            seizures.extend(decode_if_allowed::<Seizure>(access, &stored)?);
        }
        seizures.sort_by_key(|s| (s.occurred_on, s.id));
        Ok(seizures)
    }

    /// The seizures attached to an operation that the actor may see, oldest first.
    pub async fn operation_seizures(&self, actor: &Actor, id: Uuid) -> ServiceResult<Vec<Seizure>> {
        let (operation, access) = self.visible_operation(actor, id, "read").await?;
        let seizures = self
            .access(&Principal::User(actor.clone()), DataKind::Seizure)
            .await?;
        let found = self.attached_seizures(&seizures, id).await?;
        if found.iter().any(|s| access.is_foreign(&s.agency)) {
            self.inner
                .audit
                .read(self.operation_event(actor, "seizures", &operation));
        }
        Ok(found)
    }

    /// The results of an operation from the attached seizures the actor may see.
    pub async fn operation_tally(&self, actor: &Actor, id: Uuid) -> ServiceResult<Tally> {
        Ok(Tally::of(&self.operation_seizures(actor, id).await?))
    }

    /// Attaches a record of the actor's agency to an operation the actor sees: its
    /// members then read it, up to the operation's label.
    pub async fn attach_to_operation(
        &self,
        actor: &Actor,
        operation: Uuid,
        kind: RecordKind,
        record: Uuid,
    ) -> ServiceResult<()> {
        let (op, _) = self.visible_operation(actor, operation, "attach").await?;
        if op.status == OperationStatus::Closed {
            return Err(ServiceError::Conflict {
                code: "operation_closed",
                message: "the operation is closed; nothing more is attached to it".into(),
            });
        }
        let tlp = match kind {
            RecordKind::Report => {
                self.get_visible_record::<interdict_core::Report>(actor, record, "attach")
                    .await?
                    .handling
                    .tlp
            }
            RecordKind::Seizure => {
                self.get_visible_record::<Seizure>(actor, record, "attach")
                    .await?
                    .handling
                    .tlp
            }
            RecordKind::Alert => {
                return Err(ServiceError::field(
                    "kind",
                    "reports and seizures are attached to operations",
                ))
            }
        };
        if tlp > op.max_tlp {
            return Err(ServiceError::field(
                "record",
                format!(
                    "the record is {}; the operation shares up to {}",
                    tlp.as_str(),
                    op.max_tlp.as_str()
                ),
            ));
        }
        match kind {
            RecordKind::Report => {
                self.attach_record::<interdict_core::Report>(actor, record, operation)
                    .await
            }
            _ => {
                self.attach_record::<Seizure>(actor, record, operation)
                    .await
            }
        }
    }

    /// The live picture of an operation's area as the actor may see it: the vessels
    /// the actor's visible sources saw inside the area in the last day and the alerts
    /// inside it, each flagged when it is one of the operation's targets. Without an
    /// area, or without the right to read surveillance data, the picture is empty and
    /// the page shows the area alone.
    pub async fn operation_picture(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<OperationPicture> {
        let (operation, _) = self.visible_operation(actor, id, "read").await?;
        let mut picture = OperationPicture {
            area: operation.area.clone(),
            vessels: Vec::new(),
            alerts: Vec::new(),
        };
        let Some(area) = &operation.area else {
            return Ok(picture);
        };
        if !actor.may(Action::ReadSurveillance) {
            return Ok(picture);
        }
        let zones = Zones::from_geojson(&area.to_string())
            .map_err(|e| ServiceError::internal(anyhow::anyhow!("operation area: {e}")))?;
        let inside = |lat: f64, lon: f64| zones.zones().iter().any(|z| z.contains(lat, lon));
        let targets = Targets::of(&operation);
        let since = self.now() - chrono::Duration::hours(24);
        for v in self.vessels(actor, since, None, 5_000).await? {
            let (Some(lat), Some(lon)) = (v.lat, v.lon) else {
                continue;
            };
            if inside(lat, lon) {
                picture.vessels.push(PictureVessel {
                    target: targets.matches(v.mmsi, v.name.as_deref(), &v.state),
                    mmsi: v.mmsi,
                    name: v.name,
                    agency: v.agency,
                    lat,
                    lon,
                    last_seen: v.last_seen,
                });
            }
        }
        let alerts = self
            .list_alerts(actor, &crate::records::ListFilter::default(), None, 200)
            .await?;
        for a in alerts.items {
            if a.end.is_none() && inside(a.lat, a.lon) {
                picture.alerts.push(PictureAlert {
                    target: targets.matches(
                        a.mmsi,
                        a.vessel_name.as_deref(),
                        &serde_json::Value::Null,
                    ),
                    id: a.id,
                    kind: a.kind.as_str().to_owned(),
                    mmsi: a.mmsi,
                    vessel_name: a.vessel_name,
                    start: a.start,
                    lat: a.lat,
                    lon: a.lon,
                });
            }
        }
        Ok(picture)
    }

    /// A user acting, for the node's operator at its console (the demo world is
    /// written by its own officers): the user's agency and roles, as a login gives them.
    pub async fn console_actor(&self, username: &str) -> ServiceResult<Actor> {
        let user = self
            .store()
            .user_by_name(username)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(|| ServiceError::field("username", format!("no user {username}")))?;
        Ok(Actor {
            user_id: user.id,
            username: user.username,
            agency: user.agency,
            roles: user.roles,
        })
    }
}

/// What the map of an operation's centre shows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OperationPicture {
    #[schema(value_type = Option<Object>)]
    pub area: Option<serde_json::Value>,
    pub vessels: Vec<PictureVessel>,
    /// Alerts going on inside the area.
    pub alerts: Vec<PictureAlert>,
}

/// A vessel inside an operation's area.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PictureVessel {
    pub mmsi: u32,
    pub name: Option<String>,
    pub agency: AgencyCode,
    pub lat: f64,
    pub lon: f64,
    pub last_seen: chrono::DateTime<chrono::Utc>,
    /// One of the operation's targets.
    pub target: bool,
}

/// An alert inside an operation's area.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PictureAlert {
    pub id: Uuid,
    pub kind: String,
    pub mmsi: u32,
    pub vessel_name: Option<String>,
    pub start: chrono::DateTime<chrono::Utc>,
    pub lat: f64,
    pub lon: f64,
    pub target: bool,
}

/// The vessels an operation looks for, by MMSI, IMO number and name.
struct Targets {
    mmsis: Vec<u32>,
    imos: Vec<u32>,
    names: Vec<String>,
}

impl Targets {
    fn of(operation: &Operation) -> Self {
        let mut targets = Targets {
            mmsis: Vec::new(),
            imos: Vec::new(),
            names: Vec::new(),
        };
        for subject in &operation.targets {
            if let interdict_core::Subject::Vessel(v) = subject {
                targets.mmsis.extend(v.mmsi.map(|m| m.value()));
                targets.imos.extend(v.imo.map(|i| i.value()));
                targets
                    .names
                    .extend(v.name.as_deref().map(normal_name).filter(|n| !n.is_empty()));
            }
        }
        targets
    }

    /// Whether a vessel seen with this MMSI, name and state is a target.
    fn matches(&self, mmsi: u32, name: Option<&str>, state: &serde_json::Value) -> bool {
        let imo = state
            .get("imo")
            .and_then(serde_json::Value::as_u64)
            .and_then(|i| u32::try_from(i).ok());
        self.mmsis.contains(&mmsi)
            || imo.is_some_and(|i| self.imos.contains(&i))
            || name.is_some_and(|n| self.names.contains(&normal_name(n)))
    }
}

/// A vessel name compared without case, spacing or punctuation.
fn normal_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The stored row of an operation.
fn row_of(operation: &Operation) -> ServiceResult<OperationRow> {
    Ok(OperationRow {
        id: operation.id,
        code_name: operation.code_name.clone(),
        lead_agency: operation.lead_agency.clone(),
        max_tlp: operation.max_tlp,
        status: operation.status.as_str().to_owned(),
        created_at: operation.created_at,
        body: serde_json::to_string(operation)
            .map_err(|e| ServiceError::internal(anyhow::anyhow!("operation: {e}")))?,
        version: operation.version,
        updated_at: Some(operation.updated_at),
    })
}

/// An operation from its stored row; one stored with no more than a name (before
/// operations had a definition) reads as planned, open-ended and without an area.
fn operation_of(row: &OperationRow, agencies: Vec<AgencyCode>) -> ServiceResult<Operation> {
    let mut operation: Operation = match serde_json::from_str(&row.body) {
        Ok(op) => op,
        Err(_) if row.body.trim() == "{}" => Operation {
            id: row.id,
            code_name: row.code_name.clone(),
            lead_agency: row.lead_agency.clone(),
            member_agencies: Vec::new(),
            starts_on: row.created_at.date_naive(),
            ends_on: row.created_at.date_naive(),
            area: None,
            objectives: Vec::new(),
            targets: Vec::new(),
            max_tlp: row.max_tlp,
            status: OperationStatus::parse(&row.status).unwrap_or(OperationStatus::Active),
            version: row.version,
            created_by: Username::parse("system").map_err(|_| {
                ServiceError::internal(anyhow::anyhow!("the name system is not a username"))
            })?,
            created_at: row.created_at,
            updated_at: row.updated_at.unwrap_or(row.created_at),
        },
        Err(e) => {
            return Err(ServiceError::internal(anyhow::anyhow!(
                "operation {} is unreadable: {e}",
                row.id
            )))
        }
    };
    operation.member_agencies = agencies;
    Ok(operation)
}
