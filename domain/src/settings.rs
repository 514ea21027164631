//! The store owner's settings for selling: where we ship and at what rates, what tax applies where, and
//! whether catalog prices include that tax. Read once by the origin (a JSON file), shown through checkout.

use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSettings {
    /// True where shelf prices already contain tax (EU/UK style), false where tax is added at checkout (US).
    pub prices_include_tax: bool,
    pub tax_rates: Vec<TaxRate>,
    pub shipping_zones: Vec<ShippingZone>,
    /// Codes the origin keeps in its database at startup (definitions replaced, uses kept).
    #[serde(default)]
    pub promo_codes: Vec<crate::promo::Promo>,
}

/// A tax rate for a country, or one region of it (a region's rate replaces its country's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    pub country: String,
    #[serde(default)]
    pub region: Option<String>,
    /// Shown on the review and the confirmation, e.g. "VAT" or "Sales tax (NY)".
    pub name: String,
    /// Parts per million: 88_750 is 8.875 % (US sales taxes need more than basis points).
    pub per_million: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingZone {
    pub name: String,
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    pub methods: Vec<ShippingMethod>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingMethod {
    /// Stable id, unique within its zone: what the form sends and the order keeps.
    pub code: String,
    pub name: String,
    /// One price per currency the store sells in; a cart in a currency without a price is not offered it.
    pub prices: Vec<Money>,
    /// Free when the discounted subtotal reaches this amount (per currency).
    #[serde(default)]
    pub free_over: Vec<Money>,
}

/// A shipping method offered for one cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingOption {
    pub code: String,
    pub name: String,
    /// What it costs this cart (zero once the free-shipping threshold is met).
    pub price: Money,
}

/// Why the settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("store settings: {0}")]
pub struct SettingsError(pub String);

impl StoreSettings {
    /// Checks what JSON cannot: rates within 0–100 %, known countries, unique method codes per zone, a
    /// country in at most one zone.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let bad = |s: String| Err(SettingsError(s));
        for rate in &self.tax_rates {
            if rate.per_million > 1_000_000 {
                return bad(format!("tax rate {} is over 100 %", rate.name));
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for zone in &self.shipping_zones {
            for c in &zone.countries {
                if crate::address::country(c).is_none() {
                    return bad(format!(
                        "zone {}: no address rules for country {c}",
                        zone.name
                    ));
                }
                if seen.contains(&c.as_str()) {
                    return bad(format!("country {c} is in two shipping zones"));
                }
                seen.push(c);
            }
            let mut codes: Vec<&str> = zone.methods.iter().map(|m| m.code.as_str()).collect();
            codes.sort_unstable();
            if codes.windows(2).any(|w| w[0] == w[1]) || zone.methods.is_empty() {
                return bad(format!(
                    "zone {}: method codes must be present and unique",
                    zone.name
                ));
            }
        }
        Ok(())
    }

    /// Countries an address may be in.
    pub fn ships_to(&self) -> Vec<&str> {
        self.shipping_zones
            .iter()
            .flat_map(|z| z.countries.iter().map(String::as_str))
            .collect()
    }

    /// The methods for `country`, priced for a cart whose discounted subtotal is `goods`.
    pub fn shipping_options(&self, country: &str, goods: Money) -> Vec<ShippingOption> {
        let Some(zone) = self
            .shipping_zones
            .iter()
            .find(|z| z.countries.iter().any(|c| c == country))
        else {
            return Vec::new();
        };
        zone.methods
            .iter()
            .filter_map(|m| {
                let price = in_currency(&m.prices, goods.currency)?;
                let free = in_currency(&m.free_over, goods.currency)
                    .is_some_and(|t| goods.minor >= t.minor);
                Some(ShippingOption {
                    code: m.code.clone(),
                    name: m.name.clone(),
                    price: if free {
                        Money::zero(goods.currency)
                    } else {
                        price
                    },
                })
            })
            .collect()
    }

    /// The rate for an address: its region's if there is one, else its country's, else none.
    pub fn tax_rate(&self, country: &str, region: &str) -> Option<&TaxRate> {
        let in_country = || self.tax_rates.iter().filter(move |r| r.country == country);
        in_country()
            .find(|r| r.region.as_deref() == Some(region))
            .or_else(|| in_country().find(|r| r.region.is_none()))
    }
}

fn in_currency(amounts: &[Money], currency: Currency) -> Option<Money> {
    amounts.iter().copied().find(|m| m.currency == currency)
}
