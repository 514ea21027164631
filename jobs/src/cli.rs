//! What each `jobs` subcommand does, given its parsed configuration; `main.rs` only dispatches here.

use crate::config::{DeadLetterCommand, EnqueueArgs, QueueArgs, SupplierArgs, WorkerArgs};
use crate::dead_letters::DeadLetters;
use crate::product_sync::{self, ProductSync};
use crate::queue::Queues;
use crate::registry::{self, retry_dead_letter, JobSettings};
use crate::schedule;
use crate::worker::Workers;
use crate::{reports, webhooks};
use std::time::{Duration, Instant};

/// `jobs worker`: every job's worker, the outbox relay, housekeeping (order expiry, idle carts), and the
/// product-sync schedule when one is configured.
pub async fn worker(queue: &QueueArgs, args: WorkerArgs) -> anyhow::Result<()> {
    let ctx = args.context().await?;
    let housekeeping = crate::housekeeping::run(ctx.db.clone(), args.housekeeping());
    let queues = Queues::connect(&queue.redis_url, &queue.namespace).await?;
    // The relay tells the publisher about product changes at once (see `publish::follow`).
    let (changed, seen) = tokio::sync::watch::channel(None);
    let follow = crate::publish::follow(ctx.clone(), seen);
    let observe = move |event: &crate::events::Event| {
        if crate::publish::changes_the_edge(event) {
            changed.send_replace(event.seen_at);
        }
    };
    let relay = args.relay.enabled.then(|| {
        let settings = args.relay.settings();
        crate::relay::run(ctx.db.clone(), queues.clone(), settings, Box::new(observe))
    });
    let schedule = args
        .feed_url
        .zip(args.sync_every_secs)
        .map(|(feed_url, secs)| {
            let every = Duration::from_secs(secs);
            schedule::run(
                queue.redis_url.clone(),
                queue.namespace.clone(),
                schedule::Schedule { every, feed_url },
            )
        });
    let settings = JobSettings {
        product_sync: args.product_sync.clone(),
        notify: args
            .notify
            .settings(args.edge_url.as_deref(), ctx.http.clone())?,
        webhooks: webhooks::Settings::new(&args.webhooks, queues.clone(), args.retry.settings()),
        reports: args.reports.settings()?,
        inventory: args.inventory.clone(),
        images: args.images.settings()?,
    };
    args.inventory.apply(&ctx.db).await?;
    let inventory = args.inventory.schedule(&queue.redis_url, &queue.namespace);
    let reports = settings.reports.store.is_some().then(|| {
        let after =
            Duration::from_secs(u64::from(args.reports.reports_after_midnight_minutes) * 60);
        reports::schedule::run(queues.clone(), after)
    });
    let workers =
        registry::register_all(Workers::new(ctx, queues, args.retry.settings()), &settings);
    let run = workers.run(meridian_runtime::shutdown_signal());
    // The relay, housekeeping and the schedule never end; they are dropped once the workers have shut down.
    tokio::select! {
        done = run => done,
        () = housekeeping => Ok(()),
        () = optional(relay) => Ok(()),
        () = follow => Ok(()),
        () = optional(schedule) => Ok(()),
        () = optional(reports) => Ok(()),
        () = optional(inventory) => Ok(()),
    }
}

/// Runs `task` if there is one; otherwise never finishes.
async fn optional(task: Option<impl std::future::Future<Output = ()>>) {
    match task {
        Some(task) => task.await,
        None => std::future::pending().await,
    }
}

/// `jobs enqueue`: one product sync, optionally waiting for a worker to record it.
pub async fn enqueue(queue: &QueueArgs, args: EnqueueArgs) -> anyhow::Result<()> {
    let db = match (args.wait, &args.database_url) {
        (Some(_), Some(url)) => Some(sqlx::PgPool::connect(url).await?),
        (Some(_), None) => anyhow::bail!("--wait needs DATABASE_URL to see the run finish"),
        _ => None,
    };
    let before = match &db {
        Some(db) => meridian_store::catalog::runs::last_sync_run(db).await?,
        None => None,
    };
    let queues = Queues::connect(&queue.redis_url, &queue.namespace).await?;
    let dead = DeadLetters::new(&queues);
    let dead_before = dead.list().await?.last().map(|l| l.id);
    let job = ProductSync {
        feed_url: args.feed_url,
        currency: args.currency,
        force: args.force,
    };
    queues.enqueue(job).await?;
    println!("enqueued product-sync");
    let (Some(secs), Some(db)) = (args.wait, db) else {
        return Ok(());
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        if meridian_store::catalog::runs::last_sync_run(&db).await? > before {
            println!("product-sync finished in {:.1?}", started.elapsed());
            return Ok(());
        }
        if let Some(letter) = dead
            .list()
            .await?
            .into_iter()
            .rev()
            .find(|l| Some(l.id) > dead_before)
        {
            anyhow::bail!(
                "product-sync failed for good (dead letter {}): {}",
                letter.id,
                letter.error
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    anyhow::bail!("no product-sync finished within {secs}s: is `jobs worker` running?")
}

/// `jobs dead-letters list | retry <id> | retry --all`.
pub async fn dead_letters(queue: &QueueArgs, command: DeadLetterCommand) -> anyhow::Result<()> {
    let queues = Queues::connect(&queue.redis_url, &queue.namespace).await?;
    let dead = DeadLetters::new(&queues);
    match command {
        DeadLetterCommand::List => {
            for l in dead.list().await? {
                println!(
                    "{}\t{}\t{} attempts\t{}\t{}",
                    l.id, l.job, l.attempts, l.payload, l.error
                );
            }
        }
        DeadLetterCommand::Show { id } => {
            let letter = dead
                .get(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no dead letter {id}"))?;
            println!("id:        {}", letter.id);
            println!("job:       {}", letter.job);
            println!("attempts:  {}", letter.attempts);
            println!("failed at: {} (unix seconds)", letter.failed_at);
            println!("error:     {}", letter.error);
            println!(
                "payload:\n{}",
                serde_json::to_string_pretty(&letter.payload)?
            );
        }
        DeadLetterCommand::Retry { id: Some(id), .. } => {
            anyhow::ensure!(
                retry_dead_letter(&dead, &queues, id).await?,
                "no dead letter {id}"
            );
            println!("re-enqueued dead letter {id}");
        }
        DeadLetterCommand::Retry { id: None, .. } => {
            let letters = dead.list().await?;
            for l in &letters {
                retry_dead_letter(&dead, &queues, l.id).await?;
            }
            println!("re-enqueued {} dead letters", letters.len());
        }
    }
    Ok(())
}

/// `jobs supplier`: the local supplier stand-in.
pub async fn supplier(args: SupplierArgs) -> anyhow::Result<()> {
    product_sync::supplier::serve(args.listen, &args.feed, &args.stock).await
}
