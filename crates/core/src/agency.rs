//! Agencies, users and roles.

use std::fmt;
use std::str::FromStr;

use interdict_ident::CountryCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The code of an agency, such as `KR-KCS` or `TH-CUSTOMS`.
///
/// It starts with the ISO 3166-1 alpha-2 code of the agency's country, then a hyphen and
/// 2 to 24 upper-case letters, digits or hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

/// Why a string is not an agency code or a username.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("agency code must look like KR-KCS: a country code, a hyphen and 2 to 24 letters, digits or hyphens")]
    AgencyCodeShape,
    #[error("agency code starts with {0:?}, which is not an ISO 3166 country code")]
    AgencyCountry(String),
    #[error("username must be 3 to 64 characters of a-z, 0-9, '.', '_' or '-'")]
    Username,
    #[error("unknown role {0:?}")]
    Role(String),
}

impl AgencyCode {
    /// Parses an agency code; lower case is accepted and upper-cased.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let code = raw.trim().to_ascii_uppercase();
        let (country, rest) = code.split_once('-').ok_or(NameError::AgencyCodeShape)?;
        let rest_ok = (2..=24).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !rest.ends_with('-');
        if country.len() != 2 || !rest_ok {
            return Err(NameError::AgencyCodeShape);
        }
        CountryCode::parse(country).map_err(|_| NameError::AgencyCountry(country.to_owned()))?;
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The country of the agency, taken from the code's prefix.
    pub fn country(&self) -> Option<CountryCode> {
        CountryCode::parse(&self.0[..2]).ok()
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AgencyCode {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for AgencyCode {
    type Error = NameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AgencyCode> for String {
    fn from(value: AgencyCode) -> Self {
        value.0
    }
}

/// What kind of body an agency is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    Customs,
    CoastGuard,
    Police,
    Other,
}

impl AgencyKind {
    /// The stable text form used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customs => "customs",
            Self::CoastGuard => "coast_guard",
            Self::Police => "police",
            Self::Other => "other",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Customs, Self::CoastGuard, Self::Police, Self::Other]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// An agency known to this node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub code: AgencyCode,
    pub name: String,
    pub country: CountryCode,
    pub kind: AgencyKind,
    /// Whom partners contact about a deconfliction hit on this agency's records: a desk,
    /// a phone number, an address.
    #[serde(default)]
    pub contact: String,
}

/// A login name: 3 to 64 characters of `a-z 0-9 . _ -`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Parses a username; upper case is folded to lower case.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let name = raw.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Self(name))
        } else {
            Err(NameError::Username)
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Username {
    type Error = NameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

/// What a user does in their agency. A user may hold several roles.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Analyst,
    WatchOfficer,
    Coordinator,
    ResourceManager,
    Trainer,
    AgencyAdmin,
    Auditor,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 7] = [
        Role::Analyst,
        Role::WatchOfficer,
        Role::Coordinator,
        Role::ResourceManager,
        Role::Trainer,
        Role::AgencyAdmin,
        Role::Auditor,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Analyst => "analyst",
            Self::WatchOfficer => "watch_officer",
            Self::Coordinator => "coordinator",
            Self::ResourceManager => "resource_manager",
            Self::Trainer => "trainer",
            Self::AgencyAdmin => "agency_admin",
            Self::Auditor => "auditor",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| NameError::Role(raw.to_owned()))
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of roles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(u8);

impl utoipa::PartialSchema for RoleSet {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(Role::schema())
            .unique_items(true)
            .into()
    }
}

impl utoipa::ToSchema for RoleSet {}

impl RoleSet {
    /// The empty set.
    pub const EMPTY: RoleSet = RoleSet(0);

    /// Whether the set holds `role`.
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Whether the set holds any of `roles`.
    pub fn any(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.contains(*r))
    }

    /// Adds a role.
    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Comma-separated text form, as stored.
    pub fn to_csv(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    /// Parses the comma-separated text form.
    pub fn parse_csv(raw: &str) -> Result<Self, NameError> {
        raw.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Role::parse)
            .collect()
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        let mut set = RoleSet::EMPTY;
        for role in iter {
            set.insert(role);
        }
        set
    }
}

impl Serialize for RoleSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for RoleSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let roles = Vec::<Role>::deserialize(deserializer)?;
        Ok(roles.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_codes() {
        assert_eq!(AgencyCode::parse("kr-kcs").unwrap().as_str(), "KR-KCS");
        assert!(AgencyCode::parse("TH-CUSTOMS").is_ok());
        assert_eq!(
            AgencyCode::parse("XX-KCS"),
            Err(NameError::AgencyCountry("XX".into()))
        );
        for bad in [
            "KRKCS",
            "K-KCS",
            "KR-",
            "KR-K",
            "KR-KCS-",
            "KR-K S",
            "한국-KCS",
        ] {
            assert!(AgencyCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse("KCS.Analyst").unwrap().as_str(),
            "kcs.analyst"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn role_sets_round_trip() {
        let set: RoleSet = [Role::Analyst, Role::Auditor].into_iter().collect();
        assert_eq!(set.to_csv(), "analyst,auditor");
        assert_eq!(RoleSet::parse_csv("auditor,analyst").unwrap(), set);
        assert!(RoleSet::parse_csv("analyst,pilot").is_err());
        assert!(!set.contains(Role::Trainer));
    }
}

crate::string_schema!(
    AgencyCode,
    "Agency code: ISO 3166 country, a hyphen and 2 to 24 letters, digits or hyphens, in upper case",
    "^[A-Z]{2}-[A-Z0-9-]{1,23}[A-Z0-9]$",
    "KR-KCS"
);
crate::string_schema!(
    Username,
    "Login name of 3 to 64 characters of a-z, 0-9, ., _ or -",
    "^[a-z0-9._-]{3,64}$",
    "kcs.analyst"
);
