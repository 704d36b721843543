//! Building responses: JSON with cache validators, HTML pages, downloads, paging `Link`
//! headers.

use super::request::Request;
use crate::formats::download::Download;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::hash::{Hash, Hasher};

/// Responses that only change with the data are cached by clients for this long.
pub const CACHE_CONTROL: &str = "public, max-age=300";

/// A weak ETag over the data fingerprint, the request URL and `salt` (what else the answer
/// depends on, such as the day grouping footprints are drawn for).
pub fn etag(request: &Request, fingerprint: u64, salt: &str) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    fingerprint.hash(&mut hasher);
    salt.hash(&mut hasher);
    request.path.hash(&mut hasher);
    request.params.hash(&mut hasher);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// Answers 304 when the client's cached copy is current; `None` means build the body.
pub fn not_modified(request: &Request, etag: &str) -> Option<Response> {
    let matches = request
        .if_none_match
        .as_deref()
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    matches.then(|| {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        set_cache_headers(&mut response, etag);
        response
    })
}

pub fn set_cache_headers(response: &mut Response, etag: &str) {
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
}

pub fn with_type(body: Vec<u8>, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A JSON document. With a data `fingerprint` it gets an ETag, and a client that already
/// holds this version gets 304.
pub fn json(request: &Request, body: serde_json::Value, fingerprint: Option<u64>) -> Response {
    let tag = fingerprint.map(|fp| etag(request, fp, ""));
    if let Some(cached) = tag.as_deref().and_then(|t| not_modified(request, t)) {
        return cached;
    }
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut response = with_type(bytes, "application/json");
    if let Some(tag) = tag {
        set_cache_headers(&mut response, &tag);
    }
    response
}

pub fn html(page: String) -> Response {
    with_type(page.into_bytes(), "text/html; charset=utf-8")
}

/// A download: its media type, and `Content-Disposition` naming the file `<stem>.<ext>`.
pub fn download(body: Vec<u8>, format: Download, stem: &str) -> Response {
    let mut response = with_type(body, format.media_type());
    let name: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Sets the `Link` header of a paged answer (`rel` and URL of each link, all of `media_type`)
/// and `Vary: Accept`, since the same URL answers in several formats.
pub fn set_paging_headers(response: &mut Response, links: &[(&str, String)], media_type: &str) {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept"));
    if links.is_empty() {
        return;
    }
    let value = links
        .iter()
        .map(|(rel, href)| format!("<{href}>; rel=\"{rel}\"; type=\"{media_type}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(header::LINK, v);
    }
}
