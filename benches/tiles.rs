//! Vector tile encoding (`tiles::encode_tile`) of the synthetic installations, events and
//! routes that fall in one tile around Dushanbe, at zooms 6 and 10, at each bench size.
//! Selecting the features is set-up; the bench measures projection, clipping, simplification
//! and protobuf encoding.

mod common;

use common::{quick_group_settings, sizes, Data};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use forcemap::catalog::Catalog;
use forcemap::model::{CollectionId, Feature};
use forcemap::tiles::mvt::{lonlat_to_tile, tile_bounds_lonlat};
use forcemap::tiles::{encode_tile, PropertyValue, TileFeature};
use geo::{BoundingRect, Intersects};

const DUSHANBE: (f64, f64) = (68.78, 38.54);
const LAYERS: [CollectionId; 3] = [
    CollectionId::Installations,
    CollectionId::Events,
    CollectionId::Routes,
];

fn tile_features<'a>(features: &'a [Feature], bounds: &geo::Rect<f64>) -> Vec<TileFeature<'a>> {
    features
        .iter()
        .filter_map(|f| {
            let geometry = f.geometry.as_ref()?;
            let inside = geometry.bounding_rect()?.intersects(bounds);
            inside.then(|| TileFeature {
                id: None,
                geometry,
                properties: vec![
                    ("id", PropertyValue::String(f.id.clone())),
                    ("name", PropertyValue::String(f.name().to_string())),
                    (
                        "kind",
                        PropertyValue::String(f.kind().unwrap_or_default().to_string()),
                    ),
                ],
            })
        })
        .collect()
}

fn encode(c: &mut Criterion) {
    let catalogs: Vec<(u64, Catalog)> = sizes()
        .into_iter()
        .map(|n| (n, Data::new(n).catalog()))
        .collect();
    for z in [6u8, 10] {
        let (x, y) = lonlat_to_tile(DUSHANBE.0, DUSHANBE.1, z);
        let bounds = tile_bounds_lonlat(z, x, y);
        let mut group = c.benchmark_group(format!("encode_tile_z{z}"));
        quick_group_settings(&mut group);
        for (features, catalog) in &catalogs {
            let layers: Vec<(&str, Vec<TileFeature<'_>>)> = LAYERS
                .iter()
                .map(|&id| {
                    let collection = catalog.collection(id);
                    (id.as_str(), tile_features(collection.features(), &bounds))
                })
                .collect();
            let count: usize = layers.iter().map(|(_, f)| f.len()).sum();
            let bytes = encode_tile(z, x, y, &layers).len();
            eprintln!("encode_tile_z{z}/{features}: {count} features, {bytes} bytes");
            group.bench_function(BenchmarkId::from_parameter(features), |b| {
                b.iter(|| encode_tile(z, x, y, &layers))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, encode);
criterion_main!(benches);
