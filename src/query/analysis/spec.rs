//! The analysis questions declared once: each question's name, summary and parameters, each
//! parameter with its meaning and its JSON schema carrying the same limits its parser enforces
//! (`params`). The dispatcher takes the accepted names from here and the OpenAPI document its
//! entries, so a parameter cannot be documented one way and parsed another.

use super::params::{DEFAULT_ANSWER_LIMIT, DEFAULT_K, MAX_DISTANCE_KM, MAX_K};
pub use crate::query::params::ParamSpec;
use crate::query::params::{datetime_pattern, partial_date_pattern, MAX_LIMIT};
use serde_json::{json, Value};

/// One question: its name in `/analysis/{name}` and `forcemap query {name}`, a summary and its
/// parameters.
pub struct QuestionSpec {
    pub name: &'static str,
    pub summary: &'static str,
    pub parameters: &'static [ParamSpec],
}

impl QuestionSpec {
    /// The question of that name.
    pub fn find(name: &str) -> Option<&'static QuestionSpec> {
        QUESTION_SPECS.iter().find(|q| q.name == name)
    }

    /// The names of the parameters the question accepts.
    pub fn parameter_names(&self) -> impl Iterator<Item = &'static str> {
        self.parameters.iter().map(|p| p.name)
    }
}

impl QuestionSpec {
    /// Whether the answer's list is paged (`limit`, `offset`).
    pub fn is_paged(&self) -> bool {
        self.parameters.iter().any(|p| p.name == LIMIT.name)
    }
}

/// The names of every question, in the order of [`QUESTION_SPECS`].
pub fn question_names() -> impl Iterator<Item = &'static str> {
    QUESTION_SPECS.iter().map(|q| q.name)
}

fn distance_schema() -> Value {
    json!({"type": "number", "minimum": 0, "maximum": MAX_DISTANCE_KM})
}

const COLLECTIONS: ParamSpec = ParamSpec {
    name: "collections",
    required: false,
    description: "Comma-separated collections to search (countries, groupings, installations, forces, events, routes, borders). Default: installations,forces,events.",
    schema: || json!({"type": "array", "items": {"type": "string", "enum": ["countries", "groupings", "installations", "forces", "events", "routes", "borders"]}}),
};

const DATETIME: ParamSpec = ParamSpec {
    name: "datetime",
    required: false,
    description: "Instant or interval (RFC 3339, or reduced precision such as 2005 or 2005-06; `..` for an open end). Only features valid then are considered; grouping memberships and footprints are taken on its last day (or today).",
    schema: || json!({"type": "string", "pattern": datetime_pattern()}),
};

const INCLUDE: ParamSpec = ParamSpec {
    name: "include",
    required: false,
    description: "`zone` adds the drawn shapes: features with property role = zone (the area), ring (its outline) or border (the border line).",
    schema: || json!({"type": "string", "enum": ["zone"]}),
};

const LON: ParamSpec = ParamSpec {
    name: "lon",
    required: true,
    description: "Longitude, degrees WGS 84.",
    schema: || json!({"type": "number", "minimum": -180, "maximum": 180}),
};

const LAT: ParamSpec = ParamSpec {
    name: "lat",
    required: true,
    description: "Latitude, degrees WGS 84.",
    schema: || json!({"type": "number", "minimum": -90, "maximum": 90}),
};

const LIMIT: ParamSpec = ParamSpec {
    name: "limit",
    required: false,
    description: "Most entries of the answer's list on one page (the summary and the drawn shapes describe the whole answer). A next link leads on.",
    schema: || json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_ANSWER_LIMIT}),
};

const OFFSET: ParamSpec = ParamSpec {
    name: "offset",
    required: false,
    description: "Entries of the answer's list to skip, in its order (nearest first where distance is the question).",
    schema: || json!({"type": "integer", "minimum": 0, "default": 0}),
};

const RADIUS_KM: ParamSpec = ParamSpec {
    name: "radius_km",
    required: true,
    description: "Radius, kilometres.",
    schema: distance_schema,
};

/// Every question, in the order the documentation lists them.
pub const QUESTION_SPECS: &[QuestionSpec] = &[
    QuestionSpec {
        name: "border-zone",
        summary: "Features within a distance of the shared land border of two countries, with their geodesic distance_km to it and the side they are on",
        parameters: &[
            ParamSpec {
                name: "countries",
                required: true,
                description: "Two ISO 3166-1 alpha-3 codes that share a land border, comma-separated (TJK,AFG).",
                schema: || json!({"type": "array", "minItems": 2, "maxItems": 2, "uniqueItems": true, "items": {"type": "string", "pattern": "^[A-Za-z]{3}$"}}),
            },
            ParamSpec {
                name: "distance_km",
                required: true,
                description: "Distance from the border, kilometres (0 keeps what lies on it).",
                schema: distance_schema,
            },
            COLLECTIONS,
            DATETIME,
            INCLUDE,
            LIMIT,
            OFFSET,
        ],
    },
    QuestionSpec {
        name: "near",
        summary: "Features within a radius of a point, nearest first, with their geodesic distance_km",
        parameters: &[
            LON,
            LAT,
            RADIUS_KM,
            COLLECTIONS,
            DATETIME,
            INCLUDE,
            LIMIT,
            OFFSET,
        ],
    },
    QuestionSpec {
        name: "nearest",
        summary: "The k features nearest to a point, with their geodesic distance_km",
        parameters: &[
            LON,
            LAT,
            ParamSpec {
                name: "k",
                required: false,
                description: "How many features.",
                schema: || json!({"type": "integer", "minimum": 1, "maximum": MAX_K, "default": DEFAULT_K}),
            },
            COLLECTIONS,
            DATETIME,
        ],
    },
    QuestionSpec {
        name: "within",
        summary: "Features inside a country, a grouping or a theater (their members' territory on the reference day)",
        parameters: &[
            ParamSpec {
                name: "area",
                required: true,
                description: "A country ISO3 code (TJK), or a grouping or theater id (csto, central-asian-region).",
                schema: || json!({"type": "string"}),
            },
            COLLECTIONS,
            DATETIME,
            INCLUDE,
            LIMIT,
            OFFSET,
        ],
    },
    QuestionSpec {
        name: "locate",
        summary: "The country holding a point and every grouping or theater covering it on the reference day (features without geometry)",
        parameters: &[LON, LAT, DATETIME],
    },
    QuestionSpec {
        name: "range",
        summary: "A geodesic range ring around a point feature: the features inside, with distance_km, and the countries the ring reaches (summary.countries)",
        parameters: &[
            ParamSpec {
                name: "from",
                required: true,
                description: "Id of a point feature of installations, forces or events (kant-air-base).",
                schema: || json!({"type": "string"}),
            },
            RADIUS_KM,
            COLLECTIONS,
            DATETIME,
            INCLUDE,
            LIMIT,
            OFFSET,
        ],
    },
    QuestionSpec {
        name: "changes",
        summary: "What changed between two dates: membership joins, exits and status changes in every grouping, features opened or closed, and events that began, in date order; each with change, date, collection, id, name (and grouping, country, status_from, status_to for memberships), at the feature's point or with null geometry",
        parameters: &[
            ParamSpec {
                name: "from",
                required: true,
                description: "First date of the period: YYYY, YYYY-MM or YYYY-MM-DD (a year or month starts on its first day).",
                schema: || json!({"type": "string", "pattern": partial_date_pattern()}),
            },
            ParamSpec {
                name: "to",
                required: true,
                description: "Last date of the period, not before from: YYYY, YYYY-MM or YYYY-MM-DD (a year or month ends on its last day).",
                schema: || json!({"type": "string", "pattern": partial_date_pattern()}),
            },
            LIMIT,
            OFFSET,
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parameters_not_repeated() {
        let mut names: Vec<&str> = question_names().collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), QUESTION_SPECS.len());
        for q in QUESTION_SPECS {
            let mut p: Vec<&str> = q.parameter_names().collect();
            p.sort_unstable();
            p.dedup();
            assert_eq!(p.len(), q.parameters.len(), "{}", q.name);
        }
    }

    #[test]
    fn every_schema_is_an_object_with_a_type() {
        for q in QUESTION_SPECS {
            for p in q.parameters {
                let schema = (p.schema)();
                assert!(schema["type"].is_string(), "{} {}", q.name, p.name);
            }
        }
    }
}
