//! The whole HTTP surface in process: any request target (and `Range` header) through the real
//! router over the built-in data. Every answer must be a success, a client error, or a shed 503;
//! never a 500.
#![no_main]

use axum::body::Body;
use axum::http::Request;
use forcemap::api::{router, AppState};
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower::ServiceExt;

struct Harness {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let catalog = Catalog::build(load(&DataSource::BuiltIn).expect("built-in data"));
        let state = AppState::new(catalog, None);
        let options = forcemap::tiles::BasemapOptions {
            min_zoom: 0,
            max_zoom: 2,
        };
        let archive = forcemap::tiles::build_default(
            &state.catalog(),
            &options,
            &indicatif::ProgressBar::hidden(),
        )
        .and_then(|bytes| Ok(forcemap::tiles::TileArchive::new(bytes)?))
        .map_err(|e| e.to_string());
        state.set_archives(archive, None);
        Harness {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap(),
            app: router(state),
        }
    })
}

// The shared state is built before the first input, so that its cost (seconds under the
// sanitizer) is not charged to that input as a time-out.
fuzz_target!(init: {
    harness();
}, |data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (target, range) = text.split_once('\n').unwrap_or((text, ""));
    let target = if target.starts_with('/') {
        target.to_string()
    } else {
        format!("/{target}")
    };
    let mut request = Request::get(target.as_str());
    if !range.is_empty() {
        request = request.header("range", range);
    }
    let Ok(request) = request.body(Body::empty()) else {
        return;
    };
    let harness = harness();
    let response = harness
        .runtime
        .block_on(harness.app.clone().oneshot(request))
        .unwrap();
    let status = response.status().as_u16();
    assert!(
        status < 500 || status == 503,
        "{status} for {target:?} (range {range:?})"
    );
});
