//! E-mail addresses, checked pragmatically.

use serde::{Deserialize, Serialize};

use crate::text::impl_text_conversions;
use crate::IdentError;

/// An e-mail address of the shape `local@domain`, checked pragmatically
/// rather than against the full RFC 5322 grammar.
///
/// Accepted: exactly one '@'; a local part of 1 to 64 bytes without
/// whitespace or control characters; a domain of at least two dot-separated
/// labels, each 1 to 63 bytes of ASCII letters, digits and hyphens or
/// non-ASCII letters and digits (internationalised domain names), not
/// starting or ending with a hyphen; at most 254 bytes in all (UTF-8).
/// Surrounding whitespace is trimmed.
///
/// The canonical form lowercases the domain, which is case-insensitive, and
/// keeps the local part as given, since its case may matter to the receiving
/// server.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress {
    /// Invariant: a checked address with a lowercase domain.
    canonical: String,
    /// Byte index of the '@' in `canonical`.
    at_idx: usize,
}

/// Longest address accepted, in bytes (RFC 5321 path limit minus the angle
/// brackets).
const MAX_ADDRESS_LEN: usize = 254;
/// Longest local part, in bytes (RFC 5321).
const MAX_LOCAL_PART_LEN: usize = 64;
/// Longest domain label, in bytes (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

impl EmailAddress {
    /// Parses an address, trimming surrounding whitespace.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let trimmed = input.trim();
        if trimmed.len() > MAX_ADDRESS_LEN {
            return Err(IdentError::EmailTooLong);
        }
        let (local_part, domain) = match trimmed.split_once('@') {
            Some((local_part, domain)) if !domain.contains('@') => (local_part, domain),
            _ => return Err(IdentError::EmailAt),
        };
        check_local_part(local_part)?;
        // Checking the lowercased domain guarantees that the canonical form
        // parses again to itself.
        let domain = domain.to_lowercase();
        check_domain(&domain)?;
        let canonical = format!("{local_part}@{domain}");
        if canonical.len() > MAX_ADDRESS_LEN {
            // Lowercasing a few non-ASCII letters lengthens their UTF-8 form.
            return Err(IdentError::EmailTooLong);
        }
        Ok(Self {
            canonical,
            at_idx: local_part.len(),
        })
    }

    /// The canonical form: the local part as given, '@', the domain in
    /// lowercase.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The part before '@', as given.
    pub fn local_part(&self) -> &str {
        self.canonical.get(..self.at_idx).unwrap_or_default()
    }

    /// The part after '@', in lowercase.
    pub fn domain(&self) -> &str {
        self.canonical.get(self.at_idx + 1..).unwrap_or_default()
    }
}

impl_text_conversions!(EmailAddress);

/// Checks the part before '@'.
fn check_local_part(local_part: &str) -> Result<(), IdentError> {
    let reason = if local_part.is_empty() {
        "is empty"
    } else if local_part.len() > MAX_LOCAL_PART_LEN {
        "must be at most 64 bytes"
    } else if local_part
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        "must not contain whitespace or control characters"
    } else {
        return Ok(());
    };
    Err(IdentError::EmailLocalPart { reason })
}

/// Checks the part after '@'.
fn check_domain(domain: &str) -> Result<(), IdentError> {
    if domain.is_empty() {
        return Err(IdentError::EmailDomain { reason: "is empty" });
    }
    if !domain.contains('.') {
        return Err(IdentError::EmailDomain {
            reason: "needs at least one dot",
        });
    }
    for label in domain.split('.') {
        let reason = if label.is_empty() {
            "has an empty label"
        } else if label.len() > MAX_LABEL_LEN {
            "has a label longer than 63 bytes"
        } else if !label.chars().all(is_label_char) {
            "may contain only letters, digits, hyphens and dots"
        } else if label.starts_with('-') || label.ends_with('-') {
            "has a label starting or ending with a hyphen"
        } else {
            continue;
        };
        return Err(IdentError::EmailDomain { reason });
    }
    Ok(())
}

/// Whether a character may appear in a domain label: ASCII letters, digits
/// and hyphens, or non-ASCII letters and digits of an internationalised name.
fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_the_domain_only() {
        for (input, canonical, local_part, domain) in [
            (
                "duty.officer@KCS.GO.KR",
                "duty.officer@kcs.go.kr",
                "duty.officer",
                "kcs.go.kr",
            ),
            (
                "Ops+Intel@Customs.Go.Th",
                "Ops+Intel@customs.go.th",
                "Ops+Intel",
                "customs.go.th",
            ),
            (" a@b.co ", "a@b.co", "a", "b.co"),
            (
                "first_last@sub-domain.example.org",
                "first_last@sub-domain.example.org",
                "first_last",
                "sub-domain.example.org",
            ),
            (
                "x@xn--bcher-kva.example",
                "x@xn--bcher-kva.example",
                "x",
                "xn--bcher-kva.example",
            ),
            (
                "user@Bücher.Example",
                "user@bücher.example",
                "user",
                "bücher.example",
            ),
            (
                "수사@관세청.한국",
                "수사@관세청.한국",
                "수사",
                "관세청.한국",
            ),
            (
                "o'brien@example.ie",
                "o'brien@example.ie",
                "o'brien",
                "example.ie",
            ),
        ] {
            let email = EmailAddress::parse(input).unwrap();
            assert_eq!(email.as_str(), canonical, "{input:?}");
            assert_eq!(email.to_string(), canonical);
            assert_eq!(email.local_part(), local_part);
            assert_eq!(email.domain(), domain);
        }
    }

    #[test]
    fn rejects_addresses_without_exactly_one_at() {
        for input in [
            "",
            "   ",
            "plainaddress",
            "a@b@example.com",
            "@@",
            "user.example.com",
        ] {
            assert_eq!(
                EmailAddress::parse(input),
                Err(IdentError::EmailAt),
                "{input:?}"
            );
        }
        assert_eq!(
            IdentError::EmailAt.to_string(),
            "email address must contain exactly one '@'"
        );
    }

    #[test]
    fn rejects_bad_local_parts() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        for (input, reason) in [
            ("@example.com", "is empty"),
            (long_local.as_str(), "must be at most 64 bytes"),
            (
                "john doe@example.com",
                "must not contain whitespace or control characters",
            ),
            (
                "john\tdoe@example.com",
                "must not contain whitespace or control characters",
            ),
            (
                "john\u{0}@example.com",
                "must not contain whitespace or control characters",
            ),
            (
                "john\u{a0}doe@example.com",
                "must not contain whitespace or control characters",
            ),
        ] {
            assert_eq!(
                EmailAddress::parse(input),
                Err(IdentError::EmailLocalPart { reason }),
                "{input:?}"
            );
        }
        assert!(EmailAddress::parse(&format!("{}@example.com", "a".repeat(64))).is_ok());
        assert_eq!(
            EmailAddress::parse("@example.com").unwrap_err().to_string(),
            "email address local part is empty"
        );
    }

    #[test]
    fn rejects_bad_domains() {
        let long_label = format!("user@{}.com", "a".repeat(64));
        for (input, reason) in [
            ("user@", "is empty"),
            ("user@localhost", "needs at least one dot"),
            ("user@.example.com", "has an empty label"),
            ("user@example..com", "has an empty label"),
            ("user@example.com.", "has an empty label"),
            (long_label.as_str(), "has a label longer than 63 bytes"),
            (
                "user@-example.com",
                "has a label starting or ending with a hyphen",
            ),
            (
                "user@example-.com",
                "has a label starting or ending with a hyphen",
            ),
            (
                "user@exa_mple.com",
                "may contain only letters, digits, hyphens and dots",
            ),
            (
                "user@exa mple.com",
                "may contain only letters, digits, hyphens and dots",
            ),
            (
                "user@[192.168.0.1]",
                "may contain only letters, digits, hyphens and dots",
            ),
            (
                "user@exam🙂ple.com",
                "may contain only letters, digits, hyphens and dots",
            ),
        ] {
            assert_eq!(
                EmailAddress::parse(input),
                Err(IdentError::EmailDomain { reason }),
                "{input:?}"
            );
        }
        assert_eq!(
            EmailAddress::parse("user@localhost")
                .unwrap_err()
                .to_string(),
            "email address domain needs at least one dot"
        );
    }

    #[test]
    fn rejects_overlong_addresses() {
        let label = "a".repeat(60);
        let at_limit = format!(
            "{}@{label}.{label}.{label}.{}.com",
            "u".repeat(5),
            "b".repeat(61)
        );
        assert_eq!(at_limit.len(), 254);
        assert!(EmailAddress::parse(&at_limit).is_ok());
        let over_limit = format!("u{at_limit}");
        assert_eq!(
            EmailAddress::parse(&over_limit),
            Err(IdentError::EmailTooLong)
        );
        let very_long = "a@b.c".repeat(100_000);
        assert_eq!(
            EmailAddress::parse(&very_long),
            Err(IdentError::EmailTooLong)
        );
        assert_eq!(over_limit.len(), 255);
        assert_eq!(
            EmailAddress::parse(&over_limit).unwrap_err().code(),
            "invalid_email_address"
        );
    }

    #[test]
    fn serde_round_trips_as_canonical_string() {
        let email = EmailAddress::parse("Duty@KCS.go.kr").unwrap();
        let json = serde_json::to_string(&email).unwrap();
        assert_eq!(json, "\"Duty@kcs.go.kr\"");
        let decoded: EmailAddress = serde_json::from_str(&json).unwrap();
        assert_eq!(decoded, email);
        assert_eq!(decoded.local_part(), "Duty");
    }

    #[test]
    fn deserializing_invalid_value_fails_with_the_message() {
        let error = serde_json::from_str::<EmailAddress>("\"user@localhost\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("email address domain needs at least one dot"),
            "{error}"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_canonical_form_reparses(input in ".{0,80}") {
            if let Ok(email) = EmailAddress::parse(&input) {
                proptest::prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
            }
        }
    }
}
