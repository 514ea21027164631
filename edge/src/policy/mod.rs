//! The edge's decisions as pure functions of strings: no `worker` types, so they compile and are unit
//! tested on the host (`cargo test -p meridian-edge --lib`, run by `cargo xtask test`). The handlers only
//! read headers, call these and act on the answer.

pub(crate) mod cache_key;
pub(crate) mod checkout;
pub(crate) mod cookie;
pub(crate) mod csp;
pub(crate) mod form;
pub(crate) mod payment;
pub(crate) mod personal;
pub(crate) mod publish;
pub(crate) mod request;
pub(crate) mod session;
pub(crate) mod settings;
