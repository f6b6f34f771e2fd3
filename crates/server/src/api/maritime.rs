//! The maritime picture in the API: sources, vessels, tracks, areas, alerts, and a live
//! stream (Server-Sent Events) of positions and alerts, resumable after a disconnect.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use interdict_core::alert::{Alert, AlertOutcome, AlertState};
use interdict_core::policy::{DataKind, Principal};
use interdict_core::{AgencyCode, Tlp};
use interdict_service::maritime::BoundingBox;
use interdict_service::maritime::{AreaView, Source, SourceStats, TrackPointView, VesselView};
use interdict_service::records::ListFilter;
use interdict_service::{check_limit, Session};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::extract::{Auth, JsonBody, QueryParams};
use crate::api::records::{if_match, parse_id, with_etag};
use crate::api::SearchHit;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// A surveillance source.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceBody {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub name: String,
    /// `file`, `tcp_client`, `tcp_listener`, `udp` or `nats`.
    pub kind: String,
    /// Shown to the owning agency only.
    pub address: Option<String>,
    pub tlp: Tlp,
    pub enabled: bool,
}

impl From<Source> for SourceBody {
    fn from(s: Source) -> Self {
        SourceBody {
            id: s.id,
            agency: s.agency,
            name: s.name,
            kind: s.kind,
            address: s.address,
            tlp: s.tlp,
            enabled: s.enabled,
        }
    }
}

/// A source to add to your agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSource {
    pub name: String,
    /// `file` (a path, optionally `?speed=recorded|max|<multiple>`), `tcp_client`
    /// (`host:port`), `tcp_listener`, `udp` (`host:port` to listen on) or `nats`
    /// (another system publishes the lines to the subject `<prefix>.feed.<source id>`
    /// of the node's NATS server; read only by a node with `nats_url`; the address is
    /// not used).
    pub kind: String,
    pub address: String,
    /// The label of what it sees, up to AMBER+STRICT.
    pub tlp: Tlp,
}

/// A vessel as one source saw it last.
#[derive(Debug, Serialize, ToSchema)]
pub struct VesselBody {
    pub source: Uuid,
    pub agency: AgencyCode,
    pub mmsi: u32,
    pub name: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub last_seen: DateTime<Utc>,
    /// Position, speed, course, identity, port calls, zones, watch-list references.
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
}

impl From<VesselView> for VesselBody {
    fn from(v: VesselView) -> Self {
        VesselBody {
            source: v.source,
            agency: v.agency,
            mmsi: v.mmsi,
            name: v.name,
            lat: v.lat,
            lon: v.lon,
            last_seen: v.last_seen,
            state: v.state,
        }
    }
}

/// A point of a track.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackPointBody {
    pub source: Uuid,
    pub mmsi: u32,
    pub at: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub sog: Option<f64>,
    pub cog: Option<f64>,
    pub heading: Option<i64>,
}

impl From<TrackPointView> for TrackPointBody {
    fn from(p: TrackPointView) -> Self {
        TrackPointBody {
            source: p.source,
            mmsi: p.mmsi,
            at: p.at,
            lat: p.lat,
            lon: p.lon,
            sog: p.sog,
            cog: p.cog,
            heading: p.heading,
        }
    }
}

/// A change of a vessel's identity.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityChangeBody {
    pub source: Uuid,
    pub at: DateTime<Utc>,
    /// `name`, `callsign`, `imo`, `ship_type` or `destination`.
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One vessel: as each source saw it, its track, its identity history, and the records
/// that name it (those you may see).
#[derive(Debug, Serialize, ToSchema)]
pub struct VesselDetail {
    pub states: Vec<VesselBody>,
    pub track: Vec<TrackPointBody>,
    pub identity: Vec<IdentityChangeBody>,
    pub records: Vec<SearchHit>,
}

/// An area.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaBody {
    pub id: Uuid,
    pub agency: AgencyCode,
    pub name: String,
    #[schema(value_type = Object)]
    pub geojson: serde_json::Value,
    pub tlp: Tlp,
}

impl From<AreaView> for AreaBody {
    fn from(a: AreaView) -> Self {
        AreaBody {
            id: a.id,
            agency: a.agency,
            name: a.name,
            geojson: a.geojson,
            tlp: a.tlp,
        }
    }
}

/// An area to add to your agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArea {
    pub name: String,
    /// A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection (WGS 84).
    #[schema(value_type = Object)]
    pub geojson: serde_json::Value,
    pub tlp: Tlp,
}

/// Where and when.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PictureParams {
    /// `south,west,north,east` in degrees.
    pub bbox: Option<String>,
    /// Seen since (default: the last 24 hours) / track from (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Track to (RFC 3339; default now).
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
}

/// A page of alerts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertPage {
    pub items: Vec<Alert>,
    pub next_cursor: Option<String>,
    pub total: i64,
    pub total_capped: bool,
}

/// Alert filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertParams {
    /// Words to find (vessel names, MMSIs, kinds).
    pub q: Option<String>,
    /// Only alerts of this agency.
    pub agency: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A step in an alert's life.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertStep {
    /// `acknowledged`, `assigned` or `closed`.
    pub state: AlertState,
    /// The officer of your agency it is assigned to (for `assigned`).
    pub assignee: Option<String>,
    /// How it ended (for `closed`).
    pub outcome: Option<AlertOutcome>,
    pub note: Option<String>,
}

fn bbox(raw: Option<&str>) -> AppResult<Option<BoundingBox>> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let parts: Vec<f64> = raw
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::field("bbox", "must be south,west,north,east in degrees"))?;
    let [south, west, north, east] = parts[..] else {
        return Err(AppError::field(
            "bbox",
            "must be south,west,north,east in degrees",
        ));
    };
    if !(-90.0..=90.0).contains(&south)
        || !(-90.0..=90.0).contains(&north)
        || south > north
        || !(-180.0..=180.0).contains(&west)
        || !(-180.0..=180.0).contains(&east)
    {
        return Err(AppError::field(
            "bbox",
            "is not a box of latitudes and longitudes",
        ));
    }
    Ok(Some(BoundingBox {
        south,
        west,
        north,
        east,
    }))
}

/// The surveillance sources you may see.
#[utoipa::path(get, path = "/api/v1/sources", tag = "maritime",
    responses((status = 200, body = Vec<SourceBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_sources(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<SourceBody>>> {
    Ok(Json(
        state
            .sources(&session.actor)
            .await?
            .into_iter()
            .map(SourceBody::from)
            .collect(),
    ))
}

/// Add a surveillance source to your agency.
#[utoipa::path(post, path = "/api/v1/sources", tag = "maritime", request_body = NewSource,
    responses((status = 201, body = SourceBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_source(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(body): JsonBody<NewSource>,
) -> AppResult<(StatusCode, Json<SourceBody>)> {
    let source = state
        .create_source(
            &session.actor,
            &body.name,
            &body.kind,
            &body.address,
            body.tlp,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(source.into())))
}

/// What a source's feed counted since the node started.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedCountsBody {
    /// Lines passed on to the pipeline.
    pub lines: u64,
    /// Lines sent again by the feed after a reconnect, dropped.
    pub duplicates: u64,
    /// Lines longer than 4 KiB, skipped.
    pub too_long: u64,
    /// Pieces of a line cut off by the end of a connection, skipped.
    pub partial: u64,
    pub connections: u64,
    pub reconnects: u64,
}

/// What a source's pipeline counted since the node started.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineCountsBody {
    /// Lines decoded.
    pub lines: u64,
    /// Lines that could not be decoded, skipped (the feed goes on).
    pub malformed: u64,
    /// Positions and static reports decoded.
    pub observations: u64,
    /// Not used: time ahead of the receive time by more than the tolerance (or, for a
    /// recording, far ahead of the data).
    pub future: u64,
    /// Not used: time behind the receive time (or the data) by more than the maximum age.
    pub stale: u64,
    /// Not used: a later position of the vessel was used already.
    pub late: u64,
    pub track_points: u64,
    pub alerts: u64,
}

/// What a source of your agency received, skipped and found since the node started.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceStatsBody {
    pub source: Uuid,
    pub feed: FeedCountsBody,
    pub pipeline: PipelineCountsBody,
}

impl From<SourceStats> for SourceStatsBody {
    fn from(s: SourceStats) -> Self {
        SourceStatsBody {
            source: s.source,
            feed: FeedCountsBody {
                lines: s.feed.lines,
                duplicates: s.feed.duplicates,
                too_long: s.feed.too_long,
                partial: s.feed.partial,
                connections: s.feed.connections,
                reconnects: s.feed.reconnects,
            },
            pipeline: PipelineCountsBody {
                lines: s.pipeline.lines,
                malformed: s.pipeline.malformed,
                observations: s.pipeline.observations,
                future: s.pipeline.future,
                stale: s.pipeline.stale,
                late: s.pipeline.late,
                track_points: s.pipeline.track_points,
                alerts: s.pipeline.alerts,
            },
        }
    }
}

/// What a source of your agency received, skipped and found (other agencies' sources
/// are not found).
#[utoipa::path(get, path = "/api/v1/sources/{id}/stats", tag = "maritime", params(("id" = String, Path)),
    responses((status = 200, body = SourceStatsBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn source_stats(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Json<SourceStatsBody>> {
    Ok(Json(
        state
            .source_stats(&session.actor, parse_id(&id)?)
            .await?
            .into(),
    ))
}

/// The vessels your visible sources saw (in the last 24 hours unless `from` says).
#[utoipa::path(get, path = "/api/v1/vessels", tag = "maritime", params(PictureParams),
    responses((status = 200, body = Vec<VesselBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_vessels(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<PictureParams>,
) -> AppResult<Json<Vec<VesselBody>>> {
    let since = params
        .from
        .unwrap_or_else(|| state.now() - chrono::Duration::hours(24));
    let limit = match params.limit {
        None => 5_000,
        Some(n) if (1..=20_000).contains(&n) => n,
        Some(_) => return Err(AppError::field("limit", "must be between 1 and 20000")),
    };
    let vessels = state
        .vessels(&session.actor, since, bbox(params.bbox.as_deref())?, limit)
        .await?;
    Ok(Json(vessels.into_iter().map(VesselBody::from).collect()))
}

/// One vessel: its states, track (the last 24 hours unless `from`/`to` say), identity
/// history and the records that name it.
#[utoipa::path(get, path = "/api/v1/vessels/{mmsi}", tag = "maritime", params(("mmsi" = u32, Path), PictureParams),
    responses((status = 200, body = VesselDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_vessel(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(mmsi): Path<String>,
    QueryParams(params): QueryParams<PictureParams>,
) -> AppResult<Json<VesselDetail>> {
    let mmsi: u32 = mmsi.parse().map_err(|_| AppError::NotFound)?;
    let to = params.to.unwrap_or_else(|| state.now());
    let from = params.from.unwrap_or(to - chrono::Duration::hours(24));
    let (states, track, identity) = state.vessel(&session.actor, mmsi, from, to).await?;
    let mut records = Vec::new();
    if session
        .actor
        .may(interdict_core::policy::Action::ReadRecords)
    {
        let page = state
            .search(
                &session.actor,
                &format!("{mmsi:09}"),
                None,
                ListFilter::default(),
                None,
                50,
            )
            .await?;
        records = page.items.into_iter().map(SearchHit::from).collect();
    }
    Ok(Json(VesselDetail {
        states: states.into_iter().map(VesselBody::from).collect(),
        track: track.into_iter().map(TrackPointBody::from).collect(),
        identity: identity
            .into_iter()
            .map(|c| IdentityChangeBody {
                source: c.source,
                at: c.at,
                field: c.field,
                old: c.old,
                new: c.new,
            })
            .collect(),
        records,
    }))
}

/// Track points in an area and time window.
#[utoipa::path(get, path = "/api/v1/tracks", tag = "maritime", params(PictureParams),
    responses((status = 200, body = Vec<TrackPointBody>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_tracks(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<PictureParams>,
) -> AppResult<Json<Vec<TrackPointBody>>> {
    let area = bbox(params.bbox.as_deref())?.ok_or_else(|| AppError::field("bbox", "is needed"))?;
    let to = params.to.unwrap_or_else(|| state.now());
    let from = params.from.unwrap_or(to - chrono::Duration::hours(6));
    let limit = match params.limit {
        None => 50_000,
        Some(n) if (1..=200_000).contains(&n) => n,
        Some(_) => return Err(AppError::field("limit", "must be between 1 and 200000")),
    };
    let points = state
        .tracks_in_area(&session.actor, area, from, to, limit)
        .await?;
    Ok(Json(points.into_iter().map(TrackPointBody::from).collect()))
}

/// The areas you may see.
#[utoipa::path(get, path = "/api/v1/areas", tag = "maritime",
    responses((status = 200, body = Vec<AreaBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_areas(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<AreaBody>>> {
    Ok(Json(
        state
            .areas(&session.actor)
            .await?
            .into_iter()
            .map(AreaBody::from)
            .collect(),
    ))
}

/// Add an area to your agency; the detectors watch it for entries at once.
#[utoipa::path(post, path = "/api/v1/areas", tag = "maritime", request_body = NewArea,
    responses((status = 201, body = AreaBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_area(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(body): JsonBody<NewArea>,
) -> AppResult<(StatusCode, Json<AreaBody>)> {
    let area = state
        .create_area(
            &session.actor,
            &body.name,
            &body.geojson.to_string(),
            body.tlp,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(area.into())))
}

/// Remove an area of your agency.
#[utoipa::path(delete, path = "/api/v1/areas/{id}", tag = "maritime", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_area(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    state.delete_area(&session.actor, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The alerts you may see, newest first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "maritime", params(AlertParams),
    responses((status = 200, body = AlertPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_alerts(
    State(state): State<AppState>,
    Auth(session): Auth,
    QueryParams(params): QueryParams<AlertParams>,
) -> AppResult<Json<AlertPage>> {
    let list = crate::api::records::ListParams {
        q: params.q,
        agency: params.agency,
        from: params.from,
        to: params.to,
        ..Default::default()
    };
    let filter = crate::api::records::list_filter(&list)?;
    let limit = check_limit(params.limit)?;
    let page = state
        .list_alerts(&session.actor, &filter, params.cursor.as_deref(), limit)
        .await?;
    Ok(Json(AlertPage {
        items: page.items,
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

/// One alert, with its evidence.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "maritime", params(("id" = String, Path)),
    responses((status = 200, body = Alert, headers(("ETag" = String, description = "The version, for If-Match"))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_alert(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let alert: Alert = state.get_record(&session.actor, parse_id(&id)?).await?;
    Ok(with_etag(StatusCode::OK, alert.version, &alert, None))
}

/// Acknowledge, assign or close an alert of your agency.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/state", tag = "maritime", request_body = AlertStep,
    params(("id" = String, Path), ("If-Match" = String, Header, description = "The version you changed, as in \"3\"")),
    responses((status = 200, body = Alert), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn step_alert(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AlertStep>,
) -> AppResult<Response> {
    let version = if_match(&headers)?;
    let alert = state
        .update_alert(
            &session.actor,
            parse_id(&id)?,
            version,
            body.state,
            body.assignee.as_deref(),
            body.outcome,
            body.note.as_deref(),
        )
        .await?;
    Ok(with_etag(StatusCode::OK, alert.version, &alert, None))
}

/// The live picture: `position` events (track points of the sources you may see, as
/// they are written) and `alert` events (alerts you may see, new or changed, with ids to
/// resume from with `Last-Event-ID` after a disconnect).
#[utoipa::path(get, path = "/api/v1/maritime/stream", tag = "maritime", operation_id = "maritime_stream",
    params(("Last-Event-ID" = Option<String>, Header, description = "The id of the last alert event received")),
    responses((status = 200, content_type = "text/event-stream", description = "Server-Sent Events"), (status = 422, body = ErrorBody, description = "Last-Event-ID is not a position of this feed"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn stream(
    State(state): State<AppState>,
    Auth(session): Auth,
    headers: HeaderMap,
) -> AppResult<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>> {
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    live_events(state, session, resume).await
}

/// The event stream of [`stream`], for the API and the map page.
pub async fn live_events(
    state: AppState,
    session: Session,
    resume: Option<String>,
) -> AppResult<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>> {
    if !session
        .actor
        .may(interdict_core::policy::Action::ReadSurveillance)
    {
        return Err(interdict_service::ServiceError::ForbiddenRole.into());
    }
    let principal = Principal::User(session.actor.clone());
    let after = match resume {
        Some(position) => Some(position),
        None => Some(state.feed_start(&principal).await?),
    };
    let live = state.live_positions();
    let visible = visible_source_ids(&state, &session).await?;
    // Alerts come from the change feed on a task of their own, which waits on the
    // feed's waker: a stream busy with positions never holds them back.
    // The first page is read here, so that a resume position from elsewhere is refused
    // with its error rather than ending the stream.
    let first = state
        .feed_after(&principal, after.as_deref(), 50, Duration::ZERO)
        .await
        .map_err(|e| match e {
            // The position came in the header: the error names it.
            interdict_service::ServiceError::Invalid { fields, .. }
                if fields.contains_key("after") =>
            {
                interdict_service::ServiceError::field(
                    "Last-Event-ID",
                    "is not a position of this feed",
                )
            }
            other => other,
        })?;
    let (alert_tx, alerts) = tokio::sync::mpsc::channel(64);
    let reader = AbortOnDrop(tokio::spawn(alert_events(
        state.clone(),
        session.clone(),
        principal,
        first,
        alert_tx,
    )));
    let stream = futures_util::stream::unfold(
        LiveState {
            state,
            session,
            alerts,
            _reader: reader,
            live,
            visible,
            refreshed: tokio::time::Instant::now(),
            unknown: std::collections::HashSet::new(),
            pending: std::collections::VecDeque::new(),
        },
        |mut s| async move {
            loop {
                if let Some(event) = s.pending.pop_front() {
                    return Some((Ok(event), s));
                }
                if s.refreshed.elapsed() > Duration::from_secs(30) {
                    if let Ok(v) = visible_source_ids(&s.state, &s.session).await {
                        s.visible = v;
                    }
                    s.refreshed = tokio::time::Instant::now();
                }
                tokio::select! {
                    // Alerts first: they are few and the reason to watch.
                    biased;
                    alert = s.alerts.recv() => match alert {
                        Some(event) => s.pending.push_back(event),
                        None => return None,
                    },
                    received = s.live.recv() => match received {
                        Ok(position) => {
                            // A source added while the stream is open is looked up
                            // at its first position, then again at most once a second.
                            if !s.visible.contains(&position.source)
                                && (s.unknown.insert(position.source)
                                    || s.refreshed.elapsed() > Duration::from_secs(1))
                            {
                                if let Ok(v) = visible_source_ids(&s.state, &s.session).await {
                                    s.visible = v;
                                }
                                s.refreshed = tokio::time::Instant::now();
                            }
                            if s.visible.contains(&position.source) {
                                if let Ok(event) = Event::default().event("position").json_data(&position) {
                                    s.pending.push_back(event);
                                }
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

struct LiveState {
    state: AppState,
    session: Session,
    /// Alert events read from the change feed by `_reader`.
    alerts: tokio::sync::mpsc::Receiver<Event>,
    _reader: AbortOnDrop,
    live: tokio::sync::broadcast::Receiver<interdict_service::maritime::LivePosition>,
    visible: Vec<Uuid>,
    refreshed: tokio::time::Instant,
    /// Sources of positions not visible when they were first seen.
    unknown: std::collections::HashSet<Uuid>,
    pending: std::collections::VecDeque<Event>,
}

/// A task that ends when its stream is dropped (the client went away).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends the alerts of `first` (a page of the change feed), then those the reader may
/// see as they are committed, as `alert` events until the stream is gone. A failed read
/// is tried again a second later from the same position.
async fn alert_events(
    state: AppState,
    session: Session,
    principal: Principal,
    first: (Vec<interdict_service::feed::FeedItem>, String),
    out: tokio::sync::mpsc::Sender<Event>,
) {
    let mut page = Some(first);
    let mut after = String::new();
    loop {
        let (items, next) = match page.take() {
            Some(page) => page,
            None => match state
                .feed_after(&principal, Some(&after), 50, Duration::from_secs(20))
                .await
            {
                Ok(page) => page,
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
        };
        after = next;
        for item in items {
            if item.kind != DataKind::Alert {
                continue;
            }
            let body = match item.event {
                interdict_service::feed::FeedEvent::Upsert => {
                    match state.get_record::<Alert>(&session.actor, item.id).await {
                        Ok(alert) => serde_json::to_value(&alert).unwrap_or_default(),
                        Err(_) => continue,
                    }
                }
                interdict_service::feed::FeedEvent::Removed => {
                    serde_json::json!({ "id": item.id, "removed": true })
                }
            };
            if let Ok(event) = Event::default()
                .event("alert")
                .id(item.position.clone())
                .json_data(body)
            {
                if out.send(event).await.is_err() {
                    return;
                }
            }
        }
        if out.is_closed() {
            return;
        }
    }
}

async fn visible_source_ids(state: &AppState, session: &Session) -> AppResult<Vec<Uuid>> {
    Ok(state
        .sources(&session.actor)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect())
}
