//! The `groupings` layer of the collections archive: one tile feature per grouping per
//! membership epoch (`Catalog::grouping_epochs`), its geometry that epoch's footprint, so the
//! page can show a grouping's territory on any date by filtering on the validity days as it
//! does for the other layers.
//!
//! Each feature carries the grouping's curated properties as its dynamic tiles do
//! (`tiles::collection::curated_properties`: nested values as JSON text), then:
//!
//! - `active_members`: the ISO3 codes of the epoch's members as JSON text (`["ARM","BLR"]`),
//!   in first-joined order, as the API's `active_members` lists them;
//! - `epoch_start` / `epoch_end`: the epoch's first and last day as ISO dates (`epoch_end`
//!   absent while it lasts);
//! - `valid_from_day` / `valid_to_day`: the same two days as day numbers.
//!
//! The MVT feature id is the feature's place in the layer (epochs of groupings in collection
//! order), unique in the layer and stable for one data version.
//!
//! Footprints are large (Russia at 1:10m), so the layer stops at [`GROUPINGS_MAX_ZOOM`] and is
//! built as the basemap is: each footprint is projected and simplified once per zoom, clipped
//! once per tile column, and the column's pieces clipped per tile.

use crate::catalog::{Catalog, Envelope};
use crate::model::{CollectionId, DateSpan};
use crate::tiles::collection::{curated_properties, validity_days, vector_fields};
use crate::tiles::mvt::{
    Axis, LayerBuilder, PixelGeometry, PropertyValue, TileOptions, TileWindow,
};
use geo::{Geometry, Rect};
use geozero::mvt::tile;
use serde_json::{json, Map, Value};

/// Name of the layer.
pub const GROUPINGS_LAYER: &str = "groupings";

/// Highest zoom of the groupings layer. A footprint is a union of countries; at zoom 6 a tile
/// unit is about 40 m, finer than the 1:10m borders it is made of, and clients overzoom the
/// rest, while each zoom deeper would multiply the footprint tiles by four.
pub const GROUPINGS_MAX_ZOOM: u8 = 6;

/// Members of the epoch, as JSON text.
pub const ACTIVE_MEMBERS: &str = "active_members";
/// First day of the epoch, `YYYY-MM-DD`.
pub const EPOCH_START: &str = "epoch_start";
/// Last day of the epoch, `YYYY-MM-DD`; absent while the epoch lasts.
pub const EPOCH_END: &str = "epoch_end";

/// One grouping in one epoch, as its tile features carry it.
pub struct EpochFeature<'a> {
    geometry: &'a Geometry<f64>,
    properties: Vec<(&'a str, PropertyValue)>,
}

/// Every grouping's epochs that have a footprint, in collection order.
pub fn epoch_features(catalog: &Catalog) -> Vec<EpochFeature<'_>> {
    let groupings = catalog.collection(CollectionId::Groupings).features();
    let mut features = Vec::new();
    for (position, grouping) in groupings.iter().enumerate() {
        for epoch in catalog.grouping_epochs(position) {
            let Some(geometry) = epoch.footprint else {
                continue;
            };
            let mut properties = curated_properties(grouping);
            properties.push((ACTIVE_MEMBERS, json!(epoch.members).to_string().into()));
            properties.extend(epoch_dates(&epoch.span));
            properties.extend(validity_days(&epoch.span));
            features.push(EpochFeature {
                geometry,
                properties,
            });
        }
    }
    features
}

fn epoch_dates(span: &DateSpan) -> Vec<(&'static str, PropertyValue)> {
    [
        span.start.map(|d| (EPOCH_START, d.to_string().into())),
        span.end.map(|d| (EPOCH_END, d.to_string().into())),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The envelope of each part of every footprint, for choosing the tiles to visit.
pub fn footprint_envelopes(features: &[EpochFeature<'_>]) -> Vec<Envelope> {
    features
        .iter()
        .flat_map(|f| Envelope::parts(Some(f.geometry)))
        .collect()
}

/// The layer's fields for the archive's `vector_layers`: the groupings' fields in their
/// dynamic tiles, with the epoch's members and days in place of the API's `as_of`.
pub fn groupings_fields(catalog: &Catalog) -> Map<String, Value> {
    let mut fields = vector_fields(catalog.collection(CollectionId::Groupings));
    fields.remove("as_of");
    for name in [ACTIVE_MEMBERS, EPOCH_START, EPOCH_END] {
        fields.insert(name.into(), json!("String"));
    }
    fields
}

/// A footprint (or a piece of one) in world pixels of one zoom.
struct Piece {
    feature: usize,
    geometry: PixelGeometry,
    bbox: Rect<f64>,
}

/// The layer's features for one zoom, projected and simplified once; a tile's layer is cut
/// from its column's pieces ([`GroupingsZoom::column`]), so each footprint is clipped once per
/// column, and columns can be built side by side.
pub struct GroupingsZoom<'f, 'a> {
    features: &'f [EpochFeature<'a>],
    projected: Vec<Piece>,
    options: TileOptions,
}

/// The footprints' pieces within one buffered tile column.
pub struct GroupingsColumn {
    x: u32,
    pieces: Vec<Piece>,
}

impl<'f, 'a> GroupingsZoom<'f, 'a> {
    pub fn new(features: &'f [EpochFeature<'a>], z: u8, options: &TileOptions) -> Self {
        let mut projected = Vec::new();
        let mut parts = Vec::new();
        for (i, f) in features.iter().enumerate() {
            PixelGeometry::project(f.geometry, z, &mut parts);
            for part in parts.drain(..) {
                let geometry = part.simplify(options.tolerance);
                if let Some(bbox) = geometry.bounding_rect() {
                    projected.push(Piece {
                        feature: i,
                        geometry,
                        bbox,
                    });
                }
            }
        }
        GroupingsZoom {
            features,
            projected,
            options: *options,
        }
    }

    /// The pieces of tile column `x`.
    pub fn column(&self, x: u32) -> GroupingsColumn {
        let window = TileWindow::new(x, 0, self.options.buffer);
        GroupingsColumn {
            x,
            pieces: clip_all(&self.projected, Axis::X, window.min.x, window.max.x),
        }
    }

    /// The layer of tile `x/y` of this zoom (`column` being column `x`), `None` when no
    /// footprint reaches it.
    pub fn layer(&self, column: &GroupingsColumn, y: u32) -> Option<tile::Layer> {
        let options = self.options;
        let window = TileWindow::new(column.x, y, options.buffer);
        let mut layer = LayerBuilder::new();
        for piece in clip_all(&column.pieces, Axis::Y, window.min.y, window.max.y) {
            let feature = &self.features[piece.feature];
            layer.add(
                &piece.geometry,
                window.origin,
                options.min_ring_area,
                Some(piece.feature as u64),
                &feature.properties,
            );
        }
        layer.finish(GROUPINGS_LAYER)
    }
}

/// The part of each piece with `min <= axis <= max`, pieces left empty dropped.
fn clip_all(pieces: &[Piece], axis: Axis, min: f64, max: f64) -> Vec<Piece> {
    let range = |r: &Rect<f64>| match axis {
        Axis::X => (r.min().x, r.max().x),
        Axis::Y => (r.min().y, r.max().y),
    };
    pieces
        .iter()
        .filter(|p| {
            let (lo, hi) = range(&p.bbox);
            hi >= min && lo <= max
        })
        .filter_map(|p| {
            let geometry = p.geometry.clip(axis, min, max)?;
            Some(Piece {
                feature: p.feature,
                bbox: geometry.bounding_rect()?,
                geometry,
            })
        })
        .collect()
}
