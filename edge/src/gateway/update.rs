//! `POST /cart/update`: the cart page's line form (new quantity, or "Remove" for 0), forwarded as the
//! origin's `PATCH …/lines`, then back to the cart. Refusals are pages with fixed text, as for adds.

use super::form::MAX_FORM;
use super::{note_cart, read_form, see_cart, stale_form};
use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult};
use crate::origin::Call;
use meridian_domain::api::origin as paths;
use meridian_domain::SetLine;
use worker::Method;

const TITLE: &str = "Could not change your cart";

pub(crate) async fn update_line_form(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(sku) = fields.sku() else {
        return edge.refuse(
            422,
            "unprocessable",
            TITLE,
            "Please choose a line to change.",
        );
    };
    // "Remove" is the form's second button: it sends the typed quantity too, which it overrides.
    let quantity = if fields.get("remove").is_some() {
        Some(0)
    } else {
        fields
            .get("quantity")
            .and_then(|q| q.trim().parse::<u32>().ok())
    };
    let Some(quantity) = quantity else {
        return edge.refuse(
            422,
            "unprocessable",
            TITLE,
            "Quantity must be a whole number.",
        );
    };
    let Ok(key) = fields.idempotency_key() else {
        return stale_form(edge, TITLE);
    };
    let Some(id) = edge.cart_id()? else {
        // Nothing to change: the cart page says the cart is empty.
        return see_cart(None);
    };
    let line = serde_json::to_string(&SetLine {
        sku: sku.to_owned(),
        quantity,
    })?;
    let path = paths::cart_lines(&id);
    let call = Call::write("set line", Method::Patch, &path, &line, &key);
    let reply = edge.call_origin(call).await?;
    match reply.status {
        200 => {
            note_cart(edge, &reply.body);
            see_cart(None)
        }
        404 => {
            edge.saw_cart(0);
            see_cart(None)
        }
        409 => edge.refuse(
            409,
            "refused",
            TITLE,
            "We do not have that many in stock. Please choose a smaller quantity.",
        ),
        400 | 422 => edge.refuse(
            422,
            "refused",
            TITLE,
            "We could not change that line: the quantity is not allowed (0 to 99), or the item is no longer sold.",
        ),
        status => Err(EdgeError::BadGateway(format!(
            "origin answered {status} to a line change"
        ))),
    }
}
