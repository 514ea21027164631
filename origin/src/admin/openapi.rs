//! `GET /admin/api/openapi.json`: the admin API's OpenAPI 3.1 description. It is written by hand (the
//! domain's types stay free of doc-generator derives, since they also compile for the browser); the
//! integration tests keep it true by validating every admin response against its schemas.

use super::PREFIX;
use crate::state::AppState;
use axum::http::header;
use axum::routing::get;
use axum::Router;

pub(crate) const DOCUMENT: &str = include_str!("openapi.json");

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        &format!("{PREFIX}/openapi.json"),
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], DOCUMENT) }),
    )
}
