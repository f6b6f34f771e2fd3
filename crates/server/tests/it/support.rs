//! Starting nodes for tests, on SQLite or PostgreSQL, with a seeded world.

use std::net::SocketAddr;

use chrono::{Duration, NaiveDate, Utc};
use interdict_core::agency::Agency;
use interdict_core::audit::AuditEvent;
use interdict_core::ident::CountryCode;
use interdict_core::{AgencyCode, AgencyKind, Agreement, Role, RoleSet, Scope, Tlp, Username};
use interdict_server::service::{hash_password, new_token};
use interdict_server::{AppState, Application, Clock, Config};
use interdict_store::{NewUser, Store, TokenKind};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use uuid::Uuid;

/// Which database a test node runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running node.
pub struct TestNode {
    pub addr: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
}

const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh PostgreSQL database, or `None` when no server answers (and none is required).
async fn postgres_database() -> Option<(String, String)> {
    let required = std::env::var("INTERDICT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    sqlx::any::install_default_drivers();
    let admin = match sqlx::AnyPool::connect(PG_ADMIN_URL).await {
        Ok(pool) => pool,
        Err(e) if !required => {
            eprintln!("PostgreSQL not reachable ({e}); skipping the PostgreSQL run");
            return None;
        }
        Err(e) => {
            panic!("PostgreSQL is required (INTERDICT_REQUIRE_POSTGRES=1) but not reachable: {e}")
        }
    };
    let name = format!("interdict_it_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create database");
    admin.close().await;
    Some((
        name.clone(),
        format!("postgres://postgres@127.0.0.1:5432/{name}"),
    ))
}

impl TestNode {
    /// Starts a node on `backend`; `None` when PostgreSQL is wanted but unavailable.
    pub async fn start(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let (database_url, pg_db) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let (name, url) = postgres_database().await?;
                (Some(url), Some(name))
            }
        };
        let config = Config {
            listen: "127.0.0.1:0".parse().expect("addr"),
            database_url,
            data_dir: dir.path().to_owned(),
            secure_cookies: false,
            max_body_bytes: 256 * 1024,
            ..Config::default()
        };
        let app = Application::build(config, Clock::system())
            .await
            .expect("build app");
        let addr = app.local_addr().expect("addr");
        let state = app.state().clone();
        tokio::spawn(app.run_until(std::future::pending()));
        let http = reqwest::Client::builder().build().expect("client");
        Some(Self {
            addr,
            state,
            http,
            _dir: dir,
            pg_db,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Sends a request with an optional bearer token and JSON body; returns the status
    /// and the JSON body (Null when the body is not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Sends a PUT with an optional `If-Match` version; returns the status, the ETag and
    /// the JSON body.
    pub async fn put(
        &self,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: &Value,
    ) -> (StatusCode, Option<String>, Value) {
        let mut request = self.http.put(self.url(path)).bearer_auth(token).json(body);
        if let Some(version) = if_match {
            request = request.header("If-Match", version);
        }
        let response = request.send().await.expect("put");
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, etag, response.json().await.unwrap_or(Value::Null))
    }

    /// Drops the PostgreSQL database of the node (best effort).
    pub async fn finish(self) {
        self.state.store.close().await;
        if let Some(name) = self.pg_db {
            if let Ok(admin) = sqlx::AnyPool::connect(PG_ADMIN_URL).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&admin)
                    .await;
                admin.close().await;
            }
        }
    }
}

pub fn seed_event(action: &str) -> AuditEvent {
    AuditEvent {
        at: Utc::now(),
        actor: None,
        actor_agency: None,
        action: action.to_owned(),
        target_kind: None,
        target_id: None,
        target_agency: None,
        detail: "{}".into(),
    }
}

pub fn code(raw: &str) -> AgencyCode {
    AgencyCode::parse(raw).expect("agency code")
}

/// The agencies of the test world and the short names used in usernames.
pub const AGENCIES: [(&str, &str); 5] = [
    ("KR-KCS", "kcs"),
    ("KR-KCG", "kcg"),
    ("TH-CUSTOMS", "thai"),
    ("US-HSI", "hsi"),
    ("JP-CUSTOMS", "japan"),
];

pub const PASSWORD: &str = "test-password-123";

/// Seeds the five agencies, one user per agency and role (`kcs.analyst`, …) with
/// password [`PASSWORD`], and the agreements of the test world:
/// - KCS–KCG: every scope, up to RED;
/// - KCS–Thai: intelligence and seizures, up to GREEN;
/// - KCS–HSI: intelligence up to AMBER, expired yesterday;
/// - Japan: none.
pub async fn seed_world(store: &Store) {
    for (agency, _) in AGENCIES {
        let a = Agency {
            code: code(agency),
            name: format!("{agency} agency"),
            country: CountryCode::parse(&agency[..2]).expect("country"),
            kind: AgencyKind::Customs,
        };
        store
            .create_agency(&a, &seed_event("agency.create"))
            .await
            .expect("agency");
    }
    let hash = tokio::task::spawn_blocking(|| hash_password(PASSWORD))
        .await
        .expect("join")
        .expect("hash");
    for (agency, short) in AGENCIES {
        for role in Role::ALL {
            let user = NewUser {
                username: Username::parse(&format!("{short}.{}", role.as_str())).expect("username"),
                agency: code(agency),
                display_name: format!("{short} {}", role.as_str()),
                roles: [role].into_iter().collect::<RoleSet>(),
                password_hash: Some(hash.clone()),
            };
            store
                .create_user(&user, &seed_event("user.create"))
                .await
                .expect("user");
        }
    }
    let today = Utc::now().date_naive();
    let day = |d: NaiveDate| d;
    let agreements = [
        (
            ["KR-KCS", "KR-KCG"],
            Scope::ALL.to_vec(),
            day(today - Duration::days(400)),
            None,
            Tlp::Red,
        ),
        (
            ["KR-KCS", "TH-CUSTOMS"],
            vec![Scope::Intelligence, Scope::Seizures],
            today - Duration::days(400),
            None,
            Tlp::Green,
        ),
        (
            ["KR-KCS", "US-HSI"],
            vec![Scope::Intelligence],
            today - Duration::days(400),
            Some(today - Duration::days(1)),
            Tlp::Amber,
        ),
    ];
    for (parties, scopes, from, to, max_tlp) in agreements {
        let agreement = Agreement {
            id: Uuid::now_v7(),
            title: format!("{} and {}", parties[0], parties[1]),
            parties: parties.iter().map(|p| code(p)).collect(),
            scopes,
            valid_from: from,
            valid_to: to,
            max_tlp,
        };
        store
            .create_agreement(&agreement, &seed_event("agreement.create"))
            .await
            .expect("agreement");
    }
}

/// An API token for `username`, created directly in storage (no password check).
pub async fn token_for(store: &Store, username: &str) -> String {
    let user = store
        .user_by_name(username)
        .await
        .expect("lookup")
        .expect("user exists");
    let (token, hash) = new_token();
    let now = Utc::now();
    store
        .create_token(
            user.id,
            &hash,
            TokenKind::Api,
            "test",
            None,
            now,
            Some(now + Duration::hours(1)),
            None,
        )
        .await
        .expect("token");
    token
}

/// A report body.
pub fn report_json(title: &str, tlp: &str, recipients: &[&str], status: &str) -> Value {
    serde_json::json!({
        "title": title,
        "narrative": "narrative",
        "grading": "B2",
        "handling": { "tlp": tlp, "recipients": recipients },
        "drugs": ["methamphetamine"],
        "status": status,
        "subjects": [
            { "kind": "vessel", "name": "해양호", "imo": "9074729", "mmsi": "440123450" },
            { "kind": "person", "name": "Lee Jung-ho", "nationality": "KR" }
        ]
    })
}

/// A seizure body.
pub fn seizure_json(marker: &str, tlp: &str, recipients: &[&str], status: &str) -> Value {
    serde_json::json!({
        "occurred_on": "2026-01-15",
        "place": { "kind": "port", "name": format!("Busan New Port {marker}"), "country": "KR" },
        "conveyance": "sea_container",
        "items": [ { "drug": "methamphetamine", "quantity": 22.5, "unit": "kg" } ],
        "concealment": format!("frozen fish {marker}"),
        "route": { "origin": "TH", "transit": ["VN"], "destination": "KR" },
        "subjects": [ { "kind": "container", "number": "CSQU3054383" } ],
        "handling": { "tlp": tlp, "recipients": recipients },
        "status": status
    })
}
