//! Home and category pages: product grids from the published catalog index.

use crate::format::price_from;
use leptos::either::Either;
use leptos::prelude::*;
use meridian_domain::routes::{category as category_href, product as product_href};
use meridian_domain::{CatalogIndex, Category, ProductCard};

/// How many products each category shows on the home page before "See all".
const HOME_PER_CATEGORY: usize = 4;

#[component]
pub(crate) fn Home(index: CatalogIndex) -> impl IntoView {
    if index.cards.is_empty() {
        return Either::Left(view! {
            <section class="empty"><h1>"The shop is being stocked"</h1><p>"Please come back in a minute."</p></section>
        });
    }
    let sections = index
        .categories
        .iter()
        .map(|category| {
            let cards: Vec<ProductCard> = index
                .cards_in(&category.slug)
                .take(HOME_PER_CATEGORY)
                .cloned()
                .collect();
            view! {
                <section class="category-section">
                    <h2><a href=category_href(&category.slug)>{category.name.clone()}</a></h2>
                    <Grid cards=cards/>
                    <a class="see-all" href=category_href(&category.slug)>
                        {format!("See all {} {}", category.product_count, category.name)}
                    </a>
                </section>
            }
        })
        .collect_view();
    Either::Right(view! { <h1 class="visually-hidden">"Shop"</h1> {sections} })
}

#[component]
pub(crate) fn CategoryView(category: Category, cards: Vec<ProductCard>) -> impl IntoView {
    view! {
        <h1>{category.name}</h1>
        <p class="count">{format!("{} products", cards.len())}</p>
        <Grid cards=cards/>
    }
}

#[component]
fn Grid(cards: Vec<ProductCard>) -> impl IntoView {
    view! {
        <ul class="grid">
            {cards.into_iter().map(|card| view! { <Card card=card/> }).collect_view()}
        </ul>
    }
}

#[component]
fn Card(card: ProductCard) -> impl IntoView {
    let price = price_from(&card);
    let href = product_href(&card.slug);
    view! {
        <li class="card" data-product=card.slug.clone()>
            <a href=href>
                {card.image.map(|i| {
                    let sizes = meridian_domain::images::srcset(&i.src);
                    view! { <img src=i.src srcset=sizes alt=i.alt width="400" height="400" loading="lazy"/> }
                })}
                <span class="card-title">{card.title}</span>
                <span class="card-price">{price}</span>
                {(!card.in_stock).then(|| view! { <span class="badge">"Sold out"</span> })}
            </a>
        </li>
    }
}
