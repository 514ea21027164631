//! The store's error type. Callers decide what a failure means to their user (an HTTP status, a job
//! retry); the store only says what happened.

/// A repository call failed for a reason that is not a business rule.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or could not be reached.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A stored row breaks an invariant the schema cannot express (e.g. an unknown currency code).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// True when retrying shortly may succeed: the pool had no free connection in time, or a lock or
    /// statement timeout fired (`lock_timeout`, `statement_timeout`). The origin answers these with 503 +
    /// `Retry-After` instead of a 500.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::PoolTimedOut) => true,
            Self::Database(sqlx::Error::Database(e)) => {
                // 55P03 lock_not_available (lock_timeout), 57014 query_canceled (statement_timeout),
                // 40P01 deadlock_detected and 40001 serialization_failure (the transaction was rolled
                // back whole; the same request with the same key may simply be sent again).
                matches!(
                    e.code().as_deref(),
                    Some("55P03" | "57014" | "40P01" | "40001")
                )
            }
            _ => false,
        }
    }
}
