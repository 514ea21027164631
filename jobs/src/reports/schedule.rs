//! The report schedule: the report of day D is due at `after` past midnight UTC on D+1. Every worker runs
//! this loop; the one that claims a day in Redis (`schedule::claim`, as for product sync) enqueues it, so
//! N workers make one report. A worker that starts after a due time it missed (none ran at 00:10) claims
//! and enqueues that day at once.

use super::DailyReport;
use crate::job::Job;
use crate::queue::Queues;
use crate::schedule::claim;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The latest day whose report is due at `now`, and when the next one is due.
pub fn due(now: DateTime<Utc>, after: Duration) -> (NaiveDate, DateTime<Utc>) {
    let after = chrono::Duration::from_std(after.min(DAY)).unwrap_or_default();
    let today = now.date_naive();
    let due_today = today.and_time(NaiveTime::MIN).and_utc() + after;
    if now >= due_today {
        (today - Days::new(1), due_today + Days::new(1))
    } else {
        (today - Days::new(2), due_today)
    }
}

/// Runs the schedule forever.
pub async fn run(queues: Queues, after: Duration) {
    tracing::info!(?after, "daily-report schedule started");
    let mut conn = queues.connection();
    loop {
        let (day, next) = due(Utc::now(), after);
        // The slot is the day itself (days since 1970), so every worker names it alike.
        let slot = u64::try_from((day - NaiveDate::default()).num_days()).unwrap_or(0);
        let claimed = claim(
            &mut conn,
            queues.namespace(),
            <DailyReport as Job>::NAME,
            slot,
            DAY,
        )
        .await;
        match claimed {
            Ok(true) => match queues.enqueue(DailyReport { date: day }).await {
                Ok(()) => tracing::info!(%day, "daily report enqueued"),
                Err(error) => tracing::warn!(%error, %day, "daily report not enqueued"),
            },
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, %day, "daily report schedule cannot reach Redis"),
        }
        let wait = (next - Utc::now())
            .to_std()
            .unwrap_or(Duration::from_secs(1));
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn yesterday_is_due_ten_minutes_after_midnight() {
        let ten = Duration::from_secs(600);
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            due(at("2026-11-26T00:09:59Z"), ten),
            (date("2026-11-24"), at("2026-11-26T00:10:00Z"))
        );
        assert_eq!(
            due(at("2026-11-26T00:10:00Z"), ten),
            (date("2026-11-25"), at("2026-11-27T00:10:00Z"))
        );
        assert_eq!(
            due(at("2026-12-31T23:59:00Z"), ten),
            (date("2026-12-30"), at("2027-01-01T00:10:00Z"))
        );
    }
}
