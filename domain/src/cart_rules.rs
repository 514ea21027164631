//! The rules for putting a line into a cart, as plain functions: the store looks the facts up, these
//! decide. Each refusal reads as a sentence for the shopper.

use crate::cart::MAX_LINE_QUANTITY;

/// Why a line cannot go into a cart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineRefusal {
    #[error("Quantity must be between 1 and {MAX_LINE_QUANTITY}.")]
    Quantity,
    #[error("There is no product with SKU '{0}'.")]
    UnknownSku(String),
    #[error("The product with SKU '{0}' is no longer sold.")]
    Discontinued(String),
    #[error("This cart holds items priced in another currency.")]
    MixedCurrency,
    #[error("A cart line holds at most {MAX_LINE_QUANTITY}; this one already has {current}.")]
    LineLimit { current: u32 },
    #[error("{}", out_of_stock(*available, *wanted))]
    OutOfStock { available: u32, wanted: u32 },
}

impl LineRefusal {
    /// True when the request was fine but the shelf cannot meet it (HTTP 409 rather than 422).
    pub fn is_stock_conflict(&self) -> bool {
        matches!(self, Self::OutOfStock { .. })
    }
}

fn out_of_stock(available: u32, wanted: u32) -> String {
    match available {
        0 => "Sorry, this item is out of stock.".to_owned(),
        n => format!("Only {n} left in stock; your cart would hold {wanted}."),
    }
}

/// What the store knows about the variant a line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantFacts {
    /// Neither the variant nor its product is archived.
    pub live: bool,
    /// Units in stock.
    pub available: i32,
    /// The cart holds no line in another currency.
    pub currency_matches_cart: bool,
}

/// Checks adding `quantity` of `sku` to a line already holding `current`; `variant` is `None` when no
/// variant has that SKU. Returns the line's new quantity.
pub fn check_add(
    sku: &str,
    quantity: u32,
    current: u32,
    variant: Option<VariantFacts>,
) -> Result<u32, LineRefusal> {
    if !(1..=MAX_LINE_QUANTITY).contains(&quantity) {
        return Err(LineRefusal::Quantity);
    }
    let variant = variant.ok_or_else(|| LineRefusal::UnknownSku(sku.to_owned()))?;
    if !variant.live {
        return Err(LineRefusal::Discontinued(sku.to_owned()));
    }
    if !variant.currency_matches_cart {
        return Err(LineRefusal::MixedCurrency);
    }
    let wanted = current.saturating_add(quantity);
    if wanted > MAX_LINE_QUANTITY {
        return Err(LineRefusal::LineLimit { current });
    }
    let available = u32::try_from(variant.available).unwrap_or(0);
    if wanted > available {
        return Err(LineRefusal::OutOfStock { available, wanted });
    }
    Ok(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: VariantFacts = VariantFacts {
        live: true,
        available: 3,
        currency_matches_cart: true,
    };

    #[test]
    fn a_valid_add_returns_the_merged_quantity() {
        assert_eq!(check_add("A", 1, 0, Some(LIVE)), Ok(1));
        assert_eq!(check_add("A", 2, 1, Some(LIVE)), Ok(3));
    }

    #[test]
    fn quantity_bounds_come_first() {
        assert_eq!(check_add("A", 0, 0, None), Err(LineRefusal::Quantity));
        assert_eq!(
            check_add("A", 100, 0, Some(LIVE)),
            Err(LineRefusal::Quantity)
        );
        let plenty = VariantFacts {
            available: 500,
            ..LIVE
        };
        let refused = check_add("A", 5, 98, Some(plenty)).unwrap_err();
        assert_eq!(refused, LineRefusal::LineLimit { current: 98 });
        assert!(refused.to_string().contains("already has 98"));
    }

    #[test]
    fn unknown_discontinued_and_mixed_currency_are_refused() {
        assert_eq!(
            check_add("NOPE", 1, 0, None).unwrap_err().to_string(),
            "There is no product with SKU 'NOPE'."
        );
        let archived = VariantFacts {
            live: false,
            ..LIVE
        };
        assert!(matches!(
            check_add("A", 1, 0, Some(archived)),
            Err(LineRefusal::Discontinued(_))
        ));
        let other = VariantFacts {
            currency_matches_cart: false,
            ..LIVE
        };
        assert_eq!(
            check_add("A", 1, 0, Some(other)),
            Err(LineRefusal::MixedCurrency)
        );
    }

    #[test]
    fn stock_is_a_conflict_with_a_shelf_sentence() {
        let refused = check_add("A", 2, 2, Some(LIVE)).unwrap_err();
        assert!(refused.is_stock_conflict());
        assert_eq!(
            refused.to_string(),
            "Only 3 left in stock; your cart would hold 4."
        );
        let empty = VariantFacts {
            available: 0,
            ..LIVE
        };
        let refused = check_add("A", 1, 0, Some(empty)).unwrap_err();
        assert_eq!(refused.to_string(), "Sorry, this item is out of stock.");
        let negative = VariantFacts {
            available: -1,
            ..LIVE
        };
        assert!(check_add("A", 1, 0, Some(negative))
            .unwrap_err()
            .is_stock_conflict());
    }
}
