//! Shared vocabulary of Meridian: money, catalog, cart, checkout, orders and the JSON shapes that cross the edge↔origin wire.
//!
//! serde only, no I/O, so it compiles for the worker, the browser and the native services alike.

pub mod account;
pub mod address;
pub mod alerts;
pub mod api;
pub mod cart;
pub mod cart_rules;
pub mod catalog;
pub mod checkout;
pub mod currency;
pub mod images;
pub mod money;
pub mod order;
pub mod pricing;
pub mod promo;
pub mod publish;
pub mod reports;
pub mod routes;
pub mod saved;
pub mod settings;
pub mod sms;

pub use address::{normalise_email, Address, FieldError};
pub use cart::{
    AddLine, Cart, CartLine, SetLine, UnavailableLine, UnpricedLine, MAX_LINE_QUANTITY,
};
pub use cart_rules::{check_add, LineRefusal, VariantFacts};
pub use catalog::{
    CatalogIndex, Category, Image, Page, PageRequest, ProductCard, ProductDetail, ProductOption,
    StockState, Variant,
};
pub use checkout::{
    assemble, AppliedPromo, Checkout, CheckoutRefusal, CheckoutState, CheckoutUpdate,
    CountryOption, Missing, PaymentStart, PlacedOrder,
};
pub use money::{Currency, Money, MoneyError};
pub use order::{OrderEventView, OrderLine, OrderStatus, OrderView, Transition, TransitionError};
pub use pricing::{price, PriceInput, Totals};
pub use promo::{Promo, PromoKind, PromoRefusal};
pub use settings::{ShippingOption, StoreSettings, TaxRate};
