//! "Where is this point?": the country that holds it and every grouping or theater that
//! covers it on the reference day.
//!
//! The country comes from the R-tree and a point-in-polygon test (boundary included, so a
//! point exactly on a border is in both countries). A grouping covers the point when it is
//! valid that day and one of its full members then holds the point: the same answer as testing
//! its footprint (the union of those members), without building the union. Results carry no
//! geometry, because a country or a grouping at 1:10m weighs megabytes and a client asking
//! "where am I" wants the names; `/collections/{id}/items/{fid}?datetime=` serves the shapes.

use super::answer::{uncertainty_km, Answer, Hit};
use super::error::AnalysisError;
use super::params::check_lon_lat;
use super::scope::Scope;
use crate::catalog::{Catalog, Envelope};
use crate::model::CollectionId;
use geo::{Coord, Intersects, Point};
use serde_json::{json, Map, Value};

pub fn locate<'a>(
    catalog: &'a Catalog,
    point: Coord<f64>,
    scope: &Scope,
) -> Result<Answer<'a>, AnalysisError> {
    check_lon_lat(point.x, point.y)?;
    let countries = catalog.collection(CollectionId::Countries);
    let here = Envelope::new(point.x, point.y, point.x, point.y);
    let mut hits: Vec<Hit<'a>> = Vec::new();
    for position in countries.candidates(&here) {
        let feature = &countries.features()[position];
        if feature
            .geometry
            .as_ref()
            .is_some_and(|g| g.intersects(&Point(point)))
        {
            hits.push(Hit {
                collection: CollectionId::Countries,
                position,
                feature,
                geometry: None,
                distance_km: None,
                side: None,
                rank: None,
                certainty: None,
                uncertainty_km: uncertainty_km(feature),
            });
        }
    }
    let codes: Vec<&str> = hits.iter().map(|h| h.feature.id.as_str()).collect();
    let groupings = catalog.collection(CollectionId::Groupings);
    let mut covering = Vec::new();
    for (position, grouping) in groupings.features().iter().enumerate() {
        if !grouping.validity.is_valid_on(scope.day) {
            continue;
        }
        if grouping
            .members_on(scope.day)
            .iter()
            .any(|m| codes.contains(m))
        {
            covering.push(Hit {
                collection: CollectionId::Groupings,
                position,
                feature: grouping,
                geometry: None,
                distance_km: None,
                side: None,
                rank: None,
                certainty: None,
                uncertainty_km: uncertainty_km(grouping),
            });
        }
    }
    let mut s = Map::new();
    s.insert("question".into(), json!("locate"));
    s.insert("point".into(), json!([point.x, point.y]));
    s.insert("datetime".into(), json!(scope.datetime_text));
    s.insert("reference_day".into(), json!(scope.day.to_string()));
    s.insert("countries".into(), json!(codes));
    let ids: Vec<&str> = covering.iter().map(|h| h.feature.id.as_str()).collect();
    s.insert("groupings".into(), json!(ids));
    let theaters: Vec<&str> = covering
        .iter()
        .filter(|h| h.feature.kind() == Some("theater"))
        .map(|h| h.feature.id.as_str())
        .collect();
    s.insert("theaters".into(), json!(theaters));
    hits.extend(covering);
    s.insert("count".into(), json!(hits.len()));
    Ok(Answer {
        hits,
        hits_beyond: 0,
        shapes: Vec::new(),
        changes: Vec::new(),
        summary: Value::Object(s),
    })
}
