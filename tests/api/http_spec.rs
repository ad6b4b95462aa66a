//! GraphQL over HTTP on a real port: negotiation, status codes, limits, and the
//! operational routes. (The npm `graphql-http` audit runs in `clients`.)

use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

use crate::harness::TestApp;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn post(url: &str, accept: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = Client::new().post(url).json(&body);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    request.send().await.expect("request sent")
}

#[tokio::test]
async fn negotiates_the_response_media_type() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let query = json!({ "query": "{ __typename }" });

    let modern = post(&url, Some(GRAPHQL_RESPONSE), query.clone()).await;
    assert_eq!(modern.status(), StatusCode::OK);
    assert!(content_type(&modern).starts_with(GRAPHQL_RESPONSE));
    assert_eq!(
        modern.json::<Value>().await.expect("json"),
        json!({ "data": { "__typename": "Query" } })
    );

    let legacy = post(&url, Some("application/json"), query.clone()).await;
    assert!(content_type(&legacy).starts_with("application/json"));

    let no_accept = post(&url, None, query.clone()).await;
    assert!(content_type(&no_accept).starts_with("application/json"));

    let unacceptable = post(&url, Some("text/plain"), query).await;
    assert_eq!(unacceptable.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn malformed_requests_get_4xx_with_a_code() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let client = Client::new();

    let wrong_type = client
        .post(&url)
        .header(header::CONTENT_TYPE, "text/plain")
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let not_json = client
        .post(&url)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{ nope")
        .send()
        .await
        .expect("sent");
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    let body: Value = not_json.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");

    for bad in [
        json!({}),
        json!({ "query": 1 }),
        json!({ "query": "{ __typename }", "variables": [] }),
        json!([]),
    ] {
        let response = post(&url, Some(GRAPHQL_RESPONSE), bad.clone()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }

    let parse = post(&url, Some(GRAPHQL_RESPONSE), json!({ "query": "{" })).await;
    assert_eq!(parse.status(), StatusCode::BAD_REQUEST);
    let body: Value = parse.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    assert!(
        body.get("data").is_none(),
        "a request error has no data entry"
    );

    let invalid = post(&url, Some(GRAPHQL_RESPONSE), json!({ "query": "{ nope }" })).await;
    post(
        &served.url("/graphql"),
        None,
        json!({ "query": "{ __typename }" }),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);

    // The legacy media type answers 200 to a well-formed request, errors in the body.
    let legacy_invalid = post(
        &url,
        Some("application/json"),
        json!({ "query": "{ nope }" }),
    )
    .await;
    assert_eq!(legacy_invalid.status(), StatusCode::OK);
    let body: Value = legacy_invalid.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[tokio::test]
async fn get_runs_queries_but_not_mutations() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let client = Client::new();
    let url = served.url("/graphql");

    let query = client
        .get(&url)
        .query(&[
            (
                "query",
                "query Q($first: Int) { skills(first: $first) { name } }",
            ),
            ("variables", "{\"first\":1}"),
        ])
        .header(header::ACCEPT, GRAPHQL_RESPONSE)
        .send()
        .await
        .expect("sent");
    assert_eq!(query.status(), StatusCode::OK);
    assert_eq!(
        query.json::<Value>().await.expect("json"),
        json!({ "data": { "skills": [] } })
    );

    let mutation = client
        .get(&url)
        .query(&[("query", "mutation { register(input: { email: \"apq@example.com\", username: \"apq.user\", password: \"a long enough password\", role: INDIVIDUAL }) { user { username } } }")])
        .header(header::ACCEPT, GRAPHQL_RESPONSE)
        .send()
        .await
        .expect("sent");
    assert_eq!(mutation.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        mutation
            .headers()
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    let count: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(count, 0, "a mutation over GET must not run");

    let bad_variables = client
        .get(&url)
        .query(&[("query", "{ __typename }"), ("variables", "{")])
        .send()
        .await
        .expect("sent");
    assert_eq!(bad_variables.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let app = TestApp::with_config(|config| config.body_limit_bytes = 1_024).await;
    let served = app.serve().await;
    let body = json!({ "query": format!("{{ __typename }} # {}", "x".repeat(2_000)) });
    let response = post(&served.url("/graphql"), Some(GRAPHQL_RESPONSE), body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn invalid_credentials_are_unauthenticated() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let response = Client::new()
        .post(served.url("/graphql"))
        .bearer_auth("not-a-session")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn graphiql_is_served_to_browsers() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    for path in ["/graphql", "/"] {
        let page = Client::new()
            .get(served.url(path))
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .expect("sent");
        assert_eq!(page.status(), StatusCode::OK);
        assert!(content_type(&page).starts_with("text/html"));
        let html = page.text().await.expect("text");
        assert!(
            html.contains("graphiql") && html.contains("/graphql/ws"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let client = Client::new();
    let health = client
        .get(served.url("/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status(), StatusCode::OK);
    let request_id = health
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(
        request_id.len(),
        36,
        "every response carries its request id"
    );

    let ready = client
        .get(served.url("/readyz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "ready");
    for store in ["postgres", "mongodb", "qdrant", "redis"] {
        assert_eq!(body["stores"][store]["status"], "up", "{store}: {body}");
        assert!(body["stores"][store]["latencyMs"].as_f64().is_some());
    }

    post(
        &served.url("/graphql"),
        None,
        json!({ "query": "{ nope }" }),
    )
    .await;
    let metrics = client
        .get(served.url("/metrics"))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(metrics.contains("braid_http_requests_total{"), "{metrics}");
    assert!(
        metrics.contains(
            "braid_graphql_operations_total{viewer=\"anonymous\",partner=\"-\",type=\"query\",operation=\"-\"}"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("braid_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("braid_store_up{store=\"postgres\"}"),
        "{metrics}"
    );
}

#[tokio::test]
async fn store_status_and_vector_collections_read_the_real_stores_for_admins_only() {
    let app = TestApp::new().await;
    let probes =
        "{ storeStatus { store up latencyMs } vectorCollections { name exists pointsCount } }";
    // Each call reaches every store: not for anonymous callers or ordinary users.
    let anonymous = app.graphql(probes, json!({})).await;
    assert_eq!(
        anonymous["data"],
        json!({ "storeStatus": null, "vectorCollections": null }),
        "{anonymous}"
    );
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let (user, _) = app.register("plain.user", "INDIVIDUAL").await;
    let refused = app.graphql_as(&user, probes, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let (admin, _) = app.register_admin("ops.admin").await;
    let response = app.graphql_as(&admin, probes, json!({})).await;
    assert_eq!(response["errors"], Value::Null, "{response}");
    let stores: Vec<_> = response["data"]["storeStatus"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["store"].as_str().unwrap_or_default().to_owned(),
                s["up"].as_bool(),
            )
        })
        .collect();
    assert_eq!(
        stores,
        [
            ("POSTGRES".into(), Some(true)),
            ("MONGO".into(), Some(true)),
            ("QDRANT".into(), Some(true)),
            ("REDIS".into(), Some(true))
        ]
    );
    let collections = &response["data"]["vectorCollections"];
    assert_eq!(
        collections[0]["name"],
        format!("{}chunks", app.state.config.qdrant_prefix)
    );
    assert_eq!(collections[0]["exists"], true);
    assert_eq!(collections[0]["pointsCount"], 0);
}
