//! Set-up shared by the benches: synthetic data directories of each size (written by
//! `forcemap::synth`) and an in-process server that answers requests through the same router
//! `forcemap serve` uses, without sockets.

#![allow(dead_code)] // Each bench uses its own part of this module.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use forcemap::api::{self, AppState};
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::synth::{synthesize, SynthOptions};
use std::time::Duration;
use tower::ServiceExt;

/// Seed of every bench dataset, so that runs compare like with like.
pub const SEED: u64 = 1;

/// Feature counts to measure: 10k and 100k, and 1M when `FORCEMAP_BENCH_1M=1` (a million
/// features take minutes to generate and load, and several GB of memory before the loader is
/// made lean).
pub fn sizes() -> Vec<u64> {
    let mut sizes = vec![10_000, 100_000];
    if std::env::var("FORCEMAP_BENCH_1M").is_ok_and(|v| v == "1") {
        sizes.push(1_000_000);
    }
    sizes
}

/// A synthetic data directory, removed when dropped.
pub struct Data {
    pub features: u64,
    pub dir: tempfile::TempDir,
}

impl Data {
    pub fn new(features: u64) -> Data {
        let dir = tempfile::tempdir().expect("a temporary directory");
        eprintln!("synth: {features} features into {}", dir.path().display());
        synthesize(
            &DataSource::BuiltIn,
            dir.path(),
            &SynthOptions {
                features,
                seed: SEED,
            },
            &indicatif::ProgressBar::hidden(),
        )
        .expect("synthetic data is written");
        Data { features, dir }
    }

    pub fn source(&self) -> DataSource {
        DataSource::Dir(self.dir.path().to_path_buf())
    }

    pub fn catalog(&self) -> Catalog {
        match load(&self.source()) {
            Ok(dataset) => Catalog::build(dataset),
            Err(problems) => panic!("synthetic data must be valid:\n{problems}"),
        }
    }
}

/// The HTTP router over one catalog, driven in-process.
pub struct Server {
    router: axum::Router,
    runtime: tokio::runtime::Runtime,
}

impl Server {
    pub fn new(catalog: Catalog) -> Server {
        Server {
            router: api::router(AppState::new(catalog, None)),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime"),
        }
    }

    /// The status `uri` answers with.
    pub fn status(&self, uri: &str) -> StatusCode {
        self.runtime.block_on(async {
            let request = Request::get(uri)
                .header("host", "127.0.0.1:8080")
                .body(Body::empty())
                .expect("a request");
            let response = self.router.clone().oneshot(request).await;
            response.expect("the router is infallible").status()
        })
    }

    /// GETs `uri` and returns the body; anything but 200 fails the bench, since a bench of an
    /// error answer measures nothing useful. The request carries an `If-None-Match` that no
    /// ETag matches, which keeps the cache of large answers out of it: every answer is
    /// computed, as the first request for it is.
    pub fn get(&self, uri: &str) -> bytes::Bytes {
        self.runtime.block_on(async {
            let request = Request::get(uri)
                .header("host", "127.0.0.1:8080")
                .header("if-none-match", "\"computed\"")
                .body(Body::empty())
                .expect("a request");
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("the router is infallible");
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("a body");
            assert_eq!(
                status,
                StatusCode::OK,
                "{uri}: {}",
                String::from_utf8_lossy(&body)
            );
            body
        })
    }
}

/// Criterion settings for requests: few samples, short runs (the machine is small and shared).
pub fn quick_group_settings<M: criterion::measurement::Measurement>(
    group: &mut criterion::BenchmarkGroup<'_, M>,
) {
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}
