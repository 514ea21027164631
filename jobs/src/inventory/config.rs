//! The inventory settings of `jobs worker`, flattened into its arguments: the feed to sync on a schedule,
//! how big a feed may be, and the store-wide low-stock threshold.

use clap::Args;

/// Read once at start-up.
#[derive(Debug, Clone, Args)]
// Flattened next to other jobs' `Settings`: clap names a group after its struct, and names must differ.
#[group(id = "inventory_settings")]
pub struct Settings {
    /// Also apply this stock-levels CSV every INVENTORY_SYNC_INTERVAL_SECONDS (one run per period across
    /// all workers).
    #[arg(long, env = "INVENTORY_FEED_URL")]
    pub inventory_feed_url: Option<String>,
    #[arg(
        long,
        env = "INVENTORY_SYNC_INTERVAL_SECONDS",
        requires = "inventory_feed_url"
    )]
    pub inventory_sync_every_secs: Option<u64>,
    /// A stock feed larger than this is refused (16 MiB is about half a million rows).
    #[arg(long, env = "INVENTORY_FEED_MAX_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub inventory_feed_max_bytes: u64,
    /// The store-wide low-stock threshold: a `stock.low` event when a variant's stock drops to or
    /// below it. Written to the database at start-up; unset keeps the stored one (5 at first).
    #[arg(long, env = "LOW_STOCK_THRESHOLD", value_parser = clap::value_parser!(i32).range(0..=1_000_000))]
    pub low_stock_threshold: Option<i32>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            inventory_feed_url: None,
            inventory_sync_every_secs: None,
            inventory_feed_max_bytes: 16 * 1024 * 1024,
            low_stock_threshold: None,
        }
    }
}

impl Settings {
    /// The inventory-sync schedule, when a feed and an interval are configured.
    pub fn schedule(
        &self,
        redis_url: &str,
        namespace: &str,
    ) -> Option<impl std::future::Future<Output = ()>> {
        let feed_url = self.inventory_feed_url.clone()?;
        let every = std::time::Duration::from_secs(self.inventory_sync_every_secs?);
        Some(super::schedule::run(
            redis_url.to_owned(),
            namespace.to_owned(),
            feed_url,
            every,
        ))
    }

    /// Writes the configured low-stock threshold, if any.
    pub async fn apply(&self, db: &sqlx::PgPool) -> anyhow::Result<()> {
        if let Some(threshold) = self.low_stock_threshold {
            meridian_store::inventory::set_low_stock_threshold(db, threshold).await?;
            tracing::info!(threshold, "store-wide low-stock threshold set");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;
    use clap::{Args, Command};

    #[test]
    fn the_schedule_needs_a_feed_and_the_threshold_is_bounded() {
        let cmd = Settings::augment_args(Command::new("worker"));
        cmd.clone().debug_assert();
        let parse = |args: &[&str]| cmd.clone().try_get_matches_from(args);
        assert!(parse(&["worker", "--inventory-sync-every-secs", "60"]).is_err());
        assert!(parse(&["worker", "--low-stock-threshold", "-1"]).is_err());
        assert!(parse(&[
            "worker",
            "--inventory-feed-url",
            "https://s.example/stock.csv",
            "--inventory-sync-every-secs",
            "60",
            "--low-stock-threshold",
            "3"
        ])
        .is_ok());
    }
}
