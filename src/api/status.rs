//! `/status`: the data version served, when it was loaded, and the problems of the last reload
//! that was refused, so that a data maintainer sees why an edit is not live without reading logs.

use super::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::SecondsFormat;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new().route("/status", get(status))
}

async fn status(State(state): State<AppState>) -> Response {
    let data = state.status();
    let time = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let reload = match &data.refused {
        None => json!({"state": "ok"}),
        Some(refused) => json!({
            "state": "refused",
            "since": time(refused.since),
            "problems": refused.problems.iter().map(|p| json!({
                "file": p.file,
                "feature": p.feature,
                "field": p.field,
                "problem": p.message,
            })).collect::<Vec<Value>>(),
        }),
    };
    let limits = state.limits();
    let body = json!({
        "dataVersion": data.version,
        "loadedAt": time(data.loaded_at),
        "origin": state.catalog().origin,
        "reload": reload,
        "limits": {
            "maxUriBytes": limits.max_uri_bytes,
            "requestTimeoutSeconds": limits.request_timeout.as_secs_f64(),
            "expensiveSlots": limits.expensive_slots,
            "cheapSlots": limits.cheap_slots,
            "pageBytes": limits.page_bytes,
        },
    });
    ([(header::CACHE_CONTROL, "no-cache")], Json(body)).into_response()
}
