//! Zero oversell: 200 buyers check out and pay for a variant with 10 in stock, all at once. Exactly 10
//! orders are placed and paid, the stock ends at 0 and never goes below, every other buyer is told it sold
//! out, and nothing is half-written (no order without its lines, no stray stock movement).

use crate::shop::open;
use axum::http::StatusCode;
use sqlx::PgPool;

const BUYERS: usize = 200;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn two_hundred_buyers_ten_units_ten_paid_orders(pool: PgPool) {
    let shop = std::sync::Arc::new(open(pool).await);
    assert_eq!(shop.stock("LAST").await, 10);
    // Every buyer has a complete checkout before the race starts.
    let mut carts = Vec::with_capacity(BUYERS);
    for i in 0..BUYERS {
        carts.push(
            shop.buyer("LAST", 1, &format!("buyer{i}@example.com"))
                .await,
        );
    }
    let attempts = carts.into_iter().map(|cart| {
        let shop = shop.clone();
        tokio::spawn(async move {
            let (status, body) = shop.place(&cart, &uuid::Uuid::new_v4().to_string()).await;
            if status != StatusCode::CREATED {
                return Err((status, body));
            }
            let token = body["token"].as_str().unwrap().to_owned();
            let session = shop.session(&token).await;
            shop.psp.pay(&session, "4242424242424242").await.unwrap();
            Ok(token)
        })
    });
    let results = futures_util::future::join_all(attempts).await;
    let mut paid = Vec::new();
    for result in results {
        match result.unwrap() {
            Ok(token) => paid.push(token),
            Err((status, body)) => {
                assert_eq!(status, StatusCode::CONFLICT, "{body}");
                assert_eq!(body["error"], "sold_out");
                assert_eq!(body["message"], "Sorry, last lamp (Size 0) has sold out.");
            }
        }
    }
    assert_eq!(paid.len(), 10);
    for token in &paid {
        shop.wait_status(token, "paid").await;
    }
    assert_eq!(shop.stock("LAST").await, 0);
    assert_eq!(shop.count("SELECT count(*) FROM orders").await, 10);
    assert_eq!(
        shop.count("SELECT count(*) FROM orders WHERE status = 'paid'")
            .await,
        10
    );
    assert_eq!(
        shop.count("SELECT count(*) FROM order_lines").await,
        10,
        "every order has its line"
    );
    assert_eq!(
        shop.count("SELECT coalesce(sum(quantity), 0) FROM order_lines WHERE sku = 'LAST'")
            .await,
        10
    );
    println!(
        "contention: {BUYERS} buyers, 10 units → {} paid, 0 oversold",
        paid.len()
    );
}
