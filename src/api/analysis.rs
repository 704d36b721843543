//! `/analysis/{question}`: the spatial questions of `query::analysis` over HTTP.
//!
//! The handler only translates: it rejects parameters the question does not define, lets
//! [`Question::parse`] read the rest (the command line calls the same parser, so both accept and
//! refuse exactly the same input), answers on a blocking thread (a border buffer or a first
//! grouping footprint can take a noticeable moment and must not stall the async workers), and
//! writes the [`Answer`] as one GeoJSON FeatureCollection with a top-level `summary` member.
//! The parameter descriptions for `/api` live here too, next to what they describe.

use super::error::{ApiError, ApiResult};
use super::request::Request;
use super::response;
use super::state::AppState;
use crate::formats::geojson::{lon_lat, write_feature};
use crate::query::analysis::{
    AnalysisError, Answer, Question, DEFAULT_K, MAX_DISTANCE_KM, MAX_K, QUESTIONS,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::io::Write;

pub fn routes() -> Router<AppState> {
    Router::new().route("/analysis/{question}", get(analysis))
}

async fn analysis(
    State(state): State<AppState>,
    Path(name): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    if !QUESTIONS.contains(&name.as_str()) {
        return Err(ApiError::not_found(format!(
            "no analysis \"{name}\"; the questions are: {}",
            QUESTIONS.join(", ")
        )));
    }
    let mut allowed = Question::parameters(&name).to_vec();
    allowed.push("f");
    request.allow_only(&allowed)?;
    let question = Question::parse(&name, &request.params).map_err(error)?;
    let catalog = state.catalog();
    let today = chrono::Utc::now().date_naive();
    let etag = response::etag(&request, catalog.fingerprint, &today.to_string());
    if let Some(r) = response::not_modified(&request, &etag) {
        return Ok(r);
    }
    let body = tokio::task::spawn_blocking(move || {
        question.answer(&catalog, today).map(|a| write_answer(&a))
    })
    .await
    .map_err(|_| ApiError::unavailable("the analysis could not be completed"))?
    .map_err(error)?;
    let mut response = response::with_type(body, "application/geo+json");
    response::set_cache_headers(&mut response, &etag);
    Ok(response)
}

/// The HTTP form of an analysis error: 400, naming the parameter at fault.
pub fn error(e: AnalysisError) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        code: match e {
            AnalysisError::Missing(_) => "MissingParameterValue",
            _ => "InvalidParameterValue",
        },
        description: e.to_string(),
    }
}

/// An answer as a GeoJSON FeatureCollection: the features found (their curated properties
/// plus `collection` and the computed `distance_km`, `side`, `rank`), then the changes (see
/// `query::analysis::changes`), then the shapes (with `role`), then `numberReturned` and
/// `summary`.
pub fn write_answer(answer: &Answer) -> Vec<u8> {
    let mut out = Vec::with_capacity(8192);
    out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
    let mut first = true;
    let mut separate = |out: &mut Vec<u8>| {
        if !first {
            out.push(b',');
        }
        first = false;
    };
    for hit in &answer.hits {
        separate(&mut out);
        write_feature(
            &mut out,
            &hit.feature.id,
            hit.geometry,
            &hit.properties(),
            &lon_lat,
        );
    }
    for change in &answer.changes {
        separate(&mut out);
        write_feature(
            &mut out,
            &change.id(),
            change.geometry,
            &change.properties(),
            &lon_lat,
        );
    }
    for shape in &answer.shapes {
        separate(&mut out);
        write_feature(
            &mut out,
            &shape.id,
            Some(&shape.geometry),
            &shape.properties(),
            &lon_lat,
        );
    }
    let _ = write!(
        out,
        "],\"numberReturned\":{},\"summary\":{}}}",
        answer.hits.len() + answer.changes.len(),
        answer.summary
    );
    out
}

fn parameter(name: &str, required: bool, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": required, "description": description, "schema": schema})
}

/// The `/api` entries of the analysis endpoints: path, summary, parameters.
pub fn openapi_paths() -> Vec<(String, Value)> {
    let collections = parameter(
        "collections",
        false,
        "Comma-separated collections to search (countries, groupings, installations, forces, events, routes, borders). Default: installations,forces,events.",
        json!({"type": "array", "items": {"type": "string"}}),
    );
    let datetime = parameter(
        "datetime",
        false,
        "Instant or interval (RFC 3339, or reduced precision such as 2005 or 2005-06; `..` for an open end). Only features valid then are considered; grouping memberships and footprints are taken on its last day (or today).",
        json!({"type": "string"}),
    );
    let include = parameter(
        "include",
        false,
        "`zone` adds the drawn shapes: features with property role = zone (the area), ring (its outline) or border (the border line).",
        json!({"type": "string", "enum": ["zone"]}),
    );
    let km = |name: &str, what: &str| {
        parameter(
            name,
            true,
            what,
            json!({"type": "number", "minimum": 0, "maximum": MAX_DISTANCE_KM}),
        )
    };
    let lon = parameter(
        "lon",
        true,
        "Longitude, degrees WGS 84.",
        json!({"type": "number", "minimum": -180, "maximum": 180}),
    );
    let lat = parameter(
        "lat",
        true,
        "Latitude, degrees WGS 84.",
        json!({"type": "number", "minimum": -90, "maximum": 90}),
    );
    let entries = [
        (
            "border-zone",
            "Features within a distance of the shared land border of two countries, with their geodesic distance_km to it and the side they are on",
            vec![
                parameter("countries", true, "Two ISO 3166-1 alpha-3 codes that share a land border, comma-separated (TJK,AFG).", json!({"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}})),
                km("distance_km", "Distance from the border, kilometres (0 keeps what lies on it)."),
                collections.clone(),
                datetime.clone(),
                include.clone(),
            ],
        ),
        (
            "near",
            "Features within a radius of a point, nearest first, with their geodesic distance_km",
            vec![lon.clone(), lat.clone(), km("radius_km", "Radius, kilometres."), collections.clone(), datetime.clone(), include.clone()],
        ),
        (
            "nearest",
            "The k features nearest to a point, with their geodesic distance_km",
            vec![
                lon.clone(),
                lat.clone(),
                parameter("k", false, "How many features.", json!({"type": "integer", "minimum": 1, "maximum": MAX_K, "default": DEFAULT_K})),
                collections.clone(),
                datetime.clone(),
            ],
        ),
        (
            "within",
            "Features inside a country, a grouping or a theater (their members' territory on the reference day)",
            vec![
                parameter("area", true, "A country ISO3 code (TJK), or a grouping or theater id (csto, central-asian-region).", json!({"type": "string"})),
                collections.clone(),
                datetime.clone(),
                include.clone(),
            ],
        ),
        (
            "locate",
            "The country holding a point and every grouping or theater covering it on the reference day (features without geometry)",
            vec![lon.clone(), lat.clone(), datetime.clone()],
        ),
        (
            "range",
            "A geodesic range ring around a point feature: the features inside, with distance_km, and the countries the ring reaches (summary.countries)",
            vec![
                parameter("from", true, "Id of a point feature of installations, forces or events (kant-air-base).", json!({"type": "string"})),
                km("radius_km", "Radius, kilometres."),
                collections,
                datetime,
                include,
            ],
        ),
        (
            "changes",
            "What changed between two dates: membership joins, exits and status changes in every grouping, features opened or closed, and events that began, in date order; each with change, date, collection, id, name (and grouping, country, status_from, status_to for memberships), at the feature's point or with null geometry",
            vec![
                parameter("from", true, "First date of the period: YYYY, YYYY-MM or YYYY-MM-DD (a year or month starts on its first day).", json!({"type": "string"})),
                parameter("to", true, "Last date of the period, not before from: YYYY, YYYY-MM or YYYY-MM-DD (a year or month ends on its last day).", json!({"type": "string"})),
            ],
        ),
    ];
    entries
        .into_iter()
        .map(|(name, summary, parameters)| {
            let operation = format!("analysis_{}", name.replace('-', "_"));
            (
                format!("/analysis/{name}"),
                json!({"get": {
                    "summary": summary,
                    "operationId": operation,
                    "tags": ["analysis"],
                    "parameters": parameters,
                    "responses": {
                        "200": {"description": "A GeoJSON FeatureCollection with a top-level summary object.",
                                "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                        "400": {"$ref": "#/components/responses/BadRequest"}
                    }
                }}),
            )
        })
        .collect()
}
