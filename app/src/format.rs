//! Display helpers shared by pages: small pure functions from catalog data to text, unit-tested here.

use meridian_domain::{ProductCard, ProductOption, Variant};

/// Shopify's title for the one variant of a product that has no options.
pub(crate) const DEFAULT_VARIANT_TITLE: &str = "Default Title";

/// The card's price line: grids always say "from", since a product's variants may differ in price.
pub(crate) fn price_from(card: &ProductCard) -> String {
    format!("from {}", card.price_from)
}

/// "Size / Color" for the picker, from the product's option names.
pub(crate) fn option_label(options: &[ProductOption]) -> String {
    let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
    if names.is_empty() {
        "Option".to_owned()
    } else {
        names.join(" / ")
    }
}

/// Whether the shopper has anything to choose: not when the only variant is Shopify's placeholder
/// ("Default Title") or the product has no options.
pub(crate) fn needs_picker(options: &[ProductOption], variants: &[Variant]) -> bool {
    match variants {
        [only] => !(options.is_empty() || only.title == DEFAULT_VARIANT_TITLE),
        _ => true,
    }
}

/// A plain-text description as paragraphs: separated by a blank line, each keeping its line breaks
/// (list items "• …" are lines). Blank paragraphs are dropped.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim_matches('\n').trim_end().to_owned())
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// The first `max` characters of `text` on one line, for `<meta name="description">`.
pub(crate) fn summary(text: &str, max: usize) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

#[cfg(test)]
mod tests;
