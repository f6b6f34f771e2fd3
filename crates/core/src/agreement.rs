//! Agreements between agencies: the memorandum of understanding as an object.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::agency::AgencyCode;
use crate::handling::Tlp;

/// An area of cooperation that an agreement may cover. Every record belongs to exactly
/// one scope.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Intelligence reports.
    Intelligence,
    /// Data from surveillance programmes (the maritime picture).
    Surveillance,
    /// Detection dogs and equipment.
    Resources,
    /// Capacity building.
    Training,
    /// Seizure records.
    Seizures,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 5] = [
        Scope::Intelligence,
        Scope::Surveillance,
        Scope::Resources,
        Scope::Training,
        Scope::Seizures,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intelligence => "intelligence",
            Self::Surveillance => "surveillance",
            Self::Resources => "resources",
            Self::Training => "training",
            Self::Seizures => "seizures",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
}

/// An agreement between two or more agencies to share records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Agreement {
    pub id: Uuid,
    pub title: String,
    /// The agencies bound by the agreement; at least two, all different.
    pub parties: Vec<AgencyCode>,
    pub scopes: Vec<Scope>,
    pub valid_from: NaiveDate,
    /// The last day on which the agreement is in force; open-ended when null.
    #[schema(required = true)]
    pub valid_to: Option<NaiveDate>,
    /// The most restricted handling label that may be shared under the agreement.
    pub max_tlp: Tlp,
}

/// Why an agreement is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    #[error("an agreement needs at least two different parties")]
    Parties,
    #[error("an agreement needs at least one scope")]
    Scopes,
    #[error("valid_to is before valid_from")]
    Dates,
    #[error("title must not be empty")]
    Title,
}

impl Agreement {
    /// Checks the invariants of an agreement.
    pub fn check(&self) -> Result<(), AgreementError> {
        let mut parties = self.parties.clone();
        parties.sort();
        parties.dedup();
        if parties.len() < 2 || parties.len() != self.parties.len() {
            return Err(AgreementError::Parties);
        }
        if self.scopes.is_empty() {
            return Err(AgreementError::Scopes);
        }
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(AgreementError::Dates);
        }
        if self.title.trim().is_empty() {
            return Err(AgreementError::Title);
        }
        Ok(())
    }

    /// Whether the agreement is in force on `day`.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }

    /// Whether `agency` is a party.
    pub fn binds(&self, agency: &AgencyCode) -> bool {
        self.parties.contains(agency)
    }

    /// Whether the agreement covers `scope`.
    pub fn covers(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}
