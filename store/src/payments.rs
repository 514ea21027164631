//! Provider events already applied. The event's id is recorded in the same transaction as its effect, so
//! a redelivered (or duplicated) webhook finds it and changes nothing, and an effect that rolled back
//! leaves the event free to be applied when the provider retries.

use crate::{StoreError, Tx};

/// Records event `id`; false if it was recorded before (the caller then does nothing).
pub async fn first_time(
    tx: &mut Tx<'_>,
    id: &str,
    event_type: &str,
    order_id: Option<i64>,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query!(
        "INSERT INTO payment_events (provider_event_id, event_type, order_id) VALUES ($1, $2, $3)
         ON CONFLICT (provider_event_id) DO NOTHING",
        id,
        event_type,
        order_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
