//! The real places synthetic features are scattered around, taken from a validated base
//! dataset: populated places, curated installations and the vertices of shared land borders.
//!
//! Anchoring on real geography keeps the density of a synthetic map like that of a real one
//! (crowded cities and borders, empty oceans), which is what spatial indexes and analysis
//! questions are sensitive to.

use crate::load::Dataset;
use crate::model::CollectionId;
use geo::{Coord, Geometry};
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::Rng;
use std::collections::{BTreeSet, HashMap};

/// What a synthetic feature is placed near.
pub enum Anchor<'a> {
    /// A populated place.
    City(&'a City),
    /// A curated installation.
    Base(&'a Base),
    /// A vertex of the border between two countries (indices into [`Anchors::countries`]).
    Border { at: Coord<f64>, sides: [usize; 2] },
}

pub struct City {
    pub at: Coord<f64>,
    pub name: String,
    pub country: usize,
}

pub struct Base {
    pub at: Coord<f64>,
    pub name: String,
    pub country: usize,
}

/// A country of the base topology: its ISO3 code and its name.
pub struct Country {
    pub iso3: String,
    pub name: String,
}

pub struct Anchors {
    pub countries: Vec<Country>,
    cities: Vec<City>,
    all_cities: Option<WeightedIndex<f64>>,
    focus_cities: Option<WeightedIndex<f64>>,
    bases: Vec<Base>,
    borders: Vec<(Coord<f64>, [usize; 2])>,
}

/// Shares of the anchor kinds, in percent: cities (half of them in the focus countries),
/// bases, borders.
const CITY_SHARE: u32 = 55;
const BASE_SHARE: u32 = 20;

impl Anchors {
    pub fn new(dataset: &Dataset) -> Anchors {
        let countries: Vec<Country> = dataset
            .topology
            .countries
            .iter()
            .map(|c| Country {
                iso3: c.id.clone(),
                name: c.name().to_string(),
            })
            .collect();
        let position: HashMap<&str, usize> = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso3.as_str(), i))
            .collect();

        let mut cities = Vec::new();
        let mut city_weights = Vec::new();
        for place in &dataset.places {
            if let Some(&country) = position.get(place.country.as_str()) {
                cities.push(City {
                    at: place.point.0,
                    name: place.name.clone(),
                    country,
                });
                // Big cities draw more features, but not in proportion to their population.
                city_weights.push((place.population.max(10_000) as f64).sqrt());
            }
        }

        let mut bases = Vec::new();
        let mut focus = BTreeSet::new();
        for collection in [
            CollectionId::Installations,
            CollectionId::Forces,
            CollectionId::Events,
        ] {
            for feature in dataset.curated(collection) {
                let Some(&country) = feature
                    .str_property("country")
                    .and_then(|c| position.get(c))
                else {
                    continue;
                };
                focus.insert(country);
                if let (CollectionId::Installations, Some(Geometry::Point(p))) =
                    (collection, &feature.geometry)
                {
                    bases.push(Base {
                        at: p.0,
                        name: feature.name().to_string(),
                        country,
                    });
                }
            }
        }
        // Countries that host curated features are where a posture map is dense.
        let focus_weights: Vec<f64> = cities
            .iter()
            .zip(&city_weights)
            .map(|(c, w)| if focus.contains(&c.country) { *w } else { 0.0 })
            .collect();

        Anchors {
            borders: border_vertices(dataset),
            all_cities: WeightedIndex::new(&city_weights).ok(),
            focus_cities: WeightedIndex::new(&focus_weights).ok(),
            cities,
            bases,
            countries,
        }
    }

    /// Whether there is anything to anchor on at all.
    pub fn is_empty(&self) -> bool {
        self.cities.is_empty() && self.bases.is_empty() && self.borders.is_empty()
    }

    /// Draws an anchor: a city (weighted by population, half of the time one in a focus
    /// country), a curated base or a border vertex; a kind the base data lacks is skipped.
    pub fn pick<R: Rng + ?Sized>(&self, rng: &mut R) -> Anchor<'_> {
        use rand::RngExt;
        loop {
            let roll = rng.random_range(0..100);
            if roll < CITY_SHARE {
                let weights = if roll % 2 == 0 {
                    self.focus_cities.as_ref().or(self.all_cities.as_ref())
                } else {
                    self.all_cities.as_ref()
                };
                if let Some(weights) = weights {
                    return Anchor::City(&self.cities[weights.sample(rng)]);
                }
            } else if roll < CITY_SHARE + BASE_SHARE {
                if !self.bases.is_empty() {
                    return Anchor::Base(&self.bases[rng.random_range(0..self.bases.len())]);
                }
            } else if !self.borders.is_empty() {
                let (at, sides) = self.borders[rng.random_range(0..self.borders.len())];
                return Anchor::Border { at, sides };
            }
        }
    }
}

/// Every vertex of every arc that exactly two countries share, with those two countries.
fn border_vertices(dataset: &Dataset) -> Vec<(Coord<f64>, [usize; 2])> {
    let topology = &dataset.topology;
    let users = topology.arc_users();
    let mut vertices = Vec::new();
    for (arc, users) in topology.arcs.iter().zip(&users) {
        if let [a, b] = users.as_slice() {
            vertices.extend(arc.coords().map(|c| (*c, [*a, *b])));
        }
    }
    vertices
}
