//! `/api/v1/reports` and `/api/v1/seizures`: one set of handlers per kind, written once.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use interdict_core::record::DrugType;
use interdict_core::{AgencyCode, RecordKind, RecordStatus, Subject, Tlp};
use interdict_service::deconflict::MatchedIdentifier;
use interdict_service::records::ListFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::extract::{Auth, JsonBody};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// An agency that sees a record, and why.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Audience {
    pub agency: AgencyCode,
    /// `agreement`, or `operation_or_disclosure` (a joint operation the record is
    /// attached to, or a disclosure of it).
    pub basis: AudienceBasis,
    /// The titles of the agreements in force that share the record with the agency.
    pub agreements: Vec<String>,
}

/// Why an agency sees a record.
#[derive(Debug, serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceBasis {
    Agreement,
    OperationOrDisclosure,
}

impl From<interdict_service::records::AudienceEntry> for Audience {
    fn from(entry: interdict_service::records::AudienceEntry) -> Self {
        use interdict_service::records::AudienceBasis as Basis;
        Self {
            agency: entry.agency,
            basis: match entry.basis {
                Basis::Agreement => AudienceBasis::Agreement,
                Basis::OperationOrDisclosure => AudienceBasis::OperationOrDisclosure,
            },
            agreements: entry.agreements,
        }
    }
}

/// Filters and paging of a listing.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Full-text query; all words must match (Korean and Thai match inside words).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only records of this agency, such as `KR-KCG`.
    #[param(value_type = Option<AgencyCode>)]
    pub agency: Option<String>,
    /// `draft`, `published` or `withdrawn`.
    #[param(value_type = Option<RecordStatus>)]
    pub status: Option<String>,
    /// `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT` or `RED`.
    #[param(value_type = Option<Tlp>)]
    pub tlp: Option<String>,
    /// Only records naming this drug, such as `methamphetamine`.
    #[param(value_type = Option<DrugType>)]
    pub drug: Option<String>,
    /// Seizures on or after this day.
    pub from: Option<NaiveDate>,
    /// Seizures on or before this day.
    pub to: Option<NaiveDate>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The filter of a listing, checked.
pub fn list_filter(params: &ListParams) -> AppResult<ListFilter> {
    let mut filter = ListFilter::default();
    if let Some(agency) = &params.agency {
        filter.agency =
            Some(AgencyCode::parse(agency).map_err(|e| AppError::field("agency", e.to_string()))?);
    }
    if let Some(status) = &params.status {
        filter.status =
            Some(RecordStatus::parse(status).ok_or_else(|| {
                AppError::field("status", "must be draft, published or withdrawn")
            })?);
    }
    if let Some(tlp) = &params.tlp {
        filter.tlp = Some(Tlp::parse(tlp).ok_or_else(|| {
            AppError::field("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
        })?);
    }
    if let Some(drug) = &params.drug {
        filter.drug =
            Some(DrugType::parse(drug).ok_or_else(|| AppError::field("drug", "unknown drug"))?);
    }
    filter.from = params.from;
    filter.to = params.to;
    if let Some(q) = params.q.as_deref().filter(|q| !q.trim().is_empty()) {
        if q.chars().count() > 200 {
            return Err(AppError::field("q", "must be at most 200 characters"));
        }
        filter.terms = Some(
            interdict_core::text::query_terms(q)
                .ok_or_else(|| AppError::field("q", "needs at least one letter or digit"))?,
        );
    }
    Ok(filter)
}

/// One identifier of a record: a scheme and its canonical value.
#[derive(Debug, Serialize, ToSchema)]
pub struct Identifier {
    /// `imo`, `mmsi`, `call_sign`, `container`, `phone`, `email`, `document`, …
    pub scheme: String,
    pub value: String,
}

impl From<MatchedIdentifier> for Identifier {
    fn from(m: MatchedIdentifier) -> Self {
        Identifier {
            scheme: m.scheme,
            value: m.value,
        }
    }
}

/// One field compared between a subject of this record and one of the record linked.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchedField {
    /// `family_name`, `given_name`, `name`, `birth_date`, `nationality`, `imo`, `mmsi`,
    /// `container`, …
    pub field: String,
    /// How well it agrees: for names `exact`, `equivalent`, `close`, `fuzzy`,
    /// `partial`, `different`; for identifiers `same`, `tail`, `different`; for dates
    /// `same`, `close`, `same_year`, `different`.
    pub level: String,
    /// What it adds to the score, in bits (negative where it disagrees).
    pub weight: f64,
}

/// A record you may read that shares identifiers or names with this one.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrelationLink {
    pub kind: RecordKind,
    pub id: Uuid,
    pub agency: AgencyCode,
    pub title: String,
    pub status: RecordStatus,
    pub tlp: Tlp,
    /// The identifiers both records carry.
    pub matched: Vec<Identifier>,
    /// The fields that matched (and those compared that did not), with their weights.
    pub fields: Vec<MatchedField>,
    /// The match weight in bits (log2 of the odds that the subjects are the same).
    pub score: f64,
    /// The probability of the match, from the score.
    pub probability: f64,
}

/// Another agency holds something you may not read on one of this record's
/// identifiers or names: ask them. Nothing else of it is told, not even how many
/// records or how well they match.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrelationHit {
    /// The agency that holds it.
    pub agency: AgencyCode,
    /// This record's identifier it carries; for a name, the scheme is the kind of
    /// subject (`person_name`, `organisation_name`, `vessel_name`) and the value this
    /// record's spelling of it.
    pub identifier: Identifier,
    /// Whom to contact at that agency (its duty desk).
    pub contact: String,
}

/// Why an identifier was not looked up.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A value that stands for "no value": `UNKNOWN`, MMSI `000000000`, …
    Placeholder,
    /// Carried by too many records to tell anything.
    TooCommon,
}

/// An identifier that was not looked up.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedIdentifier {
    pub identifier: Identifier,
    pub reason: SkipReason,
}

/// Who else holds something on this record's persons, companies, vessels, containers,
/// phones, documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct Correlations {
    /// Records you may read, newest first.
    pub links: Vec<CorrelationLink>,
    /// Agencies holding records you may not read, one per agency and identifier.
    pub hits: Vec<CorrelationHit>,
    /// Identifiers not looked up.
    pub skipped: Vec<SkippedIdentifier>,
}

impl From<interdict_service::deconflict::Correlations> for Correlations {
    fn from(c: interdict_service::deconflict::Correlations) -> Self {
        use interdict_service::deconflict as d;
        Correlations {
            links: c
                .links
                .into_iter()
                .map(|l| CorrelationLink {
                    kind: l.kind,
                    id: l.id,
                    agency: l.agency,
                    title: l.title,
                    status: l.status,
                    tlp: l.tlp,
                    matched: l.matched.into_iter().map(Identifier::from).collect(),
                    fields: l.fields.into_iter().map(MatchedField::from).collect(),
                    score: round(l.score),
                    probability: (l.probability * 10_000.0).round() / 10_000.0,
                })
                .collect(),
            hits: c.hits.into_iter().map(CorrelationHit::from).collect(),
            skipped: c
                .skipped
                .into_iter()
                .map(|s| SkippedIdentifier {
                    identifier: s.identifier.into(),
                    reason: match s.reason {
                        d::SkipReason::Placeholder => SkipReason::Placeholder,
                        d::SkipReason::TooCommon => SkipReason::TooCommon,
                    },
                })
                .collect(),
        }
    }
}

impl From<interdict_service::deconflict::MatchedField> for MatchedField {
    fn from(f: interdict_service::deconflict::MatchedField) -> Self {
        MatchedField {
            field: f.field,
            level: f.level,
            weight: round(f.weight),
        }
    }
}

impl From<interdict_service::deconflict::CorrelationHit> for CorrelationHit {
    fn from(h: interdict_service::deconflict::CorrelationHit) -> Self {
        CorrelationHit {
            agency: h.agency,
            identifier: h.identifier.into(),
            contact: h.contact,
        }
    }
}

/// A weight in bits to two decimals.
pub(crate) fn round(bits: f64) -> f64 {
    if bits.is_finite() {
        (bits * 100.0).round() / 100.0
    } else {
        0.0
    }
}

/// The subjects of a record being written, to learn before filing it who else holds
/// something on their identifiers and names.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrelationQuery {
    /// As in a report or seizure; at most 100.
    #[schema(max_items = 100)]
    pub subjects: Vec<Subject>,
}

/// Who else holds something on the identifiers of subjects not yet filed: the same
/// answer a filed record with these subjects would get.
#[utoipa::path(post, path = "/api/v1/correlations", tag = "search", request_body = CorrelationQuery, operation_id = "preview_correlations",
    responses((status = 200, body = Correlations), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn preview_correlations(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(query): JsonBody<CorrelationQuery>,
) -> AppResult<Json<Correlations>> {
    if query.subjects.len() > 100 {
        return Err(AppError::field("subjects", "at most 100 subjects"));
    }
    let found = state
        .correlations_for_subjects(&session.actor, &query.subjects)
        .await?;
    Ok(Json(found.into()))
}

/// Why a record is withdrawn.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    #[serde(default)]
    pub reason: String,
}

/// Parses a record id from the path; a malformed id names no record.
pub fn parse_id(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// The version named by `If-Match: "3"`.
pub fn if_match(headers: &HeaderMap) -> AppResult<i64> {
    let value = headers.get(header::IF_MATCH).ok_or_else(|| {
        AppError::PreconditionRequired(
            "send If-Match with the version you changed, as in If-Match: \"3\"".into(),
        )
    })?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            AppError::BadRequest("If-Match must be a version number in quotes, as in \"3\"".into())
        })
}

/// A JSON response with the record's version as its ETag.
pub fn with_etag<T: serde::Serialize>(
    status: StatusCode,
    version: i64,
    body: &T,
    location: Option<String>,
) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

macro_rules! record_api {
    ($module:ident, $record:ty, $input:ty, $page:ident, $path:literal, $tag:literal, $noun:literal) => {
        pub mod $module {
            use axum::extract::{Path, State};
            use axum::http::{HeaderMap, StatusCode};
            use axum::response::Response;
            use axum::Json;
            use serde::Serialize;
            use utoipa::ToSchema;

            use super::{if_match, list_filter, parse_id, with_etag, Correlations, ListParams, WithdrawRequest};
            use crate::api::attachments::{read_upload, UploadParams};
            use crate::api::extract::{Auth, JsonBody, QueryParams};
            use crate::error::{AppResult, ErrorBody};
            use interdict_service::attachments::RecordAttachment;
            use crate::AppState;
use interdict_service::check_limit;

            /// A page of records, newest first.
            #[derive(Debug, Serialize, ToSchema)]
            pub struct $page {
                pub items: Vec<$record>,
                /// Pass as `cursor` for the next page; null on the last page.
                #[schema(required = true)]
                pub next_cursor: Option<String>,
                /// Matching records in all, counted up to 1,000.
                pub total: i64,
                /// Whether `total` stopped at 1,000.
                pub total_capped: bool,
            }

            #[utoipa::path(get, path = $path, tag = $tag, params(ListParams), operation_id = concat!("list_", $noun, "s"),
                summary = concat!("List the ", $noun, "s you may see"),
                responses((status = 200, body = $page), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn list(State(state): State<AppState>, Auth(session): Auth, QueryParams(params): QueryParams<ListParams>) -> AppResult<Json<$page>> {
                let filter = list_filter(&params)?;
                let limit = check_limit(params.limit)?;
                let page = state.list_records::<$record>(&session.actor, &filter, params.cursor.as_deref(), limit).await?;
                Ok(Json($page {
                    items: page.items,
                    next_cursor: page.next_cursor,
                    total: page.total,
                    total_capped: page.total_capped,
                }))
            }

            #[utoipa::path(post, path = $path, tag = $tag, request_body = $input, operation_id = concat!("create_", $noun),
                summary = concat!("Create a ", $noun, " of your agency"),
                responses((status = 201, body = $record, headers(("ETag" = String, description = "The version, for If-Match"), ("Location" = String, description = "The new record's address"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn create(State(state): State<AppState>, Auth(session): Auth, JsonBody(input): JsonBody<$input>) -> AppResult<Response> {
                let record = state.create_record::<$record>(&session.actor, input).await?;
                let location = format!("{}/{}", $path, record.id);
                Ok(with_etag(StatusCode::CREATED, record.version, &record, Some(location)))
            }

            #[utoipa::path(get, path = concat!($path, "/{id}"), tag = $tag, operation_id = concat!("get_", $noun),
                params(("id" = uuid::Uuid, Path, description = "Record id")),
                summary = concat!("Read one ", $noun),
                responses((status = 200, body = $record, headers(("ETag" = String, description = "The version, for If-Match"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such record, or not visible to you")),
                security(("bearer" = [])))]
            pub async fn get(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>) -> AppResult<Response> {
                let record = state.get_record::<$record>(&session.actor, parse_id(&id)?).await?;
                Ok(with_etag(StatusCode::OK, record.version, &record, None))
            }

            #[utoipa::path(put, path = concat!($path, "/{id}"), tag = $tag, request_body = $input, operation_id = concat!("update_", $noun),
                params(("id" = uuid::Uuid, Path, description = "Record id"), ("If-Match" = String, Header, description = "The version you changed, as in \"3\"")),
                summary = concat!("Replace a ", $noun, " of your agency with a new version"),
                responses((status = 200, body = $record, headers(("ETag" = String, description = "The new version, for If-Match"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Changed by someone else meanwhile"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn update(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>, headers: HeaderMap, JsonBody(input): JsonBody<$input>) -> AppResult<Response> {
                let version = if_match(&headers)?;
                let record = state.update_record::<$record>(&session.actor, parse_id(&id)?, version, input).await?;
                Ok(with_etag(StatusCode::OK, record.version, &record, None))
            }

            #[utoipa::path(post, path = concat!($path, "/{id}/withdraw"), tag = $tag, request_body = WithdrawRequest, operation_id = concat!("withdraw_", $noun),
                params(("id" = uuid::Uuid, Path, description = "Record id")),
                summary = concat!("Withdraw a ", $noun, ": partners stop seeing it"),
                responses((status = 200, body = $record, headers(("ETag" = String, description = "The new version"))), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already withdrawn"), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn withdraw(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>, JsonBody(request): JsonBody<WithdrawRequest>) -> AppResult<Response> {
                let record = state.withdraw_record::<$record>(&session.actor, parse_id(&id)?, &request.reason).await?;
                Ok(with_etag(StatusCode::OK, record.version, &record, None))
            }

            #[utoipa::path(get, path = concat!($path, "/{id}/versions"), tag = $tag, operation_id = concat!($noun, "_versions"),
                params(("id" = uuid::Uuid, Path, description = "Record id")),
                summary = concat!("Earlier versions of a ", $noun, " of your agency"),
                responses((status = 200, body = Vec<$record>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn versions(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>) -> AppResult<Json<Vec<$record>>> {
                let versions = state.record_history::<$record>(&session.actor, parse_id(&id)?).await?;
                Ok(Json(versions.into_iter().map(|v| v.record).collect()))
            }

            #[utoipa::path(get, path = concat!($path, "/{id}/audience"), tag = $tag, operation_id = concat!($noun, "_audience"),
                params(("id" = uuid::Uuid, Path, description = "Record id")),
                summary = concat!("Which other agencies see a ", $noun, " of your agency now, and by what"),
                responses((status = 200, body = Vec<crate::api::records::Audience>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn audience(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>) -> AppResult<Json<Vec<crate::api::records::Audience>>> {
                let audience = state.audience::<$record>(&session.actor, parse_id(&id)?).await?;
                Ok(Json(audience.into_iter().map(crate::api::records::Audience::from).collect()))
            }

            #[utoipa::path(get, path = concat!($path, "/{id}/correlations"), tag = $tag, operation_id = concat!($noun, "_correlations"),
                params(("id" = uuid::Uuid, Path, description = "Record id")),
                summary = concat!("Who else holds something on the identifiers of a ", $noun),
                description = "Records you may read that share an identifier (IMO, MMSI, call sign, container, phone, e-mail, document, …) are links; records of another agency you may not read, where an agreement binds your agencies, are hits naming only the agency, the identifier and whom to contact, and the owner's audit log records that you asked. Placeholder and over-common values are skipped.",
                responses((status = 200, body = Correlations), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such record, or not visible to you")),
                security(("bearer" = [])))]
            pub async fn correlations(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>) -> AppResult<Json<Correlations>> {
                let found = state.correlations::<$record>(&session.actor, parse_id(&id)?).await?;
                Ok(Json(found.into()))
            }

            #[utoipa::path(get, path = concat!($path, "/{id}/attachments"), tag = $tag, operation_id = concat!($noun, "_attachments"),
                params(("id" = uuid::Uuid, Path, description = "Record id")),
                summary = concat!("The files attached to a ", $noun, ", oldest first"),
                responses((status = 200, body = Vec<RecordAttachment>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such record, or not visible to you")),
                security(("bearer" = [])))]
            pub async fn attachments(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>) -> AppResult<Json<Vec<RecordAttachment>>> {
                Ok(Json(state.record_attachments::<$record>(&session.actor, parse_id(&id)?).await?))
            }

            #[utoipa::path(post, path = concat!($path, "/{id}/attachments"), tag = $tag, operation_id = concat!("add_", $noun, "_attachment"),
                params(("id" = uuid::Uuid, Path, description = "Record id"), UploadParams),
                request_body(content = String, content_type = "application/octet-stream", description = "The file's bytes: a JPEG, PNG, GIF or WebP picture, a PDF or plain UTF-8 text, at most 10 MiB. Its type is found from its content; the declared type and the name's extension are not believed."),
                summary = concat!("Attach a photo or document to a ", $noun, " of your agency"),
                description = "For officers of the owning agency who may change the record. A picture gets a thumbnail; a picture over 12,000 pixels a side or 50 megapixels is refused (`image_too_large`). A record holds at most 20 files (`too_many_attachments`).",
                responses((status = 201, body = RecordAttachment), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The record is withdrawn or holds 20 files"), (status = 413, body = ErrorBody, description = "Over 10 MiB, or a picture too large"), (status = 415, body = ErrorBody, description = "Content of no type taken"), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn add_attachment(State(state): State<AppState>, Auth(session): Auth, Path(id): Path<String>, QueryParams(params): QueryParams<UploadParams>, body: axum::body::Body) -> AppResult<(StatusCode, Json<RecordAttachment>)> {
                let id = parse_id(&id)?;
                let content = read_upload(body).await?;
                let added = state.add_attachment::<$record>(&session.actor, id, &params.filename, content).await?;
                Ok((StatusCode::CREATED, Json(added)))
            }
        }
    };
}

record_api!(
    reports,
    interdict_core::Report,
    interdict_core::ReportInput,
    ReportPage,
    "/api/v1/reports",
    "reports",
    "report"
);
record_api!(
    seizures,
    interdict_core::Seizure,
    interdict_core::SeizureInput,
    SeizurePage,
    "/api/v1/seizures",
    "seizures",
    "seizure"
);
