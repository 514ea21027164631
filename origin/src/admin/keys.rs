//! API-key authentication for the admin API: `Authorization: Bearer mk_…`. No key, or an unknown or
//! revoked one, is 401; a valid key without the route's scope is 403. Keys are looked up by their hash.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

/// The caller's key has `orders:read`.
#[derive(Debug)]
pub(crate) struct CanRead;

/// The caller's key has `orders:write`.
#[derive(Debug)]
pub(crate) struct CanWrite;

impl FromRequestParts<AppState> for CanRead {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, "orders:read").await.map(|_| Self)
    }
}

impl FromRequestParts<AppState> for CanWrite {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, "orders:write").await.map(|_| Self)
    }
}

/// The id of the caller's key, if it is valid and has `scope`.
pub(super) async fn require(
    parts: &Parts,
    state: &AppState,
    scope: &'static str,
) -> Result<i64, ApiError> {
    let key = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|k| k.starts_with("mk_") && k.len() <= 100)
        .ok_or(ApiError::NoApiKey)?;
    let caller = meridian_store::api_keys::find(state.db.write(), key)
        .await?
        .ok_or(ApiError::NoApiKey)?;
    if caller.scopes.iter().any(|s| s == scope) {
        Ok(caller.id)
    } else {
        Err(ApiError::Forbidden(scope))
    }
}
