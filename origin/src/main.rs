//! `origin migrate` and `origin serve`: everything else lives in the library.

use anyhow::Context;
use clap::Parser;
use meridian_origin::config::{ApiKeyCommand, Cli, Command};

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
        Command::ApiKey(command) => api_key(command).await,
        Command::SessionKey => {
            let seed = meridian_origin::accounts::tokens::SessionKeys::new_seed_hex();
            let keys = meridian_origin::accounts::tokens::SessionKeys::from_seed_hex(&seed)?;
            println!("SESSION_SIGNING_KEY={seed}");
            println!("SESSION_PUBLIC_KEY={}", keys.public_hex());
            Ok(())
        }
    }
}

/// `origin api-key create|revoke`: the key is printed once, on stdout only, never logged.
async fn api_key(command: ApiKeyCommand) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Create { db, name, scopes } => {
            let pool = sqlx::PgPool::connect(&db.database_url).await?;
            let key = meridian_store::api_keys::create(&pool, &name, &scopes).await?;
            tracing::info!(prefix = %key.prefix, ?scopes, "API key created");
            println!("{}", key.key);
            Ok(())
        }
        ApiKeyCommand::Revoke { db, prefix } => {
            let pool = sqlx::PgPool::connect(&db.database_url).await?;
            if !meridian_store::api_keys::revoke(&pool, &prefix).await? {
                anyhow::bail!("no active key with prefix {prefix}");
            }
            tracing::info!(%prefix, "API key revoked");
            Ok(())
        }
    }
}
