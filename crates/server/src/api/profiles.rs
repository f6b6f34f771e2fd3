//! `/api/v1/profiles`: one subject as every record the caller may see knows it.

use axum::extract::{Path, State};
use axum::Json;
use interdict_core::alert::Alert;
use interdict_core::operation::OperationStatus;
use interdict_core::record::RecordKind;
use interdict_core::subject::Subject;
use interdict_core::{AgencyCode, RecordStatus, Tlp};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::extract::Auth;
use crate::api::records::{parse_id, round, CorrelationHit, Identifier, MatchedField};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// One record of a profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileRecord {
    pub kind: RecordKind,
    pub id: Uuid,
    pub agency: AgencyCode,
    pub title: String,
    pub status: RecordStatus,
    pub tlp: Tlp,
    /// The record's subjects that are the profile's subject.
    pub subjects: Vec<Subject>,
    /// The identifiers it shares with the subject the profile starts from.
    pub matched: Vec<Identifier>,
    /// The fields compared, with their weights (empty for the record the profile
    /// starts from).
    pub fields: Vec<MatchedField>,
    /// The match weight in bits; absent for the record the profile starts from.
    pub score: Option<f64>,
    pub probability: Option<f64>,
}

/// An operation that targets the subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileOperation {
    pub id: Uuid,
    pub code_name: String,
    pub lead_agency: AgencyCode,
    pub status: OperationStatus,
}

/// A person, organisation, vessel, container, phone … as every record you may see
/// knows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Profile {
    /// The subject the profile starts from.
    pub subject: Subject,
    /// Every spelling of its name across the records.
    pub spellings: Vec<String>,
    /// Its identifiers across the records.
    pub identifiers: Vec<Identifier>,
    /// The record it starts from, first, then the others, strongest match first.
    pub records: Vec<ProfileRecord>,
    /// The vessels' MMSIs: their tracks are at `/api/v1/vessels/{mmsi}`.
    pub mmsi: Vec<u32>,
    /// Alerts on those vessels, or raised on a report of the profile.
    pub alerts: Vec<Alert>,
    /// Operations that target the subject.
    pub operations: Vec<ProfileOperation>,
    /// Agencies holding records you may not read on the subject: whom to call.
    pub hits: Vec<CorrelationHit>,
}

impl From<interdict_service::profiles::Profile> for Profile {
    fn from(p: interdict_service::profiles::Profile) -> Self {
        Profile {
            subject: p.subject,
            spellings: p.spellings,
            identifiers: p
                .identifiers
                .into_iter()
                .map(|(scheme, value)| Identifier { scheme, value })
                .collect(),
            records: p
                .records
                .into_iter()
                .map(|r| {
                    let (matched, fields, score, probability) = match r.link {
                        Some(link) => (
                            link.matched.into_iter().map(Identifier::from).collect(),
                            link.fields.into_iter().map(MatchedField::from).collect(),
                            Some(round(link.score)),
                            Some((link.probability * 10_000.0).round() / 10_000.0),
                        ),
                        None => (Vec::new(), Vec::new(), None, None),
                    };
                    ProfileRecord {
                        kind: r.summary.kind,
                        id: r.summary.id,
                        agency: r.summary.agency,
                        title: r.summary.title,
                        status: r.summary.status,
                        tlp: r.summary.tlp,
                        subjects: r.subjects,
                        matched,
                        fields,
                        score,
                        probability,
                    }
                })
                .collect(),
            mmsi: p.mmsi,
            alerts: p.alerts,
            operations: p
                .operations
                .into_iter()
                .map(|o| ProfileOperation {
                    id: o.id,
                    code_name: o.code_name,
                    lead_agency: o.lead_agency,
                    status: o.status,
                })
                .collect(),
            hits: p.hits.into_iter().map(CorrelationHit::from).collect(),
        }
    }
}

/// `reports` or `seizures`, as in the records' own paths.
pub(crate) fn record_kind(raw: &str) -> Result<RecordKind, AppError> {
    match raw {
        "reports" => Ok(RecordKind::Report),
        "seizures" => Ok(RecordKind::Seizure),
        _ => Err(AppError::from(interdict_service::ServiceError::NotFound)),
    }
}

/// The profile of one subject of a record: every record you may see that names the
/// same person, organisation, vessel, container or phone (by identifier or by a name
/// alike in any script and spelling), with the subjects that matched and why; the
/// vessel's alerts; the operations that target it; and, for records of other
/// agencies you may not read, only who holds something and whom to call.
#[utoipa::path(get, path = "/api/v1/profiles/{kind}/{id}/{subject}", tag = "search", operation_id = "get_profile",
    params(
        ("kind" = String, Path, description = "`reports` or `seizures`"),
        ("id" = uuid::Uuid, Path, description = "Record id"),
        ("subject" = usize, Path, description = "The subject's position in the record's subjects, from 0"),
    ),
    responses((status = 200, body = Profile), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such record or subject, or not visible to you")),
    security(("bearer" = [])))]
pub async fn get_profile(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path((kind, id, subject)): Path<(String, String, String)>,
) -> AppResult<Json<Profile>> {
    let kind = record_kind(&kind)?;
    let index: usize = subject
        .parse()
        .map_err(|_| AppError::from(interdict_service::ServiceError::NotFound))?;
    let profile = state
        .profile(&session.actor, kind, parse_id(&id)?, index)
        .await?;
    Ok(Json(profile.into()))
}
