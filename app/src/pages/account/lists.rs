//! The account's lists: saved addresses (with the form for a new one) and the wishlist.

use super::{AccountNav, AddressBook, CsrfField, FormErrors, WishlistPage};
use crate::pages::checkout::AddressFields;
use leptos::prelude::*;
use meridian_domain::routes::{self, account as paths};

/// The address form's fields, as the origin names them in a refusal.
const ADDRESS_FIELDS: &[&str] = &[
    "name", "line1", "line2", "city", "region", "postcode", "country", "phone",
];

#[component]
pub(crate) fn Addresses(book: AddressBook) -> impl IntoView {
    let AddressBook {
        addresses,
        countries,
        csrf,
        draft,
        errors,
    } = book;
    let empty = addresses
        .is_empty()
        .then(|| view! { <p>"You have no saved addresses yet."</p> });
    let saved = addresses
        .into_iter()
        .map(|saved| {
            let lines = saved
                .address
                .lines()
                .into_iter()
                .map(|l| view! { <span>{l}</span> })
                .collect_view();
            view! {
                <li class="saved-address">
                    <p class="address">{lines}</p>
                    <form method="post" action=paths::ADDRESS_DELETE>
                        <CsrfField token=csrf.clone()/>
                        <input type="hidden" name="id" value=saved.id.to_string()/>
                        <button type="submit">"Remove"</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>"Addresses"</h1>
        <AccountNav/>
        {empty}
        <ul class="saved-addresses">{saved}</ul>
        <section class="account-form">
            <h2>"Add an address"</h2>
            <FormErrors errors=errors.clone() shown=ADDRESS_FIELDS/>
            <form method="post" action=paths::ADDRESSES novalidate>
                <CsrfField token=csrf/>
                <AddressFields countries address=draft errors=errors/>
                <button type="submit">"Save address"</button>
            </form>
        </section>
    }
}

#[component]
pub(crate) fn Saved(page: WishlistPage) -> impl IntoView {
    let WishlistPage { items, csrf } = page;
    let empty = items
        .is_empty()
        .then(|| view! { <p>"Nothing saved yet: use “Save to wishlist” on a product."</p> });
    let rows = items
        .into_iter()
        .map(|item| {
            let state = match (item.sold, item.in_stock) {
                (false, _) => "No longer sold",
                (true, false) => "Sold out",
                (true, true) => "In stock",
            };
            view! {
                <li class="wish">
                    <a href=routes::product(&item.slug)>{item.title}</a>
                    <span class="wish-state">{state}</span>
                    <form method="post" action=paths::WISHLIST_REMOVE>
                        <CsrfField token=csrf.clone()/>
                        <input type="hidden" name="slug" value=item.slug/>
                        <button type="submit">"Remove"</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>"Wishlist"</h1>
        <AccountNav/>
        {empty}
        <ul class="wishlist">{rows}</ul>
    }
}
