//! `/collections`, `/collections/{id}`, `/collections/{id}/queryables` and
//! `/collections/{id}/schemas/feature`.

use super::html;
use crate::api::error::{ApiError, ApiResult};
use crate::api::request::{Format, Request};
use crate::api::response;
use crate::api::state::AppState;
use crate::catalog::Collection;
use crate::model::CollectionId;
use crate::query::crs::Crs;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

pub fn parse_collection(id: &str) -> ApiResult<CollectionId> {
    id.parse().map_err(ApiError::not_found)
}

pub fn collection_document(request: &Request, collection: &Collection) -> Value {
    let id = collection.id.as_str();
    let path = format!("/collections/{id}");
    let link = |rel: &str, suffix: &str, kind: &str, title: &str| {
        json!({"rel": rel, "type": kind, "title": title,
               "href": request.url(&format!("{path}{suffix}"), &[])})
    };
    let bbox = collection.bbox.unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| format!("{d}T00:00:00Z"));
    json!({
        "id": id,
        "title": collection.id.title(),
        "description": collection.id.description(),
        "itemType": "feature",
        "links": [
            link("self", "", "application/json", "This collection"),
            link("alternate", "?f=html", "text/html", "This collection as HTML"),
            link("items", "/items", "application/geo+json", "Items as GeoJSON"),
            link("items", "/items?f=html", "text/html", "Items as HTML"),
            link("http://www.opengis.net/def/rel/ogc/1.0/queryables", "/queryables",
                 "application/schema+json", "Queryables"),
            // GDAL's OAPIF driver (3.6) reads a collection's fields from this link; without it
            // it guesses them from the first page of items and drops properties that first
            // appear on a later page. It matches the relation name "describedBy" exactly.
            link("describedBy", "/schemas/feature", "application/schema+json", "Schema of the features (GeoJSON)"),
            link("http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "/tiles", "application/json", "Vector tilesets (OGC API - Tiles)"),
        ],
        "extent": {
            "spatial": {
                "bbox": [bbox],
                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
            },
            "temporal": {
                "interval": [[date(collection.temporal.start), date(collection.temporal.end)]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
            }
        },
        "crs": Crs::offered_for(collection.bbox).map(|crs| crs.uri()).collect::<Vec<_>>(),
        "storageCrs": Crs::Crs84.uri(),
        "featureCount": collection.len(),
    })
}

pub async fn list(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let catalog = state.catalog();
    if let Some(r) =
        response::not_modified(&request, &response::etag(&request, catalog.fingerprint, ""))
    {
        return Ok(r);
    }
    let collections: Vec<Value> = catalog
        .collections()
        .iter()
        .map(|c| collection_document(&request, c))
        .collect();
    Ok(match request.format {
        Format::Json => {
            let body = json!({
                "links": [
                    {"rel": "self", "type": "application/json", "title": "Collections",
                     "href": request.url("/collections", &[])},
                    {"rel": "alternate", "type": "text/html", "title": "Collections as HTML",
                     "href": request.url("/collections", &[("f".into(), "html".into())])},
                ],
                "collections": collections,
                "crs": Crs::supported(),
            });
            response::json(&request, body, Some(catalog.fingerprint))
        }
        Format::Html => {
            let rows = catalog.collections().iter().map(|c| {
                format!(
                    "<a href=\"/collections/{id}?f=html\">{title}</a> ({n} features): {desc}",
                    id = c.id,
                    title = html::escape(c.id.title()),
                    n = c.len(),
                    desc = html::escape(c.id.description())
                )
            });
            response::html(html::page("Collections", &html::list(rows)))
        }
    })
}

pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let id = parse_collection(&id)?;
    let catalog = state.catalog();
    let collection = catalog.collection(id);
    let body = collection_document(&request, collection);
    Ok(match request.format {
        Format::Json => response::json(&request, body, Some(catalog.fingerprint)),
        Format::Html => {
            let content = format!(
                "<p>{}</p><p>{} features. <a href=\"/collections/{id}/items?f=html\">Browse items</a> · \
                 <a href=\"/collections/{id}/items\">GeoJSON</a> · \
                 <a href=\"/collections/{id}/queryables?f=html\">Queryables</a></p><pre>{}</pre>",
                html::escape(id.description()),
                collection.len(),
                html::escape(&serde_json::to_string_pretty(&body["extent"]).unwrap_or_default())
            );
            response::html(html::page(id.title(), &content))
        }
    })
}

pub async fn queryables(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let id = parse_collection(&id)?;
    let catalog = state.catalog();
    let list = catalog.collection(id).queryables();
    let mut properties = serde_json::Map::new();
    for q in list {
        let mut schema = q.kind.json_schema();
        if let Value::Object(map) = &mut schema {
            map.insert("title".into(), json!(q.name));
            map.insert("description".into(), json!(q.description));
        }
        properties.insert(q.name.clone(), schema);
    }
    let self_url = request.url(&format!("/collections/{id}/queryables"), &[]);
    let body = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": self_url,
        "type": "object",
        "title": format!("Queryables of {id}"),
        "properties": properties,
        "additionalProperties": false,
    });
    Ok(match request.format {
        Format::Json => {
            let mut r = response::json(&request, body, Some(catalog.fingerprint));
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/schema+json"),
            );
            r
        }
        Format::Html => {
            let rows = list.iter().map(|q| {
                format!(
                    "<code>{}</code>: {}",
                    html::escape(&q.name),
                    html::escape(&q.description)
                )
            });
            response::html(html::page(
                &format!("Queryables of {id}"),
                &html::list(rows),
            ))
        }
    })
}

/// Media type of JSON Schema documents.
pub const SCHEMA_MEDIA_TYPE: &str = "application/schema+json";

/// JSON Schema of a GeoJSON feature of `collection`: one entry under
/// The GeoJSON feature schema of a collection, from the property types the catalog inferred
/// when it was built ([`Collection::property_schemas`]).
pub fn feature_schema(request: &Request, collection: &Collection) -> Value {
    let id = collection.id.as_str();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": request.url(&format!("/collections/{id}/schemas/feature"), &[]),
        "title": format!("A feature of {id}"),
        "description": format!("{} Any property may be missing or null.", collection.id.description()),
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"description": "GeoJSON geometry, or null"},
            "properties": {"type": "object", "properties": collection.property_schemas()},
        },
    })
}

pub async fn schema(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let id = parse_collection(&id)?;
    let catalog = state.catalog();
    let body = feature_schema(&request, catalog.collection(id));
    Ok(match request.format {
        Format::Json => {
            let mut r = response::json(&request, body, Some(catalog.fingerprint));
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static(SCHEMA_MEDIA_TYPE),
            );
            r
        }
        Format::Html => response::html(html::page(
            &format!("Schema of {id}"),
            &format!(
                "<pre>{}</pre>",
                html::escape(&serde_json::to_string_pretty(&body).unwrap_or_default())
            ),
        )),
    })
}
