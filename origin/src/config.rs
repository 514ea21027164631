//! Configuration, read once from flags or the environment (see `.env.sample`).

use clap::{Args, Parser, Subcommand};
use meridian_domain::api::MIN_SECRET_LEN;
use meridian_runtime::LogFormat;
use meridian_store::PoolSettings;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(name = "origin", about = "Meridian origin: the regional write service")]
pub struct Cli {
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
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
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Primary: every write, and reads that must see the caller's own writes.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    /// Optional read replica for catalog reads that tolerate replication lag.
    #[arg(long, env = "DATABASE_REPLICA_URL", hide_env_values = true)]
    pub database_replica_url: Option<String>,
    #[arg(long, env = "ORIGIN_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub max_connections: u32,
    /// Postgres cancels a statement running longer than this.
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT_MS", default_value_t = 5000)]
    pub statement_timeout_ms: u64,
    /// Postgres stops waiting for a row lock after this (the request answers 503, retry later).
    #[arg(long, env = "DATABASE_LOCK_TIMEOUT_MS", default_value_t = 2000)]
    pub lock_timeout_ms: u64,
    /// Shared secret the edge sends on every call (`x-meridian-origin-auth`); at least 32 bytes.
    #[arg(long, env = "ORIGIN_SECRET", hide_env_values = true, value_parser = secret)]
    pub origin_secret: String,
    /// On SIGTERM, readiness fails for this long before the listener closes, so load balancers stop
    /// sending new requests first; then in-flight requests finish.
    #[arg(long, env = "SHUTDOWN_DRAIN_SECONDS", default_value_t = 5)]
    pub drain_seconds: u64,
}

impl Config {
    pub fn pool_settings(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.max_connections,
            statement_timeout: Duration::from_millis(self.statement_timeout_ms),
            lock_timeout: Duration::from_millis(self.lock_timeout_ms),
            ..PoolSettings::default()
        }
    }
}

/// Refuses guessable secrets at startup rather than running with one.
fn secret(value: &str) -> Result<String, String> {
    if value.len() < MIN_SECRET_LEN {
        return Err(format!(
            "must be at least {MIN_SECRET_LEN} bytes (e.g. `openssl rand -hex 32`)"
        ));
    }
    Ok(value.to_owned())
}
