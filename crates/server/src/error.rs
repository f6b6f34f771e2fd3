//! The one error type of the server, rendered as
//! `{"error": {"code": "...", "message": "...", "fields": {...}}}` with a stable
//! machine-readable `code`.

use std::collections::BTreeMap;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use interdict_core::FieldErrors;
use interdict_service::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be read at all (malformed JSON, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// The request was read but its content is not acceptable; the fields are named.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: BTreeMap<String, String>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// Also for records that exist but are not visible to the caller.
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// Content larger than the node takes, with its own code (`payload_too_large`,
    /// `image_too_large`).
    #[error("{message}")]
    TooLarge { code: &'static str, message: String },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many failed attempts; try again in {0} seconds")]
    RateLimited(u64),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, such as `invalid_input` or `not_found`.
    pub code: &'static str,
    /// A short human-readable message.
    pub message: String,
    /// The failing fields and why, for `invalid_input`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl AppError {
    /// An `invalid_input` error for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Invalid {
            message: format!("{field}: {message}"),
            fields: BTreeMap::from([(field.to_owned(), message)]),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            AppError::PayloadTooLarge(_) | AppError::TooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid { .. } => "invalid_input",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden { code, .. } => code,
            AppError::NotFound => "not_found",
            AppError::Conflict { code, .. } => code,
            AppError::PreconditionRequired(_) => "precondition_required",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::TooLarge { code, .. } => code,
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Internal(_) => "internal",
        }
    }

    /// The error as the response body.
    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            AppError::Invalid { fields, .. } => fields.clone(),
            _ => BTreeMap::new(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                fields,
            },
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid {
            message: errors.to_string(),
            fields: errors.fields().clone(),
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        let code = error.code();
        match error {
            ServiceError::Invalid { message, fields } => AppError::Invalid { message, fields },
            ServiceError::Unauthorized(message) => AppError::Unauthorized(message),
            e @ (ServiceError::ForbiddenRole
            | ServiceError::NotOwner
            | ServiceError::OwnerOnly(_)) => AppError::Forbidden {
                code,
                message: e.to_string(),
            },
            ServiceError::NotFound => AppError::NotFound,
            e @ (ServiceError::VersionConflict { .. }
            | ServiceError::RecordWithdrawn
            | ServiceError::AlreadyExists(_)
            | ServiceError::Conflict { .. }) => AppError::Conflict {
                code,
                message: e.to_string(),
            },
            ServiceError::RateLimited(seconds) => AppError::RateLimited(seconds),
            ServiceError::TooLarge { code, message } => AppError::TooLarge { code, message },
            ServiceError::UnsupportedType(message) => AppError::UnsupportedMediaType(message),
            ServiceError::Internal(e) => AppError::Internal(e),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(error) = &self {
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let status = self.status();
        let retry_after = match &self {
            AppError::RateLimited(seconds) => Some(*seconds),
            _ => None,
        };
        let mut response = (status, axum::Json(self.body())).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The result of a handler.
pub type AppResult<T> = Result<T, AppError>;
