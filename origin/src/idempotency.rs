//! Expiry of idempotency keys. A key only has to outlive the retries of its own request (seconds to
//! minutes), so keys older than a day are deleted, hourly, by every origin instance: the delete is
//! idempotent, so running it on several at once is harmless. Like Stripe's, a key reused after expiry
//! counts as a new request.

use sqlx::PgPool;
use std::time::Duration;

/// How long a key is remembered.
pub const KEY_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// Deletes the keys older than `lifetime`; returns how many.
pub async fn forget_expired(pool: &PgPool, lifetime: Duration) -> anyhow::Result<u64> {
    let seconds = f64::from(u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX));
    let done = sqlx::query!(
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)",
        seconds,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Sweeps expired keys every hour, forever; a failed sweep is logged and retried next hour.
pub(crate) async fn sweep(pool: PgPool) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        match forget_expired(&pool, KEY_LIFETIME).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired idempotency keys deleted"),
            Err(error) => tracing::warn!(%error, "could not delete expired idempotency keys"),
        }
    }
}
