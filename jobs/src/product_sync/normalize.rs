//! Turning supplier products into catalog products: slugs, plain-text descriptions, exact prices.
//! A product that cannot be imported is reported and skipped; it never aborts the rest of the feed.

use crate::shopify;
use meridian_domain::{Currency, Image, Money, ProductOption};
use meridian_store::catalog::import::{ImportProduct, ImportVariant};

/// Turns "Home & Kitchen" into "home-kitchen".
pub fn slugify(text: &str) -> String {
    let lowered: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    lowered
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Strips tags and decodes the common entities: supplier HTML never reaches our pages as markup.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"");
    let decoded = decoded.replace("&#39;", "'").replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Maps one supplier product; `Err` says why it was skipped.
pub fn product(
    p: &shopify::Product,
    currency: Currency,
    initial_stock: i32,
) -> Result<ImportProduct, String> {
    let slug = slugify(&p.handle);
    if slug.is_empty() || p.title.trim().is_empty() {
        return Err(format!("product {} has no handle or title", p.id));
    }
    let category = if p.product_type.trim().is_empty() {
        "Other"
    } else {
        p.product_type.trim()
    };
    let mut images: Vec<&shopify::Image> = p.images.iter().collect();
    images.sort_by_key(|i| i.position);
    let variants = p
        .variants
        .iter()
        .map(|v| variant(p, v, currency, initial_stock))
        .collect::<Result<Vec<_>, _>>()?;
    if variants.is_empty() {
        return Err(format!("product {} has no variants", p.id));
    }
    Ok(ImportProduct {
        external_id: p.id,
        slug,
        title: p.title.trim().to_owned(),
        description: plain_text(p.body_html.as_deref().unwrap_or_default()),
        vendor: p.vendor.trim().to_owned(),
        category_slug: slugify(category),
        category_name: category.to_owned(),
        tags: p.tags.clone(),
        options: p
            .options
            .iter()
            .map(|o| ProductOption {
                name: o.name.clone(),
                values: o.values.clone(),
            })
            .collect(),
        images: images
            .into_iter()
            .map(|i| Image {
                src: i.src.clone(),
                alt: i.alt.clone().unwrap_or_else(|| p.title.clone()),
            })
            .collect(),
        variants,
    })
}

fn variant(
    p: &shopify::Product,
    v: &shopify::Variant,
    currency: Currency,
    initial_stock: i32,
) -> Result<ImportVariant, String> {
    let price =
        Money::parse_decimal(&v.price, currency).map_err(|e| format!("variant {}: {e}", v.id))?;
    let sku = v.sku.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(ImportVariant {
        external_id: v.id,
        // Shopify allows variants without a SKU; ours must have one, so derive a stable one from the ids.
        sku: sku.map_or_else(|| format!("SUP-{}-{}", p.id, v.id), str::to_owned),
        title: v.title.clone(),
        options: [&v.option1, &v.option2, &v.option3]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        position: v.position,
        price,
        initial_stock: if v.available { initial_stock } else { 0 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_text_are_clean() {
        assert_eq!(slugify("Home & Kitchen"), "home-kitchen");
        assert_eq!(slugify("  T-Shirts "), "t-shirts");
        assert_eq!(
            plain_text("<p>Soft &amp; warm</p><ul><li>One</li></ul>"),
            "Soft & warm One"
        );
        assert_eq!(plain_text("<script>alert(1)</script>"), "alert(1)");
    }
}
