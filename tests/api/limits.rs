//! Guardrails on documents and request rates, over HTTP.

use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::harness::TestApp;

async fn post(url: &str, token: Option<&str>, query: &str) -> (StatusCode, Value) {
    send(url, token, json!({ "query": query })).await
}

async fn send(url: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = Client::new()
        .post(url)
        .header(header::ACCEPT, "application/graphql-response+json")
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("sent");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

/// The text of `/metrics`.
async fn metrics(served: &crate::harness::Served) -> String {
    Client::new()
        .get(served.url("/metrics"))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text")
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
            "fragment F on Query { a: __typename b: __typename } { ...F x: skills { name } ... on Query { ...F } }",
            "aliases",
        ),
        (
            "{ jobs { edges { cursor } } skills { name } users { edges { cursor } } }",
            "root fields",
        ),
        (
            "query Named { a: __typename b: __typename c: __typename d: __typename }",
            "aliases of a named operation sent without operationName",
        ),
        (
            "{ jobs { edges { node { organization { name } } } } }",
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

/// `levels` fragments, each spreading the one before twice: 2^levels fields once
/// expanded, in a document of about 40 bytes a level. At the root, or inside `job`.
fn doubling_fragments(levels: u32, inside_a_field: bool) -> String {
    let on = if inside_a_field { "Job" } else { "Query" };
    let mut query = format!("fragment F0 on {on} {{ __typename }}\n");
    for n in 1..=levels {
        query.push_str(&format!(
            "fragment F{n} on {on} {{ ...F{m} ...F{m} }}\n",
            m = n - 1
        ));
    }
    if inside_a_field {
        query.push_str(&format!("{{ job(id: \"x\") {{ ...F{levels} }} }}"));
    } else {
        query.push_str(&format!("{{ ...F{levels} }}"));
    }
    query
}

#[tokio::test]
async fn hostile_documents_are_refused_before_they_expand() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let too_many_fields = format!(
        "{{ jobs {{ edges {{ node {{ {} }} }} }} }}",
        "id ".repeat(1_001)
    );
    let too_many_fragments = (0..=100)
        .map(|n| format!("fragment G{n} on Query {{ __typename }}"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n{ ...G0 }";
    let cases = [
        (doubling_fragments(24, false), "root fields"),
        (doubling_fragments(30, false), "root fields"),
        (
            doubling_fragments(24, true),
            "fields with its fragments expanded",
        ),
        (too_many_fields, "fields with its fragments expanded"),
        (too_many_fragments, "fragments"),
        (
            format!("{{ __typename }} #{}", "x".repeat(70_000)),
            "bytes long",
        ),
    ];
    for (query, what) in &cases {
        let (status, body) = post(&url, None, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "GRAPHQL_VALIDATION_FAILED"
        );
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(what), "{what}: {message}");
    }

    // Many at once are all refused, and the server keeps answering its health check.
    let hostile = doubling_fragments(30, false);
    let refusals =
        futures::future::join_all((0..50).map(|_| async { post(&url, None, &hostile).await.0 }));
    let health = async {
        reqwest::get(served.url("/healthz"))
            .await
            .expect("health check")
            .status()
    };
    let (refusals, health) = tokio::join!(refusals, health);
    assert!(
        refusals.iter().all(|s| *s == StatusCode::BAD_REQUEST),
        "{refusals:?}"
    );
    assert_eq!(health, StatusCode::OK);

    // Fragments used within the limits still run.
    let (status, body) = post(&url, None, &doubling_fragments(4, false)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["__typename"], "Query");
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

#[tokio::test]
async fn batches_run_each_operation_under_every_limit() {
    let app = TestApp::with_config(|config| {
        config.max_batch = 4;
        config.max_aliases = 3;
        config.anonymous_rate_limit_per_minute = 6;
    })
    .await;
    let served = app.serve().await;
    let url = served.url("/graphql");

    let (status, body) = send(
        &url,
        None,
        json!([
            { "query": "{ __typename }" },
            { "query": "query Two { t: __typename }", "operationName": "Two" },
            { "query": "{ a: __typename b: __typename c: __typename d: __typename }" },
            { "query": "{ nope }" },
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answers = body.as_array().expect("an array of responses");
    assert_eq!(answers.len(), 4);
    assert_eq!(answers[0]["data"]["__typename"], "Query");
    assert_eq!(answers[1]["data"]["t"], "Query");
    for hostile in &answers[2..] {
        assert_eq!(
            hostile["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{hostile}"
        );
        assert!(hostile.get("data").is_none());
    }

    // A huge batch is refused whole, before anything runs or counts.
    let huge: Vec<Value> = (0..10_000)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let (status, body) = send(&url, None, Value::Array(huge)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("BRAID_MAX_BATCH")),
        "{body}"
    );
    let (status, _) = send(&url, None, json!([])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Each element counts against the rate limit: 4 above, 2 left of 6.
    let (status, body) = send(
        &url,
        None,
        json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }, { "query": "{ __typename }" }]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&Value> = body
        .as_array()
        .expect("responses")
        .iter()
        .map(|r| &r["errors"][0]["extensions"]["code"])
        .collect();
    assert_eq!(codes, [&Value::Null, &Value::Null, &json!("RATE_LIMITED")]);
}

#[tokio::test]
async fn partners_have_a_request_budget_of_their_own() {
    let app = TestApp::with_config(|config| config.partner_rate_limit_per_minute = 2).await;
    let pg = &app.state.pg;
    braid::partners::add(pg, "busy").await.expect("a partner");
    let key = braid::partners::create_key(pg, "busy", None)
        .await
        .expect("a key")
        .key;
    let query = "query Ping { __typename }";
    let id: String = Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = json!({ "format": "apollo-persisted-query-manifest", "version": 1,
        "operations": [{ "id": id, "name": "Ping", "type": "query", "body": query }] });
    braid::commands::partners::publish(&app.state, "busy", &manifest.to_string())
        .await
        .expect("published");
    let served = app.serve().await;
    let url = served.url("/graphql");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = Client::new()
            .post(&url)
            .header("x-api-key", &key)
            .json(&json!({ "documentId": id }))
            .send()
            .await
            .expect("sent");
        statuses.push(response.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    // Anonymous traffic from the same address still has its own budget.
    assert_eq!(post(&url, None, "{ __typename }").await.0, StatusCode::OK);

    // `/metrics` labels partner operations with their published names.
    let metrics = metrics(&served).await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("braid_graphql_operations_total")
                && l.contains("operation=\"Ping\"")
                && l.contains("viewer=\"partner\"")),
        "{metrics}"
    );
}

#[tokio::test]
async fn metrics_label_a_bounded_set_of_operation_names() {
    let app = TestApp::with_config(|config| config.metrics_operation_names = 1).await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let tag = uuid::Uuid::new_v4().simple().to_string();
    for name in ["First", "Second", "Third"] {
        let query = format!("query {name}_{tag} {{ __typename }}");
        assert_eq!(post(&url, None, &query).await.0, StatusCode::OK);
    }
    let metrics = metrics(&served).await;
    let operations: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("braid_graphql_operations_total"))
        .collect();
    // At most one name fits (other tests may have taken the only place already); the
    // later ones count as `other`.
    assert!(
        !operations
            .iter()
            .any(|l| l.contains(&format!("Second_{tag}")) || l.contains(&format!("Third_{tag}"))),
        "{operations:?}"
    );
    assert!(
        operations.iter().any(|l| l.contains("operation=\"other\"")),
        "{operations:?}"
    );
}
