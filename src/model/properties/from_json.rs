//! Encoding a feature's properties straight from their JSON text into the token stream.
//!
//! A loader that first parsed every feature's properties into a `serde_json::Map` would spend
//! most of its time making and freeing that tree (an allocation per key, string and container,
//! and a hash per key) only to throw it away once encoded. Here the text is walked once by
//! `serde_json`'s parser and each value is pooled as it is met. The result is exactly the
//! stream [`PropertiesBuilder::add`] makes from the parsed map, with one exception the caller
//! must handle: an object that repeats a key (a map keeps the first position and the last
//! value), for which [`PropertiesBuilder::add_json`] reports [`Encoded::RepeatedKey`].

use super::{
    push_varint, Node, PropertiesBuilder, PropertyValue, ARRAY, FALSE, NULL, NUMBER, OBJECT, TRUE,
};
use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use std::fmt::{self, Write};

/// What [`PropertiesBuilder::add_json`] made of a text.
#[derive(Debug, PartialEq, Eq)]
pub enum Encoded {
    /// The properties were added.
    Added,
    /// Valid JSON, but an object in it repeats a key: nothing was added; add the parsed map.
    RepeatedKey,
    /// The text is not an object: nothing was added.
    NotAnObject,
}

impl PropertiesBuilder {
    /// Encodes one feature's properties from the JSON text of an object, as
    /// [`PropertiesBuilder::add`] would from the parsed map; `Err` when the text is not JSON.
    pub fn add_json(&mut self, text: &str) -> Result<Encoded, serde_json::Error> {
        if !text.trim_start().starts_with('{') {
            serde_json::from_str::<serde::de::IgnoredAny>(text)?;
            return Ok(Encoded::NotAnObject);
        }
        let mut out = Vec::with_capacity(64);
        let mut encoder = Encoder {
            builder: self,
            out: &mut out,
            number: String::new(),
            repeated_key: false,
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        Value_(&mut encoder).deserialize(&mut deserializer)?;
        deserializer.end()?;
        if encoder.repeated_key {
            return Ok(Encoded::RepeatedKey);
        }
        self.streams.push(out.into_boxed_slice());
        Ok(Encoded::Added)
    }

    /// The top-level properties named in `keys` of the feature added last, decoded, in the
    /// order of `keys` (for checks that read a few fields of each feature).
    pub fn last_fields<const N: usize>(&self, keys: &[&str; N]) -> [Option<Value>; N] {
        let mut found = [const { None }; N];
        let Some(tokens) = self.streams.last() else {
            return found;
        };
        let entries = PropertyValue::Object(Node {
            tokens,
            pool: &self.pool,
        })
        .entries();
        for (key, value) in entries {
            if let Some(i) = keys.iter().position(|&k| k == key) {
                found[i] = Some(value.to_value());
            }
        }
        found
    }
}

struct Encoder<'b> {
    builder: &'b mut PropertiesBuilder,
    out: &'b mut Vec<u8>,
    /// Reused for each number's text.
    number: String,
    repeated_key: bool,
}

impl Encoder<'_> {
    fn number(&mut self, number: Number) {
        self.number.clear();
        let _ = write!(self.number, "{number}");
        self.out.push(NUMBER);
        let index = self.builder.intern(&self.number);
        push_varint(self.out, index);
    }

    /// Puts a container's tag and count before the `count` values written since `start`.
    fn prefix(&mut self, start: usize, tag: u8, count: usize) {
        let mut header = Vec::with_capacity(4);
        header.push(tag);
        push_varint(&mut header, count);
        self.out.splice(start..start, header);
    }
}

/// One JSON value, encoded into the stream.
struct Value_<'e, 'b>(&'e mut Encoder<'b>);

impl<'de> DeserializeSeed<'de> for Value_<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value_<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: Error>(self) -> Result<(), E> {
        self.0.out.push(NULL);
        Ok(())
    }

    fn visit_bool<E: Error>(self, b: bool) -> Result<(), E> {
        self.0.out.push(if b { TRUE } else { FALSE });
        Ok(())
    }

    fn visit_u64<E: Error>(self, n: u64) -> Result<(), E> {
        self.0.number(Number::from(n));
        Ok(())
    }

    fn visit_i64<E: Error>(self, n: i64) -> Result<(), E> {
        self.0.number(Number::from(n));
        Ok(())
    }

    fn visit_f64<E: Error>(self, n: f64) -> Result<(), E> {
        // As `serde_json::Value` reads it: JSON has no non-finite numbers to meet here.
        match Number::from_f64(n) {
            Some(number) => self.0.number(number),
            None => self.0.out.push(NULL),
        }
        Ok(())
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<(), E> {
        self.0.builder.string(self.0.out, s);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let start = self.0.out.len();
        let mut count = 0;
        while seq.next_element_seed(Value_(&mut *self.0))?.is_some() {
            count += 1;
        }
        self.0.prefix(start, ARRAY, count);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let start = self.0.out.len();
        let mut keys: Vec<usize> = Vec::new();
        while let Some(key) = map.next_key_seed(Key(&mut *self.0))? {
            if keys.contains(&key) {
                self.0.repeated_key = true;
            }
            keys.push(key);
            map.next_value_seed(Value_(&mut *self.0))?;
        }
        self.0.prefix(start, OBJECT, keys.len());
        Ok(())
    }
}

/// An object key, encoded as a string; its value is the key's pool index.
struct Key<'e, 'b>(&'e mut Encoder<'b>);

impl<'de> DeserializeSeed<'de> for Key<'_, '_> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, '_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<usize, E> {
        Ok(self.0.builder.string(self.0.out, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The stream from the text equals the stream from the parsed map, value for value.
    fn both_ways(text: &str) -> (Vec<u8>, Vec<u8>) {
        let mut direct = PropertiesBuilder::default();
        assert_eq!(direct.add_json(text).unwrap(), Encoded::Added, "{text}");
        let mut parsed = PropertiesBuilder::default();
        parsed.add(&serde_json::from_str(text).unwrap());
        let written = |b: PropertiesBuilder| {
            let mut out = Vec::new();
            b.finish()[0].write_json(&mut out);
            out
        };
        (written(direct), written(parsed))
    }

    #[test]
    fn encodes_what_the_parsed_map_encodes() {
        for text in [
            r#"{}"#,
            r#"{"name": "Kant", "n": 3, "neg": -4, "f": 1.5, "big": 1e300, "t": true, "z": null}"#,
            r#"{"sources": [{"title": "a \"quoted\" title", "date": "2003"}, {"title": "\u00e9"}]}"#,
            r#"{"nested": {"deep": [[1, 2], [], {}], "x": "line\nbreak"}, "after": 0.1}"#,
            r#"{"int_as_float": 3.0, "exp": 2E-3, "u": 18446744073709551615}"#,
        ] {
            let (direct, parsed) = both_ways(text);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(parsed).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn says_when_a_key_repeats_or_the_text_is_no_object() {
        let mut builder = PropertiesBuilder::default();
        assert_eq!(
            builder
                .add_json(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#)
                .unwrap(),
            Encoded::RepeatedKey
        );
        assert_eq!(builder.add_json("[1]").unwrap(), Encoded::NotAnObject);
        assert!(builder.add_json(r#"{"a": }"#).is_err());
        assert!(builder.add_json(r#"{"a": 1} x"#).is_err());
        assert!(builder.finish().is_empty());
    }

    #[test]
    fn gives_back_the_fields_checks_read() {
        let mut builder = PropertiesBuilder::default();
        builder
            .add_json(r#"{"kind": "garrison", "other": [1], "sources": [{"title": "t"}]}"#)
            .unwrap();
        let fields = builder.last_fields(&["sources", "kind", "missing"]);
        assert_eq!(
            fields,
            [Some(json!([{"title": "t"}])), Some(json!("garrison")), None]
        );
    }
}
