//! The account page: who is signed in, and the forms that change the account itself: password, sign
//! out, delete. Each carries the session's CSRF token.

use super::sign::NewPassword;
use super::{AccountHome, AccountNav, CsrfField, FormErrors};
use crate::pages::checkout::{message_for, TextField};
use leptos::prelude::*;
use meridian_domain::routes::account as paths;

#[component]
pub(crate) fn Home(home: AccountHome) -> impl IntoView {
    let AccountHome {
        account,
        csrf,
        notice,
        errors,
    } = home;
    let unverified = (!account.email_verified).then(|| {
        view! { <p class="hint">"Orders you placed as a guest with this address appear under Orders once you confirm it: follow the link we emailed you."</p> }
    });
    view! {
        <h1>"Your account"</h1>
        <AccountNav/>
        {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <p>"Signed in as " <strong class="account-email">{account.email}</strong></p>
        {unverified}
        <FormErrors errors=errors.clone() shown=&["current", "new", "password"]/>
        <section class="account-form">
            <h2>"Change your password"</h2>
            <p class="hint">"This signs you out everywhere else."</p>
            <form method="post" action=paths::PASSWORD novalidate>
                <CsrfField token=csrf.clone()/>
                <TextField name="current" label="Current password" value=String::new() autocomplete="current-password" kind="password" message=message_for(&errors, "current")/>
                <NewPassword errors=errors.clone() name="new"/>
                <button type="submit">"Change password"</button>
            </form>
        </section>
        <form method="post" action=paths::SIGN_OUT class="sign-out">
            <CsrfField token=csrf.clone()/>
            <button type="submit">"Sign out"</button>
        </form>
        <details class="danger">
            <summary>"Delete your account"</summary>
            <p>"Your addresses, wishlist and sign-in are erased. Orders stay on record for accounting, without your account."</p>
            <form method="post" action=paths::DELETE novalidate>
                <CsrfField token=csrf/>
                <TextField name="password" label="Your password" value=String::new() autocomplete="current-password" kind="password" message=message_for(&errors, "password")/>
                <button type="submit">"Delete my account"</button>
            </form>
        </details>
    }
}
