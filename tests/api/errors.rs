//! The error contract: every code in the registry is documented, and resolver errors
//! turn into the right code with internal details masked.

use std::sync::Arc;

use braid::{
    error::{AppError, ErrorCode, finish_server_error},
    stores::Store,
};
use serde_json::json;

use crate::harness::{TestApp, repo_root};

#[test]
fn every_code_is_documented_in_errors_md() {
    let doc =
        std::fs::read_to_string(repo_root().join("schema/ERRORS.md")).expect("schema/ERRORS.md");
    for code in ErrorCode::ALL {
        assert!(
            doc.contains(&format!("`{}`", code.as_str())),
            "{code} is not documented"
        );
    }
}

fn finished(error: AppError) -> async_graphql::ServerError {
    let mut server_error =
        async_graphql::Error::from(error).into_server_error(async_graphql::Pos::default());
    finish_server_error(&mut server_error, ErrorCode::BadUserInput);
    server_error
}

#[test]
fn app_errors_map_to_their_codes() {
    let cases = [
        (AppError::BadUserInput("x".into()), "BAD_USER_INPUT"),
        (AppError::Unauthenticated("x".into()), "UNAUTHENTICATED"),
        (AppError::Forbidden("x".into()), "FORBIDDEN"),
        (AppError::NotFound("x".into()), "NOT_FOUND"),
        (AppError::Conflict("x".into()), "CONFLICT"),
        (
            AppError::RateLimited {
                retry_after_secs: 7,
            },
            "RATE_LIMITED",
        ),
        (
            AppError::StoreUnavailable(Store::Qdrant),
            "STORE_UNAVAILABLE",
        ),
        (AppError::Timeout, "TIMEOUT"),
    ];
    for (error, code) in cases {
        let finished = finished(error);
        assert_eq!(ErrorCode::of(&finished).map(ErrorCode::as_str), Some(code));
    }
    let rate_limited = finished(AppError::RateLimited {
        retry_after_secs: 7,
    });
    let extensions = serde_json::to_value(&rate_limited.extensions).expect("serialises");
    assert_eq!(extensions["retryAfter"], 7);
}

#[test]
fn internal_errors_never_show_their_details() {
    let secret = "password=hunter2 at db.internal:5432";
    let finished = finished(AppError::Internal(Arc::new(anyhow::anyhow!(secret))));
    assert_eq!(
        ErrorCode::of(&finished),
        Some(ErrorCode::InternalServerError)
    );
    assert_eq!(finished.message, "internal server error");

    // A foreign error that escaped a resolver is masked as well.
    let mut foreign = async_graphql::Error::from(std::io::Error::other(secret))
        .into_server_error(async_graphql::Pos::default());
    finish_server_error(&mut foreign, ErrorCode::BadUserInput);
    assert_eq!(
        ErrorCode::of(&foreign),
        Some(ErrorCode::InternalServerError)
    );
    assert!(!foreign.message.contains("hunter2"));
}

#[tokio::test]
async fn an_operation_past_its_time_limit_times_out() {
    let app = TestApp::with_config(|config| config.request_timeout_ms = 0).await;
    let response = app.graphql("{ storeStatus { up } }", json!({})).await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "TIMEOUT",
        "{response}"
    );
}

#[tokio::test]
async fn parse_and_validation_errors_have_codes() {
    let app = TestApp::new().await;
    let parse = app.graphql("{ notes {", json!({})).await;
    assert_eq!(
        parse["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    let validation = app.graphql("{ noSuchField }", json!({})).await;
    assert_eq!(
        validation["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let deep = app
        .graphql(
            "{ notes { edges { node { revisions { body } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        deep["errors"],
        serde_json::Value::Null,
        "within the depth limit: {deep}"
    );
}
