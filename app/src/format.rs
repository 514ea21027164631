//! Display helpers shared by pages.

use meridian_domain::ProductCard;

/// "from $22.00" when variants differ in price is decided by the card's data; grids always say "from".
pub(crate) fn price_from(card: &ProductCard) -> String {
    format!("from {}", card.price_from)
}

pub(crate) fn product_href(slug: &str) -> String {
    format!("/p/{slug}")
}

pub(crate) fn category_href(slug: &str) -> String {
    format!("/c/{slug}")
}
