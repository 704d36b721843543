//! "What lies within this country, grouping or theater?"
//!
//! The area is a country (ISO3 code), or a grouping or theater (its id), whose territory is that
//! of its full members on the reference day; a grouping outside its own validity has none.
//! A grouping is tested member by member rather than through the union of its members: a
//! feature meets the union exactly when it meets one member, and the per-member test needs no
//! union of 1:10m polygons. Candidates come from the R-tree over each member's parts; a feature
//! is in the area when its geometry meets the area, boundary included (a containment question,
//! so no distance is reported).

use super::{rank, summary, AnalysisError, Answer, Hit, Scope, Shape};
use crate::catalog::{Catalog, Envelope};
use crate::model::{CollectionId, Feature};
use geo::{Geometry, Intersects};
use serde_json::{json, Map, Value};

/// A resolved area: what it is, and the countries whose territory makes it up on the day.
pub struct Area<'a> {
    pub id: String,
    pub kind: String,
    pub feature: &'a Feature,
    /// Whether `feature` is a grouping (else a country).
    pub grouping: Option<usize>,
    pub members: Vec<&'a Feature>,
}

pub fn resolve<'a>(
    catalog: &'a Catalog,
    area: &str,
    scope: &Scope,
) -> Result<Area<'a>, AnalysisError> {
    let code = area.to_ascii_uppercase();
    if let Some(country) = catalog.country(&code) {
        return Ok(Area {
            id: code,
            kind: "country".into(),
            feature: country,
            grouping: None,
            members: vec![country],
        });
    }
    let groupings = catalog.collection(CollectionId::Groupings);
    let position = groupings
        .position(area)
        .or_else(|| groupings.position(&area.to_ascii_lowercase()))
        .ok_or_else(|| AnalysisError::UnknownArea(area.to_string()))?;
    let grouping = &groupings.features()[position];
    let members = if grouping.validity.is_valid_on(scope.day) {
        grouping
            .members_on(scope.day)
            .into_iter()
            .filter_map(|c| catalog.country(c))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Area {
        id: grouping.id.clone(),
        kind: grouping.kind().unwrap_or("grouping").to_string(),
        feature: grouping,
        grouping: Some(position),
        members,
    })
}

pub fn within<'a>(
    catalog: &'a Catalog,
    area: &str,
    scope: &Scope,
    include_zone: bool,
) -> Result<Answer<'a>, AnalysisError> {
    let area = resolve(catalog, area, scope)?;
    let member_geometries: Vec<&Geometry<f64>> = area
        .members
        .iter()
        .filter_map(|m| m.geometry.as_ref())
        .collect();
    let envelopes: Vec<Envelope> = member_geometries
        .iter()
        .flat_map(|g| Envelope::parts(Some(g)))
        .collect();
    let mut hits: Vec<Hit<'a>> = scope
        .candidates(catalog, &envelopes)
        .into_iter()
        // An area is not a result of itself.
        .filter(|(_, _, feature, _)| !std::ptr::eq(*feature, area.feature))
        .filter(|(.., geometry)| member_geometries.iter().any(|m| m.intersects(*geometry)))
        .map(|(collection, position, feature, geometry)| Hit {
            collection,
            position,
            feature,
            geometry: Some(geometry),
            distance_km: None,
            side: None,
            rank: None,
        })
        .collect();
    rank(&mut hits);
    for hit in &mut hits {
        hit.rank = None;
    }
    let mut s = summary("within", scope, &hits, catalog);
    s.insert("area".into(), json!(area.id));
    s.insert("area_kind".into(), json!(area.kind));
    s.insert("area_name".into(), json!(area.feature.name()));
    let codes: Vec<&str> = area.members.iter().map(|m| m.id.as_str()).collect();
    s.insert("area_countries".into(), json!(codes));
    let mut shapes = Vec::new();
    if include_zone {
        let geometry = match area.grouping {
            Some(position) if !area.members.is_empty() => catalog
                .geometry_on(CollectionId::Groupings, position, scope.day)
                .cloned(),
            Some(_) => None,
            None => area.feature.geometry.clone(),
        };
        if let Some(geometry) = geometry {
            let mut properties = Map::new();
            properties.insert("name".into(), json!(area.feature.name()));
            properties.insert("area".into(), json!(area.id));
            properties.insert("as_of".into(), json!(scope.day.to_string()));
            shapes.push(Shape {
                id: format!("zone-{}", area.id),
                role: "zone",
                geometry,
                properties,
            });
        }
    }
    Ok(Answer {
        hits,
        shapes,
        changes: Vec::new(),
        summary: Value::Object(s),
    })
}
