//! product-sync's own settings: the supplier's currency, the stock of new variants, and the limits that
//! keep a broken or hostile feed from hiding the catalog or exhausting the worker.

use clap::Args;
use meridian_domain::Currency;

const INITIAL_STOCK: i32 = 25;
const MAX_PAGES: u32 = 200;
const MAX_PAGE_BYTES: u64 = 32 * 1024 * 1024;
const MAX_ARCHIVE_PERCENT: u8 = 20;

/// Read once by `jobs worker`; every field has an environment variable (see `.env.sample`).
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Currency of the supplier's prices (any ISO 4217 code); a job's payload may name another.
    #[arg(long, env = "SUPPLIER_CURRENCY", default_value = "USD", value_parser = parse_currency)]
    pub currency: Currency,
    /// Stock a newly imported, available variant starts with; re-syncs never overwrite stock.
    #[arg(long, env = "INITIAL_STOCK", default_value_t = INITIAL_STOCK)]
    pub initial_stock: i32,
    /// Pages read at most (250 products each); a feed with more is refused rather than half-imported.
    #[arg(long, env = "SUPPLIER_MAX_PAGES", default_value_t = MAX_PAGES)]
    pub max_pages: u32,
    /// Largest feed page accepted, in bytes; a bigger one is refused before it fills the memory.
    #[arg(long, env = "SUPPLIER_MAX_PAGE_BYTES", default_value_t = MAX_PAGE_BYTES)]
    pub max_page_bytes: u64,
    /// Share of the live products (in %) a run may archive; more needs a forced run (`--force`).
    #[arg(long, env = "SYNC_MAX_ARCHIVE_PERCENT", default_value_t = MAX_ARCHIVE_PERCENT, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub max_archive_percent: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            currency: Currency::USD,
            initial_stock: INITIAL_STOCK,
            max_pages: MAX_PAGES,
            max_page_bytes: MAX_PAGE_BYTES,
            max_archive_percent: MAX_ARCHIVE_PERCENT,
        }
    }
}

/// Parses an ISO 4217 code for clap.
pub fn parse_currency(code: &str) -> Result<Currency, String> {
    Currency::parse(code).ok_or_else(|| format!("{code:?} is not an ISO 4217 currency code"))
}
