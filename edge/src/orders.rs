//! `GET /orders/{token}`: the buyer's order page, where the payment provider returns after a payment. The
//! token (already checked to be 64 lowercase hex by the router) is the only key to it, so the page is
//! never stored and never named in a `Referer`.

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult};
use crate::gateway;
use crate::http::html;
use crate::origin::Call;
use crate::policy::personal::read_count;
use meridian_app::Page;
use meridian_domain::api::origin as paths;
use meridian_domain::{OrderStatus, OrderView};

pub(crate) async fn order(edge: &Edge, token: &str) -> EdgeResult {
    match fetch(edge, token).await? {
        Some(order) => {
            // A paid order emptied its cart: read the cart once so the header stops counting it (the
            // cookie is then cleared, so later views cost no second call).
            let paid = matches!(order.status, OrderStatus::Paid | OrderStatus::Fulfilled);
            if paid && read_count(&edge.header("cookie").unwrap_or_default()).is_some() {
                gateway::load_cart(edge).await?;
            }
            let response = html(&edge.config, Page::Order(Box::new(order)), Vec::new(), 200)?;
            response.headers().set("referrer-policy", "no-referrer")?;
            Ok(response)
        }
        None => {
            let response = edge.refuse(
                404,
                "not_found",
                "Order not found",
                "We could not find that order. Please check the link in your confirmation email.",
            )?;
            response.headers().set("referrer-policy", "no-referrer")?;
            Ok(response)
        }
    }
}

/// The order behind `token`, or `None` if the origin knows no such order.
pub(crate) async fn fetch(edge: &Edge, token: &str) -> EdgeResult<Option<OrderView>> {
    let path = paths::order(token);
    let reply = edge.call_origin(Call::read("read order", &path)).await?;
    match reply.status {
        200 => serde_json::from_str(&reply.body)
            .map(Some)
            .map_err(|_| EdgeError::BadGateway("origin sent an unreadable order".into())),
        404 => Ok(None),
        status => Err(EdgeError::BadGateway(format!(
            "origin answered {status} for an order"
        ))),
    }
}
