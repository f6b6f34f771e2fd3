//! Seizure statistics, pre-aggregated per access class (see the migration
//! `0006_seizure_stats.sql` and `docs/statistics.md`).
//!
//! Every write of a seizure removes what its previous state added to `seizure_stats`
//! and adds what its new state adds, in the same transaction: a change of status, of
//! content or of access terms (an attachment, a disclosure) moves the record's lines
//! between classes and cells. A reader's query sums the classes that one of its codes
//! selects, and apart the classes only its aggregate visibility selects (the hidden
//! part, which `interdict_core::stats::cells` suppresses in small cells). Its cost
//! depends on the number of cells, not on the number of seizures.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use interdict_core::policy::{DataKind, StatisticsVisibility};
use interdict_core::record::{RecordKind, Seizure};
use interdict_core::stats::{Counts, Part, StatKey};

use crate::db::{Arg, SqlBuf, Tx};
use crate::records::insert_rows;
use crate::{Store, StoreError, WriteTx};

/// A new record's statistics: its lines, the text of its access terms and their codes.
pub(crate) type NewStats<'a> = (&'a [(StatKey, Counts)], String, &'a [i64]);

/// Changes to the sums, per class and line.
pub(crate) type StatDelta = BTreeMap<(i64, StatKey), Counts>;

/// What a stored record of `kind` with this body adds to the statistics.
pub(crate) fn lines_of_body(
    kind: RecordKind,
    body: &str,
) -> Result<Vec<(StatKey, Counts)>, StoreError> {
    if kind != RecordKind::Seizure {
        return Ok(Vec::new());
    }
    let seizure: Seizure = serde_json::from_str(body)
        .map_err(|e| StoreError::Corrupt(format!("stored seizure: {e}")))?;
    Ok(interdict_core::stats::seizure_lines(&seizure))
}

/// Adds `lines` of class `class` to `delta` with `sign` (1 adds, -1 removes).
pub(crate) fn add_lines(delta: &mut StatDelta, class: i64, lines: &[(StatKey, Counts)], sign: i64) {
    for (key, counts) in lines {
        let counts = if sign < 0 { counts.negated() } else { *counts };
        let entry = delta.entry((class, key.clone())).or_default();
        *entry = entry.plus(counts);
    }
}

/// Which statistics to read.
#[derive(Clone, Debug, Default)]
pub struct StatsQuery {
    /// Lines per drug (`true`) or of whole seizures (`false`).
    pub by_drug: bool,
    /// The columns to group by (`drug`, `month`, `agency`, `conveyance`, `origin`);
    /// `None` for all of them. The others come back empty.
    pub columns: Option<Vec<&'static str>>,
    /// First and last month (`YYYY-MM`), inclusive.
    pub from_month: Option<String>,
    pub to_month: Option<String>,
}

/// A table of sums: its name and the columns of its key after the class.
struct SumTable {
    name: &'static str,
    key: &'static [&'static str],
}

/// Every line: per class, drug, month, agency, conveyance and origin.
const FINE: SumTable = SumTable {
    name: "seizure_stats",
    key: &["drug", "month", "agency", "conveyance", "origin"],
};

/// The same sums without the conveyance (migration `0012`): what a query that does
/// not group by conveyance reads, a third of the lines or fewer.
const BY_ORIGIN: SumTable = SumTable {
    name: "seizure_stats_origin",
    key: &["drug", "month", "agency", "origin"],
};

/// The same sums per drug, month and agency alone (migration `0012`): what a query
/// that groups by neither conveyance nor origin reads, a twentieth of the lines.
const BY_MONTH: SumTable = SumTable {
    name: "seizure_stats_month",
    key: &["drug", "month", "agency"],
};

/// The tables of sums, emptied when the statistics are computed anew (before the
/// classes they reference).
pub(crate) const SUM_TABLES: [&str; 3] = [BY_MONTH.name, BY_ORIGIN.name, FINE.name];

/// The value of a key's column.
fn column_of<'a>(key: &'a StatKey, column: &str) -> &'a str {
    match column {
        "drug" => &key.drug,
        "month" => &key.month,
        "agency" => &key.agency,
        "conveyance" => &key.conveyance,
        _ => &key.origin,
    }
}

/// Adds `rows` (the class and the key's columns, then cases, milligrams and tablets)
/// to `table`.
async fn upsert_sums(
    tx: &mut WriteTx<'_>,
    table: &SumTable,
    rows: &[Vec<Arg>],
) -> Result<(), StoreError> {
    let key = format!("class, {}", table.key.join(", "));
    let name = table.name;
    // Each key once per statement, as both engines' upserts need.
    for chunk in rows.chunks(2_000) {
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push(&format!(
            "INSERT INTO {name} ({key}, cases, milligrams, tablets) VALUES "
        ));
        sql.bind_rows(chunk);
        sql.push(&format!(
            " ON CONFLICT ({key}) DO UPDATE SET \
             cases = {name}.cases + excluded.cases, \
             milligrams = {name}.milligrams + excluded.milligrams, \
             tablets = {name}.tablets + excluded.tablets"
        ));
        tx.tx.execute(&sql).await?;
    }
    Ok(())
}

impl Store {
    /// The class of the access terms `terms` (the text of `records.access`) with codes
    /// `codes`, numbered inside the write transaction when new.
    pub(crate) async fn stat_class(
        &self,
        tx: &mut WriteTx<'_>,
        terms: &str,
        codes: &[i64],
    ) -> Result<i64, StoreError> {
        let select = SqlBuf::with(
            tx.dialect,
            "SELECT class FROM stat_classes WHERE terms = $1",
            vec![terms.into()],
        );
        if let Some(class) = tx.tx.fetch_optional(&select, |r| r.int("class")).await? {
            return Ok(class);
        }
        // Another writer may number the same class meanwhile: then its row is taken.
        let inserted = tx
            .tx
            .fetch_optional(
                &SqlBuf::with(
                    tx.dialect,
                    "INSERT INTO stat_classes (terms) VALUES ($1) ON CONFLICT (terms) DO NOTHING \
                     RETURNING class",
                    vec![terms.into()],
                ),
                |r| r.int("class"),
            )
            .await?;
        let Some(class) = inserted else {
            return tx
                .tx
                .fetch_optional(&select, |r| r.int("class"))
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("access class {terms:?} vanished")));
        };
        let mut unique: Vec<i64> = codes.to_vec();
        unique.sort_unstable();
        unique.dedup();
        insert_rows(
            tx,
            "INSERT INTO stat_class_codes (code, class)",
            unique
                .into_iter()
                .map(|c| vec![Arg::Int(c), Arg::Int(class)])
                .collect(),
        )
        .await?;
        Ok(class)
    }

    /// Adds `delta` to the sums of every grain.
    pub(crate) async fn apply_stats(
        &self,
        tx: &mut WriteTx<'_>,
        delta: StatDelta,
    ) -> Result<(), StoreError> {
        for table in [FINE, BY_ORIGIN, BY_MONTH] {
            let mut sums: BTreeMap<(i64, Vec<&str>), Counts> = BTreeMap::new();
            for ((class, key), c) in &delta {
                let values = table
                    .key
                    .iter()
                    .map(|column| column_of(key, column))
                    .collect();
                let entry = sums.entry((*class, values)).or_default();
                *entry = entry.plus(*c);
            }
            let rows: Vec<Vec<Arg>> = sums
                .into_iter()
                .filter(|(_, c)| *c != Counts::default())
                .map(|((class, values), c)| {
                    std::iter::once(Arg::Int(class))
                        .chain(values.into_iter().map(|v| Arg::Text(v.to_owned())))
                        .chain([
                            Arg::Int(c.cases),
                            Arg::Int(c.milligrams),
                            Arg::Int(c.tablets),
                        ])
                        .collect()
                })
                .collect();
            upsert_sums(tx, &table, &rows).await?;
        }
        Ok(())
    }

    /// The delta of new records: each one's lines in the class of its terms.
    pub(crate) async fn stats_of_new(
        &self,
        tx: &mut WriteTx<'_>,
        records: &[NewStats<'_>],
    ) -> Result<StatDelta, StoreError> {
        let mut classes: HashMap<String, i64> = HashMap::new();
        let mut delta = StatDelta::new();
        for (lines, terms, codes) in records {
            if lines.is_empty() {
                continue;
            }
            let class = match classes.get(terms) {
                Some(class) => *class,
                None => {
                    let class = self.stat_class(tx, terms, codes).await?;
                    classes.insert(terms.clone(), class);
                    class
                }
            };
            add_lines(&mut delta, class, lines, 1);
        }
        Ok(delta)
    }

    /// The class of a stored record's terms (the `access` column), numbered if new.
    pub(crate) async fn stat_class_of_text(
        &self,
        tx: &mut WriteTx<'_>,
        terms: &str,
    ) -> Result<i64, StoreError> {
        let names: Vec<&str> = terms.split(' ').filter(|t| !t.is_empty()).collect();
        let mut codes = Vec::new();
        if !names.is_empty() {
            let mut sql = SqlBuf::new(tx.dialect);
            sql.push("SELECT code FROM access_codes WHERE term IN ")
                .bind_list(names);
            codes = tx.tx.fetch_all(&sql, |row| row.int("code")).await?;
        }
        self.stat_class(tx, terms, &codes).await
    }

    /// Computes the statistics of every stored seizure anew (the `seizure-stats` store
    /// task), a thousand records per transaction after emptying the tables in one.
    pub(crate) async fn rebuild_stats(&self) -> Result<(), StoreError> {
        {
            let mut tx = self.begin_write().await?;
            for table in SUM_TABLES
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
                        "SELECT seq, body, access FROM records WHERE kind = 'seizure' \
                         AND status = 'published' AND seq > $1 ORDER BY seq LIMIT 1000",
                        vec![Arg::Int(after)],
                    ),
                    |row| Ok((row.int("seq")?, row.text("body")?, row.text("access")?)),
                )
                .await?;
            let Some(last) = rows.last().map(|r| r.0) else {
                return Ok(());
            };
            let mut delta = StatDelta::new();
            let mut classes: HashMap<String, i64> = HashMap::new();
            for (_, body, access) in rows {
                let lines = lines_of_body(RecordKind::Seizure, &body)?;
                let class = match classes.get(&access) {
                    Some(class) => *class,
                    None => {
                        let class = self.stat_class_of_text(&mut tx, &access).await?;
                        classes.insert(access, class);
                        class
                    }
                };
                add_lines(&mut delta, class, &lines, 1);
            }
            self.apply_stats(&mut tx, delta).await?;
            tx.commit().await?;
            after = last;
        }
    }

    /// The classes one of `codes` selects.
    async fn classes_of(
        tx: &mut Tx,
        dialect: crate::Dialect,
        codes: &[i64],
    ) -> Result<BTreeSet<i64>, StoreError> {
        if codes.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut sql = SqlBuf::new(dialect);
        sql.push("SELECT DISTINCT class FROM stat_class_codes WHERE code IN ")
            .bind_list(codes.iter().copied());
        Ok(tx
            .fetch_all(&sql, |r| r.int("class"))
            .await?
            .into_iter()
            .collect())
    }

    /// Sums of the lines of `classes` (all classes when `None`) per stored key.
    async fn sum_classes(
        tx: &mut Tx,
        dialect: crate::Dialect,
        classes: Option<&BTreeSet<i64>>,
        query: &StatsQuery,
    ) -> Result<Vec<(StatKey, Counts)>, StoreError> {
        const COLUMNS: [&str; 5] = ["drug", "month", "agency", "conveyance", "origin"];
        let grouped: Vec<&str> = COLUMNS
            .into_iter()
            .filter(|c| {
                query
                    .columns
                    .as_ref()
                    .is_none_or(|wanted| wanted.contains(c))
            })
            .collect();
        let mut sql = SqlBuf::new(dialect);
        sql.push("SELECT ");
        for column in COLUMNS {
            if grouped.contains(&column) {
                sql.push(column).push(", ");
            } else {
                sql.push("CAST('' AS TEXT) AS ").push(column).push(", ");
            }
        }
        // The coarsest sums that hold the columns asked for: the same figures in a
        // fraction of the lines.
        let table = if grouped.contains(&"conveyance") {
            FINE.name
        } else if grouped.contains(&"origin") {
            BY_ORIGIN.name
        } else {
            BY_MONTH.name
        };
        sql.push(
            "CAST(SUM(cases) AS BIGINT) AS cases, \
             CAST(SUM(milligrams) AS BIGINT) AS milligrams, CAST(SUM(tablets) AS BIGINT) AS tablets \
             FROM ",
        )
        .push(table)
        .push(" WHERE ");
        sql.push(if query.by_drug {
            "drug <> ''"
        } else {
            "drug = ''"
        });
        if let Some(classes) = classes {
            sql.push(" AND class IN ")
                .bind_list(classes.iter().copied());
        }
        if let Some(from) = &query.from_month {
            sql.push(" AND month >= ").bind(from.as_str());
        }
        if let Some(to) = &query.to_month {
            sql.push(" AND month <= ").bind(to.as_str());
        }
        if grouped.is_empty() {
            // One row, and none when nothing matched (SUM of no rows is NULL).
            sql.push(" HAVING COUNT(*) > 0");
        } else {
            sql.push(" GROUP BY ").push(&grouped.join(", "));
        }
        tx.fetch_all(&sql, |r| {
            Ok((
                StatKey {
                    month: r.text("month")?,
                    drug: r.text("drug")?,
                    agency: r.text("agency")?,
                    conveyance: r.text("conveyance")?,
                    origin: r.text("origin")?,
                },
                Counts {
                    cases: r.int("cases")?,
                    milligrams: r.int("milligrams")?,
                    tablets: r.int("tablets")?,
                },
            ))
        })
        .await
    }

    /// The sums of published seizures per month, drug, agency, conveyance and origin
    /// that `visibility` selects: the part the reader sees, and apart the part only its
    /// aggregate visibility selects. Read in one snapshot.
    pub async fn seizure_stats(
        &self,
        visibility: &StatisticsVisibility,
        query: &StatsQuery,
    ) -> Result<Vec<Part>, StoreError> {
        let dialect = self.dialect();
        let mut parts: BTreeMap<StatKey, Part> = BTreeMap::new();
        let part = |key: StatKey| Part {
            key,
            visible: Counts::default(),
            hidden: Counts::default(),
        };
        if visibility.is_everything() {
            let mut tx = self.begin_read().await?;
            let rows = Self::sum_classes(&mut tx, dialect, None, query).await?;
            tx.commit().await?;
            return Ok(rows
                .into_iter()
                .map(|(key, visible)| Part {
                    visible,
                    ..part(key)
                })
                .collect());
        }
        let own = self
            .visible_codes(DataKind::Seizure, visibility.own())
            .await?;
        let wider = self.codes_of_terms(visibility.wider_terms()).await?;
        let mut tx = self.begin_read().await?;
        let visible = Self::classes_of(&mut tx, dialect, &own).await?;
        let hidden: BTreeSet<i64> = Self::classes_of(&mut tx, dialect, &wider)
            .await?
            .difference(&visible)
            .copied()
            .collect();
        let seen = if visible.is_empty() {
            Vec::new()
        } else {
            Self::sum_classes(&mut tx, dialect, Some(&visible), query).await?
        };
        let unseen = if hidden.is_empty() {
            Vec::new()
        } else {
            Self::sum_classes(&mut tx, dialect, Some(&hidden), query).await?
        };
        tx.commit().await?;
        for (key, counts) in seen {
            let entry = parts.entry(key.clone()).or_insert_with(|| part(key));
            entry.visible = entry.visible.plus(counts);
        }
        for (key, counts) in unseen {
            let entry = parts.entry(key.clone()).or_insert_with(|| part(key));
            entry.hidden = entry.hidden.plus(counts);
        }
        Ok(parts.into_values().collect())
    }
}
