//! The catalog's unique keys for a feed: a slug per product and a SKU per variant. Real feeds repeat SKUs,
//! leave them empty, repeat titles and use handles that are emoji; the keys chosen here are valid, unique,
//! and the same on every run of the same feed, whatever order the feed lists things in.

use super::shopify::Product;
use super::text::slugify;
use meridian_store::catalog::import::fallback_sku;
use std::collections::HashMap;

/// Longest slug kept before a suffix, in bytes.
const MAX_SLUG: usize = 80;
/// Longest supplier SKU we adopt as ours.
const MAX_SKU: usize = 64;

/// The slug a product asks for: its handle as a slug, or `product-<id>` when nothing of it is usable.
pub fn wanted_slug(p: &Product) -> String {
    let slug = slugify(&p.handle, MAX_SLUG);
    if slug.is_empty() {
        format!("product-{}", p.id)
    } else {
        slug
    }
}

/// Picks each product's slug. Products asking for the same slug: the one that holds it already keeps it,
/// else the lowest supplier id gets it, and the others get `<slug>-<their id>`. A slug held by a product
/// the feed no longer lists (archived) or made here is left to it. `holders` says who holds each wanted
/// slug now (supplier id, `None` for a product made here).
pub fn plan_slugs(
    products: &[&Product],
    holders: &HashMap<String, Option<i64>>,
) -> HashMap<i64, String> {
    let mut by_slug: HashMap<String, Vec<i64>> = HashMap::new();
    for p in products {
        by_slug.entry(wanted_slug(p)).or_default().push(p.id);
    }
    let listed: std::collections::HashSet<i64> = products.iter().map(|p| p.id).collect();
    let mut slugs = HashMap::new();
    for (slug, ids) in by_slug {
        let winner = match holders.get(&slug) {
            Some(Some(holder)) if ids.contains(holder) => Some(*holder),
            // Held by a product this feed no longer lists, or by one made here: nobody takes it.
            Some(holder) if holder.is_none_or(|h| !listed.contains(&h)) => None,
            // Free, or its holder is moving to another slug in this run.
            _ => ids.iter().min().copied(),
        };
        for id in ids {
            let pick = if Some(id) == winner {
                slug.clone()
            } else {
                format!("{slug}-{id}")
            };
            slugs.insert(id, pick);
        }
    }
    slugs
}

/// Picks the SKU each variant asks for: the supplier's own when it is usable and no other variant in the
/// feed has it, else `SUP-<variant id>`. (The store still gives way to `SUP-<id>` if another variant
/// already holds the SKU, and never changes a variant's SKU once it is set.)
pub fn plan_skus(products: &[&Product]) -> HashMap<i64, String> {
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for v in products.iter().flat_map(|p| &p.variants) {
        if let Some(sku) = usable_sku(v.sku.as_deref()) {
            *uses.entry(sku).or_default() += 1;
        }
    }
    products
        .iter()
        .flat_map(|p| &p.variants)
        .map(|v| {
            let own = usable_sku(v.sku.as_deref()).filter(|sku| uses[sku] == 1);
            (v.id, own.map_or_else(|| fallback_sku(v.id), str::to_owned))
        })
        .collect()
}

/// A supplier SKU we can adopt: not empty, not too long, no control characters, not in our `SUP-` space.
fn usable_sku(sku: Option<&str>) -> Option<&str> {
    let sku = sku?.trim();
    let ours = sku.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("SUP-"));
    (!sku.is_empty() && sku.len() <= MAX_SKU && !ours && !sku.chars().any(char::is_control))
        .then_some(sku)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i64, handle: &str, skus: &[(i64, Option<&str>)]) -> Product {
        let variants = skus
            .iter()
            .map(|(vid, sku)| {
                serde_json::from_value(serde_json::json!({"id": vid, "sku": sku, "price": "1.00"}))
                    .unwrap()
            })
            .collect();
        let mut p: Product =
            serde_json::from_value(serde_json::json!({"id": id, "title": "t", "handle": handle}))
                .unwrap();
        p.variants = variants;
        p
    }

    #[test]
    fn repeated_or_missing_skus_fall_back_to_the_variant_id() {
        let a = product(1, "a", &[(11, Some("TEE")), (12, Some("")), (13, None)]);
        let b = product(
            2,
            "b",
            &[(21, Some(" TEE ")), (22, Some("MUG")), (23, Some("sup-9"))],
        );
        let skus = plan_skus(&[&a, &b]);
        assert_eq!(skus[&11], "SUP-11");
        assert_eq!(skus[&21], "SUP-21");
        assert_eq!(skus[&12], "SUP-12");
        assert_eq!(skus[&13], "SUP-13");
        assert_eq!(skus[&22], "MUG");
        assert_eq!(skus[&23], "SUP-23", "our own prefix is never adopted");
        assert_eq!(plan_skus(&[&b, &a]), skus, "feed order does not matter");
    }

    #[test]
    fn colliding_slugs_are_settled_by_holder_then_lowest_id() {
        let p1 = product(10, "Tee", &[]);
        let p2 = product(5, "tee", &[]);
        let p3 = product(7, "🔥", &[]);
        let free = plan_slugs(&[&p1, &p2, &p3], &HashMap::new());
        assert_eq!((free[&5].as_str(), free[&10].as_str()), ("tee", "tee-10"));
        assert_eq!(free[&7], "product-7");
        assert_eq!(plan_slugs(&[&p3, &p2, &p1], &HashMap::new()), free);

        let held = HashMap::from([("tee".to_owned(), Some(10))]);
        let slugs = plan_slugs(&[&p1, &p2], &held);
        assert_eq!((slugs[&10].as_str(), slugs[&5].as_str()), ("tee", "tee-5"));

        let archived = HashMap::from([("tee".to_owned(), Some(99))]);
        let slugs = plan_slugs(&[&p1, &p2], &archived);
        assert_eq!(
            (slugs[&10].as_str(), slugs[&5].as_str()),
            ("tee-10", "tee-5")
        );
    }
}
