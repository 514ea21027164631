//! The catalog tables: reads for the storefront and the snapshot, the supplier import, the sync-run log.

pub mod archive;
pub mod cards;
mod counts;
pub mod import;
pub mod read;
pub mod runs;

pub use cards::load_cards;
pub use read::{categories, load_products, ProductFilter};

use crate::StoreError;
use meridian_domain::{Currency, Money};

/// A price column pair as `Money`: the one place a stored currency code is parsed.
pub(crate) fn money(minor: i64, currency: &str) -> Result<Money, StoreError> {
    Currency::parse(currency)
        .map(|c| Money::new(minor, c))
        .ok_or_else(|| StoreError::Corrupt(format!("unknown currency {currency:?}")))
}

/// `LIMIT` and `OFFSET` as Postgres takes them. Far beyond any catalog there is nothing to skip to or
/// return, so huge values saturate instead of failing; the cap leaves room for `offset + limit` in SQL.
pub(crate) fn page_bounds(limit: u64, offset: u64) -> (i64, i64) {
    const CAP: u64 = 1 << 60;
    let clamp = |n: u64| i64::try_from(n.min(CAP)).unwrap_or(i64::MAX);
    (clamp(limit), clamp(offset))
}
