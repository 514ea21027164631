//! The worker process, generic over [`Job`]: one apalis worker per registered job, bounded retries with
//! exponential backoff, dead letters on the last attempt, graceful shutdown on SIGINT/SIGTERM (in-flight
//! jobs finish, up to a timeout). A job that handles an outbox event runs once per event: the worker keeps a
//! receipt (`meridian_store::receipts`) and skips an event that already has one.

use crate::dead_letters::DeadLetters;
use crate::job::{is_refusal, Job};
use crate::queue::Queues;
use crate::JobContext;
use apalis::layers::retry::backoff::{ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::HasherRng;
use apalis::prelude::*;
use meridian_store::receipts::{self, Outcome};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::watch;

/// How often a failing job is tried again, and how long to wait in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySettings {
    /// Attempts after the first failure before a job goes to the dead letters.
    pub retries: usize,
    /// Wait before the first retry; it doubles (with jitter) up to `max_backoff`.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            retries: 4,
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// The apalis handler of any job: runs it, and on failure logs one line (`warn` while retries are left,
/// `error` once when the job gives up) and keeps the job in the dead letters on its last attempt.
async fn handle<J: Job>(
    job: J,
    ctx: Data<JobContext>,
    settings: Data<J::Settings>,
    dead: Data<DeadLetters>,
    retry: Data<RetrySettings>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    let event = job.event_id();
    if let Some(event) = event {
        if receipts::is_done(&ctx.db, event, J::NAME).await? {
            tracing::debug!(job = J::NAME, event, "already handled; skipped");
            // Marks the outbox row done if the first delivery's mark was lost with a relay crash.
            receipts::record(&ctx.db, event, J::NAME, Outcome::Done).await?;
            return Ok(());
        }
    }
    let Err(error) = job.run(&ctx, &settings).await else {
        if let Some(event) = event {
            receipts::record(&ctx.db, event, J::NAME, Outcome::Done).await?;
        }
        return Ok(());
    };
    let message = format!("{error:#}");
    let refused = is_refusal(&error);
    let attempts = attempt.current();
    if !refused && attempts <= retry.retries {
        tracing::warn!(job = J::NAME, attempt = attempts, error = %message, "job failed; will retry");
        return Err(message.into());
    }
    if let Some(event) = event {
        // Stops the relay sending the event to this job again; a retried dead letter overwrites it.
        if let Err(e) = receipts::record(&ctx.db, event, J::NAME, Outcome::Dead).await {
            tracing::error!(job = J::NAME, event, error = %e, "could not record the dead receipt");
        }
    }
    match dead.record(&job, &message, attempts).await {
        Ok(id) => {
            tracing::error!(job = J::NAME, attempts, dead_letter = id, error = %message, "job failed for good")
        }
        Err(e) => {
            tracing::error!(job = J::NAME, attempts, error = %message, dead_letter_error = %e, "job failed for good")
        }
    }
    // An abort tells apalis not to retry, whatever attempts are left.
    Err(Box::new(AbortError::new(message)))
}

type Run = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// The workers of one process: [`Workers::register`] each job, then [`Workers::run`].
pub struct Workers {
    ctx: JobContext,
    queues: Queues,
    retry: RetrySettings,
    stop: watch::Sender<bool>,
    runs: Vec<Run>,
}

impl Workers {
    pub fn new(ctx: JobContext, queues: Queues, retry: RetrySettings) -> Self {
        Self {
            ctx,
            queues,
            retry,
            stop: watch::Sender::new(false),
            runs: Vec::new(),
        }
    }

    /// Adds a worker for `J`'s queue, running one job at a time.
    pub fn register<J: Job>(mut self, settings: J::Settings) -> Self {
        let backoff = ExponentialBackoffMaker::new(
            self.retry.min_backoff,
            self.retry.max_backoff.max(self.retry.min_backoff),
            0.5,
            HasherRng::default(),
        )
        .expect("backoff bounds are ordered")
        .make_backoff();
        let worker = WorkerBuilder::new(J::NAME)
            .backend(self.queues.storage::<J>())
            .data(self.ctx.clone())
            .data(settings)
            .data(DeadLetters::new(&self.queues))
            .data(self.retry)
            .concurrency(1)
            .retry(RetryPolicy::retries(self.retry.retries).with_backoff(backoff))
            .build(handle::<J>);
        let mut stop = self.stop.subscribe();
        self.runs.push(Box::pin(async move {
            // `run_until` stops taking jobs when told to and returns once the job in flight is done.
            worker
                .run_until(async move {
                    let _ = stop.wait_for(|stop| *stop).await;
                    Ok::<(), std::io::Error>(())
                })
                .await?;
            Ok(())
        }));
        self
    }

    /// Runs every registered worker until `shutdown` resolves, then waits for in-flight jobs.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(
            namespace = self.queues.namespace(),
            workers = self.runs.len(),
            "jobs worker started"
        );
        let handles: Vec<_> = self.runs.into_iter().map(tokio::spawn).collect();
        let stop = self.stop;
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight jobs");
            stop.send_replace(true);
        });
        for handle in handles {
            handle.await??;
        }
        Ok(())
    }
}
