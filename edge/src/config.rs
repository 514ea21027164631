//! The worker's configuration: wrangler `[vars]`, secrets, and the asset version fixed at build time.

use leptos::prelude::LeptosOptions;
use worker::{Env, Result};

/// Version of the client bundle and stylesheet, set by `cargo xtask build` (`/pkg/<version>/…`).
/// Part of every page cache key, so a deploy with new assets never serves pages pointing at old ones.
pub(crate) const ASSET_VERSION: &str = match option_env!("MERIDIAN_ASSET_VERSION") {
    Some(v) => v,
    None => "dev",
};

/// Name of the client bundle: `/pkg/<version>/meridian_app.js` and `meridian_app_bg.wasm`.
const CLIENT_NAME: &str = "meridian_app";

#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// Base URL of the origin API, e.g. `https://origin.eu.example.com`.
    pub(crate) origin_url: String,
    /// Shared secret the publish job presents; `None` disables publishing.
    pub(crate) publish_token: Option<String>,
    /// Seconds a rendered catalog page may be served from the edge cache. Keys are versioned, so this only
    /// bounds how long an unpublished edit (e.g. stock) can lag.
    pub(crate) page_ttl: u32,
}

impl Config {
    pub(crate) fn from_env(env: &Env) -> Result<Self> {
        let origin_url = env
            .var("ORIGIN_URL")?
            .to_string()
            .trim_end_matches('/')
            .to_owned();
        let publish_token = env
            .secret("PUBLISH_TOKEN")
            .ok()
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty());
        let page_ttl = env
            .var("PAGE_TTL_SECONDS")
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(300);
        Ok(Self {
            origin_url,
            publish_token,
            page_ttl,
        })
    }

    pub(crate) fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(CLIENT_NAME)
            .site_pkg_dir(format!("pkg/{ASSET_VERSION}"))
            .build()
    }

    pub(crate) fn stylesheet(&self) -> String {
        format!("/pkg/{ASSET_VERSION}/meridian.css")
    }
}
