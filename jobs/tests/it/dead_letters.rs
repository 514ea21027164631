//! Retries are bounded and end in the dead letters, which `jobs dead-letters` lists and re-enqueues; a
//! refusal is not retried at all.

use crate::common::{import_only, namespace, redis_url, settings, stop_worker};
use meridian_jobs::dead_letters::DeadLetters;
use meridian_jobs::product_sync::ProductSync;
use meridian_jobs::queue::Queues;
use meridian_jobs::registry::retry_dead_letter;
use meridian_jobs::worker::{RetrySettings, Workers};
use sqlx::PgPool;
use std::time::Duration;

async fn wait_for_letters(
    dead: &DeadLetters,
    n: usize,
) -> Vec<meridian_jobs::dead_letters::DeadLetter> {
    for _ in 0..120 {
        let letters = dead.list().await.unwrap();
        if letters.len() >= n {
            return letters;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{n} dead letters did not appear within 30s");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn failing_jobs_end_in_the_dead_letters_and_can_be_retried(pool: PgPool) {
    let queues = Queues::connect(&redis_url(), &namespace()).await.unwrap();
    let retry = RetrySettings {
        retries: 2,
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    };
    let workers =
        Workers::new(import_only(&pool), queues.clone(), retry).register::<ProductSync>(settings());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(workers.run(async {
        let _ = stopped.await;
    }));
    let dead = DeadLetters::new(&queues);

    // Nothing listens on port 9: a failure that may pass, so it is tried 1 + 2 times.
    queues
        .enqueue(ProductSync::new("http://127.0.0.1:9"))
        .await
        .unwrap();
    let letters = wait_for_letters(&dead, 1).await;
    assert_eq!(
        (letters[0].job.as_str(), letters[0].attempts),
        ("product-sync", 3)
    );
    assert!(
        !letters[0].error.contains('\n'),
        "one line: {}",
        letters[0].error
    );

    // A refused URL cannot pass: tried once.
    queues
        .enqueue(ProductSync::new("http://supplier.example"))
        .await
        .unwrap();
    let letters = wait_for_letters(&dead, 2).await;
    assert_eq!(letters[1].attempts, 1, "{:?}", letters[1]);
    assert!(
        letters[1].error.contains("only https"),
        "{}",
        letters[1].error
    );

    assert!(retry_dead_letter(&dead, &queues, letters[1].id)
        .await
        .unwrap());
    assert!(
        !retry_dead_letter(&dead, &queues, letters[1].id)
            .await
            .unwrap(),
        "a letter is retried once"
    );
    // Retried, it fails again: a new letter (the old one is gone), with the same payload.
    let mut again = dead.list().await.unwrap();
    for _ in 0..120 {
        if again.last().unwrap().id > letters[1].id {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        again = dead.list().await.unwrap();
    }
    assert_eq!(again.len(), 2);
    assert!(again.iter().all(|l| l.id != letters[1].id));
    assert_eq!(
        again[1].payload, letters[1].payload,
        "the same job failed again"
    );

    stop_worker(stop, worker).await;
}
