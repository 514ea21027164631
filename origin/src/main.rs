//! `origin migrate` and `origin serve`: everything else lives in the library.

use clap::Parser;
use meridian_origin::config::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    meridian_origin::telemetry::init(cli.log_format);
    match cli.command {
        Command::Migrate(db) => meridian_origin::db::migrate(&db.database_url).await,
        Command::Serve(config) => meridian_origin::serve(config).await,
    }
}
