//! The admin API for the backend team, under `/admin/api`: orders listed and filtered, one order in detail,
//! marked fulfilled with a tracking number, refunded in full or in part through the payment provider.
//! Callers authenticate with API keys (`origin api-key create`), each limited to scopes; the OpenAPI
//! document at `/admin/api/openapi.json` describes it all.

mod inventory;
mod keys;
mod openapi;
mod orders;
mod reports;
mod webhooks;

pub(crate) use keys::{CanRead, CanWrite};

use crate::state::AppState;
use axum::Router;

/// The admin API's OpenAPI document (JSON), for tools and tests.
pub fn openapi_document() -> &'static str {
    openapi::DOCUMENT
}

pub(crate) const PREFIX: &str = "/admin/api";

pub(crate) fn router() -> Router<AppState> {
    orders::router()
        .merge(inventory::router())
        .merge(webhooks::router())
        .merge(reports::router())
        .merge(openapi::router())
}
