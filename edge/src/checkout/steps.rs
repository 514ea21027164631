//! Steps 1 and 2: contact and address, then the shipping method. A refused step is shown again (422)
//! with what the shopper typed and the origin's message next to each field; nothing was saved.

use super::{checkout_page, load, save, save_field, see, Saved, StepAnswer, MAX_FORM, TITLE};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::gateway::{read_form, stale_form};
use crate::policy::checkout::{earlier_step, Step};
use meridian_app::{DetailsForm, Page, ShippingForm};
use meridian_domain::routes;
use meridian_domain::{CheckoutUpdate, FieldError};

/// `GET /checkout`
pub(crate) async fn details(edge: &Edge) -> EdgeResult {
    let Some(checkout) = load(edge).await? else {
        return see(routes::CART);
    };
    if let Some(path) = earlier_step(&checkout.missing, Step::Details) {
        return see(path);
    }
    let mut form = DetailsForm::prefilled(&checkout);
    if checkout.address.is_none() {
        prefill_from_account(edge, &mut form).await?;
    }
    checkout_page(edge, Page::CheckoutDetails(Box::new(form)), 200)
}

/// A signed-in shopper's first checkout step starts from the account: its email and first saved address.
async fn prefill_from_account(edge: &Edge, form: &mut DetailsForm) -> EdgeResult<()> {
    let Some(session) = edge.session_if_any().await? else {
        return Ok(());
    };
    if let Some(saved) = crate::account::saved_addresses(edge, &session)
        .await?
        .into_iter()
        .next()
    {
        form.address = saved.address;
    }
    if form.email.is_empty() {
        if let Some(account) = crate::account::account_view(edge, &session).await? {
            form.email = account.email;
        }
    }
    Ok(())
}

/// `POST /checkout`: email and address → the shipping step.
pub(crate) async fn save_details(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Ok(key) = fields.idempotency_key() else {
        return stale_form(edge, TITLE);
    };
    let (email, address) = fields.details();
    let update = CheckoutUpdate {
        email: Some(email.clone()),
        address: Some(address.clone()),
        ..CheckoutUpdate::default()
    };
    let refusal = match save(edge, &update, &key).await? {
        Saved::Done => return see(routes::CHECKOUT_SHIPPING),
        Saved::NoCart => return see(routes::CART),
        Saved::Refused(refusal) => refusal,
    };
    let Some(checkout) = load(edge).await? else {
        return see(routes::CART);
    };
    let mut errors = refusal.fields;
    if errors.is_empty() {
        // A refusal of the whole step (say, the cart emptied meanwhile) still says why.
        errors.push(FieldError::new("form", refusal.message));
    }
    let form = DetailsForm::refused(&checkout, email, address, errors);
    checkout_page(edge, Page::CheckoutDetails(Box::new(form)), 422)
}

/// `GET /checkout/shipping`
pub(crate) async fn shipping(edge: &Edge) -> EdgeResult {
    let Some(checkout) = load(edge).await? else {
        return see(routes::CART);
    };
    if let Some(path) = earlier_step(&checkout.missing, Step::Shipping) {
        return see(path);
    }
    let form = ShippingForm {
        checkout,
        error: None,
    };
    checkout_page(edge, Page::CheckoutShipping(Box::new(form)), 200)
}

/// `POST /checkout/shipping`: the method → the review.
pub(crate) async fn save_shipping(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Ok(key) = fields.idempotency_key() else {
        return stale_form(edge, TITLE);
    };
    let update = CheckoutUpdate {
        shipping_method: Some(fields.text("shipping_method")),
        ..CheckoutUpdate::default()
    };
    let step = (Step::Shipping, "shipping_method", routes::CHECKOUT_REVIEW);
    let (checkout, error) = match save_field(edge, &update, &key, step).await? {
        StepAnswer::Go(response) => return Ok(response),
        StepAnswer::Refused(checkout, message) => (*checkout, message),
    };
    let form = ShippingForm {
        checkout,
        error: Some(error),
    };
    checkout_page(edge, Page::CheckoutShipping(Box::new(form)), 422)
}
