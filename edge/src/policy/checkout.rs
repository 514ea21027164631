//! Checkout decisions that need no I/O: which step a shopper belongs on, and whether an order they come
//! back with from the payment page is still the purchase the review shows (then "Pay" pays that order
//! again instead of placing a second one that would hold the same stock twice).

use meridian_domain::routes;
use meridian_domain::{Checkout, Missing, OrderStatus, OrderView};

/// A checkout page, in the order a shopper goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    Details,
    Shipping,
    Review,
}

/// Where a shopper on `step` must go first, if an earlier step is still missing (`None`: stay).
pub(crate) fn earlier_step(missing: &[Missing], step: Step) -> Option<&'static str> {
    missing.iter().find_map(|m| {
        let (needed, path) = match m {
            // An empty cart has nothing to check out, whatever the step.
            Missing::Items => return Some(routes::CART),
            Missing::Email | Missing::Address => (Step::Details, routes::CHECKOUT),
            Missing::ShippingMethod => (Step::Shipping, routes::CHECKOUT_SHIPPING),
        };
        (needed < step).then_some(path)
    })
}

/// Whether `order`, which the shopper came back with unpaid, holds exactly what `checkout` shows: the
/// same lines and quantities and the same total. Only then may "Pay" pay it again.
pub(crate) fn is_same_purchase(order: &OrderView, checkout: &Checkout) -> bool {
    let mut bought: Vec<(&str, u32)> = order
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity))
        .collect();
    let mut shown: Vec<(&str, u32)> = checkout
        .cart
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity))
        .collect();
    bought.sort_unstable();
    shown.sort_unstable();
    order.status == OrderStatus::PendingPayment
        && bought == shown
        && checkout.totals.as_ref().map(|t| t.total) == Some(order.totals.total)
}

#[cfg(test)]
mod tests;
