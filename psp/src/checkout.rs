//! `/v1/checkout/sessions`: create (from Stripe's nested form parameters), retrieve and expire.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use crate::error::ApiError;
use crate::form::StripeForm;
use crate::lifecycle::{self, ExpireError};
use crate::session::{new_id, now, LineItem, Session, Status};
use crate::state::SharedState;

/// Stripe's default lifetime of a Checkout Session.
const DEFAULT_LIFETIME_SECS: i64 = 24 * 60 * 60;
/// Stripe's cap on one amount (999,999.99 in a two-decimal currency).
const MAX_AMOUNT: i64 = 99_999_999;

pub(crate) fn router() -> Router<SharedState> {
    Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .route("/v1/checkout/sessions/{id}", get(get_session))
        .route("/v1/checkout/sessions/{id}/expire", post(expire_session))
}

async fn create_session(
    State(state): State<SharedState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let form = StripeForm::parse(&body);
    let session = parse_session(&form, &state.config.public_url)?;
    let json = session.to_json();
    tracing::info!(session = %session.id, amount = session.amount_total, "checkout session created");
    state.store().sessions.insert(session.id.clone(), session);
    Ok(Json(json))
}

async fn get_session(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let session = store
        .sessions
        .get(&id)
        .ok_or_else(|| ApiError::no_such("checkout.session", "session", &id))?;
    Ok(Json(session.to_json()))
}

async fn expire_session(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match lifecycle::expire(&state, &id) {
        Ok(session) => Ok(Json(session.to_json())),
        Err(ExpireError::NotFound) => Err(ApiError::no_such("checkout.session", "session", &id)),
        Err(ExpireError::NotOpen(status)) => Err(ApiError::state(
            None,
            format!("Only Checkout Sessions with a status in [\"open\"] can be expired. This one is {}.", status.as_str()),
        )),
    }
}

fn parse_session(form: &StripeForm, public_url: &str) -> Result<Session, ApiError> {
    if form.required("mode")? != "payment" {
        return Err(ApiError::invalid(
            "mode",
            "parameter_invalid",
            "This stand-in supports only mode=payment.",
        ));
    }
    let success_url =
        url_param(form, "success_url")?.ok_or_else(|| ApiError::missing("success_url"))?;
    let cancel_url = url_param(form, "cancel_url")?;
    let (line_items, currency) = parse_line_items(form)?;
    let amount_total = total(&line_items)?;
    let created = now();
    let id = new_id("cs_test_");
    Ok(Session {
        url: format!("{}/pay/{id}", public_url.trim_end_matches('/')),
        id,
        status: Status::Open,
        amount_total,
        currency,
        client_reference_id: form.optional("client_reference_id").map(str::to_owned),
        customer_email: form.optional("customer_email").map(str::to_owned),
        metadata: form.map("metadata"),
        line_items,
        success_url,
        cancel_url,
        created,
        // Stripe only accepts 30 minutes to 24 hours ahead; this stand-in takes any instant, even a past
        // one, so tests can exercise expiry without waiting.
        expires_at: form
            .integer("expires_at")?
            .unwrap_or(created + DEFAULT_LIFETIME_SECS),
        payment_intent: None,
        charge: None,
        amount_refunded: 0,
    })
}

fn url_param(form: &StripeForm, param: &str) -> Result<Option<String>, ApiError> {
    let Some(url) = form.optional(param) else {
        return Ok(None);
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ApiError::invalid(param, "url_invalid", "Not a valid URL"));
    }
    Ok(Some(url.to_owned()))
}

/// All line items, and the one currency they share (checked against a top-level `currency` if given).
fn parse_line_items(form: &StripeForm) -> Result<(Vec<LineItem>, String), ApiError> {
    let indices = form.indices("line_items");
    if indices.is_empty() {
        return Err(ApiError::missing("line_items"));
    }
    let mut currency = form.optional("currency").map(str::to_ascii_lowercase);
    let mut items = Vec::with_capacity(indices.len());
    for index in indices {
        let (item, item_currency) = parse_line_item(form, index)?;
        if *currency.get_or_insert_with(|| item_currency.clone()) != item_currency {
            let param = format!("line_items[{index}][price_data][currency]");
            return Err(ApiError::invalid(
                &param,
                "parameter_invalid",
                "All line items must share one currency.",
            ));
        }
        items.push(item);
    }
    Ok((items, currency.unwrap_or_default()))
}

fn parse_line_item(form: &StripeForm, index: usize) -> Result<(LineItem, String), ApiError> {
    let key = |field: &str| format!("line_items[{index}]{field}");
    if let Some(price) = form.optional(&key("[price]")) {
        // Only inline price_data is supported: there is no catalog of Price objects here.
        return Err(ApiError::no_such("price", &key("[price]"), price));
    }
    let quantity = bounded(form, &key("[quantity]"), 1)?;
    let unit_amount = bounded(form, &key("[price_data][unit_amount]"), 0)?;
    let currency = form
        .required(&key("[price_data][currency]"))?
        .to_ascii_lowercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(ApiError::invalid(
            &key("[price_data][currency]"),
            "parameter_invalid",
            "Invalid currency.",
        ));
    }
    let name = form
        .required(&key("[price_data][product_data][name]"))?
        .to_owned();
    Ok((
        LineItem {
            name,
            quantity,
            unit_amount,
        },
        currency,
    ))
}

/// A required integer in `min..=MAX_AMOUNT`.
fn bounded(form: &StripeForm, param: &str, min: i64) -> Result<i64, ApiError> {
    let value = form
        .integer(param)?
        .ok_or_else(|| ApiError::missing(param))?;
    if value < min {
        let message = format!("This value must be greater than or equal to {min}.");
        return Err(ApiError::invalid(
            param,
            "parameter_invalid_integer",
            message,
        ));
    }
    if value > MAX_AMOUNT {
        return Err(ApiError::invalid(
            param,
            "amount_too_large",
            "This value is too large.",
        ));
    }
    Ok(value)
}

fn total(items: &[LineItem]) -> Result<i64, ApiError> {
    let total = items
        .iter()
        .map(|item| item.unit_amount.saturating_mul(item.quantity))
        .fold(0, i64::saturating_add);
    if total > MAX_AMOUNT {
        return Err(ApiError::invalid(
            "line_items",
            "amount_too_large",
            "The total amount is too large.",
        ));
    }
    if total <= 0 {
        let message = "The Checkout Session's total amount due must be greater than zero.";
        return Err(ApiError::invalid("line_items", "amount_too_small", message));
    }
    Ok(total)
}
