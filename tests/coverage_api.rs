//! The declared coverage as clients receive it: on the landing document and in each
//! curated collection's temporal extent.

mod common;

use common::get_ok;
use serde_json::json;

#[test]
fn the_landing_document_carries_the_coverage_of_every_curated_layer() {
    let landing = get_ok("/?f=json");
    let coverage = &landing["coverage"];
    let interval = coverage["interval"].as_array().unwrap();
    assert_eq!(interval.len(), 2);
    let start = interval[0].as_str().unwrap();
    assert_eq!(start.len(), 10, "{start}");
    for id in ["groupings", "installations", "forces", "events", "routes"] {
        let layer = &coverage["collections"][id];
        assert!(
            layer["completeness"].as_str().is_some_and(|s| s.len() > 20),
            "{id}: {layer}"
        );
        let layer_start = layer["interval"][0].as_str().unwrap();
        assert!(layer_start >= start, "{id} starts {layer_start}");
    }
    assert!(coverage["collections"]["countries"].is_null());
}

#[test]
fn collection_extents_are_the_declared_coverage() {
    let landing = get_ok("/?f=json");
    for id in ["installations", "events"] {
        let declared = &landing["coverage"]["collections"][id]["interval"];
        let collection = get_ok(&format!("/collections/{id}"));
        let served = &collection["extent"]["temporal"]["interval"][0];
        let as_datetime = |v: &serde_json::Value| {
            v.as_str()
                .map_or(json!(null), |d| json!(format!("{d}T00:00:00Z")))
        };
        assert_eq!(served[0], as_datetime(&declared[0]), "{id}");
        assert_eq!(served[1], as_datetime(&declared[1]), "{id}");
    }
    // The installations layer is declared to 2013 although its bases have no end.
    let installations = get_ok("/collections/installations");
    assert_eq!(
        installations["extent"]["temporal"]["interval"][0][1],
        "2013-12-31T00:00:00Z"
    );
}
