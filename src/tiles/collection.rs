//! Vector tiles of one catalog collection, made on request: the features whose R-tree
//! envelope meets the tile's buffered bounds, encoded by the MVT encoder into one layer named
//! after the collection.
//!
//! Each feature keeps its curated properties (arrays and objects, such as `sources`, as JSON
//! text; nulls left out), its string `id`, and its validity as two numbers a map style can
//! compare without parsing dates:
//!
//! - `valid_from_day`: days since 1970-01-01 of the first day `valid_from` covers (1 January
//!   for `1993`, 1 December for `1993-12`);
//! - `valid_to_day`: days since 1970-01-01 of the last day `valid_to` covers (31 December for
//!   `1993`);
//!
//! each absent when that end is open or unknown. One tile therefore serves every date: a client
//! shows the features with `valid_from_day <= day <= valid_to_day`, a missing end meaning no
//! bound. With a `datetime`, only the features whose validity meets it are kept. Grouping
//! footprints are derived per date, so a groupings tile draws them as of the request's
//! reference day (`query::params::reference_day`: the instant asked, or the end of the interval,
//! or today). The MVT feature id is the feature's position in its collection, stable for one
//! data version.

use super::mvt::{
    buffered_tile_bounds_lonlat, is_valid_tile, tile_parts, LayerWriter, PropertyValue,
    TileFeature, TileOptions, TileWindow, ValueRef,
};
use crate::catalog::{Catalog, Collection, Envelope};
use crate::model::{CollectionId, DateSpan, Feature, PropertyValue as StoredValue};
use crate::query::params::reference_day;
use chrono::NaiveDate;
use geo::Geometry;
use hashbrown::HashMap;
use serde_json::{json, Map, Value};

/// Property holding the first day of validity, in days since 1970-01-01.
pub const VALID_FROM_DAY: &str = "valid_from_day";
/// Property holding the last day of validity, in days since 1970-01-01.
pub const VALID_TO_DAY: &str = "valid_to_day";

/// Highest zoom served: a site-precision point is placed to about a kilometre, which zoom 16
/// already shows at a few hundred pixels; clients draw deeper zooms from these tiles.
pub const MAX_ZOOM: u8 = 16;

/// Days from 1970-01-01 to `day` (negative before it).
pub fn epoch_day(day: NaiveDate) -> i64 {
    (day - NaiveDate::default()).num_days()
}

/// Tile `z/x/y` of `collection` as an uncompressed MVT, empty when no feature reaches the
/// tile. `datetime`, when given, keeps only the features valid at some time in it; `today` is
/// the day groupings are drawn for when `datetime` names none.
///
/// The bytes are those of the general encoder over [`tile_features`] (one layer named after
/// the collection), written without a `TileFeature` per feature: properties go from the
/// property store into the layer's tables, each pooled text looked up once per tile.
pub fn collection_tile(
    catalog: &Catalog,
    collection: CollectionId,
    (z, x, y): (u8, u32, u32),
    datetime: Option<&DateSpan>,
    today: NaiveDate,
) -> Vec<u8> {
    if !is_valid_tile(z, x, y) {
        return Vec::new();
    }
    let options = TileOptions::default();
    let window = TileWindow::new(x, y, options.buffer);
    let lonlat_window = window.lonlat_bounds(z);
    let positions = candidates(catalog, collection, (z, x, y), options.buffer);
    let mut tags = PooledTags::with_capacity(positions.len());
    visible_features(
        catalog,
        collection,
        positions,
        datetime,
        today,
        |position, feature, geometry, validity| {
            // Keys and values enter the tables when a part of the feature is written, as the
            // general encoder adds them, so both give the same table order.
            let mut written = false;
            tile_parts(geometry, z, &window, &lonlat_window, &options, |part| {
                if !written {
                    tags.collect(feature, validity);
                    written = true;
                }
                tags.layer.add(part, Some(position as u64), &tags.tags);
            });
        },
    );
    let mut tile = Vec::new();
    tags.layer.finish_into(collection.as_str(), &mut tile);
    tile
}

/// The features of `collection` that reach the buffered tile `z/x/y`, with their properties
/// and validity days, ready for one layer of a tile (the static export puts several
/// collections' layers into one tile).
pub fn tile_features<'a>(
    catalog: &'a Catalog,
    collection: CollectionId,
    (z, x, y): (u8, u32, u32),
    datetime: Option<&DateSpan>,
    today: NaiveDate,
) -> Vec<TileFeature<'a>> {
    let mut features = Vec::new();
    let buffer = TileOptions::default().buffer;
    visible_features(
        catalog,
        collection,
        candidates(catalog, collection, (z, x, y), buffer),
        datetime,
        today,
        |position, feature, geometry, validity| {
            let mut properties = curated_properties(feature);
            properties.extend(validity_days(validity));
            features.push(TileFeature {
                id: Some(position as u64),
                geometry,
                properties,
            });
        },
    );
    features
}

/// Calls `visit` with the position, feature, geometry (as of the reference day) and validity
/// of each feature of `collection` at `positions` (its [`candidates`] for a tile) whose
/// validity meets `datetime`, in the order given.
fn visible_features<'a>(
    catalog: &'a Catalog,
    collection: CollectionId,
    positions: Vec<usize>,
    datetime: Option<&DateSpan>,
    today: NaiveDate,
    mut visit: impl FnMut(usize, &'a Feature, &'a Geometry<f64>, &DateSpan),
) {
    let source = catalog.collection(collection);
    let day = reference_day(datetime, today);
    for position in positions {
        let feature = &source.features()[position];
        let validity = feature.validity.span();
        if datetime.is_some_and(|span| !validity.intersects(span)) {
            continue;
        }
        let Some(geometry) = catalog.geometry_on(collection, position, day) else {
            continue;
        };
        visit(position, feature, geometry, &validity);
    }
}

/// Pooled strings at least this long are looked up by address, shorter ones by their text: a
/// long text (a summary many features share) costs more to hash and copy than a lookup of
/// its address, while short ones (names, kinds, countries) are cheap to hash and a table of
/// their addresses would be one more cache miss for each name seen once.
const REMEMBERED_TEXT: usize = 128;

/// One tile layer's writer with the indices its tables gave to the property store's texts.
///
/// A pooled key or value is one slice of its collection's pool, alive for the whole tile, so
/// the same address and length always hold the same text: the index found for a key or a long
/// string the first time is kept by address, and the text is hashed once per tile rather than
/// once per feature.
struct PooledTags<'a> {
    layer: LayerWriter,
    keys: HashMap<(usize, usize), u32>,
    /// Long pooled strings by address and length.
    values: HashMap<(usize, usize), u32>,
    /// The properties of the feature being written, read once.
    entries: Vec<(&'a str, StoredValue<'a>)>,
    /// The tags of the feature being written.
    tags: Vec<u32>,
    /// JSON text of a nested value, reused.
    json: Vec<u8>,
}

impl<'a> PooledTags<'a> {
    /// Tables sized for about `features` features, so that they rarely grow.
    fn with_capacity(features: usize) -> Self {
        Self {
            layer: LayerWriter::with_capacity(features),
            keys: HashMap::new(),
            values: HashMap::new(),
            entries: Vec::new(),
            tags: Vec::new(),
            json: Vec::new(),
        }
    }

    /// Sets `tags` to the feature's tile properties, in the order [`curated_properties`] and
    /// [`validity_days`] give them.
    fn collect(&mut self, feature: &'a Feature, validity: &DateSpan) {
        self.tags.clear();
        self.entries.clear();
        self.entries.extend(feature.properties.iter());
        if !self.entries.iter().any(|(key, _)| *key == "id") {
            let (key, value) = (
                self.layer.key("id"),
                self.layer.value(ValueRef::String(&feature.id)),
            );
            self.tags.extend([key, value]);
        }
        for index in 0..self.entries.len() {
            let (key, value) = self.entries[index];
            if matches!(key, VALID_FROM_DAY | VALID_TO_DAY) {
                continue;
            }
            let Some(value) = self.value(value) else {
                continue;
            };
            let key = *self
                .keys
                .entry((key.as_ptr() as usize, key.len()))
                .or_insert_with(|| self.layer.key(key));
            self.tags.extend([key, value]);
        }
        for (key, day) in validity_day_numbers(validity).into_iter().flatten() {
            let (key, value) = (self.layer.key(key), self.layer.value(ValueRef::Int(day)));
            self.tags.extend([key, value]);
        }
    }

    /// The table index of a stored value, `None` for null.
    fn value(&mut self, value: StoredValue<'_>) -> Option<u32> {
        let pooled = match value {
            StoredValue::String(text) if text.len() >= REMEMBERED_TEXT => Some(text),
            _ => None,
        };
        let Some(text) = pooled else {
            let value = tile_value(value, &mut self.json)?;
            return Some(self.layer.value(value));
        };
        let slot = (text.as_ptr() as usize, text.len());
        if let Some(&index) = self.values.get(&slot) {
            return Some(index);
        }
        let index = self.layer.value(tile_value(value, &mut self.json)?);
        self.values.insert(slot, index);
        Some(index)
    }
}

/// A feature's properties as its tile feature carries them: its string `id`, then each curated
/// property (nested values as JSON text, nulls left out), without the validity days.
pub fn curated_properties(feature: &Feature) -> Vec<(&str, PropertyValue)> {
    let mut properties: Vec<(&str, PropertyValue)> = Vec::new();
    if !feature.properties.contains_key("id") {
        properties.push(("id", PropertyValue::from(feature.id.as_str())));
    }
    properties.extend(
        feature
            .properties
            .iter()
            .filter(|(key, _)| !matches!(*key, VALID_FROM_DAY | VALID_TO_DAY))
            .filter_map(|(key, value)| Some((key, property_value(value)?))),
    );
    properties
}

/// `valid_from_day` and `valid_to_day` of a span, each left out where the span is open.
pub fn validity_days(span: &DateSpan) -> Vec<(&'static str, PropertyValue)> {
    validity_day_numbers(span)
        .into_iter()
        .flatten()
        .map(|(key, day)| (key, PropertyValue::Int(day)))
        .collect()
}

/// The validity days of a span by name, `None` for an open end.
fn validity_day_numbers(span: &DateSpan) -> [Option<(&'static str, i64)>; 2] {
    [
        span.start.map(|d| (VALID_FROM_DAY, epoch_day(d))),
        span.end.map(|d| (VALID_TO_DAY, epoch_day(d))),
    ]
}

/// The fields a collection's tile layer carries, as TileJSON `vector_layers` name them: `id`,
/// each curated property (nested values as text) and the two validity days.
pub fn vector_fields(collection: &Collection) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), json!("String"));
    for (name, schema) in collection.property_schemas() {
        let kind = match schema.get("type").and_then(Value::as_str) {
            Some("number" | "integer") => "Number",
            Some("boolean") => "Boolean",
            _ => "String",
        };
        fields.insert(name.clone(), json!(kind));
    }
    fields.insert(VALID_FROM_DAY.into(), json!("Number"));
    fields.insert(VALID_TO_DAY.into(), json!("Number"));
    fields
}

/// Positions of the features with a part in the buffered tile, ascending and without repeats.
/// The buffer of a tile at the world's edge reaches past ±180°, where the other edge's
/// features are drawn again, so that part is searched at its own longitudes.
fn candidates(
    catalog: &Catalog,
    collection: CollectionId,
    (z, x, y): (u8, u32, u32),
    buffer: u32,
) -> Vec<usize> {
    let bounds = buffered_tile_bounds_lonlat(z, x, y, buffer);
    let (south, north) = (bounds.min().y, bounds.max().y);
    let (west, east) = (bounds.min().x, bounds.max().x);
    let mut areas = vec![Envelope::new(
        west.max(-180.0),
        south,
        east.min(180.0),
        north,
    )];
    if west < -180.0 {
        areas.push(Envelope::new(west + 360.0, south, 180.0, north));
    }
    if east > 180.0 {
        areas.push(Envelope::new(-180.0, south, east - 360.0, north));
    }
    let source = catalog.collection(collection);
    let mut found: Vec<usize> = areas.iter().flat_map(|a| source.candidates(a)).collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// A stored value as a tile property, read from the store without building a `serde_json`
/// value: numbers from their JSON text, arrays and objects written as JSON text; null is left
/// out.
fn property_value(value: StoredValue) -> Option<PropertyValue> {
    tile_value(value, &mut Vec::new()).map(PropertyValue::from)
}

/// [`property_value`] borrowed: strings from the store, nested values written into `json`.
fn tile_value<'v>(value: StoredValue<'v>, json: &'v mut Vec<u8>) -> Option<ValueRef<'v>> {
    Some(match value {
        StoredValue::Null => return None,
        StoredValue::Bool(b) => ValueRef::Bool(b),
        StoredValue::Number(text) => match (text.parse::<u64>(), text.parse::<i64>()) {
            (Ok(u), _) => ValueRef::UInt(u),
            (_, Ok(i)) => ValueRef::Int(i),
            _ => ValueRef::Double(text.parse::<f64>().ok()?),
        },
        StoredValue::String(s) => ValueRef::String(s),
        nested => {
            json.clear();
            nested.write_json(json);
            ValueRef::String(std::str::from_utf8(json).ok()?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_days_count_from_1970() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(epoch_day(day(1970, 1, 1)), 0);
        assert_eq!(epoch_day(day(1970, 2, 1)), 31);
        assert_eq!(epoch_day(day(1969, 12, 31)), -1);
        // 2000-01-01 is 10 957 days on (30 years with 7 leap days).
        assert_eq!(epoch_day(day(2000, 1, 1)), 30 * 365 + 7);
    }

    #[test]
    fn properties_keep_their_types_and_nested_values_become_text() {
        let stored = crate::model::Properties::from_map(
            json!({"null": null, "u": 3, "i": -3, "f": 0.5, "b": true, "nested": ["a", 1]})
                .as_object()
                .unwrap(),
        );
        let property_value = |json: Value| {
            let key = stored
                .iter()
                .find(|(_, v)| v.to_value() == json)
                .map(|(k, _)| k)
                .unwrap();
            super::property_value(stored.get(key).unwrap())
        };
        assert_eq!(property_value(json!(null)), None);
        assert_eq!(property_value(json!(3)), Some(PropertyValue::UInt(3)));
        assert_eq!(property_value(json!(-3)), Some(PropertyValue::Int(-3)));
        assert_eq!(property_value(json!(0.5)), Some(PropertyValue::Double(0.5)));
        assert_eq!(property_value(json!(true)), Some(PropertyValue::Bool(true)));
        assert_eq!(
            property_value(json!(["a", 1])),
            Some(PropertyValue::String("[\"a\",1]".into()))
        );
    }
}
