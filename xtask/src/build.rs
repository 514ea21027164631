//! Building the edge: the browser bundle (islands wasm + JS + CSS) under a content-hashed directory in
//! `edge/assets/pkg/<version>/`, the demo media, then the worker (which embeds that version).

use crate::paths::{cargo, root, target_dir};
use crate::tools::{ensure_all, Tools};
use crate::{run, step};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const CLIENT_NAME: &str = "meridian_app";

/// `cargo xtask build`, also wrangler's `[build] command`: a no-op when the caller already built.
pub(crate) fn all_unless_skipped() -> Result<()> {
    if std::env::var("MERIDIAN_SKIP_BUILD").as_deref() == Ok("1") {
        eprintln!("cargo xtask build: already built by the caller, skipping");
        return Ok(());
    }
    all(&ensure_all(false)?)
}

pub(crate) fn all(tools: &Tools) -> Result<()> {
    let version = client(tools)?;
    media()?;
    worker(tools, &version)
}

/// Builds the hydrate bundle and returns its version (a hash of what it contains).
fn client(tools: &Tools) -> Result<String> {
    step("building the browser bundle (islands, wasm32, size-optimised)");
    let started = Instant::now();
    let mut build = cargo();
    build.args([
        "build",
        "-p",
        "meridian-app",
        "--lib",
        "--profile",
        "wasm-release",
    ]);
    build.args([
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        "hydrate",
    ]);
    run(&mut build)?;
    let wasm = target_dir()
        .join("wasm32-unknown-unknown/wasm-release")
        .join(format!("{CLIENT_NAME}.wasm"));
    let staging = target_dir().join("client-staging");
    let _ = fs::remove_dir_all(&staging);
    let mut bindgen = Command::new(&tools.wasm_bindgen);
    bindgen.args([
        "--target",
        "web",
        "--no-typescript",
        "--out-name",
        CLIENT_NAME,
        "--out-dir",
    ]);
    run(bindgen.arg(&staging).arg(&wasm))?;
    let bg = staging.join(format!("{CLIENT_NAME}_bg.wasm"));
    run(Command::new(&tools.wasm_opt)
        .arg("-Oz")
        .arg("--enable-bulk-memory")
        .arg("--enable-nontrapping-float-to-int")
        .arg(&bg)
        .arg("-o")
        .arg(&bg))?;
    fs::copy(root().join("style/main.css"), staging.join("meridian.css"))
        .context("copying style/main.css")?;
    let version = hash_dir(&staging)?;
    let pkg = root().join("edge/assets/pkg");
    let _ = fs::remove_dir_all(&pkg);
    fs::create_dir_all(&pkg)?;
    copy_dir(&staging, &pkg.join(&version))?;
    eprintln!("    client {version} built in {:.0?}", started.elapsed());
    Ok(version)
}

/// Demo product images, already content-hashed by name, served as immutable assets.
fn media() -> Result<()> {
    let dest = root().join("edge/assets/media");
    fs::create_dir_all(&dest)?;
    copy_dir(&root().join("demo/images"), &dest)
}

/// The worker, built by worker-build with our pinned wasm-bindgen, binaryen and esbuild (no downloads).
fn worker(tools: &Tools, version: &str) -> Result<()> {
    // Per clone (the target dir is shared by clones) and outside edge/build, which worker-build replaces.
    let stamp = root().join("edge/.asset-version");
    let inputs = ["edge", "app", "domain"].map(|c| root().join(c).join("src"));
    let manifests = [
        "Cargo.lock",
        "Cargo.toml",
        "edge/Cargo.toml",
        "app/Cargo.toml",
        "domain/Cargo.toml",
    ];
    let newest_input = inputs
        .iter()
        .chain(&manifests.map(|m| root().join(m)))
        .filter_map(|p| newest(p))
        .max();
    let built = fs::metadata(root().join("edge/build/index_bg.wasm"))
        .and_then(|m| m.modified())
        .ok();
    if fs::read_to_string(&stamp).ok().as_deref() == Some(version)
        && built.is_some()
        && built >= newest_input
    {
        eprintln!("    worker is up to date");
        return Ok(());
    }
    step("building the edge worker (wasm32, release)");
    let started = Instant::now();
    let mut cmd = Command::new(&tools.worker_build);
    cmd.arg("--release").current_dir(root().join("edge"));
    cmd.env("CARGO_TARGET_DIR", target_dir())
        .env("MERIDIAN_ASSET_VERSION", version);
    // worker-build builds with the `release` profile, which the native services share; the worker alone
    // is built for size (it is uploaded, and compiled by every cold isolate): whole-program LTO, one codegen
    // unit, `opt-level = "z"`. Set here so the origin and jobs keep their own release settings.
    cmd.env("CARGO_PROFILE_RELEASE_LTO", "fat")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z");
    cmd.env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
        .env("WASM_OPT_BIN", &tools.wasm_opt)
        .env("ESBUILD_BIN", &tools.esbuild);
    run(&mut cmd)?;
    let shim = root().join("edge/build/worker/shim.mjs");
    anyhow::ensure!(
        shim.exists(),
        "worker-build did not produce {}",
        shim.display()
    );
    let (named, stripped) = crate::wasm_names::strip(
        &root().join("edge/build/index_bg.wasm"),
        &target_dir().join("worker-names.wasm"),
    )?;
    eprintln!("    function names dropped from the upload: {named} → {stripped} bytes");
    fs::write(&stamp, version)?;
    eprintln!("    worker built in {:.0?}", started.elapsed());
    Ok(())
}

/// The latest modification time of a file or of anything under a directory.
fn newest(path: &Path) -> Option<std::time::SystemTime> {
    let meta = fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| newest(&e.path()))
        .max()
}

fn hash_dir(dir: &Path) -> Result<String> {
    let mut names: Vec<_> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    names.sort();
    let mut hasher = Sha256::new();
    for path in names {
        hasher.update(path.file_name().unwrap_or_default().as_encoded_bytes());
        hasher.update(fs::read(&path)?);
    }
    Ok(hex::encode(&hasher.finalize()[..5]))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        if path.is_file() {
            fs::copy(&path, to.join(path.file_name().unwrap_or_default()))?;
        }
    }
    Ok(())
}
