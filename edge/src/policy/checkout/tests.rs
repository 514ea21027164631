//! Step order and the "same purchase" rule, on small hand-made checkouts and orders.

use super::*;
use meridian_domain::{Address, Cart, CartLine, Currency, Money, OrderLine, Totals};

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn totals(total: i64) -> Totals {
    Totals {
        subtotal: usd(total),
        discount: usd(0),
        shipping: usd(0),
        tax: usd(0),
        total: usd(total),
        tax_included: false,
        tax_label: None,
    }
}

fn checkout(lines: &[(&str, u32)], total: i64) -> Checkout {
    let lines = lines
        .iter()
        .map(|(sku, quantity)| CartLine {
            sku: (*sku).into(),
            product_slug: "p".into(),
            product_title: "P".into(),
            variant_title: "V".into(),
            image: None,
            unit_price: usd(100),
            quantity: *quantity,
            line_total: usd(100 * i64::from(*quantity)),
        })
        .collect();
    Checkout {
        cart: Cart {
            id: uuid::Uuid::nil(),
            lines,
            item_count: 0,
            subtotal: Some(usd(total)),
            unavailable: Vec::new(),
        },
        email: None,
        address: None,
        countries: Vec::new(),
        shipping_options: Vec::new(),
        shipping_method: None,
        promo: None,
        promo_problem: None,
        totals: Some(totals(total)),
        missing: Vec::new(),
    }
}

fn order(lines: &[(&str, u32)], total: i64, status: OrderStatus) -> OrderView {
    OrderView {
        token: "t".into(),
        number: "M-1".into(),
        status,
        email: "a@b.example".into(),
        address: Address::default(),
        shipping_method: "Standard".into(),
        lines: lines
            .iter()
            .map(|(sku, quantity)| OrderLine {
                sku: (*sku).into(),
                product_title: "P".into(),
                variant_title: "V".into(),
                unit_price: usd(100),
                quantity: *quantity,
                line_total: usd(100 * i64::from(*quantity)),
            })
            .collect(),
        totals: totals(total),
        promo_code: None,
        refunded: usd(0),
        tracking_number: None,
        note: None,
        payment_error: None,
        created_at: String::new(),
        expires_at: String::new(),
        events: Vec::new(),
    }
}

#[test]
fn shoppers_are_sent_back_to_the_first_step_they_skipped() {
    use Missing::*;
    assert_eq!(earlier_step(&[], Step::Review), None);
    assert_eq!(
        earlier_step(&[Items, Email], Step::Details),
        Some(routes::CART)
    );
    assert_eq!(earlier_step(&[Email, Address], Step::Details), None);
    assert_eq!(
        earlier_step(&[Address], Step::Shipping),
        Some(routes::CHECKOUT)
    );
    assert_eq!(earlier_step(&[ShippingMethod], Step::Shipping), None);
    assert_eq!(
        earlier_step(&[ShippingMethod], Step::Review),
        Some(routes::CHECKOUT_SHIPPING)
    );
    assert_eq!(
        earlier_step(&[Address, ShippingMethod], Step::Review),
        Some(routes::CHECKOUT)
    );
}

#[test]
fn an_unpaid_order_is_paid_again_only_if_it_is_what_the_review_shows() {
    let shown = checkout(&[("a", 2), ("b", 1)], 300);
    let pending = OrderStatus::PendingPayment;
    assert!(is_same_purchase(
        &order(&[("b", 1), ("a", 2)], 300, pending),
        &shown
    ));
    assert!(!is_same_purchase(&order(&[("a", 2)], 300, pending), &shown));
    assert!(!is_same_purchase(
        &order(&[("a", 1), ("b", 1)], 300, pending),
        &shown
    ));
    assert!(
        !is_same_purchase(&order(&[("a", 2), ("b", 1)], 270, pending), &shown),
        "a promo or shipping change makes it another purchase"
    );
    let expired = order(&[("a", 2), ("b", 1)], 300, OrderStatus::Expired);
    assert!(!is_same_purchase(&expired, &shown));
}
