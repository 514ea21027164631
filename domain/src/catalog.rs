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
    /// Plain text, at most 5,000 characters: paragraphs separated by a blank line, line breaks as `\n`,
    /// list items as "• item" lines. Text, not markup: escape it when rendering (Leptos does). The import
    /// leaves no `<` that could open a tag, but `&`, `>` and quotes may appear as text.
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
    /// Where each product's document is, sorted by slug (see `publish`).
    #[serde(default)]
    pub documents: Vec<crate::publish::DocumentRef>,
    /// A digest of `categories`: with a product's document digest it names everything a product page
    /// shows, so a product page stays cached across publishes that change other products.
    #[serde(default)]
    pub shell: String,
}

impl CatalogIndex {
    /// The digest of `slug`'s document, if the snapshot has the product.
    pub fn document(&self, slug: &str) -> Option<&str> {
        self.documents
            .binary_search_by(|d| d.slug.as_str().cmp(slug))
            .ok()
            .map(|i| self.documents[i].digest.as_str())
    }

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

/// Page size when a listing does not ask for one.
pub const DEFAULT_PER_PAGE: u32 = 24;
/// Largest page a listing serves.
pub const MAX_PER_PAGE: u32 = 100;

/// A validated `?page=&per_page=` request, shared by the origin and the edge so both answer alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    /// Defaults missing values; `Err` is a sentence for the client.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Result<Self, String> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            return Err("page starts at 1".to_owned());
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(format!("per_page must be between 1 and {MAX_PER_PAGE}"));
        }
        Ok(Self { page, per_page })
    }

    /// Items to skip before this page.
    pub fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }

    /// This page of `items` (already filtered and ordered), with the total they came from.
    pub fn slice<T: Clone>(self, items: &[T]) -> Page<T> {
        let start = usize::try_from(self.offset())
            .unwrap_or(usize::MAX)
            .min(items.len());
        let end = start
            .saturating_add(self.per_page as usize)
            .min(items.len());
        Page {
            items: items[start..end].to_vec(),
            page: self.page,
            per_page: self.per_page,
            total: items.len() as u64,
        }
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn page_requests_are_validated_and_sliced() {
        assert_eq!(
            PageRequest::new(None, None),
            Ok(PageRequest {
                page: 1,
                per_page: DEFAULT_PER_PAGE
            })
        );
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(None, Some(MAX_PER_PAGE + 1)).is_err());
        let items: Vec<u32> = (1..=5).collect();
        let second = PageRequest::new(Some(2), Some(2)).unwrap().slice(&items);
        assert_eq!((second.items, second.total), (vec![3, 4], 5));
        assert!(PageRequest::new(Some(9), Some(2))
            .unwrap()
            .slice(&items)
            .items
            .is_empty());
    }
}
