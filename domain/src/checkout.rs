//! The checkout conversation between edge and origin: what a shopper sends at each step, and what the
//! origin answers (the cart, the choices, every amount it computed).

use crate::address::{Address, FieldError};
use crate::cart::Cart;
use crate::pricing::Totals;
use crate::settings::ShippingOption;
use serde::{Deserialize, Serialize};

/// A checkout step's form: only the fields sent are changed. `promo_code: Some("")` removes the code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckoutUpdate {
    pub email: Option<String>,
    pub address: Option<Address>,
    pub shipping_method: Option<String>,
    pub promo_code: Option<String>,
}

/// A country the store ships to, for the address form's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryOption {
    pub code: String,
    pub name: String,
    /// Valid region codes (empty: free text).
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedPromo {
    pub code: String,
    pub summary: String,
}

/// Which step the shopper has still to complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    Items,
    Email,
    Address,
    ShippingMethod,
}

/// The checkout as the origin sees it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkout {
    pub cart: Cart,
    pub email: Option<String>,
    pub address: Option<Address>,
    pub countries: Vec<CountryOption>,
    /// Methods for the address's country (empty until there is an address).
    pub shipping_options: Vec<ShippingOption>,
    pub shipping_method: Option<String>,
    pub promo: Option<AppliedPromo>,
    /// A code that was kept but no longer applies (e.g. the cart fell below its minimum), and why.
    pub promo_problem: Option<String>,
    /// `None` while the cart is empty.
    pub totals: Option<Totals>,
    /// Empty when the order can be placed.
    pub missing: Vec<Missing>,
}

/// A refused checkout step: the fields to fix (422).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutRefusal {
    pub error: String,
    pub message: String,
    pub fields: Vec<FieldError>,
}

/// The answer to placing an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedOrder {
    pub token: String,
    pub number: String,
}

/// Where to send the buyer to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentStart {
    pub url: String,
}

/// What the store knows about a cart's checkout, gathered from its rows.
#[derive(Debug, Clone, Default)]
pub struct CheckoutState {
    pub email: Option<String>,
    pub address: Option<Address>,
    pub shipping_method: Option<String>,
    /// The code on the cart and its definition (`None` if no such code exists any more).
    pub promo: Option<(String, Option<crate::promo::Promo>)>,
}

/// The checkout for `cart` in `state`: the choices it offers and every amount, computed here and only here
/// (through [`crate::pricing::price`]). `now` is unix seconds, for the promo's window.
pub fn assemble(
    cart: Cart,
    state: CheckoutState,
    settings: &crate::settings::StoreSettings,
    now: i64,
) -> Result<Checkout, crate::MoneyError> {
    let countries = countries(settings);
    let mut promo = None;
    let mut promo_problem = None;
    let mut applied = None;
    if let (Some((code, definition)), Some(subtotal)) = (&state.promo, cart.subtotal) {
        match definition
            .as_ref()
            .map(|p| p.check(subtotal, now).map(|()| p))
        {
            Some(Ok(p)) => {
                applied = Some(p);
                promo = Some(AppliedPromo {
                    code: code.clone(),
                    summary: p.summary(),
                });
            }
            Some(Err(refusal)) => promo_problem = Some(format!("{code}: {refusal}")),
            None => {
                promo_problem = Some(format!("{code}: {}", crate::promo::PromoRefusal::Unknown))
            }
        }
    }
    let discounted = cart.subtotal.map(|s| goods_after(s, applied));
    let shipping_options = match (&state.address, discounted) {
        (Some(a), Some(goods)) => settings.shipping_options(&a.country, goods),
        _ => Vec::new(),
    };
    let chosen = state
        .shipping_method
        .as_ref()
        .and_then(|code| shipping_options.iter().find(|o| &o.code == code));
    let totals = match cart.subtotal {
        Some(subtotal) => Some(crate::pricing::price(crate::pricing::PriceInput {
            subtotal,
            shipping: chosen.map(|o| o.price),
            promo: applied,
            tax: state
                .address
                .as_ref()
                .and_then(|a| settings.tax_rate(&a.country, &a.region)),
            prices_include_tax: settings.prices_include_tax,
        })?),
        None => None,
    };
    let mut missing = Vec::new();
    if cart.lines.is_empty() {
        missing.push(Missing::Items);
    }
    if state.email.is_none() {
        missing.push(Missing::Email);
    }
    if state.address.is_none() {
        missing.push(Missing::Address);
    }
    if chosen.is_none() {
        missing.push(Missing::ShippingMethod);
    }
    Ok(Checkout {
        shipping_method: chosen.map(|o| o.code.clone()),
        cart,
        email: state.email,
        address: state.address,
        countries,
        shipping_options,
        promo,
        promo_problem,
        totals,
        missing,
    })
}

/// The subtotal after the promo's discount: what free-shipping thresholds compare against.
fn goods_after(subtotal: crate::Money, promo: Option<&crate::promo::Promo>) -> crate::Money {
    let input = crate::pricing::PriceInput {
        subtotal,
        shipping: None,
        promo,
        tax: None,
        prices_include_tax: false,
    };
    crate::pricing::price(input).map_or(subtotal, |t| {
        crate::Money::new(t.subtotal.minor - t.discount.minor, subtotal.currency)
    })
}

/// The countries the settings ship to, with their region codes, for the address form.
pub fn countries(settings: &crate::settings::StoreSettings) -> Vec<CountryOption> {
    settings
        .ships_to()
        .into_iter()
        .filter_map(crate::address::country)
        .map(|c| CountryOption {
            code: c.code.to_owned(),
            name: c.name.to_owned(),
            regions: c.regions.iter().map(|r| (*r).to_owned()).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
