//! Intelligence reports and seizure records: creating, reading, changing, withdrawing,
//! listing, searching, references between records, and disclosures.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::agreement::{Agreement, Scope};
use interdict_core::audit::AuditEvent;
use interdict_core::handling::Handling;
use interdict_core::policy::{Access, DataKind, Meta, Principal};
use interdict_core::record::{Record, RecordKind, Report, ReportInput, Seizure, SeizureInput};
use interdict_core::text::query_terms;
use interdict_core::{Actor, AgencyCode, FieldErrors, RecordStatus, Tlp, Username};
use interdict_store::{DisclosureRow, RecordAccess, StoredRecord};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

pub use interdict_store::{ListFilter, Sort, SortKey};

use crate::cursor;
use crate::error::{ServiceError, ServiceResult};
use crate::Service;

/// A kind of record readers get through the service: its references to other records
/// are left out where the reader may not see them.
pub trait Readable: Record + Clone + 'static {
    /// Reports linked from the record.
    fn links_of(&self) -> &[Uuid] {
        &[]
    }

    /// Replaces the reports linked from the record.
    fn set_links(&mut self, _links: Vec<Uuid>) {}
}

impl Readable for Report {}

impl Readable for Seizure {
    fn links_of(&self) -> &[Uuid] {
        &self.linked_reports
    }

    fn set_links(&mut self, links: Vec<Uuid>) {
        self.linked_reports = links;
    }
}

impl Readable for interdict_core::alert::Alert {
    fn links_of(&self) -> &[Uuid] {
        self.report.as_slice()
    }

    /// The report is named twice: as the link and in the detector's evidence
    /// (`reference`); a link left out goes from both.
    fn set_links(&mut self, links: Vec<Uuid>) {
        if let Some(old) = self.report {
            if !links.contains(&old) {
                if let Some(evidence) = self.evidence.as_object_mut() {
                    if evidence.get("reference").and_then(|r| r.as_str())
                        == Some(old.to_string().as_str())
                    {
                        evidence.remove("reference");
                    }
                }
            }
        }
        self.report = links.first().copied();
    }
}

/// A kind of record the node stores, with how it is built from client input.
pub trait RecordType: Readable {
    /// What clients send to create or replace one.
    type Input: DeserializeOwned + Serialize + Clone + Send + Sync + 'static;

    /// Checks the input beyond its types.
    fn validate(
        input: &Self::Input,
        agency: &AgencyCode,
        today: NaiveDate,
    ) -> Result<(), FieldErrors>;

    /// Builds a record from checked input.
    fn build(
        input: Self::Input,
        id: Uuid,
        agency: AgencyCode,
        created_by: Username,
        created_at: DateTime<Utc>,
    ) -> Self;

    /// Reports linked from the input, which must be visible to the author.
    fn linked_reports(_input: &Self::Input) -> &[Uuid] {
        &[]
    }

    /// The handling the input asks for.
    fn input_handling(input: &Self::Input) -> &Handling;

    /// Sets status, version and change time.
    fn set_state(&mut self, status: RecordStatus, version: i64, updated_at: DateTime<Utc>);
}

impl RecordType for Report {
    type Input = ReportInput;

    fn input_handling(input: &ReportInput) -> &Handling {
        &input.handling
    }

    fn validate(
        input: &ReportInput,
        agency: &AgencyCode,
        _today: NaiveDate,
    ) -> Result<(), FieldErrors> {
        input.validate(agency)
    }

    fn build(
        input: ReportInput,
        id: Uuid,
        agency: AgencyCode,
        created_by: Username,
        created_at: DateTime<Utc>,
    ) -> Self {
        Report {
            id,
            agency,
            title: input.title.trim().to_owned(),
            narrative: input.narrative,
            grading: input.grading,
            handling: input.handling,
            drugs: input.drugs,
            modus_operandi: input.modus_operandi,
            status: input.status,
            version: 1,
            subjects: input.subjects,
            created_by,
            created_at,
            updated_at: created_at,
        }
    }

    fn set_state(&mut self, status: RecordStatus, version: i64, updated_at: DateTime<Utc>) {
        self.status = status;
        self.version = version;
        self.updated_at = updated_at;
    }
}

impl RecordType for Seizure {
    type Input = SeizureInput;

    fn input_handling(input: &SeizureInput) -> &Handling {
        &input.handling
    }

    fn validate(
        input: &SeizureInput,
        agency: &AgencyCode,
        today: NaiveDate,
    ) -> Result<(), FieldErrors> {
        input.validate(agency, today)
    }

    fn build(
        input: SeizureInput,
        id: Uuid,
        agency: AgencyCode,
        created_by: Username,
        created_at: DateTime<Utc>,
    ) -> Self {
        Seizure {
            id,
            agency,
            occurred_on: input.occurred_on,
            place: input.place,
            conveyance: input.conveyance,
            items: input.items,
            concealment: input.concealment,
            route: input.route,
            arrests: input.arrests,
            subjects: input.subjects,
            linked_reports: input.linked_reports,
            handling: input.handling,
            status: input.status,
            version: 1,
            created_by,
            created_at,
            updated_at: created_at,
        }
    }

    fn linked_reports(input: &SeizureInput) -> &[Uuid] {
        &input.linked_reports
    }

    fn set_state(&mut self, status: RecordStatus, version: i64, updated_at: DateTime<Utc>) {
        self.status = status;
        self.version = version;
        self.updated_at = updated_at;
    }
}

/// One page of a listing, newest first.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// An opaque cursor for the next page; `None` on the last.
    pub next_cursor: Option<String>,
    /// How many match in all, counted up to 1,000.
    pub total: i64,
    /// Whether `total` stopped at 1,000.
    pub total_capped: bool,
}

/// A short view of a record, for search results and references.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordSummary {
    pub id: Uuid,
    pub kind: RecordKind,
    pub agency: AgencyCode,
    pub status: RecordStatus,
    pub tlp: Tlp,
    pub title: String,
    pub occurred_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    /// A seizure's drugs and place, from which a page builds its title in its own
    /// language; `None` for other kinds.
    pub seizure: Option<SeizureBrief>,
}

/// What a seizure's title is made of.
#[derive(Clone, Debug, PartialEq)]
pub struct SeizureBrief {
    pub items: Vec<interdict_core::record::DrugItem>,
    pub place: String,
}

impl RecordSummary {
    pub(crate) fn of<R: Record>(record: &R) -> Self {
        RecordSummary {
            id: record.id(),
            kind: R::KIND,
            agency: record.agency().clone(),
            status: record.status(),
            tlp: record.handling().tlp,
            title: record.title(),
            occurred_on: record.occurred_on(),
            updated_at: record.times().1,
            seizure: None,
        }
    }

    pub(crate) fn of_seizure(seizure: &Seizure) -> Self {
        RecordSummary {
            seizure: Some(SeizureBrief {
                items: seizure.items.clone(),
                place: seizure.place.name.clone(),
            }),
            ..RecordSummary::of(seizure)
        }
    }
}

/// A record as lists and references show it.
pub trait Summarised {
    fn summary(&self) -> RecordSummary;
}

impl Summarised for Report {
    fn summary(&self) -> RecordSummary {
        RecordSummary::of(self)
    }
}

impl Summarised for Seizure {
    fn summary(&self) -> RecordSummary {
        RecordSummary::of_seizure(self)
    }
}

/// A record read for a reader, with the policy facts kept beside it.
pub(crate) struct Loaded<R> {
    seq: i64,
    pub(crate) record: R,
    beside: RecordAccess,
}

impl<R: Record> Loaded<R> {
    pub(crate) fn meta(&self) -> Meta<'_> {
        let mut meta = self.record.meta();
        meta.compartments = &self.beside.compartments;
        meta.disclosures = &self.beside.disclosures;
        meta
    }
}

/// A stored record decoded, with what the policy needs kept beside it.
pub(crate) fn decode_for_policy<R: Record>(
    stored: &StoredRecord,
) -> ServiceResult<(R, RecordAccess)> {
    let loaded = decode::<R>(stored)?;
    Ok((loaded.record, loaded.beside))
}

/// A stored record decoded, when `access` admits it.
pub(crate) fn decode_if_allowed<R: Record>(
    access: &Access,
    stored: &StoredRecord,
) -> ServiceResult<Option<R>> {
    let loaded = decode::<R>(stored)?;
    let allowed = access.allows(&loaded.meta());
    Ok(allowed.then_some(loaded.record))
}

fn decode<R: Record>(stored: &StoredRecord) -> ServiceResult<Loaded<R>> {
    let record = serde_json::from_str(&stored.body).map_err(|e| {
        ServiceError::internal(anyhow::anyhow!(
            "stored {} {} is unreadable: {e}",
            stored.kind.as_str(),
            stored.seq
        ))
    })?;
    Ok(Loaded {
        seq: stored.seq,
        record,
        beside: stored.access.clone(),
    })
}

/// What a reader may see of a record that names other records: the references to
/// records the reader may not see are left out.
pub struct References {
    /// Reports the record links to, visible to the reader.
    pub links: Vec<RecordSummary>,
    /// Records that link to this one, visible to the reader.
    pub linked_from: Vec<RecordSummary>,
}

/// A disclosure as its owner sees it.
pub type Disclosure = DisclosureRow;

/// The longest a disclosure may run.
const MAX_DISCLOSURE_DAYS: i64 = 366;

impl Service {
    pub(crate) fn record_event<R: Record>(
        &self,
        actor: &Actor,
        action: &str,
        record: &R,
    ) -> AuditEvent {
        let mut event = self.event(Some(actor), &format!("{}.{action}", R::KIND.as_str()));
        event.target_kind = Some(R::KIND.as_str().to_owned());
        event.target_id = Some(record.id().to_string());
        event.target_agency = Some(record.agency().to_string());
        event
    }

    /// Audits a refused action on a record of `kind` with id `id`. The owning agency is
    /// named only when the actor may know it; a probe of an invisible id names none, so
    /// that the entry tells the prober's auditors nothing the prober did not know.
    pub(crate) fn deny(
        &self,
        actor: &Actor,
        kind: RecordKind,
        action: &str,
        id: Uuid,
        owner: Option<&AgencyCode>,
        reason: &str,
    ) {
        let mut event = self.event(Some(actor), &format!("{}.{action}_denied", kind.as_str()));
        event.target_kind = Some(kind.as_str().to_owned());
        event.target_id = Some(id.to_string());
        event.target_agency = owner.map(ToString::to_string);
        event.detail = serde_json::json!({ "reason": reason }).to_string();
        self.inner
            .audit
            .denial(event, format!("user:{}", actor.username));
    }

    /// Audits a refused action that names no record (a role the actor lacks).
    pub(crate) fn deny_action(&self, actor: &Actor, action: &str, reason: &str) {
        let mut event = self.event(Some(actor), &format!("{action}_denied"));
        event.detail = serde_json::json!({ "reason": reason }).to_string();
        self.inner
            .audit
            .denial(event, format!("user:{}", actor.username));
    }

    /// Refuses unless the actor's roles allow `action`; a refusal is audited.
    pub(crate) fn require(
        &self,
        actor: &Actor,
        action: interdict_core::policy::Action,
        what: &str,
    ) -> ServiceResult<()> {
        if actor.may(action) {
            Ok(())
        } else {
            self.deny_action(actor, what, "role");
            Err(ServiceError::ForbiddenRole)
        }
    }

    async fn check_links<R: RecordType>(
        &self,
        actor: &Actor,
        input: &R::Input,
        keep_hidden: &[Uuid],
    ) -> ServiceResult<()> {
        let links = R::linked_reports(input);
        if links.is_empty() {
            return Ok(());
        }
        let access = self
            .access(&Principal::User(actor.clone()), DataKind::Report)
            .await?;
        let found = self
            .store()
            .records_by_id(RecordKind::Report, links)
            .await?;
        let mut errors = FieldErrors::new();
        for (i, id) in links.iter().enumerate() {
            let visible = match found.iter().find(|s| s.id == *id) {
                Some(stored) => access.allows(&decode::<Report>(stored)?.meta()),
                None => false,
            };
            if !visible && !keep_hidden.contains(id) {
                errors.add(format!("linked_reports[{i}]"), "no such report");
            }
        }
        Ok(errors.into_result()?)
    }

    /// The reports among `ids` the reader may see.
    pub(crate) async fn visible_reports(
        &self,
        access: &Access,
        ids: &[Uuid],
    ) -> ServiceResult<Vec<Report>> {
        let found = self.store().records_by_id(RecordKind::Report, ids).await?;
        let mut out = Vec::new();
        for stored in &found {
            let loaded = decode::<Report>(stored)?;
            if access.allows(&loaded.meta()) {
                out.push(loaded.record);
            }
        }
        Ok(out)
    }

    /// The agreements in force between `owner` and `other` that share records of `kind`.
    async fn sharing_agreements(
        &self,
        owner: &AgencyCode,
        other: &AgencyCode,
        kind: RecordKind,
    ) -> ServiceResult<Vec<Agreement>> {
        let scope = scope_of(kind);
        let today = self.today();
        Ok(self
            .store()
            .agreements(Some(owner))
            .await?
            .into_iter()
            .filter(|a| a.in_force(today) && a.binds(owner) && a.binds(other) && a.covers(scope))
            .collect())
    }

    /// The agencies that may receive a TLP:RED record of this kind from the actor's
    /// agency, each with the title of an agreement in force that shares it up to RED:
    /// what a form offers as recipients, before anything is saved.
    pub async fn red_recipients(
        &self,
        actor: &interdict_core::Actor,
        kind: RecordKind,
    ) -> ServiceResult<Vec<(AgencyCode, String)>> {
        self.require(
            actor,
            interdict_core::policy::Action::WriteRecords,
            "recipients",
        )?;
        let scope = scope_of(kind);
        let today = self.today();
        let own = &actor.agency;
        let mut out: Vec<(AgencyCode, String)> = Vec::new();
        for a in self.store().agreements(Some(own)).await? {
            if !(a.in_force(today) && a.covers(scope) && a.max_tlp == Tlp::Red) {
                continue;
            }
            for party in &a.parties {
                if party != own && !out.iter().any(|(code, _)| code == party) {
                    out.push((party.clone(), a.title.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Refuses TLP:RED recipients who could never receive the record: no agreement in
    /// force between them and the owner shares records of this kind up to RED. (The
    /// record would say "TLP:RED KR-KCG" while KR-KCG could not see it, and nobody would
    /// be told.)
    pub(crate) async fn check_recipients(
        &self,
        owner: &AgencyCode,
        kind: RecordKind,
        handling: &Handling,
    ) -> ServiceResult<()> {
        if handling.tlp != Tlp::Red {
            return Ok(());
        }
        let mut errors = FieldErrors::new();
        for (i, recipient) in handling.recipients.iter().enumerate() {
            if recipient == owner {
                continue;
            }
            let agreements = self.sharing_agreements(owner, recipient, kind).await?;
            if agreements.is_empty() {
                errors.add(
                    format!("handling.recipients[{i}]"),
                    format!(
                        "{recipient} cannot receive this record: no agreement in force with \
                         {owner} shares {} with it",
                        scope_of(kind).as_str()
                    ),
                );
            } else if !agreements.iter().any(|a| a.max_tlp == Tlp::Red) {
                errors.add(
                    format!("handling.recipients[{i}]"),
                    format!(
                        "{recipient} cannot receive TLP:RED: its agreements with {owner} \
                         stop at {}",
                        agreements
                            .iter()
                            .map(|a| a.max_tlp)
                            .max()
                            .unwrap_or(Tlp::Clear)
                            .as_str()
                    ),
                );
            }
        }
        Ok(errors.into_result()?)
    }

    /// Who actually sees a record of the actor's agency now: every other agency whose
    /// reading the policy allows, with the agreements (or the operation or disclosure)
    /// that let it. Only the owner's users may ask.
    pub async fn audience<R: Readable>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Vec<AudienceEntry>> {
        let (loaded, _) = self.load_visible::<R>(actor, id, "audience").await?;
        if loaded.record.agency() != &actor.agency {
            return Err(ServiceError::NotFound);
        }
        let mut out = Vec::new();
        for agency in self.agencies().await? {
            if agency.code == actor.agency {
                continue;
            }
            let principal = Principal::Node {
                agency: agency.code.clone(),
            };
            let access = self.access(&principal, R::KIND.into()).await?;
            if !access.allows(&loaded.meta()) {
                continue;
            }
            let via: Vec<String> = self
                .sharing_agreements(&actor.agency, &agency.code, R::KIND)
                .await?
                .into_iter()
                .map(|a| a.title)
                .collect();
            let how = if via.is_empty() {
                AudienceBasis::OperationOrDisclosure
            } else {
                AudienceBasis::Agreement
            };
            out.push(AudienceEntry {
                agency: agency.code,
                basis: how,
                agreements: via,
            });
        }
        Ok(out)
    }

    /// Leaves out of a record the references to records the reader may not see.
    async fn redact<R: Readable>(&self, actor: &Actor, mut record: R) -> ServiceResult<R> {
        let links = record.links_of().to_vec();
        if links.is_empty() {
            return Ok(record);
        }
        let access = self
            .access(&Principal::User(actor.clone()), DataKind::Report)
            .await?;
        let visible: Vec<Uuid> = self
            .visible_reports(&access, &links)
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        record.set_links(
            links
                .into_iter()
                .filter(|id| visible.contains(id))
                .collect(),
        );
        Ok(record)
    }

    /// Creates a record of the actor's agency.
    pub async fn create_record<R: RecordType>(
        &self,
        actor: &Actor,
        input: R::Input,
    ) -> ServiceResult<R> {
        self.require(
            actor,
            interdict_core::policy::Action::WriteRecords,
            &format!("{}.create", R::KIND.as_str()),
        )?;
        R::validate(&input, &actor.agency, self.today())?;
        self.check_recipients(&actor.agency, R::KIND, R::input_handling(&input))
            .await?;
        self.check_links::<R>(actor, &input, &[]).await?;
        let record = R::build(
            input,
            self.new_id(),
            actor.agency.clone(),
            actor.username.clone(),
            self.now(),
        );
        let event = self.record_event(actor, "create", &record);
        self.store().insert_record(&record, &event).await?;
        self.index_names(&record);
        Ok(record)
    }

    /// Loads a record and answers what the actor may know of it.
    pub(crate) async fn load<R: Readable>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<(Option<Loaded<R>>, Access)> {
        let access = self
            .access(&Principal::User(actor.clone()), R::KIND.into())
            .await?;
        let stored = self.store().record(R::KIND, id).await?;
        Ok((stored.as_ref().map(decode::<R>).transpose()?, access))
    }

    /// Loads a record the actor may see; an invisible record is "not found", exactly
    /// like one that does not exist, and the attempt is audited.
    pub(crate) async fn load_visible<R: Readable>(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<(Loaded<R>, Access)> {
        let (loaded, access) = self.load::<R>(actor, id).await?;
        match loaded {
            Some(loaded) if access.allows(&loaded.meta()) => Ok((loaded, access)),
            _ => {
                // The entry names no owner: the actor's own auditors read it, and it
                // must not tell them more than the answer told the actor.
                self.deny(actor, R::KIND, action, id, None, "not visible");
                Err(ServiceError::NotFound)
            }
        }
    }

    /// A record the actor may see, for an operation about it (`action` names it in the
    /// audit log of a refusal); an invisible record is "not found".
    pub(crate) async fn get_visible_record<R: Readable>(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> ServiceResult<R> {
        Ok(self.load_visible::<R>(actor, id, action).await?.0.record)
    }

    /// One record, if visible, without references to what the actor may not see.
    /// Reads of another agency's record are audited.
    pub async fn get_record<R: Readable>(&self, actor: &Actor, id: Uuid) -> ServiceResult<R> {
        let (loaded, access) = self.load_visible::<R>(actor, id, "read").await?;
        if access.is_foreign(loaded.record.agency()) {
            self.inner
                .audit
                .read(self.record_event(actor, "read", &loaded.record));
        }
        self.redact(actor, loaded.record).await
    }

    /// The records a record refers to and those referring to it, as far as the actor
    /// may see them.
    pub async fn references<R: Readable>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<References> {
        let (loaded, _) = self.load_visible::<R>(actor, id, "read").await?;
        let reports = self
            .access(&Principal::User(actor.clone()), DataKind::Report)
            .await?;
        let links: Vec<RecordSummary> = self
            .visible_reports(&reports, loaded.record.links_of())
            .await?
            .iter()
            .map(RecordSummary::of)
            .collect();
        let seizures = self
            .access(&Principal::User(actor.clone()), DataKind::Seizure)
            .await?;
        let mut linked_from = Vec::new();
        for stored in self.store().records_linking(id, 200).await? {
            if stored.kind != RecordKind::Seizure {
                continue;
            }
            let seizure = decode::<Seizure>(&stored)?;
            if seizures.allows(&seizure.meta()) {
                linked_from.push(RecordSummary::of_seizure(&seizure.record));
            }
        }
        // The summaries of other agencies' records shown are reads of them, as a list's.
        for (action, shown) in [("report.list", &links), ("seizure.list", &linked_from)] {
            let shown = shown.iter().map(|r| (r.agency.clone(), r.id)).collect();
            self.audit_foreign_reads(actor, action, shown, None);
        }
        Ok(References { links, linked_from })
    }

    /// Replaces a record of the actor's agency; `version` is the version the change was
    /// made on, and a newer stored version is a conflict. Links to reports the editor
    /// may not see (any more) are kept as they were.
    pub async fn update_record<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        input: R::Input,
    ) -> ServiceResult<R> {
        let (current, access) = self.load_visible::<R>(actor, id, "update").await?;
        if let Err(denied) = actor.may_modify(&current.meta()) {
            self.deny(
                actor,
                R::KIND,
                "update",
                id,
                Some(current.record.agency()),
                &denied.to_string(),
            );
            return Err(denied.into());
        }
        if current.record.version() != version {
            return Err(ServiceError::VersionConflict {
                current: current.record.version(),
                given: version,
            });
        }
        let _ = access;
        R::validate(&input, &actor.agency, self.today())?;
        self.check_recipients(&actor.agency, R::KIND, R::input_handling(&input))
            .await?;
        let visible_now: Vec<Uuid> = {
            let reports = self
                .access(&Principal::User(actor.clone()), DataKind::Report)
                .await?;
            self.visible_reports(&reports, current.record.links_of())
                .await?
                .iter()
                .map(|r| r.id)
                .collect()
        };
        let hidden: Vec<Uuid> = current
            .record
            .links_of()
            .iter()
            .filter(|l| !visible_now.contains(l))
            .copied()
            .collect();
        self.check_links::<R>(actor, &input, &hidden).await?;
        let (created_at, _) = current.record.times();
        let mut record = R::build(
            input,
            id,
            current.record.agency().clone(),
            current.record.created_by().clone(),
            created_at,
        );
        if !hidden.is_empty() {
            let mut links = record.links_of().to_vec();
            links.extend(
                hidden
                    .iter()
                    .filter(|h| !links.contains(h))
                    .copied()
                    .collect::<Vec<_>>(),
            );
            record.set_links(links);
        }
        let status = record.status();
        record.set_state(status, version + 1, self.now());
        let event = self.record_event(actor, "update", &record);
        self.store()
            .replace_record(&record, actor.username.as_str(), &event)
            .await?;
        self.index_names(&record);
        self.redact(actor, record).await
    }

    /// Withdraws a record of the actor's agency: partners stop seeing it at once.
    pub async fn withdraw_record<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
    ) -> ServiceResult<R> {
        let (loaded, _) = self.load_visible::<R>(actor, id, "withdraw").await?;
        if let Err(denied) = actor.may_modify(&loaded.meta()) {
            self.deny(
                actor,
                R::KIND,
                "withdraw",
                id,
                Some(loaded.record.agency()),
                &denied.to_string(),
            );
            return Err(denied.into());
        }
        if reason.chars().count() > 2000 {
            return Err(ServiceError::field(
                "reason",
                "must be at most 2000 characters",
            ));
        }
        let mut record = loaded.record;
        let version = record.version() + 1;
        record.set_state(RecordStatus::Withdrawn, version, self.now());
        let mut event = self.record_event(actor, "withdraw", &record);
        event.detail = serde_json::json!({ "reason": reason }).to_string();
        self.store()
            .replace_record(&record, actor.username.as_str(), &event)
            .await?;
        self.index_names(&record);
        self.redact(actor, record).await
    }

    /// Who withdrew a record the actor may see, when and why; `None` when it is not
    /// withdrawn. The reason is kept in the audit event of the withdrawal.
    pub async fn withdrawal<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Option<Withdrawal>> {
        let (loaded, _) = self.load_visible::<R>(actor, id, "read").await?;
        if loaded.record.status() != RecordStatus::Withdrawn {
            return Ok(None);
        }
        let filter = interdict_store::AuditFilter {
            agency: Some(loaded.record.agency().to_string()),
            action: Some(format!("{}.withdraw", R::KIND.as_str())),
            target_id: Some(id.to_string()),
            ..interdict_store::AuditFilter::default()
        };
        let page = self.store().audit_page(&filter, None, 1).await?;
        Ok(page.entries.into_iter().next().map(|entry| {
            let reason = serde_json::from_str::<serde_json::Value>(&entry.event.detail)
                .ok()
                .and_then(|d| d.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
                .unwrap_or_default();
            Withdrawal {
                by: entry.event.actor.unwrap_or_default(),
                at: entry.event.at,
                reason,
            }
        }))
    }

    /// Earlier versions of a record with who made each; only its own agency sees them.
    pub async fn record_history<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Vec<Version<R>>> {
        let (loaded, access) = self.load_visible::<R>(actor, id, "history").await?;
        if access.is_foreign(loaded.record.agency()) {
            self.deny(
                actor,
                R::KIND,
                "history",
                id,
                Some(loaded.record.agency()),
                "not the owner",
            );
            return Err(ServiceError::OwnerOnly(
                "only the originating agency sees the history of a record".into(),
            ));
        }
        let rows = self.store().record_versions(loaded.seq).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let record: R = serde_json::from_str(&row.body).map_err(|e| {
                ServiceError::internal(anyhow::anyhow!("stored version is unreadable: {e}"))
            })?;
            // Who made the next version, and when: the row of version n records the
            // change that replaced it.
            let _ = i;
            out.push(Version {
                record: self.redact(actor, record).await?,
                replaced_by: row.changed_by.clone(),
                replaced_at: row.changed_at,
            });
        }
        Ok(out)
    }

    /// Audits the other agencies' records that a listing or search showed: one event
    /// per owning agency, so that each owner sees in its audit log who read its records.
    pub(crate) fn audit_foreign_reads(
        &self,
        actor: &Actor,
        action: &str,
        seen: Vec<(AgencyCode, Uuid)>,
        query: Option<&str>,
    ) {
        let mut by_owner: BTreeMap<AgencyCode, Vec<String>> = BTreeMap::new();
        for (agency, id) in seen {
            if agency != actor.agency {
                by_owner.entry(agency).or_default().push(id.to_string());
            }
        }
        for (agency, ids) in by_owner {
            let mut event = self.event(Some(actor), action);
            event.target_agency = Some(agency.to_string());
            event.detail = match query {
                Some(q) => serde_json::json!({ "records": ids, "query": q }),
                None => serde_json::json!({ "records": ids }),
            }
            .to_string();
            self.inner.audit.read(event);
        }
    }

    fn scope(actor: &Actor, listing: &str) -> String {
        format!("{}:{listing}", actor.user_id)
    }

    /// Opens a cursor given to this actor for this listing.
    fn open_cursor(
        &self,
        actor: &Actor,
        listing: &str,
        cursor: Option<&str>,
    ) -> ServiceResult<Option<i64>> {
        cursor
            .filter(|c| !c.is_empty())
            .map(|c| {
                cursor::open(self.keys(), &Self::scope(actor, listing), c).ok_or_else(|| {
                    ServiceError::field("cursor", "is not a cursor from a previous page")
                })
            })
            .transpose()
    }

    fn seal_cursor(&self, actor: &Actor, listing: &str, position: Option<i64>) -> Option<String> {
        position.map(|p| cursor::seal(self.keys(), &Self::scope(actor, listing), p))
    }

    /// A cursor that starts a listing of `listing` (`report`, `seizure`, `search`) at
    /// a position, as if a page had ended there: for the benchmark, which measures deep
    /// pages without paging down to them. Never used by the node.
    #[doc(hidden)]
    pub fn benchmark_cursor(&self, actor: &Actor, listing: &str, position: i64) -> String {
        cursor::seal(self.keys(), &Self::scope(actor, listing), position)
    }

    /// How many positions records take in storage (the highest): for the benchmark.
    #[doc(hidden)]
    pub async fn record_positions(&self) -> ServiceResult<i64> {
        Ok(self.store().max_position().await?)
    }

    /// Refreshes the planner statistics of storage (after a bulk import).
    pub async fn optimize_storage(&self) -> ServiceResult<()> {
        Ok(self.store().optimize().await?)
    }

    /// A page of the records of one kind visible to the actor. The cursor is the
    /// `next_cursor` of the previous page.
    pub async fn list_records<R: Readable>(
        &self,
        actor: &Actor,
        filter: &ListFilter,
        cursor: Option<&str>,
        limit: i64,
    ) -> ServiceResult<Page<R>> {
        self.require(
            actor,
            interdict_core::policy::Action::ReadRecords,
            &format!("{}.list", R::KIND.as_str()),
        )?;
        // A sorted listing's cursor is a position in that order, not a record: the
        // sealed cursor names the order so that it is not read in another.
        let listing = listing_name(R::KIND.as_str(), filter);
        let listing = listing.as_str();
        let position = self.open_cursor(actor, listing, cursor)?;
        let access = self
            .access(&Principal::User(actor.clone()), R::KIND.into())
            .await?;
        let page = self
            .store()
            .list_records(&[(R::KIND, access.visibility())], filter, position, limit)
            .await?;
        let mut items = Vec::with_capacity(page.items.len());
        for stored in &page.items {
            let loaded = decode::<R>(stored)?;
            // The store filtered already; the rule is applied again before anything
            // leaves the service.
            if access.allows(&loaded.meta()) {
                items.push(loaded.record);
            }
        }
        let foreign = items.iter().map(|r| (r.agency().clone(), r.id())).collect();
        self.audit_foreign_reads(actor, &format!("{}.list", R::KIND.as_str()), foreign, None);
        let mut redacted = Vec::with_capacity(items.len());
        for item in items {
            redacted.push(self.redact(actor, item).await?);
        }
        Ok(Page {
            items: redacted,
            next_cursor: self.seal_cursor(actor, listing, page.next_cursor),
            total: page.total,
            total_capped: page.total_capped,
        })
    }

    /// Full-text search over every kind of record the actor may see.
    pub async fn search(
        &self,
        actor: &Actor,
        query: &str,
        kind: Option<RecordKind>,
        mut filter: ListFilter,
        cursor: Option<&str>,
        limit: i64,
    ) -> ServiceResult<Page<RecordSummary>> {
        self.require(actor, interdict_core::policy::Action::ReadRecords, "search")?;
        if query.chars().count() > 200 {
            return Err(ServiceError::field("q", "must be at most 200 characters"));
        }
        let terms = query_terms(query)
            .ok_or_else(|| ServiceError::field("q", "needs at least one letter or digit"))?;
        filter.terms = Some(terms);
        let listing = listing_name("search", &filter);
        let position = self.open_cursor(actor, &listing, cursor)?;
        let kinds: Vec<RecordKind> = [RecordKind::Report, RecordKind::Seizure]
            .into_iter()
            .filter(|k| kind.is_none_or(|wanted| wanted == *k))
            .collect();
        let data_kinds: Vec<DataKind> = kinds.iter().map(|k| (*k).into()).collect();
        let accesses = self
            .accesses(&Principal::User(actor.clone()), &data_kinds)
            .await?;
        let visible: Vec<(RecordKind, interdict_core::policy::Visibility)> = kinds
            .iter()
            .zip(&accesses)
            .map(|(k, a)| (*k, a.visibility()))
            .collect();
        let page = self
            .store()
            .list_records(&visible, &filter, position, limit)
            .await?;
        let mut items = Vec::with_capacity(page.items.len());
        for stored in &page.items {
            let access = kinds
                .iter()
                .zip(&accesses)
                .find(|(k, _)| **k == stored.kind)
                .map(|(_, a)| a);
            let summary = match stored.kind {
                RecordKind::Report => {
                    let loaded = decode::<Report>(stored)?;
                    access
                        .filter(|a| a.allows(&loaded.meta()))
                        .map(|_| RecordSummary::of(&loaded.record))
                }
                RecordKind::Seizure => {
                    let loaded = decode::<Seizure>(stored)?;
                    access
                        .filter(|a| a.allows(&loaded.meta()))
                        .map(|_| RecordSummary::of_seizure(&loaded.record))
                }
                RecordKind::Alert => {
                    let loaded = decode::<interdict_core::alert::Alert>(stored)?;
                    access
                        .filter(|a| a.allows(&loaded.meta()))
                        .map(|_| RecordSummary::of(&loaded.record))
                }
            };
            items.extend(summary);
        }
        let foreign = items.iter().map(|s| (s.agency.clone(), s.id)).collect();
        self.audit_foreign_reads(actor, "search", foreign, Some(query));
        Ok(Page {
            items,
            next_cursor: self.seal_cursor(actor, &listing, page.next_cursor),
            total: page.total,
            total_capped: page.total_capped,
        })
    }

    /// Discloses a record of the actor's agency to another agency until a day: that
    /// agency's officers may read it, whatever the agreements say, until the day ends.
    pub async fn disclose_record<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
        to: &AgencyCode,
        until: NaiveDate,
    ) -> ServiceResult<Disclosure> {
        let (loaded, _) = self.load_visible::<R>(actor, id, "disclose").await?;
        if let Err(denied) = actor.may_modify(&loaded.meta()) {
            self.deny(
                actor,
                R::KIND,
                "disclose",
                id,
                Some(loaded.record.agency()),
                &denied.to_string(),
            );
            return Err(denied.into());
        }
        let mut errors = FieldErrors::new();
        if to == &actor.agency {
            errors.add("agency", "is your own agency");
        } else if self.store().agency(to).await?.is_none() {
            errors.add("agency", "is not an agency this node knows");
        }
        let today = self.today();
        if until < today {
            errors.add("until", "is in the past");
        } else if (until - today).num_days() > MAX_DISCLOSURE_DAYS {
            errors.add("until", "must be within a year");
        }
        if loaded.record.status() != RecordStatus::Published {
            errors.add("status", "only published records can be disclosed");
        }
        errors.into_result()?;
        let row = DisclosureRow {
            id: self.new_id(),
            record: id,
            kind: R::KIND,
            agency: to.clone(),
            until,
            created_by: actor.username.to_string(),
            created_at: self.now(),
        };
        let mut event = self.record_event(actor, "disclose", &loaded.record);
        event.detail = serde_json::json!({
            "disclosure": row.id.to_string(),
            "to": to.as_str(),
            "until": until.to_string(),
        })
        .to_string();
        self.store().create_disclosure(&row, &event).await?;
        Ok(row)
    }

    /// Ends a disclosure of a record of the actor's agency at once.
    pub async fn revoke_disclosure<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
        disclosure: Uuid,
    ) -> ServiceResult<()> {
        let (loaded, _) = self.load_visible::<R>(actor, id, "disclose").await?;
        if let Err(denied) = actor.may_modify(&loaded.meta()) {
            self.deny(
                actor,
                R::KIND,
                "disclose",
                id,
                Some(loaded.record.agency()),
                &denied.to_string(),
            );
            return Err(denied.into());
        }
        if !loaded.beside.disclosures.contains(&disclosure) {
            return Err(ServiceError::NotFound);
        }
        let mut event = self.record_event(actor, "disclosure_revoke", &loaded.record);
        event.detail = serde_json::json!({ "disclosure": disclosure.to_string() }).to_string();
        self.store().revoke_disclosure(disclosure, &event).await?;
        Ok(())
    }

    /// The disclosures made of a record of the actor's agency.
    pub async fn disclosures_of<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<Vec<Disclosure>> {
        let (loaded, access) = self.load_visible::<R>(actor, id, "read").await?;
        if access.is_foreign(loaded.record.agency()) {
            return Err(ServiceError::OwnerOnly(
                "only the originating agency sees the disclosures of a record".into(),
            ));
        }
        Ok(self.store().disclosures_of(R::KIND, id).await?)
    }

    /// Attaches a record to a joint operation, whose members then read it up to the
    /// operation's handling limit. Only the record's owner attaches it.
    pub async fn attach_record<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
        operation: Uuid,
    ) -> ServiceResult<()> {
        let (loaded, _) = self.load_visible::<R>(actor, id, "attach").await?;
        if let Err(denied) = actor.may_modify(&loaded.meta()) {
            self.deny(
                actor,
                R::KIND,
                "attach",
                id,
                Some(loaded.record.agency()),
                &denied.to_string(),
            );
            return Err(denied.into());
        }
        if self.store().operation(operation).await?.is_none() {
            return Err(ServiceError::field("operation", "no such operation"));
        }
        let mut event = self.record_event(actor, "attach", &loaded.record);
        event.detail = serde_json::json!({ "operation": operation.to_string() }).to_string();
        self.store()
            .attach_record(R::KIND, id, operation, &event)
            .await?;
        Ok(())
    }
}

/// The withdrawal of a record: who, when and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// An earlier version of a record, with who replaced it and when.
#[derive(Clone, Debug)]
pub struct Version<R> {
    pub record: R,
    /// The user who made the next version.
    pub replaced_by: String,
    pub replaced_at: DateTime<Utc>,
}

/// The scope of agreements that shares records of a kind.
fn scope_of(kind: RecordKind) -> Scope {
    match kind {
        RecordKind::Report => Scope::Intelligence,
        RecordKind::Seizure => Scope::Seizures,
        RecordKind::Alert => Scope::Surveillance,
    }
}

/// An agency that sees a record, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AudienceEntry {
    pub agency: AgencyCode,
    pub basis: AudienceBasis,
    /// The titles of the agreements in force that share the record with it.
    pub agreements: Vec<String>,
}

/// Why an agency sees a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceBasis {
    /// An agreement between the two agencies.
    Agreement,
    /// A joint operation the record is attached to, or a disclosure of it.
    OperationOrDisclosure,
}

/// The name a listing's cursors are sealed under: the listing and its order.
fn listing_name(listing: &str, filter: &ListFilter) -> String {
    match filter.sort {
        Some(sort) => format!("{listing}:{}", sort.to_param()),
        None => listing.to_owned(),
    }
}
