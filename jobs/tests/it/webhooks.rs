//! Outgoing webhooks end to end: an outbox event through the real relay, Redis and workers to a real HTTP
//! receiver that checks the Standard Webhooks signature with its own verifier; retries with the same
//! `webhook-id`, dead letters and a failed delivery, and a replay.

use crate::common::{import_only, namespace, redis_url, serve, stop_worker};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use meridian_jobs::dead_letters::DeadLetters;
use meridian_jobs::queue::Queues;
use meridian_jobs::relay::{self, RelaySettings};
use meridian_jobs::webhooks::{self, DeliverWebhook, FanOutWebhooks, ReplayWebhook, WebhookArgs};
use meridian_jobs::worker::{RetrySettings, Workers};
use meridian_store::webhooks as store;
use serde_json::{json, Value};
use sha2::Sha256;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the receiver saw of one request, after checking its signature.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    body: Value,
}

#[derive(Clone)]
struct Receiver {
    secret: String,
    /// Answer 500 to this many requests first.
    fail_first: Arc<Mutex<usize>>,
    seen: Arc<Mutex<Vec<Received>>>,
}

/// The receiver's side of the spec, written from its text and not from our signer: the key is the
/// base64 after `whsec_`; the content `{id}.{timestamp}.{body}`; any of the space-separated `v1,`
/// signatures may match; a timestamp more than five minutes off is refused.
fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(ts), Some(signatures)) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    ) else {
        return false;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if ts.parse::<i64>().map_or(true, |t| (now - t).abs() > 300) {
        return false;
    }
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut content = format!("{id}.{ts}.").into_bytes();
    content.extend_from_slice(body);
    signatures.split(' ').any(|candidate| {
        let Some(sig) = candidate.strip_prefix("v1,") else {
            return false;
        };
        let Ok(sig) = STANDARD.decode(sig) else {
            return false;
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(&content);
        mac.verify_slice(&sig).is_ok()
    })
}

async fn receive(
    State(r): State<Receiver>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    if !verify(&r.secret, &headers, &body) {
        return StatusCode::UNAUTHORIZED;
    }
    r.seen.lock().unwrap().push(Received {
        id: headers["webhook-id"].to_str().unwrap().to_owned(),
        body: serde_json::from_slice(&body).unwrap(),
    });
    let mut fail = r.fail_first.lock().unwrap();
    if *fail > 0 {
        *fail -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::NO_CONTENT
}

/// A receiver on a free port with its own secret, registered for `topics`; returns it and its endpoint id.
async fn receiver(pool: &PgPool, topics: &[&str], fail_first: usize) -> (Receiver, i64) {
    let secret = format!(
        "whsec_{}",
        STANDARD.encode(uuid::Uuid::new_v4().as_bytes().repeat(2))
    );
    let r = Receiver {
        secret: secret.clone(),
        fail_first: Arc::new(Mutex::new(fail_first)),
        seen: Arc::default(),
    };
    let url = serve(
        Router::new()
            .route("/in", post(receive))
            .with_state(r.clone()),
    )
    .await;
    let topics: Vec<String> = topics.iter().map(|t| (*t).to_owned()).collect();
    let endpoint = store::create(pool, &format!("{url}/in"), &topics, "test", &secret)
        .await
        .unwrap();
    (r, endpoint.id)
}

/// The relay and the webhook workers on a fresh namespace; 1 + `retries` attempts, quick backoff.
async fn start(
    pool: &PgPool,
    retries: usize,
) -> (
    Queues,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let queues = Queues::connect(&redis_url(), &namespace()).await.unwrap();
    let retry = RetrySettings {
        retries,
        min_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
    };
    let args = WebhookArgs {
        webhook_timeout_secs: 5,
    };
    let settings = webhooks::Settings::new(&args, queues.clone(), retry);
    let workers = Workers::new(import_only(pool), queues.clone(), retry)
        .register::<FanOutWebhooks>(settings.clone())
        .register::<DeliverWebhook>(settings.clone())
        .register::<ReplayWebhook>(settings);
    let quick = RelaySettings {
        poll: Duration::from_millis(200),
        ..RelaySettings::default()
    };
    tokio::spawn(relay::run(
        pool.clone(),
        queues.clone(),
        quick,
        Box::new(|_| {}),
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(workers.run(async {
        let _ = stopped.await;
    }));
    (queues, stop, worker)
}

/// Writes an outbox event as the store does, in a transaction of its own.
async fn announce(pool: &PgPool, topic: &str, payload: Value) {
    let mut tx = pool.begin().await.unwrap();
    meridian_store::outbox::push(&mut tx, topic, payload)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Waits (up to 30 s) until `check` holds for the endpoint's newest delivery.
async fn wait_for(
    pool: &PgPool,
    endpoint: i64,
    check: impl Fn(&store::Delivery) -> bool,
) -> store::Delivery {
    for _ in 0..150 {
        let list = store::deliveries(pool, endpoint, 10)
            .await
            .unwrap()
            .unwrap();
        if let Some(d) = list.first().filter(|d| check(d)) {
            return d.clone();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("delivery of endpoint {endpoint} did not get there within 30s");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn events_reach_subscribed_endpoints_signed_once(pool: PgPool) {
    let (orders, orders_id) = receiver(&pool, &["order.paid", "order.refunded"], 0).await;
    let (catalog, catalog_id) = receiver(&pool, &["product.changed"], 0).await;
    let (queues, stop, worker) = start(&pool, 2).await;

    let token = "ab".repeat(32);
    announce(
        &pool,
        "order.paid",
        json!({"number": "M-100001", "token": token}),
    )
    .await;
    let d = wait_for(&pool, orders_id, |d| d.status == "delivered").await;
    assert_eq!(
        (d.attempts, d.response_status, d.topic.as_str()),
        (1, Some(204), "order.paid")
    );
    assert!(d.last_error.is_none() && d.delivered_at.is_some());

    let seen = orders.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].id, d.message_id);
    assert_eq!(seen[0].body["type"], "order.paid");
    assert_eq!(
        seen[0].body["data"],
        json!({"number": "M-100001"}),
        "the buyer's token stays home"
    );
    assert!(seen[0].body["timestamp"].as_str().unwrap().ends_with('Z'));
    // Not subscribed to order.paid: nothing for the catalog endpoint.
    assert!(catalog.seen.lock().unwrap().is_empty());
    assert!(store::deliveries(&pool, catalog_id, 10)
        .await
        .unwrap()
        .unwrap()
        .is_empty());

    // The same event fanned out again (a redelivery) makes no second delivery and sends nothing.
    let event_id: i64 = sqlx::query_scalar("SELECT max(id) FROM outbox WHERE topic = 'order.paid'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let again = FanOutWebhooks {
        event: meridian_jobs::events::Event {
            id: event_id,
            topic: "order.paid".into(),
            payload: json!({"number": "M-100001"}),
            seen_at: None,
        },
    };
    queues.enqueue(again).await.unwrap();
    announce(
        &pool,
        "product.changed",
        json!({"slug": "crew-tee", "stock": true}),
    )
    .await;
    wait_for(&pool, catalog_id, |d| d.status == "delivered").await;
    assert_eq!(
        store::deliveries(&pool, orders_id, 10)
            .await
            .unwrap()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(orders.seen.lock().unwrap().len(), 1);
    assert_eq!(
        catalog.seen.lock().unwrap()[0].body["data"]["slug"],
        "crew-tee"
    );
    stop_worker(stop, worker).await;
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_failing_receiver_gets_retries_then_a_dead_letter_and_a_replay(pool: PgPool) {
    // Fails twice, then answers: delivered on the third attempt, every attempt with the same id.
    let (flaky, flaky_id) = receiver(&pool, &["order.fulfilled"], 2).await;
    // Always fails (within the test): 1 + 2 attempts, then failed and dead-lettered.
    let (down, down_id) = receiver(&pool, &["order.refunded"], usize::MAX).await;
    let (queues, stop, worker) = start(&pool, 2).await;

    announce(
        &pool,
        "order.fulfilled",
        json!({"number": "M-7", "tracking_number": "1Z, \"ü\""}),
    )
    .await;
    let d = wait_for(&pool, flaky_id, |d| d.status == "delivered").await;
    assert_eq!((d.attempts, d.response_status), (3, Some(204)));
    let seen = flaky.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.id == d.message_id), "{seen:?}");
    assert_eq!(seen[2].body["data"]["tracking_number"], "1Z, \"ü\"");

    announce(
        &pool,
        "order.refunded",
        json!({"number": "M-8", "amount_minor": 500}),
    )
    .await;
    let d = wait_for(&pool, down_id, |d| d.status == "failed").await;
    assert_eq!((d.attempts, d.response_status), (3, Some(500)));
    assert!(d.last_error.as_deref().unwrap().contains("500"), "{d:?}");
    assert_eq!(down.seen.lock().unwrap().len(), 3);
    let dead = DeadLetters::new(&queues);
    let mut letters = Vec::new();
    for _ in 0..50 {
        letters = dead.list().await.unwrap();
        if !letters.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(
        (letters[0].job.as_str(), letters[0].attempts),
        ("webhook-deliver", 3)
    );

    // The receiver is fixed; a replay (as the admin API asks for it) sends the same message again.
    *down.fail_first.lock().unwrap() = 0;
    let mut tx = pool.begin().await.unwrap();
    assert!(store::replay(&mut tx, down_id, d.id).await.unwrap());
    tx.commit().await.unwrap();
    let replayed = wait_for(&pool, down_id, |d| d.status == "delivered").await;
    assert_eq!((replayed.id, replayed.attempts), (d.id, 1));
    let seen = down.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[3].id, d.message_id, "a replay keeps the webhook-id");
    // Another endpoint's delivery cannot be replayed through this one.
    let mut tx = pool.begin().await.unwrap();
    assert!(!store::replay(&mut tx, flaky_id, d.id).await.unwrap());
    stop_worker(stop, worker).await;
}
