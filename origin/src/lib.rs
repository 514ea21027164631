//! Meridian origin: the regional write service behind the edge.
//!
//! [`router`] builds the whole HTTP API for a [`db::Db`], so tests drive it without a socket; [`serve`] runs it
//! on a port with graceful shutdown.

pub mod carts;
pub mod catalog;
pub mod config;
pub mod db;
pub mod error;
mod extract;
mod health;
pub mod idempotency;
pub mod telemetry;

use axum::http::HeaderName;
use axum::Router;
use meridian_domain::api::REQUEST_ID_HEADER;
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Shared by every handler: cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: db::Db,
}

/// The whole API. Request ids minted by the edge are kept; requests without one get a fresh id.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let id = req.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
    })
    // One access-log line per request, with status and latency, tagged with the edge's request id.
    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    Router::new()
        .merge(health::router())
        .merge(catalog::router())
        .merge(carts::router())
        .with_state(state)
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(15),
        ))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// `origin serve`: connects, serves until SIGINT/SIGTERM, then lets in-flight requests finish.
pub async fn serve(config: config::Config) -> anyhow::Result<()> {
    let db = db::Db::connect(
        &config.database_url,
        config.database_replica_url.as_deref(),
        config.max_connections,
    )
    .await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "origin listening");
    let sweeper = tokio::spawn(idempotency::sweep(db.write().clone()));
    axum::serve(listener, router(AppState { db }))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    sweeper.abort();
    tracing::info!("origin stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM (what container runtimes send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
