//! Test plumbing: a stand-in started on a loopback port, a Stripe-style client, and a webhook receiver
//! that verifies signatures with its own HMAC code rather than the crate's `sign`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use meridian_psp::{Psp, PspConfig};
use serde_json::Value;
use sha2::Sha256;
use tokio::net::TcpListener;

pub(crate) const SECRET_KEY: &str = "sk_test_psp_integration_0001";
pub(crate) const WEBHOOK_SECRET: &str = "whsec_psp_integration_secret";

/// Starts a stand-in with `adjust` applied to the test configuration.
pub(crate) async fn start_psp(
    webhook_url: Option<String>,
    adjust: impl FnOnce(&mut PspConfig),
) -> Psp {
    let mut config = PspConfig::for_tests(SECRET_KEY, WEBHOOK_SECRET, webhook_url);
    adjust(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    Psp::start(listener, config).await.unwrap()
}

/// A client that does not follow redirects, so tests see the 303 itself.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// POSTs Stripe-style form parameters with the test key.
pub(crate) async fn post_form(
    psp: &Psp,
    path: &str,
    params: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}{path}", psp.url()))
        .bearer_auth(SECRET_KEY)
        .form(params)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub(crate) async fn get_json(psp: &Psp, path: &str) -> (StatusCode, Value) {
    let response = client()
        .get(format!("{}{path}", psp.url()))
        .bearer_auth(SECRET_KEY)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// The parameters of a two-item session (2 × 15.00 + 1 × 5.00 EUR = 35.00).
pub(crate) fn session_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("mode", "payment"),
        (
            "success_url",
            "http://shop.test/thanks?session={CHECKOUT_SESSION_ID}",
        ),
        ("cancel_url", "http://shop.test/cart"),
        ("client_reference_id", "order-42"),
        ("customer_email", "ada@example.com"),
        ("metadata[order_id]", "42"),
        ("line_items[0][quantity]", "2"),
        ("line_items[0][price_data][currency]", "eur"),
        ("line_items[0][price_data][unit_amount]", "1500"),
        (
            "line_items[0][price_data][product_data][name]",
            "Linen shirt",
        ),
        ("line_items[1][quantity]", "1"),
        ("line_items[1][price_data][currency]", "eur"),
        ("line_items[1][price_data][unit_amount]", "500"),
        ("line_items[1][price_data][product_data][name]", "Socks <3"),
    ]
}

/// Creates the two-item session and answers its id.
pub(crate) async fn create_session(psp: &Psp) -> String {
    let (status, session) = post_form(psp, "/v1/checkout/sessions", &session_params()).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    session["id"].as_str().unwrap().to_owned()
}

/// Polls `check` every 20 ms for up to 5 s.
pub(crate) async fn eventually<T>(mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..250 {
        if let Some(value) = check() {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not met within 5 s");
}

/// One webhook POST as the receiver saw it.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) event: Value,
    pub(crate) signature_valid: bool,
    pub(crate) content_type: String,
    pub(crate) user_agent: String,
}

/// A webhook endpoint answering 500 to its first `failures` requests, then 200.
#[derive(Clone)]
pub(crate) struct Receiver {
    pub(crate) url: String,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    pub(crate) async fn start(failures: usize) -> Receiver {
        let deliveries = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(AtomicUsize::new(0));
        let record = deliveries.clone();
        let app = Router::new().route(
            "/webhooks/stripe",
            post(move |headers: HeaderMap, body: String| async move {
                record.lock().unwrap().push(inspect(&headers, &body));
                if seen.fetch_add(1, Ordering::SeqCst) < failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks/stripe", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, deliveries }
    }

    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.deliveries.lock().unwrap().clone()
    }

    /// Deliveries of events of `event_type`.
    pub(crate) fn of_type(&self, event_type: &str) -> Vec<Delivery> {
        self.deliveries()
            .into_iter()
            .filter(|d| d.event["type"] == event_type)
            .collect()
    }
}

fn inspect(headers: &HeaderMap, body: &str) -> Delivery {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    Delivery {
        event: serde_json::from_str(body).unwrap(),
        signature_valid: verify(&header("stripe-signature"), body),
        content_type: header("content-type"),
        user_agent: header("user-agent"),
    }
}

/// Stripe's documented check: HMAC-SHA256 over "{t}.{body}" equals the hex `v1`, and `t` is recent.
fn verify(header: &str, body: &str) -> bool {
    let field = |name: &str| header.split(',').find_map(|part| part.strip_prefix(name));
    let (Some(t), Some(v1)) = (field("t="), field("v1=")) else {
        return false;
    };
    let Ok(timestamp) = t.parse::<i64>() else {
        return false;
    };
    let fresh = (chrono_now() - timestamp).abs() <= 300;
    let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let Ok(given) = hex::decode(v1) else {
        return false;
    };
    fresh && mac.verify_slice(&given).is_ok()
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Waits until the first `event_type` event has `attempts` delivery attempts recorded.
pub(crate) async fn wait_for_attempts(
    psp: &Psp,
    event_type: &str,
    attempts: usize,
) -> meridian_psp::RecordedEvent {
    for _ in 0..250 {
        let events = psp.events().await;
        if let Some(event) = events
            .into_iter()
            .find(|e| e.event_type == event_type && e.attempts.len() >= attempts)
        {
            return event;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{event_type} did not reach {attempts} attempts within 5 s");
}
