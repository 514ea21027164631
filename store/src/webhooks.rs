//! Outgoing webhooks: the endpoints store owners register and one delivery row per (endpoint, event). The
//! admin API writes endpoints and asks for replays; the jobs fan events out into deliveries and record each
//! attempt. The endpoint's secret is read only by [`delivery`] (to sign) and returned only by [`create`].

use crate::outbox::{self, topic};
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

/// The outbox topics an endpoint may subscribe to: order and catalog events. Account and email topics
/// (password resets, verification links, stock-alert addresses) carry one person's secrets and never leave.
pub const TOPICS: &[&str] = &[
    topic::ORDER_PLACED,
    topic::ORDER_PAID,
    topic::ORDER_EXPIRED,
    topic::ORDER_CANCELLED,
    topic::ORDER_FULFILLED,
    topic::ORDER_REFUNDED,
    topic::PRODUCT_CHANGED,
    topic::PRODUCT_ARCHIVED,
];

/// Outbox topic of a replay the admin API asked for: `{delivery}`.
pub const REPLAY_TOPIC: &str = "webhook.replay";

/// An endpoint as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub topics: Vec<String>,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// Registers an endpoint with its (server-made) `secret`.
pub async fn create(
    pool: &PgPool,
    url: &str,
    topics: &[String],
    description: &str,
    secret: &str,
) -> Result<Endpoint, StoreError> {
    Ok(sqlx::query_as!(
        Endpoint,
        "INSERT INTO webhook_endpoints (url, topics, description, secret) VALUES ($1, $2, $3, $4)
         RETURNING id, url, topics, description, created_at",
        url,
        topics,
        description,
        secret
    )
    .fetch_one(pool)
    .await?)
}

/// Every endpoint, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<Endpoint>, StoreError> {
    Ok(sqlx::query_as!(
        Endpoint,
        "SELECT id, url, topics, description, created_at FROM webhook_endpoints ORDER BY id"
    )
    .fetch_all(pool)
    .await?)
}

/// Deletes an endpoint and its deliveries (a delivery job still queued then finds nothing to send).
pub async fn delete(pool: &PgPool, id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query!("DELETE FROM webhook_endpoints WHERE id = $1", id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One delivery as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub event_id: i64,
    pub message_id: String,
    pub topic: String,
    /// `pending`, `delivered` or `failed` (the last attempt failed and retries are over).
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub response_status: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The newest `limit` deliveries of endpoint `endpoint`; `None` if there is no such endpoint.
pub async fn deliveries(
    pool: &PgPool,
    endpoint: i64,
    limit: i64,
) -> Result<Option<Vec<Delivery>>, StoreError> {
    let exists = sqlx::query_scalar!("SELECT id FROM webhook_endpoints WHERE id = $1", endpoint)
        .fetch_optional(pool)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let rows = sqlx::query_as!(
        Delivery,
        "SELECT id, event_id, message_id, topic, status, attempts, last_error, response_status,
                created_at, last_attempt_at, delivered_at
         FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2",
        endpoint,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(Some(rows))
}

/// Asks for delivery `delivery` of endpoint `endpoint` to be sent again: it is pending again with its
/// attempts counted afresh, and a [`REPLAY_TOPIC`] outbox row (same transaction) gets a job to send it.
/// False if the endpoint has no such delivery.
pub async fn replay(tx: &mut Tx<'_>, endpoint: i64, delivery: i64) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0
         WHERE id = $1 AND endpoint_id = $2",
        delivery,
        endpoint
    )
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    outbox::push(
        tx,
        REPLAY_TOPIC,
        serde_json::json!({ "delivery": delivery }),
    )
    .await?;
    Ok(true)
}

/// Records one delivery per endpoint subscribed to `topic` for outbox event `event_id` (none twice), and
/// returns every delivery of the event still pending: on a retry after a crash, those not sent yet.
pub async fn fan_out(
    pool: &PgPool,
    event_id: i64,
    topic: &str,
    body: &serde_json::Value,
) -> Result<Vec<i64>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, topic, body)
         SELECT id, $1, $2, $3 FROM webhook_endpoints WHERE $2 = ANY(topics)
         ON CONFLICT (endpoint_id, event_id) DO NOTHING",
        event_id,
        topic,
        body
    )
    .execute(&mut *tx)
    .await?;
    let pending = sqlx::query_scalar!(
        "SELECT id FROM webhook_deliveries WHERE event_id = $1 AND status = 'pending' ORDER BY id",
        event_id
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(pending)
}

/// What an attempt needs: where, with which secret, what, and whether it is still to be sent.
#[derive(Clone)]
pub struct Outgoing {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub message_id: String,
    pub body: serde_json::Value,
    pub status: String,
    pub attempts: i32,
}

/// Shows everything but the secret, so a logged delivery cannot leak it.
impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("message_id", &self.message_id)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Delivery `id` with its endpoint's URL and secret; `None` once the endpoint (or delivery) is gone.
pub async fn delivery(pool: &PgPool, id: i64) -> Result<Option<Outgoing>, StoreError> {
    Ok(sqlx::query_as!(
        Outgoing,
        "SELECT d.id, e.url, e.secret, d.message_id, d.body, d.status, d.attempts
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.id = $1",
        id
    )
    .fetch_optional(pool)
    .await?)
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered {
        status: i32,
    },
    /// Failed; `last` when no retry follows (the delivery is then `failed`).
    Failed {
        status: Option<i32>,
        error: String,
        last: bool,
    },
}

/// Records an attempt at delivery `id`.
pub async fn record_attempt(pool: &PgPool, id: i64, attempt: &Attempt) -> Result<(), StoreError> {
    let (status, response, error) = match attempt {
        Attempt::Delivered { status } => ("delivered", Some(*status), None),
        Attempt::Failed {
            status,
            error,
            last,
        } => (
            if *last { "failed" } else { "pending" },
            *status,
            Some(error.as_str()),
        ),
    };
    sqlx::query!(
        "UPDATE webhook_deliveries
         SET status = $2, attempts = attempts + 1, response_status = $3, last_error = $4,
             last_attempt_at = now(),
             delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
         WHERE id = $1",
        id,
        status,
        response,
        error
    )
    .execute(pool)
    .await?;
    Ok(())
}
