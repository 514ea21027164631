//! Supplier images imported into a local-directory object store, on a real Postgres, fetched over HTTP
//! from the supplier stand-in: both sizes at the right widths and never upscaled, nothing fetched twice, a
//! changed URL imported again, bad answers skipped with their reasons while the rest import, and the
//! published documents naming `/images/…` and never the supplier.

use crate::common::{import_only, serve, settings, sync_with};
use image::{ImageFormat, RgbImage, RgbaImage};
use meridian_domain::images::key;
use meridian_jobs::images::{self, standin, Imported};
use meridian_jobs::product_sync::{shopify, ProductSync};
use meridian_jobs::publish::snapshot::snapshot;
use meridian_runtime::objects::Objects;
use meridian_store::images::records;
use object_store::path::Path;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::io::Cursor;

/// An image whose pixels vary, so its encodings are real work and its digest is its own.
fn picture(width: u32, height: u32, format: ImageFormat, seed: u8) -> Vec<u8> {
    let rgb = RgbImage::from_fn(width, height, |x, y| {
        let v = |n: u32| u8::try_from(n % 256).unwrap();
        image::Rgb([v(x + u32::from(seed)), v(y), v(x ^ y)])
    });
    let mut out = Cursor::new(Vec::new());
    rgb.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A PNG of pseudo-random noise: it does not compress, so it is as large as its pixels.
fn noise(side: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn transparent(width: u32, height: u32) -> Vec<u8> {
    let img = RgbaImage::from_pixel(width, height, image::Rgba([0, 90, 0, 0]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))[..16].to_owned()
}

struct Rig {
    files: standin::ImageFiles,
    base: String,
    store: Objects,
    settings: images::Settings,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn rig() -> Rig {
    let files = standin::ImageFiles::default();
    let base = serve(files.router()).await;
    let dir = std::env::temp_dir().join(format!("meridian-images-{}", uuid::Uuid::new_v4()));
    let location = format!("file://{}", dir.display());
    let args = images::ImageArgs {
        images_store: Some(location),
        // Small enough that the noise picture is refused without a 15 MB test file.
        images_max_bytes: 2 * 1024 * 1024,
        images_retry_skipped_hours: 24,
    };
    let settings = args.settings().unwrap();
    Rig {
        files,
        base,
        store: settings.store.clone().unwrap(),
        settings,
        _dir: TempDir(dir),
    }
}

/// The first `n` demo products, product `i` showing `urls[i]` (none: its local demo image).
fn feed(urls: &[&[String]]) -> Vec<shopify::Product> {
    let mut products = crate::common::demo_feed();
    products.truncate(6);
    for (product, urls) in products.iter_mut().zip(urls) {
        if !urls.is_empty() {
            product.images = urls
                .iter()
                .enumerate()
                .map(|(i, src)| shopify::Image {
                    src: src.clone(),
                    alt: Some(format!("{} photo {i}", product.title)),
                    position: i32::try_from(i).unwrap() + 1,
                })
                .collect();
        }
    }
    products
}

async fn sync(pool: &PgPool, products: Vec<shopify::Product>) {
    let ctx = import_only(pool);
    sync_with(&ctx, &settings(), products, ProductSync::new(""))
        .await
        .unwrap();
}

async fn import(pool: &PgPool, rig: &Rig) -> Imported {
    let ctx = import_only(pool);
    images::import_pending(&ctx, &rig.store, &rig.settings)
        .await
        .unwrap()
}

async fn stored(store: &Objects, digest: &str, slot: u32) -> (u32, u32) {
    let got = store.get(&Path::from(key(digest, slot))).await.unwrap();
    let jpeg = got.bytes().await.unwrap();
    let decoded = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg).unwrap();
    (decoded.width(), decoded.height())
}

/// The image `src`s of product `slug` in a fresh snapshot, and of its card.
async fn shown(pool: &PgPool, slug: &str) -> (Vec<String>, Option<String>) {
    let snap = snapshot(pool, 1).await.unwrap();
    let doc = snap
        .products
        .iter()
        .find(|d| d.product.slug == slug)
        .unwrap();
    let card = snap.index.cards.iter().find(|c| c.slug == slug).unwrap();
    let srcs = doc.product.images.iter().map(|i| i.src.clone()).collect();
    (srcs, card.image.as_ref().map(|i| i.src.clone()))
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn supplier_images_are_imported_once_in_the_page_sizes(pool: PgPool) {
    let rig = rig().await;
    let big = picture(1600, 1200, ImageFormat::Png, 1);
    let tall = picture(600, 900, ImageFormat::Jpeg, 2);
    let clear = transparent(120, 80);
    let gif = picture(500, 500, ImageFormat::Gif, 3);
    rig.files
        .put("mug café ☕ big.png", "image/png", big.clone());
    rig.files
        .put("tee.jpg", "image/jpeg; charset=binary", tall.clone());
    rig.files.put("clear.png", "image/png", clear.clone());
    rig.files.put("anim.gif", "image/gif", gif.clone());
    rig.files.put(
        "page.html",
        "text/html",
        b"<!doctype html><h1>Sign in</h1>".to_vec(),
    );
    rig.files.put(
        "wide.png",
        "image/png",
        picture(12_000, 2, ImageFormat::Png, 4),
    );
    rig.files.put("heavy.png", "image/png", noise(1000));
    let url = |name: &str| standin::url(&rig.base, name);
    let products = feed(&[
        &[url("page.html"), url("mug café ☕ big.png")],
        &[url("tee.jpg")],
        &[url("clear.png"), url("missing.jpg")],
        &[url("wide.png")],
        &[url("heavy.png"), url("anim.gif")],
        &[],
    ]);
    let slugs: Vec<String> = products.iter().map(|p| p.handle.clone()).collect();
    sync(&pool, products.clone()).await;
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE topic = 'images.pending'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(pending, 1, "the sync asks for an import");
    assert_eq!(
        meridian_jobs::registry::jobs_for("images.pending"),
        ["import-images"]
    );

    // Until the import, no page names the supplier: the pictures are left out.
    assert_eq!(shown(&pool, &slugs[1]).await, (vec![], None));
    let local = shown(&pool, &slugs[5]).await;
    assert!(local.0[0].starts_with("/media/"), "{local:?}");

    let done = import(&pool, &rig).await;
    let all = records(&pool).await.unwrap();
    assert_eq!(
        done,
        Imported {
            imported: 4,
            skipped: 4,
            failed: 0
        },
        "{all:#?}"
    );
    let (b, t, c, g) = (digest(&big), digest(&tall), digest(&clear), digest(&gif));
    assert_eq!(stored(&rig.store, &b, 400).await, (400, 300));
    assert_eq!(stored(&rig.store, &b, 800).await, (800, 600));
    assert_eq!(stored(&rig.store, &t, 400).await, (400, 600));
    assert_eq!(
        stored(&rig.store, &t, 800).await,
        (600, 900),
        "never upscaled"
    );
    assert_eq!(stored(&rig.store, &c, 800).await, (120, 80));
    assert_eq!(stored(&rig.store, &g, 400).await, (400, 400));

    let reasons: Vec<(String, String)> = records(&pool)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| Some((r.source_url.rsplit('/').next()?.to_owned(), r.reason?)))
        .collect();
    let reason = |name: &str| &reasons.iter().find(|(n, _)| n == name).unwrap().1;
    assert!(reason("page.html").contains("text/html"), "{reasons:?}");
    assert!(reason("missing.jpg").contains("404"), "{reasons:?}");
    assert!(reason("wide.png").contains("too large"), "{reasons:?}");
    assert!(
        reason("heavy.png").contains("larger than 2097152 bytes"),
        "{reasons:?}"
    );

    // A second run (and a second sync of the same feed) fetches nothing.
    let fetched = rig.files.requests().len();
    assert_eq!(fetched, 8);
    sync(&pool, products).await;
    assert_eq!(import(&pool, &rig).await, Imported::default());
    assert_eq!(rig.files.requests().len(), fetched);

    // Pages show the store's copies, in the supplier's order, the skipped ones left out.
    let path = |d: &str| format!("/images/{d}-400.jpg");
    assert_eq!(
        shown(&pool, &slugs[0]).await,
        (vec![path(&b)], Some(path(&b)))
    );
    assert_eq!(
        shown(&pool, &slugs[2]).await,
        (vec![path(&c)], Some(path(&c)))
    );
    assert_eq!(shown(&pool, &slugs[3]).await, (vec![], None));
    assert_eq!(
        shown(&pool, &slugs[4]).await,
        (vec![path(&g)], Some(path(&g)))
    );
    let snap = serde_json::to_string(&snapshot(&pool, 2).await.unwrap()).unwrap();
    assert!(!snap.contains(&rig.base), "no document names the supplier");
    // The origin's card grid agrees with the snapshot's cards.
    let (cards, _) = meridian_store::catalog::load_cards(&pool, None, 100, 0)
        .await
        .unwrap();
    let card = cards.iter().find(|c| c.slug == slugs[1]).unwrap();
    assert_eq!(card.image.as_ref().unwrap().src, path(&t));
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_changed_url_is_imported_again(pool: PgPool) {
    let rig = rig().await;
    let first = picture(900, 900, ImageFormat::Jpeg, 5);
    let second = picture(1000, 500, ImageFormat::Png, 6);
    rig.files.put("tee.jpg", "image/jpeg", first.clone());
    rig.files.put("tee-v2.png", "image/png", second.clone());
    let slug = feed(&[&[]])[0].handle.clone();
    sync(&pool, feed(&[&[standin::url(&rig.base, "tee.jpg")]])).await;
    assert_eq!(import(&pool, &rig).await.imported, 1);
    sync(&pool, feed(&[&[standin::url(&rig.base, "tee-v2.png")]])).await;
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE topic = 'images.pending'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(pending, 2, "each sync with a new URL asks for an import");
    assert_eq!(import(&pool, &rig).await.imported, 1);
    assert_eq!(rig.files.requests(), ["tee.jpg", "tee-v2.png"]);
    let expected = format!("/images/{}-400.jpg", digest(&second));
    assert_eq!(shown(&pool, &slug).await.0, [expected]);
    assert_eq!(stored(&rig.store, &digest(&second), 800).await, (800, 400));
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn the_same_picture_under_two_urls_is_stored_once(pool: PgPool) {
    let rig = rig().await;
    let bytes = picture(500, 400, ImageFormat::WebP, 7);
    rig.files.put("a.webp", "image/webp", bytes.clone());
    rig.files.put("b.webp", "image/webp", bytes.clone());
    let url = |name: &str| standin::url(&rig.base, name);
    sync(&pool, feed(&[&[url("a.webp")], &[url("b.webp")]])).await;
    assert_eq!(import(&pool, &rig).await.imported, 2);
    let rows = records(&pool).await.unwrap();
    assert!(rows
        .iter()
        .all(|r| r.digest.as_deref() == Some(&*digest(&bytes))));
    assert!(rows.iter().all(|r| r.widths == [400, 500]), "{rows:?}");
    let names: Vec<_> = std::fs::read_dir(rig._dir.0.join("images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "one file per slot: {names:?}");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_supplier_having_a_bad_moment_is_asked_again(pool: PgPool) {
    let rig = rig().await;
    rig.files
        .fail("busy.jpg", axum::http::StatusCode::SERVICE_UNAVAILABLE);
    let slug = feed(&[&[]])[0].handle.clone();
    sync(&pool, feed(&[&[standin::url(&rig.base, "busy.jpg")]])).await;
    let done = import(&pool, &rig).await;
    assert_eq!(
        done,
        Imported {
            imported: 0,
            skipped: 0,
            failed: 1
        }
    );
    assert!(
        records(&pool).await.unwrap().is_empty(),
        "a 503 is not recorded as a skip"
    );
    let bytes = picture(300, 200, ImageFormat::Jpeg, 8);
    rig.files.put("busy.jpg", "image/jpeg", bytes.clone());
    assert_eq!(
        import(&pool, &rig).await.imported,
        1,
        "the retry imports it"
    );
    let expected = format!("/images/{}-400.jpg", digest(&bytes));
    assert_eq!(shown(&pool, &slug).await.0, [expected]);
    assert_eq!(stored(&rig.store, &digest(&bytes), 800).await, (300, 200));
}

/// The whole path on the real Redis: a sync writes `images.pending`, the relay hands it to a worker's
/// `import-images`, which imports and publishes: the edge then holds the document with our image.
#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_sync_leads_to_the_edge_showing_our_copy(pool: PgPool) {
    use crate::common::{namespace, redis_url, stop_worker};
    use crate::fake_edge::{self, TOKEN};
    use meridian_jobs::queue::Queues;
    use meridian_jobs::relay::{self, RelaySettings};
    use meridian_jobs::worker::{RetrySettings, Workers};
    use meridian_jobs::{http_client, EdgeTarget, JobContext};

    let rig = rig().await;
    let bytes = picture(1200, 1200, ImageFormat::Jpeg, 9);
    rig.files.put("Tasse «Ñ».jpg", "image/jpeg", bytes.clone());
    let edge = std::sync::Arc::default();
    let ctx = JobContext {
        db: pool.clone(),
        http: http_client(),
        edge: Some(EdgeTarget {
            url: serve(fake_edge::router(std::sync::Arc::clone(&edge))).await,
            token: TOKEN.into(),
        }),
    };
    let products = feed(&[&[standin::url(&rig.base, "Tasse «Ñ».jpg")]]);
    let slug = products[0].handle.clone();
    sync_with(&ctx, &settings(), products, ProductSync::new(""))
        .await
        .unwrap();
    let queues = Queues::connect(&redis_url(), &namespace()).await.unwrap();
    let relayed = relay::pass(&pool, &queues, &RelaySettings::default(), &|_| {})
        .await
        .unwrap();
    assert!(relayed >= 1, "the relay enqueued import-images");
    let workers = Workers::new(ctx, queues, RetrySettings::default())
        .register::<images::ImportImages>(rig.settings.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(workers.run(async {
        let _ = stopped.await;
    }));
    let expected = format!("/images/{}-400.jpg", digest(&bytes));
    let shows_ours = || {
        edge.lock().unwrap().batches.iter().any(|b| {
            b.documents.iter().any(|d| {
                d.product.slug == slug && d.product.images.iter().any(|i| i.src == expected)
            })
        })
    };
    let started = std::time::Instant::now();
    while !shows_ours() && started.elapsed() < std::time::Duration::from_secs(30) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    stop_worker(stop, worker).await;
    assert!(shows_ours(), "the edge got the document with {expected}");
    assert_eq!(stored(&rig.store, &digest(&bytes), 800).await, (800, 800));
}
