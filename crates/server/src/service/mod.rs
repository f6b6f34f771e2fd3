//! What the node does, independent of how it is asked: the API and the web pages both
//! call these functions, so access control and auditing cannot differ between them.
//! Every read goes through the policy module of `interdict-core`.

mod auth;
mod records;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::policy::{read_grants, Action, Grants};
use interdict_core::record::RecordKind;
use interdict_core::{Actor, Agreement};
use interdict_store::{AuditPage, Store};

pub use auth::{hash_password, new_token, LoginLimiter, Session};
pub use records::RecordType;

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::metrics::Metrics;

/// Where the current time comes from: the system clock, or a fixed instant in tests.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(Arc::new(Utc::now))
    }

    /// A clock that always reads `at`.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Arc::new(move || at))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// Shared state of a running node.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub limiter: Arc<LoginLimiter>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date (UTC), the day on which agreements are judged in force.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// An audit event by `actor` (or by the system when `None`).
    pub fn event(&self, actor: Option<&Actor>, action: &str) -> AuditEvent {
        AuditEvent {
            at: self.now(),
            actor: actor.map(|a| a.username.to_string()),
            actor_agency: actor.map(|a| a.agency.to_string()),
            action: action.to_owned(),
            target_kind: None,
            target_id: None,
            target_agency: None,
            detail: "{}".to_owned(),
        }
    }

    /// What `actor` may read of records of `kind` today.
    pub async fn grants(&self, actor: &Actor, kind: RecordKind) -> AppResult<Grants> {
        let agreements = self.store.agreements(Some(&actor.agency)).await?;
        Ok(read_grants(actor, kind, &agreements, self.today()))
    }

    /// The agreements that bind the actor's agency.
    pub async fn agreements_for(&self, actor: &Actor) -> AppResult<Vec<Agreement>> {
        Ok(self.store.agreements(Some(&actor.agency)).await?)
    }

    /// A page of the audit log: all of the node's entries that concern the actor's agency.
    pub async fn audit_page(
        &self,
        actor: &Actor,
        before: Option<i64>,
        limit: i64,
    ) -> AppResult<AuditPage> {
        actor.require(Action::ReadAudit)?;
        Ok(self
            .store
            .audit_page(Some(actor.agency.as_str()), before, limit)
            .await?)
    }
}

/// Rejects a page size outside 1..=200.
pub fn check_limit(limit: Option<i64>) -> AppResult<i64> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(_) => Err(AppError::field("limit", "must be between 1 and 200")),
    }
}
