//! Agencies, users and tokens.

use chrono::{DateTime, Utc};
use interdict_core::agency::Agency;
use interdict_core::audit::AuditEvent;
use interdict_core::ident::CountryCode;
use interdict_core::{AgencyCode, AgencyKind, RoleSet, Username};

use crate::audit::append;
use crate::db::{Arg, RowExt, SqlBuf};
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
    /// A bearer token for the API, from a login.
    Api,
    /// A bearer token an administrator made for a program.
    Automation,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
            TokenKind::Automation => "automation",
        }
    }

    fn parse(raw: &str) -> Result<Self, StoreError> {
        match raw {
            "session" => Ok(TokenKind::Session),
            "api" => Ok(TokenKind::Api),
            "automation" => Ok(TokenKind::Automation),
            other => Err(StoreError::Corrupt(format!("token kind {other:?}"))),
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

/// A token as an administrator sees it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: TokenKind,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// A change to a user; `None` leaves a value as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    pub password_hash: Option<String>,
    pub roles: Option<RoleSet>,
    pub disabled: Option<bool>,
    pub display_name: Option<String>,
}

/// Which of a user's tokens a change ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndTokens {
    None,
    /// Sessions and login tokens; tokens made for automation stay.
    AllButAutomation,
    All,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn user_from_row(row: &dyn RowExt) -> Result<UserRow, StoreError> {
    let username = row.text("username")?;
    let agency = row.text("agency")?;
    let roles = row.text("roles")?;
    Ok(UserRow {
        id: row.int("id")?,
        username: Username::parse(&username).map_err(|e| corrupt("username", e))?,
        agency: AgencyCode::parse(&agency).map_err(|e| corrupt("agency", e))?,
        display_name: row.text("display_name")?,
        roles: RoleSet::parse_csv(&roles).map_err(|e| corrupt("roles", e))?,
        password_hash: row.opt_text("password_hash")?,
        disabled: row.flag("disabled")?,
    })
}

fn agency_from_row(row: &dyn RowExt) -> Result<Agency, StoreError> {
    let code = row.text("code")?;
    let country = row.text("country")?;
    let kind = row.text("kind")?;
    Ok(Agency {
        code: AgencyCode::parse(&code).map_err(|e| corrupt("agency code", e))?,
        name: row.text("name")?,
        country: CountryCode::parse(&country).map_err(|e| corrupt("country", e))?,
        kind: AgencyKind::parse(&kind).ok_or_else(|| corrupt("agency kind", kind))?,
        contact: row.text("contact")?,
    })
}

fn token_from_row(row: &dyn RowExt) -> Result<TokenRow, StoreError> {
    Ok(TokenRow {
        id: row.int("id")?,
        user_id: row.int("user_id")?,
        kind: TokenKind::parse(&row.text("kind")?)?,
        name: row.text("name")?,
        created_at: row.time("created_at")?,
        expires_at: row.opt_time("expires_at")?,
        revoked: row.flag("revoked")?,
    })
}

const USER_COLUMNS: &str = "id, username, agency, display_name, roles, password_hash, disabled";
const AGENCY_COLUMNS: &str = "code, name, country, kind, contact";
const TOKEN_COLUMNS: &str = "id, user_id, kind, name, created_at, expires_at, revoked";

impl Store {
    /// Adds an agency.
    pub async fn create_agency(
        &self,
        agency: &Agency,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO agencies (code, name, country, kind, contact, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    agency.code.as_str().into(),
                    agency.name.as_str().into(),
                    agency.country.as_str().into(),
                    agency.kind.as_str().into(),
                    agency.contact.as_str().into(),
                    Arg::Time(event.at),
                ],
            ))
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Changes an agency's name and point of contact.
    pub async fn update_agency(
        &self,
        agency: &Agency,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE agencies SET name = $1, contact = $2 WHERE code = $3",
                vec![
                    agency.name.as_str().into(),
                    agency.contact.as_str().into(),
                    agency.code.as_str().into(),
                ],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every agency, by code.
    pub async fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY code"),
                    vec![],
                ),
                agency_from_row,
            )
            .await
    }

    /// One agency.
    pub async fn agency(&self, code: &AgencyCode) -> Result<Option<Agency>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE code = $1"),
                    vec![code.as_str().into()],
                ),
                agency_from_row,
            )
            .await
    }

    /// Adds a user and returns its id.
    pub async fn create_user(&self, user: &NewUser, event: &AuditEvent) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = tx
            .tx
            .fetch_one(
                &SqlBuf::with(
                    tx.dialect,
                    "INSERT INTO users (username, agency, display_name, roles, password_hash, disabled, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    vec![
                        user.username.as_str().into(),
                        user.agency.as_str().into(),
                        user.display_name.as_str().into(),
                        user.roles.to_csv().into(),
                        user.password_hash.clone().into(),
                        Arg::Flag(false),
                        Arg::Time(event.at),
                    ],
                ),
                |row| row.int("id"),
            )
            .await?;
        append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The user with this name.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"),
                    vec![username.into()],
                ),
                user_from_row,
            )
            .await
    }

    /// The user with this id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
                    vec![Arg::Int(id)],
                ),
                user_from_row,
            )
            .await
    }

    /// The users of an agency, or of all agencies.
    pub async fn users(&self, agency: Option<&AgencyCode>) -> Result<Vec<UserRow>, StoreError> {
        let sql = match agency {
            Some(a) => SqlBuf::with(
                self.dialect(),
                &format!("SELECT {USER_COLUMNS} FROM users WHERE agency = $1 ORDER BY username"),
                vec![a.as_str().into()],
            ),
            None => SqlBuf::with(
                self.dialect(),
                &format!("SELECT {USER_COLUMNS} FROM users ORDER BY username"),
                vec![],
            ),
        };
        self.db.fetch_all(&sql, user_from_row).await
    }

    /// Changes a user and ends the tokens `end` names, in one transaction with the
    /// audit event.
    pub async fn update_user(
        &self,
        user_id: i64,
        change: &UserChange,
        end: EndTokens,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE users SET password_hash = COALESCE($1, password_hash), roles = COALESCE($2, roles), \
                 disabled = COALESCE($3, disabled), display_name = COALESCE($4, display_name) WHERE id = $5",
                vec![
                    change.password_hash.clone().into(),
                    change.roles.map(RoleSet::to_csv).into(),
                    Arg::OptFlag(change.disabled),
                    change.display_name.clone().into(),
                    Arg::Int(user_id),
                ],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        let revoke = match end {
            EndTokens::None => None,
            EndTokens::AllButAutomation => {
                Some("UPDATE tokens SET revoked = $1 WHERE user_id = $2 AND kind <> 'automation'")
            }
            EndTokens::All => Some("UPDATE tokens SET revoked = $1 WHERE user_id = $2"),
        };
        if let Some(statement) = revoke {
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    statement,
                    vec![Arg::Flag(true), Arg::Int(user_id)],
                ))
                .await?;
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Stores a token by the hash of its secret, with its audit event if any.
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
        let id = tx
            .tx
            .fetch_one(
                &SqlBuf::with(
                    tx.dialect,
                    "INSERT INTO tokens (user_id, token_hash, kind, name, csrf, created_at, expires_at, revoked) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    vec![
                        Arg::Int(user_id),
                        token_hash.into(),
                        kind.as_str().into(),
                        name.into(),
                        csrf.into(),
                        Arg::Time(now),
                        Arg::OptTime(expires_at),
                        Arg::Flag(false),
                    ],
                ),
                |row| row.int("id"),
            )
            .await?;
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
        self.db
            .fetch_optional(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT t.id AS token_id, t.kind AS token_kind, t.csrf AS csrf, \
                     u.id, u.username, u.agency, u.display_name, u.roles, u.password_hash, u.disabled \
                     FROM tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked = $2 AND u.disabled = $3 \
                     AND (t.expires_at IS NULL OR t.expires_at > $4)",
                    vec![token_hash.into(), Arg::Flag(false), Arg::Flag(false), Arg::Time(now)],
                ),
                |row| {
                    Ok(TokenOwner {
                        token_id: row.int("token_id")?,
                        kind: TokenKind::parse(&row.text("token_kind")?)?,
                        csrf: row.opt_text("csrf")?,
                        user: user_from_row(row)?,
                    })
                },
            )
            .await
    }

    /// Revokes a token by the hash of its secret (logout).
    pub async fn revoke_token(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE tokens SET revoked = $1 WHERE token_hash = $2",
                vec![Arg::Flag(true), token_hash.into()],
            ))
            .await?;
        tx.commit().await
    }

    /// Revokes one token of a user by its id, with the audit event.
    pub async fn revoke_token_by_id(
        &self,
        user_id: i64,
        token_id: i64,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE tokens SET revoked = $1 WHERE id = $2 AND user_id = $3",
                vec![Arg::Flag(true), Arg::Int(token_id), Arg::Int(user_id)],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// When each user of `agency` (every user without one) last signed in: the
    /// creation of their newest login token, browser or API. Tokens are revoked, never
    /// deleted, so the newest one stays.
    pub async fn last_logins(
        &self,
        agency: Option<&AgencyCode>,
    ) -> Result<Vec<(Username, DateTime<Utc>)>, StoreError> {
        let (filter, args) = match agency {
            Some(a) => ("AND u.agency = $1", vec![a.as_str().into()]),
            None => ("", vec![]),
        };
        let sql = SqlBuf::with(
            self.dialect(),
            &format!(
                "SELECT u.username, t.created_at FROM tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.id IN (SELECT MAX(id) FROM tokens WHERE kind IN ('session', 'api') \
                 AND name = 'login' GROUP BY user_id) {filter} ORDER BY u.username"
            ),
            args,
        );
        self.db
            .fetch_all(&sql, |row: &dyn RowExt| {
                let name = row.text("username")?;
                let username = Username::parse(&name).map_err(|e| corrupt("username", e))?;
                Ok((username, row.time("created_at")?))
            })
            .await
    }

    /// The tokens of a user other than browser sessions, newest first.
    pub async fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRow>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    &format!(
                        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE user_id = $1 AND kind <> 'session' \
                         ORDER BY id DESC LIMIT 200"
                    ),
                    vec![Arg::Int(user_id)],
                ),
                token_from_row,
            )
            .await
    }
}
