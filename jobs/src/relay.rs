//! The outbox relay: moves committed outbox rows onto the queues of the jobs that handle their topic.
//!
//! It wakes on the `meridian_outbox` notification the outbox trigger sends at commit (latency), and also
//! polls (a lost notification, a relay that was down). Rows are claimed with `SKIP LOCKED`, so several
//! relays can run; a row is enqueued and marked sent in one transaction, and jobs are idempotent by event
//! id, so a relay that dies between the two only causes a duplicate that the receipts absorb. Rows sent
//! but without every receipt after `redeliver_after` are enqueued again: a Redis restart that loses the
//! queued jobs loses no event.

use crate::events::Event;
use crate::queue::Queues;
use crate::registry;
use meridian_store::outbox;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::time::Duration;

/// The channel the outbox trigger notifies.
pub const CHANNEL: &str = "meridian_outbox";

/// How the relay paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelaySettings {
    /// Rows claimed per transaction.
    pub batch: i64,
    /// Longest wait without a notification before looking anyway.
    pub poll: Duration,
    /// A row sent this long ago whose jobs have not all reported is sent again. Longer than a job's
    /// retries take, or a slow job is sent twice (harmless, but wasted).
    pub redeliver_after: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            batch: 200,
            poll: Duration::from_secs(2),
            redeliver_after: Duration::from_secs(300),
        }
    }
}

/// Called with every event the relay has just put on the queues (after its transaction committed): a
/// hook for work that should start sooner than a queue poll (see `publish::follow`).
pub type Observer = dyn Fn(&Event) + Send + Sync;

/// Relays until the process stops. Database or Redis errors are logged and retried on the next wake.
pub async fn run(db: PgPool, queues: Queues, settings: RelaySettings, observe: Box<Observer>) {
    let mut listener = listen(&db).await;
    tracing::info!(
        ?settings,
        listening = listener.is_some(),
        "outbox relay started"
    );
    loop {
        if let Err(e) = pass(&db, &queues, &settings, &*observe).await {
            tracing::warn!(error = %format!("{e:#}"), "outbox relay pass failed; will retry");
        }
        wait(&db, &mut listener, settings.poll).await;
    }
}

/// One pass: everything unsent, then everything overdue. Returns how many jobs were enqueued.
pub async fn pass(
    db: &PgPool,
    queues: &Queues,
    settings: &RelaySettings,
    observe: &Observer,
) -> anyhow::Result<usize> {
    let mut enqueued = 0;
    loop {
        let (rows, jobs) = relay_batch(db, queues, settings.batch, observe).await?;
        enqueued += jobs;
        if rows < settings.batch {
            break;
        }
    }
    loop {
        let (rows, jobs) = redeliver_batch(db, queues, settings).await?;
        enqueued += jobs;
        if rows < settings.batch {
            break;
        }
    }
    Ok(enqueued)
}

/// Claims, enqueues and marks one batch of unsent rows; returns (rows, jobs enqueued).
async fn relay_batch(
    db: &PgPool,
    queues: &Queues,
    batch: i64,
    observe: &Observer,
) -> anyhow::Result<(i64, usize)> {
    let mut tx = db.begin().await?;
    let rows = outbox::claim_unsent(&mut tx, batch).await?;
    let claimed = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let mut by_jobs: BTreeMap<Vec<String>, Vec<i64>> = BTreeMap::new();
    let mut enqueued = 0;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let jobs: Vec<String> = registry::jobs_for(&row.topic)
            .iter()
            .map(|j| (*j).to_owned())
            .collect();
        let event = Event::from(row);
        enqueued += enqueue(queues, &jobs, event.clone()).await?;
        by_jobs.entry(jobs).or_default().push(event.id);
        events.push(event);
    }
    for (jobs, ids) in by_jobs {
        outbox::mark_sent(&mut tx, &ids, &jobs).await?;
    }
    tx.commit().await?;
    for event in &events {
        observe(event);
    }
    if claimed > 0 {
        tracing::debug!(rows = claimed, jobs = enqueued, "outbox rows relayed");
    }
    Ok((claimed, enqueued))
}

/// Enqueues the jobs of overdue rows again; returns (rows, jobs enqueued).
async fn redeliver_batch(
    db: &PgPool,
    queues: &Queues,
    settings: &RelaySettings,
) -> anyhow::Result<(i64, usize)> {
    let mut tx = db.begin().await?;
    let overdue = outbox::claim_overdue(&mut tx, settings.redeliver_after, settings.batch).await?;
    let claimed = i64::try_from(overdue.len()).unwrap_or(i64::MAX);
    let mut enqueued = 0;
    for o in overdue {
        tracing::warn!(event = o.row.id, topic = %o.row.topic, jobs = ?o.missing, "outbox event overdue; sending it again");
        enqueued += enqueue(queues, &o.missing, Event::from(o.row)).await?;
    }
    tx.commit().await?;
    Ok((claimed, enqueued))
}

async fn enqueue(queues: &Queues, jobs: &[String], event: Event) -> anyhow::Result<usize> {
    for job in jobs {
        registry::enqueue_event(queues, job, event.clone()).await?;
    }
    Ok(jobs.len())
}

async fn listen(db: &PgPool) -> Option<PgListener> {
    let listener = async {
        let mut listener = PgListener::connect_with(db).await?;
        listener.listen(CHANNEL).await?;
        Ok::<_, sqlx::Error>(listener)
    };
    match listener.await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "cannot LISTEN for outbox rows; polling only");
            None
        }
    }
}

/// Waits for a notification or the poll interval, whichever comes first; a broken listener is dropped
/// (and reconnected on a later wake), leaving the poll.
async fn wait(db: &PgPool, listener: &mut Option<PgListener>, poll: Duration) {
    let Some(l) = listener else {
        tokio::time::sleep(poll).await;
        *listener = listen(db).await;
        return;
    };
    match tokio::time::timeout(poll, l.recv()).await {
        Ok(Ok(_)) | Err(_) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "outbox listener lost; polling until it is back");
            *listener = None;
        }
    }
}
