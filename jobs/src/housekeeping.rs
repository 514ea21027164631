//! Housekeeping every worker runs on a timer: unpaid orders past their deadline are expired (their stock
//! and promo use released, once each — `SKIP LOCKED` lets several workers share the work without waiting
//! on or repeating each other), and carts idle longer than the configured time are deleted.

use sqlx::PgPool;
use std::time::Duration;

/// How often, and how long a cart may sit untouched.
#[derive(Debug, Clone, Copy)]
pub struct Housekeeping {
    pub every: Duration,
    pub cart_idle: Duration,
}

/// Orders expired per transaction: small enough to keep row locks short.
const BATCH: i64 = 100;

/// Runs forever; a failed round is logged and the next one tries again.
pub async fn run(db: PgPool, plan: Housekeeping) {
    tracing::info!(every = ?plan.every, cart_idle = ?plan.cart_idle, "housekeeping started");
    let mut tick = tokio::time::interval(plan.every.max(Duration::from_millis(100)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = round(&db, plan).await {
            tracing::warn!(%error, "housekeeping round failed; retrying next round");
        }
    }
}

/// One round: expire every due order (in batches), then sweep idle carts. Returns (orders, carts).
pub async fn round(db: &PgPool, plan: Housekeeping) -> anyhow::Result<(u64, u64)> {
    let mut expired = 0;
    loop {
        let n = meridian_store::orders::expire_due(db, BATCH).await?;
        expired += n;
        if n < u64::try_from(BATCH).unwrap_or(u64::MAX) {
            break;
        }
    }
    let carts = meridian_store::carts::sweep_idle(db, plan.cart_idle).await?;
    if expired > 0 || carts > 0 {
        tracing::info!(
            expired_orders = expired,
            deleted_carts = carts,
            "housekeeping"
        );
    }
    Ok((expired, carts))
}
