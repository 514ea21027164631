//! The origin's integration tests, one binary grouped by resource, against a real PostgreSQL: every test
//! gets a fresh, migrated database from `#[sqlx::test]` (needs `DATABASE_URL`; `cargo xtask test` sets it).
//! Checkout tests also run the payment stand-in (`meridian-psp`) and the origin on loopback ports.

mod account_carts;
mod account_orders;
mod account_sms;
mod accounts;
mod admin;
mod archive;
mod auth;
mod carts;
mod catalog;
mod checkout;
mod common;
mod health;
mod idempotency;
mod images;
mod inventory;
mod orders;
mod oversell;
mod payments;
mod reports;
mod shop;
mod stock_alerts;
mod throttle;
mod webhooks;
