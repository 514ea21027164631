//! The buyer's order page: number, status in words, lines, amounts, address and method. While the
//! provider's confirmation is on its way the page reloads itself every 2 s (see `Page::refresh_seconds`),
//! so it works without JavaScript.

use super::summary::{Amounts, Lines, Row};
use leptos::prelude::*;
use meridian_domain::{OrderStatus, OrderView};

/// The status as the buyer reads it at the top of the page.
pub(crate) fn headline(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => "Waiting for payment confirmation…",
        OrderStatus::Paid => "Payment confirmed",
        OrderStatus::Fulfilled => "Shipped",
        OrderStatus::Expired => "Expired: this order was not paid in time",
        OrderStatus::Cancelled => "Cancelled",
        OrderStatus::Refunded => "Refunded",
        OrderStatus::PartiallyRefunded => "Partially refunded",
    }
}

#[component]
pub(crate) fn OrderPage(order: OrderView) -> impl IntoView {
    let status = order.status;
    let thanks = matches!(status, OrderStatus::Paid | OrderStatus::Fulfilled)
        .then(|| view! { <p class="thanks">"Thank you! A confirmation is on its way to " {order.email.clone()} "."</p> });
    // A decline is only news while the order still waits for a payment.
    let declined = order
        .payment_error
        .filter(|_| status == OrderStatus::PendingPayment)
        .map(|e| view! { <p class="payment-error" role="alert">{e}</p> });
    let refunded = (order.refunded.minor > 0).then(|| {
        view! { <p class="refunded">"Refunded: " {order.refunded.to_string()}</p> }
    });
    let tracking = order
        .tracking_number
        .map(|t| view! { <p class="tracking">"Tracking number: " {t}</p> });
    let address = order
        .address
        .lines()
        .into_iter()
        .map(|l| view! { <span>{l}</span> })
        .collect_view();
    let rows: Vec<Row> = order.lines.into_iter().map(Row::from).collect();
    view! {
        <article class="order" data-status=status.as_str()>
            <h1>"Order " <span class="order-number">{order.number}</span></h1>
            <p class="order-status" role="status">{headline(status)}</p>
            {thanks}
            {declined}
            {order.note.map(|n| view! { <p class="note">{n}</p> })}
            {refunded}
            {tracking}
            <Lines rows=rows/>
            <Amounts totals=order.totals promo_code=order.promo_code/>
            <section class="review-details">
                <div><h2>"Ship to"</h2><p class="address">{address}</p></div>
                <div><h2>"Shipping"</h2><p class="method">{order.shipping_method}</p></div>
            </section>
        </article>
    }
}
