//! SQLite: FTS5 for the full-text index.

use crate::db::{Arg, SqlBuf, Tx};
use crate::records::{push_date_filters, stored_from_row, ListFilter, StoredRecord};
use crate::{Dialect, StoreError, WriteTx};

pub(crate) const RECORD_COLUMNS: &str = "r.seq, r.id, r.kind, r.body, \
     (SELECT group_concat(c.operation, ' ') FROM record_compartments c WHERE c.seq = r.seq) AS compartments, \
     (SELECT group_concat(d.id, ' ') FROM disclosures d WHERE d.seq = r.seq) AS disclosures";

/// Rows per multi-row INSERT into the index (two parameters each).
const TOKEN_ROWS: usize = 2_000;

pub(crate) async fn write_tokens(
    tx: &mut WriteTx<'_>,
    records: &[(i64, Vec<String>)],
) -> Result<(), StoreError> {
    for chunk in records.chunks(TOKEN_ROWS) {
        let mut sql = SqlBuf::new(Dialect::Sqlite);
        sql.push("INSERT INTO records_fts (rowid, tokens) VALUES ");
        for (i, (seq, tokens)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(*seq)
                .push(", ")
                .bind(tokens.join(" "))
                .push(")");
        }
        tx.tx.execute(&sql).await?;
    }
    Ok(())
}

pub(crate) async fn delete_tokens(tx: &mut WriteTx<'_>, seq: i64) -> Result<(), StoreError> {
    // A contentless table with `contentless_delete` and `secure-delete` removes the
    // row's postings from the index at once.
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Sqlite,
            "DELETE FROM records_fts WHERE rowid = $1",
            vec![Arg::Int(seq)],
        ))
        .await?;
    Ok(())
}

pub(crate) async fn clear_tokens(tx: &mut WriteTx<'_>) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Sqlite,
            "INSERT INTO records_fts (records_fts) VALUES ('delete-all')",
            vec![],
        ))
        .await?;
    Ok(())
}

/// The matches of `query` as positions, with the date filters, newest first.
fn push_matches(sql: &mut SqlBuf, query: &str, filter: &ListFilter, cursor: Option<i64>) {
    sql.push("SELECT records_fts.rowid AS seq FROM records_fts ");
    if filter.from.is_some() || filter.to.is_some() {
        // CROSS JOIN keeps the full-text index as the outer loop, read newest first.
        sql.push("CROSS JOIN records r ON r.seq = records_fts.rowid ");
    }
    sql.push("WHERE records_fts MATCH ").bind(query);
    push_date_filters(sql, filter);
    if let Some(cursor) = cursor {
        sql.push(" AND records_fts.rowid < ").bind(cursor);
    }
}

pub(crate) async fn search_page(
    tx: &mut Tx,
    query: &str,
    filter: &ListFilter,
    cursor: Option<i64>,
    limit: i64,
) -> Result<Vec<StoredRecord>, StoreError> {
    let mut sql = SqlBuf::new(Dialect::Sqlite);
    sql.push("SELECT ")
        .push(RECORD_COLUMNS)
        .push(" FROM records r WHERE r.seq IN (");
    push_matches(&mut sql, query, filter, cursor);
    sql.push(" ORDER BY records_fts.rowid DESC LIMIT ")
        .bind(limit)
        .push(") ORDER BY r.seq DESC");
    tx.fetch_all(&sql, stored_from_row).await
}

pub(crate) async fn search_count(
    tx: &mut Tx,
    query: &str,
    filter: &ListFilter,
    cap: i64,
) -> Result<i64, StoreError> {
    let mut sql = SqlBuf::new(Dialect::Sqlite);
    sql.push("SELECT COUNT(*) AS n FROM (");
    push_matches(&mut sql, query, filter, None);
    sql.push(" LIMIT ").bind(cap).push(") t");
    tx.fetch_one(&sql, |row| row.int("n")).await
}
