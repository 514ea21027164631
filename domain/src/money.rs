//! Money as integer minor units plus a currency: never a float, so totals add up to the cent.

use serde::{Deserialize, Serialize};
use std::fmt;

/// ISO 4217 code. Only currencies with two decimal places are accepted, which is what the catalog sells in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    /// Parses an upper- or lower-case ISO code.
    pub fn parse(code: &str) -> Option<Self> {
        match code.to_ascii_uppercase().as_str() {
            "USD" => Some(Self::Usd),
            "EUR" => Some(Self::Eur),
            "GBP" => Some(Self::Gbp),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Usd => "USD",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::Usd => "$",
            Self::Eur => "€",
            Self::Gbp => "£",
        }
    }
}

/// An amount in minor units (cents) of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// Why an amount could not be built or combined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a plain decimal with at most two fraction digits, e.g. "19.99".
    Malformed(String),
    Overflow,
    CurrencyMismatch,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(s) => write!(f, "'{s}' is not a price like 19.99"),
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

    /// Parses a supplier's decimal string ("19.99", "20", "0.5") without going through a float.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let bad = || MoneyError::Malformed(text.to_owned());
        let text_trimmed = text.trim();
        let (whole, frac) = text_trimmed.split_once('.').unwrap_or((text_trimmed, "00"));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || frac.len() > 2 || !digits(frac) {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        whole
            .checked_mul(100)
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(
            f,
            "{sign}{}{}.{:02}",
            self.currency.symbol(),
            abs / 100,
            abs % 100
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supplier_prices_exactly() {
        let usd = |s| Money::parse_decimal(s, Currency::Usd).map(|m| m.minor);
        assert_eq!(usd("19.99"), Ok(1999));
        assert_eq!(usd("20"), Ok(2000));
        assert_eq!(usd("0.5"), Ok(50));
        assert_eq!(usd("0.07"), Ok(7));
        for bad in ["", "abc", "1.999", "-1.00", "1,00", ".5", "1."] {
            assert!(usd(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn adds_and_multiplies_without_losing_cents() {
        let price = Money::new(1999, Currency::Usd);
        let total = price
            .checked_mul(3)
            .unwrap()
            .checked_add(Money::new(1, Currency::Usd))
            .unwrap();
        assert_eq!(total.minor, 5998);
        assert_eq!(total.to_string(), "$59.98");
        assert_eq!(
            price.checked_add(Money::new(1, Currency::Eur)),
            Err(MoneyError::CurrencyMismatch)
        );
        assert_eq!(
            Money::new(i64::MAX, Currency::Usd).checked_mul(2),
            Err(MoneyError::Overflow)
        );
    }
}
