//! What an Interdict node does, for every caller: the JSON API, the web pages, the
//! command line's `admin` and `demo`, and the node's own jobs all call these
//! functions, so that rules, access control and auditing cannot differ between them.
//!
//! The [`Service`] owns the store; nothing outside this crate reaches storage. Every
//! read of data asks the policy module of `interdict-core`: single reads with
//! `Access::answer`, lists and searches with the opaque `Visibility` handed to the
//! store, and what leaves the service is checked with `Access::allows` once more.
//! Every change is written with its audit entry and its change-feed entry in one
//! transaction; reads of other agencies' data and refused actions are audited through
//! the [`audit`] sink, which batches them and signs checkpoints of the chain.

pub mod admin;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod certificate;
mod clock;
mod cursor;
pub mod deconflict;
mod error;
pub mod feed;
mod keys;
pub mod maritime;
pub mod names;
pub mod operations;
pub mod profiles;
pub mod records;
pub mod resources;
pub mod stats;
pub mod training;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::policy::{access, Access, Context, DataKind, Principal};
use interdict_core::{Actor, Agreement};
use interdict_store::Store;
use uuid::Uuid;

pub use auth::{hash_password, LoginLimiter, Session};
pub use clock::{Clock, ManualClock};
pub use error::{ServiceError, ServiceResult};
pub use interdict_store::{Dialect, TokenKind};
pub use keys::NodeKeys;

/// What the service needs to know of the node's configuration.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// Where the node keeps its files: the signing key and the checkpoint log (and the
    /// SQLite database, which the caller opens).
    pub data_dir: PathBuf,
    /// The node's signing key; `data_dir/node.key` when absent. Created on first start
    /// with owner-only permissions.
    pub signing_key: Option<PathBuf>,
    /// How long a browser session or a login token lasts.
    pub session_hours: i64,
    /// Whether deconfliction hits are reported between agencies no agreement binds.
    pub hits_without_agreement: bool,
    /// An identifier carried by more records than this (of those a reader may know of)
    /// is too common to tell anything and is not correlated.
    pub common_identifier_limit: usize,
    /// How often a checkpoint of the audit chain is signed while entries arrive.
    pub checkpoint_every: Duration,
    /// Whether this process runs the node's background work (the checkpoint signer,
    /// the maritime jobs). The command line's one-off commands do not; they sign one
    /// checkpoint when done.
    pub background: bool,
    /// The thresholds of the behaviour detectors and the lists they use (home
    /// countries, high-risk ports).
    pub maritime: interdict_maritime::Config,
    /// Records a reader may not see count in a cell of the seizure statistics only
    /// when the cell holds at least this many of them (`stats`).
    pub stats_min_cell: i64,
}

impl ServiceConfig {
    /// The defaults for a node keeping its files in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            signing_key: None,
            session_hours: 12,
            hits_without_agreement: false,
            common_identifier_limit: 50,
            checkpoint_every: Duration::from_secs(60),
            background: true,
            maritime: interdict_maritime::Config::default(),
            stats_min_cell: 5,
        }
    }

    /// The path of the signing key.
    pub fn signing_key_path(&self) -> PathBuf {
        self.signing_key
            .clone()
            .unwrap_or_else(|| self.data_dir.join("node.key"))
    }

    /// The path of the checkpoint log.
    pub fn checkpoint_log_path(&self) -> PathBuf {
        self.data_dir.join("audit-checkpoints.log")
    }
}

/// The node's operations. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Clock,
    config: ServiceConfig,
    limiter: LoginLimiter,
    keys: NodeKeys,
    audit: audit::Sink,
    maritime: maritime::Maritime,
    names: names::Names,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("dialect", &self.inner.store.dialect())
            .field("data_dir", &self.inner.config.data_dir)
            .finish()
    }
}

impl Service {
    /// Opens the database at `database_url` and the node's keys, and starts the audit
    /// sink (and, with `config.background`, the checkpoint signer).
    pub async fn open(
        config: ServiceConfig,
        database_url: &str,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let store = Store::open(database_url).await?;
        Self::with_store(config, store, clock).await
    }

    /// Like [`Service::open`] with storage already open.
    pub async fn with_store(
        config: ServiceConfig,
        store: Store,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let keys = NodeKeys::load_or_create(&config.signing_key_path())?;
        let audit = audit::Sink::start(
            store.clone(),
            keys.clone(),
            clock.clone(),
            config.checkpoint_log_path(),
            config.background.then_some(config.checkpoint_every),
        );
        let service = Self {
            inner: Arc::new(Inner {
                store,
                clock,
                config,
                limiter: LoginLimiter::default(),
                keys,
                audit,
                maritime: maritime::Maritime::new(),
                names: names::Names::new(),
            }),
        };
        if service.inner.config.background {
            service.start_name_index();
            service.start_maritime_jobs(std::time::Duration::from_secs(60));
        }
        Ok(service)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The engine the node stores its data on.
    pub fn dialect(&self) -> Dialect {
        self.inner.store.dialect()
    }

    /// The node's configuration as the service sees it.
    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    /// The node's keys.
    pub fn keys(&self) -> &NodeKeys {
        &self.inner.keys
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Today's date (UTC), the day on which agreements are judged in force.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// A new time-ordered id, from the node's clock.
    pub fn new_id(&self) -> Uuid {
        let now = self.now();
        let ts = uuid::Timestamp::from_unix(
            uuid::NoContext,
            now.timestamp().max(0) as u64,
            now.timestamp_subsec_nanos(),
        );
        Uuid::new_v7(ts)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> ServiceResult<()> {
        Ok(self.inner.store.ping().await?)
    }

    /// Writes every pending audit entry, signs a last checkpoint and closes storage.
    pub async fn shutdown(&self) {
        self.stop_pipelines().await;
        self.inner.audit.shutdown().await;
        self.inner.store.close().await;
    }

    /// An audit event by `actor` (the node itself when `None`).
    pub(crate) fn event(&self, actor: Option<&Actor>, action: &str) -> AuditEvent {
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

    /// The agreements that bind an agency (or all of them).
    pub async fn agreements_binding(
        &self,
        agency: Option<&interdict_core::AgencyCode>,
    ) -> ServiceResult<Vec<Agreement>> {
        Ok(self.inner.store.agreements(agency).await?)
    }

    /// The agreements that bind the actor's agency.
    pub async fn agreements_for(&self, actor: &Actor) -> ServiceResult<Vec<Agreement>> {
        self.agreements_binding(Some(&actor.agency)).await
    }

    /// What `principal` may read of `kind` now.
    pub async fn access(&self, principal: &Principal, kind: DataKind) -> ServiceResult<Access> {
        Ok(self.accesses(principal, &[kind]).await?.remove(0))
    }

    /// What `principal` may read of reports and of seizures now.
    pub(crate) async fn record_accesses(
        &self,
        principal: &Principal,
    ) -> ServiceResult<(Access, Access)> {
        let mut accesses = self
            .accesses(principal, &[DataKind::Report, DataKind::Seizure])
            .await?
            .into_iter();
        match (accesses.next(), accesses.next()) {
            (Some(reports), Some(seizures)) => Ok((reports, seizures)),
            _ => Err(ServiceError::internal(anyhow::anyhow!(
                "no access computed for reports and seizures"
            ))),
        }
    }

    /// What `principal` may read of each of `kinds` now, computed from one reading of
    /// the agreements, memberships and disclosures.
    pub async fn accesses(
        &self,
        principal: &Principal,
        kinds: &[DataKind],
    ) -> ServiceResult<Vec<Access>> {
        let today = self.today();
        let store = &self.inner.store;
        let (agreements, memberships, disclosures) = match principal {
            Principal::System { .. } => (Vec::new(), Vec::new(), Vec::new()),
            Principal::User(actor) => (
                store.agreements(Some(&actor.agency)).await?,
                store.memberships(actor.user_id).await?,
                self.disclosures_to(&actor.agency, today).await?,
            ),
            Principal::Node { agency } => (
                store.agreements(Some(agency)).await?,
                Vec::new(),
                self.disclosures_to(agency, today).await?,
            ),
        };
        let context = Context {
            agreements: &agreements,
            memberships: &memberships,
            disclosures: &disclosures,
            today,
            hits_without_agreement: self.inner.config.hits_without_agreement,
        };
        Ok(kinds
            .iter()
            .map(|kind| access(principal, *kind, &context))
            .collect())
    }

    async fn disclosures_to(
        &self,
        agency: &interdict_core::AgencyCode,
        today: NaiveDate,
    ) -> ServiceResult<Vec<interdict_core::policy::Disclosure>> {
        Ok(self
            .inner
            .store
            .disclosures_to(agency, today)
            .await?
            .into_iter()
            .map(|d| interdict_core::policy::Disclosure {
                id: d.id,
                agency: d.agency,
                until: d.until,
            })
            .collect())
    }
}

/// Rejects a page size outside 1..=200.
pub fn check_limit(limit: Option<i64>) -> ServiceResult<i64> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(_) => Err(ServiceError::field("limit", "must be between 1 and 200")),
    }
}
