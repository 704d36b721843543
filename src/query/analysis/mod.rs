//! Spatial analysis: the questions behind `/analysis/*` and `forcemap query`, answered from the
//! catalog with geodesic measures on WGS 84.
//!
//! Each question lives in its own file (`border_zone`, `near`, `nearest`, `within`, `locate`,
//! `range`) and shares two helpers: `geodesy` (distances, safe search envelopes) and `zone`
//! (polygons for drawing: range rings and border buffers). There is no HTTP here: a question is
//! parsed from name/value pairs by [`Question::parse`], so the server and the command line
//! accept the same parameters and report the same errors, and [`Question::answer`] returns an
//! [`Answer`] that the caller writes as GeoJSON.
//!
//! Every question follows the same two steps: the R-tree proposes candidates inside an envelope
//! that is proven to contain everything within the distance asked (see
//! [`geodesy::expand_envelope`]), then exact geodesic measures decide. Distances are never
//! taken in planar degrees.

pub mod border_zone;
pub mod changes;
pub mod geodesy;
pub mod locate;
pub mod near;
pub mod nearest;
pub mod range;
pub mod within;
pub mod zone;

use super::params::{parse_datetime, reference_day, ParamError};
use crate::catalog::{Catalog, Envelope};
use crate::model::{CollectionId, DateSpan, Feature, PartialDate};
use chrono::NaiveDate;
use geo::{Coord, Geometry};
use serde_json::{json, Map, Value};

/// Longest distance or radius a question accepts, in kilometres.
pub const MAX_DISTANCE_KM: f64 = 5_000.0;
/// Most neighbours `nearest` returns.
pub const MAX_K: usize = 1_000;
/// `k` when the question does not give one.
pub const DEFAULT_K: usize = 5;
/// Collections searched when the question names none.
pub const DEFAULT_COLLECTIONS: [CollectionId; 3] = [
    CollectionId::Installations,
    CollectionId::Forces,
    CollectionId::Events,
];

/// A question that cannot be answered as asked; the message names the parameter at fault and
/// is meant for the person who asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("missing parameter {0}")]
    Missing(&'static str),
    #[error("invalid {parameter}: {message}")]
    Invalid { parameter: String, message: String },
    #[error("invalid {parameter}: unknown country \"{code}\"; use an ISO 3166-1 alpha-3 code such as TJK")]
    UnknownCountry {
        parameter: &'static str,
        code: String,
    },
    #[error("invalid countries: {0} and {1} share no land border")]
    NoSharedBorder(String, String),
    #[error("invalid collections: {0}")]
    UnknownCollection(String),
    #[error("invalid from: no feature \"{0}\" in installations, forces, events or routes")]
    UnknownFeature(String),
    #[error("invalid from: \"{0}\" has no point location to measure a range from")]
    NoLocation(String),
    #[error("invalid area: \"{0}\" is neither a country ISO3 code nor a grouping or theater id")]
    UnknownArea(String),
}

impl AnalysisError {
    fn invalid(parameter: &str, message: impl Into<String>) -> AnalysisError {
        AnalysisError::Invalid {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }

    /// The parameter the error is about.
    pub fn parameter(&self) -> &str {
        match self {
            AnalysisError::Missing(p) => p,
            AnalysisError::Invalid { parameter, .. } => parameter,
            AnalysisError::UnknownCountry { parameter, .. } => parameter,
            AnalysisError::NoSharedBorder(..) => "countries",
            AnalysisError::UnknownCollection(_) => "collections",
            AnalysisError::UnknownFeature(_) | AnalysisError::NoLocation(_) => "from",
            AnalysisError::UnknownArea(_) => "area",
        }
    }
}

impl From<ParamError> for AnalysisError {
    fn from(e: ParamError) -> AnalysisError {
        AnalysisError::Invalid {
            parameter: e.parameter,
            message: e.message,
        }
    }
}

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
}

impl Hit<'_> {
    /// The feature's curated properties plus `collection` and the computed ones.
    pub fn properties(&self) -> Map<String, Value> {
        let mut properties = self.feature.properties.clone();
        properties.insert("collection".into(), json!(self.collection.as_str()));
        if let Some(km) = self.distance_km {
            properties.insert("distance_km".into(), json!(round_km(km)));
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
    pub hits: Vec<Hit<'a>>,
    pub shapes: Vec<Shape>,
    /// What changed between two dates (the `changes` question only).
    pub changes: Vec<changes::Change<'a>>,
    pub summary: Value,
}

/// Kilometres to the metre: more digits would claim more than the data's precision.
pub fn round_km(km: f64) -> f64 {
    (km * 1000.0).round() / 1000.0
}

/// The collections and the time a question looks at.
#[derive(Clone, Debug)]
pub struct Scope {
    pub collections: Vec<CollectionId>,
    /// Features whose validity meets this span are considered; `None` = all.
    pub datetime: Option<DateSpan>,
    /// The day grouping footprints and memberships are taken on.
    pub day: NaiveDate,
    /// The `datetime` parameter as given, echoed in summaries.
    pub datetime_text: Option<String>,
}

impl Scope {
    /// Candidates whose envelope meets any of `envelopes` and that were valid in the scope's
    /// time, with their geometry on the scope's day; features without a place are skipped.
    pub fn candidates<'a>(
        &self,
        catalog: &'a Catalog,
        envelopes: &[Envelope],
    ) -> Vec<(CollectionId, usize, &'a Feature, &'a Geometry<f64>)> {
        let mut out = Vec::new();
        for &collection in &self.collections {
            let source = catalog.collection(collection);
            let mut positions: Vec<usize> = envelopes
                .iter()
                .flat_map(|e| source.candidates(e))
                .collect();
            positions.sort_unstable();
            positions.dedup();
            for position in positions {
                let feature = &source.features()[position];
                if !self.is_valid(feature) {
                    continue;
                }
                if let Some(geometry) = catalog.geometry_on(collection, position, self.day) {
                    out.push((collection, position, feature, geometry));
                }
            }
        }
        out
    }

    pub fn is_valid(&self, feature: &Feature) -> bool {
        self.datetime
            .as_ref()
            .is_none_or(|span| feature.validity.span().intersects(span))
    }

    /// Features in scope that have no place at all (and so cannot be in any answer).
    pub fn unlocated(&self, catalog: &Catalog) -> usize {
        self.collections
            .iter()
            .filter(|&&c| c != CollectionId::Groupings)
            .flat_map(|&c| catalog.collection(c).features())
            .filter(|f| f.geometry.is_none() && self.is_valid(f))
            .count()
    }

    /// The scope's part of a summary.
    fn echo(&self, summary: &mut Map<String, Value>) {
        let names: Vec<&str> = self.collections.iter().map(|c| c.as_str()).collect();
        summary.insert("collections".into(), json!(names));
        summary.insert("datetime".into(), json!(self.datetime_text));
        summary.insert("reference_day".into(), json!(self.day.to_string()));
    }
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
fn summary(question: &str, scope: &Scope, hits: &[Hit], catalog: &Catalog) -> Map<String, Value> {
    let mut s = Map::new();
    s.insert("question".into(), json!(question));
    scope.echo(&mut s);
    s.insert("count".into(), json!(hits.len()));
    s.insert("per_collection".into(), counts_per_collection(scope, hits));
    s.insert("unlocated_in_scope".into(), json!(scope.unlocated(catalog)));
    s
}

/// Sorts hits by distance (then collection and id, so that equal distances list stably) and
/// numbers them.
fn rank(hits: &mut [Hit]) {
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

/// A parsed question, ready to be answered against any catalog.
#[derive(Clone, Debug, PartialEq)]
pub enum Question {
    BorderZone {
        countries: (String, String),
        distance_km: f64,
        collections: Vec<CollectionId>,
        datetime: Option<String>,
        include_zone: bool,
    },
    Near {
        point: Coord<f64>,
        radius_km: f64,
        collections: Vec<CollectionId>,
        datetime: Option<String>,
        include_zone: bool,
    },
    Nearest {
        point: Coord<f64>,
        k: usize,
        collections: Vec<CollectionId>,
        datetime: Option<String>,
    },
    Within {
        area: String,
        collections: Vec<CollectionId>,
        datetime: Option<String>,
        include_zone: bool,
    },
    Locate {
        point: Coord<f64>,
        datetime: Option<String>,
    },
    Range {
        from: String,
        radius_km: f64,
        collections: Vec<CollectionId>,
        datetime: Option<String>,
        include_zone: bool,
    },
    Changes {
        from: PartialDate,
        to: PartialDate,
    },
}

/// The names of the questions, as used in `/analysis/{name}` and `forcemap query {name}`.
pub const QUESTIONS: [&str; 7] = [
    "border-zone",
    "near",
    "nearest",
    "within",
    "locate",
    "range",
    "changes",
];

impl Question {
    /// The parameters a question accepts.
    pub fn parameters(name: &str) -> &'static [&'static str] {
        match name {
            "border-zone" => &[
                "countries",
                "distance_km",
                "collections",
                "datetime",
                "include",
            ],
            "near" => &[
                "lon",
                "lat",
                "radius_km",
                "collections",
                "datetime",
                "include",
            ],
            "nearest" => &["lon", "lat", "k", "collections", "datetime"],
            "within" => &["area", "collections", "datetime", "include"],
            "locate" => &["lon", "lat", "datetime"],
            "range" => &["from", "radius_km", "collections", "datetime", "include"],
            "changes" => &["from", "to"],
            _ => &[],
        }
    }

    /// Parses a question from name/value pairs (the last value of a repeated name wins).
    /// Names outside [`Question::parameters`] are the caller's to reject.
    pub fn parse(name: &str, params: &[(String, String)]) -> Result<Question, AnalysisError> {
        let get = |key: &str| {
            params
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let datetime = match get("datetime") {
            Some(text) => {
                parse_datetime(text)?;
                Some(text.trim().to_string())
            }
            None => None,
        };
        let collections = || parse_collections(get("collections"));
        let include_zone = || parse_include(get("include"));
        let point = || -> Result<Coord<f64>, AnalysisError> {
            let lon = parse_number("lon", get("lon").ok_or(AnalysisError::Missing("lon"))?)?;
            let lat = parse_number("lat", get("lat").ok_or(AnalysisError::Missing("lat"))?)?;
            check_lon_lat(lon, lat)?;
            Ok(Coord { x: lon, y: lat })
        };
        Ok(match name {
            "border-zone" => Question::BorderZone {
                countries: parse_countries(
                    get("countries").ok_or(AnalysisError::Missing("countries"))?,
                )?,
                distance_km: parse_km(
                    "distance_km",
                    get("distance_km").ok_or(AnalysisError::Missing("distance_km"))?,
                )?,
                collections: collections()?,
                datetime,
                include_zone: include_zone()?,
            },
            "near" => Question::Near {
                point: point()?,
                radius_km: parse_km(
                    "radius_km",
                    get("radius_km").ok_or(AnalysisError::Missing("radius_km"))?,
                )?,
                collections: collections()?,
                datetime,
                include_zone: include_zone()?,
            },
            "nearest" => Question::Nearest {
                point: point()?,
                k: parse_k(get("k"))?,
                collections: collections()?,
                datetime,
            },
            "within" => Question::Within {
                area: parse_id("area", get("area").ok_or(AnalysisError::Missing("area"))?)?,
                collections: collections()?,
                datetime,
                include_zone: include_zone()?,
            },
            "locate" => Question::Locate {
                point: point()?,
                datetime,
            },
            "range" => Question::Range {
                from: parse_id("from", get("from").ok_or(AnalysisError::Missing("from"))?)?,
                radius_km: parse_km(
                    "radius_km",
                    get("radius_km").ok_or(AnalysisError::Missing("radius_km"))?,
                )?,
                collections: collections()?,
                datetime,
                include_zone: include_zone()?,
            },
            "changes" => changes::parse(get("from"), get("to"))?,
            other => {
                return Err(AnalysisError::invalid(
                    "question",
                    format!(
                        "unknown question \"{other}\"; questions are: {}",
                        QUESTIONS.join(", ")
                    ),
                ))
            }
        })
    }

    /// Answers the question; `today` is the reference day when no `datetime` is given.
    pub fn answer<'a>(
        &self,
        catalog: &'a Catalog,
        today: NaiveDate,
    ) -> Result<Answer<'a>, AnalysisError> {
        let scope = |collections: &[CollectionId],
                     datetime: &Option<String>|
         -> Result<Scope, AnalysisError> {
            let span = datetime.as_deref().map(parse_datetime).transpose()?;
            Ok(Scope {
                collections: collections.to_vec(),
                day: reference_day(span.as_ref(), today),
                datetime: span,
                datetime_text: datetime.clone(),
            })
        };
        match self {
            Question::BorderZone {
                countries,
                distance_km,
                collections,
                datetime,
                include_zone,
            } => border_zone::border_zone(
                catalog,
                (&countries.0, &countries.1),
                *distance_km,
                &scope(collections, datetime)?,
                *include_zone,
            ),
            Question::Near {
                point,
                radius_km,
                collections,
                datetime,
                include_zone,
            } => near::near(
                catalog,
                *point,
                *radius_km,
                &scope(collections, datetime)?,
                *include_zone,
            ),
            Question::Nearest {
                point,
                k,
                collections,
                datetime,
            } => nearest::nearest(catalog, *point, *k, &scope(collections, datetime)?),
            Question::Within {
                area,
                collections,
                datetime,
                include_zone,
            } => within::within(catalog, area, &scope(collections, datetime)?, *include_zone),
            Question::Locate { point, datetime } => {
                locate::locate(catalog, *point, &scope(&[], datetime)?)
            }
            Question::Range {
                from,
                radius_km,
                collections,
                datetime,
                include_zone,
            } => range::range(
                catalog,
                from,
                *radius_km,
                &scope(collections, datetime)?,
                *include_zone,
            ),
            Question::Changes { from, to } => changes::changes(catalog, *from, *to),
        }
    }
}

fn parse_number(parameter: &str, text: &str) -> Result<f64, AnalysisError> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| AnalysisError::invalid(parameter, format!("\"{text}\" is not a number")))?;
    if !value.is_finite() {
        return Err(AnalysisError::invalid(
            parameter,
            format!("\"{text}\" is not a finite number"),
        ));
    }
    Ok(value)
}

/// Longitude in -180..180 and latitude in -90..90, degrees WGS 84.
pub fn check_lon_lat(lon: f64, lat: f64) -> Result<(), AnalysisError> {
    if !(-180.0..=180.0).contains(&lon) {
        return Err(AnalysisError::invalid(
            "lon",
            format!("longitude {lon} is outside -180..180"),
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(AnalysisError::invalid(
            "lat",
            format!("latitude {lat} is outside -90..90"),
        ));
    }
    Ok(())
}

/// A distance in kilometres: 0 to [`MAX_DISTANCE_KM`].
pub fn parse_km(parameter: &str, text: &str) -> Result<f64, AnalysisError> {
    let km = parse_number(parameter, text)?;
    check_km(parameter, km)?;
    Ok(km)
}

pub fn check_km(parameter: &str, km: f64) -> Result<(), AnalysisError> {
    if !km.is_finite() || km < 0.0 {
        return Err(AnalysisError::invalid(
            parameter,
            format!("{km} km is negative; give a distance of 0 to {MAX_DISTANCE_KM} km"),
        ));
    }
    if km > MAX_DISTANCE_KM {
        return Err(AnalysisError::invalid(
            parameter,
            format!("{km} km is more than the limit of {MAX_DISTANCE_KM} km"),
        ));
    }
    Ok(())
}

fn parse_k(text: Option<&str>) -> Result<usize, AnalysisError> {
    let Some(text) = text else {
        return Ok(DEFAULT_K);
    };
    let k: usize = text
        .trim()
        .parse()
        .map_err(|_| AnalysisError::invalid("k", format!("\"{text}\" is not a whole number")))?;
    if !(1..=MAX_K).contains(&k) {
        return Err(AnalysisError::invalid(
            "k",
            format!("{k} is outside 1..{MAX_K}"),
        ));
    }
    Ok(k)
}

fn parse_id(parameter: &str, text: &str) -> Result<String, AnalysisError> {
    let id = text.trim();
    if id.is_empty() {
        return Err(AnalysisError::invalid(parameter, "is empty"));
    }
    Ok(id.to_string())
}

/// `TJK,AFG`: two different ISO3 codes, upper-cased; whether they exist and share a border is
/// checked against the catalog when answering.
pub fn parse_countries(text: &str) -> Result<(String, String), AnalysisError> {
    let codes: Vec<String> = text
        .split(',')
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    match &codes[..] {
        [a, b] if a == b => Err(AnalysisError::invalid(
            "countries",
            format!("{a} is given twice; name two different countries"),
        )),
        [a, b] => Ok((a.clone(), b.clone())),
        _ => Err(AnalysisError::invalid(
            "countries",
            format!("\"{text}\" must name two countries, comma-separated, such as TJK,AFG"),
        )),
    }
}

/// `installations,forces`: known collection ids without repeats; absent = the defaults.
pub fn parse_collections(text: Option<&str>) -> Result<Vec<CollectionId>, AnalysisError> {
    let Some(text) = text else {
        return Ok(DEFAULT_COLLECTIONS.to_vec());
    };
    let mut out: Vec<CollectionId> = Vec::new();
    for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let id: CollectionId = name.parse().map_err(AnalysisError::UnknownCollection)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.is_empty() {
        return Err(AnalysisError::UnknownCollection(
            "name at least one collection".into(),
        ));
    }
    Ok(out)
}

fn parse_include(text: Option<&str>) -> Result<bool, AnalysisError> {
    match text.map(str::trim) {
        None | Some("") => Ok(false),
        Some("zone") => Ok(true),
        Some(other) => Err(AnalysisError::invalid(
            "include",
            format!("\"{other}\" is not known; the only value is zone"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn questions_parse_with_defaults() {
        let q = Question::parse(
            "border-zone",
            &pairs(&[("countries", "tjk, AFG"), ("distance_km", "50")]),
        )
        .unwrap();
        assert_eq!(
            q,
            Question::BorderZone {
                countries: ("TJK".into(), "AFG".into()),
                distance_km: 50.0,
                collections: DEFAULT_COLLECTIONS.to_vec(),
                datetime: None,
                include_zone: false
            }
        );
        let q = Question::parse("nearest", &pairs(&[("lon", "74.8"), ("lat", "42.9")])).unwrap();
        assert!(matches!(q, Question::Nearest { k: DEFAULT_K, .. }));
    }

    /// Question, parameters, the parameter the error must name.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

    #[test]
    fn every_bad_parameter_is_named() {
        let cases: &[Case] = &[
            ("border-zone", &[("distance_km", "50")], "countries"),
            (
                "border-zone",
                &[("countries", "TJK"), ("distance_km", "50")],
                "countries",
            ),
            (
                "border-zone",
                &[("countries", "TJK,TJK"), ("distance_km", "50")],
                "countries",
            ),
            (
                "border-zone",
                &[("countries", "TJK,AFG"), ("distance_km", "-1")],
                "distance_km",
            ),
            (
                "border-zone",
                &[("countries", "TJK,AFG"), ("distance_km", "5001")],
                "distance_km",
            ),
            (
                "border-zone",
                &[("countries", "TJK,AFG"), ("distance_km", "NaN")],
                "distance_km",
            ),
            (
                "border-zone",
                &[
                    ("countries", "TJK,AFG"),
                    ("distance_km", "5"),
                    ("collections", "bases"),
                ],
                "collections",
            ),
            (
                "border-zone",
                &[
                    ("countries", "TJK,AFG"),
                    ("distance_km", "5"),
                    ("datetime", "soon"),
                ],
                "datetime",
            ),
            (
                "border-zone",
                &[
                    ("countries", "TJK,AFG"),
                    ("distance_km", "5"),
                    ("include", "all"),
                ],
                "include",
            ),
            (
                "near",
                &[("lon", "181"), ("lat", "0"), ("radius_km", "1")],
                "lon",
            ),
            (
                "near",
                &[("lon", "0"), ("lat", "-90.5"), ("radius_km", "1")],
                "lat",
            ),
            (
                "near",
                &[("lon", "x"), ("lat", "0"), ("radius_km", "1")],
                "lon",
            ),
            ("nearest", &[("lon", "0"), ("lat", "0"), ("k", "0")], "k"),
            ("nearest", &[("lon", "0"), ("lat", "0"), ("k", "1001")], "k"),
            ("within", &[], "area"),
            ("range", &[("from", "kant-air-base")], "radius_km"),
        ];
        for (name, params, parameter) in cases {
            let err = Question::parse(name, &pairs(params)).unwrap_err();
            assert_eq!(err.parameter(), *parameter, "{name} {params:?}: {err}");
            assert!(err.to_string().contains(parameter), "{err}");
        }
    }
}
