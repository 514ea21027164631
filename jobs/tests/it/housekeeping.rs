//! Housekeeping on the real Postgres: due unpaid orders expire exactly once even when two workers run a
//! round at the same moment (stock back once, promo use back once), paid and not-yet-due orders are left
//! alone, and idle carts are swept unless an unpaid order still points at them.

use meridian_jobs::housekeeping::{round, Housekeeping};
use sqlx::PgPool;
use std::time::Duration;

const PLAN: Housekeeping = Housekeeping {
    every: Duration::from_secs(1),
    cart_idle: Duration::from_secs(3600),
};

/// A variant with `stock`, and an order holding `held` of it in `status`, due (`due`) or not.
async fn order(pool: &PgPool, n: i64, status: &str, due: bool, held: i32) -> uuid::Uuid {
    let cart = uuid::Uuid::new_v4();
    sqlx::query("INSERT INTO carts (id) VALUES ($1)")
        .bind(cart)
        .execute(pool)
        .await
        .unwrap();
    let expires = if due {
        "now() - interval '1 minute'"
    } else {
        "now() + interval '1 hour'"
    };
    let id: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO orders (token, cart_id, status, email, address, shipping_method, shipping_name, currency,
                             subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor, tax_included,
                             promo_code, expires_at)
         VALUES (lpad($1::text, 64, '0'), $2, $3, 'a@b.co', '{{}}', 'standard', 'Standard', 'USD', 1000, 100, 0, 0,
                 900, false, 'WELCOME10', {expires}) RETURNING id"
    ))
    .bind(n)
    .bind(cart)
    .bind(status)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO order_lines VALUES ($1, 0, (SELECT id FROM variants WHERE sku = 'HK'), 'HK', 'Lamp', 'Default', 1000, $2, 1000)")
        .bind(id)
        .bind(held)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO promo_uses (order_id, code, email) VALUES ($1, 'WELCOME10', 'a@b.co')",
    )
    .bind(id)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE promo_codes SET used = used + 1 WHERE code = 'WELCOME10'")
        .execute(pool)
        .await
        .unwrap();
    cart
}

async fn scalar(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn due_orders_expire_once_and_idle_carts_go(pool: PgPool) {
    sqlx::raw_sql(
        "INSERT INTO categories (slug, name) VALUES ('home', 'Home');
         INSERT INTO products (slug, title, category_id) VALUES ('lamp', 'Lamp', 1);
         INSERT INTO variants (product_id, sku, title, price_minor, currency, available) VALUES (1, 'HK', 'Default', 1000, 'USD', 0);
         INSERT INTO promo_codes (code, kind) VALUES ('WELCOME10', '{\"type\":\"percentage\",\"basis_points\":1000}');",
    )
    .execute(&pool)
    .await
    .unwrap();
    for n in 0..30 {
        order(&pool, n, "pending_payment", true, 2).await;
    }
    let waiting = order(&pool, 100, "pending_payment", false, 5).await;
    order(&pool, 101, "paid", true, 7).await;
    let (a, b) = tokio::join!(round(&pool, PLAN), round(&pool, PLAN));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.0 + b.0,
        30,
        "each due order expired by exactly one of the two workers"
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT available::bigint FROM variants WHERE sku = 'HK'"
        )
        .await,
        60,
        "2 back from each of 30"
    );
    assert_eq!(
        scalar(&pool, "SELECT used::bigint FROM promo_codes").await,
        2,
        "uses of the waiting and the paid order stay"
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM order_events WHERE to_status = 'expired'"
        )
        .await,
        30
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM outbox WHERE topic = 'order.expired'"
        )
        .await,
        30
    );
    assert_eq!(
        round(&pool, PLAN).await.unwrap().0,
        0,
        "nothing left to expire"
    );

    // Carts: every cart is idle now; only the one the waiting order points at must stay.
    sqlx::query("UPDATE carts SET updated_at = now() - interval '2 hours'")
        .execute(&pool)
        .await
        .unwrap();
    let fresh = uuid::Uuid::new_v4();
    sqlx::query("INSERT INTO carts (id) VALUES ($1)")
        .bind(fresh)
        .execute(&pool)
        .await
        .unwrap();
    let (_, swept) = round(&pool, PLAN).await.unwrap();
    assert_eq!(swept, 31, "30 carts of expired orders and the paid order's");
    let left: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM carts ORDER BY updated_at")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, [waiting, fresh]);
}
