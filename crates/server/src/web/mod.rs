//! The web interface, rendered on the server with `maud`.
//!
//! Pages call the same [`AppState`] operations as the JSON API, so access control,
//! validation and auditing are identical on both paths. The browser holds a session
//! cookie (`interdict_session`, HttpOnly, SameSite=Strict); every state-changing form
//! carries the session's CSRF token in a hidden `csrf` field. The pages need no
//! script to work: the little JavaScript in `static/app.js` only adds rows to forms
//! and hides the TLP:RED recipients when they do not apply. The live map (`map.rs`)
//! is the exception: it is a script (`static/map.js`) over MapLibre GL JS. Nothing is loaded from
//! outside the node, and the content security policy forbids inline scripts and styles.

// Handlers answer `Result<Response, Response>`: both sides are finished pages, and
// boxing the error side would only add noise to every handler.
#![allow(clippy::result_large_err)]

mod admin;
mod audit;
mod ctx;
mod deconflict;
mod field_error;
mod forms;
mod history;
pub mod i18n;
mod layout;
pub mod map;
mod operations;
mod pages;
mod profiles;
mod records;
mod resources;
mod statics;
mod statistics;
mod training;
mod work;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub use ctx::{LANG_COOKIE, SESSION_COOKIE};
pub use pages::not_found;
pub use statics::map_assets_present;

/// The routes of the web interface.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/lang", get(pages::set_lang))
        .route("/search", get(pages::search))
        .route("/audit", get(audit::page_of_audit))
        .route("/audit.csv", get(audit::audit_csv))
        .route("/deconfliction", get(deconflict::page_of_hits))
        .route("/statistics", get(statistics::page_of_statistics))
        .route("/deconfliction/{id}/disclose", post(deconflict::disclose))
        .route("/deconfliction/{id}/decline", post(deconflict::decline))
        .route(
            "/reports",
            get(records::list::<interdict_core::Report>)
                .post(records::create::<interdict_core::Report>),
        )
        .route(
            "/reports/new",
            get(records::new_form::<interdict_core::Report>),
        )
        .route(
            "/reports/{id}",
            get(records::detail::<interdict_core::Report>)
                .post(records::update::<interdict_core::Report>),
        )
        .route(
            "/reports/{id}/edit",
            get(records::edit_form::<interdict_core::Report>),
        )
        .route(
            "/reports/{id}/history",
            get(records::history::<interdict_core::Report>),
        )
        .route(
            "/reports/{id}/withdraw",
            post(records::withdraw::<interdict_core::Report>),
        )
        .route(
            "/reports/{id}/attachments",
            post(records::upload::<interdict_core::Report>)
                .layer(DefaultBodyLimit::max(records::UPLOAD_LIMIT)),
        )
        .route(
            "/seizures",
            get(records::list::<interdict_core::Seizure>)
                .post(records::create::<interdict_core::Seizure>),
        )
        .route(
            "/seizures/new",
            get(records::new_form::<interdict_core::Seizure>),
        )
        .route(
            "/seizures/{id}",
            get(records::detail::<interdict_core::Seizure>)
                .post(records::update::<interdict_core::Seizure>),
        )
        .route(
            "/seizures/{id}/edit",
            get(records::edit_form::<interdict_core::Seizure>),
        )
        .route(
            "/seizures/{id}/history",
            get(records::history::<interdict_core::Seizure>),
        )
        .route(
            "/seizures/{id}/withdraw",
            post(records::withdraw::<interdict_core::Seizure>),
        )
        .route("/profiles/{kind}/{id}/{n}", get(profiles::profile_page))
        .route(
            "/seizures/{id}/attachments",
            post(records::upload::<interdict_core::Seizure>)
                .layer(DefaultBodyLimit::max(records::UPLOAD_LIMIT)),
        )
        .route("/attachments/{id}", get(records::attachment))
        .route("/attachments/{id}/thumbnail", get(records::thumbnail))
        .route("/static/{file}", get(statics::serve))
        .route(
            "/static/vendor/{package}/{file}",
            get(statics::serve_vendor),
        )
        .merge(map::router())
        .merge(operations::router())
        .merge(training::router())
        .merge(resources::router())
        .merge(admin::router())
}
