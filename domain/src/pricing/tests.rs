use super::*;
use crate::money::Currency;
use crate::promo::{Promo, PromoKind};

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn promo(kind: PromoKind) -> Promo {
    Promo {
        code: "X".into(),
        kind,
        min_subtotal: None,
        starts_at: None,
        ends_at: None,
        usage_limit: None,
        per_email_limit: None,
    }
}

fn rate(per_million: u32) -> TaxRate {
    TaxRate {
        country: "US".into(),
        region: Some("NY".into()),
        name: "Sales tax (NY)".into(),
        per_million,
    }
}

fn input<'a>(
    subtotal: i64,
    shipping: i64,
    promo: Option<&'a Promo>,
    tax: Option<&'a TaxRate>,
    inclusive: bool,
) -> PriceInput<'a> {
    PriceInput {
        subtotal: usd(subtotal),
        shipping: Some(usd(shipping)),
        promo,
        tax,
        prices_include_tax: inclusive,
    }
}

#[test]
fn tax_is_added_once_on_the_discounted_order_plus_shipping() {
    let ny = rate(88_750);
    let ten = promo(PromoKind::Percentage { basis_points: 1000 });
    let t = price(input(189_500, 1_000, Some(&ten), Some(&ny), false)).unwrap();
    assert_eq!(t.discount, usd(18_950));
    // (189500 - 18950 + 1000) × 8.875 % = 15225.06… → 15225
    assert_eq!(t.tax, usd(15_225));
    assert_eq!(t.total, usd(189_500 - 18_950 + 1_000 + 15_225));
    assert_eq!(t.tax_label.as_deref(), Some("Sales tax (NY) 8.875 %"));
}

#[test]
fn included_tax_is_carved_out_and_the_total_is_unchanged() {
    let vat = TaxRate {
        country: "GB".into(),
        region: None,
        name: "VAT".into(),
        per_million: 200_000,
    };
    let t = price(input(1_200, 0, None, Some(&vat), true)).unwrap();
    assert_eq!((t.tax, t.total), (usd(200), usd(1_200)));
    // 999 / 1.2 = 832.5 → 833 net, so 166 of tax.
    assert_eq!(
        price(input(999, 0, None, Some(&vat), true)).unwrap().tax,
        usd(166)
    );
}

#[test]
fn halves_round_away_from_zero() {
    let half = promo(PromoKind::Percentage { basis_points: 5000 });
    assert_eq!(
        price(input(1, 0, Some(&half), None, false))
            .unwrap()
            .discount,
        usd(1)
    );
    assert_eq!(scale_round(-5, 1, 10).unwrap(), -1);
    assert_eq!(scale_round(14, 1, 10).unwrap(), 1);
}

#[test]
fn fixed_discounts_stop_at_the_subtotal_and_free_shipping_zeroes_shipping() {
    let big = promo(PromoKind::FixedAmount {
        amount: usd(10_000),
    });
    let t = price(input(2_500, 700, Some(&big), None, false)).unwrap();
    assert_eq!((t.discount, t.total), (usd(2_500), usd(700)));
    let free = promo(PromoKind::FreeShipping);
    let t = price(input(2_500, 700, Some(&free), None, false)).unwrap();
    assert_eq!(
        (t.shipping, t.discount, t.total),
        (usd(0), usd(0), usd(2_500))
    );
    let eur = promo(PromoKind::FixedAmount {
        amount: Money::new(5, Currency::EUR),
    });
    assert!(price(input(2_500, 0, Some(&eur), None, false)).is_err());
}

#[test]
fn zero_decimal_currencies_round_to_whole_yen() {
    let jp = TaxRate {
        country: "JP".into(),
        region: None,
        name: "Consumption tax".into(),
        per_million: 100_000,
    };
    let t = price(PriceInput {
        subtotal: Money::new(1_505, Currency::JPY),
        shipping: None,
        promo: None,
        tax: Some(&jp),
        prices_include_tax: false,
    })
    .unwrap();
    assert_eq!((t.tax.minor, t.total.minor), (151, 1_656));
    assert_eq!(t.total.to_string(), "¥1,656");
}

#[test]
fn promo_checks_window_minimum_and_currency() {
    let mut p = promo(PromoKind::Percentage { basis_points: 1500 });
    p.min_subtotal = Some(usd(5_000));
    p.starts_at = Some(100);
    p.ends_at = Some(200);
    use crate::promo::PromoRefusal::*;
    assert_eq!(p.check(usd(5_000), 99), Err(NotStarted));
    assert_eq!(p.check(usd(5_000), 200), Err(Ended));
    assert_eq!(
        p.check(usd(4_999), 150),
        Err(BelowMinimum {
            minimum: usd(5_000)
        })
    );
    assert_eq!(
        p.check(Money::new(9_999, Currency::EUR), 150),
        Err(WrongCurrency)
    );
    assert_eq!(p.check(usd(5_000), 100), Ok(()));
    assert_eq!(p.summary(), "15 % off");
    assert_eq!(
        BelowMinimum {
            minimum: usd(5_000)
        }
        .to_string(),
        "That code needs a subtotal of at least $50.00."
    );
}
