//! The JSON documents the static page starts from, in place of the server's answers: the
//! landing document's `coverage`, the countries, borders and groupings without geometry (the
//! groupings with their whole membership history), the stories, and the basemap's TileJSON.
//! The dated collections are read from their downloads (`downloads.rs`), which hold every
//! date. Where each document lies is declared here once and written into the manifest's
//! `documents`, from which the page reads it (`web/js/source.js`).

use super::downloads::{collection_document, geojson_path};
use super::manifest::Site;
use crate::catalog::Catalog;
use crate::model::CollectionId;
use crate::tiles::TileArchive;
use chrono::NaiveDate;
use serde_json::{json, Value};

/// The landing document (title, description, `coverage`).
pub const LANDING: &str = "landing.json";
/// The basemap's TileJSON.
pub const BASEMAP_TILEJSON: &str = "basemap.json";
/// The list of stories, as `/stories` gives it (without links).
pub const STORIES: &str = "stories.json";
/// Folder of the stories, one `{id}.json` each, as stored.
pub const STORIES_DIR: &str = "stories";
/// Folder of the collections the page reads without geometry.
pub const PAGE_DIR: &str = "page";

/// The dated collections the page draws, each read whole from its GeoJSON download.
pub const DATED: [CollectionId; 4] = [
    CollectionId::Installations,
    CollectionId::Forces,
    CollectionId::Events,
    CollectionId::Routes,
];

/// Collections the page needs only the properties of (names, membership history, which
/// countries share a border): written without geometry, as the page asks the server.
const WITHOUT_GEOMETRY: [CollectionId; 3] = [
    CollectionId::Countries,
    CollectionId::Borders,
    CollectionId::Groupings,
];

/// Path of a collection's document without geometry.
pub fn page_path(collection: CollectionId) -> String {
    format!("{PAGE_DIR}/{collection}.json")
}

/// Path of one story.
pub fn story_path(id: &str) -> String {
    format!("{STORIES_DIR}/{id}.json")
}

/// The manifest's `documents`: each document the page starts from, by role.
pub fn document_index() -> Value {
    let mut collections = serde_json::Map::new();
    for c in DATED {
        collections.insert(c.as_str().into(), json!(geojson_path(c)));
    }
    let mut index = json!({
        "landing": LANDING,
        "basemap": BASEMAP_TILEJSON,
        "stories": STORIES,
        "story": story_path("{id}"),
        "collections": collections,
    });
    for c in WITHOUT_GEOMETRY {
        index[c.as_str()] = json!(page_path(c));
    }
    index
}

/// Writes the landing document, the collections without geometry and the stories. `day` is the
/// export's day: a grouping's `active_members` hold for it (the page recomputes members for
/// its own date from the history).
pub fn write_documents(site: &mut Site, catalog: &Catalog, day: NaiveDate) -> anyhow::Result<()> {
    let landing = json!({
        "title": "forcemap",
        "description": "A static copy of the forcemap map: the page, the data as GeoJSON, \
                        CSV, FlatGeobuf and KML, and vector tiles. See manifest.json.",
        "coverage": catalog.coverage_document,
    });
    site.write(
        LANDING,
        &to_json(&landing)?,
        "the landing document: the data's declared coverage",
    )?;
    for c in WITHOUT_GEOMETRY {
        let body = collection_document(catalog, c, true, day)?;
        site.write(
            &page_path(c),
            &body,
            format!("{}, without geometry, for the map page", c.title()),
        )?;
    }
    write_stories(site, catalog)
}

fn write_stories(site: &mut Site, catalog: &Catalog) -> anyhow::Result<()> {
    let list: Vec<Value> = catalog
        .stories
        .iter()
        .map(
            |s| json!({"id": s.id, "title": s.title, "summary": s.summary, "steps": s.steps.len()}),
        )
        .collect();
    site.write(
        STORIES,
        &to_json(&json!({ "stories": list }))?,
        "the list of stories",
    )?;
    for story in &catalog.stories {
        // Story ids are checked at load; a file name is a stricter place than a URL path.
        anyhow::ensure!(
            !story.id.is_empty()
                && story
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "story id {:?} cannot be a file name",
            story.id
        );
        site.write(
            &story_path(&story.id),
            &to_json(&Value::Object(story.document.clone()))?,
            format!("the story \"{}\"", story.title),
        )?;
    }
    Ok(())
}

/// Writes the basemap's TileJSON. Its tile address is the archive beside it, relative, in the
/// form the PMTiles protocol of the page reads (`pmtiles://basemap.pmtiles/{z}/{x}/{y}`), so
/// the document holds wherever the export is put.
pub fn write_basemap_tilejson(
    site: &mut Site,
    archive: &TileArchive,
    archive_path: &str,
) -> anyhow::Result<()> {
    let tilejson = archive.tilejson(&format!("pmtiles://{archive_path}/{{z}}/{{x}}/{{y}}"));
    site.write(
        BASEMAP_TILEJSON,
        &to_json(&tilejson)?,
        "the basemap's TileJSON (layers, zooms, attribution)",
    )
}

fn to_json(value: &Value) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}
