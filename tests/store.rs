//! The compact property store gives back exactly what the files say: every item page, written
//! by copying from the store, is compared with an independent reading of the same files
//! (`serde_json` over the file as a whole), value by value and key by key, for the curated
//! data and a synthetic dataset with many features that share values.

mod common;

use forcemap::api::AppState;
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::model::CollectionId;
use forcemap::synth::{synthesize, SynthOptions};
use indicatif::ProgressBar;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Every feature of `collection` as the server writes it, page after page.
fn served(base: &str, collection: CollectionId) -> Vec<Value> {
    let mut features = Vec::new();
    let mut path = format!("/collections/{collection}/items?limit=500");
    loop {
        let (status, _, page) = common::get_from(base, &path);
        assert_eq!(status, 200, "{path}: {page}");
        features.extend(page["features"].as_array().unwrap().iter().cloned());
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
        match next {
            Some(href) => path = href.trim_start_matches(base).to_string(),
            None => return features,
        }
    }
}

/// The file's features by id, read whole by `serde_json` (keys in file order).
fn from_file(dir: &Path, collection: CollectionId) -> HashMap<String, Value> {
    let text = std::fs::read_to_string(dir.join(collection.file_name())).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    file["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

fn assert_same_properties(dir: &Path, base: &str) {
    for collection in CollectionId::CURATED {
        let expected = from_file(dir, collection);
        let served = served(base, collection);
        assert_eq!(served.len(), expected.len(), "{collection}");
        for feature in &served {
            let id = feature["id"].as_str().unwrap();
            let source = &expected[id]["properties"];
            let mut properties = feature["properties"].as_object().unwrap().clone();
            if collection == CollectionId::Groupings {
                // Computed for the reference day (for groupings with members), not stored:
                // checked by the items tests.
                let members = properties.remove("active_members").is_some();
                assert_eq!(properties.remove("as_of").is_some(), members, "{id}");
            }
            let properties = Value::Object(properties);
            assert_eq!(&properties, source, "{collection}/{id}");
            // The same keys in the same order, and the same text once re-serialised.
            let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(&properties), keys(source), "{collection}/{id}");
            assert_eq!(
                properties.to_string(),
                source.to_string(),
                "{collection}/{id}"
            );
        }
    }
}

#[test]
fn curated_items_carry_exactly_the_properties_of_their_files() {
    assert_same_properties(&common::geodata(), common::server());
}

#[test]
fn synthetic_items_sharing_values_carry_exactly_their_own() {
    let dir = std::env::temp_dir().join(format!("forcemap-store-{}", std::process::id()));
    synthesize(
        &DataSource::BuiltIn,
        &dir,
        &SynthOptions {
            features: 3_000,
            seed: 11,
        },
        &ProgressBar::hidden(),
    )
    .unwrap();
    let dataset = load(&DataSource::Dir(dir.clone())).unwrap_or_else(|p| panic!("{p}"));
    let base = common::serve(AppState::new(Catalog::build(dataset), None));
    assert_same_properties(&dir, &base);
    let _ = std::fs::remove_dir_all(&dir);
}
