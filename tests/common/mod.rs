//! A real server on an ephemeral port, shared by the tests of one test binary.

#![allow(dead_code)]

use forcemap::api::{self, AppState};
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

pub fn geodata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

/// The base URL of a server over the real `geodata/`, started on first use.
pub fn server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let dataset = load(&DataSource::Dir(geodata())).unwrap_or_else(|p| panic!("{p}"));
        let state = AppState::new(Catalog::build(dataset), None);
        let basemap = forcemap::tiles::build_default(
            &state.catalog(),
            &forcemap::tiles::BasemapOptions {
                min_zoom: 0,
                max_zoom: 4,
            },
            &indicatif::ProgressBar::hidden(),
        )
        .and_then(|bytes| Ok(forcemap::tiles::TileArchive::new(bytes)?))
        .map_err(|e| e.to_string());
        state.set_archives(basemap, None);
        serve(state)
    })
}

/// Serves `state` on an ephemeral port of 127.0.0.1 from a thread of its own; returns the base URL.
pub fn serve(state: AppState) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            api::serve(listener, state).await.unwrap();
        });
    });
    format!("http://{address}")
}

/// The catalog of the data in `geodata/`, built directly (no server).
pub fn catalog() -> Catalog {
    Catalog::build(load(&DataSource::Dir(geodata())).unwrap_or_else(|p| panic!("{p}")))
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(300))
        .build()
        .unwrap()
}

/// GET a path; returns status, headers and the body parsed as JSON (Null if not JSON).
pub fn get(path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    get_from(server(), path)
}

/// [`get`] from another server of the test binary (one started with [`serve`]).
pub fn get_from(base: &str, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = client().get(format!("{base}{path}")).send().unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

pub fn get_ok(path: &str) -> Value {
    let (status, _, body) = get(path);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

pub fn ids(collection: &Value) -> Vec<String> {
    collection["features"]
        .as_array()
        .unwrap_or_else(|| panic!("no features in {collection}"))
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// The tile `(x, y)` of zoom `z` holding a lon/lat, and the point's place in that tile in units
/// of a 4096-wide tile: the slippy-map formula written out here, apart from forcemap's own tile
/// grid, so that tile tests check the grid against it.
pub fn slippy(lon: f64, lat: f64, z: u8) -> ((u32, u32), (f64, f64)) {
    let n = f64::from(1u32 << z);
    let fx = (lon + 180.0) / 360.0 * n;
    let lat = lat.to_radians();
    let fy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
    let (x, y) = (fx.floor(), fy.floor());
    ((x as u32, y as u32), ((fx - x) * 4096.0, (fy - y) * 4096.0))
}

/// The parameters the API document lists for `GET path`, with their `$ref`s resolved against
/// its components.
pub fn resolved_parameters(api: &Value, path: &str) -> Vec<Value> {
    api["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} not documented"))
        .iter()
        .map(|p| match p["$ref"].as_str() {
            Some(reference) => {
                let component = reference.rsplit('/').next().unwrap();
                let resolved = &api["components"]["parameters"][component];
                assert!(resolved.is_object(), "{path}: {reference} does not resolve");
                resolved.clone()
            }
            None => p.clone(),
        })
        .collect()
}
