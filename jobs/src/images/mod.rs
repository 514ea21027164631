//! Importing product images: every absolute (supplier CDN) image URL of the catalog is fetched once,
//! stored in the store's own object storage in the sizes pages use (`meridian_domain::images`), recorded
//! in `product_images`, and then shown from the store's own domain. Until an image is imported, pages
//! show no picture for it rather than hotlink the supplier (`meridian_store::images`).
//!
//! A product sync that leaves images pending writes an `images.pending` outbox event ([`after_sync`]);
//! the relay starts [`ImportImages`], which imports everything pending and publishes the catalog so the
//! edge shows the new pictures. `jobs import-images` runs the same import in the terminal.
//!
//! Idempotent: keys are content-addressed (`<sha256 of the source>-<slot>.jpg`), so writing one again
//! writes the same bytes; a URL imported before is not fetched again, a changed URL is a new row. Two runs
//! at once may fetch the same picture twice, which costs a request and changes nothing.

pub mod cli;
pub mod fetch;
pub mod resize;
pub mod standin;

use crate::events::{Event, EventJob};
use crate::job::Job;
use crate::JobContext;
use clap::Args;
use fetch::Fetched;
use meridian_domain::images::{key, DIGEST_LEN, SLOTS};
use meridian_runtime::objects::{self, Objects};
use meridian_store::images as records;
use meridian_store::outbox::{self, topic};
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Images looked at per run at most; a bigger backlog continues at the next sync.
const MAX_PER_RUN: i64 = 5_000;

/// `jobs worker` / `jobs import-images` flags for images.
#[derive(Debug, Clone, Args)]
pub struct ImageArgs {
    /// Where product images are kept: `file:///dir` (or `/dir`) locally, `s3://bucket/prefix` for S3/R2
    /// with the standard AWS_* variables; the origin serves `/images/…` from the same place. Without it,
    /// no image is imported (and supplier-hosted images are not shown).
    #[arg(long, env = "IMAGES_STORE")]
    pub images_store: Option<String>,
    /// Largest supplier image fetched, in bytes.
    #[arg(long, env = "IMAGES_MAX_BYTES", default_value_t = 15 * 1024 * 1024)]
    pub images_max_bytes: usize,
    /// A skipped image (not found, not an image, too large) is tried again after this many hours.
    #[arg(long, env = "IMAGES_RETRY_SKIPPED_HOURS", default_value_t = 24)]
    pub images_retry_skipped_hours: u64,
}

/// What the image import needs.
#[derive(Clone)]
pub struct Settings {
    /// `None`: images are not configured; an import job does nothing.
    pub store: Option<Objects>,
    pub max_bytes: usize,
    pub retry_skipped_after: Duration,
    pub bounds: resize::Bounds,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("images::Settings")
            .field("store", &self.store.as_ref().map(ToString::to_string))
            .field("max_bytes", &self.max_bytes)
            .field("retry_skipped_after", &self.retry_skipped_after)
            .finish()
    }
}

impl ImageArgs {
    pub fn settings(&self) -> anyhow::Result<Settings> {
        Ok(Settings {
            store: self
                .images_store
                .as_deref()
                .map(objects::open)
                .transpose()?,
            max_bytes: self.images_max_bytes,
            retry_skipped_after: Duration::from_secs(self.images_retry_skipped_hours * 3600),
            bounds: resize::Bounds::default(),
        })
    }
}

/// Imports every pending image, then publishes the catalog if any was imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportImages {
    pub event: Event,
}

impl Job for ImportImages {
    const NAME: &'static str = "import-images";
    type Settings = Settings;

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        let Some(store) = &settings.store else {
            // Not a failure: such a deployment shows its site-relative images and hides the supplier's.
            tracing::warn!(
                "IMAGES_STORE is not set: supplier-hosted images are not imported or shown"
            );
            return Ok(());
        };
        let done = import_pending(ctx, store, settings).await?;
        tracing::info!(event = self.event.id, ?done, "images imported");
        publish_if_imported(ctx, &done).await?;
        anyhow::ensure!(
            done.failed == 0,
            "{} images could not be fetched for now; the retry imports them",
            done.failed
        );
        Ok(())
    }
}

impl EventJob for ImportImages {
    const TOPICS: &'static [&'static str] = &[topic::IMAGES_PENDING];

    fn for_event(event: Event) -> Self {
        Self { event }
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    pub imported: u32,
    pub skipped: u32,
    /// Fetches that may work later (a timeout, a 5xx): not recorded, so the next run tries them again.
    pub failed: u32,
}

/// Called by product sync after an import: when the catalog names absolute image URLs never seen before
/// (new, or changed), writes one `images.pending` outbox event so the relay starts [`ImportImages`].
/// Images skipped earlier are looked at again by any later run once their retry window has passed.
pub async fn after_sync(db: &sqlx::PgPool) -> anyhow::Result<bool> {
    // A window longer than any record's age: only URLs without a record count.
    let unseen = records::pending(db, Duration::MAX, 1).await?;
    if !unseen.is_empty() {
        let mut tx = db.begin().await?;
        outbox::push(&mut tx, topic::IMAGES_PENDING, serde_json::json!({})).await?;
        tx.commit().await?;
    }
    Ok(!unseen.is_empty())
}

/// Imports the pending images one after another (the resizing is CPU-bound; a worker has few cores).
pub async fn import_pending(
    ctx: &JobContext,
    store: &Objects,
    settings: &Settings,
) -> anyhow::Result<Imported> {
    let pending = records::pending(&ctx.db, settings.retry_skipped_after, MAX_PER_RUN).await?;
    let mut done = Imported::default();
    for src in pending {
        match import_one(ctx, store, settings, &src).await {
            Ok(None) => done.imported += 1,
            Ok(Some(reason)) => {
                tracing::warn!(%src, %reason, "supplier image skipped");
                records::record_skipped(&ctx.db, &src, &reason).await?;
                done.skipped += 1;
            }
            Err(error) => {
                tracing::warn!(%src, error = %format!("{error:#}"), "supplier image not fetched");
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// Imports `src`; `Some(reason)` if it is not an image we take.
async fn import_one(
    ctx: &JobContext,
    store: &Objects,
    settings: &Settings,
    src: &str,
) -> anyhow::Result<Option<String>> {
    let bytes = match fetch::fetch(&ctx.http, src, settings.max_bytes).await? {
        Fetched::Bytes(bytes) => bytes,
        Fetched::Skip(reason) => return Ok(Some(reason)),
    };
    let mut digest = hex::encode(Sha256::digest(&bytes));
    digest.truncate(DIGEST_LEN);
    let widths = match stored_widths(store, &digest).await? {
        Some(widths) => widths, // the same picture under another URL: already stored
        None => {
            let bounds = settings.bounds;
            let sizes = tokio::task::spawn_blocking(move || resize::sizes(&bytes, bounds)).await?;
            let sizes = match sizes {
                Ok(sizes) => sizes,
                Err(reason) => return Ok(Some(reason)),
            };
            // The largest slot last: its presence says the whole set was written.
            for size in &sizes {
                let key = Path::from(key(&digest, size.slot));
                store
                    .put(&key, PutPayload::from(size.jpeg.clone()))
                    .await
                    .map_err(|e| anyhow::anyhow!("writing {key}: {e}"))?;
            }
            sizes.iter().map(|s| s.width).collect()
        }
    };
    let widths: Vec<i32> = widths
        .into_iter()
        .map(|w| i32::try_from(w).unwrap_or(i32::MAX))
        .collect();
    records::record_imported(&ctx.db, src, &digest, &widths).await?;
    Ok(None)
}

/// The widths of `digest`'s sizes if all are stored already, read back from the files' headers.
async fn stored_widths(store: &Objects, digest: &str) -> anyhow::Result<Option<Vec<u32>>> {
    let mut widths = Vec::new();
    for slot in SLOTS.into_iter().rev() {
        let got = match store.get(&Path::from(key(digest, slot))).await {
            Ok(got) => got.bytes().await?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Ok((width, _)) = image::ImageReader::new(std::io::Cursor::new(got))
            .with_guessed_format()?
            .into_dimensions()
        else {
            return Ok(None);
        };
        widths.insert(0, width);
    }
    Ok(Some(widths))
}

async fn publish_if_imported(ctx: &JobContext, done: &Imported) -> anyhow::Result<()> {
    if let (Some(edge), true) = (&ctx.edge, done.imported > 0) {
        let outcome = crate::publish::publish_latest(&ctx.db, &ctx.http, edge, None).await?;
        tracing::info!(?outcome, "catalog published with the imported images");
    }
    Ok(())
}
