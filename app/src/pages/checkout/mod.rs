//! The checkout pages: contact and address, shipping method, review and pay. Plain forms that post to
//! the edge, so checkout works without JavaScript; every choice and amount comes from the origin's
//! `Checkout`, and a refused step is shown again with each field's message next to it.

mod details;
mod review;
mod shipping;

pub use details::DetailsForm;
pub(crate) use details::{AddressFields, Details, TextField};
pub use review::Review;
pub(crate) use review::ReviewView;
pub(crate) use shipping::Shipping;
pub use shipping::ShippingForm;

use leptos::either::EitherOf3;
use leptos::prelude::*;
use meridian_domain::api::{IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER};
use meridian_domain::routes;
use meridian_domain::FieldError;

/// The three steps, the current one marked, the ones before it linked (a shopper may go back and change
/// them; the ones after are reached by submitting).
#[component]
fn Steps(current: usize) -> impl IntoView {
    let steps = [
        ("Address", routes::CHECKOUT),
        ("Shipping", routes::CHECKOUT_SHIPPING),
        ("Review", routes::CHECKOUT_REVIEW),
    ];
    let items = steps
        .into_iter()
        .enumerate()
        .map(|(i, (name, href))| match i.cmp(&current) {
            std::cmp::Ordering::Less => EitherOf3::A(view! { <li><a href=href>{name}</a></li> }),
            std::cmp::Ordering::Equal => {
                EitherOf3::B(view! { <li aria-current="step"><strong>{name}</strong></li> })
            }
            std::cmp::Ordering::Greater => EitherOf3::C(view! { <li>{name}</li> }),
        })
        .collect_view();
    view! { <ol class="checkout-steps">{items}</ol> }
}

/// The hidden idempotency key of a form: the edge fills in a fresh key per form in every response.
#[component]
pub(crate) fn KeyField() -> impl IntoView {
    view! { <input type="hidden" name=IDEMPOTENCY_FIELD value=IDEMPOTENCY_PLACEHOLDER/> }
}

/// The message for `field`, if the origin refused it.
pub(crate) fn message_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// A field's message, placed right after its input.
#[component]
fn FieldMessage(field: &'static str, message: Option<String>) -> impl IntoView {
    message.map(|m| {
        view! { <p class="field-error" data-field=field id=format!("{field}-error")>{m}</p> }
    })
}
