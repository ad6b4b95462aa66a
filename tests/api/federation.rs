//! braid as an Apollo Federation v2 subgraph: its SDL composes with a second subgraph
//! (`tests/federation`, which extends `User`) under the real `@apollo/composition`, a real
//! `@apollo/gateway` serves the supergraph, and `_entities` resolves through the same
//! DataLoaders as the rest of the API.

use serde_json::{Value, json};

use crate::{
    harness::{TestApp, count_statements, run_node},
    hiring::{job, job_input, organization},
};

const JOBS_WITH_ENDORSED_AUTHORS: &str = "{ jobs(first: 5) { edges { node { title organization { name } createdBy { id username endorsement } } } } }";
const FEATURED_USERS: &str = "{ featuredUsers { id username endorsement } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_query_needs_both_subgraphs() {
    let app = TestApp::new().await;
    let (owner, owner_id) = app.register("fed.owner", "EMPLOYER").await;
    let org = organization(&app, &owner, "Federated Ltd").await;
    job(
        &app,
        &owner,
        &org,
        job_input("Subgraph engineer", "Compose things."),
        true,
    )
    .await;
    let (_, ada) = app.register("fed.ada", "INDIVIDUAL").await;
    let (_, grace) = app.register("fed.grace", "INDIVIDUAL").await;

    let served = app.serve().await;
    let queries = std::env::temp_dir().join(format!(
        "braid-federation-{}-{}.json",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    let plan = json!({
        "featuredUserIds": [ada, grace],
        "queries": [{ "query": JOBS_WITH_ENDORSED_AUTHORS }, { "query": FEATURED_USERS }],
    });
    std::fs::write(&queries, plan.to_string()).expect("queries written");
    let args = [served.url("/graphql"), queries.display().to_string()];
    let stdout =
        tokio::task::spawn_blocking(move || run_node("tests/federation", "supergraph.mjs", &args))
            .await
            .expect("joined");
    let _ = std::fs::remove_file(&queries);
    let output: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("the runner prints JSON ({error}): {stdout}"));
    let [jobs, featured] = [&output["results"][0], &output["results"][1]];

    // braid owns the root field; the gateway asks the reputation subgraph for
    // `endorsement` with the id braid gave it.
    assert!(jobs["errors"].is_null(), "{jobs}");
    let node = &jobs["data"]["jobs"]["edges"][0]["node"];
    assert_eq!(node["title"], "Subgraph engineer");
    assert_eq!(node["organization"]["name"], "Federated Ltd");
    assert_eq!(node["createdBy"]["username"], "fed.owner");
    assert_eq!(
        node["createdBy"]["endorsement"],
        format!("endorsed:{owner_id}")
    );

    // The reputation subgraph owns the root field and hands out bare references; braid's
    // `_entities` fills in the usernames.
    assert!(featured["errors"].is_null(), "{featured}");
    assert_eq!(
        featured["data"]["featuredUsers"],
        json!([
            { "id": ada, "username": "fed.ada", "endorsement": format!("endorsed:{ada}") },
            { "id": grace, "username": "fed.grace", "endorsement": format!("endorsed:{grace}") },
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_subgraph_sdl_declares_the_entities() {
    let app = TestApp::new().await;
    let response = app.graphql("{ _service { sdl } }", json!({})).await;
    let sdl = response["data"]["_service"]["sdl"]
        .as_str()
        .expect("an SDL");
    assert!(sdl.contains("extend schema @link("), "{sdl}");
    assert!(
        sdl.contains("url: \"https://specs.apollo.dev/federation/v2."),
        "{sdl}"
    );
    for entity in [
        "User",
        "Organization",
        "Job",
        "Skill",
        "ExpertProfile",
        "ExpertService",
        "Project",
        "Requirement",
    ] {
        assert!(
            sdl.contains(&format!(
                "type {entity} implements Node @key(fields: \"id\")"
            )) || sdl.contains(&format!("type {entity} @key(fields: \"id\")")),
            "{entity} is not an entity in:\n{sdl}"
        );
    }
}

const ENTITIES: &str = "query($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on User { username profile { headline } } ... on Job { title } } }";

fn representations(typename: &str, ids: &[String]) -> Value {
    ids.iter()
        .map(|id| json!({ "__typename": typename, "id": id }))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_batch_of_representations_costs_a_fixed_number_of_statements() {
    let app = TestApp::new().await;
    let mut users = Vec::new();
    for n in 0..100 {
        users.push(app.register(&format!("entity.{n}"), "INDIVIDUAL").await.1);
    }
    let reader = app
        .reconfigured(|config| config.dataloader_delay_ms = 250)
        .await;
    reader
        .graphql("{ skills(first: 1) { name } }", json!({}))
        .await;

    let (many, many_count) = count_statements(reader.graphql(
        ENTITIES,
        json!({ "representations": representations("User", &users) }),
    ))
    .await;
    let resolved = many["data"]["_entities"].as_array().expect("entities");
    assert_eq!(resolved.len(), 100, "{many}");
    for (n, entity) in resolved.iter().enumerate() {
        assert_eq!(entity["username"], format!("entity.{n}"));
    }
    let (few, few_count) = count_statements(reader.graphql(
        ENTITIES,
        json!({ "representations": representations("User", &users[..3]) }),
    ))
    .await;
    assert_eq!(few["data"]["_entities"].as_array().map(Vec::len), Some(3));
    println!("statements: {many_count} for 100 representations, {few_count} for 3");
    assert_eq!(many_count, few_count, "{many_count} vs {few_count}");
    assert!(many_count <= 2, "{many_count} statements");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn representations_are_checked_and_respect_visibility() {
    let app = TestApp::new().await;
    let (owner, owner_id) = app.register("vis.owner", "EMPLOYER").await;
    let org = organization(&app, &owner, "Drafts Inc").await;
    let draft = job(&app, &owner, &org, job_input("Secret", "Not yet."), false).await;

    // A user id presented as a Job is refused with a clear error.
    let wrong = app
        .graphql(
            ENTITIES,
            json!({ "representations": [{ "__typename": "Job", "id": owner_id }] }),
        )
        .await;
    assert_eq!(wrong["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    // An unpublished job is visible to its organization only, as through `node`.
    let draft_reps = json!({ "representations": [{ "__typename": "Job", "id": draft }] });
    let anonymous = app.graphql(ENTITIES, draft_reps.clone()).await;
    assert_eq!(anonymous["data"]["_entities"], json!([null]), "{anonymous}");
    let member = app.graphql_as(&owner, ENTITIES, draft_reps).await;
    assert_eq!(
        member["data"]["_entities"][0]["title"], "Secret",
        "{member}"
    );
}
