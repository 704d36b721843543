//! Large answers are kept once made: the same bytes come back, compressed once for clients
//! that accept gzip, small answers and conditional requests go to the handlers, and a reload
//! is never answered from the old data.

mod common;

use flate2::read::GzDecoder;
use forcemap::api::AppState;
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::synth::{synthesize, SynthOptions};
use indicatif::ProgressBar;
use reqwest::header;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A synthetic data directory of `features` features drawn with `seed`.
fn synthetic(features: u64, seed: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "forcemap-answer-cache-{}-{seed}",
        std::process::id()
    ));
    synthesize(
        &DataSource::BuiltIn,
        &dir,
        &SynthOptions { features, seed },
        &ProgressBar::hidden(),
    )
    .unwrap();
    dir
}

fn catalog_of(dir: &Path) -> Catalog {
    Catalog::build(load(&DataSource::Dir(dir.to_path_buf())).unwrap_or_else(|p| panic!("{p}")))
}

/// Status, headers and raw body bytes (no decompression by the client).
fn fetch(base: &str, path: &str, gzip: bool) -> (u16, header::HeaderMap, Vec<u8>) {
    let client = reqwest::blocking::Client::builder()
        .no_gzip()
        .build()
        .unwrap();
    let mut request = client.get(format!("{base}{path}"));
    if gzip {
        request = request.header(header::ACCEPT_ENCODING, "gzip");
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().unwrap().to_vec())
}

#[test]
fn large_answers_are_kept_compressed_once_and_never_outlive_the_data() {
    let first = synthetic(3_000, 21);
    let second = synthetic(3_000, 22);
    let state = AppState::new(catalog_of(&first), None);
    let base = common::serve(state.clone());
    let large = "/collections/installations/items?limit=1000";

    // A small answer is written each time, not kept.
    let (status, _, small) = fetch(&base, "/collections/installations/items?limit=2", false);
    assert_eq!(status, 200);
    assert!(small.len() < 64 * 1024);
    assert_eq!(state.answers.bytes(), 0);

    let (status, headers, plain) = fetch(&base, large, false);
    assert_eq!(status, 200);
    assert!(plain.len() >= 64 * 1024, "{} bytes", plain.len());
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    let kept = state.answers.bytes();
    assert_eq!(kept, plain.len());
    let (_, again_headers, again) = fetch(&base, large, false);
    assert_eq!(again, plain);
    assert_eq!(again_headers.get(header::ETAG), headers.get(header::ETAG));
    assert_eq!(
        state.answers.bytes(),
        kept,
        "the second answer came from the cache"
    );

    // Compressed once for gzip clients, the same answer once decompressed.
    let (_, gz_headers, compressed) = fetch(&base, large, true);
    assert_eq!(gz_headers[header::CONTENT_ENCODING], "gzip");
    let mut decoded = Vec::new();
    GzDecoder::new(&compressed[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
    assert_eq!(state.answers.bytes(), kept + compressed.len());

    // A conditional request still gets its 304 from the handler.
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    let response = reqwest::blocking::Client::new()
        .get(format!("{base}{large}"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 304);

    // New data: the same request is answered from it, as a server started on it answers.
    state.swap(catalog_of(&second));
    let (_, _, after) = fetch(&base, large, false);
    assert_ne!(after, plain);
    let fresh = common::serve(AppState::new(catalog_of(&second), None));
    let (_, _, expected) = fetch(&fresh, large, false);
    // Links name each server's own address, and the time stamp its second.
    let comparable = |bytes: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let object = v.as_object_mut().unwrap();
        object.remove("links");
        object.remove("timeStamp");
        v
    };
    assert!(
        comparable(&after) == comparable(&expected),
        "after a reload the answer differs from a server started on the new data"
    );

    for dir in [first, second] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
