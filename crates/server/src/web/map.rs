//! The live map: a page that shows the maritime picture the signed-in user may see —
//! vessels moving as the stream reports them, their tracks and identities, alerts with
//! their evidence, and areas drawn and saved — on a base map shipped with the node.
//!
//! The page's script (`static/map.js`) reads its data from `/map/data/…`. Those routes
//! are the maritime API (`api::maritime`) reached with the browser's session cookie
//! instead of a bearer token: each one calls the API handler itself, so the page gets
//! exactly what the API gives the same user, through the same service calls. Changes
//! (areas) need the session's CSRF token in an `X-CSRF-Token` header as well, which a
//! page of another site cannot read.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use interdict_core::alert::AlertKind;
use interdict_core::policy::Action;
use interdict_core::Tlp;
use interdict_service::Session;
use maud::html;
use subtle::ConstantTimeEq;

use super::ctx::{Authed, SESSION_COOKIE};
use super::i18n::Lang;
use super::layout::{html_response, page, Nav};
use super::statics;
use crate::api::extract::{Auth, JsonBody, QueryParams};
use crate::api::maritime::{self as api, AlertParams, NewArea, PictureParams};
use crate::error::{AppError, AppResult};
use crate::AppState;

/// The vessel categories the type filter offers (ITU-R M.1371 ship type, by tens).
pub const VESSEL_TYPES: [&str; 6] = [
    "cargo",
    "tanker",
    "passenger",
    "fishing",
    "other",
    "unknown",
];

/// The messages the page's script shows, handed to it in the page's language.
const SCRIPT_KEYS: &[&str] = &[
    "map.live",
    "map.connecting",
    "map.offline",
    "map.vessel",
    "map.name",
    "map.mmsi",
    "map.imo",
    "map.callsign",
    "map.flag",
    "map.flag_mid",
    "map.type",
    "map.destination",
    "map.last_seen",
    "map.position",
    "map.speed",
    "map.agency",
    "map.track_points",
    "map.records",
    "map.no_records",
    "map.search_imo",
    "map.search_mmsi",
    "map.no_alerts",
    "map.no_areas",
    "map.alert",
    "map.other_vessel",
    "map.started",
    "map.ended",
    "map.ongoing",
    "map.state",
    "map.evidence",
    "map.delete",
    "map.delete_confirm",
    "map.draw_hint",
    "map.draw_too_few",
    "map.area_saved",
    "map.error",
    "map.close",
    "map.unnamed",
    "map.vessels_shown",
];

/// The routes of the map page and its data.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/map", get(map_page))
        .route("/map/data/sources", get(sources))
        .route("/map/data/vessels", get(vessels))
        .route("/map/data/vessels/{mmsi}", get(vessel))
        .route("/map/data/alerts", get(alerts))
        .route("/map/data/alerts/{id}", get(alert))
        .route("/map/data/areas", get(areas).post(create_area))
        .route("/map/data/areas/{id}", delete(delete_area))
        .route("/map/data/stream", get(stream))
}

/// The map page.
async fn map_page(authed: Authed) -> Response {
    let lang = authed.ctx.lang;
    let session = &authed.session;
    if !session.actor.may(Action::ReadSurveillance) {
        return authed.fail(interdict_service::ServiceError::ForbiddenRole);
    }
    let title = lang.t("map.title");
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if statics::map_assets_present() {
                span #map-status .map-status data-state="connecting" { (lang.t("map.connecting")) }
            }
        }
        @if !statics::map_assets_present() {
            section.panel.alert.alert-warn #map-assets-missing {
                h2 { (lang.t("map.assets_missing")) }
                p { (lang.t("map.assets_missing_text")) }
                pre.prose { "npm ci --prefix web\ncargo build --release -p interdict" }
                p.help { (lang.t("map.assets_missing_help")) }
            }
        } @else {
            link rel="stylesheet" href=(statics::vendor_url("maplibre-gl/maplibre-gl.css"));
            link rel="stylesheet" href=(statics::url("map.css"));
            script src=(statics::vendor_url("topojson-client/topojson-client.min.js")) defer {}
            script type="module" src=(statics::url("map.js")) {}
            div #map-app .map-app
                data-maplibre=(statics::vendor_url("maplibre-gl/maplibre-gl.mjs"))
                data-land=(statics::vendor_url("world-atlas/land-50m.json"))
                data-csrf=(authed.csrf())
                data-agency=(session.actor.agency.as_str())
                data-lang=(lang.code())
                data-i18n=(script_messages(lang)) {
                div.map-filters role="search" {
                    span.map-filter {
                        label for="filter-agency" { (lang.t("map.filter_agency")) }
                        select #filter-agency { option value="" { (lang.t("map.all")) } }
                    }
                    span.map-filter {
                        label for="filter-type" { (lang.t("map.filter_type")) }
                        select #filter-type {
                            option value="" { (lang.t("map.all")) }
                            @for t in VESSEL_TYPES {
                                option value=(t) { (lang.t(&format!("map.type.{t}"))) }
                            }
                        }
                    }
                    span.map-filter {
                        label for="filter-kind" { (lang.t("map.filter_kind")) }
                        select #filter-kind {
                            option value="" { (lang.t("map.all")) }
                            @for k in AlertKind::ALL {
                                option value=(k.as_str()) { (lang.t(&format!("alert.{}", k.as_str()))) }
                            }
                        }
                    }
                    span #vessel-count .muted .small {}
                }
                div.map-layout {
                    div.map-wrap {
                        div #map .map-canvas role="application" aria-label=(title) {}
                        div #draw-bar .map-drawbar hidden {
                            span { (lang.t("map.draw_hint")) }
                            button.button #draw-finish type="button" { (lang.t("map.draw_finish")) }
                            button.button.secondary #draw-cancel type="button" { (lang.t("map.cancel")) }
                        }
                    }
                    aside.map-side {
                        section #vessel-panel .panel .map-card hidden {
                            div.panel-head {
                                h2 #vessel-title {}
                                button.link-button #vessel-close type="button" aria-label=(lang.t("map.close")) { "×" }
                            }
                            dl #vessel-facts .facts .compact-facts {}
                            h3 { (lang.t("map.records")) }
                            ul #vessel-records .plain .small {}
                            p #vessel-search .small {}
                        }
                        section #alert-panel .panel .map-card hidden {
                            div.panel-head {
                                h2 #alert-title {}
                                button.link-button #alert-close type="button" aria-label=(lang.t("map.close")) { "×" }
                            }
                            dl #alert-facts .facts .compact-facts {}
                            h3 { (lang.t("map.evidence")) }
                            dl #alert-evidence .evidence {}
                        }
                        section.panel.map-card {
                            h2 { (lang.t("map.alerts")) " " span #alert-count .muted {} }
                            ul #alert-list .map-list aria-live="polite" {}
                        }
                        section.panel.map-card {
                            h2 { (lang.t("map.areas")) }
                            ul #area-list .map-list {}
                            @if session.actor.may(Action::ManageSurveillance) {
                                button.button.secondary #area-draw type="button" { (lang.t("map.draw_area")) }
                                form #area-form .map-area-form hidden {
                                    div.field {
                                        label for="area-name" { (lang.t("map.area_name")) }
                                        input type="text" #area-name maxlength="100" required;
                                    }
                                    div.field {
                                        label for="area-tlp" { "TLP" }
                                        select #area-tlp {
                                            @for tlp in [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict] {
                                                option value=(tlp.as_str()) selected[tlp == Tlp::Green] { "TLP:" (tlp.as_str()) }
                                            }
                                        }
                                    }
                                    button.button #area-save type="submit" { (lang.t("map.save_area")) }
                                    " "
                                    button.button.secondary #area-cancel type="button" { (lang.t("map.cancel")) }
                                    p #area-problem .field-error hidden {}
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    html_response(
        StatusCode::OK,
        page(lang, Some(session), &authed.ctx.here, title, Nav::Map, body),
    )
}

/// The script's messages as a JSON object, in `lang`.
fn script_messages(lang: Lang) -> String {
    let mut messages = serde_json::Map::new();
    for key in SCRIPT_KEYS {
        messages.insert((*key).to_owned(), lang.t(key).into());
    }
    for t in VESSEL_TYPES {
        let key = format!("map.type.{t}");
        messages.insert(key.clone(), lang.t(&key).into());
    }
    for k in AlertKind::ALL {
        let key = format!("alert.{}", k.as_str());
        messages.insert(key.clone(), lang.t(&key).into());
    }
    for s in ["new", "acknowledged", "assigned", "closed"] {
        let key = format!("alert_state.{s}");
        messages.insert(key.clone(), lang.t(&key).into());
    }
    serde_json::Value::Object(messages).to_string()
}

/// The signed-in user of a data request, from the session cookie; a request without a
/// valid session gets the API's 401, never the login page.
pub struct MapSession(pub Session);

impl FromRequestParts<AppState> for MapSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .ok_or_else(|| AppError::Unauthorized("sign in first".into()))?;
        let session = state
            .authenticate(&token)
            .await?
            .ok_or_else(|| AppError::Unauthorized("the session has ended".into()))?;
        Ok(MapSession(session))
    }
}

/// Checks the `X-CSRF-Token` header of a change against the session, in constant time.
fn check_csrf(session: &Session, headers: &HeaderMap) -> AppResult<()> {
    let sent = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let ok = match &session.csrf {
        Some(expected) if !sent.is_empty() => {
            bool::from(expected.as_bytes().ct_eq(sent.as_bytes()))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            code: "csrf",
            message: "the request lacks the page's CSRF token".into(),
        })
    }
}

async fn sources(
    state: State<AppState>,
    MapSession(session): MapSession,
) -> AppResult<Json<Vec<api::SourceBody>>> {
    api::list_sources(state, Auth(session)).await
}

async fn vessels(
    state: State<AppState>,
    MapSession(session): MapSession,
    params: QueryParams<PictureParams>,
) -> AppResult<Json<Vec<api::VesselBody>>> {
    api::list_vessels(state, Auth(session), params).await
}

async fn vessel(
    state: State<AppState>,
    MapSession(session): MapSession,
    mmsi: Path<String>,
    params: QueryParams<PictureParams>,
) -> AppResult<Json<api::VesselDetail>> {
    api::get_vessel(state, Auth(session), mmsi, params).await
}

async fn alerts(
    state: State<AppState>,
    MapSession(session): MapSession,
    params: QueryParams<AlertParams>,
) -> AppResult<Json<api::AlertPage>> {
    api::list_alerts(state, Auth(session), params).await
}

async fn alert(
    state: State<AppState>,
    MapSession(session): MapSession,
    id: Path<String>,
) -> AppResult<Response> {
    api::get_alert(state, Auth(session), id).await
}

async fn areas(
    state: State<AppState>,
    MapSession(session): MapSession,
) -> AppResult<Json<Vec<api::AreaBody>>> {
    api::list_areas(state, Auth(session)).await
}

async fn create_area(
    state: State<AppState>,
    MapSession(session): MapSession,
    headers: HeaderMap,
    body: JsonBody<NewArea>,
) -> AppResult<Response> {
    check_csrf(&session, &headers)?;
    Ok(api::create_area(state, Auth(session), body)
        .await?
        .into_response())
}

async fn delete_area(
    state: State<AppState>,
    MapSession(session): MapSession,
    headers: HeaderMap,
    id: Path<String>,
) -> AppResult<StatusCode> {
    check_csrf(&session, &headers)?;
    api::delete_area(state, Auth(session), id).await
}

/// The live stream, resumed by the browser's `EventSource` with `Last-Event-ID`.
async fn stream(
    State(state): State<AppState>,
    MapSession(session): MapSession,
    headers: HeaderMap,
) -> AppResult<Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>>> {
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    api::live_events(state, session, resume).await
}
