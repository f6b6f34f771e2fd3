//! Building SQL with numbered parameters, and the translation of policy branches and
//! search queries into SQL. Every dialect difference in queries lives here.

use interdict_core::policy::Branch;
use interdict_core::text::QueryTerm;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

use crate::Dialect;

/// A value bound to a numbered parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Int(i64),
    Text(String),
    OptText(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptText(v)
    }
}

/// SQL text with its arguments, written with `$1, $2, …` placeholders, which both
/// SQLite and PostgreSQL understand.
#[derive(Clone, Debug, Default)]
pub struct SqlBuf {
    pub text: String,
    pub args: Vec<Arg>,
}

impl SqlBuf {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        let n = self.args.len();
        self.text.push('$');
        self.text.push_str(&n.to_string());
        self
    }

    /// The query, ready to run.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for arg in &self.args {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.as_str()),
                Arg::OptText(v) => query.bind(v.as_deref()),
            };
        }
        query
    }
}

/// Appends the condition "the record `r` lies in one of `branches`". With no branch
/// the condition is false, so a reader who may see nothing gets nothing.
pub fn push_visibility(sql: &mut SqlBuf, branches: &[Branch]) {
    if branches.is_empty() {
        sql.push("1 = 0");
        return;
    }
    sql.push("(");
    for (i, branch) in branches.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        match branch {
            Branch::Own { agency } => {
                sql.push("r.agency = ").bind(agency.as_str());
            }
            Branch::Partner {
                agency,
                tlp,
                recipient,
            } => {
                sql.push("(r.agency = ").bind(agency.as_str());
                sql.push(" AND r.status = 'published' AND r.tlp = ")
                    .bind(tlp.rank());
                if let Some(recipient) = recipient {
                    sql.push(" AND EXISTS (SELECT 1 FROM record_recipients x WHERE x.seq = r.seq AND x.agency = ")
                        .bind(recipient.as_str())
                        .push(")");
                }
                sql.push(")");
            }
        }
    }
    sql.push(")");
}

/// Appends `records_fts MATCH <terms>`, the condition of SQLite's full-text table.
pub fn push_fts_match(sql: &mut SqlBuf, terms: &[QueryTerm]) {
    let expr: Vec<String> = terms
        .iter()
        .map(|t| {
            if t.prefix {
                format!("\"{}\"*", t.term)
            } else {
                format!("\"{}\"", t.term)
            }
        })
        .collect();
    sql.push("records_fts MATCH ").bind(expr.join(" "));
}

/// Appends the condition "record `r` matches all `terms`" in the dialect's full-text
/// syntax. Terms are ASCII letters and digits only (see `interdict_core::text`).
pub fn push_search(sql: &mut SqlBuf, dialect: Dialect, terms: &[QueryTerm]) {
    match dialect {
        Dialect::Sqlite => {
            sql.push("r.seq IN (SELECT rowid FROM records_fts WHERE ");
            push_fts_match(sql, terms);
            sql.push(")");
        }
        Dialect::Postgres => {
            // A tsquery literal, not to_tsquery: the text parser would split terms such
            // as `3e5kg` (see migration 0002), and the index holds them whole.
            let expr: Vec<String> = terms
                .iter()
                .map(|t| {
                    if t.prefix {
                        format!("'{}':*", t.term)
                    } else {
                        format!("'{}'", t.term)
                    }
                })
                .collect();
            sql.push("r.search_vec @@ CAST(")
                .bind(expr.join(" & "))
                .push(" AS tsquery)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_core::{AgencyCode, Tlp};

    #[test]
    fn no_branch_means_nothing() {
        let mut sql = SqlBuf::new();
        push_visibility(&mut sql, &[]);
        assert_eq!(sql.text, "1 = 0");
    }

    #[test]
    fn branches_bind_their_values() {
        let mut sql = SqlBuf::new();
        let kcs = AgencyCode::parse("KR-KCS").unwrap();
        push_visibility(
            &mut sql,
            &[
                Branch::Own {
                    agency: kcs.clone(),
                },
                Branch::Partner {
                    agency: AgencyCode::parse("KR-KCG").unwrap(),
                    tlp: Tlp::Red,
                    recipient: Some(kcs),
                },
            ],
        );
        assert_eq!(sql.args.len(), 4);
        assert!(sql.text.contains("$4)"), "{}", sql.text);
    }
}
