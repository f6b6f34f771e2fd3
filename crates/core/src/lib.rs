//! The domain of an Interdict node.
//!
//! This crate is the pure core: it knows agencies, users, agreements, intelligence
//! reports, seizures and their subjects, the need-to-know policy and the audit hash
//! chain. It does no I/O, reads no clock (time is always a parameter) and knows
//! nothing of HTTP, SQL or async runtimes.

/// Implements an OpenAPI schema of type string for a type that serializes as text: its
/// description, the pattern of the text it serializes to, and an example.
#[macro_export]
macro_rules! string_schema {
    ($ty:ty, $description:literal, $pattern:literal, $example:literal) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($description))
                    .pattern(Some($pattern))
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }

        impl utoipa::ToSchema for $ty {}
    };
}

pub mod agency;
pub mod agreement;
pub mod alert;
pub mod audit;
pub mod file;
pub mod geo;
pub mod handling;
pub mod operation;
pub mod policy;
pub mod record;
pub mod resource;
pub mod stats;
pub mod subject;
pub mod text;
pub mod training;
pub mod validate;
pub mod vocabulary;

pub use agency::{AgencyCode, AgencyKind, Role, RoleSet, Username};
pub use agreement::{Agreement, Scope};
pub use handling::{Grading, Handling, Tlp};
pub use policy::{Access, Actor, Answer, DataKind, Denied, Meta, Principal, Visibility};
pub use record::{Record, RecordKind, RecordStatus, Report, ReportInput, Seizure, SeizureInput};
pub use subject::Subject;
pub use validate::FieldErrors;

/// Re-export of the checked identifier types used by subjects and agencies.
pub use interdict_ident as ident;
