//! PostgreSQL: a `tsvector` column with a GIN index for the full-text index, `COPY`
//! for bulk loads.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use interdict_core::audit::canonical_time;
use interdict_core::policy::AccessTerm;

use crate::db::{Arg, SqlBuf, Tx};
use crate::records::{push_date_filters, stored_from_row, Facts, ListFilter, StoredRecord};
use crate::search::record_tokens;
use crate::{Dialect, StoreError, WriteTx};

pub(crate) const RECORD_COLUMNS: &str = "r.seq, r.id, r.kind, r.body, \
     (SELECT string_agg(c.operation::text, ' ') FROM record_compartments c WHERE c.seq = r.seq) AS compartments, \
     (SELECT string_agg(d.id::text, ' ') FROM disclosures d WHERE d.seq = r.seq) AS disclosures";

pub(crate) async fn write_tokens(
    tx: &mut WriteTx<'_>,
    records: &[(i64, Vec<String>)],
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let seqs: Vec<String> = records.iter().map(|(seq, _)| seq.to_string()).collect();
    let tokens: Vec<String> = records.iter().map(|(_, t)| t.join(" ")).collect();
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Postgres,
            "UPDATE records r SET search_vec = array_to_tsvector(array_remove(string_to_array(u.t, ' '), '')) \
             FROM unnest(CAST($1 AS text[]), $2) AS u(s, t) WHERE r.seq = CAST(u.s AS bigint)",
            vec![Arg::TextList(seqs), Arg::TextList(tokens)],
        ))
        .await?;
    Ok(())
}

pub(crate) async fn delete_tokens(tx: &mut WriteTx<'_>, seq: i64) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Postgres,
            "UPDATE records SET search_vec = '' WHERE seq = $1",
            vec![Arg::Int(seq)],
        ))
        .await?;
    Ok(())
}

pub(crate) async fn clear_tokens(tx: &mut WriteTx<'_>) -> Result<(), StoreError> {
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Postgres,
            "UPDATE records SET search_vec = '' WHERE search_vec <> ''",
            vec![],
        ))
        .await?;
    Ok(())
}

/// Records a search tests newest first before it considers the GIN index (see
/// [`search_page`]): about 1.5 ms at a million records.
const FIRST_WINDOW: i64 = 1_000;

/// Most records a search tests newest first, about 30 ms; a search whose matches so
/// far say that it needs more turns to the GIN index.
const SCAN_BUDGET: i64 = 20_000;

/// The next window of records to test, when `found` matches in `scanned` records say
/// that the `wanted` ones lie within the budget; `None` when the rest should be read
/// through the GIN index.
fn next_window(found: i64, wanted: i64, scanned: i64) -> Option<i64> {
    if found == 0 {
        return None;
    }
    // Records still to test at the density seen so far, with a margin.
    let needed = (wanted - found) * scanned / found * 11 / 10 + 100;
    (scanned + needed <= SCAN_BUDGET).then_some(needed.max(FIRST_WINDOW))
}

/// Appends the newest `window` records before `cursor`, with the columns a search tests.
fn push_window(sql: &mut SqlBuf, cursor: Option<i64>, window: i64) {
    sql.push("SELECT x.seq, x.search_vec, x.occurred_on FROM records x");
    if let Some(cursor) = cursor {
        sql.push(" WHERE x.seq < ").bind(cursor);
    }
    sql.push(" ORDER BY x.seq DESC LIMIT ").bind(window);
}

/// Appends the matches of `query` below position `upper`, written so that only the
/// GIN index can serve them (`seq + 0` keeps the primary key out of the plan).
fn push_sparse(sql: &mut SqlBuf, query: &str, filter: &ListFilter, upper: Option<i64>) {
    sql.push("SELECT r.seq FROM records r WHERE r.search_vec @@ CAST(")
        .bind(query)
        .push(" AS tsquery)");
    if let Some(upper) = upper {
        sql.push(" AND r.seq + 0 < ").bind(upper);
    }
    push_date_filters(sql, filter);
}

/// The lowest position among the newest `window` records before `upper`, or `None`
/// when there are fewer than `window` of them, so that the window held every record.
async fn window_low(
    tx: &mut Tx,
    upper: Option<i64>,
    window: i64,
) -> Result<Option<i64>, StoreError> {
    let mut sql = SqlBuf::new(Dialect::Postgres);
    sql.push("SELECT MIN(x.seq) AS low, COUNT(*) AS n FROM (SELECT x.seq FROM records x");
    if let Some(upper) = upper {
        sql.push(" WHERE x.seq < ").bind(upper);
    }
    sql.push(" ORDER BY x.seq DESC LIMIT ")
        .bind(window)
        .push(") x");
    let (low, n) = tx
        .fetch_one(&sql, |row| Ok((row.opt_int("low")?, row.int("n")?)))
        .await?;
    Ok(low.filter(|_| n >= window))
}

/// Runs `sql` with the planner restricted to bitmap scans, so that a search known to
/// be sparse is read through the GIN index, whatever the estimates say.
async fn fetch_by_bitmap<T>(
    tx: &mut Tx,
    sql: &SqlBuf,
    f: impl Fn(&dyn crate::db::RowExt) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let set = |on: bool| -> [SqlBuf; 2] {
        let value = if on { "on" } else { "off" };
        ["enable_seqscan", "enable_indexscan"].map(|setting| {
            SqlBuf::with(
                Dialect::Postgres,
                &format!("SET LOCAL {setting} = {value}"),
                vec![],
            )
        })
    };
    for statement in set(false) {
        tx.execute(&statement).await?;
    }
    let rows = tx.fetch_all(sql, f).await;
    for statement in set(true) {
        tx.execute(&statement).await?;
    }
    rows
}

/// A page of a search. GIN cannot return matches in order, and neither of the
/// planner's two ways fits every search. Reading records newest first and testing each
/// against the query (about 1.5 µs a record at a million) is quick when matches are
/// dense and reads the whole table when none is visible. A GIN bitmap is quick when one
/// side of the query is rare and slow when every side is common. So records are tested
/// newest first in windows while the matches found so far say that the rest of the page
/// lies within [`SCAN_BUDGET`] records, and the remainder, then known to be sparse, is
/// read through the GIN bitmap. The windows test every record, visible or not, at the
/// same cost; what decides their number is how many visible matches they find, and the
/// query names only tokens the reader may see, so the cost depends on nothing hidden.
pub(crate) async fn search_page(
    tx: &mut Tx,
    query: &str,
    filter: &ListFilter,
    cursor: Option<i64>,
    limit: i64,
) -> Result<Vec<StoredRecord>, StoreError> {
    let mut seqs: Vec<i64> = Vec::new();
    let mut upper = cursor;
    let mut scanned = 0;
    let mut window = FIRST_WINDOW;
    let mut sparse = true;
    loop {
        let mut sql = SqlBuf::new(Dialect::Postgres);
        sql.push("SELECT r.seq FROM (");
        push_window(&mut sql, upper, window);
        sql.push(") r WHERE r.search_vec @@ CAST(")
            .bind(query)
            .push(" AS tsquery)");
        push_date_filters(&mut sql, filter);
        sql.push(" ORDER BY r.seq DESC LIMIT ")
            .bind(limit - seqs.len() as i64);
        seqs.extend(tx.fetch_all(&sql, |row| row.int("seq")).await?);
        if seqs.len() as i64 >= limit {
            sparse = false;
            break;
        }
        let Some(low) = window_low(tx, upper, window).await? else {
            sparse = false;
            break;
        };
        upper = Some(low);
        scanned += window;
        match next_window(seqs.len() as i64, limit, scanned) {
            Some(next) => window = next,
            None => break,
        }
    }
    if sparse {
        let mut sql = SqlBuf::new(Dialect::Postgres);
        push_sparse(&mut sql, query, filter, upper);
        sql.push(" ORDER BY r.seq DESC LIMIT ")
            .bind(limit - seqs.len() as i64);
        seqs.extend(fetch_by_bitmap(tx, &sql, |row| row.int("seq")).await?);
    }
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    // Read in the same snapshot as the matches, and tested against the query again.
    let mut sql = SqlBuf::new(Dialect::Postgres);
    sql.push("SELECT ")
        .push(RECORD_COLUMNS)
        .push(" FROM records r WHERE r.seq IN ")
        .bind_list(seqs)
        .push(" AND r.search_vec @@ CAST(")
        .bind(query)
        .push(" AS tsquery) ORDER BY r.seq DESC");
    tx.fetch_all(&sql, stored_from_row).await
}

/// The count of a search up to `cap`, read the way [`search_page`] reads a page.
pub(crate) async fn search_count(
    tx: &mut Tx,
    query: &str,
    filter: &ListFilter,
    cap: i64,
) -> Result<i64, StoreError> {
    let mut found = 0;
    let mut upper = None;
    let mut scanned = 0;
    let mut window = FIRST_WINDOW;
    loop {
        let mut sql = SqlBuf::new(Dialect::Postgres);
        sql.push("SELECT COUNT(*) AS n, MIN(r.seq) AS low, SUM(CASE WHEN r.search_vec @@ CAST(")
            .bind(query)
            .push(" AS tsquery)");
        push_date_filters(&mut sql, filter);
        sql.push(" THEN 1 ELSE 0 END) AS hits FROM (");
        push_window(&mut sql, upper, window);
        sql.push(") r");
        let (rows, low, hits) = tx
            .fetch_one(&sql, |row| {
                Ok((row.int("n")?, row.opt_int("low")?, row.opt_int("hits")?))
            })
            .await?;
        found += hits.unwrap_or(0);
        if found >= cap || rows < window {
            return Ok(found);
        }
        upper = low;
        scanned += window;
        match next_window(found, cap, scanned) {
            Some(next) => window = next,
            None => break,
        }
    }
    let mut sql = SqlBuf::new(Dialect::Postgres);
    sql.push("SELECT COUNT(*) AS n FROM (");
    push_sparse(&mut sql, query, filter, upper);
    sql.push(" LIMIT ").bind(cap - found).push(") t");
    let rest = fetch_by_bitmap(tx, &sql, |row| row.int("n")).await?;
    Ok(found + rest.first().copied().unwrap_or(0))
}

/// Writes `value` as a field of `COPY … FROM STDIN` text format.
fn copy_field(out: &mut String, value: Option<&str>) {
    let Some(value) = value else {
        out.push_str("\\N");
        return;
    };
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Writes one row of `COPY` text format.
fn copy_row(out: &mut String, fields: &[Option<&str>]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        copy_field(out, *field);
    }
    out.push('\n');
}

/// Sends `data` to `COPY statement FROM STDIN` inside the transaction.
async fn copy_in(tx: &mut WriteTx<'_>, statement: &str, data: String) -> Result<(), StoreError> {
    if data.is_empty() {
        return Ok(());
    }
    let crate::db::Tx::Postgres(pg) = &mut tx.tx else {
        return Err(StoreError::Config("COPY needs PostgreSQL".into()));
    };
    let mut copy = pg.copy_in_raw(statement).await?;
    if let Err(e) = copy.send(data.into_bytes()).await {
        let _ = copy.abort("send failed").await;
        return Err(e.into());
    }
    copy.finish().await?;
    Ok(())
}

/// Loads new records with `COPY`: positions are taken from the sequence first, so that
/// the records and every side table go in one `COPY` each.
pub(crate) async fn copy_records(
    tx: &mut WriteTx<'_>,
    facts: &[Facts],
    terms: &[Vec<AccessTerm>],
    codes: &[Vec<i64>],
) -> Result<(), StoreError> {
    if facts.is_empty() {
        return Ok(());
    }
    let seqs = tx
        .tx
        .fetch_all(
            &SqlBuf::with(
                Dialect::Postgres,
                "SELECT nextval(pg_get_serial_sequence('records', 'seq')) AS seq FROM generate_series(1, $1)",
                vec![Arg::Int(facts.len() as i64)],
            ),
            |row| row.int("seq"),
        )
        .await?;
    let mut records = String::new();
    let mut recipients = String::new();
    let mut drugs = String::new();
    let mut identifiers = String::new();
    let mut access = String::new();
    let mut links = String::new();
    let mut vocab: BTreeMap<String, i64> = BTreeMap::new();
    for (((seq, f), t), c) in seqs.iter().zip(facts).zip(terms).zip(codes) {
        let seq = seq.to_string();
        let tokens = record_tokens(&f.search, &f.filter_words(), c);
        let mut vector = String::new();
        for token in &tokens {
            let _ = write!(vector, "'{token}' ");
            *vocab.entry(token.clone()).or_insert(0) += 1;
        }
        let access_text = t
            .iter()
            .map(AccessTerm::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let id = f.id.to_string();
        let tlp = f.tlp.rank().to_string();
        let version = f.version.to_string();
        let occurred = f.occurred_on.map(|d| d.to_string());
        let created = canonical_time(&f.created_at);
        let updated = canonical_time(&f.updated_at);
        copy_row(
            &mut records,
            &[
                Some(&seq),
                Some(&id),
                Some(f.kind.as_str()),
                Some(f.agency.as_str()),
                Some(f.status.as_str()),
                Some(&tlp),
                Some(&version),
                Some(&f.title),
                occurred.as_deref(),
                Some(&f.body),
                Some(&f.search),
                Some(&access_text),
                Some(vector.trim_end()),
                Some(&f.created_by),
                Some(&created),
                Some(&updated),
            ],
        );
        for r in &f.recipients {
            copy_row(&mut recipients, &[Some(&seq), Some(r.as_str())]);
        }
        for d in &f.drugs {
            copy_row(&mut drugs, &[Some(&seq), Some(d.as_str())]);
        }
        for (scheme, value) in &f.identifiers {
            copy_row(&mut identifiers, &[Some(&seq), Some(scheme), Some(value)]);
        }
        for code in c {
            copy_row(&mut access, &[Some(&code.to_string()), Some(&seq)]);
        }
        for target in &f.links {
            copy_row(&mut links, &[Some(&seq), Some(&target.to_string())]);
        }
    }
    copy_in(
        tx,
        "COPY records (seq, id, kind, agency, status, tlp, version, title, occurred_on, body, search, \
         access, search_vec, created_by, created_at, updated_at) FROM STDIN",
        records,
    )
    .await?;
    copy_in(
        tx,
        "COPY record_recipients (seq, agency) FROM STDIN",
        recipients,
    )
    .await?;
    copy_in(tx, "COPY record_drugs (seq, drug) FROM STDIN", drugs).await?;
    copy_in(
        tx,
        "COPY record_identifiers (seq, scheme, value) FROM STDIN",
        identifiers,
    )
    .await?;
    copy_in(tx, "COPY record_access (code, seq) FROM STDIN", access).await?;
    copy_in(tx, "COPY record_links (seq, target) FROM STDIN", links).await?;
    // The vocabulary counts go through a temporary table, merged in token order.
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Postgres,
            "CREATE TEMPORARY TABLE vocab_delta (token TEXT NOT NULL, n BIGINT NOT NULL) ON COMMIT DROP",
            vec![],
        ))
        .await?;
    let mut delta = String::new();
    for (token, n) in &vocab {
        copy_row(&mut delta, &[Some(token), Some(&n.to_string())]);
    }
    copy_in(tx, "COPY vocab_delta (token, n) FROM STDIN", delta).await?;
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Postgres,
            "INSERT INTO search_vocab (token, n) SELECT token, n FROM vocab_delta ORDER BY token \
             ON CONFLICT (token) DO UPDATE SET n = search_vocab.n + excluded.n",
            vec![],
        ))
        .await?;
    tx.tx
        .execute(&SqlBuf::with(
            Dialect::Postgres,
            "DROP TABLE vocab_delta",
            vec![],
        ))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_it_must() {
        let mut out = String::new();
        copy_row(&mut out, &[Some("a\tb"), None, Some("c\\d\ne")]);
        assert_eq!(out, "a\\tb\t\\N\tc\\\\d\\ne\n");
    }

    #[test]
    fn windows_grow_with_the_density_seen() {
        assert_eq!(next_window(0, 51, 1_000), None);
        assert_eq!(next_window(50, 51, 1_000), Some(FIRST_WINDOW));
        assert_eq!(next_window(1, 51, 1_000), None);
    }
}
