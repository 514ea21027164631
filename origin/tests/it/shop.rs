//! A whole selling origin for the checkout tests: the router in-process (as the edge calls it) and the
//! same router on a real port, where the payment stand-in (`meridian-psp`, Stripe's wire format) posts its
//! signed webhooks. Buyers are driven through the same API calls the edge makes.

use crate::common::{call, call_with, product};
use axum::http::StatusCode;
use meridian_origin::accounts::tokens::SessionKeys;
use meridian_origin::payments::stripe::Stripe;
use meridian_origin::{router, AppState, Selling};
use meridian_psp::{Psp, PspConfig};
use meridian_store::catalog::import::upsert_products;
use meridian_store::Db;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) const STRIPE_KEY: &str = "sk_test_meridian_origin_tests";
pub(crate) const WEBHOOK_SECRET: &str = "whsec_meridian_origin_tests";

pub(crate) struct Shop {
    pub(crate) pool: PgPool,
    pub(crate) app: axum::Router,
    pub(crate) origin_url: String,
    pub(crate) psp: Psp,
}

/// Products: TEE-S $24.00 ×10, TEE-M $26.00 ×3, TOTE $39.00 ×5, LAST $10.00 ×10.
pub(crate) async fn open(pool: PgPool) -> Shop {
    open_with(pool, |c| c).await
}

pub(crate) async fn open_with(pool: PgPool, psp: impl FnOnce(PspConfig) -> PspConfig) -> Shop {
    let products = [
        product(
            1,
            "crew-tee",
            "tees",
            &[("TEE-S", 2400, 10), ("TEE-M", 2600, 3)],
        ),
        product(3, "canvas-tote", "bags", &[("TOTE", 3900, 5)]),
        product(4, "last-lamp", "home", &[("LAST", 1000, 10)]),
    ];
    upsert_products(&pool, &products).await.unwrap();
    let settings: meridian_domain::StoreSettings =
        serde_json::from_str(include_str!("../../../demo/store.json")).unwrap();
    meridian_store::promos::upsert_all(&pool, &settings.promo_codes)
        .await
        .unwrap();
    let origin = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin_url = format!("http://{}", origin.local_addr().unwrap());
    let psp_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = PspConfig::for_tests(
        STRIPE_KEY,
        WEBHOOK_SECRET,
        Some(format!("{origin_url}/webhooks/stripe")),
    );
    let psp = Psp::start(psp_listener, psp(config)).await.unwrap();
    let stripe = Stripe::new(&psp.url(), STRIPE_KEY, WEBHOOK_SECRET).unwrap();
    let state = AppState::new(Db::new(pool.clone(), None), crate::common::EDGE_SECRET)
        .selling(Selling {
            settings,
            store_url: "https://shop.example".into(),
            pay_within: Duration::from_secs(30 * 60),
        })
        .with_payments(Arc::new(stripe))
        .with_sessions(SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap());
    let app = router(state);
    let served = app.clone();
    tokio::spawn(async move { axum::serve(origin, served).await.unwrap() });
    Shop {
        pool,
        app,
        origin_url,
        psp,
    }
}

pub(crate) fn ny_address() -> Value {
    json!({"name": "Ana Lima", "line1": "1 Main St", "city": "New York", "region": "NY",
           "postcode": "10001", "country": "US"})
}

impl Shop {
    /// A cart holding `quantity` of `sku`, with contact, a New York address and standard shipping.
    pub(crate) async fn buyer(&self, sku: &str, quantity: u32, email: &str) -> String {
        let (status, cart) = call(
            &self.app,
            "POST",
            "/api/carts",
            Some(json!({"sku": sku, "quantity": quantity})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{cart}");
        let id = cart["id"].as_str().unwrap().to_owned();
        let step = json!({"email": email, "address": ny_address()});
        let (status, body) = self.checkout(&id, step).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = self
            .checkout(&id, json!({"shipping_method": "standard"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        id
    }

    pub(crate) async fn checkout(&self, cart: &str, step: Value) -> (StatusCode, Value) {
        call(
            &self.app,
            "PUT",
            &format!("/api/carts/{cart}/checkout"),
            Some(step),
        )
        .await
    }

    pub(crate) async fn place(&self, cart: &str, key: &str) -> (StatusCode, Value) {
        call_with(
            &self.app,
            "POST",
            &format!("/api/carts/{cart}/order"),
            None,
            Some(key),
        )
        .await
    }

    /// Places the order and opens its payment page; returns (token, checkout session id).
    pub(crate) async fn order_and_session(&self, cart: &str) -> (String, String) {
        let (status, placed) = self.place(cart, &uuid::Uuid::new_v4().to_string()).await;
        assert_eq!(status, StatusCode::CREATED, "{placed}");
        let token = placed["token"].as_str().unwrap().to_owned();
        (token.clone(), self.session(&token).await)
    }

    pub(crate) async fn session(&self, token: &str) -> String {
        let key = uuid::Uuid::new_v4().to_string();
        let (status, start) = call_with(
            &self.app,
            "POST",
            &format!("/api/orders/{token}/payment"),
            None,
            Some(&key),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{start}");
        let url = start["url"].as_str().unwrap();
        assert!(url.starts_with(&self.psp.url()), "{url}");
        url.rsplit('/').next().unwrap().to_owned()
    }

    pub(crate) async fn order(&self, token: &str) -> Value {
        let (status, order) = call(&self.app, "GET", &format!("/api/orders/{token}"), None).await;
        assert_eq!(status, StatusCode::OK, "{order}");
        order
    }

    /// Waits (up to 10 s) until the order has `status`, as the buyer's refreshing page does.
    pub(crate) async fn wait_status(&self, token: &str, status: &str) -> Value {
        let started = Instant::now();
        loop {
            let order = self.order(token).await;
            if order["status"] == status || started.elapsed() > Duration::from_secs(10) {
                assert_eq!(order["status"], status, "{order}");
                return order;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub(crate) async fn stock(&self, sku: &str) -> i32 {
        sqlx::query_scalar("SELECT available FROM variants WHERE sku = $1")
            .bind(sku)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub(crate) async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    /// Makes every unpaid order due and runs the expiry the jobs' housekeeping runs.
    pub(crate) async fn expire_all(&self) -> u64 {
        sqlx::query("UPDATE orders SET expires_at = now() - interval '1 second' WHERE status = 'pending_payment'")
            .execute(&self.pool)
            .await
            .unwrap();
        meridian_store::orders::expire_due(&self.pool, 100)
            .await
            .unwrap()
    }
}
