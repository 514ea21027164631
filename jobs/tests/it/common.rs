//! Helpers shared by the jobs integration tests: serving a router on a free port, contexts, one sync.

use axum::Router;
use meridian_jobs::product_sync::{self, shopify, supplier, ProductSync, Settings};
use meridian_jobs::{http_client, JobContext};
use meridian_store::catalog::runs::SyncRun;
use sqlx::PgPool;

pub(crate) const FEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/products.json");

/// Serves `router` on a free loopback port; returns its base URL.
pub(crate) async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

pub(crate) fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub(crate) fn namespace() -> String {
    format!("meridian-test-{}", uuid::Uuid::new_v4())
}

/// A job context that imports without publishing.
pub(crate) fn import_only(pool: &PgPool) -> JobContext {
    JobContext {
        db: pool.clone(),
        http: http_client(),
        edge: None,
    }
}

/// product-sync settings where new variants start with 7 in stock.
pub(crate) fn settings() -> Settings {
    Settings {
        initial_stock: 7,
        ..Settings::default()
    }
}

pub(crate) fn demo_feed() -> Vec<shopify::Product> {
    supplier::load_feed(FEED.as_ref()).unwrap()
}

/// Serves `feed` from a fresh supplier stand-in and runs one sync of `job` (its URL filled in) against it.
pub(crate) async fn sync_with(
    ctx: &JobContext,
    settings: &Settings,
    feed: Vec<shopify::Product>,
    job: ProductSync,
) -> anyhow::Result<SyncRun> {
    let url = serve(supplier::router(feed)).await;
    let job = ProductSync {
        feed_url: url,
        ..job
    };
    product_sync::run(ctx, settings, &job).await
}

/// [`sync_with`] with the default settings and payload.
pub(crate) async fn sync_feed(
    ctx: &JobContext,
    feed: Vec<shopify::Product>,
) -> anyhow::Result<SyncRun> {
    sync_with(ctx, &settings(), feed, ProductSync::new("")).await
}

/// Signals a worker started by a test to shut down and waits (bounded) until it has, cleanly.
pub(crate) async fn stop_worker(
    stop: tokio::sync::oneshot::Sender<()>,
    worker: tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(40), worker)
        .await
        .expect("worker stops gracefully")
        .unwrap()
        .unwrap();
}
