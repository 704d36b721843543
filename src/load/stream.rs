//! A GeoJSON FeatureCollection read one feature at a time.
//!
//! `serde_json::from_slice` into a `Value` would hold the whole file as a tree (about seven
//! times its size); here the top-level object is walked with a visitor, each element of its
//! `features` array is handed to the caller as soon as it is read, and every other member is
//! skipped without being built. A feature's `properties`, which hold most of its bytes, are
//! not parsed into a tree at all: the caller gets their JSON text, to encode straight into
//! the property store.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// One element of the `features` array.
// Handed by value straight to the caller, one at a time, never stored: boxing the large
// variant would only add an allocation per feature.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
pub enum FeatureJson<'a> {
    /// An object: the members a feature is read from (the last of each, should a key repeat,
    /// as a parsed map would keep), `properties` as its JSON text; other members are skipped.
    Object {
        id: Option<Value>,
        feature_type: Option<Value>,
        geometry: Option<Value>,
        properties: Option<&'a str>,
    },
    /// Anything but an object.
    NotAnObject,
}

/// Called with the position and JSON of every feature, in order.
pub type EachFeature<'f> = dyn for<'a> FnMut(usize, FeatureJson<'a>) + 'f;

/// What the file said around its features.
#[derive(Debug, Default)]
pub struct Outline {
    /// The top-level `type` when it is a string.
    pub type_name: Option<String>,
    /// Whether a `features` array was there.
    pub has_features: bool,
}

/// Calls `each` with the position and JSON of every feature, in order; `Err` is a message
/// naming where the JSON is malformed. A root that is not an object, or a `features` member
/// that is not an array, is reported in the outline, not as an error.
pub fn read_feature_collection(
    bytes: &[u8],
    each: &mut EachFeature<'_>,
) -> Result<Outline, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let outline = Root { each }
        .deserialize(&mut deserializer)
        .and_then(|outline| deserializer.end().map(|()| outline))
        .map_err(|e| {
            format!(
                "malformed JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            )
        })?;
    Ok(outline)
}

struct Root<'a, 'f> {
    each: &'a mut EachFeature<'f>,
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = Outline;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Outline, D::Error> {
        d.deserialize_any(self)
    }
}

/// Anything but an object at the root: consumed, and reported as no FeatureCollection.
macro_rules! not_an_object {
    ($($method:ident($t:ty)),*) => {
        $(fn $method<E: serde::de::Error>(self, _: $t) -> Result<Outline, E> {
            Ok(Outline::default())
        })*
    };
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = Outline;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }

    not_an_object!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: serde::de::Error>(self) -> Result<Outline, E> {
        Ok(Outline::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outline, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Outline::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outline, A::Error> {
        let mut outline = Outline::default();
        let mut position = 0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    outline.type_name = match map.next_value::<Value>()? {
                        Value::String(s) => Some(s),
                        _ => None,
                    }
                }
                "features" => {
                    outline.has_features |= map.next_value_seed(Features {
                        each: &mut *self.each,
                        position: &mut position,
                    })?
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(outline)
    }
}

/// The `features` member: `true` when it is an array, whose elements go to `each`.
struct Features<'a, 'b, 'f> {
    each: &'a mut EachFeature<'f>,
    position: &'b mut usize,
}

impl<'de> DeserializeSeed<'de> for Features<'_, '_, '_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! not_an_array {
    ($($method:ident($t:ty)),*) => {
        $(fn $method<E: serde::de::Error>(self, _: $t) -> Result<bool, E> {
            Ok(false)
        })*
    };
}

impl<'de> Visitor<'de> for Features<'_, '_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    not_an_array!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(item) = seq.next_element::<Element>()? {
            (self.each)(*self.position, item.0);
            *self.position += 1;
        }
        Ok(true)
    }
}

/// One element of `features`, read as a [`FeatureJson`].
struct Element<'de>(FeatureJson<'de>);

impl<'de> serde::Deserialize<'de> for Element<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

macro_rules! not_a_feature {
    ($($method:ident($t:ty)),*) => {
        $(fn $method<E: serde::de::Error>(self, _: $t) -> Result<Element<'de>, E> {
            Ok(Element(FeatureJson::NotAnObject))
        })*
    };
}

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature")
    }

    not_a_feature!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: serde::de::Error>(self) -> Result<Element<'de>, E> {
        Ok(Element(FeatureJson::NotAnObject))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Element(FeatureJson::NotAnObject))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element<'de>, A::Error> {
        let (mut id, mut feature_type, mut geometry, mut properties) = (None, None, None, None);
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Id => id = Some(map.next_value()?),
                Member::Type => feature_type = Some(map.next_value()?),
                Member::Geometry => geometry = Some(map.next_value()?),
                Member::Properties => properties = Some(map.next_value::<&'de RawValue>()?.get()),
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Element(FeatureJson::Object {
            id,
            feature_type,
            geometry,
            properties,
        }))
    }
}

/// The members of a feature object, named without allocating.
#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Member {
    Id,
    Type,
    Geometry,
    Properties,
    #[serde(other)]
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outline, and each feature as the JSON value it was read from.
    fn read(text: &str) -> (Result<Outline, String>, Vec<(usize, Value)>) {
        let mut seen = Vec::new();
        let outline = read_feature_collection(text.as_bytes(), &mut |i, feature| {
            let value = match feature {
                FeatureJson::Object {
                    id,
                    feature_type,
                    geometry,
                    properties,
                } => {
                    let properties = properties.map(|text| serde_json::from_str(text).unwrap());
                    let members = [
                        ("id", id),
                        ("type", feature_type),
                        ("geometry", geometry),
                        ("properties", properties),
                    ];
                    Value::Object(
                        members
                            .into_iter()
                            .filter_map(|(k, v)| Some((k.to_string(), v?)))
                            .collect(),
                    )
                }
                FeatureJson::NotAnObject => Value::Null,
            };
            seen.push((i, value))
        });
        (outline, seen)
    }

    #[test]
    fn hands_over_each_feature_in_order_whatever_the_member_order() {
        let (outline, seen) = read(
            r#"{"features": [{"id": "a"}, {"id": "b"}], "name": {"x": [1]}, "type": "FeatureCollection"}"#,
        );
        let outline = outline.unwrap();
        assert_eq!(outline.type_name.as_deref(), Some("FeatureCollection"));
        assert!(outline.has_features);
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1], (1, serde_json::json!({"id": "b"})));
    }

    #[test]
    fn hands_over_properties_as_their_text() {
        let (outline, seen) = read(
            r#"{"type": "FeatureCollection", "features": [
                {"properties": {"a": [1, {"b": "c"}]}, "id": "x", "skipped": {"x": [1]},
                 "properties": {"kept": true}},
                [1, 2], "text", {"id": "y"}]}"#,
        );
        assert!(outline.unwrap().has_features);
        assert_eq!(
            seen[0].1,
            serde_json::json!({"id": "x", "properties": {"kept": true}})
        );
        assert_eq!(seen[1].1, Value::Null);
        assert_eq!(seen[2].1, Value::Null);
        assert_eq!(seen[3].1, serde_json::json!({"id": "y"}));
    }

    #[test]
    fn tells_what_is_not_a_feature_collection() {
        for text in ["[]", "3", "\"x\"", "null", r#"{"type": 3}"#] {
            let outline = read(text).0.unwrap();
            assert_eq!(outline.type_name, None, "{text}");
            assert!(!outline.has_features, "{text}");
        }
        let outline = read(r#"{"type": "FeatureCollection", "features": {}}"#)
            .0
            .unwrap();
        assert!(!outline.has_features);
    }

    #[test]
    fn names_where_the_json_breaks() {
        let error = read("{\"type\": \"FeatureCollection\",\n \"features\": [{]}")
            .0
            .unwrap_err();
        assert!(
            error.starts_with("malformed JSON at line 2 column"),
            "{error}"
        );
        assert!(read("{} x").0.unwrap_err().contains("trailing"));
    }
}
