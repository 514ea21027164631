//! Small network helpers for starting local processes: free ports, health checks, a random token.

use anyhow::Result;
use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A minimal HTTP/1.1 GET on 127.0.0.1 (no client crate needed for health checks).
pub(crate) fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    http_get_with(port, path, &[])
}

/// [`http_get`] with extra request headers.
pub(crate) fn http_get_with(
    port: u16,
    path: &str,
    headers: &[(&str, &str)],
) -> Option<(u16, String)> {
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, response))
}

pub(crate) fn port_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
        && !crate::services::reachable(&format!("127.0.0.1:{port}"))
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or(0, |a| a.port())
}

pub(crate) fn random_token() -> Result<String> {
    random_hex::<24>()
}

/// `N` random bytes as hex.
fn random_hex<const N: usize>() -> Result<String> {
    let mut bytes = [0u8; N];
    File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(hex::encode(bytes))
}
