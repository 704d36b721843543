//! The basemap: built from the catalog's countries, borders and places (or read from a
//! `--basemap` archive), served whole at `/basemap.pmtiles` with HTTP range requests, with its
//! TileJSON at `/basemap.json`.
//!
//! The built-in archive is made at start-up rather than committed: it derives entirely from
//! `geodata/`, and building takes about a second in a release build. Should it fail, the
//! endpoints answer 503 and the rest of the service still runs.

use super::error::{ApiError, ApiResult};
use super::request::Request;
use super::state::AppState;
use crate::catalog::Catalog;
use crate::model::CollectionId;
use crate::tiles::{build_basemap, BasemapInput, BasemapOptions, Place, TileArchive};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use geo::Geometry;

pub const MEDIA_TYPE: &str = "application/vnd.pmtiles";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/basemap.pmtiles", get(archive))
        .route("/basemap.json", get(tilejson))
        .route("/basemap/{z}/{x}/{file}", get(tile))
}

/// What goes into the default basemap, borrowed from the catalog.
pub fn basemap_input(catalog: &Catalog) -> BasemapInput<'_> {
    let countries = catalog
        .collection(CollectionId::Countries)
        .features()
        .iter()
        .filter_map(|c| match &c.geometry {
            Some(Geometry::MultiPolygon(mp)) => Some((c.id.as_str(), c.name(), mp)),
            _ => None,
        })
        .collect();
    let boundaries = catalog
        .collection(CollectionId::Borders)
        .features()
        .iter()
        .filter_map(|b| match &b.geometry {
            Some(Geometry::MultiLineString(ml)) => Some((b.id.as_str(), ml)),
            _ => None,
        })
        .collect();
    let places = catalog
        .places
        .iter()
        .map(|p| Place {
            name: &p.name,
            country: &p.country,
            population: p.population,
            capital: p.capital,
            rank: p.rank,
            point: p.point,
        })
        .collect();
    BasemapInput {
        countries,
        boundaries,
        places,
    }
}

/// Builds the default basemap archive from a catalog.
pub fn build_default(
    catalog: &Catalog,
    options: &BasemapOptions,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Vec<u8>> {
    build_basemap(&basemap_input(catalog), options, progress)
}

fn ready(state: &AppState) -> ApiResult<std::sync::Arc<TileArchive>> {
    match state.basemap() {
        Some(Ok(archive)) => Ok(archive),
        Some(Err(message)) => Err(ApiError::unavailable(format!(
            "the basemap could not be built: {message}"
        ))),
        None => Err(ApiError::unavailable(
            "the basemap is being built; retry in a few seconds",
        )),
    }
}

async fn tilejson(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    request.allow_only(&[])?;
    let archive = ready(&state)?;
    let mut document = archive.tilejson(&request.url("/basemap/{z}/{x}/{y}.mvt", &[]));
    if let Some(map) = document.as_object_mut() {
        // Clients of the PMTiles protocol read the archive directly.
        map.insert(
            "url".into(),
            serde_json::json!(format!(
                "pmtiles://{}",
                request.url("/basemap.pmtiles", &[])
            )),
        );
    }
    Ok(axum::Json(document).into_response())
}

/// One tile of the archive, for clients that speak XYZ rather than PMTiles.
async fn tile(
    State(state): State<AppState>,
    axum::extract::Path((z, x, file)): axum::extract::Path<(String, String, String)>,
) -> ApiResult<Response> {
    let archive = ready(&state)?;
    let bad = || {
        ApiError::bad_request(format!(
            "\"{z}/{x}/{file}\" is not a tile address z/x/y.mvt"
        ))
    };
    let y = file.strip_suffix(".mvt").ok_or_else(bad)?;
    let (z, x, y): (u8, u32, u32) = match (z.parse(), x.parse(), y.parse()) {
        (Ok(z), Ok(x), Ok(y)) => (z, x, y),
        _ => return Err(bad()),
    };
    if z > 30 || x >= 1 << z || y >= 1 << z {
        return Err(ApiError::bad_request(format!(
            "tile {z}/{x}/{y} does not exist"
        )));
    }
    let mut response = match archive.tile_raw(z, x, y) {
        Some(bytes) => (StatusCode::OK, bytes).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.mapbox-vector-tile"),
    );
    if archive.tile_compression() == pmtiles::Compression::Gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}

/// The whole archive, or the byte range asked for (one range; PMTiles clients ask for one).
async fn archive(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let archive = match ready(&state) {
        Ok(a) => a,
        Err(e) => {
            let mut r = e.into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            return r;
        }
    };
    let length = archive.len();
    let mut response = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => (StatusCode::OK, archive.bytes().clone()).into_response(),
        Some(range) => match parse_range(range, length) {
            Some((start, end)) => {
                let body = archive.slice(start..end + 1).unwrap_or_default();
                let mut r = (StatusCode::PARTIAL_CONTENT, body).into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{length}")) {
                    r.headers_mut().insert(header::CONTENT_RANGE, v);
                }
                r
            }
            None => {
                let mut r = (StatusCode::RANGE_NOT_SATISFIABLE, "").into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{length}")) {
                    r.headers_mut().insert(header::CONTENT_RANGE, v);
                }
                r
            }
        },
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive `(start, end)` within `length`.
pub fn parse_range(value: &str, length: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || length == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 {
            return None;
        }
        (length.saturating_sub(n), length - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() {
            length - 1
        } else {
            b.parse::<u64>().ok()?.min(length - 1)
        };
        (start, end)
    };
    (start <= end && start < length).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-126", 1000), Some((0, 126)));
        assert_eq!(parse_range("bytes=900-", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=-100", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=990-2000", 1000), Some((990, 999)));
        assert_eq!(parse_range("bytes=1000-", 1000), None);
        assert_eq!(parse_range("bytes=5-1", 1000), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
    }
}
