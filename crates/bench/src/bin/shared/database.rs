//! What the timing tools share: a fresh database to measure in.

use anyhow::{bail, Context as _};

/// Deletes the SQLite file or recreates the PostgreSQL database; returns the URL.
pub async fn prepare(url: &str) -> anyhow::Result<String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        if let Some(dir) = std::path::Path::new(path).parent() {
            std::fs::create_dir_all(dir)?;
        }
        return Ok(format!("sqlite://{path}?mode=rwc"));
    }
    if url.starts_with("postgres://") {
        use sqlx::{Connection as _, Executor as _};
        let (server, db) = url
            .rsplit_once('/')
            .context("the url must name a database")?;
        if !db
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            || db == "postgres"
        {
            bail!("use a dedicated database name like interdict_timing or interdict_stats");
        }
        let mut admin =
            sqlx::postgres::PgConnection::connect(&format!("{server}/postgres")).await?;
        admin
            .execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str())
            .await?;
        admin
            .execute(format!("CREATE DATABASE {db}").as_str())
            .await?;
        admin.close().await?;
        return Ok(url.to_owned());
    }
    bail!("database url must start with sqlite:// or postgres://")
}

/// The seizures held in the database at `url` (for a load taken up again).
#[allow(dead_code)]
pub async fn count_seizures(url: &str) -> anyhow::Result<usize> {
    use sqlx::Connection as _;
    let sql = "SELECT COUNT(*) FROM records WHERE kind = 'seizure'";
    let count: i64 = if url.starts_with("sqlite://") {
        let mut db = sqlx::sqlite::SqliteConnection::connect(url).await?;
        sqlx::query_scalar(sql).fetch_one(&mut db).await?
    } else {
        let mut db = sqlx::postgres::PgConnection::connect(url).await?;
        sqlx::query_scalar(sql).fetch_one(&mut db).await?
    };
    Ok(usize::try_from(count)?)
}
