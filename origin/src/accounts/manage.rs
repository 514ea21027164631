//! What a signed-in shopper does with the account: see it, change the password (ending every other
//! session), sign out, delete it. Every handler takes `SignedIn`, so the session is checked live first.

use super::grants::{grant, open_cart};
use super::{account, new_password_ok, passwords, SignedIn};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use meridian_domain::account::{AccountView, PasswordChange, SessionGrant};
use meridian_domain::FieldError;
use meridian_store::accounts::{self, StoredAccount};
use serde::Deserialize;

pub(super) async fn sign_out(
    State(state): State<AppState>,
    who: SignedIn,
) -> ApiResult<StatusCode> {
    accounts::revoke_session(state.db.write(), who.session).await?;
    tracing::info!(account = %who.account, "signed out");
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn me(
    State(state): State<AppState>,
    who: SignedIn,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(account(&state, who.account).await?.into()))
}

/// Changes the password when the current one is right, ends every session of the account (other
/// devices are signed out), and grants this device a new one.
pub(super) async fn change_password(
    State(state): State<AppState>,
    who: SignedIn,
    Json(change): Json<PasswordChange>,
) -> ApiResult<Json<SessionGrant>> {
    let keys = state.session_keys()?;
    let account = account(&state, who.account).await?;
    new_password_ok(&change.new, &account.email)?;
    own_password(
        &state,
        &account,
        change.current,
        "current",
        "That is not your current password.",
    )
    .await?;
    let hash = passwords::hash(change.new).await?;
    let mut tx = state.db.write().begin().await?;
    let ended = accounts::change_password(&mut tx, account.id, &hash).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, sessions_ended = ended, "password changed");
    let cart = open_cart(&state, account.id).await?;
    Ok(Json(grant(&state, keys, account.into(), cart).await?))
}

#[derive(Deserialize)]
pub(super) struct Confirm {
    password: String,
}

impl std::fmt::Debug for Confirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Confirm { <redacted> }")
    }
}

/// Deletes the signed-in account once its password is confirmed.
pub(super) async fn delete_account(
    State(state): State<AppState>,
    who: SignedIn,
    Json(confirm): Json<Confirm>,
) -> ApiResult<StatusCode> {
    let account = account(&state, who.account).await?;
    own_password(
        &state,
        &account,
        confirm.password,
        "password",
        "That is not your password.",
    )
    .await?;
    accounts::delete(state.db.write(), account.id).await?;
    tracing::info!(account = %account.id, "account deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Counts a password check for the account (see `limits`) and refuses a wrong password with 422 on `field`.
async fn own_password(
    state: &AppState,
    account: &StoredAccount,
    given: String,
    field: &str,
    wrong: &str,
) -> ApiResult<()> {
    state.attempts.attempt(format!("password {}", account.id))?;
    if passwords::verify(given, Some(account.password_hash.clone())).await? {
        return Ok(());
    }
    Err(ApiError::invalid(
        wrong,
        vec![FieldError::new(field, wrong)],
    ))
}
