//! Meridian's data layer on PostgreSQL, shared by the HTTP origin and the jobs worker.
//!
//! It owns the pools ([`Db`]: primary, optional replica, a probe for readiness), the migrations
//! ([`MIGRATOR`]) and every repository. Repositories return typed errors ([`StoreError`], and a
//! rule-specific error where a write can be refused); they never name an HTTP status: mapping errors to
//! responses is the origin's job.

pub mod accounts;
pub mod addresses;
pub mod api_keys;
pub mod carts;
pub mod catalog;
pub mod checkout;
pub mod db;
pub mod error;
pub mod idempotency;
pub mod images;
pub mod inventory;
pub mod notifications;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod promos;
pub mod receipts;
pub mod reports;
pub mod resets;
pub mod stock_alerts;
pub mod verifications;
pub mod webhooks;
pub mod wishlists;

pub use db::{Db, PoolSettings, MIGRATOR};
pub use error::StoreError;

/// A transaction on the primary.
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Postgres>;

/// A lifetime as the seconds `make_interval(secs => …)` takes; capped at `u32::MAX` seconds (136 years),
/// so no lifetime can overflow the interval.
pub(crate) fn seconds(lifetime: std::time::Duration) -> f64 {
    f64::from(u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX))
}
