//! Order history: the shopper's orders, newest first, each linking to its page in the account.

use super::AccountNav;
use crate::pages::order::headline;
use leptos::prelude::*;
use meridian_domain::account::OrderSummary;
use meridian_domain::routes::account as paths;

#[component]
pub(crate) fn History(orders: Vec<OrderSummary>) -> impl IntoView {
    let empty = orders
        .is_empty()
        .then(|| view! { <p>"No orders yet. Orders you place while signed in appear here."</p> });
    let rows = orders
        .into_iter()
        .map(|o| {
            // "2026-11-26T12:34:56Z" → "2026-11-26": the day is what a shopper looks for.
            let day = o.placed_at.get(..10).unwrap_or(&o.placed_at).to_owned();
            view! {
                <tr class="history-order" data-number=o.number.clone()>
                    <td><a href=paths::order(&o.number)>{o.number.clone()}</a></td>
                    <td>{day}</td>
                    <td>{headline(o.status)}</td>
                    <td>{o.item_count}</td>
                    <td class="amount">{o.total.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>"Orders"</h1>
        <AccountNav/>
        {empty}
        <table class="order-history">
            <thead><tr><th>"Order"</th><th>"Placed"</th><th>"Status"</th><th>"Items"</th><th>"Total"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
