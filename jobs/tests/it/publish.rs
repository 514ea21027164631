//! The publisher against a stand-in edge that refuses older snapshots like the real one: publishers
//! racing after a change take turns (the advisory lock), each commit is newer than the last, the edge ends
//! on the newest catalog, and a change an earlier publish already read is not published again.

use crate::common::serve;
use crate::fake_edge::{self, Published, TOKEN};
use meridian_jobs::publish::{publish_latest, Published as Outcome};
use meridian_jobs::{http_client, EdgeTarget};
use sqlx::PgPool;
use std::sync::Arc;

async fn seed(pool: &PgPool) {
    sqlx::query(
        "WITH c AS (INSERT INTO categories (slug, name) VALUES ('mugs', 'Mugs') RETURNING id),
              p AS (INSERT INTO products (slug, title, category_id) SELECT 'mug', 'Mug', id FROM c RETURNING id)
         INSERT INTO variants (product_id, sku, title, price_minor, currency, available)
         SELECT id, 'MUG-1', '', 1200, 'USD', 4 FROM p",
    )
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn racing_publishers_take_turns_and_the_newest_snapshot_wins(pool: PgPool) {
    seed(&pool).await;
    let edge: Published = Arc::default();
    let target = EdgeTarget {
        url: serve(fake_edge::router(edge.clone())).await,
        token: TOKEN.into(),
    };
    let http = http_client();
    let first = publish_latest(&pool, &http, &target, None).await.unwrap();
    assert!(
        matches!(first, Outcome::Version { documents: 2, .. }),
        "{first:?}"
    );

    sqlx::query("UPDATE variants SET available = 0 WHERE sku = 'MUG-1'")
        .execute(&pool)
        .await
        .unwrap();
    let seen: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("SELECT clock_timestamp()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (pool, http, target) = (pool.clone(), http.clone(), target.clone());
        racers.spawn(async move {
            publish_latest(&pool, &http, &target, Some(seen))
                .await
                .unwrap()
        });
    }
    let outcomes = racers.join_all().await;
    let published = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Version { .. }))
        .count();
    assert_eq!(
        published, 1,
        "one racer published the change, the others found it covered: {outcomes:?}"
    );

    let edge = edge.lock().unwrap();
    let sequences: Vec<i64> = edge.batches.iter().map(|b| b.sequence).collect();
    assert!(
        sequences.windows(2).all(|w| w[0] < w[1]),
        "every commit newer: {sequences:?}"
    );
    let last = edge.batches.last().unwrap();
    assert_eq!(
        last.documents.len(),
        1,
        "only the changed document was sent"
    );
    assert_eq!(last.documents[0].product.variants[0].available, 0);
    assert_eq!(edge.refused, 0);
}
