//! One attempt at a delivery: sign the frozen body with a fresh timestamp, POST it, record how it went.
//! A 2xx answer delivers it; anything else is an error for the worker to retry, and the attempt the
//! worker will not retry marks the delivery failed with its error.

use super::signature::sign;
use super::Settings;
use meridian_store::webhooks::{self, Attempt};
use sqlx::PgPool;
use std::time::{SystemTime, UNIX_EPOCH};

/// Longest error text kept on a delivery (a receiver's error page can be large).
const MAX_ERROR_LEN: usize = 300;

pub(super) async fn attempt(db: &PgPool, settings: &Settings, id: i64) -> anyhow::Result<()> {
    // Gone (its endpoint was deleted) or already delivered: nothing to send.
    let Some(delivery) = webhooks::delivery(db, id).await? else {
        return Ok(());
    };
    if delivery.status == "delivered" {
        return Ok(());
    }
    let body = serde_json::to_vec(&delivery.body)?;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let signature = sign(&delivery.secret, &delivery.message_id, timestamp, &body)
        .map_err(|e| crate::job::refusal(e.to_string()))?;
    let sent = settings
        .http
        .post(&delivery.url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    let last = usize::try_from(delivery.attempts).unwrap_or(0) + 1 >= settings.attempts;
    let outcome = match sent {
        Ok(res) if res.status().is_success() => Attempt::Delivered {
            status: i32::from(res.status().as_u16()),
        },
        Ok(res) => Attempt::Failed {
            status: Some(i32::from(res.status().as_u16())),
            error: format!("the receiver answered {}", res.status()),
            last,
        },
        // Without the URL: an endpoint's URL may carry a token of the receiver's in its query.
        Err(e) => Attempt::Failed {
            status: None,
            error: shorten(&format!("{:#}", anyhow::Error::new(e.without_url()))),
            last,
        },
    };
    webhooks::record_attempt(db, id, &outcome).await?;
    match outcome {
        Attempt::Delivered { .. } => Ok(()),
        Attempt::Failed { error, .. } => Err(anyhow::anyhow!("webhook delivery {id}: {error}")),
    }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_LEN) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
