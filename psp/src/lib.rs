//! Meridian's local stand-in for Stripe: Checkout Sessions, refunds, a hosted card page and signed
//! webhooks with retries, on Stripe's wire format so the origin's Stripe adapter runs unchanged against
//! it. `Psp::start` runs it in-process for other crates' tests; the `psp` binary runs it standalone.

mod auth;
mod cards;
mod checkout;
mod config;
mod error;
mod events;
mod form;
mod idempotency;
mod lifecycle;
mod money;
mod ops;
mod page;
mod refunds;
mod session;
mod state;
mod webhooks;

use std::future::Future;
use std::net::SocketAddr;

use axum::extract::Request;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use config::PspConfig;
pub use events::RecordedEvent;
pub use webhooks::sign;

use state::{AppState, SharedState};

/// Builds the HTTP routes over fresh, empty state. Sessions only expire when read or paid here: the
/// once-a-second expiry ticker runs under `serve` / `Psp::start`.
pub fn router(config: PspConfig) -> anyhow::Result<Router> {
    Ok(app(AppState::new(config)?))
}

fn app(state: SharedState) -> Router {
    // Layers run outside-in from the last added: authentication first, then idempotency.
    let api = checkout::router()
        .merge(refunds::router())
        .layer(from_fn_with_state(
            state.idempotency.clone(),
            idempotency::idempotency,
        ))
        .layer(from_fn_with_state(state.clone(), auth::require_secret_key));
    Router::new()
        .merge(api)
        .merge(page::router())
        .merge(ops::router())
        .fallback(unknown_route)
        .with_state(state)
}

async fn unknown_route(request: Request) -> axum::response::Response {
    error::ApiError::unknown_route(request.method().as_str(), request.uri().path()).into_response()
}

/// Serves on `listener` until `shutdown` resolves, with the expiry ticker running alongside.
pub async fn serve(
    listener: TcpListener,
    config: PspConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = prepare(&listener, config)?;
    run(listener, state, shutdown).await
}

/// Fills in the public URL from the listener when none was given, and builds the state.
fn prepare(listener: &TcpListener, mut config: PspConfig) -> anyhow::Result<SharedState> {
    if config.public_url.is_empty() {
        config.public_url = format!("http://{}", listener.local_addr()?);
    }
    AppState::new(config)
}

async fn run(
    listener: TcpListener,
    state: SharedState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let ticker = tokio::spawn(lifecycle::run_expiry_ticker(state.clone()));
    let served = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await;
    ticker.abort();
    Ok(served?)
}

/// A running stand-in, for tests. Dropping it stops the server (in-flight webhook retries finish on
/// their own).
pub struct Psp {
    state: SharedState,
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl Psp {
    /// Spawns the server and the expiry ticker on `listener` and returns at once.
    pub async fn start(listener: TcpListener, config: PspConfig) -> anyhow::Result<Psp> {
        let addr = listener.local_addr()?;
        let state = prepare(&listener, config)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            // Resolves on send or when the handle is dropped.
            let _ = stopped.await;
        };
        let served = run(listener, state.clone(), shutdown);
        tokio::spawn(async move {
            if let Err(error) = served.await {
                tracing::error!(%error, "psp server stopped");
            }
        });
        Ok(Psp {
            state,
            addr,
            _stop: stop,
        })
    }

    /// The base URL to point a Stripe client at, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every event emitted so far, with the HTTP status of each delivery attempt.
    pub async fn events(&self) -> Vec<RecordedEvent> {
        self.state.events.all()
    }

    /// Pays `session_id` as the hosted form would; `Err` carries the message the page would show.
    pub async fn pay(&self, session_id: &str, card_number: &str) -> Result<(), String> {
        lifecycle::pay(&self.state, session_id, card_number)
            .map(drop)
            .map_err(|e| e.message())
    }

    /// Expires an open session now (emitting `checkout.session.expired`); otherwise does nothing.
    pub async fn expire_now(&self, session_id: &str) {
        let _ = lifecycle::expire(&self.state, session_id);
    }
}
