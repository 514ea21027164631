//! `jobs worker | enqueue | dead-letters | supplier`: the background worker, a CLI to enqueue jobs and
//! to see and retry the ones that failed for good, and the local supplier stand-in (dev and tests only).

use clap::{Parser, Subcommand};
use meridian_jobs::cli;
use meridian_jobs::config::{DeadLetterCommand, EnqueueArgs, QueueArgs, SupplierArgs, WorkerArgs};
use meridian_runtime::LogFormat;

#[derive(Debug, Parser)]
#[command(name = "jobs", about = "Meridian background jobs")]
struct Cli {
    #[command(flatten)]
    queue: QueueArgs,
    /// `json` for one object per line (containers), `text` for people.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the workers until SIGINT/SIGTERM.
    Worker(Box<WorkerArgs>),
    /// Enqueue a product sync from a Shopify-format feed.
    Enqueue(EnqueueArgs),
    /// Jobs that failed for good: list them, or enqueue them again.
    #[command(subcommand)]
    DeadLetters(DeadLetterCommand),
    /// Make one day's sales report now (default yesterday, UTC) into REPORTS_STORE.
    Report(meridian_jobs::reports::RunArgs),
    /// Import the supplier images still pending into IMAGES_STORE now (what the worker's import-images does).
    ImportImages(meridian_jobs::images::cli::RunArgs),
    /// Serve a feed file in Shopify's /products.json format (the local supplier stand-in; dev and tests).
    Supplier(SupplierArgs),
    /// Answer Twilio's Messages API and record each text to a JSONL file (the local SMS stand-in).
    SmsGateway(meridian_jobs::notify::SmsGatewayArgs),
    /// Enqueue an inventory sync from a supplier's stock-levels CSV.
    InventorySync(meridian_jobs::inventory::cli::EnqueueArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    meridian_runtime::init_logging(cli.log_format);
    match cli.command {
        Command::Worker(args) => cli::worker(&cli.queue, *args).await,
        Command::Enqueue(args) => cli::enqueue(&cli.queue, args).await,
        Command::DeadLetters(command) => cli::dead_letters(&cli.queue, command).await,
        Command::Supplier(args) => cli::supplier(args).await,
        Command::Report(args) => meridian_jobs::reports::run_now(args).await,
        Command::ImportImages(args) => meridian_jobs::images::cli::run_now(args).await,
        Command::SmsGateway(args) => args.serve().await,
        Command::InventorySync(args) => args.run(&cli.queue).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Flattened argument structs from several jobs must not collide (ids, group names, env vars):
    /// clap only checks when a subcommand is first parsed, so check every one here.
    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
