//! Money as integer minor units plus a currency: never a float, so totals add up to the cent.

pub use crate::currency::Currency;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in minor units of one currency (cents for USD, yen for JPY, fils for KWD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// Why an amount could not be built or combined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a plain decimal with at most the currency's fraction digits, e.g. "19.99" for USD.
    Malformed(String),
    Overflow,
    CurrencyMismatch,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(s) => write!(f, "'{s}' is not a price in this currency"),
            Self::Overflow => f.write_str("amount is too large"),
            Self::CurrencyMismatch => f.write_str("amounts are in different currencies"),
        }
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// Parses a supplier's decimal string ("19.99", "20", "0.5") without going through a float. At most
    /// the currency's minor units may follow the point ("1500" JPY, "1.500" KWD); extra trailing zeros are
    /// accepted ("1500.00" JPY, as Shopify writes every price), any other extra digit is an error.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let bad = || MoneyError::Malformed(text.to_owned());
        let trimmed = text.trim();
        let (whole, frac) = match trimmed.split_once('.') {
            Some((whole, frac)) if !frac.is_empty() => (whole, frac),
            Some(_) => return Err(bad()),
            None => (trimmed, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) {
            return Err(bad());
        }
        let units = usize::from(currency.minor_units());
        let (kept, dropped) = frac.split_at(frac.len().min(units));
        if dropped.bytes().any(|b| b != b'0') {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let frac: i64 = format!("{kept:0<units$}").parse().unwrap_or(0);
        whole
            .checked_mul(currency.scale())
            .and_then(|w| w.checked_add(frac))
            .map(|minor| Self::new(minor, currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Self::new(minor, self.currency))
    }

    pub fn checked_mul(self, quantity: u32) -> Result<Self, MoneyError> {
        let minor = self
            .minor
            .checked_mul(i64::from(quantity))
            .ok_or(MoneyError::Overflow)?;
        Ok(Self::new(minor, self.currency))
    }
}

impl fmt::Display for Money {
    /// `$1,895.00`, `¥1,500`, `KWD 1.500`: the currency's own number of decimals, thousands grouped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale = self.currency.scale().unsigned_abs();
        let whole = group_thousands(abs / scale);
        let prefix = self.currency.prefix();
        match usize::from(self.currency.minor_units()) {
            0 => write!(f, "{sign}{prefix}{whole}"),
            units => write!(f, "{sign}{prefix}{whole}.{:0units$}", abs % scale),
        }
    }
}

/// 1234567 → "1,234,567".
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supplier_prices_exactly() {
        let usd = |s| Money::parse_decimal(s, Currency::USD).map(|m| m.minor);
        assert_eq!(usd("19.99"), Ok(1999));
        assert_eq!(usd("20"), Ok(2000));
        assert_eq!(usd("0.5"), Ok(50));
        assert_eq!(usd("0.07"), Ok(7));
        for bad in ["", "abc", "1.999", "-1.00", "1,00", ".5", "1.", "1.2.3"] {
            assert!(usd(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn respects_each_currencys_minor_units() {
        let parse = |s, c| Money::parse_decimal(s, c).map(|m| m.minor);
        assert_eq!(parse("1500", Currency::JPY), Ok(1500));
        assert_eq!(
            parse("1500.00", Currency::JPY),
            Ok(1500),
            "Shopify's JPY prices"
        );
        assert!(parse("1500.5", Currency::JPY).is_err());
        assert_eq!(parse("1.500", Currency::KWD), Ok(1500));
        assert_eq!(parse("1.5", Currency::KWD), Ok(1500));
        assert!(parse("1.5001", Currency::KWD).is_err());
        assert_eq!(parse("0.00", Currency::USD), Ok(0));
    }

    #[test]
    fn displays_with_the_currencys_decimals_and_grouped_thousands() {
        let show = |minor, c| Money::new(minor, c).to_string();
        assert_eq!(show(189_500, Currency::USD), "$1,895.00");
        assert_eq!(show(1500, Currency::JPY), "¥1,500");
        assert_eq!(show(1500, Currency::KWD), "KWD 1.500");
        assert_eq!(show(5, Currency::EUR), "€0.05");
        assert_eq!(show(-123_456_789, Currency::GBP), "-£1,234,567.89");
        assert_eq!(show(99, Currency::JPY), "¥99");
    }

    #[test]
    fn adds_and_multiplies_without_losing_cents() {
        let price = Money::new(1999, Currency::USD);
        let total = price
            .checked_mul(3)
            .unwrap()
            .checked_add(Money::new(1, Currency::USD))
            .unwrap();
        assert_eq!(total.minor, 5998);
        assert_eq!(total.to_string(), "$59.98");
        assert_eq!(
            price.checked_add(Money::new(1, Currency::EUR)),
            Err(MoneyError::CurrencyMismatch)
        );
        assert_eq!(
            Money::new(i64::MAX, Currency::USD).checked_mul(2),
            Err(MoneyError::Overflow)
        );
    }
}
