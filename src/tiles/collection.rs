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
    buffered_tile_bounds_lonlat, encode_tile_with, PropertyValue, TileFeature, TileOptions,
};
use crate::catalog::{Catalog, Collection, Envelope};
use crate::model::{CollectionId, DateSpan, Feature, PropertyValue as StoredValue};
use crate::query::params::reference_day;
use chrono::NaiveDate;
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
pub fn collection_tile(
    catalog: &Catalog,
    collection: CollectionId,
    (z, x, y): (u8, u32, u32),
    datetime: Option<&DateSpan>,
    today: NaiveDate,
) -> Vec<u8> {
    let features = tile_features(catalog, collection, (z, x, y), datetime, today);
    if features.is_empty() {
        return Vec::new();
    }
    encode_tile_with(
        z,
        x,
        y,
        &[(collection.as_str(), features)],
        &TileOptions::default(),
    )
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
    let options = TileOptions::default();
    let source = catalog.collection(collection);
    let day = reference_day(datetime, today);
    let mut features = Vec::new();
    for position in candidates(catalog, collection, (z, x, y), options.buffer) {
        let feature = &source.features()[position];
        let validity = feature.validity.span();
        if datetime.is_some_and(|span| !validity.intersects(span)) {
            continue;
        }
        let Some(geometry) = catalog.geometry_on(collection, position, day) else {
            continue;
        };
        let mut properties = curated_properties(feature);
        properties.extend(validity_days(&validity));
        features.push(TileFeature {
            id: Some(position as u64),
            geometry,
            properties,
        });
    }
    features
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
    let day = |d: NaiveDate| PropertyValue::Int(epoch_day(d));
    [
        span.start.map(|d| (VALID_FROM_DAY, day(d))),
        span.end.map(|d| (VALID_TO_DAY, day(d))),
    ]
    .into_iter()
    .flatten()
    .collect()
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

/// A curated property as an MVT value; nested values become their JSON text, null is left out.
/// A stored value as a tile property, read from the store without building a `serde_json`
/// value: numbers from their JSON text, arrays and objects written as JSON text.
fn property_value(value: StoredValue) -> Option<PropertyValue> {
    Some(match value {
        StoredValue::Null => return None,
        StoredValue::Bool(b) => PropertyValue::Bool(b),
        StoredValue::Number(text) => match (text.parse::<u64>(), text.parse::<i64>()) {
            (Ok(u), _) => PropertyValue::UInt(u),
            (_, Ok(i)) => PropertyValue::Int(i),
            _ => PropertyValue::Double(text.parse::<f64>().ok()?),
        },
        StoredValue::String(s) => PropertyValue::String(s.to_string()),
        nested => {
            let mut text = Vec::new();
            nested.write_json(&mut text);
            PropertyValue::String(String::from_utf8(text).ok()?)
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
