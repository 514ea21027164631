//! `POST /cart/add`: the product form when JavaScript is off. Same write as the island's, then a redirect to
//! the cart. Every refusal is a page with fixed text: nothing the request sent is shown back.

use super::{forward_line, guard_write, see_cart};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::policy::request::idempotency_key;
use meridian_domain::api::{IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER};
use meridian_domain::AddLine;

/// A form post is three short fields.
const MAX_FORM: usize = 4 * 1024;
const TITLE: &str = "Could not add to cart";

pub(crate) async fn add_line_form(edge: &mut Edge) -> EdgeResult {
    if let Some(refused) = guard_write(edge, "application/x-www-form-urlencoded", MAX_FORM)? {
        return Ok(refused);
    }
    let bytes = edge.req.bytes().await?;
    let field = |name: &str| {
        form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let Some(sku) = field("sku").filter(|s| !s.is_empty() && s.len() <= 200) else {
        return edge.refuse(422, "unprocessable", TITLE, "Please choose an item to add.");
    };
    let Ok(quantity) = field("quantity")
        .unwrap_or_else(|| "1".into())
        .parse::<u32>()
    else {
        return edge.refuse(
            422,
            "unprocessable",
            TITLE,
            "Quantity must be a whole number.",
        );
    };
    // A page served without the edge's substitution still works: the edge mints the key then.
    let sent = field(IDEMPOTENCY_FIELD).filter(|k| k != IDEMPOTENCY_PLACEHOLDER);
    let Ok(key) = idempotency_key(sent) else {
        return edge.refuse(
            400,
            "bad_request",
            TITLE,
            "Please reload the page and try again.",
        );
    };
    let added = forward_line(edge, &AddLine { sku, quantity }, &key).await?;
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
