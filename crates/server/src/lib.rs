//! The HTTP edge of an Interdict node: the JSON API under `/api/v1`, the web interface,
//! the OpenAPI document, and Prometheus metrics on a listener of their own. Handlers
//! are thin: they parse, call the [`interdict_service::Service`], and render. They
//! never reach storage; the service does.

pub mod api;
pub mod config;
pub mod error;
pub mod metrics;
pub mod web;

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use interdict_service::Service;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use error::{AppError, AppResult};
pub use interdict_service::{Clock, ManualClock};

use crate::metrics::Metrics;

/// The content security policy of every response: nothing but the node itself.
///
/// The live map needs nothing more: MapLibre GL JS starts its worker from
/// `maplibre-gl-worker.mjs` beside its module on the node (a same-origin module worker,
/// covered by `script-src 'self'`, so no `blob:` source), builds its vessel icons from
/// canvas pixels, and sets element styles through the DOM, which `style-src` does not
/// restrict. The browser test fails on any violation the console reports.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// What every handler has: the service, and the edge's own configuration and metrics.
/// It dereferences to the [`Service`], so that handlers call its operations directly.
#[derive(Clone, Debug)]
pub struct AppState {
    pub service: Service,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
}

impl Deref for AppState {
    type Target = Service;

    fn deref(&self) -> &Service {
        &self.service
    }
}

/// A node ready to serve: bound to its ports, with its state.
pub struct Application {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    /// The pipeline on NATS, when configured.
    nats: Option<interdict_ingest::bus::BusConfig>,
}

impl Application {
    /// Opens storage and the node's keys, binds the listeners (port 0 picks a free
    /// port) and builds the routes.
    pub async fn build(config: Config, clock: Clock) -> anyhow::Result<Self> {
        let service =
            Service::open(config.service_config()?, &config.database_url(), clock).await?;
        Self::with_service(config, service).await
    }

    /// Like [`Application::build`] with the service already open.
    pub async fn with_service(config: Config, service: Service) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.listen).await?;
        let metrics_listener = match config.metrics_listen {
            Some(addr) => Some(TcpListener::bind(addr).await.map_err(|e| {
                anyhow::anyhow!("cannot listen for metrics on {addr}: {e} (set metrics_listen)")
            })?),
            None => None,
        };
        let nats = match &config.nats_url {
            Some(url) => {
                let mut bus = interdict_ingest::bus::BusConfig::new(url.clone());
                bus.prefix = config.nats_prefix.clone();
                bus.check().map_err(anyhow::Error::msg)?;
                Some(bus)
            }
            None => None,
        };
        let state = AppState {
            service,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        };
        let router = app(state.clone());
        Ok(Self {
            listener,
            metrics_listener,
            router,
            state,
            nats,
        })
    }

    /// The address the node listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The address metrics are served on, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    /// The node's state, for tests.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then writes what the audit log still holds
    /// and signs a last checkpoint.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        // The feeds of the maritime picture: every enabled source of the node, in this
        // process or, with NATS, this process's share of them.
        let feeds = match &self.nats {
            None => tokio::spawn(interdict_ingest::run_all(
                self.state.service.clone(),
                stopped.clone(),
            )),
            Some(bus) => {
                let supervisor = interdict_ingest::bus::Supervisor::start(
                    self.state.service.clone(),
                    bus.clone(),
                )
                .await
                .map_err(std::io::Error::other)?;
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                    supervisor.shutdown().await;
                    Ok(())
                })
            }
        };
        if let Some(listener) = self.metrics_listener {
            let metrics = Router::new()
                .route("/metrics", get(metrics))
                .with_state(self.state.clone());
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let served = axum::serve(listener, metrics)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    })
                    .await;
                if let Err(e) = served {
                    tracing::error!(error = %e, "the metrics listener failed");
                }
            });
        }
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let _ = stop.send(true);
        let _ = feeds.await;
        self.state.service.shutdown().await;
        served
    }
}

/// All routes with their middleware.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let openapi = Arc::new(openapi);
    let api = api.route(
        "/api/v1/openapi.json",
        get(move || {
            let doc = openapi.clone();
            async move { Json(doc.as_ref().clone()) }
        }),
    );
    Router::new()
        .nest("/api/v1", Router::new().fallback(api_not_found))
        .merge(api)
        .merge(web::router())
        .route("/healthz", get(health))
        // JSON under /api, an HTML page in the user's language elsewhere.
        .fallback(web::not_found)
        .route_layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(middleware::from_fn(no_store))
        .layer(axum::extract::DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let request_id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Every response may carry data of some agency, except the node's own static assets:
/// none is to be kept by a browser or a proxy.
async fn no_store(request: Request, next: Next) -> Response {
    let is_asset = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    if !is_asset {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn api_not_found() -> AppError {
    AppError::NotFound
}

async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    #[allow(clippy::disallowed_methods)]
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    // One request, one view: what it reads of other agencies is one audit entry per
    // owner, however many lists the page shows.
    let path = readable_path(request.uri());
    let response = state.service.page_view(path, next.run(request)).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The path and query of a request as its reader typed them (`/search?q=해양`, not
/// percent-encoded), for the audit log.
fn readable_path(uri: &axum::http::Uri) -> String {
    let mut out = uri.path().to_owned();
    if let Some(query) = uri.query() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        if pairs.is_empty() {
            out.push('?');
            out.push_str(query);
        } else {
            for (i, (key, value)) in pairs.iter().enumerate() {
                out.push(if i == 0 { '?' } else { '&' });
                out.push_str(key);
                out.push('=');
                out.push_str(value);
            }
        }
    }
    out
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

async fn health(State(state): State<AppState>) -> Response {
    match state.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}
