//! The two dialects' migrations describe the same tables and columns.

use std::collections::{BTreeMap, BTreeSet};

use interdict_store::{Dialect, Store};
use sqlx::Row;

use crate::harness::raw;

/// Tables and columns that exist on one engine only, by design.
const ONLY_SQLITE: &[&str] = &["records_fts", "sqlite_sequence"];
const ONLY_POSTGRES_COLUMNS: &[(&str, &str)] = &[("records", "search_vec")];

async fn columns(store: &Store) -> BTreeMap<String, BTreeSet<String>> {
    let pool = raw(store).await;
    let rows = match store.dialect() {
        Dialect::Sqlite => {
            sqlx::query(
                "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'records_fts%' AND m.name NOT LIKE '_sqlx%'",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
        Dialect::Postgres => {
            sqlx::query(
                "SELECT CAST(table_name AS TEXT) AS t, CAST(column_name AS TEXT) AS c \
                 FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        let table: String = row.get("t");
        let column: String = row.get("c");
        if ONLY_SQLITE.contains(&table.as_str())
            || ONLY_POSTGRES_COLUMNS.contains(&(table.as_str(), column.as_str()))
        {
            continue;
        }
        out.entry(table).or_default().insert(column);
    }
    pool.close().await;
    out
}

/// The migration versions a store applied.
async fn versions(store: &Store) -> Vec<i64> {
    let pool = raw(store).await;
    let rows = sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&pool)
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<i64, _>("version")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_have_the_same_migrations_tables_and_columns() {
    // Each dialect's migrations carry the same numbers.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let numbers = |dialect: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(dialect))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        numbers("sqlite"),
        numbers("postgres"),
        "migration files differ by name"
    );

    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open_dir(sqlite_dir.path()).await.unwrap();
    let sqlite_columns = columns(&sqlite).await;
    let sqlite_versions = versions(&sqlite).await;
    sqlite.close().await;
    let Some((name, url)) = crate::harness::fresh_postgres().await else {
        return;
    };
    let postgres = Store::open(&url).await.unwrap();
    let postgres_columns = columns(&postgres).await;
    assert_eq!(versions(&postgres).await, sqlite_versions);
    postgres.close().await;
    crate::harness::drop_postgres(&name).await;
    assert_eq!(sqlite_columns, postgres_columns);
    assert!(sqlite_columns.len() > 15);
}
