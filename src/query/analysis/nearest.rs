//! "Which k features are nearest to this point?"
//!
//! The search grows a circle: the R-tree gives the candidates inside a radius (100 km first,
//! then four times wider each round), each is measured geodesically, and the round ends once k
//! features are found within the radius, since nothing outside the circle's safe envelope can be
//! nearer than the radius. A radius beyond the longest geodesic on the ellipsoid takes the whole
//! world, so the search always ends. Distances already measured are kept between rounds.

use super::answer::{rank, summary, uncertainty_km, Answer, Hit};
use super::error::AnalysisError;
use super::geodesy::{circle_envelopes, point_to_geometry};
use super::params::{check_lon_lat, MAX_K};
use super::scope::Scope;
use crate::catalog::Catalog;
use geo::Coord;
use serde_json::{json, Value};
use std::collections::HashMap;

/// First search radius.
const START_M: f64 = 100_000.0;
/// Longer than any geodesic on WGS 84 (half a meridian is 20 003.9 km).
const WHOLE_WORLD_M: f64 = 20_100_000.0;

pub fn nearest<'a>(
    catalog: &'a Catalog,
    point: Coord<f64>,
    k: usize,
    scope: &Scope,
) -> Result<Answer<'a>, AnalysisError> {
    check_lon_lat(point.x, point.y)?;
    if !(1..=MAX_K).contains(&k) {
        return Err(AnalysisError::Invalid {
            parameter: "k".into(),
            message: format!("{k} is outside 1..{MAX_K}"),
        });
    }
    let mut measured: HashMap<(crate::model::CollectionId, usize), Option<Hit<'a>>> =
        HashMap::new();
    let mut radius = START_M;
    let mut rounds = 0;
    let mut hits = loop {
        rounds += 1;
        for (collection, position, feature, geometry) in
            scope.candidates(catalog, &circle_envelopes(point, radius))
        {
            measured.entry((collection, position)).or_insert_with(|| {
                point_to_geometry(point, geometry).map(|c| Hit {
                    collection,
                    position,
                    feature,
                    geometry: Some(geometry),
                    distance_km: Some(c.distance_m / 1000.0),
                    side: None,
                    rank: None,
                    certainty: None,
                    uncertainty_km: uncertainty_km(feature),
                })
            });
        }
        let inside: Vec<Hit<'a>> = measured
            .values()
            .flatten()
            .filter(|h| h.distance_km.is_some_and(|d| d * 1000.0 <= radius))
            .cloned()
            .collect();
        if inside.len() >= k || radius >= WHOLE_WORLD_M {
            break inside;
        }
        radius = (radius * 4.0).min(WHOLE_WORLD_M);
    };
    rank(&mut hits);
    hits.truncate(k);
    let mut s = summary("nearest", scope, &hits, catalog);
    s.insert("point".into(), json!([point.x, point.y]));
    s.insert("k".into(), json!(k));
    s.insert("search_rounds".into(), json!(rounds));
    Ok(Answer {
        hits,
        hits_beyond: 0,
        shapes: Vec::new(),
        changes: Vec::new(),
        summary: Value::Object(s),
    })
}
