//! Liveness and readiness for load balancers and orchestrators.

use crate::error::ApiResult;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up; says nothing about its dependencies so a database blip does not restart it.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready to take traffic: the primary database answers.
async fn readyz(State(state): State<AppState>) -> ApiResult<&'static str> {
    sqlx::query("SELECT 1").execute(state.db.write()).await?;
    Ok("ready")
}
