//! Requests through the HTTP router, in-process, at each bench size: bbox items, `near`,
//! `border-zone` and CQL2 filters (a property comparison and a spatial predicate). Each answer
//! is produced whole (selection, GeoJSON writing, compression off as for a client that does not
//! ask for it), so the numbers are the server's cost per request without the network.

mod common;

use common::{quick_group_settings, sizes, Data, Server};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use std::time::Duration;

/// The small bbox around Dushanbe that the load harness also asks for.
const BBOX: &str = "69.0,38.4,69.4,38.7";

fn cql(filter: &str) -> String {
    format!(
        "/collections/installations/items?limit=100&filter-lang=cql2-text&filter={}",
        form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
    )
}

/// The questions measured, by bench name.
fn questions() -> Vec<(&'static str, String)> {
    vec![
        (
            "items_bbox",
            format!("/collections/installations/items?bbox={BBOX}&limit=100"),
        ),
        (
            "near_10km",
            "/analysis/near?lon=68.78&lat=38.54&radius_km=10&collections=installations".into(),
        ),
        (
            "cql2_property",
            cql("kind = 'air-base' AND operator = 'RUS'"),
        ),
        (
            "cql2_spatial",
            cql("S_INTERSECTS(geometry, BBOX(69.0, 38.4, 69.4, 38.7))"),
        ),
    ]
}

/// The border zone TJK–AFG at 50 km over installations, first page of 100 where the endpoint
/// pages, the whole zone where it does not.
fn border_zone(server: &Server) -> String {
    let uri = "/analysis/border-zone?countries=TJK,AFG&distance_km=50&collections=installations";
    let paged = format!("{uri}&limit=100");
    if server.status(&paged).is_success() {
        paged
    } else {
        uri.to_string()
    }
}

fn report_answer(server: &Server, name: &str, features: u64, uri: &str) {
    let body = server.get(uri);
    let count = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["features"].as_array().map(Vec::len))
        .unwrap_or(0);
    eprintln!(
        "{name}/{features}: {count} features, {} bytes: {uri}",
        body.len()
    );
}

fn requests(c: &mut Criterion) {
    let servers: Vec<(u64, Server)> = sizes()
        .into_iter()
        .map(|n| (n, Server::new(Data::new(n).catalog())))
        .collect();
    for (name, uri) in questions() {
        let mut group = c.benchmark_group(name);
        quick_group_settings(&mut group);
        for (features, server) in &servers {
            report_answer(server, name, *features, &uri);
            group.bench_function(BenchmarkId::from_parameter(features), |b| {
                b.iter(|| server.get(&uri))
            });
        }
        group.finish();
    }
    // Slow today at large sizes (seconds per answer), so fewer, flat samples.
    let mut group = c.benchmark_group("border_zone_50km");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (features, server) in &servers {
        let uri = border_zone(server);
        report_answer(server, "border_zone_50km", *features, &uri);
        group.bench_function(BenchmarkId::from_parameter(features), |b| {
            b.iter(|| server.get(&uri))
        });
    }
    group.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);
