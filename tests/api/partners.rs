//! Partner keys: published documents only, as a viewer that sees public data.

use braid::{commands::partners::publish, partners};
use chrono::{Duration, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::harness::TestApp;

fn operation(name: &str, kind: &str, body: &str) -> Value {
    let id: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    json!({ "id": id, "name": name, "type": kind, "body": body })
}

fn manifest(operations: &[Value]) -> String {
    json!({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": operations })
        .to_string()
}

async fn call(url: &str, key: &str, body: Value) -> (StatusCode, Value) {
    let response = Client::new()
        .post(url)
        .header("x-api-key", key)
        .header("accept", "application/graphql-response+json")
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

async fn call_without_key(url: &str, body: Value) -> (StatusCode, Value) {
    let response = Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn partner_keys_run_only_their_published_documents() {
    let app = TestApp::new().await;
    app.register("public.person", "INDIVIDUAL").await;
    let pg = &app.state.pg;
    partners::add(pg, "jobboard").await.expect("a partner");
    partners::add(pg, "hrsystem")
        .await
        .expect("another partner");
    let key = partners::create_key(pg, "jobboard", None)
        .await
        .expect("a key")
        .key;
    let other_key = partners::create_key(pg, "hrsystem", None)
        .await
        .expect("a key")
        .key;

    let people = operation(
        "People",
        "query",
        "query People { users(first: 5) { edges { node { username email } } } }",
    );
    let me = operation("Me", "query", "query Me { me { username } }");
    let schema = operation(
        "Schema",
        "query",
        "query Schema { __schema { types { name } } }",
    );
    publish(
        &app.state,
        "jobboard",
        &manifest(&[people.clone(), me.clone(), schema.clone()]),
    )
    .await
    .expect("published");

    // A manifest with one invalid operation is refused whole and leaves the old list.
    let broken = operation("Broken", "query", "query Broken { noSuchField }");
    let refused = publish(&app.state, "jobboard", &manifest(&[people.clone(), broken])).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("Broken")));

    let served = app.serve().await;
    let url = served.url("/graphql");
    let (status, body) = call(&url, &key, json!({ "documentId": people["id"] })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let node = &body["data"]["users"]["edges"][0]["node"];
    assert_eq!(node["username"], "public.person");
    assert_eq!(
        node["email"],
        Value::Null,
        "partners never see private fields"
    );

    let by_hash = call(
        &url,
        &key,
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": people["id"] } } }),
    )
    .await;
    assert_eq!(by_hash.0, StatusCode::OK, "{}", by_hash.1);

    let (status, body) = call(
        &url,
        &key,
        json!({ "query": "{ users { edges { node { username } } } }" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_ALLOWED"
    );

    let (_, body) = call(&url, &other_key, json!({ "documentId": people["id"] })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
        "another partner's list"
    );

    let (_, body) = call(&url, &key, json!({ "documentId": schema["id"] })).await;
    assert_eq!(
        body["data"]["__schema"],
        Value::Null,
        "introspection is off for partners: {body}"
    );
    let (_, first_party) = call_without_key(&url, json!({ "query": schema["body"] })).await;
    assert!(
        first_party["data"]["__schema"]["types"].is_array(),
        "first-party clients keep it"
    );

    let (_, body) = call(&url, &key, json!({ "documentId": me["id"] })).await;
    assert_eq!(
        body["data"]["me"],
        Value::Null,
        "a partner is not a user: {body}"
    );
}

#[tokio::test]
async fn revoked_and_expired_keys_are_refused() {
    let app = TestApp::new().await;
    let pg = &app.state.pg;
    partners::add(pg, "careers").await.expect("a partner");
    let revoked = partners::create_key(pg, "careers", None)
        .await
        .expect("a key");
    let expired = partners::create_key(pg, "careers", Some(Utc::now() - Duration::hours(1)))
        .await
        .expect("a key");
    assert!(partners::revoke_key(pg, revoked.id).await.expect("revoked"));
    let served = app.serve().await;
    let url = served.url("/graphql");
    for key in [revoked.key.as_str(), expired.key.as_str(), "bpk_made-up"] {
        let (status, body) = call(&url, key, json!({ "documentId": "00" })).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from partner_api_keys where key_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&revoked.key)
    .fetch_one(pg)
    .await
    .expect("count");
    assert_eq!(stored, 1, "keys are stored as hashes");
    let duplicate = partners::add(pg, "careers").await;
    assert!(duplicate.is_err_and(|e| e.code().as_str() == "CONFLICT"));
}
