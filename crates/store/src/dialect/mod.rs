//! What differs between the engines: the full-text index and its queries, reading in
//! one snapshot, bulk loading and waking readers of the change feed. Everything else
//! is written once, in SQL both engines read.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::db::{SqlBuf, Tx};
use crate::records::{ListFilter, StoredRecord};
use crate::{Dialect, Store, StoreError, WriteTx};

/// The columns of a [`StoredRecord`], read from `records r`.
pub(crate) fn record_columns(dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => sqlite::RECORD_COLUMNS.to_owned(),
        Dialect::Postgres => postgres::RECORD_COLUMNS.to_owned(),
    }
}

/// Adds the index tokens of records at the given positions.
pub(crate) async fn write_tokens(
    tx: &mut WriteTx<'_>,
    records: &[(i64, Vec<String>)],
) -> Result<(), StoreError> {
    match tx.dialect {
        Dialect::Sqlite => sqlite::write_tokens(tx, records).await,
        Dialect::Postgres => postgres::write_tokens(tx, records).await,
    }
}

/// Removes every index token of the record at `seq`.
pub(crate) async fn delete_tokens(tx: &mut WriteTx<'_>, seq: i64) -> Result<(), StoreError> {
    match tx.dialect {
        Dialect::Sqlite => sqlite::delete_tokens(tx, seq).await,
        Dialect::Postgres => postgres::delete_tokens(tx, seq).await,
    }
}

/// Empties the index (before it is built again).
pub(crate) async fn clear_tokens(tx: &mut WriteTx<'_>) -> Result<(), StoreError> {
    match tx.dialect {
        Dialect::Sqlite => sqlite::clear_tokens(tx).await,
        Dialect::Postgres => postgres::clear_tokens(tx).await,
    }
}

impl Store {
    /// A read-only transaction in which every statement sees the same snapshot.
    pub(crate) async fn begin_read(&self) -> Result<Tx, StoreError> {
        let mut tx = self.db.begin().await?;
        if self.dialect() == Dialect::Postgres {
            tx.execute(&SqlBuf::with(
                Dialect::Postgres,
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                vec![],
            ))
            .await?;
        }
        Ok(tx)
    }
}

/// The first `limit` records matching the index query `query` (rendered for the
/// dialect) and the date filters, before `cursor`, newest first.
pub(crate) async fn search_page(
    tx: &mut Tx,
    dialect: Dialect,
    query: &str,
    filter: &ListFilter,
    cursor: Option<i64>,
    limit: i64,
) -> Result<Vec<StoredRecord>, StoreError> {
    match dialect {
        Dialect::Sqlite => sqlite::search_page(tx, query, filter, cursor, limit).await,
        Dialect::Postgres => postgres::search_page(tx, query, filter, cursor, limit).await,
    }
}

/// How many records match, counted up to `cap`.
pub(crate) async fn search_count(
    tx: &mut Tx,
    dialect: Dialect,
    query: &str,
    filter: &ListFilter,
    cap: i64,
) -> Result<i64, StoreError> {
    match dialect {
        Dialect::Sqlite => sqlite::search_count(tx, query, filter, cap).await,
        Dialect::Postgres => postgres::search_count(tx, query, filter, cap).await,
    }
}
