//! What a question returns: [`Answer`] holds the features found ([`Hit`]), the shapes the
//! question drew ([`Shape`]) and a summary; [`rank`] orders hits nearest first and
//! [`summary`] builds the part of the summary every question shares.

use super::changes::Change;
use super::scope::Scope;
use crate::catalog::Catalog;
use crate::model::{CollectionId, Feature, LocationPrecision};
use geo::Geometry;
use serde_json::{json, Map, Value};

/// One feature of the answer: a catalog feature plus what the question computed about it.
#[derive(Clone, Debug)]
pub struct Hit<'a> {
    pub collection: CollectionId,
    pub position: usize,
    pub feature: &'a Feature,
    /// The feature's geometry on the reference day (a grouping's footprint then); `None` for
    /// answers that leave geometry out (`locate`).
    pub geometry: Option<&'a Geometry<f64>>,
    /// Geodesic distance in kilometres, where distance is the question.
    pub distance_km: Option<f64>,
    /// `Some(None)` is a side that is neither country; `None` means the question has no sides.
    pub side: Option<Option<String>>,
    /// 1-based place in distance order, where distance is the question.
    pub rank: Option<usize>,
    /// Whether the feature itself, not only its recorded point, is inside the zone asked
    /// about, given its location precision; `None` where the question has no zone.
    pub certainty: Option<Certainty>,
    /// How far the true distance may differ from `distance_km`, from the location precision
    /// of the feature (and, for a range, of its centre); `None` when unbounded.
    pub uncertainty_km: Option<f64>,
}

/// Whether a feature is inside a zone for sure or only possibly, once the uncertainty of its
/// location is taken into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certainty {
    Certain,
    Possible,
}

impl Certainty {
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Certain => "certain",
            Certainty::Possible => "possible",
        }
    }
}

/// How far the feature itself may lie from where its geometry puts it: `Some(0)` for exact
/// geometry (no `location_precision`, as for countries and borders), the precision's radius,
/// or `None` when the precision bounds it by no distance.
pub fn uncertainty_km(feature: &Feature) -> Option<f64> {
    match feature.location_precision {
        None => Some(0.0),
        Some(precision) => precision.radius_km(),
    }
}

/// The bounds `(min, max)` of a true distance measured as `distance_km` with `uncertainty_km`,
/// or `None` when the uncertainty is unbounded.
pub fn distance_bounds(distance_km: f64, uncertainty_km: Option<f64>) -> Option<(f64, f64)> {
    uncertainty_km.map(|r| ((distance_km - r).max(0.0), distance_km + r))
}

/// Whether something measured at `distance_km` with `uncertainty_km` lies within `zone_km`:
/// `None` when even its nearest possible place is outside, else certain when its farthest
/// possible place is inside.
pub fn within_zone(
    distance_km: f64,
    uncertainty_km: Option<f64>,
    zone_km: f64,
) -> Option<Certainty> {
    match distance_bounds(distance_km, uncertainty_km) {
        Some((min, _)) if min > zone_km => None,
        Some((_, max)) if max <= zone_km => Some(Certainty::Certain),
        Some(_) => Some(Certainty::Possible),
        // Unbounded: possibly inside when its point is.
        None => (distance_km <= zone_km).then_some(Certainty::Possible),
    }
}

/// How much farther than a zone's distance to search, so that features whose recorded point
/// is outside but which may themselves be inside are found.
pub fn search_margin_km() -> f64 {
    LocationPrecision::max_radius_km()
}

impl Hit<'_> {
    /// The feature's curated properties plus `collection` and the computed ones.
    pub fn properties(&self) -> Map<String, Value> {
        let mut properties = self.feature.properties.to_map();
        properties.insert("collection".into(), json!(self.collection.as_str()));
        if let Some(km) = self.distance_km {
            properties.insert("distance_km".into(), json!(round_km(km)));
            let bounds = distance_bounds(km, self.uncertainty_km);
            properties.insert(
                "distance_km_min".into(),
                json!(bounds.map(|(min, _)| round_km(min))),
            );
            properties.insert(
                "distance_km_max".into(),
                json!(bounds.map(|(_, max)| round_km(max))),
            );
        }
        if let Some(certainty) = self.certainty {
            properties.insert("certainty".into(), json!(certainty.as_str()));
        }
        if let Some(side) = &self.side {
            properties.insert("side".into(), json!(side));
        }
        if let Some(rank) = self.rank {
            properties.insert("rank".into(), json!(rank));
        }
        properties
    }
}

/// Geometry the question made rather than found: a zone, a range ring, the border itself.
#[derive(Clone, Debug)]
pub struct Shape {
    pub id: String,
    /// `zone`, `ring` or `border`.
    pub role: &'static str,
    pub geometry: Geometry<f64>,
    pub properties: Map<String, Value>,
}

impl Shape {
    pub fn properties(&self) -> Map<String, Value> {
        let mut properties = Map::new();
        properties.insert("role".into(), json!(self.role));
        properties.extend(self.properties.clone());
        properties
    }
}

/// What a question returns: the features found, the shapes drawn and a summary object.
#[derive(Clone, Debug)]
pub struct Answer<'a> {
    /// The features found, in order; an answer made for one page may stop at that page's end.
    pub hits: Vec<Hit<'a>>,
    /// How many features were found after the last of `hits` (0 unless the answer stops at a
    /// page's end).
    pub hits_beyond: usize,
    pub shapes: Vec<Shape>,
    /// What changed between two dates (the `changes` question only).
    pub changes: Vec<Change<'a>>,
    pub summary: Value,
}

impl Answer<'_> {
    /// How many entries the answer's list holds (hits, then changes), whatever the page.
    pub fn number_matched(&self) -> usize {
        self.hits.len() + self.hits_beyond + self.changes.len()
    }
}

/// Which part of an answer's list is written: at most `limit` entries from `offset`, in the
/// answer's order (nearest first where distance is the question). The drawn shapes and the
/// summary, which describe the whole answer, come with every page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    /// Every entry, as the command line writes them.
    pub const WHOLE: Page = Page {
        offset: 0,
        limit: usize::MAX,
    };

    /// How many entries of `matched` this page holds.
    pub fn returned(&self, matched: usize) -> usize {
        matched.saturating_sub(self.offset).min(self.limit)
    }
}

/// Kilometres to the metre: more digits would claim more than the data's precision.
pub fn round_km(km: f64) -> f64 {
    (km * 1000.0).round() / 1000.0
}

/// Counts of hits per collection (every collection of the scope appears, with 0 if need be).
fn counts_per_collection(scope: &Scope, hits: &[Hit]) -> Value {
    let mut counts = Map::new();
    for c in &scope.collections {
        let n = hits.iter().filter(|h| h.collection == *c).count();
        counts.insert(c.as_str().into(), json!(n));
    }
    Value::Object(counts)
}

/// The common summary: question, parameters echoed by the caller, scope and counts.
pub fn summary(
    question: &str,
    scope: &Scope,
    hits: &[Hit],
    catalog: &Catalog,
) -> Map<String, Value> {
    let mut s = Map::new();
    s.insert("question".into(), json!(question));
    scope.echo(&mut s);
    s.insert("count".into(), json!(hits.len()));
    s.insert("per_collection".into(), counts_per_collection(scope, hits));
    s.insert("unlocated_in_scope".into(), json!(scope.unlocated(catalog)));
    if hits.iter().any(|h| h.certainty.is_some()) {
        let count = |c: Certainty| hits.iter().filter(|h| h.certainty == Some(c)).count();
        s.insert(
            "certainty".into(),
            json!({"certain": count(Certainty::Certain), "possible": count(Certainty::Possible)}),
        );
    }
    s
}

/// Sorts hits by distance (then collection and id, so that equal distances list stably) and
/// numbers them.
pub fn rank(hits: &mut [Hit]) {
    hits.sort_by(|a, b| {
        a.distance_km
            .unwrap_or(f64::INFINITY)
            .total_cmp(&b.distance_km.unwrap_or(f64::INFINITY))
            .then(a.collection.cmp(&b.collection))
            .then(a.feature.id.cmp(&b.feature.id))
    });
    for (i, hit) in hits.iter_mut().enumerate() {
        hit.rank = Some(i + 1);
    }
}
