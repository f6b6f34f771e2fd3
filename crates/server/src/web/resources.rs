//! `/resources` and `/loans`: the register of the agency's own and partners' visible
//! dogs and equipment with the search for available ones nearest a place, a resource's
//! month calendar (a server-rendered grid, bookings coloured by kind), the register
//! form, and the loans with each party's actions. Every page calls the same service
//! functions as the API (`api::resources`).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, Duration, NaiveDate};
use interdict_core::policy::Action;
use interdict_core::record::DrugType;
use interdict_core::resource::{
    Availability, CalendarInput, CounterInput, LoanRequestInput, LoanStatus, ResourceInput,
    ResourceKind, Site, UsageReport,
};
use interdict_core::{AgencyCode, Tlp};
use interdict_service::resources::{AvailabilityQuery, LoanView, ResourceView};
use interdict_service::ServiceError;
use maud::{html, Markup};
use uuid::Uuid;

use super::ctx::{encode, query_pairs, Authed, FormData};
use super::forms::drug_name;
use super::i18n::Lang;
use super::layout::{html_response, page, tlp_badge, Nav};
use super::statics;
use crate::error::AppError;
use crate::AppState;

type Page = Result<Response, Response>;

/// The routes of the resource and loan pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/resources", get(register).post(create))
        .route("/resources/new", get(new_form))
        .route("/resources/{id}", get(resource_page))
        .route("/resources/{id}/calendar", post(add_entry))
        .route("/loans", get(loans).post(request))
        .route("/loans/{id}/{step}", post(loan_step))
}

fn id_of(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

fn kind_name(lang: Lang, kind: ResourceKind) -> &'static str {
    lang.t(&format!("res.kind.{}", kind.as_str()))
}

fn css() -> Markup {
    html! { link rel="stylesheet" href=(statics::url("resources.css")); }
}

/// Back to `path` with the error of a form shown there.
fn back_with(path: &str, anchor: &str, error: Option<&ServiceError>) -> Response {
    let to = match error {
        Some(e) => {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}error={}{anchor}", encode(&e.to_string()))
        }
        None => format!("{path}{anchor}"),
    };
    Redirect::to(&to).into_response()
}

fn error_banner(query: &FormData) -> Markup {
    let error = query.get("error");
    html! {
        @if !error.is_empty() {
            div.alert.alert-error role="alert" { p { (error) } }
        }
    }
}

fn wrap(auth: &Authed, title: &str, nav: Nav, body: Markup) -> Response {
    html_response(
        StatusCode::OK,
        page(
            auth.ctx.lang,
            Some(&auth.session),
            &auth.ctx.here,
            title,
            nav,
            html! { (css()) (body) },
        ),
    )
}

fn kind_options(lang: Lang, selected: &str) -> Markup {
    html! {
        @for k in ResourceKind::ALL {
            option value=(k.as_str()) selected[selected == k.as_str()] { (kind_name(lang, *k)) }
        }
    }
}

fn drug_options(lang: Lang, selected: &str, blank: bool) -> Markup {
    html! {
        @if blank { option value="" { "—" } }
        @for d in DrugType::ALL {
            option value=(d.as_str()) selected[selected == d.as_str()] { (drug_name(lang, *d)) }
        }
    }
}

fn fitness(lang: Lang, r: &interdict_core::resource::Resource) -> Markup {
    html! {
        @if r.input.kind.is_dog() {
            (lang.t("res.certified_until")) " " (r.input.certified_until.map(|d| lang.date(d)).unwrap_or_default())
        } @else {
            (lang.t("res.service_due")) " " (r.input.service_due.map(|d| lang.date(d)).unwrap_or_default())
        }
    }
}

fn specialisations(lang: Lang, r: &interdict_core::resource::Resource) -> String {
    r.input
        .specialisations
        .iter()
        .map(|d| drug_name(lang, *d))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// `GET /resources`: the register and the search form.
async fn register(State(state): State<AppState>, auth: Authed, RawQuery(query): RawQuery) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let q = query_pairs(query.as_deref());
    let resources = state
        .resources_for(actor, None)
        .await
        .map_err(|e| auth.fail(e))?;
    let today = state.today();
    let kind = q.get("kind").to_owned();
    let from = parse_day(q.get("from")).unwrap_or(today + Duration::days(7));
    let to = parse_day(q.get("to")).unwrap_or(from + Duration::days(2));
    let lat = q.get("lat").to_owned();
    let lon = q.get("lon").to_owned();
    let place = q.get("place").to_owned();
    let searched = !kind.is_empty();
    let mut results = None;
    let mut search_error = None;
    if searched {
        match (
            ResourceKind::parse(&kind),
            lat.trim().parse::<f64>(),
            lon.trim().parse::<f64>(),
        ) {
            (Some(k), Ok(la), Ok(lo)) => {
                let query = AvailabilityQuery {
                    kind: k,
                    specialisation: DrugType::parse(q.get("specialisation")).filter(|_| k.is_dog()),
                    from,
                    to,
                    place: Site {
                        name: place.clone(),
                        lat: la,
                        lon: lo,
                    },
                };
                match state.available_resources(actor, &query).await {
                    Ok(found) => results = Some(found),
                    Err(e) => search_error = Some(e.to_string()),
                }
            }
            _ => search_error = Some(lang.t("res.search.bad").to_owned()),
        }
    }
    let manager = actor.may(Action::ManageResources);
    let body = html! {
        div.page-head {
            h1 { (lang.t("res.title")) }
            div.filter-actions {
                a.button.secondary href="/loans" { (lang.t("res.loans")) }
                @if manager { a.button href="/resources/new" { (lang.t("res.new")) } }
            }
        }
        (error_banner(&q))
        section.panel #res-search {
            h2 { (lang.t("res.search")) }
            p.muted { (lang.t("res.search.help")) }
            form.filters method="get" action="/resources" {
                div.filter-field { label for="s-kind" { (lang.t("res.kind")) }
                    select #s-kind name="kind" { (kind_options(lang, &kind)) } }
                div.filter-field { label for="s-spec" { (lang.t("res.specialisation")) }
                    select #s-spec name="specialisation" { (drug_options(lang, q.get("specialisation"), true)) } }
                div.filter-field { label for="s-from" { (lang.t("res.from")) }
                    input #s-from type="date" name="from" value=(from); }
                div.filter-field { label for="s-to" { (lang.t("res.to")) }
                    input #s-to type="date" name="to" value=(to); }
                div.filter-field.grow { label for="s-place" { (lang.t("res.place")) }
                    input #s-place type="text" name="place" value=(place) placeholder=(lang.t("res.place.example")); }
                div.filter-field { label for="s-lat" { (lang.t("res.lat")) }
                    input #s-lat type="text" name="lat" value=(lat) inputmode="decimal" placeholder="35.10"; }
                div.filter-field { label for="s-lon" { (lang.t("res.lon")) }
                    input #s-lon type="text" name="lon" value=(lon) inputmode="decimal" placeholder="129.04"; }
                div.filter-actions { button.button type="submit" { (lang.t("res.search.go")) } }
            }
            @if let Some(e) = &search_error { div.alert.alert-error { p { (e) } } }
            @if let Some(found) = &results {
                @if found.is_empty() {
                    p.empty { (lang.t("res.search.none")) }
                } @else {
                    div.table-scroll { table.data #res-results {
                        thead { tr {
                            th { (lang.t("res.name")) } th { (lang.t("res.agency")) } th { (lang.t("res.home_base")) }
                            th.num { (lang.t("res.distance")) } th { }
                        } }
                        tbody { @for a in found {
                            tr {
                                td.title-cell { a href={ "/resources/" (a.resource.id) } { (a.resource.input.name) } }
                                td { (a.resource.agency.as_str()) }
                                td { (a.resource.input.home_base.name) }
                                td.num { (format!("{:.1}", a.distance_km)) " km" }
                                td { @if manager && a.resource.agency != actor.agency {
                                    a.button.secondary href={ "/loans?new=1&owner=" (a.resource.agency.as_str()) "&kind=" (a.resource.input.kind.as_str())
                                        "&specialisation=" (q.get("specialisation")) "&from=" (from) "&to=" (to) "&place=" (encode(&place)) "&lat=" (encode(&lat)) "&lon=" (encode(&lon)) } { (lang.t("res.request")) }
                                } }
                            }
                        } }
                    } }
                }
            }
        }
        section.panel #res-register {
            h2 { (lang.t("res.register")) }
            p.muted { (lang.t("res.register.help")) }
            @if resources.is_empty() {
                p.empty { (lang.t("res.none")) }
            } @else {
                div.table-scroll { table.data #resources {
                    thead { tr {
                        th { (lang.t("res.name")) } th { (lang.t("res.kind")) } th { (lang.t("res.agency")) }
                        th { (lang.t("res.details")) } th { (lang.t("res.home_base")) } th { (lang.t("res.fitness")) } th { "TLP" }
                    } }
                    tbody { @for v in &resources {
                        @let r = &v.resource;
                        tr class=[(r.agency != actor.agency).then_some("partner")] {
                            td.title-cell { a href={ "/resources/" (r.id) } { (r.input.name) } }
                            td { span.kind { (kind_name(lang, r.input.kind)) } }
                            td { (r.agency.as_str()) }
                            td.small { @if r.input.kind.is_dog() {
                                (r.input.handler.as_deref().unwrap_or_default()) " · " (specialisations(lang, r))
                            } @else { span.mono { (r.input.serial_number.as_deref().unwrap_or_default()) } } }
                            td { (r.input.home_base.name) }
                            td.nowrap.small { (fitness(lang, r)) }
                            td { (tlp_badge(r.input.tlp)) }
                        }
                    } }
                } }
            }
        }
    };
    Ok(wrap(&auth, lang.t("res.title"), Nav::Resources, body))
}

/// `GET /resources/new`.
async fn new_form(auth: Authed, RawQuery(query): RawQuery) -> Page {
    let lang = auth.ctx.lang;
    let q = query_pairs(query.as_deref());
    let body = html! {
        div.page-head { h1 { (lang.t("res.new")) } }
        (error_banner(&q))
        section.panel {
            p.muted { (lang.t("res.form.help")) }
            form #resource-form method="post" action="/resources" {
                input type="hidden" name="csrf" value=(auth.csrf());
                div.form-grid {
                    div.field { label for="f-kind" { (lang.t("res.kind")) } select #f-kind name="kind" { (kind_options(lang, q.get("kind"))) } }
                    div.field { label for="f-name" { (lang.t("res.name")) } input #f-name type="text" name="name" required; }
                    div.field { label for="f-tlp" { "TLP" } select #f-tlp name="tlp" {
                        @for t in [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict] {
                            option value=(t.as_str()) selected[t == Tlp::Green] { (t.as_str()) }
                        }
                    } }
                }
                fieldset { legend { (lang.t("res.form.dog")) }
                    div.form-grid {
                        div.field { label for="f-handler" { (lang.t("res.handler")) } input #f-handler type="text" name="handler"; }
                        div.field { label for="f-cert" { (lang.t("res.certification")) } input #f-cert type="text" name="certification"; }
                        div.field { label for="f-until" { (lang.t("res.certified_until")) } input #f-until type="date" name="certified_until"; }
                    }
                    div.check-grid { @for d in DrugType::ALL {
                        label.check { input type="checkbox" name="specialisations" value=(d.as_str()); (drug_name(lang, *d)) }
                    } }
                }
                fieldset { legend { (lang.t("res.form.equipment")) }
                    div.form-grid {
                        div.field { label for="f-serial" { (lang.t("res.serial_number")) } input #f-serial type="text" name="serial_number"; }
                        div.field { label for="f-due" { (lang.t("res.service_due")) } input #f-due type="date" name="service_due"; }
                    }
                }
                fieldset { legend { (lang.t("res.home_base")) }
                    div.form-grid {
                        div.field { label for="f-base" { (lang.t("res.place")) } input #f-base type="text" name="base_name"; }
                        div.field { label for="f-lat" { (lang.t("res.lat")) } input #f-lat type="text" name="base_lat" inputmode="decimal"; }
                        div.field { label for="f-lon" { (lang.t("res.lon")) } input #f-lon type="text" name="base_lon" inputmode="decimal"; }
                    }
                }
                div.form-actions { button.button type="submit" { (lang.t("res.save")) } a.button.secondary href="/resources" { (lang.t("res.cancel")) } }
            }
        }
    };
    Ok(wrap(&auth, lang.t("res.new"), Nav::Resources, body))
}

fn opt(form: &FormData, name: &str) -> Option<String> {
    let v = form.get(name).trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// `POST /resources`.
async fn create(State(state): State<AppState>, auth: Authed, form: FormData) -> Page {
    auth.check_csrf(&form)?;
    let kind = ResourceKind::parse(form.get("kind")).unwrap_or(ResourceKind::Dog);
    let coord = |name: &str| form.get(name).trim().parse::<f64>().unwrap_or(f64::NAN);
    let input = ResourceInput {
        kind,
        name: form.get("name").to_owned(),
        handler: opt(&form, "handler"),
        specialisations: form
            .all("specialisations")
            .iter()
            .filter_map(|d| DrugType::parse(d))
            .collect(),
        certification: opt(&form, "certification"),
        certified_until: parse_day(form.get("certified_until")),
        serial_number: opt(&form, "serial_number"),
        service_due: parse_day(form.get("service_due")),
        home_base: Site {
            name: form.get("base_name").to_owned(),
            lat: coord("base_lat"),
            lon: coord("base_lon"),
        },
        tlp: Tlp::parse(form.get("tlp")).unwrap_or(Tlp::Green),
    };
    match state.create_resource(&auth.session.actor, input).await {
        Ok(view) => Ok(Redirect::to(&format!("/resources/{}", view.resource.id)).into_response()),
        Err(e @ ServiceError::Invalid { .. }) => Ok(back_with(
            &format!("/resources/new?kind={}", kind.as_str()),
            "",
            Some(&e),
        )),
        Err(e) => Err(auth.fail(e)),
    }
}

/// The first day of the month of `raw` (`YYYY-MM`), or of `today`'s.
fn month_of(raw: &str, today: NaiveDate) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d")
        .unwrap_or_else(|_| today.with_day(1).unwrap_or(today))
}

fn shift_month(first: NaiveDate, by: i32) -> NaiveDate {
    let months = first.year() * 12 + first.month0() as i32 + by;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(first)
}

/// `GET /resources/{id}?month=YYYY-MM`: the resource and its month calendar.
async fn resource_page(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let q = query_pairs(query.as_deref());
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let ResourceView {
        resource: r,
        may_manage,
    } = state.resource(actor, id).await.map_err(|e| auth.fail(e))?;
    let today = state.today();
    let first = month_of(q.get("month"), today);
    let last = shift_month(first, 1).pred_opt().unwrap_or(first);
    // The grid runs Monday to Sunday over whole weeks.
    let start = first - Duration::days(first.weekday().num_days_from_monday() as i64);
    let end = last + Duration::days(6 - last.weekday().num_days_from_monday() as i64);
    let entries = state
        .resource_calendar(actor, id, start, end)
        .await
        .map_err(|e| auth.fail(e))?;
    let month_key = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let mut weeks: Vec<Vec<NaiveDate>> = Vec::new();
    let mut day = start;
    while day <= end {
        if day.weekday().num_days_from_monday() == 0 {
            weeks.push(Vec::new());
        }
        if let Some(w) = weeks.last_mut() {
            w.push(day);
        }
        day += Duration::days(1);
    }
    let body = html! {
        div.page-head {
            h1 { (r.input.name) " " span.kind { (kind_name(lang, r.input.kind)) } }
            a.button.secondary href="/resources" { (lang.t("res.back")) }
        }
        (error_banner(&q))
        section.panel {
            div.badges { (tlp_badge(r.input.tlp)) span { (r.agency.as_str()) } }
            dl.facts {
                @if r.input.kind.is_dog() {
                    dt { (lang.t("res.handler")) } dd { (r.input.handler.as_deref().unwrap_or_default()) }
                    dt { (lang.t("res.specialisation")) } dd { (specialisations(lang, &r)) }
                    dt { (lang.t("res.certification")) } dd { (r.input.certification.as_deref().unwrap_or_default()) }
                    dt { (lang.t("res.certified_until")) } dd { (r.input.certified_until.map(|d| lang.date(d)).unwrap_or_default()) }
                } @else {
                    dt { (lang.t("res.serial_number")) } dd.mono { (r.input.serial_number.as_deref().unwrap_or_default()) }
                    dt { (lang.t("res.service_due")) } dd { (r.input.service_due.map(|d| lang.date(d)).unwrap_or_default()) }
                }
                dt { (lang.t("res.home_base")) } dd { (r.input.home_base.name) " (" (format!("{:.4}, {:.4}", r.input.home_base.lat, r.input.home_base.lon)) ")" }
            }
        }
        section.panel #calendar {
            div.panel-head {
                h2 { (lang.t("res.calendar")) " · " (lang.t(&format!("month.{}", first.month()))) " " (first.year()) }
                nav.cal-nav {
                    a.button.secondary #cal-prev href={ "/resources/" (r.id) "?month=" (month_key(shift_month(first, -1))) "#calendar" } { "‹ " (lang.t("res.cal.prev")) }
                    a.button.secondary href={ "/resources/" (r.id) "#calendar" } { (lang.t("res.cal.today")) }
                    a.button.secondary #cal-next href={ "/resources/" (r.id) "?month=" (month_key(shift_month(first, 1))) "#calendar" } { (lang.t("res.cal.next")) " ›" }
                }
            }
            table.cal {
                thead { tr { @for wd in 0..7 { th { (lang.t(&format!("res.cal.wd{wd}"))) } } } }
                tbody { @for week in &weeks {
                    tr { @for d in week {
                        @let taken: Vec<_> = entries.iter().filter(|e| e.from <= *d && *d <= e.to).collect();
                        @let class = format!("cal-day{}{}{}",
                            if d.month() != first.month() { " cal-out" } else { "" },
                            if *d == today { " cal-today" } else { "" },
                            taken.first().map(|e| format!(" cal-{}", e.kind.as_str())).unwrap_or_default());
                        td class=(class) data-day=(d) {
                            span.cal-num { (d.day()) }
                            @for e in &taken {
                                span.cal-tag { (lang.t(&format!("res.avail.{}", e.kind.as_str()))) }
                            }
                        }
                    } }
                } }
            }
            ul.cal-legend { @for a in Availability::ALL {
                li { span class={ "cal-swatch cal-" (a.as_str()) } {} (lang.t(&format!("res.avail.{}", a.as_str()))) }
            } }
            @if !entries.is_empty() {
                table.data.compact #cal-entries {
                    thead { tr { th { (lang.t("res.kind")) } th { (lang.t("res.from")) } th { (lang.t("res.to")) } th { (lang.t("res.note")) } } }
                    tbody { @for e in &entries { tr {
                        td { span class={ "cal-swatch cal-" (e.kind.as_str()) } {} (lang.t(&format!("res.avail.{}", e.kind.as_str()))) }
                        td.nowrap { (lang.date(e.from)) } td.nowrap { (lang.date(e.to)) }
                        td { @if let Some(l) = e.loan { a href={ "/loans#loan-" (l) } { (e.note) } } @else { (e.note) } }
                    } } }
                }
            }
            @if may_manage {
                form.filters #cal-form method="post" action={ "/resources/" (r.id) "/calendar" } {
                    input type="hidden" name="csrf" value=(auth.csrf());
                    input type="hidden" name="month" value=(month_key(first));
                    div.filter-field { label for="c-kind" { (lang.t("res.kind")) } select #c-kind name="kind" {
                        @for a in [Availability::HomeDuty, Availability::Maintenance, Availability::Leave] {
                            option value=(a.as_str()) { (lang.t(&format!("res.avail.{}", a.as_str()))) }
                        }
                    } }
                    div.filter-field { label for="c-from" { (lang.t("res.from")) } input #c-from type="date" name="from" required; }
                    div.filter-field { label for="c-to" { (lang.t("res.to")) } input #c-to type="date" name="to" required; }
                    div.filter-field.grow { label for="c-note" { (lang.t("res.note")) } input #c-note type="text" name="note"; }
                    div.filter-actions { button.button type="submit" { (lang.t("res.cal.add")) } }
                }
            } @else if actor.may(Action::ManageResources) && r.agency != actor.agency {
                p { a.button href={ "/loans?new=1&owner=" (r.agency.as_str()) "&kind=" (r.input.kind.as_str()) } { (lang.t("res.request")) } }
            }
        }
    };
    Ok(wrap(&auth, &r.input.name, Nav::Resources, body))
}

/// `POST /resources/{id}/calendar`.
async fn add_entry(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let back = format!("/resources/{id}?month={}", form.get("month"));
    let (Some(from), Some(to)) = (parse_day(form.get("from")), parse_day(form.get("to"))) else {
        return Ok(back_with(
            &back,
            "#calendar",
            Some(&ServiceError::field("from", auth.ctx.lang.t("err.date"))),
        ));
    };
    let input = CalendarInput {
        kind: Availability::parse(form.get("kind")).unwrap_or(Availability::HomeDuty),
        from,
        to,
        note: form.get("note").to_owned(),
    };
    match state
        .add_calendar_entry(&auth.session.actor, id, input)
        .await
    {
        Ok(_) => Ok(back_with(&back, "#calendar", None)),
        Err(e @ (ServiceError::Invalid { .. } | ServiceError::Conflict { .. })) => {
            Ok(back_with(&back, "#calendar", Some(&e)))
        }
        Err(e) => Err(auth.fail(e)),
    }
}

fn loan_status(lang: Lang, status: LoanStatus) -> Markup {
    html! { span class={ "status loan-" (status.as_str()) } { (lang.t(&format!("res.loan.{}", status.as_str()))) } }
}

/// `GET /loans`: the loans of the agency, the actions of each party, the request form.
async fn loans(State(state): State<AppState>, auth: Authed, RawQuery(query): RawQuery) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let q = query_pairs(query.as_deref());
    let loans = state.loans_for(actor).await.map_err(|e| auth.fail(e))?;
    // The resources the reader sees: its own to lend, and a partner's lent to it, by
    // name.
    let visible: Vec<ResourceView> = state
        .resources_for(actor, None)
        .await
        .map_err(|e| auth.fail(e))?;
    let manager = actor.may(Action::ManageResources);
    let partners: Vec<AgencyCode> = state
        .agreements_for(actor)
        .await
        .map_err(|e| auth.fail(e))?
        .into_iter()
        .filter(|a| a.in_force(state.today()) && a.covers(interdict_core::Scope::Resources))
        .flat_map(|a| a.parties.into_iter())
        .filter(|p| p != &actor.agency)
        .collect();
    let body = html! {
        div.page-head {
            h1 { (lang.t("res.loans")) }
            a.button.secondary href="/resources" { (lang.t("res.title")) }
        }
        (error_banner(&q))
        @if manager && !partners.is_empty() {
            details.panel #loan-request open[q.get("new") == "1"] {
                summary { h2.inline { (lang.t("res.request.title")) } }
                form method="post" action="/loans" {
                    input type="hidden" name="csrf" value=(auth.csrf());
                    div.form-grid {
                        div.field { label for="r-owner" { (lang.t("res.owner")) } select #r-owner name="owner_agency" {
                            @for p in &partners { option value=(p.as_str()) selected[q.get("owner") == p.as_str()] { (p.as_str()) } }
                        } }
                        div.field { label for="r-kind" { (lang.t("res.kind")) } select #r-kind name="kind" { (kind_options(lang, q.get("kind"))) } }
                        div.field { label for="r-spec" { (lang.t("res.specialisation")) } select #r-spec name="specialisation" { (drug_options(lang, q.get("specialisation"), true)) } }
                        div.field { label for="r-op" { (lang.t("res.operation")) } input #r-op type="text" name="operation" placeholder="UUID"; }
                        div.field { label for="r-from" { (lang.t("res.from")) } input #r-from type="date" name="from" value=(q.get("from")) required; }
                        div.field { label for="r-to" { (lang.t("res.to")) } input #r-to type="date" name="to" value=(q.get("to")) required; }
                        div.field { label for="r-place" { (lang.t("res.place")) } input #r-place type="text" name="place" value=(q.get("place")) required; }
                        div.field { label for="r-lat" { (lang.t("res.lat")) } input #r-lat type="text" name="lat" value=(q.get("lat")) inputmode="decimal"; }
                        div.field { label for="r-lon" { (lang.t("res.lon")) } input #r-lon type="text" name="lon" value=(q.get("lon")) inputmode="decimal"; }
                        div.field.wide { label for="r-purpose" { (lang.t("res.purpose")) } textarea #r-purpose name="purpose" rows="2" required {} }
                    }
                    div.form-actions { button.button type="submit" { (lang.t("res.request.send")) } }
                }
            }
        }
        section.panel #loans {
            @if loans.is_empty() {
                p.empty { (lang.t("res.loans.none")) }
            }
            @for v in &loans { (loan_card(lang, &auth, v, &visible)) }
        }
    };
    Ok(wrap(&auth, lang.t("res.loans"), Nav::Resources, body))
}

fn loan_card(lang: Lang, auth: &Authed, v: &LoanView, visible: &[ResourceView]) -> Markup {
    let l = &v.loan;
    let csrf = auth.csrf();
    let has = |s: &str| v.actions.iter().any(|a| a == s);
    let fitting: Vec<&ResourceView> = visible
        .iter()
        .filter(|r| {
            r.resource.agency == auth.session.actor.agency
                && r.resource.matches(l.kind, l.specialisation)
        })
        .collect();
    let name_of = |id: Uuid| {
        visible
            .iter()
            .find(|r| r.resource.id == id)
            .map(|r| r.resource.input.name.clone())
            .unwrap_or_else(|| id.to_string()[..8].to_owned())
    };
    let action = |step: &str| format!("/loans/{}/{step}", l.id);
    html! {
        article.loan id={ "loan-" (l.id) } data-status=(l.status.as_str()) {
            div.panel-head {
                h3 { (l.borrower_agency.as_str()) " ← " (l.owner_agency.as_str()) " · " (kind_name(lang, l.kind))
                    @if let Some(s) = l.specialisation { " (" (drug_name(lang, s)) ")" } }
                (loan_status(lang, l.status))
            }
            dl.facts {
                dt { (lang.t("res.period")) } dd { (lang.date(l.from)) " – " (lang.date(l.to)) }
                dt { (lang.t("res.place")) } dd { (l.place.name) }
                dt { (lang.t("res.purpose")) } dd { (l.purpose) }
                @if let Some(r) = l.resource { dt { (lang.t("res.resource")) } dd { a href={ "/resources/" (r) } { (name_of(r)) } } }
                @if let Some(c) = &l.counter { dt { (lang.t("res.counter")) } dd {
                    a href={ "/resources/" (c.resource) } { (name_of(c.resource)) } " · "
                    (c.from.map(|d| lang.date(d)).unwrap_or_default()) " – " (c.to.map(|d| lang.date(d)).unwrap_or_default())
                    @if !c.note.is_empty() { " · " (c.note) }
                } }
                @if let Some(reason) = &l.decline_reason { dt { (lang.t("res.reason")) } dd { (reason) } }
                @if let Some(u) = &l.usage { dt { (lang.t("res.usage")) } dd.usage {
                    (lang.t("res.hours")) " " (u.hours) " · " (lang.t("res.searches")) " " (u.searches) " · " (lang.t("res.finds")) " " (u.finds)
                    @for s in &u.seizures { " · " a href={ "/seizures/" (s) } { (lang.t("res.seizure")) } }
                    @if !u.notes.is_empty() { br; (u.notes) }
                } }
            }
            div.loan-actions {
                @if has("approve") {
                    form.inline-form method="post" action=(action("approve")) {
                        input type="hidden" name="csrf" value=(csrf);
                        select name="resource" aria-label=(lang.t("res.resource")) { @for r in &fitting { option value=(r.resource.id) { (r.resource.input.name) } } }
                        button.button type="submit" { (lang.t("res.step.approve")) }
                    }
                    form.inline-form method="post" action=(action("counter")) {
                        input type="hidden" name="csrf" value=(csrf);
                        select name="resource" aria-label=(lang.t("res.resource")) { @for r in &fitting { option value=(r.resource.id) { (r.resource.input.name) } } }
                        input type="date" name="from" value=(l.from) aria-label=(lang.t("res.from"));
                        input type="date" name="to" value=(l.to) aria-label=(lang.t("res.to"));
                        input type="text" name="note" placeholder=(lang.t("res.note"));
                        button.button.secondary type="submit" { (lang.t("res.step.counter")) }
                    }
                    form.inline-form method="post" action=(action("decline")) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="text" name="reason" placeholder=(lang.t("res.reason")) required;
                        button.button.danger type="submit" { (lang.t("res.step.decline")) }
                    }
                }
                @for step in ["accept", "deploy", "withdraw"] {
                    @if has(step) {
                        form.inline-form method="post" action=(action(step)) {
                            input type="hidden" name="csrf" value=(csrf);
                            button class=(if step == "withdraw" { "button secondary" } else { "button" }) type="submit" { (lang.t(&format!("res.step.{step}"))) }
                        }
                    }
                }
                @if has("return") {
                    form.inline-form method="post" action=(action("return")) {
                        input type="hidden" name="csrf" value=(csrf);
                        label { (lang.t("res.hours")) input type="text" name="hours" inputmode="decimal" required; }
                        label { (lang.t("res.searches")) input type="text" name="searches" inputmode="numeric" required; }
                        label { (lang.t("res.finds")) input type="text" name="finds" inputmode="numeric" required; }
                        input type="text" name="seizures" placeholder=(lang.t("res.seizures.ids"));
                        input type="text" name="notes" placeholder=(lang.t("res.note"));
                        button.button type="submit" { (lang.t("res.step.return")) }
                    }
                }
            }
        }
    }
}

/// `POST /loans`: a request to a partner.
async fn request(State(state): State<AppState>, auth: Authed, form: FormData) -> Page {
    auth.check_csrf(&form)?;
    let lang = auth.ctx.lang;
    let fail =
        |e: ServiceError| -> Page { Ok(back_with("/loans?new=1", "#loan-request", Some(&e))) };
    let Ok(owner) = AgencyCode::parse(form.get("owner_agency")) else {
        return fail(ServiceError::field(
            "owner_agency",
            lang.t("res.request.owner"),
        ));
    };
    let (Some(from), Some(to)) = (parse_day(form.get("from")), parse_day(form.get("to"))) else {
        return fail(ServiceError::field("from", lang.t("err.date")));
    };
    let operation = match form.get("operation").trim() {
        "" => None,
        raw => match Uuid::parse_str(raw) {
            Ok(id) => Some(id),
            Err(_) => return fail(ServiceError::field("operation", "no such operation")),
        },
    };
    let coord = |name: &str| form.get(name).trim().parse::<f64>().unwrap_or(f64::NAN);
    let input = LoanRequestInput {
        owner_agency: owner,
        kind: ResourceKind::parse(form.get("kind")).unwrap_or(ResourceKind::Dog),
        specialisation: DrugType::parse(form.get("specialisation")),
        from,
        to,
        place: Site {
            name: form.get("place").to_owned(),
            lat: coord("lat"),
            lon: coord("lon"),
        },
        operation,
        purpose: form.get("purpose").to_owned(),
    };
    match state.request_loan(&auth.session.actor, input).await {
        Ok(v) => Ok(Redirect::to(&format!("/loans#loan-{}", v.loan.id)).into_response()),
        Err(e @ (ServiceError::Invalid { .. } | ServiceError::Conflict { .. })) => fail(e),
        Err(e) => Err(auth.fail(e)),
    }
}

/// `POST /loans/{id}/{step}`.
async fn loan_step(
    State(state): State<AppState>,
    auth: Authed,
    Path((id, step)): Path<(String, String)>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let actor = &auth.session.actor;
    let resource = || {
        Uuid::parse_str(form.get("resource"))
            .map_err(|_| ServiceError::field("resource", "choose a resource"))
    };
    let result = match step.as_str() {
        "approve" => match resource() {
            Ok(r) => state.approve_loan(actor, id, r).await,
            Err(e) => Err(e),
        },
        "decline" => state.decline_loan(actor, id, form.get("reason")).await,
        "counter" => match resource() {
            Ok(r) => {
                let counter = CounterInput {
                    resource: r,
                    from: parse_day(form.get("from")),
                    to: parse_day(form.get("to")),
                    note: form.get("note").to_owned(),
                };
                state.counter_loan(actor, id, counter).await
            }
            Err(e) => Err(e),
        },
        "accept" => state.accept_loan(actor, id).await,
        "withdraw" => state.withdraw_loan(actor, id).await,
        "deploy" => state.deploy_loan(actor, id).await,
        "return" => {
            let mut seizures = Vec::new();
            let mut bad = None;
            for raw in form
                .get("seizures")
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match Uuid::parse_str(raw) {
                    Ok(s) => seizures.push(s),
                    Err(_) => bad = Some(ServiceError::field("seizures", "no such seizure")),
                }
            }
            let number = |name: &str| form.get(name).trim().parse::<u32>().ok();
            match (
                bad,
                form.get("hours").trim().parse::<f64>(),
                number("searches"),
                number("finds"),
            ) {
                (None, Ok(hours), Some(searches), Some(finds)) => {
                    let usage = UsageReport {
                        hours,
                        searches,
                        finds,
                        seizures,
                        notes: form.get("notes").to_owned(),
                    };
                    state.return_loan(actor, id, usage).await
                }
                (Some(e), ..) => Err(e),
                _ => Err(ServiceError::field(
                    "hours",
                    auth.ctx.lang.t("res.usage.numbers"),
                )),
            }
        }
        _ => return Err(auth.fail(AppError::NotFound)),
    };
    match result {
        Ok(_) => Ok(back_with("/loans", &format!("#loan-{id}"), None)),
        Err(e @ (ServiceError::Invalid { .. } | ServiceError::Conflict { .. })) => {
            Ok(back_with("/loans", &format!("#loan-{id}"), Some(&e)))
        }
        Err(e) => Err(auth.fail(e)),
    }
}
