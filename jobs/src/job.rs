//! What a background job is: a named, serialisable payload with a `run` method. The queue, the worker
//! wiring, retries and dead letters are generic over [`Job`], so a new job is a folder with one `impl`
//! plus a line in [`crate::registry`].

use crate::context::JobContext;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// A background job, in the spirit of crates.io's `BackgroundJob`.
///
/// **Implementations must be idempotent**: a job may run more than once (a retry after a timeout, a worker
/// that died after doing the work but before acknowledging it, an operator re-enqueueing a dead letter),
/// and running it twice must leave the same state as running it once, never send a second email or charge
/// twice.
pub trait Job: Serialize + DeserializeOwned + Clone + Send + Sync + Unpin + 'static {
    /// The job's name: its queue is `<namespace>:<NAME>`, and dead letters and logs say it.
    const NAME: &'static str;

    /// How often an idle worker of this job looks for new jobs (apalis-redis fetches on its heartbeat).
    /// Most jobs can wait a couple of seconds; one on a latency budget sets less.
    const POLL: Duration = Duration::from_secs(2);

    /// The job's own settings (read once at start-up), next to the clients every job shares.
    type Settings: Clone + Send + Sync + 'static;

    /// The outbox event this job handles, if it is an [`crate::events::EventJob`]: the worker then runs it
    /// at most once per event (it keeps a receipt) however often the event is delivered.
    fn event_id(&self) -> Option<i64> {
        None
    }

    /// Does the work. Return a [`Refusal`] (inside the `anyhow::Error`) when retrying cannot help: the
    /// job then goes straight to the dead letters instead of being retried.
    fn run(
        &self,
        ctx: &JobContext,
        settings: &Self::Settings,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// A failure that retrying cannot fix (a refused feed URL, a feed that would archive the catalog): the
/// job is not retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// An `anyhow::Error` carrying a [`Refusal`].
pub fn refusal(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Refusal(message.into()))
}

/// True when `error` (or anything it wraps) is a [`Refusal`].
pub fn is_refusal(error: &anyhow::Error) -> bool {
    error.chain().any(|e| e.is::<Refusal>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_found_under_context() {
        let refused = refusal("bad feed URL").context("product-sync");
        assert!(is_refusal(&refused));
        assert!(!is_refusal(&anyhow::anyhow!("connection reset")));
        assert_eq!(format!("{refused:#}"), "product-sync: bad feed URL");
    }
}
