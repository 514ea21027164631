//! `cargo xtask <command>`: everything needed to build, run and test Meridian from a fresh clone.
//!
//! - `setup`: install pinned tools (wasm32 target, wasm-bindgen-cli, worker-build, npm packages, chromium)
//! - `build`: client wasm + CSS + media into `edge/assets`, then the worker into `edge/build`
//! - `dev`:   the whole store locally, seeded from the demo feed; prints the URL; Ctrl-C stops it
//! - `test`:  lint, then every test: unit, Postgres/Redis integration, the browser end-to-end suite, and
//!   the container images (`test-images` runs only those)
//! - `lint`:  rustfmt and clippy on every crate and feature set
//! - `bench`: the stack on free ports, then a latency/throughput table per request kind
//! - `images`: release container images of origin and jobs (`deploy/Containerfile`)
//! - `sqlx-prepare`: refresh `.sqlx/` after changing a query or a migration

mod build;
mod dev;
mod image_test;
mod images;
mod load;
mod mail;
mod net;
mod origin_bench;
mod paths;
mod services;
mod stack;
mod tools;
mod wasm_names;

use anyhow::{bail, Result};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("setup") => tools::ensure_all(true).map(drop),
        Some("build") => build::all_unless_skipped(),
        Some("dev") => dev::run(),
        Some("test") => test(),
        Some("lint") => tools::ensure_all(false).and_then(|_| lint()),
        Some("sqlx-prepare") => sqlx_prepare(),
        Some("bench") => bench(),
        Some("images") => images::release(),
        Some("test-images") => image_test::smoke(&services::ensure()?),
        _ => bail!(
            "usage: cargo xtask <setup|build|dev|test|test-images|lint|bench|images|sqlx-prepare>"
        ),
    }
}

/// Every test, in the order that fails fastest: unit and database tests, then the browser suite.
fn test() -> Result<()> {
    let tools = tools::ensure_all(true)?;
    let env = services::ensure()?;
    lint()?;
    step("unit and integration tests (Postgres, Redis)");
    let mut cargo = paths::host_tests();
    cargo
        .env("DATABASE_URL", &env.admin_database_url)
        .env("REDIS_URL", &env.redis_url);
    run(&mut cargo)?;
    step("unit tests of the app's views and the edge's logic (host)");
    run(&mut paths::edge_tests())?;
    build::all(&tools)?;
    step("end-to-end tests in chromium (origin, jobs, supplier stand-in, wrangler dev)");
    let stack = stack::Stack::start(&env, stack::Mode::Test)?;
    let mut node = stack.node();
    node.arg("--test")
        .arg("--test-concurrency=1")
        .arg(paths::root().join("e2e"));
    let outcome = run(&mut node);
    drop(stack);
    outcome?;
    image_test::smoke(&env)
}

/// Builds what `wrangler dev` serves, starts the stack on free ports and runs `bench/storefront.mjs`, the
/// origin's rows (`origin_bench.rs`), `bench/peers.mjs` (Meridian next to an empty and a React worker),
/// `bench/orders.mjs` and `bench/jobs.mjs` (write → visible at edge, the relay and a no-op job).
fn bench() -> Result<()> {
    let tools = tools::ensure_all(false)?;
    let env = services::ensure()?;
    build::all(&tools)?;
    step("benchmark: the local stack under load (BENCH_REQUESTS per scenario), release builds");
    let stack = stack::Stack::start(&env, stack::Mode::Bench)?;
    let bench = paths::root().join("bench");
    let outcome = run(stack.node().arg(bench.join("storefront.mjs")))
        .and_then(|()| origin_bench::run(&stack))
        .and_then(|()| run(stack.node().arg(bench.join("peers.mjs"))))
        .and_then(|()| run(stack.node().arg(bench.join("orders.mjs"))))
        .and_then(|()| run(stack.node().arg(bench.join("jobs.mjs"))));
    drop(stack);
    outcome
}

/// Prints a progress line.
pub(crate) fn step(what: &str) {
    eprintln!("\x1b[1m==> {what}\x1b[0m");
}

/// Runs a command to completion, failing with its command line if it fails.
pub(crate) fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .map_err(|e| anyhow::anyhow!("could not start {cmd:?}: {e}"))?;
    if !status.success() {
        bail!("command failed ({status}): {cmd:?}");
    }
    Ok(())
}

/// `cargo fmt --check` and clippy with `-D warnings` on the host crates and both wasm32 builds.
fn lint() -> Result<()> {
    step("lint: rustfmt and clippy (host, app ssr, browser and worker wasm32)");
    run(paths::cargo().args(["fmt", "--all", "--check"]))?;
    let deny = ["--", "-D", "warnings"];
    run(paths::cargo()
        .args([
            "clippy",
            "--workspace",
            "--exclude",
            "meridian-edge",
            "--all-targets",
        ])
        .args(deny))?;
    run(paths::cargo()
        .arg("clippy")
        .args(paths::EDGE_ON_HOST)
        .arg("--all-targets")
        .args(deny))?;
    let wasm = ["--target", "wasm32-unknown-unknown"];
    run(paths::cargo()
        .args([
            "clippy",
            "-p",
            "meridian-app",
            "--lib",
            "--features",
            "hydrate",
        ])
        .args(wasm)
        .args(deny))?;
    run(paths::cargo()
        .args(["clippy", "-p", "meridian-edge"])
        .args(wasm)
        .args(deny))
}

/// Refreshes `.sqlx/` (the offline query data that lets builds skip the database): migrates a scratch
/// database with psql, then re-checks origin and jobs against it.
fn sqlx_prepare() -> Result<()> {
    let env = services::ensure()?;
    let url = env.database_url("meridian_sqlx_prepare");
    step("migrating a scratch database for sqlx's query checks");
    services::drop_database(&env.admin_database_url, "meridian_sqlx_prepare")?;
    run(Command::new("psql")
        .arg(&env.admin_database_url)
        .args(["-qc", "CREATE DATABASE meridian_sqlx_prepare"]))?;
    let mut migrations: Vec<_> = std::fs::read_dir(paths::root().join("store/migrations"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    migrations.sort();
    for file in migrations {
        run(Command::new("psql")
            .arg(&url)
            .args(["-q", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(file))?;
    }
    step("re-checking queries into .sqlx/");
    let dir = paths::root().join(".sqlx");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    // The crates with checked queries: cleaned so every query is checked again.
    let packages = [
        "-p",
        "meridian-store",
        "-p",
        "meridian-origin",
        "-p",
        "meridian-jobs",
    ];
    run(paths::cargo().arg("clean").args(packages))?;
    let mut check = paths::cargo();
    check.arg("check").args(packages).arg("--all-targets");
    check
        .env("SQLX_OFFLINE", "false")
        .env("DATABASE_URL", &url)
        .env("SQLX_OFFLINE_DIR", &dir);
    run(&mut check)
}
