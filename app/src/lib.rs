//! Meridian's storefront components.
//!
//! Pages are server components rendered by the edge (`ssr`); only the interactive parts are islands
//! (`#[island]`), so a catalog page ships a small wasm file that hydrates just the "add to cart" form.
//! [`render`] turns a page into a full HTML document.

mod cart;
mod format;
mod layout;
mod pages;
mod product;

pub use layout::{render, Document};
pub use pages::Page;

/// Browser entry: wakes up the islands on the page. Everything else stays static HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
