//! PostgreSQL and Redis: use the ones named by `DATABASE_URL` / `REDIS_URL` (or the local defaults), start a
//! stopped local install if there is one, otherwise stop with a message saying what to install or set.

use crate::step;
use anyhow::{bail, Result};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::Command;
use std::time::{Duration, Instant};

/// Connection settings the stack and the tests use.
#[derive(Debug, Clone)]
pub(crate) struct Services {
    /// A database the tests may create other databases from (e.g. `…/postgres`).
    pub(crate) admin_database_url: String,
    pub(crate) redis_url: String,
}

impl Services {
    /// The URL of database `name` on the same server.
    pub(crate) fn database_url(&self, name: &str) -> String {
        let base = self
            .admin_database_url
            .rsplit_once('/')
            .map_or(self.admin_database_url.as_str(), |(b, _)| b);
        format!("{base}/{name}")
    }
}

/// Drops database `name` (if it exists) on the server behind `admin_url`, with psql.
pub(crate) fn drop_database(admin_url: &str, name: &str) -> Result<()> {
    crate::run(
        Command::new("psql")
            .arg(admin_url)
            .args(["-qc", &format!("DROP DATABASE IF EXISTS \"{name}\"")]),
    )
}

pub(crate) fn ensure() -> Result<Services> {
    let admin_database_url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let redis_url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    ensure_one(
        "PostgreSQL",
        &admin_database_url,
        5432,
        start_postgres,
        "install PostgreSQL (apt-get install postgresql) or set DATABASE_URL",
    )?;
    ensure_one(
        "Redis",
        &redis_url,
        6379,
        start_redis,
        "install Redis (apt-get install redis-server) or set REDIS_URL",
    )?;
    Ok(Services {
        admin_database_url,
        redis_url,
    })
}

fn ensure_one(
    name: &str,
    url: &str,
    default_port: u16,
    start: fn() -> bool,
    help: &str,
) -> Result<()> {
    let addr = host_port(url, default_port);
    if reachable(&addr) {
        return Ok(());
    }
    step(&format!(
        "{name} is not answering at {addr}; trying to start the local install"
    ));
    if start() && wait_reachable(&addr, Duration::from_secs(20)) {
        return Ok(());
    }
    bail!("{name} is not reachable at {addr}: {help}")
}

/// `scheme://user@host:port/db` → `host:port`.
fn host_port(url: &str, default_port: u16) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:{default_port}")
    }
}

pub(crate) fn reachable(addr: &str) -> bool {
    addr.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_millis(500)).is_ok())
}

pub(crate) fn wait_reachable(addr: &str, timeout: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if reachable(addr) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

fn start_postgres() -> bool {
    let Ok(versions) = std::fs::read_dir("/etc/postgresql") else {
        return false;
    };
    versions.filter_map(|v| v.ok()).any(|v| {
        let version = v.file_name().to_string_lossy().into_owned();
        Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &version, "main", "start"])
            .status()
            .is_ok_and(|s| s.success())
    })
}

fn start_redis() -> bool {
    Command::new("redis-server")
        .args([
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .status()
        .is_ok_and(|s| s.success())
}
