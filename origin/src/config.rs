//! Configuration, read once from flags or the environment (see `.env.sample`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(name = "origin", about = "Meridian origin: the regional write service")]
pub struct Cli {
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations to the primary database and exit.
    Migrate(DbArgs),
    /// Serve the HTTP API until SIGINT/SIGTERM, then drain in-flight requests.
    Serve(Config),
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Primary: every write, and reads that must see the caller's own writes.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// Optional read replica for catalog reads that tolerate replication lag.
    #[arg(long, env = "DATABASE_REPLICA_URL")]
    pub database_replica_url: Option<String>,
    #[arg(long, env = "ORIGIN_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub max_connections: u32,
}
