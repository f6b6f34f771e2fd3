//! `/admin` and `/agreements`: the agency administrator's pages. The users of the
//! agency (created with roles and a first password, roles changed, disabled and enabled
//! again, a new password set), each user's API tokens (the secret shown once, when the
//! token is made; revoked), and the agency's agreements at a glance: what is shared
//! with whom, up to which label and until when, with those ending soon marked.
//!
//! Every page calls the same service functions as `interdict admin` and `api::admin`,
//! as `Admin::User`: the service decides who may (agency administrators, their own
//! agency only: a user of another agency does not exist for them), checks the input
//! with the rules of every path and writes the same audit entries. Agreements are made
//! by the node's operator once every party has signed; an administrator may end one of
//! the agency's agreements sooner, never later. Everyone may read the agreements page.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::policy::Action;
use interdict_core::{AgencyCode, Agreement, Role};
use interdict_service::admin::{Admin, IssuedToken, NewUserInput, UserView, MIN_PASSWORD};
use interdict_service::{ServiceError, TokenKind};
use maud::{html, Markup};
use uuid::Uuid;

use super::ctx::{query_pairs, Authed, FormData};
use super::field_error::{self, Errors, FieldError};
use super::forms::{error_banner, field};
use super::i18n::Lang;
use super::layout::{html_response, page, role_name, tlp_badge, Nav};
use crate::error::AppError;
use crate::AppState;

type Page = Result<Response, Response>;

/// An agreement in force that ends within this many days is marked as ending soon.
pub const EXPIRING_DAYS: i64 = 30;

/// The days a new token is valid for unless the administrator says otherwise.
const DEFAULT_TOKEN_DAYS: &str = "90";

/// The routes of the administration pages and of the agreements page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(home))
        .route("/admin/users", get(users_page).post(create_user))
        .route("/admin/users/{username}", get(user_page))
        .route("/admin/users/{username}/roles", post(set_roles))
        .route("/admin/users/{username}/password", post(set_password))
        .route("/admin/users/{username}/disable", post(disable))
        .route("/admin/users/{username}/enable", post(enable))
        .route("/admin/users/{username}/tokens", post(create_token))
        .route(
            "/admin/users/{username}/tokens/{id}/revoke",
            post(revoke_token),
        )
        .route("/agreements", get(agreements))
        .route("/agreements/{id}/end", post(end_agreement))
}

fn by(auth: &Authed) -> Admin {
    Admin::User(auth.session.actor.clone())
}

fn is_admin(auth: &Authed) -> bool {
    auth.session.actor.may(Action::ManageAgency)
}

/// The field errors a refused change is shown with on its form; any other refusal is
/// an error page. `taken` names the field of a name already in use.
fn form_errors(error: ServiceError, taken: &str) -> Result<Errors, ServiceError> {
    match error {
        ServiceError::Invalid { fields, .. } => Ok(field_error::from_domain(&fields)),
        ServiceError::AlreadyExists(_) => Ok(Errors::from([(
            taken.to_owned(),
            FieldError::coded("err.username_taken"),
        )])),
        ServiceError::Conflict {
            code: "user_disabled",
            ..
        } => Ok(Errors::from([(
            "token".to_owned(),
            FieldError::coded("err.user_disabled"),
        )])),
        other => Err(other),
    }
}

fn err(lang: Lang, errors: &Errors, key: &str) -> Option<String> {
    errors.get(key).map(|e| e.text(lang))
}

/// The tabs of the administration pages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Users,
    Agreements,
}

fn tabs(lang: Lang, here: Tab) -> Markup {
    let link = |href: &str, key: &str, tab: Tab| {
        let active = tab == here;
        html! {
            a href=(href) class=[active.then_some("active")] aria-current=[active.then_some("page")] { (lang.t(key)) }
        }
    };
    html! {
        nav.subnav aria-label=(lang.t("nav.admin")) {
            (link("/admin/users", "adm.users.title", Tab::Users))
            (link("/agreements", "agreements.title", Tab::Agreements))
            a href="/audit?action=user" { (lang.t("adm.audit_link")) }
        }
    }
}

fn shell(
    auth: &Authed,
    status: StatusCode,
    here: &str,
    title: &str,
    nav: Nav,
    body: Markup,
) -> Response {
    html_response(
        status,
        page(auth.ctx.lang, Some(&auth.session), here, title, nav, body),
    )
}

/// A notice after a change, named by the `done` parameter of the address.
fn notice(lang: Lang, query: Option<&str>) -> Markup {
    let key = match query_pairs(query).get("done") {
        "created" => "adm.done.created",
        "roles" => "adm.done.roles",
        "password" => "adm.done.password",
        "disabled" => "adm.done.disabled",
        "enabled" => "adm.done.enabled",
        "revoked" => "adm.done.revoked",
        "ended" => "adm.done.ended",
        _ => return html! {},
    };
    html! { div.alert.alert-info role="status" #notice { (lang.t(key)) } }
}

/// `GET /admin`.
async fn home(auth: Authed) -> Page {
    if !is_admin(&auth) {
        return Err(auth.fail(AppError::from(ServiceError::ForbiddenRole)));
    }
    Ok(Redirect::to("/admin/users").into_response())
}

/// The roles as checkboxes; `legend` where no heading above names them already.
fn roles_box(lang: Lang, checked: &[String], error: Option<String>, legend: bool) -> Markup {
    html! {
        fieldset.field.wide.invalid[error.is_some()] #roles-field aria-label=(lang.t("adm.roles")) {
            @if legend { legend { (lang.t("adm.roles")) } }
            div.check-grid {
                @for role in Role::ALL {
                    label.check {
                        input type="checkbox" name="roles" value=(role.as_str())
                            checked[checked.iter().any(|c| c == role.as_str())];
                        (role_name(lang, role))
                    }
                }
            }
            @if let Some(e) = error { p.field-error id="roles-error" { (e) } }
        }
    }
}

fn state_badge(lang: Lang, disabled: bool) -> Markup {
    html! {
        @if disabled {
            span.status.status-withdrawn { (lang.t("adm.disabled")) }
        } @else {
            span.status.status-published { (lang.t("adm.active")) }
        }
    }
}

fn role_list(lang: Lang, user: &UserView) -> Markup {
    html! {
        @for (i, r) in user.roles.iter().enumerate() { @if i > 0 { ", " } (role_name(lang, r)) }
    }
}

/// What was typed into the form of a new user (never the password).
#[derive(Default)]
struct NewUserForm {
    username: String,
    display_name: String,
    roles: Vec<String>,
}

/// `GET /admin/users`.
async fn users_page(
    State(state): State<AppState>,
    auth: Authed,
    RawQuery(query): RawQuery,
) -> Page {
    let form = NewUserForm {
        roles: vec![Role::Analyst.as_str().to_owned()],
        ..NewUserForm::default()
    };
    render_users(
        &state,
        &auth,
        StatusCode::OK,
        &form,
        &Errors::new(),
        query.as_deref(),
    )
    .await
}

async fn render_users(
    state: &AppState,
    auth: &Authed,
    status: StatusCode,
    form: &NewUserForm,
    errors: &Errors,
    query: Option<&str>,
) -> Page {
    let lang = auth.ctx.lang;
    let admin = by(auth);
    let users = state.users(&admin, None).await.map_err(|e| auth.fail(e))?;
    let logins = state
        .last_logins(&admin, None)
        .await
        .map_err(|e| auth.fail(e))?;
    let me = &auth.session.actor.username;
    let body = html! {
        div.page-head {
            h1 { (lang.t("adm.users.title")) " · " (auth.session.actor.agency.as_str()) }
        }
        (tabs(lang, Tab::Users))
        (notice(lang, query))
        section.panel {
            p.muted { (lang.t("adm.users.help")) }
            div.table-scroll {
                table.data #users {
                    thead { tr {
                        th { (lang.t("adm.username")) }
                        th { (lang.t("adm.display_name")) }
                        th { (lang.t("adm.roles")) }
                        th { (lang.t("adm.state")) }
                        th { (lang.t("adm.last_login")) }
                    } }
                    tbody {
                        @for u in &users {
                            tr data-user=(u.username.as_str()) {
                                td.mono {
                                    a href={ "/admin/users/" (u.username.as_str()) } { (u.username.as_str()) }
                                    @if &u.username == me { " " span.muted { "(" (lang.t("adm.you")) ")" } }
                                }
                                td { (u.display_name) }
                                td { (role_list(lang, u)) }
                                td { (state_badge(lang, u.disabled)) }
                                td.nowrap {
                                    @match logins.get(&u.username) {
                                        Some(at) => (lang.datetime(*at)),
                                        None => span.muted { (lang.t("adm.never")) },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.panel #new-user {
            h2 { (lang.t("adm.new_user")) }
            (error_banner(lang, errors))
            form method="post" action="/admin/users" novalidate {
                input type="hidden" name="csrf" value=(auth.csrf());
                div.form-grid {
                    (field(lang.t("adm.username"), "username", err(lang, errors, "username"), false, html! {
                        input type="text" id="username" name="username" value=(form.username) maxlength="64"
                            autocomplete="off" autocapitalize="none" spellcheck="false" required aria-describedby="username-help";
                        small.help id="username-help" { (lang.t("adm.username_help")) }
                    }))
                    (field(lang.t("adm.display_name"), "display_name", err(lang, errors, "display_name"), false, html! {
                        input type="text" id="display_name" name="display_name" value=(form.display_name) maxlength="200";
                    }))
                    (field(lang.t("adm.initial_password"), "password", err(lang, errors, "password"), false, html! {
                        input type="password" id="password" name="password" autocomplete="new-password"
                            minlength=(MIN_PASSWORD) required aria-describedby="password-help";
                        small.help id="password-help" { (lang.t("adm.password_help").replace("{0}", &MIN_PASSWORD.to_string())) }
                    }))
                    (roles_box(lang, &form.roles, err(lang, errors, "roles"), true))
                }
                div.form-actions {
                    button.button type="submit" { (lang.t("adm.create_user")) }
                }
            }
        }
    };
    Ok(shell(
        auth,
        status,
        "/admin/users",
        lang.t("adm.users.title"),
        Nav::Admin,
        body,
    ))
}

/// `POST /admin/users`.
async fn create_user(State(state): State<AppState>, auth: Authed, form: FormData) -> Page {
    auth.check_csrf(&form)?;
    let typed = NewUserForm {
        username: form.get("username").trim().to_owned(),
        display_name: form.get("display_name").trim().to_owned(),
        roles: form.all("roles"),
    };
    let input = NewUserInput {
        username: typed.username.clone(),
        agency: auth.session.actor.agency.to_string(),
        display_name: Some(typed.display_name.clone()),
        roles: typed.roles.join(","),
        password: form.get("password").to_owned(),
    };
    match state.create_user(&by(&auth), input).await {
        Ok(user) => Ok(Redirect::to(&format!(
            "/admin/users/{}?done=created",
            user.username.as_str()
        ))
        .into_response()),
        Err(e) => {
            let errors = form_errors(e, "username").map_err(|e| auth.fail(e))?;
            render_users(
                &state,
                &auth,
                StatusCode::UNPROCESSABLE_ENTITY,
                &typed,
                &errors,
                None,
            )
            .await
        }
    }
}

/// What a user's page shows besides the user: problems of a form, a token just made.
#[derive(Default)]
struct UserExtras {
    errors: Errors,
    issued: Option<(String, IssuedToken)>,
    token_name: String,
    token_days: String,
    roles: Option<Vec<String>>,
}

/// `GET /admin/users/{username}`.
async fn user_page(
    State(state): State<AppState>,
    auth: Authed,
    Path(username): Path<String>,
    RawQuery(query): RawQuery,
) -> Page {
    render_user(
        &state,
        &auth,
        &username,
        StatusCode::OK,
        UserExtras::default(),
        query.as_deref(),
    )
    .await
}

fn token_state(
    lang: Lang,
    revoked: bool,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (bool, Markup) {
    if revoked {
        (
            false,
            html! { span.status.status-withdrawn { (lang.t("adm.token.revoked")) } },
        )
    } else if expires_at.is_some_and(|at| at <= now) {
        (
            false,
            html! { span.status.status-draft { (lang.t("adm.token.expired")) } },
        )
    } else {
        (
            true,
            html! { span.status.status-published { (lang.t("adm.token.valid")) } },
        )
    }
}

async fn render_user(
    state: &AppState,
    auth: &Authed,
    username: &str,
    status: StatusCode,
    extras: UserExtras,
    query: Option<&str>,
) -> Page {
    let lang = auth.ctx.lang;
    let admin = by(auth);
    let user = state
        .managed(&admin, username)
        .await
        .map_err(|e| auth.fail(e))?;
    let tokens = state
        .tokens(&admin, user.username.as_str())
        .await
        .map_err(|e| auth.fail(e))?;
    let last_login = state
        .last_logins(&admin, None)
        .await
        .map_err(|e| auth.fail(e))?
        .remove(&user.username);
    let now = state.now();
    let name = user.username.as_str();
    let path = format!("/admin/users/{name}");
    let myself = user.username == auth.session.actor.username;
    let errors = &extras.errors;
    let roles: Vec<String> = extras
        .roles
        .clone()
        .unwrap_or_else(|| user.roles.iter().map(|r| r.as_str().to_owned()).collect());
    let token_days = if extras.token_days.is_empty() {
        DEFAULT_TOKEN_DAYS
    } else {
        extras.token_days.as_str()
    };
    let body = html! {
        (tabs(lang, Tab::Users))
        p.breadcrumb { a href="/admin/users" { "← " (lang.t("adm.all_users")) } }
        div.page-head {
            h1 { (user.display_name) }
        }
        (notice(lang, query))
        (error_banner(lang, errors))
        section.panel #user {
            dl.facts {
                dt { (lang.t("adm.username")) } dd.mono { (name) @if myself { " (" (lang.t("adm.you")) ")" } }
                dt { (lang.t("field.agency")) } dd { (user.agency.as_str()) }
                dt { (lang.t("adm.roles")) } dd { (role_list(lang, &user)) }
                dt { (lang.t("adm.state")) } dd #user-state { (state_badge(lang, user.disabled)) }
                dt { (lang.t("adm.last_login")) } dd {
                    @match last_login { Some(at) => (lang.datetime(at)), None => span.muted { (lang.t("adm.never")) } }
                }
            }
        }
        @if let Some((token_name, issued)) = &extras.issued {
            section.panel.token-issued #new-token role="alert" {
                h2 { (lang.t("adm.token.issued")) ": " (token_name) }
                p { (lang.t("adm.token.once")) }
                div.token-secret {
                    input.mono type="text" id="new-token-value" readonly value=(issued.token)
                        aria-label=(lang.t("adm.token.secret")) spellcheck="false";
                    button.button.secondary type="button" data-copy="new-token-value"
                        data-copied=(lang.t("adm.copied")) hidden { (lang.t("adm.copy")) }
                }
                p.muted { (lang.t("adm.token.expires")) ": " (lang.datetime(issued.expires_at)) }
            }
        }
        section.panel #roles {
            h2 { (lang.t("adm.roles")) }
            form method="post" action={ (path) "/roles" } novalidate {
                input type="hidden" name="csrf" value=(auth.csrf());
                (roles_box(lang, &roles, err(lang, errors, "roles"), false))
                label.check {
                    input type="checkbox" name="keep_automation" value="true";
                    (lang.t("adm.keep_automation"))
                }
                p.help { (lang.t("adm.roles_help")) }
                div.form-actions { button.button type="submit" { (lang.t("adm.save_roles")) } }
            }
        }
        section.panel #access {
            h2 { (lang.t("adm.access")) }
            @if user.disabled {
                p { (lang.t("adm.is_disabled")) }
                form method="post" action={ (path) "/enable" } {
                    input type="hidden" name="csrf" value=(auth.csrf());
                    button.button type="submit" { (lang.t("adm.enable")) }
                }
            } @else if myself {
                p.muted { (lang.t("adm.not_yourself")) }
            } @else {
                p.help { (lang.t("adm.disable_help")) }
                form method="post" action={ (path) "/disable" } {
                    input type="hidden" name="csrf" value=(auth.csrf());
                    button.button.danger type="submit" { (lang.t("adm.disable")) }
                }
            }
            @if let Some(e) = err(lang, errors, "username") { p.field-error { (e) } }
        }
        section.panel #password {
            h2 { (lang.t("adm.reset_password")) }
            form method="post" action={ (path) "/password" } novalidate {
                input type="hidden" name="csrf" value=(auth.csrf());
                div.form-grid {
                    (field(lang.t("adm.new_password"), "new_password", err(lang, errors, "password"), false, html! {
                        input type="password" id="new_password" name="password" autocomplete="new-password"
                            minlength=(MIN_PASSWORD) required aria-describedby="new_password-help";
                        small.help id="new_password-help" { (lang.t("adm.password_help").replace("{0}", &MIN_PASSWORD.to_string())) }
                    }))
                }
                label.check {
                    input type="checkbox" name="end_automation" value="true";
                    (lang.t("adm.end_automation"))
                }
                p.help { (lang.t("adm.reset_help")) }
                div.form-actions { button.button type="submit" { (lang.t("adm.set_password")) } }
            }
        }
        section.panel #tokens {
            h2 { (lang.t("adm.tokens")) }
            p.muted { (lang.t("adm.tokens_help")) }
            @if tokens.is_empty() {
                p.empty { (lang.t("adm.no_tokens")) }
            } @else {
                div.table-scroll {
                    table.data {
                        thead { tr {
                            th { (lang.t("adm.token.name")) }
                            th { (lang.t("adm.token.kind")) }
                            th { (lang.t("adm.token.created")) }
                            th { (lang.t("adm.token.expires")) }
                            th { (lang.t("adm.state")) }
                            th {}
                        } }
                        tbody {
                            @for t in &tokens {
                                @let (live, badge) = token_state(lang, t.revoked, t.expires_at, now);
                                tr data-token=(t.id) {
                                    td { (t.name) }
                                    td { (lang.t(if t.kind == TokenKind::Automation { "adm.token.automation" } else { "adm.token.login" })) }
                                    td.nowrap { (lang.datetime(t.created_at)) }
                                    td.nowrap { @if let Some(at) = t.expires_at { (lang.datetime(at)) } @else { "–" } }
                                    td { (badge) }
                                    td {
                                        @if live {
                                            form.inline method="post" action={ (path) "/tokens/" (t.id) "/revoke" } {
                                                input type="hidden" name="csrf" value=(auth.csrf());
                                                button.link-button type="submit" { (lang.t("adm.token.revoke")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (lang.t("adm.token.new")) }
            @if let Some(e) = err(lang, errors, "token") { p.field-error { (e) } }
            form #token-form method="post" action={ (path) "/tokens" } novalidate {
                input type="hidden" name="csrf" value=(auth.csrf());
                div.form-grid {
                    (field(lang.t("adm.token.name"), "token_name", err(lang, errors, "name"), false, html! {
                        input type="text" id="token_name" name="name" value=(extras.token_name) maxlength="100"
                            placeholder=(lang.t("adm.token.name_hint")) required;
                    }))
                    (field(lang.t("adm.token.days"), "token_days", err(lang, errors, "days"), false, html! {
                        input type="number" id="token_days" name="days" value=(token_days) min="1" max="366" required;
                    }))
                }
                div.form-actions { button.button type="submit" { (lang.t("adm.token.create")) } }
            }
        }
    };
    Ok(shell(
        auth,
        status,
        &path,
        &user.display_name,
        Nav::Admin,
        body,
    ))
}

/// After a change of a user: back to their page with a notice, or the page again with
/// the problems of the form.
async fn after_change(
    state: &AppState,
    auth: &Authed,
    username: &str,
    result: Result<(), ServiceError>,
    done: &str,
    anchor: &str,
    extras: UserExtras,
) -> Page {
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/users/{}?done={done}#{anchor}",
            super::ctx::encode(username)
        ))
        .into_response()),
        Err(e) => {
            let errors = form_errors(e, "username").map_err(|e| auth.fail(e))?;
            render_user(
                state,
                auth,
                username,
                StatusCode::UNPROCESSABLE_ENTITY,
                UserExtras { errors, ..extras },
                None,
            )
            .await
        }
    }
}

/// `POST /admin/users/{username}/roles`.
async fn set_roles(
    State(state): State<AppState>,
    auth: Authed,
    Path(username): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let roles = form.all("roles");
    let result = state
        .set_roles(
            &by(&auth),
            &username,
            &roles.join(","),
            form.get("keep_automation") == "true",
        )
        .await
        .map(|_| ());
    let extras = UserExtras {
        roles: Some(roles),
        ..UserExtras::default()
    };
    after_change(&state, &auth, &username, result, "roles", "roles", extras).await
}

/// `POST /admin/users/{username}/password`.
async fn set_password(
    State(state): State<AppState>,
    auth: Authed,
    Path(username): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let result = state
        .set_password(
            &by(&auth),
            &username,
            form.get("password"),
            form.get("end_automation") == "true",
        )
        .await;
    after_change(
        &state,
        &auth,
        &username,
        result,
        "password",
        "password",
        UserExtras::default(),
    )
    .await
}

/// `POST /admin/users/{username}/disable`.
async fn disable(
    State(state): State<AppState>,
    auth: Authed,
    Path(username): Path<String>,
    form: FormData,
) -> Page {
    set_access(&state, &auth, &username, &form, true).await
}

/// `POST /admin/users/{username}/enable`.
async fn enable(
    State(state): State<AppState>,
    auth: Authed,
    Path(username): Path<String>,
    form: FormData,
) -> Page {
    set_access(&state, &auth, &username, &form, false).await
}

/// Disables or enables a user, and shows the user's page with what was done.
async fn set_access(
    state: &AppState,
    auth: &Authed,
    username: &str,
    form: &FormData,
    disabled: bool,
) -> Page {
    auth.check_csrf(form)?;
    let result = state.set_disabled(&by(auth), username, disabled).await;
    let done = if disabled { "disabled" } else { "enabled" };
    after_change(
        state,
        auth,
        username,
        result,
        done,
        "access",
        UserExtras::default(),
    )
    .await
}

/// `POST /admin/users/{username}/tokens`: the user's page with the new token's secret,
/// shown this once (the page is not stored: every page is sent `no-store`).
async fn create_token(
    State(state): State<AppState>,
    auth: Authed,
    Path(username): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let name = form.get("name").trim().to_owned();
    let days_typed = form.get("days").trim().to_owned();
    // A number that does not parse is refused by the service's own rule on days.
    let days = days_typed.parse::<i64>().unwrap_or(0);
    match state.create_token(&by(&auth), &username, &name, days).await {
        Ok(issued) => {
            let extras = UserExtras {
                issued: Some((name, issued)),
                ..UserExtras::default()
            };
            render_user(&state, &auth, &username, StatusCode::OK, extras, None).await
        }
        Err(e) => {
            let errors = form_errors(e, "name").map_err(|e| auth.fail(e))?;
            let extras = UserExtras {
                errors,
                token_name: name,
                token_days: days_typed,
                ..UserExtras::default()
            };
            render_user(
                &state,
                &auth,
                &username,
                StatusCode::UNPROCESSABLE_ENTITY,
                extras,
                None,
            )
            .await
        }
    }
}

/// `POST /admin/users/{username}/tokens/{id}/revoke`.
async fn revoke_token(
    State(state): State<AppState>,
    auth: Authed,
    Path((username, id)): Path<(String, String)>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = id
        .parse::<i64>()
        .map_err(|_| auth.fail(AppError::NotFound))?;
    let result = state.revoke_user_token(&by(&auth), &username, id).await;
    after_change(
        &state,
        &auth,
        &username,
        result,
        "revoked",
        "tokens",
        UserExtras::default(),
    )
    .await
}

/// Where an agreement stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// In force, and its last day is at most [`EXPIRING_DAYS`] away: the days left
    /// after today.
    Ending(i64),
    InForce,
    NotYet,
    Ended,
}

impl Standing {
    pub fn of(agreement: &Agreement, today: NaiveDate) -> Self {
        if agreement.valid_from > today {
            return Standing::NotYet;
        }
        match agreement.valid_to {
            Some(to) if to < today => Standing::Ended,
            Some(to) if (to - today).num_days() <= EXPIRING_DAYS => {
                Standing::Ending((to - today).num_days())
            }
            _ => Standing::InForce,
        }
    }
}

fn standing_badge(lang: Lang, standing: Standing) -> Markup {
    match standing {
        Standing::Ending(0) => {
            html! { span.status.status-ending { (lang.t("agreements.ends_today")) } }
        }
        Standing::Ending(n) => html! {
            span.status.status-ending { (lang.t("agreements.ends_in").replace("{0}", &lang.int(n))) }
        },
        Standing::InForce => {
            html! { span.status.status-published { (lang.t("agreements.active")) } }
        }
        Standing::NotYet => html! { span.status.status-draft { (lang.t("agreements.not_yet")) } },
        Standing::Ended => html! { span.status.status-withdrawn { (lang.t("agreements.ended")) } },
    }
}

fn scope_list(lang: Lang, scopes: &[interdict_core::Scope]) -> Markup {
    html! {
        ul.scopes {
            @for s in scopes { li { (lang.t(&format!("scope.{}", s.as_str()))) } }
        }
    }
}

/// `GET /agreements`.
async fn agreements(
    State(state): State<AppState>,
    auth: Authed,
    RawQuery(query): RawQuery,
) -> Page {
    render_agreements(&state, &auth, StatusCode::OK, None, query.as_deref()).await
}

/// The agreements page; `problem` is an agreement whose end was refused, with why.
async fn render_agreements(
    state: &AppState,
    auth: &Authed,
    status: StatusCode,
    problem: Option<(Uuid, Errors)>,
    query: Option<&str>,
) -> Page {
    let lang = auth.ctx.lang;
    let today = state.today();
    let own = &auth.session.actor.agency;
    let mut list: Vec<(Standing, Agreement)> = state
        .agreements_for(&auth.session.actor)
        .await
        .map_err(|e| auth.fail(e))?
        .into_iter()
        .map(|a| (Standing::of(&a, today), a))
        .collect();
    // Those ending soonest first, then those in force, those to come, those ended.
    list.sort_by(|(a, x), (b, y)| {
        a.cmp(b)
            .then(x.valid_to.cmp(&y.valid_to))
            .then(x.title.cmp(&y.title))
    });
    let agencies = state.agencies().await.map_err(|e| auth.fail(e))?;
    let name_of = |code: &AgencyCode| {
        agencies
            .iter()
            .find(|a| &a.code == code)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let count = |f: fn(&Standing) -> bool| list.iter().filter(|(s, _)| f(s)).count() as i64;
    let n_ending = count(|s| matches!(s, Standing::Ending(_)));
    let n_in_force = count(|s| matches!(s, Standing::Ending(_) | Standing::InForce));
    let n_ended = count(|s| *s == Standing::Ended);
    let n_not_yet = count(|s| *s == Standing::NotYet);
    let admin = is_admin(auth);
    let ending_label = lang
        .t("agreements.ending_within")
        .replace("{0}", &EXPIRING_DAYS.to_string());
    let body = html! {
        div.page-head { h1 { (lang.t("agreements.title")) " · " (own.as_str()) } }
        @if admin { (tabs(lang, Tab::Agreements)) }
        (notice(lang, query))
        p.muted { (lang.t("agreements.help")) }
        div.cards #agreement-counts {
            div.card {
                div.card-label { (lang.t("agreements.in_force_count")) }
                div.card-value #count-in-force { (lang.int(n_in_force)) }
            }
            div.card.attention[n_ending > 0] {
                div.card-label { (ending_label) }
                div.card-value #count-ending { (lang.int(n_ending)) }
            }
            @if n_not_yet > 0 {
                div.card {
                    div.card-label { (lang.t("agreements.not_yet")) }
                    div.card-value #count-not-yet { (lang.int(n_not_yet)) }
                }
            }
            div.card {
                div.card-label { (lang.t("agreements.ended")) }
                div.card-value #count-ended { (lang.int(n_ended)) }
            }
        }
        @if n_ending > 0 {
            div.alert.alert-warn role="status" #ending-soon {
                (lang.t("agreements.ending_alert").replace("{0}", &lang.int(n_ending)).replace("{1}", &EXPIRING_DAYS.to_string()))
            }
        }
        section.panel {
        @if list.is_empty() {
            p.empty { (lang.t("agreements.none")) }
        } @else {
            div.table-scroll {
                table.data #agreements {
                    thead { tr {
                        th { (lang.t("agreements.partners")) }
                        th { (lang.t("agreements.shares")) }
                        th { (lang.t("agreements.max_tlp")) }
                        th { (lang.t("agreements.until")) }
                        th { (lang.t("adm.state")) }
                        @if admin { th { (lang.t("agreements.end")) } }
                    } }
                    tbody {
                        @for (standing, a) in &list {
                            @let problem_here = problem.as_ref().filter(|(id, _)| *id == a.id).map(|(_, e)| e);
                            tr class=[matches!(standing, Standing::Ending(_)).then_some("ending")] data-agreement=(a.id) {
                                td {
                                    @for p in a.parties.iter().filter(|p| *p != own) {
                                        div { strong { (p.as_str()) } " " span.muted { (name_of(p)) } }
                                    }
                                    div.small.muted { (a.title) }
                                }
                                td { (scope_list(lang, &a.scopes)) }
                                td { (tlp_badge(a.max_tlp)) }
                                td.nowrap {
                                    @match a.valid_to { Some(d) => strong { (lang.date(d)) }, None => (lang.t("agreements.open_ended")) }
                                    div.small.muted { (lang.t("agreements.since")) " " (lang.date(a.valid_from)) }
                                }
                                td { (standing_badge(lang, *standing)) }
                                @if admin {
                                    td {
                                        @if *standing != Standing::Ended {
                                            @let start = today.max(a.valid_from);
                                            @let last = a.valid_to.map_or(start, |to| to.min(start));
                                            form.inline.end-form method="post" action={ "/agreements/" (a.id) "/end" } {
                                                input type="hidden" name="csrf" value=(auth.csrf());
                                                input type="date" name="on" value=(last) min=(a.valid_from)
                                                    max=[a.valid_to] aria-label=(lang.t("agreements.last_day")) required;
                                                button.button.secondary type="submit" { (lang.t("agreements.end_button")) }
                                            }
                                            @if let Some(errors) = problem_here {
                                                @for e in errors.values() { p.field-error { (e.text(lang)) } }
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
        @if admin {
            p.help { (lang.t("agreements.end_help")) }
            p.help { (lang.t("agreements.made_by_operator")) }
        }
        }
    };
    Ok(shell(
        auth,
        status,
        "/agreements",
        lang.t("agreements.title"),
        Nav::Agreements,
        body,
    ))
}

/// `POST /agreements/{id}/end`: the agreement's last day, sooner than it was.
async fn end_agreement(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    form: FormData,
) -> Page {
    auth.check_csrf(&form)?;
    let id = Uuid::parse_str(&id).map_err(|_| auth.fail(AppError::NotFound))?;
    let Ok(on) = NaiveDate::parse_from_str(form.get("on").trim(), "%Y-%m-%d") else {
        if !is_admin(&auth) {
            return Err(auth.fail(AppError::from(ServiceError::ForbiddenRole)));
        }
        let errors = Errors::from([("on".to_owned(), FieldError::coded("err.date"))]);
        return render_agreements(
            &state,
            &auth,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((id, errors)),
            None,
        )
        .await;
    };
    match state.end_agreement(&by(&auth), id, on).await {
        Ok(_) => Ok(Redirect::to("/agreements?done=ended").into_response()),
        Err(ServiceError::Invalid { fields, .. }) => {
            render_agreements(
                &state,
                &auth,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((id, field_error::from_domain(&fields))),
                None,
            )
            .await
        }
        Err(e) => Err(auth.fail(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_core::{Scope, Tlp};

    #[test]
    fn an_agreement_ending_within_thirty_days_is_ending() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let agreement = |from: i64, to: Option<i64>| Agreement {
            id: Uuid::nil(),
            title: "t".into(),
            parties: vec![],
            scopes: vec![Scope::Intelligence],
            valid_from: today + chrono::Duration::days(from),
            valid_to: to.map(|d| today + chrono::Duration::days(d)),
            max_tlp: Tlp::Green,
        };
        assert_eq!(
            Standing::of(&agreement(-10, None), today),
            Standing::InForce
        );
        assert_eq!(
            Standing::of(&agreement(-10, Some(0)), today),
            Standing::Ending(0)
        );
        assert_eq!(
            Standing::of(&agreement(-10, Some(30)), today),
            Standing::Ending(30)
        );
        assert_eq!(
            Standing::of(&agreement(-10, Some(31)), today),
            Standing::InForce
        );
        assert_eq!(
            Standing::of(&agreement(-10, Some(-1)), today),
            Standing::Ended
        );
        assert_eq!(
            Standing::of(&agreement(1, Some(5)), today),
            Standing::NotYet
        );
        assert!(Standing::Ending(3) < Standing::Ending(10));
        assert!(Standing::Ending(30) < Standing::InForce);
    }
}
