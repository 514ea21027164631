//! The limits that keep a wrong, broken or hostile feed from hiding the catalog or exhausting the worker:
//! the archive share, repeated pages, page size, the URL scheme and redirects to another host.

use crate::common::{demo_feed, import_only, serve, settings, sync_feed, sync_with};
use axum::response::Redirect;
use axum::routing::get;
use axum::{Json, Router};
use meridian_jobs::job::is_refusal;
use meridian_jobs::product_sync::{self, supplier, ProductSync, Settings};
use meridian_jobs::publish;
use sqlx::PgPool;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_feed_that_would_archive_too_much_is_refused_unless_forced(pool: PgPool) {
    let full = demo_feed();
    let ctx = import_only(&pool);
    sync_feed(&ctx, full.clone()).await.unwrap();
    let before = publish::snapshot::snapshot(&pool, 0).await.unwrap();

    let mut short = full[..40].to_vec();
    short[0].variants[0].price = "1.00".into();
    let error = sync_feed(&ctx, short.clone()).await.unwrap_err();
    assert!(is_refusal(&error), "not retried: {error:#}");
    assert!(
        format!("{error:#}").contains("would archive 21 of 61 live products"),
        "{error:#}"
    );
    assert_eq!(
        publish::snapshot::snapshot(&pool, 0).await.unwrap(),
        before,
        "nothing changed, not even the price"
    );

    let forced = ProductSync {
        force: true,
        ..ProductSync::new("")
    };
    let run = sync_with(&ctx, &settings(), short, forced).await.unwrap();
    assert_eq!((run.summary.archived, run.summary.updated), (21, 1));
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_supplier_repeating_its_page_is_read_once(pool: PgPool) {
    let page = serde_json::json!({ "products": demo_feed()[..10] });
    // Every `?page=` gets the same products, as from a CDN that leaves the query out of its cache key.
    let url =
        serve(Router::new().route("/products.json", get(move || async move { Json(page) }))).await;
    let run = product_sync::run(&import_only(&pool), &settings(), &ProductSync::new(url))
        .await
        .unwrap();
    assert_eq!(run.summary.created, 10);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_oversized_page_is_refused(pool: PgPool) {
    let url = serve(supplier::router(demo_feed())).await;
    let small = Settings {
        max_page_bytes: 10_000,
        ..settings()
    };
    let error = product_sync::run(&import_only(&pool), &small, &ProductSync::new(url))
        .await
        .unwrap_err();
    assert!(
        is_refusal(&error) && format!("{error}").contains("over 10000 bytes"),
        "{error:#}"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn only_https_or_loopback_feeds_are_read_and_redirects_stay_on_the_host(pool: PgPool) {
    let ctx = import_only(&pool);
    for url in [
        "http://supplier.example",
        "http://169.254.169.254/latest/meta-data",
    ] {
        let error = product_sync::run(&ctx, &settings(), &ProductSync::new(url))
            .await
            .unwrap_err();
        assert!(is_refusal(&error), "{url}: {error:#}");
    }
    let target = serve(supplier::router(demo_feed())).await;
    let elsewhere = format!("{}/products.json", target.replace("127.0.0.1", "localhost"));
    let url = serve(Router::new().route(
        "/products.json",
        get(move || async move { Redirect::temporary(&elsewhere) }),
    ))
    .await;
    let error = product_sync::run(&ctx, &settings(), &ProductSync::new(url))
        .await
        .unwrap_err();
    assert!(
        format!("{error}").contains("307"),
        "the redirect was not followed: {error:#}"
    );
}

#[tokio::test]
async fn a_feed_longer_than_the_page_cap_is_refused() {
    use meridian_jobs::http_client;
    use meridian_jobs::product_sync::fetch::{self, Limits};
    let url = serve(supplier::router(demo_feed())).await;
    let limits = Limits {
        max_pages: 2,
        max_page_bytes: 1 << 20,
        page_size: 25,
    };
    let error = fetch::fetch_all(&http_client(), &fetch::feed_url(&url).unwrap(), limits)
        .await
        .unwrap_err();
    assert!(
        is_refusal(&error) && format!("{error}").contains("more than 2 pages"),
        "{error:#}"
    );
}

/// A supplier that streams a body without a length, forever (at most 64 MiB here).
async fn endless_supplier() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        let chunk = format!("2000\r\n{}\r\n", " ".repeat(0x2000));
        for _ in 0..8192 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return; // The client hung up, as it should.
            }
        }
    });
    format!("http://{addr}")
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_page_without_a_length_is_cut_off_at_the_cap(pool: PgPool) {
    let small = Settings {
        max_page_bytes: 100_000,
        ..settings()
    };
    let url = endless_supplier().await;
    let error = product_sync::run(&import_only(&pool), &small, &ProductSync::new(url))
        .await
        .unwrap_err();
    assert!(
        is_refusal(&error) && format!("{error}").contains("over 100000 bytes"),
        "{error:#}"
    );
}
