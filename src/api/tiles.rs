//! Vector tiles of every collection over HTTP: `/tiles/{collection}/{z}/{x}/{y}.mvt` with its
//! TileJSON at `/tiles/{collection}.json`, and the same tiles through OGC API – Tiles
//! (`/collections/{id}/tiles`, `/collections/{id}/tiles/WebMercatorQuad[/{z}/{y}/{x}]`,
//! `/tileMatrixSets[/WebMercatorQuad]`).
//!
//! The handler only translates: `tiles::collection` picks and encodes the features. A tile is
//! computed on the blocking pool, in the expensive class of `limits`, like an analysis; the
//! result is kept in a cache bounded by bytes, keyed by the data version, the tile, `datetime`
//! and the day, so a reload or a new day never serves a stale tile. Every answer carries an
//! `ETag` and a client that already holds it gets `304`.
//!
//! A tile with no feature is always answered `204 No Content` with no body (MapLibre, GDAL
//! and QGIS read that as an empty tile), whether the collection has data elsewhere or none at
//! all. An address outside `0 <= z <= 16`, `0 <= x, y < 2^z` is a `400` naming the valid range.

use super::error::{ApiError, ApiResult};
use super::request::Request;
use super::response;
use super::state::AppState;
use crate::catalog::Collection;
use crate::geom::web_mercator::HALF_WORLD_M;
use crate::model::{CollectionId, DateSpan};
use crate::query::items_spec;
use crate::query::params::parse_datetime;
use crate::tiles::cache::BoundedCache;
use crate::tiles::collection::{collection_tile, vector_fields, MAX_ZOOM};
use crate::tiles::mvt::tiles_per_side;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// Media type of a Mapbox Vector Tile.
pub const MVT_MEDIA_TYPE: &str = "application/vnd.mapbox-vector-tile";

/// The one tile matrix set served.
const TILE_MATRIX_SET: &str = "WebMercatorQuad";
const TILE_MATRIX_SET_URI: &str =
    "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
const WEB_MERCATOR_CRS: &str = "http://www.opengis.net/def/crs/EPSG/0/3857";

/// Bytes of encoded tiles kept in memory.
pub const TILE_CACHE_BYTES: usize = 64 << 20;

/// What each cached tile costs beyond its bytes (key and bookkeeping), so that a flood of
/// empty tiles is bounded too.
const TILE_ENTRY_OVERHEAD: usize = 96;

/// The OGC API – Tiles conformance classes these endpoints implement.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
];

/// What a cached tile depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TileKey {
    fingerprint: u64,
    collection: CollectionId,
    tile: (u8, u32, u32),
    datetime: Option<DateSpan>,
    today: NaiveDate,
}

/// The cache of encoded tiles an [`AppState`] holds.
pub type TileCache = BoundedCache<TileKey, Bytes>;

/// A new, empty tile cache of [`TILE_CACHE_BYTES`].
pub fn new_cache() -> TileCache {
    BoundedCache::new(TILE_CACHE_BYTES)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tiles/{document}", get(tilejson))
        .route("/tiles/{collection}/{z}/{x}/{file}", get(xyz_tile))
        .route("/tileMatrixSets", get(tile_matrix_sets))
        .route(
            &format!("/tileMatrixSets/{TILE_MATRIX_SET}"),
            get(tile_matrix_set),
        )
        .route("/collections/{id}/tiles", get(tilesets))
        .route(
            &format!("/collections/{{id}}/tiles/{TILE_MATRIX_SET}"),
            get(tileset),
        )
        .route(
            &format!("/collections/{{id}}/tiles/{TILE_MATRIX_SET}/{{z}}/{{y}}/{{x}}"),
            get(ogc_tile),
        )
}

fn parse_collection(id: &str) -> ApiResult<CollectionId> {
    id.parse().map_err(ApiError::not_found)
}

async fn xyz_tile(
    State(state): State<AppState>,
    Path((collection, z, x, file)): Path<(String, String, String, String)>,
    request: Request,
) -> ApiResult<Response> {
    let y = file.strip_suffix(".mvt").ok_or_else(|| {
        ApiError::bad_request(format!(
            "\"{z}/{x}/{file}\" is not a tile address z/x/y.mvt"
        ))
    })?;
    tile(&state, &collection, (&z, &x, y), request).await
}

async fn ogc_tile(
    State(state): State<AppState>,
    Path((collection, z, y, x)): Path<(String, String, String, String)>,
    request: Request,
) -> ApiResult<Response> {
    tile(&state, &collection, (&z, &x, &y), request).await
}

/// The zoom of a tile address in the API document (every tile endpoint: collections and
/// archives), with the range [`parse_address`] accepts.
pub fn zoom_parameter(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true,
           "description": format!("Zoom level, 0 to {MAX_ZOOM}"),
           "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}})
}

/// A column or row of a tile address in the API document: below 2^zoom, which a schema cannot
/// say, so a larger one is answered 404 (no such tile) rather than refused.
pub fn index_parameter(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true,
           "description": format!("{description}, 0 to 2^zoom - 1"),
           "schema": {"type": "integer", "minimum": 0}})
}

/// `z/x/y` as numbers: a zoom outside 0 to [`MAX_ZOOM`] or text that is not a number is a 400;
/// a column or row past the edge of the grid at that zoom is a 404 (the tile does not exist,
/// as OGC API - Tiles answers a tile outside the tile matrix); both name the valid range.
pub fn parse_address((z, x, y): (&str, &str, &str)) -> ApiResult<(u8, u32, u32)> {
    let z: u8 = z.parse().ok().filter(|z| *z <= MAX_ZOOM).ok_or_else(|| {
        ApiError::bad_request(format!(
            "zoom \"{z}\" is out of range: tiles exist for zoom 0 to {MAX_ZOOM}"
        ))
    })?;
    let last = tiles_per_side(z) - 1;
    let index = |name: &str, value: &str| {
        let out_of_range =
            || format!("{name} \"{value}\" is out of range: at zoom {z}, {name} is 0 to {last}");
        let is_whole_number = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        match value.parse::<u32>() {
            Ok(v) if v <= last => Ok(v),
            // Any whole number is a column or row the document admits; past the edge (however
            // far) there is no tile.
            _ if is_whole_number => Err(ApiError::not_found(out_of_range())),
            _ => Err(ApiError::bad_request(out_of_range())),
        }
    };
    Ok((z, index("x", x)?, index("y", y)?))
}

fn parse_datetime_param(request: &Request) -> ApiResult<Option<DateSpan>> {
    request
        .param(items_spec::DATETIME.name)
        .map(parse_datetime)
        .transpose()
        .map_err(|e| ApiError::bad_request(e.to_string()))
}

async fn tile(
    state: &AppState,
    collection: &str,
    address: (&str, &str, &str),
    request: Request,
) -> ApiResult<Response> {
    request.allow_only(&[items_spec::DATETIME.name])?;
    let collection = parse_collection(collection)?;
    let tile = parse_address(address)?;
    let datetime = parse_datetime_param(&request)?;
    let catalog = state.catalog();
    let today = chrono::Utc::now().date_naive();
    let etag = response::etag(&request, catalog.fingerprint, &today.to_string());
    if let Some(cached) = response::not_modified(&request, &etag) {
        return Ok(cached);
    }
    let key = TileKey {
        fingerprint: catalog.fingerprint,
        collection,
        tile,
        datetime,
        today,
    };
    let bytes = match state.tiles.get(&key) {
        Some(bytes) => bytes,
        None => {
            let bytes = tokio::task::spawn_blocking(move || {
                Bytes::from(collection_tile(
                    &catalog,
                    collection,
                    tile,
                    datetime.as_ref(),
                    today,
                ))
            })
            .await
            .map_err(|_| ApiError::unavailable("the tile could not be made"))?;
            state
                .tiles
                .insert(key, bytes.clone(), bytes.len() + TILE_ENTRY_OVERHEAD);
            bytes
        }
    };
    let mut response = if bytes.is_empty() {
        StatusCode::NO_CONTENT.into_response()
    } else {
        let mut r = (StatusCode::OK, bytes).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(MVT_MEDIA_TYPE),
        );
        r
    };
    response::set_cache_headers(&mut response, &etag);
    Ok(response)
}

/// The URL template of a collection's XYZ tiles, keeping the request's `datetime`.
fn tiles_template(request: &Request, id: &str) -> String {
    let params: Vec<(String, String)> = request
        .param(items_spec::DATETIME.name)
        .map(|d| vec![("datetime".to_string(), d.to_string())])
        .unwrap_or_default();
    // Braces stay literal: they are the template's placeholders.
    request
        .url(&format!("/tiles/{id}/{{z}}/{{x}}/{{y}}.mvt"), &params)
        .replace("%7B", "{")
        .replace("%7D", "}")
}

/// The MVT fields of a collection's layer: its properties with their JSON Schema types in
/// TileJSON's words, the string id and the validity numbers.
fn vector_layer(collection: &Collection) -> Value {
    json!({
        "id": collection.id.as_str(),
        "description": collection.id.title(),
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "fields": vector_fields(collection),
    })
}

async fn tilejson(
    State(state): State<AppState>,
    Path(document): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    let Some(id) = document.strip_suffix(".json") else {
        return Err(ApiError::not_found(format!(
            "no resource \"/tiles/{document}\"; a collection's TileJSON is at /tiles/{{collection}}.json"
        )));
    };
    request.allow_only(&[items_spec::DATETIME.name])?;
    parse_datetime_param(&request)?;
    let collection = parse_collection(id)?;
    let catalog = state.catalog();
    let collection = catalog.collection(collection);
    let bounds = collection.bbox.unwrap_or([-180.0, -85.0, 180.0, 85.0]);
    let body = json!({
        "tilejson": "3.0.0",
        "name": id,
        "description": collection.id.description(),
        "tiles": [tiles_template(&request, id)],
        "scheme": "xyz",
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 2],
        "vector_layers": [vector_layer(collection)],
    });
    Ok(response::json(&request, body, Some(catalog.fingerprint)))
}

/// Metres per pixel of a 256-pixel tile at zoom `z` of WebMercatorQuad.
fn cell_size(z: u8) -> f64 {
    2.0 * HALF_WORLD_M / 256.0 / f64::from(tiles_per_side(z))
}

/// The OGC tile matrix set definition (OGC 17-083r4, JSON encoding) of WebMercatorQuad,
/// zooms 0 to [`MAX_ZOOM`], derived from the Web Mercator constants.
fn tile_matrix_set_document(request: &Request) -> Value {
    let matrices: Vec<Value> = (0..=MAX_ZOOM)
        .map(|z| {
            let n = tiles_per_side(z);
            json!({
                "id": z.to_string(),
                // The standardized rendering pixel is 0.28 mm.
                "scaleDenominator": cell_size(z) / 0.000_28,
                "cellSize": cell_size(z),
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-HALF_WORLD_M, HALF_WORLD_M],
                "tileWidth": 256,
                "tileHeight": 256,
                "matrixWidth": n,
                "matrixHeight": n,
            })
        })
        .collect();
    json!({
        "id": TILE_MATRIX_SET,
        "title": "Google Maps Compatible for the World",
        "uri": TILE_MATRIX_SET_URI,
        "crs": WEB_MERCATOR_CRS,
        "orderedAxes": ["E", "N"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "tileMatrices": matrices,
        "links": [{"rel": "self", "type": "application/json",
                   "href": request.url(&format!("/tileMatrixSets/{TILE_MATRIX_SET}"), &[])}],
    })
}

async fn tile_matrix_sets(request: Request) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let href = request.url(&format!("/tileMatrixSets/{TILE_MATRIX_SET}"), &[]);
    let body = json!({
        "tileMatrixSets": [{
            "id": TILE_MATRIX_SET,
            "title": "Google Maps Compatible for the World",
            "uri": TILE_MATRIX_SET_URI,
            "crs": WEB_MERCATOR_CRS,
            "links": [{"rel": "self", "type": "application/json", "href": href},
                      {"rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                       "type": "application/json", "href": href}],
        }],
        "links": [{"rel": "self", "type": "application/json", "href": request.url("/tileMatrixSets", &[])}],
    });
    Ok(response::json(&request, body, None))
}

async fn tile_matrix_set(request: Request) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let body = tile_matrix_set_document(&request);
    Ok(response::json(&request, body, None))
}

/// The links every tileset description of a collection carries.
fn tileset_links(request: &Request, id: &str) -> Vec<Value> {
    let base = format!("/collections/{id}/tiles/{TILE_MATRIX_SET}");
    let template = format!(
        "{}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}",
        request.url(&base, &[])
    );
    vec![
        json!({"rel": "self", "type": "application/json", "title": "This tileset",
               "href": request.url(&base, &[])}),
        json!({"rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
               "type": "application/json", "title": "WebMercatorQuad",
               "href": request.url(&format!("/tileMatrixSets/{TILE_MATRIX_SET}"), &[])}),
        json!({"rel": "item", "type": MVT_MEDIA_TYPE, "title": "Tiles (Mapbox Vector Tiles)",
               "templated": true, "href": template}),
        json!({"rel": "describedby", "type": "application/json", "title": "TileJSON",
               "href": request.url(&format!("/tiles/{id}.json"), &[])}),
    ]
}

async fn tilesets(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let collection = parse_collection(&id)?;
    let catalog = state.catalog();
    let id = collection.as_str();
    let body = json!({
        "tilesets": [{
            "title": format!("{} (vector tiles)", collection.title()),
            "dataType": "vector",
            "crs": WEB_MERCATOR_CRS,
            "tileMatrixSetURI": TILE_MATRIX_SET_URI,
            "links": tileset_links(&request, id),
        }],
        "links": [
            {"rel": "self", "type": "application/json", "title": "Tilesets",
             "href": request.url(&format!("/collections/{id}/tiles"), &[])},
            {"rel": "collection", "type": "application/json", "title": "The collection",
             "href": request.url(&format!("/collections/{id}"), &[])},
        ],
    });
    Ok(response::json(&request, body, Some(catalog.fingerprint)))
}

async fn tileset(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let collection = parse_collection(&id)?;
    let catalog = state.catalog();
    let source = catalog.collection(collection);
    let id = collection.as_str();
    let limits: Vec<Value> = (0..=MAX_ZOOM)
        .map(|z| {
            let last = tiles_per_side(z) - 1;
            json!({"tileMatrix": z.to_string(), "minTileRow": 0, "maxTileRow": last,
                   "minTileCol": 0, "maxTileCol": last})
        })
        .collect();
    let properties: Map<String, Value> = vector_fields(source)
        .into_iter()
        .map(|(name, kind)| {
            let kind = match kind.as_str() {
                Some("Number") => "number",
                Some("Boolean") => "boolean",
                _ => "string",
            };
            (name, json!({"type": kind}))
        })
        .collect();
    let body = json!({
        "title": format!("{} (vector tiles)", collection.title()),
        "description": collection.description(),
        "dataType": "vector",
        "crs": WEB_MERCATOR_CRS,
        "tileMatrixSetURI": TILE_MATRIX_SET_URI,
        "tileMatrixSetLimits": limits,
        "layers": [{
            "id": id,
            "title": collection.title(),
            "dataType": "vector",
            "minTileMatrix": "0",
            "maxTileMatrix": MAX_ZOOM.to_string(),
            "propertiesSchema": {"type": "object", "properties": properties},
        }],
        "links": tileset_links(&request, id),
    });
    Ok(response::json(&request, body, Some(catalog.fingerprint)))
}

/// The collection of a tile path in the API document, one of the collections served.
fn collection_parameter(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true,
           "schema": {"type": "string", "enum": CollectionId::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>()}})
}

/// The `/api` entries of the tile endpoints.
pub fn openapi_paths() -> Vec<(String, Value)> {
    let collection = collection_parameter("collection");
    let index = index_parameter;
    let zoom = zoom_parameter;
    let datetime =
        json!({"$ref": format!("#/components/parameters/{}", items_spec::DATETIME.name)});
    let tile_responses = json!({
        "200": {"description": "Mapbox Vector Tile (MVT 2.1), one layer named after the collection; validity as valid_from_day / valid_to_day (days since 1970-01-01)",
                "content": {MVT_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
        "204": {"description": "No feature reaches this tile (always answered so, never with an empty body of 200)"},
        "304": {"description": "The client's copy (If-None-Match) is current"},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "404": {"$ref": "#/components/responses/NotFound"}
    });
    let document = |summary: &str, operation: &str, parameters: Value| {
        json!({"get": {"summary": summary, "operationId": operation, "tags": ["tiles"],
        "parameters": parameters,
        "responses": {
            "200": {"description": "JSON", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "404": {"$ref": "#/components/responses/NotFound"}
        }}})
    };
    let tile = |operation: &str, parameters: Value| {
        json!({"get": {"summary": "One vector tile of a collection", "operationId": operation,
            "tags": ["tiles"], "parameters": parameters, "responses": tile_responses.clone()}})
    };
    let id = collection_parameter("id");
    vec![
        (
            "/tiles/{collection}/{z}/{x}/{y}.mvt".into(),
            tile(
                "collection_tile",
                json!([collection, zoom("z"), index("x", "Column"), index("y", "Row"), datetime]),
            ),
        ),
        (
            "/tiles/{collection}.json".into(),
            document(
                "TileJSON 3.0.0 of a collection's vector tiles",
                "collection_tilejson",
                json!([collection, datetime]),
            ),
        ),
        (
            "/tileMatrixSets".into(),
            document("Tile matrix sets", "getTileMatrixSetsList", json!([])),
        ),
        (
            format!("/tileMatrixSets/{TILE_MATRIX_SET}"),
            document(
                "The WebMercatorQuad tile matrix set",
                "getTileMatrixSet",
                json!([]),
            ),
        ),
        (
            "/collections/{id}/tiles".into(),
            document(
                "Tilesets of a collection",
                "getCollectionVectorTilesets",
                json!([id]),
            ),
        ),
        (
            format!("/collections/{{id}}/tiles/{TILE_MATRIX_SET}"),
            document(
                "The WebMercatorQuad tileset of a collection",
                "getCollectionVectorTileset",
                json!([id]),
            ),
        ),
        (
            format!("/collections/{{id}}/tiles/{TILE_MATRIX_SET}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"),
            tile(
                "getCollectionVectorTile",
                json!([id, zoom("tileMatrix"), index("tileRow", "Row"), index("tileCol", "Column"), datetime]),
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_outside_the_grid_name_the_valid_range() {
        assert_eq!(parse_address(("6", "43", "23")).unwrap(), (6, 43, 23));
        let message = |a| parse_address(a).unwrap_err().description;
        assert!(message(("17", "0", "0")).contains("zoom 0 to 16"));
        assert!(message(("6", "64", "0")).contains("x is 0 to 63"));
        assert!(message(("2", "0", "-1")).contains("y is 0 to 3"));
        assert!(message(("z", "0", "0")).contains("zoom 0 to 16"));
    }

    #[test]
    fn the_matrix_set_halves_its_cells_per_zoom() {
        // OGC 17-083r4 lists 559082264.0287178 for zoom 0 of WebMercatorQuad.
        assert!((cell_size(0) / 0.000_28 - 559_082_264.028_717_8).abs() < 1e-3);
        assert!((cell_size(1) * 2.0 - cell_size(0)).abs() < 1e-9);
    }
}
