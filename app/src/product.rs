//! The product page. The page itself is static HTML; only the variant picker with "add to cart" is an
//! island. Without JavaScript the same form posts to the edge and still adds to the cart.

use leptos::prelude::*;
use meridian_domain::api::{IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER};
use meridian_domain::routes;
use meridian_domain::{StockState, Variant};

#[cfg(feature = "ssr")]
#[component]
pub(crate) fn ProductView(product: meridian_domain::ProductDetail) -> impl IntoView {
    use crate::format::{needs_picker, option_label, paragraphs};
    let image = product.images.first().cloned();
    let picker = needs_picker(&product.options, &product.variants);
    let description = paragraphs(&product.description)
        .into_iter()
        .map(|p| view! { <p>{p}</p> })
        .collect_view();
    view! {
        <article class="product" data-product=product.slug.clone()>
            <div class="product-media">
                {image.map(|i| {
                    // The store's own images come in two sizes: `srcset` lets sharp screens take the larger.
                    let sizes = meridian_domain::images::srcset(&i.src);
                    view! { <img src=i.src srcset=sizes alt=i.alt width="400" height="400"/> }
                })}
            </div>
            <div class="product-info">
                <p class="crumbs"><a href=routes::category(&product.category.slug)>{product.category.name}</a></p>
                <h1>{product.title}</h1>
                <p class="vendor">{product.vendor}</p>
                <AddToCart label=option_label(&product.options) picker=picker variants=product.variants.clone()/>
                <Keep slug=product.slug.clone() variants=product.variants/>
                <div class="description">{description}</div>
            </div>
        </article>
    }
}

/// "Save to wishlist" and, for sold-out variants, "notify me": plain forms on the shared page. The
/// wishlist form's CSRF token is a placeholder the edge fills per viewer (empty when signed out, and the
/// form then leads to sign-in).
#[cfg(feature = "ssr")]
#[component]
fn Keep(slug: String, variants: Vec<Variant>) -> impl IntoView {
    use meridian_domain::api::{CSRF_FIELD, CSRF_PLACEHOLDER};
    use meridian_domain::routes::account as paths;
    let sold_out: Vec<Variant> = variants.into_iter().filter(|v| v.available <= 0).collect();
    let notify = (!sold_out.is_empty()).then(|| {
        let choice = if sold_out.len() == 1 {
            leptos::either::Either::Left(view! { <input type="hidden" name="sku" value=sold_out[0].sku.clone()/> })
        } else {
            let options = sold_out
                .iter()
                .map(|v| view! { <option value=v.sku.clone()>{v.title.clone()}</option> })
                .collect_view();
            leptos::either::Either::Right(view! { <label>"Which one " <select name="sku">{options}</select></label> })
        };
        view! {
            <form class="notify-me" method="post" action=paths::STOCK_ALERTS>
                <p>"Sold out? We can email you once when it is back."</p>
                {choice}
                <label>"Email (not needed when signed in) " <input type="email" name="email" autocomplete="email"/></label>
                <button type="submit">"Notify me"</button>
            </form>
        }
    });
    view! {
        <form class="save-wish" method="post" action=paths::WISHLIST>
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name=CSRF_FIELD value=CSRF_PLACEHOLDER/>
            <button type="submit">"Save to wishlist"</button>
        </form>
        {notify}
    }
}

fn variant_label(v: &Variant) -> String {
    let sold_out = if v.available > 0 { "" } else { " (sold out)" };
    format!("{} — {}{sold_out}", v.title, v.price)
}

/// Price, stock state, the variant picker (when there is a choice to make) and the add-to-cart form.
/// The form's key field carries a placeholder the edge replaces per page view; the island itself mints a
/// key per click.
#[island]
fn AddToCart(label: String, picker: bool, variants: Vec<Variant>) -> impl IntoView {
    let first_available = variants.iter().position(|v| v.available > 0).unwrap_or(0);
    let selected = RwSignal::new(first_available);
    let status = RwSignal::new(None::<Result<String, String>>);
    let variants = StoredValue::new(variants);
    let current = move || variants.with_value(|vs| vs.get(selected.get()).cloned());
    let on_change = move |ev: leptos::ev::Event| {
        let sku = event_target_value(&ev);
        if let Some(i) = variants.with_value(|vs| vs.iter().position(|v| v.sku == sku)) {
            selected.set(i);
            status.set(None);
        }
    };
    let choice = if picker {
        let options = variants.with_value(|vs| {
            vs.iter()
                .enumerate()
                .map(|(i, v)| view! { <option value=v.sku.clone() selected=i == first_available>{variant_label(v)}</option> })
                .collect_view()
        });
        view! { <label>{label} <select name="sku" on:change=on_change>{options}</select></label> }
            .into_any()
    } else {
        let sku = current().map(|v| v.sku).unwrap_or_default();
        view! { <input type="hidden" name="sku" value=sku/> }.into_any()
    };
    // Effects run only in the browser: the form says when its island is live (tests wait for it).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(v) = current() {
            crate::cart::add_to_cart(v.sku, status);
        }
    };
    view! {
        <form class="add-to-cart" method="post" action=routes::CART_ADD on:submit=on_submit data-hydrated=move || hydrated.get().then_some("true")>
            <p class="price">{move || current().map(|v| v.price.to_string())}</p>
            {choice}
            <p class="stock">{move || current().map(|v| StockState::from_available(v.available).label())}</p>
            <input type="hidden" name="quantity" value="1"/>
            <input type="hidden" name=IDEMPOTENCY_FIELD value=IDEMPOTENCY_PLACEHOLDER/>
            <button type="submit" disabled=move || current().is_none_or(|v| v.available <= 0)>"Add to cart"</button>
            <p class="status" role="status">
                {move || match status.get() {
                    Some(Ok(msg)) => view! { <span class="ok">{msg} " " <a href=routes::CART>"View cart"</a></span> }.into_any(),
                    Some(Err(msg)) => view! { <span class="error">{msg}</span> }.into_any(),
                    None => ().into_any(),
                }}
            </p>
        </form>
    }
}
