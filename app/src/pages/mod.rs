//! The storefront's pages. Each is a server component fed with data the edge already loaded, so
//! rendering never waits on I/O and the same input always gives the same HTML (which is what we cache).

mod account;
mod cart;
mod catalog;
mod checkout;
mod order;
mod summary;

pub use account::{AccountHome, AddressBook, ResetPage, SignInForm, SignUpForm, WishlistPage};
pub use checkout::{DetailsForm, Review, ShippingForm};
use leptos::prelude::*;
use meridian_domain::{
    Cart, CatalogIndex, Category, OrderStatus, OrderView, ProductCard, ProductDetail,
};

/// A page and the data it shows.
#[derive(Debug, Clone)]
pub enum Page {
    Home(CatalogIndex),
    Category {
        category: Category,
        cards: Vec<ProductCard>,
    },
    Product(Box<ProductDetail>),
    /// `None`: the shopper has no cart yet.
    Cart(Option<Cart>),
    /// Checkout step 1: contact and address.
    CheckoutDetails(Box<DetailsForm>),
    /// Checkout step 2: the shipping method.
    CheckoutShipping(Box<ShippingForm>),
    /// Checkout step 3: everything to be paid, the promo form and "Pay".
    CheckoutReview(Box<Review>),
    /// The buyer's order: confirmation and status.
    Order(Box<OrderView>),
    SignIn(Box<SignInForm>),
    SignUp(Box<SignUpForm>),
    Account(Box<AccountHome>),
    Addresses(Box<AddressBook>),
    Wishlist(Box<WishlistPage>),
    Reset(Box<ResetPage>),
    /// The page an email verification link opens (its token).
    Verify(String),
    /// The shopper's orders, newest first.
    Orders(Vec<meridian_domain::account::OrderSummary>),
    /// An error page: a title and a sentence for the shopper.
    Problem {
        title: String,
        message: String,
    },
}

impl Page {
    pub fn title(&self) -> String {
        match self {
            Self::Home(_) => "Shop".to_owned(),
            Self::Category { category, .. } => category.name.clone(),
            Self::Product(p) => p.title.clone(),
            Self::Cart(_) => "Your cart".to_owned(),
            Self::CheckoutDetails(_) => "Checkout: contact and address".to_owned(),
            Self::CheckoutShipping(_) => "Checkout: shipping".to_owned(),
            Self::CheckoutReview(_) => "Checkout: review and pay".to_owned(),
            Self::Order(order) => format!("Order {}", order.number),
            Self::SignIn(_) => "Sign in".to_owned(),
            Self::SignUp(_) => "Create an account".to_owned(),
            Self::Account(_) => "Your account".to_owned(),
            Self::Addresses(_) => "Addresses".to_owned(),
            Self::Wishlist(_) => "Wishlist".to_owned(),
            Self::Reset(_) => "Reset your password".to_owned(),
            Self::Verify(_) => "Confirm your email".to_owned(),
            Self::Orders(_) => "Your orders".to_owned(),
            Self::Problem { title, .. } => title.clone(),
        }
    }

    pub fn description(&self) -> String {
        match self {
            Self::Product(p) => crate::format::summary(&p.description, 160),
            Self::Category { category, .. } => format!("{} at Meridian", category.name),
            _ => "Meridian: well-made everyday goods.".to_owned(),
        }
    }

    /// Only the product page has interactive parts today.
    pub fn has_islands(&self) -> bool {
        matches!(self, Self::Product(_))
    }

    /// Seconds after which the browser should load the page again (`<meta http-equiv="refresh">`): an
    /// order waiting for the provider's confirmation polls without any JavaScript.
    pub fn refresh_seconds(&self) -> Option<u32> {
        match self {
            Self::Order(order) if order.status == OrderStatus::PendingPayment => Some(2),
            _ => None,
        }
    }

    /// The page's own HTML (what goes inside `<main>`). Rendered straight to a string, never through
    /// `AnyView`: erasing a view's type instantiates every render path of it (async resolution,
    /// hydration) in the worker, which cost the worker more code than all the pages' markup itself.
    pub(crate) fn into_html(self) -> String {
        match self {
            Self::Home(index) => view! { <catalog::Home index=index/> }.to_html(),
            Self::Category { category, cards } => {
                view! { <catalog::CategoryView category cards/> }.to_html()
            }
            Self::Product(p) => view! { <crate::product::ProductView product=*p/> }.to_html(),
            Self::Cart(cart) => view! { <cart::CartView cart=cart/> }.to_html(),
            Self::CheckoutDetails(form) => view! { <checkout::Details form=*form/> }.to_html(),
            Self::CheckoutShipping(form) => view! { <checkout::Shipping form=*form/> }.to_html(),
            Self::CheckoutReview(review) => {
                view! { <checkout::ReviewView review=*review/> }.to_html()
            }
            Self::Order(order) => view! { <order::OrderPage order=*order/> }.to_html(),
            Self::SignIn(form) => view! { <account::SignIn form=*form/> }.to_html(),
            Self::SignUp(form) => view! { <account::SignUp form=*form/> }.to_html(),
            Self::Account(home) => view! { <account::Home home=*home/> }.to_html(),
            Self::Addresses(book) => view! { <account::Addresses book=*book/> }.to_html(),
            Self::Wishlist(page) => view! { <account::Saved page=*page/> }.to_html(),
            Self::Reset(page) => view! { <account::ResetView page=*page/> }.to_html(),
            Self::Verify(token) => view! { <account::VerifyView token/> }.to_html(),
            Self::Orders(orders) => view! { <account::History orders/> }.to_html(),
            Self::Problem { title, message } => view! {
                <section class="problem">
                    <h1>{title}</h1>
                    <p>{message}</p>
                    <p><a href=meridian_domain::routes::HOME>"Back to the shop"</a></p>
                </section>
            }
            .to_html(),
        }
    }
}

#[cfg(test)]
mod tests;
