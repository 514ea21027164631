//! Shopper accounts over the storefront API (called by the edge only, like every `/api` route): sign up,
//! sign in and refresh here; what a signed-in shopper does with the account in `manage`. Sign-in answers an
//! unknown email and a wrong password with the same 401 and in about the same time (see `passwords`).

mod addresses;
pub mod limits;
mod manage;
mod passwords;
mod reset;
mod session;
pub mod tokens;
mod wishlist;

pub(crate) use session::SignedIn;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use meridian_domain::account::{
    check_password, email_key, AccountView, Credentials, SessionClaims, SessionGrant,
};
use meridian_domain::api::origin as paths;
use meridian_domain::{normalise_email, FieldError};
use meridian_store::accounts::{self, CreateError};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

/// How long a session lasts without signing in again.
const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
const WRONG_CREDENTIALS: &str = "The email or password is not right.";

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(paths::ACCOUNTS, post(sign_up))
        .route(
            paths::ACCOUNT,
            get(manage::me).delete(manage::delete_account),
        )
        .route(paths::ACCOUNT_PASSWORD, put(manage::change_password))
        .route(
            paths::ACCOUNT_ADDRESSES,
            get(addresses::list).post(addresses::add),
        )
        .route(
            paths::ACCOUNT_ADDRESS,
            put(addresses::replace).delete(addresses::remove),
        )
        .route(paths::WISHLIST, get(wishlist::list).post(wishlist::save))
        .route(
            paths::WISHLIST_ITEM,
            axum::routing::delete(wishlist::remove),
        )
        .route(paths::PASSWORD_RESET, post(reset::ask))
        .route(paths::PASSWORD_RESET_CONFIRM, post(reset::confirm))
        .route(paths::SESSIONS, post(sign_in))
        .route(paths::SESSION_REFRESH, post(refresh))
        .route(
            paths::SESSION_CURRENT,
            axum::routing::delete(manage::sign_out),
        )
}

async fn sign_up(
    State(state): State<AppState>,
    Json(form): Json<Credentials>,
) -> ApiResult<(StatusCode, Json<SessionGrant>)> {
    let keys = state.session_keys()?;
    let email = normalise_email(&form.email);
    let mut fields = Vec::new();
    if email.is_none() {
        fields.push(FieldError::new(
            "email",
            "Enter an email address like name@example.com.",
        ));
    }
    if let Err(refusal) = check_password(&form.password, &form.email) {
        fields.push(FieldError::new("password", refusal.to_string()));
    }
    state.attempts.for_email("sign-up", &form.email)?;
    let Some(email) = email.filter(|_| fields.is_empty()) else {
        return Err(ApiError::invalid("Please fix the fields below.", fields));
    };
    let hash = passwords::hash(form.password).await?;
    let id = match accounts::create(state.db.write(), &email, &email_key(&email), &hash).await {
        Ok(id) => id,
        Err(CreateError::EmailTaken) => {
            return Err(ApiError::Conflict(
                "An account with this email already exists: sign in instead.".into(),
            ))
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
    };
    tracing::info!(account = %id, "account created");
    let grant = grant(&state, keys, AccountView { id, email }).await?;
    Ok((StatusCode::CREATED, Json(grant)))
}

async fn sign_in(
    State(state): State<AppState>,
    Json(form): Json<Credentials>,
) -> ApiResult<Json<SessionGrant>> {
    let keys = state.session_keys()?;
    state.attempts.for_email("sign-in", &form.email)?;
    let account = match normalise_email(&form.email) {
        Some(email) => accounts::by_email(state.db.write(), &email_key(&email)).await?,
        None => None,
    };
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let matches = passwords::verify(form.password, stored).await?;
    let Some(account) = account.filter(|_| matches) else {
        return Err(signed_out(WRONG_CREDENTIALS));
    };
    Ok(Json(grant(&state, keys, account.into()).await?))
}

#[derive(Deserialize)]
struct Refresh {
    refresh: String,
}

/// A new token for a live session, from its refresh secret.
async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<Refresh>,
) -> ApiResult<Json<SessionGrant>> {
    let keys = state.session_keys()?;
    let session = accounts::by_refresh(state.db.write(), &digest(&body.refresh))
        .await?
        .ok_or_else(|| signed_out(SESSION_ENDED))?;
    let account = account(&state, session.account).await?;
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
    }))
}

const SESSION_ENDED: &str = "Your session has ended: please sign in again.";

/// The account `id`, or 401 when it no longer exists (deleted since the token was signed).
async fn account(state: &AppState, id: Uuid) -> ApiResult<accounts::StoredAccount> {
    accounts::by_id(state.db.write(), id)
        .await?
        .ok_or_else(|| signed_out(SESSION_ENDED))
}

/// Starts a session for `account` and signs its first token.
async fn grant(
    state: &AppState,
    keys: &tokens::SessionKeys,
    account: AccountView,
) -> ApiResult<SessionGrant> {
    let refresh = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
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
    })
}

/// A new password (field `new`) must meet the rules; 422 naming the field otherwise.
fn new_password_ok(new: &str, email: &str) -> ApiResult<()> {
    check_password(new, email).map_err(|refusal| {
        let message = refusal.to_string();
        ApiError::invalid(&message, vec![FieldError::new("new", message.clone())])
    })
}

fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// 401 for a shopper who is not (or no longer) signed in.
pub(crate) fn signed_out(message: &str) -> ApiError {
    ApiError::refused(StatusCode::UNAUTHORIZED, "signed_out", message)
}
