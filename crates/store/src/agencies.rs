//! Agencies, users and tokens.

use chrono::{DateTime, Utc};
use interdict_core::agency::Agency;
use interdict_core::audit::{canonical_time, AuditEvent};
use interdict_core::ident::CountryCode;
use interdict_core::{AgencyCode, AgencyKind, RoleSet, Username};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::audit::append;
use crate::{Store, StoreError};

/// A user as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub username: Username,
    pub agency: AgencyCode,
    pub display_name: String,
    pub roles: RoleSet,
    pub password_hash: Option<String>,
    pub disabled: bool,
}

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: Username,
    pub agency: AgencyCode,
    pub display_name: String,
    pub roles: RoleSet,
    pub password_hash: Option<String>,
}

/// What a token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A browser session (cookie), with a CSRF token.
    Session,
    /// A bearer token for the API.
    Api,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
        }
    }
}

/// The user behind a valid token.
#[derive(Clone, Debug)]
pub struct TokenOwner {
    pub token_id: i64,
    pub kind: TokenKind,
    pub csrf: Option<String>,
    pub user: UserRow,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn user_from_row(row: &AnyRow) -> Result<UserRow, StoreError> {
    let username: String = row.try_get("username")?;
    let agency: String = row.try_get("agency")?;
    let roles: String = row.try_get("roles")?;
    Ok(UserRow {
        id: row.try_get("id")?,
        username: Username::parse(&username).map_err(|e| corrupt("username", e))?,
        agency: AgencyCode::parse(&agency).map_err(|e| corrupt("agency", e))?,
        display_name: row.try_get("display_name")?,
        roles: RoleSet::parse_csv(&roles).map_err(|e| corrupt("roles", e))?,
        password_hash: row.try_get("password_hash")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

fn agency_from_row(row: &AnyRow) -> Result<Agency, StoreError> {
    let code: String = row.try_get("code")?;
    let country: String = row.try_get("country")?;
    let kind: String = row.try_get("kind")?;
    Ok(Agency {
        code: AgencyCode::parse(&code).map_err(|e| corrupt("agency code", e))?,
        name: row.try_get("name")?,
        country: CountryCode::parse(&country).map_err(|e| corrupt("country", e))?,
        kind: AgencyKind::parse(&kind).ok_or_else(|| corrupt("agency kind", kind))?,
    })
}

const USER_COLUMNS: &str = "id, username, agency, display_name, roles, password_hash, disabled";

impl Store {
    /// Adds an agency.
    pub async fn create_agency(
        &self,
        agency: &Agency,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO agencies (code, name, country, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(agency.code.as_str())
            .bind(agency.name.as_str())
            .bind(agency.country.as_str())
            .bind(agency.kind.as_str())
            .bind(canonical_time(&event.at))
            .execute(&mut *tx.tx)
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every agency, by code.
    pub async fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        let rows = sqlx::query("SELECT code, name, country, kind FROM agencies ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(agency_from_row).collect()
    }

    /// One agency.
    pub async fn agency(&self, code: &AgencyCode) -> Result<Option<Agency>, StoreError> {
        let row = sqlx::query("SELECT code, name, country, kind FROM agencies WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(agency_from_row).transpose()
    }

    /// Adds a user and returns its id.
    pub async fn create_user(&self, user: &NewUser, event: &AuditEvent) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, agency, display_name, roles, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
        )
        .bind(user.username.as_str())
        .bind(user.agency.as_str())
        .bind(user.display_name.as_str())
        .bind(user.roles.to_csv())
        .bind(user.password_hash.as_deref())
        .bind(canonical_time(&event.at))
        .fetch_one(&mut *tx.tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The user with this name.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The users of an agency, or of all agencies.
    pub async fn users(&self, agency: Option<&AgencyCode>) -> Result<Vec<UserRow>, StoreError> {
        let rows = match agency {
            Some(a) => {
                sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE agency = $1 ORDER BY username"
                ))
                .bind(a.as_str())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users ORDER BY username"
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(user_from_row).collect()
    }

    /// Changes a user's password hash, roles or disabled flag; `None` leaves a value as it is.
    pub async fn update_user(
        &self,
        user_id: i64,
        password_hash: Option<&str>,
        roles: Option<RoleSet>,
        disabled: Option<bool>,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = COALESCE($1, password_hash), roles = COALESCE($2, roles), \
             disabled = COALESCE($3, disabled) WHERE id = $4",
        )
        .bind(password_hash)
        .bind(roles.map(RoleSet::to_csv))
        .bind(disabled.map(i64::from))
        .bind(user_id)
        .execute(&mut *tx.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled == Some(true) {
            sqlx::query("UPDATE tokens SET revoked = 1 WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx.tx)
                .await?;
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Stores a token by the hash of its secret. Only API tokens are audited here;
    /// sessions are audited as logins by the caller.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_token(
        &self,
        user_id: i64,
        token_hash: &str,
        kind: TokenKind,
        name: &str,
        csrf: Option<&str>,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
        event: Option<&AuditEvent>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO tokens (user_id, token_hash, kind, name, csrf, created_at, expires_at, revoked) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0) RETURNING id",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(kind.as_str())
        .bind(name)
        .bind(csrf)
        .bind(canonical_time(&now))
        .bind(expires_at.as_ref().map(canonical_time))
        .fetch_one(&mut *tx.tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        if let Some(event) = event {
            append(&mut tx, event).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The owner of a token that is neither revoked nor expired at `now`, whose user is
    /// not disabled.
    pub async fn token_owner(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<TokenOwner>, StoreError> {
        let row = sqlx::query(
            "SELECT t.id AS token_id, t.kind AS token_kind, t.csrf AS csrf, \
             u.id, u.username, u.agency, u.display_name, u.roles, u.password_hash, u.disabled \
             FROM tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked = 0 AND u.disabled = 0 \
             AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(canonical_time(&now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("token_kind")?;
        Ok(Some(TokenOwner {
            token_id: row.try_get("token_id")?,
            kind: if kind == "session" {
                TokenKind::Session
            } else {
                TokenKind::Api
            },
            csrf: row.try_get("csrf")?,
            user: user_from_row(&row)?,
        }))
    }

    /// Revokes a token by the hash of its secret.
    pub async fn revoke_token(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE tokens SET revoked = 1 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }
}
