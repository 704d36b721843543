//! The map page and its assets, and the landing document for API clients at `/`.
//!
//! Browsers asking for `/` get the map; JSON clients get the OGC landing document with the
//! dataset's declared coverage. The page ignores query parameters it does not know (it reads
//! its own, and shared links gain tracking ones); the JSON document, like every OGC answer,
//! refuses them. Page assets are embedded in the binary (see `assets`) and served under
//! `/assets/`.

use super::error::{ApiError, ApiResult};
use super::ogc::landing_document;
use super::request::{Format, Request};
use super::response;
use super::state::AppState;
use crate::assets::asset;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(landing))
        .route("/assets/{*path}", get(page_asset))
}

async fn landing(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    match request.format {
        Format::Json => {
            request.allow_only(&["f"])?;
            let catalog = state.catalog();
            let mut body = landing_document(&request);
            body["coverage"] = catalog.coverage_document.clone();
            Ok(response::json(&request, body, Some(catalog.fingerprint)))
        }
        // The page reads its own parameters (embed, a story, a date) and shared links gain
        // others (fbclid, utm_source): the page ignores what it does not know.
        Format::Html => serve_asset("index.html"),
    }
}

async fn page_asset(Path(path): Path<String>) -> ApiResult<Response> {
    serve_asset(&path)
}

fn serve_asset(path: &str) -> ApiResult<Response> {
    let found = asset(path).ok_or_else(|| ApiError::not_found(format!("no asset \"{path}\"")))?;
    let mut response = ([(header::CONTENT_TYPE, found.content_type)], found.bytes).into_response();
    // Vendor files change only with a new build; page files may change between builds.
    let cache = if path.starts_with("vendor/") {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}
