//! Step 3: what the shopper is about to pay for — lines, address, method, promo code, every amount —
//! and the "Pay" form, which places the order and goes to the payment provider's page.

use super::{FieldMessage, KeyField, Steps};
use crate::pages::summary::{Amounts, Lines, Row};
use leptos::either::Either;
use leptos::prelude::*;
use meridian_domain::routes;
use meridian_domain::Checkout;

/// The review as shown: the checkout, the promo form's state and, when there is one, a message for the
/// shopper (a declined payment, a sold-out item) shown as an alert above everything.
#[derive(Debug, Clone)]
pub struct Review {
    pub checkout: Checkout,
    /// What was typed in the promo field when the origin refused it.
    pub promo_typed: String,
    pub promo_error: Option<String>,
    pub alert: Option<String>,
    /// The unpaid order the shopper came back with from the payment page, when it is exactly this
    /// purchase: "Pay" pays it again instead of placing a second order.
    pub returning_order: Option<String>,
}

impl Review {
    pub fn new(checkout: Checkout) -> Self {
        Self {
            checkout,
            promo_typed: String::new(),
            promo_error: None,
            alert: None,
            returning_order: None,
        }
    }
}

#[component]
pub(crate) fn ReviewView(review: Review) -> impl IntoView {
    let Review {
        checkout: c,
        promo_typed,
        promo_error,
        alert,
        returning_order,
    } = review;
    let method = c
        .shipping_options
        .iter()
        .find(|o| Some(&o.code) == c.shipping_method.as_ref())
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let address = c.address.as_ref().map(|a| {
        a.lines()
            .into_iter()
            .map(|l| view! { <span>{l}</span> })
            .collect_view()
    });
    let promo_code = c.promo.as_ref().map(|p| p.code.clone());
    let pay_label = c
        .totals
        .as_ref()
        .map_or_else(|| "Pay".to_owned(), |t| format!("Pay {}", t.total));
    let rows: Vec<Row> = c.cart.lines.into_iter().map(Row::from).collect();
    view! {
        <h1>"Review and pay"</h1>
        <Steps current=2/>
        {alert.map(|a| view! { <p class="alert" role="alert">{a}</p> })}
        <section class="review-details">
            <div><h2>"Contact"</h2><p class="email">{c.email}</p><a href=routes::CHECKOUT>"Change"</a></div>
            <div><h2>"Ship to"</h2><p class="address">{address}</p><a href=routes::CHECKOUT>"Change"</a></div>
            <div><h2>"Shipping"</h2><p class="method">{method}</p><a href=routes::CHECKOUT_SHIPPING>"Change"</a></div>
        </section>
        <Lines rows=rows/>
        <Promo applied=c.promo problem=c.promo_problem typed=promo_typed error=promo_error/>
        {c.totals.map(|t| view! { <Amounts totals=t promo_code=promo_code/> })}
        <form class="pay" method="post" action=routes::CHECKOUT_PAY>
            {returning_order.map(|t| view! { <input type="hidden" name=routes::RETURNING_ORDER_PARAM value=t/> })}
            <KeyField/>
            <button type="submit">{pay_label}</button>
        </form>
    }
}

/// The code in use (and a button to remove it), or the field to enter one; the origin's refusal, or why a
/// kept code no longer applies, next to it.
#[component]
fn Promo(
    applied: Option<meridian_domain::AppliedPromo>,
    problem: Option<String>,
    typed: String,
    error: Option<String>,
) -> impl IntoView {
    let message = error.or(problem);
    let body = match applied {
        Some(p) => Either::Left(view! {
            <p class="promo-applied"><strong class="promo-code">{p.code}</strong>" — "{p.summary}</p>
            <input type="hidden" name="promo_code" value=""/>
            <button type="submit">"Remove code"</button>
        }),
        None => Either::Right(view! {
            <label for="promo_code">"Promo code"</label>
            <input id="promo_code" name="promo_code" value=typed autocomplete="off"/>
            <button type="submit">"Apply"</button>
        }),
    };
    view! {
        <form class="promo" method="post" action=routes::CHECKOUT_PROMO>
            {body}
            <FieldMessage field="promo_code" message=message/>
            <KeyField/>
        </form>
    }
}
