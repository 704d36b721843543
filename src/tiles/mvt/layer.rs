//! The MVT layer encoder: typed property values and one layer's features, keys and values, as
//! geozero's MVT writer and tag table produce them.

use super::pixel::PixelGeometry;
use super::EXTENT;
use geo::{Coord, Geometry};
use geozero::mvt::{tile, TagsBuilder, TileValue};
use geozero::ToMvt;

/// MVT layer format version written into every layer.
const MVT_VERSION: u32 = 2;

/// A typed MVT property value.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// Text.
    String(String),
    /// Signed integer (written as `sint_value`).
    Int(i64),
    /// Unsigned integer (written as `uint_value`).
    UInt(u64),
    /// Floating point number (written as `double_value`).
    Double(f64),
    /// Boolean.
    Bool(bool),
}

impl From<&str> for PropertyValue {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}
impl From<String> for PropertyValue {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}
impl From<i64> for PropertyValue {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<i32> for PropertyValue {
    fn from(v: i32) -> Self {
        Self::Int(i64::from(v))
    }
}
impl From<u64> for PropertyValue {
    fn from(v: u64) -> Self {
        Self::UInt(v)
    }
}
impl From<u32> for PropertyValue {
    fn from(v: u32) -> Self {
        Self::UInt(u64::from(v))
    }
}
impl From<f64> for PropertyValue {
    fn from(v: f64) -> Self {
        Self::Double(v)
    }
}
impl From<bool> for PropertyValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl PropertyValue {
    /// The value borrowed, as [`LayerWriter`](super::LayerWriter) takes it.
    pub fn as_ref(&self) -> super::ValueRef<'_> {
        match self {
            PropertyValue::String(s) => super::ValueRef::String(s),
            PropertyValue::Int(i) => super::ValueRef::Int(*i),
            PropertyValue::UInt(u) => super::ValueRef::UInt(*u),
            PropertyValue::Double(d) => super::ValueRef::Double(*d),
            PropertyValue::Bool(b) => super::ValueRef::Bool(*b),
        }
    }
}

impl From<super::ValueRef<'_>> for PropertyValue {
    fn from(v: super::ValueRef<'_>) -> Self {
        match v {
            super::ValueRef::String(s) => PropertyValue::String(s.to_owned()),
            super::ValueRef::Int(i) => PropertyValue::Int(i),
            super::ValueRef::UInt(u) => PropertyValue::UInt(u),
            super::ValueRef::Double(d) => PropertyValue::Double(d),
            super::ValueRef::Bool(b) => PropertyValue::Bool(b),
        }
    }
}

impl From<PropertyValue> for TileValue {
    fn from(v: PropertyValue) -> Self {
        match v {
            PropertyValue::String(s) => TileValue::Str(s),
            PropertyValue::Int(i) => TileValue::Sint(i),
            PropertyValue::UInt(u) => TileValue::Uint(u),
            PropertyValue::Double(d) => TileValue::Double(d),
            PropertyValue::Bool(b) => TileValue::Bool(b),
        }
    }
}

/// Collects the features of one layer of one tile: geometry commands from geozero, keys and
/// values deduplicated in first-use order, so the same input always gives the same bytes.
pub(crate) struct LayerBuilder {
    tags: TagsBuilder,
    features: Vec<tile::Feature>,
}

impl LayerBuilder {
    pub fn new() -> Self {
        Self {
            tags: TagsBuilder::new(),
            features: Vec::new(),
        }
    }

    /// Quantizes `geometry` (pixel space, tile origin at `origin`) and adds it as a feature;
    /// returns whether anything was left to add.
    pub fn add(
        &mut self,
        geometry: &PixelGeometry,
        origin: Coord<f64>,
        min_ring_area: f64,
        id: Option<u64>,
        properties: &[(&str, PropertyValue)],
    ) -> bool {
        let Some(geometry) = geometry.quantize(origin, min_ring_area) else {
            return false;
        };
        self.add_quantized(&geometry, id, properties)
    }

    /// Adds a geometry already in integer tile units as a feature; returns whether it was
    /// added.
    pub fn add_quantized(
        &mut self,
        geometry: &Geometry<f64>,
        id: Option<u64>,
        properties: &[(&str, PropertyValue)],
    ) -> bool {
        // Quantized geometries always have enough points, so the writer does not fail.
        let Ok(mut feature) = geometry.to_mvt_unscaled() else {
            return false;
        };
        feature.id = id;
        for (key, value) in properties {
            let (k, v) = self.tags.insert_ref(key, value.clone().into());
            feature.tags.push(k);
            feature.tags.push(v);
        }
        self.features.push(feature);
        true
    }

    /// The finished layer, or `None` when no feature was added.
    pub fn finish(self, name: &str) -> Option<tile::Layer> {
        if self.features.is_empty() {
            return None;
        }
        let (keys, values) = self.tags.into_tags();
        Some(tile::Layer {
            version: MVT_VERSION,
            name: name.to_owned(),
            features: self.features,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        })
    }
}
