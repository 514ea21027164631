//! The text the product page derives from supplier data.

use super::*;
use meridian_domain::{Currency, Money};

fn option(name: &str) -> ProductOption {
    ProductOption {
        name: name.into(),
        values: vec!["A".into()],
    }
}

fn variant(title: &str) -> Variant {
    Variant {
        sku: format!("SKU-{title}"),
        title: title.into(),
        options: Vec::new(),
        price: Money::new(1200, Currency::USD),
        available: 3,
    }
}

#[test]
fn option_labels_name_every_option() {
    assert_eq!(
        option_label(&[option("Size"), option("Color")]),
        "Size / Color"
    );
    assert_eq!(option_label(&[]), "Option");
}

#[test]
fn a_default_title_product_has_no_picker() {
    assert!(!needs_picker(
        &[option("Title")],
        &[variant("Default Title")]
    ));
    assert!(!needs_picker(&[], &[variant("Large")]));
    assert!(needs_picker(&[option("Size")], &[variant("Large")]));
    assert!(needs_picker(
        &[option("Size")],
        &[variant("S"), variant("M")]
    ));
}

#[test]
fn descriptions_become_paragraphs_that_keep_their_lines() {
    let text = "Soft linen.\nMade in Portugal.\n\n• Machine wash\n• Tumble dry low\n\n\n\nLast.";
    assert_eq!(
        paragraphs(text),
        vec![
            "Soft linen.\nMade in Portugal.",
            "• Machine wash\n• Tumble dry low",
            "Last."
        ]
    );
    assert_eq!(paragraphs("One.\r\n\r\nTwo."), vec!["One.", "Two."]);
    assert!(paragraphs("").is_empty());
    assert!(paragraphs("\n\n  \n\n").is_empty());
}

#[test]
fn summaries_are_one_line_and_bounded() {
    assert_eq!(
        summary("Soft linen.\nMade\n\nhere.", 160),
        "Soft linen. Made here."
    );
    assert_eq!(summary("abcdef", 3), "abc");
    assert_eq!(summary("é".repeat(200).as_str(), 160).chars().count(), 160);
}
