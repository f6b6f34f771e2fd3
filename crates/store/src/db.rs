//! The two engines behind one small interface: statements are built once as a
//! [`SqlBuf`] of text and typed arguments, bound natively for each engine (UUID,
//! TIMESTAMPTZ, DATE and BOOLEAN on PostgreSQL; text and integers on SQLite), and rows
//! are read through [`RowExt`], which decodes each column the way its engine stores it.

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::canonical_time;
use sqlx::postgres::{PgArguments, PgPool, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqlitePool, SqliteRow};
use sqlx::{Postgres, Row, Sqlite};
use uuid::Uuid;

use crate::{Dialect, StoreError};

/// A value bound to a parameter.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Float(f64),
    OptFloat(Option<f64>),
    Text(String),
    OptText(Option<String>),
    Flag(bool),
    OptFlag(Option<bool>),
    Id(Uuid),
    OptId(Option<Uuid>),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    /// A list of text values: a `TEXT[]` on PostgreSQL (for `array_to_tsvector` and
    /// `= ANY`); not used on SQLite.
    TextList(Vec<String>),
    /// Bytes: a BLOB on SQLite, a BYTEA on PostgreSQL.
    Bytes(Vec<u8>),
    OptBytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl From<$ty> for Arg {
            fn from(v: $ty) -> Self {
                Arg::$variant(v)
            }
        }
    )*};
}

arg_from! {
    i64 => Int,
    Option<i64> => OptInt,
    f64 => Float,
    Option<f64> => OptFloat,
    String => Text,
    Option<String> => OptText,
    bool => Flag,
    Option<bool> => OptFlag,
    Uuid => Id,
    Option<Uuid> => OptId,
    DateTime<Utc> => Time,
    Option<DateTime<Utc>> => OptTime,
    NaiveDate => Date,
    Option<NaiveDate> => OptDate,
    Vec<String> => TextList,
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::OptText(v.map(str::to_owned))
    }
}

/// SQL text with its arguments. [`SqlBuf::bind`] writes placeholders as each engine
/// reads them fastest: `$1, $2, …` for PostgreSQL, plain `?` for SQLite, whose cost of
/// binding a numbered parameter grows with the number of parameters in the statement.
/// [`SqlBuf::with`] takes text written with `$n` placeholders, which both engines read.
#[derive(Clone, Debug)]
pub(crate) struct SqlBuf {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
    dialect: Dialect,
}

impl SqlBuf {
    /// An empty buffer for `dialect`.
    pub(crate) fn new(dialect: Dialect) -> Self {
        Self {
            text: String::new(),
            args: Vec::new(),
            dialect,
        }
    }

    /// A statement written with `$1, $2, …` placeholders and its arguments in order.
    pub(crate) fn with(dialect: Dialect, text: &str, args: Vec<Arg>) -> Self {
        Self {
            text: text.to_owned(),
            args,
            dialect,
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub(crate) fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        match self.dialect {
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.args.len().to_string());
            }
        }
        self
    }

    /// Appends `(?, …), (?, …)`, one parenthesized list per row: the rows of a
    /// multi-row `INSERT … VALUES`.
    pub(crate) fn bind_rows(&mut self, rows: &[Vec<Arg>]) -> &mut Self {
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind_list(row.iter().cloned());
        }
        self
    }

    /// Appends `(?, ?, …)`, one placeholder per value: the right side of an `IN`.
    pub(crate) fn bind_list<T: Into<Arg>>(
        &mut self,
        values: impl IntoIterator<Item = T>,
    ) -> &mut Self {
        self.push("(");
        let mut first = true;
        for value in values {
            if !first {
                self.push(", ");
            }
            first = false;
            self.bind(value);
        }
        if first {
            // An empty list: `IN (NULL)` matches nothing on both engines.
            self.push("NULL");
        }
        self.push(")")
    }

    /// Whether the connection keeps the prepared statement for the next use of the
    /// same text. Multi-row statements of many parameters are not kept: their texts
    /// vary with the number of rows, and each prepared one held megabytes in every
    /// connection's cache (the resident memory of a maritime replay reached 4 GB).
    fn persistent(&self) -> bool {
        self.args.len() <= MAX_KEPT_PARAMETERS
    }

    fn sqlite(&self) -> Query<'_, Sqlite, SqliteArguments<'_>> {
        let mut query = sqlx::query(&self.text).persistent(self.persistent());
        for arg in &self.args {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::OptInt(v) => query.bind(*v),
                Arg::Float(v) => query.bind(*v),
                Arg::OptFloat(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.as_str()),
                Arg::OptText(v) => query.bind(v.as_deref()),
                Arg::Flag(v) => query.bind(i64::from(*v)),
                Arg::OptFlag(v) => query.bind(v.map(i64::from)),
                Arg::Id(v) => query.bind(v.to_string()),
                Arg::OptId(v) => query.bind(v.map(|v| v.to_string())),
                Arg::Time(v) => query.bind(canonical_time(v)),
                Arg::OptTime(v) => query.bind(v.as_ref().map(canonical_time)),
                Arg::Date(v) => query.bind(v.to_string()),
                Arg::OptDate(v) => query.bind(v.map(|d| d.to_string())),
                Arg::TextList(v) => query.bind(v.join(" ")),
                Arg::Bytes(v) => query.bind(v.as_slice()),
                Arg::OptBytes(v) => query.bind(v.as_deref()),
            };
        }
        query
    }

    fn postgres(&self) -> Query<'_, Postgres, PgArguments> {
        let mut query = sqlx::query(&self.text).persistent(self.persistent());
        for arg in &self.args {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::OptInt(v) => query.bind(*v),
                Arg::Float(v) => query.bind(*v),
                Arg::OptFloat(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.as_str()),
                Arg::OptText(v) => query.bind(v.as_deref()),
                Arg::Flag(v) => query.bind(*v),
                Arg::OptFlag(v) => query.bind(*v),
                Arg::Id(v) => query.bind(*v),
                Arg::OptId(v) => query.bind(*v),
                Arg::Time(v) => query.bind(*v),
                Arg::OptTime(v) => query.bind(*v),
                Arg::Date(v) => query.bind(*v),
                Arg::OptDate(v) => query.bind(*v),
                Arg::TextList(v) => query.bind(v.as_slice()),
                Arg::Bytes(v) => query.bind(v.as_slice()),
                Arg::OptBytes(v) => query.bind(v.as_deref()),
            };
        }
        query
    }
}

/// The most parameters of a statement kept prepared (see [`SqlBuf::persistent`]).
const MAX_KEPT_PARAMETERS: usize = 1_000;

fn corrupt(column: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {e}"))
}

/// A row of either engine, read column by column in the types the store uses.
pub(crate) trait RowExt {
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError>;
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn flag(&self, column: &str) -> Result<bool, StoreError>;
    fn id(&self, column: &str) -> Result<Uuid, StoreError>;
    fn time(&self, column: &str) -> Result<DateTime<Utc>, StoreError>;
    fn opt_time(&self, column: &str) -> Result<Option<DateTime<Utc>>, StoreError>;
    fn opt_date(&self, column: &str) -> Result<Option<NaiveDate>, StoreError>;
    fn opt_float(&self, column: &str) -> Result<Option<f64>, StoreError>;
    fn opt_id(&self, column: &str) -> Result<Option<Uuid>, StoreError>;
    fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError>;

    fn float(&self, column: &str) -> Result<f64, StoreError> {
        self.opt_float(column)?
            .ok_or_else(|| corrupt(column, "is null"))
    }

    fn date(&self, column: &str) -> Result<NaiveDate, StoreError> {
        self.opt_date(column)?
            .ok_or_else(|| corrupt(column, "is null"))
    }

    fn agency(&self, column: &str) -> Result<interdict_core::AgencyCode, StoreError> {
        let raw = self.text(column)?;
        interdict_core::AgencyCode::parse(&raw)
            .map_err(|e| corrupt(column, format!("{raw:?}: {e}")))
    }

    /// A TLP label kept as its rank.
    fn tlp(&self, column: &str) -> Result<interdict_core::Tlp, StoreError> {
        let rank = self.int(column)?;
        interdict_core::Tlp::from_rank(rank).ok_or_else(|| corrupt(column, rank.to_string()))
    }
}

fn parse_time(column: &str, raw: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(column, format!("{raw:?}: {e}")))
}

fn parse_date(column: &str, raw: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|e| corrupt(column, format!("{raw:?}: {e}")))
}

impl RowExt for SqliteRow {
    fn opt_id(&self, column: &str) -> Result<Option<Uuid>, StoreError> {
        self.try_get::<Option<String>, _>(column)?
            .map(|raw| Uuid::parse_str(&raw).map_err(|e| corrupt(column, format!("{raw:?}: {e}"))))
            .transpose()
    }
    fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_float(&self, column: &str) -> Result<Option<f64>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn flag(&self, column: &str) -> Result<bool, StoreError> {
        Ok(self.try_get::<i64, _>(column)? != 0)
    }
    fn id(&self, column: &str) -> Result<Uuid, StoreError> {
        let raw: String = self.try_get(column)?;
        Uuid::parse_str(&raw).map_err(|e| corrupt(column, format!("{raw:?}: {e}")))
    }
    fn time(&self, column: &str) -> Result<DateTime<Utc>, StoreError> {
        parse_time(column, &self.try_get::<String, _>(column)?)
    }
    fn opt_time(&self, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.try_get::<Option<String>, _>(column)?
            .map(|raw| parse_time(column, &raw))
            .transpose()
    }
    fn opt_date(&self, column: &str) -> Result<Option<NaiveDate>, StoreError> {
        self.try_get::<Option<String>, _>(column)?
            .map(|raw| parse_date(column, &raw))
            .transpose()
    }
}

impl RowExt for PgRow {
    fn opt_id(&self, column: &str) -> Result<Option<Uuid>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_float(&self, column: &str) -> Result<Option<f64>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn flag(&self, column: &str) -> Result<bool, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn id(&self, column: &str) -> Result<Uuid, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn time(&self, column: &str) -> Result<DateTime<Utc>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_time(&self, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_date(&self, column: &str) -> Result<Option<NaiveDate>, StoreError> {
        Ok(self.try_get(column)?)
    }
}

/// The connection pool of either engine.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction of either engine.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the engine's executor and `$q` to the statement
/// bound for that engine.
macro_rules! on_engine {
    ($target:expr, $sql:expr, |$conn:ident, $q:ident| $body:expr) => {
        match $target {
            Target::Sqlite($conn) => {
                let $q = $sql.sqlite();
                let rows = $body;
                rows.map(|rows| rows.into_iter().map(Either::Sqlite).collect::<Vec<_>>())
            }
            Target::Postgres($conn) => {
                let $q = $sql.postgres();
                let rows = $body;
                rows.map(|rows| rows.into_iter().map(Either::Postgres).collect::<Vec<_>>())
            }
        }
    };
}

/// A row of either engine.
pub(crate) enum Either {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

impl Either {
    pub(crate) fn row(&self) -> &dyn RowExt {
        match self {
            Either::Sqlite(row) => row,
            Either::Postgres(row) => row,
        }
    }
}

enum Target<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

async fn fetch(target: Target<'_>, sql: &SqlBuf) -> Result<Vec<Either>, StoreError> {
    let rows: Result<Vec<Either>, sqlx::Error> =
        on_engine!(target, sql, |conn, q| q.fetch_all(conn).await);
    Ok(rows?)
}

async fn execute(target: Target<'_>, sql: &SqlBuf) -> Result<u64, StoreError> {
    Ok(match target {
        Target::Sqlite(conn) => sql.sqlite().execute(conn).await?.rows_affected(),
        Target::Postgres(conn) => sql.postgres().execute(conn).await?.rows_affected(),
    })
}

fn decode_all<T>(
    rows: Vec<Either>,
    f: impl Fn(&dyn RowExt) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.iter().map(|r| f(r.row())).collect()
}

/// Reading and writing through a pool or a transaction alike.
macro_rules! executor_methods {
    () => {
        /// Runs a statement; returns the number of rows it changed.
        pub(crate) async fn execute(&mut self, sql: &SqlBuf) -> Result<u64, StoreError> {
            let target = self.target().await?;
            execute(target, sql).await
        }

        /// Every row of a query, decoded by `f`.
        pub(crate) async fn fetch_all<T>(
            &mut self,
            sql: &SqlBuf,
            f: impl Fn(&dyn RowExt) -> Result<T, StoreError>,
        ) -> Result<Vec<T>, StoreError> {
            let target = self.target().await?;
            decode_all(fetch(target, sql).await?, f)
        }

        /// The first row of a query, if any, decoded by `f`.
        pub(crate) async fn fetch_optional<T>(
            &mut self,
            sql: &SqlBuf,
            f: impl Fn(&dyn RowExt) -> Result<T, StoreError>,
        ) -> Result<Option<T>, StoreError> {
            Ok(self.fetch_all(sql, f).await?.into_iter().next())
        }

        /// The first row of a query, which must exist, decoded by `f`.
        pub(crate) async fn fetch_one<T>(
            &mut self,
            sql: &SqlBuf,
            f: impl Fn(&dyn RowExt) -> Result<T, StoreError>,
        ) -> Result<T, StoreError> {
            self.fetch_optional(sql, f)
                .await?
                .ok_or(StoreError::NotFound)
        }
    };
}

/// A connection taken from the pool for a few statements outside a transaction.
pub(crate) enum Conn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

impl Conn {
    async fn target(&mut self) -> Result<Target<'_>, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => Target::Sqlite(&mut *c),
            Conn::Postgres(c) => Target::Postgres(&mut *c),
        })
    }

    executor_methods!();
}

impl Tx {
    async fn target(&mut self) -> Result<Target<'_>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => Target::Sqlite(&mut *tx),
            Tx::Postgres(tx) => Target::Postgres(&mut *tx),
        })
    }

    executor_methods!();

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl Db {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    pub(crate) async fn conn(&self) -> Result<Conn, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Runs a statement on a pooled connection.
    pub(crate) async fn execute(&self, sql: &SqlBuf) -> Result<u64, StoreError> {
        self.conn().await?.execute(sql).await
    }

    /// Every row of a query on a pooled connection, decoded by `f`.
    pub(crate) async fn fetch_all<T>(
        &self,
        sql: &SqlBuf,
        f: impl Fn(&dyn RowExt) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        self.conn().await?.fetch_all(sql, f).await
    }

    /// The first row of a query, if any.
    pub(crate) async fn fetch_optional<T>(
        &self,
        sql: &SqlBuf,
        f: impl Fn(&dyn RowExt) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        self.conn().await?.fetch_optional(sql, f).await
    }

    /// The first row of a query, which must exist.
    pub(crate) async fn fetch_one<T>(
        &self,
        sql: &SqlBuf,
        f: impl Fn(&dyn RowExt) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn().await?.fetch_one(sql, f).await
    }

    pub(crate) async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_dialect() {
        let mut sql = SqlBuf::new(Dialect::Sqlite);
        sql.push("a = ")
            .bind(1)
            .push(" AND b IN ")
            .bind_list(["x", "y"]);
        assert_eq!(sql.text, "a = ? AND b IN (?, ?)");
        let mut sql = SqlBuf::new(Dialect::Postgres);
        sql.push("a = ")
            .bind(1)
            .push(" AND b IN ")
            .bind_list(Vec::<i64>::new());
        assert_eq!(sql.text, "a = $1 AND b IN (NULL)");
    }
}
