//! A feature as the catalog holds it: identity, geometry, validity, and the properties exactly
//! as curated.
//!
//! The typed fields are the ones the service reasons about (time, place, membership); every
//! property, typed or not, also stays in `properties` in its curated form and order so that what
//! a client receives is what the data maintainer wrote, sources included.

use super::date::{DateSpan, PartialDate};
use super::membership::Membership;
use super::properties::Properties;
use chrono::NaiveDate;
use geo::Geometry;
use std::fmt;
use std::str::FromStr;

/// When a feature held: from the start of `from` to the end of `to`. A missing end is open
/// (still valid); a missing start means the start is unknown and is treated as unbounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validity {
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
}

impl Validity {
    pub fn span(&self) -> DateSpan {
        DateSpan::new(
            self.from.map(|d| d.first_day()),
            self.to.map(|d| d.last_day()),
        )
    }

    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.span().contains(date)
    }
}

/// How precisely a point's coordinates locate the thing they stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LocationPrecision {
    /// The facility itself.
    Site,
    /// The town it is in or near.
    Town,
    /// A province or area.
    Region,
    /// Only the country is known.
    Country,
    /// No place is known; the feature has no geometry.
    Unknown,
}

impl LocationPrecision {
    pub fn as_str(self) -> &'static str {
        match self {
            LocationPrecision::Site => "site",
            LocationPrecision::Town => "town",
            LocationPrecision::Region => "region",
            LocationPrecision::Country => "country",
            LocationPrecision::Unknown => "unknown",
        }
    }
}

impl fmt::Display for LocationPrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LocationPrecision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "site" => Ok(LocationPrecision::Site),
            "town" => Ok(LocationPrecision::Town),
            "region" => Ok(LocationPrecision::Region),
            "country" => Ok(LocationPrecision::Country),
            "unknown" => Ok(LocationPrecision::Unknown),
            other => Err(format!(
                "\"{other}\" is not a precision; use site, town, region, country or unknown"
            )),
        }
    }
}

/// One feature of any collection.
#[derive(Clone, Debug)]
pub struct Feature {
    pub id: String,
    /// WGS 84 longitude/latitude. `None` for groupings (derived per date) and for features
    /// whose place is unknown.
    pub geometry: Option<Geometry<f64>>,
    /// Every property as curated, including the typed ones below, in the compact store.
    pub properties: Properties,
    pub validity: Validity,
    pub location_precision: Option<LocationPrecision>,
    /// Member spells; empty for everything but groupings.
    pub members: Vec<Membership>,
}

impl Feature {
    pub fn new(id: impl Into<String>, geometry: Option<Geometry<f64>>) -> Feature {
        Feature {
            id: id.into(),
            geometry,
            properties: Properties::default(),
            validity: Validity::default(),
            location_precision: None,
            members: Vec::new(),
        }
    }

    pub fn str_property(&self, name: &str) -> Option<&str> {
        self.properties.get_str(name)
    }

    pub fn name(&self) -> &str {
        self.str_property("name").unwrap_or(&self.id)
    }

    pub fn kind(&self) -> Option<&str> {
        self.str_property("kind")
    }

    /// ISO3 codes of the states the grouping counts on `date` (members, participation-frozen
    /// members and participants), in first-joined order, without repeats.
    pub fn members_on(&self, date: NaiveDate) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in self.members.iter().filter(|m| m.is_member_on(date)) {
            if !out.contains(&m.country.as_str()) {
                out.push(&m.country);
            }
        }
        out
    }
}
