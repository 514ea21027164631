//! Email verification: a single-use link, valid for a day, sent to the account's address at sign-up and
//! again whenever the signed-in shopper asks. Opening it marks the address verified, which also shows the
//! account the guest orders placed with that address (see `history`): only someone who reads the mailbox
//! can make an account see them.

use super::links::{digest, EmailLink};
use super::{account, SignedIn};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use meridian_store::{verifications, Tx};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

/// How long a verification link works.
const LINK_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// The shop page the link opens, with `?token=`.
const PAGE: &str = meridian_domain::routes::account::VERIFY;
const SPENT: &str =
    "This verification link is no longer valid: ask for a new one from your account page.";

/// Records a link for the account and queues its email, in the caller's transaction (sign-up's own).
pub(super) async fn queue(
    tx: &mut Tx<'_>,
    state: &AppState,
    account: Uuid,
    email: &str,
) -> ApiResult<()> {
    let link = EmailLink::new(state, PAGE, (account, email), LINK_LIFETIME);
    verifications::create(tx, account, &link.hash, LINK_LIFETIME, link.email).await?;
    Ok(())
}

/// Sends a new link (202); an address already verified gets none, and the answer says so.
pub(super) async fn ask(
    State(state): State<AppState>,
    who: SignedIn,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    // Each ask sends an email: as limited as a password check, so nobody mails-bombs their own inbox.
    state.attempts.attempt(format!("verify {}", who.account))?;
    let account = account(&state, who.account).await?;
    if account.email_verified {
        let message = "Your email address is already verified.";
        return Ok((StatusCode::ACCEPTED, Json(json!({ "message": message }))));
    }
    let mut tx = state.db.write().begin().await?;
    queue(&mut tx, &state, account.id, &account.email).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, "email verification requested");
    let message = "We have sent you a link to verify your email address.";
    Ok((StatusCode::ACCEPTED, Json(json!({ "message": message }))))
}

#[derive(Deserialize)]
pub(super) struct Confirm {
    token: String,
}

impl std::fmt::Debug for Confirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Confirm { <redacted> }")
    }
}

/// Uses a link's token: 204, or 400 for a link that is unknown, used or expired (one answer for all, as
/// a reset's). Needs no session: the link may be opened on any device.
pub(super) async fn confirm(
    State(state): State<AppState>,
    Json(confirm): Json<Confirm>,
) -> ApiResult<StatusCode> {
    let account = verifications::confirm(state.db.write(), &digest(&confirm.token))
        .await?
        .ok_or_else(|| ApiError::BadRequest(SPENT.into()))?;
    tracing::info!(account = %account, "email verified");
    Ok(StatusCode::NO_CONTENT)
}
