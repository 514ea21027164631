//! Turning supplier products into catalog products: keys from [`super::keys`], plain-text descriptions,
//! exact prices, every field bounded. A product or variant that cannot be imported is skipped with a
//! recorded reason; it never aborts the rest of the feed. Shortened fields are recorded too.

use super::description::plain_text;
use super::shopify;
use super::text::{bounded, slugify};
use meridian_domain::{Currency, Image, Money, ProductOption};
use meridian_store::catalog::import::{ImportProduct, ImportVariant};
use meridian_store::catalog::runs::SkipReason;
use std::collections::HashMap;

const MAX_TITLE: usize = 255;
const MAX_VENDOR: usize = 255;
const MAX_OPTION: usize = 100;
const MAX_TAG: usize = 100;
const MAX_TAGS: usize = 50;
const MAX_IMAGES: usize = 20;
const MAX_IMAGE_URL: usize = 2048;
const MAX_VARIANTS: usize = 250;
const MAX_CATEGORY: usize = 100;

/// What normalising needs to know beyond the product itself.
#[derive(Debug)]
pub struct Plan {
    pub currency: Currency,
    pub initial_stock: i32,
    /// Slug per supplier product id ([`super::keys::plan_slugs`]).
    pub slugs: HashMap<i64, String>,
    /// Wanted SKU per supplier variant id ([`super::keys::plan_skus`]).
    pub skus: HashMap<i64, String>,
    /// One name per category slug, so two spellings of a category do not rename it back and forth.
    pub category_names: HashMap<String, String>,
}

/// The category slug and name of a product type ("Other" when it has none).
pub fn category(p: &shopify::Product) -> (String, String) {
    let name = bounded(&p.product_type, MAX_CATEGORY).0;
    let slug = slugify(&name, 80);
    if slug.is_empty() {
        ("other".into(), "Other".into())
    } else {
        (slug, name)
    }
}

/// What normalising left out or cut, and why.
#[derive(Debug, Default)]
pub struct Report {
    /// Products and variants not imported.
    pub skipped: Vec<SkipReason>,
    /// Fields shortened to their bound (the product was imported).
    pub shortened: Vec<SkipReason>,
}

/// Maps one supplier product; `Err` is why it was skipped. `report` gets the variants left out and the
/// fields shortened.
pub fn product(
    p: &shopify::Product,
    plan: &Plan,
    report: &mut Report,
) -> Result<ImportProduct, SkipReason> {
    let note = |variant_id: Option<i64>, reason: String| SkipReason {
        product_id: p.id,
        variant_id,
        reason,
    };
    let (title, cut) = bounded(&p.title, MAX_TITLE);
    if title.is_empty() {
        return Err(note(None, "no title".into()));
    }
    if cut {
        report.shortened.push(note(
            None,
            format!("title shortened to {MAX_TITLE} characters"),
        ));
    }
    let (description, cut) = plain_text(p.body_html.as_deref().unwrap_or_default());
    if cut {
        report
            .shortened
            .push(note(None, "description shortened".into()));
    }
    let (mut options, mut variants) = (options(p, &mut report.shortened), Vec::new());
    let skipped_before = report.skipped.len();
    for (i, v) in p.variants.iter().enumerate() {
        if i >= MAX_VARIANTS {
            let reason = format!("more than {MAX_VARIANTS} variants");
            report.skipped.push(note(Some(v.id), reason));
            continue;
        }
        match variant(v, plan) {
            Ok(v) => variants.push(v),
            Err(reason) => report.skipped.push(note(Some(v.id), reason)),
        }
    }
    if variants.is_empty() {
        // One reason for the product, not one per variant as well: it says why the first one failed.
        let why = report.skipped.drain(skipped_before..).next();
        let reason = why.map_or("no variants".into(), |v| {
            format!("no importable variant ({})", v.reason)
        });
        return Err(note(None, reason));
    }
    if is_default_title(&options, &variants) {
        // Shopify's placeholder for "no options": the storefront shows no picker.
        options.clear();
        variants[0].options.clear();
    }
    let (category_slug, name) = category(p);
    Ok(ImportProduct {
        external_id: p.id,
        slug: plan.slugs[&p.id].clone(),
        title,
        description,
        vendor: bounded(&p.vendor, MAX_VENDOR).0,
        category_name: plan
            .category_names
            .get(&category_slug)
            .cloned()
            .unwrap_or(name),
        category_slug,
        tags: tags(&p.tags),
        options,
        images: images(p),
        variants,
    })
}

fn variant(v: &shopify::Variant, plan: &Plan) -> Result<ImportVariant, String> {
    let price = Money::parse_decimal(&v.price, plan.currency)
        .map_err(|e| format!("price: {e} ({})", plan.currency))?;
    Ok(ImportVariant {
        external_id: v.id,
        sku: plan.skus[&v.id].clone(),
        title: bounded(&v.title, MAX_TITLE).0,
        options: [&v.option1, &v.option2, &v.option3]
            .into_iter()
            .flatten()
            .map(|o| bounded(o, MAX_OPTION).0)
            .collect(),
        position: v.position,
        price,
        initial_stock: if v.available { plan.initial_stock } else { 0 },
    })
}

fn options(p: &shopify::Product, shortened_notes: &mut Vec<SkipReason>) -> Vec<ProductOption> {
    let mut shortened = false;
    let mut cut = |text: &str| {
        let (text, was_cut) = bounded(text, MAX_OPTION);
        shortened |= was_cut;
        text
    };
    let options = p
        .options
        .iter()
        .map(|o| ProductOption {
            name: cut(&o.name),
            values: o.values.iter().map(|v| cut(v)).collect(),
        })
        .collect();
    if shortened {
        shortened_notes.push(SkipReason {
            product_id: p.id,
            variant_id: None,
            reason: format!("option names or values shortened to {MAX_OPTION} characters"),
        });
    }
    options
}

fn is_default_title(options: &[ProductOption], variants: &[ImportVariant]) -> bool {
    let default = |o: &ProductOption| o.name == "Title" && o.values == ["Default Title"];
    matches!(options, [only] if default(only))
        && matches!(variants, [v] if v.options == ["Default Title"])
}

fn tags(tags: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for tag in tags.iter().map(|t| bounded(t, MAX_TAG).0) {
        if !tag.is_empty() && !kept.contains(&tag) && kept.len() < MAX_TAGS {
            kept.push(tag);
        }
    }
    kept
}

/// Images in the supplier's order, at most [`MAX_IMAGES`], with absolute http(s) or site-relative URLs.
fn images(p: &shopify::Product) -> Vec<Image> {
    let mut images: Vec<&shopify::Image> = p.images.iter().collect();
    images.sort_by_key(|i| i.position);
    images
        .into_iter()
        .filter(|i| {
            let src = i.src.as_str();
            src.len() <= MAX_IMAGE_URL
                && !src.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
                && (src.starts_with("https://")
                    || src.starts_with("http://")
                    || src.starts_with('/'))
        })
        .take(MAX_IMAGES)
        .map(|i| Image {
            src: i.src.clone(),
            alt: bounded(i.alt.as_deref().unwrap_or(&p.title), MAX_TITLE).0,
        })
        .collect()
}
