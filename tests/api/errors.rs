//! The error contract: every code in the registry is documented, and resolver errors
//! turn into the right code with internal details masked.

use std::sync::Arc;

use braid::{
    error::{AppError, ErrorCode, finish_server_error},
    stores::Store,
};
use serde_json::{Value, json};

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
    let response = app
        .graphql("{ users(first: 1) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "TIMEOUT",
        "{response}"
    );
}

#[tokio::test]
async fn parse_and_validation_errors_have_codes() {
    let app = TestApp::new().await;
    let parse = app.graphql("{ jobs {", json!({})).await;
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
            "{ jobs { edges { node { organization { members { user { username } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        deep["errors"],
        serde_json::Value::Null,
        "within the depth limit: {deep}"
    );
}

#[tokio::test]
async fn a_failed_field_is_null_in_data_where_the_spec_puts_it() {
    let app = TestApp::new().await;
    // A nullable root field: present and null, beside the fields that resolved.
    let malformed = app
        .graphql("{ __typename job(id: \"not-an-id\") { id } }", json!({}))
        .await;
    assert_eq!(
        malformed["data"],
        json!({ "__typename": "Query", "job": null }),
        "{malformed}"
    );
    assert_eq!(malformed["errors"][0]["path"], json!(["job"]));
    assert_eq!(
        malformed["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    // Aliases are followed: the null lands under the response key.
    let aliased = app
        .graphql(
            "{ first: job(id: \"x\") { id } second: __typename }",
            json!({}),
        )
        .await;
    assert_eq!(
        aliased["data"],
        json!({ "first": null, "second": "Query" }),
        "{aliased}"
    );

    // A non-null root field nulls `data` itself.
    let non_null = app
        .graphql(
            "{ __typename myApplications { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(non_null["data"], Value::Null, "{non_null}");
    assert_eq!(
        non_null["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    assert_eq!(non_null["errors"][0]["path"], json!(["myApplications"]));

    // Nested, in a list, through a fragment: each failed field is null in its object.
    let (employer, drafts) = crate::hiring::draft_jobs(&app, 2).await;
    for job in &drafts {
        crate::hiring::publish(&app, &employer, job).await;
    }
    let nested = app
        .graphql(
            "fragment Guarded on Job { recommendedCandidates { score } } { jobs(first: 5) { edges { node { title ...Guarded } } } }",
            json!({}),
        )
        .await;
    let edges = nested["data"]["jobs"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 2, "{nested}");
    for edge in edges {
        let node = edge["node"].as_object().expect("a job");
        assert_eq!(
            node.get("recommendedCandidates"),
            Some(&Value::Null),
            "{nested}"
        );
        assert!(node["title"].is_string());
    }
    assert_eq!(nested["errors"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_nul_character_in_any_text_is_bad_user_input() {
    let app = TestApp::new().await;
    let (token, _) = app.register("nul.writer", "INDIVIDUAL").await;
    let literal = [
        r#"{ users(filter: { search: "a\u0000b" }) { edges { cursor } } }"#,
        r#"{ jobs(filter: { search: "a\u0000b" }) { edges { cursor } } }"#,
    ];
    for query in literal {
        let refused = app.graphql(query, json!({})).await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{refused}"
        );
        assert_eq!(
            refused["data"],
            Value::Null,
            "refused before execution: {refused}"
        );
    }
    let mutation = "mutation($input: ProfileInput!) { updateProfile(input: $input) { headline } }";
    let refused = app
        .graphql_as(
            &token,
            mutation,
            json!({ "input": { "headline": "zero\u{0}byte" } }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("$input") && m.contains("U+0000")),
        "{refused}"
    );
    // Ordinary text, escapes included, still goes through.
    let fine = app
        .graphql_as(
            &token,
            mutation,
            json!({ "input": { "headline": "Rust \\u0000 café" } }),
        )
        .await;
    assert_eq!(fine["errors"], Value::Null, "{fine}");
}

#[tokio::test]
async fn a_constraint_nobody_mapped_reaches_clients_without_its_name() {
    let app = TestApp::new().await;
    let violations = [
        (
            "insert into skills (id, name) values (gen_random_uuid(), '')",
            "BAD_USER_INPUT",
        ),
        (
            "insert into job_skills (job_id, skill_id) values (gen_random_uuid(), gen_random_uuid())",
            "BAD_USER_INPUT",
        ),
    ];
    for (statement, code) in violations {
        let error = sqlx::query(statement)
            .execute(&app.state.pg)
            .await
            .expect_err("the database refuses it");
        let constraint = braid::error::violated_constraint(&error)
            .expect("a constraint violation")
            .to_owned();
        let finished = finished(AppError::from(error));
        assert_eq!(ErrorCode::of(&finished).map(ErrorCode::as_str), Some(code));
        assert!(
            !finished.message.contains(&constraint),
            "{constraint} leaked: {}",
            finished.message
        );
    }
}
