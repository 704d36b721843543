//! The queryables of a collection: the properties a filter or a sort may name, with types
//! inferred from the data itself so that the list can never drift from what is served.

use super::cql::{Queryable, QueryableType};
use crate::catalog::Collection;
use serde_json::Value;
use std::collections::BTreeMap;

/// Properties that hold dates (reduced precision allowed).
const DATE_PROPERTIES: [&str; 2] = ["valid_from", "valid_to"];

pub fn queryables(collection: &Collection) -> Vec<Queryable> {
    let mut kinds: BTreeMap<&str, Option<QueryableType>> = BTreeMap::new();
    for feature in collection.features() {
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
