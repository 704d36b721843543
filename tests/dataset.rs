//! The real `geodata/` loads cleanly, and what the catalog derives from it matches independent
//! computations.

use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::model::{CollectionId, MemberStatus};
use geo::{Geodesic, Length};
use std::path::PathBuf;
use std::sync::OnceLock;

fn geodata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let dataset = load(&DataSource::Dir(geodata())).unwrap_or_else(|p| panic!("{p}"));
        Catalog::build(dataset)
    })
}

#[test]
fn the_built_in_dataset_is_the_geodata_directory() {
    let built_in = load(&DataSource::BuiltIn).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(built_in.fingerprint, catalog().fingerprint);
}

#[test]
fn every_country_has_valid_polygons_after_repair() {
    use geo::Validation;
    let countries = catalog().collection(CollectionId::Countries);
    assert!(countries.len() > 240, "{} countries", countries.len());
    let mut without_area = Vec::new();
    for c in countries.features() {
        match c.geometry.as_ref() {
            Some(geo::Geometry::MultiPolygon(mp)) => {
                for (i, polygon) in mp.0.iter().enumerate() {
                    assert!(
                        polygon.is_valid(),
                        "{} part {i} is invalid after repair",
                        c.id
                    );
                }
            }
            Some(other) => panic!("{} is not a MultiPolygon: {other:?}", c.id),
            None => without_area.push(c.id.as_str()),
        }
    }
    // Only a country smaller than the source's quantization step loses its area.
    assert_eq!(without_area, ["VAT"]);
    for id in ["TJK", "AFG", "RUS", "KAZ", "USA", "XKX"] {
        assert!(countries.get(id).is_some(), "{id} missing");
    }
}

#[test]
fn borders_match_the_independent_geodesic_lengths() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/independent/border_lengths.json"),
    )
    .unwrap();
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
    let borders = catalog().collection(CollectionId::Borders);
    let pairs = fixture["pairs"].as_object().unwrap();
    assert!(pairs.len() > 30);
    for (id, expected) in pairs {
        let expected = expected.as_f64().unwrap();
        match borders.get(id) {
            None => assert_eq!(expected, 0.0, "{id} has no derived border"),
            Some(border) => {
                let geometry = border.geometry.as_ref().unwrap();
                let geo::Geometry::MultiLineString(lines) = geometry else {
                    panic!("{id} is not a MultiLineString")
                };
                let km: f64 = lines.0.iter().map(|l| Geodesic.length(l)).sum::<f64>() / 1000.0;
                assert!(
                    (km - expected).abs() < 0.01,
                    "{id}: {km} km, expected {expected} km"
                );
                let stored = border.properties.to_map()["length_km"].as_f64().unwrap();
                assert!(
                    (stored - expected).abs() <= 0.05,
                    "{id}: length_km {stored}"
                );
            }
        }
    }
    let tajik_afghan = pairs["AFG-TJK"].as_f64().unwrap();
    assert!((1100.0..1400.0).contains(&tajik_afghan));
    let lines = match borders.get("AFG-TJK").unwrap().geometry.as_ref().unwrap() {
        geo::Geometry::MultiLineString(l) => l.0.len(),
        _ => 0,
    };
    assert_eq!(lines, 1, "the Tajik-Afghan border is one continuous line");
}

#[test]
fn countries_across_the_antimeridian_do_not_wrap_round_the_globe() {
    use geo::Contains;
    let countries = catalog().collection(CollectionId::Countries);
    let contains = |id: &str, lon: f64, lat: f64| {
        countries
            .get(id)
            .unwrap()
            .geometry
            .as_ref()
            .unwrap()
            .contains(&geo::Point::new(lon, lat))
    };
    assert!(contains("RUS", 37.6, 55.75), "Moscow");
    assert!(
        contains("RUS", -175.0, 67.0),
        "Chukotka west of the antimeridian"
    );
    assert!(
        contains("RUS", 175.0, 66.0),
        "Chukotka east of the antimeridian"
    );
    assert!(!contains("RUS", 0.0, 67.5), "Norwegian Sea");
    assert!(!contains("RUS", -150.0, 66.0), "Alaska");
    assert!(contains("USA", -150.0, 66.0), "Alaska");
    assert!(contains("ATA", 0.0, -85.0), "Antarctica round the pole");
    assert!(!contains("ATA", 0.0, -50.0));
    assert!(contains("FJI", 178.4, -18.1), "Suva");
}

#[test]
fn coasts_are_the_outlines_no_neighbour_shares() {
    let coast = |id: &str| catalog().coasts.iter().find(|c| c.country == id);
    // Landlocked countries have none.
    for landlocked in ["TJK", "KGZ", "ARM", "BLR", "AFG", "MNG"] {
        assert!(coast(landlocked).is_none(), "{landlocked} has a coast");
    }
    // The Caspian shore counts; Kazakhstan's is over a thousand kilometres long.
    let kaz_km: f64 = coast("KAZ")
        .expect("Kazakhstan's Caspian shore")
        .line
        .0
        .iter()
        .map(|l| Geodesic.length(l))
        .sum::<f64>()
        / 1000.0;
    assert!(kaz_km > 1000.0, "Kazakhstan's coast is {kaz_km} km");
    // No coast line leaps across the antimeridian or runs along it.
    let russia = coast("RUS").expect("Russia's coasts");
    for line in &russia.line.0 {
        for segment in line.lines() {
            assert!((segment.end.x - segment.start.x).abs() < 180.0);
            assert!(segment.start.x.abs() < 179.999 || segment.end.x.abs() < 179.999);
        }
    }
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// The status of `country`'s spell in `grouping` on `date`, if it has one then.
fn status_on(grouping: &str, country: &str, date: &str) -> Option<MemberStatus> {
    let groupings = catalog().collection(CollectionId::Groupings);
    groupings
        .get(grouping)
        .unwrap()
        .members
        .iter()
        .find(|m| m.country == country && m.span().contains(day(date)))
        .map(|m| m.status)
}

fn counted(grouping: &str, country: &str, date: &str) -> bool {
    catalog()
        .collection(CollectionId::Groupings)
        .get(grouping)
        .unwrap()
        .members_on(day(date))
        .contains(&country)
}

#[test]
fn membership_checkpoints() {
    use MemberStatus::*;
    // Armenia froze its participation in February 2024 but remains a member in law.
    assert_eq!(status_on("csto", "ARM", "2020-06-01"), Some(Member));
    assert_eq!(
        status_on("csto", "ARM", "2025-06-01"),
        Some(ParticipationFrozen)
    );
    assert!(counted("csto", "ARM", "2025-06-01"));
    for grouping in ["crrf", "caucasian-group", "caucasian-region"] {
        assert_eq!(
            status_on(grouping, "ARM", "2025-06-01"),
            Some(ParticipationFrozen),
            "{grouping}"
        );
    }
    // Uzbekistan was suspended by a decision, and so does not count.
    assert_eq!(status_on("csto", "UZB", "2015-01-01"), Some(Suspended));
    assert!(!counted("csto", "UZB", "2015-01-01"));
    assert!(counted("csto", "UZB", "2008-01-01"));
    // Founding states of the CIS that never ratified its charter are participants.
    assert_eq!(status_on("cis", "UKR", "2000-01-01"), Some(Participant));
    assert_eq!(status_on("cis", "TKM", "2000-01-01"), Some(Participant));
    assert_eq!(status_on("cis", "TKM", "2010-01-01"), Some(Observer));
    assert_eq!(status_on("cis", "KAZ", "2000-01-01"), Some(Member));
    // The regional groups date from 2000, under the CST until the CSTO.
    assert!(counted("east-european-group", "BLR", "2001-06-01"));
    assert!(!counted("east-european-group", "BLR", "1999-06-01"));
    assert!(counted("caco", "RUS", "2005-01-01"));
    assert!(!counted("caco", "RUS", "2004-01-01"));
}

#[test]
fn features_exist_only_in_their_periods() {
    let valid = |collection: CollectionId, id: &str, date: &str| {
        catalog()
            .collection(collection)
            .get(id)
            .unwrap_or_else(|| panic!("{id} missing"))
            .validity
            .is_valid_on(day(date))
    };
    assert!(valid(CollectionId::Forces, "201st-division", "2003-06-01"));
    assert!(!valid(CollectionId::Forces, "201st-division", "2006-01-01"));
    assert!(valid(
        CollectionId::Installations,
        "201st-military-base-dushanbe",
        "2006-01-01"
    ));
    assert!(!valid(
        CollectionId::Installations,
        "201st-military-base-dushanbe",
        "2004-10-16"
    ));
    assert!(!valid(
        CollectionId::Routes,
        "northern-transit-corridor",
        "2005-06-01"
    ));
    assert!(valid(
        CollectionId::Routes,
        "northern-transit-corridor",
        "2010-06-01"
    ));
    assert!(valid(
        CollectionId::Events,
        "csto-deployment-kazakhstan-2022",
        "2022-01-10"
    ));
    assert!(!valid(
        CollectionId::Events,
        "csto-deployment-kazakhstan-2022",
        "2022-02-01"
    ));
    // Renamed to carry its year.
    assert!(catalog()
        .collection(CollectionId::Events)
        .get("operation-channel")
        .is_none());
    assert!(valid(
        CollectionId::Events,
        "operation-channel-2003",
        "2010-06-01"
    ));
}

#[test]
fn the_201st_division_is_not_a_crdf_force_and_its_strength_is_undated() {
    let division = catalog()
        .collection(CollectionId::Forces)
        .get("201st-division")
        .unwrap();
    assert_eq!(
        division.properties.to_map()["groupings"],
        serde_json::json!([])
    );
    assert!(division.properties.to_map()["strength"]["as_of"].is_null());
    assert_eq!(division.properties.to_map()["strength"]["personnel"], 5500);
}

#[test]
fn changes_of_parent_are_recorded_as_spells() {
    let crdf = catalog()
        .collection(CollectionId::Groupings)
        .get("crdf")
        .unwrap();
    assert_eq!(crdf.str_property("parent"), Some("csto"));
    let history = crdf.properties.value("parent_history").unwrap();
    let spells = history.as_array().unwrap();
    assert_eq!(spells[0]["parent"], "cst");
    assert_eq!(spells[0]["from"], crdf.properties.to_map()["valid_from"]);
    assert_eq!(spells[1]["parent"], "csto");
    assert_eq!(spells[1]["from"], "2002-10-07");
}

#[test]
fn each_curated_collection_serves_its_declared_coverage() {
    let coverage = &catalog().coverage;
    for id in CollectionId::CURATED {
        let layer = coverage
            .layer(id)
            .unwrap_or_else(|| panic!("{id} undeclared"));
        let collection = catalog().collection(id);
        assert_eq!(
            collection.temporal.start,
            Some(layer.interval.start),
            "{id}"
        );
        assert_eq!(collection.temporal.end, layer.interval.end, "{id}");
        assert!(!layer.completeness.trim().is_empty());
        let served = &catalog().coverage_document["collections"][id.as_str()];
        assert_eq!(served["interval"][0], layer.interval.start.to_string());
        // Every layer lies within the dataset's period.
        assert!(coverage.interval.start <= layer.interval.start);
    }
    // No curated feature starts after its layer's coverage ends (the loader checks it too).
    for (id, features) in [CollectionId::Events, CollectionId::Forces]
        .map(|c| (c, catalog().collection(c).features()))
    {
        let end = coverage.layer(id).unwrap().interval.end.unwrap();
        assert!(features
            .iter()
            .all(|f| f.validity.from.is_none_or(|d| d.first_day() <= end)));
    }
}
