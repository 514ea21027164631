//! product-sync end to end on the real Redis and Postgres: the supplier stand-in serves the bundled demo
//! feed, jobs go through apalis on Redis, and a capture server stands in for the edge's publish endpoint.
//! Needs `DATABASE_URL` and `REDIS_URL` (`cargo xtask test` sets both).

use crate::common::{demo_feed, import_only, redis_url, serve, settings, stop_worker, sync_feed};
use crate::fake_edge::{self, Published, TOKEN};
use meridian_jobs::product_sync::fetch::{self, Limits};
use meridian_jobs::product_sync::{supplier, ProductSync};
use meridian_jobs::queue::{self, Queues};
use meridian_jobs::worker::{RetrySettings, Workers};
use meridian_jobs::{http_client, EdgeTarget, JobContext};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

async fn wait_for_runs(pool: &PgPool, n: i64) {
    for _ in 0..240 {
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_runs")
            .fetch_one(pool)
            .await
            .unwrap();
        if done >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("product-sync run {n} did not finish within 60s");
}

async fn fingerprint(pool: &PgPool) -> (i64, i64, i64, Option<String>) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM products), (SELECT count(*) FROM variants), (SELECT count(*) FROM categories),
                (SELECT max(updated_at)::text FROM products)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn syncing_twice_through_redis_changes_nothing_the_second_time(pool: PgPool) {
    let feed = demo_feed();
    let feed_len = feed.len() as i64;
    let supplier_url = serve(supplier::router(feed)).await;
    let published: Published = Arc::default();
    let edge_url = serve(fake_edge::router(published.clone())).await;

    let namespace = format!("meridian-test-{}", uuid::Uuid::new_v4());
    let ctx = JobContext {
        db: pool.clone(),
        http: http_client(),
        edge: Some(EdgeTarget {
            url: edge_url,
            token: TOKEN.into(),
        }),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let queues = Queues::connect(&redis_url(), &namespace).await.unwrap();
    let workers =
        Workers::new(ctx, queues, RetrySettings::default()).register::<ProductSync>(settings());
    let worker = tokio::spawn(workers.run(async {
        let _ = stopped.await;
    }));

    let job = ProductSync::new(supplier_url);
    queue::enqueue(&redis_url(), &namespace, job.clone())
        .await
        .unwrap();
    wait_for_runs(&pool, 1).await;
    let first = fingerprint(&pool).await;
    assert_eq!(first.0, feed_len, "every demo product imported");
    assert!(
        first.1 >= 300 && first.2 >= 6,
        "variants and categories imported: {first:?}"
    );

    queue::enqueue(&redis_url(), &namespace, job).await.unwrap();
    wait_for_runs(&pool, 2).await;
    assert_eq!(
        fingerprint(&pool).await,
        first,
        "second run changed no row, not even updated_at"
    );

    let runs: Vec<(i32, i32, i32)> =
        sqlx::query_as("SELECT created, updated, unchanged FROM sync_runs ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(runs, vec![(feed_len as i32, 0, 0), (0, 0, feed_len as i32)]);
    let published = std::mem::take(&mut published.lock().unwrap().batches);
    assert_eq!(
        published.len(),
        1,
        "the second run found the edge serving the same snapshot and wrote nothing"
    );
    assert_eq!(published[0].documents.len() as i64, feed_len);
    let index = published[0].index.as_ref().expect("one batch: it commits");
    assert_eq!(index.cards.len() as i64, feed_len);
    assert_eq!(index.documents.len() as i64, feed_len);

    stop_worker(stop, worker).await;
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_supplier_change_updates_only_that_product(pool: PgPool) {
    let mut feed = demo_feed();
    let ctx = import_only(&pool);
    sync_feed(&ctx, feed.clone()).await.unwrap();

    feed[0].variants[0].price = "1.50".into();
    feed[1].variants[0].price = "not a price".into();
    let handle = feed[0].handle.clone();
    let sku = feed[0].variants[0].sku.clone().unwrap();
    let run = sync_feed(&ctx, feed).await.unwrap();
    assert_eq!(
        (run.summary.updated, run.skipped),
        (1, 1),
        "one price changed, one malformed variant skipped (and kept as it was)"
    );
    let (price, stock): (i64, i32) =
        sqlx::query_as("SELECT price_minor, available FROM variants WHERE sku = $1")
            .bind(&sku)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(price, 150, "{handle}'s new price landed exactly");
    assert!(stock == 7 || stock == 0, "a re-sync never resets stock");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn what_the_supplier_stops_listing_is_archived_and_can_return(pool: PgPool) {
    let full = demo_feed();
    let ctx = import_only(&pool);
    let sync = |feed| sync_feed(&ctx, feed);
    sync(full.clone()).await.unwrap();

    let mut shrunk = full.clone();
    let dropped = shrunk.remove(0);
    let trimmed = shrunk.iter().position(|p| p.variants.len() > 1).unwrap();
    let gone_sku = shrunk[trimmed].variants.pop().unwrap().sku.unwrap();
    let run = sync(shrunk).await.unwrap();
    assert_eq!((run.summary.archived, run.summary.updated), (1, 1));
    let snapshot = meridian_jobs::publish::snapshot::snapshot(&pool, 0)
        .await
        .unwrap();
    assert_eq!(snapshot.products.len(), full.len() - 1);
    assert!(
        snapshot
            .products
            .iter()
            .all(|d| d.product.slug != dropped.handle),
        "the dropped product is not published"
    );
    let skus: Vec<&str> = snapshot
        .products
        .iter()
        .flat_map(|d| d.product.variants.iter().map(|v| v.sku.as_str()))
        .collect();
    assert!(
        !skus.contains(&gone_sku.as_str()),
        "the dropped variant is not published"
    );

    let run = sync(full.clone()).await.unwrap();
    assert_eq!(
        (run.summary.archived, run.summary.updated),
        (0, 2),
        "both come back"
    );
    let back = meridian_jobs::publish::snapshot::snapshot(&pool, 0)
        .await
        .unwrap();
    assert_eq!(back.products.len(), full.len());

    let error = sync(Vec::new()).await.unwrap_err();
    assert!(error.to_string().contains("listed no products"), "{error}");
    let after = meridian_jobs::publish::snapshot::snapshot(&pool, 0)
        .await
        .unwrap();
    assert_eq!(after, back, "an empty feed changes nothing");
}

#[tokio::test]
async fn the_feed_is_read_page_by_page() {
    let feed = demo_feed();
    let url = serve(supplier::router(feed.clone())).await;
    let limits = Limits {
        max_pages: 10,
        max_page_bytes: 1 << 20,
        page_size: 25,
    };
    let fetched = fetch::fetch_all(&http_client(), &fetch::feed_url(&url).unwrap(), limits)
        .await
        .unwrap();
    let ids: Vec<i64> = fetched.products.iter().map(|p| p.id).collect();
    assert_eq!(
        ids,
        feed.iter().map(|p| p.id).collect::<Vec<_>>(),
        "all pages, in order, none twice"
    );
    let too_big = http_client()
        .get(format!("{url}/products.json?limit=251"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        too_big.status(),
        400,
        "the stand-in enforces Shopify's 250 cap"
    );
}
