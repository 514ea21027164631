//! "Notify me when it is back": the product page's form for a sold-out variant, signed in (the account's
//! email is used) or with an email typed in. The origin keeps one subscription per variant and address and
//! queues one email when stock returns; every answer here is fixed text.

use crate::context::Edge;
use crate::error::EdgeResult;
use crate::gateway::read_form;
use crate::origin::Call;
use meridian_app::Page;
use meridian_domain::alerts::StockAlertRequest;
use meridian_domain::api::origin as origin_paths;
use worker::Method;

const TITLE: &str = "Back-in-stock alert";

/// `POST /stock-alerts` (`sku`, `email` unless signed in).
pub(super) async fn subscribe(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, super::MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(sku) = fields.sku() else {
        return edge.refuse(
            422,
            "unprocessable",
            TITLE,
            "Please choose the item you want.",
        );
    };
    let email = fields.text("email");
    if !email.trim().is_empty() {
        if let Some(refused) = edge.throttle_email(&email).await? {
            return Ok(refused);
        }
    }
    let session = edge.session_if_any().await?;
    let request = StockAlertRequest {
        sku: sku.to_owned(),
        email: Some(email).filter(|e| !e.trim().is_empty()),
    };
    let body = serde_json::to_string(&request)?;
    let call = Call::send(
        "stock alert",
        Method::Post,
        origin_paths::STOCK_ALERTS,
        &body,
    );
    let call = match &session {
        Some(session) => call.signed(&session.token),
        None => call,
    };
    let reply = edge.call_origin(call).await?;
    match reply.status {
        200..=202 => {
            let page = Page::Problem {
                title: "We will let you know".into(),
                message: "We will email you once when this item is back in stock.".into(),
            };
            super::account_page(edge, page, 200)
        }
        409 => edge.refuse(
            409,
            "in_stock",
            TITLE,
            "This item is in stock now: add it to your cart.",
        ),
        404 => edge.refuse(404, "not_found", TITLE, "We could not find that item."),
        400 | 422 => edge.refuse(
            422,
            "unprocessable",
            TITLE,
            "Please enter an email address like name@example.com, or sign in first.",
        ),
        429 => edge.too_many(),
        status => Err(super::unexpected(status, "a stock alert")),
    }
}
