//! Shopper accounts over the storefront API (called by the edge only, like every `/api` route): sign up
//! and sign in here (sessions granted and refreshed in `grants`); what a signed-in shopper does with the
//! account in `manage`, `addresses`, `wishlist`, `history` and `verify`. Sign-in answers an unknown email
//! and a wrong password with the same 401 and in about the same time (see `passwords`). Both take the
//! device's guest cart into the account, in the transaction that signs up or after the password matched.

mod addresses;
mod grants;
mod history;
pub mod limits;
mod links;
mod manage;
mod passwords;
mod reset;
mod session;
mod sms;
pub mod tokens;
mod verify;
mod wishlist;

pub(crate) use session::SignedIn;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use grants::grant;
use meridian_domain::account::{check_password, email_key, AccountView, Credentials, SessionGrant};
use meridian_domain::api::origin as paths;
use meridian_domain::{normalise_email, FieldError};
use meridian_store::accounts::{self, CreateError};
use meridian_store::carts;
use uuid::Uuid;

const WRONG_CREDENTIALS: &str = "The email or password is not right.";

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(paths::ACCOUNTS, post(sign_up))
        .route(
            paths::ACCOUNT,
            get(manage::me).delete(manage::delete_account),
        )
        .route(paths::ACCOUNT_PASSWORD, put(manage::change_password))
        .route(paths::ACCOUNT_SMS, get(sms::show).put(sms::set))
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
        .route(paths::ACCOUNT_ORDERS, get(history::list))
        .route(paths::ACCOUNT_ORDER, get(history::detail))
        .route(paths::EMAIL_VERIFICATION, post(verify::ask))
        .route(paths::EMAIL_VERIFICATION_CONFIRM, post(verify::confirm))
        .route(paths::PASSWORD_RESET, post(reset::ask))
        .route(paths::PASSWORD_RESET_CONFIRM, post(reset::confirm))
        .route(paths::SESSIONS, post(sign_in))
        .route(paths::SESSION_REFRESH, post(grants::refresh))
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
    // The account, its verification email and its cart together: no account without the email.
    let mut tx = state.db.write().begin().await?;
    let id = match accounts::create(&mut tx, &email, &email_key(&email), &hash).await {
        Ok(id) => id,
        Err(CreateError::EmailTaken) => {
            return Err(ApiError::Conflict(
                "An account with this email already exists: sign in instead.".into(),
            ))
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
    };
    verify::queue(&mut tx, &state, id, &email).await?;
    let cart = carts::adopt(&mut tx, id, form.cart).await?;
    tx.commit().await?;
    tracing::info!(account = %id, "account created");
    let view = AccountView {
        id,
        email,
        email_verified: false,
    };
    let grant = grant(&state, keys, view, cart).await?;
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
    let mut tx = state.db.write().begin().await?;
    let cart = carts::adopt(&mut tx, account.id, form.cart).await?;
    tx.commit().await?;
    Ok(Json(grant(&state, keys, account.into(), cart).await?))
}

const SESSION_ENDED: &str = "Your session has ended: please sign in again.";

/// The account `id`, or 401 when it no longer exists (deleted since the token was signed).
async fn account(state: &AppState, id: Uuid) -> ApiResult<accounts::StoredAccount> {
    accounts::by_id(state.db.write(), id)
        .await?
        .ok_or_else(|| signed_out(SESSION_ENDED))
}

/// A new password (field `new`) must meet the rules; 422 naming the field otherwise.
fn new_password_ok(new: &str, email: &str) -> ApiResult<()> {
    check_password(new, email).map_err(|refusal| {
        let message = refusal.to_string();
        ApiError::invalid(&message, vec![FieldError::new("new", message.clone())])
    })
}

/// 401 for a shopper who is not (or no longer) signed in.
pub(crate) fn signed_out(message: &str) -> ApiError {
    ApiError::refused(StatusCode::UNAUTHORIZED, "signed_out", message)
}
