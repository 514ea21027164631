//! Everything the handlers share: the configuration, the in-memory sessions, the event log, the
//! idempotency keys and the HTTP client for webhooks. Nothing is persisted: a restart forgets it all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::config::PspConfig;
use crate::events::EventLog;
use crate::idempotency::IdempotencyKeys;
use crate::session::Session;

pub(crate) type SharedState = Arc<AppState>;

/// How long one webhook POST may take before it counts as a failed attempt.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) config: PspConfig,
    store: Mutex<Store>,
    pub(crate) events: EventLog,
    pub(crate) idempotency: Arc<IdempotencyKeys>,
    pub(crate) http: reqwest::Client,
}

/// Sessions by id, plus the PaymentIntent index refunds look them up by.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) by_intent: HashMap<String, String>,
}

impl Store {
    pub(crate) fn by_intent_mut(&mut self, intent: &str) -> Option<&mut Session> {
        let id = self.by_intent.get(intent)?;
        self.sessions.get_mut(id)
    }
}

impl AppState {
    pub(crate) fn new(config: PspConfig) -> anyhow::Result<SharedState> {
        config.validate()?;
        let http = reqwest::Client::builder()
            .timeout(WEBHOOK_TIMEOUT)
            .user_agent("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
            .build()?;
        Ok(Arc::new(Self {
            config,
            store: Mutex::default(),
            events: EventLog::default(),
            idempotency: Arc::default(),
            http,
        }))
    }

    /// The store lock; held only for in-memory work, never across an await.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock leaves plain data behind, still usable.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
