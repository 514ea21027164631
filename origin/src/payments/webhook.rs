//! `POST /webhooks/stripe`: the only way an order becomes paid. The delivery is verified first (forged or
//! stale: 400, nothing changes); its event id is recorded in the same transaction as its effect, so a
//! duplicated or redelivered event changes nothing, and one whose effect failed is applied on the retry.
//! Events may arrive in any order: each looks at the order's current status, never at the last event.

use super::{ProviderEvent, RefundRequest, Webhook};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use meridian_domain::OrderStatus;
use meridian_store::orders::{self, Locked, Paid};
use meridian_store::{payments, Tx};

pub(crate) async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    let webhook = state.payments.webhook(&body, signature, now).map_err(|e| {
        tracing::warn!(error = %e, "webhook refused");
        ApiError::BadRequest(format!("Webhook refused: {e}."))
    })?;
    tracing::info!(event = %webhook.event_id, kind = %webhook.event_type, "payment event");
    match &webhook.event {
        ProviderEvent::Paid {
            order_token,
            session,
            payment_intent,
        } => {
            let key = order_token.as_deref().unwrap_or(session);
            paid(&state, &webhook, key, payment_intent).await
        }
        ProviderEvent::SessionExpired {
            order_token,
            session,
        } => {
            let key = order_token.as_deref().unwrap_or(session);
            on_order(&state, &webhook, key, Effect::Expire).await
        }
        ProviderEvent::PaymentFailed {
            order_token: Some(token),
            message,
        } => on_order(&state, &webhook, token, Effect::Declined(message)).await,
        ProviderEvent::PaymentFailed {
            order_token: None, ..
        }
        | ProviderEvent::Ignored => Ok(StatusCode::OK),
    }
}

/// What an event other than a payment does to its order.
enum Effect<'a> {
    /// The payment page expired: an unpaid order ends and gives its stock back.
    Expire,
    /// A card was declined: the order keeps the message for the checkout page.
    Declined(&'a str),
}

/// Applies `effect` to the order `key` names, once per event id.
async fn on_order(
    state: &AppState,
    webhook: &Webhook,
    key: &str,
    effect: Effect<'_>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().begin().await?;
    let Some(order) = first_time(&mut tx, webhook, key).await? else {
        return Ok(StatusCode::OK);
    };
    match effect {
        Effect::Expire if order.status == OrderStatus::PendingPayment => {
            let cause = "the payment page expired unpaid: stock and promo use released";
            orders::expire(&mut tx, &order, cause).await?;
        }
        Effect::Expire => {}
        Effect::Declined(message) => orders::record_payment_error(&mut tx, &order, message).await?,
    }
    tx.commit().await?;
    Ok(StatusCode::OK)
}

/// A paid session: the order becomes paid; if it had ended and its stock is gone, the payment is refunded
/// in full (Stripe idempotency key per order, so retries never refund twice) and the order says why.
async fn paid(
    state: &AppState,
    webhook: &Webhook,
    key: &str,
    payment_intent: &str,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().begin().await?;
    let Some(order) = first_time(&mut tx, webhook, key).await? else {
        return Ok(StatusCode::OK);
    };
    match orders::pay(&mut tx, &order, payment_intent).await? {
        Paid::Now | Paid::Late | Paid::Already => {
            tx.commit().await?;
            return Ok(StatusCode::OK);
        }
        Paid::StockGone => drop(tx),
    }
    // Never hold the order's row lock across the provider call; the refund's own key makes it once-only.
    let refund = state
        .payments
        .refund(RefundRequest {
            payment_intent: payment_intent.to_owned(),
            amount_minor: order.total_minor,
            reason: "stock gone after the order expired".into(),
            idempotency_key: format!("late-refund-{}", order.token),
        })
        .await
        .map_err(|e| {
            ApiError::Internal(anyhow::anyhow!("late refund for {}: {e}", order.number))
        })?;
    let mut tx = state.db.write().begin().await?;
    let Some(order) = first_time(&mut tx, webhook, key).await? else {
        return Ok(StatusCode::OK);
    };
    let reason = "Your payment arrived after the order had expired and the items had sold out, so it was refunded in full.";
    orders::record_refund(
        &mut tx,
        &order,
        &refund.id,
        refund.amount_minor,
        reason,
        true,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::OK)
}

/// Locks the order `key` names and records the event as applied; `None` when there is no such order or
/// the event was applied before (a duplicate): the caller then acknowledges and changes nothing.
async fn first_time(tx: &mut Tx<'_>, webhook: &Webhook, key: &str) -> ApiResult<Option<Locked>> {
    let Some(order) = orders::lock(tx, key).await? else {
        tracing::warn!(event = %webhook.event_id, "payment event for an order we do not know");
        return Ok(None);
    };
    let (id, kind) = (&webhook.event_id, &webhook.event_type);
    let first = payments::first_time(tx, id, kind, Some(order.id)).await?;
    Ok(first.then_some(order))
}
