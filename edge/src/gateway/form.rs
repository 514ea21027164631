//! `POST /cart/add`: the product form when JavaScript is off. Same write as the island's, then a redirect to
//! the cart. Every refusal is a page with fixed text: nothing the request sent is shown back.

use super::{forward_line, read_form, see_cart, stale_form};
use crate::context::Edge;
use crate::error::EdgeResult;
use meridian_domain::AddLine;

/// A cart form is a few short fields.
pub(super) const MAX_FORM: usize = 4 * 1024;
const TITLE: &str = "Could not add to cart";

pub(crate) async fn add_line_form(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(sku) = fields.sku() else {
        return edge.refuse(422, "unprocessable", TITLE, "Please choose an item to add.");
    };
    let Ok(quantity) = fields.get("quantity").unwrap_or("1").parse::<u32>() else {
        return edge.refuse(
            422,
            "unprocessable",
            TITLE,
            "Quantity must be a whole number.",
        );
    };
    // A page served without the edge's substitution still works: the edge mints the key then.
    let Ok(key) = fields.idempotency_key() else {
        return stale_form(edge, TITLE);
    };
    let line = AddLine {
        sku: sku.to_owned(),
        quantity,
    };
    let added = forward_line(edge, &line, &key).await?;
    match added.status {
        200 | 201 => see_cart(added.new_cookie),
        status => {
            let (status, message) = refusal_text(status);
            edge.refuse(status, "refused", TITLE, message)
        }
    }
}

/// The origin's refusal as fixed shopper text (the origin's own sentence may quote the SKU sent).
fn refusal_text(origin_status: u16) -> (u16, &'static str) {
    match origin_status {
        409 => (
            409,
            "We do not have that many in stock. Please choose a smaller quantity.",
        ),
        400 | 404 | 422 => (
            422,
            "We could not add that item: it may no longer be sold, or the quantity is not allowed.",
        ),
        _ => (
            502,
            "The store could not complete this request; please try again.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::refusal_text;

    #[test]
    fn refusals_are_fixed_sentences_by_status() {
        assert_eq!(refusal_text(409).0, 409);
        assert_eq!(
            refusal_text(422),
            refusal_text(404),
            "unknown SKU and missing cart read alike"
        );
        assert_eq!(refusal_text(400).0, 422);
        assert_eq!(refusal_text(500).0, 502);
        assert_eq!(refusal_text(503).0, 502);
    }
}
