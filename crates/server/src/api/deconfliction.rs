//! `/api/v1/deconfliction`: the hits on the records of the reader's agency, and the
//! owner's answer to each (disclose the record to the asking agency until a day, or
//! decline with a message); and, for the asking agency, where its hits stand.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::{AgencyCode, RecordKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::extract::{Auth, JsonBody};
use crate::api::records::{parse_id, Identifier};
use crate::error::{AppResult, ErrorBody};
use crate::AppState;

/// A record of your agency that an officer of another agency matched without being
/// allowed to read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Hit {
    pub id: Uuid,
    /// When it was first matched.
    pub at: DateTime<Utc>,
    /// Your record.
    pub record: HitRecord,
    /// The agency that matched it.
    pub requester_agency: AgencyCode,
    /// The officer who matched it.
    pub requester: String,
    /// On what: the asking officer's identifier, or the kind of subject and the asking
    /// officer's spelling of the name (`person_name`, `organisation_name`,
    /// `vessel_name`).
    pub matched: Identifier,
    /// The asking officer's record, when the match was made for one.
    pub from_record: Option<Uuid>,
    /// `open`, `disclosed` or `declined`.
    pub state: String,
    /// The message sent with a refusal.
    pub message: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The last day of the disclosure made in answer.
    pub until: Option<NaiveDate>,
}

/// A record of yours that was matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitRecord {
    pub kind: RecordKind,
    pub id: Uuid,
    pub title: String,
}

impl From<interdict_service::deconflict::OwnerHit> for Hit {
    fn from(h: interdict_service::deconflict::OwnerHit) -> Self {
        let row = h.row;
        Hit {
            id: row.id,
            at: row.at,
            record: HitRecord {
                kind: row.kind,
                id: row.record,
                title: h.title,
            },
            requester_agency: row.requester_agency,
            requester: row.requester,
            matched: Identifier {
                scheme: row.scheme,
                value: row.value,
            },
            from_record: row.from_record,
            state: row.state,
            message: row.message,
            answered_by: row.answered_by,
            answered_at: row.answered_at,
            until: row.until,
        }
    }
}

/// Where a hit your agency was told of stands: one per owning agency and identifier or
/// name, as it was told.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitAnswer {
    /// The agency that holds something.
    pub agency: AgencyCode,
    /// Your identifier or name.
    pub identifier: Identifier,
    /// When your agency was first told.
    pub at: DateTime<Utc>,
    /// `open`, `disclosed` (you may read the record until `until`: it is now among
    /// the links of your record), `expired` or `declined` (see `message`).
    pub state: String,
    pub message: String,
    pub until: Option<NaiveDate>,
}

impl From<interdict_service::deconflict::HitAnswer> for HitAnswer {
    fn from(a: interdict_service::deconflict::HitAnswer) -> Self {
        HitAnswer {
            agency: a.agency,
            identifier: a.identifier.into(),
            at: a.at,
            state: a.state.as_str().to_owned(),
            message: a.message,
            until: a.until,
        }
    }
}

/// Disclose the record to the asking agency until a day (inclusive, within a year).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscloseRequest {
    pub until: NaiveDate,
}

/// Decline, with a message the asking agency reads.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    /// At most 2000 characters.
    #[schema(max_length = 2000)]
    pub message: String,
}

/// The hits on the records of your agency (at most 500): those awaiting an answer first,
/// then the answered ones, each newest first.
#[utoipa::path(get, path = "/api/v1/deconfliction/hits", tag = "search", operation_id = "list_hits",
    responses((status = 200, body = Vec<Hit>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_hits(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Hit>>> {
    let hits = state.hits_on_my_records(&session.actor).await?;
    Ok(Json(hits.into_iter().map(Hit::from).collect()))
}

/// Answer a hit by disclosing the record to the asking agency until a day.
#[utoipa::path(post, path = "/api/v1/deconfliction/hits/{id}/disclose", tag = "search", operation_id = "disclose_on_hit",
    params(("id" = uuid::Uuid, Path, description = "Hit id")),
    request_body = DiscloseRequest,
    responses((status = 200, body = Hit), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disclose_on_hit(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<DiscloseRequest>,
) -> AppResult<Json<Hit>> {
    let hit = state
        .disclose_on_hit(&session.actor, parse_id(&id)?, request.until)
        .await?;
    Ok(Json(hit.into()))
}

/// Answer a hit by declining, with a message the asking agency reads.
#[utoipa::path(post, path = "/api/v1/deconfliction/hits/{id}/decline", tag = "search", operation_id = "decline_hit",
    params(("id" = uuid::Uuid, Path, description = "Hit id")),
    request_body = DeclineRequest,
    responses((status = 200, body = Hit), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn decline_hit(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<DeclineRequest>,
) -> AppResult<Json<Hit>> {
    let hit = state
        .decline_hit(&session.actor, parse_id(&id)?, &request.message)
        .await?;
    Ok(Json(hit.into()))
}

/// Where the hits your agency was told of stand: open, disclosed, expired or declined
/// (with the owner's message).
#[utoipa::path(get, path = "/api/v1/deconfliction/answers", tag = "search", operation_id = "list_hit_answers",
    responses((status = 200, body = Vec<HitAnswer>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_hit_answers(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<HitAnswer>>> {
    let answers = state.my_hit_answers(&session.actor).await?;
    Ok(Json(answers.into_iter().map(HitAnswer::from).collect()))
}
