//! The one error type of the service, with a stable machine-readable code for each
//! case. Callers at the edge map it to HTTP statuses, exit codes or web pages; no text
//! from the database ever reaches it.

use std::collections::BTreeMap;

use interdict_core::policy::Denied;
use interdict_core::FieldErrors;
use interdict_store::StoreError;

/// Everything an operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is not acceptable; the fields are named with what is wrong.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// Wrong or missing credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// The principal's roles do not allow this.
    #[error("your roles do not allow this")]
    ForbiddenRole,
    /// Only the originating agency may change the record.
    #[error("only the originating agency may change a record")]
    NotOwner,
    /// Something only its owner (or an administrator of it) may see or do.
    #[error("{0}")]
    OwnerOnly(String),
    /// Also for data that exists but is not visible to the principal.
    #[error("not found")]
    NotFound,
    /// The change was made on a version that is no longer the current one.
    #[error(
        "the record is at version {current}, not {given}; reload it and apply your change again"
    )]
    VersionConflict { current: i64, given: i64 },
    /// The record is withdrawn and cannot change.
    #[error("the record is withdrawn")]
    RecordWithdrawn,
    /// Something with this name or id exists already.
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// A state that does not allow the change (other than the cases above).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many failed attempts; try again in {0} seconds")]
    RateLimited(u64),
    /// Content larger than the node takes (a file, or the pixels of an image).
    #[error("{message}")]
    TooLarge { code: &'static str, message: String },
    /// Content of no kind the node takes, whatever its name or declared type says.
    #[error("{0}")]
    UnsupportedType(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The result of a service operation.
pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// An `invalid_input` error for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ServiceError::Invalid {
            message: format!("{field}: {message}"),
            fields: BTreeMap::from([(field.to_owned(), message)]),
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Invalid { .. } => "invalid_input",
            ServiceError::Unauthorized(_) => "unauthorized",
            ServiceError::ForbiddenRole => "forbidden_role",
            ServiceError::NotOwner => "forbidden_not_owner",
            ServiceError::OwnerOnly(_) => "forbidden_owner_only",
            ServiceError::NotFound => "not_found",
            ServiceError::VersionConflict { .. } => "version_conflict",
            ServiceError::RecordWithdrawn => "record_withdrawn",
            ServiceError::AlreadyExists(_) => "already_exists",
            ServiceError::Conflict { code, .. } => code,
            ServiceError::RateLimited(_) => "rate_limited",
            ServiceError::TooLarge { code, .. } => code,
            ServiceError::UnsupportedType(_) => "unsupported_media_type",
            ServiceError::Internal(_) => "internal",
        }
    }

    /// The failing fields, for `invalid_input`.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            ServiceError::Invalid { fields, .. } => fields.clone(),
            _ => BTreeMap::new(),
        }
    }

    pub(crate) fn internal(error: impl Into<anyhow::Error>) -> Self {
        ServiceError::Internal(error.into())
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Invalid {
            message: errors.to_string(),
            fields: errors.fields().clone(),
        }
    }
}

impl From<Denied> for ServiceError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Withdrawn => ServiceError::RecordWithdrawn,
            Denied::Role => ServiceError::ForbiddenRole,
            Denied::NotOwner => ServiceError::NotOwner,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ServiceError::NotFound,
            // The store's own message (a stale version found at write time).
            StoreError::Conflict(message) => ServiceError::Conflict {
                code: "version_conflict",
                message,
            },
            StoreError::Duplicate { .. } => {
                ServiceError::AlreadyExists("a record with this key".into())
            }
            other => ServiceError::Internal(anyhow::Error::new(other)),
        }
    }
}
