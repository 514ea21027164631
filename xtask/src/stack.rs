//! The whole store as local processes: origin, payment, supplier, SMTP and SMS stand-ins, `wrangler dev`, jobs
//! worker; then the first product sync. Used by `cargo xtask dev` (fixed ports) and the end-to-end tests (free ports).
//! Each process runs in its own process group so stopping the stack also stops what it spawned (workerd).

use crate::net::{free_port, http_get, port_free, random_token};
use crate::paths::{cargo, host_tests, node_bin, root, target_dir};
use crate::services::Services;
use crate::{run, step};
use anyhow::{bail, Context, Result};
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Process groups to stop if we are interrupted before the stack is dropped.
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Dev,
    Test,
    /// Like `Test` (scratch database, free ports), with release builds of the native services.
    Bench,
}

pub(crate) struct Stack {
    children: Vec<(String, Child)>,
    /// `(admin URL, name)` of a throwaway database to drop when the stack stops.
    scratch_db: Option<(String, String)>,
    edge_port: u16,
    origin_port: u16,
    psp_port: u16,
    pub(crate) logs: PathBuf,
    /// The token `wrangler dev` accepts on the publish endpoint (random per stack).
    publish_token: String,
    /// The credential the edge presents to the origin (random per stack); the origin refuses calls
    /// without it.
    origin_secret: String,
    /// The origin's session-signing seed (random per stack): the browser tests sign tokens with it to
    /// check what the edge does with an expired one.
    session_signing_key: String,
    database_url: String,
}

impl Stack {
    pub(crate) fn start(services: &Services, mode: Mode) -> Result<Self> {
        install_interrupt_handler();
        let started = Instant::now();
        let profile = if mode == Mode::Bench {
            step("building origin, jobs and the payment stand-in (release)");
            let services = [
                "-p",
                "meridian-origin",
                "-p",
                "meridian-jobs",
                "-p",
                "meridian-psp",
            ];
            run(cargo().args(["build", "--release"]).args(services))?;
            "release"
        } else {
            step("building origin, jobs and the payment stand-in");
            // Cargo builds a package's binaries for its integration tests, so this yields all three.
            run(host_tests().arg("--no-run"))?;
            "debug"
        };
        let bin = |name: &str| target_dir().join(profile).join(name);
        let (db_name, namespace) = match mode {
            Mode::Dev => ("meridian_dev".to_owned(), "meridian-dev".to_owned()),
            Mode::Test | Mode::Bench => (
                format!("meridian_e2e_{}", std::process::id()),
                format!("meridian-e2e-{}", std::process::id()),
            ),
        };
        let database_url = services.database_url(&db_name);
        let pick = |preferred: u16| {
            if mode == Mode::Dev && port_free(preferred) {
                preferred
            } else {
                free_port()
            }
        };
        let (edge_port, origin_port, supplier_port, inspector_port) =
            (pick(8787), pick(8081), pick(8082), pick(9229));
        let psp_port = pick(8083);
        let (smtp_port, sms_port) = (pick(2525), pick(8084));
        let smtp_python = crate::mail::ensure_smtp_server()?;
        let logs = target_dir()
            .join("run")
            .join(format!("{mode:?}-{}", std::process::id()).to_lowercase());
        std::fs::create_dir_all(&logs)?;
        let scratch_db =
            (mode != Mode::Dev).then(|| (services.admin_database_url.clone(), db_name.clone()));
        let token = random_token()?;
        let origin_secret = random_token()?;
        let (signing_key, public_key) = session_keys(&bin("origin"))?;
        let mut stack = Self {
            children: Vec::new(),
            scratch_db,
            edge_port,
            origin_port,
            psp_port,
            logs,
            publish_token: token.clone(),
            origin_secret: origin_secret.clone(),
            session_signing_key: signing_key.clone(),
            database_url: database_url.clone(),
        };

        step(&format!("migrating database {db_name}"));
        run(Command::new(bin("origin"))
            .arg("migrate")
            .env("DATABASE_URL", &database_url))?;

        step("starting origin, the payment, supplier, SMTP and SMS stand-ins, wrangler dev and the jobs worker");
        // The payment stand-in's keys are random per stack, like Stripe test-mode keys per account.
        let stripe_key = format!("sk_test_{}", random_token()?);
        let webhook_secret = format!("whsec_{}", random_token()?);
        // The daily sales reports: the jobs write them here, the origin's admin API serves them.
        let reports_store = std::path::absolute(stack.logs.join("reports"))?;
        // Imported product images: the jobs write them here, the origin serves them to the edge.
        let images_store = std::path::absolute(stack.logs.join("images"))?;
        let mut origin = Command::new(bin("origin"));
        origin
            .arg("serve")
            .env("DATABASE_URL", &database_url)
            .env("ORIGIN_LISTEN", format!("127.0.0.1:{origin_port}"))
            .env("ORIGIN_SECRET", &origin_secret)
            .env("STORE_URL", stack.edge_url())
            .env("STRIPE_API_BASE", stack.psp_url())
            .env("STRIPE_SECRET_KEY", &stripe_key)
            .env("STRIPE_WEBHOOK_SECRET", &webhook_secret)
            .env("SESSION_SIGNING_KEY", &stack.session_signing_key)
            .env("REPORTS_STORE", &reports_store)
            .env("IMAGES_STORE", &images_store);
        stack.spawn("origin", origin)?;
        let mut psp = Command::new(bin("psp"));
        psp.env("PSP_LISTEN", format!("127.0.0.1:{psp_port}"))
            .env("PSP_PUBLIC_URL", stack.psp_url())
            .env("PSP_SECRET_KEY", &stripe_key)
            .env(
                "PSP_WEBHOOK_URL",
                format!("{}/webhooks/stripe", stack.origin_url()),
            )
            .env("PSP_WEBHOOK_SECRET", &webhook_secret);
        stack.spawn("psp", psp)?;
        let mut supplier = Command::new(bin("jobs"));
        supplier.args([
            "supplier",
            "--listen",
            &format!("127.0.0.1:{supplier_port}"),
            "--feed",
        ]);
        supplier.arg(root().join("demo/products.json"));
        stack.spawn("supplier", supplier)?;
        let maildir = stack.logs.join("maildir");
        stack.spawn(
            "smtp",
            crate::mail::smtp_server(&smtp_python, smtp_port, &maildir),
        )?;
        let sms = crate::mail::SmsAccount::random()?;
        let sms_log = stack.logs.join("sms.jsonl");
        stack.spawn(
            "sms",
            crate::mail::sms_gateway(&bin("jobs"), sms_port, &sms, &sms_log),
        )?;
        let mut wrangler = Command::new(node_bin("wrangler"));
        wrangler.current_dir(root()).args([
            "dev",
            "--ip",
            "127.0.0.1",
            "--show-interactive-dev-session=false",
        ]);
        wrangler.args([
            "--port",
            &edge_port.to_string(),
            "--inspector-port",
            &inspector_port.to_string(),
        ]);
        wrangler.args([
            "--var",
            &format!("ORIGIN_URL:http://127.0.0.1:{origin_port}"),
            "--var",
            &format!("SESSION_PUBLIC_KEY:{public_key}"),
        ]);
        // Secrets go in a file only we can read, not on a command line anyone's `ps` shows.
        let secrets = stack.logs.join("secrets.env");
        let contents = format!("PUBLISH_TOKEN={token}\nORIGIN_SECRET={origin_secret}\n");
        write_private(&secrets, &contents)?;
        wrangler.arg("--env-file").arg(&secrets);
        wrangler
            .arg("--persist-to")
            .arg(stack.logs.join("wrangler-state"));
        wrangler
            .env("MERIDIAN_SKIP_BUILD", "1")
            .env("WRANGLER_SEND_METRICS", "false");
        stack.spawn("wrangler", wrangler)?;
        stack.wait_http("origin", origin_port, "/readyz", 200, 30)?;
        stack.wait_http("payment stand-in", psp_port, "/_psp/events", 200, 30)?;
        stack.wait_http("supplier", supplier_port, "/products.json?limit=1", 200, 30)?;
        stack.wait_http("wrangler dev", edge_port, "/robots.txt", 200, 90)?;
        // Any HTTP answer will do: the stand-in answers 404 (Twilio's way) to a GET it has no route for.
        stack.wait_http("SMS stand-in", sms_port, "/", 404, 30)?;
        anyhow::ensure!(
            crate::services::wait_reachable(
                &format!("127.0.0.1:{smtp_port}"),
                Duration::from_secs(30)
            ),
            "the SMTP server did not listen on :{smtp_port}; see {}/smtp.log",
            stack.logs.display()
        );
        let mut jobs = Command::new(bin("jobs"));
        jobs.arg("worker")
            .env("DATABASE_URL", &database_url)
            .env("REDIS_URL", &services.redis_url);
        jobs.env("JOBS_NAMESPACE", &namespace)
            .env("EDGE_URL", stack.edge_url())
            .env("PUBLISH_TOKEN", &token);
        // Tests make an order due and watch it expire; a short round keeps them quick.
        let housekeeping = if mode == Mode::Dev { "10" } else { "1" };
        jobs.env("HOUSEKEEPING_INTERVAL_SECONDS", housekeeping);
        jobs.env("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
            .env("MAIL_FROM", "Meridian <orders@meridian.localhost>")
            .env("STORE_URL", stack.edge_url());
        sms.worker_env(&mut jobs, &format!("http://127.0.0.1:{sms_port}"));
        jobs.env("REPORTS_STORE", &reports_store)
            .env("IMAGES_STORE", &images_store);
        stack.spawn("jobs", jobs)?;

        step("first product sync from the supplier stand-in");
        let mut enqueue = Command::new(bin("jobs"));
        enqueue.args([
            "enqueue",
            "--wait",
            "120",
            "--feed-url",
            &format!("http://127.0.0.1:{supplier_port}"),
        ]);
        enqueue
            .env("DATABASE_URL", &database_url)
            .env("REDIS_URL", &services.redis_url)
            .env("JOBS_NAMESPACE", &namespace);
        run(&mut enqueue).with_context(|| format!("see the logs in {}", stack.logs.display()))?;
        stack.wait_http("storefront", edge_port, "/", 200, 30)?;
        eprintln!("    stack ready in {:.1?}", started.elapsed());
        Ok(stack)
    }

    /// `node` with the stack's addresses in its environment, for the browser tests and the bench.
    pub(crate) fn node(&self) -> Command {
        let mut node = Command::new("node");
        node.env("BASE_URL", self.edge_url())
            .env("ORIGIN_URL", self.origin_url())
            .env("ORIGIN_LOG", self.logs.join("origin.log"))
            .env("PUBLISH_TOKEN", &self.publish_token)
            .env("ORIGIN_SECRET", &self.origin_secret)
            .env("SESSION_SIGNING_KEY", &self.session_signing_key)
            .env("DATABASE_URL", &self.database_url)
            .env("PSP_URL", self.psp_url())
            .env("MAILDIR", self.logs.join("maildir"))
            .env("SMS_LOG", self.logs.join("sms.jsonl"));
        node
    }

    pub(crate) fn psp_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.psp_port)
    }

    pub(crate) fn edge_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.edge_port)
    }

    pub(crate) fn origin_port(&self) -> u16 {
        self.origin_port
    }

    /// The credential the origin expects from the edge (and from the bench's load generator).
    pub(crate) fn origin_secret(&self) -> &str {
        &self.origin_secret
    }

    pub(crate) fn origin_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.origin_port)
    }

    fn spawn(&mut self, name: &str, mut cmd: Command) -> Result<()> {
        let log = File::create(self.logs.join(format!("{name}.log")))?;
        cmd.stdout(log.try_clone()?).stderr(log).process_group(0);
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {name}: {cmd:?}"))?;
        GROUPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(child.id());
        self.children.push((name.to_owned(), child));
        Ok(())
    }

    /// Waits until `GET path` on `port` answers `status`, failing early if a process died.
    fn wait_http(
        &mut self,
        what: &str,
        port: u16,
        path: &str,
        status: u16,
        secs: u64,
    ) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(secs) {
            if http_get(port, path).is_some_and(|(s, _)| s == status) {
                return Ok(());
            }
            for (name, child) in &mut self.children {
                if let Ok(Some(exit)) = child.try_wait() {
                    bail!(
                        "{name} exited ({exit}); see {}/{name}.log",
                        self.logs.display()
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        bail!(
            "{what} did not answer {status} on :{port}{path} within {secs}s; logs in {}",
            self.logs.display()
        )
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        for (_, child) in self.children.iter_mut().rev() {
            signal_group(child.id(), "TERM");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(100));
            }
            signal_group(child.id(), "KILL");
            let _ = child.wait();
        }
        GROUPS.lock().unwrap_or_else(|e| e.into_inner()).clear();
        if let Some((admin, name)) = &self.scratch_db {
            // Best effort: without psql the test database just stays behind.
            let _ = crate::services::drop_database(admin, name);
        }
    }
}

/// Writes `contents` to a new file readable by its owner only.
fn write_private(path: &std::path::Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

fn signal_group(pid: u32, signal: &str) {
    // `--`: without it procps' kill reads the negative process-group id as an option.
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg("--")
        .arg(format!("-{pid}"))
        .output();
}

fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nstopping everything this command started…");
        for pid in GROUPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .rev()
        {
            signal_group(*pid, "TERM");
        }
        std::thread::sleep(Duration::from_secs(2));
        for pid in GROUPS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            signal_group(*pid, "KILL");
        }
        std::process::exit(130);
    });
}

/// A fresh session key pair for this stack, from `origin session-key` (the origin owns the key format):
/// the signing seed for the origin and the public key for the edge.
fn session_keys(origin: &std::path::Path) -> Result<(String, String)> {
    let out = Command::new(origin)
        .arg("session-key")
        .output()
        .context("running origin session-key")?;
    anyhow::ensure!(out.status.success(), "origin session-key failed");
    let text = String::from_utf8(out.stdout).context("origin session-key printed non-UTF-8")?;
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
            .with_context(|| format!("origin session-key printed no {name}"))
    };
    Ok((value("SESSION_SIGNING_KEY")?, value("SESSION_PUBLIC_KEY")?))
}
