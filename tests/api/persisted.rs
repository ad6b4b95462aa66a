//! Automatic Persisted Queries over HTTP (the real Apollo link runs in `clients`).

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::harness::TestApp;

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn a_hash_misses_until_registered_then_runs_over_get_and_post() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let client = Client::new();
    let query = "{ __typename }";
    let hash = sha256(query);

    let miss: Value = client
        .post(&url)
        .json(&json!({ "extensions": persisted(&hash) }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(miss["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(
        miss["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );

    let registered = client
        .post(&url)
        .json(&json!({ "query": query, "extensions": persisted(&hash) }))
        .send()
        .await
        .expect("sent");
    assert_eq!(registered.status(), StatusCode::OK);
    assert_eq!(
        registered.json::<Value>().await.expect("json")["data"]["__typename"],
        "Query"
    );

    let by_post: Value = client
        .post(&url)
        .json(&json!({ "extensions": persisted(&hash) }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(by_post["data"]["__typename"], "Query", "{by_post}");
    let extensions = persisted(&hash).to_string();
    let by_get: Value = client
        .get(&url)
        .query(&[("extensions", extensions.as_str())])
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(by_get["data"]["__typename"], "Query", "{by_get}");
}

#[tokio::test]
async fn wrong_hashes_and_versions_are_refused() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let client = Client::new();
    let cases = [
        json!({ "query": "{ __typename }", "extensions": persisted(&sha256("{ other }")) }),
        json!({ "query": "{ __typename }", "extensions": persisted("not-a-hash") }),
        json!({ "query": "{ __typename }", "extensions": { "persistedQuery": { "version": 2, "sha256Hash": sha256("{ __typename }") } } }),
    ];
    for body in cases {
        let response = client.post(&url).json(&body).send().await.expect("sent");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let json: Value = response.json().await.expect("json");
        assert_eq!(json["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
    // A mismatched hash stores nothing: the right hash still misses.
    let miss: Value = client
        .post(&url)
        .json(&json!({ "extensions": persisted(&sha256("{ other }")) }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        miss["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
}

#[tokio::test]
async fn a_persisted_mutation_still_needs_post() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let client = Client::new();
    let mutation = "mutation { register(input: { email: \"apq@example.com\", username: \"apq.user\", password: \"a long enough password\", role: INDIVIDUAL }) { user { username } } }";
    let hash = sha256(mutation);
    let created: Value = client
        .post(&url)
        .json(&json!({ "query": mutation, "extensions": persisted(&hash) }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        created["data"]["register"]["user"]["username"], "apq.user",
        "{created}"
    );
    let extensions = persisted(&hash).to_string();
    let by_get = client
        .get(&url)
        .query(&[("extensions", extensions.as_str())])
        .send()
        .await
        .expect("sent");
    assert_eq!(by_get.status(), StatusCode::METHOD_NOT_ALLOWED);
    let count: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(count, 1);
}
