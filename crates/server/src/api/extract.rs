//! Extractors that answer bad input in the API's error shape.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::AppState;
use interdict_service::Session;

/// The signed-in caller, from an `Authorization: Bearer` token.
#[derive(Debug)]
pub struct Auth(pub Session);

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| AppError::Unauthorized("missing bearer token".into()))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                AppError::Unauthorized("authorization must be 'Bearer <token>'".into())
            })?;
        let session = state.authenticate(token.trim()).await?.ok_or_else(|| {
            AppError::Unauthorized("the token is invalid, expired or revoked".into())
        })?;
        Ok(Auth(session))
    }
}

/// A JSON body that must be `application/json`, within the size limit, well-formed,
/// free of unknown fields and of the right shape; failures name the field.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(AppError::UnsupportedMediaType(
                "the body must be application/json".into(),
            ));
        }
        let limit = state.config.max_body_bytes;
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge(limit)
            } else {
                AppError::BadRequest(format!("cannot read the body: {rejection}"))
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses JSON, telling syntax errors (400) from content errors (422, with the path).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { "body".to_owned() } else { path };
                let message = strip_position(&inner.to_string());
                AppError::field(&field, message)
            }
            _ => AppError::BadRequest(format!("malformed JSON: {inner}")),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 42" to data errors; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Query parameters; unknown parameters and malformed values are refused.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(QueryParams)
            .map_err(|e| AppError::BadRequest(format!("bad query string: {e}")))
    }
}

/// The client's address as text, or `unknown` when the server was not started with
/// connection info. When the connection comes from a trusted proxy (the
/// `trusted_proxies` setting), the address is the last one in `X-Forwarded-For` that is
/// not itself a trusted proxy; a header from anyone else is ignored, so that a client
/// cannot choose the address its login attempts are counted under.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        let Some(peer) = peer else {
            return Ok(ClientAddr("unknown".to_owned()));
        };
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        Ok(ClientAddr(
            client_address(peer, &forwarded, &state.config.trusted_proxies).to_string(),
        ))
    }
}

/// The client's address: the peer, or, walking `X-Forwarded-For` from the right while
/// each hop is a trusted proxy, the first hop that is not.
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded: &[&str],
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        let Ok(ip) = hop.parse::<std::net::IpAddr>() else {
            // A hop that is not an address: stop at the last trusted one.
            return client;
        };
        client = ip;
        if !is_trusted(&ip) {
            return ip;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let proxy: std::net::IpAddr = "10.0.0.5".parse().unwrap();
        let stranger: std::net::IpAddr = "198.51.100.1".parse().unwrap();
        // From the proxy: the client it names.
        assert_eq!(
            client_address(proxy, &["203.0.113.7"], &trusted).to_string(),
            "203.0.113.7"
        );
        // A client that forges the header in front of the proxy gets its own address.
        assert_eq!(
            client_address(proxy, &["1.2.3.4", "203.0.113.7"], &trusted).to_string(),
            "203.0.113.7"
        );
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(client_address(stranger, &["1.2.3.4"], &trusted), stranger);
        assert_eq!(client_address(proxy, &["nonsense"], &trusted), proxy);
        assert_eq!(client_address(proxy, &[], &[]), proxy);
    }
}
