//! Jobs that failed for good: kept in one Redis hash per namespace (`<namespace>:dead-letters`, id →
//! JSON) by the worker on a job's last attempt, listed by `jobs dead-letters` and re-enqueued through
//! `registry::retry_dead_letter` (which knows every job's payload type).

use crate::job::Job;
use crate::queue::Queues;
use apalis_redis::ConnectionManager;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// One job that will not be tried again unless someone re-enqueues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub id: u64,
    /// [`Job::NAME`] of the job.
    pub job: String,
    pub payload: serde_json::Value,
    /// What failed, on one line.
    pub error: String,
    pub attempts: usize,
    /// Seconds since the Unix epoch.
    pub failed_at: u64,
}

/// The dead letters of one namespace.
#[derive(Clone)]
pub struct DeadLetters {
    conn: ConnectionManager,
    key: String,
}

impl DeadLetters {
    pub fn new(queues: &Queues) -> Self {
        Self {
            conn: queues.connection(),
            key: format!("{}:dead-letters", queues.namespace()),
        }
    }

    /// Keeps `job`, which failed for good with `error` after `attempts` attempts; returns its id.
    pub async fn record<J: Job>(
        &self,
        job: &J,
        error: &str,
        attempts: usize,
    ) -> anyhow::Result<u64> {
        let mut conn = self.conn.clone();
        let id: u64 = redis::cmd("INCR")
            .arg(format!("{}:seq", self.key))
            .query_async(&mut conn)
            .await?;
        let letter = DeadLetter {
            id,
            job: J::NAME.to_owned(),
            payload: serde_json::to_value(job)?,
            error: error.to_owned(),
            attempts,
            failed_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        };
        let () = redis::cmd("HSET")
            .arg(&self.key)
            .arg(id)
            .arg(serde_json::to_string(&letter)?)
            .query_async(&mut conn)
            .await?;
        Ok(id)
    }

    /// Every dead letter, oldest first.
    pub async fn list(&self) -> anyhow::Result<Vec<DeadLetter>> {
        let mut conn = self.conn.clone();
        let values: Vec<String> = redis::cmd("HVALS")
            .arg(&self.key)
            .query_async(&mut conn)
            .await?;
        let mut letters = values
            .iter()
            .map(|v| serde_json::from_str(v))
            .collect::<Result<Vec<DeadLetter>, _>>()?;
        letters.sort_by_key(|l| l.id);
        Ok(letters)
    }

    /// Dead letter `id`, if there is one.
    pub async fn get(&self, id: u64) -> anyhow::Result<Option<DeadLetter>> {
        let mut conn = self.conn.clone();
        let value: Option<String> = redis::cmd("HGET")
            .arg(&self.key)
            .arg(id)
            .query_async(&mut conn)
            .await?;
        Ok(value.map(|v| serde_json::from_str(&v)).transpose()?)
    }

    /// Forgets dead letter `id` (after it was re-enqueued).
    pub async fn forget(&self, id: u64) -> anyhow::Result<()> {
        let mut conn = self.conn.clone();
        let () = redis::cmd("HDEL")
            .arg(&self.key)
            .arg(id)
            .query_async(&mut conn)
            .await?;
        Ok(())
    }
}
