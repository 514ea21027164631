//! Step 2: the shipping methods the origin offers for this address and cart, each with its price.

use super::{FieldMessage, KeyField, Steps};
use leptos::prelude::*;
use meridian_domain::routes;
use meridian_domain::Checkout;

/// Step 2's form: the checkout, and the origin's message when it refused the choice.
#[derive(Debug, Clone)]
pub struct ShippingForm {
    pub checkout: Checkout,
    pub error: Option<String>,
}

#[component]
pub(crate) fn Shipping(form: ShippingForm) -> impl IntoView {
    let ShippingForm { checkout, error } = form;
    let ship_to = checkout
        .address
        .as_ref()
        .map(|a| a.lines().join(", "))
        .unwrap_or_default();
    // The chosen method, else the first, so Enter on the page continues with a sensible choice.
    let chosen = checkout
        .shipping_method
        .clone()
        .or_else(|| checkout.shipping_options.first().map(|o| o.code.clone()));
    let options = checkout
        .shipping_options
        .into_iter()
        .map(|o| {
            let checked = chosen.as_deref() == Some(o.code.as_str());
            // A zero price is a word, not an amount to format.
            let price = if o.price.minor == 0 {
                "Free".to_owned()
            } else {
                o.price.to_string()
            };
            view! {
                <label class="shipping-option">
                    <input type="radio" name="shipping_method" value=o.code checked=checked/>
                    <span class="name">{o.name}</span>
                    <span class="price">{price}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <h1>"Shipping"</h1>
        <Steps current=1/>
        <p class="ship-to">"Ship to: " {ship_to} " " <a href=routes::CHECKOUT>"Change"</a></p>
        <form class="checkout-form shipping" method="post" action=routes::CHECKOUT_SHIPPING>
            <fieldset>
                <legend>"Shipping method"</legend>
                {options}
                <FieldMessage field="shipping_method" message=error/>
            </fieldset>
            <KeyField/>
            <button type="submit">"Continue to review"</button>
        </form>
    }
}
