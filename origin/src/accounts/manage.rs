//! What a signed-in shopper does with the account: see it, change the password (ending every other
//! session), sign out, delete it. Every handler takes `SignedIn`, so the session is checked live first.

use super::{account, field, grant, new_password_ok, passwords, refused, SignedIn};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use meridian_domain::account::{AccountView, PasswordChange, SessionGrant};
use meridian_store::accounts;
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
    let account = account(&state, who.account).await?;
    Ok(Json(AccountView {
        id: account.id,
        email: account.email,
    }))
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
    state.attempts.attempt(format!("password {}", account.id))?;
    let current = change.current.chars().take(2048).collect();
    if !passwords::verify(current, Some(account.password_hash.clone())).await? {
        let fields = vec![field("current", "That is not your current password.")];
        return Err(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "That is not your current password.",
            fields,
        ));
    }
    let hash = passwords::hash(change.new).await?;
    let mut tx = state.db.write().begin().await?;
    let ended = accounts::change_password(&mut tx, account.id, &hash).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, sessions_ended = ended, "password changed");
    let view = AccountView {
        id: account.id,
        email: account.email,
    };
    Ok(Json(grant(&state, keys, view).await?))
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
    state.attempts.attempt(format!("password {}", account.id))?;
    let password = confirm.password.chars().take(2048).collect();
    if !passwords::verify(password, Some(account.password_hash)).await? {
        let fields = vec![field("password", "That is not your password.")];
        return Err(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "That is not your password.",
            fields,
        ));
    }
    accounts::delete(state.db.write(), account.id).await?;
    tracing::info!(account = %account.id, "account deleted");
    Ok(StatusCode::NO_CONTENT)
}
