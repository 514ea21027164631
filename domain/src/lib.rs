//! Shared vocabulary of Meridian: money, catalog, cart and the JSON shapes that cross the edge↔origin wire.
//!
//! serde only, no I/O, so it compiles for the worker, the browser and the native services alike.

pub mod api;
pub mod cart;
pub mod cart_rules;
pub mod catalog;
pub mod currency;
pub mod money;
pub mod publish;
pub mod routes;

pub use cart::{AddLine, Cart, CartLine, UnavailableLine, UnpricedLine, MAX_LINE_QUANTITY};
pub use cart_rules::{check_add, LineRefusal, VariantFacts};
pub use catalog::{
    CatalogIndex, Category, Image, Page, PageRequest, ProductCard, ProductDetail, ProductOption,
    StockState, Variant,
};
pub use money::{Currency, Money, MoneyError};
