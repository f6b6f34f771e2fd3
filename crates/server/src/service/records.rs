//! Creating, reading, changing, withdrawing, listing and searching records.

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::policy::{Action, Grants};
use interdict_core::record::{Record, RecordKind, Report, ReportInput, Seizure, SeizureInput};
use interdict_core::text::query_terms;
use interdict_core::{Actor, AgencyCode, FieldErrors, RecordStatus, Username};
use interdict_store::{ListFilter, Page, RecordSummary, StoredRecord};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use super::AppState;
use crate::error::{AppError, AppResult};

/// A kind of record the node stores, with how it is built from client input.
pub trait RecordType: Record + Clone + 'static {
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

    /// Sets status, version and change time.
    fn set_state(&mut self, status: RecordStatus, version: i64, updated_at: DateTime<Utc>);
}

impl RecordType for Report {
    type Input = ReportInput;

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

fn decode<R: Record>(stored: &StoredRecord) -> AppResult<R> {
    serde_json::from_str(&stored.body).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "stored {} {} is unreadable: {e}",
            stored.kind.as_str(),
            stored.seq
        ))
    })
}

impl AppState {
    fn record_event<R: Record>(&self, actor: &Actor, action: &str, record: &R) -> AuditEvent {
        let mut event = self.event(Some(actor), &format!("{}.{action}", R::KIND.as_str()));
        event.target_kind = Some(R::KIND.as_str().to_owned());
        event.target_id = Some(record.id().to_string());
        event.target_agency = Some(record.agency().to_string());
        event
    }

    async fn check_links<R: RecordType>(&self, actor: &Actor, input: &R::Input) -> AppResult<()> {
        let links = R::linked_reports(input);
        if links.is_empty() {
            return Ok(());
        }
        let grants = self.grants(actor, RecordKind::Report).await?;
        let mut errors = FieldErrors::new();
        for (i, id) in links.iter().enumerate() {
            let visible = match self.store.record(RecordKind::Report, *id).await? {
                Some(stored) => grants.allows(&decode::<Report>(&stored)?.meta()),
                None => false,
            };
            if !visible {
                errors.add(format!("linked_reports[{i}]"), "no such report");
            }
        }
        Ok(errors.into_result()?)
    }

    /// Creates a record of the actor's agency.
    pub async fn create_record<R: RecordType>(
        &self,
        actor: &Actor,
        input: R::Input,
    ) -> AppResult<R> {
        actor.require(Action::WriteRecords)?;
        R::validate(&input, &actor.agency, self.today())?;
        self.check_links::<R>(actor, &input).await?;
        let record = R::build(
            input,
            Uuid::now_v7(),
            actor.agency.clone(),
            actor.username.clone(),
            self.now(),
        );
        let event = self.record_event(actor, "create", &record);
        self.store.insert_record(&record, &event).await?;
        Ok(record)
    }

    /// Loads a record and checks that the actor may see it: an invisible record is
    /// "not found", exactly like one that does not exist.
    async fn load_visible<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> AppResult<(i64, R, Grants)> {
        let grants = self.grants(actor, R::KIND).await?;
        let stored = self
            .store
            .record(R::KIND, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let record: R = decode(&stored)?;
        if !grants.allows(&record.meta()) {
            return Err(AppError::NotFound);
        }
        Ok((stored.seq, record, grants))
    }

    /// One record, if visible. Reads of another agency's record are audited.
    pub async fn get_record<R: RecordType>(&self, actor: &Actor, id: Uuid) -> AppResult<R> {
        let (_, record, grants) = self.load_visible::<R>(actor, id).await?;
        if grants.is_foreign(record.agency()) {
            self.store
                .audit(&self.record_event(actor, "read", &record))
                .await?;
        }
        Ok(record)
    }

    /// Replaces a record of the actor's agency; `version` is the version the change was
    /// made on, and a newer stored version is a conflict.
    pub async fn update_record<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        input: R::Input,
    ) -> AppResult<R> {
        let (_, current, _) = self.load_visible::<R>(actor, id).await?;
        actor.may_modify(&current.meta())?;
        if current.version() != version {
            return Err(AppError::Conflict(format!(
                "the record is at version {}, not {version}; reload it and apply your change again",
                current.version()
            )));
        }
        R::validate(&input, &actor.agency, self.today())?;
        self.check_links::<R>(actor, &input).await?;
        let (created_at, _) = current.times();
        let mut record = R::build(
            input,
            id,
            current.agency().clone(),
            current.created_by().clone(),
            created_at,
        );
        let status = record.status();
        record.set_state(status, version + 1, self.now());
        let event = self.record_event(actor, "update", &record);
        self.store
            .replace_record(&record, actor.username.as_str(), &event)
            .await?;
        Ok(record)
    }

    /// Withdraws a record of the actor's agency: partners stop seeing it at once.
    pub async fn withdraw_record<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
    ) -> AppResult<R> {
        let (_, mut record, _) = self.load_visible::<R>(actor, id).await?;
        actor.may_modify(&record.meta())?;
        if reason.chars().count() > 2000 {
            return Err(AppError::field("reason", "must be at most 2000 characters"));
        }
        let version = record.version() + 1;
        record.set_state(RecordStatus::Withdrawn, version, self.now());
        let mut event = self.record_event(actor, "withdraw", &record);
        event.detail = serde_json::json!({ "reason": reason }).to_string();
        self.store
            .replace_record(&record, actor.username.as_str(), &event)
            .await?;
        Ok(record)
    }

    /// Earlier versions of a record; only its own agency sees them.
    pub async fn record_history<R: RecordType>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> AppResult<Vec<R>> {
        let (seq, record, grants) = self.load_visible::<R>(actor, id).await?;
        if grants.is_foreign(record.agency()) {
            return Err(AppError::Forbidden(
                "only the originating agency sees the history of a record".into(),
            ));
        }
        let rows = self.store.record_versions(seq).await?;
        rows.iter()
            .map(|row| {
                serde_json::from_str(&row.body).map_err(|e| {
                    AppError::Internal(anyhow::anyhow!("stored version is unreadable: {e}"))
                })
            })
            .collect()
    }

    /// Audits the other agencies' records that a listing or search showed: one event per
    /// owning agency, so that each owner sees in its audit log who read its records.
    async fn audit_foreign_reads(
        &self,
        actor: &Actor,
        action: &str,
        seen: Vec<(String, String)>,
    ) -> AppResult<()> {
        let mut by_owner: std::collections::BTreeMap<String, Vec<String>> =
            std::collections::BTreeMap::new();
        for (agency, id) in seen {
            by_owner.entry(agency).or_default().push(id);
        }
        for (agency, ids) in by_owner {
            let mut event = self.event(Some(actor), action);
            event.target_agency = Some(agency);
            event.detail = serde_json::json!({ "records": ids }).to_string();
            self.store.audit(&event).await?;
        }
        Ok(())
    }

    /// A page of the records of one kind visible to the actor.
    pub async fn list_records<R: RecordType>(
        &self,
        actor: &Actor,
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> AppResult<Page<R>> {
        actor.require(Action::ReadRecords)?;
        let grants = self.grants(actor, R::KIND).await?;
        let page = self
            .store
            .list_records(&[(R::KIND, grants.branches())], filter, cursor, limit)
            .await?;
        let items = page
            .items
            .iter()
            .map(decode::<R>)
            .collect::<AppResult<Vec<R>>>()?;
        // The store filtered already; checking again costs little and guards the rule.
        let items: Vec<R> = items
            .into_iter()
            .filter(|r| grants.allows(&r.meta()))
            .collect();
        let foreign = items
            .iter()
            .filter(|r| grants.is_foreign(r.agency()))
            .map(|r| (r.agency().to_string(), r.id().to_string()))
            .collect();
        self.audit_foreign_reads(actor, &format!("{}.list", R::KIND.as_str()), foreign)
            .await?;
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
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
        cursor: Option<i64>,
        limit: i64,
    ) -> AppResult<Page<RecordSummary>> {
        actor.require(Action::ReadRecords)?;
        if query.chars().count() > 200 {
            return Err(AppError::field("q", "must be at most 200 characters"));
        }
        let terms = query_terms(query)
            .ok_or_else(|| AppError::field("q", "needs at least one letter or digit"))?;
        filter.terms = Some(terms);
        let mut visible = Vec::new();
        for k in [RecordKind::Report, RecordKind::Seizure] {
            if kind.is_none_or(|wanted| wanted == k) {
                visible.push((k, self.grants(actor, k).await?.branches()));
            }
        }
        let page = self
            .store
            .list_summaries(&visible, &filter, cursor, limit)
            .await?;
        let foreign = page
            .items
            .iter()
            .filter(|s| s.agency != actor.agency)
            .map(|s| (s.agency.to_string(), s.id.to_string()))
            .collect();
        self.audit_foreign_reads(actor, "search", foreign).await?;
        Ok(page)
    }
}
