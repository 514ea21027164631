//! The daily sales report: for one UTC day, CSV files of the orders paid, revenue, refunds, taxes, sales
//! by category and by product, the top sellers and the stock's value, written to object storage under
//! `reports/daily/<date>/` (see `meridian_domain::reports`). Scheduled for yesterday shortly after
//! midnight UTC ([`schedule`]); `jobs report --date …` runs any day at once.

pub mod files;
pub mod schedule;

use crate::job::Job;
use crate::JobContext;
use chrono::{NaiveDate, NaiveTime};
use clap::Args;
use meridian_domain::reports::daily_key;
use meridian_runtime::objects::{self, Objects};
use meridian_store::reports::{self as queries, Period};
use object_store::path::Path;
use object_store::PutPayload;
use serde::{Deserialize, Serialize};

/// `jobs worker` / `jobs report` flags for reports.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Where reports are written: `file:///dir` (or `/dir`) locally, `s3://bucket/prefix` for S3/R2 with
    /// the standard AWS_* variables. Without it, no report is scheduled.
    #[arg(long, env = "REPORTS_STORE")]
    pub reports_store: Option<String>,
    /// Minutes after midnight UTC at which yesterday's report is made (late payments and refunds of the
    /// last minutes have landed by then).
    #[arg(long, env = "REPORTS_AFTER_MIDNIGHT_MINUTES", default_value_t = 10)]
    pub reports_after_midnight_minutes: u32,
}

/// Where reports go.
#[derive(Clone)]
pub struct Settings {
    /// `None`: reports are not configured, and a report job refuses (it cannot succeed on retry).
    pub store: Option<Objects>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("reports::Settings")
            .field("store", &self.store.as_ref().map(ToString::to_string))
            .finish()
    }
}

impl ReportArgs {
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let store = self
            .reports_store
            .as_deref()
            .map(objects::open)
            .transpose()?;
        Ok(Settings { store })
    }
}

/// Makes the report of `date`. Idempotent: it only reads the database and overwrites the day's keys, so a
/// re-run writes the same files (the stock value is the stock at the time of the run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyReport {
    pub date: NaiveDate,
}

impl Job for DailyReport {
    const NAME: &'static str = "daily-report";
    type Settings = Settings;

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        let Some(store) = &settings.store else {
            return Err(crate::job::refusal("REPORTS_STORE is not set"));
        };
        let written = run(&ctx.db, store, self.date).await?;
        tracing::info!(date = %self.date, files = written.len(), "daily report written");
        Ok(())
    }
}

/// Writes the report of `date` to `store`; returns the keys written and their sizes.
pub async fn run(
    db: &sqlx::PgPool,
    store: &Objects,
    date: NaiveDate,
) -> anyhow::Result<Vec<(String, usize)>> {
    let from = date.and_time(NaiveTime::MIN).and_utc();
    let period = Period {
        from,
        to: from + chrono::Days::new(1),
    };
    let day = files::Day {
        orders: queries::paid_orders(db, period).await?,
        refunds: queries::refunds(db, period).await?,
        products: queries::product_sales(db, period).await?,
        stock: queries::stock_value(db).await?,
    };
    let date_text = date.format("%Y-%m-%d").to_string();
    let mut written = Vec::new();
    for (name, bytes) in files::build(date, &day)? {
        let key = daily_key(&date_text, name);
        let size = bytes.len();
        store
            .put(&Path::from(key.as_str()), PutPayload::from(bytes))
            .await
            .map_err(|e| anyhow::anyhow!("writing {key}: {e}"))?;
        written.push((key, size));
    }
    Ok(written)
}

/// `jobs report`: make one day's report now, in this process (no worker needed).
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The UTC day (YYYY-MM-DD); default yesterday.
    #[arg(long)]
    pub date: Option<NaiveDate>,
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    #[command(flatten)]
    pub store: ReportArgs,
}

/// Runs `jobs report`: prints each key written and its size.
pub async fn run_now(args: RunArgs) -> anyhow::Result<()> {
    let date = args
        .date
        .unwrap_or_else(|| chrono::Utc::now().date_naive() - chrono::Days::new(1));
    let Some(store) = args.store.settings()?.store else {
        anyhow::bail!("REPORTS_STORE is not set: say where to write the report");
    };
    let db = sqlx::PgPool::connect(&args.database_url).await?;
    for (key, size) in run(&db, &store, date).await? {
        println!("{key}\t{size} bytes");
    }
    Ok(())
}
