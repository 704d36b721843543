//! The analysis questions' own parameters (`lon`, `lat`, `*_km`, `k`, `countries`,
//! `collections`, `include`…): their limits and their parsers, shared by every question.

use super::answer::Page;
use super::error::AnalysisError;
use crate::model::CollectionId;
use crate::query::params::{parse_count, parse_offset, MAX_LIMIT};

/// Longest distance or radius a question accepts, in kilometres.
pub const MAX_DISTANCE_KM: f64 = 5_000.0;
/// Most neighbours `nearest` returns.
pub const MAX_K: usize = 1_000;
/// `k` when the question does not give one.
pub const DEFAULT_K: usize = 5;
/// Entries of an answer's list written when `limit` is not given: every answer of the built-in
/// data fits in one page, and a larger one is paged like items.
pub const DEFAULT_ANSWER_LIMIT: usize = 1_000;
/// Collections searched when the question names none.
pub const DEFAULT_COLLECTIONS: [CollectionId; 3] = [
    CollectionId::Installations,
    CollectionId::Forces,
    CollectionId::Events,
];

/// `limit` and `offset` of a paged answer.
pub fn parse_page(limit: Option<&str>, offset: Option<&str>) -> Result<Page, AnalysisError> {
    Ok(Page {
        limit: match limit {
            None => DEFAULT_ANSWER_LIMIT,
            Some(text) => parse_count("limit", text, MAX_LIMIT)?,
        },
        offset: parse_offset(offset)?,
    })
}

pub fn parse_number(parameter: &str, text: &str) -> Result<f64, AnalysisError> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| AnalysisError::invalid(parameter, format!("\"{text}\" is not a number")))?;
    if !value.is_finite() {
        return Err(AnalysisError::invalid(
            parameter,
            format!("\"{text}\" is not a finite number"),
        ));
    }
    Ok(value)
}

/// Longitude in -180..180 and latitude in -90..90, degrees WGS 84.
pub fn check_lon_lat(lon: f64, lat: f64) -> Result<(), AnalysisError> {
    if !(-180.0..=180.0).contains(&lon) {
        return Err(AnalysisError::invalid(
            "lon",
            format!("longitude {lon} is outside -180..180"),
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(AnalysisError::invalid(
            "lat",
            format!("latitude {lat} is outside -90..90"),
        ));
    }
    Ok(())
}

/// A distance in kilometres: 0 to [`MAX_DISTANCE_KM`].
pub fn parse_km(parameter: &str, text: &str) -> Result<f64, AnalysisError> {
    let km = parse_number(parameter, text)?;
    check_km(parameter, km)?;
    Ok(km)
}

pub fn check_km(parameter: &str, km: f64) -> Result<(), AnalysisError> {
    if !km.is_finite() || km < 0.0 {
        return Err(AnalysisError::invalid(
            parameter,
            format!("{km} km is negative; give a distance of 0 to {MAX_DISTANCE_KM} km"),
        ));
    }
    if km > MAX_DISTANCE_KM {
        return Err(AnalysisError::invalid(
            parameter,
            format!("{km} km is more than the limit of {MAX_DISTANCE_KM} km"),
        ));
    }
    Ok(())
}

pub fn parse_k(text: Option<&str>) -> Result<usize, AnalysisError> {
    Ok(text.map_or(Ok(DEFAULT_K), |text| parse_count("k", text, MAX_K))?)
}

pub fn parse_id(parameter: &str, text: &str) -> Result<String, AnalysisError> {
    let id = text.trim();
    if id.is_empty() {
        return Err(AnalysisError::invalid(parameter, "is empty"));
    }
    Ok(id.to_string())
}

/// `TJK,AFG`: two different ISO3 codes, upper-cased; whether they exist and share a border is
/// checked against the catalog when answering.
pub fn parse_countries(text: &str) -> Result<(String, String), AnalysisError> {
    let codes: Vec<String> = text
        .split(',')
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    match &codes[..] {
        [a, b] if a == b => Err(AnalysisError::invalid(
            "countries",
            format!("{a} is given twice; name two different countries"),
        )),
        [a, b] => Ok((a.clone(), b.clone())),
        _ => Err(AnalysisError::invalid(
            "countries",
            format!("\"{text}\" must name two countries, comma-separated, such as TJK,AFG"),
        )),
    }
}

/// `installations,forces`: known collection ids without repeats; absent = the defaults.
pub fn parse_collections(text: Option<&str>) -> Result<Vec<CollectionId>, AnalysisError> {
    let Some(text) = text else {
        return Ok(DEFAULT_COLLECTIONS.to_vec());
    };
    let mut out: Vec<CollectionId> = Vec::new();
    for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let id: CollectionId = name.parse().map_err(AnalysisError::UnknownCollection)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.is_empty() {
        return Err(AnalysisError::UnknownCollection(
            "name at least one collection".into(),
        ));
    }
    Ok(out)
}

pub fn parse_include(text: Option<&str>) -> Result<bool, AnalysisError> {
    match text.map(str::trim) {
        None | Some("") => Ok(false),
        Some("zone") => Ok(true),
        Some(other) => Err(AnalysisError::invalid(
            "include",
            format!("\"{other}\" is not known; the only value is zone"),
        )),
    }
}
