//! The full-text index, kept per access term.
//!
//! A record is indexed under one token per search term per access term it carries:
//! `_<code>_<term>`, where `code` numbers the access term ([`crate::access`]). Besides
//! its words, each record gets the filter words `d-<drug>`, `s-<status>`, `t-<rank>` and
//! `a-<agency>`, so that a filtered listing is an index query too. A reader's query
//! names only tokens under the codes it holds: the engine walks only posting lists of
//! what the reader may see, so a search costs the same whether a word occurs in records
//! hidden from the reader or nowhere at all. Words of a changed or withdrawn record
//! leave the index and the vocabulary with the change.

use std::collections::BTreeMap;

use interdict_core::record::DrugType;
use interdict_core::text::QueryTerm;
use interdict_core::{AgencyCode, RecordStatus, Tlp};

use crate::db::SqlBuf;
use crate::{Dialect, StoreError, WriteTx};

/// Most whole tokens a search prefix is expanded into, per access code; a prefix
/// matching more stays a prefix query.
pub(crate) const MAX_PREFIX_TOKENS: usize = 64;

/// The token of `word` under access code `code`. Search terms are `[a-z0-9]+` and
/// filter words add `-`, so tokens are `[a-z0-9_-]+` and need no quoting.
pub(crate) fn token(code: i64, word: &str) -> String {
    format!("_{code}_{word}")
}

/// The filter word of a drug.
pub(crate) fn drug_word(drug: DrugType) -> String {
    format!("d-{}", drug.as_str().replace('_', "-"))
}

/// The filter word of a status.
pub(crate) fn status_word(status: RecordStatus) -> String {
    format!("s-{}", status.as_str())
}

/// The filter word of a TLP label.
pub(crate) fn tlp_word(tlp: Tlp) -> String {
    format!("t-{}", tlp.rank())
}

/// The filter word of an agency.
pub(crate) fn agency_word(agency: &AgencyCode) -> String {
    format!("a-{}", agency.as_str().to_ascii_lowercase())
}

/// Every token of a record: each of its words and filter words under each of its
/// access codes. Sorted, without repeats.
pub(crate) fn record_tokens(search: &str, filters: &[String], codes: &[i64]) -> Vec<String> {
    let mut out: Vec<String> = codes
        .iter()
        .flat_map(|code| {
            search
                .split(' ')
                .filter(|w| !w.is_empty())
                .chain(filters.iter().map(String::as_str))
                .map(move |w| token(*code, w))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A condition on the tokens of the full-text index, written in each engine's query
/// syntax by [`IndexQuery::render`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IndexQuery {
    /// A token; with `prefix`, every token starting with it.
    Token { token: String, prefix: bool },
    /// All of these.
    All(Vec<IndexQuery>),
    /// Any of these.
    Any(Vec<IndexQuery>),
}

impl IndexQuery {
    pub(crate) fn token(token: String) -> Self {
        IndexQuery::Token {
            token,
            prefix: false,
        }
    }

    /// The query in the dialect's syntax: an FTS5 query for SQLite, a `tsquery` literal
    /// for PostgreSQL. Tokens are quoted and never contain a quote (see [`token`]).
    pub(crate) fn render(&self, dialect: Dialect) -> String {
        let mut out = String::new();
        self.render_into(dialect, &mut out);
        out
    }

    fn render_into(&self, dialect: Dialect, out: &mut String) {
        match self {
            IndexQuery::Token { token, prefix } => {
                debug_assert!(token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
                match (dialect, prefix) {
                    (Dialect::Sqlite, false) => out.push_str(&format!("\"{token}\"")),
                    (Dialect::Sqlite, true) => out.push_str(&format!("\"{token}\"*")),
                    (Dialect::Postgres, false) => out.push_str(&format!("'{token}'")),
                    (Dialect::Postgres, true) => out.push_str(&format!("'{token}':*")),
                }
            }
            IndexQuery::All(parts) | IndexQuery::Any(parts) => {
                let op = match (self, dialect) {
                    (IndexQuery::All(_), Dialect::Sqlite) => " AND ",
                    (IndexQuery::All(_), Dialect::Postgres) => " & ",
                    (_, Dialect::Sqlite) => " OR ",
                    (_, Dialect::Postgres) => " | ",
                };
                out.push('(');
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push_str(op);
                    }
                    part.render_into(dialect, out);
                }
                out.push(')');
            }
        }
    }
}

/// What a search or filtered listing asks of the index, before it is put under the
/// reader's access codes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Wanted<'a> {
    pub(crate) words: &'a [QueryTerm],
    pub(crate) filters: Vec<String>,
}

/// The index query of `wanted` for a reader holding `codes`; `None` when nothing can
/// match. Prefixes are expanded through the vocabulary, under each code apart.
pub(crate) async fn index_query(
    tx: &mut crate::db::Tx,
    dialect: Dialect,
    codes: &[i64],
    wanted: &Wanted<'_>,
) -> Result<Option<IndexQuery>, StoreError> {
    let mut any = Vec::with_capacity(codes.len());
    'codes: for &code in codes {
        let mut all = Vec::new();
        for term in wanted.words {
            let base = token(code, term.term());
            if !term.is_prefix() {
                all.push(IndexQuery::token(base));
                continue;
            }
            let mut sql = SqlBuf::new(dialect);
            // Tokens are ASCII below `~`.
            sql.push("SELECT token FROM search_vocab WHERE token >= ")
                .bind(base.as_str())
                .push(" AND token < ")
                .bind(format!("{base}~"))
                .push(" ORDER BY token LIMIT ")
                .bind(MAX_PREFIX_TOKENS as i64 + 1);
            let whole = tx.fetch_all(&sql, |row| row.text("token")).await?;
            if whole.is_empty() {
                continue 'codes;
            }
            all.push(if whole.len() > MAX_PREFIX_TOKENS {
                IndexQuery::Token {
                    token: base,
                    prefix: true,
                }
            } else {
                IndexQuery::Any(whole.into_iter().map(IndexQuery::token).collect())
            });
        }
        for filter in &wanted.filters {
            all.push(IndexQuery::token(token(code, filter)));
        }
        if !all.is_empty() {
            any.push(IndexQuery::All(all));
        }
    }
    Ok((!any.is_empty()).then_some(IndexQuery::Any(any)))
}

/// Changes the record counts of tokens in the vocabulary by `delta` each, in token
/// order (so that concurrent writers on PostgreSQL lock rows in the same order), and
/// drops tokens no record holds any more.
pub(crate) async fn adjust_vocabulary(
    tx: &mut WriteTx<'_>,
    delta: BTreeMap<String, i64>,
) -> Result<(), StoreError> {
    let delta: Vec<(String, i64)> = delta.into_iter().filter(|(_, n)| *n != 0).collect();
    // Two parameters a row; well below both engines' limits.
    for chunk in delta.chunks(4_000) {
        let mut sql = SqlBuf::new(tx.dialect);
        sql.push("INSERT INTO search_vocab (token, n) VALUES ");
        for (i, (token, n)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(token.as_str())
                .push(", ")
                .bind(*n)
                .push(")");
        }
        sql.push(" ON CONFLICT (token) DO UPDATE SET n = search_vocab.n + excluded.n");
        tx.tx.execute(&sql).await?;
        let gone: Vec<&str> = chunk
            .iter()
            .filter(|(_, n)| *n < 0)
            .map(|(t, _)| t.as_str())
            .collect();
        if !gone.is_empty() {
            let mut sql = SqlBuf::new(tx.dialect);
            sql.push("DELETE FROM search_vocab WHERE n <= 0 AND token IN ")
                .bind_list(gone);
            tx.tx.execute(&sql).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_put_every_word_under_every_code() {
        let tokens = record_tokens("busan meth", &["d-methamphetamine".into()], &[3, 12]);
        assert_eq!(
            tokens,
            vec![
                "_12_busan",
                "_12_d-methamphetamine",
                "_12_meth",
                "_3_busan",
                "_3_d-methamphetamine",
                "_3_meth"
            ]
        );
    }

    #[test]
    fn queries_render_per_dialect() {
        let query = IndexQuery::Any(vec![
            IndexQuery::All(vec![
                IndexQuery::Token {
                    token: "_3_contain".into(),
                    prefix: true,
                },
                IndexQuery::token("_3_d-cocaine".into()),
            ]),
            IndexQuery::All(vec![IndexQuery::token("_7_busan".into())]),
        ]);
        assert_eq!(
            query.render(Dialect::Sqlite),
            r#"(("_3_contain"* AND "_3_d-cocaine") OR ("_7_busan"))"#
        );
        assert_eq!(
            query.render(Dialect::Postgres),
            "(('_3_contain':* & '_3_d-cocaine') | ('_7_busan'))"
        );
    }
}
