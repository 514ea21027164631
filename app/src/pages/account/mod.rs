//! The shopper's account pages: signing in and up, the account itself (password, sign out, delete),
//! saved addresses, the wishlist, order history and the password reset. Plain forms posting to the edge,
//! so they work without JavaScript; every signed-in form carries the session's CSRF token, and the
//! origin's messages are shown next to their fields.

mod history;
mod home;
mod lists;
mod sign;

pub(crate) use history::History;
pub(crate) use home::Home;
pub(crate) use lists::{Addresses, Saved};
pub(crate) use sign::{ResetView, SignIn, SignUp, VerifyView};

use leptos::prelude::*;
use meridian_domain::account::AccountView;
use meridian_domain::api::CSRF_FIELD;
use meridian_domain::routes::account as paths;
use meridian_domain::saved::{SavedAddress, WishlistItem};
use meridian_domain::{Address, CountryOption, FieldError};

/// The sign-in form: the email typed, and why the last try failed.
#[derive(Debug, Clone, Default)]
pub struct SignInForm {
    pub email: String,
    pub message: Option<String>,
}

/// The sign-up form: the email typed and the origin's messages by field.
#[derive(Debug, Clone, Default)]
pub struct SignUpForm {
    pub email: String,
    pub errors: Vec<FieldError>,
}

/// The account page: who is signed in, a notice after a change, and the password forms' messages.
#[derive(Debug, Clone)]
pub struct AccountHome {
    pub account: AccountView,
    pub csrf: String,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
}

/// Saved addresses and the form for a new one (as typed, after a refusal).
#[derive(Debug, Clone)]
pub struct AddressBook {
    pub addresses: Vec<SavedAddress>,
    pub countries: Vec<CountryOption>,
    pub csrf: String,
    pub draft: Address,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone)]
pub struct WishlistPage {
    pub items: Vec<WishlistItem>,
    pub csrf: String,
}

/// The password reset: asking for a link (and that it was sent), or choosing the new password.
#[derive(Debug, Clone)]
pub enum ResetPage {
    Ask {
        sent: bool,
    },
    Choose {
        token: String,
        errors: Vec<FieldError>,
    },
}

/// The links between the account's pages.
#[component]
fn AccountNav() -> impl IntoView {
    view! {
        <nav class="account-nav" aria-label="Account">
            <a href=paths::ACCOUNT>"Account"</a>
            <a href=paths::ORDERS>"Orders"</a>
            <a href=paths::ADDRESSES>"Addresses"</a>
            <a href=paths::WISHLIST>"Wishlist"</a>
        </nav>
    }
}

/// A signed-in form's CSRF token.
#[component]
fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name=CSRF_FIELD value=token/> }
}

/// Messages for fields a form does not show, and a pointer to those it does.
#[component]
fn FormErrors(errors: Vec<FieldError>, shown: &'static [&'static str]) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let placed = errors.iter().any(|e| shown.contains(&e.field.as_str()));
        let others = errors
            .iter()
            .filter(|e| !shown.contains(&e.field.as_str()))
            .map(|e| view! { <p>{e.message.clone()}</p> })
            .collect_view();
        view! {
            <div class="form-errors" role="alert">
                {placed.then(|| view! { <p>"Please check the fields marked below."</p> })}
                {others}
            </div>
        }
    })
}

#[cfg(test)]
mod tests;
