//! `jobs import-images`: the image import run once in the terminal, without a worker.

use super::{import_pending, ImageArgs};
use crate::JobContext;
use clap::Args;
use meridian_store::images as records;

/// `jobs import-images`: import what is pending now, in this process (no worker needed).
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    #[command(flatten)]
    pub images: ImageArgs,
}

/// Runs `jobs import-images`: prints what it did and every skipped image with its reason. Publishing is
/// left to the worker (the next sync or change); `jobs worker` with EDGE_URL publishes after its imports.
pub async fn run_now(args: RunArgs) -> anyhow::Result<()> {
    let settings = args.images.settings()?;
    let Some(store) = &settings.store else {
        anyhow::bail!("IMAGES_STORE is not set: say where to keep the images");
    };
    let ctx = JobContext {
        db: sqlx::PgPool::connect(&args.database_url).await?,
        http: crate::http_client(),
        edge: None,
    };
    let done = import_pending(&ctx, store, &settings).await?;
    println!(
        "imported {}, skipped {}, failed for now {}",
        done.imported, done.skipped, done.failed
    );
    for r in records::records(&ctx.db).await? {
        if let Some(reason) = r.reason {
            println!("skipped\t{}\t{reason}", r.source_url);
        }
    }
    Ok(())
}
