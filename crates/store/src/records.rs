//! Reports and seizures: one table of records, whatever their kind, with the columns
//! that filters need beside the full record as JSON, the access terms the policy
//! selects it by, and its history.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::audit::AuditEvent;
use interdict_core::policy::{access_terms, AccessTerm, Meta, Visibility};
use interdict_core::record::{DrugType, Record, RecordKind};
use interdict_core::stats::{Counts, StatKey};
use interdict_core::text::QueryTerm;
use interdict_core::{AgencyCode, RecordStatus, Tlp};
use uuid::Uuid;

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf, Tx};
use crate::dialect;
use crate::feed::{append_change, ChangeOp};
use crate::search::{
    adjust_vocabulary, agency_word, drug_word, index_query, record_tokens, status_word, tlp_word,
    Wanted,
};
use crate::stats::{add_lines, lines_of_body, NewStats, StatDelta};
use crate::{Dialect, Store, StoreError, WriteTx};

/// Counts stop here: beyond it a page says "more than". Counting means walking the
/// matches one by one (no index holds a count per reader), so the cap bounds the work
/// of every page.
pub const COUNT_CAP: i64 = 1_000;

/// A stored record as read for a reader: its JSON body and what is kept beside it that
/// the policy needs (the operations it is attached to, the disclosures made of it).
#[derive(Clone, Debug)]
pub struct StoredRecord {
    pub seq: i64,
    pub id: Uuid,
    pub kind: RecordKind,
    pub body: String,
    pub access: RecordAccess,
}

/// What is kept beside a record for the policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordAccess {
    pub compartments: Vec<Uuid>,
    pub disclosures: Vec<Uuid>,
}

/// An earlier version of a record.
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub version: i64,
    pub body: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A disclosure of one record to one agency, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisclosureRow {
    pub id: Uuid,
    pub record: Uuid,
    pub kind: RecordKind,
    pub agency: AgencyCode,
    pub until: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Conditions a client may put on a listing, on top of what the policy allows.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub agency: Option<AgencyCode>,
    pub status: Option<RecordStatus>,
    pub tlp: Option<Tlp>,
    pub drug: Option<DrugType>,
    /// Records about this day or later.
    pub from: Option<NaiveDate>,
    /// Records about this day or earlier.
    pub to: Option<NaiveDate>,
    /// Full-text terms, all of which must match.
    pub terms: Option<Vec<QueryTerm>>,
    /// An order other than newest first; its pages are counted by position.
    pub sort: Option<Sort>,
    /// For an order by place: the names places are shown by, as `(spelling in lower
    /// case, name shown)`, so that a list sorts by the names its reader sees (a page
    /// in Korean shows `인천국제공항` for `Incheon International Airport`).
    pub place_names: Vec<(String, String)>,
}

/// What a listing can be sorted by: the columns a list page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// A seizure's day (records without one, reports, come last).
    Date,
    /// When the record last changed.
    Updated,
    Title,
    Agency,
    Tlp,
    Status,
    /// A report's Admiralty grading, `A1` first.
    Grading,
    /// A seizure's place name.
    Place,
    /// A seizure's conveyance, by its code.
    Conveyance,
    /// A seizure's (first) drug, or a report's first, by its code.
    Drug,
    /// The kind of record (`report`, `seizure`).
    Kind,
}

impl SortKey {
    pub const ALL: &[SortKey] = &[
        SortKey::Date,
        SortKey::Updated,
        SortKey::Title,
        SortKey::Agency,
        SortKey::Tlp,
        SortKey::Status,
        SortKey::Grading,
        SortKey::Place,
        SortKey::Conveyance,
        SortKey::Drug,
        SortKey::Kind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Date => "date",
            SortKey::Updated => "updated",
            SortKey::Title => "title",
            SortKey::Agency => "agency",
            SortKey::Tlp => "tlp",
            SortKey::Status => "status",
            SortKey::Grading => "grading",
            SortKey::Place => "place",
            SortKey::Conveyance => "conveyance",
            SortKey::Drug => "drug",
            SortKey::Kind => "kind",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        SortKey::ALL.iter().copied().find(|k| k.as_str() == raw)
    }

    /// The SQL expression sorted on, over `records r`.
    fn expression(self, dialect: Dialect) -> String {
        let json = |path: &[&str]| match dialect {
            Dialect::Sqlite => format!("json_extract(r.body, '$.{}')", path.join(".")),
            Dialect::Postgres => format!("(CAST(r.body AS jsonb) #>> '{{{}}}')", path.join(",")),
        };
        match self {
            SortKey::Date => "r.occurred_on".into(),
            SortKey::Updated => "r.updated_at".into(),
            SortKey::Title => "LOWER(r.title)".into(),
            SortKey::Agency => "r.agency".into(),
            SortKey::Tlp => "r.tlp".into(),
            SortKey::Status => "r.status".into(),
            SortKey::Grading => json(&["grading"]),
            SortKey::Place => format!("LOWER({})", json(&["place", "name"])),
            SortKey::Conveyance => json(&["conveyance"]),
            SortKey::Drug => match dialect {
                Dialect::Sqlite => "COALESCE(json_extract(r.body, '$.items[0].drug'), json_extract(r.body, '$.drugs[0]'))".into(),
                Dialect::Postgres => "COALESCE(CAST(r.body AS jsonb) #>> '{items,0,drug}', CAST(r.body AS jsonb) #>> '{drugs,0}')".into(),
            },
            SortKey::Kind => "r.kind".into(),
        }
    }
}

/// An order of a listing: a key, ascending or descending; ties newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// `title`, `-date`: the key, descending when prefixed with `-`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (descending, key) = match raw.strip_prefix('-') {
            Some(key) => (true, key),
            None => (false, raw),
        };
        SortKey::parse(key).map(|key| Sort { key, descending })
    }

    pub fn to_param(self) -> String {
        format!(
            "{}{}",
            if self.descending { "-" } else { "" },
            self.key.as_str()
        )
    }
}

impl ListFilter {
    /// The filter words of the index for the filters other than dates.
    fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        if let Some(drug) = self.drug {
            words.push(drug_word(drug));
        }
        if let Some(agency) = &self.agency {
            words.push(agency_word(agency));
        }
        if let Some(status) = self.status {
            words.push(status_word(status));
        }
        if let Some(tlp) = self.tlp {
            words.push(tlp_word(tlp));
        }
        words
    }
}

/// One page of a listing, newest first.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The position after which the next page starts (the last item's); the service
    /// hands it to clients only sealed.
    pub next_cursor: Option<i64>,
    /// How many records match in all, counted up to [`COUNT_CAP`].
    pub total: i64,
    /// Whether `total` stopped at the cap.
    pub total_capped: bool,
}

impl<T> Page<T> {
    fn empty() -> Self {
        Page {
            items: Vec::new(),
            next_cursor: None,
            total: 0,
            total_capped: false,
        }
    }
}

pub(crate) fn kind_from(raw: &str) -> Result<RecordKind, StoreError> {
    match raw {
        "report" => Ok(RecordKind::Report),
        "seizure" => Ok(RecordKind::Seizure),
        "alert" => Ok(RecordKind::Alert),
        other => Err(StoreError::Corrupt(format!("record kind {other:?}"))),
    }
}

/// Most parameters one statement binds, well below the limits of both engines
/// (32,766 on SQLite, 65,535 on PostgreSQL).
const MAX_PARAMS: usize = 30_000;

/// Records per multi-row INSERT.
const RECORDS_PER_INSERT: usize = 250;

/// Inserts `rows` with `head` (`INSERT INTO table (columns)`) in as few multi-row
/// INSERTs as the parameter limit allows.
pub(crate) async fn insert_rows(
    tx: &mut WriteTx<'_>,
    head: &str,
    rows: Vec<Vec<Arg>>,
) -> Result<(), StoreError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks((MAX_PARAMS / width.max(1)).max(1)) {
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push(head).push(" VALUES ");
        sql.bind_rows(chunk);
        tx.tx.execute(&sql).await?;
    }
    Ok(())
}

/// The facts of a record the store keeps in columns and side tables.
pub(crate) struct Facts {
    pub(crate) id: Uuid,
    pub(crate) kind: RecordKind,
    pub(crate) agency: AgencyCode,
    pub(crate) status: RecordStatus,
    pub(crate) tlp: Tlp,
    pub(crate) version: i64,
    pub(crate) title: String,
    pub(crate) occurred_on: Option<NaiveDate>,
    pub(crate) body: String,
    pub(crate) search: String,
    pub(crate) recipients: Vec<AgencyCode>,
    pub(crate) drugs: Vec<DrugType>,
    pub(crate) identifiers: Vec<(&'static str, String)>,
    pub(crate) links: Vec<Uuid>,
    /// What the record adds to the seizure statistics.
    pub(crate) stat_lines: Vec<(StatKey, Counts)>,
    pub(crate) created_by: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl Facts {
    pub(crate) fn of<R: Record>(record: &R) -> Result<Self, StoreError> {
        let mut drugs = record.drugs();
        drugs.sort();
        drugs.dedup();
        let (created_at, updated_at) = record.times();
        Ok(Facts {
            id: record.id(),
            kind: R::KIND,
            agency: record.agency().clone(),
            status: record.status(),
            tlp: record.handling().tlp,
            version: record.version(),
            title: record.title(),
            occurred_on: record.occurred_on(),
            body: serde_json::to_string(record)
                .map_err(|e| StoreError::Corrupt(format!("cannot encode record: {e}")))?,
            search: record.index_text(),
            recipients: record.handling().recipients.clone(),
            drugs,
            identifiers: record.identifiers(),
            links: record.links(),
            stat_lines: record.stat_lines(),
            created_by: record.created_by().to_string(),
            created_at,
            updated_at,
        })
    }

    /// The access terms of the record with what is kept beside it.
    pub(crate) fn terms(&self, beside: &RecordAccess) -> Vec<AccessTerm> {
        access_terms(&Meta {
            kind: self.kind.into(),
            agency: &self.agency,
            tlp: self.tlp,
            recipients: &self.recipients,
            status: self.status,
            compartments: &beside.compartments,
            disclosures: &beside.disclosures,
            parties: &[],
        })
    }

    /// The filter words indexed beside the record's words.
    pub(crate) fn filter_words(&self) -> Vec<String> {
        let mut words = vec![
            agency_word(&self.agency),
            status_word(self.status),
            tlp_word(self.tlp),
        ];
        words.extend(self.drugs.iter().map(|d| drug_word(*d)));
        words
    }
}

fn join_terms(terms: &[AccessTerm]) -> String {
    terms
        .iter()
        .map(AccessTerm::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the projection rows (recipients, drugs, identifiers, access codes) of
/// records stored at the given positions.
async fn write_projections(
    tx: &mut WriteTx<'_>,
    stored: &[(i64, &Facts, &[i64])],
) -> Result<(), StoreError> {
    let mut recipients = Vec::new();
    let mut drug_rows = Vec::new();
    let mut identifiers = Vec::new();
    let mut access = Vec::new();
    let mut links = Vec::new();
    for (seq, facts, codes) in stored {
        for target in &facts.links {
            links.push(vec![Arg::Int(*seq), Arg::Id(*target)]);
        }
        for recipient in &facts.recipients {
            recipients.push(vec![Arg::Int(*seq), Arg::from(recipient.as_str())]);
        }
        for drug in &facts.drugs {
            drug_rows.push(vec![Arg::Int(*seq), Arg::from(drug.as_str())]);
        }
        for (scheme, value) in &facts.identifiers {
            identifiers.push(vec![
                Arg::Int(*seq),
                Arg::from(*scheme),
                Arg::Text(value.clone()),
            ]);
        }
        for code in codes.iter() {
            access.push(vec![Arg::Int(*code), Arg::Int(*seq)]);
        }
    }
    insert_rows(
        tx,
        "INSERT INTO record_recipients (seq, agency)",
        recipients,
    )
    .await?;
    insert_rows(tx, "INSERT INTO record_drugs (seq, drug)", drug_rows).await?;
    insert_rows(
        tx,
        "INSERT INTO record_identifiers (seq, scheme, value)",
        identifiers,
    )
    .await?;
    insert_rows(tx, "INSERT INTO record_access (code, seq)", access).await?;
    insert_rows(tx, "INSERT INTO record_links (seq, target)", links).await?;
    Ok(())
}

async fn delete_projections(tx: &mut WriteTx<'_>, seq: i64) -> Result<(), StoreError> {
    for table in [
        "record_recipients",
        "record_drugs",
        "record_identifiers",
        "record_access",
        "record_links",
    ] {
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                &format!("DELETE FROM {table} WHERE seq = $1"),
                vec![Arg::Int(seq)],
            ))
            .await?;
    }
    Ok(())
}

/// Adds `tokens` to a vocabulary delta with `sign`.
fn count_tokens(delta: &mut BTreeMap<String, i64>, tokens: &[String], sign: i64) {
    for token in tokens {
        *delta.entry(token.clone()).or_insert(0) += sign;
    }
}

/// Inserts one chunk of records and returns their positions, in order.
async fn insert_chunk(
    tx: &mut WriteTx<'_>,
    facts: &[Facts],
    terms: &[Vec<AccessTerm>],
    codes: &[Vec<i64>],
) -> Result<Vec<i64>, StoreError> {
    let mut sql = SqlBuf::new(tx.dialect);
    sql.push(
        "INSERT INTO records (id, kind, agency, status, tlp, version, title, occurred_on, body, search, \
         access, created_by, created_at, updated_at) VALUES ",
    );
    for (i, (f, t)) in facts.iter().zip(terms).enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(f.id).push(", ");
        sql.bind(f.kind.as_str()).push(", ");
        sql.bind(f.agency.as_str()).push(", ");
        sql.bind(f.status.as_str()).push(", ");
        sql.bind(f.tlp.rank()).push(", ");
        sql.bind(f.version).push(", ");
        sql.bind(f.title.as_str()).push(", ");
        sql.bind(f.occurred_on).push(", ");
        sql.bind(f.body.as_str()).push(", ");
        sql.bind(f.search.as_str()).push(", ");
        sql.bind(join_terms(t)).push(", ");
        sql.bind(f.created_by.as_str()).push(", ");
        sql.bind(f.created_at).push(", ");
        sql.bind(f.updated_at).push(")");
    }
    // The order of RETURNING rows is not guaranteed; they are matched by id.
    sql.push(" RETURNING seq, id");
    let rows = tx
        .tx
        .fetch_all(&sql, |row| Ok((row.id("id")?, row.int("seq")?)))
        .await?;
    let seq_of: HashMap<Uuid, i64> = rows.into_iter().collect();
    let seqs = facts
        .iter()
        .map(|f| {
            seq_of
                .get(&f.id)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("record {} was not inserted", f.id)))
        })
        .collect::<Result<Vec<i64>, _>>()?;
    let stored: Vec<(i64, &Facts, &[i64])> = seqs
        .iter()
        .zip(facts)
        .zip(codes)
        .map(|((seq, f), c)| (*seq, f, c.as_slice()))
        .collect();
    write_projections(tx, &stored).await?;
    let mut delta = BTreeMap::new();
    let mut indexed = Vec::with_capacity(facts.len());
    for ((seq, f), c) in seqs.iter().zip(facts).zip(codes) {
        let tokens = record_tokens(&f.search, &f.filter_words(), c);
        count_tokens(&mut delta, &tokens, 1);
        indexed.push((*seq, tokens));
    }
    dialect::write_tokens(tx, &indexed).await?;
    adjust_vocabulary(tx, delta).await?;
    Ok(seqs)
}

/// The policy facts of a stored record that are not in its body: what it is attached to
/// and what was disclosed of it.
async fn beside(tx: &mut WriteTx<'_>, seq: i64) -> Result<RecordAccess, StoreError> {
    let compartments = tx
        .tx
        .fetch_all(
            &SqlBuf::with(
                tx.dialect,
                "SELECT operation FROM record_compartments WHERE seq = $1 ORDER BY operation",
                vec![Arg::Int(seq)],
            ),
            |row| row.id("operation"),
        )
        .await?;
    let disclosures = tx
        .tx
        .fetch_all(
            &SqlBuf::with(
                tx.dialect,
                "SELECT id FROM disclosures WHERE seq = $1 ORDER BY id",
                vec![Arg::Int(seq)],
            ),
            |row| row.id("id"),
        )
        .await?;
    Ok(RecordAccess {
        compartments,
        disclosures,
    })
}

/// A record's row as needed to change it.
struct Current {
    seq: i64,
    version: i64,
    body: String,
    search: String,
    access: String,
    agency: AgencyCode,
    status: RecordStatus,
    tlp: Tlp,
    kind: RecordKind,
    drugs: Vec<DrugType>,
}

async fn current(tx: &mut WriteTx<'_>, kind: RecordKind, id: Uuid) -> Result<Current, StoreError> {
    let mut row = tx
        .tx
        .fetch_optional(
            &SqlBuf::with(
                tx.dialect,
                "SELECT seq, version, body, search, access, agency, status, tlp, kind FROM records \
                 WHERE id = $1 AND kind = $2",
                vec![Arg::Id(id), kind.as_str().into()],
            ),
            |row| {
                let agency = row.text("agency")?;
                let status = row.text("status")?;
                Ok(Current {
                    seq: row.int("seq")?,
                    version: row.int("version")?,
                    body: row.text("body")?,
                    search: row.text("search")?,
                    access: row.text("access")?,
                    agency: AgencyCode::parse(&agency).map_err(|_| corrupt("agency", &agency))?,
                    status: RecordStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                    tlp: row.tlp("tlp")?,
                    kind: kind_from(&row.text("kind")?)?,
                    drugs: Vec::new(),
                })
            },
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    row.drugs = tx
        .tx
        .fetch_all(
            &SqlBuf::with(
                tx.dialect,
                "SELECT drug FROM record_drugs WHERE seq = $1 ORDER BY drug",
                vec![Arg::Int(row.seq)],
            ),
            |r| {
                let drug = r.text("drug")?;
                DrugType::parse(&drug).ok_or_else(|| corrupt("drug", &drug))
            },
        )
        .await?;
    Ok(row)
}

impl Current {
    fn filter_words(&self) -> Vec<String> {
        let mut words = vec![
            agency_word(&self.agency),
            status_word(self.status),
            tlp_word(self.tlp),
        ];
        words.extend(self.drugs.iter().map(|d| drug_word(*d)));
        words
    }
}

impl Store {
    /// The index tokens of a stored record whose access terms are `access` (the column).
    async fn index_tokens_of(
        &self,
        tx: &mut WriteTx<'_>,
        search: &str,
        filters: &[String],
        access: &str,
    ) -> Result<Vec<String>, StoreError> {
        let codes = self.codes_of_names(tx, access).await?;
        Ok(record_tokens(search, filters, &codes))
    }

    /// The codes of access terms kept as text in the `access` column.
    async fn codes_of_names(
        &self,
        tx: &mut WriteTx<'_>,
        access: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let names: Vec<&str> = access.split(' ').filter(|t| !t.is_empty()).collect();
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push("SELECT code FROM access_codes WHERE term IN ")
            .bind_list(names);
        tx.tx.fetch_all(&sql, |row| row.int("code")).await
    }

    /// Stores a new record and its audit event in one transaction.
    pub async fn insert_record<R: Record>(
        &self,
        record: &R,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = self.insert_in(&mut tx, record, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Stores a new record, its audit entry and its change-feed entry inside `tx`.
    pub(crate) async fn insert_in<R: Record>(
        &self,
        tx: &mut WriteTx<'_>,
        record: &R,
        event: &AuditEvent,
    ) -> Result<i64, StoreError> {
        self.insert_beside(tx, record, event, None).await
    }

    /// Stores a new record inside `tx`, attached to `operation` from the start when
    /// one is given (its access terms then include the operation's compartment).
    pub(crate) async fn insert_beside<R: Record>(
        &self,
        tx: &mut WriteTx<'_>,
        record: &R,
        event: &AuditEvent,
        operation: Option<Uuid>,
    ) -> Result<i64, StoreError> {
        let facts = Facts::of(record)?;
        let beside = RecordAccess {
            compartments: operation.into_iter().collect(),
            disclosures: Vec::new(),
        };
        let terms = facts.terms(&beside);
        let tx = &mut *tx;
        let codes = self.codes_in(tx, &terms).await?;
        let seqs = insert_chunk(
            tx,
            std::slice::from_ref(&facts),
            std::slice::from_ref(&terms),
            std::slice::from_ref(&codes),
        )
        .await?;
        let seq = *seqs
            .first()
            .ok_or_else(|| StoreError::Corrupt("record was not inserted".into()))?;
        if let Some(operation) = operation {
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    "INSERT INTO record_compartments (seq, operation) VALUES ($1, $2)",
                    vec![Arg::Int(seq), Arg::Id(operation)],
                ))
                .await?;
        }
        if !facts.stat_lines.is_empty() {
            let delta = self
                .stats_of_new(tx, &[(&facts.stat_lines, join_terms(&terms), &codes)])
                .await?;
            self.apply_stats(tx, delta).await?;
        }
        append(tx, event).await?;
        append_change(
            tx,
            event.at,
            facts.kind.into(),
            facts.id,
            &facts.agency,
            ChangeOp::Create,
            &join_terms(&terms),
            "",
        )
        .await?;
        Ok(seq)
    }

    /// Stores many new records in one transaction with one audit event (bulk import);
    /// on PostgreSQL with `COPY`.
    pub async fn insert_records<R: Record>(
        &self,
        records: &[R],
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let facts = records
            .iter()
            .map(Facts::of)
            .collect::<Result<Vec<_>, _>>()?;
        let terms: Vec<Vec<AccessTerm>> = facts
            .iter()
            .map(|f| f.terms(&RecordAccess::default()))
            .collect();
        let mut tx = self.begin_write().await?;
        let mut all: Vec<AccessTerm> = terms.iter().flatten().cloned().collect();
        all.sort();
        all.dedup();
        let all_codes = self.codes_in(&mut tx, &all).await?;
        let code_of: HashMap<&str, i64> = all
            .iter()
            .map(AccessTerm::as_str)
            .zip(all_codes.iter().copied())
            .collect();
        let codes: Vec<Vec<i64>> = terms
            .iter()
            .map(|t| {
                t.iter()
                    .filter_map(|t| code_of.get(t.as_str()).copied())
                    .collect()
            })
            .collect();
        if self.dialect() == Dialect::Postgres {
            dialect::postgres::copy_records(&mut tx, &facts, &terms, &codes).await?;
        } else {
            for ((f, t), c) in facts
                .chunks(RECORDS_PER_INSERT)
                .zip(terms.chunks(RECORDS_PER_INSERT))
                .zip(codes.chunks(RECORDS_PER_INSERT))
            {
                insert_chunk(&mut tx, f, t, c).await?;
            }
        }
        let new_stats: Vec<NewStats<'_>> = facts
            .iter()
            .zip(&terms)
            .zip(&codes)
            .filter(|((f, _), _)| !f.stat_lines.is_empty())
            .map(|((f, t), c)| (f.stat_lines.as_slice(), join_terms(t), c.as_slice()))
            .collect();
        let delta = self.stats_of_new(&mut tx, &new_stats).await?;
        self.apply_stats(&mut tx, delta).await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Replaces a record with its next version, keeping the previous one in the history.
    /// Fails with a conflict unless the stored version is `record.version() - 1`, and
    /// refuses a change of the owning agency.
    pub async fn replace_record<R: Record>(
        &self,
        record: &R,
        changed_by: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let facts = Facts::of(record)?;
        let mut tx = self.begin_write().await?;
        let old = current(&mut tx, R::KIND, record.id()).await?;
        if old.version + 1 != record.version() {
            return Err(StoreError::Conflict(format!(
                "the record is at version {}; reload it and apply your change again",
                old.version
            )));
        }
        if old.agency != facts.agency {
            return Err(StoreError::Conflict(
                "a record cannot change its originating agency".into(),
            ));
        }
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO record_versions (seq, version, body, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)",
                vec![
                    Arg::Int(old.seq),
                    Arg::Int(old.version),
                    Arg::Text(old.body.clone()),
                    changed_by.into(),
                    Arg::Time(facts.updated_at),
                ],
            ))
            .await?;
        let beside = beside(&mut tx, old.seq).await?;
        let terms = facts.terms(&beside);
        let codes = self.codes_in(&mut tx, &terms).await?;
        let access = join_terms(&terms);
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push("UPDATE records SET status = ")
            .bind(facts.status.as_str())
            .push(", tlp = ")
            .bind(facts.tlp.rank())
            .push(", version = ")
            .bind(facts.version)
            .push(", title = ")
            .bind(facts.title.as_str())
            .push(", occurred_on = ")
            .bind(facts.occurred_on)
            .push(", body = ")
            .bind(facts.body.as_str())
            .push(", search = ")
            .bind(facts.search.as_str())
            .push(", access = ")
            .bind(access.as_str())
            .push(", updated_at = ")
            .bind(facts.updated_at)
            .push(" WHERE seq = ")
            .bind(old.seq);
        tx.tx.execute(&sql).await?;
        let old_tokens = self
            .index_tokens_of(&mut tx, &old.search, &old.filter_words(), &old.access)
            .await?;
        delete_projections(&mut tx, old.seq).await?;
        write_projections(&mut tx, &[(old.seq, &facts, &codes)]).await?;
        let new_tokens = record_tokens(&facts.search, &facts.filter_words(), &codes);
        let mut delta = BTreeMap::new();
        count_tokens(&mut delta, &old_tokens, -1);
        count_tokens(&mut delta, &new_tokens, 1);
        dialect::delete_tokens(&mut tx, old.seq).await?;
        dialect::write_tokens(&mut tx, &[(old.seq, new_tokens)]).await?;
        adjust_vocabulary(&mut tx, delta).await?;
        let old_lines = lines_of_body(old.kind, &old.body)?;
        let mut stats = StatDelta::new();
        if !old_lines.is_empty() {
            let class = self.stat_class_of_text(&mut tx, &old.access).await?;
            add_lines(&mut stats, class, &old_lines, -1);
        }
        if !facts.stat_lines.is_empty() {
            let class = self.stat_class(&mut tx, &access, &codes).await?;
            add_lines(&mut stats, class, &facts.stat_lines, 1);
        }
        self.apply_stats(&mut tx, stats).await?;
        append(&mut tx, event).await?;
        let op = if facts.status == RecordStatus::Withdrawn {
            ChangeOp::Withdraw
        } else {
            ChangeOp::Update
        };
        append_change(
            &mut tx,
            event.at,
            facts.kind.into(),
            facts.id,
            &facts.agency,
            op,
            &access,
            &old.access,
        )
        .await?;
        tx.commit().await
    }

    /// Rewrites the access terms, access rows and index tokens of a record after what
    /// is kept beside it changed (an attachment or a disclosure), inside `tx`. Returns
    /// the terms before and after.
    async fn reindex_in(
        &self,
        tx: &mut WriteTx<'_>,
        kind: RecordKind,
        id: Uuid,
    ) -> Result<(String, String), StoreError> {
        let old = current(tx, kind, id).await?;
        let recipients = tx
            .tx
            .fetch_all(
                &SqlBuf::with(
                    tx.dialect,
                    "SELECT agency FROM record_recipients WHERE seq = $1 ORDER BY agency",
                    vec![Arg::Int(old.seq)],
                ),
                |row| {
                    let agency = row.text("agency")?;
                    AgencyCode::parse(&agency).map_err(|_| corrupt("recipient", &agency))
                },
            )
            .await?;
        let beside = beside(tx, old.seq).await?;
        let terms = access_terms(&Meta {
            kind: old.kind.into(),
            agency: &old.agency,
            tlp: old.tlp,
            recipients: &recipients,
            status: old.status,
            compartments: &beside.compartments,
            disclosures: &beside.disclosures,
            parties: &[],
        });
        let access = join_terms(&terms);
        let codes = self.codes_in(tx, &terms).await?;
        let filters = old.filter_words();
        let old_tokens = self
            .index_tokens_of(tx, &old.search, &filters, &old.access)
            .await?;
        let new_tokens = record_tokens(&old.search, &filters, &codes);
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE records SET access = $1 WHERE seq = $2",
                vec![access.as_str().into(), Arg::Int(old.seq)],
            ))
            .await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "DELETE FROM record_access WHERE seq = $1",
                vec![Arg::Int(old.seq)],
            ))
            .await?;
        insert_rows(
            tx,
            "INSERT INTO record_access (code, seq)",
            codes
                .iter()
                .map(|c| vec![Arg::Int(*c), Arg::Int(old.seq)])
                .collect(),
        )
        .await?;
        let mut delta = BTreeMap::new();
        count_tokens(&mut delta, &old_tokens, -1);
        count_tokens(&mut delta, &new_tokens, 1);
        dialect::delete_tokens(tx, old.seq).await?;
        dialect::write_tokens(tx, &[(old.seq, new_tokens)]).await?;
        adjust_vocabulary(tx, delta).await?;
        if old.access != access {
            // The record's lines move to the class of its new terms. A record whose
            // terms were emptied (a rebuild of the index, which empties the sums first)
            // has nothing to remove.
            let lines = lines_of_body(old.kind, &old.body)?;
            if !lines.is_empty() {
                let mut stats = StatDelta::new();
                if !old.access.is_empty() {
                    let class = self.stat_class_of_text(tx, &old.access).await?;
                    add_lines(&mut stats, class, &lines, -1);
                }
                let class = self.stat_class(tx, &access, &codes).await?;
                add_lines(&mut stats, class, &lines, 1);
                self.apply_stats(tx, stats).await?;
            }
        }
        Ok((old.access, access))
    }

    /// Rebuilds the access rows, index and vocabulary of every record (the
    /// `index-search` store task), a thousand records per transaction. Running it again
    /// writes the same, so an interrupted run is simply repeated.
    pub(crate) async fn reindex_all(&self) -> Result<(), StoreError> {
        {
            let mut tx = self.begin_write().await?;
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    "DELETE FROM search_vocab",
                    vec![],
                ))
                .await?;
            dialect::clear_tokens(&mut tx).await?;
            // Every record's lines are added again as its terms are rebuilt.
            for table in crate::stats::SUM_TABLES
                .into_iter()
                .chain(["stat_class_codes", "stat_classes"])
            {
                tx.tx
                    .execute(&SqlBuf::with(
                        tx.dialect,
                        &format!("DELETE FROM {table}"),
                        vec![],
                    ))
                    .await?;
            }
            tx.commit().await?;
        }
        let mut after = 0_i64;
        loop {
            let mut tx = self.begin_write().await?;
            let rows = tx
                .tx
                .fetch_all(
                    &SqlBuf::with(
                        tx.dialect,
                        "SELECT seq, id, kind FROM records WHERE seq > $1 ORDER BY seq LIMIT 1000",
                        vec![Arg::Int(after)],
                    ),
                    |row| {
                        Ok((
                            row.int("seq")?,
                            row.id("id")?,
                            kind_from(&row.text("kind")?)?,
                        ))
                    },
                )
                .await?;
            let Some(last) = rows.last().map(|r| r.0) else {
                return Ok(());
            };
            for (seq, id, kind) in rows {
                // Empty the old index of the record first: after `clear_tokens` its
                // tokens are gone already, and the vocabulary starts from nothing.
                tx.tx
                    .execute(&SqlBuf::with(
                        tx.dialect,
                        "UPDATE records SET access = '' WHERE seq = $1",
                        vec![Arg::Int(seq)],
                    ))
                    .await?;
                self.reindex_in(&mut tx, kind, id).await?;
            }
            tx.commit().await?;
            after = last;
        }
    }

    /// A record by id, whoever may see it; the service applies the policy.
    pub async fn record(
        &self,
        kind: RecordKind,
        id: Uuid,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(&dialect::record_columns(self.dialect()))
            .push(" FROM records r WHERE r.id = ")
            .bind(id)
            .push(" AND r.kind = ")
            .bind(kind.as_str());
        self.db.fetch_optional(&sql, stored_from_row).await
    }

    /// Records by id, whoever may see them (the service applies the policy): for
    /// references between records.
    pub async fn records_by_id(
        &self,
        kind: RecordKind,
        ids: &[Uuid],
    ) -> Result<Vec<StoredRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(&dialect::record_columns(self.dialect()))
            .push(" FROM records r WHERE r.kind = ")
            .bind(kind.as_str())
            .push(" AND r.id IN ")
            .bind_list(ids.iter().copied());
        self.db.fetch_all(&sql, stored_from_row).await
    }

    /// The records that refer to the record `target` (seizures linking a report),
    /// newest first, at most `limit`; whoever may see them (the service applies the
    /// policy).
    pub async fn records_linking(
        &self,
        target: Uuid,
        limit: i64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(&dialect::record_columns(self.dialect()))
            .push(" FROM records r WHERE r.seq IN (SELECT seq FROM record_links WHERE target = ")
            .bind(target)
            .push(") ORDER BY r.seq DESC LIMIT ")
            .bind(limit);
        self.db.fetch_all(&sql, stored_from_row).await
    }

    /// The reports and seizures that carry the identifier `(scheme, value)` (a pair of
    /// [`interdict_core::Record::identifiers`]), other than the record `except`, newest
    /// first, at most `limit`; whoever may see them (the service applies the policy):
    /// for deconfliction.
    pub async fn records_carrying(
        &self,
        scheme: &str,
        value: &str,
        except: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(&dialect::record_columns(self.dialect()))
            .push(" FROM records r WHERE r.seq IN (SELECT seq FROM record_identifiers WHERE scheme = ")
            .bind(scheme)
            .push(" AND value = ")
            .bind(value)
            .push(") AND r.kind IN ('report', 'seizure')");
        if let Some(except) = except {
            sql.push(" AND r.id <> ").bind(except);
        }
        sql.push(" ORDER BY r.seq DESC LIMIT ").bind(limit);
        self.db.fetch_all(&sql, stored_from_row).await
    }

    /// The reports and seizures after position `after`, in order of position, at most
    /// `limit`; whoever may see them: for the service's index of names, built by
    /// walking every record.
    pub async fn records_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(&dialect::record_columns(self.dialect()))
            .push(" FROM records r WHERE r.seq > ")
            .bind(after)
            .push(" AND r.kind IN ('report', 'seizure') ORDER BY r.seq LIMIT ")
            .bind(limit);
        self.db.fetch_all(&sql, stored_from_row).await
    }

    /// Every report that names a vessel (for the watch list of the maritime picture),
    /// whoever may see it; the service decides who is alerted.
    pub async fn records_naming_vessels(&self) -> Result<Vec<StoredRecord>, StoreError> {
        let mut sql = SqlBuf::new(self.dialect());
        sql.push("SELECT ")
            .push(&dialect::record_columns(self.dialect()))
            .push(" FROM records r WHERE r.kind = 'report' AND r.body LIKE ")
            .bind("%\"kind\":\"vessel\"%")
            .push(" ORDER BY r.seq");
        self.db.fetch_all(&sql, stored_from_row).await
    }

    /// The highest position a record holds (0 when there are none).
    pub async fn max_position(&self) -> Result<i64, StoreError> {
        self.db
            .fetch_one(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT COALESCE(MAX(seq), 0) AS m FROM records",
                    vec![],
                ),
                |row| row.int("m"),
            )
            .await
    }

    /// The earlier versions of a record, oldest first.
    pub async fn record_versions(&self, seq: i64) -> Result<Vec<VersionRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT version, body, changed_by, changed_at FROM record_versions WHERE seq = $1 ORDER BY version",
                    vec![Arg::Int(seq)],
                ),
                |r| {
                    Ok(VersionRow {
                        version: r.int("version")?,
                        body: r.text("body")?,
                        changed_by: r.text("changed_by")?,
                        changed_at: r.time("changed_at")?,
                    })
                },
            )
            .await
    }

    /// A page of records the reader may see, newest first, with the count. `visible`
    /// holds, per kind, what the policy lets the reader see; kinds absent from it are not
    /// listed. The page and the count are read in one snapshot.
    pub async fn list_records(
        &self,
        visible: &[(RecordKind, Visibility)],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Page<StoredRecord>, StoreError> {
        let mut codes = Vec::new();
        for (kind, visibility) in visible {
            codes.extend(self.visible_codes((*kind).into(), visibility).await?);
        }
        codes.sort_unstable();
        codes.dedup();
        if codes.is_empty() {
            return Ok(Page::empty());
        }
        let mut tx = self.begin_read().await?;
        let page = self.list_in(&mut tx, &codes, filter, cursor, limit).await?;
        tx.commit().await?;
        Ok(page)
    }

    async fn list_in(
        &self,
        conn: &mut Tx,
        codes: &[i64],
        filter: &ListFilter,
        cursor: Option<i64>,
        limit: i64,
    ) -> Result<Page<StoredRecord>, StoreError> {
        let dialect = self.dialect();
        let by_index = filter.terms.is_some() || filter.drug.is_some();
        if let Some(sort) = filter.sort {
            return self
                .sorted_in(
                    conn,
                    codes,
                    filter,
                    sort,
                    by_index,
                    cursor.unwrap_or(0),
                    limit,
                )
                .await;
        }
        let (mut items, total) = if by_index {
            let words: &[QueryTerm] = filter.terms.as_deref().unwrap_or_default();
            let wanted = Wanted {
                words,
                filters: filter.words(),
            };
            let Some(query) = index_query(conn, dialect, codes, &wanted).await? else {
                return Ok(Page::empty());
            };
            let query = query.render(dialect);
            let items =
                dialect::search_page(conn, dialect, &query, filter, cursor, limit + 1).await?;
            let total = dialect::search_count(conn, dialect, &query, filter, COUNT_CAP + 1).await?;
            (items, total)
        } else {
            let mut sql = SqlBuf::new(dialect);
            sql.push("SELECT ")
                .push(&dialect::record_columns(dialect))
                .push(" FROM records r WHERE r.seq IN (SELECT DISTINCT p.seq FROM (");
            push_ranges(&mut sql, codes, filter, cursor, Some(limit + 1));
            sql.push(") p ORDER BY p.seq DESC LIMIT ")
                .bind(limit + 1)
                .push(") ORDER BY r.seq DESC");
            let items = conn.fetch_all(&sql, stored_from_row).await?;
            let mut count = SqlBuf::new(dialect);
            count.push("SELECT COUNT(*) AS n FROM (SELECT DISTINCT p.seq FROM (");
            push_ranges(&mut count, codes, filter, None, Some(COUNT_CAP + 1));
            count.push(") p LIMIT ").bind(COUNT_CAP + 1).push(") t");
            let total = conn.fetch_one(&count, |row| row.int("n")).await?;
            (items, total)
        };
        let next_cursor = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|r| r.seq)
        } else {
            None
        };
        Ok(Page {
            items,
            next_cursor,
            total: total.min(COUNT_CAP),
            total_capped: total > COUNT_CAP,
        })
    }

    /// A page of a sorted listing. The matches are those a newest-first listing would
    /// count (up to [`COUNT_CAP`]); they are ordered by the key in SQL and read from
    /// `offset`, which is what the cursor of a sorted listing holds.
    #[allow(clippy::too_many_arguments)]
    async fn sorted_in(
        &self,
        conn: &mut Tx,
        codes: &[i64],
        filter: &ListFilter,
        sort: Sort,
        by_index: bool,
        offset: i64,
        limit: i64,
    ) -> Result<Page<StoredRecord>, StoreError> {
        let dialect = self.dialect();
        let offset = offset.max(0);
        let seqs: Vec<i64> = if by_index {
            let words: &[QueryTerm] = filter.terms.as_deref().unwrap_or_default();
            let wanted = Wanted {
                words,
                filters: filter.words(),
            };
            let Some(query) = index_query(conn, dialect, codes, &wanted).await? else {
                return Ok(Page::empty());
            };
            let query = query.render(dialect);
            dialect::search_page(conn, dialect, &query, filter, None, COUNT_CAP + 1)
                .await?
                .into_iter()
                .map(|r| r.seq)
                .collect()
        } else {
            let mut sql = SqlBuf::new(dialect);
            sql.push("SELECT DISTINCT p.seq FROM (");
            push_ranges(&mut sql, codes, filter, None, Some(COUNT_CAP + 1));
            sql.push(") p ORDER BY p.seq DESC LIMIT ")
                .bind(COUNT_CAP + 1);
            conn.fetch_all(&sql, |row| row.int("seq")).await?
        };
        let total = seqs.len() as i64;
        if seqs.is_empty() {
            return Ok(Page::empty());
        }
        let direction = if sort.descending { "DESC" } else { "ASC" };
        let mut sql = SqlBuf::new(dialect);
        sql.push("SELECT ")
            .push(&dialect::record_columns(dialect))
            .push(" FROM records r WHERE r.seq IN ")
            .bind_list(seqs)
            .push(" ORDER BY ")
            // Records without the key (a report's place) come last either way.
            .push(&format!("{} IS NULL, ", sort.key.expression(dialect)));
        if sort.key == SortKey::Place && !filter.place_names.is_empty() {
            // The name shown for each known spelling, else the name as written.
            let written = sort.key.expression(dialect);
            sql.push(&format!("CASE {written}"));
            for (spelling, shown) in &filter.place_names {
                sql.push(" WHEN ")
                    .bind(spelling.to_lowercase())
                    .push(" THEN ")
                    .bind(shown.to_lowercase());
            }
            sql.push(&format!(" ELSE {written} END"));
        } else {
            sql.push(&sort.key.expression(dialect));
        }
        sql.push(" ")
            .push(direction)
            .push(", r.seq DESC LIMIT ")
            .bind(limit + 1)
            .push(" OFFSET ")
            .bind(offset);
        let mut items = conn.fetch_all(&sql, stored_from_row).await?;
        let next_cursor = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            Some(offset + limit)
        } else {
            None
        };
        Ok(Page {
            items,
            next_cursor,
            total: total.min(COUNT_CAP),
            total_capped: total > COUNT_CAP,
        })
    }

    /// Attaches a record to an operation (its compartment), with the audit event.
    pub async fn attach_record(
        &self,
        kind: RecordKind,
        id: Uuid,
        operation: Uuid,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = current(&mut tx, kind, id).await?.seq;
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push("INSERT INTO record_compartments (seq, operation) VALUES (")
            .bind(seq)
            .push(", ")
            .bind(operation)
            .push(") ON CONFLICT DO NOTHING");
        tx.tx.execute(&sql).await?;
        self.finish_reindex(tx, kind, id, event, ChangeOp::Update)
            .await
    }

    /// Detaches a record from an operation.
    pub async fn detach_record(
        &self,
        kind: RecordKind,
        id: Uuid,
        operation: Uuid,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = current(&mut tx, kind, id).await?.seq;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "DELETE FROM record_compartments WHERE seq = $1 AND operation = $2",
                vec![Arg::Int(seq), Arg::Id(operation)],
            ))
            .await?;
        self.finish_reindex(tx, kind, id, event, ChangeOp::Update)
            .await
    }

    async fn finish_reindex(
        &self,
        mut tx: WriteTx<'_>,
        kind: RecordKind,
        id: Uuid,
        event: &AuditEvent,
        op: ChangeOp,
    ) -> Result<(), StoreError> {
        let (before, after) = self.reindex_in(&mut tx, kind, id).await?;
        let agency = AgencyCode::parse(event.target_agency.as_deref().unwrap_or_default())
            .map_err(|_| StoreError::Corrupt("the event names no target agency".into()))?;
        append(&mut tx, event).await?;
        append_change(
            &mut tx,
            event.at,
            kind.into(),
            id,
            &agency,
            op,
            &after,
            &before,
        )
        .await?;
        tx.commit().await
    }

    /// Discloses a record to an agency until a day, with the audit event.
    pub async fn create_disclosure(
        &self,
        disclosure: &DisclosureRow,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let seq = current(&mut tx, disclosure.kind, disclosure.record)
            .await?
            .seq;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO disclosures (id, seq, agency, until_day, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    Arg::Id(disclosure.id),
                    Arg::Int(seq),
                    disclosure.agency.as_str().into(),
                    Arg::Date(disclosure.until),
                    disclosure.created_by.as_str().into(),
                    Arg::Time(disclosure.created_at),
                ],
            ))
            .await?;
        self.finish_reindex(
            tx,
            disclosure.kind,
            disclosure.record,
            event,
            ChangeOp::Update,
        )
        .await
    }

    /// Ends a disclosure before its day.
    pub async fn revoke_disclosure(
        &self,
        id: Uuid,
        event: &AuditEvent,
    ) -> Result<DisclosureRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut rows = tx
            .tx
            .fetch_all(
                &disclosure_query(tx.dialect, "d.id = $1", vec![Arg::Id(id)]),
                disclosure_from_row,
            )
            .await?;
        let row = rows.pop().ok_or(StoreError::NotFound)?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "DELETE FROM disclosures WHERE id = $1",
                vec![Arg::Id(id)],
            ))
            .await?;
        self.finish_reindex(tx, row.kind, row.record, event, ChangeOp::Update)
            .await?;
        Ok(row)
    }

    /// The disclosures made to `agency` that are in force on `day` or later.
    pub async fn disclosures_to(
        &self,
        agency: &AgencyCode,
        day: NaiveDate,
    ) -> Result<Vec<DisclosureRow>, StoreError> {
        self.db
            .fetch_all(
                &disclosure_query(
                    self.dialect(),
                    "d.agency = $1 AND d.until_day >= $2",
                    vec![agency.as_str().into(), Arg::Date(day)],
                ),
                disclosure_from_row,
            )
            .await
    }

    /// The disclosures made of one record.
    pub async fn disclosures_of(
        &self,
        kind: RecordKind,
        record: Uuid,
    ) -> Result<Vec<DisclosureRow>, StoreError> {
        self.db
            .fetch_all(
                &disclosure_query(
                    self.dialect(),
                    "r.id = $1 AND r.kind = $2",
                    vec![Arg::Id(record), kind.as_str().into()],
                ),
                disclosure_from_row,
            )
            .await
    }
}

fn disclosure_query(dialect: Dialect, condition: &str, args: Vec<Arg>) -> SqlBuf {
    SqlBuf::with(
        dialect,
        &format!(
            "SELECT d.id, r.id AS record, r.kind, d.agency, d.until_day, d.created_by, d.created_at \
             FROM disclosures d JOIN records r ON r.seq = d.seq WHERE {condition} ORDER BY d.created_at, d.id"
        ),
        args,
    )
}

fn disclosure_from_row(row: &dyn RowExt) -> Result<DisclosureRow, StoreError> {
    let agency = row.text("agency")?;
    Ok(DisclosureRow {
        id: row.id("id")?,
        record: row.id("record")?,
        kind: kind_from(&row.text("kind")?)?,
        agency: AgencyCode::parse(&agency).map_err(|_| corrupt("agency", &agency))?,
        until: row.date("until_day")?,
        created_by: row.text("created_by")?,
        created_at: row.time("created_at")?,
    })
}

/// Appends the positions of the records under `codes` matching the column filters,
/// newest first: one range of `record_access` per code, each stopping after `limit`.
fn push_ranges(
    sql: &mut SqlBuf,
    codes: &[i64],
    filter: &ListFilter,
    cursor: Option<i64>,
    limit: Option<i64>,
) {
    let columns = filter.agency.is_some()
        || filter.status.is_some()
        || filter.tlp.is_some()
        || filter.from.is_some()
        || filter.to.is_some();
    for (i, code) in codes.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT b.seq FROM (SELECT a.seq FROM record_access a");
        if columns {
            sql.push(" JOIN records r ON r.seq = a.seq");
        }
        sql.push(" WHERE a.code = ").bind(*code);
        if let Some(agency) = &filter.agency {
            sql.push(" AND r.agency = ").bind(agency.as_str());
        }
        if let Some(status) = filter.status {
            sql.push(" AND r.status = ").bind(status.as_str());
        }
        if let Some(tlp) = filter.tlp {
            sql.push(" AND r.tlp = ").bind(tlp.rank());
        }
        push_date_filters(sql, filter);
        if let Some(cursor) = cursor {
            sql.push(" AND a.seq < ").bind(cursor);
        }
        if let Some(limit) = limit {
            sql.push(" ORDER BY a.seq DESC LIMIT ").bind(limit);
        }
        sql.push(") b");
    }
}

/// Appends the client's date range on `records r`, each bound starting with AND.
pub(crate) fn push_date_filters(sql: &mut SqlBuf, filter: &ListFilter) {
    if let Some(from) = filter.from {
        sql.push(" AND r.occurred_on >= ").bind(from);
    }
    if let Some(to) = filter.to {
        sql.push(" AND r.occurred_on <= ").bind(to);
    }
}

pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

fn ids_of(raw: Option<String>, what: &str) -> Result<Vec<Uuid>, StoreError> {
    let mut ids = raw
        .unwrap_or_default()
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| Uuid::parse_str(s).map_err(|_| corrupt(what, s)))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort();
    Ok(ids)
}

/// A row of [`dialect::record_columns`].
pub(crate) fn stored_from_row(row: &dyn RowExt) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        seq: row.int("seq")?,
        id: row.id("id")?,
        kind: kind_from(&row.text("kind")?)?,
        body: row.text("body")?,
        access: RecordAccess {
            compartments: ids_of(row.opt_text("compartments")?, "compartment")?,
            disclosures: ids_of(row.opt_text("disclosures")?, "disclosure")?,
        },
    })
}
