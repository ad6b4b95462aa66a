//! The vertical slice: notes in PostgreSQL, revisions in MongoDB, announcements on Redis.

use serde_json::{Value, json};

use crate::harness::TestApp;

const CREATE: &str =
    "mutation($body: String!) { createNote(body: $body) { id body revisions { version body } } }";

async fn create(app: &TestApp, body: &str) -> Value {
    let response = app.graphql(CREATE, json!({ "body": body })).await;
    assert_eq!(response["errors"], Value::Null, "{response}");
    response["data"]["createNote"].clone()
}

#[tokio::test]
async fn a_note_is_written_to_postgres_and_its_revisions_to_mongo() {
    let app = TestApp::new().await;
    let note = create(&app, "  first draft  ").await;
    assert_eq!(note["body"], "first draft");
    assert_eq!(
        note["revisions"],
        json!([{ "version": 1, "body": "first draft" }])
    );

    let updated = app
        .graphql(
            "mutation($id: ID!) { updateNote(id: $id, body: \"second draft\") { body revisions { version body } } }",
            json!({ "id": note["id"] }),
        )
        .await;
    assert_eq!(
        updated["data"]["updateNote"],
        json!({ "body": "second draft", "revisions": [
            { "version": 2, "body": "second draft" },
            { "version": 1, "body": "first draft" },
        ] })
    );

    // Both stores hold the write, read back directly.
    let body: String = sqlx::query_scalar("select body from notes")
        .fetch_one(&app.state.pg)
        .await
        .expect("a notes row");
    assert_eq!(body, "second draft");
    let revisions = app
        .state
        .mongo
        .collection::<bson::Document>("note_revisions")
        .count_documents(bson::doc! {})
        .await
        .expect("counting revisions");
    assert_eq!(revisions, 2);

    let fetched = app
        .graphql(
            "query($id: ID!) { note(id: $id) { body } node(id: $id) { id ... on Note { body } } }",
            json!({ "id": note["id"] }),
        )
        .await;
    assert_eq!(fetched["data"]["note"]["body"], "second draft");
    assert_eq!(fetched["data"]["node"]["id"], note["id"]);
}

#[tokio::test]
async fn notes_page_newest_first_with_cursors() {
    let app = TestApp::new().await;
    for n in 1..=5 {
        create(&app, &format!("note {n}")).await;
    }
    let page = |after: Value| {
        app.graphql(
            "query($after: String) { notes(first: 2, after: $after) { edges { node { body } } pageInfo { hasNextPage endCursor } } }",
            json!({ "after": after }),
        )
    };
    let mut bodies = Vec::new();
    let mut after = Value::Null;
    loop {
        let response = page(after).await;
        let notes = &response["data"]["notes"];
        for edge in notes["edges"].as_array().expect("edges") {
            bodies.push(edge["node"]["body"].as_str().expect("a body").to_owned());
        }
        if notes["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = notes["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(bodies, ["note 5", "note 4", "note 3", "note 2", "note 1"]);
}

#[tokio::test]
async fn revisions_of_many_notes_cost_one_mongo_query() {
    let app = TestApp::new().await;
    for n in 1..=12 {
        create(&app, &format!("note {n}")).await;
    }
    // A batching window wide enough for unoptimised builds on a busy machine.
    let reader = app
        .reconfigured(|config| config.dataloader_delay_ms = 250)
        .await;
    let finds = || reader.state.mongo_commands.get();
    let before = finds();
    let response = reader
        .graphql(
            "{ notes(first: 12) { edges { node { revisions { version } } } } }",
            json!({}),
        )
        .await;
    let after = finds();
    assert_eq!(response["errors"], Value::Null, "{response}");
    assert_eq!(
        response["data"]["notes"]["edges"].as_array().map(Vec::len),
        Some(12)
    );
    assert_eq!(after - before, 1, "one find for twelve notes' revisions");
}

#[tokio::test]
async fn bad_note_input_is_refused_with_codes() {
    let app = TestApp::new().await;
    let empty = app.graphql(CREATE, json!({ "body": "   " })).await;
    assert_eq!(empty["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(empty["data"], Value::Null);

    let too_long = app
        .graphql(CREATE, json!({ "body": "x".repeat(10_001) }))
        .await;
    assert_eq!(
        too_long["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    let missing = app
        .graphql(
            "mutation($id: ID!) { updateNote(id: $id, body: \"x\") { body } }",
            json!({ "id": "Tm90ZTowMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA" }),
        )
        .await;
    assert_eq!(
        missing["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{missing}"
    );

    let wrong_id = app
        .graphql("{ note(id: \"nope\") { body } }", json!({}))
        .await;
    assert_eq!(
        wrong_id["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    let unknown = app
        .graphql(
            "{ node(id: \"Tm90ZTowMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown["data"]["node"], Value::Null);
    assert_eq!(unknown["errors"], Value::Null);

    let big_page = app
        .graphql("{ notes(first: 1000) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(
        big_page["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );

    // Nothing was written by the refused mutations.
    let count: i64 = sqlx::query_scalar("select count(*) from notes")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(count, 0);
}
