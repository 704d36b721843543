//! Parsing and checking `geodata/coverage.json`, the dataset's declaration of the period each
//! curated layer covers and how complete it is.
//!
//! The file reads:
//! `{"interval": ["YYYY-MM-DD", "YYYY-MM-DD" or null], "collections": {"<curated id>":
//! {"interval": [...], "completeness": "a plain sentence"}, ...}}`. Every curated collection
//! must be declared, each layer's period must lie within the dataset's, and no feature may
//! start after its layer's period ends (the declaration would then be stale).

use super::problem::{Problem, Report};
use crate::model::{CollectionId, Coverage, Feature, LayerCoverage, Period};
use chrono::NaiveDate;
use serde_json::Value;

pub const COVERAGE_FILE: &str = "coverage.json";

/// Parses the coverage file; `None` (with problems reported) when it cannot be used.
pub fn parse_coverage(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Option<Coverage> {
    let mut report = Report { file, problems };
    let root = report.parse_json(bytes)?;
    let Some(root) = root.as_object() else {
        report.add("-", "-", "the file must be a JSON object");
        return None;
    };
    let interval = period(root.get("interval"), "-", "interval", &mut report);
    let Some(layers) = root.get("collections").and_then(Value::as_object) else {
        report.add("-", "collections", "missing or not an object");
        return None;
    };
    for name in layers.keys() {
        if !CollectionId::CURATED.iter().any(|c| c.as_str() == name) {
            report.add(
                name,
                "-",
                format!("\"{name}\" is not a curated collection; declare groupings, installations, forces, events and routes"),
            );
        }
    }
    let mut collections = Vec::new();
    for collection in CollectionId::CURATED {
        let id = collection.as_str();
        let Some(layer) = layers.get(id) else {
            report.add(
                id,
                "-",
                "missing: every curated collection declares its coverage",
            );
            continue;
        };
        let layer_interval = period(layer.get("interval"), id, "interval", &mut report);
        let completeness = match layer.get("completeness").and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => Some(s.to_string()),
            _ => {
                report.add(
                    id,
                    "completeness",
                    "missing or empty: say in a sentence how complete the layer is",
                );
                None
            }
        };
        if let (Some(outer), Some(inner)) = (interval, layer_interval) {
            let ends_later = match (inner.end, outer.end) {
                (None, Some(_)) => true,
                (Some(i), Some(o)) => i > o,
                _ => false,
            };
            if inner.start < outer.start || ends_later {
                report.add(id, "interval", "lies outside the dataset's interval");
            }
        }
        if let (Some(interval), Some(completeness)) = (layer_interval, completeness) {
            collections.push((
                collection,
                LayerCoverage {
                    interval,
                    completeness,
                },
            ));
        }
    }
    let interval = interval?;
    (collections.len() == CollectionId::CURATED.len()).then_some(Coverage {
        interval,
        collections,
    })
}

/// `[start, end]`: full ISO dates, the end null for a layer kept current.
fn period(
    value: Option<&Value>,
    feature: &str,
    field: &str,
    report: &mut Report,
) -> Option<Period> {
    let shape = "must be [\"YYYY-MM-DD\", \"YYYY-MM-DD\" or null]";
    let Some([start, end]) = value.and_then(Value::as_array).map(Vec::as_slice) else {
        report.add(feature, field, shape);
        return None;
    };
    let day = |v: &Value| {
        v.as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    let Some(start) = day(start) else {
        report.add(feature, field, format!("start {start}: {shape}"));
        return None;
    };
    let end = match end {
        Value::Null => None,
        other => match day(other) {
            Some(d) => Some(d),
            None => {
                report.add(feature, field, format!("end {other}: {shape}"));
                return None;
            }
        },
    };
    if end.is_some_and(|e| e < start) {
        report.add(feature, field, "ends before it starts");
        return None;
    }
    Some(Period { start, end })
}

/// Reports features that start after the end of their layer's declared period.
pub fn check_features(
    coverage: &Coverage,
    curated: &[(CollectionId, Vec<Feature>)],
    problems: &mut Vec<Problem>,
) {
    for (collection, features) in curated {
        let Some(end) = coverage.layer(*collection).and_then(|l| l.interval.end) else {
            continue;
        };
        for feature in features {
            if let Some(from) = feature.validity.from.filter(|f| f.first_day() > end) {
                problems.push(Problem::new(
                    collection.file_name(),
                    &feature.id,
                    "valid_from",
                    format!("{from} is after the end of the layer's coverage ({end}) in {COVERAGE_FILE}"),
                ));
            }
        }
    }
}
