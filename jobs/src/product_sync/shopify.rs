//! The supplier feed's wire format: a Shopify store's public `/products.json`. Only the fields we use are
//! typed; unknown fields are ignored as Shopify adds them. Every field a real store may leave out or set to
//! `null` has a default, so one odd product does not make the whole page unreadable.

use serde::{Deserialize, Deserializer, Serialize};

/// Shopify's maximum page size for this endpoint.
pub const PAGE_LIMIT: usize = 250;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductsPage {
    pub products: Vec<Product>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    #[serde(default, deserialize_with = "text")]
    pub handle: String,
    #[serde(default)]
    pub body_html: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub vendor: String,
    #[serde(default, deserialize_with = "text")]
    pub product_type: String,
    /// An array in `/products.json`; a comma-separated string in some older exports.
    #[serde(default, deserialize_with = "tags")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub variants: Vec<Variant>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub options: Vec<ProductOption>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    pub id: i64,
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    #[serde(default)]
    pub option1: Option<String>,
    #[serde(default)]
    pub option2: Option<String>,
    #[serde(default)]
    pub option3: Option<String>,
    /// Empty, `null`, or shared with other variants in real stores.
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub available: bool,
    /// A decimal string such as "24.00".
    #[serde(default, deserialize_with = "text")]
    pub price: String,
    /// Shown crossed out by Shopify themes; we do not use it, and it may be at or below `price`.
    #[serde(default)]
    pub compare_at_price: Option<String>,
    #[serde(default)]
    pub position: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Image {
    #[serde(default, deserialize_with = "text")]
    pub src: String,
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub position: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductOption {
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// A string field that may be `null`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Tags {
        List(Vec<String>),
        Text(String),
        Null(()),
    }
    Ok(match Tags::deserialize(d)? {
        Tags::List(list) => list,
        Tags::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        Tags::Null(()) => Vec::new(),
    })
}
