//! The error contract: every error a client sees carries one [`ErrorCode`] in
//! `extensions.code` (documented in `schema/ERRORS.md`), and internal details never reach
//! clients.
//!
//! Resolvers return `Result<T, AppError>`. async-graphql keeps the `AppError` as the
//! error's source; [`finish_server_error`] (run once per response by the GraphQL
//! extension in `graphql::extensions`) turns it into the code and the client-facing
//! message, logging internal errors with their context.

use std::{fmt, sync::Arc};

use async_graphql::{ErrorExtensionValues, ServerError, Value};

use crate::stores::Store;

/// The registry of `extensions.code` values braid answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The HTTP request itself is malformed (body, parameters, content type).
    BadRequest,
    /// The document is not valid GraphQL syntax.
    GraphqlParseFailed,
    /// The document does not validate against the schema.
    GraphqlValidationFailed,
    /// An argument or input value is invalid.
    BadUserInput,
    /// The request needs a signed-in viewer, or its credentials are invalid.
    Unauthenticated,
    /// The viewer may not do this.
    Forbidden,
    /// The thing a mutation acts on does not exist (or is not visible to the viewer).
    NotFound,
    /// The change conflicts with the current state (a duplicate, a stale version).
    Conflict,
    /// Too many requests; `extensions.retryAfter` says when to retry.
    RateLimited,
    /// An APQ hash is unknown: send the query text with the hash.
    PersistedQueryNotFound,
    /// Only persisted (trusted) documents may run with these credentials.
    PersistedQueryNotAllowed,
    /// A store this field needs is down; other fields may still have data.
    StoreUnavailable,
    /// The operation ran past its time limit.
    Timeout,
    /// Something failed inside braid; details are in the server log only.
    InternalServerError,
}

impl ErrorCode {
    /// Every code, in documentation order.
    pub const ALL: [ErrorCode; 14] = [
        Self::BadRequest,
        Self::GraphqlParseFailed,
        Self::GraphqlValidationFailed,
        Self::BadUserInput,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::RateLimited,
        Self::PersistedQueryNotFound,
        Self::PersistedQueryNotAllowed,
        Self::StoreUnavailable,
        Self::Timeout,
        Self::InternalServerError,
    ];

    /// The value of `extensions.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "BAD_REQUEST",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            Self::StoreUnavailable => "STORE_UNAVAILABLE",
            Self::Timeout => "TIMEOUT",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The code of an error as the client received it, if it has one of ours.
    pub fn of(error: &ServerError) -> Option<ErrorCode> {
        let Some(Value::String(code)) = error.extensions.as_ref()?.get("code") else {
            return None;
        };
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error a resolver or a command can return.
///
/// The `Display` text is what the client reads, so it never contains internal details;
/// those live in `Internal`'s source, which only the server log sees.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// An argument or input value is invalid; the text says which and why.
    #[error("{0}")]
    BadUserInput(String),
    /// No viewer, or invalid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// The viewer may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The thing acted on does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The change conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// Too many requests.
    #[error("too many requests, retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// A store is down or did not answer in time.
    #[error("{0} is unavailable, try again later")]
    StoreUnavailable(Store),
    /// The operation ran past its time limit.
    #[error("the operation timed out")]
    Timeout,
    /// A failure inside braid; the client sees a generic message.
    #[error("internal server error")]
    Internal(Arc<anyhow::Error>),
}

impl AppError {
    /// Wraps an unexpected failure; its details reach the log, not the client.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(Arc::new(error.into()))
    }

    /// The code clients see.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadUserInput(_) => ErrorCode::BadUserInput,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::StoreUnavailable(_) => ErrorCode::StoreUnavailable,
            Self::Timeout => ErrorCode::Timeout,
            Self::Internal(_) => ErrorCode::InternalServerError,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_) => store_unavailable(Store::Postgres, &error),
            // Serialization failures, deadlocks and lock waits past `lock_timeout`:
            // concurrent writers collided (e.g. bookings of one service taking turns);
            // the client's retry decides.
            sqlx::Error::Database(ref db)
                if matches!(db.code().as_deref(), Some("40001" | "40P01" | "55P03")) =>
            {
                Self::Conflict("the change collided with a concurrent one; retry it".to_owned())
            }
            sqlx::Error::Database(ref db) if db.code().is_some_and(|c| c.starts_with("23")) => {
                unmapped_constraint(db.as_ref()).unwrap_or_else(|| Self::internal(error))
            }
            other => Self::internal(other),
        }
    }
}

/// A constraint violation no call site gave words to: a stable message by the kind of
/// rule, never the constraint's name (which is schema detail); the name goes to the log.
/// `None` for violations that are braid's bugs rather than the input's (a NOT NULL).
fn unmapped_constraint(error: &dyn sqlx::error::DatabaseError) -> Option<AppError> {
    use sqlx::error::ErrorKind;
    let answer = match error.kind() {
        ErrorKind::UniqueViolation => AppError::Conflict("this already exists".to_owned()),
        ErrorKind::ForeignKeyViolation => {
            AppError::BadUserInput("a referenced entity does not exist".to_owned())
        }
        ErrorKind::CheckViolation => {
            AppError::BadUserInput("a value is outside what is allowed here".to_owned())
        }
        // 23P01: exclusion constraints, which here keep time ranges apart.
        _ if error.code().as_deref() == Some("23P01") => {
            AppError::Conflict("this overlaps an existing entry".to_owned())
        }
        _ => return None,
    };
    tracing::warn!(
        constraint = error.constraint().unwrap_or(""),
        table = error.table().unwrap_or(""),
        code = answer.code().as_str(),
        "constraint violation without a mapping"
    );
    Some(answer)
}

impl From<mongodb::error::Error> for AppError {
    fn from(error: mongodb::error::Error) -> Self {
        use mongodb::error::ErrorKind;
        match *error.kind {
            ErrorKind::ServerSelection { .. }
            | ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
            | ErrorKind::DnsResolve { .. } => store_unavailable(Store::Mongo, &error),
            _ => Self::internal(error),
        }
    }
}

impl From<qdrant_client::QdrantError> for AppError {
    fn from(error: qdrant_client::QdrantError) -> Self {
        use qdrant_client::QdrantError;
        use tonic::Code;
        match &error {
            QdrantError::ResponseError { status }
                if matches!(
                    status.code(),
                    Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled | Code::Unknown // The client reports a refused connection as INTERNAL "Failed to connect".
                ) || (status.code() == Code::Internal
                    && status.message().starts_with("Failed to connect")) =>
            {
                store_unavailable(Store::Qdrant, &error)
            }
            QdrantError::Io(_) => store_unavailable(Store::Qdrant, &error),
            _ => Self::internal(error),
        }
    }
}

impl From<redis::RedisError> for AppError {
    fn from(error: redis::RedisError) -> Self {
        if error.is_io_error()
            || error.is_connection_dropped()
            || error.is_connection_refusal()
            || error.is_timeout()
        {
            store_unavailable(Store::Redis, &error)
        } else {
            Self::internal(error)
        }
    }
}

fn store_unavailable(store: Store, cause: &dyn std::error::Error) -> AppError {
    tracing::warn!(%store, error = %cause, "store unavailable");
    AppError::StoreUnavailable(store)
}

/// Gives an error its final, client-facing shape: the `extensions.code` (set once, here),
/// the masked message for internal errors, and `retryAfter` for rate limits.
///
/// `default` is the code of errors raised by async-graphql itself (parse, validation and
/// input-coercion errors), which carry no source.
pub fn finish_server_error(error: &mut ServerError, default: ErrorCode) {
    if ErrorCode::of(error).is_some() {
        return;
    }
    let code = match error.source::<AppError>().cloned() {
        Some(app_error) => {
            if let AppError::Internal(cause) = &app_error {
                tracing::error!(error = format!("{cause:#}"), path = ?error.path, "internal error");
            }
            if let AppError::RateLimited { retry_after_secs } = app_error {
                extensions(error).set("retryAfter", retry_after_secs);
            }
            app_error.code()
        }
        // A source that is not an AppError escaped a resolver: never show its text.
        None if error.source.is_some() => {
            tracing::error!(message = %error.message, path = ?error.path, "unclassified error");
            error.message = "internal server error".to_owned();
            ErrorCode::InternalServerError
        }
        None => default,
    };
    extensions(error).set("code", code.as_str());
}

fn extensions(error: &mut ServerError) -> &mut ErrorExtensionValues {
    error.extensions.get_or_insert_with(Default::default)
}

/// A GraphQL error with a code, for failures that happen before execution (HTTP layer,
/// WebSocket layer).
pub fn request_error(code: ErrorCode, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    extensions(&mut error).set("code", code.as_str());
    error
}

/// The name of the constraint a PostgreSQL error violated, if it is a constraint
/// violation: call sites turn known names into `CONFLICT` or `BAD_USER_INPUT`.
pub fn violated_constraint(error: &sqlx::Error) -> Option<&str> {
    error.as_database_error().and_then(|e| e.constraint())
}
