//! Cart shapes. Totals are computed by the origin; the edge and the browser only display them.

use crate::money::Money;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most of one variant a single line may hold; larger orders go through sales.
pub const MAX_LINE_QUANTITY: u32 = 99;

/// Request body of "add to cart".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddLine {
    pub sku: String,
    pub quantity: u32,
}

/// Request body of "change a line": the line's new quantity, 0 to remove it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetLine {
    pub sku: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: String,
    pub product_slug: String,
    pub product_title: String,
    pub variant_title: String,
    pub image: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
}

/// A line whose product is no longer sold: shown to the shopper, left out of every total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnavailableLine {
    pub sku: String,
    pub product_title: String,
    pub variant_title: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub id: Uuid,
    pub lines: Vec<CartLine>,
    pub item_count: u32,
    /// None while the cart is empty: an empty cart has no currency yet.
    pub subtotal: Option<Money>,
    #[serde(default)]
    pub unavailable: Vec<UnavailableLine>,
}

impl Cart {
    /// Builds a cart from priced lines, computing each line total, the item count and the subtotal.
    /// This is the only place a cart total is calculated.
    pub fn price(id: Uuid, lines: Vec<UnpricedLine>) -> Result<Self, crate::MoneyError> {
        let mut priced = Vec::with_capacity(lines.len());
        let mut subtotal: Option<Money> = None;
        let mut item_count = 0u32;
        for line in lines {
            let line_total = line.unit_price.checked_mul(line.quantity)?;
            subtotal = Some(match subtotal {
                Some(sum) => sum.checked_add(line_total)?,
                None => line_total,
            });
            item_count = item_count.saturating_add(line.quantity);
            priced.push(CartLine {
                sku: line.sku,
                product_slug: line.product_slug,
                product_title: line.product_title,
                variant_title: line.variant_title,
                image: line.image,
                unit_price: line.unit_price,
                quantity: line.quantity,
                line_total,
            });
        }
        Ok(Self {
            id,
            lines: priced,
            item_count,
            subtotal,
            unavailable: Vec::new(),
        })
    }
}

/// A cart line as stored: the current unit price, before totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpricedLine {
    pub sku: String,
    pub product_slug: String,
    pub product_title: String,
    pub variant_title: String,
    pub image: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn line(sku: &str, minor: i64, quantity: u32) -> UnpricedLine {
        UnpricedLine {
            sku: sku.into(),
            product_slug: "p".into(),
            product_title: "P".into(),
            variant_title: "Default".into(),
            image: None,
            unit_price: Money::new(minor, Currency::USD),
            quantity,
        }
    }

    #[test]
    fn totals_are_exact_sums_of_lines() {
        let cart = Cart::price(Uuid::nil(), vec![line("a", 1999, 3), line("b", 250, 2)]).unwrap();
        assert_eq!(cart.lines[0].line_total.minor, 5997);
        assert_eq!(cart.subtotal, Some(Money::new(6497, Currency::USD)));
        assert_eq!(cart.item_count, 5);
        assert_eq!(Cart::price(Uuid::nil(), vec![]).unwrap().subtotal, None);
    }

    #[test]
    fn mixed_currencies_are_refused() {
        let mut eur = line("c", 100, 1);
        eur.unit_price.currency = Currency::EUR;
        assert!(Cart::price(Uuid::nil(), vec![line("a", 1, 1), eur]).is_err());
    }
}
