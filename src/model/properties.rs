//! A feature's properties held compactly and written as GeoJSON by copying.
//!
//! A collection of a million features cannot afford a `serde_json::Map` per feature (an owned
//! key and a 32-byte value per property, a heap string per text: about 5 KB for a typical
//! point). Here every string and number of a collection (keys included) is stored once, in a
//! [`Pool`] shared by its features, and a feature keeps only a short token stream: a tag byte
//! per value and a variable-length index into the pool. Repeated values (kinds, countries,
//! source titles, a summary many features share) then cost a few bytes a feature.
//!
//! The stream keeps the curated order of keys, and strings are stored as written, so
//! [`Properties::write_json`] gives back the object as curated: strings that need no escaping
//! (nearly all) are copied between quotes, the others escaped on the way out. Readers that want
//! values get views ([`PropertyValue`]) or, for the few paths that need them, decoded
//! `serde_json` values.

mod from_json;

pub use from_json::Encoded;

use hashbrown::HashTable;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number, Value};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
/// A number; the pool holds its JSON text.
const NUMBER: u8 = 3;
/// A string written between quotes as it is.
const PLAIN: u8 = 4;
/// A string holding a character JSON escapes (a quote, a backslash, a control character).
const ESCAPED: u8 = 5;
const ARRAY: u8 = 6;
const OBJECT: u8 = 7;

/// The strings (and number texts) of one collection, each once, addressed by index.
#[derive(Default)]
pub struct Pool {
    text: String,
    /// The end of entry `i` in `text`; entry `i` starts where entry `i - 1` ends.
    ends: Vec<usize>,
}

impl Pool {
    fn entry(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.text[start..self.ends[index]]
    }

    /// The bytes of entry `index`, for comparisons that need no `str`.
    fn bytes(&self, index: usize) -> &[u8] {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.text.as_bytes()[start..self.ends[index]]
    }

    /// Bytes held, for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * std::mem::size_of::<usize>()
    }
}

/// Builds the properties of many features over one pool, each distinct text stored once.
pub struct PropertiesBuilder {
    pool: Pool,
    /// Pool indices, found by the hash of their text.
    seen: HashTable<usize>,
    hasher: hashbrown::DefaultHashBuilder,
    streams: Vec<Box<[u8]>>,
}

impl Default for PropertiesBuilder {
    fn default() -> Self {
        PropertiesBuilder {
            pool: Pool::default(),
            seen: HashTable::new(),
            hasher: Default::default(),
            streams: Vec::new(),
        }
    }
}

impl PropertiesBuilder {
    /// Encodes one feature's properties; [`PropertiesBuilder::finish`] gives them back in the
    /// order they were added.
    pub fn add(&mut self, properties: &Map<String, Value>) {
        let mut stream = Vec::with_capacity(4 + properties.len() * 4);
        self.object(&mut stream, properties);
        self.streams.push(stream.into_boxed_slice());
    }

    /// Gives each feature, in order, the properties added for it.
    pub fn attach(self, features: Vec<super::Feature>) -> Vec<super::Feature> {
        features
            .into_iter()
            .zip(self.finish())
            .map(|(mut feature, properties)| {
                feature.properties = properties;
                feature
            })
            .collect()
    }

    /// The properties of every feature added, in order, over the shared pool.
    pub fn finish(self) -> Vec<Properties> {
        let mut pool = self.pool;
        pool.text.shrink_to_fit();
        pool.ends.shrink_to_fit();
        let pool = Arc::new(pool);
        self.streams
            .into_iter()
            .map(|tokens| Properties {
                tokens,
                pool: Arc::clone(&pool),
            })
            .collect()
    }

    fn object(&mut self, out: &mut Vec<u8>, object: &Map<String, Value>) {
        out.push(OBJECT);
        push_varint(out, object.len());
        for (key, value) in object {
            self.string(out, key);
            self.value(out, value);
        }
    }

    fn value(&mut self, out: &mut Vec<u8>, value: &Value) {
        match value {
            Value::Null => out.push(NULL),
            Value::Bool(false) => out.push(FALSE),
            Value::Bool(true) => out.push(TRUE),
            Value::Number(n) => {
                out.push(NUMBER);
                let index = self.intern(&n.to_string());
                push_varint(out, index);
            }
            Value::String(s) => {
                self.string(out, s);
            }
            Value::Array(items) => {
                out.push(ARRAY);
                push_varint(out, items.len());
                for item in items {
                    self.value(out, item);
                }
            }
            Value::Object(object) => self.object(out, object),
        }
    }

    /// Writes a string token; returns the string's pool index.
    fn string(&mut self, out: &mut Vec<u8>, s: &str) -> usize {
        out.push(if needs_escaping(s) { ESCAPED } else { PLAIN });
        let index = self.intern(s);
        push_varint(out, index);
        index
    }

    fn intern(&mut self, text: &str) -> usize {
        let hash = self.hasher.hash_one(text);
        let pool = &self.pool;
        if let Some(&index) = self.seen.find(hash, |&i| pool.entry(i) == text) {
            return index;
        }
        self.pool.text.push_str(text);
        self.pool.ends.push(self.pool.text.len());
        let index = self.pool.ends.len() - 1;
        let (pool, hasher) = (&self.pool, &self.hasher);
        self.seen
            .insert_unique(hash, index, |&i| hasher.hash_one(pool.entry(i)));
        index
    }
}

/// The properties of one feature: an object, in curated key order.
#[derive(Clone)]
pub struct Properties {
    tokens: Box<[u8]>,
    pool: Arc<Pool>,
}

impl Default for Properties {
    /// No properties; every empty set shares one pool, so a placeholder costs no allocation.
    fn default() -> Self {
        static EMPTY: std::sync::OnceLock<Arc<Pool>> = std::sync::OnceLock::new();
        Properties {
            tokens: Box::new([]),
            pool: Arc::clone(EMPTY.get_or_init(Default::default)),
        }
    }
}

impl Properties {
    /// Properties over a pool of their own (for the few features built one at a time).
    pub fn from_map(map: &Map<String, Value>) -> Properties {
        let mut builder = PropertiesBuilder::default();
        let mut tokens = Vec::new();
        builder.object(&mut tokens, map);
        Properties {
            tokens: tokens.into_boxed_slice(),
            pool: Arc::new(builder.pool),
        }
    }

    fn root(&self) -> Node<'_> {
        Node {
            tokens: &self.tokens,
            pool: &self.pool,
        }
    }

    /// The value of a top-level property.
    pub fn get(&self, key: &str) -> Option<PropertyValue<'_>> {
        // Keys are compared as bytes and other values skipped without being read: loaders and
        // filters call this for every feature.
        let (mut node, count) = self.root().read_header();
        for _ in 0..count {
            let (&_tag, rest) = node.tokens.split_first()?;
            let (index, rest) = read_varint(rest);
            let value = node.at(rest);
            if self.pool.bytes(index) == key.as_bytes() {
                return Some(value.read_value().0);
            }
            node = value.skip();
        }
        None
    }

    /// The text of a top-level string property.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(|v| v.as_str())
    }

    /// A top-level property as a `serde_json` value (allocates).
    pub fn value(&self, key: &str) -> Option<Value> {
        self.get(key).map(|v| v.to_value())
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.root().read_header().1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every top-level property, in curated order.
    pub fn iter(&self) -> Entries<'_> {
        let (rest, count) = self.root().read_header();
        Entries {
            rest,
            remaining: count,
        }
    }

    /// Every property as a `serde_json` map (allocates; for writers that need one).
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_value()))
            .collect()
    }

    /// Appends the object as JSON, every property.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        PropertyValue::Object(self.root()).write_json(out);
    }

    /// Sets one property (re-encoding the whole set over a pool of its own: for features
    /// built one at a time, not for a loader).
    pub fn insert(&mut self, key: String, value: Value) {
        let mut map = self.to_map();
        map.insert(key, value);
        *self = Properties::from_map(&map);
    }

    /// Bytes of this feature's own token stream (the pool is shared and counted apart).
    pub fn own_bytes(&self) -> usize {
        self.tokens.len()
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Value::Object(self.to_map()))
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PropertyValue::Object(self.root()).serialize(serializer)
    }
}

/// A position in a token stream, with the pool its indices point into.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    tokens: &'a [u8],
    pool: &'a Pool,
}

impl<'a> Node<'a> {
    /// A node with nothing after it.
    fn empty() -> Node<'a> {
        Node {
            tokens: &[],
            pool: EMPTY_POOL.get_or_init(Pool::default),
        }
    }

    /// Reads the tag and count of an array or object at the start; the rest follows.
    fn read_header(self) -> (Node<'a>, usize) {
        match self.tokens.split_first() {
            Some((&(ARRAY | OBJECT), rest)) => {
                let (count, rest) = read_varint(rest);
                (self.at(rest), count)
            }
            _ => (self.at(&[]), 0),
        }
    }

    fn at(self, tokens: &'a [u8]) -> Node<'a> {
        Node {
            tokens,
            pool: self.pool,
        }
    }

    /// The value at the start, and the node after it.
    fn read_value(self) -> (PropertyValue<'a>, Node<'a>) {
        let Some((&tag, rest)) = self.tokens.split_first() else {
            return (PropertyValue::Null, self);
        };
        match tag {
            FALSE => (PropertyValue::Bool(false), self.at(rest)),
            TRUE => (PropertyValue::Bool(true), self.at(rest)),
            NUMBER | PLAIN | ESCAPED => {
                let (index, rest) = read_varint(rest);
                let text = self.pool.entry(index);
                let value = match tag {
                    NUMBER => PropertyValue::Number(text),
                    _ => PropertyValue::String(text),
                };
                (value, self.at(rest))
            }
            ARRAY | OBJECT => {
                let end = self.skip();
                let value = self.at(&self.tokens[..self.tokens.len() - end.tokens.len()]);
                let value = match tag {
                    ARRAY => PropertyValue::Array(value),
                    _ => PropertyValue::Object(value),
                };
                (value, end)
            }
            _ => (PropertyValue::Null, self.at(rest)),
        }
    }

    /// The node after the value at the start.
    fn skip(self) -> Node<'a> {
        let Some((&tag, rest)) = self.tokens.split_first() else {
            return self;
        };
        match tag {
            NUMBER | PLAIN | ESCAPED => self.at(read_varint(rest).1),
            ARRAY | OBJECT => {
                let (count, rest) = read_varint(rest);
                let values = if tag == OBJECT { count * 2 } else { count };
                (0..values).fold(self.at(rest), |node, _| node.skip())
            }
            _ => self.at(rest),
        }
    }
}

/// One value of a feature's properties, borrowed from the store.
#[derive(Clone, Copy)]
pub enum PropertyValue<'a> {
    Null,
    Bool(bool),
    /// A number, as its JSON text.
    Number(&'a str),
    String(&'a str),
    Array(Node<'a>),
    Object(Node<'a>),
}

impl<'a> PropertyValue<'a> {
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            PropertyValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a number written without a fraction or exponent (how `serde_json`
    /// writes every integer, and no float).
    pub fn is_integer(&self) -> bool {
        matches!(self, PropertyValue::Number(text) if !text.contains(['.', 'e', 'E']))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, PropertyValue::Null)
    }

    /// The items of an array (none for anything else).
    pub fn items(&self) -> Items<'a> {
        match self {
            PropertyValue::Array(node) => {
                let (rest, count) = node.read_header();
                Items {
                    rest,
                    remaining: count,
                }
            }
            _ => Items {
                rest: Node::empty(),
                remaining: 0,
            },
        }
    }

    /// The entries of an object (none for anything else).
    pub fn entries(&self) -> Entries<'a> {
        match self {
            PropertyValue::Object(node) => {
                let (rest, count) = node.read_header();
                Entries {
                    rest,
                    remaining: count,
                }
            }
            _ => Entries {
                rest: Node::empty(),
                remaining: 0,
            },
        }
    }

    /// The value as `serde_json` holds it (allocates).
    pub fn to_value(&self) -> Value {
        match *self {
            PropertyValue::Null => Value::Null,
            PropertyValue::Bool(b) => Value::Bool(b),
            PropertyValue::Number(text) => {
                text.parse::<Number>().map_or(Value::Null, Value::Number)
            }
            PropertyValue::String(s) => Value::String(s.to_string()),
            PropertyValue::Array(_) => Value::Array(self.items().map(|v| v.to_value()).collect()),
            PropertyValue::Object(_) => Value::Object(
                self.entries()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Appends the value as JSON.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match *self {
            PropertyValue::Null => out.extend_from_slice(b"null"),
            PropertyValue::Bool(true) => out.extend_from_slice(b"true"),
            PropertyValue::Bool(false) => out.extend_from_slice(b"false"),
            PropertyValue::Number(text) => out.extend_from_slice(text.as_bytes()),
            PropertyValue::String(s) => write_string(out, s),
            PropertyValue::Array(_) => {
                out.push(b'[');
                for (i, item) in self.items().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_json(out);
                }
                out.push(b']');
            }
            PropertyValue::Object(_) => {
                out.push(b'{');
                for (i, (key, value)) in self.entries().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(out, key);
                    out.push(b':');
                    value.write_json(out);
                }
                out.push(b'}');
            }
        }
    }
}

static EMPTY_POOL: std::sync::OnceLock<Pool> = std::sync::OnceLock::new();

impl Serialize for PropertyValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            PropertyValue::Null => serializer.serialize_unit(),
            PropertyValue::Bool(b) => serializer.serialize_bool(b),
            PropertyValue::Number(text) => match text.parse::<Number>() {
                Ok(n) => n.serialize(serializer),
                Err(_) => serializer.serialize_unit(),
            },
            PropertyValue::String(s) => serializer.serialize_str(s),
            PropertyValue::Array(_) => {
                let items = self.items();
                let mut seq = serializer.serialize_seq(Some(items.remaining))?;
                for item in items {
                    seq.serialize_element(&item)?;
                }
                seq.end()
            }
            PropertyValue::Object(_) => {
                let entries = self.entries();
                let mut map = serializer.serialize_map(Some(entries.remaining))?;
                for (key, value) in entries {
                    map.serialize_entry(key, &value)?;
                }
                map.end()
            }
        }
    }
}

/// The items of an array, in order.
pub struct Items<'a> {
    rest: Node<'a>,
    remaining: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = PropertyValue<'a>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let (value, rest) = self.rest.read_value();
        self.rest = rest;
        Some(value)
    }
}

/// The entries of an object, in order.
pub struct Entries<'a> {
    rest: Node<'a>,
    remaining: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, PropertyValue<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let (key, rest) = self.rest.read_value();
        let (value, rest) = rest.read_value();
        self.rest = rest;
        Some((key.as_str().unwrap_or_default(), value))
    }
}

fn needs_escaping(s: &str) -> bool {
    s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    if needs_escaping(s) {
        // serde_json's escaping, so the output is what `to_string` would give.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(bytes: &[u8]) -> (usize, &[u8]) {
    let mut n = 0usize;
    let mut shift = 0;
    for (i, &b) in bytes.iter().enumerate() {
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            return (n, &bytes[i + 1..]);
        }
        shift += 7;
    }
    (n, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn writes_back_what_it_was_given_value_by_value_and_in_order() {
        let source = json!({
            "name": "Kant \"air\" base\n",
            "kind": "air-base",
            "strength": {"personnel": 500, "aircraft": 13.5, "note": null},
            "groupings": ["crdf", "csto"],
            "synthetic": true,
            "closed": false,
            "big": 18446744073709551615u64,
            "negative": -3,
            "nested": [[], {}, [1, [2, {"a": "b"}]]],
            "unicode": "Душанбе – ☃"
        });
        let properties = Properties::from_map(&map(source.clone()));
        let mut out = Vec::new();
        properties.write_json(&mut out);
        let back: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, source);
        let keys: Vec<&str> = properties.iter().map(|(k, _)| k).collect();
        let expected: Vec<&String> = source.as_object().unwrap().keys().collect();
        assert_eq!(keys, expected);
        assert_eq!(String::from_utf8(out).unwrap(), source.to_string());
        assert_eq!(serde_json::to_value(&properties).unwrap(), source);
        assert_eq!(Value::Object(properties.to_map()), source);
    }

    #[test]
    fn reads_single_values_without_decoding_the_rest() {
        let p = Properties::from_map(&map(json!({"a": 1, "b": [1, 2], "c": "x", "d": null})));
        assert_eq!(p.len(), 4);
        assert_eq!(p.get_str("c"), Some("x"));
        assert_eq!(p.get_str("a"), None);
        assert_eq!(p.value("a"), Some(json!(1)));
        assert_eq!(p.value("b"), Some(json!([1, 2])));
        assert!(p.get("d").unwrap().is_null());
        assert!(p.get("e").is_none());
        assert!(Properties::default().is_empty());
    }

    #[test]
    fn shares_each_distinct_text_once_across_features() {
        let mut builder = PropertiesBuilder::default();
        let summary = "the same long summary text shared by every generated feature".repeat(4);
        for i in 0..1000 {
            builder.add(&map(json!({"name": format!("n{i}"), "summary": summary})));
        }
        let all = builder.finish();
        let pool = all[0].pool.heap_bytes();
        assert!(
            pool < summary.len() + 1000 * 16 + 100,
            "pool holds {pool} bytes"
        );
        assert_eq!(all[999].get_str("name"), Some("n999"));
        assert_eq!(all[5].get_str("summary"), Some(summary.as_str()));
        assert!(all.iter().all(|p| p.own_bytes() < 16));
    }

    #[test]
    fn varints_round_trip() {
        for n in [0, 1, 127, 128, 300, 16_383, 16_384, usize::MAX >> 1] {
            let mut out = Vec::new();
            push_varint(&mut out, n);
            assert_eq!(read_varint(&out), (n, &[][..]));
        }
    }
}
