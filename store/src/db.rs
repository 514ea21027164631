//! Connection pools: the primary for writes and read-your-writes, an optional replica for lag-tolerant
//! reads, and a one-connection probe so readiness checks never queue behind busy request traffic.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Migrations compiled into the binary, so a container needs nothing but its image.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How each pooled connection is set up.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long a caller waits for a free connection before giving up (the origin answers 503).
    pub acquire_timeout: Duration,
    /// Postgres cancels any statement running longer, so an abandoned request stops costing the server.
    pub statement_timeout: Duration,
    /// Postgres gives up waiting for a row lock after this, so a hot cart cannot pin every connection.
    pub lock_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
            statement_timeout: Duration::from_secs(5),
            lock_timeout: Duration::from_secs(2),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    primary: PgPool,
    replica: Option<PgPool>,
    probe: PgPool,
}

impl Db {
    /// Pools over already-open connections (tests); the probe shares the primary.
    pub fn new(primary: PgPool, replica: Option<PgPool>) -> Self {
        let probe = primary.clone();
        Self {
            primary,
            replica,
            probe,
        }
    }

    /// Connects the primary, the replica if any, and the readiness probe.
    pub async fn connect(
        primary: &str,
        replica: Option<&str>,
        settings: PoolSettings,
    ) -> Result<Self, sqlx::Error> {
        let primary_pool = pool(primary, settings).await?;
        let replica_pool = match replica {
            Some(url) => Some(pool(url, settings).await?),
            None => None,
        };
        let probe_settings = PoolSettings {
            max_connections: 1,
            acquire_timeout: Duration::from_secs(2),
            ..settings
        };
        let probe = pool(primary, probe_settings).await?;
        Ok(Self {
            primary: primary_pool,
            replica: replica_pool,
            probe,
        })
    }

    /// The pool every write goes to.
    pub fn write(&self) -> &PgPool {
        &self.primary
    }

    /// A transaction on the primary for a cart's contents, whose commit does not wait for the WAL to
    /// reach disk (`synchronous_commit = off` for this transaction alone, set in the same round trip as
    /// `BEGIN`). A database crash may lose the last fraction of a second of such writes, whole: the line
    /// and its idempotency answer go together, so a retry with the same key simply applies it again.
    /// Orders, payments and stock never use it; and since a synchronous commit flushes all WAL before
    /// it, an order can never refer to cart contents a crash could lose.
    pub async fn begin_cart_write(&self) -> Result<crate::Tx<'static>, sqlx::Error> {
        self.primary
            .begin_with("BEGIN; SET LOCAL synchronous_commit TO OFF")
            .await
    }

    /// The pool for reads that may be a little behind (catalog browsing).
    pub fn read(&self) -> &PgPool {
        self.replica.as_ref().unwrap_or(&self.primary)
    }

    /// True when the primary answers, through the probe's own connection.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.probe).await.is_ok()
    }

    /// Closes every pool: in-flight queries finish, new ones are refused.
    pub async fn close(&self) {
        self.primary.close().await;
        if let Some(replica) = &self.replica {
            replica.close().await;
        }
        self.probe.close().await;
    }
}

/// One pool whose connections carry the statement and lock timeouts.
pub async fn pool(url: &str, settings: PoolSettings) -> Result<PgPool, sqlx::Error> {
    let ms = |d: Duration| format!("{}ms", d.as_millis());
    let options = PgConnectOptions::from_str(url)?.options([
        ("statement_timeout", ms(settings.statement_timeout)),
        ("lock_timeout", ms(settings.lock_timeout)),
        // A transaction left open by a crashed handler must not hold its locks forever.
        ("idle_in_transaction_session_timeout", "30000ms".to_owned()),
    ]);
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await
}

/// `origin migrate`: creates the database if it is missing, then applies pending migrations; safe to run
/// on every deploy. Runs without the request timeouts: a migration may legitimately take minutes.
pub async fn migrate(url: &str) -> Result<usize, sqlx::Error> {
    use sqlx::migrate::MigrateDatabase;
    if !sqlx::Postgres::database_exists(url).await? {
        sqlx::Postgres::create_database(url).await?;
        tracing::info!("created the database");
    }
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
    MIGRATOR.run(&pool).await?;
    pool.close().await;
    Ok(MIGRATOR.iter().count())
}
