//! Job receipts: one row per (outbox event, job) once the job has handled the event, so an event the
//! relay sends again (after a relay crash or a Redis restart) is not handled twice. Writing the last
//! receipt an event waits for marks its outbox row done.

use crate::StoreError;
use sqlx::PgPool;

/// How a job ended for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Failed for good: in the dead letters, not sent again by the relay.
    Dead,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Dead => "dead",
        }
    }
}

/// True when `job` has already handled `event`.
pub async fn is_done(pool: &PgPool, event: i64, job: &str) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM job_receipts
                          WHERE event_id = $1 AND job = $2 AND outcome = 'done') AS "done!""#,
        event,
        job
    )
    .fetch_one(pool)
    .await?)
}

/// Records how `job` ended for `event` (`done` is never downgraded to `dead`), and marks the event done
/// when every job it was sent to has a receipt.
pub async fn record(
    pool: &PgPool,
    event: i64,
    job: &str,
    outcome: Outcome,
) -> Result<(), StoreError> {
    sqlx::query!(
        r#"WITH receipt AS (
               INSERT INTO job_receipts (event_id, job, outcome) VALUES ($1, $2, $3)
               ON CONFLICT (event_id, job) DO UPDATE SET outcome = EXCLUDED.outcome, at = now()
               WHERE job_receipts.outcome <> 'done'
               RETURNING event_id)
           UPDATE outbox o SET done_at = now()
           WHERE o.id = $1 AND o.done_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM unnest(o.jobs) AS j
                             WHERE j <> $2
                               AND NOT EXISTS (SELECT 1 FROM job_receipts r
                                               WHERE r.event_id = o.id AND r.job = j))"#,
        event,
        job,
        outcome.as_str()
    )
    .execute(pool)
    .await?;
    Ok(())
}
