//! The origin's integration tests, one binary grouped by resource, against a real PostgreSQL: every test
//! gets a fresh, migrated database from `#[sqlx::test]` (needs `DATABASE_URL`; `cargo xtask test` sets it).

mod archive;
mod auth;
mod carts;
mod catalog;
mod common;
mod health;
mod idempotency;
