//! `POST /v1/refunds`: full or partial refunds of a paid session's PaymentIntent, never more in total
//! than was paid; each one emits `charge.refunded`.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::form::StripeForm;
use crate::money::format_amount;
use crate::session::{new_id, now};
use crate::state::SharedState;
use crate::webhooks::emit;

const REASONS: &[&str] = &["duplicate", "fraudulent", "requested_by_customer"];

pub(crate) fn router() -> Router<SharedState> {
    Router::new().route("/v1/refunds", post(create_refund))
}

async fn create_refund(
    State(state): State<SharedState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let form = StripeForm::parse(&body);
    let intent = form.required("payment_intent")?;
    let requested = form.integer("amount")?;
    let reason = form.optional("reason");
    if reason.is_some_and(|r| !REASONS.contains(&r)) {
        return Err(ApiError::invalid(
            "reason",
            "parameter_invalid",
            "Invalid reason.",
        ));
    }
    let mut store = state.store();
    let session = store
        .by_intent_mut(intent)
        .ok_or_else(|| ApiError::no_such("payment_intent", "payment_intent", intent))?;
    let remaining = session.amount_total - session.amount_refunded;
    let charge = session.charge.clone().unwrap_or_default();
    if remaining <= 0 {
        let message = format!("Charge {charge} has already been refunded.");
        return Err(ApiError::state(Some("charge_already_refunded"), message));
    }
    let amount = requested.unwrap_or(remaining);
    if amount <= 0 {
        let message = "This value must be greater than or equal to 1.";
        return Err(ApiError::invalid(
            "amount",
            "parameter_invalid_integer",
            message,
        ));
    }
    if amount > remaining {
        let (asked, left) = (
            format_amount(amount, &session.currency),
            format_amount(remaining, &session.currency),
        );
        let message =
            format!("Refund amount ({asked}) is greater than unrefunded amount on charge ({left})");
        return Err(ApiError::invalid("amount", "amount_too_large", message));
    }
    session.amount_refunded += amount;
    let refund = json!({
        "id": new_id("re_"),
        "object": "refund",
        "amount": amount,
        "charge": charge,
        "created": now(),
        "currency": session.currency,
        "metadata": form.map("metadata"),
        "payment_intent": intent,
        "reason": reason,
        "status": "succeeded",
    });
    let charge = session.charge_json();
    drop(store);
    tracing::info!(payment_intent = %intent, amount, "refund created");
    emit(&state, "charge.refunded", charge);
    Ok(Json(refund))
}
