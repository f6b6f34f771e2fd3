//! Reports and seizures: one table of records, whatever their kind, with the columns
//! that filters and the policy need beside the full record as JSON.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use interdict_core::audit::{canonical_time, AuditEvent};
use interdict_core::policy::Branch;
use interdict_core::record::{DrugType, Record, RecordKind};
use interdict_core::text::QueryTerm;
use interdict_core::{AgencyCode, RecordStatus, Tlp};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::audit::append;
use crate::sql::{
    access_terms, agency_filter_term, drug_term, push_visibility, status_term, tlp_term,
    visibility_query, Arg, IndexQuery, SqlBuf,
};
use crate::{Dialect, Store, StoreError, WriteTx};

/// Counts stop here: beyond it a page says "more than". Counting means walking the
/// matches one by one (no index holds a count per reader), so the cap bounds the work
/// of every page: at a million records a common word costs 10 ms to count to 1,000 on
/// PostgreSQL and 110 ms to count to 10,000.
pub const COUNT_CAP: i64 = 1_000;

/// Most whole terms a search prefix is expanded into; a prefix matching more stays a
/// prefix query.
const MAX_PREFIX_TERMS: i64 = 64;

/// A stored record: its kind, position and JSON body.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    pub seq: i64,
    pub kind: RecordKind,
    pub body: String,
}

/// A short view of a record for search results.
#[derive(Clone, Debug)]
pub struct RecordSummary {
    pub seq: i64,
    pub id: Uuid,
    pub kind: RecordKind,
    pub agency: AgencyCode,
    pub status: RecordStatus,
    pub tlp: Tlp,
    pub title: String,
    pub occurred_on: Option<NaiveDate>,
    pub updated_at: String,
}

/// An earlier version of a record.
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub version: i64,
    pub body: String,
    pub changed_by: String,
    pub changed_at: String,
}

/// Conditions a client may put on a listing, on top of what the policy allows.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub agency: Option<AgencyCode>,
    pub status: Option<RecordStatus>,
    pub tlp: Option<Tlp>,
    pub drug: Option<DrugType>,
    /// Seizures on or after this day.
    pub from: Option<NaiveDate>,
    /// Seizures on or before this day.
    pub to: Option<NaiveDate>,
    /// Full-text terms, all of which must match.
    pub terms: Option<Vec<QueryTerm>>,
}

/// One page of a listing, newest first.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as the cursor to get the next page.
    pub next_cursor: Option<i64>,
    /// How many records match in all, counted up to [`COUNT_CAP`].
    pub total: i64,
    /// Whether `total` stopped at the cap.
    pub total_capped: bool,
}

impl<T> Page<T> {
    /// A page with nothing on it.
    fn empty() -> Self {
        Page {
            items: Vec::new(),
            next_cursor: None,
            total: 0,
            total_capped: false,
        }
    }
}

fn kind_from(raw: &str) -> Result<RecordKind, StoreError> {
    match raw {
        "report" => Ok(RecordKind::Report),
        "seizure" => Ok(RecordKind::Seizure),
        other => Err(StoreError::Corrupt(format!("record kind {other:?}"))),
    }
}

/// Most parameters one statement binds, well below the limits of both engines
/// (32,766 on SQLite, 65,535 on PostgreSQL).
const MAX_PARAMS: usize = 30_000;

/// Records per multi-row INSERT: 14 parameters each. Small enough that a batch of a
/// thousand is several statements, each encoded while the previous one is written.
const RECORDS_PER_INSERT: usize = 250;

/// Inserts `rows` with `head` (`INSERT INTO table (columns)`) and `tail` (`ON CONFLICT
/// …`) in as few multi-row INSERTs as the parameter
/// limit allows: a bulk import would otherwise pay one round trip per row.
async fn insert_rows(
    tx: &mut WriteTx<'_>,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Arg>>,
) -> Result<(), StoreError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks((MAX_PARAMS / width.max(1)).max(1)) {
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push(head).push(" VALUES ");
        for (i, row) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            for (j, value) in row.iter().enumerate() {
                if j > 0 {
                    sql.push(", ");
                }
                sql.bind(value.clone());
            }
            sql.push(")");
        }
        sql.push(tail);
        sql.query().execute(&mut *tx.tx).await?;
    }
    Ok(())
}

/// Writes the projection rows (recipients, drugs, identifiers) of records stored at
/// the given positions.
async fn write_projections<R: Record>(
    tx: &mut WriteTx<'_>,
    stored: &[(i64, &R)],
) -> Result<(), StoreError> {
    let mut recipients = Vec::new();
    let mut drug_rows = Vec::new();
    let mut identifiers = Vec::new();
    for (seq, record) in stored {
        for recipient in &record.handling().recipients {
            recipients.push(vec![Arg::Int(*seq), Arg::from(recipient.as_str())]);
        }
        let mut drugs = record.drugs();
        drugs.sort();
        drugs.dedup();
        for drug in drugs {
            drug_rows.push(vec![Arg::Int(*seq), Arg::from(drug.as_str())]);
        }
        for (scheme, value) in record.identifiers() {
            identifiers.push(vec![Arg::Int(*seq), Arg::from(scheme), Arg::Text(value)]);
        }
    }
    insert_rows(
        tx,
        "INSERT INTO record_recipients (seq, agency)",
        "",
        recipients,
    )
    .await?;
    insert_rows(tx, "INSERT INTO record_drugs (seq, drug)", "", drug_rows).await?;
    insert_rows(
        tx,
        "INSERT INTO record_identifiers (seq, scheme, value)",
        "",
        identifiers,
    )
    .await?;
    Ok(())
}

/// Adds the terms of `index_texts` to the vocabulary of search terms (see
/// [`Store::words_query`]), in order, so that concurrent writers on PostgreSQL take the
/// same locks in the same order.
async fn add_vocabulary<'a>(
    tx: &mut WriteTx<'_>,
    index_texts: impl IntoIterator<Item = &'a str>,
) -> Result<(), StoreError> {
    let terms: BTreeSet<&str> = index_texts
        .into_iter()
        .flat_map(|text| text.split(' '))
        .filter(|term| !term.is_empty())
        .collect();
    let unknown = tx.vocab.unknown(terms);
    tx.new_terms.extend(unknown.iter().map(|t| (*t).to_owned()));
    let rows = unknown.into_iter().map(|t| vec![Arg::from(t)]).collect();
    insert_rows(
        tx,
        "INSERT INTO search_vocab (term)",
        " ON CONFLICT DO NOTHING",
        rows,
    )
    .await
}

/// The access terms of a record (see [`access_terms`]).
fn access_of<R: Record>(record: &R) -> String {
    let mut drugs = record.drugs();
    drugs.sort();
    drugs.dedup();
    access_terms(
        R::KIND,
        record.agency(),
        record.status(),
        record.handling().tlp,
        &record.handling().recipients,
        &drugs,
    )
}

fn body_of<R: Record>(record: &R) -> Result<String, StoreError> {
    serde_json::to_string(record)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode record: {e}")))
}

/// Inserts records with multi-row INSERTs and returns their positions, in order.
async fn insert_in<R: Record>(tx: &mut WriteTx<'_>, records: &[R]) -> Result<Vec<i64>, StoreError> {
    let dialect = tx.dialect;
    let chunks: Vec<&[R]> = records.chunks(RECORDS_PER_INSERT).collect();
    let mut seqs = Vec::with_capacity(records.len());
    let mut prepared = chunks
        .first()
        .map(|chunk| prepare_chunk(dialect, chunk))
        .transpose()?;
    for (i, chunk) in chunks.iter().enumerate() {
        let Some((sql, index_texts)) = prepared.take() else {
            break;
        };
        // The next chunk is encoded while the database writes this one: the first
        // future sends its INSERT and waits, and the second then runs to the end.
        let following = chunks.get(i + 1);
        let (written, next) = tokio::join!(write_chunk(tx, &sql, chunk, &index_texts), async {
            following
                .map(|chunk| prepare_chunk(dialect, chunk))
                .transpose()
        },);
        seqs.extend(written?);
        prepared = next?;
    }
    Ok(seqs)
}

/// The multi-row INSERT of `chunk` and the records' index texts: the CPU's share of
/// storing them.
fn prepare_chunk<R: Record>(
    dialect: Dialect,
    chunk: &[R],
) -> Result<(SqlBuf, Vec<String>), StoreError> {
    let mut sql = SqlBuf::new(dialect);
    sql.push(
        "INSERT INTO records (id, kind, agency, status, tlp, version, title, occurred_on, body, search, \
         access, created_by, created_at, updated_at) VALUES ",
    );
    let index_texts: Vec<String> = chunk.iter().map(Record::index_text).collect();
    for (i, (record, index_text)) in chunk.iter().zip(&index_texts).enumerate() {
        let (created_at, updated_at) = record.times();
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(record.id().to_string()).push(", ");
        sql.bind(R::KIND.as_str()).push(", ");
        sql.bind(record.agency().as_str()).push(", ");
        sql.bind(record.status().as_str()).push(", ");
        sql.bind(record.handling().tlp.rank()).push(", ");
        sql.bind(record.version()).push(", ");
        sql.bind(record.title()).push(", ");
        sql.bind(record.occurred_on().map(|d| d.to_string()))
            .push(", ");
        sql.bind(body_of(record)?).push(", ");
        sql.bind(index_text.as_str()).push(", ");
        sql.bind(access_of(record)).push(", ");
        sql.bind(record.created_by().as_str()).push(", ");
        sql.bind(canonical_time(&created_at)).push(", ");
        sql.bind(canonical_time(&updated_at)).push(")");
    }
    // The order of RETURNING rows is not guaranteed; they are matched by id.
    sql.push(" RETURNING seq, id");
    Ok((sql, index_texts))
}

/// Runs the INSERT of a prepared chunk and writes its projections and vocabulary;
/// returns the records' positions, in order.
async fn write_chunk<R: Record>(
    tx: &mut WriteTx<'_>,
    sql: &SqlBuf,
    chunk: &[R],
    index_texts: &[String],
) -> Result<Vec<i64>, StoreError> {
    let rows = sql.query().fetch_all(&mut *tx.tx).await?;
    let mut seq_of = HashMap::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let seq: i64 = row.try_get("seq")?;
        seq_of.insert(id, seq);
    }
    let mut stored = Vec::with_capacity(chunk.len());
    for record in chunk {
        let seq = *seq_of.get(&record.id().to_string()).ok_or_else(|| {
            StoreError::Corrupt(format!("record {} was not inserted", record.id()))
        })?;
        stored.push((seq, record));
    }
    write_projections(tx, &stored).await?;
    add_vocabulary(tx, index_texts.iter().map(String::as_str)).await?;
    Ok(stored.iter().map(|(seq, _)| *seq).collect())
}

impl Store {
    /// Stores a new record and its audit event in one transaction.
    pub async fn insert_record<R: Record>(
        &self,
        record: &R,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seqs = insert_in(&mut tx, std::slice::from_ref(record)).await?;
        let seq = *seqs
            .first()
            .ok_or_else(|| StoreError::Corrupt("record was not inserted".into()))?;
        append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Stores many new records in one transaction with one audit event (bulk import).
    pub async fn insert_records<R: Record>(
        &self,
        records: &[R],
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_in(&mut tx, records).await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Replaces a record with its next version, keeping the previous one in the history.
    /// Fails with a conflict unless the stored version is `record.version() - 1`.
    pub async fn replace_record<R: Record>(
        &self,
        record: &R,
        changed_by: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT seq, version, body, updated_at FROM records WHERE id = $1 AND kind = $2",
        )
        .bind(record.id().to_string())
        .bind(R::KIND.as_str())
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let seq: i64 = row.try_get("seq")?;
        let version: i64 = row.try_get("version")?;
        if version + 1 != record.version() {
            return Err(StoreError::Conflict(format!(
                "the record is at version {version}; reload it and apply your change again"
            )));
        }
        let old_body: String = row.try_get("body")?;
        sqlx::query("INSERT INTO record_versions (seq, version, body, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(seq)
            .bind(version)
            .bind(old_body)
            .bind(changed_by)
            .bind(canonical_time(&record.times().1))
            .execute(&mut *tx.tx)
            .await?;
        let (_, updated_at) = record.times();
        let index_text = record.index_text();
        sqlx::query(
            "UPDATE records SET status = $1, tlp = $2, version = $3, title = $4, occurred_on = $5, body = $6, \
             search = $7, access = $8, updated_at = $9 WHERE seq = $10",
        )
        .bind(record.status().as_str())
        .bind(record.handling().tlp.rank())
        .bind(record.version())
        .bind(record.title())
        .bind(record.occurred_on().map(|d| d.to_string()))
        .bind(body_of(record)?)
        .bind(index_text.as_str())
        .bind(access_of(record))
        .bind(canonical_time(&updated_at))
        .bind(seq)
        .execute(&mut *tx.tx)
        .await?;
        for table in ["record_recipients", "record_drugs", "record_identifiers"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE seq = $1"))
                .bind(seq)
                .execute(&mut *tx.tx)
                .await?;
        }
        write_projections(&mut tx, &[(seq, record)]).await?;
        add_vocabulary(&mut tx, [index_text.as_str()]).await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Computes the access terms of every stored record (the `index-access` task of
    /// migration 0002/0003), a thousand records per transaction. Running it again
    /// writes the same terms, so an interrupted run is simply repeated.
    pub(crate) async fn index_access(&self) -> Result<(), StoreError> {
        let mut after = 0_i64;
        loop {
            let mut tx = self.begin_write().await?;
            let rows = sqlx::query(
                "SELECT seq, kind, agency, status, tlp FROM records WHERE seq > $1 ORDER BY seq LIMIT 1000",
            )
            .bind(after)
            .fetch_all(&mut *tx.tx)
            .await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            let last: i64 = last.try_get("seq")?;
            let mut recipients: HashMap<i64, Vec<AgencyCode>> = HashMap::new();
            for (seq, agency) in
                pairs_in(&mut tx, "record_recipients", "agency", after, last).await?
            {
                let agency = AgencyCode::parse(&agency)
                    .map_err(|_| StoreError::Corrupt(format!("recipient {agency:?}")))?;
                recipients.entry(seq).or_default().push(agency);
            }
            let mut drugs: HashMap<i64, Vec<DrugType>> = HashMap::new();
            for (seq, drug) in pairs_in(&mut tx, "record_drugs", "drug", after, last).await? {
                let drug = DrugType::parse(&drug)
                    .ok_or_else(|| StoreError::Corrupt(format!("drug {drug:?}")))?;
                drugs.entry(seq).or_default().push(drug);
            }
            for row in &rows {
                let meta = summary_meta(row)?;
                let seq: i64 = row.try_get("seq")?;
                let access = access_terms(
                    meta.0,
                    &meta.1,
                    meta.2,
                    meta.3,
                    recipients.get(&seq).map_or(&[], Vec::as_slice),
                    drugs.get(&seq).map_or(&[], Vec::as_slice),
                );
                sqlx::query("UPDATE records SET access = $1 WHERE seq = $2")
                    .bind(access)
                    .bind(seq)
                    .execute(&mut *tx.tx)
                    .await?;
            }
            tx.commit().await?;
            after = last;
        }
    }

    /// A record by id, whoever may see it; callers apply the policy.
    pub async fn record(
        &self,
        kind: RecordKind,
        id: Uuid,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let row = sqlx::query("SELECT seq, kind, body FROM records WHERE id = $1 AND kind = $2")
            .bind(id.to_string())
            .bind(kind.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored_from_row).transpose()
    }

    /// The earlier versions of a record, oldest first.
    pub async fn record_versions(&self, seq: i64) -> Result<Vec<VersionRow>, StoreError> {
        let rows = sqlx::query("SELECT version, body, changed_by, changed_at FROM record_versions WHERE seq = $1 ORDER BY version")
            .bind(seq)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(VersionRow {
                    version: r.try_get("version")?,
                    body: r.try_get("body")?,
                    changed_by: r.try_get("changed_by")?,
                    changed_at: r.try_get("changed_at")?,
                })
            })
            .collect()
    }

    /// A page of records the reader may see, newest first. `visible` holds, per kind,
    /// the branches computed by the policy; kinds absent from it are not listed.
    pub async fn list_records(
        &self,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Page<StoredRecord>, StoreError> {
        self.page_of(
            "r.seq, r.kind, r.body",
            stored_from_row,
            |r| r.seq,
            visible,
            filter,
            cursor,
            limit,
        )
        .await
    }

    /// Like [`Store::list_records`], but returns short summaries (for search across kinds).
    pub async fn list_summaries(
        &self,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Page<RecordSummary>, StoreError> {
        self.page_of(
            "r.seq, r.id, r.kind, r.agency, r.status, r.tlp, r.title, r.occurred_on, r.updated_at",
            summary_from_row,
            |r| r.seq,
            visible,
            filter,
            cursor,
            limit,
        )
        .await
    }

    /// A page of `columns` of the visible records matching `filter`, with its count.
    #[allow(clippy::too_many_arguments)]
    async fn page_of<T>(
        &self,
        columns: &str,
        from_row: fn(&AnyRow) -> Result<T, StoreError>,
        seq_of: fn(&T) -> i64,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Page<T>, StoreError> {
        let Some(words) = self.words_query(filter).await? else {
            return Ok(Page::empty());
        };
        let plan = self.plan(visible, filter, words.as_ref());
        let seqs = self.page_seqs(&plan, filter, cursor, limit + 1).await?;
        let mut items = Vec::with_capacity(seqs.len());
        if !seqs.is_empty() {
            let mut sql = SqlBuf::new(self.dialect);
            sql.push("SELECT ")
                .push(columns)
                .push(" FROM records r WHERE r.seq IN (");
            for (i, seq) in seqs.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(*seq);
            }
            sql.push(") ORDER BY r.seq DESC");
            for row in sql.query().fetch_all(&self.pool).await? {
                items.push(from_row(&row)?);
            }
        }
        let next_cursor = trim_page(&mut items, limit, seq_of);
        let (total, total_capped) = self.count(&plan, filter).await?;
        Ok(Page {
            items,
            next_cursor,
            total,
            total_capped,
        })
    }

    /// The index query of the search words of `filter`: `Some(None)` without words,
    /// `None` when a word matches no indexed term, so that nothing matches.
    ///
    /// A prefix becomes an OR of the whole terms it stands for, read from
    /// `search_vocab`, unless there are more than [`MAX_PREFIX_TERMS`]. Neither engine
    /// answers a prefix well: FTS5 first merges the posting lists of every matching
    /// term (40 ms for a word in half of a million records, for the page and again
    /// for the count), GIN first collects them into one bitmap (170 ms); but FTS5
    /// reads an OR of whole terms lazily, newest first, and GIN intersects whole terms
    /// by skipping through their posting lists.
    async fn words_query(
        &self,
        filter: &ListFilter,
    ) -> Result<Option<Option<IndexQuery>>, StoreError> {
        let Some(terms) = &filter.terms else {
            return Ok(Some(None));
        };
        let mut all = Vec::with_capacity(terms.len());
        for term in terms {
            if !term.prefix {
                all.push(IndexQuery::term(term.term.clone()));
                continue;
            }
            // Terms are ASCII letters and digits, all below `~`.
            let whole: Vec<String> = sqlx::query(
                "SELECT term FROM search_vocab WHERE term >= $1 AND term < $2 ORDER BY term LIMIT $3",
            )
            .bind(term.term.as_str())
            .bind(format!("{}~", term.term))
            .bind(MAX_PREFIX_TERMS + 1)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| row.try_get("term"))
            .collect::<Result<_, _>>()?;
            if whole.is_empty() {
                return Ok(None);
            }
            all.push(if whole.len() as i64 > MAX_PREFIX_TERMS {
                IndexQuery::Term {
                    term: term.term.clone(),
                    prefix: true,
                }
            } else {
                IndexQuery::Any(whole.into_iter().map(IndexQuery::term).collect())
            });
        }
        Ok(Some(Some(IndexQuery::All(all))))
    }

    /// How to find the visible records matching `filter`.
    ///
    /// A plain listing reads one range per policy branch: every branch is a range of
    /// the index `(kind, agency, status, tlp, seq)` or `(kind, agency, seq)`, read
    /// newest first and merged (one OR of all branches would make the engines scan
    /// every record of the kind).
    ///
    /// A search, and on SQLite a drug filter, is one query of the full-text index in
    /// which the policy branches and the filters are access terms (see
    /// [`crate::sql::access_terms`]): the engine intersects the posting lists of the
    /// words with those of the branches, so no match the reader may not see is read.
    fn plan(
        &self,
        visible: &[(RecordKind, Vec<Branch>)],
        filter: &ListFilter,
        words: Option<&IndexQuery>,
    ) -> Plan {
        let by_index =
            words.is_some() || (filter.drug.is_some() && self.dialect == Dialect::Sqlite);
        if !by_index {
            let ranges: Vec<(RecordKind, Branch)> = visible
                .iter()
                .flat_map(|(kind, branches)| branches.iter().map(move |b| (*kind, b.clone())))
                .collect();
            return if ranges.is_empty() {
                Plan::Nothing
            } else {
                Plan::Ranges(ranges)
            };
        }
        let Some(visibility) = visibility_query(visible) else {
            return Plan::Nothing;
        };
        let mut all = Vec::new();
        if let Some(words) = words {
            all.push(words.clone());
        }
        if let Some(drug) = filter.drug {
            all.push(IndexQuery::term(drug_term(drug)));
        }
        if let Some(agency) = &filter.agency {
            all.push(IndexQuery::term(agency_filter_term(agency)));
        }
        if let Some(status) = filter.status {
            all.push(IndexQuery::term(status_term(status)));
        }
        if let Some(tlp) = filter.tlp {
            all.push(IndexQuery::term(tlp_term(tlp)));
        }
        all.push(visibility);
        Plan::Index(IndexQuery::All(all).render(self.dialect))
    }

    /// The positions of the first `limit` records of `plan` before `cursor`, newest
    /// first.
    async fn page_seqs(
        &self,
        plan: &Plan,
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        if let (Plan::Index(query), Dialect::Postgres) = (plan, self.dialect) {
            return self.pg_search_page(query, filter, cursor, limit).await;
        }
        let mut sql = SqlBuf::new(self.dialect);
        sql.push("SELECT p.seq FROM (");
        self.push_candidates(&mut sql, plan, filter, cursor, Some(limit));
        sql.push(") p ORDER BY p.seq DESC LIMIT ").bind(limit);
        seqs_of(sql.query().fetch_all(&self.pool).await?)
    }

    /// How many records `plan` finds, up to [`COUNT_CAP`], and whether it stopped there.
    async fn count(&self, plan: &Plan, filter: &ListFilter) -> Result<(i64, bool), StoreError> {
        let n = if let (Plan::Index(query), Dialect::Postgres) = (plan, self.dialect) {
            self.pg_search_count(query, filter, COUNT_CAP + 1).await?
        } else {
            let mut sql = SqlBuf::new(self.dialect);
            sql.push("SELECT COUNT(*) AS n FROM (SELECT c.seq FROM (");
            self.push_candidates(&mut sql, plan, filter, None, None);
            sql.push(") c LIMIT ").bind(COUNT_CAP + 1).push(") t");
            sql.query().fetch_one(&self.pool).await?.try_get("n")?
        };
        Ok((n.min(COUNT_CAP), n > COUNT_CAP))
    }

    /// Appends a query of the positions (`seq`) of the records of `plan` (not a
    /// PostgreSQL search: see [`Store::pg_search_page`]). With `limit`, each part of
    /// the query stops after the newest `limit` records, so that the database reads a
    /// page from indexes in order instead of sorting every match.
    fn push_candidates(
        &self,
        sql: &mut SqlBuf,
        plan: &Plan,
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: Option<i64>,
    ) {
        match plan {
            Plan::Nothing => {
                sql.push("SELECT r.seq FROM records r WHERE 1 = 0");
            }
            Plan::Ranges(ranges) => {
                for (i, (kind, branch)) in ranges.iter().enumerate() {
                    if i > 0 {
                        sql.push(" UNION ALL ");
                    }
                    sql.push("SELECT b.seq FROM (SELECT r.seq FROM records r WHERE r.kind = ")
                        .bind(kind.as_str())
                        .push(" AND ");
                    push_visibility(sql, std::slice::from_ref(branch));
                    push_column_filters(sql, filter);
                    push_date_filters(sql, filter);
                    if let Some(cursor) = cursor {
                        sql.push(" AND r.seq < ").bind(cursor);
                    }
                    if let Some(limit) = limit {
                        sql.push(" ORDER BY r.seq DESC LIMIT ").bind(limit);
                    }
                    sql.push(") b");
                }
            }
            Plan::Index(query) => {
                sql.push("SELECT records_fts.rowid AS seq FROM records_fts ");
                if filter.from.is_some() || filter.to.is_some() {
                    // CROSS JOIN keeps the full-text index as the outer loop, read
                    // newest first.
                    sql.push("CROSS JOIN records r ON r.seq = records_fts.rowid ");
                }
                sql.push("WHERE records_fts MATCH ").bind(query.as_str());
                push_date_filters(sql, filter);
                if let Some(cursor) = cursor {
                    sql.push(" AND records_fts.rowid < ").bind(cursor);
                }
                if let Some(limit) = limit {
                    sql.push(" ORDER BY records_fts.rowid DESC LIMIT ")
                        .bind(limit);
                }
            }
        }
    }

    /// A page of a PostgreSQL search. GIN cannot return matches in order, and neither
    /// of the planner's two ways fits every search. Reading records newest first and
    /// testing each against the query (about 1.5 µs a record at a million) is quick
    /// when matches are dense and reads the whole table when none is visible (`부산`
    /// for a reader who sees no Korean record: seconds). A GIN bitmap is quick when
    /// one side of the query is rare (a name, a small agency's records) and slow when
    /// every side is common: it walks every posting list (a common word and a large
    /// agency's records: 120 ms). The planner's estimates cannot tell these apart,
    /// since they take the words and the access terms as independent.
    ///
    /// So records are tested newest first in windows while the matches found so far
    /// say that the rest of the page lies within [`PG_SCAN_BUDGET`] records, and the
    /// remainder, then known to be sparse, is read through the GIN bitmap.
    async fn pg_search_page(
        &self,
        query: &str,
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let mut seqs: Vec<i64> = Vec::new();
        let mut upper = cursor;
        let mut scanned = 0;
        let mut window = PG_FIRST_WINDOW;
        loop {
            let mut sql = SqlBuf::new(self.dialect);
            sql.push("SELECT r.seq FROM (");
            push_pg_window(&mut sql, upper, window);
            sql.push(") r WHERE r.search_vec @@ CAST(")
                .bind(query)
                .push(" AS tsquery)");
            push_date_filters(&mut sql, filter);
            sql.push(" ORDER BY r.seq DESC LIMIT ")
                .bind(limit - seqs.len() as i64);
            seqs.extend(seqs_of(sql.query().fetch_all(&self.pool).await?)?);
            if seqs.len() as i64 >= limit {
                return Ok(seqs);
            }
            let Some(low) = self.pg_window_low(upper, window).await? else {
                return Ok(seqs);
            };
            upper = Some(low);
            scanned += window;
            match next_window(seqs.len() as i64, limit, scanned) {
                Some(next) => window = next,
                None => break,
            }
        }
        let mut sql = SqlBuf::new(self.dialect);
        push_pg_sparse(&mut sql, query, filter, upper);
        sql.push(" ORDER BY r.seq DESC LIMIT ")
            .bind(limit - seqs.len() as i64);
        seqs.extend(seqs_of(self.pg_fetch_by_bitmap(&sql).await?)?);
        Ok(seqs)
    }

    /// The count of a PostgreSQL search up to `cap`, read the way
    /// [`Store::pg_search_page`] reads a page.
    async fn pg_search_count(
        &self,
        query: &str,
        filter: &ListFilter,
        cap: i64,
    ) -> Result<i64, StoreError> {
        let mut found = 0;
        let mut upper = None;
        let mut scanned = 0;
        let mut window = PG_FIRST_WINDOW;
        loop {
            let mut sql = SqlBuf::new(self.dialect);
            sql.push(
                "SELECT COUNT(*) AS n, MIN(r.seq) AS low, SUM(CASE WHEN r.search_vec @@ CAST(",
            )
            .bind(query)
            .push(" AS tsquery)");
            push_date_filters(&mut sql, filter);
            sql.push(" THEN 1 ELSE 0 END) AS hits FROM (");
            push_pg_window(&mut sql, upper, window);
            sql.push(") r");
            let row = sql.query().fetch_one(&self.pool).await?;
            let rows: i64 = row.try_get("n")?;
            found += row.try_get::<Option<i64>, _>("hits")?.unwrap_or(0);
            if found >= cap || rows < window {
                return Ok(found);
            }
            upper = row.try_get("low")?;
            scanned += window;
            match next_window(found, cap, scanned) {
                Some(next) => window = next,
                None => break,
            }
        }
        let mut sql = SqlBuf::new(self.dialect);
        sql.push("SELECT COUNT(*) AS n FROM (");
        push_pg_sparse(&mut sql, query, filter, upper);
        sql.push(" LIMIT ").bind(cap - found).push(") t");
        let rest = self.pg_fetch_by_bitmap(&sql).await?;
        let rest: i64 = rest
            .first()
            .map(|row| row.try_get("n"))
            .transpose()?
            .unwrap_or(0);
        Ok(found + rest)
    }

    /// The lowest position among the newest `window` records before `upper`, or
    /// `None` when there are fewer than `window` of them, so that the window held
    /// every record.
    async fn pg_window_low(
        &self,
        upper: Option<i64>,
        window: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect);
        sql.push("SELECT MIN(x.seq) AS low, COUNT(*) AS n FROM (SELECT x.seq FROM records x");
        if let Some(upper) = upper {
            sql.push(" WHERE x.seq < ").bind(upper);
        }
        sql.push(" ORDER BY x.seq DESC LIMIT ")
            .bind(window)
            .push(") x");
        let row = sql.query().fetch_one(&self.pool).await?;
        let n: i64 = row.try_get("n")?;
        let low: Option<i64> = row.try_get("low")?;
        Ok(low.filter(|_| n >= window))
    }

    /// Runs `sql` with the planner restricted to bitmap scans, so that a search known
    /// to be sparse is read through the GIN index, whatever the estimates say.
    async fn pg_fetch_by_bitmap(&self, sql: &SqlBuf) -> Result<Vec<AnyRow>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await?;
        sqlx::query("SET LOCAL enable_indexscan = off")
            .execute(&mut *tx)
            .await?;
        let rows = sql.query().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok(rows)
    }
}

/// The `(seq, column)` rows of a projection table for records in `(after, last]`, in
/// order.
async fn pairs_in(
    tx: &mut WriteTx<'_>,
    table: &str,
    column: &str,
    after: i64,
    last: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    let sql = format!(
        "SELECT seq, {column} AS v FROM {table} WHERE seq > $1 AND seq <= $2 ORDER BY seq, {column}"
    );
    sqlx::query(&sql)
        .bind(after)
        .bind(last)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("seq")?, row.try_get("v")?)))
        .collect()
}

/// Records a PostgreSQL search tests newest first before it considers the GIN index
/// (see [`Store::pg_search_page`]): about 1.5 ms at a million records.
const PG_FIRST_WINDOW: i64 = 1_000;

/// Most records a PostgreSQL search tests newest first, about 30 ms; a search whose
/// matches so far say that it needs more turns to the GIN index.
const PG_SCAN_BUDGET: i64 = 20_000;

/// The next window of records to test, when `found` matches in `scanned` records say
/// that the `wanted` ones lie within the budget; `None` when the rest should be read
/// through the GIN index.
fn next_window(found: i64, wanted: i64, scanned: i64) -> Option<i64> {
    if found == 0 {
        return None;
    }
    // Records still to test at the density seen so far, with a margin.
    let needed = (wanted - found) * scanned / found * 11 / 10 + 100;
    (scanned + needed <= PG_SCAN_BUDGET).then_some(needed.max(PG_FIRST_WINDOW))
}

/// How the visible records matching a filter are found (see [`Store::plan`]).
enum Plan {
    /// No record can be visible.
    Nothing,
    /// One indexed range per policy branch.
    Ranges(Vec<(RecordKind, Branch)>),
    /// A full-text index query, in the dialect's syntax.
    Index(String),
}

fn seqs_of(rows: Vec<AnyRow>) -> Result<Vec<i64>, StoreError> {
    rows.iter()
        .map(|row| row.try_get("seq").map_err(StoreError::from))
        .collect()
}

/// Appends the newest `window` records before `cursor`, with the columns a search
/// tests.
fn push_pg_window(sql: &mut SqlBuf, cursor: Option<i64>, window: i64) {
    sql.push("SELECT x.seq, x.search_vec, x.occurred_on FROM records x");
    if let Some(cursor) = cursor {
        sql.push(" WHERE x.seq < ").bind(cursor);
    }
    sql.push(" ORDER BY x.seq DESC LIMIT ").bind(window);
}

/// Appends the matches of `query` below position `upper`, written so that only the
/// GIN index can serve them (`seq + 0` keeps the primary key out of the plan).
fn push_pg_sparse(sql: &mut SqlBuf, query: &str, filter: &ListFilter, upper: Option<i64>) {
    sql.push("SELECT r.seq FROM records r WHERE r.search_vec @@ CAST(")
        .bind(query)
        .push(" AS tsquery)");
    if let Some(upper) = upper {
        sql.push(" AND r.seq + 0 < ").bind(upper);
    }
    push_date_filters(sql, filter);
}

/// Appends the client's conditions on the columns of `records r`, each starting with
/// AND.
fn push_column_filters(sql: &mut SqlBuf, filter: &ListFilter) {
    if let Some(agency) = &filter.agency {
        sql.push(" AND r.agency = ").bind(agency.as_str());
    }
    if let Some(status) = filter.status {
        sql.push(" AND r.status = ").bind(status.as_str());
    }
    if let Some(tlp) = filter.tlp {
        sql.push(" AND r.tlp = ").bind(tlp.rank());
    }
    if let Some(drug) = filter.drug {
        sql.push(" AND EXISTS (SELECT 1 FROM record_drugs d WHERE d.seq = r.seq AND d.drug = ")
            .bind(drug.as_str())
            .push(")");
    }
}

/// Appends the client's date range, each bound starting with AND.
fn push_date_filters(sql: &mut SqlBuf, filter: &ListFilter) {
    if let Some(from) = filter.from {
        sql.push(" AND r.occurred_on >= ").bind(from.to_string());
    }
    if let Some(to) = filter.to {
        sql.push(" AND r.occurred_on <= ").bind(to.to_string());
    }
}

fn trim_page<T>(items: &mut Vec<T>, limit: i64, seq: impl Fn(&T) -> i64) -> Option<i64> {
    if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(seq)
    } else {
        None
    }
}

fn stored_from_row(row: &AnyRow) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        seq: row.try_get("seq")?,
        kind: kind_from(&row.try_get::<String, _>("kind")?)?,
        body: row.try_get("body")?,
    })
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

/// The kind, agency, status and handling level of a row of `records`.
fn summary_meta(row: &AnyRow) -> Result<(RecordKind, AgencyCode, RecordStatus, Tlp), StoreError> {
    let agency: String = row.try_get("agency")?;
    let status: String = row.try_get("status")?;
    let tlp: i64 = row.try_get("tlp")?;
    Ok((
        kind_from(&row.try_get::<String, _>("kind")?)?,
        AgencyCode::parse(&agency).map_err(|_| corrupt("agency", &agency))?,
        RecordStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        Tlp::from_rank(tlp).ok_or_else(|| corrupt("tlp", &tlp.to_string()))?,
    ))
}

fn summary_from_row(row: &AnyRow) -> Result<RecordSummary, StoreError> {
    let id: String = row.try_get("id")?;
    let occurred_on: Option<String> = row.try_get("occurred_on")?;
    let (kind, agency, status, tlp) = summary_meta(row)?;
    Ok(RecordSummary {
        seq: row.try_get("seq")?,
        id: Uuid::parse_str(&id).map_err(|_| corrupt("id", &id))?,
        kind,
        agency,
        status,
        tlp,
        title: row.try_get("title")?,
        occurred_on: occurred_on
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| corrupt("occurred_on", &d))
            })
            .transpose()?,
        updated_at: row.try_get("updated_at")?,
    })
}
