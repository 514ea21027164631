//! The cart page. Rendered per shopper and never cached; every figure comes from the origin. Each line has
//! a plain form (quantity + "Update", or "Remove") that posts to the edge, so it works without JavaScript.

use leptos::either::Either;
use leptos::prelude::*;
use meridian_domain::api::{IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER};
use meridian_domain::routes::{self, product as product_href};
use meridian_domain::{Cart, CartLine, UnavailableLine, MAX_LINE_QUANTITY};

#[component]
pub(crate) fn CartView(cart: Option<Cart>) -> impl IntoView {
    let unavailable = cart
        .as_ref()
        .map(|c| c.unavailable.clone())
        .unwrap_or_default();
    let Some(cart) = cart.filter(|c| !c.lines.is_empty()) else {
        return Either::Left(view! {
            <h1>"Your cart"</h1>
            <p class="empty">"Your cart is empty."</p>
            <Unavailable lines=unavailable/>
            <p><a href=routes::HOME>"Continue shopping"</a></p>
        });
    };
    let subtotal = cart.subtotal.map(|m| m.to_string()).unwrap_or_default();
    let rows = cart
        .lines
        .into_iter()
        .map(|line| {
            let form = view! { <LineForm line=line.clone()/> };
            view! {
                <tr class="cart-line" data-sku=line.sku.clone()>
                    <td><a href=product_href(&line.product_slug)>{line.product_title}</a>
                        <span class="variant">{line.variant_title}</span></td>
                    <td class="num">{line.unit_price.to_string()}</td>
                    <td class="num qty">{form}</td>
                    <td class="num line-total">{line.line_total.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        <h1>"Your cart"</h1>
        <table class="cart">
            <thead><tr><th>"Item"</th><th class="num">"Price"</th><th class="num">"Qty"</th><th class="num">"Total"</th></tr></thead>
            <tbody>{rows}</tbody>
            <tfoot><tr>
                <th colspan="3">{subtotal_label(cart.item_count)}</th>
                <td class="num subtotal">{subtotal}</td>
            </tr></tfoot>
        </table>
        <Unavailable lines=unavailable/>
        <p class="cart-actions">
            <a href=routes::HOME>"Continue shopping"</a>
            <a class="button checkout" href=routes::CHECKOUT>"Checkout"</a>
        </p>
    })
}

/// One line's quantity form (0 removes the line). "Remove" is the same form's second button (the edge
/// reads `remove` as quantity 0; `formnovalidate` so a half-typed number never blocks it); Enter in the
/// number field submits "Update", the first button.
#[component]
fn LineForm(line: CartLine) -> impl IntoView {
    let label = format!(
        "Quantity of {} ({})",
        line.product_title, line.variant_title
    );
    view! {
        <form class="line-quantity" method="post" action=routes::CART_UPDATE>
            <input type="hidden" name="sku" value=line.sku/>
            <input type="hidden" name=IDEMPOTENCY_FIELD value=IDEMPOTENCY_PLACEHOLDER/>
            <input type="number" name="quantity" value=line.quantity min="0" max=MAX_LINE_QUANTITY
                aria-label=label inputmode="numeric"/>
            <button type="submit" class="update">"Update"</button>
            <button type="submit" class="remove" name="remove" value="1" formnovalidate>"Remove"</button>
        </form>
    }
}

pub(super) fn subtotal_label(items: u32) -> String {
    match items {
        1 => "Subtotal (1 item)".to_owned(),
        n => format!("Subtotal ({n} items)"),
    }
}

/// Lines whose product the shop no longer sells: named so nothing vanishes silently, never totalled.
#[component]
fn Unavailable(lines: Vec<UnavailableLine>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        let items = lines
            .into_iter()
            .map(|line| {
                view! {
                    <li data-sku=line.sku>{format!("{} ({}) × {}", line.product_title, line.variant_title, line.quantity)}</li>
                }
            })
            .collect_view();
        view! {
            <section class="unavailable" role="status">
                <p>"No longer available, and not counted in your total:"</p>
                <ul>{items}</ul>
            </section>
        }
    })
}
