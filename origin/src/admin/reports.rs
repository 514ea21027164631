//! Admin report routes: list the daily sales reports the jobs wrote to object storage (`REPORTS_STORE`)
//! and download one file as CSV. Both need `reports:read`. Path parts are checked against the report's
//! own layout (a `YYYY-MM-DD` day that exists, one of the report's file names) before any key is built,
//! so no request can name anything else in the store.

use super::{keys::require, PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::TryStreamExt;
use meridian_domain::reports::{daily_key, is_date, is_file, DAILY_PREFIX, FILES};
use meridian_runtime::objects::Objects;
use object_store::path::Path as Key;
use serde::Serialize;
use std::collections::BTreeMap;

/// The caller's key has `reports:read`.
#[derive(Debug)]
struct CanReadReports;

impl FromRequestParts<AppState> for CanReadReports {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, "reports:read").await.map(|_| Self)
    }
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/reports"), get(list_reports))
        .route(
            &format!("{PREFIX}/reports/{{date}}/{{file}}"),
            get(download_report),
        )
}

#[derive(Debug, Serialize)]
struct ReportFile {
    name: String,
    size: u64,
}

#[derive(Debug, Serialize)]
struct DailyReport {
    date: String,
    files: Vec<ReportFile>,
}

#[derive(Debug, Serialize)]
struct ReportList {
    /// Newest day first.
    reports: Vec<DailyReport>,
}

async fn list_reports(
    _: CanReadReports,
    State(state): State<AppState>,
) -> ApiResult<Json<ReportList>> {
    let store = store(&state)?;
    let objects: Vec<_> = store
        .list(Some(&Key::from(DAILY_PREFIX)))
        .try_collect()
        .await
        .map_err(unavailable)?;
    let mut days: BTreeMap<String, Vec<ReportFile>> = BTreeMap::new();
    for object in objects {
        // `<prefix>/<date>/<file>`; anything else in the folder is not ours to show.
        let parts: Vec<_> = object.location.parts().collect();
        let [.., date, file] = parts.as_slice() else {
            continue;
        };
        let (date, file) = (date.as_ref(), file.as_ref());
        if is_date(date) && is_file(file) {
            days.entry(date.to_owned()).or_default().push(ReportFile {
                name: file.to_owned(),
                size: object.size,
            });
        }
    }
    let reports = days
        .into_iter()
        .rev()
        .map(|(date, mut files)| {
            files.sort_by_key(|f| FILES.iter().position(|n| *n == f.name));
            DailyReport { date, files }
        })
        .collect();
    Ok(Json(ReportList { reports }))
}

async fn download_report(
    _: CanReadReports,
    State(state): State<AppState>,
    Path((date, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let real_day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_ok();
    if !(is_date(&date) && real_day && is_file(&file)) {
        return Err(ApiError::NotFound(format!(
            "There is no such report: use a day as YYYY-MM-DD and one of {}.",
            FILES.join(", ")
        )));
    }
    let store = store(&state)?;
    let key = Key::from(daily_key(&date, &file));
    let bytes = match store.get(&key).await {
        Ok(found) => found.bytes().await.map_err(unavailable)?,
        Err(object_store::Error::NotFound { .. }) => {
            return Err(ApiError::NotFound(format!(
                "There is no report {file} for {date}."
            )))
        }
        Err(e) => return Err(unavailable(e)),
    };
    let disposition = format!("attachment; filename=\"{date}-{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn store(state: &AppState) -> ApiResult<&Objects> {
    state.reports.as_ref().ok_or_else(|| {
        ApiError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "reports_off",
            "Reports are not configured on this server (REPORTS_STORE).",
        )
    })
}

/// The store failed: logged in full, a bare 500 for the client.
fn unavailable(e: object_store::Error) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("report store: {e}"))
}
