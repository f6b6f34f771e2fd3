//! `/api/v1/attachments`: files attached to reports and seizures, served to whoever may
//! read their record. A file is added with `POST /api/v1/{reports,seizures}/{id}/attachments`
//! (in `api::records`), its bytes as the body and its name in the query; its type is
//! found from its content, whatever the body's declared type.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use interdict_service::attachments::{file_too_large, AttachmentFile, MAX_FILE_BYTES};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::Auth;
use crate::api::records::parse_id;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// The name of an uploaded file.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name, shown to readers and offered on download: 1 to 200 characters,
    /// no path. Its extension says nothing of its type: the content does.
    #[param(min_length = 1, max_length = 200)]
    pub filename: String,
}

/// Reads an uploaded file, stopping at [`MAX_FILE_BYTES`] (413 `payload_too_large`,
/// nothing kept).
pub async fn read_upload(body: Body) -> AppResult<Vec<u8>> {
    let mut stream = body.into_data_stream();
    let mut content = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("cannot read the body: {e}")))?;
        if content.len() + chunk.len() > MAX_FILE_BYTES {
            return Err(file_too_large().into());
        }
        content.extend_from_slice(&chunk);
    }
    Ok(content)
}

/// The content of a file attached to a report or seizure you may read. Every opening
/// is in the owner's audit log.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments", operation_id = "get_record_attachment",
    params(("id" = uuid::Uuid, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, with the type found from its content; pictures inline, other files as downloads", content((String = "image/jpeg"), (String = "image/png"), (String = "image/gif"), (String = "image/webp"), (String = "application/pdf"), (String = "text/plain"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such file, or its record is not visible to you")),
    security(("bearer" = [])))]
pub async fn get_attachment(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let file = state
        .open_attachment(&session.actor, parse_id(&id)?)
        .await?;
    Ok(file_response(file))
}

/// The thumbnail of a picture attached to a report or seizure you may read: at most
/// 320 pixels a side, JPEG for photographs and PNG otherwise.
#[utoipa::path(get, path = "/api/v1/attachments/{id}/thumbnail", tag = "attachments", operation_id = "get_record_attachment_thumbnail",
    params(("id" = uuid::Uuid, Path, description = "Attachment id")),
    responses((status = 200, description = "The thumbnail", content((String = "image/jpeg"), (String = "image/png"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such picture, or its record is not visible to you")),
    security(("bearer" = [])))]
pub async fn get_thumbnail(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let file = state
        .attachment_thumbnail(&session.actor, parse_id(&id)?)
        .await?;
    Ok(file_response(file))
}

/// A stored file as served: the type found from its content, never sniffed again by
/// the browser; pictures shown in place, anything else downloaded.
pub fn file_response(file: AttachmentFile) -> Response {
    let content_type = if file.content_type.starts_with("text/") {
        format!("{}; charset=utf-8", file.content_type)
    } else {
        file.content_type.clone()
    };
    let disposition = if file.image { "inline" } else { "attachment" };
    let mut response = file.content.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&content_disposition(disposition, &file.filename)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII name for old clients and
/// the name as written (Korean, Thai) for the others.
fn content_disposition(disposition: &str, filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b".-_~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn names_in_any_script_are_offered_as_written() {
        assert_eq!(
            content_disposition("attachment", "선적 목록.pdf"),
            "attachment; filename=\"__ __.pdf\"; filename*=UTF-8''%EC%84%A0%EC%A0%81%20%EB%AA%A9%EB%A1%9D.pdf"
        );
        assert_eq!(
            content_disposition("inline", "a\"b.png"),
            "inline; filename=\"a_b.png\"; filename*=UTF-8''a%22b.png"
        );
    }
}
