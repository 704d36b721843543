//! A grouping's territory at a date: the union of its members' polygons then.
//!
//! Membership changes on few dates, so time is cut into epochs within which the member set is
//! constant, and each epoch's union is computed the first time it is asked for and kept
//! (`OnceLock`). The catalog stays immutable to its readers; the cache only saves repeated
//! unions, which for large members at 1:10m cost far more than a request should.
//!
//! An epoch is cut wherever the member list changes, so each one also names its members;
//! the static export writes one footprint per epoch ([`Footprints::epochs`]).

use crate::model::{DateSpan, Feature};
use chrono::NaiveDate;
use geo::{unary_union, Geometry, MultiPolygon};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

struct Epoch {
    /// First day of the epoch; it lasts until the next epoch's start.
    start: NaiveDate,
    /// ISO3 codes of the states counted in the epoch, in first-joined order.
    codes: Vec<String>,
    /// Positions of the member countries in the countries collection (members without
    /// territory there have none).
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
        epoch.footprint(countries)
    }

    /// Every epoch of one grouping in date order: the days it spans (the last one open), its
    /// footprint (`None` when no member has territory) and its members' ISO3 codes. An epoch
    /// without members ends the history or a gap in it.
    pub fn epochs<'a>(
        &'a self,
        grouping: usize,
        countries: &'a [Feature],
    ) -> impl Iterator<Item = (DateSpan, Option<&'a Geometry<f64>>, Vec<&'a str>)> + 'a {
        let epochs = self.epochs.get(grouping).map_or(&[][..], Vec::as_slice);
        epochs.iter().enumerate().map(move |(i, epoch)| {
            let end = epochs.get(i + 1).and_then(|next| next.start.pred_opt());
            (
                DateSpan::new(Some(epoch.start), end),
                epoch.footprint(countries),
                epoch.codes.iter().map(String::as_str).collect(),
            )
        })
    }
}

impl Epoch {
    fn footprint<'a>(&'a self, countries: &[Feature]) -> Option<&'a Geometry<f64>> {
        self.union
            .get_or_init(|| union_of(&self.members, countries))
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
        let codes = grouping.members_on(start);
        if epochs.last().is_some_and(|e| e.codes == codes) {
            continue;
        }
        let mut members: Vec<usize> = codes
            .iter()
            .filter_map(|&c| country_position.get(c).copied())
            .collect();
        members.sort_unstable();
        epochs.push(Epoch {
            start,
            codes: codes.into_iter().map(str::to_owned).collect(),
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
