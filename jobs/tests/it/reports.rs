//! The daily sales report on a real Postgres into a local directory store: paid orders count on the day
//! their payment arrived, never-paid ones never, refunds on their own day; messy titles survive the CSV;
//! a re-run writes the same bytes.

use chrono::NaiveDate;
use meridian_jobs::job::{is_refusal, Job};
use meridian_jobs::reports::{self, DailyReport, Settings};
use serde_json::json;
use sqlx::PgPool;
use std::collections::HashMap;

const TITLE: &str = "Tee, \"Crème brûlée\"\nEdition ☕";

async fn catalog(pool: &PgPool) {
    sqlx::raw_sql(&format!(
        r#"INSERT INTO categories (slug, name) VALUES ('tees', 'T-Shirts, Tops'), ('bags', 'Bags');
           INSERT INTO products (slug, title, category_id) VALUES
             ('creme-tee', '{}', (SELECT id FROM categories WHERE slug = 'tees')),
             ('tote', 'Tote', (SELECT id FROM categories WHERE slug = 'bags')),
             ('old', 'Old thing', (SELECT id FROM categories WHERE slug = 'bags'));
           UPDATE products SET archived_at = now() WHERE slug = 'old';
           INSERT INTO variants (product_id, sku, title, price_minor, currency, available, position)
           SELECT p.id, v.sku, v.title, v.price, v.currency, v.available, v.position
           FROM (VALUES ('creme-tee', 'CT-S', 'Small', 2500, 'USD', 4, 0),
                        ('creme-tee', 'CT-EU', 'Small (EU)', 2300, 'EUR', 2, 1),
                        ('tote', 'TOTE', 'One size', 3900, 'USD', 5, 0),
                        ('old', 'OLD', 'One size', 100, 'USD', 9, 0))
                AS v(slug, sku, title, price, currency, available, position)
           JOIN products p ON p.slug = v.slug;"#,
        TITLE.replace('\'', "''")
    ))
    .execute(pool)
    .await
    .unwrap();
}

/// An order with `lines` (sku, quantity) and its status history: placed an hour before `paid_at`, paid
/// then (when given), and on to `status`. Returns its id.
#[expect(clippy::too_many_arguments)]
async fn order(
    pool: &PgPool,
    status: &str,
    currency: &str,
    lines: &[(&str, i32)],
    (discount, shipping, tax): (i64, i64, i64),
    tax_label: Option<&str>,
    placed_at: &str,
    paid_at: Option<&str>,
) -> i64 {
    let mut subtotal = 0;
    let mut priced = Vec::new();
    for (sku, qty) in lines {
        let price: i64 = sqlx::query_scalar("SELECT price_minor FROM variants WHERE sku = $1")
            .bind(sku)
            .fetch_one(pool)
            .await
            .unwrap();
        subtotal += price * i64::from(*qty);
        priced.push((*sku, *qty, price));
    }
    let total = subtotal - discount + shipping + tax;
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (token, cart_id, status, email, address, shipping_method, shipping_name, currency,
                             subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor,
                             tax_included, tax_label, expires_at, created_at)
         VALUES ($1, $2, $3, 'ana@example.com', $4, 'standard', 'Standard', $5, $6, $7, $8, $9, $10,
                 false, $11, $12::timestamptz + interval '30 minutes', $12::timestamptz)
         RETURNING id",
    )
    .bind(token)
    .bind(uuid::Uuid::new_v4())
    .bind(status)
    .bind(json!({"name": "Ana"}))
    .bind(currency)
    .bind(subtotal)
    .bind(discount)
    .bind(shipping)
    .bind(tax)
    .bind(total)
    .bind(tax_label)
    .bind(placed_at)
    .fetch_one(pool)
    .await
    .unwrap();
    for (i, (sku, qty, price)) in priced.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, variant_id, sku, product_title, variant_title,
                                      unit_price_minor, quantity, line_total_minor)
             SELECT $1, $2, id, sku, 'frozen title', title, $3, $4, $5 FROM variants WHERE sku = $6",
        )
        .bind(id)
        .bind(i as i32)
        .bind(price)
        .bind(qty)
        .bind(price * i64::from(qty))
        .bind(sku)
        .execute(pool)
        .await
        .unwrap();
    }
    let mut history = vec![(None, "pending_payment", placed_at)];
    if let Some(paid_at) = paid_at {
        history.push((Some("pending_payment"), "paid", paid_at));
        if status != "paid" {
            history.push((Some("paid"), status, paid_at));
        }
    } else if status != "pending_payment" {
        history.push((Some("pending_payment"), status, placed_at));
    }
    for (from, to, at) in history {
        sqlx::query(
            "INSERT INTO order_events (order_id, from_status, to_status, cause, at)
             VALUES ($1, $2, $3, 'test', $4::timestamptz)",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    }
    id
}

async fn refund(pool: &PgPool, order: i64, amount: i64, reason: &str, at: &str) {
    sqlx::query(
        "INSERT INTO refunds (order_id, provider_refund_id, amount_minor, reason, created_at)
         VALUES ($1, $2, $3, $4, $5::timestamptz)",
    )
    .bind(order)
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(amount)
    .bind(reason)
    .bind(at)
    .execute(pool)
    .await
    .unwrap();
}

/// The rows of a CSV file as maps from header to value.
fn rows(bytes: &[u8]) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .map(str::to_owned)
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn int(row: &HashMap<String, String>, column: &str) -> i64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} is not an integer: {row:?}"))
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_days_report_counts_paid_orders_and_refunds_exactly(pool: PgPool) {
    catalog(&pool).await;
    let vat = "VAT, 8% \"standard\"";
    let a = order(
        &pool,
        "partially_refunded",
        "USD",
        &[("CT-S", 2), ("TOTE", 1)],
        (0, 500, 712),
        Some(vat),
        "2026-11-25T09:00:00Z",
        Some("2026-11-25T10:00:00Z"),
    )
    .await;
    refund(
        &pool,
        a,
        1000,
        "Damaged, \"torn\"\nstrap",
        "2026-11-25T15:00:00Z",
    )
    .await;
    order(
        &pool,
        "fulfilled",
        "USD",
        &[("TOTE", 3)],
        (1170, 0, 0),
        None,
        "2026-11-25T23:00:00Z",
        Some("2026-11-25T23:59:59Z"),
    )
    .await;
    order(
        &pool,
        "paid",
        "EUR",
        &[("CT-EU", 1)],
        (0, 0, 0),
        None,
        "2026-11-25T11:00:00Z",
        Some("2026-11-25T12:00:00Z"),
    )
    .await;
    // Never paid: expired and still pending. They must not count.
    order(
        &pool,
        "expired",
        "USD",
        &[("TOTE", 5)],
        (0, 0, 0),
        None,
        "2026-11-25T08:00:00Z",
        None,
    )
    .await;
    order(
        &pool,
        "pending_payment",
        "USD",
        &[("CT-S", 1)],
        (0, 0, 0),
        None,
        "2026-11-25T13:00:00Z",
        None,
    )
    .await;
    // Paid the day before and refunded on the day: a refund of the day, not a sale.
    let f = order(
        &pool,
        "refunded",
        "USD",
        &[("CT-S", 1)],
        (0, 0, 0),
        None,
        "2026-11-24T23:00:00Z",
        Some("2026-11-24T23:59:59Z"),
    )
    .await;
    refund(&pool, f, 2500, "changed mind", "2026-11-25T01:00:00Z").await;
    // Paid at the first second of the next day.
    order(
        &pool,
        "paid",
        "USD",
        &[("TOTE", 1)],
        (0, 0, 0),
        None,
        "2026-11-25T23:30:00Z",
        Some("2026-11-26T00:00:00Z"),
    )
    .await;

    let dir = std::env::temp_dir().join(format!("meridian-report-{}", uuid::Uuid::new_v4()));
    let store = meridian_runtime::objects::open(&format!("file://{}", dir.display())).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    // The job as the worker runs it; without a store it refuses (a retry cannot help).
    let ctx = crate::common::import_only(&pool);
    let job = DailyReport { date };
    let off = job.run(&ctx, &Settings { store: None }).await.unwrap_err();
    assert!(is_refusal(&off), "{off:#}");
    let settings = Settings {
        store: Some(store.clone()),
    };
    job.run(&ctx, &settings).await.unwrap();
    let written = reports::run(&pool, &store, date).await.unwrap();
    assert_eq!(written.len(), meridian_domain::reports::FILES.len());
    let file = |name: &str| std::fs::read(dir.join("reports/daily/2026-11-25").join(name)).unwrap();

    let orders = rows(&file("orders.csv"));
    assert_eq!(orders.len(), 3, "{orders:?}");
    let summary = rows(&file("summary.csv"));
    let usd = summary.iter().find(|r| r["currency"] == "USD").unwrap();
    let usd_orders: Vec<_> = orders.iter().filter(|o| o["currency"] == "USD").collect();
    assert_eq!(
        int(usd, "gross_minor"),
        usd_orders
            .iter()
            .map(|o| int(o, "total_minor"))
            .sum::<i64>()
    );
    assert_eq!(
        (
            int(usd, "orders"),
            int(usd, "units"),
            int(usd, "subtotal_minor"),
            int(usd, "discount_minor")
        ),
        (2, 6, 20600, 1170)
    );
    assert_eq!(
        (
            int(usd, "shipping_minor"),
            int(usd, "tax_minor"),
            int(usd, "gross_minor")
        ),
        (500, 712, 20642)
    );
    assert_eq!(
        (
            int(usd, "refunds"),
            int(usd, "refunded_minor"),
            int(usd, "net_minor")
        ),
        (2, 3500, 17142)
    );
    let eur = summary.iter().find(|r| r["currency"] == "EUR").unwrap();
    assert_eq!(
        (
            int(eur, "orders"),
            int(eur, "gross_minor"),
            int(eur, "refunds")
        ),
        (1, 2300, 0)
    );

    let refunds = rows(&file("refunds.csv"));
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[1]["reason"], "Damaged, \"torn\"\nstrap");
    let taxes = rows(&file("taxes.csv"));
    let vat_row = taxes.iter().find(|t| t["tax_label"] == vat).unwrap();
    assert_eq!(
        (int(vat_row, "orders"), int(vat_row, "tax_minor")),
        (1, 712)
    );

    let products = rows(&file("sales-by-product.csv"));
    let sold = |slug: &str, currency: &str| {
        let row = products
            .iter()
            .find(|r| r["product_slug"] == slug && r["currency"] == currency)
            .unwrap();
        (
            row["product_title"].clone(),
            int(row, "orders"),
            int(row, "units"),
            int(row, "revenue_minor"),
        )
    };
    assert_eq!(sold("creme-tee", "USD"), (TITLE.to_owned(), 1, 2, 5000));
    assert_eq!(sold("creme-tee", "EUR"), (TITLE.to_owned(), 1, 1, 2300));
    assert_eq!(sold("tote", "USD"), ("Tote".to_owned(), 2, 4, 15600));
    let categories = rows(&file("sales-by-category.csv"));
    let bags = categories
        .iter()
        .find(|r| r["category_slug"] == "bags")
        .unwrap();
    assert_eq!((int(bags, "units"), int(bags, "revenue_minor")), (4, 15600));
    assert_eq!(
        categories
            .iter()
            .find(|r| r["category_slug"] == "tees")
            .unwrap()["category_name"],
        "T-Shirts, Tops"
    );
    let top = rows(&file("top-sellers.csv"));
    let ranked: Vec<(&str, &str)> = top
        .iter()
        .map(|r| (r["product_slug"].as_str(), r["currency"].as_str()))
        .collect();
    assert_eq!(
        ranked,
        [("tote", "USD"), ("creme-tee", "USD"), ("creme-tee", "EUR")]
    );

    let stock = rows(&file("stock-value.csv"));
    let values: Vec<(&str, &str, i64)> = stock
        .iter()
        .map(|r| {
            (
                r["sku"].as_str(),
                r["currency"].as_str(),
                int(r, "value_minor"),
            )
        })
        .collect();
    assert_eq!(
        values,
        [
            ("CT-S", "USD", 10000),
            ("CT-EU", "EUR", 4600),
            ("TOTE", "USD", 19500)
        ],
        "archived stock is not counted"
    );

    // A re-run of the day overwrites the same keys with the same bytes.
    let before: Vec<Vec<u8>> = meridian_domain::reports::FILES
        .iter()
        .map(|f| file(f))
        .collect();
    reports::run(&pool, &store, date).await.unwrap();
    let after: Vec<Vec<u8>> = meridian_domain::reports::FILES
        .iter()
        .map(|f| file(f))
        .collect();
    assert_eq!(before, after);
    // A day without sales still gets every file, with headers only.
    let empty = reports::run(&pool, &store, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        .await
        .unwrap();
    assert!(empty
        .iter()
        .all(|(key, size)| key.starts_with("reports/daily/2026-01-01/") && *size > 0));
    std::fs::remove_dir_all(dir).unwrap();
}
