//! product-sync's own settings: the supplier's currency, the stock of new variants, and the limits that
//! keep a broken or hostile feed from hiding the catalog or exhausting the worker.

use clap::Args;
use meridian_domain::Currency;

/// Read once by `jobs worker`; every field has an environment variable (see `.env.sample`).
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Currency of the supplier's prices (any ISO 4217 code); a job's payload may name another.
    #[arg(long, env = "SUPPLIER_CURRENCY", default_value = "USD", value_parser = parse_currency)]
    pub currency: Currency,
    /// Stock a newly imported, available variant starts with; re-syncs never overwrite stock.
    #[arg(long, env = "INITIAL_STOCK", default_value_t = 25)]
    pub initial_stock: i32,
    /// Pages read at most (250 products each); a feed with more is refused rather than half-imported.
    #[arg(long, env = "SUPPLIER_MAX_PAGES", default_value_t = 200)]
    pub max_pages: u32,
    /// Largest feed page accepted, in bytes; a bigger one is refused before it fills the memory.
    #[arg(long, env = "SUPPLIER_MAX_PAGE_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_page_bytes: u64,
    /// Share of the live products (in %) a run may archive; more needs a forced run (`--force`).
    #[arg(long, env = "SYNC_MAX_ARCHIVE_PERCENT", default_value_t = 20, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub max_archive_percent: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            currency: Currency::USD,
            initial_stock: 25,
            max_pages: 200,
            max_page_bytes: 32 * 1024 * 1024,
            max_archive_percent: 20,
        }
    }
}

/// Parses an ISO 4217 code for clap.
pub fn parse_currency(code: &str) -> Result<Currency, String> {
    Currency::parse(code).ok_or_else(|| format!("{code:?} is not an ISO 4217 currency code"))
}
