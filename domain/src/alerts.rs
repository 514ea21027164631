//! Back-in-stock alerts ("notify me" on a sold-out variant): what the edge sends the origin, what it
//! answers, and the outbox email the jobs send once the variant is back. The origin's trigger writes that
//! email in the transaction that raises the stock, so its topic and shape are fixed here for both sides.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Outbox topic of a back-in-stock email (written by the `stock_alerts_back_in_stock` trigger).
pub const BACK_IN_STOCK_TOPIC: &str = "stock.back_in_stock";
/// The answer to every accepted request, new or repeated: it says nothing about who asked before.
pub const ALERT_ACCEPTED: &str = "We will email you when it is back in stock.";
/// The 409 for a variant that can be bought now.
pub const IN_STOCK: &str = "This item is in stock: add it to your cart.";

/// `POST` body of `api::origin::STOCK_ALERTS`. A signed-in shopper's alert goes to the account's email
/// (`email` is ignored); a guest must give one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAlertRequest {
    pub sku: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The 202 body: [`ALERT_ACCEPTED`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAlertAccepted {
    pub message: String,
}

/// Payload of a [`BACK_IN_STOCK_TOPIC`] outbox row: one per subscription, sent once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackInStock {
    /// The subscription: what makes a retried send recognisable.
    pub alert: Uuid,
    /// The address as the shopper gave it (normalised).
    pub to: String,
    /// The account that asked while signed in, if any.
    pub account: Option<Uuid>,
    pub sku: String,
    pub product_slug: String,
    pub product_title: String,
    /// `None` when the variant has no title of its own.
    pub variant_title: Option<String>,
    /// The product page's path (`routes::product`); the sender puts the store's URL in front.
    pub link: String,
}
