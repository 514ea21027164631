//! Sessions granted and renewed: a sign-in (or sign-up, or password change) starts a session and signs
//! its first token; the refresh secret gets the next token while the session lives. Every grant names
//! the account's cart, so the edge points the device's cart cookie at it.

use super::links::{digest, new_secret};
use super::{account, signed_out, tokens, SESSION_ENDED};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use meridian_domain::account::{AccountView, SessionClaims, SessionGrant};
use meridian_store::{accounts, carts};
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

/// How long a session lasts without signing in again.
const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// Starts a session for `account` and signs its first token; `cart` is the account's cart, if any.
pub(super) async fn grant(
    state: &AppState,
    keys: &tokens::SessionKeys,
    account: AccountView,
    cart: Option<Uuid>,
) -> ApiResult<SessionGrant> {
    let refresh = new_secret();
    let (session, session_expires) = accounts::start_session(
        state.db.write(),
        account.id,
        &digest(&refresh),
        SESSION_LIFETIME,
    )
    .await?;
    let claims = SessionClaims {
        account: account.id,
        session,
    };
    let (token, token_expires) = keys.sign(&claims, tokens::TOKEN_LIFETIME)?;
    Ok(SessionGrant {
        token,
        token_expires,
        refresh,
        session_expires,
        account,
        cart,
    })
}

/// The account's open cart (see `meridian_store::carts::open_cart`), for grants that merge nothing.
pub(super) async fn open_cart(state: &AppState, account: Uuid) -> ApiResult<Option<Uuid>> {
    let mut conn = state.db.write().acquire().await?;
    Ok(carts::open_cart(&mut conn, account).await?)
}

#[derive(Deserialize)]
pub(super) struct Refresh {
    refresh: String,
}

/// A new token for a live session, from its refresh secret.
pub(super) async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<Refresh>,
) -> ApiResult<Json<SessionGrant>> {
    let keys = state.session_keys()?;
    let session = accounts::by_refresh(state.db.write(), &digest(&body.refresh))
        .await?
        .ok_or_else(|| signed_out(SESSION_ENDED))?;
    let account = account(&state, session.account).await?;
    let cart = open_cart(&state, account.id).await?;
    let claims = SessionClaims {
        account: account.id,
        session: session.id,
    };
    let (token, token_expires) = keys.sign(&claims, tokens::TOKEN_LIFETIME)?;
    Ok(Json(SessionGrant {
        token,
        token_expires: token_expires.min(session.expires),
        refresh: body.refresh,
        session_expires: session.expires,
        account: account.into(),
        cart,
    }))
}
