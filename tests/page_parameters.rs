//! The map page at `/` ignores query parameters it does not know (its own, such as `embed`,
//! and those shared links gain, such as `fbclid` or `utm_source`), while the JSON landing
//! document stays strict.

mod common;

use common::{client, server};

fn get_with_accept(path: &str, accept: Option<&str>) -> (u16, String, String) {
    let mut request = client().get(format!("{}{path}", server()));
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().unwrap())
}

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[test]
fn the_page_ignores_unknown_parameters() {
    for path in [
        "/?embed=1&utm_source=x&fbclid=y",
        "/?embed=1",
        "/?f=html&utm_campaign=share",
    ] {
        let (status, content_type, body) = get_with_accept(path, Some(BROWSER));
        assert_eq!(status, 200, "{path}: {body}");
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        assert!(body.contains("<html"), "{path}: not the page");
    }
}

#[test]
fn the_json_landing_document_still_refuses_unknown_parameters() {
    for (path, accept) in [
        ("/?f=json&foo=1", Some(BROWSER)),
        ("/?foo=1", Some("application/json")),
        ("/?embed=1", None),
    ] {
        let (status, content_type, body) = get_with_accept(path, accept);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        assert!(body.contains("unknown parameter"), "{body}");
    }
    let (status, _, body) = get_with_accept("/?f=json", None);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_bad_format_is_still_refused_for_browsers() {
    let (status, _, body) = get_with_accept("/?f=xml&embed=1", Some(BROWSER));
    assert_eq!(status, 400, "{body}");
}
