//! What the dataset declares about itself: the period each curated layer covers and, in a
//! plain sentence, how complete it is there. A date outside a layer's period is not evidence
//! that nothing happened then, only that the record does not reach it.

use super::collection::CollectionId;
use chrono::NaiveDate;
use serde_json::{json, Value};

/// An inclusive period of whole days; `end: None` only for a layer kept current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }

    /// `[start, end]` as ISO dates, the end null when open.
    pub fn to_json(&self) -> Value {
        json!([self.start.to_string(), self.end.map(|d| d.to_string())])
    }
}

/// One layer's declared coverage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerCoverage {
    pub interval: Period,
    pub completeness: String,
}

/// The dataset's declared coverage: its whole period and each curated layer's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub interval: Period,
    /// In [`CollectionId::CURATED`] order.
    pub collections: Vec<(CollectionId, LayerCoverage)>,
}

impl Coverage {
    pub fn layer(&self, collection: CollectionId) -> Option<&LayerCoverage> {
        self.collections
            .iter()
            .find(|(c, _)| *c == collection)
            .map(|(_, layer)| layer)
    }

    /// The coverage as clients receive it:
    /// `{"interval": [start, end], "collections": {id: {"interval", "completeness"}}}`.
    pub fn to_json(&self) -> Value {
        let collections: serde_json::Map<String, Value> = self
            .collections
            .iter()
            .map(|(id, layer)| {
                (
                    id.as_str().to_string(),
                    json!({"interval": layer.interval.to_json(), "completeness": layer.completeness}),
                )
            })
            .collect();
        json!({"interval": self.interval.to_json(), "collections": collections})
    }
}
