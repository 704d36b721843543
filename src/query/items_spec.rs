//! The parameters of `/collections/{id}/items` and `/collections/{id}/items/{featureId}`
//! declared once: each one's name, meaning and JSON schema carrying the limits its parser
//! (`params`, `cql`, `crs`) enforces. The items handler takes the names it accepts from here and
//! the OpenAPI document its `components/parameters` entries; `sortby`, `properties` and `crs`
//! are narrowed per collection (its queryables, its properties, the CRSs that can write it)
//! from the same entry, so a parameter cannot be documented one way and parsed another.
//!
//! `f` and `data-version` belong to every endpoint that answers with features and are declared
//! with their parsers in `api`.

use super::cql::FilterLang;
use super::crs::Crs;
use super::params::{datetime_pattern, ParamSpec, DEFAULT_LIMIT, MAX_LIMIT};
use crate::model::Queryable;
use serde_json::{json, Value};

pub const BBOX: ParamSpec = ParamSpec {
    name: "bbox",
    required: false,
    description: "Bounding box: west,south,east,north (or with heights, 6 numbers) in bbox-crs (default CRS84). West > east crosses the antimeridian.",
    schema: || {
        json!({"type": "array", "items": {"type": "number"},
               "anyOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}]})
    },
};

pub const BBOX_CRS: ParamSpec = ParamSpec {
    name: "bbox-crs",
    required: false,
    description: "CRS of bbox.",
    schema: || json!({"type": "string", "format": "uri", "enum": Crs::supported()}),
};

pub const DATETIME: ParamSpec = ParamSpec {
    name: "datetime",
    required: false,
    description: "Instant or interval (RFC 3339; `..` or empty for an open end; reduced-precision dates such as 2005 or 2005-06 stand for the whole period; an interval does not end before it starts). Features whose validity meets it are returned; grouping footprints are drawn as of its end (or today).",
    schema: || json!({"type": "string", "pattern": datetime_pattern()}),
};

pub const LIMIT: ParamSpec = ParamSpec {
    name: "limit",
    required: false,
    description: "Page size.",
    schema: || json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
};

pub const OFFSET: ParamSpec = ParamSpec {
    name: "offset",
    required: false,
    description: "Number of matching features to skip.",
    schema: || json!({"type": "integer", "minimum": 0, "default": 0}),
};

pub const FILTER: ParamSpec = ParamSpec {
    name: "filter",
    required: false,
    description: "CQL2 filter expression (see the collection's queryables).",
    schema: || json!({"type": "string"}),
};

pub const FILTER_LANG: ParamSpec = ParamSpec {
    name: "filter-lang",
    required: false,
    description: "Language of filter.",
    schema: || {
        let names: Vec<&str> = FilterLang::ALL.iter().map(|l| l.as_str()).collect();
        json!({"type": "string", "enum": names, "default": FilterLang::default().as_str()})
    },
};

pub const FILTER_CRS: ParamSpec = ParamSpec {
    name: "filter-crs",
    required: false,
    description: "CRS of geometries in filter; only CRS84.",
    schema: || json!({"type": "string", "enum": [Crs::Crs84.uri()]}),
};

pub const PROPERTIES: ParamSpec = ParamSpec {
    name: "properties",
    required: false,
    description: "Comma-separated properties to return.",
    schema: || json!({"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}),
};

pub const SORTBY: ParamSpec = ParamSpec {
    name: "sortby",
    required: false,
    description:
        "Comma-separated queryables, each optionally prefixed with + (ascending) or - (descending).",
    // `parse_sortby`: a name after an optional `+` (or the space a `+` decodes to) or `-`,
    // with no space or comma in it; a sign alone is no key.
    schema: || json!({"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^([+ -][^\\s,]+|[^\\s,+-][^\\s,]*)$"}}),
};

pub const CRS: ParamSpec = ParamSpec {
    name: "crs",
    required: false,
    description: "CRS of the returned coordinates: one of the collection's `crs` list (those that can write every one of its features).",
    schema: || json!({"type": "string", "format": "uri", "enum": Crs::supported()}),
};

pub const SKIP_GEOMETRY: ParamSpec = ParamSpec {
    name: "skipGeometry",
    required: false,
    description: "Omit geometries (true) for a lighter response.",
    schema: || json!({"type": "boolean", "default": false}),
};

/// The parameters of an items page, in the order the API document lists them.
pub const ITEMS_PARAMETER_SPECS: &[ParamSpec] = &[
    BBOX,
    BBOX_CRS,
    DATETIME,
    LIMIT,
    OFFSET,
    FILTER,
    FILTER_LANG,
    FILTER_CRS,
    PROPERTIES,
    SORTBY,
    CRS,
    SKIP_GEOMETRY,
];

/// The parameters of a single item: how it is written, and the day it is drawn as of.
pub const ITEM_PARAMETER_SPECS: &[ParamSpec] = &[CRS, DATETIME, PROPERTIES, SKIP_GEOMETRY];

/// `sortby` of one collection: its queryables, each optionally after `+` (or the space a `+`
/// decodes to) or `-`; the names are the collection's own, so the pattern is exact.
pub fn sortby_schema(queryables: &[Queryable]) -> Value {
    let names: Vec<String> = queryables.iter().map(|q| regex_literal(&q.name)).collect();
    let key = format!("^[+ -]?({})$", names.join("|"));
    json!({"type": "array", "minItems": 1, "items": {"type": "string", "pattern": key}})
}

/// `properties` of one collection: the names its features' schema lists.
pub fn properties_schema<'a>(names: impl IntoIterator<Item = &'a String>) -> Value {
    let names: Vec<&String> = names.into_iter().collect();
    json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": names}})
}

/// `crs` of one collection: the CRSs that can write every one of its features.
pub fn crs_schema(extent: Option<[f64; 4]>) -> Value {
    let offered: Vec<String> = Crs::offered_for(extent).map(|crs| crs.uri()).collect();
    json!({"type": "string", "format": "uri", "enum": offered})
}

/// `text` as a regular expression matching exactly it.
fn regex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$-/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::params::{parse_property_list, parse_sortby};

    #[test]
    fn names_are_unique_and_the_single_item_takes_a_subset() {
        let mut names: Vec<&str> = ITEMS_PARAMETER_SPECS.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ITEMS_PARAMETER_SPECS.len());
        for p in ITEM_PARAMETER_SPECS {
            assert!(names.contains(&p.name), "{}", p.name);
        }
    }

    #[test]
    fn the_generic_patterns_accept_what_the_parsers_accept() {
        let sortby = (SORTBY.schema)();
        let key = regex::Regex::new(sortby["items"]["pattern"].as_str().unwrap()).unwrap();
        for text in [
            "name",
            "-valid_from",
            "+kind",
            " name",
            "--x",
            "+-x",
            "a.b",
            "n-",
        ] {
            assert!(key.is_match(text), "{text:?}");
            assert!(parse_sortby(text).is_ok(), "{text:?}");
        }
        for text in ["", "+", "-", "- name", "na me", "a,b"] {
            assert!(!key.is_match(text), "{text:?}");
            // A comma splits keys, so the parser sees two; every other case it refuses.
            assert!(text == "a,b" || parse_sortby(text).is_err(), "{text:?}");
        }
        assert!(parse_property_list("a,,b").is_err());
        assert_eq!((PROPERTIES.schema)()["items"]["minLength"], 1);
    }

    #[test]
    fn per_collection_schemas_narrow_the_generic_ones() {
        let generic = (CRS.schema)();
        let narrowed = crs_schema(Some([-180.0, -80.0, 180.0, 80.0]));
        let all = generic["enum"].as_array().unwrap();
        for crs in narrowed["enum"].as_array().unwrap() {
            assert!(all.contains(crs), "{crs}");
        }
        assert!(narrowed["enum"].as_array().unwrap().len() < all.len());
    }
}
