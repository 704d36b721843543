//! Every collection as files: the whole collection, all dates, as GeoJSON and as the CSV,
//! FlatGeobuf and KML downloads the server offers (`formats/download.rs`), written from the
//! same rows, so the four agree. Grouping footprints are derived per date; the files draw
//! them as of the export's day, as the server does when no date is asked.

use super::manifest::Site;
use crate::catalog::Catalog;
use crate::formats::collection::CollectionWriter;
use crate::formats::download::{self, Download, DownloadInfo};
use crate::formats::items::ItemsOutput;
use crate::model::CollectionId;
use crate::query::crs::Crs;
use chrono::NaiveDate;
use serde_json::json;

/// Folder of the collection files.
pub const COLLECTIONS_DIR: &str = "collections";

/// Path of a collection's GeoJSON.
pub fn geojson_path(collection: CollectionId) -> String {
    format!("{COLLECTIONS_DIR}/{collection}.geojson")
}

/// Path of a collection's download in `format`.
pub fn download_path(collection: CollectionId, format: Download) -> String {
    format!("{COLLECTIONS_DIR}/{collection}.{}", format.extension())
}

fn output(skip_geometry: bool, day: NaiveDate) -> ItemsOutput {
    ItemsOutput {
        crs: Crs::Crs84,
        properties: None,
        skip_geometry,
        day,
    }
}

/// Every feature of `collection` as one GeoJSON FeatureCollection, written as the items
/// endpoint writes them (in lon/lat, every property).
pub fn collection_document(
    catalog: &Catalog,
    collection: CollectionId,
    skip_geometry: bool,
    day: NaiveDate,
) -> anyhow::Result<Vec<u8>> {
    let output = output(skip_geometry, day);
    let count = catalog.collection(collection).len();
    let mut writer = CollectionWriter::new(64 * 1024);
    for position in 0..count {
        writer
            .try_feature(|out| output.write(out, catalog, collection, position))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut body = writer.finish(&[
        ("numberMatched", json!(count)),
        ("numberReturned", json!(count)),
    ]);
    body.push(b'\n');
    Ok(body)
}

/// Writes `collection` as GeoJSON and as each download format.
pub fn write_collection(
    site: &mut Site,
    catalog: &Catalog,
    collection: CollectionId,
    day: NaiveDate,
) -> anyhow::Result<()> {
    let title = collection.title();
    site.write(
        &geojson_path(collection),
        &collection_document(catalog, collection, false, day)?,
        format!("{title}: every feature of every date, GeoJSON"),
    )?;
    let output = output(false, day);
    let rows: Vec<_> = (0..catalog.collection(collection).len())
        .map(|position| output.download_feature(catalog, collection, position))
        .collect();
    let info = DownloadInfo {
        name: collection.as_str(),
        description: None,
        crs: Crs::Crs84,
    };
    for format in Download::ALL {
        let body = download::write(format, &info, &rows)?;
        site.write(
            &download_path(collection, format),
            &body,
            format!(
                "{title}: every feature of every date, {}",
                format.media_type()
            ),
        )?;
    }
    Ok(())
}
