//! [`Question`]: one of the analysis questions with its parameters parsed, dispatched to the
//! file that answers it. The server and the command line both go through
//! [`Question::parse`], so they accept and refuse exactly the same input.

use super::answer::{Answer, Page};
use super::error::AnalysisError;
use super::params::{
    check_lon_lat, parse_collections, parse_countries, parse_id, parse_include, parse_k, parse_km,
    parse_number,
};
use super::scope::Scope;
use super::spec::{question_names, QuestionSpec};
use super::{border_zone, changes, locate, near, nearest, range, within};
use crate::catalog::Catalog;
use crate::model::{CollectionId, PartialDate};
use crate::query::params::{parse_datetime, reference_day};
use chrono::NaiveDate;
use geo::Coord;

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

impl Question {
    /// The parameters a question accepts (none for an unknown question).
    pub fn parameters(name: &str) -> Vec<&'static str> {
        QuestionSpec::find(name)
            .map(|q| q.parameter_names().collect())
            .unwrap_or_default()
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
            "changes" => {
                let (from, to) = changes::parse(get("from"), get("to"))?;
                Question::Changes { from, to }
            }
            other => {
                return Err(AnalysisError::invalid(
                    "question",
                    format!(
                        "unknown question \"{other}\"; questions are: {}",
                        question_names().collect::<Vec<_>>().join(", ")
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
        self.answer_page(catalog, today, Page::WHOLE)
    }

    /// Answers the question for one page of its list: the answer's hits may stop at the end of
    /// `page` (what is written of it is the same; see [`Answer::hits_beyond`]), which spares
    /// measuring exactly what the page does not show.
    pub fn answer_page<'a>(
        &self,
        catalog: &'a Catalog,
        today: NaiveDate,
        page: Page,
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
                page,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::analysis::params::{DEFAULT_COLLECTIONS, DEFAULT_K};

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
