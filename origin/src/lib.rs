//! Meridian origin: the regional write service behind the edge.
//!
//! [`router`] builds the whole HTTP API for an [`AppState`], so tests drive it without a socket;
//! [`serve`] runs it on a port and [`serve_on`] on a given listener, both with a readiness drain and
//! graceful shutdown. Data access is `meridian_store`'s; this crate maps it to HTTP.

pub mod accounts;
mod admin;
pub mod auth;
mod carts;
mod catalog;
mod checkout;
pub mod config;
pub mod error;
mod extract;
mod health;
mod idempotency;
mod images;
mod orders;
pub mod payments;
mod state;
mod stock_alerts;
mod throttle;

pub use admin::openapi_document;
pub use state::{AppState, Selling};

use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::HeaderName;
use axum::Router;
use meridian_domain::api::{ORIGIN_REQUEST_TIMEOUT_SECS, REQUEST_ID_HEADER};
use meridian_store::Db;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Largest request body: API writes are a few hundred bytes.
const MAX_BODY: usize = 16 * 1024;

/// The whole API. A request id sent with the request is kept (the edge mints its own for every request;
/// it only labels logs), a request without one gets a fresh id.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &axum::http::Request<_>| {
            let id = req
                .headers()
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // The route pattern, not the path: paths carry cart ids, which are bearer tokens.
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("-", MatchedPath::as_str);
            tracing::info_span!("request", method = %req.method(), route = %route, request_id = %id)
        })
        // One access-log line per request, with status and latency, tagged with the edge's request id.
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    // The storefront API answers only the edge; the admin API its API keys; the webhook its signature.
    let storefront = Router::new()
        .merge(health::router())
        .merge(catalog::router())
        .merge(
            Router::new()
                .merge(carts::router())
                .merge(checkout::router())
                .merge(orders::router())
                .route_layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    throttle::limit_writes,
                )),
        )
        .merge(accounts::router())
        .merge(stock_alerts::router())
        .merge(images::router())
        // Unknown paths answer only after the credential check: no probing for routes without it.
        .fallback(|| async { error::ApiError::NotFound("There is no such route.".into()) })
        .layer(axum::middleware::from_fn_with_state(
            state.edge.clone(),
            auth::require_edge,
        ));
    let webhook = Router::new().route(
        meridian_domain::api::origin::STRIPE_WEBHOOK,
        axum::routing::post(payments::webhook::receive),
    );
    Router::new()
        .merge(storefront)
        .merge(admin::router())
        .merge(webhook)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(ORIGIN_REQUEST_TIMEOUT_SECS),
        ))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// `origin serve`: connects, serves until SIGINT/SIGTERM, drains, then lets in-flight requests finish.
pub async fn serve(config: config::Config) -> anyhow::Result<()> {
    let db = Db::connect(
        &config.database_url,
        config.database_replica_url.as_deref(),
        config.pool_settings(),
    )
    .await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let selling = selling(&config.checkout)?;
    meridian_store::promos::upsert_all(db.write(), &selling.settings.promo_codes).await?;
    let mut state = AppState::new(db, &config.origin_secret)
        .with_attempts_per_minute(config.account_attempts_per_minute)
        .with_writes_per_minute(config.cart_writes_per_minute)
        .selling(selling)
        .with_payments(payment_provider(&config.checkout)?);
    match config.session_signing_key.as_deref() {
        Some(seed) => {
            state = state.with_sessions(accounts::tokens::SessionKeys::from_seed_hex(seed)?)
        }
        None => tracing::warn!("SESSION_SIGNING_KEY is not set: accounts answer 503"),
    }
    if let Some(location) = config.reports_store.as_deref() {
        state = state.with_reports(meridian_runtime::objects::open(location)?);
    }
    if let Some(location) = config.images_store.as_deref() {
        state = state.with_images(meridian_runtime::objects::open(location)?);
    }
    let drain = Duration::from_secs(config.drain_seconds);
    serve_on(listener, state, meridian_runtime::shutdown_signal(), drain).await
}

fn selling(config: &config::CheckoutConfig) -> anyhow::Result<Selling> {
    Ok(Selling {
        settings: config.store_settings()?,
        store_url: config.store_url.trim_end_matches('/').to_owned(),
        pay_within: Duration::from_secs(config.payment_minutes.max(1) * 60),
    })
}

/// Stripe when its keys are configured; otherwise checkout stops before payment (and says so).
fn payment_provider(
    config: &config::CheckoutConfig,
) -> anyhow::Result<std::sync::Arc<dyn payments::PaymentProvider>> {
    match (&config.stripe_secret_key, &config.stripe_webhook_secret) {
        (Some(key), Some(webhook)) => Ok(std::sync::Arc::new(payments::stripe::Stripe::new(
            &config.stripe_api_base,
            key,
            webhook,
        )?)),
        _ => {
            tracing::warn!("STRIPE_SECRET_KEY/STRIPE_WEBHOOK_SECRET unset: orders cannot be paid");
            Ok(std::sync::Arc::new(payments::Unconfigured))
        }
    }
}

/// Serves on `listener` until `shutdown` resolves; then readiness fails for `drain` while requests are
/// still answered, then the listener closes and in-flight requests finish.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> anyhow::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "origin listening");
    let sweeper = tokio::spawn(meridian_store::idempotency::sweep(state.db.write().clone()));
    let pruner = tokio::spawn(accounts::limits::AttemptLimits::prune(
        state.attempts.clone(),
    ));
    let write_pruner = tokio::spawn(accounts::limits::AttemptLimits::prune(state.writes.clone()));
    let draining = state.draining.clone();
    let db = state.db.clone();
    let stop = async move {
        shutdown.await;
        draining.store(true, Ordering::Relaxed);
        tracing::info!(
            ?drain,
            "shutting down: readiness fails, then in-flight requests finish"
        );
        tokio::time::sleep(drain).await;
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(stop)
        .await?;
    sweeper.abort();
    pruner.abort();
    write_pruner.abort();
    db.close().await;
    tracing::info!("origin stopped");
    Ok(())
}
