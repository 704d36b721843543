//! The catalog: a dataset in the indexed, immutable form that queries run against.
//!
//! A [`Catalog`] is built once from a [`Dataset`] and never changes afterwards; serving a new
//! dataset means building a new catalog and swapping an `Arc`, so readers never see a half
//! update. Each collection owns one R-tree over the envelopes of its features' parts
//! ([`index`]). Geometry that the files do not store is derived here: the shared border of two
//! countries from the arcs they have in common ([`borders`]), and a grouping's footprint at a
//! date from its members' territory then ([`footprint`]).

mod borders;
mod derived;
mod footprint;
mod index;
mod properties;

pub use borders::{border_id, Coast};
pub use derived::Derived;
pub use index::{Envelope, SpatialIndex};

use crate::load::{Dataset, Place, Story};
use crate::model::{CollectionId, Coverage, DateSpan, Feature, Queryable};
use chrono::NaiveDate;
use footprint::Footprints;
use geo::Geometry;
use serde_json::Value;
use std::collections::HashMap;

/// One collection: its features, an id lookup, an R-tree and its extent.
pub struct Collection {
    pub id: CollectionId,
    features: Vec<Feature>,
    by_id: HashMap<String, usize>,
    index: SpatialIndex,
    /// [west, south, east, north] of every feature (all time for groupings).
    pub bbox: Option<[f64; 4]>,
    /// The period the collection covers: the declared coverage for curated collections,
    /// otherwise the earliest start and latest end of validity (`None` ends are open or
    /// unknown).
    pub temporal: DateSpan,
    /// What a filter or a sort may name, inferred from the features when the catalog is built.
    queryables: Vec<Queryable>,
    /// The JSON Schema of each property as served, inferred with the queryables.
    property_schemas: serde_json::Map<String, Value>,
    /// Positions of the features with no geometry (no place known), so that counting them
    /// for a summary does not walk the collection.
    unlocated: Vec<usize>,
}

impl Collection {
    fn new(id: CollectionId, features: Vec<Feature>, envelopes: Vec<Vec<Envelope>>) -> Collection {
        let by_id = features
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), i))
            .collect();
        let bbox = envelopes
            .iter()
            .flatten()
            .copied()
            .reduce(Envelope::merge)
            .map(|e| [e.min[0], e.min[1], e.max[0], e.max[1]]);
        let temporal = temporal_extent(&features);
        let queryables = properties::infer_queryables(&features);
        let property_schemas = properties::property_schemas(&features);
        let unlocated = (0..features.len())
            .filter(|&i| features[i].geometry.is_none())
            .collect();
        Collection {
            id,
            unlocated,
            queryables,
            property_schemas,
            by_id,
            index: SpatialIndex::new(envelopes),
            features,
            bbox,
            temporal,
        }
    }

    /// What a filter or a sort may name in this collection, with inferred types.
    pub fn queryables(&self) -> &[Queryable] {
        &self.queryables
    }

    /// The JSON Schema of each property as served (`properties.properties` of the feature
    /// schema).
    pub fn property_schemas(&self) -> &serde_json::Map<String, Value> {
        &self.property_schemas
    }

    /// The features that have no geometry of their own.
    pub fn unlocated(&self) -> impl Iterator<Item = &Feature> {
        self.unlocated.iter().map(|&i| &self.features[i])
    }

    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    pub fn len(&self) -> usize {
        self.features.len()
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Feature> {
        self.by_id.get(id).map(|&i| &self.features[i])
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Indices of the features whose envelope meets `area`, ascending and without repeats.
    /// Candidates only: callers refine with the exact geometry.
    pub fn candidates(&self, area: &Envelope) -> Vec<usize> {
        self.index.search(area)
    }

    /// Indices of the features with a part whose box `meets` accepts (see
    /// [`SpatialIndex::search_where`]), ascending and without repeats.
    pub fn candidates_where(&self, meets: impl Fn(&Envelope) -> bool) -> Vec<usize> {
        self.index.search_where(meets)
    }
}

fn temporal_extent(features: &[Feature]) -> DateSpan {
    if features.is_empty() {
        return DateSpan::ALL_TIME;
    }
    let starts: Option<Vec<NaiveDate>> = features.iter().map(|f| f.validity.span().start).collect();
    let ends: Option<Vec<NaiveDate>> = features.iter().map(|f| f.validity.span().end).collect();
    DateSpan::new(
        starts.and_then(|s| s.into_iter().min()),
        ends.and_then(|e| e.into_iter().max()),
    )
}

/// One membership epoch of a grouping: the days it lasted, its footprint then and who the
/// members were.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupingEpoch<'a> {
    /// First and last day (`None` for an end still open or unknown).
    pub span: DateSpan,
    /// The union of the members' territory (`None` when no member has territory).
    pub footprint: Option<&'a Geometry<f64>>,
    /// ISO3 codes of the states counted in the grouping, in first-joined order.
    pub members: Vec<&'a str>,
}

/// The days two spans share, `None` when they share none.
fn intersection(a: &DateSpan, b: &DateSpan) -> Option<DateSpan> {
    if !a.intersects(b) {
        return None;
    }
    let later = |x: Option<NaiveDate>, y: Option<NaiveDate>| match (x, y) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    let earlier = |x: Option<NaiveDate>, y: Option<NaiveDate>| match (x, y) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    Some(DateSpan::new(
        later(a.start, b.start),
        earlier(a.end, b.end),
    ))
}

/// Every collection of one dataset, indexed.
pub struct Catalog {
    collections: Vec<Collection>,
    footprints: Footprints,
    pub places: Vec<Place>,
    /// Guided tours through the data, in file-name order.
    pub stories: Vec<Story>,
    /// Each country's outline where it borders no other country.
    pub coasts: Vec<borders::Coast>,
    /// The period each curated layer covers, as the data declares it.
    pub coverage: Coverage,
    /// `coverage` as clients receive it, built once.
    pub coverage_document: Value,
    /// Changes whenever any input file changes; used for ETags.
    pub fingerprint: u64,
    pub origin: String,
    /// What questions derive from the catalog alone (prepared borders and territories).
    pub derived: Derived,
}

impl Catalog {
    pub fn build(dataset: Dataset) -> Catalog {
        let Dataset {
            topology,
            curated,
            places,
            stories,
            coverage,
            fingerprint,
            origin,
        } = dataset;
        let border_features = borders::derive(&topology);
        let coasts = borders::coasts(&topology);
        let countries = topology.countries;
        let country_envelopes: Vec<Vec<Envelope>> = countries
            .iter()
            .map(|c| Envelope::parts(c.geometry.as_ref()))
            .collect();
        let country_position: HashMap<&str, usize> = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();

        let mut collections = Vec::new();
        let mut footprints = Footprints::default();
        for (id, features) in curated {
            let envelopes = if id == CollectionId::Groupings {
                footprints = Footprints::new(&features, &country_position);
                features
                    .iter()
                    .map(|g| {
                        g.members
                            .iter()
                            .filter_map(|m| country_position.get(m.country.as_str()))
                            .flat_map(|&c| country_envelopes[c].iter().copied())
                            .collect()
                    })
                    .collect()
            } else {
                features
                    .iter()
                    .map(|f| Envelope::parts(f.geometry.as_ref()))
                    .collect()
            };
            collections.push(Collection::new(id, features, envelopes));
        }
        let border_envelopes = border_features
            .iter()
            .map(|f| Envelope::parts(f.geometry.as_ref()))
            .collect();
        collections.push(Collection::new(
            CollectionId::Borders,
            border_features,
            border_envelopes,
        ));
        collections.insert(
            0,
            Collection::new(CollectionId::Countries, countries, country_envelopes),
        );
        collections.sort_by_key(|c| c.id);
        for collection in &mut collections {
            if let Some(layer) = coverage.layer(collection.id) {
                collection.temporal = DateSpan::new(Some(layer.interval.start), layer.interval.end);
            }
        }
        let coverage_document = coverage.to_json();
        Catalog {
            collections,
            footprints,
            places,
            stories,
            coasts,
            coverage,
            coverage_document,
            fingerprint,
            origin,
            derived: Derived::default(),
        }
    }

    pub fn collection(&self, id: CollectionId) -> &Collection {
        self.collections
            .iter()
            .find(|c| c.id == id)
            .expect("every collection is built")
    }

    pub fn collections(&self) -> &[Collection] {
        &self.collections
    }

    /// A feature's geometry as it stood on `date`: stored geometry for most collections, the
    /// union of members' territory for groupings (`None` when it had no members then).
    pub fn geometry_on(
        &self,
        collection: CollectionId,
        position: usize,
        date: NaiveDate,
    ) -> Option<&Geometry<f64>> {
        if collection == CollectionId::Groupings {
            self.footprints.on(
                position,
                date,
                &self.collection(CollectionId::Countries).features,
            )
        } else {
            self.collection(collection).features[position]
                .geometry
                .as_ref()
        }
    }

    /// The membership epochs of the grouping at `position`, in date order, each cut to the
    /// grouping's own validity (epochs outside it are left out): within one epoch the member
    /// list, and so the footprint, does not change. Epochs whose members have no territory
    /// come with no footprint.
    pub fn grouping_epochs(&self, position: usize) -> Vec<GroupingEpoch<'_>> {
        let Some(grouping) = self
            .collection(CollectionId::Groupings)
            .features
            .get(position)
        else {
            return Vec::new();
        };
        let validity = grouping.validity.span();
        let countries = &self.collection(CollectionId::Countries).features;
        self.footprints
            .epochs(position, countries)
            .filter(|(_, _, members)| !members.is_empty())
            .filter_map(|(span, footprint, members)| {
                Some(GroupingEpoch {
                    span: intersection(&span, &validity)?,
                    footprint,
                    members,
                })
            })
            .collect()
    }

    /// The country with this ISO 3166-1 alpha-3 code.
    pub fn country(&self, iso3: &str) -> Option<&Feature> {
        self.collection(CollectionId::Countries).get(iso3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn spans_intersect_to_the_days_they_share_and_open_ends_give_way() {
        let epoch = DateSpan::new(d("1999-05-01"), None);
        let validity = DateSpan::new(d("1992-05-15"), d("2002-10-07"));
        assert_eq!(
            intersection(&epoch, &validity),
            Some(DateSpan::new(d("1999-05-01"), d("2002-10-07")))
        );
        assert_eq!(
            intersection(&DateSpan::ALL_TIME, &epoch),
            Some(epoch),
            "all time keeps the other span"
        );
        let later = DateSpan::new(d("2002-10-08"), None);
        assert_eq!(intersection(&validity, &later), None, "no shared day");
        let same_day = DateSpan::day(d("2002-10-07").unwrap());
        assert_eq!(intersection(&validity, &same_day), Some(same_day));
    }
}
