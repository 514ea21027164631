//! Catalog shapes: what the origin serves, what the publish step writes to KV and what the pages render.

use crate::money::Money;
use serde::{Deserialize, Serialize};

/// Below this many units a variant shows "only N left".
pub const LOW_STOCK_THRESHOLD: i32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub product_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub src: String,
    pub alt: String,
}

/// What a product grid shows for one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub slug: String,
    pub title: String,
    pub category_slug: String,
    /// The lowest variant price: grids say "from $X".
    pub price_from: Money,
    pub image: Option<Image>,
    pub in_stock: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub sku: String,
    pub title: String,
    /// One value per product option, in the product's option order.
    pub options: Vec<String>,
    pub price: Money,
    pub available: i32,
}

impl Variant {
    pub fn stock_state(&self) -> StockState {
        StockState::from_available(self.available)
    }
}

/// Everything the product page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub slug: String,
    pub title: String,
    /// Plain text: the supplier's HTML is reduced to text on import so no foreign markup reaches a page.
    pub description: String,
    pub vendor: String,
    pub category: Category,
    pub tags: Vec<String>,
    pub options: Vec<ProductOption>,
    pub variants: Vec<Variant>,
    pub images: Vec<Image>,
}

impl ProductDetail {
    pub fn card(&self) -> Option<ProductCard> {
        let price_from = self
            .variants
            .iter()
            .map(|v| v.price)
            .min_by_key(|p| p.minor)?;
        Some(ProductCard {
            slug: self.slug.clone(),
            title: self.title.clone(),
            category_slug: self.category.slug.clone(),
            price_from,
            image: self.images.first().cloned(),
            in_stock: self.variants.iter().any(|v| v.available > 0),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockState {
    InStock,
    Low(i32),
    OutOfStock,
}

impl StockState {
    pub fn from_available(available: i32) -> Self {
        match available {
            n if n <= 0 => Self::OutOfStock,
            n if n <= LOW_STOCK_THRESHOLD => Self::Low(n),
            _ => Self::InStock,
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::InStock => "In stock".to_owned(),
            Self::Low(n) => format!("Only {n} left"),
            Self::OutOfStock => "Out of stock".to_owned(),
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// The published catalog's front door: every category and every product card, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CatalogIndex {
    pub categories: Vec<Category>,
    pub cards: Vec<ProductCard>,
}

impl CatalogIndex {
    pub fn category(&self, slug: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.slug == slug)
    }

    pub fn cards_in<'a>(&'a self, slug: &'a str) -> impl Iterator<Item = &'a ProductCard> + 'a {
        self.cards.iter().filter(move |c| c.category_slug == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_state_reads_like_a_shelf_label() {
        assert_eq!(StockState::from_available(0).label(), "Out of stock");
        assert_eq!(StockState::from_available(-2), StockState::OutOfStock);
        assert_eq!(StockState::from_available(3).label(), "Only 3 left");
        assert_eq!(StockState::from_available(50).label(), "In stock");
    }
}
