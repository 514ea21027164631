//! The product page. The page itself is static HTML; only the variant picker with "add to cart" is an
//! island. Without JavaScript the same form posts to the edge and still adds to the cart.

use leptos::prelude::*;
use meridian_domain::{StockState, Variant};

#[cfg(feature = "ssr")]
#[component]
pub(crate) fn ProductView(product: meridian_domain::ProductDetail) -> impl IntoView {
    let image = product.images.first().cloned();
    view! {
        <article class="product" data-product=product.slug.clone()>
            <div class="product-media">
                {image.map(|i| view! { <img src=i.src alt=i.alt width="400" height="400"/> })}
            </div>
            <div class="product-info">
                <p class="crumbs"><a href=crate::format::category_href(&product.category.slug)>{product.category.name}</a></p>
                <h1>{product.title}</h1>
                <p class="vendor">{product.vendor}</p>
                <AddToCart label=option_label(&product.options) variants=product.variants/>
                <p class="description">{product.description}</p>
            </div>
        </article>
    }
}

/// "Size / Color" for the picker, from the product's option names.
#[cfg(feature = "ssr")]
fn option_label(options: &[meridian_domain::ProductOption]) -> String {
    let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
    if names.is_empty() {
        "Option".to_owned()
    } else {
        names.join(" / ")
    }
}

fn variant_label(v: &Variant) -> String {
    format!("{} — {}", v.title, v.price)
}

/// Variant picker, price, stock state and the add-to-cart form.
#[island]
fn AddToCart(label: String, variants: Vec<Variant>) -> impl IntoView {
    let first_available = variants.iter().position(|v| v.available > 0).unwrap_or(0);
    let selected = RwSignal::new(first_available);
    let status = RwSignal::new(None::<Result<String, String>>);
    let variants = StoredValue::new(variants);
    let current = move || variants.with_value(|vs| vs.get(selected.get()).cloned());
    let options = variants.with_value(|vs| {
        vs.iter()
            .enumerate()
            .map(|(i, v)| {
                let label = format!(
                    "{}{}",
                    variant_label(v),
                    if v.available > 0 { "" } else { " (sold out)" }
                );
                view! { <option value=v.sku.clone() selected=i == first_available>{label}</option> }
            })
            .collect_view()
    });
    let on_change = move |ev: leptos::ev::Event| {
        let sku = event_target_value(&ev);
        if let Some(i) = variants.with_value(|vs| vs.iter().position(|v| v.sku == sku)) {
            selected.set(i);
            status.set(None);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(v) = current() {
            crate::cart::add_to_cart(v.sku, status);
        }
    };
    view! {
        <form class="add-to-cart" method="post" action="/cart/add" on:submit=on_submit>
            <p class="price">{move || current().map(|v| v.price.to_string())}</p>
            <label>{label}
                <select name="sku" on:change=on_change>{options}</select>
            </label>
            <p class="stock">{move || current().map(|v| StockState::from_available(v.available).label())}</p>
            <input type="hidden" name="quantity" value="1"/>
            <button type="submit" disabled=move || current().is_none_or(|v| v.available <= 0)>"Add to cart"</button>
            <p class="status" role="status">
                {move || match status.get() {
                    Some(Ok(msg)) => view! { <span class="ok">{msg} " " <a href="/cart">"View cart"</a></span> }.into_any(),
                    Some(Err(msg)) => view! { <span class="error">{msg}</span> }.into_any(),
                    None => ().into_any(),
                }}
            </p>
        </form>
    }
}
