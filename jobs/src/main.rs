//! `jobs worker | enqueue | supplier`: the background worker, a CLI to enqueue jobs, and the local
//! supplier stand-in.

use anyhow::Context;
use clap::{Parser, Subcommand};
use meridian_domain::Currency;
use meridian_jobs::product_sync::ProductSync;
use meridian_jobs::{http_client, queue, schedule, supplier, worker, EdgeTarget, JobContext};
use meridian_runtime::LogFormat;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(name = "jobs", about = "Meridian background jobs")]
struct Cli {
    #[arg(
        long,
        env = "REDIS_URL",
        default_value = "redis://127.0.0.1:6379",
        global = true
    )]
    redis_url: String,
    /// Prefix of every queue, so several deployments or test runs can share one Redis.
    #[arg(
        long,
        env = "JOBS_NAMESPACE",
        default_value = "meridian",
        global = true
    )]
    namespace: String,
    /// `json` for one object per line (containers), `text` for people.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the workers until SIGINT/SIGTERM.
    Worker {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// The edge to publish the catalog to; without it syncs import only.
        #[arg(long, env = "EDGE_URL")]
        edge_url: Option<String>,
        #[arg(long, env = "PUBLISH_TOKEN", hide_env_values = true)]
        publish_token: Option<String>,
        #[arg(long, env = "SUPPLIER_CURRENCY", default_value = "USD")]
        currency: String,
        #[arg(long, env = "INITIAL_STOCK", default_value_t = 25)]
        initial_stock: i32,
        /// Also sync this feed every `--sync-every-secs` (one sync per period across all workers).
        #[arg(long, env = "SUPPLIER_FEED_URL")]
        feed_url: Option<String>,
        #[arg(long, env = "SYNC_INTERVAL_SECONDS", requires = "feed_url")]
        sync_every_secs: Option<u64>,
    },
    /// Enqueue a product sync from a Shopify-format feed.
    Enqueue {
        #[arg(long, env = "SUPPLIER_FEED_URL")]
        feed_url: String,
        /// Wait (up to this many seconds) until a worker has recorded the run; needs DATABASE_URL.
        #[arg(long)]
        wait: Option<u64>,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Serve a bundled feed in Shopify's /products.json format (the local supplier stand-in).
    Supplier {
        #[arg(long, default_value = "127.0.0.1:8082")]
        listen: std::net::SocketAddr,
        #[arg(long, default_value = "demo/products.json")]
        feed: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    meridian_runtime::init_logging(cli.log_format);
    match cli.command {
        Command::Worker {
            database_url,
            edge_url,
            publish_token,
            currency,
            initial_stock,
            feed_url,
            sync_every_secs,
        } => {
            let currency =
                Currency::parse(&currency).context("SUPPLIER_CURRENCY must be USD, EUR or GBP")?;
            let edge = match (edge_url, publish_token) {
                (Some(url), Some(token)) => Some(EdgeTarget { url, token }),
                (Some(_), None) => anyhow::bail!("EDGE_URL is set but PUBLISH_TOKEN is not"),
                _ => None,
            };
            // Imports run longer statements than API requests; the timeouts still stop a runaway one.
            let settings = meridian_store::PoolSettings {
                max_connections: 4,
                statement_timeout: Duration::from_secs(60),
                lock_timeout: Duration::from_secs(10),
                ..meridian_store::PoolSettings::default()
            };
            let db = meridian_store::db::pool(&database_url, settings)
                .await
                .context("connecting to DATABASE_URL")?;
            let ctx = JobContext {
                db,
                http: http_client(),
                edge,
                currency,
                initial_stock,
            };
            let work = worker::run(
                ctx,
                &cli.redis_url,
                &cli.namespace,
                meridian_runtime::shutdown_signal(),
            );
            let Some((feed_url, secs)) = feed_url.zip(sync_every_secs) else {
                return work.await;
            };
            let every = Duration::from_secs(secs);
            let schedule = schedule::run(
                cli.redis_url.clone(),
                cli.namespace.clone(),
                schedule::Schedule { every, feed_url },
            );
            // The schedule never ends; it is dropped once the worker has shut down.
            tokio::select! {
                done = work => done,
                () = schedule => Ok(()),
            }
        }
        Command::Enqueue {
            feed_url,
            wait,
            database_url,
        } => {
            let db = match (wait, database_url) {
                (Some(_), Some(url)) => Some(sqlx::PgPool::connect(&url).await?),
                (Some(_), None) => anyhow::bail!("--wait needs DATABASE_URL to see the run finish"),
                _ => None,
            };
            let before = match &db {
                Some(db) => meridian_store::catalog::runs::last_sync_run(db).await?,
                None => None,
            };
            queue::enqueue_product_sync(&cli.redis_url, &cli.namespace, ProductSync { feed_url })
                .await?;
            println!("enqueued product-sync");
            if let (Some(secs), Some(db)) = (wait, db) {
                wait_for_run(&db, before, Duration::from_secs(secs)).await?;
            }
            Ok(())
        }
        Command::Supplier { listen, feed } => supplier::serve(listen, &feed).await,
    }
}

async fn wait_for_run(
    db: &sqlx::PgPool,
    before: Option<i64>,
    timeout: Duration,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    while started.elapsed() < timeout {
        if meridian_store::catalog::runs::last_sync_run(db).await? > before {
            println!("product-sync finished in {:.1?}", started.elapsed());
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    anyhow::bail!("no product-sync finished within {timeout:?}: is `jobs worker` running?")
}
