//! Trusted documents: a partner key runs only documents its partner published, named by
//! a top-level `documentId` (or an APQ `sha256Hash`); free text is refused.

use async_graphql::ServerError;
use serde_json::{Map, Value};

use crate::{
    error::{ErrorCode, request_error},
    partners::{self, PartnerId},
    state::AppState,
};

/// Replaces a partner request's document reference with the published text.
pub async fn resolve_trusted(
    state: &AppState,
    partner: PartnerId,
    params: &mut Map<String, Value>,
) -> Result<(), ServerError> {
    if params.get("query").is_some_and(|q| !q.is_null()) {
        return Err(request_error(
            ErrorCode::PersistedQueryNotAllowed,
            "partner keys run published documents only: send `documentId`",
        ));
    }
    let id = params
        .remove("documentId")
        .and_then(|id| id.as_str().map(str::to_owned))
        .or_else(|| {
            params
                .get("extensions")
                .and_then(|e| e.get("persistedQuery"))
                .and_then(|p| p.get("sha256Hash"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .ok_or_else(|| {
            request_error(
                ErrorCode::BadRequest,
                "`documentId` is required with a partner key",
            )
        })?;
    // `documentId` may carry a `sha256:` prefix, as some clients send it.
    let id = id.strip_prefix("sha256:").unwrap_or(&id).to_owned();
    if let Some(Value::Object(extensions)) = params.get_mut("extensions") {
        extensions.remove("persistedQuery");
    }
    let body = partners::trusted_document(&state.pg, partner, &id)
        .await
        .map_err(|error| request_error(error.code(), error.to_string()))?
        .ok_or_else(|| {
            request_error(ErrorCode::PersistedQueryNotFound, "PersistedQueryNotFound")
        })?;
    params.insert("query".to_owned(), Value::String(body));
    Ok(())
}
