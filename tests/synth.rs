//! `forcemap synth`: the generated directory is valid data, holds the counts asked for, marks
//! every synthetic feature as such and is the same bytes for the same seed.

use forcemap::load::{load, DataSource};
use forcemap::model::CollectionId;
use forcemap::synth::{split, synthesize, SynthOptions, SHARES, SOURCE_TITLE};
use indicatif::ProgressBar;
use std::collections::HashSet;
use std::path::Path;

const FEATURES: u64 = 3000;

fn synth_into(dir: &Path, seed: u64) -> Vec<(CollectionId, u64)> {
    synthesize(
        &DataSource::BuiltIn,
        dir,
        &SynthOptions {
            features: FEATURES,
            seed,
        },
        &ProgressBar::hidden(),
    )
    .expect("synth succeeds on the built-in data")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_features() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    synth_into(a.path(), 7);
    synth_into(b.path(), 7);
    synth_into(c.path(), 8);
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert_eq!(
        fa.len(),
        8,
        "every file of a data directory is written, coverage included"
    );
    assert!(fa == fb, "the same seed must give the same bytes");
    for ((name, x), (_, z)) in fa.iter().zip(&fc) {
        let synthetic = SHARES
            .iter()
            .any(|(collection, _)| collection.file_name() == *name);
        assert_eq!(
            x != z,
            synthetic,
            "{name}: only files with synthetic features depend on the seed"
        );
    }
}

#[test]
fn the_output_is_valid_data_with_the_counts_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let counts = synth_into(dir.path(), 1);
    assert_eq!(counts, split(FEATURES));
    let base = load(&DataSource::BuiltIn).unwrap();
    let dataset = match load(&DataSource::Dir(dir.path().to_path_buf())) {
        Ok(d) => d,
        Err(problems) => panic!("synthetic data must validate:\n{problems}"),
    };
    assert_eq!(
        dataset.topology.countries.len(),
        base.topology.countries.len()
    );
    assert_eq!(dataset.places.len(), base.places.len());
    assert_eq!(
        dataset.curated(CollectionId::Groupings).len(),
        base.curated(CollectionId::Groupings).len()
    );

    for (collection, synthetic) in counts {
        let features = dataset.curated(collection);
        let curated = base.curated(collection);
        assert_eq!(features.len() as u64, curated.len() as u64 + synthetic);
        // The curated features come through unchanged, first.
        for (given, written) in curated.iter().zip(features) {
            assert_eq!(given.id, written.id);
            assert_eq!(given.properties.to_map(), written.properties.to_map());
            assert_eq!(given.geometry, written.geometry);
        }
        let generated = &features[curated.len()..];
        let mut kinds = HashSet::new();
        let mut geometry_types = HashSet::new();
        for feature in generated {
            assert!(feature.id.starts_with("synth-"), "{}", feature.id);
            assert!(
                feature.name().starts_with("Synthetic "),
                "{}",
                feature.name()
            );
            let sources = feature.properties.value("sources").unwrap();
            let sources = sources.as_array().unwrap();
            assert_eq!(sources.len(), 1, "{}", feature.id);
            assert_eq!(sources[0]["title"], SOURCE_TITLE);
            assert_eq!(
                feature.properties.value("synthetic"),
                Some(serde_json::json!(true))
            );
            kinds.insert(feature.kind().unwrap().to_string());
            geometry_types.insert(match &feature.geometry {
                Some(geo::Geometry::Point(_)) => "Point",
                Some(geo::Geometry::Polygon(_)) => "Polygon",
                Some(geo::Geometry::LineString(_)) => "LineString",
                other => panic!("{}: unexpected geometry {other:?}", feature.id),
            });
        }
        assert!(kinds.len() > 1, "{collection}: kinds vary");
        let expected: &[&str] = match collection {
            CollectionId::Events => &["Point", "Polygon"],
            CollectionId::Routes => &["LineString"],
            _ => &["Point"],
        };
        let mut found: Vec<&str> = geometry_types.into_iter().collect();
        found.sort();
        assert_eq!(found, expected, "{collection}");
    }

    // Some features are dated with reduced precision and some intervals are open.
    let installations = &dataset.curated(CollectionId::Installations)
        [base.curated(CollectionId::Installations).len()..];
    let from: Vec<&str> = installations
        .iter()
        .filter_map(|f| f.str_property("valid_from"))
        .collect();
    assert!(from.iter().any(|d| d.len() == 4));
    assert!(from.iter().any(|d| d.len() == 7));
    assert!(from.iter().any(|d| d.len() == 10));
    // Installations stay open, so the forces that name them always fall in their period;
    // forces both close and stay open.
    assert!(installations.iter().all(|f| f.validity.to.is_none()));
    let forces = &dataset.curated(CollectionId::Forces)[base.curated(CollectionId::Forces).len()..];
    assert!(forces.iter().any(|f| f.validity.to.is_none()));
    assert!(forces.iter().any(|f| f.validity.to.is_some()));
}
