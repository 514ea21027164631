//! The `psp` binary: flags and `PSP_*` variables into a `PspConfig`, then serve until SIGTERM/SIGINT.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use meridian_psp::{serve, PspConfig};
use meridian_runtime::{init_logging, shutdown_signal, LogFormat};

/// A local stand-in for Stripe (Checkout Sessions, refunds, hosted page, signed webhooks).
#[derive(Parser)]
#[command(name = "psp", version)]
struct Cli {
    #[arg(long, env = "PSP_LISTEN", default_value = "127.0.0.1:8083")]
    listen: SocketAddr,
    /// Base of the hosted page URLs; defaults to http://<listen address>.
    #[arg(long, env = "PSP_PUBLIC_URL", default_value = "")]
    public_url: String,
    /// The accepted API key (sk_test_…).
    #[arg(long, env = "PSP_SECRET_KEY", hide_env_values = true)]
    secret_key: String,
    /// Where events are POSTed; without it they are only recorded (GET /_psp/events).
    #[arg(long, env = "PSP_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// The endpoint's signing secret (whsec_…); required with --webhook-url.
    #[arg(
        long,
        env = "PSP_WEBHOOK_SECRET",
        default_value = "",
        hide_env_values = true,
        hide_default_value = true
    )]
    webhook_secret: String,
    /// First retry delay in milliseconds; doubles on each further retry.
    #[arg(long, env = "PSP_RETRY_BASE_MS", default_value_t = 500)]
    retry_base_ms: u64,
    /// Delivery attempts per event, the first included.
    #[arg(long, env = "PSP_MAX_ATTEMPTS", default_value_t = 8)]
    max_attempts: u32,
    /// Deliver every event twice.
    #[arg(long, env = "PSP_DUPLICATE_DELIVERIES")]
    duplicate_deliveries: bool,
    /// Delay each delivery by a random 0..=N ms (N defaults to 1000 when the flag is given bare).
    #[arg(long, env = "PSP_SHUFFLE_DELIVERIES", value_name = "MAX_MS", num_args = 0..=1,
          default_value_t = 0, default_missing_value = "1000")]
    shuffle_deliveries: u64,
    /// Fixed delay before each event's first delivery, in milliseconds.
    #[arg(long, env = "PSP_WEBHOOK_DELAY_MS", default_value_t = 0)]
    webhook_delay_ms: u64,
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
}

impl Cli {
    fn into_config(self) -> PspConfig {
        PspConfig {
            public_url: self.public_url,
            secret_key: self.secret_key,
            webhook_url: self.webhook_url,
            webhook_secret: self.webhook_secret,
            retry_base: Duration::from_millis(self.retry_base_ms),
            max_attempts: self.max_attempts,
            duplicate_deliveries: self.duplicate_deliveries,
            shuffle_max: Duration::from_millis(self.shuffle_deliveries),
            webhook_delay: Duration::from_millis(self.webhook_delay_ms),
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let listen = cli.listen;
    let config = cli.into_config();
    // PspConfig's Debug redacts both secrets.
    tracing::info!(?config, %listen, "psp starting");
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    serve(listener, config, shutdown_signal()).await?;
    tracing::info!("psp stopped");
    Ok(())
}
