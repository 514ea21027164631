//! The outbox relay on the real Postgres and Redis: a committed change reaches its job, the worker's
//! receipts make every event run once however often it is delivered, and neither a relay killed
//! mid-batch, two relays side by side, nor a Redis killed and restarted (a server of the test's own) loses
//! or doubles an event.

use crate::common::{namespace, redis_url, serve, stop_worker};
use crate::fake_edge::{self, Published, TOKEN};
use meridian_jobs::events::{Event, EventJob};
use meridian_jobs::job::Job;
use meridian_jobs::publish::RefreshEdge;
use meridian_jobs::queue::Queues;
use meridian_jobs::relay::{self, RelaySettings};
use meridian_jobs::worker::{RetrySettings, Workers};
use meridian_jobs::{http_client, EdgeTarget, JobContext};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// A lamp with 5 in stock (inserts announce nothing; only changes do).
async fn seed(pool: &PgPool) {
    sqlx::query(
        "WITH c AS (INSERT INTO categories (slug, name) VALUES ('lighting', 'Lighting') RETURNING id),
              p AS (INSERT INTO products (slug, title, category_id) SELECT 'lamp', 'Lámpara «Ñ»', id FROM c RETURNING id)
         INSERT INTO variants (product_id, sku, title, price_minor, currency, available)
         SELECT id, 'LAMP-1', '', 4900, 'EUR', 5 FROM p",
    )
    .execute(pool)
    .await
    .unwrap();
}

async fn set_stock(pool: &PgPool, n: i32) {
    sqlx::query("UPDATE variants SET available = $1 WHERE sku = 'LAMP-1'")
        .bind(n)
        .execute(pool)
        .await
        .unwrap();
}

/// The jobs a product change is sent to (the edge refresh, and any other that listens, e.g. webhooks).
fn jobs_per_change() -> usize {
    let jobs = meridian_jobs::registry::jobs_for("product.changed");
    assert!(jobs.contains(&RefreshEdge::NAME));
    jobs.len()
}

async fn scalar(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

struct Stack {
    queues: Queues,
    edge: Published,
    stop: tokio::sync::oneshot::Sender<()>,
    worker: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// A fake edge, a namespace on the real Redis, and a worker running the edge-refresh job.
async fn stack(pool: &PgPool) -> Stack {
    let queues = Queues::connect(&redis_url(), &namespace()).await.unwrap();
    start(pool, queues, Arc::default()).await
}

/// A worker running the edge-refresh job on `queues`, publishing to a fake edge that shares `edge`.
async fn start(pool: &PgPool, queues: Queues, edge: Published) -> Stack {
    let url = serve(fake_edge::router(edge.clone())).await;
    let ctx = JobContext {
        db: pool.clone(),
        http: http_client(),
        edge: Some(EdgeTarget {
            url,
            token: TOKEN.into(),
        }),
    };
    let workers =
        Workers::new(ctx, queues.clone(), RetrySettings::default()).register::<RefreshEdge>(());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(workers.run(async {
        let _ = stopped.await;
    }));
    Stack {
        queues,
        edge,
        stop,
        worker,
    }
}

/// The lamp's stock in the snapshot the fake edge serves, once the edge refresh has handled every row.
async fn settled_stock(pool: &PgPool, s: &Stack) -> i32 {
    for _ in 0..200 {
        let waiting = "SELECT count(*) FROM outbox o WHERE NOT EXISTS
                       (SELECT 1 FROM job_receipts r WHERE r.event_id = o.id AND r.job = 'edge-refresh')";
        if scalar(pool, waiting).await == 0 {
            let edge = s.edge.lock().unwrap();
            let committed = edge.batches.iter().rev().find_map(|b| {
                b.documents
                    .iter()
                    .find(|d| d.product.slug == "lamp")
                    .map(|d| d.product.variants[0].available)
            });
            return committed.expect("the lamp was published");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the outbox did not settle within 20s");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_committed_stock_change_reaches_the_edge_once(pool: PgPool) {
    seed(&pool).await;
    let s = stack(&pool).await;
    set_stock(&pool, 3).await;
    let rolled_back = async {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("UPDATE variants SET available = 99 WHERE sku = 'LAMP-1'")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
    };
    rolled_back.await;
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM outbox WHERE topic = 'product.changed'"
        )
        .await,
        1,
        "one row for the committed change, none for the rolled-back one"
    );
    let settings = RelaySettings::default();
    assert_eq!(
        relay::pass(&pool, &s.queues, &settings, &|_| {})
            .await
            .unwrap(),
        jobs_per_change()
    );
    assert_eq!(settled_stock(&pool, &s).await, 3);

    // A relay that died after enqueueing but before marking the row sends it again: handled once.
    sqlx::query("UPDATE outbox SET sent_at = NULL, done_at = NULL")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        relay::pass(&pool, &s.queues, &settings, &|_| {})
            .await
            .unwrap(),
        jobs_per_change()
    );
    assert_eq!(settled_stock(&pool, &s).await, 3);
    let receipts = scalar(
        &pool,
        "SELECT count(*) FROM job_receipts WHERE job = 'edge-refresh' AND outcome = 'done'",
    )
    .await;
    assert_eq!(receipts, 1, "one receipt: the second delivery was skipped");
    stop_worker(s.stop, s.worker).await;
}

/// A Redis server of the test's own (the machine's `redis-server`, on a free port, keeping nothing on disk
/// like ours), so the test can kill and restart it without touching the Redis the other tests share.
struct OwnRedis {
    port: u16,
    child: std::process::Child,
}

impl OwnRedis {
    async fn start(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (Debian's package, on every machine that runs these tests)");
        // Owned from here: a panic below still kills and reaps it (Drop).
        let server = Self { port, child };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not listen on port {port}");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for OwnRedis {
    /// SIGKILL: the server gets no chance to save anything, as in a crash.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_redis_killed_and_restarted_mid_run_loses_no_event(pool: PgPool) {
    seed(&pool).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redis = OwnRedis::start(port).await;
    let queues = Queues::connect(&redis.url(), &namespace()).await.unwrap();
    set_stock(&pool, 0).await;
    let settings = RelaySettings {
        redeliver_after: Duration::from_millis(500),
        ..RelaySettings::default()
    };
    assert_eq!(
        relay::pass(&pool, &queues, &settings, &|_| {})
            .await
            .unwrap(),
        jobs_per_change(),
        "the change's jobs wait in Redis"
    );
    // Kill Redis with the jobs in it (nothing is saved), and start it again, empty, on the same port.
    drop(redis);
    let redis = OwnRedis::start(port).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    // The relay's connection comes back by itself; the first command after the restart may still fail.
    let mut redelivered = None;
    for _ in 0..50 {
        if let Ok(n) = relay::pass(&pool, &queues, &settings, &|_| {}).await {
            redelivered = Some(n);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        redelivered,
        Some(jobs_per_change()),
        "the overdue event is sent again to the restarted Redis"
    );
    let s = start(&pool, queues, Arc::default()).await;
    assert_eq!(settled_stock(&pool, &s).await, 0);
    stop_worker(s.stop, s.worker).await;
    drop(redis);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn relays_killed_mid_run_or_side_by_side_send_every_row_and_none_twice(pool: PgPool) {
    seed(&pool).await;
    sqlx::query("DO $$ BEGIN FOR i IN 1..300 LOOP UPDATE variants SET available = i WHERE sku = 'LAMP-1'; END LOOP; END $$")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(scalar(&pool, "SELECT count(*) FROM outbox").await, 300);
    let s = stack(&pool).await;
    let small = RelaySettings {
        batch: 20,
        ..RelaySettings::default()
    };
    let killed = tokio::spawn(relay::run(
        pool.clone(),
        s.queues.clone(),
        small,
        Box::new(|_| {}),
    ));
    tokio::time::sleep(Duration::from_millis(30)).await;
    killed.abort();
    let _ = killed.await;
    let unsent = scalar(&pool, "SELECT count(*) FROM outbox WHERE sent_at IS NULL").await;
    let (a, b) = tokio::join!(
        relay::pass(&pool, &s.queues, &small, &|_| {}),
        relay::pass(&pool, &s.queues, &small, &|_| {})
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        unsent as usize * jobs_per_change(),
        "two relays side by side enqueue each unsent row once between them"
    );
    assert_eq!(
        scalar(&pool, "SELECT count(*) FROM outbox WHERE sent_at IS NULL").await,
        0
    );
    assert_eq!(
        settled_stock(&pool, &s).await,
        300,
        "the edge ends on the last change"
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM job_receipts WHERE job = 'edge-refresh' AND outcome = 'done'"
        )
        .await,
        300,
        "one receipt per event"
    );
    let publishes = s.edge.lock().unwrap().batches.len();
    assert!(
        publishes < 50,
        "300 changes coalesced into {publishes} publishes"
    );
    stop_worker(s.stop, s.worker).await;
}

/// A job that counts its runs in a table, to see what the worker's receipts do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Counted {
    event: Event,
}

impl Job for Counted {
    const NAME: &'static str = "test-counted";
    const POLL: Duration = Duration::from_millis(100);
    type Settings = ();

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, ctx: &JobContext, _: &()) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO test_runs (event_id) VALUES ($1)")
            .bind(self.event.id)
            .execute(&ctx.db)
            .await?;
        Ok(())
    }
}

impl EventJob for Counted {
    const TOPICS: &'static [&'static str] = &["test.counted"];
    fn for_event(event: Event) -> Self {
        Self { event }
    }
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_event_delivered_three_times_runs_once(pool: PgPool) {
    sqlx::query("CREATE TABLE test_runs (event_id bigint NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    let queues = Queues::connect(&redis_url(), &namespace()).await.unwrap();
    let event = |id| Counted {
        event: Event {
            id,
            topic: "test.counted".into(),
            payload: serde_json::json!({}),
            seen_at: None,
        },
    };
    for job in [event(1), event(1), event(2), event(1)] {
        queues.enqueue(job).await.unwrap();
    }
    let ctx = crate::common::import_only(&pool);
    let workers = Workers::new(ctx, queues, RetrySettings::default()).register::<Counted>(());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(workers.run(async {
        let _ = stopped.await;
    }));
    for _ in 0..100 {
        if scalar(&pool, "SELECT count(*) FROM job_receipts").await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await; // let the duplicates come through
    stop_worker(stop, worker).await;
    let runs: Vec<(i64, i64)> =
        sqlx::query_as("SELECT event_id, count(*) FROM test_runs GROUP BY 1 ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(runs, vec![(1, 1), (2, 1)], "each event ran once");
}
