//! Idempotent writes: `claim → replay | proceed → complete`, inside the write's own transaction.
//!
//! A write that carries an `Idempotency-Key` first [`claim`]s it with a fingerprint of the request. A
//! fresh key proceeds; the write then stores its response with [`complete`] and commits both together, so
//! a key is never recorded for a write that did not happen (a refused request rolls its claim back). A
//! key seen before answers with the stored response ([`Claim::Replay`]) when the fingerprint matches, and
//! is refused when it named another request. While the first request is still running, the second
//! waits on the key's row up to `lock_timeout` and is then told to retry ([`ClaimError::InFlight`]).
//! Keys expire after [`KEY_LIFETIME`]; like Stripe's, a key reused after that counts as a new request.

use crate::{StoreError, Tx};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// How long a key is remembered.
pub const KEY_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// The response the first request with a key gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub status: u16,
    pub body: serde_json::Value,
}

/// What to do with a request after claiming its key.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// First time: do the work, then [`complete`].
    Proceed,
    /// Done before: answer with this.
    Replay(Recorded),
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("This Idempotency-Key was already used for another request.")]
    Reused,
    #[error("A request with this Idempotency-Key is still being processed; please retry shortly.")]
    InFlight,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Claims `key` for the request described by `fingerprint` (method, route, target and body: anything
/// that makes two requests different).
pub async fn claim(tx: &mut Tx<'_>, key: &str, fingerprint: &str) -> Result<Claim, ClaimError> {
    let inserted = sqlx::query!(
        "INSERT INTO idempotency_keys (key, scope) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        key,
        fingerprint,
    )
    .execute(&mut **tx)
    .await
    .map_err(busy_is_in_flight)?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Proceed);
    }
    stored(tx, key, fingerprint).await.map(Claim::Replay)
}

/// [`claim`] for a write to cart `cart`, which on a fresh key also takes the cart's row lock and records
/// its activity (what `carts::lock` does), in the same round trip: cart writes are the busiest keyed
/// writes, and each round trip is Postgres CPU. `None`: the key is fresh but there is no such cart (the
/// caller refuses, rolling the claim back).
pub async fn claim_locking_cart(
    tx: &mut Tx<'_>,
    key: &str,
    fingerprint: &str,
    cart: Uuid,
) -> Result<Option<Claim>, ClaimError> {
    // `locked` reads `claimed`, so the cart is locked only after (and only if) the key was claimed: the
    // same order as `claim` then `carts::lock`.
    let done = sqlx::query!(
        r#"WITH claimed AS (
               INSERT INTO idempotency_keys (key, scope) VALUES ($1, $2)
               ON CONFLICT (key) DO NOTHING RETURNING key),
           locked AS (
               UPDATE carts SET updated_at = now()
               WHERE id = $3 AND EXISTS (SELECT 1 FROM claimed) RETURNING id)
           SELECT EXISTS (SELECT 1 FROM claimed) AS "claimed!",
                  EXISTS (SELECT 1 FROM locked) AS "locked!""#,
        key,
        fingerprint,
        cart,
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(busy_is_in_flight)?;
    match (done.claimed, done.locked) {
        (true, true) => Ok(Some(Claim::Proceed)),
        (true, false) => Ok(None),
        (false, _) => stored(tx, key, fingerprint)
            .await
            .map(|r| Some(Claim::Replay(r))),
    }
}

/// Waiting on another request's claim of the same key past `lock_timeout` means it is still running.
fn busy_is_in_flight(err: sqlx::Error) -> ClaimError {
    let err = StoreError::from(err);
    if err.is_busy() {
        ClaimError::InFlight
    } else {
        err.into()
    }
}

/// The recorded answer of a key claimed before, if it was claimed for the same request.
async fn stored(tx: &mut Tx<'_>, key: &str, fingerprint: &str) -> Result<Recorded, ClaimError> {
    let stored = sqlx::query!(
        "SELECT scope, response_status, response_body FROM idempotency_keys WHERE key = $1",
        key
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(StoreError::from)?;
    if stored.scope != fingerprint {
        return Err(ClaimError::Reused);
    }
    tracing::info!("idempotent replay; the write is not applied again");
    // A claim and its response commit together, so a visible claim always has one.
    let (status, body) = stored
        .response_status
        .zip(stored.response_body)
        .ok_or_else(|| StoreError::Corrupt("an idempotency key without its response".into()))?;
    let status = u16::try_from(status).map_err(|_| StoreError::Corrupt("bad status".into()))?;
    Ok(Recorded { status, body })
}

/// Stores the response of the request that claimed `key`; commit it with the write itself.
pub async fn complete(
    tx: &mut Tx<'_>,
    key: &str,
    status: u16,
    body: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE idempotency_keys SET response_status = $2, response_body = $3 WHERE key = $1",
        key,
        i16::try_from(status).unwrap_or(i16::MAX),
        body,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes the keys older than `lifetime`; returns how many.
pub async fn forget_expired(pool: &PgPool, lifetime: Duration) -> Result<u64, StoreError> {
    let seconds = f64::from(u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX));
    let done = sqlx::query!(
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)",
        seconds,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Sweeps expired keys every hour, forever. Every origin instance runs it: the delete is idempotent, so
/// running it on several at once is harmless. A failed sweep is logged and retried next hour.
pub async fn sweep(pool: PgPool) {
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
