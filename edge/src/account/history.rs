//! Order history: the list, and one order's page by its number. The origin shows an account only its own
//! orders (and, once the email is verified, the guest orders placed with it); any other number is a 404.

use super::{account_page, call_signed, parse, unexpected};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::origin::Call;
use crate::session::Session;
use meridian_app::Page;
use meridian_domain::account::OrderSummary;
use meridian_domain::api::origin as origin_paths;
use meridian_domain::OrderView;

/// `GET /account/orders`
pub(super) async fn orders(edge: &Edge, session: &Session) -> EdgeResult {
    let call = Call::read("read order history", origin_paths::ACCOUNT_ORDERS);
    let reply = call_signed(edge, session, call).await?;
    if reply.status != 200 {
        return Err(unexpected(reply.status, "an order history"));
    }
    let orders: Vec<OrderSummary> = parse(&reply, "order history")?;
    account_page(edge, Page::Orders(orders), 200)
}

/// `GET /account/orders/{number}` (the number's shape already checked by the router).
pub(super) async fn order(edge: &Edge, session: &Session, number: &str) -> EdgeResult {
    let path = origin_paths::ACCOUNT_ORDER.replace("{number}", number);
    let reply = call_signed(edge, session, Call::read("read account order", &path)).await?;
    match reply.status {
        200 => {
            let order: OrderView = parse(&reply, "order")?;
            account_page(edge, Page::Order(Box::new(order)), 200)
        }
        404 => edge.refuse(
            404,
            "not_found",
            "Order not found",
            "We could not find that order in your account.",
        ),
        status => Err(unexpected(status, "an account order")),
    }
}
