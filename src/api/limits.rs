//! Bounded resources: how long a URI may be, how long a request may run, how many requests of
//! each class run at once, and how many bytes one page of items may take.
//!
//! Requests fall into two classes. Cheap ones (landing, conformance, collections, status, `/api`,
//! the page's assets, archive byte ranges, single items) read prepared data. Expensive ones
//! (analysis, item lists with a filter, a bbox, a datetime, a sort or a CRS, and vector tiles)
//! compute. Each class has its own number of slots; a request that finds its class full is
//! refused at once with 503 and `Retry-After` rather than queued, so that a flood of expensive
//! requests turns into quick refusals while cheap ones keep their own slots.
//!
//! Expensive requests run on the blocking thread pool, not on the async workers: item lists and
//! tiles compute synchronously, and on a small machine two of them would otherwise occupy every
//! worker and stall the cheap requests too. A slot is held until the work really ends, even when
//! the client has been told it timed out, so the count of slots is the count of computations.

use super::error::ApiError;
use super::request::FEATURES_FORMAT_PARAMETER;
use crate::query::items_spec;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The limits of one server; [`Limits::default`] suits a small public instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Longest request target (path and query) in bytes; longer gets 414.
    pub max_uri_bytes: usize,
    /// Longest time a request may take before the client gets a 503.
    pub request_timeout: Duration,
    /// Expensive requests computing at once.
    pub expensive_slots: usize,
    /// Cheap requests in flight at once.
    pub cheap_slots: usize,
    /// Largest page of items in bytes of GeoJSON: a page that reaches it ends early, with a
    /// `next` link where the rest continues.
    pub page_bytes: usize,
    /// What `Retry-After` says on a shed request, in seconds.
    pub retry_after_seconds: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_uri_bytes: 8 * 1024,
            request_timeout: Duration::from_secs(30),
            expensive_slots: 8,
            cheap_slots: 512,
            page_bytes: 16 * 1024 * 1024,
            retry_after_seconds: 1,
        }
    }
}

/// Which slots a request takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Cheap,
    Expensive,
}

/// Parameters of an item list that only page through prepared data.
const CHEAP_ITEM_PARAMETERS: &[&str] = &[
    FEATURES_FORMAT_PARAMETER.name,
    items_spec::LIMIT.name,
    items_spec::OFFSET.name,
    items_spec::SKIP_GEOMETRY.name,
];

/// The class of a request, from its path and query alone (before any parsing).
pub fn classify(path: &str, query: Option<&str>) -> Class {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let expensive = match segments[..] {
        ["analysis", _] => true,
        ["collections", _, "items"] => query.is_some_and(|q| {
            form_urlencoded::parse(q.as_bytes())
                .any(|(name, _)| !CHEAP_ITEM_PARAMETERS.contains(&name.as_ref()))
        }),
        // Collection tiles are computed; the basemap's and the thematic archive's XYZ tiles
        // are read from an archive in memory, as cheap as its byte ranges.
        ["tiles", _, z, x, tile] => {
            z.parse::<u32>().is_ok() && x.parse::<u32>().is_ok() && tile.ends_with(".mvt")
        }
        ["collections", _, "tiles", _, _, _, _] => true,
        _ => false,
    };
    if expensive {
        Class::Expensive
    } else {
        Class::Cheap
    }
}

/// The slots of both classes and the limits they were made from.
#[derive(Debug)]
pub struct Guard {
    pub limits: Limits,
    cheap: Arc<Semaphore>,
    expensive: Arc<Semaphore>,
}

impl Guard {
    pub fn new(limits: Limits) -> Guard {
        Guard {
            cheap: Arc::new(Semaphore::new(limits.cheap_slots.max(1))),
            expensive: Arc::new(Semaphore::new(limits.expensive_slots.max(1))),
            limits,
        }
    }
}

/// The middleware: URI length, class slots, time-out.
pub async fn guard(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let limits = &guard.limits;
    let target_length = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if target_length > limits.max_uri_bytes {
        return ApiError {
            status: StatusCode::URI_TOO_LONG,
            code: "UriTooLong",
            description: format!(
                "the request target is {target_length} bytes long; at most {} are accepted",
                limits.max_uri_bytes
            ),
        }
        .into_response();
    }
    let class = classify(request.uri().path(), request.uri().query());
    let slots = match class {
        Class::Cheap => &guard.cheap,
        Class::Expensive => &guard.expensive,
    };
    let Ok(slot) = Arc::clone(slots).try_acquire_owned() else {
        return unavailable(
            limits,
            match class {
                Class::Cheap => "the server is busy; try again shortly",
                Class::Expensive => "the server is busy with other computations; try again shortly",
            },
        );
    };
    let timeout = limits.request_timeout;
    let outcome = match class {
        Class::Cheap => tokio::time::timeout(timeout, next.run(request))
            .await
            .map(Ok::<Response, tokio::task::JoinError>),
        Class::Expensive => {
            let runtime = tokio::runtime::Handle::current();
            let work = tokio::task::spawn_blocking(move || {
                let response = runtime.block_on(next.run(request));
                drop(slot);
                response
            });
            tokio::time::timeout(timeout, work).await
        }
    };
    match outcome {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => failed(),
        Err(_) => unavailable(
            limits,
            &format!("the request took longer than {} s", timeout.as_secs_f64()),
        ),
    }
}

/// 503 with `Retry-After`.
fn unavailable(limits: &Limits, description: &str) -> Response {
    let mut response = ApiError::unavailable(description).into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(limits.retry_after_seconds),
    );
    response
}

/// A handler that panicked: the client gets a 500 without detail (the log has it).
fn failed() -> Response {
    ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        code: "InternalError",
        description: "the request failed".into(),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computations_are_expensive_and_prepared_data_is_cheap() {
        for (path, query) in [
            (
                "/analysis/border-zone",
                Some("countries=TJK,AFG&distance_km=50"),
            ),
            (
                "/collections/installations/items",
                Some("filter=country='KGZ'"),
            ),
            ("/collections/installations/items", Some("bbox=0,0,1,1")),
            (
                "/collections/countries/items",
                Some("limit=5&crs=EPSG:3857"),
            ),
            ("/tiles/installations/6/45/23.mvt", None),
            ("/collections/countries/tiles/WebMercatorQuad/3/2/5", None),
        ] {
            assert_eq!(classify(path, query), Class::Expensive, "{path}?{query:?}");
        }
        for (path, query) in [
            ("/", None),
            ("/conformance", None),
            ("/collections", Some("f=json")),
            ("/collections/countries/tiles/WebMercatorQuad", None),
            ("/tiles/countries.json", None),
            ("/collections/installations/items", None),
            (
                "/collections/installations/items",
                Some("limit=10&offset=20"),
            ),
            (
                "/collections/installations/items/kant-air-base",
                Some("crs=EPSG:3857"),
            ),
            ("/status", None),
            ("/assets/app.js", None),
            ("/assets/vendor/x/y.mvt", None),
            ("/basemap.pmtiles", None),
            ("/basemap/3/4/2.mvt", None),
            ("/thematic/0/0/0.mvt", None),
        ] {
            assert_eq!(classify(path, query), Class::Cheap, "{path}?{query:?}");
        }
    }
}
