//! Guest checkout, server-rendered: address → shipping → review → pay. Each step is a plain form posted
//! through the gateway's guard (same-origin, body size and type, an idempotency key per form view) and
//! forwarded as one `PUT` of the origin's checkout; the origin validates every field and computes every
//! amount. Pages are the shopper's own: never stored, and sent with `Referrer-Policy: same-origin`.

mod pay;
mod review;
mod steps;

pub(crate) use pay::pay;
pub(crate) use review::{review, save_promo};
pub(crate) use steps::{details, save_details, save_shipping, shipping};

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{html, redirect};
use crate::origin::Call;
use crate::policy::checkout::{earlier_step, Step};
use meridian_app::Page;
use meridian_domain::api::origin as paths;
use meridian_domain::routes;
use meridian_domain::{Checkout, CheckoutRefusal, CheckoutUpdate};
use serde::de::DeserializeOwned;
use worker::Method;

/// Checkout forms: an address typed in any script, URL-encoded (up to 9 bytes a character), fits.
const MAX_FORM: usize = 8 * 1024;
const TITLE: &str = "Checkout";

/// The shopper's checkout; `None` without a cart (or with one the origin no longer knows).
async fn load(edge: &Edge) -> EdgeResult<Option<Checkout>> {
    let Some(id) = edge.cart_id()? else {
        edge.saw_cart(0);
        return Ok(None);
    };
    let path = paths::cart_checkout(&id);
    let reply = edge.call_origin(Call::read("read checkout", &path)).await?;
    match reply.status {
        200 => {
            let checkout: Checkout = parse(&reply.body, "checkout")?;
            edge.saw_cart(checkout.cart.item_count);
            Ok(Some(checkout))
        }
        404 => {
            edge.saw_cart(0);
            Ok(None)
        }
        status => Err(EdgeError::BadGateway(format!(
            "origin answered {status} for a checkout"
        ))),
    }
}

/// What the origin made of a checkout step.
enum Saved {
    Done,
    /// 422: nothing was saved; the fields to fix.
    Refused(CheckoutRefusal),
    NoCart,
}

/// Sends one step's fields (only those set are changed) under the form's key.
async fn save(edge: &Edge, update: &CheckoutUpdate, key: &str) -> EdgeResult<Saved> {
    let Some(id) = edge.cart_id()? else {
        return Ok(Saved::NoCart);
    };
    let body = serde_json::to_string(update)?;
    let path = paths::cart_checkout(&id);
    let call = Call::write("save checkout", Method::Put, &path, &body, key);
    let reply = edge.call_origin(call).await?;
    match reply.status {
        200 => {
            let checkout: Checkout = parse(&reply.body, "checkout")?;
            edge.saw_cart(checkout.cart.item_count);
            Ok(Saved::Done)
        }
        422 => Ok(Saved::Refused(parse(&reply.body, "checkout refusal")?)),
        404 => Ok(Saved::NoCart),
        status => Err(EdgeError::BadGateway(format!(
            "origin answered {status} to a checkout step"
        ))),
    }
}

/// What a one-field step came to.
enum StepAnswer {
    /// Saved, or out of turn: where the shopper goes now.
    Go(worker::Response),
    /// Refused: the checkout to show again, and the field's message.
    Refused(Box<Checkout>, String),
}

/// Saves a one-field step (`field`, as the origin's refusal names it) and sends the shopper on to `next`.
/// On a refusal the checkout is read again; if an earlier step is missing by now, the shopper goes there.
async fn save_field(
    edge: &Edge,
    update: &CheckoutUpdate,
    key: &str,
    (at, field, next): (Step, &str, &str),
) -> EdgeResult<StepAnswer> {
    let refusal = match save(edge, update, key).await? {
        Saved::Done => return Ok(StepAnswer::Go(see(next)?)),
        Saved::NoCart => return Ok(StepAnswer::Go(see(routes::CART)?)),
        Saved::Refused(refusal) => refusal,
    };
    let Some(checkout) = load(edge).await? else {
        return Ok(StepAnswer::Go(see(routes::CART)?));
    };
    if let Some(path) = earlier_step(&checkout.missing, at) {
        return Ok(StepAnswer::Go(see(path)?));
    }
    let message = refusal
        .fields
        .into_iter()
        .find(|f| f.field == field)
        .map_or(refusal.message, |f| f.message);
    Ok(StepAnswer::Refused(Box::new(checkout), message))
}

/// An origin answer we rely on; unreadable, it is the origin's failure (502), never the shopper's.
fn parse<T: DeserializeOwned>(body: &str, what: &str) -> EdgeResult<T> {
    serde_json::from_str(body)
        .map_err(|_| EdgeError::BadGateway(format!("origin sent an unreadable {what}")))
}

/// A checkout page: the shopper's own, never stored, and named in a `Referer` only to ourselves (the
/// review can carry an order token in its query). Not `no-referrer`: with it, browsers send `Origin: null`
/// on the page's own form posts, which the gateway's cross-site guard rightly refuses.
fn checkout_page(edge: &Edge, page: Page, status: u16) -> EdgeResult {
    let response = html(&edge.config, page, Vec::new(), status)?;
    response.headers().set("referrer-policy", "same-origin")?;
    Ok(response)
}

/// "See other": where a form post or a page out of turn sends the shopper.
fn see(path: &str) -> EdgeResult {
    Ok(redirect(303, path)?)
}
