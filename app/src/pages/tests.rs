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

fn usd(minor: i64) -> meridian_domain::Money {
    meridian_domain::Money::new(minor, meridian_domain::Currency::USD)
}

fn totals(tax_label: Option<&str>, tax_included: bool) -> meridian_domain::Totals {
    meridian_domain::Totals {
        subtotal: usd(1000),
        discount: usd(0),
        shipping: usd(0),
        tax: usd(0),
        total: usd(1000),
        tax_included,
        tax_label: tax_label.map(str::to_owned),
    }
}

#[test]
fn the_tax_line_says_whether_prices_include_it() {
    assert_eq!(
        summary::tax_label(&totals(Some("Sales tax (NY) 8.875 %"), false)),
        "Sales tax (NY) 8.875 %"
    );
    assert_eq!(
        summary::tax_label(&totals(Some("VAT 20 %"), true)),
        "incl. VAT 20 %"
    );
    assert_eq!(summary::tax_label(&totals(None, false)), "Tax");
}

#[test]
fn order_statuses_read_as_sentences() {
    use meridian_domain::OrderStatus;
    assert_eq!(
        order::headline(OrderStatus::PendingPayment),
        "Waiting for payment confirmation…"
    );
    assert_eq!(order::headline(OrderStatus::Paid), "Payment confirmed");
    assert!(order::headline(OrderStatus::Expired).starts_with("Expired"));
}

#[test]
fn an_empty_address_form_starts_at_the_first_country_shipped_to() {
    let checkout: meridian_domain::Checkout = serde_json::from_value(serde_json::json!({
        "cart": {"id": "00000000-0000-0000-0000-000000000000", "lines": [], "item_count": 0, "subtotal": null},
        "email": null, "address": null,
        "countries": [{"code": "US", "name": "United States", "regions": ["NY"]},
                      {"code": "GB", "name": "United Kingdom", "regions": []}],
        "shipping_options": [], "shipping_method": null, "promo": null, "promo_problem": null,
        "totals": null, "missing": ["items", "email", "address", "shipping_method"]
    }))
    .unwrap();
    let form = DetailsForm::prefilled(&checkout);
    assert_eq!(form.address.country, "US");
    assert_eq!(form.email, "");
    assert!(form.errors.is_empty());
    assert_eq!(
        Page::CheckoutDetails(Box::new(form)).refresh_seconds(),
        None
    );
}

#[cfg(feature = "ssr")]
#[test]
fn the_stores_own_images_offer_the_larger_size_to_sharp_screens() {
    let mut page = product("");
    page.images = vec![meridian_domain::Image {
        src: "/images/0123456789abcdef-400.jpg".into(),
        alt: "Linen shirt".into(),
    }];
    let html = Page::Product(Box::new(page.clone())).into_html();
    assert!(
        html.contains(
            r#"srcset="/images/0123456789abcdef-400.jpg 1x, /images/0123456789abcdef-800.jpg 2x""#
        ),
        "{html}"
    );
    page.images[0].src = "/media/linen-shirt.svg".into();
    let html = Page::Product(Box::new(page)).into_html();
    assert!(
        html.contains(r#"src="/media/linen-shirt.svg""#) && !html.contains("srcset"),
        "{html}"
    );
}
