//! Synthetic datasets for measuring the service at scale (`forcemap synth`).
//!
//! [`synthesize`] writes a complete data directory: the base layers (countries, places and the
//! curated collections, by default the built-in `geodata/`) plus N generated features spread
//! over installations, forces, events and routes. Features are scattered around real anchors of
//! the base data (`anchors`) and shaped like curated records (`features`), so the directory
//! passes `forcemap validate`.
//!
//! Three promises:
//! - **Obviously synthetic.** Ids start with `synth-`, names with "Synthetic", every feature
//!   has `"synthetic": true` and a single source titled [`SOURCE_TITLE`].
//! - **Deterministic.** The output is a function of the base data, N and the seed: the same
//!   bytes every time (a portable PCG generator, no hash-map order, no clock).
//! - **Streamed.** Features are written one by one as they are drawn; memory does not grow
//!   with N.

mod anchors;
mod features;

pub use features::SOURCE_TITLE;

use crate::load::{self, DataSource, Problems, COUNTRIES_FILE, COVERAGE_FILE, PLACES_FILE};
use crate::model::CollectionId;
use anchors::Anchors;
use features::Generator;
use indicatif::ProgressBar;
use rand::SeedableRng;
use serde_json::Value;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The collections that receive synthetic features, each with its share of N in percent.
pub const SHARES: [(CollectionId, u64); 4] = [
    (CollectionId::Installations, 50),
    (CollectionId::Forces, 25),
    (CollectionId::Events, 20),
    (CollectionId::Routes, 5),
];

/// What to generate.
#[derive(Clone, Debug)]
pub struct SynthOptions {
    /// Number of synthetic features, over all collections.
    pub features: u64,
    pub seed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("the base data is not valid:\n{0}")]
    InvalidBase(Problems),
    #[error("the base data has no places, installations or borders to place features near")]
    NoAnchors,
    #[error("{0}")]
    Read(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How many synthetic features each collection gets: its share of N, the rounding remainder
/// going to the first collection.
pub fn split(total: u64) -> Vec<(CollectionId, u64)> {
    let mut counts: Vec<(CollectionId, u64)> = SHARES
        .iter()
        .map(|&(c, share)| (c, total * share / 100))
        .collect();
    let given: u64 = counts.iter().map(|(_, n)| n).sum();
    counts[0].1 += total - given;
    counts
}

/// Writes the base data plus `options.features` synthetic features into `out` (created if
/// needed; files of the same names are replaced). Returns the synthetic count per collection.
pub fn synthesize(
    base: &DataSource,
    out: &Path,
    options: &SynthOptions,
    progress: &ProgressBar,
) -> Result<Vec<(CollectionId, u64)>, SynthError> {
    let dataset = load::load(base).map_err(SynthError::InvalidBase)?;
    let anchors = Anchors::new(&dataset);
    if anchors.is_empty() && options.features > 0 {
        return Err(SynthError::NoAnchors);
    }
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SynthError::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(write_error(out))?;
    let groupings_file = CollectionId::Groupings.file_name();
    for name in [COUNTRIES_FILE, PLACES_FILE, groupings_file.as_str()] {
        let bytes = base.read(name).map_err(SynthError::Read)?;
        let path = out.join(name);
        std::fs::write(&path, &bytes).map_err(write_error(&path))?;
    }
    // The declared coverage goes along unchanged: every synthetic start lies inside it.
    if let Ok(bytes) = base.read(COVERAGE_FILE) {
        let path = out.join(COVERAGE_FILE);
        std::fs::write(&path, &bytes).map_err(write_error(&path))?;
    }

    let counts = split(options.features);
    let installations = counts[0].1;
    let rng = rand_pcg::Pcg64::seed_from_u64(options.seed);
    let mut generator = Generator::new(&anchors, rng, options.seed, installations);
    progress.set_length(options.features);
    for &(collection, count) in &counts {
        let name = collection.file_name();
        let curated = curated_features(base, &name)?;
        let path = out.join(&name);
        let file = File::create(&path).map_err(write_error(&path))?;
        let mut writer = CollectionWriter::new(BufWriter::with_capacity(1 << 20, file));
        let written = (|| {
            for feature in &curated {
                writer.feature(feature)?;
            }
            for index in 0..count {
                writer.feature(&generator.feature(collection, index))?;
                progress.inc(1);
            }
            writer.finish()
        })();
        written.map_err(write_error(&path))?;
    }
    Ok(counts)
}

/// The features of a base collection file, as they are (it was validated by `load`).
fn curated_features(base: &DataSource, name: &str) -> Result<Vec<Value>, SynthError> {
    let bytes = base.read(name).map_err(SynthError::Read)?;
    let mut root: Value =
        serde_json::from_slice(&bytes).map_err(|e| SynthError::Read(format!("{name}: {e}")))?;
    match root.get_mut("features").map(Value::take) {
        Some(Value::Array(features)) => Ok(features),
        _ => Err(SynthError::Read(format!("{name}: no features array"))),
    }
}

/// A GeoJSON FeatureCollection written one feature per line.
struct CollectionWriter<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> CollectionWriter<W> {
    fn new(out: W) -> Self {
        CollectionWriter { out, first: true }
    }

    fn feature(&mut self, feature: &Value) -> std::io::Result<()> {
        if self.first {
            self.out
                .write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
            self.first = false;
        } else {
            self.out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut self.out, feature)?;
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        if self.first {
            self.out
                .write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
        }
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_gives_every_feature_a_collection() {
        for total in [0, 1, 7, 99, 1000, 1_000_001] {
            let counts = split(total);
            assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), total);
            assert_eq!(counts.len(), SHARES.len());
        }
        let counts = split(1000);
        assert_eq!(counts[0], (CollectionId::Installations, 500));
        assert_eq!(counts[3], (CollectionId::Routes, 50));
    }
}
