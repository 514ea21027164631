//! The supplier feed: a Shopify store's public `/products.json`, paged with `?limit=&page=` until a page
//! comes back empty. Only the fields we use are typed; unknown fields are ignored as Shopify adds them.

use serde::{Deserialize, Serialize};

/// Shopify's maximum page size for this endpoint.
pub const PAGE_LIMIT: usize = 250;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductsPage {
    pub products: Vec<Product>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    pub title: String,
    pub handle: String,
    #[serde(default)]
    pub body_html: Option<String>,
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
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
    pub title: String,
    pub option1: Option<String>,
    pub option2: Option<String>,
    pub option3: Option<String>,
    pub sku: Option<String>,
    #[serde(default)]
    pub available: bool,
    /// A decimal string such as "24.00".
    pub price: String,
    #[serde(default)]
    pub position: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Image {
    pub src: String,
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub position: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

fn tags<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Tags {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Tags::deserialize(d)? {
        Tags::List(list) => list,
        Tags::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
    })
}

/// Fetches every page of `{base}/products.json`. Fails on the first bad page: a partial catalog is not
/// imported, so a flaky supplier cannot make products disappear.
pub async fn fetch_all(client: &reqwest::Client, base: &str) -> anyhow::Result<Vec<Product>> {
    fetch_all_paged(client, base, PAGE_LIMIT).await
}

/// [`fetch_all`] with a chosen page size.
pub async fn fetch_all_paged(
    client: &reqwest::Client,
    base: &str,
    limit: usize,
) -> anyhow::Result<Vec<Product>> {
    let mut all = Vec::new();
    for page in 1.. {
        let url = format!(
            "{}/products.json?limit={limit}&page={page}",
            base.trim_end_matches('/')
        );
        let body: ProductsPage = client
            .get(&url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        if body.products.is_empty() {
            break;
        }
        all.extend(body.products);
    }
    Ok(all)
}
