//! Seizure statistics (`docs/statistics.md`): the figures the reader may be shown, as
//! JSON or CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_core::policy::Principal;
use interdict_service::stats::{to_csv, SeizureStatistics, StatsRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

use super::extract::{Auth, QueryParams};

/// What to group the statistics by, over which months, in which format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Comma-separated groupings, in order: `drug`, `month`, `year`, `agency`,
    /// `conveyance`, `origin` (country), `region` (of origin). None gives one total cell.
    #[param(
        example = "drug,month",
        pattern = r"^((drug|month|year|agency|conveyance|origin|region)(,(drug|month|year|agency|conveyance|origin|region))*)?$"
    )]
    pub by: Option<String>,
    /// First month, `YYYY-MM` (a day `YYYY-MM-DD` is taken as its month).
    #[param(pattern = r"^([0-9]{4}-(0[1-9]|1[0-2])(-[0-9]{2})?)?$")]
    pub from: Option<String>,
    /// Last month, inclusive.
    #[param(pattern = r"^([0-9]{4}-(0[1-9]|1[0-2])(-[0-9]{2})?)?$")]
    pub to: Option<String>,
    /// `json` (default) or `csv` (the cells only).
    #[param(pattern = "^(json|csv)?$")]
    pub format: Option<String>,
}

/// Seizure statistics of the published seizures you may see: cases, kilograms and
/// tablets per cell, growth and shares. Records of partners bound to your agency by an
/// agreement covering seizures that you may not read count in a cell only when it holds
/// at least `min_cell` of them; a cell with fewer shows your part alone and is marked
/// `suppressed`.
#[utoipa::path(get, path = "/api/v1/stats/seizures", tag = "statistics", params(StatsParams),
    responses(
        (status = 200, content((SeizureStatistics = "application/json"), (String = "text/csv"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn seizures(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<StatsParams>,
) -> AppResult<Response> {
    let csv = match params.format.as_deref() {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::field("format", "must be json or csv")),
    };
    let request = StatsRequest::parse(
        params.by.as_deref().unwrap_or_default(),
        params.from.as_deref(),
        params.to.as_deref(),
    )?;
    let statistics = state
        .seizure_statistics(&Principal::User(session.actor), &request)
        .await?;
    if csv {
        Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            to_csv(&statistics),
        )
            .into_response())
    } else {
        Ok(Json(statistics).into_response())
    }
}
