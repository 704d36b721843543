//! `/collections/{id}/items` and `/collections/{id}/items/{fid}`.
//!
//! An items page is GeoJSON, HTML, or a download (CSV, FlatGeobuf, KML) of exactly the
//! features of the GeoJSON page, with the same paging links in the format asked for.

use super::collections::parse_collection;
use super::html;
use crate::api::error::{ApiError, ApiResult};
use crate::api::request::{FeaturesRequest, Format, Request, FEATURES_FORMAT_PARAMETER};
use crate::api::response;
use crate::api::state::AppState;
use crate::api::state::{paging_version, DATA_VERSION};
use crate::catalog::Collection;
use crate::formats::collection::CollectionWriter;
use crate::formats::download::{self, DownloadInfo};
use crate::formats::items::ItemsOutput;
use crate::query::cql::{Filter, FilterLang, Queryable, QueryableType};
use crate::query::crs::Crs;
use crate::query::items::{select, ItemsQuery};
use crate::query::items_spec::{self, ITEMS_PARAMETER_SPECS, ITEM_PARAMETER_SPECS, SKIP_GEOMETRY};
use crate::query::params::{self, ParamError};
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::Response;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::io::Write;

/// Every parameter an items page accepts besides the queryables: `f`, those of
/// [`ITEMS_PARAMETER_SPECS`], and the data version of paging links.
pub fn items_parameters() -> impl Iterator<Item = &'static str> {
    std::iter::once(FEATURES_FORMAT_PARAMETER.name)
        .chain(ITEMS_PARAMETER_SPECS.iter().map(|p| p.name))
        .chain([DATA_VERSION])
}

/// The output settings a request asks for: `crs`, `properties`, `skipGeometry`.
fn output_settings(
    request: &Request,
    source: &Collection,
    day: NaiveDate,
) -> ApiResult<ItemsOutput> {
    let crs = match request.param(items_spec::CRS.name) {
        None => Crs::Crs84,
        Some(text) => {
            Crs::parse(text).map_err(|e| ApiError::bad_request(format!("invalid crs: {e}")))?
        }
    };
    // A collection is offered in the CRSs that can write all of it (its `crs` list, and the
    // `crs` enum of its paths in the API document); one that cannot is refused whole, for a
    // page or a single feature alike, before anything is written.
    if let Some(extent) = source.bbox.filter(|b| !crs.covers(*b)) {
        return Err(ParamError::new(
            items_spec::CRS.name,
            format!(
                "{} cannot express every feature of {} (longitudes {} to {}); /collections/{} lists the CRSs it is offered in",
                crs.label(),
                source.id,
                extent[0],
                extent[2],
                source.id
            ),
        )
        .into());
    }
    let properties = match request.param(items_spec::PROPERTIES.name) {
        None => None,
        Some(text) => {
            let names = params::parse_property_list(text)?;
            let served = source.property_schemas();
            if let Some(unknown) = names.iter().find(|n| !served.contains_key(n.as_str())) {
                return Err(ParamError::new(
                    items_spec::PROPERTIES.name,
                    format!("\"{unknown}\" is not a property of this collection"),
                )
                .into());
            }
            Some(names)
        }
    };
    let skip_geometry =
        params::parse_boolean(SKIP_GEOMETRY.name, request.param(SKIP_GEOMETRY.name))?;
    Ok(ItemsOutput {
        crs,
        properties,
        skip_geometry,
        day,
    })
}

/// A queryable parameter's value as a CQL2 literal of the queryable's type, or `None` when the
/// text is not of that type (the API document declares each one's JSON type).
fn typed_literal(kind: QueryableType, value: &str) -> Option<String> {
    match kind {
        QueryableType::Number => value
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|_| value.to_string()),
        QueryableType::Integer => value.parse::<i64>().ok().map(|n| n.to_string()),
        QueryableType::Boolean => matches!(value, "true" | "false").then(|| value.to_string()),
        _ => Some(format!("'{}'", value.replace('\'', "''"))),
    }
}

/// Builds the filters: `filter` itself plus one equality filter per queryable parameter
/// (`?country=KGZ`), all of which must hold.
fn filters(request: &Request, known: &[Queryable]) -> ApiResult<Vec<Filter>> {
    let lang = match request.param(items_spec::FILTER_LANG.name) {
        None => FilterLang::Cql2Text,
        Some(text) => FilterLang::parse(text).map_err(|e| ApiError::bad_request(e.to_string()))?,
    };
    if let Some(crs) = request.param(items_spec::FILTER_CRS.name) {
        if Crs::parse(crs).ok() != Some(Crs::Crs84) {
            return Err(ParamError::new(
                items_spec::FILTER_CRS.name,
                "only CRS84 is supported for filter geometries",
            )
            .into());
        }
    }
    let mut out = Vec::new();
    if let Some(text) = request.param(items_spec::FILTER.name) {
        out.push(
            Filter::parse(text, lang, known)
                .map_err(|e| ApiError::bad_request(format!("invalid filter: {e}")))?,
        );
    }
    for (name, value) in &request.params {
        if items_parameters().any(|p| p == name) {
            continue;
        }
        let Some(q) = known
            .iter()
            .find(|q| &q.name == name && !matches!(q.kind, QueryableType::Geometry))
        else {
            let names: Vec<&str> = known.iter().map(|q| q.name.as_str()).collect();
            return Err(ApiError::bad_request(format!(
                "unknown parameter \"{name}\"; this endpoint accepts {} and the queryables {}",
                items_parameters().collect::<Vec<_>>().join(", "),
                names.join(", ")
            )));
        };
        let literal = typed_literal(q.kind, value).ok_or_else(|| {
            ParamError::new(name, format!("\"{value}\" is not {}", q.kind.described()))
        })?;
        let text = format!("\"{}\" = {literal}", q.name);
        out.push(
            Filter::parse(&text, FilterLang::Cql2Text, known)
                .map_err(|e| ApiError::bad_request(format!("invalid {name}: {e}")))?,
        );
    }
    Ok(out)
}

fn bbox(request: &Request) -> ApiResult<Option<params::Bbox>> {
    // `bbox-crs` without a box is harmless (clients send their defaults), but it must still
    // name a CRS this server knows.
    let crs = match request.param(items_spec::BBOX_CRS.name) {
        None => Crs::Crs84,
        Some(t) => {
            Crs::parse(t).map_err(|e| ApiError::bad_request(format!("invalid bbox-crs: {e}")))?
        }
    };
    let Some(text) = request.param(items_spec::BBOX.name) else {
        return Ok(None);
    };
    let numbers = params::parse_bbox_numbers(text)?;
    let lon_lat = if crs == Crs::Crs84 {
        numbers
    } else {
        crs.bbox_to_crs84(numbers)
            .map_err(|e| ApiError::bad_request(format!("invalid bbox: {e}")))?
    };
    Ok(Some(params::lon_lat_bbox(lon_lat)?))
}

pub async fn items(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FeaturesRequest(request): FeaturesRequest,
) -> ApiResult<Response> {
    let collection = parse_collection(&id)?;
    let catalog = state.catalog();
    let version = paging_version(&catalog, &request)?;
    let known = catalog.collection(collection).queryables();
    let mut query = ItemsQuery {
        bbox: bbox(&request)?,
        datetime: request
            .param(items_spec::DATETIME.name)
            .map(params::parse_datetime)
            .transpose()?,
        filters: filters(&request, known)?,
        sortby: request
            .param(items_spec::SORTBY.name)
            .map(params::parse_sortby)
            .transpose()?
            .unwrap_or_default(),
        limit: params::parse_limit(request.param(items_spec::LIMIT.name))?,
        offset: params::parse_offset(request.param(items_spec::OFFSET.name))?,
    };
    if let Some(bad) = query
        .sortby
        .iter()
        .find(|k| !known.iter().any(|q| q.name == k.property))
    {
        return Err(ParamError::new(
            items_spec::SORTBY.name,
            format!("\"{}\" is not a queryable of {collection}", bad.property),
        )
        .into());
    }
    let today = chrono::Utc::now().date_naive();
    let day = params::reference_day(query.datetime.as_ref(), today);
    let output = output_settings(&request, catalog.collection(collection), day)?;
    if let Some(format) = request.download {
        format
            .check_crs(output.crs)
            .map_err(ApiError::bad_request)?;
    }
    // The same URL answers in several formats (by Accept), so the format is part of the tag.
    let format_name = request.download.map_or("", |d| d.name());
    let etag = response::etag(
        &request,
        catalog.fingerprint,
        &format!("{day}{format_name}"),
    );
    if let Some(r) = response::not_modified(&request, &etag) {
        return Ok(r);
    }
    let page = select(&catalog, collection, &query, today);
    query.offset = query.offset.min(page.number_matched);
    // GeoJSON features are written first: a page that reaches the byte budget ends early, and
    // its `next` link continues after the last feature written. A download writes the same
    // GeoJSON (and is refused where it is) so that it ends where the GeoJSON page ends.
    let mut writer = CollectionWriter::new(4096);
    let mut rows = Vec::new();
    let returned = match request.format {
        Format::Html => page.positions.len(),
        Format::Json => {
            let budget = state.limits().page_bytes;
            for &position in &page.positions {
                if !writer.is_empty() && writer.byte_len() >= budget {
                    break;
                }
                writer.try_feature(|out| output.write(out, &catalog, collection, position))?;
                if request.download.is_some() {
                    rows.push(output.download_feature(&catalog, collection, position));
                }
            }
            writer.len()
        }
    };
    let page_link = |offset: usize| {
        request.with_params(&[
            (items_spec::OFFSET.name, Some(offset.to_string())),
            (items_spec::LIMIT.name, Some(query.limit.to_string())),
            (DATA_VERSION, Some(version.clone())),
            // A download chosen by Accept keeps its format in the links too.
            (
                "f",
                request
                    .download
                    .map(|d| d.name().to_string())
                    .or_else(|| request.param("f").map(str::to_string)),
            ),
        ])
    };
    let next =
        (query.offset + returned < page.number_matched).then(|| page_link(query.offset + returned));
    let prev = (query.offset > 0).then(|| page_link(query.offset.saturating_sub(query.limit)));

    let mut response = match (request.download, request.format) {
        (Some(format), _) => {
            let info = DownloadInfo {
                name: collection.as_str(),
                description: None,
                crs: output.crs,
            };
            let body = download::write(format, &info, &rows)?;
            let mut r = response::download(body, format, collection.as_str());
            if format == download::Download::FlatGeobuf {
                set_content_crs(&mut r, output.crs);
            }
            r
        }
        (None, Format::Html) => {
            let rows: Vec<String> = page
                .positions
                .iter()
                .map(|&p| {
                    let f = &catalog.collection(collection).features()[p];
                    let date = |k: &str| f.str_property(k).unwrap_or("").to_string();
                    format!(
                        "<tr><td><a href=\"/collections/{collection}/items/{id}?f=html\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        html::escape(f.name()),
                        html::escape(f.kind().unwrap_or("")),
                        html::escape(&date("valid_from")),
                        html::escape(&date("valid_to")),
                        id = html::escape(&f.id)
                    )
                })
                .collect();
            let nav = [("Previous", &prev), ("Next", &next)]
                .iter()
                .filter_map(|(label, link)| {
                    link.as_ref().map(|l| {
                        format!(
                            "<a href=\"{}\">{label}</a>",
                            html::escape(&l.replace("f=json", "f=html"))
                        )
                    })
                })
                .collect::<Vec<_>>()
                .join(" · ");
            let content = format!(
                "<p>{} of {} matching features. {nav}</p><table><tr><th>id</th><th>name</th><th>kind</th><th>from</th><th>to</th></tr>{}</table>",
                returned,
                page.number_matched,
                rows.join("")
            );
            response::html(html::page(
                &format!("{} — items", collection.title()),
                &content,
            ))
        }
        (None, Format::Json) => {
            let mut links = vec![
                json!({"rel": "self", "type": "application/geo+json", "title": "This page", "href": request.with_params(&[])}),
                json!({"rel": "alternate", "type": "text/html", "title": "This page as HTML", "href": request.with_params(&[("f", Some("html".into()))])}),
                json!({"rel": "collection", "type": "application/json", "title": collection.title(), "href": request.url(&format!("/collections/{collection}"), &[])}),
            ];
            if let Some(n) = &next {
                links.push(json!({"rel": "next", "type": "application/geo+json", "title": "Next page", "href": n}));
            }
            if let Some(p) = &prev {
                links.push(json!({"rel": "prev", "type": "application/geo+json", "title": "Previous page", "href": p}));
            }
            let body = writer.finish(&[
                ("numberMatched", json!(page.number_matched)),
                ("numberReturned", json!(returned)),
                (
                    "timeStamp",
                    json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                ),
                ("links", Value::Array(links)),
            ]);
            let mut r = response::with_type(body, "application/geo+json");
            set_content_crs(&mut r, output.crs);
            r
        }
    };
    let media_type = match (request.download, request.format) {
        (Some(format), _) => format.media_type(),
        (None, Format::Html) => "text/html",
        (None, Format::Json) => "application/geo+json",
    };
    let paging: Vec<(&str, String)> = [("next", next), ("prev", prev)]
        .into_iter()
        .filter_map(|(rel, link)| link.map(|l| (rel, l)))
        .collect();
    response::set_paging_headers(&mut response, &paging, media_type);
    response::set_cache_headers(&mut response, &etag);
    Ok(response)
}

fn set_content_crs(response: &mut Response, crs: Crs) {
    if let Ok(v) = HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        response.headers_mut().insert("content-crs", v);
    }
}

pub async fn item(
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    request: Request,
) -> ApiResult<Response> {
    let allowed: Vec<&str> = std::iter::once(FEATURES_FORMAT_PARAMETER.name)
        .chain(ITEM_PARAMETER_SPECS.iter().map(|p| p.name))
        .collect();
    request.allow_only(&allowed)?;
    let collection = parse_collection(&id)?;
    let catalog = state.catalog();
    let source = catalog.collection(collection);
    let position = source
        .position(&fid)
        .ok_or_else(|| ApiError::not_found(format!("no feature \"{fid}\" in {collection}")))?;
    let datetime = request
        .param(items_spec::DATETIME.name)
        .map(params::parse_datetime)
        .transpose()?;
    let day = params::reference_day(datetime.as_ref(), chrono::Utc::now().date_naive());
    let output = output_settings(&request, source, day)?;
    let feature = &source.features()[position];
    let mut response = match request.format {
        Format::Html => {
            let pretty =
                serde_json::to_string_pretty(&output.properties_of(feature)).unwrap_or_default();
            response::html(html::page(
                feature.name(),
                &format!(
                    "<p><a href=\"/collections/{collection}/items/{}\">GeoJSON</a> · <a href=\"/#feature={collection}/{}\">Show on the map</a></p><pre>{}</pre>",
                    html::escape(&feature.id),
                    html::escape(&feature.id),
                    html::escape(&pretty)
                ),
            ))
        }
        Format::Json => {
            let mut out = Vec::new();
            output.write(&mut out, &catalog, collection, position)?;
            // Add the links member to the written feature object.
            out.pop();
            let links = json!([
                {"rel": "self", "type": "application/geo+json", "href": request.with_params(&[])},
                {"rel": "alternate", "type": "text/html", "href": request.with_params(&[("f", Some("html".into()))])},
                {"rel": "collection", "type": "application/json", "href": request.url(&format!("/collections/{collection}"), &[])},
            ]);
            let _ = write!(out, ",\"links\":{links}}}");
            let mut r = response::with_type(out, "application/geo+json");
            set_content_crs(&mut r, output.crs);
            r
        }
    };
    response::set_cache_headers(
        &mut response,
        &response::etag(&request, catalog.fingerprint, &day.to_string()),
    );
    Ok(response)
}
