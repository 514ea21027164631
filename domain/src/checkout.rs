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
