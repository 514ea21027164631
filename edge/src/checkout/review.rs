//! Step 3: the review, its promo form, and the return from the payment page without a payment
//! (`?order=<token>`: the provider's cancel link), which says why the payment did not go through.

use super::{checkout_page, load, save_field, see, StepAnswer, MAX_FORM, TITLE};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::gateway::{read_form, stale_form};
use crate::http::policy_with_form_actions;
use crate::orders;
use crate::policy::checkout::{earlier_step, is_same_purchase, Step};
use crate::policy::payment::form_action_sources;
use meridian_app::{Page, Review};
use meridian_domain::routes::{self, is_order_token, RETURNING_ORDER_PARAM};
use meridian_domain::{CheckoutUpdate, OrderStatus};

/// Shown when the provider's page was left without paying and without a decline to explain it.
const NOT_COMPLETED: &str = "Payment was not completed.";

/// `GET /checkout/review[?order=<token>]`
pub(crate) async fn review(edge: &Edge) -> EdgeResult {
    let Some(checkout) = load(edge).await? else {
        return see(routes::CART);
    };
    if let Some(path) = earlier_step(&checkout.missing, Step::Review) {
        return see(path);
    }
    let mut review = Review::new(checkout);
    if let Some(token) = returning_order(edge)? {
        match orders::fetch(edge, &token).await? {
            Some(order) if order.status == OrderStatus::PendingPayment => {
                if is_same_purchase(&order, &review.checkout) {
                    review.returning_order = Some(token);
                }
                review.alert = Some(order.payment_error.unwrap_or_else(|| NOT_COMPLETED.into()));
            }
            // Paid after all (the provider's confirmation won the race with the shopper's click).
            Some(order)
                if !matches!(order.status, OrderStatus::Expired | OrderStatus::Cancelled) =>
            {
                return see(&routes::order(&token));
            }
            _ => {}
        }
    }
    review_page(edge, review, 200)
}

/// The order token in the query, if well formed (anything else is ignored without an origin call).
fn returning_order(edge: &Edge) -> worker::Result<Option<String>> {
    Ok(edge
        .url()?
        .query_pairs()
        .find(|(k, _)| k == RETURNING_ORDER_PARAM)
        .map(|(_, v)| v.into_owned())
        .filter(|t| is_order_token(t)))
}

/// `POST /checkout/promo`: apply (or, with an empty code, remove) a promo code, back to the review.
pub(crate) async fn save_promo(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Ok(key) = fields.idempotency_key() else {
        return stale_form(edge, TITLE);
    };
    let typed = fields.text("promo_code");
    let update = CheckoutUpdate {
        promo_code: Some(typed.trim().to_owned()),
        ..CheckoutUpdate::default()
    };
    let step = (Step::Review, "promo_code", routes::CHECKOUT_REVIEW);
    let (checkout, message) = match save_field(edge, &update, &key, step).await? {
        StepAnswer::Go(response) => return Ok(response),
        StepAnswer::Refused(checkout, message) => (*checkout, message),
    };
    let mut review = Review::new(checkout);
    review.promo_typed = typed;
    review.promo_error = Some(message);
    review_page(edge, review, 422)
}

/// The review page. Its "Pay" form's answer redirects to the payment provider, so the page's CSP lets
/// forms land there too (see `policy::payment`).
pub(super) fn review_page(edge: &Edge, review: Review, status: u16) -> EdgeResult {
    let response = checkout_page(edge, Page::CheckoutReview(Box::new(review)), status)?;
    let sources = form_action_sources(edge.config.payment_origin.as_deref(), edge.is_local_http()?);
    response.headers().set(
        "content-security-policy",
        &policy_with_form_actions(&sources),
    )?;
    Ok(response)
}
