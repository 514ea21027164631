//! `POST /checkout/pay`: place the order under the form's key, start a payment for it under a key derived
//! from the form's, and send the buyer to the provider's page (303). A resubmitted form lands on the same
//! order and the same payment session. Coming back unpaid with the same purchase, "Pay" pays that order
//! again instead of placing a second one.

use super::review::review_page;
use super::{load, parse, see, MAX_FORM, TITLE};
use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult};
use crate::gateway::{read_form, stale_form};
use crate::orders;
use crate::origin::Call;
use crate::policy::checkout::{earlier_step, Step};
use crate::policy::payment::{allowed_url, payment_key};
use meridian_app::Review;
use meridian_domain::api::{origin as paths, ErrorBody};
use meridian_domain::routes::{self, is_order_token, RETURNING_ORDER_PARAM};
use meridian_domain::{OrderStatus, PaymentStart, PlacedOrder};
use worker::Method;

/// What starting a payment for an order gave.
enum Payment {
    /// The provider's page, checked to be one we may send buyers to.
    Page(String),
    /// The order no longer waits for a payment (paid, expired, cancelled).
    NotPayable,
    /// The provider could not open a page now; the origin's sentence for the shopper.
    Unavailable(String),
}

pub(crate) async fn pay(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Ok(key) = fields.idempotency_key() else {
        return stale_form(edge, TITLE);
    };
    let returning = fields
        .get(RETURNING_ORDER_PARAM)
        .filter(|t| is_order_token(t));
    if let Some(token) = returning {
        match start_payment(edge, token, &key).await? {
            Payment::Page(url) => return see(&url),
            Payment::Unavailable(message) => return try_again(edge, token, message).await,
            Payment::NotPayable => {}
        }
        // Paid meanwhile: its page, never a second order for the same purchase. Only an order that
        // expired or was cancelled unpaid makes way for a new one.
        let lapsed = |s: OrderStatus| matches!(s, OrderStatus::Expired | OrderStatus::Cancelled);
        if let Some(order) = orders::fetch(edge, token).await? {
            if !lapsed(order.status) {
                return see(&routes::order(token));
            }
        }
    }
    let Some(id) = edge.cart_id()? else {
        return see(routes::CART);
    };
    let path = paths::cart_order(&id);
    let call = Call::write("place order", Method::Post, &path, "{}", &key);
    let reply = edge.call_origin(call).await?;
    match reply.status {
        200 | 201 => {
            let placed: PlacedOrder = parse(&reply.body, "placed order")?;
            match start_payment(edge, &placed.token, &key).await? {
                Payment::Page(url) => see(&url),
                Payment::NotPayable => see(&routes::order(&placed.token)),
                Payment::Unavailable(message) => try_again(edge, &placed.token, message).await,
            }
        }
        404 => see(routes::CART),
        // Sold out or the promo used up: the review again, saying what ran out (the origin's sentence
        // names it and is meant for the shopper).
        409 => {
            let refusal: ErrorBody = parse(&reply.body, "order refusal")?;
            let Some(checkout) = load(edge).await? else {
                return see(routes::CART);
            };
            let mut review = Review::new(checkout);
            review.alert = Some(refusal.message);
            review_page(edge, review, 409)
        }
        // A step is missing (or the cart is empty): back to it.
        422 => match load(edge).await? {
            Some(checkout) => {
                see(earlier_step(&checkout.missing, Step::Review).unwrap_or(routes::CHECKOUT))
            }
            None => see(routes::CART),
        },
        status => Err(EdgeError::BadGateway(format!(
            "origin answered {status} to placing an order"
        ))),
    }
}

/// Asks the origin for a payment page for order `token`, under a key derived from the form's.
async fn start_payment(edge: &Edge, token: &str, form_key: &str) -> EdgeResult<Payment> {
    let key = payment_key(form_key, token);
    let path = paths::order_payment(token);
    let call = Call::write("start payment", Method::Post, &path, "{}", &key);
    let reply = edge.call_origin(call).await?;
    match reply.status {
        200 | 201 => {
            let start: PaymentStart = parse(&reply.body, "payment start")?;
            let origin = edge.config.payment_origin.as_deref();
            if !allowed_url(&start.url, origin, edge.is_local_http()?) {
                // Never logged: the URL holds the provider's session id.
                return Err(EdgeError::BadGateway(
                    "the payment page is not under PAYMENT_ORIGIN".into(),
                ));
            }
            Ok(Payment::Page(start.url))
        }
        404 | 409 => Ok(Payment::NotPayable),
        502 | 503 => {
            let refusal: ErrorBody = parse(&reply.body, "payment refusal")?;
            Ok(Payment::Unavailable(refusal.message))
        }
        status => Err(EdgeError::BadGateway(format!(
            "origin answered {status} to starting a payment"
        ))),
    }
}

/// The review again after the provider failed us, its "Pay" bound to the order just placed, so trying
/// again pays that order rather than placing another.
async fn try_again(edge: &Edge, token: &str, message: String) -> EdgeResult {
    let Some(checkout) = load(edge).await? else {
        return see(&routes::order(token));
    };
    let mut review = Review::new(checkout);
    review.alert = Some(message);
    review.returning_order = Some(token.to_owned());
    review_page(edge, review, 503)
}
