//! Selecting the items of a collection: spatial, temporal and attribute filters, sorting and
//! paging, in the order that keeps the work small.
//!
//! The R-tree narrows a `bbox` to candidates first; validity intervals cut by `datetime`; exact
//! geometry tests and CQL2 filters run last and only on what is left. Grouping footprints are
//! unions computed on demand, so they are only asked for when a spatial test needs them.
//! Paging slices a sorted list of positions, which makes any offset as cheap as the first page.

use super::cql::{Filter, FilterTarget};
use super::params::{reference_day, Bbox, SortKey};
use crate::catalog::Catalog;
use crate::model::{CollectionId, DateSpan, Feature};
use chrono::NaiveDate;
use geo::{Geometry, Intersects};
use serde_json::Value;
use std::cell::OnceCell;
use std::cmp::Ordering;

/// What to select; every field is optional in effect (empty = no constraint).
#[derive(Default)]
pub struct ItemsQuery {
    pub bbox: Option<Bbox>,
    pub datetime: Option<DateSpan>,
    /// All must hold.
    pub filters: Vec<Filter>,
    pub sortby: Vec<SortKey>,
    pub limit: usize,
    pub offset: usize,
}

/// A page of results: positions into the collection, in output order.
pub struct ItemsPage {
    pub number_matched: usize,
    pub positions: Vec<usize>,
    /// The day grouping footprints are drawn for.
    pub reference_day: NaiveDate,
}

/// A feature seen by filters, with its geometry on the reference day resolved lazily.
pub struct Target<'a> {
    pub catalog: &'a Catalog,
    pub collection: CollectionId,
    pub position: usize,
    pub feature: &'a Feature,
    pub day: NaiveDate,
    geometry: OnceCell<Option<&'a Geometry<f64>>>,
}

impl<'a> Target<'a> {
    pub fn new(
        catalog: &'a Catalog,
        collection: CollectionId,
        position: usize,
        day: NaiveDate,
    ) -> Self {
        Target {
            catalog,
            collection,
            position,
            feature: &catalog.collection(collection).features()[position],
            day,
            geometry: OnceCell::new(),
        }
    }

    pub fn geometry_ref(&self) -> Option<&'a Geometry<f64>> {
        *self.geometry.get_or_init(|| {
            self.catalog
                .geometry_on(self.collection, self.position, self.day)
        })
    }
}

impl FilterTarget for Target<'_> {
    fn id(&self) -> &str {
        &self.feature.id
    }

    fn property(&self, name: &str) -> Option<&Value> {
        self.feature.properties.get(name)
    }

    fn geometry(&self) -> Option<&Geometry<f64>> {
        self.geometry_ref()
    }

    fn interval(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let span = self.feature.validity.span();
        (span.start, span.end)
    }
}

pub fn select(
    catalog: &Catalog,
    collection: CollectionId,
    query: &ItemsQuery,
    today: NaiveDate,
) -> ItemsPage {
    let day = reference_day(query.datetime.as_ref(), today);
    let source = catalog.collection(collection);
    let candidates: Vec<usize> = match &query.bbox {
        None => (0..source.len()).collect(),
        Some(bbox) => {
            let mut all: Vec<usize> = bbox
                .envelopes()
                .iter()
                .flat_map(|e| source.candidates(e))
                .collect();
            all.sort_unstable();
            all.dedup();
            all
        }
    };
    let boxes = query.bbox.map(|b| b.polygons());
    let mut matched: Vec<usize> = candidates
        .into_iter()
        .filter(|&position| {
            let feature = &source.features()[position];
            if let Some(span) = &query.datetime {
                if !feature.validity.span().intersects(span) {
                    return false;
                }
            }
            let target = Target::new(catalog, collection, position, day);
            if let Some(boxes) = &boxes {
                let Some(geometry) = target.geometry_ref() else {
                    return false;
                };
                if !boxes.iter().any(|b| b.intersects(geometry)) {
                    return false;
                }
            }
            query.filters.iter().all(|f| f.matches(&target))
        })
        .collect();
    if !query.sortby.is_empty() {
        matched.sort_by(|&a, &b| {
            let (fa, fb) = (&source.features()[a], &source.features()[b]);
            query
                .sortby
                .iter()
                .map(|key| {
                    let order =
                        compare(sort_value(fa, &key.property), sort_value(fb, &key.property));
                    if key.descending {
                        order.reverse()
                    } else {
                        order
                    }
                })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
    }
    let number_matched = matched.len();
    let positions = matched
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .collect();
    ItemsPage {
        number_matched,
        positions,
        reference_day: day,
    }
}

fn sort_value<'a>(feature: &'a Feature, property: &str) -> Option<std::borrow::Cow<'a, Value>> {
    if property == "id" {
        return Some(std::borrow::Cow::Owned(Value::String(feature.id.clone())));
    }
    feature
        .properties
        .get(property)
        .filter(|v| !v.is_null())
        .map(std::borrow::Cow::Borrowed)
}

/// Numbers by value, strings and dates lexically (ISO dates sort correctly as text), missing
/// values last.
fn compare(a: Option<std::borrow::Cow<Value>>, b: Option<std::borrow::Cow<Value>>) -> Ordering {
    match (a.as_deref(), b.as_deref()) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}
