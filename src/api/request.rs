//! What a handler needs to know about the request beyond its path: the query parameters in
//! order, the base URL for absolute links, and the format the client wants.
//!
//! Links are absolute because older GIS clients resolve relative links wrongly; the base comes
//! from `--public-url` when the server sits behind a proxy, else from the Host header.

use super::error::ApiError;
use super::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};

/// The representation a client asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

pub struct Request {
    pub base: String,
    pub path: String,
    pub params: Vec<(String, String)>,
    pub format: Format,
    pub if_none_match: Option<String>,
}

impl Request {
    /// The last value of a parameter (a repeated parameter is a client mistake; the last wins).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The URL of `path` on this server, with the given query parameters.
    pub fn url(&self, path: &str, params: &[(String, String)]) -> String {
        let mut url = format!("{}{}", self.base, path);
        if !params.is_empty() {
            url.push('?');
            // Commas are encoded too, so that link parsers never split a bbox value.
            let query = params
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            url.push_str(&query);
        }
        url
    }

    /// This request's own URL with parameters replaced (`None` removes one).
    pub fn with_params(&self, changes: &[(&str, Option<String>)]) -> String {
        let mut params: Vec<(String, String)> = self
            .params
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .cloned()
            .collect();
        for (name, value) in changes {
            if let Some(v) = value {
                params.push((name.to_string(), v.clone()));
            }
        }
        self.url(&self.path, &params)
    }

    /// Rejects parameters this endpoint does not define, naming them.
    pub fn allow_only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        for (name, _) in &self.params {
            if !allowed.contains(&name.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter \"{name}\"; this endpoint accepts: {}",
                    allowed.join(", ")
                )));
            }
        }
        Ok(())
    }
}

pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl FromRequestParts<AppState> for Request {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // A parameter with an empty value (`datetime=`) is treated as absent: GIS clients send
        // their unused fields that way. One rule for every endpoint, stated in the README.
        let params: Vec<(String, String)> = parts
            .uri
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .filter(|(_, value)| !value.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let base = match &state.public_url {
            Some(url) => url.clone(),
            None => {
                let host = parts
                    .headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
                    .unwrap_or("127.0.0.1");
                format!("http://{host}")
            }
        };
        let format = negotiate(
            params
                .iter()
                .rev()
                .find(|(k, _)| k == "f")
                .map(|(_, v)| v.as_str()),
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|h| h.to_str().ok()),
        )?;
        Ok(Request {
            base,
            path: parts.uri.path().to_string(),
            params,
            format,
            if_none_match: parts
                .headers
                .get(header::IF_NONE_MATCH)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string),
        })
    }
}

/// `f` wins over `Accept`; a browser's Accept (HTML listed before JSON) gets HTML.
pub fn negotiate(f: Option<&str>, accept: Option<&str>) -> Result<Format, ApiError> {
    if let Some(f) = f {
        return match f {
            "json" | "geojson" | "application/json" | "application/geo+json" => Ok(Format::Json),
            "html" | "text/html" => Ok(Format::Html),
            other => Err(ApiError::bad_request(format!(
                "unknown format f=\"{other}\"; use json or html"
            ))),
        };
    }
    let Some(accept) = accept else {
        return Ok(Format::Json);
    };
    let position = |needle: &str| accept.find(needle);
    let json = [
        "application/json",
        "application/geo+json",
        "application/vnd.oai.openapi+json",
        "application/schema+json",
    ]
    .iter()
    .filter_map(|m| position(m))
    .min();
    match (position("text/html"), json) {
        (Some(h), Some(j)) if h < j => Ok(Format::Html),
        (Some(_), None) => Ok(Format::Html),
        _ => Ok(Format::Json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_negotiation() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(negotiate(None, Some(browser)).unwrap(), Format::Html);
        assert_eq!(
            negotiate(None, Some("application/json")).unwrap(),
            Format::Json
        );
        assert_eq!(negotiate(None, None).unwrap(), Format::Json);
        assert_eq!(
            negotiate(Some("json"), Some(browser)).unwrap(),
            Format::Json
        );
        assert_eq!(negotiate(Some("html"), None).unwrap(), Format::Html);
        assert!(negotiate(Some("xml"), None).is_err());
    }

    #[test]
    fn links_encode_commas() {
        assert_eq!(encode("1,2"), "1%2C2");
    }
}
