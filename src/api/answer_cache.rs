//! Large answers kept once made: a bounded cache in front of the feature and analysis
//! endpoints.
//!
//! A country's outline or a grouping's footprint is hundreds of kilobytes of GeoJSON that the
//! same request gets every time until the data changes; writing it anew for each request
//! (and compressing it again) is most of what such a request costs. Answers of at least
//! [`MIN_CACHED_BYTES`] to a plain `GET` are kept here, least recently used dropped first
//! within [`BUDGET_BYTES`], and a client that accepts gzip gets bytes compressed once.
//!
//! The key is everything an answer depends on: the data version (a reload makes new keys, so
//! nothing is purged or served stale), the day (answers without a `datetime` are drawn for
//! today), the path and query, and the request headers a handler reads (`Host`, for absolute
//! links; `Accept`, for the format; whether gzip is accepted). Conditional and range requests
//! go through to the handlers, which answer them.

use super::state::{data_version, AppState};
use crate::tiles::cache::BoundedCache;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::sync::Arc;

/// Answers smaller than this are quicker to write again than to look up and keep.
pub const MIN_CACHED_BYTES: usize = 64 * 1024;
/// The bytes all kept answers may take together.
pub const BUDGET_BYTES: usize = 128 * 1024 * 1024;
/// The largest answer read into the cache; a larger one is passed on as it is.
const MAX_CACHED_BYTES: usize = 32 * 1024 * 1024;

/// What an answer depends on.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    version: String,
    day: chrono::NaiveDate,
    uri: String,
    host: Option<HeaderValue>,
    accept: Option<HeaderValue>,
    gzip: bool,
}

/// A kept answer: its status, headers and body (compressed when the key says gzip).
#[derive(Clone)]
pub struct Kept {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

pub type AnswerCache = BoundedCache<AnswerKey, Arc<Kept>>;

pub fn new_cache() -> AnswerCache {
    BoundedCache::new(BUDGET_BYTES)
}

/// Whether a request's answer may come from, or go into, the cache.
fn cacheable(request: &Request) -> bool {
    let path = request.uri().path();
    let headers = request.headers();
    request.method() == Method::GET
        && (path.starts_with("/collections/") || path.starts_with("/analysis/"))
        && !headers.contains_key(header::IF_NONE_MATCH)
        && !headers.contains_key(header::IF_MODIFIED_SINCE)
        && !headers.contains_key(header::RANGE)
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// The middleware: answers from the cache when it can, else asks the handler and keeps a
/// large enough 200.
pub async fn answer_cache(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !cacheable(&request) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let key = AnswerKey {
        version: data_version(&state.catalog()),
        day: chrono::Utc::now().date_naive(),
        uri: request.uri().to_string(),
        host: headers.get(header::HOST).cloned(),
        accept: headers.get(header::ACCEPT).cloned(),
        gzip: accepts_gzip(headers),
    };
    if let Some(kept) = state.answers.get(&key) {
        return respond(&kept);
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return response;
    }
    // Only bodies of a known size are read: the answers written whole (a streamed body, or
    // one too large to keep, goes out as it is).
    let size = response.body().size_hint().exact();
    if size.is_none_or(|n| n < MIN_CACHED_BYTES as u64 || n > MAX_CACHED_BYTES as u64) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_CACHED_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!("reading an answer to keep it: {e}");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let mut headers = parts.headers;
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let body = if key.gzip {
        match gzip(&bytes) {
            Some(compressed) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                headers.remove(header::CONTENT_LENGTH);
                Bytes::from(compressed)
            }
            None => bytes,
        }
    } else {
        bytes
    };
    let kept = Arc::new(Kept {
        status: parts.status,
        headers,
        body,
    });
    state
        .answers
        .insert(key, Arc::clone(&kept), kept.body.len());
    respond(&kept)
}

fn respond(kept: &Kept) -> Response {
    let mut response = Response::new(Body::from(kept.body.clone()));
    *response.status_mut() = kept.status;
    *response.headers_mut() = kept.headers.clone();
    response
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::default());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn gzip_is_accepted_unless_refused_with_a_zero_quality() {
        assert!(accepts_gzip(&with("gzip, deflate, br")));
        assert!(accepts_gzip(&with("br;q=1.0, GZIP;q=0.5")));
        assert!(!accepts_gzip(&with("gzip;q=0, br")));
        assert!(!accepts_gzip(&with("br, deflate")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
