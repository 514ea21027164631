//! The admin API: API keys (none → 401, wrong scope → 403), listing and detail, fulfilment, refunds
//! through the provider, and every answer valid against the OpenAPI document the origin serves.

use crate::common::send;
use crate::shop::{open, Shop};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;

pub(crate) async fn admin(
    shop: &Shop,
    key: Option<&str>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(key) = key {
        req = req.header("authorization", format!("Bearer {key}"));
    }
    if method == "POST" {
        req = req.header("idempotency-key", uuid::Uuid::new_v4().to_string());
    }
    send(
        &shop.app,
        req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .unwrap(),
    )
    .await
}

pub(crate) async fn key(shop: &Shop, scopes: &[&str]) -> String {
    let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
    meridian_store::api_keys::create(&shop.pool, "tests", &scopes)
        .await
        .unwrap()
        .key
}

/// The OpenAPI document's schema `name` as a JSON Schema validator (OpenAPI 3.1 schemas are JSON Schema
/// 2020-12; the components ride along so `#/components/...` references resolve).
fn validator(name: &str) -> jsonschema::Validator {
    let mut document: Value = serde_json::from_str(meridian_origin::openapi_document()).unwrap();
    let mut schema = document["components"]["schemas"][name].take();
    assert!(schema.is_object(), "no schema {name}");
    schema["components"] = document["components"].take();
    jsonschema::validator_for(&schema).unwrap()
}

/// Checks `value` against the OpenAPI document's schema `name`.
pub(crate) fn assert_schema(value: &Value, name: &str) {
    let validator = validator(name);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{value}");
}

async fn paid_order(shop: &Shop, email: &str) -> String {
    let cart = shop.buyer("TEE-S", 2, email).await;
    let (token, session) = shop.order_and_session(&cart).await;
    shop.psp.pay(&session, "4242424242424242").await.unwrap();
    shop.wait_status(&token, "paid").await["number"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn keys_and_scopes_guard_every_route(pool: PgPool) {
    let shop = open(pool).await;
    let number = paid_order(&shop, "ana@example.com").await;
    let reader = key(&shop, &["orders:read"]).await;
    let refund = format!("/admin/api/orders/{number}/refunds");
    assert_eq!(
        admin(&shop, None, "GET", "/admin/api/orders", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        admin(
            &shop,
            Some("mk_nope_0000"),
            "GET",
            "/admin/api/orders",
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = admin(
        &shop,
        Some(&reader),
        "POST",
        &refund,
        Some(json!({"reason": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["message"],
        "This key may not do that: it needs the orders:write scope."
    );
    assert_eq!(
        admin(&shop, Some(&reader), "GET", "/admin/api/orders", None)
            .await
            .0,
        StatusCode::OK
    );
    // The edge's credential opens the storefront API, never the admin API, and a key never the storefront's.
    let (status, _) = crate::common::call(&shop.app, "GET", "/admin/api/orders", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        admin(
            &shop,
            Some(&reader),
            "GET",
            "/api/carts/00000000-0000-0000-0000-000000000000",
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    let prefix = &reader[..11];
    assert!(meridian_store::api_keys::revoke(&shop.pool, prefix)
        .await
        .unwrap());
    assert_eq!(
        admin(&shop, Some(&reader), "GET", "/admin/api/orders", None)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "revoked"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn list_filter_fulfil_and_refund_as_documented(pool: PgPool) {
    let shop = open(pool).await;
    let first = paid_order(&shop, "ana@example.com").await;
    let second = paid_order(&shop, "Bo@Example.com").await;
    let pending = shop.buyer("TOTE", 1, "cy@example.com").await;
    shop.place(&pending, "pending").await;
    let ops = key(&shop, &["orders:read", "orders:write"]).await;
    let (status, list) = admin(
        &shop,
        Some(&ops),
        "GET",
        "/admin/api/orders?status=paid",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&list, "OrderList");
    let numbers: Vec<&str> = list["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [second.as_str(), first.as_str()],
        "newest first, the pending one filtered out"
    );
    let (_, page) = admin(
        &shop,
        Some(&ops),
        "GET",
        "/admin/api/orders?limit=1&email=bo@example.com",
        None,
    )
    .await;
    assert_eq!(
        (
            page["orders"][0]["number"].as_str(),
            page["next_before"].as_str()
        ),
        (Some(second.as_str()), Some(second.as_str()))
    );
    let (status, _) = admin(
        &shop,
        Some(&ops),
        "GET",
        "/admin/api/orders?status=shipped",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, order) = admin(
        &shop,
        Some(&ops),
        "GET",
        &format!("/admin/api/orders/{first}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&order, "Order");
    let total = order["totals"]["total"]["minor"].as_i64().unwrap();

    let refunds = format!("/admin/api/orders/{first}/refunds");
    let (status, order) = admin(
        &shop,
        Some(&ops),
        "POST",
        &refunds,
        Some(json!({"amount_minor": 1000, "reason": "damaged box"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_schema(&order, "Order");
    assert_eq!(
        (
            order["status"].as_str(),
            order["refunded"]["minor"].as_i64()
        ),
        (Some("partially_refunded"), Some(1000))
    );
    let (status, refusal) = admin(
        &shop,
        Some(&ops),
        "POST",
        &refunds,
        Some(json!({"amount_minor": total, "reason": "too much"})),
    )
    .await;
    assert_eq!(
        (status, refusal["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_amount"))
    );
    assert_schema(&refusal, "Error");
    let (status, order) = admin(
        &shop,
        Some(&ops),
        "POST",
        &refunds,
        Some(json!({"reason": "customer returned it"})),
    )
    .await;
    assert_eq!(
        (
            status,
            order["status"].as_str(),
            order["refunded"]["minor"].as_i64()
        ),
        (StatusCode::OK, Some("refunded"), Some(total))
    );
    assert_eq!(shop.count("SELECT count(*) FROM refunds").await, 2);

    let fulfil = format!("/admin/api/orders/{second}/fulfilment");
    let (status, order) = admin(
        &shop,
        Some(&ops),
        "POST",
        &fulfil,
        Some(json!({"tracking_number": "1Z999AA10123456784"})),
    )
    .await;
    assert_eq!(
        (
            status,
            order["status"].as_str(),
            order["tracking_number"].as_str()
        ),
        (
            StatusCode::OK,
            Some("fulfilled"),
            Some("1Z999AA10123456784")
        )
    );
    let (status, refusal) = admin(
        &shop,
        Some(&ops),
        "POST",
        &fulfil,
        Some(json!({"tracking_number": "again"})),
    )
    .await;
    assert_eq!(
        (status, refusal["message"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("An order that is shipped cannot be fulfilled.")
        )
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn the_openapi_document_names_every_admin_route(pool: PgPool) {
    let shop = open(pool).await;
    let (status, document) = admin(&shop, None, "GET", "/admin/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    // The document's paths in name order (serde_json keeps object keys sorted).
    let paths: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
    let mut expected = [
        "/admin/api/orders",
        "/admin/api/orders/{number}",
        "/admin/api/orders/{number}/fulfilment",
        "/admin/api/orders/{number}/refunds",
        "/admin/api/inventory",
        "/admin/api/inventory/{sku}",
        "/admin/api/inventory/{sku}/movements",
        "/admin/api/inventory/{sku}/adjustments",
        "/admin/api/inventory/{sku}/threshold",
        "/admin/api/webhooks",
        "/admin/api/webhooks/{id}",
        "/admin/api/webhooks/{id}/deliveries",
        "/admin/api/webhooks/{id}/deliveries/{delivery}/replay",
        "/admin/api/reports",
        "/admin/api/reports/{date}/{file}",
    ];
    expected.sort_unstable();
    assert_eq!(paths, expected);
    for name in document["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
    {
        validator(name);
    }
    // The schemas are strict enough to catch a wrong answer.
    assert!(!validator("Order").is_valid(&json!({"number": "M-1"})));
    assert!(!validator("Money").is_valid(&json!({"minor": 1.5, "currency": "usd"})));
}
