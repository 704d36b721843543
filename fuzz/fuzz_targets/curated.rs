//! The curated GeoJSON loader and validator: any bytes, as each curated collection's file.
#![no_main]

use forcemap::load::parse_collection;
use forcemap::model::CollectionId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let collection = CollectionId::CURATED[usize::from(selector) % CollectionId::CURATED.len()];
    let mut problems = Vec::new();
    let features = parse_collection(collection, &collection.file_name(), bytes, &mut problems);
    // A feature comes back only when it passed every rule.
    if !problems.is_empty() {
        for p in &problems {
            assert!(!p.message.is_empty(), "a problem without a message: {p:?}");
        }
    }
    for feature in &features {
        assert!(!feature.id.is_empty());
    }
});
