//! The border zone's shortcuts against the full measurement: the conformal-sphere bounds hold
//! (lower ≤ exact ≤ upper, per point and per grid cell) near and far from real borders at mid and high latitude and across
//! the equator, the exact measure over the segments they keep equals the measure over every
//! segment to the bit, and the zone answered with bounds and paging equals the zone measured
//! point by point with geodesics (membership, count, order, distances, certainty, sides).

use forcemap::catalog::{border_id, Catalog};
use forcemap::load::{load, DataSource};
use forcemap::model::{CollectionId, Feature, LocationPrecision};
use forcemap::query::analysis::answer::{uncertainty_km, within_zone, Certainty};
use forcemap::query::analysis::bounds::BorderBounds;
use forcemap::query::analysis::geodesy::{geometry_to_lines, Closest, Polylines, TOLERANCE_M};
use forcemap::query::analysis::{Page, Question};
use geo::{Coord, Destination, Geodesic, Geometry, Intersects, Point};
use rand::{RngExt, SeedableRng};
use serde_json::json;
use std::sync::OnceLock;

mod common;

/// Mid latitude, high latitude, across the equator.
const BORDERS: [(&str, &str); 3] = [("TJK", "AFG"), ("NOR", "RUS"), ("KEN", "SOM")];
const POINTS_PER_BORDER: usize = 1_500;

fn border_lines(catalog: &Catalog, a: &str, b: &str) -> Vec<geo::LineString<f64>> {
    let border = catalog
        .collection(CollectionId::Borders)
        .get(&border_id(a, b))
        .unwrap_or_else(|| panic!("{a}-{b} has no border"));
    match &border.geometry {
        Some(Geometry::MultiLineString(lines)) => lines.0.clone(),
        other => panic!("{other:?}"),
    }
}

/// Random points around a border: at up to 120 km from a random vertex, some on vertices, some
/// at about 50 km (the zone's edge) from one.
fn points_near(lines: &[geo::LineString<f64>], seed: u64) -> Vec<Coord<f64>> {
    let vertices: Vec<Coord<f64>> = lines.iter().flat_map(|l| l.0.iter().copied()).collect();
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    (0..POINTS_PER_BORDER)
        .map(|i| {
            let v = vertices[rng.random_range(0..vertices.len())];
            let metres = match i % 10 {
                0 => 0.0,
                1..=3 => rng.random_range(49_900.0..50_100.0),
                4 => rng.random_range(0.0..200.0),
                _ => rng.random_range(0.0..120_000.0),
            };
            let azimuth = rng.random_range(0.0..360.0);
            Geodesic.destination(Point(v), azimuth, metres).0
        })
        .collect()
}

#[test]
fn the_bounds_hold_and_the_kept_segments_give_the_exact_distance() {
    let catalog = common::catalog();
    for (n, (a, b)) in BORDERS.iter().enumerate() {
        let lines = border_lines(&catalog, a, b);
        let polylines = Polylines::new(&lines);
        let bounds = BorderBounds::new(&polylines);
        let reach_m = 61_000.0;
        let zone = bounds.within(reach_m).expect("not polar");
        let mut decided = 0;
        for p in points_near(&lines, n as u64) {
            let exact = polylines.closest(p).unwrap().distance_m;
            let Some(prepared) = zone.prepare(p) else {
                assert!(exact > reach_m, "{a}-{b} {p:?} at {exact} m has no run");
                continue;
            };
            let mut segments = Vec::new();
            let fine = zone.bounds(&prepared, Some(&mut segments));
            assert_eq!(zone.bounds(&prepared, None), fine);
            let cell = zone.cell_bounds(&prepared);
            assert!(
                cell.lower_m <= exact && exact <= cell.upper_m,
                "{a}-{b} {p:?}: cell {cell:?} vs exact {exact} m"
            );
            assert!(
                fine.lower_m <= exact && exact <= fine.upper_m,
                "{a}-{b} {p:?}: {fine:?} vs exact {exact} m"
            );
            if exact <= reach_m {
                assert!(fine.upper_m - fine.lower_m < 2.0 + exact * 1e-3, "{fine:?}");
                let over = polylines.closest_over(p, &segments).unwrap().distance_m;
                assert_eq!(over.to_bits(), exact.to_bits(), "{a}-{b} {p:?}");
                decided += 1;
            }
        }
        assert!(decided > POINTS_PER_BORDER / 2, "{a}-{b}: {decided}");
    }
}

/// The built-in dataset plus random installations around the borders, with every kind of
/// location precision.
fn catalog_with_points() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let base = common::catalog();
        let mut dataset =
            load(&DataSource::Dir(common::geodata())).unwrap_or_else(|p| panic!("{p}"));
        let installations = &mut dataset
            .curated
            .iter_mut()
            .find(|(c, _)| *c == CollectionId::Installations)
            .unwrap()
            .1;
        let precisions = [
            None,
            Some(LocationPrecision::Site),
            Some(LocationPrecision::Town),
            Some(LocationPrecision::Region),
        ];
        for (n, (a, b)) in BORDERS.iter().enumerate() {
            let lines = border_lines(&base, a, b);
            for (i, p) in points_near(&lines, 100 + n as u64).into_iter().enumerate() {
                let id = format!("random-{a}-{b}-{i:04}");
                let mut f = Feature::new(&id, Some(Geometry::Point(Point(p))));
                f.properties.insert("name".into(), json!(id));
                f.properties.insert("kind".into(), json!("test-site"));
                f.location_precision = precisions[i % precisions.len()];
                installations.push(f);
            }
        }
        Catalog::build(dataset)
    })
}

/// The zone measured point by point: every installation's exact distance to the whole border.
fn measured_zone(
    catalog: &Catalog,
    (a, b): (&str, &str),
    km: f64,
) -> Vec<(String, f64, Certainty, Option<String>)> {
    let lines = border_lines(catalog, a, b);
    let polylines = Polylines::new(&lines);
    let border_geometry = Geometry::MultiLineString(geo::MultiLineString(lines.clone()));
    let country = |code: &str| catalog.country(code).unwrap().geometry.clone().unwrap();
    let (area_a, area_b) = (country(a), country(b));
    let mut zone: Vec<_> = catalog
        .collection(CollectionId::Installations)
        .features()
        .iter()
        .filter_map(|f| {
            let geometry = f.geometry.as_ref()?;
            let closest = match geometry {
                Geometry::Point(p) => polylines.closest(p.0).map(|c| Closest { at: p.0, ..c }),
                other => geometry_to_lines(other, &polylines, &border_geometry),
            }?;
            let (d, p) = (closest.distance_m, Point(closest.at));
            let certainty = within_zone(d / 1000.0, uncertainty_km(f), km + TOLERANCE_M / 1000.0)?;
            let side = if d <= TOLERANCE_M || area_a.intersects(&p) {
                Some(a.to_string())
            } else if area_b.intersects(&p) {
                Some(b.to_string())
            } else {
                None
            };
            Some((f.id.clone(), d / 1000.0, certainty, side))
        })
        .collect();
    zone.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
    zone
}

#[test]
fn the_zone_and_its_pages_equal_the_zone_measured_point_by_point() {
    let catalog = catalog_with_points();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for (a, b) in BORDERS {
        for km in ["50", "0", "3"] {
            let question = Question::parse(
                "border-zone",
                &[
                    ("countries".to_string(), format!("{a},{b}")),
                    ("distance_km".to_string(), km.to_string()),
                    ("collections".to_string(), "installations".to_string()),
                ],
            )
            .unwrap();
            let expected = measured_zone(catalog, (a, b), km.parse().unwrap());
            let whole = question.answer(catalog, today).unwrap();
            assert_eq!(whole.number_matched(), expected.len(), "{a}-{b} {km}");
            for (hit, (id, d, certainty, side)) in whole.hits.iter().zip(&expected) {
                assert_eq!(&hit.feature.id, id, "{a}-{b} {km}");
                assert_eq!(hit.distance_km.unwrap().to_bits(), d.to_bits(), "{id}");
                assert_eq!(hit.certainty, Some(*certainty), "{id}");
                assert_eq!(hit.side.as_ref(), Some(side), "{id}");
            }
            if km == "50" {
                assert!(expected.len() > 500, "{a}-{b}: {}", expected.len());
            }
            for (offset, limit) in [
                (0, 100),
                (37, 10),
                (expected.len().saturating_sub(5), 100),
                (0, 1),
            ] {
                let page = Page { offset, limit };
                let paged = question.answer_page(catalog, today, page).unwrap();
                assert_eq!(paged.number_matched(), whole.number_matched());
                assert_eq!(paged.summary, whole.summary, "{a}-{b} {km}");
                let shown = |answer: &forcemap::query::analysis::Answer| -> Vec<Vec<u8>> {
                    forcemap::formats::answer::page_features(answer, page)
                        .iter()
                        .map(|f| serde_json::to_vec(&(&f.id, &f.properties)).unwrap())
                        .collect()
                };
                assert_eq!(shown(&paged), shown(&whole), "{a}-{b} {km} {page:?}");
            }
        }
    }
}
