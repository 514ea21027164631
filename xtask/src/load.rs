//! A closed-loop HTTP/1.1 load generator for the origin's rows of `cargo xtask bench`.
//!
//! Node's `fetch` spends more CPU per request than the origin's own handler does, and every core it takes
//! is one the origin and Postgres lose on this 2-core machine: the origin's ceiling was hidden behind the
//! client's. This one is a thread per keep-alive connection writing prepared bytes and reading the answer
//! by `Content-Length` (or chunks), so the load generator's share of the CPU stays small and is reported.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One answer: status and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// A keep-alive connection to `127.0.0.1:port`.
pub(crate) struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    pub(crate) fn open(port: u16) -> Result<Self> {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .with_context(|| format!("connecting to 127.0.0.1:{port}"))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self {
            writer: stream.try_clone()?,
            reader: BufReader::new(stream),
        })
    }

    /// Sends one complete request (see [`request`]) and reads the whole answer.
    pub(crate) fn send(&mut self, request: &[u8]) -> Result<Answer> {
        self.writer.write_all(request)?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("not an HTTP status line: {line:?}"))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse()?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.trim().eq_ignore_ascii_case("chunked");
            }
        }
        let body = if chunked {
            self.read_chunks()?
        } else {
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body)?;
            body
        };
        Ok(Answer { status, body })
    }

    fn read_chunks(&mut self) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16)?;
            let mut chunk = vec![0; size + 2]; // the chunk and its CRLF
            self.reader.read_exact(&mut chunk)?;
            if size == 0 {
                return Ok(body);
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
}

/// The bytes of one HTTP/1.1 request (keep-alive; a JSON body when given).
pub(crate) fn request(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    json: Option<&str>,
) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = json {
        out.push_str("content-type: application/json\r\n");
        out.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    } else {
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Latencies (sorted, ms) and throughput of one run.
pub(crate) struct Measured {
    pub(crate) latencies: Vec<f64>,
    pub(crate) per_second: f64,
}

impl Measured {
    pub(crate) fn percentile(&self, p: f64) -> f64 {
        let n = self.latencies.len();
        // Truncation is the rank we want (nearest-rank below).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let rank = ((p / 100.0) * n as f64) as usize;
        self.latencies[rank.min(n - 1)]
    }
}

/// Sends `requests` requests made by `make(i)` over `connections` keep-alive connections, each sending
/// its next request when the last one is answered; every answer must have status `expect`.
pub(crate) fn run(
    port: u16,
    connections: usize,
    requests: usize,
    expect: u16,
    make: &(dyn Fn(usize) -> Vec<u8> + Sync),
) -> Result<Measured> {
    let next = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(requests));
    let started = Instant::now();
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = (0..connections)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    let mut connection = Connection::open(port)?;
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= requests {
                            break;
                        }
                        let bytes = make(i);
                        let sent = Instant::now();
                        let answer = connection.send(&bytes)?;
                        mine.push(sent.elapsed().as_secs_f64() * 1000.0);
                        if answer.status != expect {
                            let body = String::from_utf8_lossy(&answer.body);
                            bail!("expected HTTP {expect}, got {}: {body}", answer.status);
                        }
                    }
                    latencies.lock().expect("no worker panics").extend(mine);
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("load worker panicked")?;
        }
        Ok(())
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies = latencies.into_inner().expect("no worker panics");
    latencies.sort_by(f64::total_cmp);
    #[allow(clippy::cast_precision_loss)]
    let per_second = requests as f64 / elapsed;
    Ok(Measured {
        latencies,
        per_second,
    })
}
