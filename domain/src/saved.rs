//! What a signed-in shopper keeps with their account, in the shapes the origin's API sends and the
//! account pages show: saved addresses and wishlist items.

use crate::Address;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A saved address and its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub id: Uuid,
    pub address: Address,
}

/// A saved product as the wishlist page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WishlistItem {
    pub slug: String,
    pub title: String,
    /// False once the product is archived: it stays on the list, marked, until removed.
    pub sold: bool,
    /// Some live variant has stock.
    pub in_stock: bool,
}
