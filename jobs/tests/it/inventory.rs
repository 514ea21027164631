//! inventory-sync on the real Postgres and Redis: the catalog comes from the product sync of the demo feed
//! (so supplier SKUs are real), the supplier stand-in serves a messy stock-levels CSV, and the job sets
//! each known variant to its on-hand count minus what unpaid orders hold, reports unknown SKUs and skipped
//! rows, records `feed` movements, announces a low-stock crossing, and changes nothing when run again.

use crate::common::{demo_feed, import_only, namespace, redis_url, serve, sync_feed};
use meridian_jobs::inventory::{self, supplier, InventorySync, Settings};
use meridian_jobs::job::is_refusal;
use meridian_jobs::queue::queue_name;
use sqlx::PgPool;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MESSY: &[u8] = include_bytes!("../fixtures/stock_messy.csv");

async fn stock(pool: &PgPool, sku: &str) -> i32 {
    sqlx::query_scalar("SELECT available FROM variants WHERE sku = $1")
        .bind(sku)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// An order in `status` holding `quantity` of `sku`, its stock taken as placing it takes it.
async fn order_holding(pool: &PgPool, status: &str, sku: &str, quantity: i32) {
    sqlx::query(
        "WITH o AS (
             INSERT INTO orders (token, cart_id, status, email, address, shipping_method, shipping_name,
                                 currency, subtotal_minor, discount_minor, shipping_minor, tax_minor,
                                 total_minor, tax_included, expires_at)
             VALUES (md5(random()::text) || md5(random()::text), gen_random_uuid(), $3, 'a@example.com',
                     '{}', 'standard', 'Standard', 'USD', 0, 0, 0, 0, 0, false, now() + interval '1 hour')
             RETURNING id),
         line AS (
             INSERT INTO order_lines (order_id, position, variant_id, sku, product_title, variant_title,
                                      unit_price_minor, quantity, line_total_minor)
             SELECT o.id, 0, v.id, v.sku, 'T', 'V', 0, $2, 0 FROM o, variants v WHERE v.sku = $1)
         UPDATE variants SET available = available - $2 WHERE sku = $1",
    )
    .bind(sku)
    .bind(quantity)
    .bind(status)
    .execute(pool)
    .await
    .unwrap();
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_messy_feed_updates_known_stock_around_reservations(pool: PgPool) {
    let ctx = import_only(&pool);
    sync_feed(&ctx, demo_feed()).await.unwrap(); // every available variant starts with 7
    order_holding(&pool, "pending_payment", "OCT7001-S-WHITE", 2).await;
    order_holding(&pool, "pending_payment", "LT7006-S-WHITE", 3).await;
    order_holding(&pool, "paid", "OCT7001-S-BLACK", 5).await;
    let low_before = count(
        &pool,
        "SELECT count(*) FROM outbox WHERE topic = 'stock.low'",
    )
    .await;
    let base = serve(supplier::router(MESSY.to_vec())).await;
    let job = InventorySync {
        feed_url: format!("{base}{}?token=supplier-secret", supplier::PATH),
    };

    let report = inventory::run(&ctx, &Settings::default(), &job)
        .await
        .unwrap();
    assert_eq!((report.rows_read, report.applied.updated), (15, 6));
    assert_eq!(report.applied.unknown, ["NOPE-404", "ÜBER-SKU-✓"]);
    let skipped: Vec<(u64, &str, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.line, s.sku.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (9, "RT7004-S-BLACK", "on_hand -2 is negative"),
            (
                10,
                "RT7004-S-WHITE",
                "on_hand \"many\" is not a whole number"
            ),
            (
                11,
                "RT7004-M-BLACK",
                "on_hand 99999999999 is over 1000000, not a believable count"
            ),
            (16, "", "no SKU"),
            (
                12,
                "SLT7005-S-BLACK",
                "listed 2 times with different counts (5, 6); left as it was"
            ),
        ]
    );
    for (sku, expected, why) in [
        (
            "OCT7001-S-BLACK",
            12,
            "a paid order's units are not held back",
        ),
        ("OCT7001-S-WHITE", 1, "3 on hand, 2 held by an unpaid order"),
        ("LT7006-S-WHITE", 0, "1 on hand, 3 held: never below zero"),
        ("PT7002-S-BLACK", 0, "sold out at the supplier"),
        ("HT7003-S-BLACK", 25, "a quoted row"),
        ("SLT7005-S-WHITE", 8, "listed twice with one count"),
        ("SLT7005-S-BLACK", 7, "conflicting rows: left alone"),
        ("RT7004-S-BLACK", 7, "a negative count: left alone"),
    ] {
        assert_eq!(stock(&pool, sku).await, expected, "{sku}: {why}");
    }
    // The movement says where the change came from, without the feed's token.
    let (source, delta, reason): (String, i32, String) = sqlx::query_as(
        "SELECT m.source, m.delta, m.reason FROM stock_movements m JOIN variants v ON v.id = m.variant_id
         WHERE v.sku = 'OCT7001-S-WHITE' ORDER BY m.id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let url = format!("{base}{}", supplier::PATH);
    assert_eq!((source.as_str(), delta), ("feed", -4));
    assert_eq!(reason, format!("supplier stock feed {url}"));
    // One crossing (PT7002-S-BLACK, 7 → 0); the others were already low from their orders.
    let low: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT payload FROM outbox WHERE topic = 'stock.low' ORDER BY id OFFSET $1",
    )
    .bind(low_before)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        low,
        [
            serde_json::json!({"sku": "PT7002-S-BLACK", "product_slug": "pocket-tee", "available": 0, "threshold": 5})
        ]
    );
    let (unknown, skipped, listed): (i32, i32, Vec<String>) =
        sqlx::query_as("SELECT unknown, skipped, unknown_skus FROM inventory_feed_runs")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((unknown, skipped, listed.len()), (2, 5, 2));

    // Again: the same feed changes nothing and records no movement.
    let movements = count(&pool, "SELECT count(*) FROM stock_movements").await;
    let again = inventory::run(&ctx, &Settings::default(), &job)
        .await
        .unwrap();
    assert_eq!((again.applied.updated, again.applied.unchanged), (0, 6));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM stock_movements").await,
        movements
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_feed_without_its_header_or_too_big_is_refused_for_good(pool: PgPool) {
    let ctx = import_only(&pool);
    sync_feed(&ctx, demo_feed()).await.unwrap();
    let headless = serve(supplier::router(b"OCT7001-S-BLACK,0\n".to_vec())).await;
    let job = InventorySync {
        feed_url: format!("{headless}{}", supplier::PATH),
    };
    let error = inventory::run(&ctx, &Settings::default(), &job)
        .await
        .unwrap_err();
    assert!(is_refusal(&error), "{error:#}");
    assert!(error.to_string().contains("`sku` and `on_hand`"), "{error}");
    let small = Settings {
        inventory_feed_max_bytes: 100,
        ..Settings::default()
    };
    let base = serve(supplier::router(MESSY.to_vec())).await;
    let big = InventorySync {
        feed_url: format!("{base}{}", supplier::PATH),
    };
    let error = inventory::run(&ctx, &small, &big).await.unwrap_err();
    assert!(is_refusal(&error), "{error:#}");
    assert_eq!(stock(&pool, "OCT7001-S-BLACK").await, 7, "nothing applied");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM inventory_feed_runs").await,
        0
    );
}

#[tokio::test]
async fn two_workers_on_one_inventory_schedule_enqueue_one_sync_per_period() {
    let ns = namespace();
    // Start half-way into a second, so no period boundary falls at the moment the schedules stop.
    let into_second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    tokio::time::sleep(Duration::from_millis(u64::from(
        (1500 - into_second) % 1000,
    )))
    .await;
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let feed = "http://127.0.0.1:9/inventory.csv".to_owned();
            let run =
                inventory::schedule::run(redis_url(), ns.clone(), feed, Duration::from_secs(1));
            tokio::spawn(run)
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    runs.iter().for_each(tokio::task::JoinHandle::abort);

    let mut conn = apalis_redis::connect(redis_url()).await.unwrap();
    let claimed = redis::cmd("KEYS")
        .arg(format!("{ns}:schedule:inventory-sync:*"))
        .query_async::<Vec<String>>(&mut conn)
        .await
        .unwrap()
        .len();
    let queue = apalis_redis::Config::default().queue(queue_name::<InventorySync>(&ns));
    let enqueued: usize = redis::cmd("HLEN")
        .arg(queue.job_data_hash())
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        (3..=5).contains(&claimed),
        "about 4 periods passed: {claimed}"
    );
    assert_eq!(enqueued, claimed, "one sync per period, not one per worker");
}
