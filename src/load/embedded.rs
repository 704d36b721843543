//! The built-in dataset: `geodata/` compiled into the binary, so that a fresh clone serves the
//! full map with no files beside the executable.

macro_rules! geodata {
    ($($name:literal),* $(,)?) => {
        /// The names of the built-in data files, relative to `geodata/`.
        pub fn names() -> &'static [&'static str] {
            &[$($name),*]
        }

        /// The bytes of a built-in data file, by its name in `geodata/`.
        pub fn file(name: &str) -> Option<&'static [u8]> {
            match name {
                $($name => Some(include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/", $name))),)*
                _ => None,
            }
        }
    };
}

geodata!(
    "countries.topojson",
    "places.geojson",
    "groupings.geojson",
    "installations.geojson",
    "forces.geojson",
    "events.geojson",
    "routes.geojson",
    "stories/csto-1992-2013.json",
    "coverage.json",
);
