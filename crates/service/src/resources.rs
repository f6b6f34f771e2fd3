//! Resource support between agencies: the register of detection dogs and equipment of
//! each agency, the calendar of each resource, the search for available resources
//! nearest a place, bulk import of a register from CSV, and loans from request to
//! return.
//!
//! A resource and its calendar are read under the policy's answer about the resource
//! (`Resource::meta`: its agency, and partners with the resources scope up to its
//! label); a loan under its answer about the loan (`Loan::meta`: the two agencies).
//! Anything else reads as not found. Double booking is refused by the store's
//! `resource_days` key, written in the transaction of the approval.

use chrono::NaiveDate;
use interdict_core::audit::AuditEvent;
use interdict_core::policy::{Access, Action, DataKind, Principal};
use interdict_core::record::{DrugType, Record as _, RecordKind, Seizure};
use interdict_core::resource::{
    check_period, Availability, CalendarEntry, CalendarInput, CounterInput, Loan, LoanError,
    LoanRequestInput, LoanStatus, LoanStep, Resource, ResourceInput, ResourceKind, Site,
    UsageReport,
};
use interdict_core::{Actor, AgencyCode, FieldErrors, Scope, Tlp};
use interdict_store::{CalendarRow, LoanBooking, LoanRow, ResourceRow, StoreError};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ServiceError, ServiceResult};
use crate::Service;

/// A resource as a reader sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResourceView {
    #[serde(flatten)]
    pub resource: Resource,
    /// Whether the reader manages the resource (a resource manager of its agency).
    pub may_manage: bool,
}

/// A resource free over a whole period, with its distance from the place asked about.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AvailableResource {
    #[serde(flatten)]
    pub resource: Resource,
    /// Great-circle distance from the home base to the place, in kilometres.
    pub distance_km: f64,
}

/// What to look for: a kind (and for dogs a drug class), a period, a place.
#[derive(Clone, Debug)]
pub struct AvailabilityQuery {
    pub kind: ResourceKind,
    pub specialisation: Option<DrugType>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub place: Site,
}

/// A loan as one of its two agencies sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LoanView {
    /// `status` is the status today (an undecided request past its first day is
    /// `expired`).
    #[serde(flatten)]
    pub loan: Loan,
    /// The steps the reader may take now: approve, decline, counter, accept,
    /// withdraw, deploy, return.
    pub actions: Vec<String>,
}

/// One bad row of a CSV register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportProblem {
    /// The line of the file (the header is line 1).
    pub line: usize,
    pub message: String,
}

/// The columns of a register in CSV, in this order (a header line names them).
pub const CSV_COLUMNS: [&str; 12] = [
    "kind",
    "name",
    "handler",
    "specialisations",
    "certification",
    "certified_until",
    "serial_number",
    "service_due",
    "base_name",
    "base_lat",
    "base_lon",
    "tlp",
];

fn json_error(what: &str, e: serde_json::Error) -> ServiceError {
    ServiceError::internal(anyhow::anyhow!("{what}: {e}"))
}

fn conflict(e: LoanError) -> ServiceError {
    ServiceError::Conflict {
        code: e.code,
        message: e.message,
    }
}

fn double_booking(resource: &Resource) -> ServiceError {
    ServiceError::Conflict {
        code: "double_booking",
        message: format!(
            "{} is taken on some of these days already (on loan, on duty, in maintenance or on leave)",
            resource.input.name
        ),
    }
}

fn resource_row(r: &Resource) -> ServiceResult<ResourceRow> {
    Ok(ResourceRow {
        id: r.id,
        agency: r.agency.clone(),
        kind: r.input.kind.as_str().to_owned(),
        tlp: r.input.tlp,
        body: serde_json::to_string(&r.input).map_err(|e| json_error("resource", e))?,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

fn resource_of(row: &ResourceRow) -> ServiceResult<Resource> {
    Ok(Resource {
        id: row.id,
        agency: row.agency.clone(),
        input: serde_json::from_str(&row.body).map_err(|e| json_error("resource", e))?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn loan_row(l: &Loan) -> ServiceResult<LoanRow> {
    Ok(LoanRow {
        id: l.id,
        owner_agency: l.owner_agency.clone(),
        borrower_agency: l.borrower_agency.clone(),
        status: l.status.as_str().to_owned(),
        body: serde_json::to_string(l).map_err(|e| json_error("loan", e))?,
        version: l.version,
        created_at: l.created_at,
        updated_at: l.updated_at,
    })
}

fn loan_of(row: &LoanRow) -> ServiceResult<Loan> {
    let mut l: Loan = serde_json::from_str(&row.body).map_err(|e| json_error("loan", e))?;
    l.version = row.version;
    Ok(l)
}

/// Whether the policy lets `access` read a loan between `owner` and `borrower`.
fn loan_visible(access: &Access, owner: &AgencyCode, borrower: &AgencyCode) -> bool {
    let parties = [borrower.clone()];
    access.allows(
        &interdict_core::policy::Meta::plain(DataKind::Loan, owner, Tlp::Red)
            .with_parties(&parties),
    )
}

impl Service {
    fn resource_event(&self, actor: Option<&Actor>, action: &str, r: &Resource) -> AuditEvent {
        let mut event = self.event(actor, &format!("resource.{action}"));
        event.target_kind = Some("resource".into());
        event.target_id = Some(r.id.to_string());
        event.target_agency = Some(r.agency.to_string());
        event
    }

    fn loan_event(&self, actor: &Actor, action: &str, l: &Loan) -> AuditEvent {
        let mut event = self.event(Some(actor), &format!("loan.{action}"));
        event.target_kind = Some("loan".into());
        event.target_id = Some(l.id.to_string());
        event.target_agency = Some(l.owner_agency.to_string());
        event
    }

    fn deny_read(&self, actor: &Actor, what: &str, id: Uuid) -> ServiceError {
        let mut event = self.event(Some(actor), &format!("{what}.read_denied"));
        event.target_kind = Some(what.into());
        event.target_id = Some(id.to_string());
        event.detail = serde_json::json!({ "reason": "not visible" }).to_string();
        self.inner
            .audit
            .denial(event, format!("user:{}", actor.username));
        ServiceError::NotFound
    }

    async fn resource_access(&self, actor: &Actor) -> ServiceResult<Access> {
        self.access(&Principal::User(actor.clone()), DataKind::Resource)
            .await
    }

    /// A resource the actor may see; any other is "not found", audited as a denial.
    async fn visible_resource(&self, actor: &Actor, id: Uuid) -> ServiceResult<(Resource, Access)> {
        let access = self.resource_access(actor).await?;
        if let Some(row) = self.store().resource(id).await? {
            let r = resource_of(&row)?;
            if access.allows(&r.meta()) {
                return Ok((r, access));
            }
        }
        Err(self.deny_read(actor, "resource", id))
    }

    /// A resource of the actor's own agency that the actor manages.
    async fn managed_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        what: &str,
    ) -> ServiceResult<Resource> {
        let (r, _) = self.visible_resource(actor, id).await?;
        self.require(actor, Action::ManageResources, &format!("resource.{what}"))?;
        if r.agency != actor.agency {
            return Err(ServiceError::NotOwner);
        }
        Ok(r)
    }

    fn view(&self, actor: &Actor, resource: Resource) -> ResourceView {
        let may_manage = resource.agency == actor.agency && actor.may(Action::ManageResources);
        ResourceView {
            resource,
            may_manage,
        }
    }

    /// Registers a resource of the actor's agency.
    pub async fn create_resource(
        &self,
        actor: &Actor,
        input: ResourceInput,
    ) -> ServiceResult<ResourceView> {
        self.require(actor, Action::ManageResources, "resource.create")?;
        input.validate()?;
        let now = self.now();
        let resource = Resource {
            id: self.new_id(),
            agency: actor.agency.clone(),
            input: trimmed(input),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut event = self.resource_event(Some(actor), "create", &resource);
        event.detail = serde_json::json!({ "kind": resource.input.kind.as_str(), "name": resource.input.name }).to_string();
        self.store()
            .insert_resources(&[resource_row(&resource)?], &[event])
            .await?;
        Ok(self.view(actor, resource))
    }

    /// The resources the actor may see: the own agency's register and partners' shared
    /// under an agreement with the resources scope; of one agency when `agency` is given.
    pub async fn resources_for(
        &self,
        actor: &Actor,
        agency: Option<&AgencyCode>,
    ) -> ServiceResult<Vec<ResourceView>> {
        let access = self.resource_access(actor).await?;
        let mut out = Vec::new();
        for row in self.store().resources(agency).await? {
            // The policy decides on the row's columns before the body is read.
            let meta =
                interdict_core::policy::Meta::plain(DataKind::Resource, &row.agency, row.tlp);
            if access.allows(&meta) {
                let r = resource_of(&row)?;
                out.push(self.view(actor, r));
            }
        }
        Ok(out)
    }

    /// One resource. Reads of a partner's resource are audited.
    pub async fn resource(&self, actor: &Actor, id: Uuid) -> ServiceResult<ResourceView> {
        let (r, access) = self.visible_resource(actor, id).await?;
        if access.is_foreign(&r.agency) {
            self.inner
                .audit
                .read(self.resource_event(Some(actor), "read", &r));
        }
        Ok(self.view(actor, r))
    }

    /// Replaces a resource of the actor's agency (`version` is the one changed).
    pub async fn update_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        input: ResourceInput,
    ) -> ServiceResult<ResourceView> {
        let current = self.managed_resource(actor, id, "update").await?;
        if current.version != version {
            return Err(ServiceError::VersionConflict {
                current: current.version,
                given: version,
            });
        }
        input.validate()?;
        let resource = Resource {
            input: trimmed(input),
            version: current.version + 1,
            updated_at: self.now(),
            ..current
        };
        let mut event = self.resource_event(Some(actor), "update", &resource);
        event.detail = serde_json::json!({ "version": resource.version }).to_string();
        self.store()
            .update_resource(&resource_row(&resource)?, version, &event)
            .await?;
        Ok(self.view(actor, resource))
    }

    /// Removes a resource of the actor's agency, unless a loan holds it.
    pub async fn delete_resource(&self, actor: &Actor, id: Uuid) -> ServiceResult<()> {
        let resource = self.managed_resource(actor, id, "delete").await?;
        let today = self.today();
        for row in self.store().loans().await? {
            if row.owner_agency != resource.agency {
                continue;
            }
            let loan = loan_of(&row)?;
            if loan.resource == Some(id)
                && matches!(
                    loan.status_on(today),
                    LoanStatus::Approved | LoanStatus::Deployed
                )
            {
                return Err(ServiceError::Conflict {
                    code: "resource_on_loan",
                    message: format!(
                        "{} is held by a loan to {} ({}); it cannot be removed",
                        resource.input.name,
                        loan.borrower_agency,
                        loan.status.as_str()
                    ),
                });
            }
        }
        let event = self.resource_event(Some(actor), "delete", &resource);
        self.store().delete_resource(id, &event).await?;
        Ok(())
    }

    /// The entries of a resource's calendar touching `from..=to`. An `on_loan` entry
    /// names its loan only to the loan's two agencies.
    pub async fn resource_calendar(
        &self,
        actor: &Actor,
        id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> ServiceResult<Vec<CalendarEntry>> {
        let mut errors = FieldErrors::new();
        check_period(&mut errors, from, to);
        errors.into_result()?;
        let (r, _) = self.visible_resource(actor, id).await?;
        let loans = self
            .access(&Principal::User(actor.clone()), DataKind::Loan)
            .await?;
        let mut out = Vec::new();
        for row in self.store().calendar(id, from, to).await? {
            let mut loan = None;
            if let Some(loan_id) = row.loan {
                if let Some(l) = self.store().loan(loan_id).await? {
                    if loan_visible(&loans, &l.owner_agency, &l.borrower_agency) {
                        loan = Some(loan_id);
                    }
                }
            }
            out.push(CalendarEntry {
                id: row.id,
                resource: r.id,
                kind: Availability::parse(&row.kind).ok_or_else(|| {
                    ServiceError::internal(anyhow::anyhow!("calendar kind {}", row.kind))
                })?,
                from: row.from,
                to: row.to,
                note: row.note,
                loan,
            });
        }
        Ok(out)
    }

    /// Marks a resource of the actor's agency as taken (home duty, maintenance, leave)
    /// over some days; days taken already are refused (409 `double_booking`).
    pub async fn add_calendar_entry(
        &self,
        actor: &Actor,
        id: Uuid,
        input: CalendarInput,
    ) -> ServiceResult<CalendarEntry> {
        let resource = self.managed_resource(actor, id, "calendar_add").await?;
        input.validate()?;
        let row = CalendarRow {
            id: self.new_id(),
            resource: id,
            kind: input.kind.as_str().to_owned(),
            from: input.from,
            to: input.to,
            note: input.note.trim().to_owned(),
            loan: None,
            created_at: self.now(),
        };
        let mut event = self.resource_event(Some(actor), "calendar_add", &resource);
        event.detail = serde_json::json!({ "entry": row.id, "kind": row.kind, "from": row.from, "to": row.to }).to_string();
        match self.store().add_calendar_entry(&row, &event).await {
            Err(StoreError::Duplicate { .. }) => return Err(double_booking(&resource)),
            other => other?,
        }
        Ok(CalendarEntry {
            id: row.id,
            resource: id,
            kind: input.kind,
            from: row.from,
            to: row.to,
            note: row.note,
            loan: None,
        })
    }

    /// Removes an entry of a resource's calendar (not one of a loan).
    pub async fn delete_calendar_entry(
        &self,
        actor: &Actor,
        id: Uuid,
        entry: Uuid,
    ) -> ServiceResult<()> {
        let resource = self.managed_resource(actor, id, "calendar_delete").await?;
        let row = self
            .store()
            .calendar_entry(entry)
            .await?
            .filter(|e| e.resource == id)
            .ok_or(ServiceError::NotFound)?;
        if row.loan.is_some() {
            return Err(ServiceError::Conflict {
                code: "calendar_loan",
                message: "this entry belongs to a loan; it ends with the loan (withdrawal)".into(),
            });
        }
        let mut event = self.resource_event(Some(actor), "calendar_delete", &resource);
        event.detail = serde_json::json!({ "entry": entry }).to_string();
        self.store().delete_calendar_entry(entry, &event).await?;
        Ok(())
    }

    /// The resources of a kind the actor may see that are free over the whole period
    /// and fit to be lent until its last day, nearest to the place first.
    pub async fn available_resources(
        &self,
        actor: &Actor,
        query: &AvailabilityQuery,
    ) -> ServiceResult<Vec<AvailableResource>> {
        let mut errors = FieldErrors::new();
        check_period(&mut errors, query.from, query.to);
        if query.specialisation.is_some() && !query.kind.is_dog() {
            errors.add("specialisation", "only a dog has a specialisation");
        }
        if !(query.place.lat.is_finite() && (-90.0..=90.0).contains(&query.place.lat)) {
            errors.add("lat", "must be between -90 and 90");
        }
        if !(query.place.lon.is_finite() && (-180.0..=180.0).contains(&query.place.lon)) {
            errors.add("lon", "must be between -180 and 180");
        }
        errors.into_result()?;
        let busy = self.store().busy_resources(query.from, query.to).await?;
        let mut found: Vec<AvailableResource> = self
            .resources_for(actor, None)
            .await?
            .into_iter()
            .map(|v| v.resource)
            .filter(|r| {
                r.matches(query.kind, query.specialisation)
                    && !busy.contains(&r.id)
                    && r.unfit_for(query.to).is_none()
            })
            .map(|r| AvailableResource {
                distance_km: (r.input.home_base.distance_km(&query.place) * 10.0).round() / 10.0,
                resource: r,
            })
            .collect();
        found.sort_by(|a, b| a.distance_km.total_cmp(&b.distance_km));
        Ok(found)
    }

    /// Imports a register from CSV (columns [`CSV_COLUMNS`], a header line first) into
    /// `agency`'s register: all rows or none. Every bad row is reported with its line.
    /// `actor` is the resource manager importing, or `None` for the node's operator
    /// (the command line).
    pub async fn import_resources(
        &self,
        actor: Option<&Actor>,
        agency: &AgencyCode,
        csv_text: &str,
    ) -> ServiceResult<Result<usize, Vec<ImportProblem>>> {
        if let Some(actor) = actor {
            self.require(actor, Action::ManageResources, "resource.import")?;
            if &actor.agency != agency {
                return Err(ServiceError::NotOwner);
            }
        }
        if !self
            .store()
            .agencies()
            .await?
            .iter()
            .any(|a| &a.code == agency)
        {
            return Err(ServiceError::field("agency", format!("no agency {agency}")));
        }
        let inputs = match parse_register(csv_text) {
            Ok(inputs) => inputs,
            Err(problems) => return Ok(Err(problems)),
        };
        let now = self.now();
        let mut rows = Vec::new();
        let mut events = Vec::new();
        for input in inputs {
            let resource = Resource {
                id: self.new_id(),
                agency: agency.clone(),
                input,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let mut event = self.resource_event(actor, "import", &resource);
            event.detail = serde_json::json!({ "kind": resource.input.kind.as_str(), "name": resource.input.name }).to_string();
            rows.push(resource_row(&resource)?);
            events.push(event);
        }
        self.store().insert_resources(&rows, &events).await?;
        Ok(Ok(rows.len()))
    }

    // ---- loans ----

    async fn loan_access(&self, actor: &Actor) -> ServiceResult<Access> {
        self.access(&Principal::User(actor.clone()), DataKind::Loan)
            .await
    }

    async fn visible_loan(&self, actor: &Actor, id: Uuid) -> ServiceResult<Loan> {
        let access = self.loan_access(actor).await?;
        if let Some(row) = self.store().loan(id).await? {
            if loan_visible(&access, &row.owner_agency, &row.borrower_agency) {
                return loan_of(&row);
            }
        }
        Err(self.deny_read(actor, "loan", id))
    }

    fn loan_view(&self, actor: &Actor, mut loan: Loan) -> LoanView {
        let today = self.today();
        let mut actions = Vec::new();
        if actor.may(Action::ManageResources) {
            let by_owner = actor.agency == loan.owner_agency;
            for step in [
                LoanStep::Approve,
                LoanStep::Decline,
                LoanStep::Counter,
                LoanStep::Accept,
                LoanStep::Withdraw,
                LoanStep::Deploy,
                LoanStep::Return,
            ] {
                if loan.check(step, by_owner, today).is_ok() {
                    actions.push(step.as_str().to_owned());
                }
            }
        }
        loan.status = loan.status_on(today);
        LoanView { loan, actions }
    }

    /// Asks a partner agency for a resource. An agreement in force between the two
    /// agencies must cover the resources scope.
    pub async fn request_loan(
        &self,
        actor: &Actor,
        input: LoanRequestInput,
    ) -> ServiceResult<LoanView> {
        self.require(actor, Action::ManageResources, "loan.request")?;
        let today = self.today();
        input.validate(&actor.agency, today)?;
        let bound = self.agreements_for(actor).await?.into_iter().any(|a| {
            a.in_force(today)
                && a.binds(&actor.agency)
                && a.binds(&input.owner_agency)
                && a.covers(Scope::Resources)
        });
        if !bound {
            return Err(ServiceError::field(
                "owner_agency",
                format!(
                    "no agreement in force with the resources scope binds your agency to {}",
                    input.owner_agency
                ),
            ));
        }
        // The operation must be one the requesting agency takes part in (led or joined);
        // any other reads as not existing.
        if let Some(op) = input.operation {
            let takes_part = match self.store().operation(op).await? {
                Some(row) => {
                    row.lead_agency == actor.agency
                        || self
                            .store()
                            .operation_agencies(op)
                            .await?
                            .contains(&actor.agency)
                }
                None => false,
            };
            if !takes_part {
                return Err(ServiceError::field(
                    "operation",
                    "no such operation of your agency",
                ));
            }
        }
        let now = self.now();
        let loan = Loan {
            id: self.new_id(),
            owner_agency: input.owner_agency,
            borrower_agency: actor.agency.clone(),
            kind: input.kind,
            specialisation: input.specialisation,
            from: input.from,
            to: input.to,
            place: Site {
                name: input.place.name.trim().to_owned(),
                ..input.place
            },
            operation: input.operation,
            purpose: input.purpose.trim().to_owned(),
            status: LoanStatus::Requested,
            resource: None,
            counter: None,
            decline_reason: None,
            usage: None,
            requested_by: actor.username.clone(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut event = self.loan_event(actor, "request", &loan);
        event.detail = serde_json::json!({ "borrower": loan.borrower_agency, "kind": loan.kind.as_str(), "from": loan.from, "to": loan.to }).to_string();
        self.store().insert_loan(&loan_row(&loan)?, &event).await?;
        Ok(self.loan_view(actor, loan))
    }

    /// The loans the actor's agency is party to, newest first.
    pub async fn loans_for(&self, actor: &Actor) -> ServiceResult<Vec<LoanView>> {
        let access = self.loan_access(actor).await?;
        let mut out = Vec::new();
        for row in self.store().loans().await? {
            if loan_visible(&access, &row.owner_agency, &row.borrower_agency) {
                out.push(self.loan_view(actor, loan_of(&row)?));
            }
        }
        Ok(out)
    }

    /// One loan.
    pub async fn loan(&self, actor: &Actor, id: Uuid) -> ServiceResult<LoanView> {
        let loan = self.visible_loan(actor, id).await?;
        Ok(self.loan_view(actor, loan))
    }

    /// A loan the actor may take `step` on now.
    async fn loan_for_step(&self, actor: &Actor, id: Uuid, step: LoanStep) -> ServiceResult<Loan> {
        let loan = self.visible_loan(actor, id).await?;
        self.require(
            actor,
            Action::ManageResources,
            &format!("loan.{}", step.as_str()),
        )?;
        loan.check(step, actor.agency == loan.owner_agency, self.today())
            .map_err(conflict)?;
        Ok(loan)
    }

    /// Checks that a resource may serve a loan over `from..=to`: the owner's, of the
    /// kind asked for, fit until the last day.
    async fn resource_for_loan(
        &self,
        loan: &Loan,
        resource: Uuid,
        to: NaiveDate,
    ) -> ServiceResult<Resource> {
        let row = self.store().resource(resource).await?;
        let r = match row {
            Some(row) => resource_of(&row)?,
            None => return Err(ServiceError::field("resource", "no such resource")),
        };
        if r.agency != loan.owner_agency {
            return Err(ServiceError::Conflict {
                code: "resource_other_agency",
                message: format!(
                    "{} belongs to {}, not to the lending agency {}",
                    r.input.name, r.agency, loan.owner_agency
                ),
            });
        }
        if !r.matches(loan.kind, loan.specialisation) {
            let wanted = match loan.specialisation {
                Some(s) => format!("{} trained for {}", loan.kind.as_str(), s.as_str()),
                None => loan.kind.as_str().to_owned(),
            };
            return Err(ServiceError::Conflict {
                code: "resource_wrong_kind",
                message: format!(
                    "{} is a {}; the request asks for a {wanted}",
                    r.input.name,
                    r.input.kind.as_str()
                ),
            });
        }
        if let Some(e) = r.unfit_for(to) {
            return Err(conflict(e));
        }
        Ok(r)
    }

    async fn save_loan(
        &self,
        actor: &Actor,
        before: i64,
        loan: &Loan,
        booking: LoanBooking,
        step: LoanStep,
        resource: Option<&Resource>,
    ) -> ServiceResult<LoanView> {
        let mut event = self.loan_event(actor, step.as_str(), loan);
        event.detail =
            serde_json::json!({ "status": loan.status.as_str(), "resource": loan.resource })
                .to_string();
        match self
            .store()
            .update_loan(&loan_row(loan)?, before, &booking, &event)
            .await
        {
            Err(StoreError::Duplicate { .. }) => {
                if let Some(r) = resource {
                    return Err(double_booking(r));
                }
                return Err(ServiceError::Conflict {
                    code: "double_booking",
                    message: "the resource is taken on some of these days already".into(),
                });
            }
            other => other?,
        }
        Ok(self.loan_view(actor, loan.clone()))
    }

    fn booking(&self, loan: &Loan, resource: Uuid) -> LoanBooking {
        LoanBooking {
            book: Some(CalendarRow {
                id: self.new_id(),
                resource,
                kind: Availability::OnLoan.as_str().to_owned(),
                from: loan.from,
                to: loan.to,
                note: format!("{} → {}", loan.owner_agency, loan.borrower_agency),
                loan: Some(loan.id),
                created_at: self.now(),
            }),
            release: false,
        }
    }

    /// The owner approves a request, choosing a resource: it is booked over the
    /// loan's days in the same transaction (409 `double_booking` if any is taken).
    pub async fn approve_loan(
        &self,
        actor: &Actor,
        id: Uuid,
        resource: Uuid,
    ) -> ServiceResult<LoanView> {
        let current = self.loan_for_step(actor, id, LoanStep::Approve).await?;
        let r = self
            .resource_for_loan(&current, resource, current.to)
            .await?;
        let loan = Loan {
            status: LoanStatus::Approved,
            resource: Some(resource),
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        let booking = self.booking(&loan, resource);
        self.save_loan(
            actor,
            current.version,
            &loan,
            booking,
            LoanStep::Approve,
            Some(&r),
        )
        .await
    }

    /// The owner declines a request, saying why.
    pub async fn decline_loan(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
    ) -> ServiceResult<LoanView> {
        let current = self.loan_for_step(actor, id, LoanStep::Decline).await?;
        let mut errors = FieldErrors::new();
        interdict_core::validate::text(&mut errors, "reason", reason, 500);
        errors.into_result()?;
        let loan = Loan {
            status: LoanStatus::Declined,
            decline_reason: Some(reason.trim().to_owned()),
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        self.save_loan(
            actor,
            current.version,
            &loan,
            LoanBooking::default(),
            LoanStep::Decline,
            None,
        )
        .await
    }

    /// The owner proposes another resource, and perhaps another period.
    pub async fn counter_loan(
        &self,
        actor: &Actor,
        id: Uuid,
        counter: CounterInput,
    ) -> ServiceResult<LoanView> {
        let current = self.loan_for_step(actor, id, LoanStep::Counter).await?;
        let from = counter.from.unwrap_or(current.from);
        let to = counter.to.unwrap_or(current.to);
        let mut errors = FieldErrors::new();
        check_period(&mut errors, from, to);
        if from < self.today() {
            errors.add("from", "must not be in the past");
        }
        interdict_core::validate::optional_text(&mut errors, "note", &counter.note, 500);
        errors.into_result()?;
        self.resource_for_loan(&current, counter.resource, to)
            .await?;
        let loan = Loan {
            status: LoanStatus::Countered,
            counter: Some(CounterInput {
                from: Some(from),
                to: Some(to),
                note: counter.note.trim().to_owned(),
                ..counter
            }),
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        self.save_loan(
            actor,
            current.version,
            &loan,
            LoanBooking::default(),
            LoanStep::Counter,
            None,
        )
        .await
    }

    /// The requester accepts a counter-proposal: the loan takes its resource and
    /// period and is approved, booking the resource.
    pub async fn accept_loan(&self, actor: &Actor, id: Uuid) -> ServiceResult<LoanView> {
        let current = self.loan_for_step(actor, id, LoanStep::Accept).await?;
        let counter = current
            .counter
            .clone()
            .ok_or_else(|| ServiceError::Conflict {
                code: "loan_state",
                message: "there is no counter-proposal to accept".into(),
            })?;
        let from = counter.from.unwrap_or(current.from);
        let to = counter.to.unwrap_or(current.to);
        let r = self
            .resource_for_loan(&current, counter.resource, to)
            .await?;
        let loan = Loan {
            status: LoanStatus::Approved,
            resource: Some(counter.resource),
            from,
            to,
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        let booking = self.booking(&loan, counter.resource);
        self.save_loan(
            actor,
            current.version,
            &loan,
            booking,
            LoanStep::Accept,
            Some(&r),
        )
        .await
    }

    /// The requester withdraws before deployment; an approved loan frees its days.
    pub async fn withdraw_loan(&self, actor: &Actor, id: Uuid) -> ServiceResult<LoanView> {
        let current = self.loan_for_step(actor, id, LoanStep::Withdraw).await?;
        let release = current.status == LoanStatus::Approved;
        let loan = Loan {
            status: LoanStatus::Withdrawn,
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        self.save_loan(
            actor,
            current.version,
            &loan,
            LoanBooking {
                book: None,
                release,
            },
            LoanStep::Withdraw,
            None,
        )
        .await
    }

    /// The owner hands the resource over.
    pub async fn deploy_loan(&self, actor: &Actor, id: Uuid) -> ServiceResult<LoanView> {
        let current = self.loan_for_step(actor, id, LoanStep::Deploy).await?;
        let loan = Loan {
            status: LoanStatus::Deployed,
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        self.save_loan(
            actor,
            current.version,
            &loan,
            LoanBooking::default(),
            LoanStep::Deploy,
            None,
        )
        .await
    }

    /// The requester returns the resource with a usage report; the seizures it names
    /// must be seizure records of the requesting agency (the finds of the loan).
    pub async fn return_loan(
        &self,
        actor: &Actor,
        id: Uuid,
        usage: UsageReport,
    ) -> ServiceResult<LoanView> {
        let current = self.loan_for_step(actor, id, LoanStep::Return).await?;
        usage.validate()?;
        let mut errors = FieldErrors::new();
        for (i, id) in usage.seizures.iter().enumerate() {
            let ours = match self.store().record(RecordKind::Seizure, *id).await? {
                Some(stored) => serde_json::from_str::<Seizure>(&stored.body)
                    .map(|s| s.agency() == &actor.agency)
                    .unwrap_or(false),
                None => false,
            };
            if !ours {
                errors.add(
                    format!("seizures[{i}]"),
                    "no such seizure record of your agency",
                );
            }
        }
        errors.into_result()?;
        let loan = Loan {
            status: LoanStatus::Returned,
            usage: Some(UsageReport {
                notes: usage.notes.trim().to_owned(),
                ..usage
            }),
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        self.save_loan(
            actor,
            current.version,
            &loan,
            LoanBooking::default(),
            LoanStep::Return,
            None,
        )
        .await
    }
}

fn trim_opt(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn trimmed(input: ResourceInput) -> ResourceInput {
    ResourceInput {
        name: input.name.trim().to_owned(),
        handler: trim_opt(input.handler),
        certification: trim_opt(input.certification),
        serial_number: trim_opt(input.serial_number),
        home_base: Site {
            name: input.home_base.name.trim().to_owned(),
            ..input.home_base
        },
        ..input
    }
}

fn opt_cell(cell: &str) -> Option<String> {
    let cell = cell.trim();
    (!cell.is_empty()).then(|| cell.to_owned())
}

/// Reads a register in CSV into inputs, or reports every bad row with its line.
pub fn parse_register(csv_text: &str) -> Result<Vec<ResourceInput>, Vec<ImportProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let mut problems = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => {
            return Err(vec![ImportProblem {
                line: 1,
                message: format!("unreadable header: {e}"),
            }])
        }
    };
    if header != CSV_COLUMNS {
        return Err(vec![ImportProblem {
            line: 1,
            message: format!("the header must be: {}", CSV_COLUMNS.join(",")),
        }]);
    }
    let mut inputs = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let fallback = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(fallback);
                problems.push(ImportProblem {
                    line,
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| p.line() as usize)
            .unwrap_or(fallback);
        match parse_row(&record) {
            Ok(input) => inputs.push(input),
            Err(message) => problems.push(ImportProblem { line, message }),
        }
    }
    if inputs.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            line: 2,
            message: "the file has no rows".into(),
        });
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(problems)
    }
}

fn parse_row(record: &csv::StringRecord) -> Result<ResourceInput, String> {
    if record.len() != CSV_COLUMNS.len() {
        return Err(format!(
            "{} columns where {} are expected",
            record.len(),
            CSV_COLUMNS.len()
        ));
    }
    let cell = |i: usize| record.get(i).unwrap_or_default();
    let mut errors = FieldErrors::new();
    let kind = ResourceKind::parse(cell(0));
    if kind.is_none() {
        errors.add(
            "kind",
            format!(
                "{:?} is not one of {}",
                cell(0),
                ResourceKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let mut specialisations = Vec::new();
    for s in cell(3).split(';').map(str::trim).filter(|s| !s.is_empty()) {
        match DrugType::parse(s) {
            Some(d) => specialisations.push(d),
            None => errors.add("specialisations", format!("{s:?} is not a drug class")),
        }
    }
    let mut date = |column: usize, field: &str| -> Option<NaiveDate> {
        let raw = cell(column);
        if raw.is_empty() {
            return None;
        }
        match raw.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.add(field, format!("{raw:?} is not a day (YYYY-MM-DD)"));
                None
            }
        }
    };
    let certified_until = date(5, "certified_until");
    let service_due = date(7, "service_due");
    let mut number = |column: usize, field: &str| -> f64 {
        match cell(column).parse::<f64>() {
            Ok(v) => v,
            Err(_) => {
                errors.add(field, format!("{:?} is not a number", cell(column)));
                0.0
            }
        }
    };
    let lat = number(9, "base_lat");
    let lon = number(10, "base_lon");
    let tlp = match cell(11) {
        "" => Tlp::Green,
        raw => match Tlp::parse(&raw.to_ascii_uppercase()) {
            Some(t) => t,
            None => {
                errors.add("tlp", format!("{raw:?} is not a TLP label"));
                Tlp::Green
            }
        },
    };
    if let Some(kind) = kind {
        let input = ResourceInput {
            kind,
            name: cell(1).to_owned(),
            handler: opt_cell(cell(2)),
            specialisations,
            certification: opt_cell(cell(4)),
            certified_until,
            serial_number: opt_cell(cell(6)),
            service_due,
            home_base: Site {
                name: cell(8).to_owned(),
                lat,
                lon,
            },
            tlp,
        };
        if let Err(more) = input.validate() {
            for (field, message) in more.fields() {
                let field = match field.as_str() {
                    "home_base.name" => "base_name",
                    "home_base.lat" => "base_lat",
                    "home_base.lon" => "base_lon",
                    other => other,
                };
                errors.add(field, message.clone());
            }
        }
        if errors.is_empty() {
            return Ok(input);
        }
    }
    Err(errors.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "kind,name,handler,specialisations,certification,certified_until,serial_number,service_due,base_name,base_lat,base_lon,tlp\n";

    #[test]
    fn a_register_reads_whole_or_reports_every_bad_line() {
        let good = format!(
            "{HEADER}dog,Tori,Kim Min-su,methamphetamine;cocaine,KCS level 2,2027-03-31,,,Incheon,37.46,126.6,\n\
             drone,DJI M30T,,,,,SN-1,2027-01-01,\"Busan, pier 5\",35.1,129.04,AMBER\n"
        );
        let inputs = parse_register(&good).unwrap();
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[1].home_base.name, "Busan, pier 5");
        assert_eq!(inputs[1].tlp, Tlp::Amber);
        let bad = format!(
            "{HEADER}dog,Tori,Kim,methamphetamine,L2,2027-03-31,,,Incheon,37.46,126.6,\n\
             cat,Tom,,,,,,,Seoul,37,127,\n\
             dog,Rex,,heroin,L1,31/12/2027,,,Seoul,37,127,\n\
             boat,RIB,,,,,,,Seoul,95,127,GREEN\n"
        );
        let problems = parse_register(&bad).unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5], "{problems:?}");
        assert!(problems[0].message.contains("kind"), "{problems:?}");
        assert!(
            problems[1].message.contains("certified_until")
                && problems[1].message.contains("handler"),
            "{problems:?}"
        );
        assert!(
            problems[2].message.contains("base_lat")
                && problems[2].message.contains("serial_number"),
            "{problems:?}"
        );
        assert_eq!(parse_register("name,kind\n").unwrap_err()[0].line, 1);
    }
}
