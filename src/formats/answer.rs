//! An analysis [`Answer`] as one GeoJSON FeatureCollection: one [`Page`] of its list (the
//! features found, with their curated properties plus `collection` and the computed
//! `distance_km`, `side`, `rank`; then the changes of a `changes` answer), then the shapes the
//! question drew (with `role`), then `numberMatched`, `numberReturned`, the paging `links`
//! given and `summary`.

use super::collection::CollectionWriter;
use super::download::DownloadFeature;
use super::geojson::{lon_lat, write_feature};
use crate::query::analysis::{Answer, Page};
use serde_json::{json, Value};

/// The bytes of one page of the answer, as `/analysis/{question}` and (with [`Page::WHOLE`])
/// `forcemap query` give them; `links` are written as given, when there are any.
pub fn write_answer(answer: &Answer, page: Page, links: Vec<Value>) -> Vec<u8> {
    let mut writer = CollectionWriter::new(8192);
    for feature in page_features(answer, page) {
        writer.feature(|out| {
            write_feature(
                out,
                &feature.id,
                feature.geometry,
                &feature.properties,
                &lon_lat,
            )
        });
    }
    let mut members = vec![
        ("numberMatched", json!(answer.number_matched())),
        (
            "numberReturned",
            json!(page.returned(answer.number_matched())),
        ),
    ];
    if !links.is_empty() {
        members.push(("links", Value::Array(links)));
    }
    members.push(("summary", answer.summary.clone()));
    writer.finish(&members)
}

/// The features of one page of the answer, in the order every format writes them: the hits
/// of the page, then its changes, then every shape the question drew.
pub fn page_features<'a>(answer: &'a Answer, page: Page) -> Vec<DownloadFeature<'a>> {
    let hits_skipped = page.offset.min(answer.hits.len());
    let changes_skipped = page.offset - hits_skipped;
    let returned = page.returned(answer.number_matched());
    let hits_taken = returned.min(answer.hits.len() - hits_skipped);
    let changes_taken = returned - hits_taken;
    let hits = answer
        .hits
        .iter()
        .skip(hits_skipped)
        .take(hits_taken)
        .map(|hit| DownloadFeature {
            id: hit.feature.id.clone(),
            geometry: hit.geometry,
            properties: hit.properties(),
        });
    let changes = answer
        .changes
        .iter()
        .skip(changes_skipped)
        .take(changes_taken)
        .map(|change| DownloadFeature {
            id: change.id(),
            geometry: change.geometry,
            properties: change.properties(),
        });
    let shapes = answer.shapes.iter().map(|shape| DownloadFeature {
        id: shape.id.clone(),
        geometry: Some(&shape.geometry),
        properties: shape.properties(),
    });
    hits.chain(changes).chain(shapes).collect()
}
