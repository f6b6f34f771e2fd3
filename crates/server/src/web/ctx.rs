//! What every page needs to know about its request: the language, the signed-in user,
//! and where the request was going; plus cookies, forms and CSRF checks.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use subtle::ConstantTimeEq;

use super::i18n::Lang;
use super::layout;
use crate::error::AppError;
use crate::AppState;
use interdict_service::Session;

/// The cookie that holds the session token.
pub const SESSION_COOKIE: &str = "interdict_session";
/// The cookie that holds the chosen language.
pub const LANG_COOKIE: &str = "lang";
/// The double-submit cookie that protects the login form.
pub const LOGIN_CSRF_COOKIE: &str = "interdict_login_csrf";

/// The request as pages see it.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    pub session: Option<Session>,
    pub token: Option<String>,
    /// Path and query of the request, for `next` links and the language switch.
    pub here: String,
    pub jar: CookieJar,
    pub secure_cookies: bool,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = jar
            .get(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()))
            .unwrap_or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_accept_language)
                    .unwrap_or(Lang::En)
            });
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
        let session = match &token {
            Some(token) => match state.authenticate(token).await {
                Ok(session) => session,
                Err(e) => return Err(layout::error_response(lang, None, &AppError::from(e))),
            },
            None => None,
        };
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        Ok(Ctx {
            lang,
            session,
            token,
            here,
            jar,
            secure_cookies: state.config.secure_cookies,
        })
    }
}

impl Ctx {
    /// An error page in the request's language.
    pub fn fail(&self, error: impl Into<AppError>) -> Response {
        layout::error_response(self.lang, self.session.as_ref(), &error.into())
    }

    /// The error page for a failed CSRF check.
    pub fn csrf_failed(&self) -> Response {
        layout::message_response(
            self.lang,
            self.session.as_ref(),
            StatusCode::FORBIDDEN,
            self.lang.t("error.forbidden"),
            self.lang.t("error.csrf"),
        )
    }

    /// A `Set-Cookie` value with the attributes every cookie of the node carries.
    pub fn cookie(&self, name: &str, value: &str, path: &str, max_age: Option<i64>) -> String {
        let mut cookie = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
        if let Some(age) = max_age {
            cookie.push_str(&format!("; Max-Age={age}"));
        }
        if self.secure_cookies {
            cookie.push_str("; Secure");
        }
        cookie
    }
}

/// A signed-in user's request. Without a session, a GET is sent to the login page with
/// `next` pointing back; anything else gets the login page's address too (303).
#[derive(Debug)]
pub struct Authed {
    pub ctx: Ctx,
    pub session: Session,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        match ctx.session.clone() {
            Some(session) => Ok(Authed { ctx, session }),
            None => {
                let next = if parts.method == axum::http::Method::GET {
                    ctx.here.clone()
                } else {
                    "/".to_owned()
                };
                Err(Redirect::to(&format!("/login?next={}", encode(&next))).into_response())
            }
        }
    }
}

impl Authed {
    /// An error page in the request's language.
    pub fn fail(&self, error: impl Into<AppError>) -> Response {
        self.ctx.fail(error)
    }

    /// Checks the hidden `csrf` field of a form against the session, in constant time.
    pub fn check_csrf(&self, form: &FormData) -> Result<(), Response> {
        let sent = form.get("csrf");
        let ok = match &self.session.csrf {
            Some(expected) if !sent.is_empty() => {
                bool::from(expected.as_bytes().ct_eq(sent.as_bytes()))
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(self.ctx.csrf_failed())
        }
    }

    /// The session's CSRF token, for hidden fields.
    pub fn csrf(&self) -> &str {
        self.session.csrf.as_deref().unwrap_or_default()
    }
}

/// A URL-encoded form body as ordered pairs, keeping repeated names (checkboxes,
/// subject rows).
#[derive(Clone, Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FromRequest<AppState> for FormData {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge(state.config.max_body_bytes)
            } else {
                AppError::BadRequest("cannot read the form".into())
            };
            layout::error_response(Lang::En, None, &error)
        })?;
        let pairs =
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).map_err(|_| {
                layout::error_response(
                    Lang::En,
                    None,
                    &AppError::BadRequest("malformed form".into()),
                )
            })?;
        Ok(FormData(pairs))
    }
}

impl FormData {
    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Query parameters as pairs; a malformed query string reads as empty.
pub fn query_pairs(query: Option<&str>) -> FormData {
    FormData(serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default())
}

/// Percent-encodes a query parameter value.
pub fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// A `next` target that stays on this node: a local absolute path, never `//host` or
/// a backslash trick, and never back to the login page.
pub fn safe_next(next: &str) -> String {
    if is_local_path(next) && !next.starts_with("/login") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Whether `path` is a path on this node: it starts with one slash, and holds no
/// backslash or control character that a browser might read as another host.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control())
        && path.len() < 2000
}

/// A 303 redirect that also sets cookies.
pub fn redirect_with_cookies(to: &str, cookies: &[String]) -> Response {
    let mut response = Redirect::to(to).into_response();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_local() {
        assert_eq!(safe_next("/reports?q=a"), "/reports?q=a");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "",
            "/login?next=/x",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }

    #[test]
    fn encoding() {
        assert_eq!(
            encode("/reports?q=해양 호&x=1"),
            "%2Freports%3Fq%3D%ED%95%B4%EC%96%91+%ED%98%B8%26x%3D1"
        );
    }
}
