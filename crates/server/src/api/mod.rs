//! The JSON API under `/api/v1`, described by the OpenAPI document that the routes
//! themselves produce (so the two cannot drift apart).

pub mod admin;
pub mod attachments;
pub mod deconfliction;
pub mod extract;
pub mod maritime;
pub mod operations;
pub mod profiles;
pub mod records;
pub mod resources;
pub mod stats;
pub mod training;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::agency::Agency;
use interdict_core::audit::AuditEntry;
use interdict_core::record::{DrugType, RecordKind};
use interdict_core::{AgencyCode, Agreement, RecordStatus, RoleSet, Tlp, Username};
use interdict_service::TokenKind;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;
use extract::{Auth, ClientAddr, JsonBody, QueryParams};
use interdict_service::audit::AuditQuery;
use interdict_service::check_limit;
use records::{list_filter, ListParams};

/// Username and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

/// A bearer token and who it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: Me,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub username: Username,
    pub display_name: String,
    pub agency: AgencyCode,
    pub roles: RoleSet,
}

/// Exchange a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "Too many failed attempts")))]
pub async fn create_token(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    JsonBody(request): JsonBody<TokenRequest>,
) -> AppResult<(StatusCode, Json<TokenResponse>)> {
    if request.username.len() > 200 || request.password.len() > 1024 {
        return Err(AppError::Unauthorized("wrong username or password".into()));
    }
    let (token, expires_at, session) = state
        .login(
            &request.username,
            &request.password,
            &client,
            TokenKind::Api,
        )
        .await?;
    let user = Me {
        username: session.actor.username,
        display_name: session.display_name,
        agency: session.actor.agency,
        roles: session.actor.roles,
    };
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse {
            token,
            expires_at,
            user,
        }),
    ))
}

/// Revoke the token used for this request.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(_): Auth,
    headers: axum::http::HeaderMap,
) -> AppResult<StatusCode> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    state.logout(token.trim()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn me(Auth(session): Auth) -> Json<Me> {
    Json(Me {
        username: session.actor.username,
        display_name: session.display_name,
        agency: session.actor.agency,
        roles: session.actor.roles,
    })
}

/// The agencies this node knows.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies",
    responses((status = 200, body = Vec<Agency>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn agencies(
    State(state): State<AppState>,
    Auth(_): Auth,
) -> AppResult<Json<Vec<Agency>>> {
    Ok(Json(state.agencies().await?))
}

/// An agreement as listed, with whether it is in force today.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    #[serde(flatten)]
    pub agreement: Agreement,
    pub in_force: bool,
}

/// The agreements that bind your agency.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "agencies",
    responses((status = 200, body = Vec<AgreementView>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn agreements(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<AgreementView>>> {
    let today = state.today();
    let list = state.agreements_for(&session.actor).await?;
    Ok(Json(
        list.into_iter()
            .map(|a| AgreementView {
                in_force: a.in_force(today),
                agreement: a,
            })
            .collect(),
    ))
}

/// Search parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to find, all of which must match. Korean, Thai and Chinese or
    /// Japanese match inside words; other words of three letters or more match as
    /// prefixes (`contain` finds `container`), shorter ones as whole words.
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
    /// `report` or `seizure`; both when absent.
    #[param(value_type = Option<RecordKind>)]
    pub kind: Option<String>,
    /// Only records of this agency, such as `KR-KCG`.
    #[param(value_type = Option<AgencyCode>)]
    pub agency: Option<String>,
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

/// A search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub kind: RecordKind,
    pub id: Uuid,
    pub agency: AgencyCode,
    pub title: String,
    pub status: RecordStatus,
    pub tlp: Tlp,
    /// The day of a seizure; null for a report.
    #[schema(required = true)]
    pub occurred_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

impl From<interdict_service::records::RecordSummary> for SearchHit {
    fn from(s: interdict_service::records::RecordSummary) -> Self {
        SearchHit {
            kind: s.kind,
            id: s.id,
            agency: s.agency,
            title: s.title,
            status: s.status,
            tlp: s.tlp,
            occurred_on: s.occurred_on,
            updated_at: s.updated_at,
        }
    }
}

/// A page of search results, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    pub items: Vec<SearchHit>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    pub total: i64,
    pub total_capped: bool,
}

/// Search reports and seizures you may see.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn search(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<SearchParams>,
) -> AppResult<Json<SearchPage>> {
    let kind = match params.kind.as_deref() {
        None | Some("") => None,
        Some("report") => Some(RecordKind::Report),
        Some("seizure") => Some(RecordKind::Seizure),
        Some(_) => return Err(AppError::field("kind", "must be report or seizure")),
    };
    let list = ListParams {
        agency: params.agency,
        drug: params.drug,
        from: params.from,
        to: params.to,
        ..ListParams::default()
    };
    let filter = list_filter(&list)?;
    let limit = check_limit(params.limit)?;
    let page = state
        .search(
            &session.actor,
            &params.q,
            kind,
            filter,
            params.cursor.as_deref(),
            limit,
        )
        .await?;
    Ok(Json(SearchPage {
        items: page
            .items
            .into_iter()
            .map(|s| SearchHit {
                kind: s.kind,
                id: s.id,
                agency: s.agency,
                title: s.title,
                status: s.status,
                tlp: s.tlp,
                occurred_on: s.occurred_on,
                updated_at: s.updated_at,
            })
            .collect(),
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

/// A name to look for.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NameParams {
    /// A person's, company's or vessel's name in any script or spelling.
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
}

/// A subject of a record you may read whose name is like the one asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct NameMatch {
    /// `person`, `organisation` or `vessel`.
    pub kind: String,
    /// The name as the record writes it.
    pub name: String,
    /// The match weight in bits (log2 of the odds).
    pub score: f64,
    pub probability: f64,
    /// The subject's position among the record's subjects: its profile is
    /// `/api/v1/profiles/{reports|seizures}/{record}/{subject}`.
    pub subject: usize,
    pub record: SearchHit,
}

/// Persons, companies and vessels named like `q` in any script or spelling (`박성민`
/// finds `Park Sung-min`), in the records you may read, strongest first (at most 50).
#[utoipa::path(get, path = "/api/v1/names", tag = "search", params(NameParams),
    responses((status = 200, body = Vec<NameMatch>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn names(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<NameParams>,
) -> AppResult<Json<Vec<NameMatch>>> {
    let hits = state.names_like(&session.actor, &params.q).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| NameMatch {
                kind: h.kind,
                name: h.name,
                score: h.score,
                probability: h.probability,
                subject: h.subject,
                record: h.record.into(),
            })
            .collect(),
    ))
}

/// Audit paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Entries before this sequence number (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Entries by this user.
    pub actor: Option<String>,
    /// Entries whose actor or target belongs to this agency.
    pub agency: Option<String>,
    /// Entries of this action (`report.read`) or family of actions (`report`).
    pub action: Option<String>,
    /// Entries about this id: as their target, or among the records a read lists.
    pub target: Option<String>,
    /// Entries on or after this day (UTC).
    pub from: Option<chrono::NaiveDate>,
    /// Entries on or before this day (UTC).
    pub to: Option<chrono::NaiveDate>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageBody {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next page; null on the last page.
    #[schema(required = true)]
    pub next_before: Option<i64>,
}

/// The audit entries that concern your agency (agency admins and auditors).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPageBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<AuditParams>,
) -> AppResult<Json<AuditPageBody>> {
    let limit = check_limit(params.limit)?;
    let filter = AuditQuery {
        actor: params.actor,
        agency: params.agency,
        action: params.action,
        target: params.target,
        from: params.from,
        to: params.to,
    }
    .filter()?;
    let page = state
        .audit_page(&session.actor, filter, params.before, limit)
        .await?;
    Ok(Json(AuditPageBody {
        entries: page.entries,
        next_before: page.next_before,
    }))
}

/// This node's public key and the latest signed checkpoint of its audit log, for
/// partners and operators to verify with.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeInfo {
    /// The node's Ed25519 public key, hex.
    pub public_key: String,
    /// The latest checkpoint: the chain's length and head hash, signed by the key.
    pub checkpoint: interdict_core::audit::Checkpoint,
}

/// This node's public key and its latest audit checkpoint.
#[utoipa::path(get, path = "/api/v1/node", tag = "audit",
    responses((status = 200, body = NodeInfo), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn node(State(state): State<AppState>, Auth(_): Auth) -> AppResult<Json<NodeInfo>> {
    let checkpoint = state.checkpoint_now().await?;
    Ok(Json(NodeInfo {
        public_key: state.node_key(),
        checkpoint,
    }))
}

/// Where to read the change feed from.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// The `next` of the previous answer; absent to start from now.
    pub after: Option<String>,
    /// Seconds to wait for a change when there is none yet, 0 to 30 (default 0).
    pub wait: Option<u64>,
    /// At most this many changes, 1 to 500 (default 100).
    pub limit: Option<usize>,
}

/// A change you may know of.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeItem {
    /// `report`, `seizure`, … (what was changed).
    pub kind: String,
    pub id: Uuid,
    /// `upsert`: new or changed and visible to you (read it to see it; reads are
    /// audited); `removed`: no longer visible to you.
    pub event: String,
    pub at: DateTime<Utc>,
    /// Resume after this change.
    pub position: String,
}

/// Changes after a position.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesPage {
    pub items: Vec<ChangeItem>,
    /// Pass as `after` to continue.
    pub next: String,
}

/// The changes you may know of, in order, resumable from the `next` position.
#[utoipa::path(get, path = "/api/v1/changes", tag = "changes", params(ChangesParams),
    responses((status = 200, body = ChangesPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn changes(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<ChangesParams>,
) -> AppResult<Json<ChangesPage>> {
    let wait = params.wait.unwrap_or(0);
    if wait > 30 {
        return Err(AppError::field("wait", "must be between 0 and 30"));
    }
    let limit = params.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::field("limit", "must be between 1 and 500"));
    }
    let principal = interdict_core::policy::Principal::User(session.actor.clone());
    let (items, next) = state
        .feed_after(
            &principal,
            params.after.as_deref(),
            limit,
            std::time::Duration::from_secs(wait),
        )
        .await?;
    Ok(Json(ChangesPage {
        items: items
            .into_iter()
            .map(|i| ChangeItem {
                kind: i.kind.as_str().to_owned(),
                id: i.id,
                event: i.event.as_str().to_owned(),
                at: i.at,
                position: i.position,
            })
            .collect(),
        next,
    }))
}

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Interdict", description = "The API of an Interdict node: intelligence reports, seizures, agreements and search, under need-to-know."),
    modifiers(&BearerScheme),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The API routes and the OpenAPI document describing exactly them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(create_token, revoke_token))
        .routes(routes!(me))
        .routes(routes!(agencies))
        .routes(routes!(agreements))
        .routes(routes!(search))
        .routes(routes!(names))
        .routes(routes!(stats::seizures))
        .routes(routes!(records::preview_correlations))
        .routes(routes!(deconfliction::list_hits))
        .routes(routes!(deconfliction::disclose_on_hit))
        .routes(routes!(deconfliction::decline_hit))
        .routes(routes!(deconfliction::list_hit_answers))
        .routes(routes!(
            operations::list_operations,
            operations::create_operation
        ))
        .routes(routes!(
            operations::get_operation,
            operations::update_operation
        ))
        .routes(routes!(operations::add_officer))
        .routes(routes!(operations::remove_officer))
        .routes(routes!(operations::attach_record))
        .routes(routes!(operations::list_messages, operations::post_message))
        .routes(routes!(operations::get_attachment))
        .routes(routes!(operations::operation_tally))
        .routes(routes!(operations::operation_seizures_csv))
        .routes(routes!(training::list_courses, training::create_course))
        .routes(routes!(training::get_course))
        .routes(routes!(training::list_sessions, training::create_session))
        .routes(routes!(training::get_session))
        .routes(routes!(training::enrol))
        .routes(routes!(training::get_enrolment))
        .routes(routes!(training::cancel_enrolment))
        .routes(routes!(training::record_attendance))
        .routes(routes!(training::record_assessment))
        .routes(routes!(training::issue_certificate))
        .routes(routes!(training::list_certificates))
        .routes(routes!(training::verify_certificate))
        .routes(routes!(training::get_certificate))
        .routes(routes!(training::certificate_pdf))
        .routes(routes!(training::revoke_certificate))
        .routes(routes!(training::training_record))
        .routes(routes!(training::hours_report))
        .routes(routes!(training::expiring_report))
        .routes(routes!(training::seats_report))
        .routes(routes!(
            resources::list_resources,
            resources::create_resource
        ))
        .routes(routes!(resources::available_resources))
        .routes(routes!(
            resources::get_resource,
            resources::update_resource,
            resources::delete_resource
        ))
        .routes(routes!(
            resources::resource_calendar,
            resources::add_calendar_entry
        ))
        .routes(routes!(resources::delete_calendar_entry))
        .routes(routes!(resources::list_loans, resources::request_loan))
        .routes(routes!(resources::get_loan))
        .routes(routes!(resources::approve_loan))
        .routes(routes!(resources::decline_loan))
        .routes(routes!(resources::counter_loan))
        .routes(routes!(resources::accept_loan))
        .routes(routes!(resources::withdraw_loan))
        .routes(routes!(resources::deploy_loan))
        .routes(routes!(resources::return_loan))
        .routes(routes!(audit))
        .routes(routes!(node))
        .routes(routes!(changes))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::set_password))
        .routes(routes!(admin::set_roles))
        .routes(routes!(admin::disable_user))
        .routes(routes!(admin::enable_user))
        .routes(routes!(admin::list_tokens, admin::create_token))
        .routes(routes!(admin::revoke_token))
        .routes(routes!(admin::end_agreement))
        .routes(routes!(maritime::list_sources, maritime::create_source))
        .routes(routes!(maritime::source_stats))
        .routes(routes!(maritime::list_vessels))
        .routes(routes!(maritime::get_vessel))
        .routes(routes!(maritime::list_tracks))
        .routes(routes!(maritime::list_areas, maritime::create_area))
        .routes(routes!(maritime::delete_area))
        .routes(routes!(maritime::list_alerts))
        .routes(routes!(maritime::get_alert))
        .routes(routes!(maritime::step_alert))
        .routes(routes!(maritime::stream))
        .routes(routes!(records::reports::list, records::reports::create))
        .routes(routes!(records::reports::get, records::reports::update))
        .routes(routes!(records::reports::withdraw))
        .routes(routes!(records::reports::versions))
        .routes(routes!(records::reports::audience))
        .routes(routes!(records::reports::correlations))
        .routes(routes!(
            records::reports::attachments,
            records::reports::add_attachment
        ))
        .routes(routes!(records::seizures::list, records::seizures::create))
        .routes(routes!(records::seizures::get, records::seizures::update))
        .routes(routes!(records::seizures::withdraw))
        .routes(routes!(records::seizures::versions))
        .routes(routes!(records::seizures::audience))
        .routes(routes!(records::seizures::correlations))
        .routes(routes!(profiles::get_profile))
        .routes(routes!(
            records::seizures::attachments,
            records::seizures::add_attachment
        ))
        .routes(routes!(attachments::get_attachment))
        .routes(routes!(attachments::get_thumbnail))
        .split_for_parts()
}
