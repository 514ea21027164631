//! `cargo xtask bench`, the origin's read and cart rows: product by slug, a 50-product listing and adding a
//! cart line, driven by the lean load generator of `load.rs` against the release build. Each row prints
//! req/s, latency percentiles under load and the CPU per request of the origin, Postgres and the load
//! generator itself (from /proc), so a figure limited by this 2-core machine says so.
//! Each row runs BENCH_ORIGIN_ROUNDS times (default 3), the rows taking turns, and the median round is
//! printed: this machine's speed drifts by 10 % between minutes. BENCH_ORIGIN_REQUESTS sets the requests
//! per round (default 20000), BENCH_ORIGIN_CONNECTIONS the connections (default 10, the origin's pool
//! size: more only queue); BENCH_ONLY filters rows by name.

use crate::load::{self, Connection, Measured};
use crate::stack::Stack;
use anyhow::{bail, Context, Result};
use std::fs;

/// Request `i` of a row, as bytes on the wire.
type MakeRequest<'a> = Box<dyn Fn(usize) -> Vec<u8> + Sync + 'a>;
/// Lines each bench cart ends with: a shopper's cart is small, and the answer (the whole cart) and its
/// stored idempotency copy grow with it.
const LINES_PER_CART: usize = 4;
/// Requests of each row's warm-up, numbered after the measured ones so they fill carts of their own.
const WARM_UP: usize = 200;

pub(crate) fn run(stack: &Stack) -> Result<()> {
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let setting = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let requests = setting("BENCH_ORIGIN_REQUESTS", 20_000);
    let rounds = setting("BENCH_ORIGIN_ROUNDS", 3).max(1);
    let connections = setting("BENCH_ORIGIN_CONNECTIONS", 10).max(1);
    let port = stack.origin_port();
    let secret = stack.origin_secret().to_owned();
    let auth = [("x-meridian-origin-auth", secret.as_str())];
    let slug = first_product(port, &auth)?;
    let skus = skus(port, &auth)?;
    let carts = carts(
        port,
        &auth,
        (rounds * requests + WARM_UP).div_ceil(LINES_PER_CART),
    )?;

    let product = format!("/api/catalog/products/{slug}");
    let rows: Vec<(&str, u16, MakeRequest)> = vec![
        (
            "origin: catalog API, product (Postgres)",
            200,
            Box::new(|_| load::request("GET", &product, &auth, None)),
        ),
        (
            "origin: catalog API, list 50 products (Postgres)",
            200,
            Box::new(|_| load::request("GET", "/api/catalog/products?per_page=50", &auth, None)),
        ),
        (
            "origin: add a cart line (Postgres)",
            200,
            Box::new(|i| add_line(&carts, &skus, &auth, i)),
        ),
    ];
    println!("\n{requests} requests per round, {rounds} rounds taking turns (the median round shown), {connections} keep-alive connections, Rust load generator; CPU ms per request from /proc.\n");
    let rows: Vec<_> = rows
        .iter()
        .filter(|(name, ..)| name.contains(&only))
        .collect();
    let mut results: Vec<Vec<(Measured, Cpu)>> = rows.iter().map(|_| Vec::new()).collect();
    for (name, expect, make) in &rows {
        // Numbered after every measured request, so the warm-up fills carts of its own.
        let warm_up = |i| make(rounds * requests + i);
        load::run(port, connections, WARM_UP, *expect, &warm_up)
            .with_context(|| format!("warm-up of {name}"))?;
    }
    for round in 0..rounds {
        for ((name, expect, make), results) in rows.iter().zip(&mut results) {
            let numbered = |i| make(round * requests + i);
            let before = Cpu::now();
            let measured = load::run(port, connections, requests, *expect, &numbered)
                .with_context(|| name.to_string())?;
            results.push((measured, Cpu::now().since(&before, requests)));
        }
    }
    println!(
        "| Scenario | p50 ms | p95 ms | p99 ms | req/s | rounds req/s | CPU origin | CPU Postgres | CPU client |"
    );
    println!("|---|---:|---:|---:|---:|---|---:|---:|---:|");
    for ((name, ..), mut results) in rows.iter().zip(results) {
        let all: Vec<String> = results
            .iter()
            .map(|(m, _)| format!("{:.0}", m.per_second))
            .collect();
        results.sort_by(|a, b| a.0.per_second.total_cmp(&b.0.per_second));
        let (measured, used) = &results[results.len() / 2];
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.0} | {} | {:.3} | {:.3} | {:.3} |",
            measured.percentile(50.0),
            measured.percentile(95.0),
            measured.percentile(99.0),
            measured.per_second,
            all.join(", "),
            used.origin,
            used.postgres,
            used.client,
        );
    }
    Ok(())
}

/// Request `i` adds one unit of an item to cart `i / LINES_PER_CART`: every cart gets that many lines of
/// different items, one unit each.
fn add_line(carts: &[String], skus: &[String], auth: &[(&str, &str)], i: usize) -> Vec<u8> {
    let cart = &carts[i / LINES_PER_CART];
    let sku = &skus[i % skus.len()];
    let key = format!("bench-{}-{i}", std::process::id());
    let mut headers = auth.to_vec();
    headers.push(("idempotency-key", &key));
    let body = format!(r#"{{"sku":"{sku}","quantity":1}}"#);
    load::request(
        "POST",
        &format!("/api/carts/{cart}/lines"),
        &headers,
        Some(&body),
    )
}

fn get_json(port: u16, path: &str, auth: &[(&str, &str)]) -> Result<serde_json::Value> {
    let answer = Connection::open(port)?.send(&load::request("GET", path, auth, None))?;
    if answer.status != 200 {
        bail!("GET {path}: HTTP {}", answer.status);
    }
    Ok(serde_json::from_slice(&answer.body)?)
}

fn first_product(port: u16, auth: &[(&str, &str)]) -> Result<String> {
    let page = get_json(port, "/api/catalog/products?per_page=1", auth)?;
    page["items"][0]["slug"]
        .as_str()
        .map(str::to_owned)
        .context("the catalog is empty")
}

/// SKUs in stock, so every add is accepted (from the product pages: cards carry no variants).
fn skus(port: u16, auth: &[(&str, &str)]) -> Result<Vec<String>> {
    let page = get_json(port, "/api/catalog/products?per_page=100", auth)?;
    let mut skus = Vec::new();
    for card in page["items"].as_array().into_iter().flatten() {
        let Some(slug) = card["slug"].as_str().filter(|_| card["in_stock"] == true) else {
            continue;
        };
        let product = get_json(port, &format!("/api/catalog/products/{slug}"), auth)?;
        let variants = product["variants"].as_array().cloned().unwrap_or_default();
        skus.extend(
            variants
                .iter()
                .filter(|v| v["available"].as_u64().is_some_and(|n| n > 0))
                .filter_map(|v| v["sku"].as_str().map(str::to_owned)),
        );
    }
    if skus.is_empty() {
        bail!("no SKU in stock to add");
    }
    Ok(skus)
}

fn carts(port: u16, auth: &[(&str, &str)], count: usize) -> Result<Vec<String>> {
    let mut connection = Connection::open(port)?;
    (0..count)
        .map(|_| {
            let answer = connection.send(&load::request("POST", "/api/carts", auth, None))?;
            if answer.status != 201 {
                bail!("creating a bench cart: HTTP {}", answer.status);
            }
            let cart: serde_json::Value = serde_json::from_slice(&answer.body)?;
            cart["id"].as_str().map(str::to_owned).context("cart id")
        })
        .collect()
}

/// CPU seconds so far of the origin, of every Postgres process and of this process.
struct Cpu {
    origin: f64,
    postgres: f64,
    client: f64,
}

impl Cpu {
    fn now() -> Self {
        let mut cpu = Self {
            origin: 0.0,
            postgres: 0.0,
            client: seconds(&fs::read_to_string("/proc/self/stat").unwrap_or_default()).1,
        };
        for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            match seconds(&stat) {
                ("origin", s) => cpu.origin += s,
                ("postgres", s) => cpu.postgres += s,
                _ => {}
            }
        }
        cpu
    }

    /// Milliseconds per request since `before`.
    #[allow(clippy::cast_precision_loss)]
    fn since(&self, before: &Self, requests: usize) -> Self {
        let per = |now: f64, then: f64| (now - then) * 1000.0 / requests as f64;
        Self {
            origin: per(self.origin, before.origin),
            postgres: per(self.postgres, before.postgres),
            client: per(self.client, before.client),
        }
    }
}

/// `(command name, utime + stime in seconds)` of a `/proc/<pid>/stat` line.
fn seconds(stat: &str) -> (&str, f64) {
    let name = stat
        .split_once('(')
        .and_then(|(_, rest)| rest.rsplit_once(')'))
        .map_or("", |(name, _)| name);
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // After the name: state is field 3 of stat(5), utime 14 and stime 15, counted in 1/100 s.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (name, (ticks(11) + ticks(12)) / 100.0)
}
