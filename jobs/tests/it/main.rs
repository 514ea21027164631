//! The jobs integration tests, one binary: the real Redis and Postgres (`DATABASE_URL`, `REDIS_URL`;
//! `cargo xtask test` sets both), the supplier stand-in or a test server over HTTP, jobs through apalis.

mod common;
mod dead_letters;
mod fake_edge;
mod feeds;
mod guards;
mod housekeeping;
mod images;
mod inventory;
mod mailbox;
mod notify;
mod notify_fixtures;
mod publish;
mod relay;
mod reports;
mod schedule;
mod sms;
mod sync;
mod webhooks;
