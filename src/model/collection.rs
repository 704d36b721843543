//! The fixed set of collections a catalog serves, with the ids the interface contract names.

use std::fmt;
use std::str::FromStr;

/// One of the seven collections. The order of [`CollectionId::ALL`] is the order in which
/// collections are listed to clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CollectionId {
    Countries,
    Groupings,
    Installations,
    Forces,
    Events,
    Routes,
    Borders,
}

impl CollectionId {
    pub const ALL: [CollectionId; 7] = [
        CollectionId::Countries,
        CollectionId::Groupings,
        CollectionId::Installations,
        CollectionId::Forces,
        CollectionId::Events,
        CollectionId::Routes,
        CollectionId::Borders,
    ];

    /// Collections maintained by hand in `geodata/<id>.geojson`.
    pub const CURATED: [CollectionId; 5] = [
        CollectionId::Groupings,
        CollectionId::Installations,
        CollectionId::Forces,
        CollectionId::Events,
        CollectionId::Routes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CollectionId::Countries => "countries",
            CollectionId::Groupings => "groupings",
            CollectionId::Installations => "installations",
            CollectionId::Forces => "forces",
            CollectionId::Events => "events",
            CollectionId::Routes => "routes",
            CollectionId::Borders => "borders",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            CollectionId::Countries => "Countries",
            CollectionId::Groupings => "Organizations, force groupings and theaters",
            CollectionId::Installations => "Bases and facilities",
            CollectionId::Forces => "Formations, units and contingents",
            CollectionId::Events => "Exercises, operations, summits and agreements",
            CollectionId::Routes => "Trafficking routes and transit corridors (schematic)",
            CollectionId::Borders => "Shared land borders",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            CollectionId::Countries => {
                "Natural Earth 1:10m admin-0 countries; id is the ISO 3166-1 alpha-3 code."
            }
            CollectionId::Groupings => {
                "Groupings of states. Geometry is the union of the members' territory at the \
                 requested datetime (default: today)."
            }
            CollectionId::Installations => "Military bases, garrisons and other facilities.",
            CollectionId::Forces => {
                "Formations, units and contingents, with strength where a source gives it."
            }
            CollectionId::Events => "Dated exercises, operations, summits and agreements.",
            CollectionId::Routes => "Schematic lines of trafficking routes and transit corridors.",
            CollectionId::Borders => {
                "Shared border of two countries, derived from the country topology; id is the \
                 two ISO codes sorted and joined by '-'."
            }
        }
    }

    /// The file a curated collection lives in, relative to the data directory.
    pub fn file_name(self) -> String {
        format!("{}.geojson", self.as_str())
    }
}

impl fmt::Display for CollectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CollectionId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CollectionId::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = CollectionId::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "unknown collection \"{s}\"; collections are: {}",
                    known.join(", ")
                )
            })
    }
}
