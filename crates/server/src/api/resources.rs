//! `/api/v1/resources` and `/api/v1/loans`: the registers of detection dogs and
//! equipment, their calendars, the search for available resources nearest a place, and
//! loans between agencies from request to return.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::NaiveDate;
use interdict_core::record::DrugType;
use interdict_core::resource::{
    CalendarEntry, CalendarInput, CounterInput, LoanRequestInput, ResourceInput, ResourceKind,
    Site, UsageReport,
};
use interdict_core::AgencyCode;
use interdict_service::resources::{AvailabilityQuery, AvailableResource, LoanView, ResourceView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{Auth, JsonBody, QueryParams};
use crate::api::records::{if_match, parse_id, with_etag};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// Which register.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegisterParams {
    /// Only the resources of this agency, such as `KR-KCS`.
    #[param(value_type = Option<AgencyCode>)]
    pub agency: Option<String>,
}

/// What to look for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AvailableParams {
    #[param(value_type = ResourceKind)]
    pub kind: String,
    /// For dogs: the drug class they must be trained for.
    #[param(value_type = Option<DrugType>)]
    pub specialisation: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Where the resource is wanted.
    #[param(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[param(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
}

/// Which days of a calendar.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalendarParams {
    /// The first day (default: the first of this month).
    pub from: Option<NaiveDate>,
    /// The last day (default: 41 days after `from`).
    pub to: Option<NaiveDate>,
}

/// The resource chosen for a loan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    pub resource: uuid::Uuid,
}

/// Why a request is declined.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineLoan {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// The resources you may see: your agency's register and partners' shared with you
/// under an agreement with the resources scope.
#[utoipa::path(get, path = "/api/v1/resources", tag = "resources", operation_id = "list_resources",
    params(RegisterParams),
    responses((status = 200, body = Vec<ResourceView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_resources(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<RegisterParams>,
) -> AppResult<Json<Vec<ResourceView>>> {
    let agency = params
        .agency
        .as_deref()
        .map(AgencyCode::parse)
        .transpose()
        .map_err(|e| AppError::field("agency", e.to_string()))?;
    Ok(Json(
        state.resources_for(&session.actor, agency.as_ref()).await?,
    ))
}

/// Register a dog or a piece of equipment of your agency (resource managers).
#[utoipa::path(post, path = "/api/v1/resources", tag = "resources", operation_id = "create_resource",
    request_body = ResourceInput,
    responses((status = 201, body = ResourceView, headers(("ETag" = String, description = "The version, for If-Match"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_resource(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(input): JsonBody<ResourceInput>,
) -> AppResult<Response> {
    let view = state.create_resource(&session.actor, input).await?;
    let location = format!("/api/v1/resources/{}", view.resource.id);
    Ok(with_etag(
        StatusCode::CREATED,
        view.resource.version,
        &view,
        Some(location),
    ))
}

/// The resources of a kind free over a whole period and fit to be lent until its last
/// day (certification, calibration), nearest to a place first.
#[utoipa::path(get, path = "/api/v1/resources/available", tag = "resources", operation_id = "available_resources",
    params(AvailableParams),
    responses((status = 200, body = Vec<AvailableResource>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn available_resources(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<AvailableParams>,
) -> AppResult<Json<Vec<AvailableResource>>> {
    let kind = ResourceKind::parse(&params.kind)
        .ok_or_else(|| AppError::field("kind", "not a kind of resource"))?;
    let specialisation = params
        .specialisation
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            DrugType::parse(s).ok_or_else(|| AppError::field("specialisation", "unknown drug"))
        })
        .transpose()?;
    let query = AvailabilityQuery {
        kind,
        specialisation,
        from: params.from,
        to: params.to,
        place: Site {
            name: String::new(),
            lat: params.lat,
            lon: params.lon,
        },
    };
    Ok(Json(
        state.available_resources(&session.actor, &query).await?,
    ))
}

/// One resource.
#[utoipa::path(get, path = "/api/v1/resources/{id}", tag = "resources", operation_id = "get_resource",
    params(("id" = uuid::Uuid, Path, description = "Resource id")),
    responses((status = 200, body = ResourceView, headers(("ETag" = String, description = "The version, for If-Match"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such resource, or not visible to you")),
    security(("bearer" = [])))]
pub async fn get_resource(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let view = state.resource(&session.actor, parse_id(&id)?).await?;
    Ok(with_etag(
        StatusCode::OK,
        view.resource.version,
        &view,
        None,
    ))
}

/// Change a resource of your agency.
#[utoipa::path(put, path = "/api/v1/resources/{id}", tag = "resources", operation_id = "update_resource",
    params(("id" = uuid::Uuid, Path, description = "Resource id"), ("If-Match" = String, Header, description = "The version you changed, as in \"3\"")),
    request_body = ResourceInput,
    responses((status = 200, body = ResourceView, headers(("ETag" = String, description = "The new version"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Changed meanwhile"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_resource(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<ResourceInput>,
) -> AppResult<Response> {
    let version = if_match(&headers)?;
    let view = state
        .update_resource(&session.actor, parse_id(&id)?, version, input)
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        view.resource.version,
        &view,
        None,
    ))
}

/// Remove a resource of your agency from its register (not while a loan holds it).
#[utoipa::path(delete, path = "/api/v1/resources/{id}", tag = "resources", operation_id = "delete_resource",
    params(("id" = uuid::Uuid, Path, description = "Resource id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "On loan")),
    security(("bearer" = [])))]
pub async fn delete_resource(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state
        .delete_resource(&session.actor, parse_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A resource's calendar: the entries (home duty, maintenance, leave, on loan) that
/// touch the days asked for.
#[utoipa::path(get, path = "/api/v1/resources/{id}/calendar", tag = "resources", operation_id = "resource_calendar",
    params(("id" = uuid::Uuid, Path, description = "Resource id"), CalendarParams),
    responses((status = 200, body = Vec<CalendarEntry>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn resource_calendar(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<CalendarParams>,
) -> AppResult<Json<Vec<CalendarEntry>>> {
    use chrono::Datelike;
    let today = state.today();
    let from = params
        .from
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let to = params.to.unwrap_or(from + chrono::Duration::days(41));
    Ok(Json(
        state
            .resource_calendar(&session.actor, parse_id(&id)?, from, to)
            .await?,
    ))
}

/// Mark a resource of your agency as taken over some days (home duty, maintenance,
/// leave); days taken already are refused with 409 `double_booking`.
#[utoipa::path(post, path = "/api/v1/resources/{id}/calendar", tag = "resources", operation_id = "add_calendar_entry",
    params(("id" = uuid::Uuid, Path, description = "Resource id")),
    request_body = CalendarInput,
    responses((status = 201, body = CalendarEntry), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "A day is taken"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_calendar_entry(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<CalendarInput>,
) -> AppResult<(StatusCode, Json<CalendarEntry>)> {
    let entry = state
        .add_calendar_entry(&session.actor, parse_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Remove an entry of a resource's calendar (not one of a loan).
#[utoipa::path(delete, path = "/api/v1/resources/{id}/calendar/{entry}", tag = "resources", operation_id = "delete_calendar_entry",
    params(("id" = uuid::Uuid, Path, description = "Resource id"), ("entry" = uuid::Uuid, Path, description = "Entry id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The entry of a loan")),
    security(("bearer" = [])))]
pub async fn delete_calendar_entry(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path((id, entry)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state
        .delete_calendar_entry(&session.actor, parse_id(&id)?, parse_id(&entry)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The loans your agency lends or borrows, newest first.
#[utoipa::path(get, path = "/api/v1/loans", tag = "resources", operation_id = "list_loans",
    responses((status = 200, body = Vec<LoanView>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_loans(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<LoanView>>> {
    Ok(Json(state.loans_for(&session.actor).await?))
}

/// Ask a partner agency for a dog or equipment (resource managers; an agreement in
/// force with the resources scope must bind both agencies).
#[utoipa::path(post, path = "/api/v1/loans", tag = "resources", operation_id = "request_loan",
    request_body = LoanRequestInput,
    responses((status = 201, body = LoanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn request_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(input): JsonBody<LoanRequestInput>,
) -> AppResult<(StatusCode, Json<LoanView>)> {
    let view = state.request_loan(&session.actor, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One loan (its two agencies only).
#[utoipa::path(get, path = "/api/v1/loans/{id}", tag = "resources", operation_id = "get_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    responses((status = 200, body = LoanView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(state.loan(&session.actor, parse_id(&id)?).await?))
}

/// Approve a request, choosing a resource of your agency: it is booked over the loan's
/// days (409 `double_booking` if any is taken; `loan_expired`, `loan_state`,
/// `resource_other_agency`, `resource_wrong_kind`, `certification_expires`,
/// `calibration_due`).
#[utoipa::path(post, path = "/api/v1/loans/{id}/approve", tag = "resources", operation_id = "approve_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    request_body = ApproveRequest,
    responses((status = 200, body = LoanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Not a pending request, or the resource cannot serve it"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ApproveRequest>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(
        state
            .approve_loan(&session.actor, parse_id(&id)?, request.resource)
            .await?,
    ))
}

/// Decline a request, saying why.
#[utoipa::path(post, path = "/api/v1/loans/{id}/decline", tag = "resources", operation_id = "decline_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    request_body = DeclineLoan,
    responses((status = 200, body = LoanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Not a pending request"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decline_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<DeclineLoan>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(
        state
            .decline_loan(&session.actor, parse_id(&id)?, &request.reason)
            .await?,
    ))
}

/// Propose another resource, and perhaps another period; the requester accepts or
/// withdraws.
#[utoipa::path(post, path = "/api/v1/loans/{id}/counter", tag = "resources", operation_id = "counter_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    request_body = CounterInput,
    responses((status = 200, body = LoanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Not a pending request, or the resource cannot serve it"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn counter_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(counter): JsonBody<CounterInput>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(
        state
            .counter_loan(&session.actor, parse_id(&id)?, counter)
            .await?,
    ))
}

/// Accept the owner's counter-proposal: the loan is approved with its resource and
/// period (409 `double_booking` if a day is taken meanwhile).
#[utoipa::path(post, path = "/api/v1/loans/{id}/accept", tag = "resources", operation_id = "accept_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    responses((status = 200, body = LoanView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "No counter-proposal, expired, or a day taken")),
    security(("bearer" = [])))]
pub async fn accept_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(
        state.accept_loan(&session.actor, parse_id(&id)?).await?,
    ))
}

/// Withdraw your request before deployment; an approved loan frees its days.
#[utoipa::path(post, path = "/api/v1/loans/{id}/withdraw", tag = "resources", operation_id = "withdraw_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    responses((status = 200, body = LoanView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Deployed, returned, declined or expired")),
    security(("bearer" = [])))]
pub async fn withdraw_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(
        state.withdraw_loan(&session.actor, parse_id(&id)?).await?,
    ))
}

/// Hand the resource of an approved loan over (the lending agency).
#[utoipa::path(post, path = "/api/v1/loans/{id}/deploy", tag = "resources", operation_id = "deploy_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    responses((status = 200, body = LoanView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Not approved")),
    security(("bearer" = [])))]
pub async fn deploy_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(
        state.deploy_loan(&session.actor, parse_id(&id)?).await?,
    ))
}

/// Return a deployed resource with a usage report (the borrowing agency).
#[utoipa::path(post, path = "/api/v1/loans/{id}/return", tag = "resources", operation_id = "return_loan",
    params(("id" = uuid::Uuid, Path, description = "Loan id")),
    request_body = UsageReport,
    responses((status = 200, body = LoanView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Never deployed"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn return_loan(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(usage): JsonBody<UsageReport>,
) -> AppResult<Json<LoanView>> {
    Ok(Json(
        state
            .return_loan(&session.actor, parse_id(&id)?, usage)
            .await?,
    ))
}
