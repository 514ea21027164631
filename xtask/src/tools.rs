//! Pinned tools, installed only when missing: each is checked first, so a repeat run takes a second.
//! Cargo-installed tools go under the cache, keyed by version, so an upgrade never reuses an old binary.

use crate::paths::{cache, node_bin, root};
use crate::{run, step};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Must equal the `wasm-bindgen` version in Cargo.lock: the CLI and the library share a schema.
pub(crate) const WASM_BINDGEN: &str = "0.2.130";
pub(crate) const WORKER_BUILD: &str = "0.8.7";

/// Paths of the tools the build uses.
#[derive(Debug, Clone)]
pub(crate) struct Tools {
    pub(crate) wasm_bindgen: PathBuf,
    pub(crate) worker_build: PathBuf,
    pub(crate) wasm_opt: PathBuf,
    pub(crate) esbuild: PathBuf,
}

/// Installs whatever is missing. `browser`: also make sure chromium is there (tests need it).
pub(crate) fn ensure_all(browser: bool) -> Result<Tools> {
    ensure_wasm_target()?;
    check_lockfile_pin()?;
    let wasm_bindgen = ensure_cargo_tool("wasm-bindgen-cli", WASM_BINDGEN, "wasm-bindgen")?;
    let worker_build = ensure_cargo_tool("worker-build", WORKER_BUILD, "worker-build")?;
    ensure_npm()?;
    crate::mail::ensure_smtp_server()?;
    if browser {
        ensure_chromium()?;
    }
    let esbuild = root().join("node_modules/@esbuild/linux-x64/bin/esbuild");
    Ok(Tools {
        wasm_bindgen,
        worker_build,
        wasm_opt: node_bin("wasm-opt"),
        esbuild,
    })
}

fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root())
        .output();
    let has =
        installed.map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"));
    if has.unwrap_or(false) {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target (rustup)");
    run(Command::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .current_dir(root()))
}

fn check_lockfile_pin() -> Result<()> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let pinned = format!("name = \"wasm-bindgen\"\nversion = \"{WASM_BINDGEN}\"");
    if !lock.contains(&pinned) {
        bail!("Cargo.lock's wasm-bindgen is not {WASM_BINDGEN}: update WASM_BINDGEN in xtask/src/tools.rs too");
    }
    Ok(())
}

/// `cargo install <krate> --version =<version>` into `<cache>/tools/<krate>-<version>`, once.
fn ensure_cargo_tool(krate: &str, version: &str, bin: &str) -> Result<PathBuf> {
    let dir = cache().join("tools").join(format!("{krate}-{version}"));
    let path = dir.join("bin").join(bin);
    if path.exists() {
        return Ok(path);
    }
    step(&format!(
        "installing {krate} {version} (once; a few minutes on 2 cores)"
    ));
    // No --locked: these crates' lockfiles pin versions the registry mirror may not carry.
    let mut cmd = Command::new("cargo");
    cmd.args([
        "install",
        krate,
        "--version",
        &format!("={version}"),
        "--root",
    ])
    .arg(&dir);
    cmd.env("CARGO_TARGET_DIR", cache().join("tools").join("build"));
    run(&mut cmd)?;
    Ok(path)
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn ensure_npm() -> Result<()> {
    let marker = root().join("node_modules/.package-lock.json");
    if newer_or_equal(&marker, &root().join("package-lock.json")) && node_bin("wrangler").exists() {
        return Ok(());
    }
    step("installing npm packages (wrangler, binaryen, playwright-core)");
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(root()))
}

fn newer_or_equal(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(a), Some(b)) if a >= b)
}

/// Path of the chromium the browser tests drive.
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// Debian's chromium: test tools must not download their own browser on this network.
fn ensure_chromium() -> Result<()> {
    ensure_debian_packages(CHROMIUM, &["chromium"], "Debian's chromium")
}

/// Installs Debian `packages` with apt-get unless `installed` (a file they provide) exists.
pub(crate) fn ensure_debian_packages(installed: &str, packages: &[&str], what: &str) -> Result<()> {
    if Path::new(installed).exists() {
        return Ok(());
    }
    step(&format!("installing {what} (apt-get)"));
    let sudo = if is_root() { vec![] } else { vec!["sudo"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut cmd = Command::new(all[0]);
        cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q"];
    install.extend_from_slice(packages);
    apt(&install).with_context(|| {
        format!(
            "install {what} yourself: apt-get install {}",
            packages.join(" ")
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
