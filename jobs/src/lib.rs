//! Meridian's background jobs on Redis (apalis): product sync from the supplier feed, and publishing the
//! catalog to the edge. [`worker`] runs the workers; [`queue`] lets any process enqueue work.

pub mod normalize;
pub mod product_sync;
pub mod publish;
pub mod queue;
pub mod schedule;
pub mod shopify;
pub mod supplier;
pub mod worker;

use meridian_domain::Currency;
use sqlx::PgPool;

/// Where and how to publish the catalog to the edge.
#[derive(Debug, Clone)]
pub struct EdgeTarget {
    /// The worker's public URL, e.g. `https://shop.example.com`.
    pub url: String,
    /// Shared secret the worker checks on `POST /_meridian/publish`.
    pub token: String,
}

/// What every job handler gets: cheap to clone, shared by all jobs of a worker.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub db: PgPool,
    pub http: reqwest::Client,
    /// `None`: import only, publish nothing (e.g. before the edge exists).
    pub edge: Option<EdgeTarget>,
    /// Currency the supplier's prices are in (Shopify's feed does not say).
    pub currency: Currency,
    /// Stock a newly imported, available variant starts with.
    pub initial_stock: i32,
}

/// An HTTP client with timeouts, so a hung supplier or edge fails the job (and it retries) instead of
/// holding a worker forever.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(60))
        .user_agent("meridian-jobs/0.1")
        .build()
        .expect("a client with static settings builds")
}
