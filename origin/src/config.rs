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

// Parsed once at start-up: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations to the primary database and exit.
    Migrate(DbArgs),
    /// Serve the HTTP API until SIGINT/SIGTERM, then drain in-flight requests.
    Serve(Config),
    /// Manage the admin API's keys.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Print a new session signing key: `SESSION_SIGNING_KEY` for the origin and `SESSION_PUBLIC_KEY`
    /// for the edge (`wrangler secret put`). Nothing is stored.
    SessionKey,
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print it once (only its hash is stored).
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// Who or what the key is for, e.g. "warehouse".
        #[arg(long)]
        name: String,
        /// `orders:read`, `orders:write`, `inventory:read`, `inventory:write`, `webhooks:read`,
        /// `webhooks:write`, `reports:read`; repeat the flag for several.
        #[arg(long = "scope", required = true, value_parser = meridian_store::api_keys::SCOPES)]
        scopes: Vec<String>,
    },
    /// Revoke a key by its public prefix (`mk_…`).
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        prefix: String,
    },
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
    #[command(flatten)]
    pub checkout: CheckoutConfig,
    /// Seed of the Ed25519 key session tokens are signed with (64 hex characters, from
    /// `origin session-key`). Without it, accounts answer 503.
    #[arg(long, env = "SESSION_SIGNING_KEY", hide_env_values = true)]
    pub session_signing_key: Option<String>,
    /// Sign-in and sign-up attempts allowed per email address per minute (and password checks per
    /// account); the next one answers 429 with `Retry-After`.
    #[arg(long, env = "ACCOUNT_ATTEMPTS_PER_MINUTE", default_value_t = 10)]
    pub account_attempts_per_minute: u32,
    /// Cart and checkout writes allowed per client address per minute (the edge names the client); the
    /// next one answers 429 with `Retry-After`.
    #[arg(long, env = "CART_WRITES_PER_MINUTE", default_value_t = 300)]
    pub cart_writes_per_minute: u32,
    /// Where the jobs write the daily sales reports (`file:///dir` or `s3://bucket/prefix`, as the jobs'
    /// REPORTS_STORE); the admin API lists and serves them. Without it, reports answer 503.
    #[arg(long, env = "REPORTS_STORE")]
    pub reports_store: Option<String>,
    /// Where the jobs keep the imported product images (`file:///dir` or `s3://bucket/prefix`, as the
    /// jobs' IMAGES_STORE); served at `/images/{name}` to the edge. Without it, images answer 404.
    #[arg(long, env = "IMAGES_STORE")]
    pub images_store: Option<String>,
}

/// Selling: the store's settings, how long an order waits for payment, and the payment provider.
#[derive(Debug, Clone, Args)]
pub struct CheckoutConfig {
    /// The storefront's public URL (the edge): where the payment page sends buyers back to.
    #[arg(long, env = "STORE_URL", default_value = "http://127.0.0.1:8787")]
    pub store_url: String,
    /// Shipping zones, tax table, tax-inclusive prices and promo codes (JSON, see `demo/store.json`);
    /// without it the demo store's settings apply.
    #[arg(long, env = "STORE_SETTINGS_FILE")]
    pub store_settings_file: Option<std::path::PathBuf>,
    /// An unpaid order gives its stock back after this many minutes (Stripe sessions last 30 min–24 h).
    #[arg(long, env = "ORDER_PAYMENT_MINUTES", default_value_t = 30)]
    pub payment_minutes: u64,
    /// Stripe's API; the local stand-in (`psp`) in development and tests.
    #[arg(
        long,
        env = "STRIPE_API_BASE",
        default_value = "https://api.stripe.com"
    )]
    pub stripe_api_base: String,
    /// Without it, checkout works up to placing the order and payment answers 503.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<String>,
    /// Verifies `Stripe-Signature` on webhooks (`whsec_…`).
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<String>,
}

impl CheckoutConfig {
    /// The store settings, validated; a broken file stops the origin at startup, not at a checkout.
    pub fn store_settings(&self) -> anyhow::Result<meridian_domain::StoreSettings> {
        let text = match &self.store_settings_file {
            Some(path) => std::fs::read_to_string(path)?,
            None => include_str!("../../demo/store.json").to_owned(),
        };
        let settings: meridian_domain::StoreSettings = serde_json::from_str(&text)?;
        settings.validate()?;
        Ok(settings)
    }
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
