//! The OpenAPI 3.0 definition at `/api`, generated from the catalog and the parameter lists
//! the handlers enforce, so the document cannot promise what the server refuses.

use super::error::ApiResult;
use super::request::{format_names, Format, Request};
use super::response;
use super::state::AppState;
use crate::catalog::Catalog;
use crate::formats::download::Download;
use crate::model::Queryable;
use crate::query::crs::Crs;
use crate::query::params::{datetime_pattern, DEFAULT_LIMIT, MAX_LIMIT};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api", get(api))
}

async fn api(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let catalog = state.catalog();
    let document = definition(&catalog, &request.base);
    Ok(match request.format {
        Format::Json => {
            let mut r = response::json(&request, document, Some(catalog.fingerprint));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.oai.openapi+json;version=3.0"),
            );
            r
        }
        Format::Html => {
            let mut rows = Vec::new();
            if let Some(paths) = document["paths"].as_object() {
                for (path, item) in paths {
                    let summary = item["get"]["summary"].as_str().unwrap_or("");
                    let params: Vec<String> = item["get"]["parameters"]
                        .as_array()
                        .map(|ps| {
                            ps.iter()
                                .filter_map(|p| {
                                    p["name"].as_str().or_else(|| {
                                        p["$ref"].as_str().and_then(|r| r.rsplit('/').next())
                                    })
                                })
                                .map(|n| format!("<code>{}</code>", super::ogc::escape(n)))
                                .collect()
                        })
                        .unwrap_or_default();
                    rows.push(format!(
                        "<tr><td><code>GET {}</code></td><td>{}</td><td>{}</td></tr>",
                        super::ogc::escape(path),
                        super::ogc::escape(summary),
                        params.join(" ")
                    ));
                }
            }
            let content = format!(
                "<p>The machine-readable definition is at <a href=\"/api?f=json\">/api?f=json</a> (OpenAPI 3.0).</p>\
                 <table><tr><th>endpoint</th><th>what</th><th>parameters</th></tr>{}</table>",
                rows.join("")
            );
            response::html(super::ogc::page("API", &content))
        }
    })
}

/// A query parameter: comma-separated when it is a list, and empty meaning absent (the rule
/// `api::request` applies to every parameter).
pub fn parameter(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema,
           "style": "form", "explode": false, "allowEmptyValue": true})
}

/// `sortby` of one collection: its queryables, each optionally after `+` (or the space a `+`
/// decodes to) or `-`; the names are the collection's own, so the pattern is exact.
fn sortby_parameter(queryables: &[Queryable]) -> Value {
    let names: Vec<String> = queryables.iter().map(|q| regex_literal(&q.name)).collect();
    let key = format!("^[+ -]?({})$", names.join("|"));
    parameter(
        "sortby",
        "Comma-separated queryables, each optionally prefixed with + (ascending) or - (descending).",
        json!({"type": "array", "minItems": 1, "items": {"type": "string", "pattern": key}}),
    )
}

/// `properties` of one collection: the names its features' schema lists.
fn properties_parameter(schemas: &Map<String, Value>) -> Value {
    let names: Vec<&String> = schemas.keys().collect();
    parameter(
        "properties",
        "Comma-separated properties to return.",
        json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": names}}),
    )
}

/// `crs` of one collection: the CRSs that can write every one of its features.
fn crs_parameter(extent: Option<[f64; 4]>) -> Value {
    let offered: Vec<String> = Crs::offered_for(extent).map(|crs| crs.uri()).collect();
    parameter(
        "crs",
        "CRS of the returned coordinates: one of the collection's `crs` list.",
        json!({"type": "string", "format": "uri", "enum": offered}),
    )
}

/// `text` as a regular expression matching exactly it.
fn regex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$-/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn string(description: &str, name: &str) -> Value {
    parameter(name, description, json!({"type": "string"}))
}

/// Parameters shared by the endpoints, under `components/parameters`.
fn shared_parameters() -> Map<String, Value> {
    let mut p = Map::new();
    let crs_enum: Vec<String> = Crs::supported();
    p.insert(
        "f".into(),
        parameter(
            "f",
            "Output format; overrides the Accept header.",
            json!({"type": "string", "enum": format_names(false)}),
        ),
    );
    p.insert(
        FEATURES_FORMAT.into(),
        parameter(
            "f",
            "Output format; overrides the Accept header. csv (WKT geometry), fgb (FlatGeobuf) and kml (KML 2.2) are downloads of the same features.",
            json!({"type": "string", "enum": format_names(true)}),
        ),
    );
    p.insert("bbox".into(), parameter("bbox", "Bounding box: west,south,east,north (or with heights, 6 numbers) in bbox-crs (default CRS84). West > east crosses the antimeridian.", json!({"type": "array", "items": {"type": "number"}, "anyOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}]})));
    p.insert(
        "bbox-crs".into(),
        parameter(
            "bbox-crs",
            "CRS of bbox.",
            json!({"type": "string", "format": "uri", "enum": crs_enum}),
        ),
    );
    p.insert(
        "crs".into(),
        parameter(
            "crs",
            "CRS of the returned coordinates.",
            json!({"type": "string", "format": "uri", "enum": crs_enum}),
        ),
    );
    p.insert("datetime".into(), parameter("datetime", "Instant or interval (RFC 3339; `..` or empty for an open end; reduced-precision dates such as 2005 or 2005-06 stand for the whole period; an interval does not end before it starts). Features whose validity meets it are returned; grouping footprints are drawn as of its end (or today).", json!({"type": "string", "pattern": datetime_pattern()})));
    p.insert("limit".into(), parameter("limit", "Page size.", json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT})));
    p.insert(
        "offset".into(),
        parameter(
            "offset",
            "Number of matching features to skip.",
            json!({"type": "integer", "minimum": 0, "default": 0}),
        ),
    );
    p.insert(
        "filter".into(),
        string(
            "CQL2 filter expression (see the collection's queryables).",
            "filter",
        ),
    );
    p.insert(
        "filter-lang".into(),
        parameter(
            "filter-lang",
            "Language of filter.",
            json!({"type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text"}),
        ),
    );
    p.insert(
        "filter-crs".into(),
        parameter(
            "filter-crs",
            "CRS of geometries in filter; only CRS84.",
            json!({"type": "string", "enum": [Crs::Crs84.uri()]}),
        ),
    );
    p.insert(
        "properties".into(),
        parameter(
            "properties",
            "Comma-separated properties to return.",
            json!({"type": "array", "items": {"type": "string"}}),
        ),
    );
    p.insert(
        "skipGeometry".into(),
        parameter(
            "skipGeometry",
            "Omit geometries (true) for a lighter response.",
            json!({"type": "boolean", "default": false}),
        ),
    );
    p.insert(
        super::state::DATA_VERSION.into(),
        parameter(
            super::state::DATA_VERSION,
            "The data version a paging link was made for (set by the server in next and prev links). If the data has been reloaded since, the request gets a 409 and the client starts again from the first page.",
            json!({"type": "string", "pattern": "^[0-9a-f]{16}$"}),
        ),
    );
    p
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

/// The responses of a paged list: those of any document, plus the 409 a stale paging link gets.
pub fn paged_responses() -> Value {
    let mut paged = responses("application/geo+json");
    paged["409"] = json!({"description": "The data changed since the paging link was made; start again from the first page.",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}});
    paged
}

/// The component name of the `f` parameter of the endpoints that offer downloads.
pub const FEATURES_FORMAT: &str = "f-features";

/// The `content` entries of a 200 answer for each download format.
pub fn download_content() -> Map<String, Value> {
    Download::ALL
        .iter()
        .map(|d| {
            (
                d.media_type().to_string(),
                json!({"schema": {"type": "string", "format": "binary"}}),
            )
        })
        .collect()
}

fn responses(media: &str) -> Value {
    json!({
        "200": {"description": "Success", "content": {media: {"schema": {"type": "object"}}, "text/html": {"schema": {"type": "string"}}}},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "404": {"$ref": "#/components/responses/NotFound"}
    })
}

pub fn definition(catalog: &Catalog, base: &str) -> Value {
    let mut paths = Map::new();
    let simple = |summary: &str, id: &str, media: &str| json!({"get": {"summary": summary, "operationId": id, "parameters": [reference("f")], "responses": responses(media)}});
    paths.insert(
        "/".into(),
        simple(
            "Landing page (the map for browsers)",
            "getLandingPage",
            "application/json",
        ),
    );
    paths.insert(
        "/conformance".into(),
        simple("Conformance classes", "getConformance", "application/json"),
    );
    paths.insert(
        "/api".into(),
        simple(
            "This definition",
            "getApi",
            "application/vnd.oai.openapi+json;version=3.0",
        ),
    );
    paths.insert(
        "/collections".into(),
        simple("Collections", "getCollections", "application/json"),
    );
    for collection in catalog.collections() {
        let id = collection.id.as_str();
        paths.insert(
            format!("/collections/{id}"),
            simple(
                &format!("The {id} collection"),
                &format!("describe_{id}"),
                "application/json",
            ),
        );
        paths.insert(
            format!("/collections/{id}/queryables"),
            simple(
                &format!("Queryables of {id}"),
                &format!("queryables_{id}"),
                "application/schema+json",
            ),
        );
        paths.insert(
            format!("/collections/{id}/schemas/feature"),
            simple(
                &format!("JSON Schema of the features of {id}"),
                &format!("schema_{id}"),
                "application/schema+json",
            ),
        );
        let mut parameters: Vec<Value> = super::ogc::ITEMS_PARAMETERS
            .iter()
            .map(|&p| match p {
                "f" => reference(FEATURES_FORMAT),
                "sortby" => sortby_parameter(collection.queryables()),
                "crs" => crs_parameter(collection.bbox),
                "properties" => properties_parameter(collection.property_schemas()),
                _ => reference(p),
            })
            .collect();
        for q in collection.queryables() {
            if matches!(q.name.as_str(), "geometry" | "datetime") {
                continue;
            }
            parameters.push(parameter(
                &q.name,
                &format!(
                    "Only features whose {} equals this value. {}",
                    q.name, q.description
                ),
                q.kind.json_schema(),
            ));
        }
        let mut items_responses = paged_responses();
        if let Some(content) = items_responses["200"]["content"].as_object_mut() {
            content.extend(download_content());
        }
        paths.insert(
            format!("/collections/{id}/items"),
            json!({"get": {"summary": format!("Items of {id}: {}", collection.id.title()), "operationId": format!("items_{id}"),
                           "parameters": parameters, "responses": items_responses}}),
        );
        // An id that exists, so that clients (and API testers) find a real feature to ask for.
        let mut feature_id = json!({"name": "featureId", "in": "path", "required": true, "schema": {"type": "string"}});
        if let Some(first) = collection.features().first() {
            feature_id["example"] = json!(first.id);
        }
        paths.insert(
            format!("/collections/{id}/items/{{featureId}}"),
            json!({"get": {"summary": format!("One item of {id}"), "operationId": format!("item_{id}"),
                           "parameters": [
                               feature_id,
                               reference("f"), crs_parameter(collection.bbox), reference("datetime"),
                               properties_parameter(collection.property_schemas()), reference("skipGeometry")],
                           "responses": responses("application/geo+json")}}),
        );
    }
    for (path, item) in super::analysis::openapi_paths() {
        paths.insert(path, item);
    }
    for (path, item) in super::basemap::openapi_paths()
        .into_iter()
        .chain(super::tiles::openapi_paths())
    {
        paths.insert(path, item);
    }
    for (path, item) in super::stories::openapi_paths() {
        paths.insert(path, item);
    }
    // The limits in front of every route (api/limits.rs) can answer any operation: a request
    // target over the length limit, or a moment when its class of endpoint is full.
    for item in paths.values_mut() {
        if let Some(responses) = item["get"]["responses"].as_object_mut() {
            responses
                .entry("414")
                .or_insert_with(|| json!({"$ref": "#/components/responses/UriTooLong"}));
            responses
                .entry("503")
                .or_insert_with(|| json!({"$ref": "#/components/responses/Unavailable"}));
        }
    }
    let error = json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}});
    let with_description = |description: &str| {
        let mut response = error.clone();
        response["description"] = json!(description);
        response
    };
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "forcemap",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "OGC API – Features over the force posture of the CSTO and its neighbourhood, with spatial analysis.",
            "license": {"name": "MIT OR Apache-2.0"}
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "parameters": shared_parameters(),
            "schemas": {"Exception": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "description": {"type": "string"}}}},
            "responses": {
                "BadRequest": error.clone(),
                "NotFound": error.clone(),
                "UriTooLong": with_description("The request target is longer than the server accepts"),
                "Unavailable": with_description("Busy or timed out: try again after the Retry-After seconds")
            }
        }
    })
}
