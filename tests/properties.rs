//! Properties that must hold for every input, checked on generated cases: the geodesic
//! candidate envelope never misses a point within the distance, paging visits every item once,
//! and reduced-precision dates and intervals mean their whole periods.

mod common;

use chrono::{Datelike, NaiveDate};
use forcemap::catalog::{Catalog, Envelope};
use forcemap::model::{CollectionId, DateSpan, PartialDate};
use forcemap::query::analysis::geodesy::{destination, distance_m, expand_envelope};
use forcemap::query::items::{select, ItemsQuery};
use forcemap::query::params::parse_datetime;
use geo::Coord;
use proptest::prelude::*;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(common::catalog)
}

fn covers(boxes: &[Envelope], p: Coord<f64>) -> bool {
    boxes
        .iter()
        .any(|b| (b.min[0]..=b.max[0]).contains(&p.x) && (b.min[1]..=b.max[1]).contains(&p.y))
}

/// A longitude wrapped into -180..=180.
fn wrap(lon: f64) -> f64 {
    let wrapped = (lon + 180.0).rem_euclid(360.0) - 180.0;
    if wrapped == -180.0 && lon > 0.0 {
        180.0
    } else {
        wrapped
    }
}

fn latitude() -> impl Strategy<Value = f64> {
    // Every latitude, with the poles and the bands next to them drawn often.
    prop_oneof![
        -90.0..=90.0f64,
        prop_oneof![Just(90.0), Just(-90.0), 89.0..90.0f64, -90.0..-89.0f64],
    ]
}

fn longitude() -> impl Strategy<Value = f64> {
    prop_oneof![
        -180.0..=180.0f64,
        prop_oneof![
            Just(180.0),
            Just(-180.0),
            179.0..=180.0f64,
            -180.0..-179.0f64
        ],
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn the_candidate_envelope_holds_every_point_within_the_distance(
        lon in longitude(),
        lat in latitude(),
        width in prop_oneof![Just(0.0), 0.0..10.0f64],
        height in prop_oneof![Just(0.0), 0.0..10.0f64],
        at_x in 0.0..=1.0f64,
        at_y in 0.0..=1.0f64,
        metres in prop_oneof![0.0..1_000.0f64, 0.0..5_000_000.0f64],
        share in 0.0..=1.0f64,
        azimuth in 0.0..360.0f64,
    ) {
        let east = (lon + width).min(180.0);
        let north = (lat + height).min(90.0);
        let envelope = Envelope::new(lon, lat, east, north);
        let from = Coord { x: lon + (east - lon) * at_x, y: lat + (north - lat) * at_y };
        let reached = destination(from, azimuth, metres * share);
        let reached = Coord { x: wrap(reached.x), y: reached.y.clamp(-90.0, 90.0) };
        prop_assume!(distance_m(from, reached) <= metres);
        let boxes = expand_envelope(envelope, metres);
        prop_assert!(
            covers(&boxes, reached),
            "{reached:?}, {} m from {from:?} in {envelope:?}, is outside {boxes:?}",
            distance_m(from, reached)
        );
    }

    #[test]
    fn paging_visits_every_item_exactly_once(limit in 1usize..=150, start in 0usize..40) {
        let today = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for collection in [CollectionId::Installations, CollectionId::Countries] {
            let everything = select(catalog(), collection, &ItemsQuery { limit: usize::MAX, ..ItemsQuery::default() }, today).positions;
            let mut seen = Vec::new();
            let mut offset = 0;
            loop {
                let page = select(catalog(), collection, &ItemsQuery { limit, offset, ..ItemsQuery::default() }, today);
                prop_assert_eq!(page.number_matched, everything.len());
                prop_assert!(page.positions.len() <= limit);
                if page.positions.is_empty() {
                    break;
                }
                seen.extend(page.positions);
                offset += limit;
            }
            prop_assert_eq!(&seen, &everything);
            // Any offset is a slice of the same order.
            let page = select(catalog(), collection, &ItemsQuery { limit, offset: start, ..ItemsQuery::default() }, today);
            let expected: Vec<usize> = everything.iter().copied().skip(start).take(limit).collect();
            prop_assert_eq!(page.positions, expected);
        }
    }

    #[test]
    fn a_reduced_precision_date_spans_its_whole_period(
        year in 1000i32..=9998,
        month in 1u32..=12,
        day in 1u32..=31,
        precision in 0usize..3,
    ) {
        prop_assume!(NaiveDate::from_ymd_opt(year, month, day).is_some());
        let text = match precision {
            0 => format!("{year:04}"),
            1 => format!("{year:04}-{month:02}"),
            _ => format!("{year:04}-{month:02}-{day:02}"),
        };
        let date: PartialDate = text.parse().unwrap();
        prop_assert_eq!(date.to_string(), text.clone());
        let (first, last) = (date.first_day(), date.last_day());
        prop_assert!(first <= last);
        prop_assert_eq!(first.year(), year);
        prop_assert_eq!(last.year(), year);
        match precision {
            0 => {
                prop_assert_eq!((first.month(), first.day()), (1, 1));
                prop_assert_eq!((last.month(), last.day()), (12, 31));
            }
            1 => {
                prop_assert_eq!((first.month(), first.day()), (month, 1));
                prop_assert_eq!(last.month(), month);
                prop_assert!(last.succ_opt().unwrap().month() != month, "{last} is not the month's end");
            }
            _ => prop_assert_eq!(first, last),
        }
        // The span holds exactly its days; the days either side are outside.
        let span = date.span();
        prop_assert!(span.contains(first) && span.contains(last));
        prop_assert!(!span.contains(first.pred_opt().unwrap()));
        prop_assert!(!span.contains(last.succ_opt().unwrap()));
        // As a datetime parameter the text means the same period.
        prop_assert_eq!(parse_datetime(&text).unwrap(), span);
    }

    #[test]
    fn intervals_intersect_exactly_when_they_share_a_day(
        a in (0i64..2000, 0i64..400, any::<bool>(), any::<bool>()),
        b in (0i64..2000, 0i64..400, any::<bool>(), any::<bool>()),
    ) {
        let origin = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let span = |(start, length, open_start, open_end): (i64, i64, bool, bool)| {
            let s = origin + chrono::Days::new(start as u64);
            let e = s + chrono::Days::new(length as u64);
            DateSpan::new((!open_start).then_some(s), (!open_end).then_some(e))
        };
        let (x, y) = (span(a), span(b));
        // Brute force over every day of the range, with the open ends reaching past it.
        let shared = (-1..2500i64).any(|d| {
            let day = origin + chrono::Duration::days(d);
            x.contains(day) && y.contains(day)
        });
        prop_assert_eq!(x.intersects(&y), shared);
        prop_assert_eq!(x.intersects(&y), y.intersects(&x));
    }

    #[test]
    fn a_datetime_interval_runs_from_the_first_to_the_last_day_of_its_ends(
        start in 1990i32..2030, start_month in 1u32..=12,
        length in 0i32..20, end_month in 1u32..=12,
    ) {
        let end = start + length;
        prop_assume!((end, end_month) >= (start, start_month));
        let text = format!("{start:04}-{start_month:02}/{end:04}-{end_month:02}");
        let span = parse_datetime(&text).unwrap();
        let first: PartialDate = format!("{start:04}-{start_month:02}").parse().unwrap();
        let last: PartialDate = format!("{end:04}-{end_month:02}").parse().unwrap();
        prop_assert_eq!(span, DateSpan::new(Some(first.first_day()), Some(last.last_day())));
        let open = parse_datetime(&format!("{start:04}/..")).unwrap();
        prop_assert_eq!(open, DateSpan::new(Some(PartialDate::year(start).first_day()), None));
    }
}
