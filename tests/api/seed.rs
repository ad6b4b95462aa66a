//! `braid seed`: the demo data set loads through the domain functions and signs in.

use braid::commands::seed;
use serde_json::json;

use crate::harness::TestApp;

#[tokio::test]
async fn demo_data_has_people_across_roles_and_loads_once() {
    let app = TestApp::new().await;
    seed::run((*app.state.config).clone(), false)
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

    seed::run((*app.state.config).clone(), false)
        .await
        .expect("a second seed is a no-op");
    let again: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(again, total);
}
