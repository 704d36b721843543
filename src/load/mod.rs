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
use curated::parse_collection_releasing;
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

    /// One file of the data directory, mapped into memory rather than read when it is on disk,
    /// so that a loader can give back the pages it has parsed ([`FileBytes::release_before`]).
    fn map(&self, name: &str) -> Result<FileBytes, String> {
        let DataSource::Dir(dir) = self else {
            return self.read(name).map(FileBytes::Read);
        };
        let path = dir.join(name);
        let file = std::fs::File::open(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // An empty file cannot be mapped; it is read (as nothing) instead.
        if file.metadata().map_or(true, |m| m.len() == 0) {
            return self.read(name).map(FileBytes::Read);
        }
        // Safety: the mapping is private and read-only; like any reader, the loader expects
        // the file not to be rewritten while it reads it (a reload reads it again).
        unsafe { memmap2::Mmap::map(&file) }
            .map(FileBytes::Mapped)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
    }

    /// The size in bytes of one file, when it can be known without reading it.
    fn size(&self, name: &str) -> Option<u64> {
        match self {
            DataSource::BuiltIn => embedded::file(name).map(|b| b.len() as u64),
            DataSource::Dir(dir) => std::fs::metadata(dir.join(name)).ok().map(|m| m.len()),
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

/// The bytes of one data file: built in, read, or mapped from disk.
enum FileBytes {
    Read(Cow<'static, [u8]>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Read(bytes) => bytes,
            FileBytes::Mapped(map) => map,
        }
    }
}

impl FileBytes {
    /// Gives the pages of a mapped file before `offset` back to the system: a parser that has
    /// read past them never reads them again, so a file is never held whole in memory while
    /// the features made from it grow. (Were a page read again, it would come back from the
    /// file unchanged.)
    fn release_before(&self, offset: usize) {
        const PAGE: usize = 4096;
        if let FileBytes::Mapped(map) = self {
            let end = offset.min(map.len()) / PAGE * PAGE;
            // Safety: the mapping is a private, read-only view of a file; dropping its pages
            // only makes a later read fetch them from the file again.
            let _ =
                unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, 0, end) };
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
///
/// The curated files, which hold nearly all the bytes of a large dataset, are parsed side by
/// side, one file per worker and the largest first, so that loading uses every core while at
/// most one file per worker is held in memory.
pub fn load(source: &DataSource) -> Result<Dataset, Problems> {
    let mut problems = Vec::new();
    let digests = std::sync::Mutex::new(Vec::new());
    let record = |name: &str, bytes: &[u8]| {
        let digest = xxhash_rust::xxh3::xxh3_64(bytes);
        digests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((name.to_string(), digest));
    };
    let read = |name: &str, problems: &mut Vec<Problem>| match source.read(name) {
        Ok(bytes) => {
            record(name, &bytes);
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
    let curated = parse_curated_side_by_side(source, &record, &mut problems);
    let places = read(PLACES_FILE, &mut problems)
        .map(|b| parse_places(PLACES_FILE, &b, &mut problems))
        .unwrap_or_default();

    let stories = stories::load(
        source,
        &KnownIds::of(&topology, &curated),
        &mut |name: &str, problems: &mut Vec<Problem>| read(name, problems),
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
        fingerprint: fingerprint(digests.into_inner().unwrap_or_else(|p| p.into_inner())),
        origin: source.describe(),
    })
}

/// Parses every curated collection, each file on one worker, and returns them in
/// [`CollectionId::CURATED`] order with their problems appended to `problems`.
fn parse_curated_side_by_side(
    source: &DataSource,
    record: &(dyn Fn(&str, &[u8]) + Sync),
    problems: &mut Vec<Problem>,
) -> Vec<(CollectionId, Vec<Feature>)> {
    let mut queue: Vec<CollectionId> = CollectionId::CURATED.to_vec();
    queue.sort_by_key(|c| std::cmp::Reverse(source.size(&c.file_name())));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(queue.len());
    let parse_queue = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&collection) = queue.get(i) else {
                return done;
            };
            let file = collection.file_name();
            let mut found = Vec::new();
            let features = match source.map(&file) {
                Ok(bytes) => {
                    record(&file, &bytes);
                    let mut release = |consumed: usize| bytes.release_before(consumed);
                    parse_collection_releasing(collection, &file, &bytes, &mut found, &mut release)
                }
                Err(message) => {
                    found.push(Problem::new(&file, "-", "-", message));
                    Vec::new()
                }
            };
            done.push((collection, features, found));
        }
    };
    let mut parsed: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(parse_queue)).collect();
        let mut all = parse_queue();
        for handle in handles {
            // A parser never panics on any input (the fuzzer holds it to that); should one
            // all the same, its panic is carried on rather than its collection lost silently.
            all.extend(
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        all
    });
    parsed
        .sort_by_key(|(collection, ..)| CollectionId::CURATED.iter().position(|c| c == collection));
    parsed
        .into_iter()
        .map(|(collection, features, found)| {
            problems.extend(found);
            (collection, features)
        })
        .collect()
}

/// One number for every input file's name and content, whatever order they were read in.
fn fingerprint(mut digests: Vec<(String, u64)>) -> u64 {
    digests.sort();
    let mut text = Vec::new();
    for (name, digest) in &digests {
        text.extend_from_slice(name.as_bytes());
        text.push(0);
        text.extend_from_slice(&digest.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&text)
}
