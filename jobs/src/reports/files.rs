//! The report's CSV files, built from the rows `meridian_store::reports` reads. Pure: the same rows give
//! the same bytes, which is what makes a re-run overwrite a day's files with identical ones. Money is
//! integer minor units next to a currency column; the `csv` crate quotes what needs it (commas, quotes,
//! line breaks in titles and reasons).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use meridian_store::reports::{PaidOrder, ProductSales, Refund, StockValue};
use std::collections::BTreeMap;

/// How many products the top-sellers file ranks.
pub const TOP_SELLERS: usize = 10;

/// Everything one day's report is made of.
#[derive(Debug, Clone, Default)]
pub struct Day {
    pub orders: Vec<PaidOrder>,
    pub refunds: Vec<Refund>,
    pub products: Vec<ProductSales>,
    pub stock: Vec<StockValue>,
}

/// Every file of the report of `date`: (name, contents), in `meridian_domain::reports::FILES` order.
pub fn build(date: NaiveDate, day: &Day) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let date = date.format("%Y-%m-%d").to_string();
    Ok(vec![
        ("summary.csv", summary(&date, day)?),
        ("orders.csv", orders(&day.orders)?),
        ("refunds.csv", refunds(&day.refunds)?),
        ("taxes.csv", taxes(&date, &day.orders)?),
        ("sales-by-category.csv", categories(&date, &day.products)?),
        ("sales-by-product.csv", products(&date, &day.products)?),
        ("top-sellers.csv", top_sellers(&day.products)?),
        ("stock-value.csv", stock(&day.stock)?),
    ])
}

fn write(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header)?;
    for row in rows {
        out.write_record(&row)?;
    }
    out.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One currency's day: orders paid and their amounts, refunds made.
#[derive(Default)]
struct Totals {
    orders: i64,
    units: i64,
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    gross: i64,
    refunds: i64,
    refunded: i64,
}

/// One line per currency: orders paid, their amounts, refunds made, and what stays (gross − refunds).
fn summary(date: &str, day: &Day) -> anyhow::Result<Vec<u8>> {
    let mut by_currency: BTreeMap<&str, Totals> = BTreeMap::new();
    for o in &day.orders {
        let t = by_currency.entry(&o.currency).or_default();
        t.orders += 1;
        t.units += o.units;
        t.subtotal += o.subtotal_minor;
        t.discount += o.discount_minor;
        t.shipping += o.shipping_minor;
        t.tax += o.tax_minor;
        t.gross += o.total_minor;
    }
    for r in &day.refunds {
        let t = by_currency.entry(&r.currency).or_default();
        t.refunds += 1;
        t.refunded += r.amount_minor;
    }
    let header = [
        "date",
        "currency",
        "orders",
        "units",
        "subtotal_minor",
        "discount_minor",
        "shipping_minor",
        "tax_minor",
        "gross_minor",
        "refunds",
        "refunded_minor",
        "net_minor",
    ];
    let rows = by_currency.iter().map(|(currency, t)| {
        let amounts = [
            t.orders,
            t.units,
            t.subtotal,
            t.discount,
            t.shipping,
            t.tax,
            t.gross,
            t.refunds,
            t.refunded,
            t.gross - t.refunded,
        ];
        let mut row = vec![date.to_owned(), (*currency).to_owned()];
        row.extend(amounts.iter().map(i64::to_string));
        row
    });
    write(&header, rows)
}

fn orders(orders: &[PaidOrder]) -> anyhow::Result<Vec<u8>> {
    let header = [
        "number",
        "paid_at",
        "status",
        "currency",
        "units",
        "subtotal_minor",
        "discount_minor",
        "shipping_minor",
        "tax_minor",
        "total_minor",
    ];
    let rows = orders.iter().map(|o| {
        vec![
            o.number.clone(),
            time(o.paid_at),
            o.status.clone(),
            o.currency.clone(),
            o.units.to_string(),
            o.subtotal_minor.to_string(),
            o.discount_minor.to_string(),
            o.shipping_minor.to_string(),
            o.tax_minor.to_string(),
            o.total_minor.to_string(),
        ]
    });
    write(&header, rows)
}

fn refunds(refunds: &[Refund]) -> anyhow::Result<Vec<u8>> {
    let header = [
        "refunded_at",
        "number",
        "currency",
        "amount_minor",
        "reason",
    ];
    let rows = refunds.iter().map(|r| {
        vec![
            time(r.refunded_at),
            r.number.clone(),
            r.currency.clone(),
            r.amount_minor.to_string(),
            r.reason.clone(),
        ]
    });
    write(&header, rows)
}

/// Tax collected per currency and tax (label, and whether prices included it).
fn taxes(date: &str, orders: &[PaidOrder]) -> anyhow::Result<Vec<u8>> {
    let mut by_tax: BTreeMap<(&str, &str, bool), (i64, i64, i64)> = BTreeMap::new();
    for o in orders {
        let label = o.tax_label.as_deref().unwrap_or("");
        let t = by_tax
            .entry((&o.currency, label, o.tax_included))
            .or_default();
        *t = (t.0 + 1, t.1 + o.total_minor, t.2 + o.tax_minor);
    }
    let header = [
        "date",
        "currency",
        "tax_label",
        "tax_included",
        "orders",
        "total_minor",
        "tax_minor",
    ];
    let rows = by_tax
        .iter()
        .map(|((currency, label, included), (n, total, tax))| {
            vec![
                date.to_owned(),
                (*currency).to_owned(),
                (*label).to_owned(),
                included.to_string(),
                n.to_string(),
                total.to_string(),
                tax.to_string(),
            ]
        });
    write(&header, rows)
}

fn categories(date: &str, products: &[ProductSales]) -> anyhow::Result<Vec<u8>> {
    // (slug, currency) → (name, units, revenue); orders are not summed: one order can hold two products
    // of a category, so the category's order count would be wrong.
    let mut by_category: BTreeMap<(&str, &str), (&str, i64, i64)> = BTreeMap::new();
    for p in products {
        let c = by_category
            .entry((&p.category_slug, &p.currency))
            .or_insert((&p.category_name, 0, 0));
        c.1 += p.units;
        c.2 += p.revenue_minor;
    }
    let header = [
        "date",
        "category_slug",
        "category_name",
        "currency",
        "units",
        "revenue_minor",
    ];
    let rows = by_category
        .iter()
        .map(|((slug, currency), (name, units, revenue))| {
            vec![
                date.to_owned(),
                (*slug).to_owned(),
                (*name).to_owned(),
                (*currency).to_owned(),
                units.to_string(),
                revenue.to_string(),
            ]
        });
    write(&header, rows)
}

fn products(date: &str, products: &[ProductSales]) -> anyhow::Result<Vec<u8>> {
    let header = [
        "date",
        "product_slug",
        "product_title",
        "category_slug",
        "currency",
        "orders",
        "units",
        "revenue_minor",
    ];
    let mut sorted: Vec<&ProductSales> = products.iter().collect();
    sorted.sort_by(|a, b| (&a.product_slug, &a.currency).cmp(&(&b.product_slug, &b.currency)));
    let rows = sorted.into_iter().map(|p| {
        vec![
            date.to_owned(),
            p.product_slug.clone(),
            p.product_title.clone(),
            p.category_slug.clone(),
            p.currency.clone(),
            p.orders.to_string(),
            p.units.to_string(),
            p.revenue_minor.to_string(),
        ]
    });
    write(&header, rows)
}

/// The best sellers by units (then revenue, then slug, so ties always rank the same way).
fn top_sellers(products: &[ProductSales]) -> anyhow::Result<Vec<u8>> {
    let mut ranked: Vec<&ProductSales> = products.iter().collect();
    ranked.sort_by(|a, b| {
        (b.units, b.revenue_minor, &a.product_slug, &a.currency).cmp(&(
            a.units,
            a.revenue_minor,
            &b.product_slug,
            &b.currency,
        ))
    });
    let header = [
        "rank",
        "product_slug",
        "product_title",
        "currency",
        "units",
        "revenue_minor",
    ];
    let rows = ranked
        .into_iter()
        .take(TOP_SELLERS)
        .enumerate()
        .map(|(i, p)| {
            vec![
                (i + 1).to_string(),
                p.product_slug.clone(),
                p.product_title.clone(),
                p.currency.clone(),
                p.units.to_string(),
                p.revenue_minor.to_string(),
            ]
        });
    write(&header, rows)
}

fn stock(stock: &[StockValue]) -> anyhow::Result<Vec<u8>> {
    let header = [
        "sku",
        "product_slug",
        "product_title",
        "variant_title",
        "currency",
        "available",
        "price_minor",
        "value_minor",
    ];
    let rows = stock.iter().map(|s| {
        vec![
            s.sku.clone(),
            s.product_slug.clone(),
            s.product_title.clone(),
            s.variant_title.clone(),
            s.currency.clone(),
            s.available.to_string(),
            s.price_minor.to_string(),
            s.value_minor.to_string(),
        ]
    });
    write(&header, rows)
}
