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
