//! Real Shopify feeds never stop the catalog: a fixture with every oddity real stores have (empty, null
//! and shared SKUs, twin titles, non-ASCII and emoji handles, no images, zero prices, odd compare-at
//! prices, quoted option names, over-long values, 20 variants, sold-out products, Shopify's
//! "Default Title", broken prices, markup, an unreadable product, more than one page of 250) is synced twice
//! through the supplier stand-in over HTTP, and other currencies are priced with their own minor units.

use crate::common::{import_only, serve, settings};
use meridian_domain::Currency;
use meridian_jobs::product_sync::{self, supplier, ProductSync};
use meridian_store::catalog::runs::SkipReason;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::BTreeMap;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/real_world.json"
);

/// The fixture plus a product with 20 variants and enough plain products to need a second page.
fn real_world_feed() -> Vec<Value> {
    let mut feed = supplier::load_feed_json(FIXTURE.as_ref()).unwrap();
    let sizes: Vec<String> = (1..=20).map(|i| format!("Size {i}")).collect();
    let variants: Vec<Value> = sizes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({"id": 910_000 + i, "title": s, "option1": s, "sku": format!("MANY-{i}"),
                             "available": true, "price": "5.00", "position": i + 1})
        })
        .collect();
    feed.push(
        json!({"id": 9100, "title": "Many Sizes", "handle": "many-sizes", "product_type": "Things",
                     "options": [{"name": "Size", "values": sizes}], "variants": variants}),
    );
    for i in 0..250 {
        let id = 100_000 + i;
        feed.push(json!({"id": id, "title": format!("Filler {i}"), "handle": format!("filler-{i}"),
                         "variants": [{"id": id * 10, "title": "One", "option1": "One",
                                       "sku": format!("FILL-{i}"), "available": true, "price": "1.00"}]}));
    }
    feed
}

type Keys = BTreeMap<i64, (String, String)>;

/// Every variant's (product slug, SKU) by supplier variant id.
async fn keys(pool: &PgPool) -> Keys {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT v.external_id, p.slug, v.sku FROM variants v JOIN products p ON p.id = v.product_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, slug, sku)| (id, (slug, sku)))
        .collect()
}

async fn fingerprint(pool: &PgPool) -> Value {
    sqlx::query_scalar(
        "SELECT json_build_array((SELECT count(*) FROM products), (SELECT count(*) FROM variants),
                (SELECT count(*) FROM categories), (SELECT max(updated_at)::text FROM products),
                (SELECT max(updated_at)::text FROM variants))",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_real_world_feed_imports_twice_with_the_same_keys(pool: PgPool) {
    let url = serve(supplier::router_json(real_world_feed())).await;
    let ctx = import_only(&pool);
    let job = ProductSync::new(url);
    let first = product_sync::run(&ctx, &settings(), &job).await.unwrap();
    let (keys_first, print_first) = (keys(&pool).await, fingerprint(&pool).await);
    let second = product_sync::run(&ctx, &settings(), &job).await.unwrap();
    assert_eq!(
        fingerprint(&pool).await,
        print_first,
        "the second run wrote no row"
    );
    assert_eq!(
        keys(&pool).await,
        keys_first,
        "same slugs and SKUs both times"
    );
    let imported = 17 + 1 + 250;
    assert_eq!(
        (first.summary.created, first.summary.archived),
        (imported, 0)
    );
    assert_eq!(
        (second.summary.unchanged, second.summary.updated),
        (imported, 0)
    );
    assert_eq!(
        first.skipped_reasons, second.skipped_reasons,
        "the same skips both times"
    );
    let skipped: Vec<(i64, Option<i64>)> = first
        .skipped_reasons
        .iter()
        .filter(|r| !r.reason.contains("shortened"))
        .map(|r| (r.product_id, r.variant_id))
        .collect();
    assert_eq!(first.skipped, 5, "{:#?}", first.skipped_reasons);
    for expected in [
        (0, None),
        (9016, None),
        (9019, None),
        (9020, None),
        (9015, Some(901_502)),
    ] {
        assert!(
            skipped.contains(&expected),
            "{expected:?} skipped: {skipped:?}"
        );
    }
    let recorded: Value =
        sqlx::query_scalar("SELECT skipped_reasons FROM sync_runs ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let recorded: Vec<SkipReason> = serde_json::from_value(recorded).unwrap();
    assert_eq!(
        recorded, first.skipped_reasons,
        "the reasons are on the run's record"
    );

    let sku = |id: i64| keys_first[&id].1.clone();
    let slug = |id: i64| keys_first[&id].0.clone();
    assert_eq!(
        [sku(900_101), sku(900_102), sku(900_103)],
        ["SUP-900101", "SUP-900102", "SUP-900103"]
    );
    assert_eq!(
        [sku(900_201), sku(900_202), sku(900_301)],
        ["SUP-900201", "SUP-900202", "SUP-900301"]
    );
    assert_eq!(
        (sku(900_401), sku(900_501)),
        ("TWIN-A".into(), "TWIN-B".into())
    );
    assert_eq!(
        (slug(900_601), slug(900_701)),
        ("creme-brulee".into(), "creme-brulee-9007".into())
    );
    assert_eq!(slug(900_801), "product-9008");
    assert_eq!(slug(900_901), "strasse-grosse-smorrebrod");
    assert_eq!(keys_first.len(), 22 + 20 + 250, "every importable variant");
    let supplier_skus: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT supplier_sku FROM variants WHERE external_id IN (900101, 900201, 900401) ORDER BY external_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        supplier_skus,
        [None, Some("DUP-1".into()), Some("TWIN-A".into())],
        "the supplier's own SKUs"
    );
    check_product_details(&pool).await;
}

/// What the storefront will read for the oddest products.
async fn check_product_details(pool: &PgPool) {
    let row = |slug: &'static str| async move {
        sqlx::query_as::<_, (String, String, Value, Vec<String>)>(
            "SELECT title, description, options, tags FROM products WHERE slug = $1",
        )
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let (_, _, options, _) = row("just-the-thing").await;
    assert_eq!(
        options,
        json!([]),
        "Shopify's Default Title means no options"
    );
    let variant_options: Vec<String> =
        sqlx::query_scalar("SELECT options FROM variants WHERE external_id = 901401")
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(variant_options.is_empty());
    let (_, description, _, _) = row("markup-entities").await;
    assert!(
        description.starts_with("Soft & warm\n\nLine one\nline two\n\n• First\n• Second"),
        "{description:.80}"
    );
    assert!(!description.contains('<') && description.chars().count() <= 5000);
    let (title, _, _, tags) = row("long-title").await;
    assert!(title.chars().count() <= 255 && title.ends_with('…'));
    assert_eq!(tags, ["alpha", "beta"]);
    let (_, _, options, _) = row("quoted-options").await;
    assert_eq!(options[0]["name"], "Size \"EU\"");
    assert!(options[1]["values"][0].as_str().unwrap().chars().count() <= 100);
    let stock: Vec<i32> = sqlx::query_scalar(
        "SELECT available FROM variants WHERE external_id IN (901301, 901302, 901001) ORDER BY external_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        stock,
        [7, 0, 0],
        "the free sample is stocked, sold-out variants are not"
    );
    let category: String =
        sqlx::query_scalar("SELECT name FROM categories WHERE slug = 'cafe-kuche'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        category, "Café & Küche",
        "one spelling per category: the lowest product id's"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn prices_use_the_feeds_currency_and_its_minor_units(pool: PgPool) {
    let feed = |price: &str| {
        vec![json!({"id": 1, "title": "Tea", "handle": "tea",
                    "variants": [{"id": 11, "title": "One", "price": price, "available": true}]})]
    };
    let ctx = import_only(&pool);
    for (currency, price, minor) in [
        (Currency::JPY, "1500.00", 1500),
        (Currency::KWD, "1.500", 1500),
    ] {
        let url = serve(supplier::router_json(feed(price))).await;
        let job = ProductSync {
            currency: Some(currency),
            ..ProductSync::new(url)
        };
        product_sync::run(&ctx, &settings(), &job).await.unwrap();
        let stored: (i64, String) =
            sqlx::query_as("SELECT price_minor, currency FROM variants WHERE external_id = 11")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(stored, (minor, currency.code().to_owned()));
    }
    let url = serve(supplier::router_json(feed("1500.50"))).await;
    let job = ProductSync {
        currency: Some(Currency::JPY),
        ..ProductSync::new(url)
    };
    let run = product_sync::run(&ctx, &settings(), &job).await.unwrap();
    assert_eq!(
        run.skipped, 1,
        "half a yen is not a price: {:?}",
        run.skipped_reasons
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_sku_or_slug_never_moves_to_another_product(pool: PgPool) {
    let product = |id: i64, handle: &str, sku: &str| {
        json!({"id": id, "title": "Tee", "handle": handle,
               "variants": [{"id": id * 10, "title": "One", "sku": sku, "price": "1.00", "available": true}]})
    };
    let ctx = import_only(&pool);
    let forced = ProductSync {
        force: true,
        ..ProductSync::new("")
    };
    let mut runs = Vec::new();
    for feed in [
        vec![product(1, "tee", "X"), product(3, "other", "Y")],
        // The supplier re-creates the tee as product 2 with the same handle and SKU, keeping the old one.
        vec![
            product(1, "tee", "X"),
            product(2, "tee", "X"),
            product(3, "other", "Y"),
        ],
        // Then drops the old one (archived, still in carts).
        vec![product(2, "tee", "X"), product(3, "other", "Y")],
    ] {
        let url = serve(supplier::router_json(feed)).await;
        let job = ProductSync {
            feed_url: url,
            ..forced.clone()
        };
        product_sync::run(&ctx, &settings(), &job).await.unwrap();
        runs.push(keys(&pool).await);
    }
    let expected_first: Keys = [
        (10, ("tee".into(), "X".into())),
        (30, ("other".into(), "Y".into())),
    ]
    .into();
    assert_eq!(runs[0], expected_first);
    assert_eq!(
        runs[1][&10],
        ("tee".into(), "X".into()),
        "the first holder keeps both"
    );
    assert_eq!(runs[1][&20], ("tee-2".into(), "SUP-20".into()));
    assert_eq!(
        runs[2], runs[1],
        "nothing moves to product 2 once product 1 is archived"
    );
}
