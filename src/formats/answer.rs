//! An analysis [`Answer`] as one GeoJSON FeatureCollection: one [`Page`] of its list (the
//! features found, with their curated properties plus `collection` and the computed
//! `distance_km`, `side`, `rank`; then the changes of a `changes` answer), then the shapes the
//! question drew (with `role`), then `numberMatched`, `numberReturned`, the paging `links`
//! given and `summary`.

use super::collection::CollectionWriter;
use super::geojson::{lon_lat, write_feature};
use crate::query::analysis::{Answer, Page};
use serde_json::{json, Value};

/// The bytes of one page of the answer, as `/analysis/{question}` and (with [`Page::WHOLE`])
/// `forcemap query` give them; `links` are written as given, when there are any.
pub fn write_answer(answer: &Answer, page: Page, links: Vec<Value>) -> Vec<u8> {
    let mut writer = CollectionWriter::new(8192);
    let hits_skipped = page.offset.min(answer.hits.len());
    let changes_skipped = page.offset - hits_skipped;
    let returned = page.returned(answer.number_matched());
    let hits_taken = returned.min(answer.hits.len() - hits_skipped);
    let changes_taken = returned - hits_taken;
    for hit in answer.hits.iter().skip(hits_skipped).take(hits_taken) {
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
    for change in answer
        .changes
        .iter()
        .skip(changes_skipped)
        .take(changes_taken)
    {
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
    let mut members = vec![
        ("numberMatched", json!(answer.number_matched())),
        ("numberReturned", json!(returned)),
    ];
    if !links.is_empty() {
        members.push(("links", Value::Array(links)));
    }
    members.push(("summary", answer.summary.clone()));
    writer.finish(&members)
}
