//! Security headers on every response, and `Allow` on the answer to `OPTIONS`.
//!
//! The Content-Security-Policy allows only this server's own files. The one inline block the page
//! has is its import map (browsers do not load import maps from files), so the policy names that
//! block by its SHA-256 digest, taken from the embedded page itself: any other inline script, or
//! an edited import map without a rebuild, is refused by the browser. MapLibre starts its workers
//! from `blob:` URLs and draws sprites and exports through `data:` and `blob:` images, which is
//! why those two sources are allowed for workers and images and nowhere else.

use crate::assets::asset;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The methods every resource of this read-only service allows.
pub const ALLOWED_METHODS: &str = "GET, HEAD, OPTIONS";

/// Adds the security headers, and `Allow` to the answer to an `OPTIONS` request (which the CORS
/// layer inside answers, preflight or not).
pub async fn security_headers(request: Request, next: Next) -> Response {
    let options = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if options {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
    }
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, content_security_policy());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The policy, built once from the embedded page.
pub fn content_security_policy() -> HeaderValue {
    static POLICY: OnceLock<HeaderValue> = OnceLock::new();
    POLICY
        .get_or_init(|| {
            let page = asset("index.html").map(|a| a.bytes).unwrap_or_default();
            let scripts: String = inline_scripts(&String::from_utf8_lossy(page))
                .map(|body| format!(" 'sha256-{}'", digest(body)))
                .collect();
            let policy = format!(
                "default-src 'self'; script-src 'self'{scripts}; style-src 'self'; \
                 img-src 'self' data: blob:; worker-src 'self' blob:; child-src blob:; \
                 connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
                 form-action 'self'; frame-ancestors 'none'"
            );
            HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("default-src 'self'"))
        })
        .clone()
}

/// The bodies of the page's inline `<script>` elements (those without `src`).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (tag, after) = rest.split_once('>')?;
        if tag.contains("src=") {
            return None;
        }
        after.split_once("</script>").map(|(body, _)| body)
    })
}

fn digest(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_import_map_and_nothing_inline_else() {
        let page = String::from_utf8_lossy(asset("index.html").unwrap().bytes).to_string();
        let inline: Vec<&str> = inline_scripts(&page).collect();
        assert_eq!(inline.len(), 1, "{inline:?}");
        assert!(inline[0].contains("\"imports\""), "{}", inline[0]);
        let policy = content_security_policy();
        let policy = policy.to_str().unwrap();
        assert!(policy.contains(&digest(inline[0])), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(!policy.contains("unsafe-eval"), "{policy}");
        assert!(!page.contains("<style"), "inline style in the page");
        assert!(
            !page.contains(" style="),
            "inline style attribute in the page"
        );
    }

    #[test]
    fn inline_scripts_skip_those_with_a_source() {
        let html = "<script type=\"module\" src=\"a.js\"></script><script>one()</script>";
        assert_eq!(inline_scripts(html).collect::<Vec<_>>(), ["one()"]);
        assert_eq!(
            digest(""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "the SHA-256 of nothing"
        );
    }
}
