//! What a handler needs to know about the request beyond its path: the query parameters in
//! order, the base URL for absolute links, and the format the client wants.
//!
//! Every endpoint speaks JSON and HTML; the endpoints that answer with features (items pages
//! and analysis answers) take a [`FeaturesRequest`] instead, which also offers the downloads
//! of `formats::download` by `f` and by `Accept`. The `f` values are declared once
//! ([`format_names`]): the parser, its error message and the OpenAPI enums read them, and the
//! `f` parameter itself once for each kind of endpoint ([`FORMAT_PARAMETER`],
//! [`FEATURES_FORMAT_PARAMETER`]).
//!
//! Links are absolute because older GIS clients resolve relative links wrongly; the base comes
//! from `--public-url` when the server sits behind a proxy, else from the Host header.

use super::error::ApiError;
use super::state::AppState;
use crate::formats::download::Download;
use crate::query::params::ParamSpec;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};

/// The representation a client asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

impl Format {
    /// The canonical `f` value of each format.
    const NAMES: [(&'static str, Format); 2] = [("json", Format::Json), ("html", Format::Html)];
}

/// The `f` values an endpoint accepts, in the order the OpenAPI enums list them: `json` and
/// `html`, then the downloads where they are offered.
pub fn format_names(downloads: bool) -> Vec<&'static str> {
    let documents = Format::NAMES.iter().map(|(name, _)| *name);
    let offered = Download::ALL
        .iter()
        .filter(move |_| downloads)
        .map(|d| d.name());
    documents.chain(offered).collect()
}

/// `f` of every endpoint that answers with a document: JSON or HTML.
pub const FORMAT_PARAMETER: ParamSpec = ParamSpec {
    name: "f",
    required: false,
    description: "Output format; overrides the Accept header.",
    schema: || serde_json::json!({"type": "string", "enum": format_names(false)}),
};

/// `f` of the endpoints that answer with features, which also offer the downloads.
pub const FEATURES_FORMAT_PARAMETER: ParamSpec = ParamSpec {
    name: "f",
    required: false,
    description: "Output format; overrides the Accept header. csv (WKT geometry), fgb (FlatGeobuf) and kml (KML 2.2) are downloads of the same features.",
    schema: || serde_json::json!({"type": "string", "enum": format_names(true)}),
};

pub struct Request {
    pub base: String,
    pub path: String,
    pub params: Vec<(String, String)>,
    /// JSON or HTML; JSON when a download is asked for.
    pub format: Format,
    /// The download asked for, only ever set in a [`FeaturesRequest`].
    pub download: Option<Download>,
    pub if_none_match: Option<String>,
}

/// A request to an endpoint that answers with features and so offers the downloads too.
pub struct FeaturesRequest(pub Request);

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
        Request::from_parts(parts, state, false)
    }
}

impl FromRequestParts<AppState> for FeaturesRequest {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Request::from_parts(parts, state, true).map(FeaturesRequest)
    }
}

impl Request {
    fn from_parts(parts: &Parts, state: &AppState, downloads: bool) -> Result<Request, ApiError> {
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
        let f = params
            .iter()
            .rev()
            .find(|(k, _)| k == "f")
            .map(|(_, v)| v.as_str());
        let accept = parts
            .headers
            .get(header::ACCEPT)
            .and_then(|h| h.to_str().ok());
        let (format, download) = if downloads {
            match negotiate_download(f, accept)? {
                Some(d) => (Format::Json, Some(d)),
                None => (negotiate(f, accept, true)?, None),
            }
        } else {
            (negotiate(f, accept, false)?, None)
        };
        Ok(Request {
            base,
            path: parts.uri.path().to_string(),
            params,
            format,
            download,
            if_none_match: parts
                .headers
                .get(header::IF_NONE_MATCH)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string),
        })
    }
}

/// The download a features request asks for: by `f` (which wins), else by an `Accept` that
/// lists a download's media type before any JSON or HTML type.
pub fn negotiate_download(
    f: Option<&str>,
    accept: Option<&str>,
) -> Result<Option<Download>, ApiError> {
    if let Some(f) = f {
        return Ok(Download::from_name(f));
    }
    let Some(accept) = accept else {
        return Ok(None);
    };
    let first = |types: &mut dyn Iterator<Item = &str>| types.filter_map(|m| accept.find(m)).min();
    let document = first(&mut DOCUMENT_MEDIA_TYPES.iter().copied());
    let download = Download::ALL
        .into_iter()
        .filter_map(|d| accept.find(d.media_type()).map(|at| (at, d)))
        .min_by_key(|(at, _)| *at);
    Ok(match (download, document) {
        (Some((at, d)), Some(doc)) if at < doc => Some(d),
        (Some((_, d)), None) => Some(d),
        _ => None,
    })
}

/// The JSON and HTML media types `Accept` is searched for.
const DOCUMENT_MEDIA_TYPES: [&str; 5] = [
    "text/html",
    "application/json",
    "application/geo+json",
    "application/vnd.oai.openapi+json",
    "application/schema+json",
];

/// `f` wins over `Accept`; a browser's Accept (HTML listed before JSON) gets HTML. An unknown
/// `f` is refused naming the values this endpoint accepts (with the downloads when it offers
/// them).
pub fn negotiate(
    f: Option<&str>,
    accept: Option<&str>,
    downloads: bool,
) -> Result<Format, ApiError> {
    if let Some(f) = f {
        return match f {
            "json" | "geojson" | "application/json" | "application/geo+json" => Ok(Format::Json),
            "html" | "text/html" => Ok(Format::Html),
            other => Err(ApiError::bad_request(format!(
                "unknown format f=\"{other}\"; use one of: {}",
                format_names(downloads).join(", ")
            ))),
        };
    }
    let Some(accept) = accept else {
        return Ok(Format::Json);
    };
    let position = |needle: &str| accept.find(needle);
    let json = DOCUMENT_MEDIA_TYPES[1..]
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
        let negotiate = |f, accept| negotiate(f, accept, false);
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
    fn downloads_by_f_and_by_accept() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        for d in Download::ALL {
            assert_eq!(negotiate_download(Some(d.name()), None).unwrap(), Some(d));
            assert_eq!(
                negotiate_download(None, Some(d.media_type())).unwrap(),
                Some(d)
            );
            let later = format!("application/geo+json, {}", d.media_type());
            assert_eq!(negotiate_download(None, Some(&later)).unwrap(), None);
        }
        assert_eq!(negotiate_download(None, Some(browser)).unwrap(), None);
        assert_eq!(
            negotiate_download(Some("json"), Some("text/csv")).unwrap(),
            None
        );
        let refusal = negotiate(Some("shp"), None, true).unwrap_err().description;
        assert!(
            refusal.contains("json, html, csv, fgb, kml"),
            "the accepted values are named: {refusal}"
        );
        let documents = negotiate(Some("csv"), None, false).unwrap_err().description;
        assert!(
            documents.contains("json, html") && !documents.contains("kml"),
            "{documents}"
        );
    }

    #[test]
    fn links_encode_commas() {
        assert_eq!(encode("1,2"), "1%2C2");
    }
}
