//! Web hardening: security headers on every response, static assets immune to path traversal,
//! HEAD and OPTIONS answered, loopback bind by default.

mod common;

use common::{client, server};
use std::io::{Read, Write};
use std::net::TcpStream;

/// Sends a request target exactly as given (HTTP clients would normalise `..` away) and returns
/// the status and the whole response text.
fn raw(method: &str, target: &str) -> (u16, String) {
    let address = server().trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn every_response_carries_the_security_headers() {
    for path in [
        "/",
        "/assets/app.js",
        "/conformance",
        "/collections/installations/items?limit=1",
        "/no/such/thing",
        "/status",
    ] {
        let response = client()
            .get(format!("{}{path}", server()))
            .header("accept", "text/html")
            .send()
            .unwrap();
        let headers = response.headers();
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert!(
            policy.contains("script-src 'self' 'sha256-"),
            "{path}: {policy}"
        );
        assert!(!policy.contains("unsafe"), "{path}: {policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
    }
}

#[test]
fn the_page_has_no_inline_code_but_the_import_map() {
    let page = client()
        .get(server())
        .header("accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!page.contains("<style"));
    assert!(!page.contains(" style=\""));
    assert!(!page.contains(" onclick="));
    let scripts: Vec<&str> = page.split("<script").skip(1).collect();
    assert!(
        scripts
            .iter()
            .all(|s| s.contains("src=") || s.starts_with(" type=\"importmap\"")),
        "{scripts:?}"
    );
    // The API's own HTML pages take their style from a file too.
    let html = client()
        .get(format!("{}/collections?f=html", server()))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!html.contains("<style"), "{html}");
    assert!(html.contains("/assets/api.css"));
    let css = client()
        .get(format!("{}/assets/api.css", server()))
        .send()
        .unwrap();
    assert_eq!(css.status(), 200);
}

#[test]
fn assets_cannot_be_reached_around() {
    for target in [
        "/assets/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/%2E%2E/%2E%2E/Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/..%2FCargo.toml",
        "/assets/..\\Cargo.toml",
        "/assets/..%5cCargo.toml",
        "/assets/vendor/../../src/main.rs",
        "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/assets//etc/passwd",
        "/assets/%00index.html",
        "/assets/index.html%00",
    ] {
        let (status, text) = raw("GET", target);
        assert!(status == 404 || status == 400, "{target}: {status}\n{text}");
        assert!(!text.contains("[package]"), "{target} leaked Cargo.toml");
        assert!(!text.contains("root:"), "{target} leaked a system file");
        assert!(!text.contains("fn main"), "{target} leaked source");
    }
    let (status, _) = raw("GET", "/assets/app.js");
    assert_eq!(status, 200);
}

#[test]
fn head_and_options_are_answered() {
    for path in [
        "/",
        "/conformance",
        "/assets/app.js",
        "/collections/installations/items",
    ] {
        let get = client().get(format!("{}{path}", server())).send().unwrap();
        let head = client().head(format!("{}{path}", server())).send().unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(head.bytes().unwrap().is_empty(), "HEAD {path} has a body");
        let options = client()
            .request(reqwest::Method::OPTIONS, format!("{}{path}", server()))
            .send()
            .unwrap();
        assert!(options.status().is_success(), "OPTIONS {path}");
        assert_eq!(options.headers()["allow"], "GET, HEAD, OPTIONS");
    }
    // A CORS preflight is answered for any origin.
    let preflight = client()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/conformance", server()),
        )
        .header("origin", "http://example.test")
        .header("access-control-request-method", "GET")
        .send()
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let (status, _) = raw("POST", "/conformance");
    assert_eq!(status, 405);
}

#[test]
fn the_server_binds_to_loopback_unless_told_otherwise() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_forcemap"))
        .args(["serve", "--help"])
        .env_remove("FORCEMAP_BIND")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("[default: 127.0.0.1:8080]"), "{help}");
}
