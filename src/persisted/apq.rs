//! Automatic Persisted Queries, as Apollo Client's and urql's links speak them: a request
//! may carry `extensions.persistedQuery { version: 1, sha256Hash }` instead of the query
//! text. braid keeps the text in Redis under its hash; a miss answers
//! `PERSISTED_QUERY_NOT_FOUND` ("PersistedQueryNotFound"), and the link resends the hash
//! with the text, which braid checks and stores. Redis is only a cache here: while it is
//! down every hash misses and clients fall back to sending the text.

use std::time::Duration;

use async_graphql::ServerError;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::{
    error::{ErrorCode, request_error},
    state::AppState,
};

/// How long a persisted query stays known after its last registration.
const TTL: Duration = Duration::from_secs(24 * 60 * 60);

fn key(state: &AppState, hash: &str) -> String {
    state.redis.key(&format!("apq:{hash}"))
}

fn bad(message: &str) -> ServerError {
    request_error(ErrorCode::BadRequest, message)
}

/// Resolves APQ in a request's parameters: fills in `query` from a known hash, or checks
/// and stores a query sent with its hash. Parameters without `persistedQuery` pass
/// through untouched.
pub async fn resolve_automatic(
    state: &AppState,
    params: &mut Map<String, Value>,
) -> Result<(), ServerError> {
    let Some(persisted) = params
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
    else {
        return Ok(());
    };
    if persisted.get("version").and_then(Value::as_i64) != Some(1) {
        return Err(bad("persistedQuery: only version 1 is supported"));
    }
    let hash = persisted
        .get("sha256Hash")
        .and_then(Value::as_str)
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| bad("persistedQuery: sha256Hash must be 64 hex digits"))?
        .to_ascii_lowercase();

    match params.get("query") {
        Some(Value::String(query)) => {
            let actual: String = Sha256::digest(query.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if actual != hash {
                return Err(bad("provided sha does not match query"));
            }
            let stored = state
                .redis
                .run::<()>(
                    redis::cmd("SET")
                        .arg(key(state, &hash))
                        .arg(query)
                        .arg("EX")
                        .arg(TTL.as_secs()),
                )
                .await;
            if let Err(error) = stored {
                tracing::warn!(%error, "could not store a persisted query; it runs without");
            }
            Ok(())
        }
        None | Some(Value::Null) => {
            let known = state
                .redis
                .run::<Option<String>>(redis::cmd("GET").arg(key(state, &hash)))
                .await;
            match known {
                Ok(Some(query)) => {
                    params.insert("query".to_owned(), Value::String(query));
                    Ok(())
                }
                Ok(None) => Err(request_error(
                    ErrorCode::PersistedQueryNotFound,
                    "PersistedQueryNotFound",
                )),
                Err(error) => {
                    tracing::warn!(%error, "persisted query store unavailable; asking the client for the text");
                    Err(request_error(
                        ErrorCode::PersistedQueryNotFound,
                        "PersistedQueryNotFound",
                    ))
                }
            }
        }
        Some(_) => Err(bad("`query` must be a string")),
    }
}
