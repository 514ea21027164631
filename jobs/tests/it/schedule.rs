//! The product-sync schedule on the real Redis: however many workers run it, each period is claimed
//! once and enqueues one sync.

use crate::common::{namespace, redis_url};
use meridian_jobs::product_sync::ProductSync;
use meridian_jobs::queue::queue_name;
use meridian_jobs::schedule::{self, Schedule};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

async fn count(conn: &mut apalis_redis::ConnectionManager, command: &str, arg: &str) -> usize {
    redis::cmd(command)
        .arg(arg)
        .query_async::<usize>(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_period_is_claimed_by_exactly_one_caller() {
    let ns = namespace();
    let mut first = apalis_redis::connect(redis_url()).await.unwrap();
    let mut second = apalis_redis::connect(redis_url()).await.unwrap();
    let period = Duration::from_secs(60);
    assert!(schedule::claim(&mut first, &ns, "product-sync", 7, period)
        .await
        .unwrap());
    assert!(
        !schedule::claim(&mut second, &ns, "product-sync", 7, period)
            .await
            .unwrap()
    );
    assert!(!schedule::claim(&mut first, &ns, "product-sync", 7, period)
        .await
        .unwrap());
    assert!(schedule::claim(&mut second, &ns, "product-sync", 8, period)
        .await
        .unwrap());
}

#[tokio::test]
async fn two_workers_on_one_schedule_enqueue_one_sync_per_period() {
    let ns = namespace();
    // Start half-way into a second, so no period boundary falls at the moment the schedules stop.
    let into_second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    tokio::time::sleep(Duration::from_millis(u64::from(
        (1500 - into_second) % 1000,
    )))
    .await;
    let schedule = Schedule {
        every: Duration::from_secs(1),
        feed_url: "http://127.0.0.1:9/unused".into(),
    };
    let runs: Vec<_> = (0..2)
        .map(|_| tokio::spawn(schedule::run(redis_url(), ns.clone(), schedule.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    runs.iter().for_each(tokio::task::JoinHandle::abort);

    let mut conn = apalis_redis::connect(redis_url()).await.unwrap();
    let claimed = redis::cmd("KEYS")
        .arg(format!("{ns}:schedule:product-sync:*"))
        .query_async::<Vec<String>>(&mut conn)
        .await
        .unwrap()
        .len();
    let queue = apalis_redis::Config::default().queue(queue_name::<ProductSync>(&ns));
    let enqueued = count(&mut conn, "HLEN", &queue.job_data_hash()).await;
    assert!(
        (3..=5).contains(&claimed),
        "about 4 periods passed: {claimed}"
    );
    assert_eq!(enqueued, claimed, "one sync per period, not one per worker");
}
