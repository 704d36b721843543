//! OGC API – Features: landing page, conformance, collections, queryables and items.
//!
//! Handlers translate HTTP into calls on the query layer and back; the selection logic lives
//! in `query::items`, the GeoJSON writing in `formats::geojson`. Each handler reads the
//! catalog once at its start, so a reload never changes the data under a request.

mod collections;
mod html;
mod items;

pub use html::{escape, page};

use super::error::ApiResult;
use super::request::{Format, Request};
use super::response;
use super::state::AppState;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conformance", get(conformance))
        .route("/collections", get(collections::list))
        .route("/collections/{id}", get(collections::one))
        .route("/collections/{id}/queryables", get(collections::queryables))
        .route(
            "/collections/{id}/schemas/feature",
            get(collections::schema),
        )
        .route("/collections/{id}/items", get(items::items))
        .route("/collections/{id}/items/{fid}", get(items::item))
}

pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
];

/// Every conformance class: OGC API – Features and its parts above, then the tiles'.
fn conformance_classes() -> Vec<&'static str> {
    CONFORMANCE
        .iter()
        .chain(super::tiles::CONFORMANCE)
        .copied()
        .collect()
}

/// The OGC landing document (the map page answers browsers at `/`; see `api::web`).
pub fn landing_document(request: &Request) -> serde_json::Value {
    let link = |rel: &str, path: &str, kind: &str, title: &str| json!({"rel": rel, "type": kind, "title": title, "href": request.url(path, &[])});
    json!({
        "title": "forcemap",
        "description": "Force posture of the Collective Security Treaty Organization and its \
                        neighbourhood: countries, groupings, bases, forces, events and routes, \
                        with spatial and temporal queries.",
        "links": [
            link("self", "/?f=json", "application/json", "This document"),
            link("alternate", "/", "text/html", "The map"),
            link("service-desc", "/api", "application/vnd.oai.openapi+json;version=3.0", "OpenAPI definition"),
            link("service-doc", "/api?f=html", "text/html", "API documentation"),
            link("conformance", "/conformance", "application/json", "Conformance classes"),
            link("data", "/collections", "application/json", "Collections"),
            link("http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "/tileMatrixSets", "application/json", "Tile matrix sets"),
        ]
    })
}

async fn conformance(request: Request) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let classes = conformance_classes();
    let body = json!({ "conformsTo": classes });
    Ok(match request.format {
        Format::Json => response::json(&request, body, None),
        Format::Html => response::html(html::page(
            "Conformance",
            &html::list(classes.iter().map(|c| html::escape(c))),
        )),
    })
}
