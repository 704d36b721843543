//! The tile archives: the built-in one, built from the catalog's countries, borders and places,
//! and the basemap, which is the built-in one unless `--basemap` names another PMTiles vector
//! archive (a Protomaps extract, say). Each is served whole at `/{name}.pmtiles` with HTTP
//! range requests, with its TileJSON at `/{name}.json` and its tiles one by one at
//! `/{name}/{z}/{x}/{y}.mvt`, where the name is `basemap` or `thematic` (see [`Tileset`]).
//!
//! The built-in archive is made at start-up rather than committed: it derives entirely from
//! `geodata/`. It is built while the server already answers; a request that comes first waits
//! for it. Should it fail, its endpoints answer 503 and the rest of the service still runs.

use super::error::{ApiError, ApiResult};
use super::request::Request;
use super::state::{AppState, Tileset};
use super::tiles::{index_parameter, parse_address, zoom_parameter};
use crate::tiles::TileArchive;
use anyhow::Context;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use pmtiles::TileType;
use std::path::Path;

pub const MEDIA_TYPE: &str = "application/vnd.pmtiles";

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for tileset in [Tileset::Basemap, Tileset::Thematic] {
        let name = tileset.name();
        router = router
            .route(
                &format!("/{name}.pmtiles"),
                get(
                    move |State(state): State<AppState>, headers: HeaderMap| async move {
                        archive(&state, tileset, &headers).await
                    },
                ),
            )
            .route(
                &format!("/{name}.json"),
                get(
                    move |State(state): State<AppState>, request: Request| async move {
                        tilejson(&state, tileset, &request).await
                    },
                ),
            )
            .route(
                &format!("/{name}/{{z}}/{{x}}/{{file}}"),
                get(
                    move |State(state): State<AppState>,
                          axum::extract::Path(address): axum::extract::Path<(
                        String,
                        String,
                        String,
                    )>| async move { tile(&state, tileset, address).await },
                ),
            );
    }
    router
}

/// The OpenAPI path items of both archives' endpoints.
pub fn openapi_paths() -> Vec<(String, serde_json::Value)> {
    use serde_json::json;
    let unavailable = json!({"description": "The archive is not built yet, or could not be", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}});
    let mut paths = Vec::new();
    for tileset in [Tileset::Basemap, Tileset::Thematic] {
        let name = tileset.name();
        let what = match tileset {
            Tileset::Basemap => {
                "the basemap (the built-in archive, or the one given with --basemap)"
            }
            Tileset::Thematic => {
                "the built-in archive, whose countries the page colours by membership"
            }
        };
        paths.push((
            format!("/{name}.pmtiles"),
            json!({"get": {
                "summary": format!("PMTiles archive of {what}"),
                "operationId": format!("{name}_archive"),
                "parameters": [{"name": "Range", "in": "header", "required": false,
                    "description": "One byte range, e.g. bytes=0-16383", "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "The whole archive", "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
                    "206": {"description": "The byte range asked for", "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
                    "416": {"description": "The range lies outside the archive"},
                    "503": unavailable.clone()
                }}}),
        ));
        paths.push((
            format!("/{name}.json"),
            json!({"get": {
                "summary": format!("TileJSON 3.0.0 of {what}"),
                "operationId": format!("{name}_tilejson"),
                "responses": {
                    "200": {"description": "TileJSON", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "503": unavailable.clone()
                }}}),
        ));
        paths.push((
            format!("/{name}/{{z}}/{{x}}/{{y}}.mvt"),
            json!({"get": {
                "summary": format!("One vector tile of {what}"),
                "operationId": format!("{name}_tile"),
                "parameters": [zoom_parameter("z"), index_parameter("x", "Column"), index_parameter("y", "Row")],
                "responses": {
                    "200": {"description": "Mapbox Vector Tile", "content": {"application/vnd.mapbox-vector-tile": {"schema": {"type": "string", "format": "binary"}}}},
                    "204": {"description": "The archive has no such tile"},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "503": unavailable.clone()
                }}}),
        ));
    }
    paths
}

/// Opens the archive given with `--basemap`: any PMTiles archive of vector tiles.
pub fn open_replacement(path: &Path) -> anyhow::Result<TileArchive> {
    let archive = TileArchive::open(path)
        .with_context(|| format!("cannot use {} as the basemap", path.display()))?;
    if archive.tile_type() != TileType::Mvt {
        anyhow::bail!(
            "cannot use {} as the basemap: it holds {} tiles, and the basemap must be a vector \
             (MVT) archive",
            path.display(),
            tile_type_name(archive.tile_type())
        );
    }
    Ok(archive)
}

fn tile_type_name(tile_type: TileType) -> &'static str {
    match tile_type {
        TileType::Mvt => "vector",
        TileType::Png => "PNG",
        TileType::Jpeg => "JPEG",
        TileType::Webp => "WebP",
        TileType::Avif => "AVIF",
        _ => "unknown",
    }
}

/// The archive, once built: a request made while it is being built waits for it.
async fn ready(state: &AppState, tileset: Tileset) -> ApiResult<std::sync::Arc<TileArchive>> {
    let name = tileset.name();
    match state.archive_when_built(tileset).await {
        Some(Ok(archive)) => Ok(archive),
        Some(Err(message)) => Err(ApiError::unavailable(format!(
            "the {name} archive could not be built: {message}"
        ))),
        None => Err(ApiError::unavailable(format!(
            "the {name} archive is being built; retry in a few seconds"
        ))),
    }
}

async fn tilejson(state: &AppState, tileset: Tileset, request: &Request) -> ApiResult<Response> {
    request.allow_only(&[])?;
    let archive = ready(state, tileset).await?;
    let name = tileset.name();
    let mut document =
        archive.tilejson(&request.url(&format!("/{name}/{{z}}/{{x}}/{{y}}.mvt"), &[]));
    if let Some(map) = document.as_object_mut() {
        // Clients of the PMTiles protocol read the archive directly.
        map.insert(
            "url".into(),
            serde_json::json!(format!(
                "pmtiles://{}",
                request.url(&format!("/{name}.pmtiles"), &[])
            )),
        );
    }
    Ok(axum::Json(document).into_response())
}

/// One tile of the archive, for clients that speak XYZ rather than PMTiles.
async fn tile(
    state: &AppState,
    tileset: Tileset,
    (z, x, file): (String, String, String),
) -> ApiResult<Response> {
    let archive = ready(state, tileset).await?;
    let bad = || {
        ApiError::bad_request(format!(
            "\"{z}/{x}/{file}\" is not a tile address z/x/y.mvt"
        ))
    };
    let y = file.strip_suffix(".mvt").ok_or_else(bad)?;
    let (z, x, y) = parse_address((&z, &x, y))?;
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
async fn archive(state: &AppState, tileset: Tileset, headers: &HeaderMap) -> Response {
    let archive = match ready(state, tileset).await {
        Ok(a) => a,
        Err(e) => {
            let mut r = e.into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            return r;
        }
    };
    let length = archive.len();
    let asked = headers.get(header::RANGE).map(|v| {
        v.to_str()
            .map_or(RangeAsk::Whole, |v| parse_range(v, length))
    });
    let mut response = match asked.unwrap_or(RangeAsk::Whole) {
        RangeAsk::Whole => (StatusCode::OK, archive.bytes().clone()).into_response(),
        RangeAsk::Part(start, end) => {
            let body = archive.slice(start..end + 1).unwrap_or_default();
            let mut r = (StatusCode::PARTIAL_CONTENT, body).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{length}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
        RangeAsk::Unsatisfiable => {
            let mut r = (StatusCode::RANGE_NOT_SATISFIABLE, "").into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{length}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
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

/// What a `Range` header asks of a body of `length` bytes, as RFC 9110 (§14) reads it.
#[derive(Debug, PartialEq)]
pub enum RangeAsk {
    /// No range this server honours: a header that is not one well-formed `bytes` range (another
    /// unit, several ranges, bad syntax) is ignored and the whole body sent.
    Whole,
    /// The inclusive byte range `(first, last)`, clipped to the body.
    Part(u64, u64),
    /// A well-formed range that starts past the end (or a zero-length suffix): 416.
    Unsatisfiable,
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` against a body of `length` bytes.
pub fn parse_range(value: &str, length: u64) -> RangeAsk {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeAsk::Whole;
    };
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeAsk::Whole;
    };
    let number = |t: &str| -> Option<u64> {
        (!t.is_empty() && t.bytes().all(|c| c.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        // A suffix: the last n bytes.
        return match number(b) {
            None => RangeAsk::Whole,
            Some(0) => RangeAsk::Unsatisfiable,
            Some(_) if length == 0 => RangeAsk::Unsatisfiable,
            Some(n) => RangeAsk::Part(length.saturating_sub(n), length - 1),
        };
    }
    let Some(first) = number(a) else {
        return RangeAsk::Whole;
    };
    let last = if b.is_empty() {
        u64::MAX
    } else {
        match number(b) {
            Some(last) if last >= first => last,
            // `5-1` or `5-x` is not a valid range: ignored.
            _ => return RangeAsk::Whole,
        }
    };
    if first >= length {
        return RangeAsk::Unsatisfiable;
    }
    RangeAsk::Part(first, last.min(length - 1))
}

#[cfg(test)]
mod tests {
    use super::{parse_range, RangeAsk::*};

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-126", 1000), Part(0, 126));
        assert_eq!(parse_range("bytes=900-", 1000), Part(900, 999));
        assert_eq!(parse_range("bytes=-100", 1000), Part(900, 999));
        assert_eq!(parse_range("bytes=-5000", 1000), Part(0, 999));
        assert_eq!(parse_range("bytes=990-2000", 1000), Part(990, 999));
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Unsatisfiable);
        for ignored in [
            "bytes=5-1",
            "bytes=0-1,5-6",
            "items=0-1",
            "",
            ";",
            "bytes=",
            "bytes=a-b",
            "bytes=--1",
        ] {
            assert_eq!(parse_range(ignored, 1000), Whole, "{ignored:?}");
        }
    }
}
