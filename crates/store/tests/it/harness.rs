//! Fresh databases for tests, on either engine.

use std::future::Future;
use std::io::Write as _;
use std::sync::Once;
use std::time::Duration;

use interdict_store::{Dialect, Store};
use rand::Rng;
use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;
use tokio::sync::{OnceCell, Semaphore};

/// The engine a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

const DEFAULT_ADMIN_URLS: [&str; 2] = [
    "postgres://postgres@127.0.0.1:5432/postgres",
    "postgres://root@127.0.0.1:5432/postgres",
];

/// The URL of a database on the test server from which databases can be created, or
/// `None` when no server answers. Looked up once per test binary.
async fn admin_url() -> Option<&'static str> {
    static ADMIN: OnceCell<Option<String>> = OnceCell::const_new();
    ADMIN
        .get_or_init(|| async {
            let candidates: Vec<String> = match std::env::var("INTERDICT_TEST_POSTGRES") {
                Ok(url) if !url.is_empty() => vec![url],
                _ => DEFAULT_ADMIN_URLS.iter().map(|s| s.to_string()).collect(),
            };
            for url in candidates {
                let attempt =
                    tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(&url)).await;
                if let Ok(Ok(conn)) = attempt {
                    let _ = conn.close().await;
                    return Some(url);
                }
            }
            None
        })
        .await
        .as_deref()
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let (server, _) = base.rsplit_once('/').expect("postgres url has a database");
    match query {
        Some(query) => format!("{server}/{db}?{query}"),
        None => format!("{server}/{db}"),
    }
}

/// A database made for one test and removed after it.
enum TestDb {
    Sqlite(TempDir),
    Postgres { admin: &'static str, name: String },
}

impl TestDb {
    async fn create(backend: Backend) -> Option<(Self, Store)> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let store = Store::open_dir(dir.path())
                    .await
                    .expect("open sqlite store");
                assert_eq!(store.dialect(), Dialect::Sqlite);
                Some((TestDb::Sqlite(dir), store))
            }
            Backend::Postgres => {
                let Some(admin) = admin_url().await else {
                    if std::env::var("INTERDICT_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                        panic!(
                            "INTERDICT_REQUIRE_POSTGRES=1 but no PostgreSQL server answers at {}",
                            std::env::var("INTERDICT_TEST_POSTGRES")
                                .unwrap_or_else(|_| DEFAULT_ADMIN_URLS.join(" or "))
                        );
                    }
                    // Written past the test harness's capture, once, so that a run
                    // that skipped PostgreSQL says so.
                    static NOTICE: Once = Once::new();
                    NOTICE.call_once(|| {
                        let _ = writeln!(
                            std::io::stderr().lock(),
                            "notice: PostgreSQL is not reachable; the PostgreSQL storage tests \
                             pass without running (set INTERDICT_TEST_POSTGRES to point at a \
                             server, or INTERDICT_REQUIRE_POSTGRES=1 to make them fail)"
                        );
                    });
                    return None;
                };
                let name = format!("interdict_t_{:016x}", rand::thread_rng().gen::<u64>());
                let mut conn = PgConnection::connect(admin)
                    .await
                    .expect("connect to postgres");
                // Concurrent CREATE DATABASE from the same template can collide; retry.
                let mut attempts = 0;
                loop {
                    match conn.execute(&*format!("CREATE DATABASE {name}")).await {
                        Ok(_) => break,
                        Err(e) if attempts < 10 => {
                            attempts += 1;
                            eprintln!("create database {name} failed ({e}); retrying");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                        Err(e) => panic!("create database {name}: {e}"),
                    }
                }
                let _ = conn.close().await;
                let store = Store::open(&with_database(admin, &name))
                    .await
                    .expect("open postgres store");
                assert_eq!(store.dialect(), Dialect::Postgres);
                Some((TestDb::Postgres { admin, name }, store))
            }
        }
    }

    /// Removes the database, best-effort.
    async fn remove(self) {
        match self {
            TestDb::Sqlite(dir) => drop(dir),
            TestDb::Postgres { admin, name } => {
                if let Ok(mut conn) = PgConnection::connect(admin).await {
                    let dropped = conn
                        .execute(&*format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    if let Err(e) = dropped {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                    let _ = conn.close().await;
                }
            }
        }
    }
}

/// Runs `test` on a fresh store of `backend`, then removes the database, also when the
/// test fails.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    // Each store may open 16 connections; a many-core machine running every test at
    // once would exceed the server's connection limit.
    static POSTGRES_SLOTS: Semaphore = Semaphore::const_new(4);
    let _slot = match backend {
        Backend::Postgres => Some(POSTGRES_SLOTS.acquire().await.expect("semaphore is open")),
        Backend::Sqlite => None,
    };
    let Some((db, store)) = TestDb::create(backend).await else {
        return;
    };
    let outcome = tokio::spawn(test(store.clone())).await;
    store.close().await;
    db.remove().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

/// Opens the database of `store` a second time, as a restarted node would.
pub async fn reopen(store: &Store) -> Store {
    Store::open(&url_of(store).await).await.unwrap()
}

/// The URL of the database `store` has open.
pub async fn url_of(store: &Store) -> String {
    store.url().to_owned()
}

/// A pool of its own on the database of `store`, through which tests read and tamper
/// with tables as someone with access to the database would. Values of native
/// PostgreSQL types are read with `CAST(… AS TEXT)`.
pub async fn raw(store: &Store) -> sqlx::AnyPool {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(sqlx::any::install_default_drivers);
    sqlx::pool::PoolOptions::<sqlx::Any>::new()
        .max_connections(2)
        .connect(store.url())
        .await
        .expect("open a raw pool")
}

/// A fresh PostgreSQL database (its name and URL), or `None` when no server answers
/// and none is required.
pub async fn fresh_postgres() -> Option<(String, String)> {
    let Some(admin) = admin_url().await else {
        if std::env::var("INTERDICT_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("INTERDICT_REQUIRE_POSTGRES=1 but no PostgreSQL server answers");
        }
        return None;
    };
    let name = format!("interdict_t_{:016x}", rand::thread_rng().gen::<u64>());
    let mut conn = PgConnection::connect(admin)
        .await
        .expect("connect to postgres");
    conn.execute(&*format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let _ = conn.close().await;
    Some((name.clone(), with_database(admin, &name)))
}

/// Drops a database made by [`fresh_postgres`].
pub async fn drop_postgres(name: &str) {
    if let Some(admin) = admin_url().await {
        if let Ok(mut conn) = PgConnection::connect(admin).await {
            let _ = conn
                .execute(&*format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            let _ = conn.close().await;
        }
    }
}
