//! A grouping's territory at a date: the union of its members' polygons then.
//!
//! Membership changes on few dates, so time is cut into epochs within which the member set is
//! constant, and each epoch's union is computed the first time it is asked for and kept
//! (`OnceLock`). The catalog stays immutable to its readers; the cache only saves repeated
//! unions, which for large members at 1:10m cost far more than a request should.

use crate::model::Feature;
use chrono::NaiveDate;
use geo::{unary_union, Geometry, MultiPolygon};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

struct Epoch {
    /// First day of the epoch; it lasts until the next epoch's start.
    start: NaiveDate,
    /// Positions of the member countries in the countries collection.
    members: Vec<usize>,
    union: OnceLock<Option<Geometry<f64>>>,
}

#[derive(Default)]
pub struct Footprints {
    /// Per grouping (same order as the groupings collection), epochs sorted by start.
    epochs: Vec<Vec<Epoch>>,
}

impl Footprints {
    pub fn new(groupings: &[Feature], country_position: &HashMap<&str, usize>) -> Footprints {
        let epochs = groupings
            .iter()
            .map(|grouping| epochs_of(grouping, country_position))
            .collect();
        Footprints { epochs }
    }

    pub fn on<'a>(
        &'a self,
        grouping: usize,
        date: NaiveDate,
        countries: &[Feature],
    ) -> Option<&'a Geometry<f64>> {
        let epochs = self.epochs.get(grouping)?;
        let epoch = epochs.iter().rev().find(|e| e.start <= date)?;
        epoch
            .union
            .get_or_init(|| union_of(&epoch.members, countries))
            .as_ref()
    }
}

fn epochs_of(grouping: &Feature, country_position: &HashMap<&str, usize>) -> Vec<Epoch> {
    let mut boundaries: BTreeSet<NaiveDate> = BTreeSet::new();
    for m in grouping.members.iter().filter(|m| m.status.is_membership()) {
        let span = m.span();
        boundaries.extend(span.start);
        if let Some(end) = span.end.and_then(|e| e.succ_opt()) {
            boundaries.insert(end);
        }
    }
    let mut epochs: Vec<Epoch> = Vec::new();
    for start in boundaries {
        let mut members: Vec<usize> = grouping
            .members_on(start)
            .into_iter()
            .filter_map(|c| country_position.get(c).copied())
            .collect();
        members.sort_unstable();
        if epochs.last().is_some_and(|e| e.members == members) {
            continue;
        }
        epochs.push(Epoch {
            start,
            members,
            union: OnceLock::new(),
        });
    }
    epochs
}

fn union_of(members: &[usize], countries: &[Feature]) -> Option<Geometry<f64>> {
    let polygons: Vec<&MultiPolygon<f64>> = members
        .iter()
        .filter_map(|&i| match &countries[i].geometry {
            Some(Geometry::MultiPolygon(mp)) => Some(mp),
            _ => None,
        })
        .collect();
    match polygons.as_slice() {
        [] => None,
        [only] => Some(Geometry::MultiPolygon((*only).clone())),
        _ => Some(Geometry::MultiPolygon(unary_union(
            polygons.iter().copied(),
        ))),
    }
}
