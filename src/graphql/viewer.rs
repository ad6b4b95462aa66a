//! Who is asking: the viewer of a request or a WebSocket connection.

use crate::{error::AppError, state::AppState};

/// The identity a request runs as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// No credentials were presented.
    Anonymous,
}

/// Resolves the viewer from an `Authorization` header value (HTTP) or the same value in
/// a WebSocket `connection_init` payload.
///
/// Credentials that are present but not valid are an error, never a silent fallback to
/// anonymous. braid issues no session tokens yet (sign-in arrives with the identity
/// domain), so every bearer token is unknown and refused.
pub async fn authenticate(
    _state: &AppState,
    authorization: Option<&str>,
) -> Result<Viewer, AppError> {
    let Some(value) = authorization.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Viewer::Anonymous);
    };
    let Some(_token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Err(AppError::Unauthenticated(
            "the Authorization header must be `Bearer <token>`".to_owned(),
        ));
    };
    Err(AppError::Unauthenticated(
        "the session token is invalid or expired".to_owned(),
    ))
}
