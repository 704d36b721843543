//! Bounded resources: long URIs, large pages, deep offsets, huge distances and pathological
//! filters are refused or bounded; a saturated expensive endpoint sheds load with 503 and
//! `Retry-After` while cheap requests keep being answered.

mod common;

use common::{catalog, client, get_from, serve};
use forcemap::api::limits::Limits;
use forcemap::api::AppState;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// One expensive slot and small pages, so that the tests reach the limits quickly.
fn tight() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let limits = Limits {
            expensive_slots: 1,
            page_bytes: 4_000,
            max_uri_bytes: 2_048,
            ..Limits::default()
        };
        serve(AppState::with_limits(catalog(), None, limits))
    })
}

/// Small pages but the usual slots: paging is tested apart from the shedding, which keeps the
/// one slot of [`tight`] busy.
fn small_pages() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let limits = Limits {
            page_bytes: 4_000,
            ..Limits::default()
        };
        serve(AppState::with_limits(catalog(), None, limits))
    })
}

#[test]
fn a_saturated_expensive_endpoint_sheds_while_conformance_answers() {
    let base = tight().to_string();
    let stop = Arc::new(AtomicBool::new(false));
    // Sixteen clients keep asking a border-zone question; with one slot, most find it taken.
    let workers: Vec<_> = (0..16)
        .map(|i| {
            let base = base.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut round = 0;
                while !stop.load(Ordering::Relaxed) && round < 40 {
                    round += 1;
                    let km = 100 + (i * 40 + round) % 400;
                    let (status, headers, body) = get_from(
                        &base,
                        &format!("/analysis/border-zone?countries=KAZ,RUS&distance_km={km}"),
                    );
                    let retry = headers
                        .get("retry-after")
                        .map(|v| v.to_str().unwrap().to_string());
                    seen.push((status, retry, body["code"].clone()));
                }
                seen
            })
        })
        .collect();
    // While they run, the cheap endpoints answer every time.
    let mut cheap_answers = 0;
    while cheap_answers < 20 {
        let (status, headers, body) = get_from(&base, "/conformance");
        assert_eq!(status, 200, "{body}");
        assert!(headers.get("retry-after").is_none());
        cheap_answers += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, _, _) = get_from(&base, "/collections");
    assert_eq!(status, 200);
    stop.store(true, Ordering::Relaxed);
    let seen: Vec<_> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let shed: Vec<_> = seen.iter().filter(|(s, _, _)| *s == 503).collect();
    let answered = seen.iter().filter(|(s, _, _)| *s == 200).count();
    assert!(!shed.is_empty(), "nothing was shed: {seen:?}");
    assert!(answered > 0, "nothing was answered: {seen:?}");
    for (status, retry, code) in &seen {
        assert!(*status == 200 || *status == 503, "{status} {code}");
        if *status == 503 {
            assert_eq!(retry.as_deref(), Some("1"), "503 without Retry-After");
            assert_eq!(code, "Unavailable");
        }
    }
}

#[test]
fn a_request_past_its_time_gets_503_with_retry_after() {
    // A zero time-out: any request that does not finish on its first poll has run out of time.
    let limits = Limits {
        request_timeout: Duration::ZERO,
        ..Limits::default()
    };
    let base = serve(AppState::with_limits(catalog(), None, limits));
    let (status, headers, body) = get_from(
        &base,
        "/analysis/border-zone?countries=KAZ,RUS&distance_km=300",
    );
    assert_eq!(status, 503, "{body}");
    assert_eq!(headers["retry-after"], "1");
    assert!(body["description"]
        .as_str()
        .unwrap()
        .contains("longer than"));
}

#[test]
fn a_long_uri_gets_414() {
    let filter = "a".repeat(3_000);
    let (status, _, body) = get_from(
        tight(),
        &format!("/collections/installations/items?filter={filter}"),
    );
    assert_eq!(status, 414, "{body}");
    assert!(body["description"].as_str().unwrap().contains("2048"));
    // Just under the limit, a request is answered (a cheap one, so that the shedding test's
    // use of the one expensive slot cannot interfere).
    let zeros = "0".repeat(1_900);
    let (status, _, body) = get_from(
        tight(),
        &format!("/collections/installations/items?offset={zeros}"),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_world_bbox_with_the_largest_limit_is_paged_by_size_and_every_item_comes_once() {
    let first = "/collections/countries/items?bbox=-180,-90,180,90&limit=10000&skipGeometry=false";
    let mut next = Some(format!("{}{first}", small_pages()));
    let mut seen = Vec::new();
    let mut matched = None;
    let mut pages = 0;
    while let Some(url) = next {
        pages += 1;
        assert!(pages < 1_000, "paging does not end");
        let response = client().get(&url).send().unwrap();
        let status = response.status();
        let text = response.text().unwrap();
        let page: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{url}: {status}: {e}: {}", &text[..text.len().min(300)]));
        let returned = page["numberReturned"]
            .as_u64()
            .unwrap_or_else(|| panic!("{url}: {status}: {}", &text[..text.len().min(300)]))
            as usize;
        let features = page["features"].as_array().unwrap();
        assert_eq!(features.len(), returned);
        assert!(returned >= 1, "a page with nothing: {url}");
        matched = Some(page["numberMatched"].as_u64().unwrap() as usize);
        seen.extend(
            features
                .iter()
                .map(|f| f["id"].as_str().unwrap().to_string()),
        );
        next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
    }
    let matched = matched.unwrap();
    assert!(pages > 1, "a 4 kB budget should split the countries");
    assert_eq!(seen.len(), matched);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), matched, "an item came twice");
}

#[test]
fn limits_and_offsets_are_bounded() {
    for (path, status) in [
        ("/collections/installations/items?limit=10001", 400),
        ("/collections/installations/items?limit=0", 400),
        ("/collections/installations/items?offset=-1", 400),
        // Past any count there could be: an empty page, as cheap as any other.
        (
            "/collections/installations/items?offset=999999999999999999999999999",
            200,
        ),
        (
            "/collections/installations/items?offset=18446744073709551615",
            200,
        ),
        ("/analysis/near?lon=75&lat=43&radius_km=1e300", 400),
        ("/analysis/near?lon=75&lat=43&radius_km=5001", 400),
        ("/analysis/nearest?lon=75&lat=43&k=1000000", 400),
        ("/analysis/range?from=kant-air-base&radius_km=inf", 400),
    ] {
        let (got, _, body) = get_from(common::server(), path);
        assert_eq!(got, status, "{path}: {body}");
        if status == 200 {
            assert_eq!(body["numberReturned"], 0, "{path}");
        } else {
            assert!(body["description"].as_str().is_some(), "{path}: {body}");
        }
    }
}

#[test]
fn pathological_filters_are_refused() {
    let deep = format!("{}name='x'{}", "(".repeat(200), ")".repeat(200));
    // 2,000 negations fit in a URI; an even number of them is the plain comparison.
    let nots = format!("{}name='x'", "NOT ".repeat(2_000));
    let json_deep = format!(
        "{}{{\"op\":\"=\",\"args\":[{{\"property\":\"name\"}},\"x\"]}}{}",
        "{\"op\":\"not\",\"args\":[".repeat(200),
        "]}".repeat(200)
    );
    // Found by fuzzing: parentheses left open made the parser retry every way of reading
    // them, twice the work for each one; 28 of them held a worker for most of an hour.
    let open = format!("{}y", "(".repeat(28));
    let stray = "name = 'x')".to_string();
    for (filter, lang) in [
        (deep.as_str(), "cql2-text"),
        (nots.as_str(), "cql2-text"),
        (json_deep.as_str(), "cql2-json"),
        (open.as_str(), "cql2-text"),
        (stray.as_str(), "cql2-text"),
    ] {
        let url = format!(
            "{}/collections/installations/items?filter-lang={lang}&filter={}",
            common::server(),
            percent_encode(filter)
        );
        let response = client().get(url).send().unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().unwrap_or(Value::Null);
        // Refused, or answered correctly: never a crash or a 5xx.
        match status {
            400 | 414 => assert!(body["description"].is_string(), "{lang}: {body}"),
            200 => assert_eq!(body["numberMatched"], 0, "{lang}: {body}"),
            other => panic!(
                "{lang} {}: {other}: {body}",
                &filter[..filter.len().min(40)]
            ),
        }
    }
    for (filter, words) in [
        (&open, "28 opening parentheses are never closed"),
        (&stray, "column 11"),
    ] {
        let url = format!(
            "{}/collections/installations/items?filter={}",
            common::server(),
            percent_encode(filter)
        );
        let body: Value = client().get(url).send().unwrap().json().unwrap();
        let description = body["description"].as_str().unwrap_or_default();
        assert!(description.contains(words), "{filter}: {description}");
    }
    let (status, _, _) = get_from(common::server(), "/conformance");
    assert_eq!(status, 200, "the server is still up");
}

fn percent_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
