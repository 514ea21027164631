//! Every amount of a checkout, computed in one place: subtotal, discount, shipping, tax, total.
//!
//! Money is integer minor units throughout. **Rounding rule:** each derived figure is rounded once, half
//! away from zero, at the order level — the percentage discount once on the subtotal, the tax once on the
//! taxable amount (never per line) — so the total is exactly the sum of the figures the shopper sees:
//! `total = subtotal − discount + shipping (+ tax when prices exclude it)`.
//!
//! The taxable amount is the discounted subtotal plus shipping. Where prices include tax, the tax is the
//! part of that amount above `amount / (1 + rate)`; where they exclude it, `amount × rate` is added.

use crate::money::{Money, MoneyError};
use crate::promo::{Promo, PromoKind};
use crate::settings::TaxRate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
    /// True: `tax` is contained in the other figures ("includes"); false: it was added to them.
    pub tax_included: bool,
    /// e.g. "Sales tax (NY) 8.875 %"; `None` where no tax applies.
    pub tax_label: Option<String>,
}

/// What the amounts depend on.
#[derive(Debug, Clone, Copy)]
pub struct PriceInput<'a> {
    pub subtotal: Money,
    /// The chosen method's price for this cart, `None` before one is chosen (counts as zero).
    pub shipping: Option<Money>,
    pub promo: Option<&'a Promo>,
    pub tax: Option<&'a TaxRate>,
    pub prices_include_tax: bool,
}

/// The amounts for `input`. Errors only on overflow or mixed currencies.
pub fn price(input: PriceInput<'_>) -> Result<Totals, MoneyError> {
    let currency = input.subtotal.currency;
    let zero = Money::zero(currency);
    let subtotal = input.subtotal;
    let mut shipping = input.shipping.unwrap_or(zero);
    if shipping.currency != currency {
        return Err(MoneyError::CurrencyMismatch);
    }
    let discount = match input.promo.map(|p| p.kind) {
        Some(PromoKind::Percentage { basis_points }) => Money::new(
            scale_round(subtotal.minor, i128::from(basis_points), 10_000)?,
            currency,
        ),
        Some(PromoKind::FixedAmount { amount }) if amount.currency == currency => {
            Money::new(amount.minor.clamp(0, subtotal.minor), currency)
        }
        Some(PromoKind::FixedAmount { .. }) => return Err(MoneyError::CurrencyMismatch),
        Some(PromoKind::FreeShipping) => {
            shipping = zero;
            zero
        }
        None => zero,
    };
    let taxable = subtotal
        .checked_add(Money::new(-discount.minor, currency))?
        .checked_add(shipping)?;
    let per_million = i128::from(input.tax.map_or(0, |t| t.per_million));
    let tax_minor = if input.prices_include_tax {
        taxable.minor - scale_round(taxable.minor, MILLION, MILLION + per_million)?
    } else {
        scale_round(taxable.minor, per_million, MILLION)?
    };
    let tax = Money::new(tax_minor, currency);
    let total = if input.prices_include_tax {
        taxable
    } else {
        taxable.checked_add(tax)?
    };
    let tax_label = input
        .tax
        .filter(|t| t.per_million > 0)
        .map(|t| format!("{} {}", t.name, crate::promo::percent(t.per_million)));
    Ok(Totals {
        subtotal,
        discount,
        shipping,
        tax,
        total,
        tax_included: input.prices_include_tax,
        tax_label,
    })
}

const MILLION: i128 = 1_000_000;

/// `amount × numerator / denominator`, rounded half away from zero, without overflow on the way.
fn scale_round(amount: i64, numerator: i128, denominator: i128) -> Result<i64, MoneyError> {
    let product = i128::from(amount) * numerator;
    let (quotient, remainder) = (product / denominator, product % denominator);
    let rounded = if remainder.abs() * 2 >= denominator {
        quotient + product.signum()
    } else {
        quotient
    };
    i64::try_from(rounded).map_err(|_| MoneyError::Overflow)
}

#[cfg(test)]
mod tests;
