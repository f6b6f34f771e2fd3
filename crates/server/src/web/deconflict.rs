//! `/deconfliction`: the hits on the records of the user's agency, each answered with
//! one action (disclose the record to the asking agency until a day, or decline with a
//! message), and where the hits the user's agency was told of stand.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{Duration, NaiveDate};
use interdict_core::policy::Action;
use interdict_core::RecordKind;
use interdict_service::deconflict::MatchedIdentifier;
use maud::html;
use uuid::Uuid;

use super::ctx::{Authed, FormData};
use super::layout::{html_response, page, Nav};
use super::records::identifier_text;
use crate::error::AppError;
use crate::AppState;

type Page = Result<axum::response::Response, axum::response::Response>;

/// How long a disclosure made from the page runs, unless changed.
const DEFAULT_DAYS: i64 = 30;

/// `GET /deconfliction`.
pub async fn page_of_hits(State(state): State<AppState>, auth: Authed) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let hits = state
        .hits_on_my_records(actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let answers = state
        .my_hit_answers(actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let may_answer = actor.may(Action::WriteRecords);
    let default_until = state.today() + Duration::days(DEFAULT_DAYS);
    let body = html! {
        h1 { (lang.t("hits.title")) }
        section.panel #hits-on-ours {
            h2 { (lang.t("hits.on_ours")) }
            p.muted { (lang.t("hits.on_ours_help")) }
            @if hits.is_empty() {
                p.empty { (lang.t("hits.none")) }
            } @else {
                div.table-scroll {
                    table.data {
                        thead { tr {
                            th { (lang.t("hits.when")) }
                            th { (lang.t("hits.record")) }
                            th { (lang.t("hits.by")) }
                            th { (lang.t("hits.on")) }
                            th { (lang.t("hits.state")) }
                        } }
                        tbody {
                            @for hit in &hits {
                                @let row = &hit.row;
                                tr.hit data-hit=(row.id) {
                                    td.nowrap { (lang.datetime(row.at)) }
                                    td.title-cell {
                                        a href={ "/" (if row.kind == RecordKind::Seizure { "seizures" } else { "reports" }) "/" (row.record) } {
                                            @match &hit.seizure {
                                                Some(brief) => (lang.seizure_title_of(&brief.items, &brief.place)),
                                                None => (hit.title),
                                            }
                                        }
                                    }
                                    td { strong { (row.requester_agency.as_str()) } " " span.muted { (row.requester) } }
                                    td { (identifier_text(lang, &MatchedIdentifier { scheme: row.scheme.clone(), value: row.value.clone() })) }
                                    td {
                                        @match row.state.as_str() {
                                            "open" => {
                                                @if may_answer {
                                                    form.inline method="post" action={ "/deconfliction/" (row.id) "/disclose" } {
                                                        input type="hidden" name="csrf" value=(auth.csrf());
                                                        label for={ "until-" (row.id) } { (lang.t("hits.until")) }
                                                        " "
                                                        input type="date" id={ "until-" (row.id) } name="until" value=(default_until) required;
                                                        " "
                                                        button.button type="submit" { (lang.t("hits.disclose")) }
                                                    }
                                                    form.inline method="post" action={ "/deconfliction/" (row.id) "/decline" } {
                                                        input type="hidden" name="csrf" value=(auth.csrf());
                                                        label for={ "message-" (row.id) } { (lang.t("hits.message")) }
                                                        " "
                                                        input type="text" id={ "message-" (row.id) } name="message" maxlength="2000" required;
                                                        " "
                                                        button.button.secondary type="submit" { (lang.t("hits.decline")) }
                                                    }
                                                } @else {
                                                    (lang.t("hits.state.open"))
                                                }
                                            }
                                            "disclosed" => {
                                                (lang.t("hits.state.disclosed")) " "
                                                @if let Some(until) = row.until { (lang.t("hits.until")) " " (lang.date(until)) }
                                                @if let Some(by) = &row.answered_by { " · " span.muted { (by) } }
                                            }
                                            _ => {
                                                (lang.t("hits.state.declined")) ": " (row.message)
                                                @if let Some(by) = &row.answered_by { " · " span.muted { (by) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.panel #hit-answers {
            h2 { (lang.t("hits.ours")) }
            @if answers.is_empty() {
                p.empty { (lang.t("hits.none")) }
            } @else {
                ul.hit-answers {
                    @for a in &answers {
                        li data-state=(a.state.as_str()) {
                            strong { (a.agency.as_str()) } " · "
                            (identifier_text(lang, &a.identifier)) " · "
                            (lang.t(&format!("hits.state.{}", a.state.as_str())))
                            @if let Some(until) = a.until { " " (lang.t("hits.until")) " " (lang.date(until)) }
                            @if !a.message.is_empty() { ": " q { (a.message) } }
                        }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            lang.t("hits.title"),
            Nav::Deconfliction,
            body,
        ),
    ))
}

fn hit_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// `POST /deconfliction/{id}/disclose`.
pub async fn disclose(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = hit_id(&id).map_err(|e| auth.fail(e))?;
    let until = NaiveDate::parse_from_str(form.get("until").trim(), "%Y-%m-%d")
        .map_err(|_| auth.fail(AppError::field("until", "must be a date like 2026-05-01")))?;
    state
        .disclose_on_hit(&auth.session.actor, id, until)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(Redirect::to("/deconfliction").into_response())
}

/// `POST /deconfliction/{id}/decline`.
pub async fn decline(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = hit_id(&id).map_err(|e| auth.fail(e))?;
    state
        .decline_hit(&auth.session.actor, id, form.get("message"))
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(Redirect::to("/deconfliction").into_response())
}
