//! Connection pools: the primary for writes and read-your-writes, an optional replica for lag-tolerant reads.

use anyhow::Context;
use sqlx::postgres::{PgPool, PgPoolOptions};

/// Migrations compiled into the binary, so a container needs nothing but its image.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone, Debug)]
pub struct Db {
    primary: PgPool,
    replica: Option<PgPool>,
}

impl Db {
    pub fn new(primary: PgPool, replica: Option<PgPool>) -> Self {
        Self { primary, replica }
    }

    pub async fn connect(primary: &str, replica: Option<&str>, max: u32) -> anyhow::Result<Self> {
        let primary_pool = pool(primary, max)
            .await
            .context("connecting to DATABASE_URL")?;
        let replica_pool = match replica {
            Some(url) => Some(
                pool(url, max)
                    .await
                    .context("connecting to DATABASE_REPLICA_URL")?,
            ),
            None => None,
        };
        Ok(Self::new(primary_pool, replica_pool))
    }

    /// The pool every write goes to.
    pub fn write(&self) -> &PgPool {
        &self.primary
    }

    /// The pool for reads that may be a little behind (catalog browsing).
    pub fn read(&self) -> &PgPool {
        self.replica.as_ref().unwrap_or(&self.primary)
    }
}

async fn pool(url: &str, max: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(url)
        .await
}

/// `origin migrate`: creates the database if it is missing, then applies pending migrations; safe to run
/// on every deploy.
pub async fn migrate(url: &str) -> anyhow::Result<()> {
    use sqlx::migrate::MigrateDatabase;
    if !sqlx::Postgres::database_exists(url)
        .await
        .context("checking DATABASE_URL")?
    {
        sqlx::Postgres::create_database(url)
            .await
            .context("creating the database")?;
        tracing::info!("created the database");
    }
    let pool = pool(url, 1).await.context("connecting to DATABASE_URL")?;
    MIGRATOR.run(&pool).await.context("running migrations")?;
    tracing::info!(applied = MIGRATOR.iter().count(), "database is migrated");
    Ok(())
}
