//! What the properties of a collection are, inferred from the data itself so that neither list
//! can drift from what is served, once, when the catalog is built (requests read the stored
//! lists):
//! - the queryables: the properties a filter or a sort may name, with the type that decides
//!   which comparisons make sense ([`infer_queryables`]);
//! - the JSON Schema of each property as served, for the feature schema that GDAL reads
//!   ([`property_schemas`]).

use crate::model::{Feature, Properties, PropertyValue, Queryable, QueryableType};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Properties that hold dates (reduced precision allowed).
const DATE_PROPERTIES: [&str; 2] = ["valid_from", "valid_to"];

/// The queryables of a collection of these features: the three every feature has, then each
/// property with a type that every feature holding it agrees on.
pub(super) fn infer_queryables(features: &[Feature]) -> Vec<Queryable> {
    let mut kinds: BTreeMap<&str, Option<QueryableType>> = BTreeMap::new();
    for feature in features {
        for (name, value) in feature.properties.iter() {
            let kind = match value {
                PropertyValue::Null => continue,
                PropertyValue::String(_) if DATE_PROPERTIES.contains(&name) => {
                    Some(QueryableType::Date)
                }
                PropertyValue::String(_) => Some(QueryableType::String),
                PropertyValue::Bool(_) => Some(QueryableType::Boolean),
                PropertyValue::Number(_) if value.is_integer() => Some(QueryableType::Integer),
                PropertyValue::Number(_) => Some(QueryableType::Number),
                PropertyValue::Array(_) if value.items().all(|v| v.as_str().is_some()) => {
                    Some(QueryableType::Array)
                }
                // Nested objects (sources, strength, members) are not filterable as a whole.
                _ => None,
            };
            let entry = kinds.entry(name).or_insert(kind);
            *entry = match (entry.take(), kind) {
                (Some(QueryableType::Integer), Some(QueryableType::Number))
                | (Some(QueryableType::Number), Some(QueryableType::Integer)) => {
                    Some(QueryableType::Number)
                }
                (Some(a), Some(b)) if a == b => Some(a),
                (None, _) | (_, None) => None,
                // Mixed types: strings compare with anything a client is likely to write.
                (Some(_), Some(_)) => Some(QueryableType::String),
            };
        }
    }
    let mut list = vec![
        Queryable::new("id", QueryableType::String, "Feature id"),
        Queryable::new(
            "geometry",
            QueryableType::Geometry,
            "Feature geometry (lon/lat, CRS84)",
        ),
        Queryable::new(
            "datetime",
            QueryableType::Date,
            "Validity interval (valid_from to valid_to)",
        ),
    ];
    for (name, kind) in kinds {
        if let Some(kind) = kind {
            if list.iter().all(|q| q.name != name) {
                list.push(Queryable::new(name, kind, &describe(name)));
            }
        }
    }
    list
}

fn describe(name: &str) -> String {
    match name {
        "name" => "Name in English".into(),
        "kind" => "Kind of feature".into(),
        "country" => "ISO 3166-1 alpha-3 code of the country it is in".into(),
        "operator" => "ISO 3166-1 alpha-3 code of the operating state".into(),
        "contributor" => "ISO 3166-1 alpha-3 code of the contributing state".into(),
        "groupings" => "Ids of the groupings it belongs to".into(),
        "valid_from" => "Start of validity (ISO 8601, reduced precision allowed)".into(),
        "valid_to" => "End of validity (ISO 8601, reduced precision allowed); null = open".into(),
        "location_precision" => {
            "How precisely the point locates it: site, town, region, country, unknown".into()
        }
        other => format!("Property {other}"),
    }
}

/// `properties.properties` of the feature schema: every property any feature carries, in the
/// order they first appear, typed from the values served. A property missing from a feature,
/// or null, is absent; `type` names the type of the other values only (as GDAL reads a single
/// `type`). Strings are `format: date` only when every value is a full date (`2005-09-01`).
pub(super) fn property_schemas(features: &[Feature]) -> Map<String, Value> {
    // Added to each grouping as of the requested day (see `formats::items`).
    let grouping_additions = Properties::from_map(
        json!({"active_members": ["RUS"], "as_of": "2000-01-01"})
            .as_object()
            .unwrap_or(&Map::new()),
    );
    let mut kinds: Vec<(String, PropertyKind)> = Vec::new();
    let mut note = |name: &str, value: PropertyValue| {
        let kind = PropertyKind::of(value);
        match kinds.iter_mut().find(|(n, _)| n == name) {
            Some((_, known)) => *known = known.merge(kind),
            None => kinds.push((name.to_string(), kind)),
        }
    };
    for feature in features {
        for (name, value) in feature.properties.iter() {
            note(name, value);
        }
        if !feature.members.is_empty() {
            for (name, value) in grouping_additions.iter() {
                note(name, value);
            }
        }
    }
    kinds
        .into_iter()
        .map(|(name, kind)| (name, kind.schema()))
        .collect()
}

/// What the non-null values of one property are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PropertyKind {
    Unknown,
    Date,
    String,
    Integer,
    Number,
    Boolean,
    Strings,
    Array,
    Object,
    Mixed,
}

impl PropertyKind {
    fn of(value: PropertyValue) -> PropertyKind {
        match value {
            PropertyValue::Null => PropertyKind::Unknown,
            PropertyValue::String(s) if is_full_date(s) => PropertyKind::Date,
            PropertyValue::String(_) => PropertyKind::String,
            PropertyValue::Number(_) if value.is_integer() => PropertyKind::Integer,
            PropertyValue::Number(_) => PropertyKind::Number,
            PropertyValue::Bool(_) => PropertyKind::Boolean,
            PropertyValue::Array(_) if value.items().all(|v| v.as_str().is_some()) => {
                PropertyKind::Strings
            }
            PropertyValue::Array(_) => PropertyKind::Array,
            PropertyValue::Object(_) => PropertyKind::Object,
        }
    }

    fn merge(self, other: PropertyKind) -> PropertyKind {
        use PropertyKind::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Unknown, x) | (x, Unknown) => x,
            (Date, String) | (String, Date) => String,
            (Integer, Number) | (Number, Integer) => Number,
            (Strings, Array) | (Array, Strings) => Array,
            _ => Mixed,
        }
    }

    fn schema(self) -> Value {
        match self {
            PropertyKind::Unknown | PropertyKind::Mixed => json!({}),
            PropertyKind::Date => json!({"type": "string", "format": "date"}),
            PropertyKind::String => json!({"type": "string"}),
            PropertyKind::Integer => json!({"type": "integer"}),
            PropertyKind::Number => json!({"type": "number"}),
            PropertyKind::Boolean => json!({"type": "boolean"}),
            PropertyKind::Strings => json!({"type": "array", "items": {"type": "string"}}),
            PropertyKind::Array => json!({"type": "array"}),
            PropertyKind::Object => json!({"type": "object"}),
        }
    }
}

/// `YYYY-MM-DD`, a real day of the calendar.
fn is_full_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}
