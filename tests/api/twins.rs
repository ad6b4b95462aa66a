//! Digital twins: PostgreSQL rows with versioned MongoDB configurations.

use serde_json::{Value, json};

use crate::{
    harness::{TestApp, count_statements},
    stores::PrivateMongo,
};

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

const CREATE: &str =
    "mutation($input: CreateTwinInput!) { createTwin(input: $input) { id status } }";

async fn create_twin(app: &TestApp, token: &str, name: &str) -> String {
    let created = app
        .graphql_as(token, CREATE, json!({ "input": { "name": name, "config": { "persona": "A patient mentor", "tone": "warm" } } }))
        .await;
    created["data"]["createTwin"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("created: {created}"))
        .to_owned()
}

#[tokio::test]
async fn configurations_are_versioned_in_mongo() {
    let app = TestApp::new().await;
    let (token, _) = app.register("twin.owner", "INDIVIDUAL").await;
    let twin = create_twin(&app, &token, "Mentor").await;
    let config = "query($id: ID!) { twin(id: $id) { config { version persona tone formality maxAnswerChars custom } } }";
    let first = app.graphql_as(&token, config, json!({ "id": twin })).await;
    assert_eq!(
        first["data"]["twin"]["config"],
        json!({ "version": 1, "persona": "A patient mentor", "tone": "warm", "formality": "NEUTRAL", "maxAnswerChars": 1200, "custom": {} })
    );

    let update = "mutation($id: ID!, $input: TwinConfigInput!) { updateTwinConfig(twinId: $id, input: $input) { version persona tone custom } }";
    let second = app
        .graphql_as(&token, update, json!({ "id": twin, "input": { "tone": "dry", "custom": { "signature": "— M", "emoji": false } } }))
        .await;
    assert_eq!(
        second["data"]["updateTwinConfig"],
        json!({ "version": 2, "persona": "A patient mentor", "tone": "dry", "custom": { "signature": "— M", "emoji": false } })
    );
    let history = app
        .graphql_as(
            &token,
            "query($id: ID!) { twinConfigHistory(twinId: $id) { version tone authorId } }",
            json!({ "id": twin }),
        )
        .await;
    let versions: Vec<i64> = history["data"]["twinConfigHistory"]
        .as_array()
        .expect("history")
        .iter()
        .map(|v| v["version"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(versions, [2, 1]);

    let reverted = app
        .graphql_as(&token, "mutation($id: ID!) { revertTwinConfig(twinId: $id, version: 1) { version tone custom } }", json!({ "id": twin }))
        .await;
    assert_eq!(
        reverted["data"]["revertTwinConfig"],
        json!({ "version": 3, "tone": "warm", "custom": {} })
    );
    let missing = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { revertTwinConfig(twinId: $id, version: 9) { version } }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(code(&missing), "NOT_FOUND");

    for (input, field) in [
        (json!({ "maxAnswerChars": 5 }), "maxAnswerChars"),
        (json!({ "custom": [1, 2] }), "custom"),
        (json!({ "guardrails": [""] }), "guardrails"),
        (
            json!({ "knowledgeSourceIds": ["VHdpbkRhdGFTb3VyY2U6MDE5MDAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw"] }),
            "knowledgeSourceIds",
        ),
    ] {
        let refused = app
            .graphql_as(&token, update, json!({ "id": twin, "input": input }))
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
        assert!(
            refused["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(field)),
            "{refused}"
        );
    }
    let stored = app
        .state
        .mongo
        .collection::<bson::Document>("twin_configs")
        .find_one(bson::doc! {})
        .await
        .expect("find")
        .expect("a document");
    assert_eq!(
        stored.get_i32("current_version").ok(),
        Some(3),
        "refused changes wrote nothing"
    );
    assert_eq!(stored.get_array("versions").map(Vec::len).ok(), Some(3));
}

#[tokio::test]
async fn only_the_owner_changes_a_twin_and_sees_its_internals() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("owner.twin", "INDIVIDUAL").await;
    let (other, _) = app.register("other.viewer", "INDIVIDUAL").await;
    let (admin, _) = app.register_admin("twin.admin").await;
    let (employer, _) = app.register("hiring.manager", "EMPLOYER").await;
    let twin = create_twin(&app, &owner, "Private twin").await;

    let employer_twin = app
        .graphql_as(&employer, CREATE, json!({ "input": { "name": "Nope" } }))
        .await;
    assert_eq!(code(&employer_twin), "FORBIDDEN");

    let view = "query($id: ID!) { twin(id: $id) { name owner { username } config { version } dataSources { name } trainingJobs { status } } }";
    for (token, sees) in [
        (Some(&owner), true),
        (Some(&admin), true),
        (Some(&other), false),
        (None, false),
    ] {
        let response = match token {
            Some(token) => app.graphql_as(token, view, json!({ "id": twin })).await,
            None => app.graphql(view, json!({ "id": twin })).await,
        };
        let shown = &response["data"]["twin"];
        assert_eq!(shown["name"], "Private twin", "{response}");
        assert_eq!(shown["owner"]["username"], "owner.twin");
        assert_eq!(!shown["config"].is_null(), sees, "{response}");
        assert_eq!(!shown["dataSources"].is_null(), sees, "{response}");
    }
    let rename =
        "mutation($id: ID!) { updateTwin(id: $id, input: { name: \"Renamed\" }) { name } }";
    assert_eq!(
        code(&app.graphql_as(&other, rename, json!({ "id": twin })).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&app.graphql(rename, json!({ "id": twin })).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        app.graphql_as(&admin, rename, json!({ "id": twin })).await["data"]["updateTwin"]["name"],
        "Renamed"
    );
    let config =
        "mutation($id: ID!) { updateTwinConfig(twinId: $id, input: { tone: \"x\" }) { version } }";
    assert_eq!(
        code(&app.graphql_as(&other, config, json!({ "id": twin })).await),
        "FORBIDDEN"
    );
    let history = app
        .graphql_as(
            &other,
            "query($id: ID!) { twinConfigHistory(twinId: $id) { version } }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(code(&history), "FORBIDDEN");
}

#[tokio::test]
async fn data_sources_training_and_model_versions() {
    let app = TestApp::new().await;
    let (token, _) = app.register("trainer.one", "INDIVIDUAL").await;
    let twin = create_twin(&app, &token, "Trainee").await;
    let add = "mutation($id: ID!, $input: TwinDataSourceInput!) { addTwinDataSource(twinId: $id, input: $input) { id kind status } }";
    let mut sources = Vec::new();
    for input in [
        json!({ "name": "Bio", "text": "I build payment systems." }),
        json!({ "name": "Blog", "url": "https://example.com/blog" }),
        json!({ "name": "CV", "filePath": "uploads/cv.pdf", "metadata": { "mimeType": "application/pdf" } }),
    ] {
        let added = app
            .graphql_as(&token, add, json!({ "id": twin, "input": input }))
            .await;
        assert_eq!(
            added["data"]["addTwinDataSource"]["status"], "PENDING",
            "{added}"
        );
        sources.push(
            added["data"]["addTwinDataSource"]["id"]
                .as_str()
                .expect("an id")
                .to_owned(),
        );
    }
    for input in [
        json!({ "name": "Both", "text": "a", "url": "https://example.com" }),
        json!({ "name": "None" }),
        json!({ "name": "Script", "url": "javascript:alert(1)" }),
        json!({ "name": "", "text": "a" }),
    ] {
        let refused = app
            .graphql_as(&token, add, json!({ "id": twin, "input": input }))
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    }
    let chosen = app
        .graphql_as(
            &token,
            "mutation($id: ID!, $s: [ID!]) { updateTwinConfig(twinId: $id, input: { knowledgeSourceIds: $s }) { knowledgeSourceIds } }",
            json!({ "id": twin, "s": &sources[..2] }),
        )
        .await;
    assert_eq!(
        chosen["data"]["updateTwinConfig"]["knowledgeSourceIds"],
        json!(&sources[..2]),
        "{chosen}"
    );

    let start = "mutation($id: ID!) { startTwinTraining(twinId: $id) { status progress } }";
    let job = app.graphql_as(&token, start, json!({ "id": twin })).await;
    assert_eq!(
        job["data"]["startTwinTraining"],
        json!({ "status": "QUEUED", "progress": 0 })
    );
    assert_eq!(
        code(&app.graphql_as(&token, start, json!({ "id": twin })).await),
        "CONFLICT"
    );
    let paused = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { updateTwin(id: $id, input: { status: PAUSED }) { status } }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(
        code(&paused),
        "CONFLICT",
        "a training twin cannot be switched: {paused}"
    );

    // Training completion is the vector worker's job; record two versions as it would.
    let twin_uuid = braid::graphql::node::decode(&async_graphql::ID(twin.clone()))
        .expect("a global id")
        .1;
    for version in [1, 2] {
        sqlx::query("insert into twin_model_versions (id, twin_id, version, model_path) values (gen_random_uuid(), $1, $2, 'models/x')")
            .bind(twin_uuid)
            .bind(version)
            .execute(&app.state.pg)
            .await
            .expect("a version");
    }
    let versions = app
        .graphql_as(
            &token,
            "query($id: ID!) { twin(id: $id) { modelVersions { id version isActive } } }",
            json!({ "id": twin }),
        )
        .await;
    let ids: Vec<String> = versions["data"]["twin"]["modelVersions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let activate = "mutation($id: ID!) { activateTwinModelVersion(id: $id) { version isActive } }";
    for id in [&ids[1], &ids[0]] {
        let activated = app.graphql_as(&token, activate, json!({ "id": id })).await;
        assert_eq!(
            activated["data"]["activateTwinModelVersion"]["isActive"], true,
            "{activated}"
        );
    }
    let active: Vec<i32> =
        sqlx::query_scalar("select version from twin_model_versions where is_active")
            .fetch_all(&app.state.pg)
            .await
            .expect("active versions");
    assert_eq!(active, [2], "exactly the last activated version is active");
    let status = app
        .graphql_as(
            &token,
            "query($id: ID!) { twin(id: $id) { status } }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(status["data"]["twin"]["status"], "ACTIVE");
    let paused = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { updateTwin(id: $id, input: { status: PAUSED }) { status } }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(paused["data"]["updateTwin"]["status"], "PAUSED");

    let removed = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { removeTwinDataSource(id: $id) }",
            json!({ "id": sources[2] }),
        )
        .await;
    assert_eq!(removed["data"]["removeTwinDataSource"], true);
}

#[tokio::test]
async fn a_twin_survives_mongo_being_down_and_deletion_cleans_both_stores() {
    let mut mongo = PrivateMongo::start();
    let url = mongo.url();
    let app = TestApp::with_config(|config| {
        config.mongodb_url = url;
        config.store_timeout_ms = 700;
    })
    .await;
    let (token, _) = app.register("resilient.owner", "INDIVIDUAL").await;
    mongo.kill();
    // PostgreSQL owns the twin: creating it succeeds without MongoDB.
    let twin = create_twin(&app, &token, "Resilient").await;
    let view = "query($id: ID!) { twin(id: $id) { name config { version persona } } }";
    let partial = app.graphql_as(&token, view, json!({ "id": twin })).await;
    assert_eq!(partial["data"]["twin"]["name"], "Resilient", "{partial}");
    assert_eq!(partial["data"]["twin"]["config"], Value::Null);
    assert_eq!(code(&partial), "STORE_UNAVAILABLE");
    let save = app.graphql_as(&token, "mutation($id: ID!) { updateTwinConfig(twinId: $id, input: { persona: \"Back\" }) { version } }", json!({ "id": twin })).await;
    assert_eq!(code(&save), "STORE_UNAVAILABLE");

    mongo.spawn();
    let mut defaults = Value::Null;
    for _ in 0..50 {
        defaults = app.graphql_as(&token, view, json!({ "id": twin })).await;
        if defaults["errors"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(
        defaults["data"]["twin"]["config"],
        json!({ "version": 0, "persona": "" }),
        "{defaults}"
    );
    let saved = app.graphql_as(&token, "mutation($id: ID!) { updateTwinConfig(twinId: $id, input: { persona: \"Back\" }) { version persona } }", json!({ "id": twin })).await;
    assert_eq!(
        saved["data"]["updateTwinConfig"],
        json!({ "version": 1, "persona": "Back" }),
        "the next save creates the document"
    );

    let documents = || async {
        app.state
            .mongo
            .collection::<bson::Document>("twin_configs")
            .count_documents(bson::doc! {})
            .await
            .expect("count")
    };
    assert_eq!(documents().await, 1);
    let deleted = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteTwin(id: $id) }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(deleted["data"]["deleteTwin"], true);
    assert_eq!(
        documents().await,
        0,
        "the configuration document goes with the twin"
    );
    let gone = app.graphql_as(&token, view, json!({ "id": twin })).await;
    assert_eq!(gone["data"]["twin"], Value::Null);
}

#[tokio::test(flavor = "current_thread")]
async fn fifty_twins_cost_a_fixed_number_of_queries_per_store() {
    let app = TestApp::new().await;
    let (token, _) = app.register("many.twins", "INDIVIDUAL").await;
    for n in 0..50 {
        create_twin(&app, &token, &format!("Twin {n}")).await;
    }
    let reader = app
        .reconfigured(|config| config.dataloader_delay_ms = 250)
        .await;
    let query =
        "{ myTwins { name config { version persona } dataSources { name } owner { username } } }";
    // Warm the session cache so the count covers the query alone.
    reader.graphql_as(&token, "{ me { id } }", json!({})).await;
    let finds = || reader.state.mongo_commands.get();
    let before = finds();
    let (response, statements) =
        count_statements(reader.graphql_as(&token, query, json!({}))).await;
    let after = finds();
    assert_eq!(response["errors"], Value::Null, "{response}");
    let twins = response["data"]["myTwins"].as_array().expect("twins");
    assert_eq!(twins.len(), 50);
    assert!(twins.iter().all(|t| t["config"]["version"] == 1));
    // Twins, data sources and the owner: one statement each; configs: one MongoDB find.
    assert_eq!(statements, 3, "PostgreSQL statements");
    assert_eq!(after - before, 1, "MongoDB commands");
}
