//! Meridian's storefront components.
//!
//! Pages are server components rendered by the edge (`ssr`); only the interactive parts are islands
//! (`#[island]`), so a catalog page ships a small wasm file that hydrates just the "add to cart" form.
//! [`render`] turns a page into a full HTML document.

#![recursion_limit = "256"]
// `#[component]` generates a `pub` props struct even for crate-private components.
#![allow(unreachable_pub)]

mod cart;
mod product;

// Server components exist only in the `ssr` build; the browser (and a featureless build) keeps islands.
#[cfg(feature = "ssr")]
mod format;
#[cfg(feature = "ssr")]
mod layout;
#[cfg(feature = "ssr")]
mod pages;

#[cfg(feature = "ssr")]
pub use layout::Document;
#[cfg(feature = "ssr")]
pub use layout::{loader_html, render, CART_COUNT_PLACEHOLDER};
#[cfg(feature = "ssr")]
pub use pages::{
    AccountHome, AddressBook, DetailsForm, Page, ResetPage, Review, ShippingForm, SignInForm,
    SignUpForm, WishlistPage,
};

/// Browser entry: wakes up the islands on the page. Everything else stays static HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
