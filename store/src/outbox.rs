//! The transactional outbox: a row written in the same transaction as the change it announces, so what
//! follows (emails, notifications, webhooks) is never lost and never announced for a change that rolled
//! back. The jobs' relay reads unsent rows in order and marks them sent.

use crate::{StoreError, Tx};

/// Topics the relay routes on.
pub mod topic {
    pub const ORDER_PLACED: &str = "order.placed";
    pub const ORDER_PAID: &str = "order.paid";
    pub const ORDER_EXPIRED: &str = "order.expired";
    pub const ORDER_CANCELLED: &str = "order.cancelled";
    pub const ORDER_FULFILLED: &str = "order.fulfilled";
    pub const ORDER_REFUNDED: &str = "order.refunded";
}

/// Queues `payload` under `topic` as part of the caller's transaction.
pub async fn push(
    tx: &mut Tx<'_>,
    topic: &str,
    payload: serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO outbox (topic, payload) VALUES ($1, $2)",
        topic,
        payload
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
