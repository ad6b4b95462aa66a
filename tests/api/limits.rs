//! Guardrails on documents and request rates, over HTTP.

use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

use crate::harness::TestApp;

async fn post(url: &str, token: Option<&str>, query: &str) -> (StatusCode, Value) {
    let mut request = Client::new()
        .post(url)
        .header(header::ACCEPT, "application/graphql-response+json")
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("sent");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn document_limits_refuse_before_execution() {
    let app = TestApp::with_config(|config| {
        config.max_aliases = 3;
        config.max_root_fields = 2;
        config.max_depth = 4;
        config.max_complexity = 200;
    })
    .await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let cases = [
        (
            "{ a: __typename b: __typename c: __typename d: __typename }",
            "aliases",
        ),
        (
            "fragment F on Query { a: __typename b: __typename } { ...F x: storeStatus { up } ... on Query { ...F } }",
            "aliases",
        ),
        (
            "{ storeStatus { up } vectorCollections { name } notes { edges { cursor } } }",
            "root fields",
        ),
        (
            "{ notes { edges { node { revisions { body } } } } }",
            "depth",
        ),
        (
            "{ users(first: 100) { edges { node { username role profile { headline summary location } } } } }",
            "complexity",
        ),
    ];
    for (query, what) in cases {
        let (status, body) = post(&url, None, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{what}: {body}"
        );
    }
    let (status, body) = post(
        &url,
        None,
        "{ users(first: 5) { edges { node { username } } } }",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "small pages pass: {body}");
}

#[tokio::test]
async fn request_rates_are_limited_per_ip_and_per_user() {
    let app = TestApp::with_config(|config| {
        config.anonymous_rate_limit_per_minute = 3;
        config.rate_limit_per_minute = 5;
    })
    .await;
    let (token, _) = app.register("busy.user", "INDIVIDUAL").await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let mut anonymous = Vec::new();
    for _ in 0..4 {
        anonymous.push(post(&url, None, "{ __typename }").await.0);
    }
    assert_eq!(
        anonymous,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );

    let response = Client::new()
        .post(&url)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header");
    assert!((1..=60).contains(&retry_after));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    // A signed-in user has a budget of their own.
    let mut signed_in = Vec::new();
    for _ in 0..6 {
        signed_in.push(post(&url, Some(&token), "{ me { username } }").await.0);
    }
    assert_eq!(
        signed_in.iter().filter(|s| **s == StatusCode::OK).count(),
        5
    );
    assert_eq!(signed_in[5], StatusCode::TOO_MANY_REQUESTS);
}
