//! `/api/v1/courses`, `/sessions`, `/enrolments`, `/certificates` and
//! `/training/…`: capacity building under need-to-know, certificates as signed PDF
//! documents and their public verification.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use interdict_core::training::{
    AssessmentInput, AttendanceInput, Certificate, Course, CourseInput, Enrolment, SessionInput,
};
use interdict_service::training::{
    CourseView, HoursRow, SeatsRow, SessionSummary, SessionView, TrainingRecord, Verification,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{Auth, JsonBody, QueryParams};
use crate::api::records::parse_id;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// An officer of your agency to enrol.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The officer's user name.
    pub officer: String,
}

/// Which sessions.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionParams {
    /// Only those overlapping this month, `YYYY-MM`.
    pub month: Option<String>,
}

/// The first day of a `YYYY-MM` month.
pub fn parse_month(raw: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest(format!("month {raw:?} is not YYYY-MM")))
}

fn created<T: serde::Serialize>(body: &T, location: String) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// The courses you may see: your agency's, and partners' whose agreement with yours
/// covers training.
#[utoipa::path(get, path = "/api/v1/courses", tag = "training", operation_id = "list_courses",
    responses((status = 200, body = Vec<Course>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_courses(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Course>>> {
    Ok(Json(state.courses_for(&session.actor).await?))
}

/// Create a course hosted by your agency (trainers).
#[utoipa::path(post, path = "/api/v1/courses", tag = "training", operation_id = "create_course",
    request_body = CourseInput,
    responses((status = 201, body = Course), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_course(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(input): JsonBody<CourseInput>,
) -> AppResult<Response> {
    let course = state.create_course(&session.actor, input).await?;
    Ok(created(&course, format!("/api/v1/courses/{}", course.id)))
}

/// One course with its sessions.
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "training", operation_id = "get_course",
    params(("id" = uuid::Uuid, Path, description = "Course id")),
    responses((status = 200, body = CourseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such course, or not visible to you")),
    security(("bearer" = [])))]
pub async fn get_course(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<CourseView>> {
    Ok(Json(state.course(&session.actor, parse_id(&id)?).await?))
}

/// The sessions of the courses you may see, by first day.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "training", operation_id = "list_sessions",
    params(SessionParams),
    responses((status = 200, body = Vec<SessionSummary>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_sessions(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<SessionParams>,
) -> AppResult<Json<Vec<SessionSummary>>> {
    let month = params.month.as_deref().map(parse_month).transpose()?;
    Ok(Json(state.sessions_for(&session.actor, month).await?))
}

/// Schedule a session of a course your agency hosts, with seats per agency (trainers).
#[utoipa::path(post, path = "/api/v1/sessions", tag = "training", operation_id = "create_session",
    request_body = SessionInput,
    responses((status = 201, body = SessionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_session(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(input): JsonBody<SessionInput>,
) -> AppResult<Response> {
    let view = state.create_session(&session.actor, input).await?;
    Ok(created(
        &view,
        format!("/api/v1/sessions/{}", view.session.id),
    ))
}

/// One session: its seats per agency and the enrolments you may see.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "training", operation_id = "get_session",
    params(("id" = uuid::Uuid, Path, description = "Session id")),
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_session(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<SessionView>> {
    Ok(Json(state.session(&session.actor, parse_id(&id)?).await?))
}

/// Enrol an officer of your agency (trainers of an agency offered seats): on a free
/// seat, or on your agency's waiting list.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/enrolments", tag = "training", operation_id = "enrol",
    params(("id" = uuid::Uuid, Path, description = "Session id")),
    request_body = EnrolRequest,
    responses((status = 201, body = Enrolment), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Finished session, no seats for your agency, or enrolled already"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enrol(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<EnrolRequest>,
) -> AppResult<Response> {
    let enrolment = state
        .enrol(&session.actor, parse_id(&id)?, &request.officer)
        .await?;
    Ok(created(
        &enrolment,
        format!("/api/v1/enrolments/{}", enrolment.id),
    ))
}

/// One enrolment (the host's and the officer's agency's).
#[utoipa::path(get, path = "/api/v1/enrolments/{id}", tag = "training", operation_id = "get_enrolment",
    params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = Enrolment), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_enrolment(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Enrolment>> {
    Ok(Json(state.enrolment(&session.actor, parse_id(&id)?).await?))
}

/// Cancel an enrolment (trainers of the host or of the officer's agency); a seat it
/// held goes to the first officer of that agency on the waiting list.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/cancel", tag = "training", operation_id = "cancel_enrolment",
    params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    responses((status = 200, body = Enrolment), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Cancelled already, attended, or the session is over")),
    security(("bearer" = [])))]
pub async fn cancel_enrolment(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Enrolment>> {
    Ok(Json(
        state
            .cancel_enrolment(&session.actor, parse_id(&id)?)
            .await?,
    ))
}

/// Record whether the officer attended (trainers of the host).
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/attendance", tag = "training", operation_id = "record_attendance",
    params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    request_body = AttendanceInput,
    responses((status = 200, body = Enrolment), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Cancelled, waitlisted, assessed, or before the session"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_attendance(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<AttendanceInput>,
) -> AppResult<Json<Enrolment>> {
    Ok(Json(
        state
            .record_attendance(&session.actor, parse_id(&id)?, input)
            .await?,
    ))
}

/// Record the assessment of an officer who attended (trainers of the host); a pass
/// issues the certificate.
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/assessment", tag = "training", operation_id = "record_assessment",
    params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    request_body = AssessmentInput,
    responses((status = 200, body = Enrolment), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Not attended, cancelled, or a certificate issued on it"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_assessment(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<AssessmentInput>,
) -> AppResult<Json<Enrolment>> {
    Ok(Json(
        state
            .record_assessment(&session.actor, parse_id(&id)?, input)
            .await?,
    ))
}

/// Issue a certificate to an officer who attended and passed and holds none in force
/// (after a revocation) (trainers of the host).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/certificate", tag = "training", operation_id = "issue_certificate",
    params(("id" = uuid::Uuid, Path, description = "Enrolment id")),
    responses((status = 201, body = Certificate), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Failed, not assessed, or a certificate in force already")),
    security(("bearer" = [])))]
pub async fn issue_certificate(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let c = state
        .issue_certificate(&session.actor, parse_id(&id)?)
        .await?;
    Ok(created(
        &c,
        format!("/api/v1/certificates/{}", c.content.id),
    ))
}

/// The certificates you may see (the host's and the officer's agency's), by expiry.
#[utoipa::path(get, path = "/api/v1/certificates", tag = "training", operation_id = "list_certificates",
    responses((status = 200, body = Vec<Certificate>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_certificates(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Certificate>>> {
    Ok(Json(state.certificates_for(&session.actor).await?))
}

/// One certificate with its signed content and signature.
#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "training", operation_id = "get_certificate",
    params(("id" = uuid::Uuid, Path, description = "Certificate id")),
    responses((status = 200, body = Certificate), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_certificate(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Certificate>> {
    Ok(Json(
        state.certificate(&session.actor, parse_id(&id)?).await?,
    ))
}

/// A PDF response.
pub fn pdf_response(bytes: Vec<u8>, filename: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The certificate as a PDF document carrying its signed content and signature.
#[utoipa::path(get, path = "/api/v1/certificates/{id}/pdf", tag = "training", operation_id = "certificate_pdf",
    params(("id" = uuid::Uuid, Path, description = "Certificate id")),
    responses((status = 200, description = "The certificate", content((String = "application/pdf"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn certificate_pdf(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let pdf = state.certificate_pdf(&session.actor, id).await?;
    Ok(pdf_response(pdf, &format!("certificate-{id}.pdf")))
}

/// Revoke a certificate (trainers of the host).
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "training", operation_id = "revoke_certificate",
    params(("id" = uuid::Uuid, Path, description = "Certificate id")),
    responses((status = 200, body = Certificate), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Revoked already")),
    security(("bearer" = [])))]
pub async fn revoke_certificate(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Certificate>> {
    Ok(Json(
        state
            .revoke_certificate(&session.actor, parse_id(&id)?)
            .await?,
    ))
}

/// Whether a presented certificate PDF is genuine: signed by this node's key, known
/// to it and not revoked; and what it certifies. No login needed.
#[utoipa::path(post, path = "/api/v1/certificates/verify", tag = "training", operation_id = "verify_certificate",
    request_body(content = String, content_type = "application/pdf", description = "The certificate PDF"),
    responses((status = 200, body = Verification), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn verify_certificate(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<Verification>> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("application/pdf")
        && !media.eq_ignore_ascii_case("application/octet-stream")
    {
        return Err(AppError::UnsupportedMediaType(
            "send the certificate as application/pdf".into(),
        ));
    }
    Ok(Json(state.verify_certificate(&body).await?))
}

/// An officer's training record across agencies, as far as you may see it.
#[utoipa::path(get, path = "/api/v1/training/records/{officer}", tag = "training", operation_id = "training_record",
    params(("officer" = String, Path, description = "The officer's user name")),
    responses((status = 200, body = TrainingRecord), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn training_record(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(officer): Path<String>,
) -> AppResult<Json<TrainingRecord>> {
    Ok(Json(state.training_record(&session.actor, &officer).await?))
}

/// Hours of training attended per agency, of the enrolments you may see.
#[utoipa::path(get, path = "/api/v1/training/reports/hours", tag = "training", operation_id = "training_hours_report",
    responses((status = 200, body = Vec<HoursRow>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn hours_report(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<HoursRow>>> {
    Ok(Json(state.hours_report(&session.actor).await?))
}

/// Certificates you may see that expire in the next 90 days.
#[utoipa::path(get, path = "/api/v1/training/reports/expiring", tag = "training", operation_id = "training_expiring_report",
    responses((status = 200, body = Vec<Certificate>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn expiring_report(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Certificate>>> {
    Ok(Json(state.expiring_report(&session.actor).await?))
}

/// Seats used against seats offered, per session you may see and agency.
#[utoipa::path(get, path = "/api/v1/training/reports/seats", tag = "training", operation_id = "training_seats_report",
    responses((status = 200, body = Vec<SeatsRow>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn seats_report(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<SeatsRow>>> {
    Ok(Json(state.seats_report(&session.actor).await?))
}
