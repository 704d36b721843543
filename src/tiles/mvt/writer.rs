//! A layer written straight into protobuf bytes, for tiles made on request: features are
//! appended as encoded messages and keys and values are deduplicated in first-use order, so
//! the bytes are those of [`LayerBuilder`](super::LayerBuilder) followed by prost for the same
//! input, without a `tile::Feature`, an owned string or a hashed `TileValue` per property.
//!
//! Values are looked up by their encoded bytes (which tell a string from a number and one
//! number type from another), so a caller that knows two values are the same, such as the
//! property store's pooled texts, can remember the index [`LayerWriter::value`] returned and
//! skip the lookup the next time.

use super::EXTENT;
use geo::Geometry;
use geozero::mvt::tile::GeomType;
use geozero::ToMvt;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// MVT layer format version written into every layer (as `LayerBuilder` writes it).
const MVT_VERSION: u64 = 2;

/// A typed MVT value, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    String(&'a str),
    Int(i64),
    UInt(u64),
    Double(f64),
    Bool(bool),
}

/// Protobuf wire types.
const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LENGTH_DELIMITED: u32 = 2;

/// One layer of one tile being written.
pub(crate) struct LayerWriter {
    /// The encoded `features` fields of the layer, each with its tag and length.
    features: Vec<u8>,
    feature_count: usize,
    /// The encoded `keys` fields, in first-use order, and their indices by text.
    keys: Vec<u8>,
    key_spans: Vec<(usize, usize)>,
    key_index: HashTable<u32>,
    /// The encoded `values` fields (a `Value` message each), in first-use order, and their
    /// indices by encoded message.
    values: Vec<u8>,
    value_spans: Vec<(usize, usize)>,
    value_index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    /// One feature's body, reused.
    scratch: Vec<u8>,
    /// One value's message, reused.
    value_scratch: Vec<u8>,
}

impl LayerWriter {
    #[cfg(test)]
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// A writer whose tables hold about `features` features before they grow: a tile's
    /// features are counted before they are written, and growing a table rehashes it.
    pub fn with_capacity(features: usize) -> Self {
        // Most features of a tile have a few values of their own (a name, an id, sources).
        let values = features * 4;
        Self {
            features: Vec::with_capacity(features * 32),
            feature_count: 0,
            keys: Vec::new(),
            key_spans: Vec::new(),
            key_index: HashTable::new(),
            values: Vec::new(),
            value_spans: Vec::with_capacity(values),
            value_index: HashTable::with_capacity(values),
            hasher: DefaultHashBuilder::default(),
            scratch: Vec::new(),
            value_scratch: Vec::new(),
        }
    }

    /// The index of `key` in the layer's key table, added on first use.
    pub fn key(&mut self, key: &str) -> u32 {
        let hash = self.hasher.hash_one(key.as_bytes());
        let (keys, spans) = (&self.keys, &self.key_spans);
        let text = |i: u32| {
            let (start, end) = spans[i as usize];
            &keys[start..end]
        };
        if let Some(&index) = self.key_index.find(hash, |&i| text(i) == key.as_bytes()) {
            return index;
        }
        put_key(&mut self.keys, 3, LENGTH_DELIMITED);
        put_varint(&mut self.keys, key.len() as u64);
        let start = self.keys.len();
        self.keys.extend_from_slice(key.as_bytes());
        self.key_spans.push((start, self.keys.len()));
        let index = (self.key_spans.len() - 1) as u32;
        let (keys, spans, hasher) = (&self.keys, &self.key_spans, &self.hasher);
        self.key_index.insert_unique(hash, index, |&i| {
            let (start, end) = spans[i as usize];
            hasher.hash_one(&keys[start..end])
        });
        index
    }

    /// The index of `value` in the layer's value table, added on first use.
    pub fn value(&mut self, value: ValueRef<'_>) -> u32 {
        let message = &mut self.value_scratch;
        message.clear();
        match value {
            ValueRef::String(s) => {
                put_key(message, 1, LENGTH_DELIMITED);
                put_varint(message, s.len() as u64);
                message.extend_from_slice(s.as_bytes());
            }
            ValueRef::Double(d) => {
                put_key(message, 3, FIXED64);
                message.extend_from_slice(&d.to_le_bytes());
            }
            ValueRef::UInt(u) => {
                put_key(message, 5, VARINT);
                put_varint(message, u);
            }
            ValueRef::Int(i) => {
                // Signed integers are written as `sint_value` (zigzag).
                put_key(message, 6, VARINT);
                put_varint(message, ((i << 1) ^ (i >> 63)) as u64);
            }
            ValueRef::Bool(b) => {
                put_key(message, 7, VARINT);
                put_varint(message, u64::from(b));
            }
        }
        let hash = self.hasher.hash_one(&message[..]);
        let (values, spans) = (&self.values, &self.value_spans);
        let encoded = |i: u32| {
            let (start, end) = spans[i as usize];
            &values[start..end]
        };
        if let Some(&index) = self.value_index.find(hash, |&i| encoded(i) == &message[..]) {
            return index;
        }
        put_key(&mut self.values, 4, LENGTH_DELIMITED);
        put_varint(&mut self.values, message.len() as u64);
        let start = self.values.len();
        self.values.extend_from_slice(message);
        self.value_spans.push((start, self.values.len()));
        let index = (self.value_spans.len() - 1) as u32;
        let (values, spans, hasher) = (&self.values, &self.value_spans, &self.hasher);
        self.value_index.insert_unique(hash, index, |&i| {
            let (start, end) = spans[i as usize];
            hasher.hash_one(&values[start..end])
        });
        index
    }

    /// Adds one feature: a geometry already in integer tile units (as
    /// [`tile_parts`](super::tile_parts) gives it), its id and its `tags` (key and value
    /// indices, alternating).
    pub fn add(&mut self, geometry: &Geometry<f64>, id: Option<u64>, tags: &[u32]) {
        let (kind, commands) = match geometry {
            // The one common case, written directly: MoveTo(1) and the point's zigzag offsets.
            Geometry::Point(p) => {
                let zigzag = |v: f64| {
                    let v = v as i32;
                    ((v << 1) ^ (v >> 31)) as u32
                };
                (
                    GeomType::Point,
                    CommandsOf::Point([9, zigzag(p.x()), zigzag(p.y())]),
                )
            }
            other => match other.to_mvt_unscaled() {
                Ok(feature) => (feature.r#type(), CommandsOf::Other(feature.geometry)),
                // Quantized geometries always have enough points, so the writer does not fail.
                Err(_) => return,
            },
        };
        let body = &mut self.scratch;
        body.clear();
        if let Some(id) = id {
            put_key(body, 1, VARINT);
            put_varint(body, id);
        }
        put_packed(body, 2, tags.iter().copied());
        put_key(body, 3, VARINT);
        put_varint(body, kind as i32 as u64);
        put_packed(body, 4, commands.as_slice().iter().copied());
        put_key(&mut self.features, 2, LENGTH_DELIMITED);
        put_varint(&mut self.features, body.len() as u64);
        self.features.extend_from_slice(body);
        self.feature_count += 1;
    }

    /// Appends the finished layer to `tile` as a `layers` field; nothing when no feature was
    /// added.
    pub fn finish_into(self, name: &str, tile: &mut Vec<u8>) {
        if self.feature_count == 0 {
            return;
        }
        let mut tail = Vec::with_capacity(8);
        put_key(&mut tail, 5, VARINT);
        put_varint(&mut tail, u64::from(EXTENT));
        put_key(&mut tail, 15, VARINT);
        put_varint(&mut tail, MVT_VERSION);
        let mut head = Vec::with_capacity(name.len() + 4);
        put_key(&mut head, 1, LENGTH_DELIMITED);
        put_varint(&mut head, name.len() as u64);
        head.extend_from_slice(name.as_bytes());
        let length =
            head.len() + self.features.len() + self.keys.len() + self.values.len() + tail.len();
        tile.reserve(length + 8);
        put_key(tile, 3, LENGTH_DELIMITED);
        put_varint(tile, length as u64);
        for part in [&head, &self.features, &self.keys, &self.values, &tail] {
            tile.extend_from_slice(part);
        }
    }
}

/// Geometry commands of one feature, without an allocation for a point.
enum CommandsOf {
    Point([u32; 3]),
    Other(Vec<u32>),
}

impl CommandsOf {
    fn as_slice(&self) -> &[u32] {
        match self {
            CommandsOf::Point(commands) => commands,
            CommandsOf::Other(commands) => commands,
        }
    }
}

fn put_key(out: &mut Vec<u8>, field: u32, wire_type: u32) {
    put_varint(out, u64::from(field << 3 | wire_type));
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn varint_len(n: u64) -> usize {
    // 1 byte per 7 bits, at least one.
    (64 - (n | 1).leading_zeros() as usize).div_ceil(7)
}

/// A packed repeated `uint32` field; nothing when empty (as prost leaves it out).
fn put_packed(out: &mut Vec<u8>, field: u32, items: impl Iterator<Item = u32> + Clone) {
    let length: usize = items.clone().map(|v| varint_len(u64::from(v))).sum();
    if length == 0 {
        return;
    }
    put_key(out, field, LENGTH_DELIMITED);
    put_varint(out, length as u64);
    for v in items {
        put_varint(out, u64::from(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_lengths_match_the_encoding() {
        for n in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = Vec::new();
            put_varint(&mut out, n);
            assert_eq!(out.len(), varint_len(n), "{n}");
        }
    }

    #[test]
    fn values_are_shared_by_type_and_content() {
        let mut layer = LayerWriter::new();
        let a = layer.value(ValueRef::String("1"));
        assert_eq!(
            layer.value(ValueRef::UInt(1)),
            a + 1,
            "a number is not its text"
        );
        assert_eq!(layer.value(ValueRef::Int(1)), a + 2, "sint is not uint");
        assert_eq!(layer.value(ValueRef::String("1")), a);
        assert_eq!((layer.key("k"), layer.key("l"), layer.key("k")), (0, 1, 0));
    }
}
