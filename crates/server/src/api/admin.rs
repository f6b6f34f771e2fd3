//! Administration of an agency through the API: users, roles, passwords, tokens and
//! the agency's agreements, for agency administrators. The same service functions as
//! `interdict admin` and the web pages, with the same rules and audit entries.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use interdict_core::{AgencyCode, RoleSet, Username};
use interdict_service::admin::{Admin, NewUserInput, UserView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::extract::{Auth, JsonBody};
use crate::api::AgreementView;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::AppState;

/// A user as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub username: Username,
    pub agency: AgencyCode,
    pub display_name: String,
    pub roles: RoleSet,
    pub disabled: bool,
}

impl From<UserView> for User {
    fn from(u: UserView) -> Self {
        User {
            username: u.username,
            agency: u.agency,
            display_name: u.display_name,
            roles: u.roles,
            disabled: u.disabled,
        }
    }
}

/// A user to create in your agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 3 to 64 characters of `a-z 0-9 . _ -`.
    pub username: String,
    pub display_name: Option<String>,
    /// At least one of `analyst`, `watch_officer`, `coordinator`, `resource_manager`,
    /// `trainer`, `agency_admin`, `auditor`.
    pub roles: Vec<String>,
    /// At least 10 characters.
    pub password: String,
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub password: String,
    /// End the user's tokens made for automation too (sessions and login tokens end
    /// always).
    #[serde(default)]
    pub end_automation_tokens: bool,
}

/// New roles.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoles {
    pub roles: Vec<String>,
    /// Keep the user's tokens made for automation when a role is removed (sessions and
    /// login tokens end always).
    #[serde(default)]
    pub keep_automation_tokens: bool,
}

/// A token to make for a program.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// A name to recognise the token by.
    pub name: String,
    /// Days until it expires, 1 to 366.
    pub days: i64,
}

/// A token made for a program; the secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    pub id: i64,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// A token as administrators see it (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    /// `api` (from a login) or `automation` (made by an administrator).
    pub kind: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// The last day an agreement is in force.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndAgreement {
    pub on: NaiveDate,
}

fn by(session: &interdict_service::Session) -> Admin {
    Admin::User(session.actor.clone())
}

/// The users of your agency (agency administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    responses((status = 200, body = Vec<User>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<User>>> {
    let users = state.users(&by(&session), None).await?;
    Ok(Json(users.into_iter().map(User::from).collect()))
}

/// Create a user of your agency.
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUser,
    responses((status = 201, body = User), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    Auth(session): Auth,
    JsonBody(body): JsonBody<NewUser>,
) -> AppResult<(StatusCode, Json<User>)> {
    let user = state
        .create_user(
            &by(&session),
            NewUserInput {
                username: body.username,
                agency: session.actor.agency.to_string(),
                display_name: body.display_name,
                roles: body.roles.join(","),
                password: body.password,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// Set a user's password; ends their sessions and login tokens.
#[utoipa::path(put, path = "/api/v1/users/{username}/password", tag = "admin", request_body = NewPassword,
    params(("username" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_password(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(username): Path<String>,
    JsonBody(body): JsonBody<NewPassword>,
) -> AppResult<StatusCode> {
    state
        .set_password(
            &by(&session),
            &username,
            &body.password,
            body.end_automation_tokens,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace a user's roles; removing one ends their sessions and tokens.
#[utoipa::path(put, path = "/api/v1/users/{username}/roles", tag = "admin", request_body = NewRoles,
    params(("username" = String, Path)),
    responses((status = 200, body = User), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_roles(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(username): Path<String>,
    JsonBody(body): JsonBody<NewRoles>,
) -> AppResult<Json<User>> {
    let user = state
        .set_roles(
            &by(&session),
            &username,
            &body.roles.join(","),
            body.keep_automation_tokens,
        )
        .await?;
    Ok(Json(user.into()))
}

/// Disable a user: every session and token of theirs ends at once.
#[utoipa::path(post, path = "/api/v1/users/{username}/disable", tag = "admin",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable_user(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(username): Path<String>,
) -> AppResult<StatusCode> {
    state.set_disabled(&by(&session), &username, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a disabled user again.
#[utoipa::path(post, path = "/api/v1/users/{username}/enable", tag = "admin",
    params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable_user(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(username): Path<String>,
) -> AppResult<StatusCode> {
    state.set_disabled(&by(&session), &username, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user's tokens (not their browser sessions).
#[utoipa::path(get, path = "/api/v1/users/{username}/tokens", tag = "admin",
    params(("username" = String, Path)),
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(username): Path<String>,
) -> AppResult<Json<Vec<TokenInfo>>> {
    let tokens = state.tokens(&by(&session), &username).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                kind: t.kind.as_str().to_owned(),
                name: t.name,
                created_at: t.created_at,
                expires_at: t.expires_at,
                revoked: t.revoked,
            })
            .collect(),
    ))
}

/// Make a token for a program acting as the user.
#[utoipa::path(post, path = "/api/v1/users/{username}/tokens", tag = "admin", operation_id = "create_user_token", request_body = NewToken,
    params(("username" = String, Path)),
    responses((status = 201, body = IssuedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(username): Path<String>,
    JsonBody(body): JsonBody<NewToken>,
) -> AppResult<(StatusCode, Json<IssuedToken>)> {
    let issued = state
        .create_token(&by(&session), &username, &body.name, body.days)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedToken {
            id: issued.id,
            token: issued.token,
            expires_at: issued.expires_at,
        }),
    ))
}

/// Revoke one token of a user.
#[utoipa::path(delete, path = "/api/v1/users/{username}/tokens/{id}", tag = "admin", operation_id = "revoke_user_token",
    params(("username" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path((username, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    state
        .revoke_user_token(&by(&session), &username, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End one of your agency's agreements on a day (sooner, never later).
#[utoipa::path(post, path = "/api/v1/agreements/{id}/end", tag = "admin", request_body = EndAgreement,
    params(("id" = String, Path)),
    responses((status = 200, body = AgreementView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn end_agreement(
    State(state): State<AppState>,
    Auth(session): Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<EndAgreement>,
) -> AppResult<Json<AgreementView>> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let agreement = state.end_agreement(&by(&session), id, body.on).await?;
    Ok(Json(AgreementView {
        in_force: agreement.in_force(state.today()),
        agreement,
    }))
}
