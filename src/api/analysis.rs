//! `/analysis/{question}`: the spatial questions of `query::analysis` over HTTP.
//!
//! The handler only translates: it rejects parameters the question does not define, lets
//! [`Question::parse`] read the rest (the command line calls the same parser, so both accept and
//! refuse exactly the same input), answers on a blocking thread (a border buffer or a first
//! grouping footprint can take a noticeable moment and must not stall the async workers), and
//! writes the answer as one GeoJSON FeatureCollection with a top-level `summary` member
//! (`formats::answer`). Answers whose question declares `limit` are paged like items:
//! `numberMatched`, `numberReturned`, and `next`/`prev` links (also in the `Link` header)
//! that carry the data version, so a client paging across a reload is told. The same page is
//! offered as a download (CSV, FlatGeobuf, KML: `f=` or `Accept`) named after the question.
//! Its `/api` entries come from the questions' declarations (`query::analysis::spec`).

use super::error::{ApiError, ApiResult};
use super::openapi::{declared, download_content, paged_responses, FEATURES_FORMAT};
use super::request::{FeaturesRequest, Request};
use super::response;
use super::state::{paging_version, AppState, DATA_VERSION};
use crate::formats::answer::{page_features, write_answer};
use crate::formats::download::{self, Download, DownloadInfo};
use crate::query::analysis::{
    parse_page, question_names, AnalysisError, Page, Question, QuestionSpec, QUESTION_SPECS,
};
use crate::query::crs::Crs;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new().route("/analysis/{question}", get(analysis))
}

async fn analysis(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FeaturesRequest(request): FeaturesRequest,
) -> ApiResult<Response> {
    let Some(spec) = QuestionSpec::find(&name) else {
        return Err(ApiError::not_found(format!(
            "no analysis \"{name}\"; the questions are: {}",
            question_names().collect::<Vec<_>>().join(", ")
        )));
    };
    let mut allowed: Vec<&str> = spec.parameter_names().collect();
    allowed.push("f");
    if spec.is_paged() {
        allowed.push(DATA_VERSION);
    }
    request.allow_only(&allowed)?;
    let question = Question::parse(&name, &request.params).map_err(error)?;
    let page = if spec.is_paged() {
        parse_page(request.param("limit"), request.param("offset")).map_err(error)?
    } else {
        Page::WHOLE
    };
    let catalog = state.catalog();
    let version = paging_version(&catalog, &request)?;
    let today = chrono::Utc::now().date_naive();
    // The same URL answers in several formats (by Accept), so the format is part of the tag.
    let format = request.download;
    let salt = format!("{today}{}", format.map_or("", |d| d.name()));
    let etag = response::etag(&request, catalog.fingerprint, &salt);
    if let Some(r) = response::not_modified(&request, &etag) {
        return Ok(r);
    }
    let media_type = format.map_or("application/geo+json", |d| d.media_type());
    let (body, links) = tokio::task::spawn_blocking(move || {
        question.answer_page(&catalog, today, page).map(|answer| {
            let links = page_links(&request, page, answer.number_matched(), &version, format);
            let body = match format {
                None => {
                    let members = links
                        .iter()
                        .map(|(rel, href)| json!({"rel": rel, "type": media_type, "href": href}))
                        .collect();
                    Ok(write_answer(&answer, page, members))
                }
                Some(format) => {
                    let info = DownloadInfo {
                        name: &name,
                        description: Some(answer.summary.to_string()),
                        crs: Crs::Crs84,
                    };
                    download::write(format, &info, &page_features(&answer, page))
                }
            };
            (body, links)
        })
    })
    .await
    .map_err(|_| ApiError::unavailable("the analysis could not be completed"))?
    .map_err(error)?;
    let body = body?;
    let mut response = match format {
        None => response::with_type(body, media_type),
        Some(format) => response::download(body, format, spec.name),
    };
    response::set_paging_headers(&mut response, &links, media_type);
    response::set_cache_headers(&mut response, &etag);
    Ok(response)
}

/// The `next` and `prev` links of a paged answer, each with the data version it was made for.
fn page_links(
    request: &Request,
    page: Page,
    matched: usize,
    version: &str,
    format: Option<Download>,
) -> Vec<(&'static str, String)> {
    if page == Page::WHOLE {
        return Vec::new();
    }
    let link = |offset: usize| {
        request.with_params(&[
            ("offset", Some(offset.to_string())),
            ("limit", Some(page.limit.to_string())),
            (DATA_VERSION, Some(version.to_string())),
            // A download chosen by Accept keeps its format in the links too.
            (
                "f",
                format
                    .map(|d| d.name().to_string())
                    .or_else(|| request.param("f").map(str::to_string)),
            ),
        ])
    };
    let returned = page.returned(matched);
    let mut links = Vec::new();
    if page.offset + returned < matched {
        links.push(("next", link(page.offset + returned)));
    }
    if page.offset > 0 {
        links.push(("prev", link(page.offset.saturating_sub(page.limit))));
    }
    links
}

/// The HTTP form of an analysis error, naming the parameter at fault: 404 when a parameter
/// names a country, area or feature the data does not hold (the thing asked about does not
/// exist), 400 for every other mistake.
pub fn error(e: AnalysisError) -> ApiError {
    let (status, code) = match e {
        AnalysisError::Missing(_) => (StatusCode::BAD_REQUEST, "MissingParameterValue"),
        AnalysisError::UnknownCountry { .. }
        | AnalysisError::UnknownFeature(_)
        | AnalysisError::UnknownArea(_) => (StatusCode::NOT_FOUND, "NotFound"),
        _ => (StatusCode::BAD_REQUEST, "InvalidParameterValue"),
    };
    ApiError {
        status,
        code,
        description: e.to_string(),
    }
}

/// The `/api` entries of the analysis endpoints, from the questions' declarations.
pub fn openapi_paths() -> Vec<(String, Value)> {
    QUESTION_SPECS
        .iter()
        .map(|question| {
            let mut parameters: Vec<Value> = question
                .parameters
                .iter()
                .map(declared)
                .collect();
            parameters.push(json!({"$ref": format!("#/components/parameters/{FEATURES_FORMAT}")}));
            let mut content = serde_json::Map::new();
            content.insert("application/geo+json".into(), json!({"schema": {"type": "object"}}));
            content.extend(download_content());
            let mut responses = json!({
                "200": {"description": "A GeoJSON FeatureCollection with a top-level summary object, or the same features as a download (FlatGeobuf and KML carry the summary as their description).",
                        "content": content},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "404": {"description": "A parameter names a country, area or feature the data does not hold",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exception"}}}}
            });
            if question.is_paged() {
                parameters.push(json!({"$ref": format!("#/components/parameters/{DATA_VERSION}")}));
                responses["409"] = paged_responses()["409"].clone();
            }
            let operation = format!("analysis_{}", question.name.replace('-', "_"));
            (
                format!("/analysis/{}", question.name),
                json!({"get": {
                    "summary": question.summary,
                    "operationId": operation,
                    "tags": ["analysis"],
                    "parameters": parameters,
                    "responses": responses
                }}),
            )
        })
        .collect()
}
