//! `SignedIn`: the extractor for requests made with a session. The edge forwards the shopper's token in
//! `x-meridian-session`; it must verify with our key, be unexpired, and name a session that is still live
//! in the database, so a sign-out or password change takes effect for the origin at once.

use super::signed_out;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use meridian_domain::api::SESSION_HEADER;
use meridian_store::accounts;
use uuid::Uuid;

/// The signed-in shopper of a request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignedIn {
    pub(crate) account: Uuid,
    pub(crate) session: Uuid,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let keys = state.session_keys()?;
        let claims = parts
            .headers
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|token| keys.verify(token))
            .ok_or_else(|| signed_out("Please sign in."))?;
        let live = accounts::session_account(state.db.write(), claims.session).await?;
        if live != Some(claims.account) {
            return Err(signed_out("Your session has ended: please sign in again."));
        }
        Ok(Self {
            account: claims.account,
            session: claims.session,
        })
    }
}

/// A request that may come from a signed-in shopper (starting a cart): without a session, or with one that
/// is not valid (expired, signed out), it is a guest's request, not a refusal.
impl OptionalFromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        if !parts.headers.contains_key(SESSION_HEADER) {
            return Ok(None);
        }
        match <Self as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(who) => Ok(Some(who)),
            // Refusals (signed out, accounts off) make it a guest's; a database failure stays one.
            Err(ApiError::Refused { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }
}
