//! The collections as one PMTiles archive of vector tiles: one layer per dated collection
//! (installations, forces, events, routes), each feature with its validity as
//! `valid_from_day`/`valid_to_day`, the features made exactly as the server's
//! `/tiles/{collection}/…` tiles are (`tiles/collection.rs`), so one archive serves every date.
//!
//! A `groupings` layer follows (`grouping_tiles.rs`): a grouping's footprint changes with its
//! members, so it holds one feature per grouping per membership epoch, dated the same way, up
//! to a lower zoom of its own ([`GROUPINGS_MAX_ZOOM`]).
//!
//! Only tiles near a feature are visited: each zoom takes the tiles that a feature part's
//! envelope covers, one tile more on each side for the buffer, and keeps those with features.

use super::documents::DATED;
use super::grouping_tiles::{
    epoch_features, footprint_envelopes, groupings_fields, GroupingsZoom, GROUPINGS_LAYER,
    GROUPINGS_MAX_ZOOM,
};
use crate::catalog::{Catalog, Envelope};
use crate::tiles::basemap::BASEMAP_CENTER;
use crate::tiles::collection::{tile_features, vector_fields};
use crate::tiles::mvt::{encode_layers, lonlat_to_tile, tile_layers, tiles_per_side, TileOptions};
use anyhow::Context;
use chrono::NaiveDate;
use pmtiles::{PmTilesWriter, TileCoord, TileId, TileType};
use serde_json::json;
use std::collections::BTreeSet;
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Highest zoom of the archive. Positions are known to a kilometre at best (`site`
/// precision); at zoom 10 one tile unit is under 10 m, so deeper tiles would add nothing a
/// client cannot draw by overzooming, while the routes would multiply the tiles by four a zoom.
pub const COLLECTIONS_MAX_ZOOM: u8 = 10;

/// Title written into the archive metadata.
pub const COLLECTIONS_ARCHIVE_NAME: &str = "forcemap collections";

/// Builds the archive for zooms `0..=max_zoom`. `progress` counts the tiles visited.
pub fn build_collections_archive(
    catalog: &Catalog,
    max_zoom: u8,
    today: NaiveDate,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Vec<u8>> {
    let envelopes: Vec<Envelope> = DATED
        .iter()
        .flat_map(|&c| catalog.collection(c).features().iter())
        .flat_map(|f| Envelope::parts(f.geometry.as_ref()))
        .collect();
    let epochs = epoch_features(catalog);
    let footprints = footprint_envelopes(&epochs);
    let groupings_max_zoom = GROUPINGS_MAX_ZOOM.min(max_zoom);
    let bounds = envelopes
        .iter()
        .chain(&footprints)
        .copied()
        .reduce(Envelope::merge)
        .unwrap_or(Envelope::new(-180.0, -85.0, 180.0, 85.0));
    let levels: Vec<BTreeSet<(u32, u32)>> = (0..=max_zoom)
        .map(|z| {
            let mut tiles = tiles_near(&envelopes, z);
            if z <= groupings_max_zoom {
                tiles.extend(tiles_near(&footprints, z));
            }
            tiles
        })
        .collect();
    progress.set_length(levels.iter().map(|l| l.len() as u64).sum());
    progress.set_position(0);

    let (lon, lat, zoom) = BASEMAP_CENTER;
    let mut out = Cursor::new(Vec::new());
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .min_zoom(0)
        .max_zoom(max_zoom)
        .bounds(bounds.min[0], bounds.min[1], bounds.max[0], bounds.max[1])
        .center(lon, lat)
        .center_zoom(zoom.min(max_zoom))
        .metadata(metadata(catalog, max_zoom, groupings_max_zoom).to_string())
        .create(&mut out)
        .context("starting the collections archive")?;
    let options = TileOptions::default();
    for (z, level) in (0..=max_zoom).zip(&levels) {
        let groupings = (z <= groupings_max_zoom).then(|| GroupingsZoom::new(&epochs, z, &options));
        let columns = columns_of(level);
        let next_column = AtomicUsize::new(0);
        let results = Mutex::new(Vec::new());
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(columns.len().max(1));
        // Columns are built side by side, as the basemap's are; each thread takes the next.
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    let mut local: Vec<(u64, Vec<u8>)> = Vec::new();
                    while let Some((x, rows)) =
                        columns.get(next_column.fetch_add(1, Ordering::Relaxed))
                    {
                        let column = groupings.as_ref().map(|g| g.column(*x));
                        for &y in rows {
                            progress.inc(1);
                            let layers: Vec<(&str, _)> = DATED
                                .iter()
                                .map(|&c| {
                                    (
                                        c.as_str(),
                                        tile_features(catalog, c, (z, *x, y), None, today),
                                    )
                                })
                                .filter(|(_, features)| !features.is_empty())
                                .collect();
                            let mut layers = tile_layers(z, *x, y, &layers, &options);
                            if let (Some(g), Some(column)) = (&groupings, &column) {
                                layers.layers.extend(g.layer(column, y));
                            }
                            let tile = encode_layers(layers);
                            if !tile.is_empty() {
                                let coord = TileCoord::new(z, *x, y).expect("tile within its zoom");
                                local.push((TileId::from(coord).value(), tile));
                            }
                        }
                    }
                    results.lock().expect("no panics").extend(local);
                });
            }
        });
        let mut tiles = results.into_inner().expect("no panics");
        tiles.sort_unstable_by_key(|(id, _)| *id);
        for (id, tile) in &tiles {
            let coord = TileCoord::from(TileId::new(*id).context("tile id")?);
            writer
                .add_tile(coord, tile)
                .context("writing a collections tile")?;
        }
    }
    writer
        .finalize()
        .context("finishing the collections archive")?;
    Ok(out.into_inner())
}

/// The tiles of one zoom by column: each column's `x` with its rows, in order.
fn columns_of(tiles: &BTreeSet<(u32, u32)>) -> Vec<(u32, Vec<u32>)> {
    let mut columns: Vec<(u32, Vec<u32>)> = Vec::new();
    for &(x, y) in tiles {
        match columns.last_mut() {
            Some((last, rows)) if *last == x => rows.push(y),
            _ => columns.push((x, vec![y])),
        }
    }
    columns
}

/// The tiles of zoom `z` that an envelope covers, widened by one tile each way (the tile
/// buffer reaches into the neighbours), clamped to the grid.
fn tiles_near(envelopes: &[Envelope], z: u8) -> BTreeSet<(u32, u32)> {
    let last = tiles_per_side(z) - 1;
    let mut tiles = BTreeSet::new();
    for e in envelopes {
        let (west, north) = lonlat_to_tile(e.min[0], e.max[1], z);
        let (east, south) = lonlat_to_tile(e.max[0], e.min[1], z);
        for x in west.saturating_sub(1)..=(east + 1).min(last) {
            for y in north.saturating_sub(1)..=(south + 1).min(last) {
                tiles.insert((x, y));
            }
        }
    }
    tiles
}

fn metadata(catalog: &Catalog, max_zoom: u8, groupings_max_zoom: u8) -> serde_json::Value {
    let mut layers: Vec<_> = DATED
        .iter()
        .map(|&c| {
            json!({
                "id": c.as_str(),
                "description": c.title(),
                "minzoom": 0,
                "maxzoom": max_zoom,
                "fields": vector_fields(catalog.collection(c)),
            })
        })
        .collect();
    layers.push(json!({
        "id": GROUPINGS_LAYER,
        "description": "Groupings' footprints, one per membership epoch",
        "minzoom": 0,
        "maxzoom": groupings_max_zoom,
        "fields": groupings_fields(catalog),
    }));
    json!({
        "name": COLLECTIONS_ARCHIVE_NAME,
        "description": "Installations, forces, events and routes of every date, and each \
                        grouping's footprint per membership epoch (to a lower zoom, overzoomed \
                        beyond it); each feature carries valid_from_day and valid_to_day (days \
                        since 1970-01-01)",
        "attribution": "forcemap curated data (see each feature's sources)",
        "version": "1.0.0",
        "type": "overlay",
        "format": "pbf",
        "generator": concat!("forcemap ", env!("CARGO_PKG_VERSION")),
        "vector_layers": layers,
    })
}
