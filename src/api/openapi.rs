//! The OpenAPI 3.0 definition at `/api`, generated from the catalog and the parameter
//! declarations the handlers read ([`ParamSpec`]: `query::items_spec`, `query::analysis::spec`,
//! `f` in `request`, `data-version` in `state`), so the document cannot promise what the server
//! refuses.

use super::error::ApiResult;
use super::request::{Format, Request, FEATURES_FORMAT_PARAMETER, FORMAT_PARAMETER};
use super::response;
use super::state::{AppState, DATA_VERSION, DATA_VERSION_PARAMETER};
use crate::catalog::{Catalog, Collection};
use crate::formats::download::Download;
use crate::query::items_spec::{
    crs_schema, properties_schema, sortby_schema, CRS, ITEMS_PARAMETER_SPECS, ITEM_PARAMETER_SPECS,
    PROPERTIES, SORTBY,
};
use crate::query::params::ParamSpec;
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

/// The entry of a declared parameter; a required one may not be sent empty.
pub fn declared(spec: &ParamSpec) -> Value {
    declared_with_schema(spec, (spec.schema)())
}

/// The entry of a declared parameter with its schema narrowed (to one collection's names).
fn declared_with_schema(spec: &ParamSpec, schema: Value) -> Value {
    let mut entry = parameter(spec.name, spec.description, schema);
    if spec.required {
        // Empty is absent, and absent is missing: not a value to send.
        entry["required"] = json!(true);
        entry["allowEmptyValue"] = json!(false);
    }
    entry
}

/// An items parameter of one collection: `sortby`, `properties` and `crs` narrowed to its
/// queryables, its properties and the CRSs that can write it; the others shared.
fn items_parameter(spec: &ParamSpec, collection: &Collection) -> Value {
    match spec.name {
        name if name == SORTBY.name => {
            declared_with_schema(spec, sortby_schema(collection.queryables()))
        }
        name if name == PROPERTIES.name => declared_with_schema(
            spec,
            properties_schema(collection.property_schemas().keys()),
        ),
        name if name == CRS.name => declared_with_schema(spec, crs_schema(collection.bbox)),
        name => reference(name),
    }
}

/// Parameters shared by the endpoints, under `components/parameters`: every declared items
/// parameter under its name, both forms of `f`, and the data version of paging links.
fn shared_parameters() -> Map<String, Value> {
    let mut p = Map::new();
    p.insert(FORMAT_PARAMETER.name.into(), declared(&FORMAT_PARAMETER));
    p.insert(FEATURES_FORMAT.into(), declared(&FEATURES_FORMAT_PARAMETER));
    for spec in ITEMS_PARAMETER_SPECS {
        p.insert(spec.name.into(), declared(spec));
    }
    p.insert(DATA_VERSION.into(), declared(&DATA_VERSION_PARAMETER));
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
        let mut parameters = vec![reference(FEATURES_FORMAT)];
        parameters.extend(
            ITEMS_PARAMETER_SPECS
                .iter()
                .map(|spec| items_parameter(spec, collection)),
        );
        parameters.push(reference(DATA_VERSION));
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
        let mut item_parameters = vec![feature_id, reference(FORMAT_PARAMETER.name)];
        item_parameters.extend(
            ITEM_PARAMETER_SPECS
                .iter()
                .map(|spec| items_parameter(spec, collection)),
        );
        paths.insert(
            format!("/collections/{id}/items/{{featureId}}"),
            json!({"get": {"summary": format!("One item of {id}"), "operationId": format!("item_{id}"),
                           "parameters": item_parameters,
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
