//! The spatial index of one collection: an `rstar` R-tree over the envelopes of the parts of
//! each feature.
//!
//! Parts, not whole features, are indexed: Russia's envelope as one box would span the globe
//! (its Chukotka lies west of the antimeridian), so every polygon or line of a multi-geometry
//! gets its own entry and searches report the owning feature once.

use geo::{BoundingRect, Geometry};
use rstar::{RTree, RTreeObject, SelectionFunction, AABB};

/// An axis-aligned box in lon/lat degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Envelope {
    pub min: [f64; 2],
    pub max: [f64; 2],
}

impl Envelope {
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Envelope {
        Envelope {
            min: [west, south],
            max: [east, north],
        }
    }

    pub fn merge(self, other: Envelope) -> Envelope {
        Envelope {
            min: [self.min[0].min(other.min[0]), self.min[1].min(other.min[1])],
            max: [self.max[0].max(other.max[0]), self.max[1].max(other.max[1])],
        }
    }

    pub fn intersects(&self, other: &Envelope) -> bool {
        self.min[0] <= other.max[0]
            && other.min[0] <= self.max[0]
            && self.min[1] <= other.max[1]
            && other.min[1] <= self.max[1]
    }

    /// The envelope of each part of a geometry (one for single geometries).
    pub fn parts(geometry: Option<&Geometry<f64>>) -> Vec<Envelope> {
        let of = |g: &dyn BoundingRectDyn| g.rect();
        match geometry {
            None => Vec::new(),
            Some(Geometry::MultiPolygon(mp)) => mp.0.iter().filter_map(|p| of(p)).collect(),
            Some(Geometry::MultiLineString(ml)) => ml.0.iter().filter_map(|l| of(l)).collect(),
            Some(Geometry::MultiPoint(mp)) => mp.0.iter().filter_map(|p| of(p)).collect(),
            Some(g) => of(g).into_iter().collect(),
        }
    }
}

/// `BoundingRect` has different output types per geometry; this folds them into an envelope.
trait BoundingRectDyn {
    fn rect(&self) -> Option<Envelope>;
}

impl<T> BoundingRectDyn for T
where
    T: BoundingRect<f64>,
    T::Output: Into<Option<geo::Rect<f64>>>,
{
    fn rect(&self) -> Option<Envelope> {
        self.bounding_rect()
            .into()
            .map(|r| Envelope::new(r.min().x, r.min().y, r.max().x, r.max().y))
    }
}

struct Entry {
    envelope: AABB<[f64; 2]>,
    feature: usize,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

pub struct SpatialIndex {
    tree: RTree<Entry>,
}

impl SpatialIndex {
    /// `envelopes[i]` are the parts of feature `i`.
    pub fn new(envelopes: Vec<Vec<Envelope>>) -> SpatialIndex {
        let entries = envelopes
            .into_iter()
            .enumerate()
            .flat_map(|(feature, parts)| {
                parts.into_iter().map(move |e| Entry {
                    envelope: AABB::from_corners(e.min, e.max),
                    feature,
                })
            })
            .collect();
        SpatialIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Features with a part whose box `meets` accepts, ascending and without repeats;
    /// `meets` must accept every box that holds an accepted box (it is asked of the tree's
    /// nodes first), as "meets a region" does.
    pub fn search_where(&self, meets: impl Fn(&Envelope) -> bool) -> Vec<usize> {
        struct Meets<F>(F);
        impl<F: Fn(&Envelope) -> bool> SelectionFunction<Entry> for Meets<F> {
            fn should_unpack_parent(&self, envelope: &AABB<[f64; 2]>) -> bool {
                (self.0)(&Envelope {
                    min: envelope.lower(),
                    max: envelope.upper(),
                })
            }
            fn should_unpack_leaf(&self, leaf: &Entry) -> bool {
                self.should_unpack_parent(&leaf.envelope)
            }
        }
        let mut found: Vec<usize> = self
            .tree
            .locate_with_selection_function(Meets(meets))
            .map(|e| e.feature)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    pub fn search(&self, area: &Envelope) -> Vec<usize> {
        let query = AABB::from_corners(area.min, area.max);
        let mut found: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&query)
            .map(|e| e.feature)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    #[test]
    fn multi_part_features_are_found_by_each_part_once() {
        let west = polygon![(x: -180.0, y: 60.0), (x: -170.0, y: 60.0), (x: -170.0, y: 70.0), (x: -180.0, y: 60.0)];
        let east = polygon![(x: 30.0, y: 50.0), (x: 40.0, y: 50.0), (x: 40.0, y: 60.0), (x: 30.0, y: 50.0)];
        let both = Geometry::MultiPolygon(MultiPolygon(vec![west, east.clone(), east]));
        let index = SpatialIndex::new(vec![Envelope::parts(Some(&both))]);
        assert_eq!(
            index.search(&Envelope::new(35.0, 55.0, 36.0, 56.0)),
            vec![0]
        );
        assert_eq!(
            index.search(&Envelope::new(-175.0, 61.0, -174.0, 62.0)),
            vec![0]
        );
        // Between the parts: the whole-feature box would match, the part boxes do not.
        assert!(index
            .search(&Envelope::new(0.0, 55.0, 1.0, 56.0))
            .is_empty());
    }
}
