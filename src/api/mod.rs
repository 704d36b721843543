//! The HTTP layer: axum routers over the query layer.
//!
//! - [`ogc`]: OGC API – Features (collections, items, queryables, conformance).
//! - [`analysis`]: the spatial questions at `/analysis/*`, as GeoJSON.
//! - [`openapi`]: the OpenAPI 3.0 document at `/api`, generated from the same parameter lists
//!   the handlers accept.
//! - [`stories`]: the guided tours at `/stories`.
//! - [`web`]: the map page at `/` for browsers and its assets, and the basemap archive.
//!
//! Cross-cutting behaviour is tower middleware, applied once in [`router`]: compression, CORS
//! for GET from any origin (the data is public), a request timeout, and one log line per
//! request.

pub mod analysis;
pub mod assets;
pub mod basemap;
pub mod error;
mod ogc;
mod openapi;
pub mod request;
mod response;
pub mod state;
mod stories;
mod web;

pub use state::AppState;

use axum::http::{Method, StatusCode};
use axum::Router;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::cors::{Any, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Longest time one request may take before the client gets a 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(ogc::routes())
        .merge(analysis::routes())
        .merge(openapi::routes())
        .merge(web::routes())
        .merge(basemap::routes())
        .merge(stories::routes())
        .fallback(|| async { error::ApiError::not_found("no such resource") })
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(CompressionLayer::new().compress_when(
            // Byte ranges of an archive must reach the client as stored.
            DefaultPredicate::new().and(NotForContentType::const_new(basemap::MEDIA_TYPE)),
        ))
        .layer(
            CorsLayer::new()
                .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
                .allow_origin(Any)
                .allow_headers(Any)
                .expose_headers(Any),
        )
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

/// Serves until SIGINT or SIGTERM, then lets requests in flight finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let address: SocketAddr = listener.local_addr()?;
    tracing::info!("listening on http://{address}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
