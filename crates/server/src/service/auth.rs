//! Passwords, logins and tokens.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use interdict_core::{Actor, Username};
use interdict_store::{TokenKind, TokenOwner};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::AppState;
use crate::error::{AppError, AppResult};

/// A signed-in user, from a bearer token or a session cookie.
#[derive(Clone, Debug)]
pub struct Session {
    pub actor: Actor,
    pub display_name: String,
    pub kind: TokenKind,
    /// The CSRF token of a browser session.
    pub csrf: Option<String>,
}

/// Hashes a password with Argon2id. Slow on purpose: call it off the async executor.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?;
    Ok(hash.to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh random token and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!(
        "idt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Counts failed logins per username and per client address and refuses further
/// attempts for a while after too many. A client address gets more room than a username
/// because many officers may sit behind one address.
#[derive(Debug)]
pub struct LoginLimiter {
    user_max: usize,
    client_max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(5, 50, Duration::from_secs(15 * 60))
    }
}

impl LoginLimiter {
    /// At most `user_max` failures per username and `client_max` per client address
    /// within `window`.
    pub fn new(user_max: usize, client_max: usize, window: Duration) -> Self {
        Self {
            user_max,
            client_max,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn wait(
        &self,
        map: &mut HashMap<String, VecDeque<Instant>>,
        key: &str,
        max: usize,
        now: Instant,
    ) -> Option<u64> {
        let entries = map.get_mut(key)?;
        while entries
            .front()
            .is_some_and(|t| now.duration_since(*t) > self.window)
        {
            entries.pop_front();
        }
        if entries.len() < max {
            return None;
        }
        let oldest = entries.front().copied()?;
        Some(
            self.window
                .saturating_sub(now.duration_since(oldest))
                .as_secs()
                .max(1),
        )
    }

    /// Seconds to wait before `username` may try again from `client`, if it must wait.
    pub fn blocked(&self, username: &str, client: &str, now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let user = self.wait(&mut map, &format!("user:{username}"), self.user_max, now);
        let client = self.wait(&mut map, &format!("client:{client}"), self.client_max, now);
        user.max(client)
    }

    /// Records a failed attempt.
    pub fn fail(&self, username: &str, client: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.clear();
        }
        map.entry(format!("user:{username}"))
            .or_default()
            .push_back(now);
        map.entry(format!("client:{client}"))
            .or_default()
            .push_back(now);
    }

    /// Forgets the failures of `username` after a successful login.
    pub fn succeed(&self, username: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&format!("user:{username}"));
    }
}

fn session_from(owner: TokenOwner) -> Session {
    Session {
        actor: Actor {
            user_id: owner.user.id,
            username: owner.user.username,
            agency: owner.user.agency,
            roles: owner.user.roles,
        },
        display_name: owner.user.display_name,
        kind: owner.kind,
        csrf: owner.csrf,
    }
}

impl AppState {
    /// Checks a username and password and issues a token of `kind`. Failed attempts are
    /// audited and rate-limited per username and per client address.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
        kind: TokenKind,
    ) -> AppResult<(String, DateTime<Utc>, Session)> {
        let now_instant = Instant::now();
        let user_key = username.trim().to_ascii_lowercase();
        if let Some(wait) = self.limiter.blocked(&user_key, client, now_instant) {
            return Err(AppError::RateLimited(wait));
        }
        let user = match Username::parse(username) {
            Ok(name) => self.store.user_by_name(name.as_str()).await?,
            Err(_) => None,
        };
        let password = password.to_owned();
        let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
        let valid = tokio::task::spawn_blocking(move || match stored_hash {
            Some(hash) => verify_password(&password, &hash),
            None => {
                // Spend the same time as a real check so that timing does not tell
                // whether the user exists.
                let _ = hash_password(&password);
                false
            }
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
        let user = match user {
            Some(user) if valid && !user.disabled => user,
            _ => {
                self.limiter.fail(&user_key, client, now_instant);
                let mut event = self.event(None, "auth.login_failed");
                event.detail = serde_json::json!({ "username": username.chars().take(64).collect::<String>(), "client": client }).to_string();
                self.store.audit(&event).await?;
                return Err(AppError::Unauthorized("wrong username or password".into()));
            }
        };
        self.limiter.succeed(&user_key);
        let (token, hash) = new_token();
        let now = self.now();
        let expires_at = now + chrono::Duration::hours(self.config.session_hours);
        let csrf = match kind {
            TokenKind::Session => Some(new_token().0),
            TokenKind::Api => None,
        };
        let mut event = self.event(None, "auth.login");
        event.actor = Some(user.username.to_string());
        event.actor_agency = Some(user.agency.to_string());
        event.detail = serde_json::json!({ "client": client, "kind": if kind == TokenKind::Session { "session" } else { "api" } }).to_string();
        self.store
            .create_token(
                user.id,
                &hash,
                kind,
                "login",
                csrf.as_deref(),
                now,
                Some(expires_at),
                Some(&event),
            )
            .await?;
        let session = Session {
            actor: Actor {
                user_id: user.id,
                username: user.username,
                agency: user.agency,
                roles: user.roles,
            },
            display_name: user.display_name,
            kind,
            csrf,
        };
        Ok((token, expires_at, session))
    }

    /// The session behind a token, if the token is valid now.
    pub async fn authenticate(&self, token: &str) -> AppResult<Option<Session>> {
        if !token.starts_with("idt_") || token.len() > 100 {
            return Ok(None);
        }
        let owner = self
            .store
            .token_owner(&token_hash(token), self.now())
            .await?;
        Ok(owner.map(session_from))
    }

    /// Revokes a token (logout).
    pub async fn logout(&self, token: &str) -> AppResult<()> {
        Ok(self.store.revoke_token(&token_hash(token)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_blocks_after_too_many_failures_and_forgets_later() {
        let limiter = LoginLimiter::new(3, 5, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.blocked("kim", "10.0.0.1", t0), None);
            limiter.fail("kim", "10.0.0.1", t0);
        }
        assert!(
            limiter.blocked("kim", "10.0.0.9", t0).is_some(),
            "the username is locked from anywhere"
        );
        assert_eq!(
            limiter.blocked("lee", "10.0.0.1", t0),
            None,
            "others behind the same address may still log in"
        );
        limiter.fail("park", "10.0.0.1", t0);
        limiter.fail("choi", "10.0.0.1", t0);
        assert!(
            limiter.blocked("lee", "10.0.0.1", t0).is_some(),
            "the address is locked after five failures"
        );
        assert_eq!(
            limiter.blocked("kim", "10.0.0.1", t0 + Duration::from_secs(61)),
            None
        );
    }

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }
}
