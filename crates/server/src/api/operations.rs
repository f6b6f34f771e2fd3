//! `/api/v1/operations`: joint operations, their officers, their closed message board
//! (free messages and the warning, feedback and seizure templates, read receipts,
//! attachments), their results and the CSV of their seizures.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use interdict_core::operation::{MessageInput, Operation, OperationInput, Tally};
use interdict_service::operations::{BoardMessage, NewAttachment, OperationView};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::extract::{Auth, JsonBody};
use crate::api::records::{if_match, parse_id, with_etag};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// An officer to name in an operation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficerRequest {
    pub username: String,
}

/// A file attached to a message: PDF, PNG, JPEG, plain text or CSV, at most 5 MiB and
/// within the node's request size limit; its content must be of the type declared.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentUpload {
    #[schema(min_length = 1, max_length = 200)]
    pub filename: String,
    /// `application/pdf`, `image/png`, `image/jpeg`, `text/plain` or `text/csv`.
    pub content_type: String,
    /// The file, base64.
    pub content_base64: String,
}

/// A message for the board, with its files.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    pub message: MessageInput,
    #[serde(default)]
    #[schema(max_items = 5)]
    pub attachments: Vec<AttachmentUpload>,
}

/// The operations you may see: those you are an officer of, and your agency's if you
/// run operations.
#[utoipa::path(get, path = "/api/v1/operations", tag = "operations", operation_id = "list_operations",
    responses((status = 200, body = Vec<Operation>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_operations(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Operation>>> {
    Ok(Json(state.operations_for(&session.actor).await?))
}

/// Start a joint operation led by your agency (coordinators).
#[utoipa::path(post, path = "/api/v1/operations", tag = "operations", operation_id = "create_operation",
    request_body = OperationInput,
    responses((status = 201, body = OperationView, headers(("ETag" = String, description = "The version, for If-Match"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_operation(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(input): JsonBody<OperationInput>,
) -> AppResult<Response> {
    let view = state.create_operation(&session.actor, input).await?;
    let location = format!("/api/v1/operations/{}", view.operation.id);
    Ok(with_etag(
        StatusCode::CREATED,
        view.operation.version,
        &view,
        Some(location),
    ))
}

/// One operation with its officers.
#[utoipa::path(get, path = "/api/v1/operations/{id}", tag = "operations", operation_id = "get_operation",
    params(("id" = uuid::Uuid, Path, description = "Operation id")),
    responses((status = 200, body = OperationView, headers(("ETag" = String, description = "The version, for If-Match"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such operation, or not visible to you")),
    security(("bearer" = [])))]
pub async fn get_operation(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let view = state.operation(&session.actor, parse_id(&id)?).await?;
    Ok(with_etag(
        StatusCode::OK,
        view.operation.version,
        &view,
        None,
    ))
}

/// Change an operation your agency leads: its definition, its partners, its status
/// (planned, active, closed; forward only). Officers of agencies no longer taking part
/// leave it.
#[utoipa::path(put, path = "/api/v1/operations/{id}", tag = "operations", operation_id = "update_operation",
    params(("id" = uuid::Uuid, Path, description = "Operation id"), ("If-Match" = String, Header, description = "The version you changed, as in \"3\"")),
    request_body = OperationInput,
    responses((status = 200, body = OperationView, headers(("ETag" = String, description = "The new version"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Changed meanwhile, closed, or a status going back"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_operation(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<OperationInput>,
) -> AppResult<Response> {
    let version = if_match(&headers)?;
    let view = state
        .update_operation(&session.actor, parse_id(&id)?, version, input)
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        view.operation.version,
        &view,
        None,
    ))
}

/// Name an officer of an agency taking part (the lead agency's coordinators).
#[utoipa::path(post, path = "/api/v1/operations/{id}/officers", tag = "operations", operation_id = "add_officer",
    params(("id" = uuid::Uuid, Path, description = "Operation id")),
    request_body = OfficerRequest,
    responses((status = 200, body = OperationView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_officer(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<OfficerRequest>,
) -> AppResult<Json<OperationView>> {
    Ok(Json(
        state
            .add_officer(&session.actor, parse_id(&id)?, &request.username)
            .await?,
    ))
}

/// End an officer's membership (the lead agency's coordinators; any officer for
/// themselves). Their access to the operation's records ends with it.
#[utoipa::path(delete, path = "/api/v1/operations/{id}/officers/{username}", tag = "operations", operation_id = "remove_officer",
    params(("id" = uuid::Uuid, Path, description = "Operation id"), ("username" = String, Path, description = "The officer")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_officer(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path((id, username)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state
        .remove_officer(&session.actor, parse_id(&id)?, &username)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A record of your agency to attach to an operation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachRequest {
    /// `report` or `seizure`.
    pub kind: interdict_core::RecordKind,
    pub id: uuid::Uuid,
}

/// Attach a record of your agency to the operation: its officers then read it, up to
/// the operation's label.
#[utoipa::path(post, path = "/api/v1/operations/{id}/records", tag = "operations", operation_id = "attach_record",
    params(("id" = uuid::Uuid, Path, description = "Operation id")),
    request_body = AttachRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The operation is closed"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn attach_record(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<AttachRequest>,
) -> AppResult<StatusCode> {
    state
        .attach_to_operation(&session.actor, parse_id(&id)?, request.kind, request.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The board, oldest first, with who read each message; reading it marks its messages
/// read by you.
#[utoipa::path(get, path = "/api/v1/operations/{id}/messages", tag = "operations", operation_id = "list_messages",
    params(("id" = uuid::Uuid, Path, description = "Operation id")),
    responses((status = 200, body = Vec<BoardMessage>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_messages(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<BoardMessage>>> {
    Ok(Json(
        state
            .operation_board(&session.actor, parse_id(&id)?)
            .await?,
    ))
}

/// Post on the board: a free message, a warning, a feedback on a warning, or a
/// seizure (which files a seizure record of your agency attached to the operation, in
/// the same transaction). Posting again with the same `message.id` posts nothing new.
#[utoipa::path(post, path = "/api/v1/operations/{id}/messages", tag = "operations", operation_id = "post_message",
    params(("id" = uuid::Uuid, Path, description = "Operation id")),
    request_body = PostMessage,
    responses((status = 201, body = BoardMessage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The operation is closed"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post_message(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<PostMessage>,
) -> AppResult<(StatusCode, Json<BoardMessage>)> {
    let id = parse_id(&id)?;
    let mut files = Vec::new();
    for (i, a) in request.attachments.into_iter().enumerate() {
        let content = base64::engine::general_purpose::STANDARD
            .decode(a.content_base64.as_bytes())
            .map_err(|_| {
                AppError::field(&format!("attachments[{i}].content_base64"), "is not base64")
            })?;
        files.push(NewAttachment {
            filename: a.filename,
            content_type: a.content_type,
            content,
        });
    }
    let message = state
        .post_message(&session.actor, id, request.message, files)
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// A file attached to a board message.
#[utoipa::path(get, path = "/api/v1/operations/attachments/{id}", tag = "operations", operation_id = "get_attachment",
    params(("id" = uuid::Uuid, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, with its checked content type", content((String = "application/pdf"), (String = "image/png"), (String = "image/jpeg"), (String = "text/plain"), (String = "text/csv"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_attachment(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let file = state
        .operation_attachment(&session.actor, parse_id(&id)?)
        .await?;
    Ok(attachment_response(file))
}

/// A stored attachment as a download: its checked type, never rendered in place.
pub fn attachment_response(file: interdict_service::operations::AttachmentRow) -> Response {
    let mut response = file.content.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = file
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The results from the attached seizures you may see: cases, arrests, quantities by
/// drug and unit (kilograms, litres and tablets apart), by agency and by week.
#[utoipa::path(get, path = "/api/v1/operations/{id}/tally", tag = "operations", operation_id = "operation_tally",
    params(("id" = uuid::Uuid, Path, description = "Operation id")),
    responses((status = 200, body = Tally), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn operation_tally(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Tally>> {
    Ok(Json(
        state
            .operation_tally(&session.actor, parse_id(&id)?)
            .await?,
    ))
}

/// The attached seizures you may see, as CSV: one line per drug item.
#[utoipa::path(get, path = "/api/v1/operations/{id}/seizures.csv", tag = "operations", operation_id = "operation_seizures_csv",
    params(("id" = uuid::Uuid, Path, description = "Operation id")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn operation_seizures_csv(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let seizures = state
        .operation_seizures(&session.actor, parse_id(&id)?)
        .await?;
    Ok(csv_response(&seizures_csv(&seizures), "seizures.csv"))
}

/// A CSV download.
pub fn csv_response(body: &str, filename: &str) -> Response {
    let mut response = body.to_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// One line per drug item of each seizure; fields that could be read as formulas by a
/// spreadsheet are quoted with a leading apostrophe.
pub fn seizures_csv(seizures: &[interdict_core::Seizure]) -> String {
    fn field(out: &mut String, value: &str) {
        let value = if value.starts_with(['=', '+', '-', '@']) {
            format!("'{value}")
        } else {
            value.to_owned()
        };
        if value.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&value.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&value);
        }
    }
    let mut out = String::from(
        "seizure,agency,occurred_on,place,country,conveyance,drug,quantity,unit,arrests,origin,destination\r\n",
    );
    for s in seizures {
        for item in &s.items {
            let row = [
                s.id.to_string(),
                s.agency.to_string(),
                s.occurred_on.to_string(),
                s.place.name.clone(),
                s.place.country.to_string(),
                s.conveyance.as_str().to_owned(),
                item.drug.as_str().to_owned(),
                item.quantity.to_string(),
                item.unit.as_str().to_owned(),
                s.arrests.to_string(),
                s.route
                    .origin
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                s.route
                    .destination
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ];
            for (i, value) in row.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                field(&mut out, value);
            }
            out.push_str("\r\n");
        }
    }
    out
}
