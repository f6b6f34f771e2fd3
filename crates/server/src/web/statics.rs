//! The stylesheet, scripts and icon of the web interface, compiled into the binary so
//! that a node on a closed network needs nothing else. URLs carry a hash of the
//! content, so browsers may cache them for good.
//!
//! The front-end packages of the map and the statistics page (`/static/vendor/…`) are embedded by `build.rs` from
//! `web/node_modules` when they were installed there; otherwise [`VENDOR`] is empty and
//! the map page explains how to install them.

use std::sync::LazyLock;

use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/app.js"),
    },
    Asset {
        name: "map.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/map.js"),
    },
    Asset {
        name: "operation.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/operation.js"),
    },
    Asset {
        name: "basemap.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/basemap.js"),
    },
    Asset {
        name: "map.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/map.css"),
    },
    Asset {
        name: "resources.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/resources.css"),
    },
    Asset {
        name: "statistics.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/statistics.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../static/favicon.svg"),
    },
];

include!(concat!(env!("OUT_DIR"), "/vendor.rs"));

/// A short hash of all assets, appended to their URLs.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for asset in ASSETS.iter().chain(VENDOR) {
        hasher.update(asset.body);
    }
    hex::encode(&hasher.finalize()[..6])
});

/// Whether the map's front-end packages are in this binary.
pub fn map_assets_present() -> bool {
    VENDOR.iter().any(|a| a.name.starts_with("maplibre-gl/"))
}

/// Whether the charting library of the statistics page is in this binary.
pub fn chart_assets_present() -> bool {
    VENDOR.iter().any(|a| a.name.starts_with("chart.js/"))
}

/// The URL of a front-end package's file (`maplibre-gl/maplibre-gl.mjs`), with the hash.
pub fn vendor_url(name: &str) -> String {
    format!("/static/vendor/{name}?v={}", *VERSION)
}

/// The URL of an asset, with the content hash.
pub fn url(name: &str) -> String {
    format!("/static/{name}?v={}", *VERSION)
}

#[derive(serde::Deserialize)]
pub struct VersionParam {
    v: Option<String>,
}

/// Serves an asset: for a year when the URL names the current hash, else briefly.
pub async fn serve(Path(file): Path<String>, Query(params): Query<VersionParam>) -> Response {
    respond(ASSETS.iter().find(|a| a.name == file), &params)
}

/// Serves a file of a front-end package.
pub async fn serve_vendor(
    Path((package, file)): Path<(String, String)>,
    Query(params): Query<VersionParam>,
) -> Response {
    let name = format!("{package}/{file}");
    respond(VENDOR.iter().find(|a| a.name == name), &params)
}

fn respond(asset: Option<&Asset>, params: &VersionParam) -> Response {
    let Some(asset) = asset else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if params.v.as_deref() == Some(VERSION.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response()
}
