//! The container smoke test in `cargo xtask test`: the images built from `deploy/Containerfile` migrate,
//! serve, sync and shut down as a deployer will run them, against the real Postgres and Redis. Only the
//! supplier stand-in (an outside system) runs on the host.

use crate::images::{build_for_test, podman, podman_cmd};
use crate::net::{free_port, http_get, http_get_with, random_token};
use crate::paths::{host_tests, root, target_dir};
use crate::services::Services;
use crate::{run, step, tools};
use anyhow::{bail, ensure, Context, Result};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// What the test started, removed again however it ends.
struct Started {
    containers: Vec<String>,
    supplier: Option<Child>,
    database: (String, String),
}

impl Drop for Started {
    fn drop(&mut self) {
        for name in &self.containers {
            let _ = podman(&["rm", "-f", "-t", "5", name]);
        }
        if let Some(supplier) = &mut self.supplier {
            let _ = supplier.kill();
            let _ = supplier.wait();
        }
        let (admin, name) = &self.database;
        let _ = crate::services::drop_database(admin, name);
    }
}

pub(crate) fn smoke(services: &Services) -> Result<()> {
    tools::ensure_debian_packages("/usr/bin/podman", &["podman"], "podman")?;
    tools::ensure_debian_packages("/usr/sbin/runc", &["runc"], "runc")?;
    tools::ensure_debian_packages("/usr/sbin/debootstrap", &["debootstrap"], "debootstrap")?;
    // The debug binaries the test run built (a no-op then); lets `cargo xtask test-images` run alone.
    run(host_tests().arg("--no-run"))?;
    let [origin, jobs] = build_for_test()?;
    step("container smoke test: migrate, serve, sync and stop from the images");
    let id = std::process::id();
    let db_name = format!("meridian_images_{id}");
    let database_url = services.database_url(&db_name);
    let namespace = format!("meridian-images-{id}");
    let mut started = Started {
        containers: Vec::new(),
        supplier: None,
        database: (services.admin_database_url.clone(), db_name),
    };
    let (origin_port, supplier_port) = (free_port(), free_port());
    started.supplier = Some(
        Command::new(target_dir().join("debug/jobs"))
            .args([
                "supplier",
                "--listen",
                &format!("127.0.0.1:{supplier_port}"),
                "--feed",
            ])
            .arg(root().join("demo/products.json"))
            .spawn()?,
    );
    let env = [
        format!("DATABASE_URL={database_url}"),
        format!("REDIS_URL={}", services.redis_url),
        format!("JOBS_NAMESPACE={namespace}"),
        format!("ORIGIN_LISTEN=127.0.0.1:{origin_port}"),
    ];
    // The secret is passed by name (`-e NAME`, value from podman's environment), not on a command line.
    let secret = random_token()?;
    let container = |name: Option<&str>, image: &str, args: &[&str]| -> Result<Command> {
        let mut cmd = podman_cmd()?;
        cmd.args(["run", "--network", "host"]);
        match name {
            Some(name) => cmd.args(["-d", "--name", name]),
            None => cmd.arg("--rm"),
        };
        for var in &env {
            cmd.args(["-e", var]);
        }
        cmd.args(["-e", "ORIGIN_SECRET"])
            .env("ORIGIN_SECRET", &secret);
        cmd.arg(image).args(args);
        Ok(cmd)
    };
    run(&mut container(None, &origin, &["migrate"])?)?;
    for (name, image) in [("origin", &origin), ("jobs", &jobs)] {
        let name = format!("meridian-{name}-{id}");
        run(&mut container(Some(&name), image, &[])?)?;
        started.containers.push(name);
    }
    let feed = format!("http://127.0.0.1:{supplier_port}");
    let sync = ["enqueue", "--wait", "120", "--feed-url", &feed];
    run(&mut container(None, &jobs, &sync)?).context("a product sync inside the jobs image")?;
    check_origin(origin_port, &secret)?;
    let uid = podman(&["exec", &started.containers[0], "id", "-u"])?;
    ensure!(
        uid == "10001",
        "the origin runs as uid {uid}, not the unprivileged 10001"
    );
    for name in &started.containers {
        podman(&["stop", "-t", "20", name])?;
        let code = podman(&["inspect", "-f", "{{.State.ExitCode}}", name])?;
        ensure!(
            code == "0",
            "{name} exited {code} on SIGTERM instead of shutting down cleanly"
        );
    }
    eprintln!("    images migrate, serve, sync and stop cleanly");
    Ok(())
}

/// The origin container is ready and serves every product the sync (in the jobs container) wrote.
fn check_origin(port: u16, secret: &str) -> Result<()> {
    let started = Instant::now();
    while http_get(port, "/readyz").is_none_or(|(status, _)| status != 200) {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the origin container did not become ready on :{port}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let auth = [(meridian_domain::api::ORIGIN_AUTH_HEADER, secret)];
    let listing = "/api/catalog/products?per_page=1";
    let (status, body) = http_get_with(port, listing, &auth).context("origin")?;
    ensure!(status == 200, "catalog listing answered {status}");
    let total: usize = body
        .split("\"total\":")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .context("no total in the catalog listing")?;
    let feed = std::fs::read_to_string(root().join("demo/products.json"))?;
    let expected = feed.matches("\"handle\"").count();
    ensure!(
        total == expected,
        "the origin container lists {total} products, the feed has {expected}"
    );
    Ok(())
}
