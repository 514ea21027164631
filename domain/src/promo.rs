//! Promo codes: what each kind takes off, and the checks that need no database (window, minimum,
//! currency). Usage limits are counted by the store inside the order's transaction, where two shoppers
//! racing for the last use can be told apart; their refusals are here so every refusal reads the same.

use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promo {
    /// Upper case, as the store keeps it; shoppers may type any case.
    pub code: String,
    pub kind: PromoKind,
    #[serde(default)]
    pub min_subtotal: Option<Money>,
    /// Unix seconds; the code works from `starts_at` (inclusive) until `ends_at` (exclusive).
    #[serde(default)]
    pub starts_at: Option<i64>,
    #[serde(default)]
    pub ends_at: Option<i64>,
    /// Uses across all shoppers, and per email address; `None` is unlimited.
    #[serde(default)]
    pub usage_limit: Option<u32>,
    #[serde(default)]
    pub per_email_limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PromoKind {
    /// Basis points off the subtotal: 1500 is 15 %.
    Percentage {
        basis_points: u32,
    },
    /// A fixed amount off the subtotal (never more than the subtotal), in one currency.
    FixedAmount {
        amount: Money,
    },
    FreeShipping,
}

/// Why a code does not apply. Each reads as a sentence for the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum PromoRefusal {
    #[error("We do not recognise that code.")]
    Unknown,
    #[error("That code is not active yet.")]
    NotStarted,
    #[error("That code has expired.")]
    Ended,
    #[error("That code needs a subtotal of at least {minimum}.")]
    BelowMinimum { minimum: Money },
    #[error("That code cannot be used with this cart's currency.")]
    WrongCurrency,
    #[error("That code has been used up.")]
    UsedUp,
    #[error("You have already used that code.")]
    AlreadyUsed,
}

/// Normalises what a shopper typed into the form a code is stored in.
pub fn normalise_code(typed: &str) -> String {
    typed.trim().to_uppercase()
}

impl Promo {
    /// Whether the code applies to a cart with `subtotal` at unix time `now` (usage limits aside).
    pub fn check(&self, subtotal: Money, now: i64) -> Result<(), PromoRefusal> {
        if self.starts_at.is_some_and(|t| now < t) {
            return Err(PromoRefusal::NotStarted);
        }
        if self.ends_at.is_some_and(|t| now >= t) {
            return Err(PromoRefusal::Ended);
        }
        if let PromoKind::FixedAmount { amount } = self.kind {
            if amount.currency != subtotal.currency {
                return Err(PromoRefusal::WrongCurrency);
            }
        }
        match self.min_subtotal {
            Some(min) if min.currency != subtotal.currency => Err(PromoRefusal::WrongCurrency),
            Some(min) if subtotal.minor < min.minor => {
                Err(PromoRefusal::BelowMinimum { minimum: min })
            }
            _ => Ok(()),
        }
    }

    /// One line for the review page, e.g. "15 % off" or "Free shipping".
    pub fn summary(&self) -> String {
        match self.kind {
            PromoKind::Percentage { basis_points } => {
                format!("{} off", percent(basis_points.saturating_mul(100)))
            }
            PromoKind::FixedAmount { amount } => format!("{amount} off"),
            PromoKind::FreeShipping => "Free shipping".to_owned(),
        }
    }
}

/// A rate in parts per million as people write it: 150_000 → "15 %", 88_750 → "8.875 %".
pub fn percent(per_million: u32) -> String {
    let (whole, frac) = (per_million / 10_000, per_million % 10_000);
    if frac == 0 {
        return format!("{whole} %");
    }
    let decimals = format!("{frac:04}");
    format!("{whole}.{} %", decimals.trim_end_matches('0'))
}
