//! An analysis [`Answer`] as one GeoJSON FeatureCollection: the features found (their curated
//! properties plus `collection` and the computed `distance_km`, `side`, `rank`), then the
//! changes of a `changes` answer, then the shapes the question drew (with `role`), then
//! `numberReturned` and `summary`.

use super::collection::CollectionWriter;
use super::geojson::{lon_lat, write_feature};
use crate::query::analysis::Answer;
use serde_json::json;

/// The answer's bytes, as `/analysis/{question}` and `forcemap query` give them.
pub fn write_answer(answer: &Answer) -> Vec<u8> {
    let mut writer = CollectionWriter::new(8192);
    for hit in &answer.hits {
        writer.feature(|out| {
            write_feature(
                out,
                &hit.feature.id,
                hit.geometry,
                &hit.properties(),
                &lon_lat,
            )
        });
    }
    for change in &answer.changes {
        writer.feature(|out| {
            write_feature(
                out,
                &change.id(),
                change.geometry,
                &change.properties(),
                &lon_lat,
            )
        });
    }
    for shape in &answer.shapes {
        writer.feature(|out| {
            write_feature(
                out,
                &shape.id,
                Some(&shape.geometry),
                &shape.properties(),
                &lon_lat,
            )
        });
    }
    writer.finish(&[
        (
            "numberReturned",
            json!(answer.hits.len() + answer.changes.len()),
        ),
        ("summary", answer.summary.clone()),
    ])
}
