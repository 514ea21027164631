//! Stripe's `Idempotency-Key` on POSTs: the first response is saved and replayed for the same key and
//! body; the same key with another request is an `idempotency_error`. As Stripe documents, results are
//! saved only once the endpoint ran: requests refused as invalid (4xx) leave nothing behind.

use std::collections::HashMap;
use std::sync::Mutex;

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Stripe's own limit on API request bodies is far below this.
const BODY_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone)]
struct Saved {
    status: StatusCode,
    body: Bytes,
}

#[derive(Debug)]
enum Entry {
    InFlight { request: Vec<u8> },
    Done { request: Vec<u8>, saved: Saved },
}

/// Keys seen so far; never pruned (Stripe keeps them 24 hours, a test run is shorter).
#[derive(Debug, Default)]
pub(crate) struct IdempotencyKeys {
    entries: Mutex<HashMap<String, Entry>>,
}

enum Begin {
    Fresh,
    Replay(Saved),
    Mismatch,
    InFlight,
}

impl IdempotencyKeys {
    fn begin(&self, key: &str, request: Vec<u8>) -> Begin {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(key) {
            None => {
                entries.insert(key.to_owned(), Entry::InFlight { request });
                Begin::Fresh
            }
            Some(Entry::Done {
                request: first,
                saved,
            }) if *first == request => Begin::Replay(saved.clone()),
            Some(Entry::InFlight { request: first }) if *first == request => Begin::InFlight,
            Some(_) => Begin::Mismatch,
        }
    }

    fn finish(&self, key: &str, status: StatusCode, body: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let Some(Entry::InFlight { request }) = entries.remove(key) else {
            return;
        };
        if !status.is_client_error() {
            let saved = Saved { status, body };
            entries.insert(key.to_owned(), Entry::Done { request, saved });
        }
    }
}

/// Middleware over the `/v1` routes.
pub(crate) async fn idempotency(
    State(keys): State<Arc<IdempotencyKeys>>,
    request: Request,
    next: Next,
) -> Response {
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (Some(key), true) = (key, request.method() == Method::POST) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return ApiError::state(None, "The request body could not be read.").into_response();
    };
    // The path is part of the fingerprint: Stripe refuses one key reused on another endpoint.
    let fingerprint = [parts.uri.path().as_bytes(), b"\n", &body].concat();
    match keys.begin(&key, fingerprint) {
        Begin::Fresh => {}
        Begin::Replay(saved) => return replay(saved),
        Begin::Mismatch => return mismatch(&key),
        Begin::InFlight => return in_flight(),
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    keys.finish(&key, parts.status, body.clone());
    Response::from_parts(parts, Body::from(body))
}

fn replay(saved: Saved) -> Response {
    let mut response = (saved.status, saved.body).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

fn mismatch(key: &str) -> Response {
    let message = format!(
        "Keys for idempotent requests can only be used with the same parameters they were first used with. \
         Try using a key other than '{key}' if you meant to execute a different request."
    );
    ApiError::idempotency(StatusCode::BAD_REQUEST, message).into_response()
}

fn in_flight() -> Response {
    let message = "There is currently another in-progress request using this Idempotent Key (that probably \
                   means you submitted twice, and the other request is still going through): please try again later.";
    ApiError::idempotency(StatusCode::CONFLICT, message).into_response()
}
