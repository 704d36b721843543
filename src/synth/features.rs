//! One synthetic feature at a time, as the GeoJSON value written to its collection file.
//!
//! Each feature follows the curated field rules (`load::curated`): a kind of its collection,
//! validity dates with reduced precision nested the way relations require, a location
//! precision, countries that exist in the base data, and exactly one source that says the
//! feature is synthetic.

use super::anchors::{Anchor, Anchors};
use crate::load::allowed_kinds;
use crate::model::CollectionId;
use geo::{Coord, Destination, Geodesic, Point};
use rand::RngExt;
use rand_pcg::Pcg64;
use serde_json::{json, Map, Value};

/// The title of the single source of every synthetic feature.
pub const SOURCE_TITLE: &str = "forcemap synth";

/// Countries that operate forces abroad in the curated data; used when they exist in the base.
const OPERATORS_ABROAD: [&str; 6] = ["RUS", "USA", "CHN", "TUR", "IND", "FRA"];

const SUMMARY_OPENINGS: [&str; 6] = [
    "Synthetic record generated for load testing; it describes no real site or unit.",
    "Generated feature with plausible but invented attributes, placed near a real anchor.",
    "Invented entry for measuring the service at scale; treat none of it as fact.",
    "Machine-made placeholder whose place, dates and strength are drawn at random.",
    "Synthetic feature: the anchor is real, everything else is made up.",
    "Test data from the synthetic generator, shaped like a curated record.",
];

const SUMMARY_DETAILS: [&str; 7] = [
    "Its validity interval follows the reduced precision a source would give, a year or a month where no day is known.",
    "The location precision is drawn to exercise every precision the map distinguishes.",
    "Distances to the anchor are drawn from an exponential law, so most features sit close to it and a few far away.",
    "Strength figures cite the single synthetic source by index, as curated strength figures cite theirs.",
    "Ids and names start with a synthetic marker so that no one mistakes the record for curated data.",
    "The same seed and feature count always give the same bytes, so measurements can be repeated.",
    "Properties vary in length and presence from one feature to the next, as they do in real collections.",
];

/// Draws features for all synthetic collections from one random stream.
pub struct Generator<'a> {
    anchors: &'a Anchors,
    rng: Pcg64,
    seed: u64,
    /// How many synthetic installations exist, for the forces' `installation` references.
    installations: u64,
    operators_abroad: Vec<usize>,
}

impl<'a> Generator<'a> {
    pub fn new(anchors: &'a Anchors, rng: Pcg64, seed: u64, installations: u64) -> Self {
        let operators_abroad = OPERATORS_ABROAD
            .iter()
            .filter_map(|code| anchors.countries.iter().position(|c| c.iso3 == *code))
            .collect();
        Generator {
            anchors,
            rng,
            seed,
            installations,
            operators_abroad,
        }
    }

    /// The id of synthetic feature `index` of `collection`.
    pub fn id(collection: CollectionId, index: u64) -> String {
        format!("synth-{}-{index}", singular(collection))
    }

    /// Synthetic feature `index` of `collection`.
    pub fn feature(&mut self, collection: CollectionId, index: u64) -> Value {
        let anchor = self.anchors.pick(&mut self.rng);
        let (at, country, near) = self.describe(&anchor);
        let kinds = allowed_kinds(collection);
        let kind = kinds[self.rng.random_range(0..kinds.len())];
        let mut properties = Map::new();
        properties.insert(
            "name".into(),
            format!("Synthetic {} {index} {near}", kind.replace('-', " ")).into(),
        );
        properties.insert("kind".into(), kind.into());
        properties.insert("summary".into(), self.summary().into());
        let (from, to) = self.validity(collection);
        properties.insert("valid_from".into(), from);
        properties.insert("valid_to".into(), to);

        let geometry = match collection {
            CollectionId::Installations => self.point(at, 12.0),
            CollectionId::Forces => self.point(at, 20.0),
            CollectionId::Events if self.rng.random_bool(0.3) => self.polygon(at),
            CollectionId::Events => self.point(at, 25.0),
            _ => self.line(at),
        };
        let is_area = geometry["type"] != "Point";
        if collection != CollectionId::Routes {
            let precision = if is_area {
                "region"
            } else {
                ["site", "site", "town", "town", "region"][self.rng.random_range(0..5)]
            };
            properties.insert("location_precision".into(), precision.into());
            properties.insert("country".into(), country.into());
        } else {
            properties.insert("schematic".into(), true.into());
        }
        self.participants(collection, country, &mut properties);
        let with_strength = match collection {
            CollectionId::Forces => true,
            CollectionId::Installations => self.rng.random_bool(0.3),
            _ => false,
        };
        if with_strength {
            let personnel = self.rng.random_range(2..400u32) * 50;
            properties.insert(
                "strength".into(),
                json!({
                    "personnel": personnel,
                    "units": if self.rng.random_bool(0.5) { Value::from(self.rng.random_range(1..40u32)) } else { Value::Null },
                    "as_of": self.rng.random_range(1995..2026u32).to_string(),
                    "source": 0,
                }),
            );
        }
        if self.rng.random_bool(0.2) {
            properties.insert(
                "alt_name".into(),
                format!("{} {index}", kind.to_uppercase()).into(),
            );
        }
        properties.insert("synthetic".into(), true.into());
        properties.insert(
            "sources".into(),
            json!([{
                "title": SOURCE_TITLE,
                "publisher": "synthetic data for benchmarks and tests, not a fact",
                "ref": format!("seed {}, {} {index}", self.seed, singular(collection)),
            }]),
        );
        json!({
            "type": "Feature",
            "id": Self::id(collection, index),
            "geometry": geometry,
            "properties": properties,
        })
    }

    /// The anchor's point, the country a feature there belongs to and a phrase for its name.
    fn describe(&mut self, anchor: &Anchor<'_>) -> (Coord<f64>, &'a str, String) {
        let countries = &self.anchors.countries;
        match anchor {
            Anchor::City(city) => (
                city.at,
                &countries[city.country].iso3,
                format!("near {}", city.name),
            ),
            Anchor::Base(base) => (
                base.at,
                &countries[base.country].iso3,
                format!("by {}", base.name),
            ),
            Anchor::Border { at, sides } => {
                let side = sides[self.rng.random_range(0..2)];
                let (a, b) = (&countries[sides[0]].name, &countries[sides[1]].name);
                (*at, &countries[side].iso3, format!("on the {a}–{b} border"))
            }
        }
    }

    /// Operator, contributor and the forces' installation.
    fn participants(
        &mut self,
        collection: CollectionId,
        country: &str,
        out: &mut Map<String, Value>,
    ) {
        let abroad = (!self.operators_abroad.is_empty() && self.rng.random_bool(0.3)).then(|| {
            let i = self.operators_abroad[self.rng.random_range(0..self.operators_abroad.len())];
            self.anchors.countries[i].iso3.clone()
        });
        let actor = abroad.unwrap_or_else(|| country.to_string());
        match collection {
            CollectionId::Installations => {
                out.insert("operator".into(), actor.into());
            }
            CollectionId::Forces => {
                out.insert("contributor".into(), actor.into());
                if self.installations > 0 && self.rng.random_bool(0.6) {
                    let base = self.rng.random_range(0..self.installations);
                    out.insert(
                        "installation".into(),
                        Self::id(CollectionId::Installations, base).into(),
                    );
                }
            }
            _ => {}
        }
    }

    /// One to four sentences, so summaries vary in length as curated ones do.
    fn summary(&mut self) -> String {
        let mut text =
            SUMMARY_OPENINGS[self.rng.random_range(0..SUMMARY_OPENINGS.len())].to_string();
        for _ in 0..self.rng.random_range(0..4) {
            text.push(' ');
            text.push_str(SUMMARY_DETAILS[self.rng.random_range(0..SUMMARY_DETAILS.len())]);
        }
        text
    }

    /// `valid_from` and `valid_to` as the curated files write them: a year, a month or a day,
    /// or null when unknown or open. `valid_to` never ends before `valid_from` starts.
    ///
    /// Every start lies inside the built-in layers' declared coverage (1993–2013), and the
    /// periods nest the way `validate` checks relations: installations open by 1999 and stay
    /// open, forces (which may name an installation) start from 2000 on.
    fn validity(&mut self, collection: CollectionId) -> (Value, Value) {
        let (first_year, last_year) = match collection {
            CollectionId::Installations => (1993, 1999),
            CollectionId::Forces => (2000, 2013),
            _ => (1993, 2013),
        };
        let may_be_undated = matches!(collection, CollectionId::Events | CollectionId::Routes);
        if may_be_undated && self.rng.random_bool(0.1) {
            return (Value::Null, Value::Null);
        }
        let year = self.rng.random_range(first_year..=last_year);
        let from = self.date(year);
        let to = match collection {
            CollectionId::Installations => Value::Null,
            // Events end within a year or two.
            CollectionId::Events => {
                let end = year + self.rng.random_range(1..3);
                self.date(end)
            }
            _ if self.rng.random_bool(0.65) => Value::Null,
            _ => {
                let end = year + self.rng.random_range(1..30);
                self.date(end)
            }
        };
        (from, to)
    }

    fn date(&mut self, year: i32) -> Value {
        match self.rng.random_range(0..10) {
            0..4 => format!("{year:04}"),
            4..7 => format!("{year:04}-{:02}", self.rng.random_range(1..=12)),
            _ => format!(
                "{year:04}-{:02}-{:02}",
                self.rng.random_range(1..=12),
                self.rng.random_range(1..=28)
            ),
        }
        .into()
    }

    /// A point at a geodesic distance from `at` drawn from an exponential law (mean in km,
    /// capped at four times the mean), in a random direction.
    fn scatter(&mut self, at: Coord<f64>, mean_km: f64) -> Coord<f64> {
        let u: f64 = self.rng.random_range(f64::EPSILON..1.0);
        let metres = (-u.ln()).min(4.0) * mean_km * 1000.0;
        let bearing = self.rng.random_range(0.0..360.0);
        let p = Geodesic.destination(Point(at), bearing, metres);
        Coord {
            x: wrap_longitude(p.x()),
            y: p.y().clamp(-89.9, 89.9),
        }
    }

    fn point(&mut self, at: Coord<f64>, mean_km: f64) -> Value {
        let c = self.scatter(at, mean_km);
        json!({"type": "Point", "coordinates": position(c)})
    }

    /// A simple star-shaped ring around a scattered centre: angles increase strictly, so the
    /// ring never crosses itself; counter-clockwise, closed.
    fn polygon(&mut self, at: Coord<f64>) -> Value {
        let centre = self.scatter(at, 25.0);
        let radius_km = self.rng.random_range(5.0..60.0);
        let vertices = self.rng.random_range(6..16);
        let mut ring = Vec::with_capacity(vertices + 1);
        for i in 0..vertices {
            // Bearings run clockwise from north; going down from 360° walks counter-clockwise.
            let bearing =
                360.0 - (i as f64 + self.rng.random_range(0.1..0.9)) * 360.0 / vertices as f64;
            let metres = radius_km * self.rng.random_range(0.6..1.0) * 1000.0;
            let p = Geodesic.destination(Point(centre), bearing, metres);
            ring.push(position(Coord { x: p.x(), y: p.y() }));
        }
        ring.push(ring[0].clone());
        // A ring that would cross the antimeridian is left as a point instead.
        if ring
            .iter()
            .any(|p| p[0].as_f64().is_none_or(|x| x.abs() > 179.0))
        {
            return json!({"type": "Point", "coordinates": position(centre)});
        }
        json!({"type": "Polygon", "coordinates": [ring]})
    }

    /// A schematic route: a walk of 3 to 12 legs of 30 to 150 km that drifts in direction.
    fn line(&mut self, at: Coord<f64>) -> Value {
        let mut here = self.scatter(at, 10.0);
        let mut bearing = self.rng.random_range(0.0..360.0);
        let mut line = vec![position(here)];
        for _ in 0..self.rng.random_range(3..13) {
            bearing += self.rng.random_range(-40.0..40.0);
            let metres = self.rng.random_range(30.0..150.0) * 1000.0;
            let p = Geodesic.destination(Point(here), bearing, metres);
            if (p.x() - here.x).abs() > 180.0 || p.y().abs() > 85.0 {
                break;
            }
            here = Coord { x: p.x(), y: p.y() };
            line.push(position(here));
        }
        if line.len() < 2 {
            let p = Geodesic.destination(Point(here), bearing + 180.0, 50_000.0);
            line.push(position(Coord { x: p.x(), y: p.y() }));
        }
        json!({"type": "LineString", "coordinates": line})
    }
}

/// Collection names in the singular, for ids and source references.
pub fn singular(collection: CollectionId) -> &'static str {
    match collection {
        CollectionId::Installations => "installation",
        CollectionId::Forces => "force",
        CollectionId::Events => "event",
        CollectionId::Routes => "route",
        CollectionId::Groupings => "grouping",
        CollectionId::Countries => "country",
        CollectionId::Borders => "border",
    }
}

/// A position rounded to 1e-5 degrees (about a metre), as the curated files give them.
fn position(c: Coord<f64>) -> Vec<Value> {
    let round = |v: f64| (v * 1e5).round() / 1e5;
    vec![round(wrap_longitude(c.x)).into(), round(c.y).into()]
}

fn wrap_longitude(x: f64) -> f64 {
    if x > 180.0 {
        x - 360.0
    } else if x < -180.0 {
        x + 360.0
    } else {
        x
    }
}
