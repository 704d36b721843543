//! "What lies within this country, grouping or theater?"
//!
//! The area is a country (ISO3 code), or a grouping or theater (its id), whose territory is that
//! of its full members on the reference day; a grouping outside its own validity has none.
//! A grouping is tested member by member rather than through the union of its members: a
//! feature meets the union exactly when it meets one member, and the per-member test needs no
//! union of 1:10m polygons. Candidates come from the R-tree over each member's parts; a feature
//! is in the area when its geometry meets the area, boundary included (a containment question,
//! so no distance is reported).
//!
//! A point whose location is known only to a radius (its `location_precision`) is certainly
//! inside when its point is inside and at least that radius from the area's outer boundary
//! (borders with one side among the members, and their coasts), and possibly inside when its
//! point lies within that radius of the boundary on either side. A point bounded by no
//! radius is possibly inside when its point is; exact geometry is certainly inside.

use super::answer::{
    rank, search_margin_km, summary, uncertainty_km, Answer, Certainty, Hit, Shape,
};
use super::error::AnalysisError;
use super::geodesy::{expand_envelope, Polylines};
use super::scope::Scope;
use crate::catalog::{Catalog, Envelope};
use crate::model::{CollectionId, Feature};
use geo::{Geometry, Intersects, LineString};
use serde_json::{json, Map, Value};
use std::cell::OnceCell;

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
    // Grown by the widest location uncertainty, so that features recorded just outside but
    // possibly inside are found too.
    let margin_m = search_margin_km() * 1000.0;
    let envelopes: Vec<Envelope> = member_geometries
        .iter()
        .flat_map(|g| Envelope::parts(Some(g)))
        .flat_map(|e| expand_envelope(e, margin_m))
        .collect();
    // The area's outer boundary, measured only when a feature's uncertainty needs it.
    let boundary = OnceCell::new();
    let distance_to_boundary_km = |geometry: &Geometry<f64>| {
        let lines: &Polylines = boundary.get_or_init(|| outer_boundary(catalog, &area.members));
        let Geometry::Point(p) = geometry else {
            return None;
        };
        lines.closest(p.0).map(|c| c.distance_m / 1000.0)
    };
    let mut hits: Vec<Hit<'a>> = Vec::new();
    for (collection, position, feature, geometry) in scope.candidates(catalog, &envelopes) {
        // An area is not a result of itself.
        if std::ptr::eq(feature, area.feature) {
            continue;
        }
        let inside = member_geometries.iter().any(|m| m.intersects(geometry));
        let uncertainty = uncertainty_km(feature);
        let certainty = match uncertainty {
            Some(r) if r > 0.0 => match distance_to_boundary_km(geometry) {
                Some(d) if inside && d >= r => Certainty::Certain,
                Some(d) if d <= r => Certainty::Possible,
                // Lines and areas keep the plain test: they are drawn as given.
                None if inside => Certainty::Certain,
                _ => continue,
            },
            _ if !inside => continue,
            Some(_) => Certainty::Certain,
            None => Certainty::Possible,
        };
        hits.push(Hit {
            collection,
            position,
            feature,
            geometry: Some(geometry),
            distance_km: None,
            side: None,
            rank: None,
            certainty: Some(certainty),
            uncertainty_km: uncertainty,
        });
    }
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
        hits_beyond: 0,
        shapes,
        changes: Vec::new(),
        summary: Value::Object(s),
    })
}

/// The outer boundary of an area made of `members`: each shared border with exactly one side
/// among them, and their coasts. Borders between two members are inside the area.
fn outer_boundary(catalog: &Catalog, members: &[&Feature]) -> Polylines {
    let codes: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let is_member = |code: &str| codes.contains(&code);
    let borders = catalog.collection(CollectionId::Borders);
    let mut lines: Vec<&LineString<f64>> = Vec::new();
    for border in borders.features() {
        let Some((a, b)) = border.id.split_once('-') else {
            continue;
        };
        if is_member(a) != is_member(b) {
            if let Some(Geometry::MultiLineString(ml)) = &border.geometry {
                lines.extend(ml.0.iter());
            }
        }
    }
    for coast in catalog.coasts.iter().filter(|c| is_member(&c.country)) {
        lines.extend(coast.line.0.iter());
    }
    Polylines::new(lines)
}
