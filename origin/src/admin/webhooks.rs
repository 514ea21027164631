//! Admin webhook routes: register an endpoint (its secret is made here and shown once), list and delete
//! endpoints, list an endpoint's deliveries and replay one. Reads need `webhooks:read`, writes
//! `webhooks:write`. Sending is the jobs' work: a replay is an outbox row written with the delivery's
//! reset, so it is never lost and never sent for a request that failed.

use super::{keys::require, PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use meridian_domain::api::is_loopback_host;
use meridian_store::webhooks::{self, Delivery, Endpoint, TOPICS};
use serde::{Deserialize, Serialize};

/// The caller's key has `webhooks:read`.
#[derive(Debug)]
struct CanReadWebhooks;

/// The caller's key has `webhooks:write`.
#[derive(Debug)]
struct CanWriteWebhooks;

impl FromRequestParts<AppState> for CanReadWebhooks {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, "webhooks:read").await.map(|_| Self)
    }
}

impl FromRequestParts<AppState> for CanWriteWebhooks {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, "webhooks:write").await.map(|_| Self)
    }
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            &format!("{PREFIX}/webhooks"),
            get(list_endpoints).post(create_endpoint),
        )
        .route(
            &format!("{PREFIX}/webhooks/{{id}}"),
            delete(delete_endpoint),
        )
        .route(
            &format!("{PREFIX}/webhooks/{{id}}/deliveries"),
            get(list_deliveries),
        )
        .route(
            &format!("{PREFIX}/webhooks/{{id}}/deliveries/{{delivery}}/replay"),
            post(replay_delivery),
        )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEndpoint {
    url: String,
    topics: Vec<String>,
    #[serde(default)]
    description: String,
}

/// The endpoint just made, with its secret: the only answer that ever shows it.
#[derive(Debug, Serialize)]
struct Created {
    #[serde(flatten)]
    endpoint: Endpoint,
    secret: String,
}

async fn create_endpoint(
    _: CanWriteWebhooks,
    State(state): State<AppState>,
    Json(body): Json<NewEndpoint>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let url = check_url(body.url.trim())?;
    let topics = check_topics(body.topics)?;
    let description = body.description.trim();
    if description.chars().count() > 200 || description.chars().any(char::is_control) {
        return Err(ApiError::Unprocessable(
            "description must be at most 200 printable characters.".into(),
        ));
    }
    let secret = new_secret()?;
    let endpoint = webhooks::create(
        state.db.write(),
        url.as_str(),
        &topics,
        description,
        &secret,
    )
    .await?;
    // The host only: a receiver may put a token of its own in the URL's path or query.
    let host = url.host_str().unwrap_or_default();
    tracing::info!(endpoint = endpoint.id, host, "webhook endpoint registered");
    Ok((StatusCode::CREATED, Json(Created { endpoint, secret })))
}

/// An `https` URL (plain `http` only to this machine, for local receivers), without credentials.
fn check_url(text: &str) -> ApiResult<url::Url> {
    let refuse = |why: &str| ApiError::Unprocessable(format!("url {why}"));
    if text.len() > 2000 {
        return Err(refuse("must be at most 2000 characters."));
    }
    let url = url::Url::parse(text).map_err(|_| refuse("must be an absolute URL."))?;
    let loopback = url.host_str().is_some_and(is_loopback_host);
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(refuse(
                "must use https (plain http only to localhost/127.0.0.1/::1).",
            ))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("must name a host."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not carry a user name or password."));
    }
    Ok(url)
}

/// The topics, each one we send, without repeats, in the order asked.
fn check_topics(topics: Vec<String>) -> ApiResult<Vec<String>> {
    let mut kept: Vec<String> = Vec::new();
    for topic in topics {
        if !TOPICS.contains(&topic.as_str()) {
            return Err(ApiError::Unprocessable(format!(
                "Unknown topic {topic:?}; use some of: {}.",
                TOPICS.join(", ")
            )));
        }
        if !kept.contains(&topic) {
            kept.push(topic);
        }
    }
    if kept.is_empty() {
        return Err(ApiError::Unprocessable(
            "topics must name at least one topic.".into(),
        ));
    }
    Ok(kept)
}

/// `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64).
fn new_secret() -> ApiResult<String> {
    let mut key = [0u8; 32];
    getrandom::getrandom(&mut key)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness for a secret: {e}")))?;
    Ok(format!("whsec_{}", STANDARD.encode(key)))
}

#[derive(Debug, Serialize)]
struct EndpointList {
    endpoints: Vec<Endpoint>,
}

async fn list_endpoints(
    _: CanReadWebhooks,
    State(state): State<AppState>,
) -> ApiResult<Json<EndpointList>> {
    let endpoints = webhooks::list(state.db.write()).await?;
    Ok(Json(EndpointList { endpoints }))
}

async fn delete_endpoint(
    _: CanWriteWebhooks,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    if webhooks::delete(state.db.write(), id).await? {
        tracing::info!(endpoint = id, "webhook endpoint deleted");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_endpoint())
    }
}

#[derive(Debug, Deserialize)]
struct DeliveriesQuery {
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
struct DeliveryList {
    deliveries: Vec<Delivery>,
}

async fn list_deliveries(
    _: CanReadWebhooks,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<DeliveriesQuery>,
) -> ApiResult<Json<DeliveryList>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::BadRequest(
            "`limit` must be between 1 and 200.".into(),
        ));
    }
    let deliveries = webhooks::deliveries(state.db.write(), id, limit)
        .await?
        .ok_or_else(no_endpoint)?;
    Ok(Json(DeliveryList { deliveries }))
}

#[derive(Debug, Serialize)]
struct Replaying {
    delivery: i64,
    status: &'static str,
}

/// 202: the delivery is pending again and a job will send it (same `webhook-id`, new signature).
async fn replay_delivery(
    _: CanWriteWebhooks,
    State(state): State<AppState>,
    Path((id, delivery)): Path<(i64, i64)>,
) -> ApiResult<(StatusCode, Json<Replaying>)> {
    let mut tx = state.db.write().begin().await?;
    if !webhooks::replay(&mut tx, id, delivery).await? {
        return Err(ApiError::NotFound(
            "This endpoint has no such delivery.".into(),
        ));
    }
    tx.commit().await?;
    let status = "pending";
    Ok((StatusCode::ACCEPTED, Json(Replaying { delivery, status })))
}

fn no_endpoint() -> ApiError {
    ApiError::NotFound("There is no webhook endpoint with that id.".into())
}

#[cfg(test)]
mod tests {
    use super::{check_topics, check_url, new_secret};

    #[test]
    fn urls_are_https_or_local_http() {
        assert!(check_url("https://hooks.example.com/in?x=1").is_ok());
        assert!(check_url("http://127.0.0.1:9000/in").is_ok());
        assert!(check_url("http://localhost/in").is_ok());
        for bad in [
            "http://hooks.example.com/in",
            "ftp://hooks.example.com",
            "hooks.example.com/in",
            "https://user:pw@hooks.example.com/",
            "",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn topics_are_known_and_deduplicated() {
        let got = check_topics(vec!["order.paid".into(), "order.paid".into()]).unwrap();
        assert_eq!(got, ["order.paid"]);
        assert!(check_topics(vec![]).is_err());
        assert!(check_topics(vec!["account.password_reset".into()]).is_err());
    }

    #[test]
    fn secrets_are_long_random_and_prefixed() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert!(a.starts_with("whsec_") && a.len() == 6 + 44, "{a}");
        assert_ne!(a, b);
    }
}
