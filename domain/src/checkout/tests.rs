use super::*;
use crate::money::{Currency, Money};
use crate::promo::{Promo, PromoKind};
use crate::settings::{ShippingMethod, ShippingZone, StoreSettings, TaxRate};
use crate::UnpricedLine;

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn settings() -> StoreSettings {
    StoreSettings {
        prices_include_tax: false,
        tax_rates: vec![TaxRate {
            country: "US".into(),
            region: Some("NY".into()),
            name: "Sales tax".into(),
            per_million: 88_750,
        }],
        shipping_zones: vec![ShippingZone {
            name: "Domestic".into(),
            countries: vec!["US".into()],
            methods: vec![
                ShippingMethod {
                    code: "standard".into(),
                    name: "Standard".into(),
                    prices: vec![usd(500)],
                    free_over: vec![usd(10_000)],
                },
                ShippingMethod {
                    code: "express".into(),
                    name: "Express".into(),
                    prices: vec![usd(1_500)],
                    free_over: vec![],
                },
            ],
        }],
        promo_codes: vec![],
    }
}

fn cart(minor: i64) -> Cart {
    let line = UnpricedLine {
        sku: "A".into(),
        product_slug: "a".into(),
        product_title: "A".into(),
        variant_title: "Default".into(),
        image: None,
        unit_price: usd(minor),
        quantity: 1,
    };
    Cart::price(uuid::Uuid::nil(), vec![line]).unwrap()
}

fn ny() -> Address {
    Address {
        country: "US".into(),
        region: "NY".into(),
        ..Address::default()
    }
}

#[test]
fn a_complete_checkout_has_every_amount_and_nothing_missing() {
    let state = CheckoutState {
        email: Some("a@b.co".into()),
        address: Some(ny()),
        shipping_method: Some("express".into()),
        promo: None,
    };
    let c = assemble(cart(2_000), state, &settings(), 0).unwrap();
    assert!(c.missing.is_empty());
    let t = c.totals.unwrap();
    // (2000 + 1500) × 8.875 % = 310.6 → 311
    assert_eq!(
        (t.shipping, t.tax, t.total),
        (usd(1_500), usd(311), usd(3_811))
    );
    assert_eq!(c.countries[0].code, "US");
}

#[test]
fn the_free_shipping_threshold_counts_the_discounted_subtotal() {
    let promo = Promo {
        code: "TEN".into(),
        kind: PromoKind::Percentage { basis_points: 1000 },
        min_subtotal: None,
        starts_at: None,
        ends_at: None,
        usage_limit: None,
        per_email_limit: None,
    };
    let state = CheckoutState {
        address: Some(ny()),
        shipping_method: Some("standard".into()),
        promo: Some(("TEN".into(), Some(promo))),
        ..CheckoutState::default()
    };
    let c = assemble(cart(10_500), state, &settings(), 0).unwrap();
    assert_eq!(
        c.shipping_options[0].price,
        usd(500),
        "9450 after discount: not free"
    );
    assert_eq!(c.missing, [Missing::Email]);
    assert_eq!(c.promo.unwrap().summary, "10 % off");
}

#[test]
fn a_code_that_no_longer_applies_is_kept_with_the_reason_and_a_vanished_method_is_unchosen() {
    let state = CheckoutState {
        address: Some(Address {
            country: "US".into(),
            region: "CA".into(),
            ..Address::default()
        }),
        shipping_method: Some("overnight".into()),
        promo: Some(("GONE".into(), None)),
        ..CheckoutState::default()
    };
    let c = assemble(cart(100), state, &settings(), 0).unwrap();
    assert_eq!(
        c.promo_problem.as_deref(),
        Some("GONE: We do not recognise that code.")
    );
    assert_eq!(c.shipping_method, None);
    assert!(c.missing.contains(&Missing::ShippingMethod));
    assert_eq!(
        c.totals.unwrap().tax,
        usd(0),
        "no rate for CA in this table"
    );
}

#[test]
fn the_demo_store_settings_are_valid() {
    let demo: StoreSettings =
        serde_json::from_str(include_str!("../../../demo/store.json")).unwrap();
    demo.validate().unwrap();
    assert!(demo.ships_to().contains(&"US"));
    assert!(demo.promo_codes.iter().any(|p| p.code == "WELCOME10"));
}
