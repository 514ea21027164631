//! The storefront's pages. Each is a server component fed with data the edge already loaded, so
//! rendering never waits on I/O and the same input always gives the same HTML (which is what we cache).

mod cart;
mod catalog;

use leptos::prelude::*;
use meridian_domain::{Cart, CatalogIndex, Category, ProductCard, ProductDetail};

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

    pub(crate) fn into_view(self) -> AnyView {
        match self {
            Self::Home(index) => view! { <catalog::Home index=index/> }.into_any(),
            Self::Category { category, cards } => {
                view! { <catalog::CategoryView category cards/> }.into_any()
            }
            Self::Product(p) => view! { <crate::product::ProductView product=*p/> }.into_any(),
            Self::Cart(cart) => view! { <cart::CartView cart=cart/> }.into_any(),
            Self::Problem { title, message } => view! {
                <section class="problem">
                    <h1>{title}</h1>
                    <p>{message}</p>
                    <p><a href=meridian_domain::routes::HOME>"Back to the shop"</a></p>
                </section>
            }
            .into_any(),
        }
    }
}

#[cfg(test)]
mod tests;
