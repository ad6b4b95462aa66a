//! `braid seed`: the demo data set loads through the domain functions and signs in.

use braid::commands::seed;
use serde_json::json;

use crate::harness::TestApp;

#[tokio::test]
async fn demo_data_has_people_across_roles_and_loads_once() {
    let app = TestApp::new().await;
    seed::run((*app.state.config).clone(), false, None)
        .await
        .expect("seeding");
    let by_role: Vec<(String, i64)> =
        sqlx::query_as("select role, count(*) from users group by role order by role")
            .fetch_all(&app.state.pg)
            .await
            .expect("counts");
    let total: i64 = by_role.iter().map(|(_, n)| n).sum();
    assert!(total >= 200, "{by_role:?}");
    assert_eq!(by_role.len(), 3, "{by_role:?}");
    assert!(by_role.iter().all(|(_, n)| *n >= 30), "{by_role:?}");

    let login = app
        .graphql(
            "mutation($p: String!) { login(identifier: \"mei_chen\", password: $p) { user { username skills { skill { name } } experiences { title } } } }",
            json!({ "p": seed::DEMO_PASSWORD }),
        )
        .await;
    let user = &login["data"]["login"]["user"];
    assert_eq!(user["username"], "mei_chen", "{login}");
    assert!(
        user["skills"].as_array().is_some_and(|s| s.len() >= 3),
        "{login}"
    );

    // Hiring: every job and application state, interviews with feedback.
    let job_states: Vec<String> =
        sqlx::query_scalar("select distinct status from jobs order by status")
            .fetch_all(&app.state.pg)
            .await
            .expect("job states");
    assert_eq!(job_states, ["closed", "draft", "published"]);
    let application_states: Vec<String> =
        sqlx::query_scalar("select distinct status from job_applications order by status")
            .fetch_all(&app.state.pg)
            .await
            .expect("application states");
    assert_eq!(
        application_states,
        [
            "accepted",
            "applied",
            "interviewed",
            "offered",
            "rejected",
            "reviewing",
            "withdrawn"
        ]
    );
    let rated: i64 = sqlx::query_scalar(
        "select count(*) from interviews where status = 'completed' and rating is not null",
    )
    .fetch_one(&app.state.pg)
    .await
    .expect("interviews");
    assert!(rated > 0);
    let board = app
        .graphql("{ jobs(first: 5, filter: { search: \"rust\" }, orderBy: RELEVANCE) { edges { node { title organization { name } } } } }", json!({}))
        .await;
    assert!(
        board["data"]["jobs"]["edges"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{board}"
    );

    // Delivery projects at every status, each with full chains.
    let projects = app.state.mongo.collection::<bson::Document>("projects");
    for status in ["draft", "active", "completed", "archived"] {
        let count = projects
            .count_documents(bson::doc! { "status": status })
            .await
            .expect("count");
        assert!(count >= 1, "no {status} project");
    }
    let archived = projects
        .find_one(bson::doc! { "status": "archived" })
        .await
        .expect("find")
        .expect("an archived project");
    let owner = match archived.get("owner_id") {
        Some(bson::Bson::Binary(binary)) => uuid::Uuid::from(binary.to_uuid().expect("a UUID")),
        other => panic!("owner_id: {other:?}"),
    };
    let username: String = sqlx::query_scalar("select username from users where id = $1")
        .bind(owner)
        .fetch_one(&app.state.pg)
        .await
        .expect("the owner");
    let token = app
        .graphql(
            "mutation($u: String!, $p: String!) { login(identifier: $u, password: $p) { token } }",
            json!({ "u": username, "p": seed::DEMO_PASSWORD }),
        )
        .await["data"]["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let chain = app
        .graphql_as(
            &token,
            "{ myProjects(filter: { status: ARCHIVED }) { edges { node { status customFields requirements { status prd { versions { version } } } } } } }",
            json!({}),
        )
        .await;
    let node = &chain["data"]["myProjects"]["edges"][0]["node"];
    assert_eq!(node["status"], "ARCHIVED", "{chain}");
    let requirements = node["requirements"].as_array().expect("requirements");
    assert_eq!(requirements.len(), 2, "{chain}");
    assert_eq!(
        requirements[1]["status"], "REVIEWED",
        "the low-confidence analysis was reviewed"
    );
    assert!(requirements.iter().all(|r| {
        r["prd"]["versions"]
            .as_array()
            .is_some_and(|v| v.len() >= 2)
    }));
    let designs = app
        .state
        .mongo
        .collection::<bson::Document>("tech_designs")
        .count_documents(bson::doc! { "decision_log.1": { "$exists": true }, "api_spec_ids.0": { "$exists": true } })
        .await
        .expect("count");
    let specs: i64 = sqlx::query_scalar("select count(*) from api_specs")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert!(
        designs >= 8 && specs as u64 == designs,
        "{designs} designs, {specs} specs"
    );

    seed::run((*app.state.config).clone(), false, None)
        .await
        .expect("a second seed is a no-op");
    let again: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(again, total);
}

/// Counts rows of a table (the table name is a literal of the test).
async fn rows(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(&app.state.pg)
        .await
        .expect("count")
}

/// (users, published jobs, applications, requirement documents).
async fn volume_counts(app: &TestApp) -> (i64, i64, i64, u64) {
    let requirements = app
        .state
        .mongo
        .collection::<bson::Document>("requirements")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    (
        rows(app, "users").await,
        rows(app, "jobs where status = 'published'").await,
        rows(app, "job_applications").await,
        requirements,
    )
}

#[tokio::test]
async fn volume_data_adds_scaled_rows_and_documents_that_the_api_serves() {
    let app = TestApp::new().await;
    seed::run((*app.state.config).clone(), false, None)
        .await
        .expect("seeding");
    let before = volume_counts(&app).await;
    seed::run((*app.state.config).clone(), false, Some(1))
        .await
        .expect("volume");
    let after = volume_counts(&app).await;
    assert_eq!(after.0 - before.0, 1_000, "users {before:?} -> {after:?}");
    assert_eq!(after.1 - before.1, 200, "jobs {before:?} -> {after:?}");
    assert_eq!(
        after.2 - before.2,
        2_000,
        "applications {before:?} -> {after:?}"
    );
    assert_eq!(
        after.3 - before.3,
        500,
        "requirements {before:?} -> {after:?}"
    );

    // A generated owner signs in with the demo password and sees their project's
    // requirements through the API; generated jobs are on the public board.
    let owner: String = sqlx::query_scalar(
        "select username from users where username like 'gen%' and role = 'individual'
         order by username limit 1",
    )
    .fetch_one(&app.state.pg)
    .await
    .expect("owner");
    let login = app
        .graphql(
            "mutation($u: String!, $p: String!) { login(identifier: $u, password: $p) { token } }",
            json!({ "u": owner, "p": seed::DEMO_PASSWORD }),
        )
        .await;
    let token = login["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"));
    let projects = app
        .graphql_as(
            token,
            "{ myProjects(first: 5) { edges { node { name requirements { rawText } } } } }",
            json!({}),
        )
        .await;
    let edges = projects["data"]["myProjects"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{projects}"));
    assert_eq!(edges.len(), 1, "{projects}");
    assert_eq!(
        edges[0]["node"]["requirements"].as_array().map(Vec::len),
        Some(5),
        "{projects}"
    );
    let board = app
        .graphql(
            "{ jobs(first: 3, filter: { search: \"Generated for the benchmarks\" }) { edges { node { title organization { name } skills { skill { name } } } } } }",
            json!({}),
        )
        .await;
    let jobs = board["data"]["jobs"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{board}"));
    assert_eq!(jobs.len(), 3, "{board}");
    assert!(
        jobs.iter()
            .all(|j| j["node"]["skills"].as_array().map(Vec::len) == Some(2)),
        "{board}"
    );
}
