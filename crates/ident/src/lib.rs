//! Checked identifier types for the records Interdict exchanges: IMO ship
//! numbers, MMSIs, ISO 6346 container numbers, E.164 phone numbers, ISO 3166-1
//! country codes and e-mail addresses.
//!
//! Each type is built only by its `parse` function (also available through
//! `FromStr`, `TryFrom` and serde), so a value that exists is valid and code
//! that receives one need not check it again. Every type renders its canonical
//! form through `as_str`, `Display` and serde, and orders and hashes by it.
//! Rejections are reported as an [`IdentError`], whose message is short and
//! says what is wrong and whose [`IdentError::code`] is stable.
//!
//! The crate is pure: it does no I/O, reads no clock or environment and holds
//! no state beyond constant tables.
//!
//! ```
//! use interdict_ident::{ContainerNumber, CountryCode, IdentError, Mmsi};
//!
//! let container: ContainerNumber = "csqu 305438-3".parse()?;
//! assert_eq!(container.as_str(), "CSQU3054383");
//!
//! let mmsi = Mmsi::parse("440123450")?;
//! assert_eq!(mmsi.mid(), Some(440));
//!
//! assert_eq!(CountryCode::parse("kor")?.region(), Some("Asia"));
//!
//! let error = ContainerNumber::parse("CSQU3054384").unwrap_err();
//! assert_eq!(error.to_string(), "container number check digit is 4, expected 3");
//! # Ok::<(), IdentError>(())
//! ```

#![warn(missing_docs)]

mod container;
mod country;
mod email;
mod error;
mod imo;
mod mmsi;
#[cfg(feature = "openapi")]
mod openapi;
mod phone;
mod spelling;
mod text;

pub use container::{ContainerCategory, ContainerNumber};
pub use country::CountryCode;
pub use email::EmailAddress;
pub use error::IdentError;
pub use imo::ImoNumber;
pub use mmsi::{Mmsi, MmsiKind};
pub use phone::PhoneNumber;
pub use spelling::{canonical_spellings, find_identifiers, Found};
