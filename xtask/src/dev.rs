//! `cargo xtask dev`: the whole store on fixed ports (or free ones if taken), until Ctrl-C.

use crate::services;
use crate::stack::{Mode, Stack};
use anyhow::Result;
use std::time::{Duration, Instant};

/// `cargo xtask dev`: start everything, print the URL, run until Ctrl-C.
pub(crate) fn run() -> Result<()> {
    let started = Instant::now();
    let tools = crate::tools::ensure_all(false)?;
    let services = services::ensure()?;
    crate::build::all(&tools)?;
    let stack = Stack::start(&services, Mode::Dev)?;
    println!(
        "\n  Meridian is running at {}   (origin API: {})",
        stack.edge_url(),
        stack.origin_url()
    );
    println!(
        "  payments: the Stripe stand-in at {} (card 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined)",
        stack.psp_url()
    );
    println!(
        "  email and SMS: captured in {0}/maildir (Maildir, one file a message) and {0}/sms.jsonl",
        stack.logs.display()
    );
    println!(
        "  logs: {}   ·   ready in {:.0?}   ·   Ctrl-C stops everything\n",
        stack.logs.display(),
        started.elapsed()
    );
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
