//! Queues and their storage, generic over [`Job`]: one Redis storage per job type, named
//! `<namespace>:<job name>`; the namespace keeps deployments (and parallel test runs) on one Redis apart.

use crate::job::Job;
use apalis::prelude::TaskSink;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use std::time::Duration;

/// The queue of `J` within `namespace`.
pub fn queue_name<J: Job>(namespace: &str) -> String {
    format!("{namespace}:{}", J::NAME)
}

/// A connection to the queues of one namespace.
#[derive(Clone)]
pub struct Queues {
    conn: ConnectionManager,
    namespace: String,
}

impl Queues {
    /// Connects to the Redis at `redis_url`.
    pub async fn connect(redis_url: &str, namespace: &str) -> anyhow::Result<Self> {
        let conn = apalis_redis::connect(redis_url).await?;
        Ok(Self {
            conn,
            namespace: namespace.to_owned(),
        })
    }

    /// The namespace every key of these queues starts with.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// A clone of the shared connection, for keys next to the queues (dead letters, schedule claims).
    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// The storage of `J`'s queue.
    pub fn storage<J: Job>(&self) -> RedisStorage<J> {
        // apalis-redis fetches new jobs on its heartbeat: `J::POLL` (2s unless the job says less) keeps an
        // enqueued job from waiting ~30s (the default). A worker's jobs count as orphaned, and are
        // re-queued, after 30s of missed beats whatever the interval.
        let poll = J::POLL.max(Duration::from_millis(50));
        let missed = (Duration::from_secs(30).as_millis() / poll.as_millis()).max(3);
        let config = Config::default()
            .queue(queue_name::<J>(&self.namespace))
            .heartbeat_interval(poll)
            .missed_heartbeats(usize::try_from(missed).unwrap_or(usize::MAX));
        RedisStorage::new(self.conn.clone()).with_config(config)
    }

    /// Enqueues one `job`.
    pub async fn enqueue<J: Job>(&self, job: J) -> anyhow::Result<()> {
        self.storage::<J>()
            .push(job)
            .await
            .map_err(|e| anyhow::anyhow!("could not enqueue {}: {e}", J::NAME))
    }
}

/// Enqueues one `job` on the Redis at `redis_url`.
pub async fn enqueue<J: Job>(redis_url: &str, namespace: &str, job: J) -> anyhow::Result<()> {
    Queues::connect(redis_url, namespace)
        .await?
        .enqueue(job)
        .await
}
