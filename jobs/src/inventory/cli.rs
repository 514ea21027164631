//! `jobs inventory-sync --feed-url … [--wait SECS]`: enqueue one inventory sync, and optionally wait until
//! a worker has recorded its run (or it has failed for good).

use super::InventorySync;
use crate::config::QueueArgs;
use crate::dead_letters::DeadLetters;
use crate::queue::Queues;
use clap::Args;
use meridian_store::inventory::feed::last_run;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Args)]
pub struct EnqueueArgs {
    /// The supplier's stock-levels CSV (`sku,on_hand`).
    #[arg(long, env = "INVENTORY_FEED_URL")]
    pub feed_url: String,
    /// Wait (up to this many seconds) until a worker has recorded the run; needs DATABASE_URL.
    #[arg(long)]
    pub wait: Option<u64>,
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl EnqueueArgs {
    pub async fn run(self, queue: &QueueArgs) -> anyhow::Result<()> {
        let db = match (self.wait, &self.database_url) {
            (Some(_), Some(url)) => Some(sqlx::PgPool::connect(url).await?),
            (Some(_), None) => anyhow::bail!("--wait needs DATABASE_URL to see the run finish"),
            _ => None,
        };
        let before = match &db {
            Some(db) => last_run(db).await?,
            None => None,
        };
        let queues = Queues::connect(&queue.redis_url, &queue.namespace).await?;
        let dead = DeadLetters::new(&queues);
        let dead_before = dead.list().await?.last().map(|l| l.id);
        queues
            .enqueue(InventorySync {
                feed_url: self.feed_url,
            })
            .await?;
        println!("enqueued inventory-sync");
        let (Some(secs), Some(db)) = (self.wait, db) else {
            return Ok(());
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(secs) {
            if last_run(&db).await? > before {
                println!("inventory-sync finished in {:.1?}", started.elapsed());
                return Ok(());
            }
            let letters = dead.list().await?;
            if let Some(l) = letters
                .iter()
                .rev()
                .find(|l| Some(l.id) > dead_before && l.job == <InventorySync as crate::Job>::NAME)
            {
                anyhow::bail!(
                    "inventory-sync failed for good (dead letter {}): {}",
                    l.id,
                    l.error
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        anyhow::bail!("no inventory-sync finished within {secs}s: is `jobs worker` running?")
    }
}
