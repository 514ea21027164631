//! Webhook delivery as Stripe does it: `Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`,
//! each attempt re-signed with a fresh timestamp, retried with doubling backoff on any non-2xx or
//! connection error. Every delivery is its own task so one slow event never holds up another. [`emit`]
//! builds an event once, records it, and schedules its deliveries.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use serde_json::{json, Value};

use crate::events::{RecordedEvent, API_VERSION};
use crate::session::{new_id, now};
use crate::state::SharedState;

/// How much later the second copy goes out under `duplicate_deliveries`.
const DUPLICATE_GAP: Duration = Duration::from_millis(100);

/// The `Stripe-Signature` header value for `payload` signed at `timestamp` (unix seconds).
pub fn sign(secret: &str, timestamp: i64, payload: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Starts the delivery task(s) for one event; a no-op without a webhook URL.
pub(crate) fn schedule(state: &SharedState, event_id: String, payload: Arc<str>) {
    let Some(url) = state.config.webhook_url.clone() else {
        return;
    };
    let copies = if state.config.duplicate_deliveries {
        2
    } else {
        1
    };
    for copy in 0..copies {
        let (state, url, event_id, payload) = (
            state.clone(),
            url.clone(),
            event_id.clone(),
            payload.clone(),
        );
        tokio::spawn(async move {
            let mut delay = state.config.webhook_delay + random_up_to(state.config.shuffle_max);
            if copy > 0 {
                delay += DUPLICATE_GAP;
            }
            tokio::time::sleep(delay).await;
            deliver(&state, &url, &event_id, &payload).await;
        });
    }
}

/// Attempts until a 2xx or `max_attempts`, recording each status.
async fn deliver(state: &SharedState, url: &str, event_id: &str, payload: &str) {
    let config = &state.config;
    for attempt in 0..config.max_attempts {
        if attempt > 0 {
            tokio::time::sleep(backoff(config.retry_base, attempt)).await;
        }
        let status = post_once(state, url, payload).await;
        state.events.record_attempt(event_id, status);
        if (200..300).contains(&status) {
            tracing::info!(event = %event_id, attempt = attempt + 1, "webhook delivered");
            return;
        }
        tracing::warn!(event = %event_id, attempt = attempt + 1, status, "webhook attempt failed");
    }
    tracing::error!(event = %event_id, "webhook delivery gave up");
}

/// One signed POST; 0 stands for "no HTTP answer" (refused, reset, timed out).
async fn post_once(state: &SharedState, url: &str, payload: &str) -> u16 {
    let signature = sign(&state.config.webhook_secret, now(), payload);
    let sent = state
        .http
        .post(url)
        .header("content-type", "application/json; charset=utf-8")
        .header("stripe-signature", signature)
        .body(payload.to_owned())
        .send()
        .await;
    sent.map(|response| response.status().as_u16()).unwrap_or(0)
}

/// `base × 2^(attempt-1)`, capped so a large attempt count cannot overflow.
fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1 << (attempt - 1).min(16))
}

fn random_up_to(max: Duration) -> Duration {
    let max_ms = max.as_millis() as u64;
    if max_ms == 0 {
        return Duration::ZERO;
    }
    // A v4 UUID is 122 random bits; enough randomness for jitter without another dependency.
    let random = uuid::Uuid::new_v4().as_u128() as u64;
    Duration::from_millis(random % (max_ms + 1))
}

/// Emits `event_type` about `object`: records it and schedules its webhook deliveries.
pub(crate) fn emit(state: &SharedState, event_type: &str, object: Value) {
    let id = new_id("evt_");
    let pending = u8::from(state.config.webhook_url.is_some());
    let payload = json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": now(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": pending,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
    })
    .to_string();
    tracing::info!(event = %id, %event_type, "event emitted");
    let payload: Arc<str> = payload.into();
    state.events.push(RecordedEvent {
        id: id.clone(),
        event_type: event_type.to_owned(),
        payload: payload.to_string(),
        attempts: Vec::new(),
    });
    schedule(state, id, payload);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_stripe_scheme() {
        // Computed outside Rust (Python's hmac module) over "1700000000.{}".
        let expected =
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91";
        assert_eq!(sign("whsec_test", 1_700_000_000, "{}"), expected);
    }

    #[test]
    fn backoff_doubles() {
        let base = Duration::from_millis(500);
        assert_eq!(backoff(base, 1), base);
        assert_eq!(backoff(base, 3), Duration::from_millis(2000));
    }
}
