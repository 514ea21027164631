//! Meridian's background jobs on Redis (apalis). [`job::Job`] is what a job is; [`queue`] enqueues any
//! job, [`worker`] runs them with retries and [`dead_letters`]; [`registry`] lists the jobs. Each job lives
//! in its own folder: [`product_sync`] (supplier feed → catalog), [`publish`] (catalog → edge, after a
//! sync and after every committed product change). [`relay`] moves outbox rows to the [`events`] jobs.

pub mod cli;
pub mod config;
pub mod context;
pub mod dead_letters;
pub mod events;
pub mod housekeeping;
pub mod images;
pub mod inventory;
pub mod job;
pub mod noop;
pub mod notify;
pub mod product_sync;
pub mod publish;
pub mod queue;
pub mod registry;
pub mod relay;
pub mod reports;
pub mod schedule;
pub mod webhooks;
pub mod worker;

pub use context::{http_client, EdgeTarget, JobContext};
pub use job::Job;
