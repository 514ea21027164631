//! `origin migrate` and `origin serve`: everything else lives in the library.

use anyhow::Context;
use clap::Parser;
use meridian_origin::config::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    meridian_runtime::init_logging(cli.log_format);
    match cli.command {
        Command::Migrate(db) => {
            let applied = meridian_store::db::migrate(&db.database_url)
                .await
                .context("migrating DATABASE_URL")?;
            tracing::info!(applied, "database is migrated");
            Ok(())
        }
        Command::Serve(config) => meridian_origin::serve(config).await,
    }
}
