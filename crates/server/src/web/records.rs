//! Pages of reports and seizures: list, detail, create, edit, withdraw and history,
//! written once for both kinds over [`WebRecord`].

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use interdict_core::agency::Agency;
use interdict_core::geo::Position;
use interdict_core::ident::CountryCode;
use interdict_core::policy::Action;
use interdict_core::record::DrugType;
use interdict_core::subject::Place;
use interdict_core::{AgencyCode, RecordKind, RecordStatus, Report, Seizure, Subject, Tlp};
use interdict_service::deconflict::{Correlations, MatchedField, MatchedIdentifier};
use maud::{html, Markup};
use uuid::Uuid;

use super::ctx::{encode, query_pairs, Authed, FormData};
use super::field_error;
use super::forms::{self, Errors, ReportForm, SeizureForm};
use super::history;
use super::i18n::Lang;
use super::layout::{
    handling_badge, html_response, page, pager, status_badge, tlp_badge, Nav, SortLinks,
};
use crate::api::attachments::file_response;
use crate::api::records::{list_filter, ListParams};
use crate::error::AppError;
use crate::AppState;
use interdict_service::attachments::RecordAttachment;
use interdict_service::records::{RecordSummary, RecordType, Sort};

type Page = Result<Response, Response>;

/// What the pages need to know of a kind of record beyond [`RecordType`].
pub trait WebRecord: RecordType {
    /// The path segment: `reports` or `seizures`.
    const PATH: &'static str;
    /// The message-key prefix: `report` or `seizure`.
    const KEY: &'static str;
    const NAV: Nav;
    /// The form as typed.
    type Form: Clone;

    fn blank_form(today: NaiveDate) -> Self::Form;
    fn form_of(&self) -> Self::Form;
    fn read_form(form: &FormData) -> Self::Form;
    fn to_input(
        form: &Self::Form,
        agency: &AgencyCode,
        today: NaiveDate,
    ) -> Result<Self::Input, Errors>;
    #[allow(clippy::too_many_arguments)]
    fn render_form(
        lang: Lang,
        action: &str,
        csrf: &str,
        form: &Self::Form,
        errors: &Errors,
        agencies: &forms::FormAgencies,
        own: &AgencyCode,
        cancel: &str,
    ) -> Markup;
    /// The table of a list page, its headings sorting it.
    fn table(lang: Lang, items: &[Self], sort: &SortLinks<'_>) -> Markup;
    /// The order of the list when none is chosen.
    const DEFAULT_SORT: &'static str;
    /// Whether the list filters by a date range (a report has no day of its own).
    const DATED: bool;
    /// The fields of the detail page.
    fn body(&self, lang: Lang) -> Markup;
    /// The title built in the page's language, for records whose title is built
    /// rather than written.
    fn title_in(&self, _lang: Lang) -> Option<String> {
        None
    }
}

impl WebRecord for Report {
    const PATH: &'static str = "reports";
    const KEY: &'static str = "report";
    const NAV: Nav = Nav::Reports;
    type Form = ReportForm;

    fn blank_form(_today: NaiveDate) -> ReportForm {
        ReportForm::blank()
    }
    fn form_of(&self) -> ReportForm {
        ReportForm::of(self)
    }
    fn read_form(form: &FormData) -> ReportForm {
        ReportForm::read(form)
    }
    fn to_input(
        form: &ReportForm,
        agency: &AgencyCode,
        _today: NaiveDate,
    ) -> Result<Self::Input, Errors> {
        form.input(agency)
    }
    fn render_form(
        lang: Lang,
        action: &str,
        csrf: &str,
        form: &ReportForm,
        errors: &Errors,
        agencies: &forms::FormAgencies,
        own: &AgencyCode,
        cancel: &str,
    ) -> Markup {
        forms::report_form(lang, action, csrf, form, errors, agencies, own, cancel)
    }

    const DEFAULT_SORT: &'static str = "";
    const DATED: bool = false;

    fn table(lang: Lang, items: &[Report], sort: &SortLinks<'_>) -> Markup {
        html! {
            div.table-scroll {
                table.data {
                    thead { tr {
                        (sort.th("field.title", "title"))
                        (sort.th("field.agency", "agency"))
                        (sort.th("field.tlp", "tlp"))
                        (sort.th("field.grading", "grading"))
                        (sort.th("field.drugs", "drug"))
                        (sort.th("field.status", "status"))
                        (sort.th("field.updated", "updated"))
                    } }
                    tbody {
                        @for r in items {
                            tr {
                                td.title-cell { a href={ "/reports/" (r.id) } { (r.title) } }
                                td.nowrap { (r.agency.as_str()) }
                                td { (tlp_badge(r.handling.tlp)) }
                                td { span.grading { (r.grading.to_string()) } }
                                td { (drug_list(lang, &r.drugs)) }
                                td { (status_badge(lang, r.status)) }
                                td.nowrap { (lang.date(r.updated_at.date_naive())) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn body(&self, lang: Lang) -> Markup {
        html! {
            dl.facts {
                dt { (lang.t("field.grading")) }
                dd { span.grading { (self.grading.to_string()) } }
                dt { (lang.t("field.drugs")) }
                dd { @if self.drugs.is_empty() { (lang.t("common.none")) } @else { (drug_list(lang, &self.drugs)) } }
            }
            @if !self.narrative.trim().is_empty() {
                h2 { (lang.t("field.narrative")) }
                div.prose { (self.narrative) }
            }
            @if !self.modus_operandi.trim().is_empty() {
                h2 { (lang.t("field.modus_operandi")) }
                div.prose { (self.modus_operandi) }
            }
            (subjects_table(lang, &self.subjects, &format!("/profiles/reports/{}", self.id)))
        }
    }
}

impl WebRecord for Seizure {
    const PATH: &'static str = "seizures";
    const KEY: &'static str = "seizure";
    const NAV: Nav = Nav::Seizures;
    type Form = SeizureForm;

    fn blank_form(today: NaiveDate) -> SeizureForm {
        SeizureForm::blank(today)
    }
    fn form_of(&self) -> SeizureForm {
        SeizureForm::of(self)
    }
    fn read_form(form: &FormData) -> SeizureForm {
        SeizureForm::read(form)
    }
    fn to_input(
        form: &SeizureForm,
        agency: &AgencyCode,
        today: NaiveDate,
    ) -> Result<Self::Input, Errors> {
        form.input(agency, today)
    }
    fn render_form(
        lang: Lang,
        action: &str,
        csrf: &str,
        form: &SeizureForm,
        errors: &Errors,
        agencies: &forms::FormAgencies,
        own: &AgencyCode,
        cancel: &str,
    ) -> Markup {
        forms::seizure_form(lang, action, csrf, form, errors, agencies, own, cancel)
    }

    fn title_in(&self, lang: Lang) -> Option<String> {
        Some(lang.seizure_title(self))
    }

    // Seizures read best by their day, newest first.
    const DEFAULT_SORT: &'static str = "-date";
    const DATED: bool = true;

    fn table(lang: Lang, items: &[Seizure], sort: &SortLinks<'_>) -> Markup {
        html! {
            div.table-scroll {
                table.data {
                    thead { tr {
                        (sort.th("field.date", "date"))
                        (sort.th("field.place", "place"))
                        (sort.th("field.items", "drug"))
                        (sort.th("field.conveyance", "conveyance"))
                        (sort.th("field.agency", "agency"))
                        (sort.th("field.tlp", "tlp"))
                        (sort.th("field.status", "status"))
                    } }
                    tbody {
                        @for s in items {
                            tr data-day=(s.occurred_on) {
                                td.nowrap { a href={ "/seizures/" (s.id) } { (lang.date(s.occurred_on)) } }
                                td.title-cell { a href={ "/seizures/" (s.id) } { (lang.place(&s.place.name)) } ", " (lang.country(s.place.country)) }
                                td { @for (i, item) in s.items.iter().enumerate() { @if i > 0 { br; } (forms::item_text_in_kg(lang, item)) } }
                                td { (lang.t(&format!("conveyance.{}", s.conveyance.as_str()))) }
                                td.nowrap { (s.agency.as_str()) }
                                td { (tlp_badge(s.handling.tlp)) }
                                td { (status_badge(lang, s.status)) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn body(&self, lang: Lang) -> Markup {
        let local_place = lang.place(&self.place.name);
        let country = |c: &Option<CountryCode>| {
            c.map(|c| lang.country(c).to_owned())
                .unwrap_or_else(|| "—".into())
        };
        html! {
            dl.facts {
                dt { (lang.t("field.occurred_on")) }
                dd { (lang.date(self.occurred_on)) }
                dt { (lang.t("field.place")) }
                dd {
                    (lang.t(&format!("place.{}", self.place.kind.as_str()))) " — " (local_place) ", " (lang.country(self.place.country))
                    @if local_place != self.place.name { " " span.muted { "(" (self.place.name) ")" } }
                    @if let Some(p) = &self.place.position { " (" (position_text(p)) ")" }
                }
                dt { (lang.t("field.conveyance")) }
                dd { (lang.t(&format!("conveyance.{}", self.conveyance.as_str()))) }
                dt { (lang.t("field.route")) }
                dd {
                    (country(&self.route.origin))
                    @for t in &self.route.transit { " → " (lang.country(*t)) }
                    " → " (country(&self.route.destination))
                }
            }
            h2 { (lang.t("field.items")) }
            table.data.compact {
                thead { tr { th { (lang.t("field.drug")) } th.num { (lang.t("field.quantity")) } th { (lang.t("field.unit")) } } }
                tbody {
                    @for item in &self.items {
                        tr {
                            td { (forms::drug_name(lang, item.drug)) }
                            td.num { (lang.quantity(item.quantity)) }
                            td { (lang.t(&format!("unit.{}", item.unit.as_str()))) }
                        }
                    }
                }
            }
            @if !self.concealment.trim().is_empty() {
                h2 { (lang.t("field.concealment")) }
                div.prose { (self.concealment) }
            }
            @if self.arrests > 0 {
                p { (lang.t("field.arrests")) ": " (self.arrests) }
            }
            (subjects_table(lang, &self.subjects, &format!("/profiles/seizures/{}", self.id)))
        }
    }
}

/// A position as decimal degrees with the hemispheres: `35.0781°N 129.0123°E`.
fn position_text(p: &Position) -> String {
    let lat = if p.lat < 0.0 { 'S' } else { 'N' };
    let lon = if p.lon < 0.0 { 'W' } else { 'E' };
    format!("{}°{lat} {}°{lon}", p.lat.abs(), p.lon.abs())
}

fn drug_list(lang: Lang, drugs: &[DrugType]) -> Markup {
    html! {
        @for (i, d) in drugs.iter().enumerate() {
            @if i > 0 { ", " }
            (forms::drug_name(lang, *d))
        }
    }
}

fn subject_country(s: &Subject) -> Option<CountryCode> {
    match s {
        Subject::Person(p) => p.nationality,
        Subject::Organisation(o) => o.country,
        Subject::Vessel(v) => v.flag,
        Subject::Vehicle(v) => v.country,
        Subject::BankAccount(b) => b.country,
        Subject::Document(d) => d.country,
        Subject::Address(a) => a.country,
        Subject::Place(p) => p.country,
        _ => None,
    }
}

fn subjects_table(lang: Lang, subjects: &[Subject], profiles: &str) -> Markup {
    html! {
        h2 { (lang.t("field.subjects")) }
        @if subjects.is_empty() {
            p.muted { (lang.t("common.none")) }
        } @else {
            (subjects_grid(lang, subjects, Some(profiles)))
        }
    }
}

/// The subjects as a table: kind, name, identifiers (each a search), country; with
/// `profiles` (a record's path under `/profiles`), a link to each subject's profile.
pub(crate) fn subjects_grid(lang: Lang, subjects: &[Subject], profiles: Option<&str>) -> Markup {
    html! {
        @if !subjects.is_empty() {
            div.table-scroll {
                table.data.compact {
                    thead { tr {
                        th { (lang.t("field.kind")) }
                        th { (lang.t("field.name")) }
                        th { (lang.t("field.identifier")) }
                        th { (lang.t("field.country")) }
                        @if profiles.is_some() { th { (lang.t("profile.title")) } }
                    } }
                    tbody {
                        @for (n, s) in subjects.iter().enumerate() {
                            tr {
                                td { span.kind { (lang.t(&format!("subject.{}", s.kind()))) } }
                                td {
                                    @let label = s.label();
                                    @if label.trim().is_empty() || label == "—" {
                                        (label)
                                    } @else {
                                        a href={ "/search?q=" (encode(&label)) } title=(lang.t("subject.search")) { (label) }
                                    }
                                    @if let Subject::Person(p) = s {
                                        @if !p.aliases.is_empty() {
                                            div.aliases {
                                                span.scheme { (lang.t("field.aliases")) } " " (p.aliases.join(", "))
                                            }
                                        }
                                    }
                                }
                                td.mono {
                                    @for (i, (scheme, value)) in s.identifiers().iter().enumerate() {
                                        @if i > 0 { br; }
                                        span.scheme { (scheme.to_uppercase().replace('_', " ")) } " "
                                        a href={ "/search?q=" (encode(value)) } title=(lang.t("subject.search")) { (value) }
                                    }
                                    @if let Subject::Place(Place { position: Some(p), .. }) = s {
                                        span.scheme { (lang.t("field.position")) } " " (position_text(p))
                                    }
                                }
                                td { @if let Some(c) = subject_country(s) { (lang.country(c)) } }
                                @if let Some(base) = profiles {
                                    td.nowrap { a.profile-link href={ (base) "/" (n) } { (lang.t("profile.open")) " →" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn title_of<R: WebRecord>(lang: Lang, record: &R) -> String {
    let title = record.title_in(lang).unwrap_or_else(|| record.title());
    if title.trim().is_empty() {
        lang.t(&format!("{}.one", R::KEY)).to_owned()
    } else {
        title
    }
}

/// The agencies a record's form offers as recipients, with those that may receive
/// the record at TLP:RED.
async fn form_agencies<R: WebRecord>(
    state: &AppState,
    actor: &interdict_core::Actor,
) -> Result<forms::FormAgencies, AppError> {
    Ok(forms::FormAgencies {
        all: agencies(state).await?,
        red: state.red_recipients(actor, R::KIND).await?,
    })
}

pub(crate) async fn agencies(state: &AppState) -> Result<Vec<Agency>, AppError> {
    Ok(state.service.agencies().await?)
}

fn id_of(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// `GET /reports`, `GET /seizures`: a filtered page of visible records.
pub async fn list<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    RawQuery(query): RawQuery,
) -> Page {
    let lang = auth.ctx.lang;
    let q = query_pairs(query.as_deref());
    let opt = |k: &str| Some(q.get(k).trim().to_owned()).filter(|v| !v.is_empty());
    let mut problem = None;
    let day = |k: &str| match opt(k) {
        None => Ok(None),
        Some(raw) => NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{}: {}", lang.t(&format!("field.{k}")), lang.t("err.date"))),
    };
    let (from, to) = if R::DATED {
        match (day("from"), day("to")) {
            (Ok(from), Ok(to)) => (from, to),
            (Err(e), _) | (_, Err(e)) => {
                problem = Some(e);
                (None, None)
            }
        }
    } else {
        (None, None)
    };
    let sort_param = opt("sort").unwrap_or_else(|| R::DEFAULT_SORT.to_owned());
    let sort = Sort::parse(&sort_param);
    let params = ListParams {
        q: opt("q"),
        agency: opt("agency"),
        status: opt("status"),
        tlp: opt("tlp"),
        drug: opt("drug"),
        from,
        to,
        cursor: opt("cursor"),
        ..ListParams::default()
    };
    let agencies = agencies(&state).await.map_err(|e| auth.fail(e))?;
    let result = match list_filter(&params) {
        _ if problem.is_some() => Ok(None),
        Ok(mut filter) => {
            // An order the store does not know is newest first, as with no order.
            filter.sort = sort;
            if sort.is_some_and(|s| s.key == interdict_service::records::SortKey::Place) {
                filter.place_names = lang.place_names();
            }
            state
                .list_records::<R>(&auth.session.actor, &filter, params.cursor.as_deref(), 25)
                .await
                .map(Some)
                .map_err(AppError::from)
        }
        Err(e @ AppError::Invalid { .. }) => Err(e),
        Err(e) => return Err(auth.fail(e)),
    };
    let page_data = match result {
        Ok(p) => p,
        Err(AppError::Invalid { message, .. }) => {
            problem = Some(message);
            None
        }
        Err(e) => return Err(auth.fail(e)),
    };
    let filters: Vec<(&str, String)> = ["q", "agency", "status", "tlp", "drug", "from", "to"]
        .iter()
        .map(|k| (*k, q.get(k).trim().to_owned()))
        .collect();
    let current_sort = sort.map(Sort::to_param).unwrap_or_default();
    let mut kept = filters.clone();
    if current_sort != R::DEFAULT_SORT {
        kept.push(("sort", current_sort.clone()));
    }
    let sel = |k: &str| q.get(k).trim().to_owned();
    let title = lang.t(&format!("{}.list_title", R::KEY));
    let base = format!("/{}", R::PATH);
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if auth.session.actor.may(Action::WriteRecords) {
                a.button href={ (base) "/new" } { "+ " (lang.t(&format!("{}.new", R::KEY))) }
            }
        }
        form.filters method="get" action=(base) role="search" {
            div.filter-field.grow {
                label for="q" { (lang.t("field.query")) }
                input type="search" id="q" name="q" value=(sel("q")) placeholder=(lang.t("search.placeholder"));
            }
            div.filter-field {
                label for="agency" { (lang.t("field.agency")) }
                select id="agency" name="agency" {
                    option value="" { (lang.t("common.any")) }
                    @for a in &agencies { option value=(a.code.as_str()) selected[sel("agency") == a.code.as_str()] { (a.code.as_str()) } }
                }
            }
            div.filter-field {
                label for="status" { (lang.t("field.status")) }
                select id="status" name="status" {
                    option value="" { (lang.t("common.any")) }
                    @for s in [RecordStatus::Published, RecordStatus::Draft, RecordStatus::Withdrawn] {
                        option value=(s.as_str()) selected[sel("status") == s.as_str()] { (lang.t(&format!("status.{}", s.as_str()))) }
                    }
                }
            }
            div.filter-field {
                label for="tlp" { "TLP" }
                select id="tlp" name="tlp" {
                    option value="" { (lang.t("common.any")) }
                    @for t in Tlp::ALL { option value=(t.as_str()) selected[sel("tlp") == t.as_str()] { (t.as_str()) } }
                }
            }
            div.filter-field {
                label for="drug" { (lang.t("field.drug")) }
                select id="drug" name="drug" {
                    option value="" { (lang.t("common.any")) }
                    @for d in DrugType::ALL { option value=(d.as_str()) selected[sel("drug") == d.as_str()] { (forms::drug_name(lang, *d)) } }
                }
            }
            @if R::DATED {
                div.filter-field {
                    label for="from" { (lang.t("field.from")) }
                    input type="date" id="from" name="from" value=(sel("from"));
                }
                div.filter-field {
                    label for="to" { (lang.t("field.to")) }
                    input type="date" id="to" name="to" value=(sel("to"));
                }
            }
            @if current_sort != R::DEFAULT_SORT {
                input type="hidden" name="sort" value=(current_sort);
            }
            div.filter-actions {
                button.button type="submit" { (lang.t("common.filter")) }
                a.button.secondary href=(base) { (lang.t("common.clear")) }
            }
        }
        @if let Some(problem) = problem {
            div.alert.alert-error role="alert" { (problem) }
        }
        @if let Some(p) = &page_data {
            p.count { (lang.results(p.total, p.total_capped)) }
            @if p.items.is_empty() {
                p.empty { (lang.t("common.empty")) }
            } @else {
                (R::table(lang, &p.items, &SortLinks { lang, base: &base, params: &filters, current: &current_sort }))
            }
            (pager(lang, &base, &kept, "cursor", q.get("cursor").trim(), q.get("trail").trim(), p.next_cursor.clone()))
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            title,
            R::NAV,
            body,
        ),
    ))
}

#[allow(clippy::too_many_arguments)]
fn form_page<R: WebRecord>(
    auth: &Authed,
    status: StatusCode,
    heading: &str,
    action: &str,
    form: &R::Form,
    errors: &Errors,
    agencies: &forms::FormAgencies,
    notice: Option<Markup>,
    cancel: &str,
) -> Response {
    let lang = auth.ctx.lang;
    let body = html! {
        div.page-head { h1 { (heading) } }
        @if let Some(n) = notice { (n) }
        section.panel {
            (R::render_form(lang, action, auth.csrf(), form, errors, agencies, &auth.session.actor.agency, cancel))
        }
    };
    html_response(
        status,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            heading,
            R::NAV,
            body,
        ),
    )
}

/// `GET /reports/new`, `GET /seizures/new`.
pub async fn new_form<R: WebRecord>(State(state): State<AppState>, auth: Authed) -> Page {
    if !auth.session.actor.may(Action::WriteRecords) {
        return Err(auth.fail(interdict_service::ServiceError::ForbiddenRole));
    }
    let agencies = form_agencies::<R>(&state, &auth.session.actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let heading = auth.ctx.lang.t(&format!("{}.new", R::KEY));
    let form = R::blank_form(state.today());
    Ok(form_page::<R>(
        &auth,
        StatusCode::OK,
        heading,
        &format!("/{}", R::PATH),
        &form,
        &Errors::new(),
        &agencies,
        None,
        &format!("/{}", R::PATH),
    ))
}

/// `POST /reports`, `POST /seizures`: creates the record and shows it, or shows the
/// form again with the problems marked.
pub async fn create<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let typed = R::read_form(&form);
    let agencies = form_agencies::<R>(&state, &auth.session.actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let heading = auth.ctx.lang.t(&format!("{}.new", R::KEY));
    let action = format!("/{}", R::PATH);
    // Problems found while reading the form are shown like those the service finds.
    let errors = match R::to_input(&typed, &auth.session.actor.agency, state.today()) {
        Ok(input) => match state.create_record::<R>(&auth.session.actor, input).await {
            Ok(record) => {
                return Ok(Redirect::to(&format!("/{}/{}", R::PATH, record.id())).into_response())
            }
            Err(interdict_service::ServiceError::Invalid { fields, .. }) => {
                field_error::from_domain(&fields)
            }
            Err(e) => return Err(auth.fail(e)),
        },
        Err(errors) => errors,
    };
    Ok(form_page::<R>(
        &auth,
        StatusCode::UNPROCESSABLE_ENTITY,
        heading,
        &action,
        &typed,
        &errors,
        &agencies,
        None,
        &action,
    ))
}

/// `GET /reports/{id}`, `GET /seizures/{id}`.
pub async fn detail<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    detail_page::<R>(&state, &auth, id, StatusCode::OK, None).await
}

/// The page of a record; `upload_error` is what went wrong with a file just sent.
async fn detail_page<R: WebRecord>(
    state: &AppState,
    auth: &Authed,
    id: Uuid,
    status: StatusCode,
    upload_error: Option<String>,
) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let record = state
        .get_record::<R>(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let correlations = state
        .correlations::<R>(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    // The records it links and those linking it, each only if the reader may see it.
    let references = state
        .references::<R>(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let withdrawal = state
        .withdrawal::<R>(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    // The files of the record, for whoever may read it: to anyone else the page does
    // not exist, so nothing tells that there are any.
    let attachments = state
        .record_attachments::<R>(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let may_modify = actor.may_modify(&record.meta()).is_ok();
    let own = record.agency() == &actor.agency;
    // Who actually sees the record, for its own agency: the agencies the policy lets
    // read it now, and by what.
    let audience = if own {
        Some(
            state
                .audience::<R>(actor, id)
                .await
                .map_err(|e| auth.fail(e))?,
        )
    } else {
        None
    };
    let (created, updated) = record.times();
    let title = title_of(lang, &record);
    let base = format!("/{}/{}", R::PATH, id);
    let body = html! {
        p.breadcrumb { a href={ "/" (R::PATH) } { "← " (lang.t(&format!("{}.list_title", R::KEY))) } }
        div.page-head {
            h1 { (title) }
            div.actions {
                @if may_modify {
                    a.button href={ (base) "/edit" } { (lang.t("common.edit")) }
                }
                @if own {
                    a.button.secondary href={ (base) "/history" } { (lang.t("report.history")) }
                }
            }
        }
        div.badges {
            (handling_badge(record.handling()))
            " " (status_badge(lang, record.status()))
            " " span.version { (lang.t("field.version")) " " (record.version()) }
        }
        @if record.status() == RecordStatus::Withdrawn {
            div.alert.alert-warn.withdrawal {
                strong { (lang.t("record.withdrawn_notice")) }
                @if let Some(w) = &withdrawal {
                    " " (lang.t("record.withdrawn_by").replace("{0}", &w.by).replace("{1}", &lang.datetime(w.at)))
                    @if w.reason.trim().is_empty() {
                        p.muted { (lang.t("record.no_reason")) }
                    } @else {
                        p { span.muted { (lang.t("field.reason")) ": " } (w.reason) }
                    }
                }
            }
        }
        @if !own {
            div.alert.alert-info { (lang.t("record.foreign")) " " strong { (record.agency().as_str()) } }
        }
        @if let Some(audience) = &audience {
            section.panel.audience {
                h2 { (lang.t("record.audience")) }
                @if audience.is_empty() {
                    p.muted { (lang.t("record.audience_none")) }
                } @else {
                    ul {
                        @for entry in audience {
                            li {
                                strong { (entry.agency.as_str()) }
                                @if entry.agreements.is_empty() {
                                    " — " (lang.t("record.audience_operation"))
                                } @else {
                                    " — " (entry.agreements.join(", "))
                                }
                            }
                        }
                    }
                }
            }
        }
        section.panel {
            dl.facts {
                dt { (lang.t("field.agency")) }
                dd { (record.agency().as_str()) }
                dt { (lang.t("field.created_by")) }
                dd { (record.created_by().as_str()) }
                dt { (lang.t("field.created")) }
                dd { (lang.datetime(created)) }
                dt { (lang.t("field.updated")) }
                dd { (lang.datetime(updated)) }
            }
            (record.body(lang))
            (references_list(lang, "field.linked_reports", &references.links))
            (references_list(lang, "record.linked_from", &references.linked_from))
        }
        (attachments_panel(lang, &attachments, may_modify.then(|| (format!("{base}/attachments"), auth.csrf())), upload_error.as_deref()))
        (correlation_panel(lang, &correlations))
        @if may_modify {
            details.panel.danger-zone {
                summary { (lang.t("record.withdraw")) "…" }
                p.muted { (lang.t("record.withdraw_help")) }
                form method="post" action={ (base) "/withdraw" } {
                    input type="hidden" name="csrf" value=(auth.csrf());
                    div.field {
                        label for="reason" { (lang.t("field.reason")) }
                        textarea id="reason" name="reason" rows="2" maxlength="2000" {}
                    }
                    button.button.danger type="submit" { (lang.t("record.withdraw")) }
                }
            }
        }
    };
    Ok(html_response(
        status,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            &title,
            R::NAV,
            body,
        ),
    ))
}

/// Links to other records with their titles, under a heading; nothing when there
/// are none (references the reader may not see are not in `records` at all).
fn references_list(lang: Lang, heading: &str, records: &[RecordSummary]) -> Markup {
    html! {
        @if !records.is_empty() {
            h2 { (lang.t(heading)) }
            ul.references {
                @for r in records {
                    @let path = match r.kind { RecordKind::Seizure => "seizures", _ => "reports" };
                    @let title = lang.summary_title(r);
                    li {
                        a href={ "/" (path) "/" (r.id) } { (title) }
                        " " span.muted { (r.agency.as_str()) " · " (lang.date(r.occurred_on.unwrap_or_else(|| r.updated_at.date_naive()))) }
                        " " (status_badge(lang, r.status))
                    }
                }
            }
        }
    }
}

/// An identifier as the pages show it: `IMO 9074729`.
pub(super) fn identifier_text(lang: Lang, identifier: &MatchedIdentifier) -> String {
    let key = format!("scheme.{}", identifier.scheme);
    match lang.t(&key) {
        "" => format!("{} {}", identifier.scheme, identifier.value),
        label => format!("{label} {}", identifier.value),
    }
}

/// The fields of a link that agree, as the pages show them: `name (exact)`.
pub(super) fn fields_text(lang: Lang, fields: &[MatchedField]) -> String {
    fields
        .iter()
        .filter(|f| f.weight > 0.0 && f.level != "different")
        .map(|f| {
            let field = match lang.t(&format!("match.{}", f.field)) {
                "" => match lang.t(&format!("scheme.{}", f.field)) {
                    "" => f.field.clone(),
                    label => label.to_owned(),
                },
                label => label.to_owned(),
            };
            match lang.t(&format!("level.{}", f.level)) {
                "" => format!("{field} ({})", f.level),
                level => format!("{field} ({level})"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One deconfliction hit: who holds something on which of the reader's identifiers,
/// and whom to call; nothing else of it.
pub(super) fn hit_item(lang: Lang, hit: &interdict_service::deconflict::CorrelationHit) -> Markup {
    html! {
        li.hit {
            strong { (hit.agency.as_str()) } " "
            (lang.t("correlation.holds")) " "
            strong { (identifier_text(lang, &hit.identifier)) } ". "
            (lang.t("correlation.contact")) ": " (hit.contact)
        }
    }
}

/// "Also held by": the records the reader may read that share an identifier with this
/// one, and the agencies holding something the reader may not read, with whom to ask.
fn correlation_panel(lang: Lang, found: &Correlations) -> Markup {
    html! {
        section.panel #correlations {
            h2 { (lang.t("correlation.title")) }
            @if found.links.is_empty() && found.hits.is_empty() {
                p.muted { (lang.t("correlation.none")) }
            }
            @if !found.links.is_empty() {
                ul.correlation-links {
                    @for link in &found.links {
                        li {
                            a href={ "/" (if link.kind == RecordKind::Seizure { "seizures" } else { "reports" }) "/" (link.id) } {
                                @match &link.seizure {
                                    Some(brief) => (lang.seizure_title_of(&brief.items, &brief.place)),
                                    None => (link.title),
                                }
                            }
                            " — " (link.agency.as_str()) " "
                            (tlp_badge(link.tlp))
                            " · " (lang.t("correlation.matched")) ": "
                            (link.matched.iter().map(|m| identifier_text(lang, m)).collect::<Vec<_>>().join(", "))
                            @if link.matched.is_empty() {
                                (fields_text(lang, &link.fields))
                            } @else if link.fields.iter().any(|f| f.weight > 0.0 && !link.matched.iter().any(|m| m.scheme == f.field)) {
                                ", " (fields_text(lang, &link.fields.iter().filter(|f| !link.matched.iter().any(|m| m.scheme == f.field)).cloned().collect::<Vec<_>>()))
                            }
                            " · " span.score title=(format!("p = {:.2}", link.probability)) {
                                (lang.t("correlation.score")) " " (format!("{:.1}", link.score)) " " (lang.t("correlation.bits"))
                            }
                        }
                    }
                }
            }
            @if !found.hits.is_empty() {
                ul.correlation-hits {
                    @for hit in &found.hits { (hit_item(lang, hit)) }
                }
            }
            @if !found.skipped.is_empty() {
                p.muted {
                    (lang.t("correlation.skipped")) ": "
                    (found.skipped.iter().map(|s| identifier_text(lang, &s.identifier)).collect::<Vec<_>>().join(", "))
                }
            }
        }
    }
}

/// `GET /reports/{id}/edit`.
pub async fn edit_form<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> Page {
    let actor = &auth.session.actor;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let record = state
        .get_record::<R>(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    actor
        .may_modify(&record.meta())
        .map_err(|e| auth.fail(interdict_service::ServiceError::from(e)))?;
    let agencies = form_agencies::<R>(&state, &auth.session.actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let heading = auth.ctx.lang.t(&format!("{}.edit", R::KEY));
    let action = format!("/{}/{}", R::PATH, id);
    Ok(form_page::<R>(
        &auth,
        StatusCode::OK,
        heading,
        &action,
        &record.form_of(),
        &Errors::new(),
        &agencies,
        None,
        &action,
    ))
}

/// `POST /reports/{id}`: saves a new version, or explains a conflict.
pub async fn update<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let lang = auth.ctx.lang;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let typed = R::read_form(&form);
    let agencies = form_agencies::<R>(&state, &auth.session.actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let heading = lang.t(&format!("{}.edit", R::KEY));
    let action = format!("/{}/{}", R::PATH, id);
    let Ok(version) = form.get("version").trim().parse::<i64>() else {
        return Err(auth.fail(AppError::BadRequest("the form has no version".into())));
    };
    // Problems found while reading the form are shown like those the service finds.
    let result = match R::to_input(&typed, &auth.session.actor.agency, state.today()) {
        Ok(input) => state
            .update_record::<R>(&auth.session.actor, id, version, input)
            .await
            .map_err(|e| match e {
                interdict_service::ServiceError::Invalid { fields, .. } => {
                    Ok(field_error::from_domain(&fields))
                }
                e => Err(AppError::from(e)),
            }),
        Err(errors) => Err(Ok(errors)),
    };
    match result {
        Ok(record) => Ok(Redirect::to(&format!("/{}/{}", R::PATH, record.id())).into_response()),
        Err(Ok(errors)) => Ok(form_page::<R>(
            &auth,
            StatusCode::UNPROCESSABLE_ENTITY,
            heading,
            &action,
            &typed,
            &errors,
            &agencies,
            None,
            &action,
        )),
        Err(Err(AppError::Conflict {
            code: "version_conflict",
            ..
        })) => {
            let notice = html! {
                div.alert.alert-error role="alert" {
                    p { (lang.t("record.conflict")) }
                    p { a href=(action) target="_blank" rel="noopener" { (lang.t("record.open_current")) " ↗" } }
                }
            };
            Ok(form_page::<R>(
                &auth,
                StatusCode::CONFLICT,
                heading,
                &action,
                &typed,
                &Errors::new(),
                &agencies,
                Some(notice),
                &action,
            ))
        }
        Err(Err(e)) => Err(auth.fail(e)),
    }
}

/// `POST /reports/{id}/withdraw`.
pub async fn withdraw<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    state
        .withdraw_record::<R>(&auth.session.actor, id, form.get("reason").trim())
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(Redirect::to(&format!("/{}/{}", R::PATH, id)).into_response())
}

/// `GET /reports/{id}/history`: earlier versions, for the originating agency.
pub async fn history<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> Page {
    let lang = auth.ctx.lang;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let current = state
        .get_record::<R>(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let rows = state
        .record_history::<R>(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    // Oldest first, each with who made it: the first by its author, each later one
    // by whoever replaced the one before.
    let mut versions: Vec<(&R, String)> = Vec::new();
    let mut author = current.created_by().as_str().to_owned();
    for row in rows
        .iter()
        .filter(|v| v.record.version() != current.version())
    {
        versions.push((&row.record, author));
        author = row.replaced_by.clone();
    }
    versions.push((&current, author));
    let json = |r: &R| serde_json::to_value(r).unwrap_or_default();
    let mut entries = Vec::with_capacity(versions.len());
    for (i, (record, author)) in versions.iter().enumerate() {
        let changes = i
            .checked_sub(1)
            .map(|p| history::changes(&json(versions[p].0), &json(record)));
        entries.push((*record, author.as_str(), changes));
    }
    entries.reverse();
    let title = format!(
        "{} — {}",
        lang.t("report.history"),
        title_of(lang, &current)
    );
    let body = html! {
        p.breadcrumb { a href={ "/" (R::PATH) "/" (id) } { "← " (title_of(lang, &current)) } }
        h1 { (lang.t("report.history")) }
        div.table-scroll {
            table.data.history {
                thead { tr {
                    th.num { (lang.t("field.version")) }
                    th { (lang.t("field.updated")) }
                    th { (lang.t("history.author")) }
                    th { (lang.t("field.status")) }
                    th { (lang.t("history.changes")) }
                } }
                tbody {
                    @for (r, author, changes) in &entries {
                        tr {
                            td.num { (r.version()) }
                            td.nowrap { (lang.datetime(r.times().1)) }
                            td.nowrap { (author) }
                            td { (tlp_badge(r.handling().tlp)) " " (status_badge(lang, r.status())) }
                            td {
                                @match changes {
                                    None => span.muted { (lang.t("history.created")) },
                                    Some(list) if list.is_empty() => span.muted { (lang.t("history.unchanged")) },
                                    Some(list) => ul.changes {
                                        @for c in list {
                                            @let (label, rest) = history::label(lang, &c.path);
                                            li {
                                                span.change-field { (label) @if !rest.is_empty() { " " span.mono { (rest) } } } ": "
                                                del { (c.before.as_deref().map(history::shorten).unwrap_or_else(|| lang.t("history.absent").to_owned())) }
                                                " → "
                                                ins { (c.after.as_deref().map(history::shorten).unwrap_or_else(|| lang.t("history.absent").to_owned())) }
                                            }
                                        }
                                    },
                                }
                            }
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
            &title,
            R::NAV,
            body,
        ),
    ))
}

/// Used by the dashboard: a short table of the latest records, whose headings open
/// the whole list sorted by that column.
pub fn short_table<R: WebRecord>(lang: Lang, items: &[R]) -> Markup {
    if items.is_empty() {
        html! { p.empty { (lang.t("common.empty")) } }
    } else {
        let base = format!("/{}", R::PATH);
        let sort = SortLinks {
            lang,
            base: &base,
            params: &[],
            current: "",
        };
        R::table(lang, items, &sort)
    }
}

/// The largest upload form taken: one file of the largest size and the form's fields.
pub const UPLOAD_LIMIT: usize = interdict_service::attachments::MAX_FILE_BYTES + 64 * 1024;

/// A size as people read it: bytes, KiB or MiB.
fn size_text(lang: Lang, bytes: i64) -> String {
    if bytes < 1024 {
        format!("{} B", lang.int(bytes))
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The short name of a file type.
fn type_text(content_type: &str) -> &str {
    match content_type {
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        "image/gif" => "GIF",
        "image/webp" => "WebP",
        "application/pdf" => "PDF",
        "text/plain" => "TXT",
        other => other,
    }
}

/// The files of a record: pictures as thumbnails opening the full file, the others as
/// links; for an officer who may change the record (`upload`: the form's address and
/// CSRF token), the form to attach one more.
fn attachments_panel(
    lang: Lang,
    attachments: &[RecordAttachment],
    upload: Option<(String, &str)>,
    upload_error: Option<&str>,
) -> Markup {
    html! {
        section.panel.attachments id="attachments" {
            h2 { (lang.t("attach.title")) }
            @if attachments.is_empty() {
                p.muted { (lang.t("attach.none")) }
            } @else {
                ul.attachment-list {
                    @for a in attachments {
                        li.attachment {
                            @if a.thumbnail {
                                a.thumb href={ "/attachments/" (a.id) } target="_blank" rel="noopener" {
                                    img src={ "/attachments/" (a.id) "/thumbnail" } alt=(a.filename) loading="lazy";
                                }
                            } @else {
                                a.thumb.file-icon href={ "/attachments/" (a.id) } { (type_text(&a.content_type)) }
                            }
                            div.attachment-facts {
                                a.attachment-name href={ "/attachments/" (a.id) } target=[a.is_image().then_some("_blank")] rel=[a.is_image().then_some("noopener")] { (a.filename) }
                                div.muted.small {
                                    (type_text(&a.content_type)) " · " (size_text(lang, a.size))
                                    @if let (Some(w), Some(h)) = (a.width, a.height) {
                                        " · " (lang.t("attach.pixels").replace("{0}", &w.to_string()).replace("{1}", &h.to_string()))
                                    }
                                }
                                div.muted.small {
                                    (lang.t("attach.added_by").replace("{0}", &a.added_by).replace("{1}", &lang.datetime(a.added_at)))
                                }
                            }
                        }
                    }
                }
            }
            @if let Some((action, csrf)) = upload {
                form.attach-form method="post" action=(action) enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(csrf);
                    div.field {
                        label for="attachment-file" { (lang.t("attach.add")) }
                        input type="file" id="attachment-file" name="file" required accept="image/jpeg,image/png,image/gif,image/webp,application/pdf,text/plain";
                        small.help { (lang.t("attach.help")) }
                        @if let Some(message) = upload_error {
                            p.field-error role="alert" { (message) }
                        }
                    }
                    button.button type="submit" { (lang.t("attach.upload")) }
                }
            }
        }
    }
}

/// What went wrong with an upload, in the page's language.
fn upload_message(lang: Lang, error: &AppError) -> String {
    let key = match error.code() {
        "payload_too_large" => "attach.error.too_large",
        "image_too_large" => "attach.error.image_too_large",
        "unsupported_media_type" => "attach.error.type",
        "too_many_attachments" => "attach.error.full",
        "invalid_input" => match error {
            AppError::Invalid { fields, .. } if fields.contains_key("filename") => {
                "attach.error.filename"
            }
            _ => "attach.error.unreadable",
        },
        _ => return error.to_string(),
    };
    lang.t(key).to_owned()
}

/// `POST /reports/{id}/attachments`: one file, sent as a multipart form.
pub async fn upload<R: WebRecord>(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Page {
    let lang = auth.ctx.lang;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let mut fields = Vec::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut failed: Option<AppError> = None;
    loop {
        let part = match multipart.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => {
                failed = Some(unreadable_form(&e));
                break;
            }
        };
        let name = part.name().unwrap_or_default().to_owned();
        if name == "file" {
            let filename = part.file_name().unwrap_or_default().to_owned();
            match part.bytes().await {
                Ok(bytes) => file = Some((filename, bytes.to_vec())),
                Err(e) => {
                    failed = Some(unreadable_form(&e));
                    break;
                }
            }
        } else {
            match part.text().await {
                Ok(text) => fields.push((name, text)),
                Err(e) => {
                    failed = Some(unreadable_form(&e));
                    break;
                }
            }
        }
    }
    let error = match failed {
        // A form cut short has no CSRF token to check; nothing was kept.
        Some(error @ AppError::TooLarge { .. }) => error,
        Some(error) => return Err(auth.fail(error)),
        None => {
            auth.check_csrf(&FormData(fields))?;
            match file.filter(|(name, content)| !(name.is_empty() && content.is_empty())) {
                None => {
                    let message = lang.t("attach.error.no_file").to_owned();
                    return detail_page::<R>(
                        &state,
                        &auth,
                        id,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Some(message),
                    )
                    .await;
                }
                Some((filename, content)) => {
                    match state
                        .add_attachment::<R>(&auth.session.actor, id, &filename, content)
                        .await
                    {
                        Ok(_) => {
                            return Ok(Redirect::to(&format!("/{}/{}#attachments", R::PATH, id))
                                .into_response())
                        }
                        Err(e) => e.into(),
                    }
                }
            }
        }
    };
    match error {
        AppError::NotFound | AppError::Forbidden { .. } | AppError::Internal(_) => {
            Err(auth.fail(error))
        }
        _ => {
            let message = upload_message(lang, &error);
            detail_page::<R>(&state, &auth, id, error.status(), Some(message)).await
        }
    }
}

/// A multipart form that cannot be read: too large (the request's limit), or broken.
fn unreadable_form(error: &axum::extract::multipart::MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        interdict_service::attachments::file_too_large().into()
    } else {
        AppError::BadRequest("cannot read the form".into())
    }
}

/// `GET /attachments/{id}`: the file, for whoever may read its record.
pub async fn attachment(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let file = state
        .open_attachment(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(file_response(file))
}

/// `GET /attachments/{id}/thumbnail`.
pub async fn thumbnail(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let file = state
        .attachment_thumbnail(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(file_response(file))
}
