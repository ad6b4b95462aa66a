//! The response cache of public persisted queries, its invalidation by mutations, the
//! hot entity cache, and the cache-control policy of the schema.

use async_graphql::{OutputType, registry::MetaType};
use braid::{commands::partners::publish, graphql, partners};
use reqwest::{Client, RequestBuilder, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    harness::{TestApp, count_statements},
    stores::PrivateRedis,
};

const BOARD: &str = "query Board($first: Int!) { jobs(first: $first) { edges { node { title organization { name } skills { skill { name } } } } } }";

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An APQ request: the hash, and the text too when `register`.
fn apq(query: &str, variables: Value, register: bool) -> Value {
    let mut body = json!({
        "variables": variables,
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256(query) } },
    });
    if register {
        body["query"] = json!(query);
    }
    body
}

/// The response: its body and its `x-cache` and `Cache-Control` headers.
struct Answer {
    body: Value,
    x_cache: String,
    control: String,
}

async fn send(request: RequestBuilder) -> Answer {
    let response = request.send().await.expect("sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (x_cache, control) = (header("x-cache"), header(header::CACHE_CONTROL.as_str()));
    let body = response.json().await.expect("json");
    Answer {
        body,
        x_cache,
        control,
    }
}

async fn post(url: &str, body: Value) -> Answer {
    send(Client::new().post(url).json(&body)).await
}

/// An employer with an organization and two published jobs that ask for Rust; the
/// employer's token and the organization's ID.
async fn board(app: &TestApp) -> (String, String) {
    let (owner, _) = app.register("cache.owner", "EMPLOYER").await;
    let created = app
        .graphql_as(
            &owner,
            "mutation { createOrganization(input: { name: \"Cached Co\" }) { id } }",
            json!({}),
        )
        .await;
    let org = created["data"]["createOrganization"]["id"]
        .as_str()
        .expect("an organization")
        .to_owned();
    let skill = app
        .graphql_as(
            &owner,
            "mutation { setSkill(input: { name: \"Rust\", proficiency: 3 }) { skill { id } } }",
            json!({}),
        )
        .await;
    let skill = skill["data"]["setSkill"][0]["skill"]["id"].clone();
    for title in ["First job", "Second job"] {
        publish_job(app, &owner, &org, title, &skill).await;
    }
    (owner, org)
}

async fn publish_job(app: &TestApp, owner: &str, org: &str, title: &str, skill: &Value) {
    let input = json!({
        "title": title, "description": "Work.", "employmentType": "FULL_TIME",
        "experienceLevel": "SENIOR", "skills": [{ "skillId": skill }],
    });
    let created = app
        .graphql_as(
            owner,
            "mutation($org: ID!, $input: JobInput!) { createJob(organizationId: $org, input: $input) { id } }",
            json!({ "org": org, "input": input }),
        )
        .await;
    let id = created["data"]["createJob"]["id"].clone();
    let published = app
        .graphql_as(
            owner,
            "mutation($id: ID!) { publishJob(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        published["data"]["publishJob"]["status"], "PUBLISHED",
        "{published}"
    );
}

fn titles(body: &Value) -> Vec<String> {
    body["data"]["jobs"]["edges"]
        .as_array()
        .expect("a page of jobs")
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn public_persisted_queries_hit_the_cache_until_a_mutation_changes_what_they_read() {
    let app = TestApp::new().await;
    let (owner, org) = board(&app).await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let first = json!({ "first": 10 });

    let (miss, statements) = count_statements(post(&url, apq(BOARD, first.clone(), true))).await;
    assert_eq!(miss.x_cache, "miss", "{}", miss.body);
    assert_eq!(miss.control, "public, max-age=60");
    assert_eq!(titles(&miss.body).len(), 2);
    assert!(statements > 0);

    let (hit, statements) = count_statements(post(&url, apq(BOARD, first.clone(), false))).await;
    assert_eq!(hit.x_cache, "hit");
    assert_eq!(hit.body, miss.body);
    assert_eq!(statements, 0, "a hit does not touch PostgreSQL");
    let max_age: u64 = hit
        .control
        .strip_prefix("public, max-age=")
        .and_then(|age| age.parse().ok())
        .expect("a public max-age");
    assert!((1..=60).contains(&max_age));

    // GET (what CDNs cache) shares the entry; variables written in another order too.
    let extensions = apq(BOARD, Value::Null, false)["extensions"].to_string();
    let by_get = send(Client::new().get(&url).query(&[
        ("extensions", extensions.as_str()),
        ("variables", r#"{ "first": 10 }"#),
    ]))
    .await;
    assert_eq!(by_get.x_cache, "hit", "{}", by_get.body);

    // Other variables are another entry.
    let one = post(&url, apq(BOARD, json!({ "first": 1 }), false)).await;
    assert_eq!(one.x_cache, "miss");
    assert_eq!(titles(&one.body).len(), 1);

    // Publishing a job bumps `Job`: the next read misses and sees it.
    let skill = app
        .graphql("{ skills(search: \"Rust\") { id } }", json!({}))
        .await["data"]["skills"][0]["id"]
        .clone();
    publish_job(&app, &owner, &org, "Third job", &skill).await;
    let after = post(&url, apq(BOARD, first.clone(), false)).await;
    assert_eq!(after.x_cache, "miss");
    assert_eq!(titles(&after.body).len(), 3);
    assert_eq!(
        post(&url, apq(BOARD, first.clone(), false)).await.x_cache,
        "hit"
    );

    // Renaming the organization bumps `Organization`, which the page read too.
    let renamed = app
        .graphql_as(
            &owner,
            "mutation($id: ID!) { updateOrganization(id: $id, input: { name: \"Renamed Co\" }) { name } }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(renamed["data"]["updateOrganization"]["name"], "Renamed Co");
    let after = post(&url, apq(BOARD, first, false)).await;
    assert_eq!(after.x_cache, "miss");
    assert_eq!(
        after.body["data"]["jobs"]["edges"][0]["node"]["organization"]["name"],
        "Renamed Co"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn viewers_and_private_data_never_share_entries() {
    let app = TestApp::new().await;
    board(&app).await;
    let (token, _) = app.register("cache.reader", "INDIVIDUAL").await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let first = json!({ "first": 10 });
    assert_eq!(
        post(&url, apq(BOARD, first.clone(), true)).await.x_cache,
        "miss"
    );

    // A signed-in user never reads or fills the cache.
    for _ in 0..2 {
        let request =
            Client::new()
                .post(&url)
                .bearer_auth(&token)
                .json(&apq(BOARD, first.clone(), false));
        let (answer, statements) = count_statements(send(request)).await;
        assert_eq!(answer.x_cache, "bypass");
        assert_eq!(answer.control, "no-store");
        assert!(statements > 0);
    }

    // A field that depends on the viewer makes the whole response private.
    let private = "query Private { users(first: 5) { edges { node { username email } } } }";
    for register in [true, false] {
        let answer = post(&url, apq(private, json!({}), register)).await;
        assert_eq!(answer.x_cache, "miss", "never stored: {}", answer.body);
        assert_eq!(answer.control, "no-store");
    }
    // So does a root field without a public hint.
    let status = "query Status { me { username } }";
    for register in [true, false] {
        let answer = post(&url, apq(status, json!({}), register)).await;
        assert_eq!(answer.x_cache, "miss", "{}", answer.body);
    }
    // Free text is not cached (only persisted documents are), though the header says
    // what a client or CDN may do with it.
    let text = post(&url, json!({ "query": BOARD, "variables": first.clone() })).await;
    assert_eq!(text.x_cache, "bypass");
    assert_eq!(text.control, "public, max-age=60");

    // A partner is a viewer class of its own.
    partners::add(&app.state.pg, "cachepartner")
        .await
        .expect("a partner");
    let key = partners::create_key(&app.state.pg, "cachepartner", None)
        .await
        .expect("a key")
        .key;
    // Operations with variables validate (and still fail when they are wrong).
    let broken = "query Broken($first: Int!) { jobs(first: $first) { nope } }";
    let manifest = json!({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        { "id": sha256(broken), "name": "Broken", "type": "query", "body": broken },
    ] });
    let refused = publish(&app.state, "cachepartner", &manifest.to_string()).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("nope")));
    let manifest = json!({ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        { "id": sha256(BOARD), "name": "Board", "type": "query", "body": BOARD },
    ] });
    publish(&app.state, "cachepartner", &manifest.to_string())
        .await
        .expect("published");
    let partner = |body: Value| {
        Client::new()
            .post(&url)
            .header("x-api-key", &key)
            .json(&body)
    };
    let body = json!({ "documentId": sha256(BOARD), "variables": first });
    let miss = send(partner(body.clone())).await;
    assert_eq!(miss.x_cache, "miss", "{}", miss.body);
    assert_eq!(titles(&miss.body).len(), 2);
    let (hit, statements) = count_statements(send(partner(body))).await;
    assert_eq!(hit.x_cache, "hit");
    // Only the key and the published document are looked up.
    assert!(statements <= 2, "{statements} statements");
}

#[tokio::test]
async fn a_redis_outage_bypasses_the_cache_without_failing_requests() {
    let mut redis = PrivateRedis::start();
    let port = redis.port;
    let app = TestApp::with_config(|config| {
        config.redis_url = format!("redis://127.0.0.1:{port}");
        config.store_timeout_ms = 500;
    })
    .await;
    board(&app).await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let body = apq(BOARD, json!({ "first": 10 }), true);
    assert_eq!(post(&url, body.clone()).await.x_cache, "miss");
    assert_eq!(post(&url, body.clone()).await.x_cache, "hit");

    redis.kill();
    for _ in 0..2 {
        let answer = post(&url, body.clone()).await;
        assert_eq!(answer.x_cache, "bypass");
        assert_eq!(titles(&answer.body).len(), 2, "{}", answer.body);
        assert!(answer.body.get("errors").is_none(), "{}", answer.body);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_hot_cache_spares_organization_and_skill_statements_until_they_change() {
    let app = TestApp::new().await;
    let (owner, org) = board(&app).await;
    let variables = json!({ "first": 10 });
    let cold_app = app.reconfigured(|config| config.hot_cache_secs = 0).await;
    let (_, cold) = count_statements(cold_app.graphql(BOARD, variables.clone())).await;
    let (_, first) = count_statements(app.graphql(BOARD, variables.clone())).await;
    let (page, warm) = count_statements(app.graphql(BOARD, variables.clone())).await;
    println!("job board page: {cold} statements without the hot cache, {warm} with it");
    assert_eq!(first, cold, "the first page fills the cache");
    assert_eq!(
        warm,
        cold - 2,
        "organizations and skills come from memory: {page}"
    );

    let renamed = app
        .graphql_as(
            &owner,
            "mutation($id: ID!) { updateOrganization(id: $id, input: { name: \"Hot Co\" }) { name } }",
            json!({ "id": org }),
        )
        .await;
    assert!(renamed["errors"].is_null(), "{renamed}");
    let (page, after) = count_statements(app.graphql(BOARD, variables)).await;
    assert_eq!(after, warm + 1, "the organization is read again");
    assert_eq!(
        page["data"]["jobs"]["edges"][0]["node"]["organization"]["name"],
        "Hot Co"
    );
}

#[test]
fn every_root_query_declares_a_cache_policy_and_every_mutation_what_it_changes() {
    let mut registry = async_graphql::registry::Registry::default();
    graphql::Query::create_type_info(&mut registry);
    graphql::Mutation::create_type_info(&mut registry);
    let fields = |name: &str| match registry.types.get(name) {
        Some(MetaType::Object { fields, .. }) => fields.clone(),
        _ => panic!("{name} is an object"),
    };
    let undecided: Vec<String> = fields("Query")
        .into_values()
        .filter(|f| !f.name.starts_with("__"))
        .filter(|f| f.cache_control.max_age == 0 && f.cache_control.public)
        .map(|f| f.name)
        .collect();
    assert!(
        undecided.is_empty(),
        "root fields without `cache_control(max_age = N)` or `cache_control(no_cache)`: {undecided:?}"
    );
    let undeclared: Vec<String> = fields("Mutation")
        .into_keys()
        .filter(|name| braid::cache::touched_by(name).is_none())
        .collect();
    assert!(
        undeclared.is_empty(),
        "mutations missing from cache::TOUCHES: {undeclared:?}"
    );
    let mutations = fields("Mutation");
    let stale: Vec<&str> = braid::cache::TOUCHES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !mutations.contains_key(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "cache::TOUCHES names no such mutation: {stale:?}"
    );
}
