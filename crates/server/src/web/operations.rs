//! `/operations`: joint operations in the browser. The list, a new operation (its area
//! drawn on the map or uploaded as GeoJSON), the operation centre (the live map of the
//! area, the results tally, the closed board with its templates, the officers), the
//! after-action report (printable) and the CSV of its seizures. Every page calls the
//! same service functions as the API (`api::operations`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use interdict_core::agency::Agency;
use interdict_core::ident::{ContainerNumber, ImoNumber, Mmsi};
use interdict_core::operation::{
    Feedback, FeedbackAction, MessageInput, MessageKind, OperationInput, OperationStatus, Tally,
    Warning,
};
use interdict_core::policy::Action;
use interdict_core::subject::{Container, Organisation, Person, Vessel};
use interdict_core::{Subject, Tlp};
use interdict_service::operations::{BoardMessage, NewAttachment, OperationView};
use maud::{html, Markup};
use uuid::Uuid;

use super::ctx::{Authed, FormData};
use super::field_error::{self, Errors, FieldError};
use super::forms::{self, field, SeizureForm};
use super::i18n::Lang;
use super::layout::{html_response, page, tlp_badge, Nav};
use super::records::{agencies, subjects_grid};
use super::statics;
use crate::api::operations::{attachment_response, csv_response, seizures_csv};
use crate::error::AppError;
use crate::AppState;

type Page = Result<Response, Response>;

/// The routes of the operation pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/operations", get(list).post(create))
        .route("/operations/new", get(new_form))
        .route("/operations/{id}", get(centre))
        .route("/operations/{id}/status", post(set_status))
        .route("/operations/{id}/officers", post(add_officer))
        .route(
            "/operations/{id}/officers/{username}/remove",
            post(remove_officer),
        )
        .route("/operations/{id}/messages", post(post_message))
        .route("/operations/{id}/board/message", post(post_with_files))
        .route("/operations/{id}/board/seizure", post(post_seizure))
        .route("/operations/{id}/picture", get(picture))
        .route("/operations/{id}/report", get(report))
        .route("/operations/{id}/seizures.csv", get(seizures))
        .route("/operations/attachments/{id}", get(attachment))
}

fn id_of(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

fn status_badge(lang: Lang, status: OperationStatus) -> Markup {
    html! {
        span class={ "status op-status-" (status.as_str()) } { (lang.t(&format!("op.status.{}", status.as_str()))) }
    }
}

fn agency_list(op: &interdict_core::operation::Operation) -> String {
    op.agencies()
        .iter()
        .map(|a| a.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /operations`.
async fn list(State(state): State<AppState>, auth: Authed) -> Page {
    let lang = auth.ctx.lang;
    let operations = state
        .operations_for(&auth.session.actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let body = html! {
        div.page-head {
            h1 { (lang.t("op.title")) }
            @if auth.session.actor.may(Action::ManageOperations) {
                a.button href="/operations/new" { (lang.t("op.new")) }
            }
        }
        section.panel {
            p.muted { (lang.t("op.help")) }
            @if operations.is_empty() {
                p.empty { (lang.t("op.none")) }
            } @else {
                div.table-scroll {
                    table.data #operations {
                        thead { tr {
                            th { (lang.t("op.code_name")) }
                            th { (lang.t("op.status")) }
                            th { (lang.t("op.period")) }
                            th { (lang.t("op.agencies")) }
                            th { (lang.t("op.max_tlp")) }
                        } }
                        tbody {
                            @for op in &operations {
                                tr {
                                    td.title-cell { a href={ "/operations/" (op.id) } { (op.code_name) } }
                                    td { (status_badge(lang, op.status)) }
                                    td.nowrap { (lang.date(op.starts_on)) " – " (lang.date(op.ends_on)) }
                                    td { (agency_list(op)) }
                                    td { (tlp_badge(op.max_tlp)) }
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
            lang.t("op.title"),
            Nav::Operations,
            body,
        ),
    ))
}

/// What the new-operation form holds.
#[derive(Default)]
struct OperationForm {
    code_name: String,
    starts_on: String,
    ends_on: String,
    agencies: Vec<String>,
    max_tlp: String,
    objectives: String,
    targets: String,
    area: String,
}

impl OperationForm {
    fn read(form: &FormData) -> Self {
        OperationForm {
            code_name: form.get("code_name").to_owned(),
            starts_on: form.get("starts_on").to_owned(),
            ends_on: form.get("ends_on").to_owned(),
            agencies: form.all("agencies"),
            max_tlp: form.get("max_tlp").to_owned(),
            objectives: form.get("objectives").to_owned(),
            targets: form.get("targets").to_owned(),
            area: form.get("area").to_owned(),
        }
    }

    fn input(&self) -> Result<OperationInput, Errors> {
        let mut errors = Errors::new();
        let mut day =
            |name: &str, raw: &str| match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.insert(name.into(), FieldError::coded("err.date"));
                    None
                }
            };
        let starts_on = day("starts_on", &self.starts_on);
        let ends_on = day("ends_on", &self.ends_on);
        let mut member_agencies = Vec::new();
        for raw in &self.agencies {
            match interdict_core::AgencyCode::parse(raw) {
                Ok(a) => member_agencies.push(a),
                Err(e) => {
                    errors.insert("member_agencies".into(), FieldError::agency_code(&e));
                }
            }
        }
        let max_tlp = Tlp::parse(&self.max_tlp).unwrap_or(Tlp::Amber);
        let objectives = self
            .objectives
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let mut targets = Vec::new();
        for (i, line) in self
            .targets
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            match parse_target(line) {
                Ok(t) => targets.push(t),
                Err(e) => {
                    errors.insert(format!("targets[{i}]"), e);
                }
            }
        }
        let area = match self.area.trim() {
            "" => None,
            raw => match serde_json::from_str::<serde_json::Value>(raw) {
                Ok(v) => Some(v),
                Err(_) => {
                    errors.insert("area".into(), FieldError::coded("err.geojson"));
                    None
                }
            },
        };
        match (starts_on, ends_on) {
            (Some(starts_on), Some(ends_on)) if errors.is_empty() => Ok(OperationInput {
                code_name: self.code_name.clone(),
                starts_on,
                ends_on,
                member_agencies,
                area,
                objectives,
                targets,
                max_tlp,
                status: OperationStatus::Planned,
            }),
            _ => Err(errors),
        }
    }
}

/// A target typed on one line: `vessel: HAE YANG HO; IMO 9074729; MMSI 440123456`,
/// `person: 박성민`, `company: Golden Lotus Trading`, `container: MSKU 907032-3`.
fn parse_target(line: &str) -> Result<Subject, FieldError> {
    let (kind, rest) = line.split_once(':').unwrap_or(("", line));
    let rest = rest.trim();
    match kind.trim().to_lowercase().as_str() {
        "vessel" | "ship" | "선박" | "เรือ" => {
            let mut vessel = Vessel {
                name: None,
                imo: None,
                mmsi: None,
                call_sign: None,
                flag: None,
            };
            for part in rest
                .split([';', ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let upper = part.to_uppercase();
                if let Some(n) = upper.strip_prefix("IMO") {
                    vessel.imo =
                        Some(ImoNumber::parse(n.trim()).map_err(|e| FieldError::ident(&e))?);
                } else if let Some(n) = upper.strip_prefix("MMSI") {
                    vessel.mmsi = Some(Mmsi::parse(n.trim()).map_err(|e| FieldError::ident(&e))?);
                } else {
                    vessel.name = Some(part.to_owned());
                }
            }
            Ok(Subject::Vessel(vessel))
        }
        "person" | "인물" | "บุคคล" => Ok(Subject::Person(Person {
            name: rest.to_owned(),
            aliases: Vec::new(),
            birth_date: None,
            nationality: None,
        })),
        "company" | "organisation" | "organization" | "회사" | "บริษัท" => {
            Ok(Subject::Organisation(Organisation {
                name: rest.to_owned(),
                country: None,
                registration: None,
            }))
        }
        "container" | "컨테이너" | "ตู้คอนเทนเนอร์" => {
            Ok(Subject::Container(Container {
                number: ContainerNumber::parse(rest).map_err(|e| FieldError::ident(&e))?,
            }))
        }
        _ => Err(FieldError::coded("err.target")),
    }
}

fn err(lang: Lang, errors: &Errors, key: &str) -> Option<String> {
    errors
        .iter()
        .filter(|(k, _)| {
            k.as_str() == key
                || k.starts_with(&format!("{key}["))
                || k.starts_with(&format!("{key}."))
        })
        .map(|(k, e)| {
            if k == key {
                e.text(lang)
            } else {
                format!("{k}: {}", e.text(lang))
            }
        })
        .reduce(|a, b| format!("{a}; {b}"))
}

fn map_scripts() -> Markup {
    html! {
        link rel="stylesheet" href=(statics::vendor_url("maplibre-gl/maplibre-gl.css"));
        link rel="stylesheet" href=(statics::url("map.css"));
        script src=(statics::vendor_url("topojson-client/topojson-client.min.js")) defer {}
        script type="module" src=(statics::url("operation.js")) {}
    }
}

fn map_data(lang: Lang) -> Markup {
    let messages: serde_json::Map<String, serde_json::Value> = [
        "op.map.draw",
        "op.map.clear",
        "op.map.too_few",
        "op.map.vessel",
        "op.map.alert",
        "op.map.target",
        "op.map.none",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), serde_json::Value::from(lang.t(k))))
    .collect();
    html! {
        div #op-map-data hidden
            data-maplibre=(statics::vendor_url("maplibre-gl/maplibre-gl.mjs"))
            data-land=(statics::vendor_url("world-atlas/land-50m.json"))
            data-i18n=(serde_json::Value::Object(messages).to_string()) {}
    }
}

fn operation_form(
    lang: Lang,
    csrf: &str,
    form: &OperationForm,
    errors: &Errors,
    agencies: &[Agency],
    own: &interdict_core::AgencyCode,
) -> Markup {
    html! {
        form.record-form method="post" action="/operations" #operation-form novalidate {
            input type="hidden" name="csrf" value=(csrf);
            (forms::error_banner(lang, errors))
            div.form-grid {
                (field(lang.t("op.code_name"), "code_name", err(lang, errors, "code_name"), true, html! {
                    input type="text" id="code_name" name="code_name" value=(form.code_name) maxlength="80" required;
                }))
                (field(lang.t("op.starts_on"), "starts_on", err(lang, errors, "starts_on"), false, html! {
                    input type="date" id="starts_on" name="starts_on" value=(form.starts_on) required;
                }))
                (field(lang.t("op.ends_on"), "ends_on", err(lang, errors, "ends_on"), false, html! {
                    input type="date" id="ends_on" name="ends_on" value=(form.ends_on) required;
                }))
                fieldset.field.wide.invalid[err(lang, errors, "member_agencies").is_some()] {
                    legend { (lang.t("op.partners")) }
                    div.check-grid {
                        @for a in agencies.iter().filter(|a| &a.code != own) {
                            label {
                                input type="checkbox" name="agencies" value=(a.code.as_str()) checked[form.agencies.iter().any(|x| x == a.code.as_str())];
                                " " (a.code.as_str()) " · " (a.name)
                            }
                        }
                    }
                    @if let Some(e) = err(lang, errors, "member_agencies") { p.field-error { (e) } }
                }
                (field(lang.t("op.max_tlp"), "max_tlp", err(lang, errors, "max_tlp"), false, html! {
                    select id="max_tlp" name="max_tlp" {
                        @for t in [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict] {
                            option value=(t.as_str()) selected[form.max_tlp == t.as_str() || (form.max_tlp.is_empty() && t == Tlp::Amber)] { "TLP:" (t.as_str()) }
                        }
                    }
                }))
                (field(lang.t("op.objectives"), "objectives", err(lang, errors, "objectives"), true, html! {
                    textarea id="objectives" name="objectives" rows="3" placeholder=(lang.t("op.objectives_help")) { (form.objectives) }
                }))
                (field(lang.t("op.targets"), "targets", err(lang, errors, "targets"), true, html! {
                    textarea id="targets" name="targets" rows="3" placeholder="vessel: HAE YANG HO; IMO 9074729" { (form.targets) }
                    p.help { (lang.t("op.targets_help")) }
                }))
                div.field.wide.invalid[err(lang, errors, "area").is_some()] {
                    label for="area" { (lang.t("op.area")) }
                    @if statics::map_assets_present() {
                        div #op-map .op-map .map-canvas data-mode="draw" role="application" aria-label=(lang.t("op.area")) {}
                        div.form-actions {
                            button.button.secondary #op-draw type="button" { (lang.t("op.map.draw")) }
                            button.button.secondary #op-clear type="button" { (lang.t("op.map.clear")) }
                            label.button.secondary for="area-file" { (lang.t("op.area_upload")) }
                            input #area-file type="file" accept=".geojson,.json,application/geo+json,application/json" hidden;
                        }
                    }
                    textarea id="area" name="area" rows="3" placeholder=(lang.t("op.area_help")) { (form.area) }
                    @if let Some(e) = err(lang, errors, "area") { p.field-error { (e) } }
                }
            }
            div.form-actions {
                button.button type="submit" { (lang.t("op.create")) }
                a.button.secondary href="/operations" { (lang.t("common.cancel")) }
            }
        }
    }
}

async fn form_page(
    state: &AppState,
    auth: &Authed,
    status: StatusCode,
    form: &OperationForm,
    errors: &Errors,
) -> Page {
    let lang = auth.ctx.lang;
    let agencies = agencies(state).await.map_err(|e| auth.fail(e))?;
    let body = html! {
        h1 { (lang.t("op.new")) }
        @if statics::map_assets_present() { (map_scripts()) (map_data(lang)) }
        section.panel { (operation_form(lang, auth.csrf(), form, errors, &agencies, &auth.session.actor.agency)) }
    };
    Ok(html_response(
        status,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            lang.t("op.new"),
            Nav::Operations,
            body,
        ),
    ))
}

/// `GET /operations/new`.
async fn new_form(State(state): State<AppState>, auth: Authed) -> Page {
    if !auth.session.actor.may(Action::ManageOperations) {
        return Err(auth.fail(interdict_service::ServiceError::ForbiddenRole));
    }
    let today = state.today();
    let form = OperationForm {
        starts_on: today.to_string(),
        ends_on: (today + chrono::Duration::days(60)).to_string(),
        max_tlp: "AMBER".into(),
        ..OperationForm::default()
    };
    form_page(&state, &auth, StatusCode::OK, &form, &Errors::new()).await
}

/// `POST /operations`.
async fn create(State(state): State<AppState>, auth: Authed, form: FormData) -> Page {
    auth.check_csrf(&form)?;
    let typed = OperationForm::read(&form);
    let errors = match typed.input() {
        Ok(input) => match state.create_operation(&auth.session.actor, input).await {
            Ok(view) => {
                return Ok(
                    Redirect::to(&format!("/operations/{}", view.operation.id)).into_response()
                )
            }
            Err(interdict_service::ServiceError::Invalid { fields, .. }) => {
                field_error::from_domain(&fields)
            }
            Err(e) => return Err(auth.fail(e)),
        },
        Err(errors) => errors,
    };
    form_page(
        &state,
        &auth,
        StatusCode::UNPROCESSABLE_ENTITY,
        &typed,
        &errors,
    )
    .await
}

/// A problem with a form of the centre page, shown beside that form.
#[derive(Default)]
struct Problem {
    /// `message`, `warning`, `feedback:<id>`, `seizure`, `officer`.
    form: String,
    errors: Errors,
    seizure: Option<SeizureForm>,
}

fn quantities_text(lang: Lang, quantities: &[interdict_core::operation::Quantity]) -> Markup {
    html! {
        @for (i, q) in quantities.iter().enumerate() {
            @if i > 0 { br; }
            (forms::drug_name(lang, q.drug)) " " span.num { (lang.quantity(q.quantity)) } " " (lang.t(&format!("unit.{}", q.unit.as_str())))
        }
    }
}

fn tally_markup(lang: Lang, tally: &Tally) -> Markup {
    html! {
        div.cards #tally {
            div.card { div.card-label { (lang.t("op.cases")) } div.card-value #tally-cases { (tally.cases) } }
            div.card { div.card-label { (lang.t("op.arrests")) } div.card-value #tally-arrests { (tally.arrests) } }
            div.card.wide-card {
                div.card-label { (lang.t("op.quantities")) }
                div.card-value.small #tally-quantities {
                    @if tally.quantities.is_empty() { "—" }
                    (quantities_text(lang, &tally.quantities))
                }
            }
        }
        @for (title, rows) in [(lang.t("op.by_agency"), &tally.by_agency), (lang.t("op.by_week"), &tally.by_week)] {
            @if !rows.is_empty() {
                h3 { (title) }
                div.table-scroll {
                    table.data.compact {
                        thead { tr { th {} th.num { (lang.t("op.cases")) } th.num { (lang.t("op.arrests")) } th { (lang.t("op.quantities")) } } }
                        tbody {
                            @for r in rows.iter() {
                                tr { td { (r.key) } td.num { (r.cases) } td.num { (r.arrests) } td { (quantities_text(lang, &r.quantities)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn message_markup(
    lang: Lang,
    m: &BoardMessage,
    csrf: &str,
    id: Uuid,
    open: bool,
    problem: &Problem,
    titles: &std::collections::BTreeMap<Uuid, String>,
) -> Markup {
    let feedback_form = format!("feedback:{}", m.id);
    let errors = if problem.form == feedback_form {
        &problem.errors
    } else {
        &Errors::new()
    };
    html! {
        article class={ "board-message kind-" (m.kind.as_str()) } id={ "m-" (m.id) } data-kind=(m.kind.as_str()) {
            header.board-head {
                span.kind { (lang.t(&format!("op.kind.{}", m.kind.as_str()))) }
                " " strong { (m.author_agency.as_str()) } " " span.muted { (m.author) }
                " · " span.muted.nowrap { (lang.datetime(m.posted_at)) }
                @if let Some(to) = m.reply_to { " · " a href={ "#m-" (to) } { (lang.t("op.in_reply")) } }
            }
            @if let Some(w) = &m.warning {
                h4 { (w.title) }
                @if !w.profile.is_empty() { div.prose { (w.profile) } }
                @if let Some(until) = w.valid_until { p.small { (lang.t("op.valid_until")) " " (lang.date(until)) } }
                @if !w.subjects.is_empty() { (subjects_grid(lang, &w.subjects, None)) }
            }
            @if let Some(f) = &m.feedback {
                p { strong { (lang.t(&format!("op.action.{}", f.action.as_str()))) }
                    @if let Some(on) = f.on { " · " (lang.date(on)) }
                    @if !f.place.is_empty() { " · " (f.place) } }
            }
            @if !m.text.is_empty() { div.prose { (m.text) } }
            @if let Some(s) = m.seizure {
                p { a href={ "/seizures/" (s) } { (titles.get(&s).map(String::as_str).unwrap_or(lang.t("op.seizure_filed"))) } }
            }
            @if !m.attachments.is_empty() {
                ul.plain.small.attachments {
                    @for a in &m.attachments {
                        li { a href={ "/operations/attachments/" (a.id) } { (a.filename) } " " span.muted { "(" (a.content_type) ", " (lang.int(a.size)) " B)" } }
                    }
                }
            }
            p.small.muted.read-by {
                (lang.t("op.read_by")) " "
                @if m.read_by.is_empty() { "—" }
                @for (i, r) in m.read_by.iter().enumerate() {
                    @if i > 0 { ", " }
                    (r.username) " (" (r.agency.as_str()) ")"
                }
            }
            @if open && m.kind == MessageKind::Warning {
                details.reply open[problem.form == feedback_form] {
                    summary { (lang.t("op.answer_warning")) }
                    form.inline-form method="post" action={ "/operations/" (id) "/messages" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="kind" value="feedback";
                        input type="hidden" name="reply_to" value=(m.id);
                        input type="hidden" name="message_id" value=(Uuid::new_v4());
                        div.form-grid {
                            (field(lang.t("op.action"), &format!("action-{}", m.id), err(lang, errors, "feedback"), false, html! {
                                select id={ "action-" (m.id) } name="action" {
                                    @for a in FeedbackAction::ALL { option value=(a.as_str()) { (lang.t(&format!("op.action.{}", a.as_str()))) } }
                                }
                            }))
                            (field(lang.t("op.action_on"), &format!("on-{}", m.id), err(lang, errors, "feedback.on"), false, html! {
                                input type="date" id={ "on-" (m.id) } name="on";
                            }))
                            (field(lang.t("op.action_place"), &format!("place-{}", m.id), err(lang, errors, "feedback.place"), false, html! {
                                input type="text" id={ "place-" (m.id) } name="place" maxlength="200";
                            }))
                            (field(lang.t("op.remarks"), &format!("text-{}", m.id), err(lang, errors, "text"), true, html! {
                                textarea id={ "text-" (m.id) } name="text" rows="2" {}
                            }))
                        }
                        button.button type="submit" { (lang.t("op.send_feedback")) }
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_lines)]
async fn centre_page(
    state: &AppState,
    auth: &Authed,
    id: Uuid,
    status: StatusCode,
    problem: Problem,
) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let view: OperationView = state.operation(actor, id).await.map_err(|e| auth.fail(e))?;
    let board = state
        .operation_board(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let seizures = state
        .operation_seizures(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let tally = Tally::of(&seizures);
    let titles: std::collections::BTreeMap<Uuid, String> = seizures
        .iter()
        .map(|s| {
            (
                s.id,
                format!("{} · {}", lang.date(s.occurred_on), lang.seizure_title(s)),
            )
        })
        .collect();
    // A seizure filed from the board at TLP:RED goes to those who may receive it.
    let red = match state
        .red_recipients(actor, interdict_core::RecordKind::Seizure)
        .await
    {
        Ok(red) => red,
        Err(interdict_service::ServiceError::ForbiddenRole) => Vec::new(),
        Err(e) => return Err(auth.fail(e)),
    };
    let all_agencies = forms::FormAgencies {
        all: agencies(state).await.map_err(|e| auth.fail(e))?,
        red,
    };
    let op = &view.operation;
    let open = op.status != OperationStatus::Closed;
    let csrf = auth.csrf();
    let is_member = view
        .officers
        .iter()
        .any(|o| o.username == actor.username.as_str() && o.left_at.is_none());
    let seizure_form = problem.seizure.clone().unwrap_or_else(|| {
        let mut f = SeizureForm::blank(state.today());
        f.tlp = if op.max_tlp < Tlp::Amber {
            op.max_tlp.as_str().to_owned()
        } else {
            "AMBER".into()
        };
        f
    });
    let errors_for = |form: &str| {
        if problem.form == form {
            problem.errors.clone()
        } else {
            Errors::new()
        }
    };
    let message_errors = errors_for("message");
    let warning_errors = errors_for("warning");
    let officer_errors = errors_for("officer");
    let body = html! {
        @if statics::map_assets_present() && op.area.is_some() { (map_scripts()) (map_data(lang)) }
        div.page-head {
            h1 { (op.code_name) " " (status_badge(lang, op.status)) }
            div.form-actions {
                a.button.secondary href={ "/operations/" (id) "/report" } { (lang.t("op.report")) }
                a.button.secondary href={ "/operations/" (id) "/seizures.csv" } { (lang.t("op.csv")) }
            }
        }
        section.panel #op-facts {
            dl.facts {
                dt { (lang.t("op.period")) } dd { (lang.date(op.starts_on)) " – " (lang.date(op.ends_on)) }
                dt { (lang.t("op.lead")) } dd { (op.lead_agency.as_str()) }
                dt { (lang.t("op.partners")) } dd { @if op.member_agencies.is_empty() { "—" } @else { (op.member_agencies.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")) } }
                dt { (lang.t("op.max_tlp")) } dd { (tlp_badge(op.max_tlp)) }
            }
            @if !op.objectives.is_empty() {
                h2 { (lang.t("op.objectives")) }
                ol { @for o in &op.objectives { li { (o) } } }
            }
            @if !op.targets.is_empty() {
                h2 { (lang.t("op.targets")) }
                (subjects_grid(lang, &op.targets, None))
            }
            @if view.may_manage && open {
                form.inline method="post" action={ "/operations/" (id) "/status" } {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="version" value=(op.version);
                    @if op.status == OperationStatus::Planned {
                        input type="hidden" name="status" value="active";
                        button.button type="submit" #op-activate { (lang.t("op.activate")) }
                    } @else {
                        input type="hidden" name="status" value="closed";
                        button.button.secondary type="submit" #op-close { (lang.t("op.close")) }
                    }
                }
            }
        }
        div.op-layout {
            div.op-main {
                @if op.area.is_some() {
                    section.panel {
                        h2 { (lang.t("op.area")) }
                        @if statics::map_assets_present() {
                            div #op-map .op-map .map-canvas data-mode="show" data-picture={ "/operations/" (id) "/picture" } role="application" aria-label=(lang.t("op.area")) {}
                            p.small.muted #op-map-legend {}
                        } @else {
                            p.muted { (lang.t("map.assets_missing")) }
                        }
                    }
                }
                section.panel #op-tally {
                    h2 { (lang.t("op.results")) }
                    (tally_markup(lang, &tally))
                }
                section.panel #op-board {
                    h2 { (lang.t("op.board")) }
                    @if board.is_empty() { p.empty { (lang.t("op.board_empty")) } }
                    @for m in &board { (message_markup(lang, m, csrf, id, open, &problem, &titles)) }
                    @if open {
                        h3 { (lang.t("op.post")) }
                        details #post-message open[problem.form == "message"] {
                            summary { (lang.t("op.kind.message")) }
                            form method="post" action={ "/operations/" (id) "/board/message" } enctype="multipart/form-data" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="kind" value="message";
                                input type="hidden" name="message_id" value=(Uuid::new_v4());
                                (field(lang.t("op.message"), "message-text", err(lang, &message_errors, "text"), true, html! {
                                    textarea id="message-text" name="text" rows="3" required {}
                                }))
                                (field(lang.t("op.files"), "message-files", err(lang, &message_errors, "attachments"), true, html! {
                                    input #message-files type="file" name="files" multiple accept=".pdf,.png,.jpg,.jpeg,.txt,.csv,application/pdf,image/png,image/jpeg,text/plain,text/csv";
                                    p.help { (lang.t("op.files_help")) }
                                }))
                                button.button type="submit" { (lang.t("op.send")) }
                            }
                        }
                        details #post-warning open[problem.form == "warning"] {
                            summary { (lang.t("op.kind.warning")) }
                            form method="post" action={ "/operations/" (id) "/messages" } {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="kind" value="warning";
                                input type="hidden" name="message_id" value=(Uuid::new_v4());
                                div.form-grid {
                                    (field(lang.t("op.warning_title"), "warning-title", err(lang, &warning_errors, "warning.title"), true, html! {
                                        input type="text" id="warning-title" name="title" maxlength="200" required;
                                    }))
                                    (field(lang.t("op.profile"), "warning-profile", err(lang, &warning_errors, "warning.profile"), true, html! {
                                        textarea id="warning-profile" name="profile" rows="3" {}
                                    }))
                                    (field(lang.t("op.targets"), "warning-subjects", err(lang, &warning_errors, "warning.subjects"), true, html! {
                                        textarea id="warning-subjects" name="subjects" rows="2" placeholder="vessel: HAE YANG HO; IMO 9074729" {}
                                        p.help { (lang.t("op.targets_help")) }
                                    }))
                                    (field(lang.t("op.valid_until"), "warning-until", err(lang, &warning_errors, "warning.valid_until"), false, html! {
                                        input type="date" id="warning-until" name="valid_until";
                                    }))
                                }
                                button.button type="submit" { (lang.t("op.send_warning")) }
                            }
                        }
                        @if actor.may(Action::WriteRecords) {
                            details #post-seizure open[problem.form == "seizure"] {
                                summary { (lang.t("op.kind.seizure")) }
                                p.help { (lang.t("op.seizure_help")) }
                                (forms::seizure_form(lang, &format!("/operations/{id}/board/seizure?message={}", Uuid::new_v4()), csrf, &seizure_form, &errors_for("seizure"), &all_agencies, &actor.agency, &format!("/operations/{id}")))
                            }
                        }
                    } @else {
                        p.muted { (lang.t("op.closed_board")) }
                    }
                }
            }
            aside.op-side {
                section.panel #op-officers {
                    h2 { (lang.t("op.officers")) }
                    @if view.officers.is_empty() { p.empty { "—" } }
                    ul.plain {
                        @for o in &view.officers {
                            li.left[o.left_at.is_some()] {
                                strong { (o.agency.as_str()) } " " (o.display_name) " " span.muted { "(" (o.username) ")" }
                                @if let Some(left) = o.left_at { " · " span.muted { (lang.t("op.left")) " " (lang.datetime(left)) } }
                                @else if view.may_manage || o.username == actor.username.as_str() {
                                    form.inline method="post" action={ "/operations/" (id) "/officers/" (o.username) "/remove" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button.link-button type="submit" { (if o.username == actor.username.as_str() { lang.t("op.leave") } else { lang.t("op.remove") }) }
                                    }
                                }
                            }
                        }
                    }
                    @if view.may_manage && open {
                        form method="post" action={ "/operations/" (id) "/officers" } {
                            input type="hidden" name="csrf" value=(csrf);
                            (field(lang.t("op.add_officer"), "officer", err(lang, &officer_errors, "username"), false, html! {
                                input type="text" id="officer" name="username" placeholder="username" required;
                            }))
                            button.button.secondary type="submit" { (lang.t("op.add")) }
                        }
                    }
                    @if !is_member && !view.may_manage { p.small.muted { (lang.t("op.not_member")) } }
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
            &op.code_name,
            Nav::Operations,
            body,
        ),
    ))
}

/// `GET /operations/{id}`.
async fn centre(State(state): State<AppState>, auth: Authed, Path(id): Path<String>) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    centre_page(&state, &auth, id, StatusCode::OK, Problem::default()).await
}

/// Shows a refusal of the service beside the form it came from, or as an error page.
async fn again(
    state: &AppState,
    auth: &Authed,
    id: Uuid,
    form: &str,
    error: interdict_service::ServiceError,
    seizure: Option<SeizureForm>,
) -> Page {
    match error {
        interdict_service::ServiceError::Invalid { fields, .. } => {
            let problem = Problem {
                form: form.to_owned(),
                errors: field_error::from_domain(&fields),
                seizure,
            };
            centre_page(state, auth, id, StatusCode::UNPROCESSABLE_ENTITY, problem).await
        }
        other => Err(auth.fail(other)),
    }
}

fn back(id: Uuid, anchor: &str) -> Response {
    Redirect::to(&format!("/operations/{id}{anchor}")).into_response()
}

/// `POST /operations/{id}/status`.
async fn set_status(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let actor = &auth.session.actor;
    let view = state.operation(actor, id).await.map_err(|e| auth.fail(e))?;
    let op = view.operation;
    let status = OperationStatus::parse(form.get("status"))
        .ok_or_else(|| auth.fail(AppError::field("status", "planned, active or closed")))?;
    let version = form.get("version").parse::<i64>().unwrap_or(op.version);
    let mut op = op;
    op.status = status;
    let input = op.into_input();
    state
        .update_operation(actor, id, version, input)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(back(id, ""))
}

/// `POST /operations/{id}/officers`.
async fn add_officer(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    match state
        .add_officer(&auth.session.actor, id, form.get("username").trim())
        .await
    {
        Ok(_) => Ok(back(id, "#op-officers")),
        Err(e) => again(&state, &auth, id, "officer", e, None).await,
    }
}

/// `POST /operations/{id}/officers/{username}/remove`.
async fn remove_officer(
    State(state): State<AppState>,
    auth: Authed,
    Path((id, username)): Path<(String, String)>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    state
        .remove_officer(&auth.session.actor, id, &username)
        .await
        .map_err(|e| auth.fail(e))?;
    if username == auth.session.actor.username.as_str() {
        return Ok(Redirect::to("/operations").into_response());
    }
    Ok(back(id, "#op-officers"))
}

/// `POST /operations/{id}/messages`: a free message, a warning or a feedback.
async fn post_message(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let kind = MessageKind::parse(form.get("kind"))
        .filter(|k| *k != MessageKind::Seizure)
        .ok_or_else(|| auth.fail(AppError::field("kind", "message, warning or feedback")))?;
    let reply_to = Uuid::parse_str(form.get("reply_to")).ok();
    let problem_form = match (kind, reply_to) {
        (MessageKind::Feedback, Some(to)) => format!("feedback:{to}"),
        _ => kind.as_str().to_owned(),
    };
    let mut errors = Errors::new();
    let day = |raw: &str, field: &str, errors: &mut Errors| -> Option<NaiveDate> {
        match raw.trim() {
            "" => None,
            raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| {
                    errors.insert(field.into(), FieldError::coded("err.date"));
                })
                .ok(),
        }
    };
    let mut input = MessageInput {
        id: Uuid::parse_str(form.get("message_id")).ok(),
        kind,
        text: form.get("text").to_owned(),
        reply_to,
        warning: None,
        feedback: None,
        seizure: None,
    };
    match kind {
        MessageKind::Warning => {
            let mut subjects = Vec::new();
            for (i, line) in form
                .get("subjects")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .enumerate()
            {
                match parse_target(line) {
                    Ok(s) => subjects.push(s),
                    Err(e) => {
                        errors.insert(format!("warning.subjects[{i}]"), e);
                    }
                }
            }
            input.text = String::new();
            input.warning = Some(Warning {
                title: form.get("title").to_owned(),
                profile: form.get("profile").to_owned(),
                subjects,
                valid_until: day(form.get("valid_until"), "warning.valid_until", &mut errors),
            });
        }
        MessageKind::Feedback => {
            let action = FeedbackAction::parse(form.get("action"));
            if action.is_none() {
                errors.insert("feedback".into(), FieldError::coded("err.choose"));
            }
            input.feedback = action.map(|action| Feedback {
                action,
                on: day(form.get("on"), "feedback.on", &mut errors),
                place: form.get("place").to_owned(),
            });
        }
        _ => {}
    }
    if !errors.is_empty() {
        let problem = Problem {
            form: problem_form,
            errors,
            seizure: None,
        };
        return centre_page(&state, &auth, id, StatusCode::UNPROCESSABLE_ENTITY, problem).await;
    }
    match state
        .post_message(&auth.session.actor, id, input, Vec::new())
        .await
    {
        Ok(m) => Ok(back(id, &format!("#m-{}", m.id))),
        Err(e) => again(&state, &auth, id, &problem_form, e, None).await,
    }
}

/// `POST /operations/{id}/board/message`: a free message with files (multipart).
async fn post_with_files(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let mut fields = Vec::new();
    let mut files = Vec::new();
    let unreadable = |_| auth.fail(AppError::BadRequest("cannot read the form".into()));
    while let Some(part) = multipart.next_field().await.map_err(unreadable)? {
        let name = part.name().unwrap_or_default().to_owned();
        if name == "files" {
            let filename = part.file_name().unwrap_or_default().to_owned();
            let content_type = part.content_type().unwrap_or_default().to_owned();
            let content = part.bytes().await.map_err(unreadable)?.to_vec();
            // An empty file input sends one part without a name or content.
            if !(filename.is_empty() && content.is_empty()) {
                files.push(NewAttachment {
                    filename,
                    content_type,
                    content,
                });
            }
        } else {
            fields.push((name, part.text().await.map_err(unreadable)?));
        }
    }
    let form = FormData(fields);
    auth.check_csrf(&form)?;
    let input = MessageInput {
        id: Uuid::parse_str(form.get("message_id")).ok(),
        kind: MessageKind::Message,
        text: form.get("text").to_owned(),
        reply_to: None,
        warning: None,
        feedback: None,
        seizure: None,
    };
    match state
        .post_message(&auth.session.actor, id, input, files)
        .await
    {
        Ok(m) => Ok(back(id, &format!("#m-{}", m.id))),
        Err(e) => again(&state, &auth, id, "message", e, None).await,
    }
}

/// `POST /operations/{id}/board/seizure?message=…`: files a seizure from the board.
async fn post_seizure(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let message_id = super::ctx::query_pairs(query.as_deref())
        .get("message")
        .parse::<Uuid>()
        .ok();
    let typed = SeizureForm::read(&form);
    let actor = &auth.session.actor;
    let input = match typed.input(&actor.agency, state.today()) {
        Ok(input) => input,
        Err(errors) => {
            let errors = errors
                .into_iter()
                .map(|(k, v)| (format!("seizure.{k}"), v))
                .collect::<Errors>();
            let problem = Problem {
                form: "seizure".into(),
                errors: strip_prefix(errors),
                seizure: Some(typed),
            };
            return centre_page(&state, &auth, id, StatusCode::UNPROCESSABLE_ENTITY, problem).await;
        }
    };
    let message = MessageInput {
        id: message_id,
        kind: MessageKind::Seizure,
        text: String::new(),
        reply_to: None,
        warning: None,
        feedback: None,
        seizure: Some(input),
    };
    match state.post_message(actor, id, message, Vec::new()).await {
        Ok(m) => Ok(back(id, &format!("#m-{}", m.id))),
        Err(interdict_service::ServiceError::Invalid { fields, .. }) => {
            let errors = strip_prefix(field_error::from_domain(&fields));
            let problem = Problem {
                form: "seizure".into(),
                errors,
                seizure: Some(typed),
            };
            centre_page(&state, &auth, id, StatusCode::UNPROCESSABLE_ENTITY, problem).await
        }
        Err(e) => Err(auth.fail(e)),
    }
}

/// The seizure form names its fields without the template's `seizure.` prefix.
fn strip_prefix(errors: Errors) -> Errors {
    errors
        .into_iter()
        .map(|(k, v)| {
            (
                k.strip_prefix("seizure.").map(str::to_owned).unwrap_or(k),
                v,
            )
        })
        .collect()
}

/// `GET /operations/{id}/picture`: the map data of the centre page.
async fn picture(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> Result<Response, Response> {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let picture = state
        .operation_picture(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(Json(picture).into_response())
}

/// `GET /operations/{id}/seizures.csv`.
async fn seizures(State(state): State<AppState>, auth: Authed, Path(id): Path<String>) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let list = state
        .operation_seizures(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(csv_response(&seizures_csv(&list), "seizures.csv"))
}

/// `GET /operations/attachments/{id}`.
async fn attachment(State(state): State<AppState>, auth: Authed, Path(id): Path<String>) -> Page {
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let file = state
        .operation_attachment(&auth.session.actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    Ok(attachment_response(file))
}

/// `GET /operations/{id}/report`: the after-action report, one page to print.
async fn report(State(state): State<AppState>, auth: Authed, Path(id): Path<String>) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let id = id_of(&id).map_err(|e| auth.fail(e))?;
    let view = state.operation(actor, id).await.map_err(|e| auth.fail(e))?;
    let tally = state
        .operation_tally(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let seizures = state
        .operation_seizures(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let board = state
        .operation_board(actor, id)
        .await
        .map_err(|e| auth.fail(e))?;
    let op = &view.operation;
    let warnings = board
        .iter()
        .filter(|m| m.kind == MessageKind::Warning)
        .count();
    let feedbacks = board
        .iter()
        .filter(|m| m.kind == MessageKind::Feedback)
        .count();
    let body = html! {
        article.after-action #after-action {
            div.page-head.no-print {
                a.button.secondary href={ "/operations/" (id) } { (lang.t("op.back")) }
                button.button type="button" data-print { (lang.t("op.print")) }
            }
            h1 { (lang.t("op.report")) ": " (op.code_name) }
            dl.facts {
                dt { (lang.t("op.status")) } dd { (status_badge(lang, op.status)) }
                dt { (lang.t("op.period")) } dd { (lang.date(op.starts_on)) " – " (lang.date(op.ends_on)) }
                dt { (lang.t("op.lead")) } dd { (op.lead_agency.as_str()) }
                dt { (lang.t("op.partners")) } dd { (op.member_agencies.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")) }
                dt { (lang.t("op.officers")) } dd { (view.officers.len()) }
                dt { (lang.t("op.board")) } dd { (board.len()) " · " (lang.t("op.kind.warning")) " " (warnings) " · " (lang.t("op.kind.feedback")) " " (feedbacks) }
            }
            @if !op.objectives.is_empty() {
                h2 { (lang.t("op.objectives")) }
                ol { @for o in &op.objectives { li { (o) } } }
            }
            h2 { (lang.t("op.results")) }
            (tally_markup(lang, &tally))
            h2 { (lang.t("op.seizures")) }
            div.table-scroll {
                table.data.compact #report-seizures {
                    thead { tr { th { (lang.t("field.occurred_on")) } th { (lang.t("field.agency")) } th { (lang.t("field.place")) } th { (lang.t("op.quantities")) } th.num { (lang.t("op.arrests")) } } }
                    tbody {
                        @for s in &seizures {
                            tr {
                                td.nowrap { (lang.date(s.occurred_on)) }
                                td { (s.agency.as_str()) }
                                td { (lang.place(&s.place.name)) ", " (lang.country(s.place.country)) }
                                td { @for (i, item) in s.items.iter().enumerate() { @if i > 0 { br; } (lang.drug_item(item)) } }
                                td.num { (s.arrests) }
                            }
                        }
                    }
                }
            }
            @if !op.targets.is_empty() {
                h2 { (lang.t("op.targets")) }
                ul { @for t in &op.targets { li { span.kind { (lang.t(&format!("subject.{}", t.kind()))) } " " (t.label()) } } }
            }
            p.small.muted { (lang.t("op.report_note")) }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            &format!("{} · {}", lang.t("op.report"), op.code_name),
            Nav::Operations,
            body,
        ),
    ))
}
