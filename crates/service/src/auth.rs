//! Passwords, logins, sessions and tokens.
//!
//! Login attempts are limited so that guessing is slow and nobody can lock an officer
//! out (see [`LoginLimiter`]); an attempt is counted before its password is hashed, so
//! that no more attempts than the limit are ever evaluated, however many arrive at once.

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

use crate::error::{ServiceError, ServiceResult};
use crate::Service;

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

/// The limits of [`LoginLimiter`].
#[derive(Clone, Debug)]
pub struct LoginLimits {
    /// Failures counted over this long.
    pub window: Duration,
    /// Attempts per account and client address within the window (failed or running).
    pub per_pair: usize,
    /// Failures of an account before each further attempt from an address the account
    /// has not logged in from must wait.
    pub account_free: usize,
    /// Failures of a client address (over all accounts) before it must wait.
    pub address_free: usize,
    /// The first wait; each further failure doubles it, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// How long a successful login makes an address known to the account.
    pub known_for: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            per_pair: 5,
            account_free: 5,
            address_free: 50,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            known_for: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

#[derive(Debug, Default)]
struct Counter {
    failures: VecDeque<Instant>,
    running: usize,
    next_allowed: Option<Instant>,
}

impl Counter {
    fn prune(&mut self, now: Instant, window: Duration) {
        while self
            .failures
            .front()
            .is_some_and(|t| now.duration_since(*t) > window)
        {
            self.failures.pop_front();
        }
    }

    /// Seconds until `next_allowed`, if it is later than `now`.
    fn wait(&self, now: Instant) -> Option<u64> {
        self.next_allowed
            .filter(|t| *t > now)
            .map(|t| t.duration_since(now).as_secs().max(1))
    }

    /// Takes an attempt; once `free` attempts have failed or are running, the next one
    /// must wait, ever longer.
    fn take(&mut self, now: Instant, free: usize, limits: &LoginLimits) {
        self.running += 1;
        let n = self.failures.len() + self.running;
        if n >= free {
            let exponent = (n - free).min(16) as u32;
            let delay = limits
                .base_delay
                .saturating_mul(1 << exponent)
                .min(limits.max_delay);
            self.next_allowed = Some(now + delay);
        }
    }
}

#[derive(Debug, Default)]
struct State {
    pairs: HashMap<(String, String), Counter>,
    accounts: HashMap<String, Counter>,
    addresses: HashMap<String, Counter>,
    /// Addresses each account logged in from, and when.
    known: HashMap<String, HashMap<String, Instant>>,
}

/// Limits login attempts without letting a stranger lock an officer out.
///
/// - Per account and client address: at most `per_pair` attempts in the window,
///   counting those still being checked. A guesser from one address is stopped there.
/// - Per account: after `account_free` failures, attempts from addresses the account has
///   not logged in from wait a delay that doubles with each failure (up to
///   `max_delay`). The officer's own workstations (where the account logged in before)
///   are not slowed, so failures caused by a stranger do not lock the officer out.
/// - Per client address: after `address_free` failures over all accounts, the address
///   waits the same way (a guesser spraying many accounts). Behind a reverse proxy the
///   address is the client's own, from the proxy's `X-Forwarded-For`, if the proxy is
///   configured as trusted.
///
/// Every attempt is taken, atomically, before its password is checked.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: LoginLimits,
    state: Mutex<State>,
}

/// An attempt taken from the limiter; tell it how the attempt ended. Dropped without
/// an answer, it counts as failed.
#[derive(Debug)]
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    account: String,
    address: String,
    started: Instant,
    done: bool,
}

impl LoginLimiter {
    /// A limiter with these limits.
    pub fn new(limits: LoginLimits) -> Self {
        Self {
            limits,
            state: Mutex::default(),
        }
    }

    /// Takes an attempt to log in to `account` from `address`, or says how many seconds
    /// to wait.
    pub fn begin(&self, account: &str, address: &str, now: Instant) -> Result<Attempt<'_>, u64> {
        let limits = &self.limits;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.pairs.len() + state.accounts.len() + state.addresses.len() > 300_000 {
            forget_idle(&mut state, now, limits.window);
        }
        let pair_key = (account.to_owned(), address.to_owned());
        let known = state
            .known
            .get(account)
            .and_then(|m| m.get(address))
            .is_some_and(|t| now.duration_since(*t) <= limits.known_for);
        let pair = state.pairs.entry(pair_key.clone()).or_default();
        pair.prune(now, limits.window);
        if pair.failures.len() + pair.running >= limits.per_pair {
            let wait = pair
                .failures
                .front()
                .map(|t| {
                    limits
                        .window
                        .saturating_sub(now.duration_since(*t))
                        .as_secs()
                })
                .unwrap_or(1)
                .max(1);
            return Err(wait);
        }
        let account_counter = state.accounts.entry(account.to_owned()).or_default();
        account_counter.prune(now, limits.window);
        if !known {
            if let Some(wait) = account_counter.wait(now) {
                return Err(wait);
            }
        }
        let address_counter = state.addresses.entry(address.to_owned()).or_default();
        address_counter.prune(now, limits.window);
        if let Some(wait) = address_counter.wait(now) {
            return Err(wait);
        }
        address_counter.take(now, limits.address_free, limits);
        let account_counter = state.accounts.entry(account.to_owned()).or_default();
        if known {
            account_counter.running += 1;
        } else {
            account_counter.take(now, limits.account_free, limits);
        }
        state.pairs.entry(pair_key).or_default().running += 1;
        Ok(Attempt {
            limiter: self,
            account: account.to_owned(),
            address: address.to_owned(),
            started: now,
            done: false,
        })
    }

    fn end(&self, attempt: &Attempt<'_>, success: bool) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = attempt.started;
        let pair_key = (attempt.account.clone(), attempt.address.clone());
        for counter in [state.pairs.get_mut(&pair_key)].into_iter().flatten() {
            counter.running = counter.running.saturating_sub(1);
            if success {
                counter.failures.clear();
            } else {
                counter.failures.push_back(now);
            }
        }
        if let Some(counter) = state.accounts.get_mut(&attempt.account) {
            counter.running = counter.running.saturating_sub(1);
            if success {
                counter.failures.clear();
                counter.next_allowed = None;
            } else {
                counter.failures.push_back(now);
            }
        }
        if let Some(counter) = state.addresses.get_mut(&attempt.address) {
            counter.running = counter.running.saturating_sub(1);
            if !success {
                counter.failures.push_back(now);
            }
        }
        if success {
            state
                .known
                .entry(attempt.account.clone())
                .or_default()
                .insert(attempt.address.clone(), now);
        }
    }
}

fn forget_idle(state: &mut State, now: Instant, window: Duration) {
    let idle = |c: &mut Counter| {
        c.prune(now, window);
        c.running > 0 || !c.failures.is_empty() || c.next_allowed.is_some_and(|t| t > now)
    };
    state.pairs.retain(|_, c| idle(c));
    state.accounts.retain(|_, c| idle(c));
    state.addresses.retain(|_, c| idle(c));
}

impl Attempt<'_> {
    /// The password was right.
    pub fn succeed(mut self) {
        self.done = true;
        self.limiter.end(&self, true);
    }

    /// The password was wrong.
    pub fn fail(mut self) {
        self.done = true;
        self.limiter.end(&self, false);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.limiter.end(self, false);
        }
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

impl Service {
    /// Checks a username and password from client address `client` and issues a token
    /// of `kind`. Failed and refused attempts are audited (bounded per client).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
        kind: TokenKind,
    ) -> ServiceResult<(String, DateTime<Utc>, Session)> {
        let account = username.trim().to_ascii_lowercase();
        let login_failed = |reason: &str| {
            let mut event = self.event(None, "auth.login_failed");
            event.detail = serde_json::json!({
                "username": account.chars().take(64).collect::<String>(),
                "client": client,
                "reason": reason,
            })
            .to_string();
            self.inner.audit.denial(event, format!("client:{client}"));
        };
        if username.len() > 200 || password.len() > 1024 {
            login_failed("too long");
            return Err(ServiceError::Unauthorized(
                "wrong username or password".into(),
            ));
        }
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        let attempt = match self.inner.limiter.begin(&account, client, started) {
            Ok(attempt) => attempt,
            Err(wait) => {
                login_failed("rate limited");
                return Err(ServiceError::RateLimited(wait));
            }
        };
        let user = match Username::parse(username) {
            Ok(name) => self.store().user_by_name(name.as_str()).await?,
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
        .map_err(ServiceError::internal)?;
        let user = match user {
            Some(user) if valid && !user.disabled => {
                attempt.succeed();
                user
            }
            _ => {
                attempt.fail();
                login_failed("wrong username or password");
                return Err(ServiceError::Unauthorized(
                    "wrong username or password".into(),
                ));
            }
        };
        let (token, hash) = new_token();
        let now = self.now();
        let expires_at = now + chrono::Duration::hours(self.inner.config.session_hours);
        let csrf = match kind {
            TokenKind::Session => Some(new_token().0),
            _ => None,
        };
        let mut event = self.event(None, "auth.login");
        event.actor = Some(user.username.to_string());
        event.actor_agency = Some(user.agency.to_string());
        event.detail = serde_json::json!({ "client": client, "kind": kind.as_str() }).to_string();
        self.store()
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
    pub async fn authenticate(&self, token: &str) -> ServiceResult<Option<Session>> {
        if !token.starts_with("idt_") || token.len() > 100 {
            return Ok(None);
        }
        let owner = self
            .store()
            .token_owner(&token_hash(token), self.now())
            .await?;
        Ok(owner.map(session_from))
    }

    /// Revokes a token (logout).
    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        Ok(self.store().revoke_token(&token_hash(token)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LoginLimits {
            window: Duration::from_secs(60),
            per_pair: 3,
            account_free: 4,
            address_free: 6,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            known_for: Duration::from_secs(3600),
        })
    }

    #[test]
    fn attempts_are_taken_before_they_are_checked() {
        let limiter = limiter();
        let t0 = Instant::now();
        // Three attempts at once from one address: the fourth is refused while the
        // three are still being checked.
        let running: Vec<Attempt<'_>> = (0..3)
            .map(|_| limiter.begin("kim", "10.0.0.1", t0).unwrap())
            .collect();
        assert!(limiter.begin("kim", "10.0.0.1", t0).is_err());
        for attempt in running {
            attempt.fail();
        }
        assert!(
            limiter.begin("kim", "10.0.0.1", t0).is_err(),
            "three failures"
        );
        assert!(
            limiter
                .begin("kim", "10.0.0.1", t0 + Duration::from_secs(61))
                .is_ok(),
            "the window passes"
        );
    }

    #[test]
    fn a_stranger_cannot_lock_an_officer_out() {
        let limiter = limiter();
        let t0 = Instant::now();
        limiter.begin("kim", "10.0.0.1", t0).unwrap().succeed();
        // A stranger fails many times from many addresses.
        for i in 0..20 {
            if let Ok(attempt) = limiter.begin("kim", &format!("203.0.113.{i}"), t0) {
                attempt.fail();
            }
        }
        // New addresses must wait, ever longer...
        let wait = limiter.begin("kim", "198.51.100.7", t0).unwrap_err();
        assert!(wait >= 2, "{wait}");
        // ...but the officer's own workstation logs in at once, with the right password.
        limiter.begin("kim", "10.0.0.1", t0).unwrap().succeed();
        // And others behind other addresses are not affected.
        limiter.begin("lee", "10.0.0.2", t0).unwrap().succeed();
    }

    #[test]
    fn an_address_spraying_accounts_is_slowed() {
        let limiter = limiter();
        let t0 = Instant::now();
        for i in 0..6 {
            limiter
                .begin(&format!("user{i}"), "203.0.113.9", t0)
                .unwrap()
                .fail();
        }
        assert!(limiter.begin("user99", "203.0.113.9", t0).is_err());
        assert!(limiter.begin("user99", "10.0.0.3", t0).is_ok());
    }

    #[test]
    fn an_abandoned_attempt_counts_as_failed() {
        let limiter = limiter();
        let t0 = Instant::now();
        for _ in 0..3 {
            drop(limiter.begin("park", "10.0.0.1", t0).unwrap());
        }
        assert!(limiter.begin("park", "10.0.0.1", t0).is_err());
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
