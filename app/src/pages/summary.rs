//! What the review and the order page both show: the lines bought and every amount, each one as the
//! origin computed it and written only through `Money`'s `Display`.

use leptos::prelude::*;
use meridian_domain::{CartLine, Money, OrderLine, Totals};

/// One line of a summary, from a cart line (review) or an order line (confirmation).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) sku: String,
    pub(crate) title: String,
    pub(crate) variant: String,
    pub(crate) quantity: u32,
    pub(crate) unit_price: Money,
    pub(crate) line_total: Money,
}

impl From<CartLine> for Row {
    fn from(l: CartLine) -> Self {
        Self {
            sku: l.sku,
            title: l.product_title,
            variant: l.variant_title,
            quantity: l.quantity,
            unit_price: l.unit_price,
            line_total: l.line_total,
        }
    }
}

impl From<OrderLine> for Row {
    fn from(l: OrderLine) -> Self {
        Self {
            sku: l.sku,
            title: l.product_title,
            variant: l.variant_title,
            quantity: l.quantity,
            unit_price: l.unit_price,
            line_total: l.line_total,
        }
    }
}

#[component]
pub(crate) fn Lines(rows: Vec<Row>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|r| {
            view! {
                <tr class="summary-line" data-sku=r.sku>
                    <td>{r.title}<span class="variant">{r.variant}</span></td>
                    <td class="num">{r.unit_price.to_string()}</td>
                    <td class="num qty">{r.quantity}</td>
                    <td class="num line-total">{r.line_total.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="cart summary-lines">
            <thead><tr><th>"Item"</th><th class="num">"Price"</th><th class="num">"Qty"</th><th class="num">"Total"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The amounts in the order the rounding rule adds them up: subtotal − discount + shipping (+ tax).
#[component]
pub(crate) fn Amounts(totals: Totals, promo_code: Option<String>) -> impl IntoView {
    let discount = (totals.discount.minor > 0).then(|| {
        let label = promo_code.map_or_else(|| "Discount".to_owned(), |c| format!("Discount ({c})"));
        // Shown as a negative amount, still written by `Money`'s `Display`.
        let minus = Money::new(-totals.discount.minor, totals.discount.currency);
        view! { <tr><th>{label}</th><td class="num discount">{minus.to_string()}</td></tr> }
    });
    let tax_label = tax_label(&totals);
    view! {
        <table class="amounts">
            <tr><th>"Subtotal"</th><td class="num subtotal">{totals.subtotal.to_string()}</td></tr>
            {discount}
            <tr><th>"Shipping"</th><td class="num shipping">{totals.shipping.to_string()}</td></tr>
            <tr><th>{tax_label}</th><td class="num tax">{totals.tax.to_string()}</td></tr>
            <tr class="grand"><th>"Total"</th><td class="num total">{totals.total.to_string()}</td></tr>
        </table>
    }
}

/// "Sales tax (NY) 8.875 %", "incl. VAT 20 %" where prices contain it, or plain "Tax" where none applies.
pub(crate) fn tax_label(totals: &Totals) -> String {
    let name = totals.tax_label.as_deref().unwrap_or("Tax");
    if totals.tax_included {
        format!("incl. {name}")
    } else {
        name.to_owned()
    }
}
