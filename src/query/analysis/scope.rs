//! [`Scope`]: the collections and the time a question looks at, and the candidates it yields
//! from the catalog's R-trees.

use crate::catalog::{Catalog, Collection, Envelope};
use crate::model::{CollectionId, DateSpan, Feature};
use chrono::NaiveDate;
use geo::Geometry;
use serde_json::{json, Map, Value};

/// The collections and the time a question looks at.
#[derive(Clone, Debug)]
pub struct Scope {
    pub collections: Vec<CollectionId>,
    /// Features whose validity meets this span are considered; `None` = all.
    pub datetime: Option<DateSpan>,
    /// The day grouping footprints and memberships are taken on.
    pub day: NaiveDate,
    /// The `datetime` parameter as given, echoed in summaries.
    pub datetime_text: Option<String>,
}

impl Scope {
    /// Candidates whose envelope meets any of `envelopes` and that were valid in the scope's
    /// time, with their geometry on the scope's day; features without a place are skipped.
    pub fn candidates<'a>(
        &self,
        catalog: &'a Catalog,
        envelopes: &[Envelope],
    ) -> Vec<(CollectionId, usize, &'a Feature, &'a Geometry<f64>)> {
        self.candidates_from(catalog, |source| {
            let mut positions: Vec<usize> = envelopes
                .iter()
                .flat_map(|e| source.candidates(e))
                .collect();
            positions.sort_unstable();
            positions.dedup();
            positions
        })
    }

    /// Candidates with a part whose box `meets` accepts (see [`Collection::candidates_where`]),
    /// valid in the scope's time, as [`Scope::candidates`] gives them.
    pub fn candidates_where<'a>(
        &self,
        catalog: &'a Catalog,
        meets: impl Fn(&Envelope) -> bool,
    ) -> Vec<(CollectionId, usize, &'a Feature, &'a Geometry<f64>)> {
        self.candidates_from(catalog, |source| source.candidates_where(&meets))
    }

    fn candidates_from<'a>(
        &self,
        catalog: &'a Catalog,
        positions_in: impl Fn(&Collection) -> Vec<usize>,
    ) -> Vec<(CollectionId, usize, &'a Feature, &'a Geometry<f64>)> {
        let mut out = Vec::new();
        for &collection in &self.collections {
            let source = catalog.collection(collection);
            for position in positions_in(source) {
                let feature = &source.features()[position];
                if !self.is_valid(feature) {
                    continue;
                }
                if let Some(geometry) = catalog.geometry_on(collection, position, self.day) {
                    out.push((collection, position, feature, geometry));
                }
            }
        }
        out
    }

    pub fn is_valid(&self, feature: &Feature) -> bool {
        self.datetime
            .as_ref()
            .is_none_or(|span| feature.validity.span().intersects(span))
    }

    /// Features in scope that have no place at all (and so cannot be in any answer).
    pub fn unlocated(&self, catalog: &Catalog) -> usize {
        self.collections
            .iter()
            .filter(|&&c| c != CollectionId::Groupings)
            .flat_map(|&c| catalog.collection(c).unlocated())
            .filter(|f| self.is_valid(f))
            .count()
    }

    /// The scope's part of a summary.
    pub fn echo(&self, summary: &mut Map<String, Value>) {
        let names: Vec<&str> = self.collections.iter().map(|c| c.as_str()).collect();
        summary.insert("collections".into(), json!(names));
        summary.insert("datetime".into(), json!(self.datetime_text));
        summary.insert("reference_day".into(), json!(self.day.to_string()));
    }
}
