//! Payments through a provider's hosted page, so card data never touches the store. [`PaymentProvider`] is
//! what checkout needs from any provider; [`stripe::Stripe`] is the real adapter (Stripe's API over
//! reqwest, base URL from configuration: the local stand-in in tests, api.stripe.com in production).

pub mod signature;
pub mod stripe;
pub(crate) mod webhook;

use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A hosted payment page for one order. The provider charges exactly `amount_minor`: our total.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    pub order_token: String,
    pub order_number: String,
    pub email: String,
    pub currency: String,
    pub amount_minor: i64,
    pub item_count: u32,
    pub success_url: String,
    pub cancel_url: String,
    /// Unix seconds: the page stops taking payment then (our order's deadline).
    pub expires_at: i64,
    /// The same key gets the same session back from the provider, never a second one.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub payment_intent: String,
    pub amount_minor: i64,
    pub reason: String,
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundDone {
    pub id: String,
    pub amount_minor: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused the request (4xx): retrying it will not help.
    #[error("the payment provider refused: {0}")]
    Refused(String),
    /// Network trouble or a 5xx: retrying later may succeed.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    #[error("payments are not configured")]
    NotConfigured,
}

/// A verified provider event, reduced to what the store acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderEvent {
    /// The hosted page took the payment.
    Paid {
        session: String,
        order_token: Option<String>,
        payment_intent: String,
    },
    /// The hosted page expired unpaid.
    SessionExpired {
        session: String,
        order_token: Option<String>,
    },
    /// A card was declined; the page stays open for another try.
    PaymentFailed {
        order_token: Option<String>,
        message: String,
    },
    /// Anything else (refund notices, …): acknowledged, not acted on.
    Ignored,
}

/// A webhook delivery, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub event_id: String,
    pub event_type: String,
    pub event: ProviderEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("missing or malformed signature header")]
    Malformed,
    #[error("signature timestamp is outside the tolerance")]
    Stale,
    #[error("signature does not match")]
    Mismatch,
    #[error("the payload is not an event: {0}")]
    Payload(String),
}

pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    fn create_session(
        &self,
        request: SessionRequest,
    ) -> BoxFuture<'_, Result<Session, ProviderError>>;
    fn refund(&self, request: RefundRequest) -> BoxFuture<'_, Result<RefundDone, ProviderError>>;
    /// Verifies and decodes a webhook delivery; `now` is unix seconds.
    fn webhook(
        &self,
        payload: &[u8],
        signature: Option<&str>,
        now: i64,
    ) -> Result<Webhook, WebhookError>;
}

/// Stands in when no provider is configured: every call says so (503 to the shopper).
#[derive(Debug)]
pub struct Unconfigured;

impl PaymentProvider for Unconfigured {
    fn create_session(&self, _: SessionRequest) -> BoxFuture<'_, Result<Session, ProviderError>> {
        Box::pin(async { Err(ProviderError::NotConfigured) })
    }
    fn refund(&self, _: RefundRequest) -> BoxFuture<'_, Result<RefundDone, ProviderError>> {
        Box::pin(async { Err(ProviderError::NotConfigured) })
    }
    fn webhook(&self, _: &[u8], _: Option<&str>, _: i64) -> Result<Webhook, WebhookError> {
        Err(WebhookError::Malformed)
    }
}
