//! Container images of origin and jobs from `deploy/Containerfile`. `cargo xtask images` builds release
//! binaries and both images for deployers; `cargo xtask test` builds them from its debug binaries and
//! runs them (see `image_test`).

use crate::paths::{cargo, root, target_dir};
use crate::{run, step};
use anyhow::{ensure, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};

/// Where a machine without a registry gets its Debian base: debootstrapped once, kept by podman.
const LOCAL_BASE: &str = "localhost/meridian-base:bookworm";

/// podman settings for sandboxed machines like this one: without CAP_SYS_RESOURCE podman's default
/// rlimits (nofile 1048576, …) cannot be applied, and crun refuses hybrid cgroups. So containers set no
/// rlimits of their own (they inherit the host's) and run under runc. Harmless on an ordinary host.
const PODMAN_CONF: &str = "[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = \"runc\"\n";

/// `cargo xtask images`: release binaries, then `meridian-origin:<commit>` and `meridian-jobs:<commit>`.
/// `MERIDIAN_BASE_IMAGE` replaces the Containerfile's base (e.g. a mirror of `debian:bookworm-slim`).
pub(crate) fn release() -> Result<()> {
    let engine = engine()?;
    step("building origin and jobs (release)");
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "meridian-origin",
        "-p",
        "meridian-jobs",
        "--bins",
    ]))?;
    let base = std::env::var("MERIDIAN_BASE_IMAGE").ok();
    let tag = git_commit()?;
    for image in build(engine, &target_dir().join("release"), base.as_deref(), &tag)? {
        println!("built {image}");
    }
    Ok(())
}

/// Images for the smoke test, tagged `test`, from the debug binaries the tests already built (the same
/// Containerfile; only the optimisation level differs from `release`).
pub(crate) fn build_for_test() -> Result<[String; 2]> {
    ensure_local_base()?;
    let images = build(
        "podman",
        &target_dir().join("debug"),
        Some(LOCAL_BASE),
        "test",
    )?;
    // Each run re-tags `test`; the images it replaced would otherwise pile up.
    podman(&["image", "prune", "-f"])?;
    images
        .try_into()
        .map_err(|_| anyhow::anyhow!("expected two images"))
}

/// The container engine: podman (Debian's), else docker.
fn engine() -> Result<&'static str> {
    ["podman", "docker"]
        .into_iter()
        .find(|e| {
            Command::new(e)
                .arg("info")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .context("no working container engine: apt-get install podman (or run a docker engine)")
}

fn git_commit() -> Result<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root())
        .output()?;
    ensure!(out.status.success(), "git rev-parse failed");
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// Builds both targets of the Containerfile from the binaries in `bins`; returns the image names.
fn build(engine: &str, bins: &Path, base: Option<&str>, tag: &str) -> Result<Vec<String>> {
    step("building the origin and jobs images (deploy/Containerfile)");
    let context = target_dir().join("images");
    let _ = std::fs::remove_dir_all(&context);
    std::fs::create_dir_all(&context)?;
    for bin in ["origin", "jobs"] {
        let (from, to) = (bins.join(bin), context.join(bin));
        // Debug info is most of a binary's size and nothing a container needs.
        let stripped = Command::new("strip")
            .arg("--strip-debug")
            .arg("-o")
            .args([&to, &from])
            .status()
            .is_ok_and(|s| s.success());
        if !stripped {
            std::fs::copy(&from, &to).with_context(|| format!("copying {}", from.display()))?;
        }
    }
    let mut images = Vec::new();
    for target in ["origin", "jobs"] {
        let image = format!("meridian-{target}:{tag}");
        let mut cmd = if engine == "podman" {
            podman_cmd()?
        } else {
            Command::new(engine)
        };
        cmd.args(["build", "--target", target, "-t", &image, "-f"])
            .arg(root().join("deploy/Containerfile"));
        if let Some(base) = base {
            cmd.args(["--build-arg", &format!("BASE={base}")]);
        }
        run(cmd.arg(&context))?;
        images.push(image);
    }
    Ok(images)
}

/// The Debian bookworm base, made with debootstrap from Debian's mirror when podman lacks it.
fn ensure_local_base() -> Result<()> {
    if podman(&["image", "exists", LOCAL_BASE]).is_ok() {
        return Ok(());
    }
    step("creating a local Debian bookworm base image (debootstrap; once per machine)");
    let rootfs = target_dir().join("images-rootfs");
    let _ = std::fs::remove_dir_all(&rootfs);
    run(Command::new("debootstrap")
        .args(["--variant=minbase", "bookworm"])
        .arg(&rootfs)
        .arg("http://deb.debian.org/debian"))?;
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(&rootfs)
        .args(["-c", "."])
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = tar.stdout.take().context("tar's output")?;
    run(podman_cmd()?
        .args(["import", "-", LOCAL_BASE])
        .stdin(stdout))?;
    ensure!(
        tar.wait()?.success(),
        "tar of the debootstrapped tree failed"
    );
    std::fs::remove_dir_all(&rootfs)?;
    Ok(())
}

/// Runs podman, returning its trimmed output or its error message.
pub(crate) fn podman(args: &[&str]) -> Result<String> {
    let out = podman_cmd()?.args(args).output()?;
    ensure!(
        out.status.success(),
        "podman {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// `podman` with [`PODMAN_CONF`] as its configuration.
pub(crate) fn podman_cmd() -> Result<Command> {
    let conf = target_dir().join("podman-containers.conf");
    if std::fs::read_to_string(&conf).ok().as_deref() != Some(PODMAN_CONF) {
        std::fs::create_dir_all(target_dir())?;
        std::fs::write(&conf, PODMAN_CONF)?;
    }
    let mut cmd = Command::new("podman");
    cmd.env("CONTAINERS_CONF", conf);
    Ok(cmd)
}
