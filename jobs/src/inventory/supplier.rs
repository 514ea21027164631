//! The supplier stand-in's stock levels (dev and tests only): `GET /inventory.csv` serves a stock file's
//! bytes exactly as they are (byte-order mark, `\r\n`, odd rows and all) as `text/csv`, the way a
//! supplier's export would arrive. `jobs supplier --stock demo/stock.csv` serves it next to the product
//! feed.

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// The stock-levels route, relative to the stand-in's root.
pub const PATH: &str = "/inventory.csv";

/// The stand-in's stock route over a fixed file body.
pub fn router(csv: Vec<u8>) -> Router {
    let csv = Arc::new(csv);
    Router::new().route(
        PATH,
        get(move || {
            let csv = Arc::clone(&csv);
            async move { ([(CONTENT_TYPE, "text/csv; charset=utf-8")], (*csv).clone()) }
        }),
    )
}
