//! Command-line and environment configuration, read once at start-up (`.env.sample` lists every
//! variable with its default). Each job's own settings live in its folder and are flattened in here.

use crate::product_sync::{self, parse_currency};
use crate::worker::RetrySettings;
use crate::{http_client, EdgeTarget, JobContext};
use anyhow::Context;
use clap::{Args, Subcommand};
use meridian_domain::api::{is_loopback_host, MIN_SECRET_LEN};
use meridian_domain::Currency;
use std::path::PathBuf;
use std::time::Duration;

/// Where the queues are; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct QueueArgs {
    #[arg(
        long,
        env = "REDIS_URL",
        default_value = "redis://127.0.0.1:6379",
        global = true
    )]
    pub redis_url: String,
    /// Prefix of every queue, so several deployments or test runs can share one Redis.
    #[arg(
        long,
        env = "JOBS_NAMESPACE",
        default_value = "meridian",
        global = true
    )]
    pub namespace: String,
}

/// `jobs worker`.
#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// The edge to publish the catalog to; without it syncs import only.
    #[arg(long, env = "EDGE_URL")]
    pub edge_url: Option<String>,
    #[arg(long, env = "PUBLISH_TOKEN", hide_env_values = true)]
    pub publish_token: Option<String>,
    /// Also sync this feed every `--sync-every-secs` (one sync per period across all workers).
    #[arg(long, env = "SUPPLIER_FEED_URL")]
    pub feed_url: Option<String>,
    #[arg(long, env = "SYNC_INTERVAL_SECONDS", requires = "feed_url")]
    pub sync_every_secs: Option<u64>,
    #[command(flatten)]
    pub retry: RetryArgs,
    #[command(flatten)]
    pub relay: RelayArgs,
    #[command(flatten)]
    pub product_sync: product_sync::Settings,
    #[command(flatten)]
    pub notify: crate::notify::NotifyArgs,
    #[command(flatten)]
    pub inventory: crate::inventory::Settings,
    #[command(flatten)]
    pub webhooks: crate::webhooks::WebhookArgs,
    #[command(flatten)]
    pub reports: crate::reports::ReportArgs,
    #[command(flatten)]
    pub images: crate::images::ImageArgs,
    /// Expire unpaid orders and sweep idle carts this often.
    #[arg(long, env = "HOUSEKEEPING_INTERVAL_SECONDS", default_value_t = 30)]
    pub housekeeping_every_secs: u64,
    /// A cart untouched this long is deleted (unless an unpaid order still points at it).
    #[arg(long, env = "CART_IDLE_DAYS", default_value_t = 30)]
    pub cart_idle_days: u64,
}

impl WorkerArgs {
    pub fn housekeeping(&self) -> crate::housekeeping::Housekeeping {
        crate::housekeeping::Housekeeping {
            every: Duration::from_secs(self.housekeeping_every_secs.max(1)),
            cart_idle: Duration::from_secs(self.cart_idle_days.max(1) * 24 * 60 * 60),
        }
    }
}

/// How failing jobs are retried before they go to the dead letters.
#[derive(Debug, Clone, Args)]
pub struct RetryArgs {
    /// Attempts after the first failure.
    #[arg(long, env = "JOBS_MAX_RETRIES", default_value_t = 4)]
    pub max_retries: usize,
    /// Wait before the first retry, in milliseconds; doubles each time.
    #[arg(long, env = "JOBS_RETRY_BACKOFF_MS", default_value_t = 1000)]
    pub retry_backoff_ms: u64,
    /// Longest wait between retries, in seconds.
    #[arg(long, env = "JOBS_RETRY_BACKOFF_MAX_SECONDS", default_value_t = 60)]
    pub retry_backoff_max_secs: u64,
}

/// The outbox relay every worker runs (several relays share the rows; see `relay`).
#[derive(Debug, Clone, Args)]
pub struct RelayArgs {
    /// Run the outbox relay in this worker.
    #[arg(long = "relay", env = "JOBS_RELAY", default_value_t = true, action = clap::ArgAction::Set)]
    pub enabled: bool,
    /// Longest wait between looks at the outbox when no notification arrives, in milliseconds.
    #[arg(long, env = "RELAY_POLL_MS", default_value_t = 2000)]
    pub relay_poll_ms: u64,
    /// An event whose jobs have not all reported after this many seconds is sent to them again.
    #[arg(long, env = "RELAY_REDELIVER_SECONDS", default_value_t = 300)]
    pub relay_redeliver_secs: u64,
}

impl RelayArgs {
    pub fn settings(&self) -> crate::relay::RelaySettings {
        crate::relay::RelaySettings {
            poll: Duration::from_millis(self.relay_poll_ms.max(10)),
            redeliver_after: Duration::from_secs(self.relay_redeliver_secs.max(1)),
            ..crate::relay::RelaySettings::default()
        }
    }
}

impl RetryArgs {
    pub fn settings(&self) -> RetrySettings {
        RetrySettings {
            retries: self.max_retries,
            min_backoff: Duration::from_millis(self.retry_backoff_ms.max(1)),
            max_backoff: Duration::from_secs(self.retry_backoff_max_secs),
        }
    }
}

impl WorkerArgs {
    /// The clients every job shares.
    pub async fn context(&self) -> anyhow::Result<JobContext> {
        let edge = match (&self.edge_url, &self.publish_token) {
            (Some(url), Some(token)) => Some(edge_target(url, token)?),
            (Some(_), None) => anyhow::bail!("EDGE_URL is set but PUBLISH_TOKEN is not"),
            _ => None,
        };
        // Imports run longer statements than API requests; the timeouts still stop a runaway one.
        let settings = meridian_store::PoolSettings {
            // Jobs, housekeeping, the relay and the publisher's lock each hold one at times.
            max_connections: 8,
            statement_timeout: Duration::from_secs(60),
            lock_timeout: Duration::from_secs(10),
            ..meridian_store::PoolSettings::default()
        };
        let db = meridian_store::db::pool(&self.database_url, settings)
            .await
            .context("connecting to DATABASE_URL")?;
        Ok(JobContext {
            db,
            http: http_client(),
            edge,
        })
    }
}

/// `jobs enqueue`: a product sync.
#[derive(Debug, Clone, Args)]
pub struct EnqueueArgs {
    #[arg(long, env = "SUPPLIER_FEED_URL")]
    pub feed_url: String,
    /// Currency of this feed's prices (ISO 4217); default: the worker's SUPPLIER_CURRENCY.
    #[arg(long, value_parser = parse_currency)]
    pub currency: Option<Currency>,
    /// Archive whatever the feed no longer lists, even more than SYNC_MAX_ARCHIVE_PERCENT of the catalog.
    #[arg(long)]
    pub force: bool,
    /// Wait (up to this many seconds) until a worker has recorded the run; needs DATABASE_URL.
    #[arg(long)]
    pub wait: Option<u64>,
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

/// `jobs dead-letters …`: jobs that failed for good.
#[derive(Debug, Clone, Subcommand)]
pub enum DeadLetterCommand {
    /// List them, oldest first.
    List,
    /// Show one in full (payload pretty-printed, the error, when it failed).
    Show { id: u64 },
    /// Enqueue one (by id) or all of them again, as they were.
    Retry {
        #[arg(required_unless_present = "all")]
        id: Option<u64>,
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
}

/// `jobs supplier`: the local stand-in for a supplier (dev and tests only).
#[derive(Debug, Clone, Args)]
pub struct SupplierArgs {
    #[arg(long, default_value = "127.0.0.1:8082")]
    pub listen: std::net::SocketAddr,
    #[arg(long, default_value = "demo/products.json")]
    pub feed: PathBuf,
    /// Stock levels served as `/inventory.csv` (when the file exists).
    #[arg(long, default_value = "demo/stock.csv")]
    pub stock: PathBuf,
}

/// Where to publish, checked at startup: the token is long enough not to be guessed, and it only
/// travels over `https` (plain `http` only to this machine).
fn edge_target(url: &str, token: &str) -> anyhow::Result<EdgeTarget> {
    anyhow::ensure!(
        token.len() >= MIN_SECRET_LEN,
        "PUBLISH_TOKEN must be at least {MIN_SECRET_LEN} bytes (e.g. `openssl rand -hex 32`)"
    );
    let parsed =
        reqwest::Url::parse(url).with_context(|| format!("EDGE_URL {url:?} is not a URL"))?;
    let local = parsed.scheme() == "http" && parsed.host_str().is_some_and(is_loopback_host);
    anyhow::ensure!(
        parsed.scheme() == "https" || local,
        "EDGE_URL must use https (plain http only to localhost/127.0.0.1/::1), got {url:?}"
    );
    Ok(EdgeTarget {
        url: url.to_owned(),
        token: token.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::edge_target;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn the_edge_is_reached_over_https_with_a_long_token() {
        assert!(edge_target("https://shop.example.com", TOKEN).is_ok());
        assert!(edge_target("http://127.0.0.1:8787", TOKEN).is_ok());
        assert!(edge_target("http://localhost:8787", TOKEN).is_ok());
        assert!(edge_target("http://shop.example.com", TOKEN).is_err());
        assert!(edge_target("ftp://shop.example.com", TOKEN).is_err());
        let short = edge_target("https://shop.example.com", "change-me").unwrap_err();
        assert!(short.to_string().contains("at least 32 bytes"));
    }
}
