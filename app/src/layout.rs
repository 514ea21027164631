//! The HTML document around every page: head, header with category links, footer, and the island loader.

use crate::pages::Page;
use leptos::hydration::HydrationScripts;
use leptos::prelude::*;
use meridian_domain::{routes, Category};

/// What the header's cart link shows in place of the item count. The page is rendered (and cached) with
/// this placeholder; the edge replaces it in every response it serves with the shopper's count (digits
/// it validated, or nothing), so a shared cached page never shows one shopper's count to another.
pub const CART_COUNT_PLACEHOLDER: &str = "__meridian_cart_count__";

/// What the document around a page needs from the edge.
#[derive(Debug, Clone)]
pub struct Document {
    /// Leptos options naming the client bundle (`/pkg/<version>/<name>.js`).
    pub options: LeptosOptions,
    /// Versioned stylesheet URL.
    pub stylesheet: String,
    /// Categories for the header navigation; empty before the first catalog publish.
    pub categories: Vec<Category>,
}

/// Renders `page` as a complete HTML document.
#[cfg(feature = "ssr")]
pub fn render(doc: Document, page: Page) -> String {
    use std::sync::Arc;
    let owner = Owner::new_root(Some(Arc::new(
        hydration_context::SsrSharedContext::new_islands(),
    )));
    let html = owner.with(move || view! { <Shell doc=doc page=page/> }.to_html());
    format!("<!DOCTYPE html>{html}")
}

/// The island loader alone, exactly as [`Shell`] puts it in the head: the edge hashes its inline script
/// for the Content-Security-Policy, so no `'unsafe-inline'` is needed.
#[cfg(feature = "ssr")]
pub fn loader_html(options: LeptosOptions) -> String {
    use std::sync::Arc;
    let owner = Owner::new_root(Some(Arc::new(
        hydration_context::SsrSharedContext::new_islands(),
    )));
    owner.with(move || view! { <HydrationScripts options=options islands=true/> }.to_html())
}

#[component]
fn Shell(doc: Document, page: Page) -> impl IntoView {
    let title = format!("{} · Meridian", page.title());
    let has_islands = page.has_islands();
    let refresh = page.refresh_seconds();
    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{title}</title>
                <meta name="description" content=page.description()/>
                <link rel="stylesheet" href=doc.stylesheet/>
                {refresh.map(|secs| view! { <meta http-equiv="refresh" content=secs.to_string()/> })}
                // Pages without islands load no wasm at all.
                {has_islands.then(|| view! { <HydrationScripts options=doc.options islands=true/> })}
            </head>
            <body>
                <Header categories=doc.categories/>
                <main inner_html=page.into_html()></main>
                <footer class="site-footer">"Meridian · a demo store: products and prices come from the bundled supplier feed"</footer>
            </body>
        </html>
    }
}

#[component]
fn Header(categories: Vec<Category>) -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="logo" href=routes::HOME>"Meridian"</a>
            <nav class="categories" aria-label="Categories">
                {categories
                    .into_iter()
                    .map(|c| view! { <a href=routes::category(&c.slug)>{c.name}</a> })
                    .collect_view()}
            </nav>
            // The same link for everyone (the account page sends a signed-out shopper to sign in), so
            // a cached page never says who viewed it.
            <a class="account-link" href=routes::account::ACCOUNT>"Account"</a>
            <a class="cart-link" href=routes::CART>
                "Cart"<span class="cart-count">{CART_COUNT_PLACEHOLDER}</span>
            </a>
        </header>
    }
}
