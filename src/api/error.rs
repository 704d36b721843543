//! Error responses: `{"code": "...", "description": "..."}` with a 4xx status for anything the
//! client can fix, so that bad input never surfaces as a 500.

use crate::formats::download::DownloadError;
use crate::formats::items::CrsRefusal;
use crate::query::params::ParamError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
}

impl ApiError {
    pub fn bad_request(description: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameterValue",
            description: description.into(),
        }
    }

    pub fn not_found(description: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "NotFound",
            description: description.into(),
        }
    }

    pub fn unavailable(description: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "Unavailable",
            description: description.into(),
        }
    }
}

impl From<ParamError> for ApiError {
    fn from(e: ParamError) -> ApiError {
        ApiError::bad_request(e.to_string())
    }
}

/// The requested output CRS cannot carry a feature of the answer: the request is refused,
/// naming the CRS parameter and the feature.
impl From<CrsRefusal> for ApiError {
    fn from(refusal: CrsRefusal) -> ApiError {
        ParamError::new("crs", refusal.to_string()).into()
    }
}

/// A download the server failed to write (a temporary file it could not create, say): not the
/// client's fault, so a 500 that says which format failed.
impl From<DownloadError> for ApiError {
    fn from(e: DownloadError) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "NoApplicableCode",
            description: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"code": self.code, "description": self.description})),
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
