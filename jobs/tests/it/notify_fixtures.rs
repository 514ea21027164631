//! What the notification tests send about, made through the store's own write paths (an order paid,
//! declined, shipped and refunded by `meridian_store::orders`; reset and verification links by
//! `resets`/`verifications`; a restock through the back-in-stock trigger), and the events the relay
//! would hand the jobs for the outbox rows they wrote.

use meridian_jobs::events::Event;
use meridian_jobs::notify::{NotifyArgs, Settings};
use meridian_store::orders;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// Names and titles a template must carry intact (and escape in HTML).
pub(crate) const BUYER: &str = "Zoë <b>Ünïcode</b> 山田";
pub(crate) const LAMP: &str = "Lámpara <script>alert('x')</script> «Ω»";

pub(crate) fn settings(smtp_url: Option<String>) -> Settings {
    NotifyArgs {
        smtp_url,
        mail_from: "Meridian Shop <orders@shop.example>".into(),
        store_url: Some("https://shop.example/".into()),
        twilio_url: "https://api.twilio.com".into(),
        twilio_account_sid: None,
        twilio_auth_token: None,
        sms_from: None,
    }
    .settings(None, meridian_jobs::http_client())
    .unwrap()
}

/// A live product with two variants (one sold out), and an account.
pub(crate) async fn catalog(pool: &PgPool) -> Uuid {
    sqlx::raw_sql(&format!(
        "INSERT INTO categories (slug, name) VALUES ('home', 'Home');
         INSERT INTO products (slug, title, category_id) VALUES ('lamp', $${LAMP}$$, 1);
         INSERT INTO variants (product_id, sku, title, price_minor, currency, available)
         VALUES (1, 'LAMP-BR', 'Brass & Glass', 189500, 'USD', 10),
                (1, 'LAMP-CU', 'Copper', 4250, 'USD', 0);"
    ))
    .execute(pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let account = meridian_store::accounts::create(
        &mut tx,
        "zoe@example.com",
        "zoe@example.com",
        "$argon2id$x",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    account
}

/// An unpaid order of 2 × brass (1,895.00) and 1 × copper (42.50), shipping 12.00, tax 0, discount 10.00:
/// total 3,834.50; its number. `account`: placed while signed in.
pub(crate) async fn order(pool: &PgPool, account: Option<Uuid>) -> String {
    let cart = Uuid::new_v4();
    sqlx::query("INSERT INTO carts (id) VALUES ($1)")
        .bind(cart)
        .execute(pool)
        .await
        .unwrap();
    let address = serde_json::json!({
        "name": BUYER, "line1": "1 Rue de l'Église", "line2": "", "city": "Saint-Étienne",
        "region": "", "postcode": "42000", "country": "FR", "phone": ""
    });
    let number: String = sqlx::query_scalar(
        "INSERT INTO orders (token, cart_id, status, email, address, shipping_method, shipping_name, currency,
                             subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor, tax_included,
                             tax_label, expires_at, account_id)
         VALUES (md5(random()::text) || md5(random()::text), $1, 'pending_payment', 'zoe@example.com', $2, 'standard',
                 'Standard', 'USD', 383250, 1000, 1200, 0, 383450, false, NULL, now() + interval '30 minutes', $3)
         RETURNING number",
    )
    .bind(cart)
    .bind(address)
    .bind(account)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO order_lines
         SELECT o.id, 0, v.id, 'LAMP-BR', $2, 'Brass & Glass', 189500, 2, 379000 FROM orders o, variants v
         WHERE o.number = $1 AND v.sku = 'LAMP-BR'
         UNION ALL
         SELECT o.id, 1, v.id, 'LAMP-CU', $2, 'Copper', 4250, 1, 4250 FROM orders o, variants v
         WHERE o.number = $1 AND v.sku = 'LAMP-CU'",
    )
    .bind(&number)
    .bind(LAMP)
    .execute(pool)
    .await
    .unwrap();
    number
}

/// Runs `change` on the locked order `number` in one committed transaction.
pub(crate) async fn change(pool: &PgPool, number: &str, change: Change) {
    let mut tx = pool.begin().await.unwrap();
    let order = orders::lock(&mut tx, number).await.unwrap().unwrap();
    match change {
        Change::Pay => {
            orders::pay(&mut tx, &order, "pi_test").await.unwrap();
        }
        Change::Decline(message) => orders::record_payment_error(&mut tx, &order, message)
            .await
            .unwrap(),
        Change::Ship(tracking) => {
            orders::fulfil(&mut tx, &order, tracking).await.unwrap();
        }
        Change::Refund(minor) => {
            orders::record_refund(&mut tx, &order, "re_test", minor, "damaged", false)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

pub(crate) enum Change {
    Pay,
    Decline(&'static str),
    Ship(&'static str),
    Refund(i64),
}

/// A reset and a verification link for `account`, queued as the origin queues them.
pub(crate) async fn links(pool: &PgPool, account: Uuid) {
    let mut tx = pool.begin().await.unwrap();
    let payload = |page: &str, secret: &str| {
        serde_json::json!({ "account": account, "to": "zoe@example.com",
                            "link": format!("https://shop.example{page}?token={secret}"), "expires_in_minutes": 30 })
    };
    let hour = Duration::from_secs(3600);
    meridian_store::resets::create(
        &mut tx,
        account,
        b"r",
        hour,
        payload("/account/reset", "reset-secret-1"),
    )
    .await
    .unwrap();
    meridian_store::verifications::create(
        &mut tx,
        account,
        b"v",
        hour,
        payload("/account/verify", "verify-secret-2"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The outbox rows of `topic`, oldest first, as events.
pub(crate) async fn events(pool: &PgPool, topic: &str) -> Vec<Event> {
    let rows: Vec<(i64, String, serde_json::Value)> =
        sqlx::query_as("SELECT id, topic, payload FROM outbox WHERE topic = $1 ORDER BY id")
            .bind(topic)
            .fetch_all(pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(id, topic, payload)| Event {
            id,
            topic,
            payload,
            seen_at: None,
        })
        .collect()
}

/// The one outbox event of `topic`.
pub(crate) async fn event(pool: &PgPool, topic: &str) -> Event {
    let mut all = events(pool, topic).await;
    assert_eq!(all.len(), 1, "one {topic} event");
    all.remove(0)
}
