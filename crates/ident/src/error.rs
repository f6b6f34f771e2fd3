//! The error type shared by every identifier in this crate.

use thiserror::Error;

/// Why a string is not a valid identifier.
///
/// Messages are short, lowercase and name what is wrong. They never echo free
/// text from the input (which may be long, garbage, or personal data such as a
/// phone number); they only echo values that are already known to be short and
/// well-formed, such as a nine-digit MMSI. Use [`IdentError::code`] for a
/// stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IdentError {
    /// The input is not seven digits, optionally prefixed with "IMO".
    #[error("imo number must be 7 digits, optionally prefixed with \"IMO\"")]
    ImoFormat,
    /// The input is "0000000", which AIS and registries use for "not available".
    #[error("imo number 0000000 means not available")]
    ImoNotAvailable,
    /// The seventh digit does not match the IMO check digit.
    #[error("imo number check digit is {found}, expected {expected}")]
    ImoCheckDigit {
        /// The check digit given in the input.
        found: u8,
        /// The check digit computed from the first six digits.
        expected: u8,
    },
    /// The input is not nine digits.
    #[error("mmsi must be 9 digits")]
    MmsiFormat,
    /// The nine digits match no ITU-R M.585 format with a valid MID.
    #[error("mmsi {mmsi} has no valid maritime identification digits")]
    MmsiMid {
        /// The nine digits of the rejected MMSI.
        mmsi: String,
    },
    /// The input does not have the shape of an ISO 6346 container number.
    #[error(
        "container number must be 11 characters: 3-letter owner code, category U, J or Z, 6 digits and a check digit"
    )]
    ContainerFormat,
    /// The fourth character is a letter but not a category identifier.
    #[error("container number category is {found}, expected U, J or Z")]
    ContainerCategory {
        /// The (uppercased) fourth character of the input.
        found: char,
    },
    /// The eleventh character does not match the ISO 6346 check digit.
    #[error("container number check digit is {found}, expected {expected}")]
    ContainerCheckDigit {
        /// The check digit given in the input.
        found: u8,
        /// The check digit computed from the first ten characters.
        expected: u8,
    },
    /// The input is not '+' followed by 8 to 15 digits, the first not 0.
    #[error("phone number must be '+' followed by 8 to 15 digits, the first not 0")]
    PhoneFormat,
    /// The leading digits match no assigned country calling code.
    #[error("phone number starts with no assigned country calling code")]
    PhoneCountryCallingCode,
    /// The input is not two or three ASCII letters.
    #[error("country code must be 2 or 3 letters")]
    CountryFormat,
    /// The input has the right shape but is not an assigned ISO 3166-1 code.
    #[error("country code {code} is not an assigned iso 3166-1 alpha-2 or alpha-3 code")]
    CountryUnassigned {
        /// The (uppercased) two or three letters of the input.
        code: String,
    },
    /// The input does not contain exactly one '@'.
    #[error("email address must contain exactly one '@'")]
    EmailAt,
    /// The part before '@' is unacceptable.
    #[error("email address local part {reason}")]
    EmailLocalPart {
        /// What is wrong with the local part, e.g. "is empty".
        reason: &'static str,
    },
    /// The part after '@' is unacceptable.
    #[error("email address domain {reason}")]
    EmailDomain {
        /// What is wrong with the domain, e.g. "needs at least one dot".
        reason: &'static str,
    },
    /// The whole address is longer than 254 bytes.
    #[error("email address must be at most 254 bytes")]
    EmailTooLong,
}

impl IdentError {
    /// A stable machine-readable code naming the kind of identifier that was
    /// rejected, e.g. `"invalid_imo"`. Suitable for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ImoFormat | Self::ImoNotAvailable | Self::ImoCheckDigit { .. } => "invalid_imo",
            Self::MmsiFormat | Self::MmsiMid { .. } => "invalid_mmsi",
            Self::ContainerFormat
            | Self::ContainerCategory { .. }
            | Self::ContainerCheckDigit { .. } => "invalid_container_number",
            Self::PhoneFormat | Self::PhoneCountryCallingCode => "invalid_phone_number",
            Self::CountryFormat | Self::CountryUnassigned { .. } => "invalid_country_code",
            Self::EmailAt
            | Self::EmailLocalPart { .. }
            | Self::EmailDomain { .. }
            | Self::EmailTooLong => "invalid_email_address",
        }
    }
}
