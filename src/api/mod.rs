//! The HTTP layer: axum routers over the query layer.
//!
//! - [`ogc`]: OGC API – Features (collections, items, queryables, conformance).
//! - [`analysis`]: the spatial questions at `/analysis/*`, as GeoJSON.
//! - [`openapi`]: the OpenAPI 3.0 document at `/api`, generated from the same parameter lists
//!   the handlers accept.
//! - [`stories`]: the guided tours at `/stories`.
//! - [`tiles`]: vector tiles of every collection (XYZ, TileJSON and OGC API – Tiles).
//! - [`web`]: the map page at `/` for browsers and its assets, and the basemap archive.
//!
//! - [`status`]: `/status`, the data version and the last refused reload; [`reload`] does the
//!   reloading (SIGHUP, `--watch`).
//!
//! Cross-cutting behaviour is tower middleware, applied once in [`router`], from the outside in:
//! the security headers ([`headers`]), CORS for GET from any origin (the data is public), one log
//! line per request, compression, the cache of large answers ([`answer_cache`]) and the
//! [`limits`] (URI length, a slot per class of endpoint, the time-out).

pub mod analysis;
mod answer_cache;
pub mod basemap;
pub mod error;
pub mod headers;
pub mod limits;
mod ogc;
mod openapi;
pub mod reload;
pub mod request;
mod response;
pub mod state;
mod status;
mod stories;
pub mod tiles;
mod web;

pub use state::AppState;

use axum::http::Method;
use axum::{middleware, Router};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub fn router(state: AppState) -> Router {
    let guard = Arc::clone(&state.guard);
    Router::new()
        .merge(ogc::routes())
        .merge(analysis::routes())
        .merge(openapi::routes())
        .merge(web::routes())
        .merge(basemap::routes())
        .merge(tiles::routes())
        .merge(status::routes())
        .merge(stories::routes())
        .fallback(|| async { error::ApiError::not_found("no such resource") })
        .layer(middleware::from_fn_with_state(guard, limits::guard))
        // Outside the limits: a kept answer needs no slot.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            answer_cache::answer_cache,
        ))
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
        .layer(middleware::from_fn(headers::security_headers))
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
