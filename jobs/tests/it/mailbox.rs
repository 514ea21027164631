//! A real SMTP server for the notification tests: aiosmtpd from the venv `cargo xtask setup` installs
//! under the tools cache (the one `cargo xtask dev` runs), on a free port, delivering to a Maildir that
//! the tests read back and parse as a mail client would (MIME parts, quoted-printable, RFC 2047).

use mail_parser::{MessageParser, MimeHeaders};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// The venv's python: `$SMTP_PYTHON`, else where `cargo xtask setup` puts it (`xtask/src/mail.rs`).
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("SMTP_PYTHON") {
        return p.into();
    }
    let cache = std::env::var_os("MERIDIAN_CACHE").map_or_else(
        || {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into()))
                .join(".cache/meridian")
        },
        PathBuf::from,
    );
    let python = cache.join("tools/aiosmtpd/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `cargo xtask setup` (it installs aiosmtpd)",
        python.display()
    );
    python
}

/// One email as a reader sees it.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) to: String,
    pub(crate) from: String,
    pub(crate) subject: String,
    pub(crate) message_id: String,
    pub(crate) text: String,
    pub(crate) html: String,
    pub(crate) content_type: String,
}

/// aiosmtpd on a loopback port, stopped when dropped.
pub(crate) struct SmtpServer {
    pub(crate) port: u16,
    maildir: PathBuf,
    child: Option<Child>,
}

impl SmtpServer {
    pub(crate) async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir =
            std::env::temp_dir().join(format!("meridian-maildir-{}", uuid::Uuid::new_v4()));
        let mut server = Self {
            port,
            maildir,
            child: None,
        };
        server.resume().await;
        server
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on its port, with the same Maildir.
    pub(crate) async fn resume(&mut self) {
        let child = Command::new(python())
            // -u: SMTPUTF8, so internationalised addresses (Ünï@example.com) are accepted, as by most servers.
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-u",
                "-l",
                &format!("127.0.0.1:{}", self.port),
            ])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("starting aiosmtpd");
        self.child = Some(child);
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not listen on {}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server: sends fail until [`Self::resume`].
    pub(crate) async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.unwrap();
        }
    }

    /// Every message delivered so far, oldest first.
    pub(crate) fn received(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).unwrap());
        files
            .iter()
            .map(|f| parse(&std::fs::read(f).unwrap()))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

fn parse(raw: &[u8]) -> Received {
    let m = MessageParser::default().parse(raw).expect("a MIME message");
    let first = |list: Option<&mail_parser::Address>| {
        list.and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned()
    };
    Received {
        to: first(m.to()),
        from: first(m.from()),
        subject: m.subject().unwrap_or_default().to_owned(),
        message_id: m.message_id().unwrap_or_default().to_owned(),
        // Lines as a reader sees them (the wire has CRLF).
        text: m.body_text(0).unwrap_or_default().replace("\r\n", "\n"),
        html: m.body_html(0).unwrap_or_default().into_owned(),
        content_type: m
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
            .unwrap_or_default(),
    }
}
