//! Storage of an Interdict node: SQLite (one file, WAL) by default, PostgreSQL in
//! production, each through its native driver.
//!
//! Nothing here decides who may see what. Reads of data take the opaque
//! [`Visibility`](interdict_core::policy::Visibility) computed by the policy module and
//! turn its access terms into index ranges and queries, so that the database only ever
//! returns, pages and counts what the reader may see; the store can neither build nor
//! widen one. Statements are written once ([`db`]); what differs between the engines
//! (full-text search, bulk loading, notifications) lives in one module per dialect
//! ([`dialect`]) and in the per-dialect migrations.
//!
//! Every change is written in one transaction with its audit entry and its entry in the
//! change feed ([`feed`]).

mod access;
mod accounts;
mod agreements;
mod attachments;
mod audit;
mod db;
mod dialect;
mod error;
mod feed;
mod hits;
mod maritime;
mod operations;
mod records;
mod resources;
mod search;
mod stats;
mod training;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use accounts::{EndTokens, NewUser, TokenKind, TokenOwner, TokenRow, UserChange, UserRow};
pub use attachments::{AttachmentPart, RecordAttachmentRow};
pub use audit::{AuditFilter, AuditPage};
pub use error::StoreError;
pub use feed::{Change, ChangeOp, FeedWaker};
pub use hits::{HitAnswer, HitRow, NewHit};
pub use maritime::{
    chunk_hour, AreaRow, BoundingBox, CompactCursor, CompactStep, IdentityRow, MaritimeBatch,
    SourceRow, TrackRow, VesselRow, CHUNK_SECONDS, COMPACT_VESSELS,
};
pub use operations::{AttachmentRow, MemberRow, MessageRow, OperationRow, ReadRow};
pub use records::{
    DisclosureRow, ListFilter, Page, RecordAccess, Sort, SortKey, StoredRecord, VersionRow,
    COUNT_CAP,
};
pub use resources::{CalendarRow, LoanBooking, LoanRow, ResourceRow};
pub use stats::StatsQuery;
pub use training::{CertificateRow, CourseRow, EnrolmentRow, SeatRow, SessionRow, Taken};

use crate::db::{Db, SqlBuf, Tx};

/// Which engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A handle to the node's database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    /// SQLite allows one writer at a time; write transactions queue here instead of
    /// failing with "database is locked". PostgreSQL serialises at the audit head row.
    write_gate: Arc<tokio::sync::Mutex<()>>,
    codes: Arc<access::CodeCache>,
    feed: feed::FeedWaker,
    url: Arc<str>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

fn migration_error(error: sqlx::migrate::MigrateError) -> StoreError {
    match error {
        sqlx::migrate::MigrateError::VersionMismatch(version)
        | sqlx::migrate::MigrateError::VersionMissing(version) => StoreError::Config(format!(
            "the database was made by a different version of Interdict (migration {version} \
             differs); databases of versions before 0.2 cannot be upgraded: export what you \
             need and start a new one"
        )),
        other => StoreError::Migrate(other),
    }
}

impl Store {
    /// Opens the database at `url` (`sqlite://…` or `postgres://…`) and applies the
    /// migrations of its dialect.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let db = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("bad database url: {e}")))?
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // A 64 MiB page cache per connection keeps the upper levels of the
                // indexes of a large database in memory. The log is copied back into
                // the database by `spawn_checkpoints`, beside the writes; a commit does
                // it only past 64 MiB of log (instead of 4 MiB), which spares bulk
                // imports most of their syncs.
                .pragma("cache_size", "-65536")
                .pragma("wal_autocheckpoint", "16000")
                // Statement journals (a multi-row INSERT … ON CONFLICT inside a
                // transaction keeps one) in memory rather than in a temporary file: a
                // profile of the maritime writes spent a quarter of its time writing them.
                .pragma("temp_store", "memory");
            let pool = SqlitePoolOptions::new()
                .acquire_timeout(Duration::from_secs(10))
                .max_connections(8)
                .connect_with(options)
                .await?;
            SQLITE_MIGRATIONS
                .run(&pool)
                .await
                .map_err(migration_error)?;
            Db::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("bad database url: {e}")))?;
            let pool = PgPoolOptions::new()
                .acquire_timeout(Duration::from_secs(10))
                .max_connections(16)
                .connect_with(options)
                .await?;
            POSTGRES_MIGRATIONS
                .run(&pool)
                .await
                .map_err(migration_error)?;
            Db::Postgres(pool)
        } else {
            return Err(StoreError::Config(format!(
                "database url must start with sqlite: or postgres:, not {:?}",
                url.split(':').next().unwrap_or_default()
            )));
        };
        let write_gate = Arc::new(tokio::sync::Mutex::new(()));
        if let Db::Sqlite(pool) = &db {
            spawn_checkpoints(pool.clone(), Arc::downgrade(&write_gate));
        }
        let store = Self {
            db,
            write_gate,
            codes: Arc::default(),
            feed: feed::FeedWaker::new(),
            url: Arc::from(url),
        };
        store.run_tasks().await?;
        Ok(store)
    }

    /// Opens (creating if needed) the SQLite database `interdict.db` in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Config(format!(
                "cannot create data directory {}: {e}",
                dir.display()
            ))
        })?;
        let path = dir.join("interdict.db");
        Self::open(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Does the work that migrations leave to the code (the `store_tasks` table), then
    /// forgets it.
    async fn run_tasks(&self) -> Result<(), StoreError> {
        let names = self
            .db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT name FROM store_tasks ORDER BY name",
                    vec![],
                ),
                |row| row.text("name"),
            )
            .await?;
        for name in names {
            match name.as_str() {
                "index-search" => self.reindex_all().await?,
                "seizure-stats" => self.rebuild_stats().await?,
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "unknown store task {other:?}: is the database from a newer version?"
                    )))
                }
            }
            tracing::info!(task = %name, "store task done");
            self.db
                .execute(&SqlBuf::with(
                    self.dialect(),
                    "DELETE FROM store_tasks WHERE name = $1",
                    vec![name.into()],
                ))
                .await?;
        }
        Ok(())
    }

    /// The engine in use.
    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// The URL the store was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Starts a write transaction, queueing behind other writers on SQLite.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>, StoreError> {
        let guard = match self.dialect() {
            Dialect::Sqlite => Some(self.write_gate.lock().await),
            Dialect::Postgres => None,
        };
        let tx = self.db.begin().await?;
        Ok(WriteTx {
            tx,
            dialect: self.dialect(),
            changed: false,
            new_codes: Vec::new(),
            codes: &self.codes,
            feed: &self.feed,
            _guard: guard,
        })
    }

    /// Refreshes the statistics the query planners choose indexes by, and on
    /// PostgreSQL the visibility map that lets index-only scans skip the table. Run it
    /// after a bulk import: autovacuum catches up only later, and SQLite has no
    /// statistics until asked.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        let statement = match self.dialect() {
            Dialect::Sqlite => "ANALYZE",
            Dialect::Postgres => "VACUUM (ANALYZE)",
        };
        self.db
            .execute(&SqlBuf::with(self.dialect(), statement, vec![]))
            .await?;
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `path` (which must not exist),
    /// while the node keeps running (`VACUUM INTO`). PostgreSQL is backed up with its
    /// own tools (`pg_dump`).
    pub async fn backup_sqlite(&self, path: &Path) -> Result<(), StoreError> {
        if self.dialect() != Dialect::Sqlite {
            return Err(StoreError::Config(
                "back up PostgreSQL with pg_dump (see docs/deploy.md)".into(),
            ));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Config("the backup path is not UTF-8".into()))?;
        self.db
            .execute(&SqlBuf::with(
                Dialect::Sqlite,
                "VACUUM INTO $1",
                vec![target.into()],
            ))
            .await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db
            .execute(&SqlBuf::with(self.dialect(), "SELECT 1", vec![]))
            .await?;
        Ok(())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.db.close().await;
    }
}

/// How often the SQLite write-ahead log is copied back into the database beside the
/// writes (see [`spawn_checkpoints`]).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the write-ahead log of a SQLite database back into the database every
/// `CHECKPOINT_EVERY`, on a connection of its own, without waiting for the writer
/// (`PASSIVE`), for as long as the store is alive (`alive`). Otherwise the commit that
/// takes the log over `wal_autocheckpoint` pages does it, syncs included: a live
/// feed's writer then held its alerts back for a second or more every minute or so.
/// That limit stays as a backstop; it finds little left to copy.
fn spawn_checkpoints(pool: sqlx::SqlitePool, alive: std::sync::Weak<tokio::sync::Mutex<()>>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            if alive.strong_count() == 0 || pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                tracing::debug!(error = %e, "write-ahead log checkpoint");
            }
        }
    });
}

/// A write transaction; dropping it without [`WriteTx::commit`] rolls back.
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: Tx,
    pub(crate) dialect: Dialect,
    /// Whether a change was added to the feed, so that readers are woken on commit.
    pub(crate) changed: bool,
    /// Access codes this transaction numbered; remembered on commit.
    pub(crate) new_codes: Vec<(String, i64)>,
    codes: &'a access::CodeCache,
    feed: &'a feed::FeedWaker,
    _guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        self.codes.remember(&self.new_codes);
        if self.changed {
            self.feed.wake();
        }
        Ok(())
    }
}
