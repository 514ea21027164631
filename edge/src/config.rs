//! The worker's configuration: wrangler `[vars]` and secrets, validated (see `policy::settings`), plus the
//! asset version fixed at build time.

use crate::policy::settings::{OriginLink, RawSettings, Settings};
use leptos::prelude::LeptosOptions;
use std::cell::{Cell, OnceCell};
use std::rc::Rc;
use worker::Env;

/// Version of the client bundle and stylesheet, set by `cargo xtask build` (`/pkg/<version>/…`).
/// Part of every page cache key, so a deploy with new assets never serves pages pointing at old ones.
pub(crate) const ASSET_VERSION: &str = match option_env!("MERIDIAN_ASSET_VERSION") {
    Some(v) => v,
    None => "dev",
};

/// Name of the client bundle: `/pkg/<version>/meridian_app.js` and `meridian_app_bg.wasm`.
const CLIENT_NAME: &str = "meridian_app";

thread_local! {
    /// Whether this isolate has logged its configuration problems yet (once is enough to be seen).
    static REPORTED: Cell<bool> = const { Cell::new(false) };
    /// The configuration, read once per isolate: bindings cannot change under a running isolate (a new
    /// deploy or secret starts new isolates), so re-reading and re-validating them per request is waste.
    static CONFIG: OnceCell<Rc<Config>> = const { OnceCell::new() };
}

#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The origin and our credential for it, or why cart calls are off.
    pub(crate) origin: Result<OriginLink, String>,
    /// Shared secret the publish job presents; `None` disables publishing.
    pub(crate) publish_token: Option<String>,
    /// Seconds a rendered catalog page may be served from the edge cache. Keys are versioned, so this only
    /// bounds how long an unpublished edit (e.g. stock) can lag.
    pub(crate) page_ttl: u32,
    /// Where buyers may be sent to pay (see `policy::settings::Settings::payment_origin`).
    pub(crate) payment_origin: Option<String>,
    /// The origin's session-signing public key; `None` turns account pages off (503).
    pub(crate) session_key: Option<[u8; 32]>,
}

impl Config {
    /// This isolate's configuration (read from `env` by the first request).
    pub(crate) fn for_isolate(env: &Env) -> Rc<Self> {
        CONFIG.with(|c| Rc::clone(c.get_or_init(|| Rc::new(Self::from_env(env)))))
    }

    /// Reads and validates the bindings; problems are logged as errors once per isolate, never ignored.
    pub(crate) fn from_env(env: &Env) -> Self {
        let text = |name: &str| env.var(name).ok().map(|v| v.to_string());
        let secret = |name: &str| env.secret(name).ok().map(|v| v.to_string());
        let settings = Settings::validate(RawSettings {
            origin_url: text("ORIGIN_URL"),
            origin_secret: secret("ORIGIN_SECRET"),
            publish_token: secret("PUBLISH_TOKEN"),
            page_ttl: text("PAGE_TTL_SECONDS"),
            payment_origin: text("PAYMENT_ORIGIN"),
            session_public_key: text("SESSION_PUBLIC_KEY"),
        });
        if !settings.problems.is_empty() && !REPORTED.replace(true) {
            for problem in &settings.problems {
                worker::console_error!("configuration: {problem}");
            }
        }
        Self {
            origin: settings.origin,
            publish_token: settings.publish_token,
            page_ttl: settings.page_ttl,
            payment_origin: settings.payment_origin,
            session_key: settings.session_key,
        }
    }

    pub(crate) fn leptos_options(&self) -> LeptosOptions {
        leptos_options()
    }

    pub(crate) fn stylesheet(&self) -> String {
        format!("/pkg/{ASSET_VERSION}/meridian.css")
    }
}

/// Options naming the client bundle of this build (the same for every request).
pub(crate) fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(CLIENT_NAME)
        .site_pkg_dir(format!("pkg/{ASSET_VERSION}"))
        .build()
}
