//! The page shell (header, navigation, language switch), error pages and the small
//! pieces many pages share: badges, labels, pagination.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use interdict_core::policy::Action;
use interdict_core::{Handling, RecordStatus, Role, Tlp};
use maud::{html, Markup, DOCTYPE};

use super::ctx::encode;
use super::i18n::Lang;
use super::statics;
use crate::error::AppError;
use interdict_service::Session;

/// The section of the site a page belongs to, highlighted in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Reports,
    Seizures,
    Search,
    Map,
    Agreements,
    Audit,
    Deconfliction,
    Operations,
    Statistics,
    Training,
    Resources,
    Admin,
    None,
}

/// A whole page. `here` is the current path and query, for the language switch.
pub fn page(
    lang: Lang,
    session: Option<&Session>,
    here: &str,
    title: &str,
    nav: Nav,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("app.name")) }
                link rel="stylesheet" href=(statics::url("app.css"));
                link rel="icon" href=(statics::url("favicon.svg")) type="image/svg+xml";
                script src=(statics::url("app.js")) defer {}
            }
            body {
                header.topbar {
                    a.brand href="/" {
                        span.brand-mark aria-hidden="true" { "◆" }
                        span.brand-name { (lang.t("app.name")) }
                        span.brand-tagline { (lang.t("app.tagline")) }
                    }
                    div.topbar-right {
                        @if let Some(s) = session {
                            span.who {
                                span.who-agency { (s.actor.agency.as_str()) }
                                span.who-user { (s.display_name) " (" (s.actor.username.as_str()) ")" }
                            }
                        }
                        nav.lang-switches aria-label=(lang.t("lang.switch")) {
                            @for other in lang.others() {
                                a.lang-switch href={ "/lang?set=" (other.code()) "&next=" (encode(here)) }
                                    hreflang=(other.code()) lang=(other.code()) {
                                    (other.own_name())
                                }
                            }
                        }
                        @if let Some(s) = session {
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(s.csrf.as_deref().unwrap_or_default());
                                button.link-button type="submit" { (lang.t("nav.logout")) }
                            }
                        }
                    }
                }
                @if let Some(s) = session {
                    nav.mainnav aria-label=(lang.t("nav.main")) {
                        (nav_link(lang, "/", "nav.dashboard", nav == Nav::Dashboard))
                        (nav_link(lang, "/reports", "nav.reports", nav == Nav::Reports))
                        (nav_link(lang, "/seizures", "nav.seizures", nav == Nav::Seizures))
                        (nav_link(lang, "/search", "nav.search", nav == Nav::Search))
                        @if s.actor.may(Action::ReadSurveillance) {
                            (nav_link(lang, "/map", "nav.map", nav == Nav::Map))
                        }
                        (nav_link(lang, "/operations", "nav.operations", nav == Nav::Operations))
                        @if s.actor.may(Action::ReadTraining) {
                            (nav_link(lang, "/training", "nav.training", nav == Nav::Training))
                        }
                        (nav_link(lang, "/statistics", "nav.statistics", nav == Nav::Statistics))
                        @if s.actor.may(Action::ReadResources) {
                            (nav_link(lang, "/resources", "nav.resources", nav == Nav::Resources))
                        }
                        (nav_link(lang, "/agreements", "nav.agreements", nav == Nav::Agreements))
                        (nav_link(lang, "/deconfliction", "nav.deconfliction", nav == Nav::Deconfliction))
                        @if s.actor.may(Action::ReadAudit) {
                            (nav_link(lang, "/audit", "nav.audit", nav == Nav::Audit))
                        }
                        @if s.actor.may(Action::ManageAgency) {
                            (nav_link(lang, "/admin/users", "nav.admin", nav == Nav::Admin))
                        }
                    }
                }
                main.content { (body) }
                footer.footer { (lang.t("login.notice")) }
            }
        }
    }
}

fn nav_link(lang: Lang, href: &str, key: &str, active: bool) -> Markup {
    html! {
        a href=(href) class=[active.then_some("active")] aria-current=[active.then_some("page")] { (lang.t(key)) }
    }
}

/// An HTML response. (maud's own axum integration targets another axum version.)
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// A page with a heading and a message, at `status`.
pub fn message_response(
    lang: Lang,
    session: Option<&Session>,
    status: StatusCode,
    heading: &str,
    message: &str,
) -> Response {
    let body = html! {
        section.panel.error-panel {
            h1 { (heading) }
            p { (message) }
            p { a.button href="/" { (lang.t("error.home")) } }
        }
    };
    html_response(status, page(lang, session, "/", heading, Nav::None, body))
}

/// The HTML page for an error. Records that are not visible read exactly like
/// records that do not exist.
pub fn error_response(lang: Lang, session: Option<&Session>, error: &AppError) -> Response {
    if let AppError::Internal(e) = error {
        tracing::error!(error = format!("{e:#}"), "page failed");
    }
    let status = error.status();
    let (heading, message) = match error {
        AppError::NotFound => (
            lang.t("error.not_found"),
            lang.t("error.not_found_text").to_owned(),
        ),
        AppError::Forbidden { .. } => (
            lang.t("error.forbidden"),
            lang.t("error.forbidden_text").to_owned(),
        ),
        AppError::Internal(_) => (lang.t("error.title"), lang.t("error.internal").to_owned()),
        AppError::BadRequest(_) => (
            lang.t("error.title"),
            lang.t("error.bad_request").to_owned(),
        ),
        AppError::Conflict { message, .. } => (lang.t("error.conflict"), message.clone()),
        AppError::Invalid { .. } => (lang.t("error.invalid"), error.to_string()),
        other => (lang.t("error.title"), other.to_string()),
    };
    message_response(lang, session, status, heading, &message)
}

/// A TLP 2.0 badge.
pub fn tlp_badge(tlp: Tlp) -> Markup {
    let class = match tlp {
        Tlp::Clear => "tlp tlp-clear",
        Tlp::Green => "tlp tlp-green",
        Tlp::Amber => "tlp tlp-amber",
        Tlp::AmberStrict => "tlp tlp-amber-strict",
        Tlp::Red => "tlp tlp-red",
    };
    html! { span class=(class) { "TLP:" (tlp.as_str()) } }
}

/// The TLP badge and, for TLP:RED, the named recipients.
pub fn handling_badge(handling: &Handling) -> Markup {
    html! {
        (tlp_badge(handling.tlp))
        @if !handling.recipients.is_empty() {
            " "
            span.recipients {
                @for (i, r) in handling.recipients.iter().enumerate() {
                    @if i > 0 { ", " }
                    (r.as_str())
                }
            }
        }
    }
}

/// A status badge.
pub fn status_badge(lang: Lang, status: RecordStatus) -> Markup {
    html! {
        span class={ "status status-" (status.as_str()) } { (lang.t(&format!("status.{}", status.as_str()))) }
    }
}

/// A role's name.
pub fn role_name(lang: Lang, role: Role) -> &'static str {
    lang.t(&format!("role.{}", role.as_str()))
}

/// A list page's address with `params` (empty values left out) and `extra`.
pub fn list_url(base: &str, params: &[(&str, String)], extra: &[(&str, &str)]) -> String {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(extra.iter().copied())
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{query}")
    }
}

/// Marks the first page in a trail of cursors.
const FIRST_IN_TRAIL: &str = "first";

/// Links to the first, previous and next pages of a list. Cursors only lead
/// forwards, so the way back is carried along: `trail` holds the cursors of the pages
/// before this one, separated by dots, the first page marked `first`. `params` are
/// the filters and the order, without `cursor` and `trail`.
pub fn pager(
    lang: Lang,
    base: &str,
    params: &[(&str, String)],
    cursor_name: &str,
    cursor: &str,
    trail: &str,
    next: Option<String>,
) -> Markup {
    let first = list_url(base, params, &[]);
    let previous = (!cursor.is_empty()).then(|| {
        let (rest, last) = trail.rsplit_once('.').unwrap_or(("", trail));
        let last = if last == FIRST_IN_TRAIL { "" } else { last };
        let rest = if last.is_empty() { "" } else { rest };
        list_url(base, params, &[(cursor_name, last), ("trail", rest)])
    });
    let next = next.map(|next| {
        let here = if cursor.is_empty() {
            FIRST_IN_TRAIL
        } else {
            cursor
        };
        let trail = if trail.is_empty() || cursor.is_empty() {
            here.to_owned()
        } else {
            format!("{trail}.{here}")
        };
        list_url(base, params, &[(cursor_name, &next), ("trail", &trail)])
    });
    html! {
        nav.pager {
            @if let Some(previous) = previous {
                @if previous != first {
                    a.button.secondary href=(first) { (lang.t("common.first_page")) }
                }
                a.button.secondary rel="prev" href=(previous) { "← " (lang.t("common.previous_page")) }
            }
            @if let Some(next) = next {
                a.button.secondary rel="next" href=(next) { (lang.t("common.next_page")) " →" }
            }
        }
    }
}

/// What a list's column headings need to sort it: the page, its filters (without
/// the order and the paging) and the current order (`date`, `-date`, or empty).
pub struct SortLinks<'a> {
    pub lang: Lang,
    pub base: &'a str,
    pub params: &'a [(&'a str, String)],
    pub current: &'a str,
}

impl SortLinks<'_> {
    /// A column heading that sorts the list by `key`: ascending first, descending
    /// when the list is already sorted by it ascending.
    pub fn th(&self, label_key: &str, key: &str) -> Markup {
        sort_header(
            self.lang,
            self.lang.t(label_key),
            self.base,
            self.params,
            key,
            self.current,
        )
    }
}

fn sort_header(
    lang: Lang,
    label: &str,
    base: &str,
    params: &[(&str, String)],
    key: &str,
    current: &str,
) -> Markup {
    let (ascending, descending) = (current == key, current.strip_prefix('-') == Some(key));
    let target = if ascending {
        format!("-{key}")
    } else {
        key.to_owned()
    };
    let href = list_url(base, params, &[("sort", &target)]);
    let aria = if ascending {
        "ascending"
    } else if descending {
        "descending"
    } else {
        "none"
    };
    html! {
        th aria-sort=(aria) data-sort=(key) {
            a.sort-link href=(href) title=(lang.t("sort.by")) {
                (label)
                @if ascending { " ▲" } @else if descending { " ▼" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_goes_forwards_and_back_through_the_trail() {
        let params = vec![
            ("q", "yaba".to_owned()),
            ("sort", "-date".to_owned()),
            ("agency", String::new()),
        ];
        let links = |cursor: &str, trail: &str, next: Option<&str>| {
            pager(
                Lang::En,
                "/seizures",
                &params,
                "cursor",
                cursor,
                trail,
                next.map(str::to_owned),
            )
            .into_string()
        };
        // The first page: only "next", carrying the first page in the trail.
        let first = links("", "", Some("c1"));
        assert!(!first.contains("rel=\"prev\""));
        assert!(
            first
                .contains("href=\"/seizures?q=yaba&amp;sort=-date&amp;cursor=c1&amp;trail=first\""),
            "{first}"
        );
        // The second page goes back to the first.
        let second = links("c1", "first", Some("c2"));
        assert!(
            second.contains("rel=\"prev\" href=\"/seizures?q=yaba&amp;sort=-date\""),
            "{second}"
        );
        assert!(second.contains("cursor=c2&amp;trail=first.c1"), "{second}");
        // The third goes back to the second, and offers the first.
        let third = links("c2", "first.c1", None);
        assert!(third.contains("rel=\"prev\" href=\"/seizures?q=yaba&amp;sort=-date&amp;cursor=c1&amp;trail=first\""), "{third}");
        assert!(third.contains(">First page<") && !third.contains("rel=\"next\""));
    }
}
