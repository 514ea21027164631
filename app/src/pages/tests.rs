//! Page metadata and the cart's labels, without rendering a document.

use super::*;
use meridian_domain::{Category, ProductDetail};

fn product(description: &str) -> ProductDetail {
    ProductDetail {
        slug: "linen-shirt".into(),
        title: "Linen shirt".into(),
        description: description.into(),
        vendor: "Meridian".into(),
        category: Category {
            slug: "shirts".into(),
            name: "Shirts".into(),
            product_count: 1,
        },
        tags: Vec::new(),
        options: Vec::new(),
        variants: Vec::new(),
        images: Vec::new(),
    }
}

#[test]
fn titles_name_the_page() {
    assert_eq!(Page::Product(Box::new(product(""))).title(), "Linen shirt");
    assert_eq!(Page::Cart(None).title(), "Your cart");
    assert_eq!(Page::Home(CatalogIndex::default()).title(), "Shop");
    let problem = Page::Problem {
        title: "Page not found".into(),
        message: "x".into(),
    };
    assert_eq!(problem.title(), "Page not found");
}

#[test]
fn descriptions_are_short_single_lines() {
    let long = format!("First line.\n\n• {}", "word ".repeat(100));
    let description = Page::Product(Box::new(product(&long))).description();
    assert!(description.starts_with("First line. • word word"));
    assert_eq!(description.chars().count(), 160);
    assert!(!description.contains('\n'));
    let category = Page::Category {
        category: product("").category,
        cards: Vec::new(),
    };
    assert_eq!(category.description(), "Shirts at Meridian");
    assert_eq!(
        Page::Cart(None).description(),
        "Meridian: well-made everyday goods."
    );
}

#[test]
fn only_product_pages_load_islands() {
    assert!(Page::Product(Box::new(product(""))).has_islands());
    assert!(!Page::Home(CatalogIndex::default()).has_islands());
}

#[test]
fn the_subtotal_counts_items() {
    assert_eq!(cart::subtotal_label(1), "Subtotal (1 item)");
    assert_eq!(cart::subtotal_label(0), "Subtotal (0 items)");
    assert_eq!(cart::subtotal_label(3), "Subtotal (3 items)");
}
