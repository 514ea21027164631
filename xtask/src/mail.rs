//! The local stand-ins for email and SMS: aiosmtpd (PyPI, pinned in `xtask/smtp-requirements.txt`) in a
//! venv under the tools cache, writing each message it receives to a Maildir; and `jobs sms-gateway`, the
//! stand-in for Twilio's Messages API, recording each text to a JSONL file.

use crate::paths::cache;
use crate::{run, step};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const REQUIREMENTS: &str = include_str!("../smtp-requirements.txt");

/// The venv's directory; the jobs tests look for `bin/python` in the same place.
fn venv() -> PathBuf {
    cache().join("tools").join("aiosmtpd")
}

/// Installs the pinned aiosmtpd into its venv unless that exact set is there already (a file compare:
/// a repeat run takes milliseconds). Returns the venv's python.
pub(crate) fn ensure_smtp_server() -> Result<PathBuf> {
    let dir = venv();
    let python = dir.join("bin").join("python");
    let pinned = dir.join("requirements.txt");
    if python.exists() && std::fs::read_to_string(&pinned).is_ok_and(|p| p == REQUIREMENTS) {
        return Ok(python);
    }
    step("installing the local SMTP server (aiosmtpd from PyPI, into a venv under the cache)");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&dir))
        .context("python3 with its venv module is needed (apt-get install python3-venv)")?;
    let wanted = dir.join("requirements.in");
    std::fs::write(&wanted, REQUIREMENTS)?;
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "-r",
        ])
        .arg(&wanted))?;
    run(Command::new(&python).args(["-c", "import aiosmtpd.handlers"]))?;
    // Written last: an interrupted install is redone next time.
    std::fs::write(&pinned, REQUIREMENTS)?;
    Ok(python)
}

/// aiosmtpd on `127.0.0.1:port`, delivering every message to the Maildir `maildir`; with SMTPUTF8 (`-u`)
/// as most servers have it, so internationalised addresses go through.
pub(crate) fn smtp_server(python: &Path, port: u16, maildir: &Path) -> Command {
    let mut cmd = Command::new(python);
    cmd.args([
        "-m",
        "aiosmtpd",
        "-n",
        "-u",
        "-l",
        &format!("127.0.0.1:{port}"),
    ])
    .args(["-c", "aiosmtpd.handlers.Mailbox"])
    .arg(maildir);
    cmd
}

/// The SMS stand-in's account: a random SID (`AC` + 32 hex, Twilio's shape) and auth token per stack.
#[derive(Clone)]
pub(crate) struct SmsAccount {
    pub(crate) sid: String,
    pub(crate) token: String,
}

impl SmsAccount {
    pub(crate) fn random() -> Result<Self> {
        let sid = format!("AC{}", &crate::net::random_token()?[..32]);
        Ok(Self {
            sid,
            token: crate::net::random_token()?,
        })
    }

    /// The settings `jobs worker` sends texts with, through the stand-in at `url`.
    pub(crate) fn worker_env(&self, cmd: &mut Command, url: &str) {
        cmd.env("TWILIO_URL", url)
            .env("TWILIO_ACCOUNT_SID", &self.sid)
            .env("TWILIO_AUTH_TOKEN", &self.token)
            // Twilio's test-credentials "from" number.
            .env("SMS_FROM", "+15005550006");
    }
}

/// `jobs sms-gateway` on `127.0.0.1:port` for `account`, recording to `record`.
pub(crate) fn sms_gateway(jobs: &Path, port: u16, account: &SmsAccount, record: &Path) -> Command {
    let mut cmd = Command::new(jobs);
    cmd.args([
        "sms-gateway",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--record",
    ])
    .arg(record)
    .env("TWILIO_ACCOUNT_SID", &account.sid)
    .env("TWILIO_AUTH_TOKEN", &account.token);
    cmd
}
