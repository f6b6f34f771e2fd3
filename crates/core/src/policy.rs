//! Need-to-know: the one place that decides who may see and do what.
//!
//! Every path that reads data — get, list, search, map, feeds, exports, statistics,
//! correlation hits — asks this module. It answers in two forms that are the same rule:
//!
//! - for one piece of data, [`Access::answer`]: [`Answer::Visible`],
//!   [`Answer::Exists`] (the owner holds something the reader may not see, and may be
//!   asked: the deconfliction answer) or [`Answer::Nothing`];
//! - for storage, an opaque [`Visibility`]: the set of *access terms* the reader may
//!   read. Every piece of data carries the access terms of its own ([`access_terms`]),
//!   and it is visible exactly when one of them is in the reader's set. Storage turns
//!   the set into index ranges and queries; it can neither build nor change one, so it
//!   cannot widen what a reader sees.
//!
//! The rule:
//! - a user reads data of their own agency when a role allows reading that kind;
//! - a partner agency's published data is readable while an agreement in force binds
//!   both agencies, covers the scope of the kind of data and allows its TLP label;
//!   TLP:RED also needs the reader's agency among the named recipients; drafts and
//!   withdrawn records never leave the originating agency;
//! - members of a joint operation read the published records attached to it up to the
//!   operation's handling limit, whatever their agreements say (a compartment);
//! - an owner may disclose one published record to one agency until a day;
//! - the node's own jobs read everything; a partner node reads as its agency.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::agency::{AgencyCode, Role, RoleSet, Username};
use crate::agreement::{Agreement, Scope};
use crate::handling::Tlp;
use crate::record::{RecordKind, RecordStatus};

/// An authenticated user on whose behalf something is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub username: Username,
    pub agency: AgencyCode,
    pub roles: RoleSet,
}

/// Whoever asks: a user, a partner node, or the node itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// An officer of an agency, with roles.
    User(Actor),
    /// A partner's node, reading on behalf of its agency what the agreements allow.
    Node { agency: AgencyCode },
    /// The node itself: background jobs (ingest, detection, correlation) and the
    /// operator at the node's console. Reads everything, is audited as the system.
    System { job: &'static str },
}

impl Principal {
    /// The agency on whose behalf the principal acts; `None` for the node itself.
    pub fn agency(&self) -> Option<&AgencyCode> {
        match self {
            Principal::User(actor) => Some(&actor.agency),
            Principal::Node { agency } => Some(agency),
            Principal::System { .. } => None,
        }
    }

    /// Whether the principal may do `action` at all.
    pub fn may(&self, action: Action) -> bool {
        match self {
            Principal::User(actor) => actor.may(action),
            // A partner node reads, nothing else.
            Principal::Node { .. } => action.is_read(),
            Principal::System { .. } => true,
        }
    }
}

/// Something a principal may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read intelligence reports and seizure records.
    ReadRecords,
    /// Create, change and withdraw the own agency's records.
    WriteRecords,
    /// Read the maritime picture: positions, tracks, sources and alerts.
    ReadSurveillance,
    /// Manage the own agency's surveillance sources, areas and alerts.
    ManageSurveillance,
    /// Run joint operations.
    ManageOperations,
    /// Read the register of dogs and equipment and the loans.
    ReadResources,
    /// Manage the own agency's register and answer partners' requests.
    ManageResources,
    /// Read courses and enrolments.
    ReadTraining,
    /// Manage courses, sessions and enrolments.
    ManageTraining,
    /// Manage users, tokens and agreements of the own agency.
    ManageAgency,
    /// Read the audit log.
    ReadAudit,
}

impl Action {
    /// The roles that allow the action.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ReadRecords => &[Analyst, WatchOfficer, Coordinator],
            Action::WriteRecords => &[Analyst, Coordinator],
            Action::ReadSurveillance => &[WatchOfficer, Analyst, Coordinator],
            Action::ManageSurveillance => &[WatchOfficer, Coordinator],
            Action::ManageOperations => &[Coordinator],
            Action::ReadResources => &[ResourceManager, Coordinator, Analyst, WatchOfficer],
            Action::ManageResources => &[ResourceManager],
            Action::ReadTraining => &[Trainer, AgencyAdmin, Coordinator, ResourceManager],
            Action::ManageTraining => &[Trainer],
            Action::ManageAgency => &[AgencyAdmin],
            Action::ReadAudit => &[AgencyAdmin, Auditor],
        }
    }

    /// Whether the action only reads.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::ReadRecords
                | Action::ReadSurveillance
                | Action::ReadResources
                | Action::ReadTraining
        )
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

    /// Whether the actor may change or withdraw data with this metadata. Callers check
    /// visibility first, so that invisible data answers "not found".
    pub fn may_modify(&self, meta: &Meta<'_>) -> Result<(), Denied> {
        self.require(meta.kind.write_action())?;
        if meta.agency != &self.agency {
            return Err(Denied::NotOwner);
        }
        if meta.status == RecordStatus::Withdrawn {
            return Err(Denied::Withdrawn);
        }
        Ok(())
    }
}

/// Every kind of data the node holds, each governed by a scope of the agreements or
/// by the compartment of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    /// Intelligence reports.
    Report,
    /// Seizure records.
    Seizure,
    /// What a surveillance source saw: vessel positions, tracks, identities.
    Track,
    /// Surveillance sources (feeds) themselves.
    Source,
    /// Alerts raised by the behaviour detectors.
    Alert,
    /// Joint operations and what is posted in them.
    Operation,
    /// Detection dogs and equipment.
    Resource,
    /// Requests to borrow a resource, and loans.
    Loan,
    /// Courses and their sessions.
    Course,
    /// Enrolments, attendance and certificates.
    Enrolment,
}

/// What decides whether a partner sees a kind of data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// A scope of the agreements.
    Scope(Scope),
    /// Only the members of the operation (and the owner).
    Compartment,
}

impl DataKind {
    /// Every kind.
    pub const ALL: [DataKind; 10] = [
        DataKind::Report,
        DataKind::Seizure,
        DataKind::Track,
        DataKind::Source,
        DataKind::Alert,
        DataKind::Operation,
        DataKind::Resource,
        DataKind::Loan,
        DataKind::Course,
        DataKind::Enrolment,
    ];

    /// The stable text form, also used inside access terms.
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::Report => "report",
            DataKind::Seizure => "seizure",
            DataKind::Track => "track",
            DataKind::Source => "source",
            DataKind::Alert => "alert",
            DataKind::Operation => "operation",
            DataKind::Resource => "resource",
            DataKind::Loan => "loan",
            DataKind::Course => "course",
            DataKind::Enrolment => "enrolment",
        }
    }

    /// What governs sharing of this kind with partners.
    pub fn coverage(self) -> Coverage {
        match self {
            DataKind::Report => Coverage::Scope(Scope::Intelligence),
            DataKind::Seizure => Coverage::Scope(Scope::Seizures),
            DataKind::Track | DataKind::Source | DataKind::Alert => {
                Coverage::Scope(Scope::Surveillance)
            }
            DataKind::Operation => Coverage::Compartment,
            DataKind::Resource | DataKind::Loan => Coverage::Scope(Scope::Resources),
            DataKind::Course | DataKind::Enrolment => Coverage::Scope(Scope::Training),
        }
    }

    /// The action that reading this kind needs.
    pub fn read_action(self) -> Action {
        match self {
            DataKind::Report | DataKind::Seizure | DataKind::Operation => Action::ReadRecords,
            DataKind::Track | DataKind::Source | DataKind::Alert => Action::ReadSurveillance,
            DataKind::Resource | DataKind::Loan => Action::ReadResources,
            DataKind::Course | DataKind::Enrolment => Action::ReadTraining,
        }
    }

    /// The action that changing this kind needs.
    pub fn write_action(self) -> Action {
        match self {
            DataKind::Report | DataKind::Seizure => Action::WriteRecords,
            DataKind::Track | DataKind::Source | DataKind::Alert => Action::ManageSurveillance,
            DataKind::Operation => Action::ManageOperations,
            DataKind::Resource | DataKind::Loan => Action::ManageResources,
            DataKind::Course | DataKind::Enrolment => Action::ManageTraining,
        }
    }
}

impl From<RecordKind> for DataKind {
    fn from(kind: RecordKind) -> Self {
        match kind {
            RecordKind::Report => DataKind::Report,
            RecordKind::Seizure => DataKind::Seizure,
            RecordKind::Alert => DataKind::Alert,
        }
    }
}

/// What the policy needs to know of one piece of data.
#[derive(Clone, Copy, Debug)]
pub struct Meta<'a> {
    pub kind: DataKind,
    /// The owning (originating) agency.
    pub agency: &'a AgencyCode,
    pub tlp: Tlp,
    /// The agencies named as recipients of TLP:RED data.
    pub recipients: &'a [AgencyCode],
    /// Data that has no life cycle of its own (positions, alerts) is `Published`.
    pub status: RecordStatus,
    /// The operations the data is attached to.
    pub compartments: &'a [Uuid],
    /// The disclosures granted on the data (see [`Disclosure`]).
    pub disclosures: &'a [Uuid],
    /// Agencies besides the owner that are party to the data and read it as their own:
    /// the borrowing agency of a loan, the agency whose officer is enrolled on a course.
    pub parties: &'a [AgencyCode],
}

impl<'a> Meta<'a> {
    /// The metadata of published data with no recipients, compartments or disclosures.
    pub fn plain(kind: DataKind, agency: &'a AgencyCode, tlp: Tlp) -> Self {
        Meta {
            kind,
            agency,
            tlp,
            recipients: &[],
            status: RecordStatus::Published,
            compartments: &[],
            disclosures: &[],
            parties: &[],
        }
    }

    /// The same metadata with agencies that are party to the data.
    pub fn with_parties(self, parties: &'a [AgencyCode]) -> Self {
        Meta { parties, ..self }
    }
}

/// A member's view of a joint operation: its records up to its handling limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub operation: Uuid,
    /// The most restricted label the operation shares with its members.
    pub max_tlp: Tlp,
}

/// One record disclosed by its owner to one agency, until a day (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub until: NaiveDate,
}

/// Everything besides the principal that decides what it may see.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// Every agreement the node knows (those not binding the principal's agency are
    /// ignored).
    pub agreements: &'a [Agreement],
    /// The operations the principal is a member of now.
    pub memberships: &'a [Membership],
    /// The disclosures made to the principal's agency (expired ones are ignored).
    pub disclosures: &'a [Disclosure],
    pub today: NaiveDate,
    /// Whether the node reports deconfliction hits between agencies that no agreement
    /// binds.
    pub hits_without_agreement: bool,
}

/// Permission to read a partner's published data up to a TLP label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartnerGrant {
    pub agency: AgencyCode,
    pub max_tlp: Tlp,
}

/// The three answers about one piece of data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The principal may read it.
    Visible,
    /// The principal may not read it, but may learn that `owner` holds something and
    /// ask them (a deconfliction hit). Nothing else of the data may be told.
    Exists { owner: AgencyCode },
    /// The principal may learn nothing of it, not even that it exists.
    Nothing,
}

/// What one principal may read of one kind of data on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    kind: DataKind,
    /// `None` for the node itself, which reads everything.
    reader: Option<AgencyCode>,
    own: bool,
    partners: Vec<PartnerGrant>,
    compartments: Vec<Membership>,
    disclosures: BTreeSet<Uuid>,
    /// Agencies bound to the reader's by an agreement in force, of any scope.
    bound: BTreeSet<AgencyCode>,
    hits_without_agreement: bool,
}

/// Computes what `principal` may read of data of `kind` in `context`.
pub fn access(principal: &Principal, kind: DataKind, context: &Context<'_>) -> Access {
    let Some(reader) = principal.agency() else {
        return Access {
            kind,
            reader: None,
            own: true,
            partners: Vec::new(),
            compartments: Vec::new(),
            disclosures: BTreeSet::new(),
            bound: BTreeSet::new(),
            hits_without_agreement: true,
        };
    };
    let may_read = principal.may(kind.read_action());
    let mut partners: Vec<PartnerGrant> = Vec::new();
    let mut bound = BTreeSet::new();
    for agreement in context.agreements {
        if !(agreement.binds(reader) && agreement.in_force(context.today)) {
            continue;
        }
        for party in agreement.parties.iter().filter(|p| *p != reader) {
            bound.insert(party.clone());
            let covered = match kind.coverage() {
                Coverage::Scope(scope) => agreement.covers(scope),
                Coverage::Compartment => false,
            };
            if !(may_read && covered) {
                continue;
            }
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
    let (compartments, disclosures) = if may_read {
        let mut compartments = context.memberships.to_vec();
        compartments.sort_by_key(|m| m.operation);
        compartments.dedup_by_key(|m| m.operation);
        let disclosures = context
            .disclosures
            .iter()
            .filter(|d| &d.agency == reader && context.today <= d.until)
            .map(|d| d.id)
            .collect();
        (compartments, disclosures)
    } else {
        (Vec::new(), BTreeSet::new())
    };
    // A partner node holds no data of its own on this node. Of the lead agency's own
    // operations, only the coordinators who run operations read those they are not
    // members of: an operation is a compartment even within its agency.
    let own = may_read
        && matches!(principal, Principal::User(_))
        && (kind != DataKind::Operation || principal.may(Action::ManageOperations));
    Access {
        kind,
        reader: Some(reader.clone()),
        own,
        partners,
        compartments,
        disclosures,
        bound,
        hits_without_agreement: context.hits_without_agreement,
    }
}

impl Access {
    /// The kind of data this access is about.
    pub fn kind(&self) -> DataKind {
        self.kind
    }

    /// The partners whose data of this kind the reader sees, and up to which label.
    pub fn partners(&self) -> &[PartnerGrant] {
        &self.partners
    }

    /// Whether the reader may see data with this metadata.
    pub fn allows(&self, meta: &Meta<'_>) -> bool {
        if meta.kind != self.kind {
            return false;
        }
        let Some(reader) = &self.reader else {
            return true;
        };
        if self.own && (meta.agency == reader || meta.parties.contains(reader)) {
            return true;
        }
        if meta.status != RecordStatus::Published {
            return false;
        }
        let by_agreement = self
            .partners
            .iter()
            .find(|g| &g.agency == meta.agency)
            .is_some_and(|grant| {
                meta.tlp <= grant.max_tlp
                    && (meta.tlp != Tlp::Red || meta.recipients.contains(reader))
            });
        let by_compartment = self
            .compartments
            .iter()
            .any(|m| meta.tlp <= m.max_tlp && meta.compartments.contains(&m.operation));
        let by_disclosure = meta
            .disclosures
            .iter()
            .any(|d| self.disclosures.contains(d));
        by_agreement || by_compartment || by_disclosure
    }

    /// The three-way answer about data with this metadata.
    pub fn answer(&self, meta: &Meta<'_>) -> Answer {
        if self.allows(meta) {
            return Answer::Visible;
        }
        let Some(reader) = &self.reader else {
            return Answer::Nothing;
        };
        let may_ask = meta.kind == self.kind
            && meta.agency != reader
            && meta.status == RecordStatus::Published
            && (self.hits_without_agreement || self.bound.contains(meta.agency));
        if may_ask {
            Answer::Exists {
                owner: meta.agency.clone(),
            }
        } else {
            Answer::Nothing
        }
    }

    /// Whether data of `agency` belongs to another agency than the reader's (reads of
    /// it are audited).
    pub fn is_foreign(&self, agency: &AgencyCode) -> bool {
        self.reader.as_ref().is_some_and(|r| r != agency)
    }

    /// What storage may select for this reader.
    pub fn visibility(&self) -> Visibility {
        let Some(reader) = &self.reader else {
            return Visibility {
                inner: VisibilityInner::Everything,
            };
        };
        let kind = self.kind;
        let mut terms = Vec::new();
        if self.own {
            terms.push(AccessTerm::own(kind, reader));
        }
        for grant in &self.partners {
            for tlp in Tlp::ALL.into_iter().filter(|t| *t <= grant.max_tlp) {
                terms.push(if tlp == Tlp::Red {
                    AccessTerm::recipient(kind, &grant.agency, reader)
                } else {
                    AccessTerm::published(kind, &grant.agency, tlp)
                });
            }
        }
        for membership in &self.compartments {
            for tlp in Tlp::ALL.into_iter().filter(|t| *t <= membership.max_tlp) {
                terms.push(AccessTerm::compartment(kind, membership.operation, tlp));
            }
        }
        for id in &self.disclosures {
            terms.push(AccessTerm::disclosed(kind, *id));
        }
        terms.sort();
        terms.dedup();
        Visibility {
            inner: VisibilityInner::Terms(terms),
        }
    }
}

/// A slice of data a reader may be allowed to see, named as storage indexes it. Only
/// this module makes them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessTerm(String);

impl AccessTerm {
    fn own(kind: DataKind, agency: &AgencyCode) -> Self {
        AccessTerm(format!("o:{}:{agency}", kind.as_str()))
    }

    fn published(kind: DataKind, agency: &AgencyCode, tlp: Tlp) -> Self {
        AccessTerm(format!("p:{}:{agency}:{}", kind.as_str(), tlp.rank()))
    }

    fn recipient(kind: DataKind, agency: &AgencyCode, recipient: &AgencyCode) -> Self {
        AccessTerm(format!("r:{}:{agency}:{recipient}", kind.as_str()))
    }

    fn compartment(kind: DataKind, operation: Uuid, tlp: Tlp) -> Self {
        AccessTerm(format!(
            "c:{}:{}:{}",
            kind.as_str(),
            operation.simple(),
            tlp.rank()
        ))
    }

    fn disclosed(kind: DataKind, disclosure: Uuid) -> Self {
        AccessTerm(format!("x:{}:{}", kind.as_str(), disclosure.simple()))
    }

    /// The term as text, for storage to index and look up.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text every owner term of `kind` starts with. Every piece of data carries
    /// exactly one owner term, so storage finds all data of a kind through them when the
    /// visibility is [`Visibility::is_everything`].
    pub fn owner_prefix(kind: DataKind) -> String {
        format!("o:{}:", kind.as_str())
    }
}

/// The access terms of one piece of data: it is visible to a reader exactly when one of
/// them is in the reader's [`Visibility`].
pub fn access_terms(meta: &Meta<'_>) -> Vec<AccessTerm> {
    let kind = meta.kind;
    let mut terms = vec![AccessTerm::own(kind, meta.agency)];
    terms.extend(meta.parties.iter().map(|p| AccessTerm::own(kind, p)));
    if meta.status == RecordStatus::Published {
        if meta.tlp == Tlp::Red {
            terms.extend(
                meta.recipients
                    .iter()
                    .map(|r| AccessTerm::recipient(kind, meta.agency, r)),
            );
        } else {
            terms.push(AccessTerm::published(kind, meta.agency, meta.tlp));
        }
        terms.extend(
            meta.compartments
                .iter()
                .map(|op| AccessTerm::compartment(kind, *op, meta.tlp)),
        );
        terms.extend(
            meta.disclosures
                .iter()
                .map(|d| AccessTerm::disclosed(kind, *d)),
        );
    }
    terms.sort();
    terms.dedup();
    terms
}

/// What a reader may see of one kind, as storage needs it. It can only be made by
/// [`Access::visibility`]; storage reads it and cannot change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visibility {
    inner: VisibilityInner,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum VisibilityInner {
    /// The node itself: no filter.
    Everything,
    /// Data carrying one of these terms; none means nothing.
    Terms(Vec<AccessTerm>),
}

impl Visibility {
    /// Whether every piece of data is visible (the node's own jobs).
    pub fn is_everything(&self) -> bool {
        matches!(self.inner, VisibilityInner::Everything)
    }

    /// The terms of which data must carry one; empty for [`Visibility::is_everything`]
    /// and for a reader who sees nothing (tell them apart with `is_everything`).
    pub fn terms(&self) -> &[AccessTerm] {
        match &self.inner {
            VisibilityInner::Everything => &[],
            VisibilityInner::Terms(terms) => terms,
        }
    }

    /// Whether nothing at all is visible.
    pub fn is_nothing(&self) -> bool {
        matches!(&self.inner, VisibilityInner::Terms(t) if t.is_empty())
    }

    /// Whether data with these access terms is visible (the rule storage applies).
    pub fn admits(&self, terms: &[AccessTerm]) -> bool {
        self.admits_names(terms.iter().map(AccessTerm::as_str))
    }

    /// Like [`Visibility::admits`], for terms as storage keeps them (their text).
    pub fn admits_names<'a>(&self, terms: impl IntoIterator<Item = &'a str>) -> bool {
        match &self.inner {
            VisibilityInner::Everything => true,
            VisibilityInner::Terms(mine) => terms
                .into_iter()
                .any(|t| mine.binary_search_by(|m| m.0.as_str().cmp(t)).is_ok()),
        }
    }
}

/// What a reader's seizure statistics are computed from: its own [`Visibility`], and a
/// wider, aggregate one: the published seizures of its own agency and of every agency
/// bound to it by an agreement in force covering seizures, whatever their TLP label or
/// recipients. Records in the wider set but not in the reader's own are *hidden*: they
/// count in a cell of the statistics only when the cell holds at least the minimum cell
/// size of them (`stats::cells`), so that no figure reveals a single hidden record.
///
/// The wider terms are owner terms, which every record of an agency carries, drafts
/// included: they may only ever select over the statistics lines, which hold published
/// seizures alone. This is why they are not a [`Visibility`] and listings cannot take
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatisticsVisibility {
    own: Visibility,
    wider: Visibility,
}

impl StatisticsVisibility {
    /// What the reader sees itself.
    pub fn own(&self) -> &Visibility {
        &self.own
    }

    /// Whether every published seizure is visible (the node's own jobs): nothing is
    /// hidden.
    pub fn is_everything(&self) -> bool {
        self.own.is_everything()
    }

    /// The terms of the aggregate set: published seizures carrying one of them count,
    /// visibly or hidden. Empty for [`StatisticsVisibility::is_everything`].
    pub fn wider_terms(&self) -> &[AccessTerm] {
        self.wider.terms()
    }

    /// Whether a published seizure with these terms is in the aggregate set.
    pub fn admits_wider(&self, terms: &[AccessTerm]) -> bool {
        self.wider.admits(terms)
    }
}

impl Access {
    /// The visibility of the reader's statistics of this kind (seizures): see
    /// [`StatisticsVisibility`].
    pub fn statistics_visibility(&self) -> StatisticsVisibility {
        let own = self.visibility();
        let Some(reader) = &self.reader else {
            return StatisticsVisibility {
                wider: own.clone(),
                own,
            };
        };
        let mut terms = Vec::new();
        if self.own {
            terms.push(AccessTerm::own(self.kind, reader));
        }
        // `partners` holds the agencies bound by an agreement in force covering the
        // kind's scope, when the reader may read the kind at all.
        terms.extend(
            self.partners
                .iter()
                .map(|grant| AccessTerm::own(self.kind, &grant.agency)),
        );
        terms.sort();
        terms.dedup();
        StatisticsVisibility {
            own,
            wider: Visibility {
                inner: VisibilityInner::Terms(terms),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> AgencyCode {
        AgencyCode::parse(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn user(agency: &str, roles: &[Role]) -> Principal {
        Principal::User(Actor {
            user_id: 1,
            username: Username::parse("someone").unwrap(),
            agency: code(agency),
            roles: roles.iter().copied().collect(),
        })
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

    const OPERATION: Uuid = Uuid::from_u128(7);
    const DISCLOSURE: Uuid = Uuid::from_u128(9);

    fn context<'a>(
        agreements: &'a [Agreement],
        memberships: &'a [Membership],
        disclosures: &'a [Disclosure],
        today: NaiveDate,
    ) -> Context<'a> {
        Context {
            agreements,
            memberships,
            disclosures,
            today,
            hits_without_agreement: false,
        }
    }

    fn access_on(principal: &Principal, kind: DataKind, today: NaiveDate) -> Access {
        access(principal, kind, &context(&agreements(), &[], &[], today))
    }

    fn meta<'a>(
        agency: &'a AgencyCode,
        tlp: Tlp,
        recipients: &'a [AgencyCode],
        status: RecordStatus,
    ) -> Meta<'a> {
        Meta {
            kind: DataKind::Report,
            agency,
            tlp,
            recipients,
            status,
            compartments: &[],
            disclosures: &[],
            parties: &[],
        }
    }

    #[test]
    fn partner_sees_published_records_up_to_the_agreed_label() {
        let kcs = code("KR-KCS");
        let access = access_on(
            &user("KR-KCG", &[Role::Analyst]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert!(access.allows(&meta(&kcs, Tlp::Amber, &[], RecordStatus::Published)));
        assert!(!access.allows(&meta(&kcs, Tlp::AmberStrict, &[], RecordStatus::Published)));
        assert!(!access.allows(&meta(&kcs, Tlp::Green, &[], RecordStatus::Draft)));
        assert!(!access.allows(&meta(&kcs, Tlp::Green, &[], RecordStatus::Withdrawn)));
    }

    #[test]
    fn agreement_scope_and_dates_matter() {
        let kcs = code("KR-KCS");
        let thai = access_on(
            &user("TH-CUSTOMS", &[Role::Analyst]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert!(thai.allows(&meta(&kcs, Tlp::Green, &[], RecordStatus::Published)));
        assert!(!thai.allows(&meta(&kcs, Tlp::Amber, &[], RecordStatus::Published)));
        // The KCS–HSI agreement expired: nothing is visible, not even TLP:CLEAR.
        let hsi = access_on(
            &user("US-HSI", &[Role::Analyst]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert!(!hsi.allows(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)));
        assert!(hsi.partners().is_empty());
        // While it was in force, RED needed the reader to be named.
        let hsi_then = access_on(
            &user("US-HSI", &[Role::Analyst]),
            DataKind::Report,
            day(2021, 6, 1),
        );
        let kcg = [code("KR-KCG")];
        let hsi_named = [code("US-HSI")];
        assert!(!hsi_then.allows(&meta(&kcs, Tlp::Red, &kcg, RecordStatus::Published)));
        assert!(hsi_then.allows(&meta(&kcs, Tlp::Red, &hsi_named, RecordStatus::Published)));
        // Surveillance is not in the Thai agreement: seizures yes, tracks no.
        let thai_seizures = access_on(
            &user("TH-CUSTOMS", &[Role::Analyst]),
            DataKind::Seizure,
            day(2026, 1, 1),
        );
        assert_eq!(thai_seizures.partners().len(), 1);
        let thai_tracks = access_on(
            &user("TH-CUSTOMS", &[Role::WatchOfficer]),
            DataKind::Track,
            day(2026, 1, 1),
        );
        assert!(thai_tracks.partners().is_empty());
        let kcg_tracks = access_on(
            &user("KR-KCG", &[Role::WatchOfficer]),
            DataKind::Track,
            day(2026, 1, 1),
        );
        assert!(kcg_tracks.allows(&Meta::plain(DataKind::Track, &kcs, Tlp::Amber)));
    }

    #[test]
    fn roles_gate_reading_and_writing() {
        let kcs = code("KR-KCS");
        let trainer = access_on(
            &user("KR-KCS", &[Role::Trainer]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert!(!trainer.allows(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)));
        assert!(trainer.visibility().is_nothing());
        let Principal::User(watch) = user("KR-KCS", &[Role::WatchOfficer]) else {
            unreachable!()
        };
        assert_eq!(
            watch.may_modify(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)),
            Err(Denied::Role)
        );
        let Principal::User(analyst) = user("KR-KCG", &[Role::Analyst]) else {
            unreachable!()
        };
        assert_eq!(
            analyst.may_modify(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)),
            Err(Denied::NotOwner)
        );
    }

    #[test]
    fn unknown_agency_sees_only_its_own() {
        let access = access_on(
            &user("JP-CUSTOMS", &[Role::Analyst]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert_eq!(
            access.visibility().terms(),
            &[AccessTerm::own(DataKind::Report, &code("JP-CUSTOMS"))]
        );
    }

    #[test]
    fn three_answers_follow_the_agreements() {
        let kcs = code("KR-KCS");
        let kcg_named = [code("KR-KCG")];
        let red = meta(&kcs, Tlp::Red, &kcg_named, RecordStatus::Published);
        let thai = access_on(
            &user("TH-CUSTOMS", &[Role::Analyst]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        // Bound by an agreement in force: the owner may be asked.
        assert_eq!(thai.answer(&red), Answer::Exists { owner: kcs.clone() });
        // A draft never shows, not even as a hit.
        let draft = meta(&kcs, Tlp::Green, &[], RecordStatus::Draft);
        assert_eq!(thai.answer(&draft), Answer::Nothing);
        // No agreement binds Japan and KCS: nothing, unless the node allows hits.
        let japan = user("JP-CUSTOMS", &[Role::Analyst]);
        let agreements = agreements();
        let mut ctx = context(&agreements, &[], &[], day(2026, 1, 1));
        assert_eq!(
            access(&japan, DataKind::Report, &ctx).answer(&red),
            Answer::Nothing
        );
        ctx.hits_without_agreement = true;
        assert_eq!(
            access(&japan, DataKind::Report, &ctx).answer(&red),
            Answer::Exists { owner: kcs.clone() }
        );
        // An expired agreement binds no more.
        let hsi = access_on(
            &user("US-HSI", &[Role::Analyst]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert_eq!(hsi.answer(&red), Answer::Nothing);
        // Visible data answers visible; RED above the MOU's AMBER is only a hit.
        let kcg = access_on(
            &user("KR-KCG", &[Role::Analyst]),
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert_eq!(kcg.answer(&red), Answer::Exists { owner: kcs.clone() });
        let green = meta(&kcs, Tlp::Green, &[], RecordStatus::Published);
        assert_eq!(kcg.answer(&green), Answer::Visible);
    }

    #[test]
    fn members_of_an_operation_see_its_records_up_to_its_limit_and_nothing_else() {
        let kcs = code("KR-KCS");
        let ops = [OPERATION];
        let attached = Meta {
            compartments: &ops,
            ..meta(&kcs, Tlp::AmberStrict, &[], RecordStatus::Published)
        };
        let japan = user("JP-CUSTOMS", &[Role::Analyst]);
        let agreements = agreements();
        let member = [Membership {
            operation: OPERATION,
            max_tlp: Tlp::AmberStrict,
        }];
        let ctx = context(&agreements, &member, &[], day(2026, 1, 1));
        let inside = access(&japan, DataKind::Report, &ctx);
        assert!(inside.allows(&attached));
        // Not the records of the same agency that are not attached.
        assert!(!inside.allows(&meta(&kcs, Tlp::Clear, &[], RecordStatus::Published)));
        // Not above the operation's limit.
        let low = [Membership {
            operation: OPERATION,
            max_tlp: Tlp::Amber,
        }];
        let ctx_low = context(&agreements, &low, &[], day(2026, 1, 1));
        assert!(!access(&japan, DataKind::Report, &ctx_low).allows(&attached));
        // Leaving ends it: no membership, no access.
        let outside = access(
            &japan,
            DataKind::Report,
            &context(&agreements, &[], &[], day(2026, 1, 1)),
        );
        assert!(!outside.allows(&attached));
        // A draft attached to the operation stays with its agency.
        let draft = Meta {
            compartments: &ops,
            ..meta(&kcs, Tlp::Green, &[], RecordStatus::Draft)
        };
        assert!(!inside.allows(&draft));
    }

    #[test]
    fn the_parties_to_a_loan_read_it_as_their_own_and_no_one_else_does() {
        // A loan is labelled TLP:RED without recipients: only its two parties read it.
        let kcs = code("KR-KCS");
        let borrower = [code("TH-CUSTOMS")];
        let loan = Meta::plain(DataKind::Loan, &kcs, Tlp::Red).with_parties(&borrower);
        let today = day(2026, 1, 1);
        let manager = user("TH-CUSTOMS", &[Role::ResourceManager]);
        let party = access_on(&manager, DataKind::Loan, today);
        assert!(party.allows(&loan));
        assert!(party.visibility().admits(&access_terms(&loan)));
        // Not without a role that reads loans.
        let trainer = user("TH-CUSTOMS", &[Role::Trainer]);
        assert!(!access_on(&trainer, DataKind::Loan, today).allows(&loan));
        // Not a third agency, even one bound to the owner by a resources agreement.
        let other = user("KR-KCG", &[Role::ResourceManager]);
        let outsider = access_on(&other, DataKind::Loan, today);
        assert!(!outsider.allows(&loan));
        assert!(!outsider.visibility().admits(&access_terms(&loan)));
    }

    #[test]
    fn a_disclosure_opens_one_record_to_one_agency_until_it_expires() {
        let kcs = code("KR-KCS");
        let disclosed = [DISCLOSURE];
        let red = Meta {
            disclosures: &disclosed,
            ..meta(&kcs, Tlp::Red, &[], RecordStatus::Published)
        };
        let grant = [Disclosure {
            id: DISCLOSURE,
            agency: code("TH-CUSTOMS"),
            until: day(2026, 1, 31),
        }];
        let agreements = agreements();
        let thai = user("TH-CUSTOMS", &[Role::Analyst]);
        let during = access(
            &thai,
            DataKind::Report,
            &context(&agreements, &[], &grant, day(2026, 1, 31)),
        );
        assert!(during.allows(&red));
        let after = access(
            &thai,
            DataKind::Report,
            &context(&agreements, &[], &grant, day(2026, 2, 1)),
        );
        assert!(!after.allows(&red));
        // Another agency gains nothing from it.
        let kcg = access(
            &user("KR-KCG", &[Role::Analyst]),
            DataKind::Report,
            &context(&agreements, &[], &grant, day(2026, 1, 1)),
        );
        assert!(!kcg.allows(&red));
    }

    #[test]
    fn the_node_sees_everything_and_a_partner_node_reads_as_its_agency() {
        let kcs = code("KR-KCS");
        let system = access_on(
            &Principal::System { job: "test" },
            DataKind::Report,
            day(2026, 1, 1),
        );
        assert!(system.visibility().is_everything());
        assert!(system.allows(&meta(&kcs, Tlp::Red, &[], RecordStatus::Draft)));
        let node = Principal::Node {
            agency: code("KR-KCG"),
        };
        assert!(!node.may(Action::WriteRecords));
        let partner = access_on(&node, DataKind::Report, day(2026, 1, 1));
        assert!(partner.allows(&meta(&kcs, Tlp::Green, &[], RecordStatus::Published)));
        assert!(!partner.allows(&meta(&kcs, Tlp::Red, &[], RecordStatus::Published)));
    }

    proptest! {
        /// For every kind of data, the terms handed to storage select exactly the data
        /// `allows` admits, and `answer` agrees with `allows`.
        #[test]
        fn visibility_agrees_with_allows(
            reader in 0usize..5, owner in 0usize..4, tlp in 0usize..5, status in 0usize..3,
            named in proptest::collection::vec(0usize..4, 0..3), year in 2019i32..2027,
            roles in proptest::collection::vec(0usize..7, 0..3), kind in 0usize..10,
            attached in proptest::collection::vec(0u128..3, 0..2),
            members in proptest::collection::vec((0u128..3, 0usize..5), 0..2),
            disclosed in proptest::collection::vec(0u128..3, 0..2),
            granted in proptest::collection::vec((0u128..3, 0usize..4, 0u32..40), 0..3),
            node_reader in any::<bool>(),
            party in proptest::collection::vec(0usize..4, 0..2),
        ) {
            let agencies = ["KR-KCS", "KR-KCG", "TH-CUSTOMS", "US-HSI"].map(code);
            let statuses = [RecordStatus::Draft, RecordStatus::Published, RecordStatus::Withdrawn];
            let kind = DataKind::ALL[kind];
            let principal = if reader == 4 {
                Principal::System { job: "test" }
            } else if node_reader {
                Principal::Node { agency: agencies[reader].clone() }
            } else {
                let roles: Vec<Role> = roles.into_iter().map(|r| Role::ALL[r]).collect();
                Principal::User(Actor {
                    user_id: 1,
                    username: Username::parse("someone").unwrap(),
                    agency: agencies[reader].clone(),
                    roles: roles.into_iter().collect(),
                })
            };
            let recipients: Vec<AgencyCode> = named.into_iter().map(|i| agencies[i].clone()).collect();
            let compartments: Vec<Uuid> = attached.into_iter().map(Uuid::from_u128).collect();
            let disclosures: Vec<Uuid> = disclosed.into_iter().map(Uuid::from_u128).collect();
            let parties: Vec<AgencyCode> = party.into_iter().map(|i| agencies[i].clone()).collect();
            let memberships: Vec<Membership> = members
                .into_iter()
                .map(|(op, t)| Membership { operation: Uuid::from_u128(op), max_tlp: Tlp::ALL[t] })
                .collect();
            let grants: Vec<Disclosure> = granted
                .into_iter()
                .map(|(id, a, d)| Disclosure {
                    id: Uuid::from_u128(id),
                    agency: agencies[a].clone(),
                    until: day(year, 5, 12) + chrono::Days::new(u64::from(d)),
                })
                .collect();
            let agreements = agreements();
            let ctx = context(&agreements, &memberships, &grants, day(year, 6, 1));
            let access = access(&principal, kind, &ctx);
            let m = Meta {
                kind,
                agency: &agencies[owner],
                tlp: Tlp::ALL[tlp],
                recipients: &recipients,
                status: statuses[status],
                compartments: &compartments,
                disclosures: &disclosures,
                parties: &parties,
            };
            let allowed = access.allows(&m);
            prop_assert_eq!(allowed, access.visibility().admits(&access_terms(&m)));
            // Statistics: the aggregate set of a published record is its agency's own
            // reader or an agency bound by an agreement in force covering the kind's
            // scope, whatever the label and recipients.
            let statistics = access.statistics_visibility();
            prop_assert_eq!(statistics.own(), &access.visibility());
            if m.status == RecordStatus::Published {
                // (The owner or an agency party to the data.)
                let bound = principal.agency().is_some_and(|r| {
                    std::iter::once(m.agency).chain(m.parties).any(|holder| {
                        r != holder
                            && matches!(kind.coverage(), Coverage::Scope(_))
                            && agreements.iter().any(|a| {
                                a.binds(r)
                                    && a.binds(holder)
                                    && a.in_force(day(year, 6, 1))
                                    && matches!(kind.coverage(), Coverage::Scope(s) if a.covers(s))
                            })
                    })
                });
                // Of operations, only coordinators read their agency's own.
                let own_agency = principal
                    .agency()
                    .is_some_and(|r| r == m.agency || m.parties.contains(r))
                    && matches!(principal, Principal::User(_))
                    && (kind != DataKind::Operation || principal.may(Action::ManageOperations));
                let expected = match principal {
                    Principal::System { .. } => true,
                    _ => principal.may(kind.read_action()) && (bound || own_agency),
                };
                prop_assert_eq!(statistics.admits_wider(&access_terms(&m)), expected);
                // What the reader sees of its own agency is never hidden.
                if own_agency && allowed {
                    prop_assert!(statistics.admits_wider(&access_terms(&m)));
                }
            }
            prop_assert_eq!(allowed, access.answer(&m) == Answer::Visible);
            // Another kind's visibility never admits this data.
            let other = DataKind::ALL[(DataKind::ALL.iter().position(|k| *k == kind).unwrap() + 1) % 10];
            let other_access = super::access(&principal, other, &ctx);
            if !other_access.visibility().is_everything() {
                prop_assert!(!other_access.visibility().admits(&access_terms(&m)));
            }
        }
    }
}
