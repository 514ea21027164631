//! Orders over HTTP for the buyer: place one from a cart (idempotent: the same key gives the same order,
//! never two), open its payment page, and read it by its unguessable token.

use crate::checkout::current;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::idempotency::{claim, replay, respond, IdempotencyKey};
use crate::payments::{ProviderError, SessionRequest};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use meridian_domain::api::origin as paths;
use meridian_domain::{OrderStatus, OrderView, PaymentStart, PromoRefusal};
use meridian_store::carts::{self};
use meridian_store::orders::{self, NewOrder, OrderKey, PlaceError};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(&paths::cart_order("{id}"), post(place))
        .route(&paths::order("{token}"), get(read))
        .route(&paths::order_payment("{token}"), post(pay))
}

fn required(key: &IdempotencyKey) -> ApiResult<()> {
    match key.0 {
        Some(_) => Ok(()),
        None => Err(ApiError::BadRequest(
            "This request needs an Idempotency-Key header.".into(),
        )),
    }
}

/// `POST /api/carts/{id}/order`: stock, promo use, order, lines, event and outbox row in one transaction.
async fn place(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
) -> ApiResult<Response> {
    required(&key)?;
    let mut tx = state.db.write().begin().await?;
    if let Some(first) = claim(&mut tx, &key, &format!("place order {id}")).await? {
        return Ok(replay(first, StatusCode::CREATED));
    }
    carts::lock(&mut tx, id).await?;
    let checkout = current(&mut tx, &state, id).await?;
    let order = NewOrder {
        cart: id,
        checkout: &checkout,
        pay_within: state.selling.pay_within,
        // The store records the answer under the key itself, before taking stock (see `NewOrder`).
        record_as: key.0.as_deref().map(|k| (k, StatusCode::CREATED.as_u16())),
    };
    let placed = orders::place(&mut tx, order).await.map_err(refusal)?;
    tx.commit().await?;
    tracing::info!(order = %placed.number, "order placed");
    Ok((StatusCode::CREATED, axum::Json(placed)).into_response())
}

fn refusal(err: PlaceError) -> ApiError {
    let (status, code) = match err {
        PlaceError::Store(e) => return e.into(),
        PlaceError::EmptyCart => (StatusCode::UNPROCESSABLE_ENTITY, "empty_cart"),
        PlaceError::Incomplete(_) => (StatusCode::UNPROCESSABLE_ENTITY, "incomplete"),
        PlaceError::SoldOut(_) => (StatusCode::CONFLICT, "sold_out"),
        PlaceError::Promo(PromoRefusal::UsedUp | PromoRefusal::AlreadyUsed) => {
            (StatusCode::CONFLICT, "promo_used_up")
        }
        PlaceError::Promo(_) => (StatusCode::UNPROCESSABLE_ENTITY, "promo_invalid"),
    };
    ApiError::refused(status, code, err.to_string())
}

async fn read(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<OrderView>> {
    if !orders::is_token(&token) {
        return Err(not_found());
    }
    // The primary: the buyer refreshes this page waiting for the webhook's write.
    let mut conn = state.db.write().acquire().await?;
    orders::load(&mut conn, OrderKey::Token(&token))
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// The one answer for an order the caller may not see, as for one that does not exist.
pub(crate) fn not_found() -> ApiError {
    ApiError::NotFound("There is no such order.".into())
}

/// `POST /api/orders/{token}/payment`: the provider's hosted page for a pending order. The provider call
/// happens outside any transaction; its idempotency key is the order's, so concurrent or retried calls
/// get one session.
async fn pay(
    State(state): State<AppState>,
    Path(token): Path<String>,
    key: IdempotencyKey,
) -> ApiResult<Response> {
    required(&key)?;
    if !orders::is_token(&token) {
        return Err(not_found());
    }
    let order = {
        let mut conn = state.db.write().acquire().await?;
        orders::load(&mut conn, OrderKey::Token(&token))
            .await?
            .ok_or_else(not_found)?
    };
    payable(&order)?;
    let session = state
        .payments
        .create_session(session_request(&state, &order)?)
        .await
        .map_err(provider)?;
    let mut tx = state.db.write().begin().await?;
    if let Some(first) = claim(&mut tx, &key, &format!("pay order {token}")).await? {
        return Ok(replay(first, StatusCode::OK));
    }
    let locked = orders::lock(&mut tx, &token).await?.ok_or_else(not_found)?;
    if locked.payment_session.as_deref() != Some(&session.id) {
        orders::set_payment_session(&mut tx, &locked, &session.id, &session.url).await?;
    }
    respond(tx, &key, StatusCode::OK, &PaymentStart { url: session.url }).await
}

fn payable(order: &OrderView) -> ApiResult<()> {
    if order.status == OrderStatus::PendingPayment {
        return Ok(());
    }
    let message = format!(
        "This order is {}, so it cannot be paid now.",
        order.status.label()
    );
    Err(ApiError::refused(
        StatusCode::CONFLICT,
        "not_payable",
        message,
    ))
}

fn session_request(state: &AppState, order: &OrderView) -> ApiResult<SessionRequest> {
    let store = &state.selling.store_url;
    let expires_at = chrono::DateTime::parse_from_rfc3339(&order.expires_at)
        .map_err(|e| ApiError::Internal(e.into()))?
        .timestamp();
    Ok(SessionRequest {
        order_token: order.token.clone(),
        order_number: order.number.clone(),
        email: order.email.clone(),
        currency: order.totals.total.currency.code().to_owned(),
        amount_minor: order.totals.total.minor,
        item_count: order.lines.iter().map(|l| l.quantity).sum(),
        success_url: format!("{store}{}", meridian_domain::routes::order(&order.token)),
        cancel_url: format!(
            "{store}{}",
            meridian_domain::routes::review_after_payment(&order.token)
        ),
        expires_at,
        idempotency_key: format!("session-{}", order.token),
    })
}

fn provider(err: ProviderError) -> ApiError {
    tracing::error!(error = %err, "payment provider call failed");
    let message = "We could not open the payment page; please try again in a moment.";
    match err {
        ProviderError::Refused(_) => {
            ApiError::refused(StatusCode::BAD_GATEWAY, "payment_unavailable", message)
        }
        ProviderError::Unavailable(_) | ProviderError::NotConfigured => ApiError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "payment_unavailable",
            message,
        ),
    }
}
