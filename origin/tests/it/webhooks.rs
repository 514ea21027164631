//! Admin webhook endpoints: register (URL and topics checked, the secret shown once), list (never a
//! secret), scopes, an endpoint's deliveries, replay (an outbox row for the jobs) and delete.

use crate::admin::assert_schema;
use crate::common::{send, state};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use meridian_origin::router;
use serde_json::{json, Value};
use sqlx::PgPool;

async fn call(
    app: &axum::Router,
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
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    send(app, req.body(body).unwrap()).await
}

async fn key(pool: &PgPool, scopes: &[&str]) -> String {
    let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
    meridian_store::api_keys::create(pool, "tests", &scopes)
        .await
        .unwrap()
        .key
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn endpoints_are_registered_listed_replayed_and_deleted(pool: PgPool) {
    let app = router(state(pool.clone()));
    let writer = key(&pool, &["webhooks:write", "webhooks:read"]).await;
    let reader = key(&pool, &["webhooks:read"]).await;
    let orders = key(&pool, &["orders:read", "orders:write"]).await;
    let hooks = "/admin/api/webhooks";

    // Refusals say what to fix, with 422.
    for (body, says) in [
        (
            json!({"url": "http://hooks.example.com/in", "topics": ["order.paid"]}),
            "https",
        ),
        (
            json!({"url": "not a url", "topics": ["order.paid"]}),
            "absolute URL",
        ),
        (
            json!({"url": "https://a:b@hooks.example.com/", "topics": ["order.paid"]}),
            "password",
        ),
        (
            json!({"url": "https://hooks.example.com/", "topics": []}),
            "at least one",
        ),
        (
            json!({"url": "https://hooks.example.com/", "topics": ["account.password_reset"]}),
            "Unknown topic",
        ),
    ] {
        let (status, answer) = call(&app, Some(&writer), "POST", hooks, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(says),
            "{answer}"
        );
    }

    // Scopes: none → 401, a reader cannot register, an orders key cannot even list.
    let good = json!({"url": "https://hooks.example.com/in?src=shop", "topics": ["order.paid", "order.paid", "product.changed"], "description": "ERP ☕"});
    assert_eq!(
        call(&app, None, "GET", hooks, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, Some(&reader), "POST", hooks, Some(good.clone()))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, answer) = call(&app, Some(&orders), "GET", hooks, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("webhooks:read"));

    let (status, created) = call(&app, Some(&writer), "POST", hooks, Some(good)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_schema(&created, "WebhookEndpointCreated");
    assert_eq!(created["topics"], json!(["order.paid", "product.changed"]));
    assert_eq!(created["description"], "ERP ☕");
    let secret = created["secret"].as_str().unwrap().to_owned();
    let id = created["id"].as_i64().unwrap();

    let (status, list) = call(&app, Some(&reader), "GET", hooks, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema(&list, "WebhookEndpointList");
    assert_eq!(list["endpoints"][0]["id"], id);
    assert!(
        !list.to_string().contains(&secret[6..]),
        "the secret is shown once only"
    );

    // A delivery (as the jobs' fan-out records it) is listed, and replaying it asks the jobs by outbox.
    let body = json!({"type": "order.paid", "timestamp": "2026-11-26T10:00:00.000Z", "data": {"number": "M-1"}});
    let pending = meridian_store::webhooks::fan_out(&pool, 41, "order.paid", &body)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    let deliveries = format!("{hooks}/{id}/deliveries");
    let (status, list) = call(&app, Some(&reader), "GET", &deliveries, None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_schema(&list, "WebhookDeliveryList");
    assert_eq!(list["deliveries"][0]["status"], "pending");
    assert!(list["deliveries"][0]["message_id"]
        .as_str()
        .unwrap()
        .starts_with("msg_"));
    let replay = format!("{deliveries}/{}/replay", pending[0]);
    assert_eq!(
        call(&app, Some(&reader), "POST", &replay, None).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, answer) = call(&app, Some(&writer), "POST", &replay, None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_schema(&answer, "WebhookReplay");
    let asked: Vec<Value> =
        sqlx::query_scalar("SELECT payload FROM outbox WHERE topic = 'webhook.replay'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(asked, [json!({"delivery": pending[0]})]);
    let unknown = format!("{deliveries}/{}/replay", pending[0] + 1000);
    assert_eq!(
        call(&app, Some(&writer), "POST", &unknown, None).await.0,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        call(
            &app,
            Some(&writer),
            "DELETE",
            &format!("{hooks}/{id}"),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(
            &app,
            Some(&writer),
            "DELETE",
            &format!("{hooks}/{id}"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, Some(&reader), "GET", &deliveries, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = call(&app, Some(&reader), "GET", hooks, None).await;
    assert_eq!(list, json!({"endpoints": []}));
}
