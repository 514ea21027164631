//! Idempotent writes over HTTP: the `Idempotency-Key` extractor, and the two calls every write handler
//! makes around its work — [`claim`] (a replay answers at once; [`claim_cart`] also locks the cart) and
//! [`respond`] (stores the answer and commits it with the write). The rules themselves live in `meridian_store::idempotency`.

use crate::error::{ApiError, ApiResult};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use meridian_domain::api::IDEMPOTENCY_HEADER;
use meridian_store::carts::{self, CartError};
use meridian_store::idempotency::{self, Claim, Recorded};
use meridian_store::Tx;
use serde::Serialize;
use uuid::Uuid;

/// Longest key accepted (Stripe allows 255; ours are UUIDs).
const MAX_KEY_LEN: usize = 200;

/// The request's `Idempotency-Key`, if it sent one: 1 to 200 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IdempotencyKey(pub(crate) Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(IDEMPOTENCY_HEADER) else {
            return Ok(Self(None));
        };
        value
            .to_str()
            .ok()
            .filter(|k| valid(k))
            .map(|k| Self(Some(k.to_owned())))
            .ok_or_else(|| {
                ApiError::BadRequest("Idempotency-Key must be 1 to 200 visible characters.".into())
            })
    }
}

fn valid(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Claims the key (if any) for `fingerprint`; `Some(first)` is the answer the first request got.
pub(crate) async fn claim(
    tx: &mut Tx<'_>,
    key: &IdempotencyKey,
    fingerprint: &str,
) -> ApiResult<Option<Recorded>> {
    let Some(key) = &key.0 else {
        return Ok(None);
    };
    match idempotency::claim(tx, key, fingerprint).await? {
        Claim::Proceed => Ok(None),
        Claim::Replay(recorded) => Ok(Some(recorded)),
    }
}

/// [`claim`] for a write to cart `cart`, taking the cart's lock as `carts::lock` does: in the claim's own
/// round trip when there is a key. No such cart is a 404, and rolls the claim back with the transaction.
pub(crate) async fn claim_cart(
    tx: &mut Tx<'_>,
    key: &IdempotencyKey,
    fingerprint: &str,
    cart: Uuid,
) -> ApiResult<Option<Recorded>> {
    let Some(key) = &key.0 else {
        carts::lock(tx, cart).await?;
        return Ok(None);
    };
    match idempotency::claim_locking_cart(tx, key, fingerprint, cart).await? {
        Some(Claim::Proceed) => Ok(None),
        Some(Claim::Replay(recorded)) => Ok(Some(recorded)),
        None => Err(CartError::NotFound.into()),
    }
}

/// The first answer again, with `status` (a write answered 201 the first time may be retried through a
/// route that answers 200).
pub(crate) fn replay(first: Recorded, status: StatusCode) -> Response {
    (status, axum::Json(first.body)).into_response()
}

/// Records `body` as the key's answer (if any), commits the write, and answers with it.
pub(crate) async fn respond<T: Serialize>(
    mut tx: Tx<'_>,
    key: &IdempotencyKey,
    status: StatusCode,
    body: &T,
) -> ApiResult<Response> {
    let value = serde_json::to_value(body).map_err(anyhow::Error::from)?;
    if let Some(key) = &key.0 {
        idempotency::complete(&mut tx, key, status.as_u16(), &value).await?;
    }
    tx.commit().await?;
    Ok((status, axum::Json(value)).into_response())
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(valid("2b1f6a0e-9d1c-4f57-a1c2-3f0f1e2d3c4b"));
        assert!(!valid(""));
        assert!(!valid(&"k".repeat(201)));
        assert!(!valid("with space"));
        assert!(!valid("ünïcode"));
    }
}
