//! Liveness and readiness for load balancers and orchestrators.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::Ordering;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up; says nothing about its dependencies so a database blip does not restart it.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready to take traffic: not shutting down, and the primary answers on the probe's own connection (a
/// saturated request pool must not make every instance look dead at once).
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.draining.load(Ordering::Relaxed) {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining");
    }
    if state.db.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
