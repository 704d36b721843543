//! Reading `geodata/` into a validated [`Dataset`].
//!
//! Every byte the service reads from data files passes through this module: the curated
//! collections (`curated`), the country topology (`topology`) and the basemap's places
//! (`places`). Each parser is a pure function from bytes to values plus a list of
//! [`Problem`]s, so the `validate` command, the server and a fuzzer all call the same code.
//! Checks that span files (unique ids, references between features, member countries that
//! exist) run last, in `references`; `periods` checks that those references hold at the dates
//! of both sides, and `coverage` reads the dataset's declared coverage (`coverage.json`).

mod coverage;
mod curated;
mod embedded;
mod geometry;
mod periods;
mod places;
mod problem;
mod references;
mod stories;
mod stream;
mod topology;

pub use coverage::{parse_coverage, COVERAGE_FILE};
pub use curated::{allowed_kinds, is_iso3, parse_collection};
pub use geometry::parse_geometry;
pub use places::{parse_places, Place};
pub use problem::{Problem, Problems};
pub use stories::{parse_story, KnownIds, Story, StoryStep, STORIES_DIR};
pub use topology::{parse_topology, CountryTopology};

use crate::model::{CollectionId, Coverage, Feature};
use std::borrow::Cow;
use std::path::PathBuf;

/// File names inside a data directory.
pub const COUNTRIES_FILE: &str = "countries.topojson";
pub const PLACES_FILE: &str = "places.geojson";

/// Where a dataset is read from.
#[derive(Clone, Debug)]
pub enum DataSource {
    /// The `geodata/` directory compiled into the binary.
    BuiltIn,
    /// A directory laid out like `geodata/`.
    Dir(PathBuf),
}

impl DataSource {
    pub fn from_option(dir: Option<PathBuf>) -> DataSource {
        dir.map_or(DataSource::BuiltIn, DataSource::Dir)
    }

    /// The bytes of one file of the data directory, by its name (e.g. `countries.topojson`).
    pub fn read(&self, name: &str) -> Result<Cow<'static, [u8]>, String> {
        match self {
            DataSource::BuiltIn => embedded::file(name)
                .map(Cow::Borrowed)
                .ok_or_else(|| "not built into this binary".to_string()),
            DataSource::Dir(dir) => std::fs::read(dir.join(name))
                .map(Cow::Owned)
                .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display())),
        }
    }

    /// A stable fingerprint of the inputs, for cache validators.
    fn describe(&self) -> String {
        match self {
            DataSource::BuiltIn => "built-in".to_string(),
            DataSource::Dir(dir) => dir.display().to_string(),
        }
    }
}

/// Everything read from a data directory, validated.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub topology: CountryTopology,
    /// Curated collections, in [`CollectionId::CURATED`] order.
    pub curated: Vec<(CollectionId, Vec<Feature>)>,
    pub places: Vec<Place>,
    pub stories: Vec<Story>,
    /// The period each curated layer covers, as the data declares it.
    pub coverage: Coverage,
    /// Content hash of every input file, for ETags.
    pub fingerprint: u64,
    pub origin: String,
}

impl Dataset {
    pub fn curated(&self, collection: CollectionId) -> &[Feature] {
        self.curated
            .iter()
            .find(|(c, _)| *c == collection)
            .map_or(&[], |(_, f)| f.as_slice())
    }
}

/// Reads and validates a dataset; `Err` lists every problem found, sorted by file.
pub fn load(source: &DataSource) -> Result<Dataset, Problems> {
    use std::hash::{Hash, Hasher};
    let mut problems = Vec::new();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut read = |name: &str, problems: &mut Vec<Problem>| match source.read(name) {
        Ok(bytes) => {
            name.hash(&mut hasher);
            bytes.hash(&mut hasher);
            Some(bytes)
        }
        Err(message) => {
            problems.push(Problem::new(name, "-", "-", message));
            None
        }
    };

    let topology = read(COUNTRIES_FILE, &mut problems)
        .map(|b| parse_topology(COUNTRIES_FILE, &b, &mut problems))
        .unwrap_or_default();
    let curated: Vec<(CollectionId, Vec<Feature>)> = CollectionId::CURATED
        .iter()
        .map(|&collection| {
            let file = collection.file_name();
            let features = read(&file, &mut problems)
                .map(|b| parse_collection(collection, &file, &b, &mut problems))
                .unwrap_or_default();
            (collection, features)
        })
        .collect();
    let places = read(PLACES_FILE, &mut problems)
        .map(|b| parse_places(PLACES_FILE, &b, &mut problems))
        .unwrap_or_default();

    let stories = stories::load(
        source,
        &KnownIds::of(&topology, &curated),
        &mut read,
        &mut problems,
    );
    let coverage = read(COVERAGE_FILE, &mut problems)
        .and_then(|b| parse_coverage(COVERAGE_FILE, &b, &mut problems));

    references::check(&topology, &curated, &mut problems);
    periods::check(&curated, &mut problems);
    if let Some(coverage) = &coverage {
        coverage::check_features(coverage, &curated, &mut problems);
    }
    let Some(coverage) = coverage.filter(|_| problems.is_empty()) else {
        problems.sort();
        problems.dedup();
        return Err(Problems(problems));
    };
    Ok(Dataset {
        topology,
        curated,
        places,
        stories,
        coverage,
        fingerprint: hasher.finish(),
        origin: source.describe(),
    })
}
