//! Selecting the items of a collection: spatial, temporal and attribute filters, sorting and
//! paging, in the order that keeps the work small.
//!
//! The R-tree narrows a `bbox`, and the box a spatial CQL2 filter implies
//! ([`Filter::bbox_hint`]), to candidates first; validity intervals cut by `datetime`; exact
//! geometry tests and CQL2 filters run last and only on what is left. Grouping footprints are
//! unions computed on demand, so they are only asked for when a spatial test needs them.
//! Paging slices a sorted list of positions, which makes any offset as cheap as the first page.

use super::cql::{Filter, FilterTarget};
use super::params::{reference_day, Bbox, SortKey};
use crate::catalog::{Catalog, Collection, Envelope};
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
    /// How many features the exact tests and filters ran on: the candidates the R-tree left.
    pub examined: usize,
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
    /// Properties a filter read, decoded from the store for this one evaluation (created on
    /// the first read, so features no filter reads allocate nothing).
    decoded: OnceCell<typed_arena::Arena<Value>>,
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
            decoded: OnceCell::new(),
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
        let value = self.feature.properties.value(name)?;
        let arena = self
            .decoded
            .get_or_init(|| typed_arena::Arena::with_capacity(2));
        Some(arena.alloc(value))
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
    let unfiltered = query.bbox.is_none() && query.datetime.is_none() && query.filters.is_empty();
    if unfiltered && query.sortby.is_empty() {
        // Every feature matches, in stored order: the page is a range, at any offset.
        let start = query.offset.min(source.len());
        let end = start.saturating_add(query.limit).min(source.len());
        return ItemsPage {
            number_matched: source.len(),
            positions: (start..end).collect(),
            examined: end - start,
            reference_day: day,
        };
    }
    let candidates = candidates(source, query);
    let examined = candidates.len();
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
    let number_matched = matched.len();
    if !query.sortby.is_empty() {
        let wanted = query.offset.saturating_add(query.limit);
        sort_page(source, &query.sortby, &mut matched, wanted);
    }
    let positions = matched
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .collect();
    ItemsPage {
        number_matched,
        positions,
        examined,
        reference_day: day,
    }
}

/// The positions worth testing: those with a part whose envelope meets the `bbox` and the box
/// of every filter that implies one, or all positions when nothing bounds the search.
fn candidates(source: &Collection, query: &ItemsQuery) -> Vec<usize> {
    let mut searches: Vec<Vec<usize>> = Vec::new();
    if let Some(bbox) = &query.bbox {
        let mut found: Vec<usize> = bbox
            .envelopes()
            .iter()
            .flat_map(|e| source.candidates(e))
            .collect();
        found.sort_unstable();
        found.dedup();
        searches.push(found);
    }
    for hint in query.filters.iter().filter_map(Filter::bbox_hint) {
        let (min, max) = (hint.min(), hint.max());
        searches.push(source.candidates(&Envelope::new(min.x, min.y, max.x, max.y)));
    }
    // Each search answers sorted and without repeats.
    searches
        .into_iter()
        .reduce(|mut kept, found| {
            kept.retain(|position| found.binary_search(position).is_ok());
            kept
        })
        .unwrap_or_else(|| (0..source.len()).collect())
}

/// Orders `matched` by the sort keys far enough that its first `wanted` positions are the
/// first of the whole order (ties keep the collection's order): each feature's key values are
/// read from the store once, and only the page's prefix is fully sorted.
fn sort_page(source: &Collection, keys: &[SortKey], matched: &mut Vec<usize>, wanted: usize) {
    let mut decorated: Vec<(Vec<Option<Value>>, usize)> = matched
        .iter()
        .map(|&position| {
            let feature = &source.features()[position];
            let values = keys
                .iter()
                .map(|k| sort_value(feature, &k.property))
                .collect();
            (values, position)
        })
        .collect();
    let order = |a: &(Vec<Option<Value>>, usize), b: &(Vec<Option<Value>>, usize)| {
        keys.iter()
            .zip(a.0.iter().zip(&b.0))
            .map(|(key, (x, y))| {
                let order = compare(x.as_ref(), y.as_ref());
                if key.descending {
                    order.reverse()
                } else {
                    order
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
            .then(a.1.cmp(&b.1))
    };
    if wanted < decorated.len() {
        decorated.select_nth_unstable_by(wanted, order);
        decorated.truncate(wanted);
    }
    decorated.sort_unstable_by(order);
    *matched = decorated
        .into_iter()
        .map(|(_, position)| position)
        .collect();
}

fn sort_value(feature: &Feature, property: &str) -> Option<Value> {
    if property == "id" {
        return Some(Value::String(feature.id.clone()));
    }
    feature.properties.value(property).filter(|v| !v.is_null())
}

/// Numbers by value, strings and dates lexically (ISO dates sort correctly as text), missing
/// values last.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{CountryTopology, Dataset};
    use crate::model::{Coverage, Period};
    use crate::query::cql::{FilterLang, Queryable, QueryableType};
    use geo::{Coord, MultiPoint, Point};
    use serde_json::json;

    const SIDE: i32 = 100;

    /// A collection of SIDE² installations on a one-degree grid, every third one a depot, and
    /// one feature in two parts far apart.
    fn grid() -> Catalog {
        let mut features: Vec<Feature> = (0..SIDE * SIDE)
            .map(|i| {
                let at = Coord {
                    x: f64::from(i % SIDE - 50),
                    y: f64::from(i / SIDE - 50),
                };
                let mut f = Feature::new(format!("site-{i}"), Some(Geometry::Point(Point(at))));
                let kind = if i % 3 == 0 { "depot" } else { "garrison" };
                f.properties.insert("kind".into(), json!(kind));
                f
            })
            .collect();
        let mut two_parts = Feature::new(
            "two-parts",
            Some(Geometry::MultiPoint(MultiPoint::from(vec![
                Point::new(12.2, 11.2),
                Point::new(-40.0, -40.0),
            ]))),
        );
        two_parts.properties.insert("kind".into(), json!("depot"));
        features.push(two_parts);
        Catalog::build(Dataset {
            topology: CountryTopology::default(),
            curated: vec![(CollectionId::Installations, features)],
            places: Vec::new(),
            stories: Vec::new(),
            coverage: Coverage {
                interval: Period {
                    start: NaiveDate::from_ymd_opt(1992, 1, 1).unwrap(),
                    end: None,
                },
                collections: Vec::new(),
            },
            fingerprint: 0,
            origin: "grid".into(),
        })
    }

    fn filter(text: &str) -> Filter {
        let queryables = [Queryable::new("kind", QueryableType::String, "kind")];
        Filter::parse(text, FilterLang::Cql2Text, &queryables).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    /// Every position the filters accept, each one evaluated.
    fn full_scan(catalog: &Catalog, filters: &[Filter]) -> Vec<usize> {
        let day = reference_day(None, today());
        let source = catalog.collection(CollectionId::Installations);
        (0..source.len())
            .filter(|&p| {
                let target = Target::new(catalog, CollectionId::Installations, p, day);
                filters.iter().all(|f| f.matches(&target))
            })
            .collect()
    }

    fn run(catalog: &Catalog, text: &str, bbox: Option<Bbox>) -> ItemsPage {
        let query = ItemsQuery {
            bbox,
            filters: vec![filter(text)],
            limit: usize::MAX,
            ..ItemsQuery::default()
        };
        select(catalog, CollectionId::Installations, &query, today())
    }

    #[test]
    fn an_unfiltered_page_is_the_range_the_general_path_selects() {
        let catalog = grid();
        let total = catalog.collection(CollectionId::Installations).len();
        for (offset, limit) in [
            (0, 10),
            (9_990, 100),
            (total - 1, 5),
            (total + 7, 3),
            (3, 0),
        ] {
            let fast = ItemsQuery {
                offset,
                limit,
                ..ItemsQuery::default()
            };
            // The same page through candidates and filters: a span that holds every feature.
            let general = ItemsQuery {
                datetime: Some(DateSpan::ALL_TIME),
                offset,
                limit,
                ..ItemsQuery::default()
            };
            let (a, b) = (
                select(&catalog, CollectionId::Installations, &fast, today()),
                select(&catalog, CollectionId::Installations, &general, today()),
            );
            assert_eq!(a.positions, b.positions, "offset {offset} limit {limit}");
            assert_eq!(a.number_matched, b.number_matched);
            assert_eq!(a.number_matched, total);
            assert!(a.examined <= limit);
        }
    }

    #[test]
    fn sorted_pages_are_the_prefix_of_the_whole_order_at_any_offset() {
        let catalog = grid();
        let sorted = |offset, limit| {
            let query = ItemsQuery {
                sortby: vec![
                    SortKey {
                        property: "kind".into(),
                        descending: true,
                    },
                    SortKey {
                        property: "id".into(),
                        descending: false,
                    },
                ],
                offset,
                limit,
                ..ItemsQuery::default()
            };
            select(&catalog, CollectionId::Installations, &query, today())
        };
        let whole = sorted(0, usize::MAX);
        assert_eq!(whole.positions.len(), whole.number_matched);
        for (offset, limit) in [
            (0, 7),
            (50, 13),
            (3_000, 100),
            (whole.number_matched - 2, 10),
        ] {
            let page = sorted(offset, limit);
            assert_eq!(page.number_matched, whole.number_matched);
            let expected: Vec<usize> = whole
                .positions
                .iter()
                .skip(offset)
                .take(limit)
                .copied()
                .collect();
            assert_eq!(page.positions, expected, "offset {offset} limit {limit}");
        }
    }

    #[test]
    fn spatial_filters_evaluate_only_the_r_tree_candidates() {
        let catalog = grid();
        let total = catalog.collection(CollectionId::Installations).len();
        assert_eq!(total, (SIDE * SIDE) as usize + 1);

        let text = "kind = 'depot' AND S_INTERSECTS(geometry, BBOX(10, 10, 14.5, 12.5))";
        let page = run(&catalog, text, None);
        // Grid points x 10..=14, y 10..=12, and the first part of the two-part feature.
        assert_eq!(page.examined, 5 * 3 + 1);
        assert_eq!(page.positions, full_scan(&catalog, &[filter(text)]));
        assert!(page.positions.contains(&(total - 1)));
        assert_eq!(page.number_matched, page.positions.len());
        assert!(page.number_matched > 1);

        // Two spatial conditions with a point of the two-part feature in each box but none in
        // their overlap: it is still found.
        let text = "S_INTERSECTS(geometry, BBOX(12.1, 11.1, 12.5, 11.5)) \
                    AND S_INTERSECTS(geometry, BBOX(-41, -41, 12.15, 11.15))";
        let page = run(&catalog, text, None);
        assert_eq!(page.positions, full_scan(&catalog, &[filter(text)]));
        assert_eq!(page.positions, [total - 1]);
        assert_eq!(page.examined, 1);

        // With a `bbox` parameter too, only features meeting both are examined: the grid points
        // x, y in -5..=0, and the two-part feature, one part in each box.
        let text = "S_INTERSECTS(geometry, BBOX(-50, -50, 0, 0))";
        let bbox = Bbox {
            west: -5.0,
            south: -5.0,
            east: 20.0,
            north: 20.0,
        };
        let page = run(&catalog, text, Some(bbox));
        assert_eq!(page.examined, 6 * 6 + 1);
        assert_eq!(page.number_matched, 6 * 6 + 1);
        assert!(page.positions.contains(&(total - 1)));

        // A filter without a spatial bound examines everything.
        let page = run(&catalog, "kind = 'depot'", None);
        assert_eq!(page.examined, total);
        assert_eq!(
            page.positions,
            full_scan(&catalog, &[filter("kind = 'depot'")])
        );
    }
}
