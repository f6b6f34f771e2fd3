//! Correlation of subjects across records: who else holds something on the same
//! person, company, vessel, container or phone.
//!
//! - [`identifier`]: identifiers normalised per scheme (IMO, MMSI, call sign,
//!   container, passport and other documents, E.164 phone, e-mail, IBAN and local
//!   bank accounts, plates), the stop list of placeholder values.
//! - [`name`], [`hangul`], [`thai`], [`cyrillic`], [`text`]: names normalised and
//!   romanised (Hangul in RR, MR and common spellings with the surname table;
//!   Thai in RTGS), legal forms and vessel conventions removed, compared in levels.
//! - [`date`]: dates of birth as they are written.
//! - [`compare`] and [`model`]: comparison vectors and the Fellegi–Sunter model,
//!   with term-frequency adjustment and demotion of over-common identifiers,
//!   estimated by random sampling and expectation maximisation.
//! - [`block`], [`cluster`], [`resolve`]: batch resolution of a set of subjects
//!   into clusters.
//! - [`index`]: the incremental index a server keeps, queried record by record.
//!
//! The crate is pure: no I/O, no clock, no randomness but a seeded generator;
//! the same input gives the same output.
//!
//! ```
//! use interdict_correlate::{Index, IndexOptions, Kind, Scheme, Subject};
//!
//! let mut index = Index::new(IndexOptions::default());
//! index.upsert("customs-1", &[Subject::named(Kind::Vessel, "해양호").with_id(Scheme::Imo, "9074729")]);
//! let found = index.matches(
//!     &[Subject::named(Kind::Vessel, "HAE YANG HO").with_id(Scheme::Imo, "IMO 9074729")],
//!     None,
//! );
//! assert_eq!(found[0].record, "customs-1");
//! assert!(found[0].fields.iter().any(|f| f.field == "imo" && f.level == "same"));
//! assert!(found[0].fields.iter().any(|f| f.field == "name" && f.level == "exact"));
//! ```

pub mod block;
pub mod cluster;
pub mod compare;
pub mod cyrillic;
pub mod date;
pub mod hangul;
pub mod identifier;
pub mod index;
pub mod model;
pub mod name;
pub mod resolve;
pub mod subject;
pub mod text;
pub mod thai;

pub use identifier::{Identifier, IdentifierError, Scheme};
pub use index::{Index, IndexOptions, Match};
pub use model::{FieldWeight, Model};
pub use resolve::{resolve, Options, Resolution, Resolver, Stage};
pub use subject::{Kind, Prepared, Problem, RawIdentifier, Schema, Subject};
