//! Storage of an Interdict node: SQLite (one file, WAL) by default, PostgreSQL in
//! production.
//!
//! Both engines are reached through `sqlx::Any` with the same SQL; the few places
//! where the dialects differ are the per-dialect migrations under `migrations/` and the
//! [`Dialect`] branches in [`sql`]. Nothing here decides who may see what: listing and
//! search take the [`Branch`](interdict_core::policy::Branch)es computed by the policy
//! module and turn them into SQL, so that the database pages and counts only visible
//! records.

mod agencies;
mod agreements;
mod audit;
mod error;
mod records;
pub mod sql;
mod vocab;

use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};

pub use agencies::{NewUser, TokenKind, TokenOwner, UserRow};
pub use audit::AuditPage;
pub use error::StoreError;
pub use records::{ListFilter, Page, RecordSummary, StoredRecord, VersionRow};

/// Which engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A handle to the node's database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite allows one writer at a time; write transactions queue here instead of
    /// failing with "database is locked". PostgreSQL serialises at the audit head row.
    write_gate: Arc<tokio::sync::Mutex<()>>,
    vocab: Arc<vocab::VocabCache>,
}

static DRIVERS: Once = Once::new();

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Opens the database at `url` (`sqlite://…` or `postgres://…`) and applies the
    /// migrations of its dialect.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "database url must start with sqlite: or postgres:, not {:?}",
                url.split(':').next().unwrap_or_default()
            )));
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad database url: {e}")))?;
        let pool_options = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(10))
            .max_connections(match dialect {
                Dialect::Sqlite => 8,
                Dialect::Postgres => 16,
            });
        let pool_options = if dialect == Dialect::Sqlite {
            pool_options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // A 64 MiB page cache per connection keeps the upper levels of the
                    // indexes of a large database in memory; checkpoints every 16 MiB of
                    // WAL instead of 4 MiB spare bulk imports most of their syncs.
                    conn.execute(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
                         PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 4000;",
                    )
                    .await?;
                    Ok(())
                })
            })
        } else {
            pool_options
        };
        let pool = pool_options.connect_with(options).await?;
        if dialect == Dialect::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        match dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let store = Self {
            pool,
            dialect,
            write_gate: Arc::new(tokio::sync::Mutex::new(())),
            vocab: Arc::default(),
        };
        store.run_tasks().await?;
        Ok(store)
    }

    /// Does the work that migrations leave to the code (the `store_tasks` table), then
    /// forgets it.
    async fn run_tasks(&self) -> Result<(), StoreError> {
        let names = sqlx::query("SELECT name FROM store_tasks ORDER BY name")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| row.try_get::<String, _>("name"))
            .collect::<Result<Vec<_>, _>>()?;
        for name in names {
            match name.as_str() {
                "index-access" => self.index_access().await?,
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "unknown store task {other:?}: is the database from a newer version?"
                    )))
                }
            }
            tracing::info!(task = %name, "store task done");
            sqlx::query("DELETE FROM store_tasks WHERE name = $1")
                .bind(&name)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
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

    /// The engine in use.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The connection pool, for storage tests and benchmarks.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction, queueing behind other writers on SQLite.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>, StoreError> {
        let guard = match self.dialect {
            Dialect::Sqlite => Some(self.write_gate.lock().await),
            Dialect::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            dialect: self.dialect,
            vocab: &self.vocab,
            new_terms: Vec::new(),
            _guard: guard,
        })
    }

    /// Refreshes the statistics the query planners choose indexes by, and on
    /// PostgreSQL the visibility map that lets index-only scans skip the table. Run it
    /// after a bulk import: autovacuum catches up only later, and SQLite has no
    /// statistics until asked.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        let statement = match self.dialect {
            Dialect::Sqlite => "ANALYZE",
            Dialect::Postgres => "VACUUM (ANALYZE)",
        };
        sqlx::query(statement).execute(&self.pool).await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A write transaction; dropping it without [`WriteTx::commit`] rolls back.
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(crate) dialect: Dialect,
    /// Search terms this transaction adds to `search_vocab`; remembered on commit.
    pub(crate) vocab: &'a vocab::VocabCache,
    pub(crate) new_terms: Vec<String>,
    _guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        self.vocab.committed(self.new_terms);
        Ok(())
    }
}
