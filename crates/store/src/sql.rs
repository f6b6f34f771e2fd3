//! Building SQL with numbered parameters, and the translation of policy branches and
//! search queries into SQL. Every dialect difference in queries lives here.

use interdict_core::policy::Branch;
use interdict_core::record::{DrugType, RecordKind};
use interdict_core::{AgencyCode, RecordStatus, Tlp};
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

/// SQL text with its arguments. Placeholders are written as the engine reads them
/// fastest: `$1, $2, …` for PostgreSQL, plain `?` for SQLite, whose cost of binding a
/// numbered parameter grows with the number of parameters in the statement (binding
/// 7,000 `$n` parameters of a multi-row INSERT cost more than executing it).
#[derive(Clone, Debug)]
pub struct SqlBuf {
    pub text: String,
    pub args: Vec<Arg>,
    dialect: Dialect,
}

impl SqlBuf {
    /// An empty buffer for `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        Self {
            text: String::new(),
            args: Vec::new(),
            dialect,
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
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

/// A condition on the terms of the full-text index, written in each engine's query
/// syntax by [`IndexQuery::render`].
///
/// Besides the words of a record, the index holds its *access terms* (see
/// [`access_terms`]), so one index query can say "matches these words, and lies in one
/// of these policy branches, and names this drug": the engine then intersects posting
/// lists instead of checking every match against the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexQuery {
    /// An indexed term; with `prefix`, every term starting with it.
    Term { term: String, prefix: bool },
    /// All of these.
    All(Vec<IndexQuery>),
    /// Any of these.
    Any(Vec<IndexQuery>),
}

impl IndexQuery {
    /// The exact term `term`.
    pub fn term(term: String) -> Self {
        IndexQuery::Term {
            term,
            prefix: false,
        }
    }

    /// The query in the dialect's syntax: an FTS5 query for SQLite, a `tsquery` literal
    /// for PostgreSQL (a literal, not `to_tsquery`, whose parser would split terms such
    /// as `3e5kg` that the index holds whole; see migration 0002). Terms are quoted and
    /// never contain a quote: search terms are ASCII letters and digits
    /// (`interdict_core::text`), access terms add `_` and `-`.
    pub fn render(&self, dialect: Dialect) -> String {
        let mut out = String::new();
        self.render_into(dialect, &mut out);
        out
    }

    fn render_into(&self, dialect: Dialect, out: &mut String) {
        match self {
            IndexQuery::Term { term, prefix } => match (dialect, prefix) {
                (Dialect::Sqlite, false) => out.push_str(&format!("\"{term}\"")),
                (Dialect::Sqlite, true) => out.push_str(&format!("\"{term}\"*")),
                (Dialect::Postgres, false) => out.push_str(&format!("'{term}'")),
                (Dialect::Postgres, true) => out.push_str(&format!("'{term}':*")),
            },
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

/// An agency code as it appears inside access terms: lower case, so that it survives
/// every tokenizer unchanged.
fn agency_term(agency: &AgencyCode) -> String {
    agency.as_str().to_ascii_lowercase()
}

/// The access term of the own-agency branch: every record of `kind` of `agency`.
pub fn own_term(kind: RecordKind, agency: &AgencyCode) -> String {
    format!("_o_{}_{}", kind.as_str(), agency_term(agency))
}

/// The access term of a partner branch: published records of `kind` of `agency` at
/// handling level `tlp`.
pub fn published_term(kind: RecordKind, agency: &AgencyCode, tlp: Tlp) -> String {
    format!(
        "_p_{}_{}_{}",
        kind.as_str(),
        agency_term(agency),
        tlp.rank()
    )
}

/// The access term of a named recipient of a TLP:RED record.
pub fn recipient_term(agency: &AgencyCode) -> String {
    format!("_r_{}", agency_term(agency))
}

/// The access term of a record's agency, for the agency filter.
pub fn agency_filter_term(agency: &AgencyCode) -> String {
    format!("_a_{}", agency_term(agency))
}

/// The access term of a record's status, for the status filter.
pub fn status_term(status: RecordStatus) -> String {
    format!("_s_{}", status.as_str())
}

/// The access term of a record's handling level, for the TLP filter.
pub fn tlp_term(tlp: Tlp) -> String {
    format!("_t_{}", tlp.rank())
}

/// The access term of a drug a record names, for the drug filter.
pub fn drug_term(drug: DrugType) -> String {
    format!("_d_{}", drug.as_str())
}

/// The access terms of a record: what the policy branches and the list filters select
/// it by, stored beside its search terms in the full-text index. They start with `_`,
/// which no search term contains, so words in a record can never pose as access terms.
pub fn access_terms(
    kind: RecordKind,
    agency: &AgencyCode,
    status: RecordStatus,
    tlp: Tlp,
    recipients: &[AgencyCode],
    drugs: &[DrugType],
) -> String {
    let mut terms = vec![
        own_term(kind, agency),
        agency_filter_term(agency),
        status_term(status),
        tlp_term(tlp),
    ];
    if status == RecordStatus::Published {
        terms.push(published_term(kind, agency, tlp));
    }
    terms.extend(recipients.iter().map(recipient_term));
    terms.extend(drugs.iter().map(|d| drug_term(*d)));
    terms.sort();
    terms.dedup();
    terms.join(" ")
}

/// The index query "the record lies in one of these policy branches", or `None` when
/// there is no branch, so that nothing is visible.
pub fn visibility_query(visible: &[(RecordKind, Vec<Branch>)]) -> Option<IndexQuery> {
    let mut any = Vec::new();
    for (kind, branches) in visible {
        for branch in branches {
            any.push(match branch {
                Branch::Own { agency } => IndexQuery::term(own_term(*kind, agency)),
                Branch::Partner {
                    agency,
                    tlp,
                    recipient: None,
                } => IndexQuery::term(published_term(*kind, agency, *tlp)),
                Branch::Partner {
                    agency,
                    tlp,
                    recipient: Some(recipient),
                } => IndexQuery::All(vec![
                    IndexQuery::term(published_term(*kind, agency, *tlp)),
                    IndexQuery::term(recipient_term(recipient)),
                ]),
            });
        }
    }
    (!any.is_empty()).then_some(IndexQuery::Any(any))
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_core::{AgencyCode, Tlp};

    #[test]
    fn no_branch_means_nothing() {
        let mut sql = SqlBuf::new(Dialect::Postgres);
        push_visibility(&mut sql, &[]);
        assert_eq!(sql.text, "1 = 0");
        let mut sql = SqlBuf::new(Dialect::Sqlite);
        sql.push("a = ").bind(1).push(" AND b = ").bind("x");
        assert_eq!(sql.text, "a = ? AND b = ?");
    }

    #[test]
    fn branches_bind_their_values() {
        let mut sql = SqlBuf::new(Dialect::Postgres);
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

    #[test]
    fn index_queries_render_per_dialect() {
        let kcs = AgencyCode::parse("KR-KCS").unwrap();
        let kcg = AgencyCode::parse("KR-KCG").unwrap();
        let visible = vec![(
            RecordKind::Report,
            vec![
                Branch::Own {
                    agency: kcg.clone(),
                },
                Branch::Partner {
                    agency: kcs.clone(),
                    tlp: Tlp::Red,
                    recipient: Some(kcg),
                },
            ],
        )];
        let query = IndexQuery::All(vec![
            IndexQuery::All(vec![IndexQuery::Term {
                term: "contain".into(),
                prefix: true,
            }]),
            visibility_query(&visible).unwrap(),
        ]);
        assert_eq!(
            query.render(Dialect::Sqlite),
            r#"(("contain"*) AND ("_o_report_kr-kcg" OR ("_p_report_kr-kcs_4" AND "_r_kr-kcg")))"#
        );
        assert_eq!(
            query.render(Dialect::Postgres),
            "(('contain':*) & ('_o_report_kr-kcg' | ('_p_report_kr-kcs_4' & '_r_kr-kcg')))"
        );
        assert_eq!(visibility_query(&[(RecordKind::Report, vec![])]), None);
    }

    #[test]
    fn access_terms_say_what_branches_select_a_record() {
        let kcs = AgencyCode::parse("KR-KCS").unwrap();
        let kcg = AgencyCode::parse("KR-KCG").unwrap();
        let published = access_terms(
            RecordKind::Seizure,
            &kcs,
            RecordStatus::Published,
            Tlp::Red,
            &[kcg],
            &[DrugType::Nps],
        );
        assert_eq!(
            published,
            "_a_kr-kcs _d_new_psychoactive_substance _o_seizure_kr-kcs _p_seizure_kr-kcs_4 \
             _r_kr-kcg _s_published _t_4"
        );
        // A draft lies in no partner branch.
        let draft = access_terms(
            RecordKind::Report,
            &kcs,
            RecordStatus::Draft,
            Tlp::Clear,
            &[],
            &[],
        );
        assert!(!draft.contains("_p_"), "{draft}");
        // No search term can look like an access term.
        let words = interdict_core::text::index_text(["_o_report_kr-kcs _p_report_kr-kcs_1"]);
        assert!(!words.contains('_'), "{words}");
    }
}
