//! "Forgot your password?": a single-use link, valid for an hour, sent by email. Asking always answers the
//! same 202, whether or not an account uses the address, so the form tells nobody who has an account; the
//! email is queued in the outbox in the reset's own transaction (the jobs send it). Using the link sets the
//! new password, ends every session of the account, and spends every open link of that account.

use super::links::{digest, EmailLink};
use super::{new_password_ok, passwords};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use meridian_domain::account::email_key;
use meridian_domain::normalise_email;
use meridian_store::{accounts, resets};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

/// How long a reset link works.
const LINK_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The shop page the link opens, with `?token=`.
const PAGE: &str = meridian_domain::routes::account::RESET;
const SENT: &str =
    "If an account uses that address, we have sent it a link to choose a new password.";
const SPENT: &str = "This reset link is no longer valid: ask for a new one.";

#[derive(Debug, Deserialize)]
pub(super) struct Ask {
    email: String,
}

pub(super) async fn ask(
    State(state): State<AppState>,
    Json(ask): Json<Ask>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    state.attempts.for_email("reset", &ask.email)?;
    let answer = (StatusCode::ACCEPTED, Json(json!({ "message": SENT })));
    let Some(email) = normalise_email(&ask.email) else {
        return Ok(answer);
    };
    let Some(account) = accounts::by_email(state.db.write(), &email_key(&email)).await? else {
        return Ok(answer);
    };
    let link = EmailLink::new(&state, PAGE, (account.id, &account.email), LINK_LIFETIME);
    let mut tx = state.db.write().begin().await?;
    resets::create(&mut tx, account.id, &link.hash, LINK_LIFETIME, link.email).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, "password reset requested");
    Ok(answer)
}

#[derive(Deserialize)]
pub(super) struct Confirm {
    token: String,
    new: String,
}

impl std::fmt::Debug for Confirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Confirm { <redacted> }")
    }
}

pub(super) async fn confirm(
    State(state): State<AppState>,
    Json(confirm): Json<Confirm>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().begin().await?;
    let account = resets::claim(&mut tx, &digest(&confirm.token))
        .await?
        .ok_or_else(|| ApiError::BadRequest(SPENT.into()))?;
    new_password_ok(&confirm.new, &account.email)?;
    let hash = passwords::hash(confirm.new).await?;
    let ended = accounts::change_password(&mut tx, account.id, &hash).await?;
    resets::use_all(&mut tx, account.id).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, sessions_ended = ended, "password reset");
    Ok(StatusCode::NO_CONTENT)
}
