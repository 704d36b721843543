//! Items of a collection as GeoJSON features, the way `/collections/{id}/items` writes them:
//! in the requested CRS, with the requested properties, with or without geometry, and a
//! grouping's members as of the reference day.

use crate::catalog::Catalog;
use crate::formats::download::DownloadFeature;
use crate::formats::geojson::write_feature_with;
use crate::model::{CollectionId, Feature, PropertyValue};
use crate::query::crs::{Crs, CrsError};
use chrono::NaiveDate;
use geo::Coord;
use serde_json::{json, Map, Value};
use std::cell::Cell;
use std::fmt;

/// How items are written: output CRS, selected properties, geometry or not.
pub struct ItemsOutput {
    pub crs: Crs,
    pub properties: Option<Vec<String>>,
    pub skip_geometry: bool,
    pub day: NaiveDate,
}

impl ItemsOutput {
    /// Appends one feature as GeoJSON, or refuses it when one of its coordinates has no place
    /// in the output CRS (a UTM zone far from it): a coordinate silently left in degrees would
    /// be a wrong answer labelled right.
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        catalog: &Catalog,
        collection: CollectionId,
        position: usize,
    ) -> Result<(), CrsRefusal> {
        let feature = &catalog.collection(collection).features()[position];
        let geometry = if self.skip_geometry {
            None
        } else {
            catalog.geometry_on(collection, position, self.day)
        };
        let crs = self.crs;
        let first_problem: Cell<Option<CrsError>> = Cell::new(None);
        let project = |c: Coord<f64>| match crs.from_lon_lat(c) {
            Ok(projected) => projected,
            Err(e) => {
                let first = first_problem.take().unwrap_or(e);
                first_problem.set(Some(first));
                c
            }
        };
        write_feature_with(out, &feature.id, geometry, &project, |out| {
            self.write_properties(out, feature)
        });
        match first_problem.take() {
            None => Ok(()),
            Some(problem) => Err(CrsRefusal {
                collection,
                feature: feature.id.clone(),
                problem,
            }),
        }
    }

    /// The feature as a download row: id, lon/lat geometry (none with `skipGeometry`) and the
    /// properties [`ItemsOutput::write`] gives it.
    pub fn download_feature<'a>(
        &self,
        catalog: &'a Catalog,
        collection: CollectionId,
        position: usize,
    ) -> DownloadFeature<'a> {
        let feature = &catalog.collection(collection).features()[position];
        DownloadFeature {
            id: feature.id.clone(),
            geometry: if self.skip_geometry {
                None
            } else {
                catalog.geometry_on(collection, position, self.day)
            },
            properties: self.properties_of(feature),
        }
    }

    /// The properties written for a feature: the selected ones (all by default, in curated
    /// order; in the order asked otherwise), plus a grouping's `active_members` and `as_of` on
    /// the reference day.
    pub fn properties_of(&self, feature: &Feature) -> Map<String, Value> {
        let mut properties: Map<String, Value> = match &self.properties {
            None => feature.properties.to_map(),
            Some(names) => names
                .iter()
                .filter_map(|n| feature.properties.value(n).map(|v| (n.clone(), v)))
                .collect(),
        };
        properties.extend(self.computed(feature));
        properties
    }

    /// Appends what [`ItemsOutput::properties_of`] gives as JSON, copying from the property
    /// store rather than building a map.
    fn write_properties(&self, out: &mut Vec<u8>, feature: &Feature) {
        let computed = self.computed(feature);
        if self.properties.is_none() && computed.is_empty() {
            return feature.properties.write_json(out);
        }
        out.push(b'{');
        let mut first = true;
        let mut member = |out: &mut Vec<u8>, key: &str| {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            let _ = serde_json::to_writer(&mut *out, key);
            out.push(b':');
        };
        let stored: Vec<(&str, PropertyValue)> = match &self.properties {
            None => feature.properties.iter().collect(),
            Some(names) => names
                .iter()
                .filter_map(|n| feature.properties.get(n).map(|v| (n.as_str(), v)))
                .collect(),
        };
        for (key, value) in stored {
            if computed.iter().any(|(k, _)| k == key) {
                continue;
            }
            member(out, key);
            value.write_json(out);
        }
        for (key, value) in &computed {
            member(out, key);
            let _ = serde_json::to_writer(&mut *out, value);
        }
        out.push(b'}');
    }

    /// The values a response adds to a grouping's properties: `active_members` and `as_of`
    /// on the reference day (when the selection keeps them).
    fn computed(&self, feature: &Feature) -> Vec<(String, Value)> {
        let wanted = self
            .properties
            .as_ref()
            .is_none_or(|n| n.iter().any(|n| n == "active_members"));
        if feature.members.is_empty() || !wanted {
            return Vec::new();
        }
        vec![
            ("active_members".into(), json!(feature.members_on(self.day))),
            ("as_of".into(), json!(self.day.to_string())),
        ]
    }
}

/// A feature the output CRS cannot represent, named with the first coordinate's problem.
#[derive(Debug)]
pub struct CrsRefusal {
    pub collection: CollectionId,
    pub feature: String,
    pub problem: CrsError,
}

impl fmt::Display for CrsRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "feature \"{}\" in {}: {}",
            self.feature, self.collection, self.problem
        )
    }
}
