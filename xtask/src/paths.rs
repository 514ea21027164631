//! Where things live: the clone, the shared cache outside it, and the one cargo target dir.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root (the clone).
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// `$MERIDIAN_CACHE`, else `~/.cache/meridian`: pinned tools and the cargo target dir, shared by clones.
pub(crate) fn cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("MERIDIAN_CACHE") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".cache").join("meridian")
}

/// `$CARGO_TARGET_DIR`, else one target dir in the cache, so repeat runs and new clones build incrementally.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| cache().join("target"), PathBuf::from)
}

/// A `cargo` command in the workspace using the shared target dir.
pub(crate) fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir());
    cmd
}

/// `cargo test` over the native crates (the edge and the app views run in [`edge_tests`]; xtask tests
/// itself by running). The stack builds its binaries with this same command plus `--no-run`: the same
/// package selection resolves the same dependency features, so the test run and the stack share one
/// build instead of compiling twice.
pub(crate) fn host_tests() -> Command {
    let mut cmd = cargo();
    cmd.args([
        "test",
        "--workspace",
        "--exclude",
        "meridian-edge",
        "--exclude",
        "meridian-xtask",
    ]);
    cmd
}

/// The unit tests of the storefront's view and edge logic on the host: the app with its `ssr` views and
/// the worker's library (its pure `policy` modules and the domain it uses; nothing there calls into JS).
/// Separate from [`host_tests`] so the worker's dependencies don't change the native services' build.
pub(crate) fn edge_tests() -> Command {
    let mut cmd = cargo();
    cmd.arg("test").args(EDGE_ON_HOST).arg("--lib");
    cmd
}

/// The storefront crates as the host builds them for tests and lint: the app with its `ssr` views, and
/// the worker's library.
pub(crate) const EDGE_ON_HOST: [&str; 6] = [
    "-p",
    "meridian-app",
    "--features",
    "meridian-app/ssr",
    "-p",
    "meridian-edge",
];

/// A binary installed by npm into the clone's `node_modules/.bin`.
pub(crate) fn node_bin(name: &str) -> PathBuf {
    root().join("node_modules").join(".bin").join(name)
}
