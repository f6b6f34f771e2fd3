//! Sign-in and sign-out, the language switch, the dashboard and search.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use interdict_core::record::RecordKind;
use interdict_core::{Report, Seizure};
use interdict_service::records::{ListFilter, Sort};
use interdict_service::TokenKind;
use maud::{html, Markup};
use rand::RngCore;
use subtle::ConstantTimeEq;

use super::admin::{Standing, EXPIRING_DAYS};
use super::ctx::{
    is_local_path, query_pairs, redirect_with_cookies, safe_next, Authed, Ctx, FormData,
    LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE,
};
use super::i18n::{int, Lang};
use super::layout::{
    html_response, page, pager, role_name, status_badge, tlp_badge, Nav, SortLinks,
};
use super::records::short_table;
use crate::api::extract::ClientAddr;
use crate::error::AppError;
use crate::AppState;
use interdict_service::ServiceError;

type Page = Result<Response, Response>;

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn login_page(
    ctx: &Ctx,
    status: StatusCode,
    next: &str,
    username: &str,
    problem: Option<&str>,
) -> Response {
    let lang = ctx.lang;
    // A fresh double-submit token with every form: the cookie and the hidden field
    // must match, so another site cannot sign a browser in to an account of its choice.
    let token = random_token();
    let body = html! {
        section.panel.login-panel {
            h1 { (lang.t("login.title")) }
            @if let Some(p) = problem {
                div.alert.alert-error role="alert" { (p) }
            }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="username" { (lang.t("login.username")) }
                    input type="text" id="username" name="username" value=(username) autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus;
                }
                div.field {
                    label for="password" { (lang.t("login.password")) }
                    input type="password" id="password" name="password" autocomplete="current-password" required;
                }
                button.button.wide type="submit" { (lang.t("login.submit")) }
            }
        }
    };
    let here = format!("/login?next={}", super::ctx::encode(next));
    let mut response = html_response(
        status,
        page(lang, None, &here, lang.t("login.title"), Nav::None, body),
    );
    let cookie = ctx.cookie(LOGIN_CSRF_COOKIE, &token, "/login", Some(3600));
    if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
    response
}

/// `GET /login`.
pub async fn login_form(ctx: Ctx, RawQuery(query): RawQuery) -> Response {
    let q = query_pairs(query.as_deref());
    let next = safe_next(q.get("next"));
    if ctx.session.is_some() {
        return Redirect::to(&next).into_response();
    }
    login_page(&ctx, StatusCode::OK, &next, "", None)
}

/// `POST /login`: checks the double-submit token, then the password.
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(client): ClientAddr,
    form: FormData,
) -> Response {
    let lang = ctx.lang;
    let next = safe_next(form.get("next"));
    let username = form.get("username");
    let sent = form.get("csrf");
    let cookie_ok = ctx.jar.get(LOGIN_CSRF_COOKIE).is_some_and(|c| {
        !sent.is_empty() && bool::from(c.value().as_bytes().ct_eq(sent.as_bytes()))
    });
    if !cookie_ok {
        return login_page(
            &ctx,
            StatusCode::FORBIDDEN,
            &next,
            username,
            Some(lang.t("login.expired")),
        );
    }
    let password = form.get("password");
    if username.len() > 200 || password.len() > 1024 {
        return login_page(
            &ctx,
            StatusCode::UNAUTHORIZED,
            &next,
            "",
            Some(lang.t("login.failed")),
        );
    }
    match state
        .login(username, password, &client, TokenKind::Session)
        .await
    {
        Ok((token, expires_at, _session)) => {
            let max_age = (expires_at - state.now()).num_seconds().max(0);
            redirect_with_cookies(
                &next,
                &[
                    ctx.cookie(SESSION_COOKIE, &token, "/", Some(max_age)),
                    ctx.cookie(LOGIN_CSRF_COOKIE, "", "/login", Some(0)),
                ],
            )
        }
        Err(ServiceError::Unauthorized(_)) => login_page(
            &ctx,
            StatusCode::UNAUTHORIZED,
            &next,
            username,
            Some(lang.t("login.failed")),
        ),
        Err(ServiceError::RateLimited(_)) => login_page(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            &next,
            username,
            Some(lang.t("login.limited")),
        ),
        Err(e) => ctx.fail(e),
    }
}

/// `POST /logout`: revokes the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, auth: Authed, form: FormData) -> Page {
    auth.check_csrf(&form)?;
    if let Some(token) = &auth.ctx.token {
        state.logout(token).await.map_err(|e| auth.fail(e))?;
    }
    Ok(redirect_with_cookies(
        "/login",
        &[auth.ctx.cookie(SESSION_COOKIE, "", "/", Some(0))],
    ))
}

/// `GET /lang?set=ko&next=/reports`: remembers the language and goes back. Only a
/// preference changes, so a plain link does.
pub async fn set_lang(ctx: Ctx, RawQuery(query): RawQuery) -> Response {
    let q = query_pairs(query.as_deref());
    let next = match q.get("next") {
        n if is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    };
    let Some(lang) = Lang::parse(q.get("set")) else {
        return Redirect::to(&next).into_response();
    };
    let mut cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    if ctx.secure_cookies {
        cookie.push_str("; Secure");
    }
    redirect_with_cookies(&next, &[cookie])
}

/// `GET /`: counts, the latest records, agreements in force, and who the user is.
pub async fn dashboard(State(state): State<AppState>, auth: Authed) -> Page {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let today = state.today();
    let agreements = state
        .agreements_for(actor)
        .await
        .map_err(|e| auth.fail(e))?;
    let in_force: Vec<_> = agreements.iter().filter(|a| a.in_force(today)).collect();
    let ending = agreements
        .iter()
        .filter(|a| matches!(Standing::of(a, today), Standing::Ending(_)))
        .count() as i64;
    let may_read = actor.may(interdict_core::policy::Action::ReadRecords);
    let (reports, seizures) = if may_read {
        let filter = ListFilter::default();
        let r = state
            .list_records::<Report>(actor, &filter, None, 5)
            .await
            .map_err(|e| auth.fail(e))?;
        // The latest seizures by their day, as the seizure list shows them.
        let by_day = ListFilter {
            sort: Sort::parse("-date"),
            ..ListFilter::default()
        };
        let s = state
            .list_records::<Seizure>(actor, &by_day, None, 5)
            .await
            .map_err(|e| auth.fail(e))?;
        (Some(r), Some(s))
    } else {
        (None, None)
    };
    let agency = state
        .agency(&actor.agency)
        .await
        .map_err(|e| auth.fail(e))?;
    let open_hits = if may_read {
        Some(
            state
                .open_hits_on_my_records(actor)
                .await
                .map_err(|e| auth.fail(e))?,
        )
    } else {
        None
    };
    let work = super::work::panels(&state, &auth)
        .await
        .map_err(|e| auth.fail(e))?;
    let count = |total: i64, capped: bool| -> Markup {
        html! { @if capped { (lang.t("count.capped").replace("{0}", &lang.int(total))) } @else { (lang.int(total)) } }
    };
    let body = html! {
        h1 { (lang.t("dash.title")) }
        div.cards {
            div.card {
                div.card-label { (lang.t("dash.you")) }
                div.card-value.small { (auth.session.display_name) }
                div.card-sub {
                    (actor.agency.as_str())
                    @if let Some(a) = &agency { " — " (a.name) }
                }
                div.card-sub {
                    (lang.t("dash.roles")) ": "
                    @for (i, r) in actor.roles.iter().enumerate() { @if i > 0 { ", " } (role_name(lang, r)) }
                }
            }
            @if let Some(r) = &reports {
                a.card href="/reports" {
                    div.card-label { (lang.t("dash.visible_reports")) }
                    div.card-value { (count(r.total, r.total_capped)) }
                }
            }
            @if let Some(s) = &seizures {
                a.card href="/seizures" {
                    div.card-label { (lang.t("dash.visible_seizures")) }
                    div.card-value { (count(s.total, s.total_capped)) }
                }
            }
            @if let Some(n) = open_hits {
                a.card.hits-card.attention[n > 0] href="/deconfliction" #open-hits {
                    div.card-label { (lang.t("dash.open_hits")) }
                    div.card-value { (int(n as i64)) }
                    div.card-sub { (lang.t("dash.open_hits_help")) }
                }
            }
            a.card.attention[ending > 0] href="/agreements" #agreements-card {
                div.card-label { (lang.t("dash.agreements_in_force")) }
                div.card-value { (int(in_force.len() as i64)) }
                @if ending > 0 {
                    div.card-sub {
                        (lang.t("dash.agreements_ending").replace("{0}", &int(ending)).replace("{1}", &EXPIRING_DAYS.to_string()))
                    }
                }
            }
        }
        (work)
        @if let Some(r) = &reports {
            section.panel {
                div.panel-head { h2 { (lang.t("dash.latest_reports")) } a href="/reports" { (lang.t("dash.see_all")) " →" } }
                (short_table(lang, &r.items))
            }
        }
        @if let Some(s) = &seizures {
            section.panel {
                div.panel-head { h2 { (lang.t("dash.latest_seizures")) } a href="/seizures" { (lang.t("dash.see_all")) " →" } }
                (short_table(lang, &s.items))
            }
        }
        section.panel {
            div.panel-head { h2 { (lang.t("dash.agreements_in_force")) } a href="/agreements" { (lang.t("dash.see_all")) " →" } }
            @if in_force.is_empty() {
                p.empty { (lang.t("dash.none_in_force")) }
            } @else {
                ul.plain {
                    @for a in &in_force {
                        li {
                            strong { (a.title) } " — "
                            @for (i, p) in a.parties.iter().enumerate() { @if i > 0 { ", " } (p.as_str()) }
                            " · " (scope_list(lang, &a.scopes)) " · " (tlp_badge(a.max_tlp))
                            " · "
                            @match a.valid_to {
                                Some(last) => {
                                    (lang.t("dash.until").replace("{0}", &lang.date(last)))
                                    @if (last - today).num_days() <= 60 {
                                        " " span.status.status-draft { (lang.t("dash.expires_soon")) }
                                    }
                                }
                                None => (lang.t("agreements.open_ended")),
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
            lang.t("dash.title"),
            Nav::Dashboard,
            body,
        ),
    ))
}

fn scope_list(lang: Lang, scopes: &[interdict_core::Scope]) -> Markup {
    html! {
        @for (i, s) in scopes.iter().enumerate() { @if i > 0 { ", " } (lang.t(&format!("scope.{}", s.as_str()))) }
    }
}

/// `GET /search?q=…&kind=…`: full-text search over every visible record.
pub async fn search(
    State(state): State<AppState>,
    auth: Authed,
    RawQuery(query): RawQuery,
) -> Page {
    let lang = auth.ctx.lang;
    let q = query_pairs(query.as_deref());
    let text = q.get("q").trim().to_owned();
    let kind = match q.get("kind") {
        "report" => Some(RecordKind::Report),
        "seizure" => Some(RecordKind::Seizure),
        _ => None,
    };
    let mut problem = None;
    let mut results = None;
    let sort = Sort::parse(q.get("sort").trim());
    if !text.is_empty() {
        let cursor = Some(q.get("cursor")).filter(|c| !c.is_empty());
        let filter = ListFilter {
            sort,
            ..ListFilter::default()
        };
        match state
            .search(&auth.session.actor, &text, kind, filter, cursor, 25)
            .await
        {
            Ok(page) => results = Some(page),
            Err(ServiceError::Invalid { fields, message }) => {
                problem = Some(fields.get("q").cloned().unwrap_or(message));
            }
            Err(e) => return Err(auth.fail(e)),
        }
    }
    // The persons, companies and vessels named like the words, in any spelling: on
    // the first page of a search only.
    let names = if !text.is_empty() && problem.is_none() && q.get("cursor").is_empty() {
        state
            .names_like(&auth.session.actor, &text)
            .await
            .map_err(|e| auth.fail(e))?
    } else {
        Vec::new()
    };
    let filters: Vec<(&str, String)> = ["q", "kind"]
        .iter()
        .map(|k| (*k, q.get(k).trim().to_owned()))
        .collect();
    let current_sort = sort.map(Sort::to_param).unwrap_or_default();
    let mut kept = filters.clone();
    kept.push(("sort", current_sort.clone()));
    let sorter = SortLinks {
        lang,
        base: "/search",
        params: &filters,
        current: &current_sort,
    };
    let body = html! {
        h1 { (lang.t("search.title")) }
        form.filters method="get" action="/search" role="search" {
            div.filter-field.grow {
                label for="q" { (lang.t("field.query")) }
                input type="search" id="q" name="q" value=(text) placeholder=(lang.t("search.placeholder")) autofocus;
            }
            div.filter-field {
                label for="kind" { (lang.t("field.record_kind")) }
                select id="kind" name="kind" {
                    option value="" { (lang.t("search.all_kinds")) }
                    option value="report" selected[kind == Some(RecordKind::Report)] { (lang.t("nav.reports")) }
                    option value="seizure" selected[kind == Some(RecordKind::Seizure)] { (lang.t("nav.seizures")) }
                }
            }
            @if !current_sort.is_empty() {
                input type="hidden" name="sort" value=(current_sort);
            }
            div.filter-actions { button.button type="submit" { (lang.t("search.submit")) } }
        }
        p.muted { (lang.t("search.hint")) }
        @if let Some(p) = problem { div.alert.alert-error role="alert" { (p) } }
        @if !names.is_empty() {
            section.panel #names-like {
                h2 { (lang.t("search.names_like")) }
                p.muted.small { (lang.t("search.names_help")) }
                ul.plain {
                    @for hit in &names {
                        @let path = match hit.record.kind { RecordKind::Report => "reports", RecordKind::Seizure => "seizures", RecordKind::Alert => "alerts" };
                        li {
                            span.kind { (lang.t(&format!("subject.{}", hit.kind))) } " "
                            strong { (hit.name) } " · "
                            a href={ "/" (path) "/" (hit.record.id) } { (lang.summary_title(&hit.record)) }
                            " " span.muted.small { "(" (hit.record.agency.as_str()) ", " (format!("{:.0}%", hit.probability * 100.0)) ")" }
                            " · " a.profile-link href={ "/profiles/" (path) "/" (hit.record.id) "/" (hit.subject) } { (lang.t("profile.open")) " →" }
                        }
                    }
                }
            }
        }
        @if let Some(page_data) = &results {
            p.count { (lang.results(page_data.total, page_data.total_capped)) }
            @if page_data.items.is_empty() {
                p.empty { (lang.t("common.empty")) }
            } @else {
                div.table-scroll {
                    table.data.search-results {
                        thead { tr {
                            (sorter.th("field.record_kind", "kind"))
                            (sorter.th("field.title", "title"))
                            (sorter.th("field.agency", "agency"))
                            (sorter.th("field.tlp", "tlp"))
                            (sorter.th("field.status", "status"))
                            (sorter.th("field.date", "date"))
                        } }
                        tbody {
                            @for s in &page_data.items {
                                @let path = match s.kind { RecordKind::Report => "reports", RecordKind::Seizure => "seizures", RecordKind::Alert => "alerts" };
                                tr {
                                    td { span.kind { (lang.t(&format!("{}.one", s.kind.as_str()))) } }
                                    td.title-cell { a href={ "/" (path) "/" (s.id) } { (lang.summary_title(s)) } }
                                    td.nowrap { (s.agency.as_str()) }
                                    td { (tlp_badge(s.tlp)) }
                                    td { (status_badge(lang, s.status)) }
                                    // A seizure's day; a report has none, so the day it last changed.
                                    td.nowrap { (lang.date(s.occurred_on.unwrap_or_else(|| s.updated_at.date_naive()))) }
                                }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/search", &kept, "cursor", q.get("cursor").trim(), q.get("trail").trim(), page_data.next_cursor.clone()))
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            lang.t("search.title"),
            Nav::Search,
            body,
        ),
    ))
}

/// Any request no route answers. Under `/api` it is the API's JSON error, as clients
/// of the API expect; elsewhere a page in the user's language, with the usual layout
/// and a way back.
pub async fn not_found(uri: axum::http::Uri, ctx: Result<Ctx, Response>) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return AppError::NotFound.into_response();
    }
    let ctx = match ctx {
        Ok(ctx) => ctx,
        Err(response) => return response,
    };
    let lang = ctx.lang;
    let heading = lang.t("error.no_page");
    let body = html! {
        section.panel.error-panel {
            h1 { (heading) }
            p { (lang.t("error.no_page_text")) }
            p.mono.muted { (path) }
            p { a.button href="/" { (lang.t("error.home")) } }
        }
    };
    html_response(
        StatusCode::NOT_FOUND,
        page(
            lang,
            ctx.session.as_ref(),
            &ctx.here,
            heading,
            Nav::None,
            body,
        ),
    )
}
