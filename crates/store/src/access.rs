//! The numbering of access terms. Records carry the codes of their access terms (in
//! `record_access` and, inside index tokens, in the full-text index); a reader's
//! visibility becomes the codes of the terms it holds. A code is given once and never
//! changes, so codes are remembered for the life of the process.

use std::collections::HashMap;
use std::sync::Mutex;

use interdict_core::policy::{AccessTerm, DataKind, Visibility};

use crate::db::SqlBuf;
use crate::{Store, StoreError, WriteTx};

/// Codes known to be stored, shared by every connection of a [`Store`].
#[derive(Debug, Default)]
pub(crate) struct CodeCache {
    codes: Mutex<HashMap<String, i64>>,
}

impl CodeCache {
    fn get(&self, term: &str) -> Option<i64> {
        self.codes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(term)
            .copied()
    }

    pub(crate) fn remember(&self, found: &[(String, i64)]) {
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        for (term, code) in found {
            codes.insert(term.clone(), *code);
        }
    }
}

/// The codes of the terms `terms` that are numbered, by term.
fn select_codes(dialect: crate::Dialect, terms: &[&str]) -> SqlBuf {
    let mut sql = SqlBuf::new(dialect);
    sql.push("SELECT code, term FROM access_codes WHERE term IN ")
        .bind_list(terms.iter().copied());
    sql
}

impl Store {
    /// The codes of the access terms of one piece of data, numbering new terms inside
    /// the write transaction. In the order of `terms`.
    pub(crate) async fn codes_in(
        &self,
        tx: &mut WriteTx<'_>,
        terms: &[AccessTerm],
    ) -> Result<Vec<i64>, StoreError> {
        let mut out = Vec::with_capacity(terms.len());
        let mut missing = Vec::new();
        for term in terms {
            match self.codes.get(term.as_str()) {
                Some(code) => out.push(Some(code)),
                None => {
                    out.push(None);
                    missing.push(term.as_str());
                }
            }
        }
        if !missing.is_empty() {
            let mut insert = SqlBuf::new(tx.dialect);
            insert.push("INSERT INTO access_codes (term) VALUES ");
            for (i, term) in missing.iter().enumerate() {
                insert
                    .push(if i == 0 { "(" } else { ", (" })
                    .bind(*term)
                    .push(")");
            }
            insert.push(" ON CONFLICT (term) DO NOTHING");
            tx.tx.execute(&insert).await?;
            let found = tx
                .tx
                .fetch_all(&select_codes(tx.dialect, &missing), |row| {
                    Ok((row.text("term")?, row.int("code")?))
                })
                .await?;
            // Remembered only when the transaction commits: SQLite gives the number
            // of a rolled-back row again, to another term.
            tx.new_codes.extend(found.iter().cloned());
            let found: HashMap<String, i64> = found.into_iter().collect();
            for (slot, term) in out.iter_mut().zip(terms) {
                if slot.is_none() {
                    *slot = found.get(term.as_str()).copied();
                }
            }
        }
        out.into_iter()
            .zip(terms)
            .map(|(code, term)| {
                code.ok_or_else(|| {
                    StoreError::Corrupt(format!("access term {:?} has no code", term.as_str()))
                })
            })
            .collect()
    }

    /// The codes of what `visibility` admits of `kind`: of its terms that some data
    /// carries (a term no data carries selects nothing), or, for a reader who sees
    /// everything, of every owner term of the kind. Sorted.
    pub(crate) async fn visible_codes(
        &self,
        kind: DataKind,
        visibility: &Visibility,
    ) -> Result<Vec<i64>, StoreError> {
        let dialect = self.dialect();
        if visibility.is_everything() {
            let mut sql = SqlBuf::new(dialect);
            let prefix = AccessTerm::owner_prefix(kind);
            sql.push("SELECT code FROM access_codes WHERE term >= ")
                .bind(prefix.as_str())
                .push(" AND term < ")
                .bind(format!("{prefix}\u{10ffff}"));
            let mut codes = self.db.fetch_all(&sql, |row| row.int("code")).await?;
            codes.sort_unstable();
            return Ok(codes);
        }
        self.codes_of_terms(visibility.terms()).await
    }

    /// The codes of those of `terms` that some data carries. Sorted.
    pub(crate) async fn codes_of_terms(
        &self,
        terms: &[AccessTerm],
    ) -> Result<Vec<i64>, StoreError> {
        let dialect = self.dialect();
        let mut codes = Vec::new();
        let mut missing = Vec::new();
        for term in terms {
            match self.codes.get(term.as_str()) {
                Some(code) => codes.push(code),
                None => missing.push(term.as_str()),
            }
        }
        if !missing.is_empty() {
            let found = self
                .db
                .fetch_all(&select_codes(dialect, &missing), |row| {
                    Ok((row.text("term")?, row.int("code")?))
                })
                .await?;
            codes.extend(found.iter().map(|(_, code)| *code));
            self.codes.remember(&found);
        }
        codes.sort_unstable();
        codes.dedup();
        Ok(codes)
    }
}
