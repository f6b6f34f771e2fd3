//! The web interface, rendered on the server.

use axum::Router;

use crate::service::AppState;

/// The routes of the web interface.
pub fn router() -> Router<AppState> {
    Router::new()
}
