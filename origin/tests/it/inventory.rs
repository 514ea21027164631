//! Admin inventory: set/add/remove by SKU with a reason, each a movement naming the key; removing more
//! than there is refused with nothing changed; scopes; movements from orders and expiry (not only the
//! admin); one `stock.low` event per crossing; concurrent removes never oversell. Every answer is checked
//! against the OpenAPI document.

use crate::admin::{admin, assert_schema, key};
use crate::common::send;
use crate::shop::{open, Shop};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;

async fn adjust(shop: &Shop, key: &str, sku: &str, body: Value) -> (StatusCode, Value) {
    let uri = format!("/admin/api/inventory/{sku}/adjustments");
    admin(shop, Some(key), "POST", &uri, Some(body)).await
}

async fn movements(shop: &Shop, key: &str, sku: &str, query: &str) -> Value {
    let uri = format!("/admin/api/inventory/{sku}/movements{query}");
    let (status, list) = admin(shop, Some(key), "GET", &uri, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_schema(&list, "StockMovementList");
    list
}

/// (source, delta, available, reason) of each movement, newest first.
fn summary(list: &Value) -> Vec<(String, i64, i64, String)> {
    list["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["source"].as_str().unwrap().to_owned(),
                m["delta"].as_i64().unwrap(),
                m["available"].as_i64().unwrap(),
                m["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn row(source: &str, delta: i64, available: i64, reason: &str) -> (String, i64, i64, String) {
    (source.into(), delta, available, reason.into())
}

async fn low_events(shop: &Shop) -> Vec<Value> {
    sqlx::query_scalar("SELECT payload FROM outbox WHERE topic = 'stock.low' ORDER BY id")
        .fetch_all(&shop.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn set_add_and_remove_are_each_a_movement_with_its_reason_and_key(pool: PgPool) {
    let shop = open(pool).await;
    let ops = key(&shop, &["inventory:read", "inventory:write"]).await;
    let change = |change: &str, quantity: i64, reason: &str| json!({"change": change, "quantity": quantity, "reason": reason});
    let (status, set) = adjust(&shop, &ops, "TEE-S", change("set", 20, "cycle count")).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_schema(&set, "StockAdjusted");
    assert_eq!(set["item"]["available"], 20);
    assert_eq!(
        (
            set["movement"]["delta"].as_i64(),
            set["movement"]["api_key"].as_str()
        ),
        (Some(10), Some(&ops[..11]))
    );
    let (_, added) = adjust(&shop, &ops, "TEE-S", change("add", 5, "  delivery 4471  ")).await;
    assert_eq!(added["item"]["available"], 25);
    let (_, removed) = adjust(&shop, &ops, "TEE-S", change("remove", 3, "water damage ☔")).await;
    assert_eq!(removed["item"]["available"], 22);
    assert_eq!(shop.stock("TEE-S").await, 22);
    // A count that finds what was there changes nothing and records nothing.
    let (status, same) = adjust(&shop, &ops, "TEE-S", change("set", 22, "recount")).await;
    assert_eq!((status, &same["movement"]), (StatusCode::OK, &Value::Null));

    let list = movements(&shop, &ops, "TEE-S", "").await;
    assert_eq!(
        summary(&list),
        [
            row("admin", -3, 22, "water damage ☔"),
            row("admin", 5, 25, "delivery 4471"),
            row("admin", 10, 20, "cycle count"),
            row("sync", 10, 10, "new variant from the product sync"),
        ],
        "newest first, back to the variant's initial stock"
    );
    // Paged: two at a time, then the rest from `next_before`.
    let first = movements(&shop, &ops, "TEE-S", "?limit=2").await;
    let before = first["next_before"].as_i64().unwrap();
    let rest = movements(&shop, &ops, "TEE-S", &format!("?limit=2&before={before}")).await;
    assert_eq!(summary(&rest)[0], row("admin", 10, 20, "cycle count"));

    let (status, item) = admin(&shop, Some(&ops), "GET", "/admin/api/inventory/TEE-S", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&item, "StockItem");
    assert_eq!(
        (item["product_slug"].as_str(), item["low"].as_bool()),
        (Some("crew-tee"), Some(false))
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_refused_adjustment_changes_nothing_and_says_why(pool: PgPool) {
    let shop = open(pool).await;
    let ops = key(&shop, &["inventory:read", "inventory:write"]).await;
    let before = shop.count("SELECT count(*) FROM stock_movements").await;
    let remove = json!({"change": "remove", "quantity": 11, "reason": "shrinkage"});
    let (status, refusal) = adjust(&shop, &ops, "TEE-S", remove).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_schema(&refusal, "Error");
    assert_eq!(refusal["error"], "not_enough_stock");
    assert_eq!(
        refusal["message"],
        "Only 10 of TEE-S are available; removing 11 would take stock below zero. Nothing was changed."
    );
    for (body, status, code) in [
        (
            json!({"change": "add", "quantity": 0, "reason": "x"}),
            422,
            "bad_quantity",
        ),
        (
            json!({"change": "set", "quantity": 1_000_001, "reason": "x"}),
            422,
            "bad_quantity",
        ),
        (
            json!({"change": "add", "quantity": 99_999_999_999_i64, "reason": "x"}),
            422,
            "bad_quantity",
        ),
        (
            json!({"change": "add", "quantity": 1, "reason": "   "}),
            422,
            "bad_reason",
        ),
        (
            json!({"change": "add", "quantity": 1, "reason": "é".repeat(501)}),
            422,
            "bad_reason",
        ),
        (
            json!({"change": "add", "quantity": 1, "reason": "a\u{0}b"}),
            422,
            "bad_reason",
        ),
    ] {
        let (got, answer) = adjust(&shop, &ops, "TEE-S", body.clone()).await;
        assert_eq!(
            (got.as_u16(), answer["error"].as_str()),
            (status, Some(code)),
            "{body}"
        );
    }
    let (status, _) = adjust(
        &shop,
        &ops,
        "TEE-S",
        json!({"change": "double", "quantity": 1, "reason": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, missing) = adjust(
        &shop,
        &ops,
        "NOPE",
        json!({"change": "add", "quantity": 1, "reason": "x"}),
    )
    .await;
    assert_eq!(
        (status, missing["message"].as_str()),
        (
            StatusCode::NOT_FOUND,
            Some("There is no variant with SKU \"NOPE\".")
        )
    );
    // Adding past the most a variant may hold is refused, not wrapped around.
    let big = json!({"change": "set", "quantity": 1_000_000, "reason": "x"});
    assert_eq!(adjust(&shop, &ops, "TOTE", big).await.0, StatusCode::OK);
    let more = json!({"change": "add", "quantity": 1, "reason": "x"});
    assert_eq!(
        adjust(&shop, &ops, "TOTE", more).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(shop.stock("TEE-S").await, 10);
    assert_eq!(shop.stock("TOTE").await, 1_000_000);
    assert_eq!(
        shop.count("SELECT count(*) FROM stock_movements").await,
        before + 1
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_retried_adjustment_is_applied_once(pool: PgPool) {
    let shop = open(pool).await;
    let ops = key(&shop, &["inventory:write"]).await;
    let post = |idempotency: Option<&str>| {
        let mut req = Request::builder()
            .method("POST")
            .uri("/admin/api/inventory/LAST/adjustments")
            .header("authorization", format!("Bearer {ops}"))
            .header("content-type", "application/json");
        if let Some(k) = idempotency {
            req = req.header("idempotency-key", k);
        }
        let body = json!({"change": "add", "quantity": 4, "reason": "delivery"});
        req.body(Body::from(body.to_string())).unwrap()
    };
    let (first, answer) = send(&shop.app, post(Some("restock-77"))).await;
    let (again, replayed) = send(&shop.app, post(Some("restock-77"))).await;
    assert_eq!((first, again), (StatusCode::OK, StatusCode::OK));
    assert_eq!(answer, replayed);
    assert_eq!(shop.stock("LAST").await, 14, "added once");
    let (status, refusal) = send(&shop.app, post(None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refusal}");
    assert_eq!(shop.stock("LAST").await, 14);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn only_an_inventory_write_key_adjusts(pool: PgPool) {
    let shop = open(pool).await;
    let reader = key(&shop, &["inventory:read"]).await;
    let orders = key(&shop, &["orders:read", "orders:write"]).await;
    let add = json!({"change": "add", "quantity": 1, "reason": "x"});
    let (status, refusal) = adjust(&shop, &reader, "TEE-S", add.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        refusal["message"],
        "This key may not do that: it needs the inventory:write scope."
    );
    assert_eq!(
        adjust(&shop, &orders, "TEE-S", add.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let uri = "/admin/api/inventory/TEE-S/adjustments";
    assert_eq!(
        admin(&shop, None, "POST", uri, Some(add)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = admin(&shop, Some(&orders), "GET", "/admin/api/inventory", None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "orders keys do not read stock"
    );
    let (status, list) = admin(&shop, Some(&reader), "GET", "/admin/api/inventory", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&list, "StockList");
    assert_eq!(shop.stock("TEE-S").await, 10);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn orders_expiry_and_plain_sql_are_movements_too(pool: PgPool) {
    let shop = open(pool).await;
    let reader = key(&shop, &["inventory:read"]).await;
    let cart = shop.buyer("TEE-M", 2, "ana@example.com").await;
    let (token, _) = shop.order_and_session(&cart).await;
    let number = shop.order(&token).await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(shop.expire_all().await, 1);
    sqlx::query("UPDATE variants SET available = 7 WHERE sku = 'TEE-M'")
        .execute(&shop.pool)
        .await
        .unwrap();
    let list = movements(&shop, &reader, "TEE-M", "").await;
    assert_eq!(
        summary(&list),
        [
            row("unattributed", 4, 7, "no reason given"),
            row(
                "expiry",
                2,
                3,
                &format!("order {number} expired: not paid in time: stock and promo use released")
            ),
            row("order", -2, 1, &format!("order {number} placed")),
            row("sync", 3, 3, "new variant from the product sync"),
        ]
    );
    assert!(list["movements"][0]["api_key"].is_null());
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn crossing_the_low_stock_threshold_announces_once(pool: PgPool) {
    let shop = open(pool).await;
    let ops = key(&shop, &["inventory:read", "inventory:write"]).await;
    let remove =
        |n: i64| json!({"change": "remove", "quantity": n, "reason": "sold at the market"});
    adjust(&shop, &ops, "TEE-S", remove(4)).await; // 10 → 6: above the store-wide 5
    assert!(low_events(&shop).await.is_empty());
    adjust(&shop, &ops, "TEE-S", remove(1)).await; // 6 → 5: crossed
    adjust(&shop, &ops, "TEE-S", remove(2)).await; // 5 → 3: still low, no second event
    assert_eq!(
        low_events(&shop).await,
        [json!({"sku": "TEE-S", "product_slug": "crew-tee", "available": 5, "threshold": 5})]
    );
    let (_, low) = admin(
        &shop,
        Some(&ops),
        "GET",
        "/admin/api/inventory?low=true",
        None,
    )
    .await;
    assert_schema(&low, "StockList");
    let skus: Vec<&str> = low["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap())
        .collect();
    assert_eq!(
        skus,
        ["TEE-M", "TEE-S", "TOTE"],
        "TEE-M starts at 3, TOTE at 5: low, never crossed"
    );
    // Back above it, then down again: a new crossing, a new event. A variant's own threshold wins.
    adjust(
        &shop,
        &ops,
        "TEE-S",
        json!({"change": "add", "quantity": 10, "reason": "delivery"}),
    )
    .await;
    let threshold = |n: Value| json!({ "low_stock_threshold": n });
    let uri = "/admin/api/inventory/TEE-S/threshold";
    let (status, item) = admin(&shop, Some(&ops), "PUT", uri, Some(threshold(json!(12)))).await;
    assert_eq!(
        (status, item["low_stock_threshold"].as_i64()),
        (StatusCode::OK, Some(12))
    );
    assert_schema(&item, "StockItem");
    for bad in [json!(-1), json!(1_000_001), json!("5")] {
        let (status, _) = admin(&shop, Some(&ops), "PUT", uri, Some(threshold(bad))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    adjust(&shop, &ops, "TEE-S", remove(1)).await; // 13 → 12
    let events = low_events(&shop).await;
    assert_eq!(events.len(), 2);
    assert_eq!(
        (
            events[1]["available"].as_i64(),
            events[1]["threshold"].as_i64()
        ),
        (Some(12), Some(12))
    );
    // Cleared, the store-wide threshold applies again.
    let (_, item) = admin(&shop, Some(&ops), "PUT", uri, Some(threshold(Value::Null))).await;
    assert_eq!(
        (item["low_stock_threshold"].as_i64(), item["low"].as_bool()),
        (Some(5), Some(false))
    );
    let reader = key(&shop, &["inventory:read"]).await;
    let (status, _) = admin(&shop, Some(&reader), "PUT", uri, Some(threshold(json!(1)))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn concurrent_removes_never_take_stock_below_zero(pool: PgPool) {
    let shop = open(pool).await;
    let ops = key(&shop, &["inventory:read", "inventory:write"]).await;
    let shop = std::sync::Arc::new(shop);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (shop, ops) = (shop.clone(), ops.clone());
            tokio::spawn(async move {
                let body = json!({"change": "remove", "quantity": 1, "reason": "picked"});
                adjust(&shop, &ops, "TEE-S", body).await.0
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, refused), (10, 6), "{statuses:?}");
    assert_eq!(shop.stock("TEE-S").await, 0);
    let picked = shop
        .count("SELECT count(*) FROM stock_movements WHERE source = 'admin' AND reason = 'picked'")
        .await;
    assert_eq!(picked, 10);
}
