//! `GET`/`PUT /api/account/sms`: the signed-in shopper's mobile number (E.164, checked and normalised
//! by the domain) and consent to texts about shipping and back-in-stock. Consent needs a number; clearing
//! the number ends the consent. The jobs text only accounts whose consent is stored here.

use super::{signed_out, SignedIn, SESSION_ENDED};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use meridian_domain::sms::{normalise_phone, SmsSettings, PHONE_INVALID, PHONE_NEEDED};
use meridian_domain::FieldError;
use meridian_store::notifications;

pub(super) async fn show(
    State(state): State<AppState>,
    who: SignedIn,
) -> ApiResult<Json<SmsSettings>> {
    notifications::sms_settings(state.db.write(), who.account)
        .await?
        .map(Json)
        .ok_or_else(|| signed_out(SESSION_ENDED))
}

pub(super) async fn set(
    State(state): State<AppState>,
    who: SignedIn,
    Json(form): Json<SmsSettings>,
) -> ApiResult<Json<SmsSettings>> {
    let given = form
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let phone = match given {
        Some(p) => Some(normalise_phone(p).ok_or_else(|| refused(PHONE_INVALID))?),
        None if form.opt_in => return Err(refused(PHONE_NEEDED)),
        None => None,
    };
    let saved =
        notifications::set_sms(state.db.write(), who.account, phone.as_deref(), form.opt_in)
            .await?
            .ok_or_else(|| signed_out(SESSION_ENDED))?;
    tracing::info!(account = %who.account, opt_in = saved.opt_in, "SMS settings changed");
    Ok(Json(saved))
}

fn refused(message: &str) -> ApiError {
    ApiError::invalid(message, vec![FieldError::new("phone", message)])
}
