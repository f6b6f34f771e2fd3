//! Seizure statistics for every caller: the API, the web page and the command line
//! (`docs/statistics.md`).
//!
//! The figures come from the sums the store keeps per access class; which classes a
//! reader's figures sum is the policy's (`policy::StatisticsVisibility`), and the cells
//! are cut by `interdict_core::stats::cells`, which suppresses hidden parts smaller
//! than [`crate::ServiceConfig::stats_min_cell`].

use interdict_core::policy::{Action, DataKind, Principal};
use interdict_core::stats::{self, Cell, Counts, Dimension, Growth, Part, Share};
use interdict_store::StatsQuery;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ServiceError, ServiceResult};
use crate::Service;

/// A checked request for statistics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsRequest {
    /// What to group by, in order.
    pub by: Vec<Dimension>,
    /// The first month (`YYYY-MM`), inclusive.
    pub from: Option<String>,
    /// The last month (`YYYY-MM`), inclusive.
    pub to: Option<String>,
}

/// Checks a month: `YYYY-MM`, or a day `YYYY-MM-DD` taken as its month.
fn month(field: &str, raw: &str) -> ServiceResult<String> {
    let raw = raw.trim();
    let day = format!("{raw}-01");
    let parsed = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d"));
    match parsed {
        Ok(date) => Ok(date.format("%Y-%m").to_string()),
        Err(_) => Err(ServiceError::field(field, "must be a month, YYYY-MM")),
    }
}

impl StatsRequest {
    /// Parses the parameters as the API and the command line take them: `by` a
    /// comma-separated list of groupings, `from` and `to` months (`YYYY-MM`; a day is
    /// taken as its month: statistics are kept per month).
    pub fn parse(by: &str, from: Option<&str>, to: Option<&str>) -> ServiceResult<Self> {
        let by = Dimension::parse_list(by).map_err(|m| ServiceError::field("by", m))?;
        let from = from
            .filter(|f| !f.trim().is_empty())
            .map(|f| month("from", f))
            .transpose()?;
        let to = to
            .filter(|t| !t.trim().is_empty())
            .map(|t| month("to", t))
            .transpose()?;
        if let (Some(from), Some(to)) = (&from, &to) {
            if from > to {
                return Err(ServiceError::field("to", "must not be before from"));
            }
        }
        Ok(Self { by, from, to })
    }
}

/// Cases and quantities of a set of cells.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Totals {
    pub cases: i64,
    pub kilograms: f64,
    pub tablets: i64,
}

impl From<Counts> for Totals {
    fn from(c: Counts) -> Self {
        Totals {
            cases: c.cases,
            kilograms: c.kilograms(),
            tablets: c.tablets,
        }
    }
}

/// The statistics of seizures a reader may be shown.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct SeizureStatistics {
    /// The groupings of the cells, in order.
    pub by: Vec<Dimension>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Hidden records count in a cell only when it holds at least this many of them.
    pub min_cell: i64,
    pub cells: Vec<Cell>,
    /// The sum of the cells shown. Grouped by drug, a seizure of several drugs counts
    /// in each of their cells, so the cases are not distinct seizures then.
    pub total: Totals,
    /// The distinct seizures of the period (the sum of the shown cells of the
    /// grouping by agency).
    pub seizures: Totals,
    /// Growth of cases between the first and the last year of the period.
    pub growth: Option<Growth>,
    /// Shares of the cases by agency.
    pub shares_by_agency: Vec<Share>,
    /// Shares of the cases by region of origin.
    pub shares_by_region: Vec<Share>,
}

impl Service {
    /// The seizure statistics `principal` may be shown (see the module).
    pub async fn seizure_statistics(
        &self,
        principal: &Principal,
        request: &StatsRequest,
    ) -> ServiceResult<SeizureStatistics> {
        if let Principal::User(actor) = principal {
            self.require(actor, Action::ReadRecords, "stats.seizures")?;
        } else if !principal.may(Action::ReadRecords) {
            return Err(ServiceError::ForbiddenRole);
        }
        let access = self.access(principal, DataKind::Seizure).await?;
        let visibility = access.statistics_visibility();
        let min_cell = self.inner.config.stats_min_cell;
        let query = |by_drug: bool, columns: Vec<&'static str>| StatsQuery {
            by_drug,
            columns: Some(columns),
            from_month: request.from.clone(),
            to_month: request.to.clone(),
        };
        // The stored columns the groupings read: the sums are grouped in the database,
        // so that only the cells travel.
        let columns: Vec<&'static str> = request.by.iter().map(|d| column_of(*d)).collect();
        // What the totals, growth and shares read: seizures by month, agency and origin.
        let whole: Vec<Part> = self
            .store()
            .seizure_stats(
                &visibility,
                &query(false, vec!["month", "agency", "origin"]),
            )
            .await?;
        let by_drug = request.by.contains(&Dimension::Drug);
        let parts = self
            .store()
            .seizure_stats(&visibility, &query(by_drug, columns))
            .await?;
        let cells = stats::cells(&parts, &request.by, min_cell);
        let by_agency = stats::cells(&whole, &[Dimension::Agency], min_cell);
        let by_region = stats::cells(&whole, &[Dimension::Region], min_cell);
        let by_year = stats::cells(&whole, &[Dimension::Year], min_cell);
        Ok(SeizureStatistics {
            by: request.by.clone(),
            from: request.from.clone(),
            to: request.to.clone(),
            min_cell,
            total: stats::total(&cells).into(),
            seizures: stats::total(&by_agency).into(),
            cells,
            growth: stats::growth(&by_year),
            shares_by_agency: stats::shares(&by_agency),
            shares_by_region: stats::shares(&by_region),
        })
    }
}

impl Service {
    /// The principal of an enabled user, for the operator at the node's console who
    /// asks what that user may be shown (`interdict stats seizures --as`).
    pub async fn principal_of_user(&self, username: &str) -> ServiceResult<Principal> {
        let user = self
            .store()
            .user_by_name(username)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(|| ServiceError::field("as", "no enabled user of that name"))?;
        Ok(Principal::User(interdict_core::Actor {
            user_id: user.id,
            username: user.username,
            agency: user.agency,
            roles: user.roles,
        }))
    }
}

/// The stored column a grouping reads.
fn column_of(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Drug => "drug",
        Dimension::Month | Dimension::Year => "month",
        Dimension::Agency => "agency",
        Dimension::Conveyance => "conveyance",
        Dimension::Origin | Dimension::Region => "origin",
    }
}

/// The statistics as CSV: the grouping columns, then cases, kilograms, tablets and
/// whether the cell was suppressed.
pub fn to_csv(statistics: &SeizureStatistics) -> String {
    let mut out = String::new();
    let mut header: Vec<&str> = statistics.by.iter().map(|d| d.as_str()).collect();
    header.extend(["cases", "kilograms", "tablets", "suppressed"]);
    out.push_str(&header.join(","));
    out.push('\n');
    for cell in &statistics.cells {
        let mut fields: Vec<String> = cell.key.iter().map(|k| csv_field(k)).collect();
        fields.push(cell.cases.to_string());
        fields.push(format_kg(cell.kilograms));
        fields.push(cell.tablets.to_string());
        fields.push(cell.suppressed.to_string());
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Kilograms to the gram, without trailing zeros.
pub fn format_kg(kg: f64) -> String {
    let text = format!("{kg:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}
