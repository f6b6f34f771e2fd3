//! The storage test suite: every test runs against SQLite and against PostgreSQL.
//!
//! A test is written once inside [`backend_tests!`], which turns it into a module with
//! two tokio tests, `sqlite` and `postgres`; `cargo test -p interdict-store postgres`
//! runs one engine only. SQLite tests get a fresh file in a temporary directory;
//! PostgreSQL tests get a fresh, uniquely named database on the server named by
//! `INTERDICT_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`),
//! dropped afterwards. When that server cannot be reached the PostgreSQL tests print a
//! notice and pass, unless `INTERDICT_REQUIRE_POSTGRES=1`, in which case they fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Writes each test once for every backend: `async fn name(store: Store) { .. }`
/// becomes `name::sqlite` and `name::postgres`.
macro_rules! backend_tests {
    ($($(#[$meta:meta])* async fn $name:ident($store:ident: Store) $body:block)*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($store: interdict_store::Store) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                $crate::harness::run($crate::harness::Backend::Sqlite, body).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                $crate::harness::run($crate::harness::Backend::Postgres, body).await;
            }
        }
    )*};
}

mod accounts;
mod agreements;
mod audit;
mod fixtures;
mod harness;
mod hits;
mod migrations;
mod records;
mod schema;
mod stats;
mod structures;
mod tracks;
mod visibility;
