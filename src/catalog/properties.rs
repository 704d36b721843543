//! What the properties of a collection are, inferred from the data itself so that neither list
//! can drift from what is served, once, when the catalog is built (requests read the stored
//! lists):
//! - the queryables: the properties a filter or a sort may name, with the type that decides
//!   which comparisons make sense ([`infer_queryables`]);
//! - the JSON Schema of each property as served, for the feature schema that GDAL reads
//!   ([`property_schemas`]).

use crate::model::{Feature, Queryable, QueryableType};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Properties that hold dates (reduced precision allowed).
const DATE_PROPERTIES: [&str; 2] = ["valid_from", "valid_to"];

/// The queryables of a collection of these features: the three every feature has, then each
/// property with a type that every feature holding it agrees on.
pub(super) fn infer_queryables(features: &[Feature]) -> Vec<Queryable> {
    let mut kinds: BTreeMap<&str, Option<QueryableType>> = BTreeMap::new();
    for feature in features {
        for (name, value) in &feature.properties {
            let kind = match value {
                Value::Null => continue,
                Value::String(_) if DATE_PROPERTIES.contains(&name.as_str()) => {
                    Some(QueryableType::Date)
                }
                Value::String(_) => Some(QueryableType::String),
                Value::Bool(_) => Some(QueryableType::Boolean),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some(QueryableType::Integer),
                Value::Number(_) => Some(QueryableType::Number),
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    Some(QueryableType::Array)
                }
                // Nested objects (sources, strength, members) are not filterable as a whole.
                _ => None,
            };
            let entry = kinds.entry(name.as_str()).or_insert(kind);
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
    let mut kinds: Vec<(String, PropertyKind)> = Vec::new();
    let mut note = |name: &str, value: &Value| {
        let kind = PropertyKind::of(value);
        match kinds.iter_mut().find(|(n, _)| n == name) {
            Some((_, known)) => *known = known.merge(kind),
            None => kinds.push((name.to_string(), kind)),
        }
    };
    for feature in features {
        for (name, value) in &feature.properties {
            note(name, value);
        }
        if !feature.members.is_empty() {
            // Added to each grouping as of the requested day (see `formats::items`).
            note("active_members", &json!(["RUS"]));
            note("as_of", &json!("2000-01-01"));
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
    fn of(value: &Value) -> PropertyKind {
        match value {
            Value::Null => PropertyKind::Unknown,
            Value::String(s) if is_full_date(s) => PropertyKind::Date,
            Value::String(_) => PropertyKind::String,
            Value::Number(n) if n.is_i64() || n.is_u64() => PropertyKind::Integer,
            Value::Number(_) => PropertyKind::Number,
            Value::Bool(_) => PropertyKind::Boolean,
            Value::Array(items) if items.iter().all(Value::is_string) => PropertyKind::Strings,
            Value::Array(_) => PropertyKind::Array,
            Value::Object(_) => PropertyKind::Object,
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
