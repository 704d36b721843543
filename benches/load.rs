//! Load + index: reading and validating a data directory (`load::load`) and building the
//! catalog (`Catalog::build`: R-trees, shared borders), at each bench size. This is the work
//! `forcemap serve --data DIR` does before it listens, minus the basemap.

mod common;

use common::{sizes, Data};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use forcemap::catalog::Catalog;
use forcemap::load::load;
use std::time::Duration;

fn load_and_index(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_and_index");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    for features in sizes() {
        let data = Data::new(features);
        let source = data.source();
        group.bench_function(BenchmarkId::from_parameter(features), |b| {
            b.iter_with_large_drop(|| Catalog::build(load(&source).expect("valid data")))
        });
    }
    group.finish();
}

criterion_group!(benches, load_and_index);
criterion_main!(benches);
