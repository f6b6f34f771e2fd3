//! `/training`: capacity building in the browser. Courses and sessions with a month
//! calendar, a session's page (seats per agency, the enrol form of each agency's
//! trainers, the waiting list, attendance and assessment for the host, certificate
//! downloads), an officer's training record, the reports, and the public `/verify`
//! page for presented certificates. Every page calls the same service functions as
//! the API (`api::training`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, NaiveDate};
use interdict_core::policy::Action;
use interdict_core::training::{
    AssessmentInput, AssessmentResult, AttendanceInput, CourseInput, Enrolment, EnrolmentStatus,
    SeatOffer, SessionInput,
};
use interdict_core::{AgencyCode, Tlp};
use interdict_service::training::Verification;
use maud::{html, Markup};
use uuid::Uuid;

use super::ctx::{Authed, Ctx, FormData};
use super::i18n::Lang;
use super::layout::{html_response, page, tlp_badge, Nav};
use crate::api::training::pdf_response;
use crate::error::AppError;
use crate::AppState;

type Page = Result<Response, Response>;

/// The routes of the training pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/training", get(overview))
        .route("/training/courses", post(create_course))
        .route("/training/sessions", post(create_session))
        .route("/training/sessions/{id}", get(session_page))
        .route("/training/sessions/{id}/enrol", post(enrol))
        .route("/training/enrolments/{id}/{change}", post(change))
        .route("/training/certificates/{id}/pdf", get(certificate_pdf))
        .route("/training/record", get(record))
        .route("/training/reports", get(reports))
        .route("/verify", get(verify_form).post(verify))
}

fn id_of(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

fn shell(auth: &Authed, title: &str, body: Markup) -> Response {
    let lang = auth.ctx.lang;
    html_response(
        StatusCode::OK,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            title,
            Nav::Training,
            body,
        ),
    )
}

fn status_text(lang: Lang, status: EnrolmentStatus) -> &'static str {
    lang.t(&format!("tr.status.{}", status.as_str()))
}

#[derive(serde::Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

/// The month calendar of sessions: weeks from Monday, each day with its sessions.
fn calendar(
    lang: Lang,
    month: NaiveDate,
    sessions: &[interdict_service::training::SessionSummary],
) -> Markup {
    let first = month.with_day(1).unwrap_or(month);
    let start = first - chrono::Duration::days(first.weekday().num_days_from_monday() as i64);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    let prev = first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(first);
    let mut weeks = Vec::new();
    let mut day = start;
    while day < next {
        let week: Vec<NaiveDate> = (0..7).map(|i| day + chrono::Duration::days(i)).collect();
        day += chrono::Duration::days(7);
        weeks.push(week);
    }
    html! {
        div.page-head {
            h2 { (lang.t(&format!("month.{}", first.month()))) " " (first.year()) }
            div {
                a.button.secondary href={ "/training?month=" (prev.format("%Y-%m")) } { "‹ " (lang.t("tr.prev_month")) }
                " "
                a.button.secondary href={ "/training?month=" (next.format("%Y-%m")) } { (lang.t("tr.next_month")) " ›" }
            }
        }
        div.table-scroll {
            table.data #training-calendar {
                thead { tr { @for i in 1..=7 { th { (lang.t(&format!("tr.weekday.{i}"))) } } } }
                tbody {
                    @for week in &weeks {
                        tr {
                            @for d in week {
                                td class=[(d.month() != first.month()).then_some("muted")] {
                                    div { strong { (d.day()) } }
                                    @for s in sessions.iter().filter(|s| s.session.starts_on <= *d && *d <= s.session.ends_on) {
                                        div { a href={ "/training/sessions/" (s.session.id) } { (s.course_title) } }
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

/// `GET /training`: courses, the month's sessions, the forms of trainers.
async fn overview(
    State(state): State<AppState>,
    auth: Authed,
    Query(q): Query<MonthQuery>,
) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let today = state.today();
    let month = q
        .month
        .as_deref()
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or(today);
    let courses = state.courses_for(actor).await.map_err(|e| auth.fail(e))?;
    let month_sessions = state
        .sessions_for(actor, Some(month))
        .await
        .map_err(|e| auth.fail(e))?;
    let sessions = state
        .sessions_for(actor, None)
        .await
        .map_err(|e| auth.fail(e))?;
    let trainer = actor.may(Action::ManageTraining);
    let own_courses: Vec<_> = courses
        .iter()
        .filter(|c| c.host_agency == actor.agency)
        .collect();
    let agencies: Vec<AgencyCode> = state
        .agencies()
        .await
        .map_err(|e| auth.fail(e))?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let body = html! {
        div.page-head {
            h1 { (lang.t("tr.title")) }
            div {
                a.button.secondary href="/training/reports" { (lang.t("tr.reports")) }
                " "
                a.button.secondary href={ "/training/record?officer=" (actor.username.as_str()) } { (lang.t("tr.my_record")) }
                " "
                a.button.secondary href="/verify" { (lang.t("tr.verify")) }
            }
        }
        section.panel {
            p.muted { (lang.t("tr.help")) }
            h2 { (lang.t("tr.courses")) }
            @if courses.is_empty() {
                p.empty { (lang.t("tr.no_courses")) }
            } @else {
                div.table-scroll { table.data #courses {
                    thead { tr {
                        th { (lang.t("tr.course")) } th { (lang.t("tr.host")) } th { (lang.t("tr.hours")) }
                        th { (lang.t("tr.language")) } th { (lang.t("tr.validity")) } th { "TLP" }
                    } }
                    tbody { @for c in &courses { tr {
                        td.title-cell { (c.title) @if !c.syllabus.is_empty() { div.muted { (c.syllabus) } } }
                        td { (c.host_agency.as_str()) } td { (c.hours) } td { (c.language) }
                        td { (c.certificate_months) " " (lang.t("tr.months")) } td { (tlp_badge(c.tlp)) }
                    } } }
                } }
            }
        }
        section.panel { (calendar(lang, month, &month_sessions)) }
        section.panel {
            h2 { (lang.t("tr.sessions")) }
            @if sessions.is_empty() {
                p.empty { (lang.t("tr.no_sessions")) }
            } @else {
                div.table-scroll { table.data #sessions {
                    thead { tr {
                        th { (lang.t("tr.course")) } th { (lang.t("tr.dates")) } th { (lang.t("tr.place")) }
                        th { (lang.t("tr.host")) } th { (lang.t("tr.seats")) }
                    } }
                    tbody { @for s in &sessions { tr {
                        td.title-cell { a href={ "/training/sessions/" (s.session.id) } { (s.course_title) } }
                        td.nowrap { (lang.date(s.session.starts_on)) " – " (lang.date(s.session.ends_on)) }
                        td { (s.session.place) @if s.session.online { " (" (lang.t("tr.online")) ")" } }
                        td { (s.session.host_agency.as_str()) }
                        td { (s.seats_used) " / " (s.seats_offered) }
                    } } }
                } }
            }
        }
        @if trainer {
            section.panel #new-course {
                h2 { (lang.t("tr.new_course")) }
                form.stack method="post" action="/training/courses" {
                    input type="hidden" name="csrf" value=(auth.csrf());
                    label { (lang.t("tr.course_title")) input name="title" required maxlength="200"; }
                    label { (lang.t("tr.syllabus")) textarea name="syllabus" rows="3" maxlength="10000" {} }
                    label { (lang.t("tr.hours")) input name="hours" type="number" step="0.5" min="0.5" max="1000" required; }
                    label { (lang.t("tr.language")) input name="language" value=(lang.code()) required maxlength="2"; }
                    label { (lang.t("tr.validity")) input name="certificate_months" type="number" min="1" max="120" value="24" required; }
                    label { "TLP" select name="tlp" {
                        @for t in [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict] {
                            option value=(t.as_str()) selected[t == Tlp::Green] { (t.as_str()) }
                        }
                    } }
                    button type="submit" { (lang.t("tr.create_course")) }
                }
            }
            @if !own_courses.is_empty() {
                section.panel #new-session {
                    h2 { (lang.t("tr.new_session")) }
                    form.stack method="post" action="/training/sessions" {
                        input type="hidden" name="csrf" value=(auth.csrf());
                        label { (lang.t("tr.course")) select name="course" {
                            @for c in &own_courses { option value=(c.id) { (c.title) } }
                        } }
                        label { (lang.t("tr.starts_on")) input name="starts_on" type="date" required; }
                        label { (lang.t("tr.ends_on")) input name="ends_on" type="date" required; }
                        label { (lang.t("tr.place")) input name="place" maxlength="200"; }
                        label { input name="online" type="checkbox" value="true"; " " (lang.t("tr.online")) }
                        label { (lang.t("tr.instructors")) input name="instructors" placeholder=(lang.t("tr.instructors_hint")) required; }
                        fieldset {
                            legend { (lang.t("tr.seats_per_agency")) }
                            @for a in &agencies {
                                label { (a.as_str()) " " input name={ "seats_" (a.as_str()) } type="number" min="0" max="500" value="0"; }
                            }
                        }
                        button type="submit" { (lang.t("tr.create_session")) }
                    }
                }
            }
        }
    };
    Ok(shell(&auth, lang.t("tr.title"), body))
}

/// `POST /training/courses`.
async fn create_course(State(state): State<AppState>, auth: Authed, form: FormData) -> Page {
    auth.check_csrf(&form)?;
    let tlp = Tlp::ALL
        .into_iter()
        .find(|t| t.as_str() == form.get("tlp"))
        .unwrap_or(Tlp::Green);
    let input = CourseInput {
        title: form.get("title").to_owned(),
        syllabus: form.get("syllabus").to_owned(),
        hours: form.get("hours").trim().parse().unwrap_or(f64::NAN),
        language: form.get("language").trim().to_owned(),
        certificate_months: form.get("certificate_months").trim().parse().unwrap_or(0),
        tlp,
    };
    state
        .create_course(&auth.session.actor, input)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(Redirect::to("/training").into_response())
}

/// `POST /training/sessions`.
async fn create_session(State(state): State<AppState>, auth: Authed, form: FormData) -> Page {
    auth.check_csrf(&form)?;
    let day = |name: &str| {
        NaiveDate::parse_from_str(form.get(name), "%Y-%m-%d")
            .map_err(|_| auth.fail(AppError::field(name, "a date")))
    };
    let seats = form
        .0
        .iter()
        .filter_map(|(k, v)| {
            let agency = AgencyCode::parse(k.strip_prefix("seats_")?).ok()?;
            let seats: i64 = v.trim().parse().ok().filter(|n| *n > 0)?;
            Some(SeatOffer { agency, seats })
        })
        .collect();
    let input = SessionInput {
        course: Uuid::parse_str(form.get("course"))
            .map_err(|_| auth.fail(AppError::field("course", "choose a course")))?,
        starts_on: day("starts_on")?,
        ends_on: day("ends_on")?,
        place: form.get("place").to_owned(),
        online: form.get("online") == "true",
        instructors: form
            .get("instructors")
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        seats,
    };
    let view = state
        .create_session(&auth.session.actor, input)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(Redirect::to(&format!("/training/sessions/{}", view.session.id)).into_response())
}

fn enrolment_row(lang: Lang, auth: &Authed, e: &Enrolment, host: bool) -> Markup {
    let mine =
        auth.session.actor.agency == e.agency && auth.session.actor.may(Action::ManageTraining);
    let open = e.status != EnrolmentStatus::Cancelled;
    html! {
        tr id={ "enrolment-" (e.officer.as_str()) } {
            td { (e.officer_name) div.muted { (e.officer.as_str()) } }
            td { (e.agency.as_str()) }
            td.enrolment-status { (status_text(lang, e.status))
                @if let Some(n) = e.waitlist_position { " #" (n) } }
            td { @match e.attended { Some(true) => { (lang.t("tr.attended")) } Some(false) => { (lang.t("tr.absent")) } None => { "–" } } }
            td { @match &e.assessment {
                Some(a) => {
                    (lang.t(if a.result == AssessmentResult::Passed { "tr.passed" } else { "tr.failed" }))
                    @if let Some(score) = a.score { " (" (score) ")" }
                }
                None => { "–" }
            } }
            td {
                @if let Some(c) = e.certificate {
                    a.cert-download href={ "/training/certificates/" (c) "/pdf" } { (lang.t("tr.certificate_pdf")) }
                }
            }
            td.actions {
                @if host && open && e.status == EnrolmentStatus::Enrolled && e.assessment.is_none() {
                    form.inline method="post" action={ "/training/enrolments/" (e.id) "/attendance" } {
                        input type="hidden" name="csrf" value=(auth.csrf());
                        select name="attended" aria-label=(lang.t("tr.attendance")) {
                            option value="true" { (lang.t("tr.attended")) }
                            option value="false" { (lang.t("tr.absent")) }
                        }
                        button.secondary type="submit" { (lang.t("tr.record_attendance")) }
                    }
                }
                @if host && open && e.attended == Some(true) && e.certificate.is_none() && e.assessment.is_none() {
                    form.inline method="post" action={ "/training/enrolments/" (e.id) "/assessment" } {
                        input type="hidden" name="csrf" value=(auth.csrf());
                        select name="result" aria-label=(lang.t("tr.assessment")) {
                            option value="passed" { (lang.t("tr.passed")) }
                            option value="failed" { (lang.t("tr.failed")) }
                        }
                        input name="score" type="number" min="0" max="100" step="0.1" placeholder=(lang.t("tr.score")) aria-label=(lang.t("tr.score"));
                        button.secondary type="submit" { (lang.t("tr.record_assessment")) }
                    }
                }
                @if (host || mine) && open && e.attended.is_none() {
                    form.inline method="post" action={ "/training/enrolments/" (e.id) "/cancel" } {
                        input type="hidden" name="csrf" value=(auth.csrf());
                        button.link-button type="submit" { (lang.t("tr.cancel")) }
                    }
                }
            }
        }
    }
}

/// `GET /training/sessions/{id}`.
async fn session_page(State(state): State<AppState>, auth: Authed, Path(id): Path<String>) -> Page {
    let lang = auth.ctx.lang;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let actor = &auth.session.actor;
    let view = state.session(actor, id).await.map_err(|e| auth.fail(e))?;
    let officers = if view.may_enrol {
        state
            .training_officers(actor)
            .await
            .map_err(|e| auth.fail(e))?
    } else {
        Vec::new()
    };
    let s = &view.session;
    let waiting: Vec<&Enrolment> = view
        .enrolments
        .iter()
        .filter(|e| e.status == EnrolmentStatus::Waitlisted)
        .collect();
    let body = html! {
        div.page-head {
            h1 { (view.course_title) }
            a.button.secondary href="/training" { (lang.t("tr.back")) }
        }
        section.panel {
            dl.facts {
                dt { (lang.t("tr.host")) } dd { (s.host_agency.as_str()) }
                dt { (lang.t("tr.dates")) } dd { (lang.date(s.starts_on)) " – " (lang.date(s.ends_on)) }
                dt { (lang.t("tr.place")) } dd { (s.place) @if s.online { " (" (lang.t("tr.online")) ")" } }
                dt { (lang.t("tr.hours")) } dd { (view.hours) }
                dt { (lang.t("tr.instructors")) } dd { (s.instructors.join(", ")) }
            }
        }
        section.panel #seats {
            h2 { (lang.t("tr.seats_per_agency")) }
            table.data {
                thead { tr { th { (lang.t("tr.agency")) } th { (lang.t("tr.seats_used")) } th { (lang.t("tr.seats_offered")) } } }
                tbody { @for seat in &view.seats { tr {
                    td { (seat.agency.as_str()) } td { (seat.used) } td { (seat.seats) }
                } } }
            }
        }
        @if view.may_enrol {
            section.panel #enrol {
                h2 { (lang.t("tr.enrol")) }
                form.inline method="post" action={ "/training/sessions/" (s.id) "/enrol" } {
                    input type="hidden" name="csrf" value=(auth.csrf());
                    select name="officer" aria-label=(lang.t("tr.officer")) {
                        @for (name, display) in &officers { option value=(name.as_str()) { (display) " (" (name.as_str()) ")" } }
                    }
                    button type="submit" { (lang.t("tr.enrol_button")) }
                }
            }
        }
        section.panel #enrolments {
            h2 { (lang.t("tr.enrolments")) }
            @if view.enrolments.is_empty() {
                p.empty { (lang.t("tr.no_enrolments")) }
            } @else {
                div.table-scroll { table.data {
                    thead { tr {
                        th { (lang.t("tr.officer")) } th { (lang.t("tr.agency")) } th { (lang.t("tr.status")) }
                        th { (lang.t("tr.attendance")) } th { (lang.t("tr.assessment")) } th { (lang.t("tr.certificate")) } th {}
                    } }
                    tbody { @for e in &view.enrolments { (enrolment_row(lang, &auth, e, view.may_manage)) } }
                } }
            }
        }
        section.panel #waiting-list {
            h2 { (lang.t("tr.waiting_list")) }
            @if waiting.is_empty() { p.empty { (lang.t("tr.nobody_waiting")) } } @else {
                ol { @for e in &waiting { li { (e.officer_name) " (" (e.agency.as_str()) ")" } } }
            }
        }
    };
    Ok(shell(&auth, &view.course_title, body))
}

/// `POST /training/sessions/{id}/enrol`.
async fn enrol(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    state
        .enrol(&auth.session.actor, id, form.get("officer").trim())
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(Redirect::to(&format!("/training/sessions/{id}#enrolments")).into_response())
}

/// `POST /training/enrolments/{id}/{cancel|attendance|assessment}`.
async fn change(
    State(state): State<AppState>,
    auth: Authed,
    Path((id, change)): Path<(String, String)>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let actor = &auth.session.actor;
    let done = match change.as_str() {
        "cancel" => state.cancel_enrolment(actor, id).await,
        "attendance" => {
            state
                .record_attendance(
                    actor,
                    id,
                    AttendanceInput {
                        attended: form.get("attended") == "true",
                    },
                )
                .await
        }
        "assessment" => {
            let result = match form.get("result") {
                "passed" => AssessmentResult::Passed,
                "failed" => AssessmentResult::Failed,
                _ => return Err(auth.fail(AppError::field("result", "passed or failed"))),
            };
            let score =
                match form.get("score").trim() {
                    "" => None,
                    raw => Some(raw.parse::<f64>().map_err(|_| {
                        auth.fail(AppError::field("score", "a number from 0 to 100"))
                    })?),
                };
            state
                .record_assessment(actor, id, AssessmentInput { result, score })
                .await
        }
        _ => return Err(auth.fail(AppError::NotFound)),
    }
    .map_err(|e| auth.fail(e))?;
    Ok(Redirect::to(&format!("/training/sessions/{}#enrolments", done.session)).into_response())
}

/// `GET /training/certificates/{id}/pdf`.
async fn certificate_pdf(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let pdf = state
        .certificate_pdf(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(pdf_response(pdf, &format!("certificate-{id}.pdf")))
}

#[derive(serde::Deserialize)]
struct OfficerQuery {
    officer: Option<String>,
}

/// `GET /training/record?officer=…`: an officer's training record.
async fn record(
    State(state): State<AppState>,
    auth: Authed,
    Query(q): Query<OfficerQuery>,
) -> Page {
    let lang = auth.ctx.lang;
    let officer = q
        .officer
        .unwrap_or_else(|| auth.session.actor.username.to_string());
    let record = state
        .training_record(&auth.session.actor, officer.trim())
        .await
        .map_err(|e| auth.fail(e))?;
    let body = html! {
        div.page-head {
            h1 { (lang.t("tr.record")) ": " (record.officer_name) }
            a.button.secondary href="/training" { (lang.t("tr.back")) }
        }
        section.panel {
            form.inline method="get" action="/training/record" {
                input name="officer" value=(officer) aria-label=(lang.t("tr.officer"));
                button.secondary type="submit" { (lang.t("tr.show_record")) }
            }
            p { (record.officer.as_str()) " · " (record.agency.as_str()) " · "
                (lang.t("tr.hours_attended")) ": " strong #hours-attended { (record.hours_attended) } }
            @if record.entries.is_empty() { p.empty { (lang.t("tr.no_enrolments")) } } @else {
                table.data #record {
                    thead { tr {
                        th { (lang.t("tr.course")) } th { (lang.t("tr.host")) } th { (lang.t("tr.dates")) } th { (lang.t("tr.hours")) }
                        th { (lang.t("tr.status")) } th { (lang.t("tr.certificate")) }
                    } }
                    tbody { @for entry in &record.entries { tr {
                        td { a href={ "/training/sessions/" (entry.enrolment.session) } { (entry.course_title) } }
                        td { (entry.enrolment.host_agency.as_str()) }
                        td.nowrap { (lang.date(entry.starts_on)) " – " (lang.date(entry.ends_on)) }
                        td { (entry.hours) }
                        td { (status_text(lang, entry.enrolment.status)) }
                        td { @if let (Some(c), Some(until)) = (entry.enrolment.certificate, entry.certificate_expires_on) {
                            a href={ "/training/certificates/" (c) "/pdf" } { (lang.t("tr.certificate_pdf")) }
                            " · " (lang.t("tr.expires")) " " (lang.date(until))
                        } }
                    } } }
                }
            }
        }
    };
    Ok(shell(&auth, lang.t("tr.record"), body))
}

/// `GET /training/reports`: hours per agency, certificates expiring in 90 days, seats.
async fn reports(State(state): State<AppState>, auth: Authed) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let hours = state.hours_report(actor).await.map_err(|e| auth.fail(e))?;
    let expiring = state
        .expiring_report(actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let seats = state.seats_report(actor).await.map_err(|e| auth.fail(e))?;
    let body = html! {
        div.page-head {
            h1 { (lang.t("tr.reports")) }
            a.button.secondary href="/training" { (lang.t("tr.back")) }
        }
        section.panel #report-hours {
            h2 { (lang.t("tr.report_hours")) }
            table.data {
                thead { tr { th { (lang.t("tr.agency")) } th { (lang.t("tr.officers")) } th { (lang.t("tr.courses_attended")) } th { (lang.t("tr.hours")) } } }
                tbody { @for r in &hours { tr { td { (r.agency.as_str()) } td { (r.officers) } td { (r.courses_attended) } td { (r.hours) } } } }
            }
        }
        section.panel #report-expiring {
            h2 { (lang.t("tr.report_expiring")) }
            @if expiring.is_empty() { p.empty { (lang.t("tr.none_expiring")) } } @else {
                table.data {
                    thead { tr { th { (lang.t("tr.officer")) } th { (lang.t("tr.agency")) } th { (lang.t("tr.course")) } th { (lang.t("tr.expires")) } } }
                    tbody { @for c in &expiring { tr {
                        td { (c.content.officer_name) } td { (c.content.agency.as_str()) } td { (c.content.course_title) } td { (lang.date(c.content.expires_on)) }
                    } } }
                }
            }
        }
        section.panel #report-seats {
            h2 { (lang.t("tr.report_seats")) }
            table.data {
                thead { tr { th { (lang.t("tr.course")) } th { (lang.t("tr.dates")) } th { (lang.t("tr.agency")) } th { (lang.t("tr.seats_used")) } th { (lang.t("tr.seats_offered")) } th { (lang.t("tr.waiting_list")) } } }
                tbody { @for r in &seats { tr {
                    td { a href={ "/training/sessions/" (r.session) } { (r.course_title) } } td { (lang.date(r.starts_on)) }
                    td { (r.agency.as_str()) } td { (r.used) } td { (r.seats) } td { (r.waitlisted) }
                } } }
            }
        }
    };
    Ok(shell(&auth, lang.t("tr.reports"), body))
}

fn verify_page(ctx: &Ctx, status: StatusCode, verdict: Option<&Verification>) -> Response {
    let lang = ctx.lang;
    let body = html! {
        div.page-head { h1 { (lang.t("tr.verify_title")) } }
        section.panel {
            p.muted { (lang.t("tr.verify_help")) }
            form.stack method="post" action="/verify" enctype="multipart/form-data" {
                label { (lang.t("tr.verify_file")) input type="file" name="file" accept="application/pdf" required; }
                button type="submit" { (lang.t("tr.verify_button")) }
            }
        }
        @if let Some(v) = verdict {
            section #verdict class=(if v.genuine { "panel verdict genuine" } else { "panel verdict not-genuine" }) {
                h2 #verdict-outcome data-outcome=(v.outcome) {
                    (if v.genuine { lang.t("tr.genuine") } else { lang.t("tr.not_genuine") })
                }
                p { (lang.t(&format!("tr.outcome.{}", v.outcome))) }
                @if let Some(c) = &v.certificate {
                    dl.facts {
                        dt { (lang.t("tr.officer")) } dd #verified-officer { (c.officer_name) " (" (c.officer.as_str()) ")" }
                        dt { (lang.t("tr.agency")) } dd { (c.agency.as_str()) }
                        dt { (lang.t("tr.course")) } dd { (c.course_title) }
                        dt { (lang.t("tr.host")) } dd { (c.host_agency.as_str()) }
                        dt { (lang.t("tr.dates")) } dd { (lang.date(c.starts_on)) " – " (lang.date(c.ends_on)) }
                        dt { (lang.t("tr.hours")) } dd { (c.hours) }
                        dt { (lang.t("tr.issued")) } dd { (lang.date(c.issued_on)) }
                        dt { (lang.t("tr.expires")) } dd { (lang.date(c.expires_on)) }
                        dt { (lang.t("tr.certificate_id")) } dd { (c.id) }
                    }
                }
            }
        }
    };
    html_response(
        status,
        page(
            lang,
            ctx.session.as_ref(),
            &ctx.here,
            lang.t("tr.verify_title"),
            Nav::None,
            body,
        ),
    )
}

/// `GET /verify`: the public verification page.
async fn verify_form(ctx: Ctx) -> Response {
    verify_page(&ctx, StatusCode::OK, None)
}

/// `POST /verify`: a certificate PDF uploaded for verification (no login).
async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let mut file = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(part)) => {
                if part.name() == Some("file") {
                    match part.bytes().await {
                        Ok(bytes) => file = bytes.to_vec(),
                        Err(_) => {
                            return ctx.fail(AppError::BadRequest("cannot read the file".into()))
                        }
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return ctx.fail(AppError::BadRequest("cannot read the form".into())),
        }
    }
    match state.verify_certificate(&file).await {
        Ok(verdict) => verify_page(&ctx, StatusCode::OK, Some(&verdict)),
        Err(e) => ctx.fail(e),
    }
}
