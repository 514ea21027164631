//! What every handler shares: the database, the edge's credential, the shutdown flag, the store's selling
//! settings and the payment provider.

use crate::accounts::limits::{self, AttemptLimits};
use crate::accounts::tokens::SessionKeys;
use crate::auth::EdgeCredential;
use crate::error::ApiError;
use crate::payments::{PaymentProvider, Unconfigured};
use meridian_domain::StoreSettings;
use meridian_store::Db;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Shared by every handler: cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    /// Who may call: the edge's shared secret.
    pub edge: EdgeCredential,
    /// Set on SIGTERM: readiness fails so load balancers drain this instance before it stops.
    pub draining: Arc<AtomicBool>,
    pub selling: Arc<Selling>,
    pub payments: Arc<dyn PaymentProvider>,
    /// The key session tokens are signed with; `None`: accounts are off (503), see `SESSION_SIGNING_KEY`.
    pub sessions: Option<Arc<SessionKeys>>,
    /// Sign-in, sign-up and password attempts per key.
    pub attempts: Arc<AttemptLimits>,
    /// Cart and checkout writes per client address (see `throttle`).
    pub writes: Arc<AttemptLimits>,
    /// Where the daily sales reports are (`REPORTS_STORE`); `None`: reports answer 503.
    pub reports: Option<meridian_runtime::objects::Objects>,
    /// Where the imported product images are (`IMAGES_STORE`); `None`: `/images/…` answers 404.
    pub images: Option<meridian_runtime::objects::Objects>,
}

/// How the store sells: settings from the owner, the buyer-facing URL, the payment window.
#[derive(Debug)]
pub struct Selling {
    pub settings: StoreSettings,
    /// The storefront's public URL, without a trailing slash.
    pub store_url: String,
    pub pay_within: Duration,
}

impl AppState {
    /// A state with the demo store's settings and no payment provider; see [`AppState::selling`] and
    /// [`AppState::with_payments`].
    pub fn new(db: Db, edge_secret: &str) -> Self {
        let settings = serde_json::from_str(include_str!("../../demo/store.json"))
            .expect("the bundled demo settings parse (checked by a domain test)");
        Self {
            db,
            edge: EdgeCredential::new(edge_secret),
            draining: Arc::new(AtomicBool::new(false)),
            selling: Arc::new(Selling {
                settings,
                store_url: "http://127.0.0.1:8787".into(),
                pay_within: Duration::from_secs(30 * 60),
            }),
            payments: Arc::new(Unconfigured),
            sessions: None,
            attempts: Arc::new(AttemptLimits::per_minute(limits::DEFAULT_PER_MINUTE)),
            writes: Arc::new(AttemptLimits::per_minute(limits::DEFAULT_WRITES_PER_MINUTE)),
            reports: None,
            images: None,
        }
    }

    #[must_use]
    pub fn selling(mut self, selling: Selling) -> Self {
        self.selling = Arc::new(selling);
        self
    }

    #[must_use]
    pub fn with_attempts_per_minute(mut self, per_minute: u32) -> Self {
        self.attempts = Arc::new(AttemptLimits::per_minute(per_minute));
        self
    }

    #[must_use]
    pub fn with_writes_per_minute(mut self, per_minute: u32) -> Self {
        self.writes = Arc::new(AttemptLimits::per_minute(per_minute));
        self
    }

    #[must_use]
    pub fn with_reports(mut self, store: meridian_runtime::objects::Objects) -> Self {
        self.reports = Some(store);
        self
    }

    #[must_use]
    pub fn with_images(mut self, store: meridian_runtime::objects::Objects) -> Self {
        self.images = Some(store);
        self
    }

    #[must_use]
    pub fn with_sessions(mut self, keys: SessionKeys) -> Self {
        self.sessions = Some(Arc::new(keys));
        self
    }

    /// The session key, or 503 when this deployment has none configured.
    pub(crate) fn session_keys(&self) -> Result<&SessionKeys, ApiError> {
        self.sessions.as_deref().ok_or_else(|| {
            ApiError::refused(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "accounts_off",
                "Accounts are not available right now.",
            )
        })
    }

    #[must_use]
    pub fn with_payments(mut self, provider: Arc<dyn PaymentProvider>) -> Self {
        self.payments = provider;
        self
    }
}
