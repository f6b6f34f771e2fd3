//! Nodes for tests: each starts in this process on port 0 with a fresh SQLite file or
//! a uniquely named PostgreSQL database, a clock the test moves by hand, and metrics on
//! a port of their own. Several nodes may run side by side (the federation tests grow
//! from there). A seeded world of five agencies, users per role and agreements is one
//! call away.
//!
//! PostgreSQL nodes need a server at `postgres://postgres@127.0.0.1:5432` (or
//! `INTERDICT_TEST_POSTGRES`); without one, [`TestNode::start`] returns `None` and the
//! test passes without running, unless `INTERDICT_REQUIRE_POSTGRES=1`, which makes it
//! fail.
//!
//! Every request a test sends through a node's helpers ([`TestNode::call`],
//! [`TestNode::request`], …) and every response it gets are checked against the OpenAPI
//! document the node serves (see [`contract`]); a test that sends bad input on purpose
//! says so with [`Call::invalid_on_purpose`].

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

pub mod contract;
mod world;

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use interdict_server::{AppState, Application, Clock, Config, ManualClock};
use interdict_service::Service;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

pub use contract::{Contract, Intent};
pub use world::{
    add_agreement, code, report_json, seed_world, seizure_json, token_for, AGENCIES, PASSWORD,
};

/// Which database a test node runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running node.
pub struct TestNode {
    pub addr: SocketAddr,
    pub metrics_addr: Option<SocketAddr>,
    pub state: AppState,
    pub http: reqwest::Client,
    /// Moves the node's clock.
    pub clock: ManualClock,
    /// The OpenAPI document the node serves, as requests and responses are checked
    /// against it.
    pub contract: Arc<Contract>,
    dir: tempfile::TempDir,
    pg_db: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// The server from which test databases are made.
pub fn postgres_admin_url() -> String {
    std::env::var("INTERDICT_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{server}/{db}?{query}"),
        None => format!("{server}/{db}"),
    }
}

/// A fresh PostgreSQL database and its URL, or `None` when no server answers (and
/// none is required).
pub async fn postgres_database() -> Option<(String, String)> {
    let required = std::env::var("INTERDICT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let admin_url = postgres_admin_url();
    let mut admin = match PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) if !required => {
            eprintln!("PostgreSQL not reachable ({e}); skipping the PostgreSQL run");
            return None;
        }
        Err(e) => {
            panic!("PostgreSQL is required (INTERDICT_REQUIRE_POSTGRES=1) but not reachable: {e}")
        }
    };
    let name = format!("interdict_it_{}", Uuid::new_v4().simple());
    let mut attempts = 0;
    loop {
        match admin.execute(&*format!("CREATE DATABASE {name}")).await {
            Ok(_) => break,
            // Concurrent CREATE DATABASE from the same template can collide.
            Err(_) if attempts < 10 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(e) => panic!("create database {name}: {e}"),
        }
    }
    let _ = admin.close().await;
    let url = with_database(&admin_url, &name);
    Some((name, url))
}

/// Drops a database made by [`postgres_database`] (best effort).
pub async fn drop_postgres_database(name: &str) {
    if let Ok(mut admin) = PgConnection::connect(&postgres_admin_url()).await {
        let _ = admin
            .execute(&*format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        let _ = admin.close().await;
    }
}

impl TestNode {
    /// Starts a node on `backend`; `None` when PostgreSQL is wanted but unavailable.
    pub async fn start(backend: Backend) -> Option<Self> {
        Self::start_with(backend, |_| {}).await
    }

    /// Like [`TestNode::start`], with the configuration changed by `configure` first.
    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let (database_url, pg_db) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let (name, url) = postgres_database().await?;
                (Some(url), Some(name))
            }
        };
        let mut config = Config {
            listen: "127.0.0.1:0".parse().expect("addr"),
            metrics_listen: Some("127.0.0.1:0".parse().expect("addr")),
            database_url,
            data_dir: dir.path().to_owned(),
            secure_cookies: false,
            max_body_bytes: 256 * 1024,
            ..Config::default()
        };
        configure(&mut config);
        #[allow(clippy::disallowed_methods)]
        let (clock, handle) = Clock::manual(Utc::now());
        let app = Application::build(config, clock).await.expect("build app");
        let addr = app.local_addr().expect("addr");
        let metrics_addr = app.metrics_addr();
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().build().expect("client");
        let document: Value = http
            .get(format!("http://{addr}/api/v1/openapi.json"))
            .send()
            .await
            .expect("fetch the OpenAPI document")
            .json()
            .await
            .expect("the OpenAPI document is JSON");
        let contract = Arc::new(Contract::new(&document));
        Some(Self {
            addr,
            metrics_addr,
            state,
            http,
            clock: handle,
            contract,
            dir,
            pg_db,
            stop: Some(stop),
            served: Some(served),
        })
    }

    /// The node's service, as its handlers call it.
    pub fn service(&self) -> &Service {
        &self.state.service
    }

    /// The node's data directory (its key, its checkpoint log, its SQLite database).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The time on the node's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.service().now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser (a client with a cookie store) signed in to the web pages as
    /// `username` with the test world's password.
    pub async fn browser(&self, username: &str) -> reqwest::Client {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let login_page = browser
            .get(self.url("/login"))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("login page");
        let marker = r#"name="csrf" value=""#;
        let start = login_page.find(marker).expect("csrf field") + marker.len();
        let csrf = &login_page[start..start + login_page[start..].find('"').expect("csrf end")];
        let response = browser
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf),
                ("next", "/"),
                ("username", username),
                ("password", world::PASSWORD),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), StatusCode::OK, "{username} signs in");
        browser
    }

    /// A request to the node, checked against the contract when it is sent.
    pub fn request(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            node: self,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Body::None,
            intent: Intent::Valid,
        }
    }

    /// Sends a request with an optional bearer token and JSON body; returns the status
    /// and the JSON body (Null when the body is not JSON). The request must be one the
    /// OpenAPI document admits.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut call = self.request(method, path);
        if let Some(token) = token {
            call = call.token(token);
        }
        if let Some(body) = body {
            call = call.json(body);
        }
        let answer = call.send().await;
        (answer.status, answer.body)
    }

    /// An answer checked against the contract.
    fn checked_answer(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        headers: reqwest::header::HeaderMap,
        bytes: Vec<u8>,
    ) -> Answer {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body: Option<Value> = serde_json::from_str(&text).ok();
        self.contract
            .check_response(method, path, status, &headers, body.as_ref(), &text);
        Answer {
            status,
            headers,
            body: body.unwrap_or(Value::Null),
            text,
            bytes,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// A POST without a body, for actions named by their path alone.
    pub async fn post_empty(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), None).await
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
        let mut call = self.request(Method::PUT, path).token(token).json(body);
        if let Some(version) = if_match {
            call = call.header("If-Match", version);
        }
        let answer = call.send().await;
        let etag = answer.header("etag");
        (answer.status, etag, answer.body)
    }

    /// Stops the node as a signal would (the audit log written, a last checkpoint
    /// signed) and keeps its files; returns them, to start it again or look inside.
    pub async fn stop(mut self) -> (tempfile::TempDir, Option<String>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            let _ = served.await;
        }
        let pg_db = self.pg_db.take();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("tempdir"));
        (dir, pg_db)
    }

    /// Stops the node and drops its PostgreSQL database (best effort).
    pub async fn finish(self) {
        let (_dir, pg_db) = self.stop().await;
        if let Some(name) = pg_db {
            drop_postgres_database(&name).await;
        }
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

enum Body {
    None,
    Json(Value),
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// A request being built; [`Call::send`] checks it, sends it and checks the answer.
pub struct Call<'a> {
    node: &'a TestNode,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Body,
    intent: Intent,
}

/// A node's answer to a [`Call`].
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON; Null when it is not JSON.
    pub body: Value,
    pub text: String,
    /// The body as sent (for bodies that are not text, such as a PDF).
    pub bytes: Vec<u8>,
}

impl Answer {
    /// A response header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl Call<'_> {
    /// Sends `Authorization: Bearer <token>`.
    pub fn token(self, token: &str) -> Self {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A JSON body.
    pub fn json(mut self, body: &Value) -> Self {
        self.body = Body::Json(body.clone());
        self
    }

    /// A body of any bytes under any content type.
    pub fn raw_body(mut self, content_type: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Raw {
            content_type: content_type.to_owned(),
            bytes: bytes.into(),
        };
        self
    }

    /// Declares the request one the OpenAPI document refuses, sent on purpose to see
    /// the node refuse it too; the checker then requires the document to refuse it.
    pub fn invalid_on_purpose(mut self) -> Self {
        self.intent = Intent::Invalid;
        self
    }

    /// Sends the request unchecked (its answer is still checked).
    pub fn unchecked(mut self) -> Self {
        self.intent = Intent::Unchecked;
        self
    }

    /// Checks the request against the contract, sends it, checks the answer.
    pub async fn send(self) -> Answer {
        let node = self.node;
        let (method, path) = (self.method.clone(), self.path.clone());
        let response = self.dispatch().await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body").to_vec();
        node.checked_answer(&method, &path, status, headers, bytes)
    }

    /// Sends a request whose answer is a stream that does not end (Server-Sent Events):
    /// checks its status and content type against the contract and returns them with
    /// the first chunk of the body, then drops the connection.
    pub async fn open_stream(self) -> Answer {
        let node = self.node;
        let (method, path) = (self.method.clone(), self.path.clone());
        let mut response = self.dispatch().await;
        let status = response.status();
        let headers = response.headers().clone();
        let first = tokio::time::timeout(std::time::Duration::from_secs(10), response.chunk())
            .await
            .ok()
            .and_then(Result::ok)
            .flatten()
            .unwrap_or_default();
        node.checked_answer(&method, &path, status, headers, first.to_vec())
    }

    /// Checks the request against the contract and sends it.
    async fn dispatch(self) -> reqwest::Response {
        let node = self.node;
        let json_body = match &self.body {
            Body::None => None,
            Body::Json(value) => Some(value.clone()),
            Body::Raw {
                content_type,
                bytes,
            } => content_type
                .split(';')
                .next()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("application/json"))
                .then(|| serde_json::from_slice(bytes).ok())
                .flatten(),
        };
        let mut headers = self.headers.clone();
        if let Body::Raw { content_type, .. } = &self.body {
            headers.push(("content-type".to_owned(), content_type.clone()));
        }
        node.contract.check_request(
            &contract::RequestParts {
                method: &self.method,
                path: &self.path,
                headers: &headers,
                body: json_body.as_ref(),
                has_body: !matches!(self.body, Body::None),
            },
            self.intent,
        );
        let mut request = node.http.request(self.method.clone(), node.url(&self.path));
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request = match self.body {
            Body::None => request,
            Body::Json(value) => request.json(&value),
            Body::Raw {
                content_type,
                bytes,
            } => request.header("content-type", content_type).body(bytes),
        };
        request.send().await.expect("send")
    }
}
