//! `GET /files/{id}`: streams a project attachment from GridFS to its project's owner
//! or an admin (`Authorization: Bearer <token>`).

use axum::{
    body::Body,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use tokio_util::{compat::FuturesAsyncReadCompatExt, io::ReaderStream};

use super::{HttpState, graphql::authenticate};
use crate::{
    delivery,
    error::{AppError, request_error},
};

fn failure(error: &AppError) -> Response {
    let status = match error {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::NotFound(_) | AppError::Forbidden(_) => StatusCode::NOT_FOUND,
        AppError::BadUserInput(_) => StatusCode::BAD_REQUEST,
        AppError::StoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    // Someone else's file is reported as absent: its existence is not theirs to learn.
    let error = match error {
        AppError::Forbidden(_) => AppError::NotFound("no such file".to_owned()),
        other => other.clone(),
    };
    if let AppError::Internal(cause) = &error {
        tracing::error!(error = format!("{cause:#}"), "file download failed");
    }
    let body = serde_json::json!({ "errors": [request_error(error.code(), error.to_string())] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266).
fn disposition(filename: &str) -> HeaderValue {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

pub(super) async fn download(
    State(app): State<HttpState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return failure(&AppError::NotFound("no such file".to_owned()));
    };
    let viewer = match authenticate(&app, &headers).await {
        Ok(viewer) => viewer,
        Err(error) => return failure(&error),
    };
    let file = match delivery::open_attachment(&app.state, &viewer, id).await {
        Ok(file) => file,
        Err(error) => return failure(&error),
    };
    let mut response = Body::from_stream(ReaderStream::new(file.stream.compat())).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.length));
    headers.insert(header::CONTENT_DISPOSITION, disposition(&file.filename));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", file.sha256)) {
        headers.insert(header::ETAG, etag);
    }
    response
}
