//! Handling codes (TLP 2.0) and grading (Admiralty code).

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::agency::AgencyCode;

/// Traffic Light Protocol 2.0 label. The order is from least to most restricted.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum Tlp {
    #[serde(rename = "CLEAR")]
    Clear,
    #[serde(rename = "GREEN")]
    Green,
    #[serde(rename = "AMBER")]
    Amber,
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    #[serde(rename = "RED")]
    Red,
}

impl Tlp {
    /// Every label, least restricted first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The label as written in TLP 2.0.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clear => "CLEAR",
            Self::Green => "GREEN",
            Self::Amber => "AMBER",
            Self::AmberStrict => "AMBER+STRICT",
            Self::Red => "RED",
        }
    }

    /// A small integer, 0 for CLEAR up to 4 for RED, used as the stored form so that
    /// storage can compare levels.
    pub fn rank(self) -> i64 {
        self as i64
    }

    /// The inverse of [`Tlp::rank`].
    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.rank() == rank)
    }

    /// Parses the TLP 2.0 label, accepting a `TLP:` prefix and any case.
    pub fn parse(raw: &str) -> Option<Self> {
        let upper = raw.trim().to_ascii_uppercase();
        let label = upper.strip_prefix("TLP:").unwrap_or(&upper);
        Self::ALL.into_iter().find(|t| t.as_str() == label)
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLP:{}", self.as_str())
    }
}

/// How a record may be handled: its TLP label and, for TLP:RED, the agencies named as
/// recipients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Handling {
    pub tlp: Tlp,
    /// Agencies other than the originator that may see a TLP:RED record. Must be empty
    /// for every other label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<AgencyCode>,
}

impl Handling {
    /// A handling with the given label and no named recipients.
    pub fn new(tlp: Tlp) -> Self {
        Self {
            tlp,
            recipients: Vec::new(),
        }
    }
}

/// Admiralty source reliability, A (completely reliable) to F (cannot be judged).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum SourceReliability {
    A,
    B,
    C,
    D,
    E,
    F,
}

/// Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Credibility(u8);

impl Credibility {
    /// A credibility from 1 to 6.
    pub fn new(value: u8) -> Option<Self> {
        (1..=6).contains(&value).then_some(Self(value))
    }

    /// The number 1 to 6.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// The Admiralty grading of a piece of intelligence, written like `B2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Grading {
    pub source: SourceReliability,
    pub credibility: Credibility,
}

/// Why a string is not a grading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("grading must be a source reliability A-F followed by a credibility 1-6, like B2")]
pub struct GradingError;

impl Grading {
    /// Parses `A1` .. `F6` (any case).
    pub fn parse(raw: &str) -> Result<Self, GradingError> {
        let bytes = raw.trim().as_bytes();
        let [letter, digit] = bytes else {
            return Err(GradingError);
        };
        let source = match letter.to_ascii_uppercase() {
            b'A' => SourceReliability::A,
            b'B' => SourceReliability::B,
            b'C' => SourceReliability::C,
            b'D' => SourceReliability::D,
            b'E' => SourceReliability::E,
            b'F' => SourceReliability::F,
            _ => return Err(GradingError),
        };
        let credibility = digit
            .checked_sub(b'0')
            .and_then(Credibility::new)
            .ok_or(GradingError)?;
        Ok(Self {
            source,
            credibility,
        })
    }
}

impl fmt::Display for Grading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}{}", self.source, self.credibility.get())
    }
}

impl TryFrom<String> for Grading {
    type Error = GradingError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Grading> for String {
    fn from(value: Grading) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlp_order_and_labels() {
        assert!(
            Tlp::Clear < Tlp::Green && Tlp::Amber < Tlp::AmberStrict && Tlp::AmberStrict < Tlp::Red
        );
        assert_eq!(Tlp::parse("tlp:amber+strict"), Some(Tlp::AmberStrict));
        assert_eq!(Tlp::parse("WHITE"), None);
        for t in Tlp::ALL {
            assert_eq!(Tlp::from_rank(t.rank()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
    }

    #[test]
    fn gradings() {
        assert_eq!(Grading::parse("b2").unwrap().to_string(), "B2");
        for bad in ["", "B", "B7", "G1", "B0", "B22", "2B"] {
            assert!(Grading::parse(bad).is_err(), "{bad}");
        }
        let g: Grading = serde_json::from_str("\"F6\"").unwrap();
        assert_eq!(g.to_string(), "F6");
        assert!(serde_json::from_str::<Grading>("\"A9\"").is_err());
    }
}

crate::string_schema!(
    Grading,
    "Admiralty grading: source reliability A-F and information credibility 1-6",
    "^[A-F][1-6]$",
    "B2"
);
