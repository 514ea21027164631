//! Step 1: contact email and shipping address. The form is `novalidate`: the origin's messages, shown
//! next to each field, are the one set of rules (a browser's own bubbles would differ per browser).

use super::{message_for, FieldMessage, KeyField, Steps};
use leptos::either::Either;
use leptos::prelude::*;
use meridian_domain::routes;
use meridian_domain::{Address, Checkout, CountryOption, FieldError};

/// Step 1's form as shown: what the origin kept, or — after a refusal — what the shopper typed, with
/// the origin's message for each field to fix.
#[derive(Debug, Clone)]
pub struct DetailsForm {
    pub countries: Vec<CountryOption>,
    pub email: String,
    pub address: Address,
    pub errors: Vec<FieldError>,
}

impl DetailsForm {
    /// The form filled with what the checkout already holds (the first country the store ships to when
    /// there is no address yet).
    pub fn prefilled(checkout: &Checkout) -> Self {
        let address = checkout.address.clone().unwrap_or_else(|| Address {
            country: checkout
                .countries
                .first()
                .map(|c| c.code.clone())
                .unwrap_or_default(),
            ..Address::default()
        });
        Self {
            countries: checkout.countries.clone(),
            email: checkout.email.clone().unwrap_or_default(),
            address,
            errors: Vec::new(),
        }
    }

    /// The form as the shopper submitted it, with what to fix.
    pub fn refused(
        checkout: &Checkout,
        email: String,
        address: Address,
        errors: Vec<FieldError>,
    ) -> Self {
        Self {
            countries: checkout.countries.clone(),
            email,
            address,
            errors,
        }
    }
}

/// The fields of this form, as the origin names them in its refusals.
const FIELDS: [&str; 9] = [
    "email", "name", "line1", "line2", "city", "region", "postcode", "country", "phone",
];

#[component]
pub(crate) fn Details(form: DetailsForm) -> impl IntoView {
    let DetailsForm {
        countries,
        email,
        address: a,
        errors,
    } = form;
    // Messages for no field of this form (the whole step was refused) go in the summary instead.
    let (placed, unplaced): (Vec<&FieldError>, Vec<&FieldError>) = errors
        .iter()
        .partition(|e| FIELDS.contains(&e.field.as_str()));
    let summary = (!errors.is_empty()).then(|| {
        let others = unplaced
            .into_iter()
            .map(|e| view! { <p>{e.message.clone()}</p> })
            .collect_view();
        view! {
            <div class="form-errors" role="alert">
                {(!placed.is_empty()).then(|| view! { <p>"Please check the fields marked below."</p> })}
                {others}
            </div>
        }
    });
    view! {
        <h1>"Checkout"</h1>
        <Steps current=0/>
        {summary}
        <form class="checkout-form details" method="post" action=routes::CHECKOUT novalidate>
            <fieldset>
                <legend>"Contact"</legend>
                <TextField name="email" label="Email" value=email autocomplete="email" kind="email" message=message_for(&errors, "email")/>
            </fieldset>
            <fieldset>
                <legend>"Shipping address"</legend>
                <AddressFields countries address=a errors=errors.clone()/>
            </fieldset>
            <KeyField/>
            <button type="submit">"Continue to shipping"</button>
        </form>
    }
}

/// The address inputs with the origin's message under each: checkout's step 1 and the account's address
/// book.
#[component]
pub(crate) fn AddressFields(
    countries: Vec<CountryOption>,
    address: Address,
    errors: Vec<FieldError>,
) -> impl IntoView {
    let a = address;
    let regions = countries
        .iter()
        .find(|c| c.code == a.country)
        .map(|c| c.regions.clone())
        .unwrap_or_default();
    let field =
        |name: &'static str, label: &'static str, value: String, autocomplete: &'static str| {
            view! { <TextField name label value autocomplete message=message_for(&errors, name)/> }
        };
    view! {
        {field("name", "Full name", a.name, "name")}
        {field("line1", "Address", a.line1, "address-line1")}
        {field("line2", "Apartment, suite (optional)", a.line2, "address-line2")}
        {field("city", "City", a.city, "address-level2")}
        <Region regions=regions value=a.region message=message_for(&errors, "region")/>
        {field("postcode", "Postcode / ZIP", a.postcode, "postal-code")}
        <Country countries=countries value=a.country message=message_for(&errors, "country")/>
        {field("phone", "Phone (optional)", a.phone, "tel")}
    }
}

#[component]
pub(crate) fn TextField(
    name: &'static str,
    label: &'static str,
    value: String,
    autocomplete: &'static str,
    message: Option<String>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let invalid = message.is_some();
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input id=name name=name type=kind value=value autocomplete=autocomplete
                aria-invalid=invalid.then_some("true") aria-describedby=invalid.then(|| format!("{name}-error"))/>
            <FieldMessage field=name message=message/>
        </div>
    }
}

/// A list of the country's regions where it has a fixed one (US states…), else free text. Without
/// JavaScript the list follows the country only after a submit: the origin then names the region to fix.
#[component]
fn Region(regions: Vec<String>, value: String, message: Option<String>) -> impl IntoView {
    let input = if regions.is_empty() {
        Either::Left(
            view! { <input id="region" name="region" value=value autocomplete="address-level1"/> },
        )
    } else {
        let options = regions
            .into_iter()
            .map(|r| view! { <option value=r.clone() selected=r == value>{r.clone()}</option> })
            .collect_view();
        Either::Right(view! {
            <select id="region" name="region" autocomplete="address-level1">
                <option value="">"Choose…"</option>
                {options}
            </select>
        })
    };
    view! {
        <div class="field">
            <label for="region">"State / province / region"</label>
            {input}
            <FieldMessage field="region" message=message/>
        </div>
    }
}

#[component]
fn Country(countries: Vec<CountryOption>, value: String, message: Option<String>) -> impl IntoView {
    let options = countries
        .into_iter()
        .map(|c| view! { <option value=c.code.clone() selected=c.code == value>{c.name}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for="country">"Country"</label>
            <select id="country" name="country" autocomplete="country">{options}</select>
            <FieldMessage field="country" message=message/>
        </div>
    }
}
