//! Integration tests: the stand-in on a real loopback port, driven over HTTP like the origin and a
//! browser would, with webhooks received and verified by a small axum endpoint.

mod api;
mod payments;
mod refunds;
mod support;
mod webhooks;
