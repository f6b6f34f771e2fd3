//! Need-to-know: the one place that decides what a user may see and do.
//!
//! Every path that reads records — get, list, search, export, feeds, correlation hits —
//! asks this module. Reads of single records use [`Grants::allows`]; listing and search
//! turn [`Grants::branches`] into a storage filter, so that the database only ever
//! returns, pages and counts what the reader may see. The two are the same rule written
//! twice over one data structure, and the storage test suite checks they agree.
//!
//! The rule:
//! - a user reads records of their own agency if a role allows reading records;
//! - a partner agency's record is readable only while an agreement in force binds both
//!   agencies, covers the record's scope and allows the record's TLP label; only
//!   published records are shared — drafts and withdrawn records never leave the
//!   originating agency;
//! - a TLP:RED record also requires the reader's agency to be a named recipient.

use chrono::NaiveDate;
use serde::Serialize;

use crate::agency::{AgencyCode, Role, RoleSet, Username};
use crate::agreement::Agreement;
use crate::handling::Tlp;
use crate::record::{RecordKind, RecordStatus};

/// The authenticated user on whose behalf something is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub username: Username,
    pub agency: AgencyCode,
    pub roles: RoleSet,
}

/// Something a user may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read intelligence reports and seizure records.
    ReadRecords,
    /// Create, change and withdraw the own agency's records.
    WriteRecords,
    /// Manage users, tokens and agreements of the own agency.
    ManageAgency,
    /// Read the audit log.
    ReadAudit,
}

impl Action {
    fn roles(self) -> &'static [Role] {
        match self {
            Action::ReadRecords => &[Role::Analyst, Role::WatchOfficer, Role::Coordinator],
            Action::WriteRecords => &[Role::Analyst, Role::Coordinator],
            Action::ManageAgency => &[Role::AgencyAdmin],
            Action::ReadAudit => &[Role::AgencyAdmin, Role::Auditor],
        }
    }
}

/// Why something was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("your roles do not allow this")]
    Role,
    #[error("only the originating agency may change a record")]
    NotOwner,
    #[error("the record is withdrawn")]
    Withdrawn,
}

impl Actor {
    /// Whether the actor's roles allow `action` at all.
    pub fn may(&self, action: Action) -> bool {
        self.roles.any(action.roles())
    }

    /// Refuses unless the actor's roles allow `action`.
    pub fn require(&self, action: Action) -> Result<(), Denied> {
        if self.may(action) {
            Ok(())
        } else {
            Err(Denied::Role)
        }
    }

    /// Whether the actor may change or withdraw a record with this metadata. Callers
    /// check visibility first, so that an invisible record answers "not found".
    pub fn may_modify(&self, meta: &RecordMeta<'_>) -> Result<(), Denied> {
        self.require(Action::WriteRecords)?;
        if meta.agency != &self.agency {
            return Err(Denied::NotOwner);
        }
        if meta.status == RecordStatus::Withdrawn {
            return Err(Denied::Withdrawn);
        }
        Ok(())
    }
}

/// What the policy needs to know of a record.
#[derive(Clone, Copy, Debug)]
pub struct RecordMeta<'a> {
    pub agency: &'a AgencyCode,
    pub kind: RecordKind,
    pub tlp: Tlp,
    pub recipients: &'a [AgencyCode],
    pub status: RecordStatus,
}

/// Permission to read a partner's published records up to a TLP label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartnerGrant {
    pub agency: AgencyCode,
    pub max_tlp: Tlp,
}

/// One disjoint slice of what a reader may see, for storage to turn into a filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Branch {
    /// Every record of `agency`, whatever its status or label.
    Own { agency: AgencyCode },
    /// Published records of `agency` with exactly label `tlp`; when `recipient` is set,
    /// only those that name that agency as a recipient.
    Partner {
        agency: AgencyCode,
        tlp: Tlp,
        recipient: Option<AgencyCode>,
    },
}

/// What one actor may read of one kind of record on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grants {
    pub reader: AgencyCode,
    pub kind: RecordKind,
    /// Whether the reader sees their own agency's records.
    pub own: bool,
    /// Partners whose records the reader sees, one entry per agency, sorted.
    pub partners: Vec<PartnerGrant>,
}

/// Computes what `actor` may read of records of `kind` on `today`, given every
/// agreement the node knows (those not binding the actor's agency are ignored).
pub fn read_grants(
    actor: &Actor,
    kind: RecordKind,
    agreements: &[Agreement],
    today: NaiveDate,
) -> Grants {
    let may_read = actor.may(Action::ReadRecords);
    let mut partners: Vec<PartnerGrant> = Vec::new();
    if may_read {
        let scope = kind.scope();
        for agreement in agreements {
            if !(agreement.binds(&actor.agency)
                && agreement.in_force(today)
                && agreement.covers(scope))
            {
                continue;
            }
            for party in agreement.parties.iter().filter(|p| **p != actor.agency) {
                match partners.iter_mut().find(|g| &g.agency == party) {
                    Some(grant) => grant.max_tlp = grant.max_tlp.max(agreement.max_tlp),
                    None => partners.push(PartnerGrant {
                        agency: party.clone(),
                        max_tlp: agreement.max_tlp,
                    }),
                }
            }
        }
        partners.sort_by(|a, b| a.agency.cmp(&b.agency));
    }
    Grants {
        reader: actor.agency.clone(),
        kind,
        own: may_read,
        partners,
    }
}

impl Grants {
    /// Whether the reader may see a record with this metadata.
    pub fn allows(&self, meta: &RecordMeta<'_>) -> bool {
        if meta.kind != self.kind {
            return false;
        }
        if meta.agency == &self.reader {
            return self.own;
        }
        if meta.status != RecordStatus::Published {
            return false;
        }
        let Some(grant) = self.partners.iter().find(|g| &g.agency == meta.agency) else {
            return false;
        };
        meta.tlp <= grant.max_tlp
            && (meta.tlp != Tlp::Red || meta.recipients.contains(&self.reader))
    }

    /// Whether a record of `agency` belongs to another agency (its reads are audited).
    pub fn is_foreign(&self, agency: &AgencyCode) -> bool {
        agency != &self.reader
    }

    /// The disjoint slices of visible records. Empty when the reader sees nothing.
    pub fn branches(&self) -> Vec<Branch> {
        let mut branches = Vec::new();
        if self.own {
            branches.push(Branch::Own {
                agency: self.reader.clone(),
            });
        }
        for grant in &self.partners {
            for tlp in Tlp::ALL.into_iter().filter(|t| *t <= grant.max_tlp) {
                let recipient = (tlp == Tlp::Red).then(|| self.reader.clone());
                branches.push(Branch::Partner {
                    agency: grant.agency.clone(),
                    tlp,
                    recipient,
                });
            }
        }
        branches
    }

    /// Whether any record could be visible at all.
    pub fn is_empty(&self) -> bool {
        !self.own && self.partners.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::Scope;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn code(s: &str) -> AgencyCode {
        AgencyCode::parse(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn actor(agency: &str, roles: &[Role]) -> Actor {
        Actor {
            user_id: 1,
            username: Username::parse("someone").unwrap(),
            agency: code(agency),
            roles: roles.iter().copied().collect(),
        }
    }

    fn agreements() -> Vec<Agreement> {
        vec![
            Agreement {
                id: Uuid::nil(),
                title: "KCG-KCS MOU".into(),
                parties: vec![code("KR-KCG"), code("KR-KCS")],
                scopes: Scope::ALL.to_vec(),
                valid_from: day(2023, 4, 5),
                valid_to: None,
                max_tlp: Tlp::Amber,
            },
            Agreement {
                id: Uuid::nil(),
                title: "KCS-Thai".into(),
                parties: vec![code("KR-KCS"), code("TH-CUSTOMS")],
                scopes: vec![Scope::Intelligence, Scope::Seizures],
                valid_from: day(2020, 1, 1),
                valid_to: None,
                max_tlp: Tlp::Green,
            },
            Agreement {
                id: Uuid::nil(),
                title: "expired".into(),
                parties: vec![code("KR-KCS"), code("US-HSI")],
                scopes: vec![Scope::Intelligence],
                valid_from: day(2020, 1, 1),
                valid_to: Some(day(2021, 12, 31)),
                max_tlp: Tlp::Red,
            },
        ]
    }

    fn meta<'a>(
        agency: &'a AgencyCode,
        tlp: Tlp,
        recipients: &'a [AgencyCode],
        status: RecordStatus,
    ) -> RecordMeta<'a> {
        RecordMeta {
            agency,
            kind: RecordKind::Report,
            tlp,
            recipients,
            status,
        }
    }

    #[test]
    fn partner_sees_published_records_up_to_the_agreed_label() {
        let kcs = code("KR-KCS");
        let grants = read_grants(
            &actor("KR-KCG", &[Role::Analyst]),
            RecordKind::Report,
            &agreements(),
            day(2026, 1, 1),
        );
        assert!(grants.allows(&meta(&kcs, Tlp::Amber, &[], RecordStatus::Published)));
        assert!(!grants.allows(&meta(&kcs, Tlp::AmberStrict, &[], RecordStatus::Published)));
        assert!(!grants.allows(&meta(&kcs, Tlp::Green, &[], RecordStatus::Draft)));
        assert!(!grants.allows(&meta(&kcs, Tlp::Green, &[], RecordStatus::Withdrawn)));
    }

    #[test]
    fn agreement_scope_and_dates_matter() {
        let kcs = code("KR-KCS");
        let thai = read_grants(
            &actor("TH-CUSTOMS", &[Role::Analyst]),
            RecordKind::Report,
            &agreements(),
            day(2026, 1, 1),
        );
        assert!(thai.allows(&meta(&kcs, Tlp::Green, &[], RecordStatus::Published)));
        assert!(!thai.allows(&meta(&kcs, Tlp::Amber, &[], RecordStatus::Published)));
        // The KCS–HSI agreement expired: nothing is visible, not even TLP:CLEAR.
        let hsi = read_grants(
            &actor("US-HSI", &[Role::Analyst]),
            RecordKind::Report,
            &agreements(),
            day(2026, 1, 1),
        );
        assert!(!hsi.allows(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)));
        assert!(hsi.partners.is_empty());
        // While it was in force, RED needed the reader to be named.
        let hsi_then = read_grants(
            &actor("US-HSI", &[Role::Analyst]),
            RecordKind::Report,
            &agreements(),
            day(2021, 6, 1),
        );
        assert!(!hsi_then.allows(&meta(
            &kcs,
            Tlp::Red,
            &[code("KR-KCG")],
            RecordStatus::Published
        )));
        assert!(hsi_then.allows(&meta(
            &kcs,
            Tlp::Red,
            &[code("US-HSI")],
            RecordStatus::Published
        )));
        // Surveillance scope of the Thai agreement is absent: seizures yes, other kinds no.
        let thai_seizures = read_grants(
            &actor("TH-CUSTOMS", &[Role::Analyst]),
            RecordKind::Seizure,
            &agreements(),
            day(2026, 1, 1),
        );
        assert_eq!(thai_seizures.partners.len(), 1);
    }

    #[test]
    fn roles_gate_reading_and_writing() {
        let kcs = code("KR-KCS");
        let trainer = read_grants(
            &actor("KR-KCS", &[Role::Trainer]),
            RecordKind::Report,
            &agreements(),
            day(2026, 1, 1),
        );
        assert!(!trainer.allows(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)));
        assert!(trainer.is_empty());
        let watch = actor("KR-KCS", &[Role::WatchOfficer]);
        assert_eq!(
            watch.may_modify(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)),
            Err(Denied::Role)
        );
        let analyst = actor("KR-KCG", &[Role::Analyst]);
        assert_eq!(
            analyst.may_modify(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)),
            Err(Denied::NotOwner)
        );
    }

    #[test]
    fn unknown_agency_sees_nothing_of_others() {
        let grants = read_grants(
            &actor("JP-CUSTOMS", &[Role::Analyst]),
            RecordKind::Report,
            &agreements(),
            day(2026, 1, 1),
        );
        assert_eq!(
            grants.branches(),
            vec![Branch::Own {
                agency: code("JP-CUSTOMS")
            }]
        );
    }

    fn branch_allows(branches: &[Branch], m: &RecordMeta<'_>) -> bool {
        branches.iter().any(|b| match b {
            Branch::Own { agency } => agency == m.agency,
            Branch::Partner {
                agency,
                tlp,
                recipient,
            } => {
                agency == m.agency
                    && *tlp == m.tlp
                    && m.status == RecordStatus::Published
                    && recipient.as_ref().is_none_or(|r| m.recipients.contains(r))
            }
        })
    }

    proptest! {
        /// The slices handed to storage select exactly the records `allows` admits.
        #[test]
        fn branches_agree_with_allows(
            reader in 0usize..4, owner in 0usize..4, tlp in 0usize..5, status in 0usize..3,
            named in proptest::collection::vec(0usize..4, 0..3), year in 2019i32..2027,
            roles in proptest::collection::vec(0usize..7, 0..3),
        ) {
            let agencies = ["KR-KCS", "KR-KCG", "TH-CUSTOMS", "US-HSI"].map(code);
            let statuses = [RecordStatus::Draft, RecordStatus::Published, RecordStatus::Withdrawn];
            let roles: Vec<Role> = roles.into_iter().map(|r| Role::ALL[r]).collect();
            let mut a = actor(agencies[reader].as_str(), &roles);
            a.agency = agencies[reader].clone();
            let recipients: Vec<AgencyCode> = named.into_iter().map(|i| agencies[i].clone()).collect();
            let grants = read_grants(&a, RecordKind::Report, &agreements(), day(year, 6, 1));
            let m = meta(&agencies[owner], Tlp::ALL[tlp], &recipients, statuses[status]);
            prop_assert_eq!(grants.allows(&m), branch_allows(&grants.branches(), &m));
        }
    }
}
