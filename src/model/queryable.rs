//! Queryables: the properties of a collection a filter or a sort may name, each with the type
//! that decides which comparisons make sense. The catalog infers them from the data once; the
//! CQL2 compiler checks filters against them and the API publishes them.

use serde_json::Value;

/// The declared type of a queryable; decides which comparisons are type errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryableType {
    /// JSON string.
    String,
    /// JSON number.
    Number,
    /// JSON number without fraction.
    Integer,
    /// JSON boolean.
    Boolean,
    /// ISO 8601 date string (reduced precision allowed), or the `datetime` interval.
    Date,
    /// The feature geometry.
    Geometry,
    /// JSON array of scalars.
    Array,
}

impl QueryableType {
    /// What a value of this type is, for error messages ("… is not a number").
    pub fn described(&self) -> &'static str {
        match self {
            QueryableType::String => "a string",
            QueryableType::Number => "a number",
            QueryableType::Integer => "a whole number",
            QueryableType::Boolean => "true or false",
            QueryableType::Date => "a date",
            QueryableType::Geometry => "a geometry",
            QueryableType::Array => "a list",
        }
    }

    /// The JSON Schema fragment describing this type, for the `/queryables` document.
    pub fn json_schema(&self) -> Value {
        match self {
            QueryableType::String => serde_json::json!({ "type": "string" }),
            QueryableType::Number => serde_json::json!({ "type": "number" }),
            QueryableType::Integer => serde_json::json!({ "type": "integer" }),
            QueryableType::Boolean => serde_json::json!({ "type": "boolean" }),
            QueryableType::Date => serde_json::json!({ "type": "string", "format": "date" }),
            QueryableType::Geometry => {
                serde_json::json!({ "format": "geometry-any" })
            }
            QueryableType::Array => serde_json::json!({ "type": "array" }),
        }
    }
}

/// A property a filter may name.
#[derive(Clone, Debug, PartialEq)]
pub struct Queryable {
    /// The name used in filters.
    pub name: String,
    /// Its declared type.
    pub kind: QueryableType,
    /// One line for the `/queryables` document.
    pub description: String,
}

impl Queryable {
    /// Shorthand constructor.
    pub fn new(name: &str, kind: QueryableType, description: &str) -> Queryable {
        Queryable {
            name: name.to_string(),
            kind,
            description: description.to_string(),
        }
    }
}
