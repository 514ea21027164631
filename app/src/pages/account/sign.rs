//! Signing in, signing up and resetting a forgotten password: the pages a signed-out shopper sees.
//! `novalidate` forms, so the origin's messages are the one set of rules.

use super::{FormErrors, ResetPage, SignInForm, SignUpForm};
use crate::pages::checkout::{message_for, TextField};
use leptos::either::Either;
use leptos::prelude::*;
use meridian_domain::account::MIN_PASSWORD_CHARS;
use meridian_domain::routes::account as paths;
use meridian_domain::FieldError;

#[component]
pub(crate) fn SignIn(form: SignInForm) -> impl IntoView {
    view! {
        <section class="account-form">
            <h1>"Sign in"</h1>
            {form.message.map(|m| view! { <div class="form-errors" role="alert"><p>{m}</p></div> })}
            <form method="post" action=paths::SIGN_IN novalidate>
                <TextField name="email" label="Email" value=form.email autocomplete="username" kind="email" message=None/>
                <TextField name="password" label="Password" value=String::new() autocomplete="current-password" kind="password" message=None/>
                <button type="submit">"Sign in"</button>
            </form>
            <p><a href=paths::RESET>"Forgot your password?"</a></p>
            <p>"New here? " <a href=paths::SIGN_UP>"Create an account"</a></p>
        </section>
    }
}

#[component]
pub(crate) fn SignUp(form: SignUpForm) -> impl IntoView {
    let errors = form.errors;
    view! {
        <section class="account-form">
            <h1>"Create an account"</h1>
            <FormErrors errors=errors.clone() shown=&["email", "password"]/>
            <form method="post" action=paths::SIGN_UP novalidate>
                <TextField name="email" label="Email" value=form.email autocomplete="email" kind="email" message=message_for(&errors, "email")/>
                <NewPassword errors=errors/>
                <button type="submit">"Create account"</button>
            </form>
            <p>"Have an account? " <a href=paths::SIGN_IN>"Sign in"</a></p>
        </section>
    }
}

/// A new password's input, its rule, and the origin's message.
#[component]
pub(crate) fn NewPassword(
    errors: Vec<FieldError>,
    #[prop(default = "password")] name: &'static str,
) -> impl IntoView {
    view! {
        <TextField name label="Password" value=String::new() autocomplete="new-password" kind="password" message=message_for(&errors, name)/>
        <p class="hint">"At least " {MIN_PASSWORD_CHARS} " characters. A few words you will remember work well."</p>
    }
}

#[component]
pub(crate) fn ResetView(page: ResetPage) -> impl IntoView {
    let body = match page {
        ResetPage::Ask { sent: true } => Either::Left(view! {
            <p role="status">"If an account uses that address, we have sent it a link to choose a new password. The link works for one hour."</p>
        }),
        ResetPage::Ask { sent: false } => Either::Right(Either::Left(view! {
            <p>"Enter your account's email and we will send you a link to choose a new password."</p>
            <form method="post" action=paths::RESET novalidate>
                <TextField name="email" label="Email" value=String::new() autocomplete="email" kind="email" message=None/>
                <button type="submit">"Send the link"</button>
            </form>
        })),
        ResetPage::Choose { token, errors } => Either::Right(Either::Right(view! {
            <FormErrors errors=errors.clone() shown=&["new"]/>
            <form method="post" action=paths::RESET_CONFIRM novalidate>
                <input type="hidden" name="token" value=token/>
                <NewPassword errors=errors name="new"/>
                <button type="submit">"Set the new password"</button>
            </form>
        })),
    };
    view! {
        <section class="account-form">
            <h1>"Reset your password"</h1>
            {body}
        </section>
    }
}

/// The page the verification link opens: its button confirms the address.
#[component]
pub(crate) fn VerifyView(token: String) -> impl IntoView {
    view! {
        <section class="account-form">
            <h1>"Confirm your email"</h1>
            <p>"Confirm this address to see the orders you placed with it as a guest."</p>
            <form method="post" action=paths::VERIFY>
                <input type="hidden" name="token" value=token/>
                <button type="submit">"Confirm my email"</button>
            </form>
        </section>
    }
}
