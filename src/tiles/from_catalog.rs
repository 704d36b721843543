//! The bridge from the catalog to the basemap builder: what goes into the default basemap
//! (countries, shared borders, coasts, places), borrowed from a [`Catalog`], and the archive
//! built from it. The rest of `tiles` sees `geo` types only; this file is the one place that
//! knows the catalog.

use super::basemap::{build_basemap, BasemapInput, BasemapOptions, Place};
use crate::catalog::Catalog;
use crate::model::CollectionId;
use geo::Geometry;

/// What goes into the default basemap, borrowed from the catalog.
pub fn basemap_input(catalog: &Catalog) -> BasemapInput<'_> {
    let countries = catalog
        .collection(CollectionId::Countries)
        .features()
        .iter()
        .filter_map(|c| match &c.geometry {
            Some(Geometry::MultiPolygon(mp)) => Some((c.id.as_str(), c.name(), mp)),
            _ => None,
        })
        .collect();
    let boundaries = catalog
        .collection(CollectionId::Borders)
        .features()
        .iter()
        .filter_map(|b| match &b.geometry {
            Some(Geometry::MultiLineString(ml)) => Some((b.id.as_str(), ml)),
            _ => None,
        })
        .collect();
    let places = catalog
        .places
        .iter()
        .map(|p| Place {
            name: &p.name,
            country: &p.country,
            population: p.population,
            capital: p.capital,
            rank: p.rank,
            point: p.point,
        })
        .collect();
    let coasts = catalog
        .coasts
        .iter()
        .map(|c| (c.country.as_str(), &c.line))
        .collect();
    BasemapInput {
        countries,
        boundaries,
        coasts,
        places,
    }
}

/// Builds the default basemap archive from a catalog.
pub fn build_default(
    catalog: &Catalog,
    options: &BasemapOptions,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<Vec<u8>> {
    build_basemap(&basemap_input(catalog), options, progress)
}
