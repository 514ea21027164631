//! Admin order routes: list (filter by status and email, newest first, keyset pages), detail, fulfil,
//! refund. Writes take an `Idempotency-Key`: a retried refund is answered, never paid out twice.

use super::{CanRead, CanWrite, PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::idempotency::{claim, replay, respond, IdempotencyKey};
use crate::payments::RefundRequest;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use meridian_domain::{OrderStatus, OrderView, Transition};
use meridian_store::orders::{self, OrderFilter, OrderKey, OrderSummary};
use serde::{Deserialize, Serialize};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/orders"), get(list))
        .route(&format!("{PREFIX}/orders/{{number}}"), get(detail))
        .route(
            &format!("{PREFIX}/orders/{{number}}/fulfilment"),
            post(fulfil),
        )
        .route(&format!("{PREFIX}/orders/{{number}}/refunds"), post(refund))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    email: Option<String>,
    /// The last number of the previous page ("M-100042"): the next page starts below it.
    before: Option<String>,
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
struct OrderList {
    orders: Vec<OrderSummary>,
    /// Pass as `before` for the next page; absent on the last page.
    next_before: Option<String>,
}

async fn list(
    _: CanRead,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<OrderList>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(OrderStatus::parse(s).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "Unknown status {s:?}; use one of the OrderStatus values."
            ))
        })?),
    };
    let before = match q.before.as_deref() {
        None => None,
        Some(n) => Some(orders::id_of(n).ok_or_else(|| {
            ApiError::BadRequest("`before` must be an order number like M-100042.".into())
        })?),
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::BadRequest(
            "`limit` must be between 1 and 200.".into(),
        ));
    }
    let filter = OrderFilter {
        status,
        email: q.email.filter(|e| !e.is_empty()),
        before,
        limit,
    };
    let mut conn = state.db.read().acquire().await?;
    let orders = orders::list(&mut conn, &filter).await?;
    let full = i64::try_from(orders.len()).unwrap_or(0) == limit;
    let next_before = full
        .then(|| orders.last().map(|o| o.number.clone()))
        .flatten();
    Ok(Json(OrderList {
        orders,
        next_before,
    }))
}

async fn detail(
    _: CanRead,
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> ApiResult<Json<OrderView>> {
    let mut conn = state.db.write().acquire().await?;
    load(&mut conn, &number).await.map(Json)
}

async fn load(conn: &mut sqlx::PgConnection, number: &str) -> ApiResult<OrderView> {
    if orders::id_of(number).is_none() {
        return Err(not_found());
    }
    orders::load(conn, OrderKey::Number(number))
        .await?
        .ok_or_else(not_found)
}

fn not_found() -> ApiError {
    ApiError::NotFound("There is no order with that number.".into())
}

#[derive(Debug, Deserialize, Serialize)]
struct Fulfilment {
    tracking_number: String,
}

async fn fulfil(
    _: CanWrite,
    State(state): State<AppState>,
    Path(number): Path<String>,
    key: IdempotencyKey,
    Json(body): Json<Fulfilment>,
) -> ApiResult<Response> {
    let tracking = body.tracking_number.trim();
    if tracking.is_empty() || tracking.len() > 100 || tracking.chars().any(char::is_control) {
        return Err(ApiError::Unprocessable(
            "tracking_number must be 1 to 100 printable characters.".into(),
        ));
    }
    let mut tx = state.db.write().begin().await?;
    if let Some(first) = claim(&mut tx, &key, &format!("fulfil {number} {tracking}")).await? {
        return Ok(replay(first, StatusCode::OK));
    }
    let order = lock(&mut tx, &number).await?;
    orders::fulfil(&mut tx, &order, tracking).await?;
    let view = load(&mut tx, &number).await?;
    respond(tx, &key, StatusCode::OK, &view).await
}

#[derive(Debug, Deserialize, Serialize)]
struct RefundBody {
    /// Minor units; the whole remaining amount when absent.
    amount_minor: Option<i64>,
    reason: String,
}

/// Refunds through the provider while the order's row is locked, so two refunds of one order cannot both
/// pass the "not more than was paid" check; the provider call is bounded by its 5 s timeout.
async fn refund(
    _: CanWrite,
    State(state): State<AppState>,
    Path(number): Path<String>,
    key: IdempotencyKey,
    Json(body): Json<RefundBody>,
) -> ApiResult<Response> {
    let Some(key_text) = key.0.clone() else {
        return Err(ApiError::BadRequest(
            "A refund needs an Idempotency-Key header.".into(),
        ));
    };
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() || reason.len() > 500 {
        return Err(ApiError::Unprocessable(
            "reason must be 1 to 500 characters.".into(),
        ));
    }
    let mut tx = state.db.write().begin().await?;
    let fingerprint = format!("refund {number} {:?} {reason}", body.amount_minor);
    if let Some(first) = claim(&mut tx, &key, &fingerprint).await? {
        return Ok(replay(first, StatusCode::OK));
    }
    let order = lock(&mut tx, &number).await?;
    let amount = refund_amount(&order, body.amount_minor)?;
    let payment_intent = order.payment_intent.clone().ok_or_else(|| {
        ApiError::refused(
            StatusCode::CONFLICT,
            "not_paid",
            "This order has no payment to refund.",
        )
    })?;
    let done = state
        .payments
        .refund(RefundRequest {
            payment_intent,
            amount_minor: amount,
            reason: reason.clone(),
            idempotency_key: format!("refund-{key_text}"),
        })
        .await
        .map_err(|e| {
            ApiError::refused(
                StatusCode::BAD_GATEWAY,
                "provider_refused",
                format!("The payment provider did not refund: {e}"),
            )
        })?;
    orders::record_refund(&mut tx, &order, &done.id, done.amount_minor, &reason, false).await?;
    let view = load(&mut tx, &number).await?;
    respond(tx, &key, StatusCode::OK, &view).await
}

/// The order with this number, locked for the rest of the transaction.
async fn lock(tx: &mut meridian_store::Tx<'_>, number: &str) -> ApiResult<orders::Locked> {
    orders::lock(tx, number)
        .await?
        .filter(|o| o.number == number)
        .ok_or_else(not_found)
}

/// The amount to refund: what was asked (or everything still refundable), never more than was paid, and
/// only from a status the state machine lets refund.
fn refund_amount(order: &orders::Locked, requested: Option<i64>) -> ApiResult<i64> {
    let refundable = order.total_minor - order.refunded_minor;
    let amount = requested.unwrap_or(refundable);
    if amount <= 0 || amount > refundable {
        let message = format!(
            "The amount must be between 1 and {refundable} (minor units still refundable)."
        );
        return Err(ApiError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_amount",
            message,
        ));
    }
    let remaining = refundable - amount;
    order
        .status
        .apply(Transition::Refund { remaining })
        .map_err(|e| {
            ApiError::refused(StatusCode::CONFLICT, "invalid_transition", e.to_string())
        })?;
    Ok(amount)
}
