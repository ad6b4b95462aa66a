//! Profiles, skills and history: editing, bad input, listing with filters, and the
//! statement count of nested lists.

use serde_json::{Value, json};

use crate::harness::{TestApp, count_statements};

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_person_builds_a_profile() {
    let app = TestApp::new().await;
    let (token, id) = app.register("nadia.haddad", "INDIVIDUAL").await;
    let run = |query: &'static str, variables: Value| {
        let token = token.clone();
        let app = &app;
        async move { app.graphql_as(&token, query, variables).await }
    };
    let profile = run(
        "mutation { updateProfile(input: { firstName: \"Nadia\", lastName: \"Haddad\", headline: \"Data engineer\", location: \"Beirut, Lebanon\", yearsExperience: 6, educationLevel: MASTER }) { firstName headline location yearsExperience educationLevel } }",
        json!({}),
    )
    .await;
    assert_eq!(
        profile["data"]["updateProfile"],
        json!({ "firstName": "Nadia", "headline": "Data engineer", "location": "Beirut, Lebanon", "yearsExperience": 6, "educationLevel": "MASTER" })
    );
    // Omitted fields stay; null clears.
    let partial = run(
        "mutation { updateProfile(input: { headline: null }) { firstName headline } }",
        json!({}),
    )
    .await;
    assert_eq!(
        partial["data"]["updateProfile"],
        json!({ "firstName": "Nadia", "headline": null })
    );

    let skills = run(
        "mutation { a: setSkill(input: { name: \"Rust\", proficiency: 4, yearsExperience: 3 }) { skill { name } } b: setSkill(input: { name: \"rust\", proficiency: 5, isHighlighted: true }) { skill { name } proficiency isHighlighted } }",
        json!({}),
    )
    .await;
    assert_eq!(
        skills["data"]["b"],
        json!([{ "skill": { "name": "Rust" }, "proficiency": 5, "isHighlighted": true }]),
        "{skills}"
    );

    let experience = run(
        "mutation { addExperience(input: { title: \"Data Engineer\", company: \"Cedar Analytics\", startDate: \"2020-01-01\", isCurrent: true }) { id isCurrent } }",
        json!({}),
    )
    .await;
    let experience_id = experience["data"]["addExperience"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let updated = run(
        "mutation($id: ID!) { updateExperience(id: $id, input: { title: \"Senior Data Engineer\", company: \"Cedar Analytics\", startDate: \"2020-01-01\", endDate: \"2024-06-30\", isCurrent: false }) { title endDate } }",
        json!({ "id": experience_id }),
    )
    .await;
    assert_eq!(
        updated["data"]["updateExperience"],
        json!({ "title": "Senior Data Engineer", "endDate": "2024-06-30" })
    );
    run(
        "mutation { addPortfolioProject(input: { title: \"Pipeline kit\", url: \"https://example.com/kit\", technologies: [\"Rust\", \"Kafka\"] }) { id } addEducation(input: { institution: \"AUB\", degree: \"master\", startDate: \"2014-09-01\", endDate: \"2016-06-30\" }) { id } }",
        json!({}),
    )
    .await;

    let user = app
        .graphql(
            "query($id: ID!) { user(id: $id) { username profile { firstName } skills { skill { name } proficiency } experiences { title } portfolioProjects { title technologies } educations { institution } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        user["data"]["user"],
        json!({
            "username": "nadia.haddad",
            "profile": { "firstName": "Nadia" },
            "skills": [{ "skill": { "name": "Rust" }, "proficiency": 5 }],
            "experiences": [{ "title": "Senior Data Engineer" }],
            "portfolioProjects": [{ "title": "Pipeline kit", "technologies": ["Rust", "Kafka"] }],
            "educations": [{ "institution": "AUB" }],
        })
    );
    let node = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Experience { title } } }",
            json!({ "id": experience_id }),
        )
        .await;
    assert_eq!(node["data"]["node"]["title"], "Senior Data Engineer");

    let deleted = run(
        "mutation($id: ID!) { deleteExperience(id: $id) }",
        json!({ "id": experience_id }),
    )
    .await;
    assert_eq!(deleted["data"]["deleteExperience"], true);
    let search = app
        .graphql("{ skills(search: \"RUS\") { name } }", json!({}))
        .await;
    assert_eq!(search["data"]["skills"], json!([{ "name": "Rust" }]));
}

#[tokio::test]
async fn bad_profile_input_names_the_field_and_writes_nothing() {
    let app = TestApp::new().await;
    let (token, _) = app.register("bad.input", "INDIVIDUAL").await;
    let cases = [
        (
            "mutation { setSkill(input: { name: \"Go\", proficiency: 6 }) { proficiency } }",
            "proficiency",
        ),
        (
            "mutation { setSkill(input: { name: \"Go\", proficiency: 0 }) { proficiency } }",
            "proficiency",
        ),
        (
            "mutation { setSkill(input: { name: \"  \", proficiency: 3 }) { proficiency } }",
            "name",
        ),
        (
            "mutation { addExperience(input: { title: \"T\", company: \"C\", startDate: \"2020-01-01\", endDate: \"2019-01-01\", isCurrent: false }) { id } }",
            "endDate",
        ),
        (
            "mutation { addExperience(input: { title: \"T\", company: \"C\", startDate: \"2020-01-01\", endDate: \"2021-01-01\", isCurrent: true }) { id } }",
            "endDate",
        ),
        (
            "mutation { addExperience(input: { title: \"T\", company: \"C\", startDate: \"2020-01-01\", isCurrent: false }) { id } }",
            "endDate",
        ),
        (
            "mutation { addExperience(input: { title: \"T\", company: \"C\", startDate: \"2999-01-01\", isCurrent: true }) { id } }",
            "startDate",
        ),
        (
            "mutation { addPortfolioProject(input: { title: \"P\", url: \"javascript:alert(1)\" }) { id } }",
            "url",
        ),
        (
            "mutation { addEducation(input: { institution: \"\" }) { id } }",
            "institution",
        ),
        (
            "mutation { updateProfile(input: { yearsExperience: 200 }) { headline } }",
            "yearsExperience",
        ),
        (
            "mutation { updateProfile(input: { birthDate: \"1800-01-01\" }) { headline } }",
            "birthDate",
        ),
        (
            "mutation { updateSettings(input: { aiConfidenceThreshold: 1.5 }) { ai { confidenceThreshold } } }",
            "aiConfidenceThreshold",
        ),
        (
            "mutation { updateExperience(id: \"bm9wZQ\", input: { title: \"T\", company: \"C\", startDate: \"2020-01-01\", isCurrent: true }) { id } }",
            "\"bm9wZQ\"",
        ),
    ];
    for (query, field) in cases {
        let response = app.graphql_as(&token, query, json!({})).await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{query}: {response}");
        let message = response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.starts_with(field),
            "{query}: the message names {field}: {message}"
        );
    }
    for table in ["user_skills", "experiences", "projects", "educations"] {
        let count: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&app.state.pg)
            .await
            .expect("count");
        assert_eq!(count, 0, "{table} is untouched");
    }
    let missing = app
        .graphql_as(&token, "mutation { deleteEducation(id: \"RWR1Y2F0aW9uOjAxOTAwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA\") }", json!({}))
        .await;
    assert_eq!(code(&missing), "NOT_FOUND", "{missing}");
}

#[tokio::test]
async fn users_filter_by_role_skill_location_and_search() {
    let app = TestApp::new().await;
    let (a, _) = app.register("alice.rust", "INDIVIDUAL").await;
    let (b, _) = app.register("bob.hiring", "EMPLOYER").await;
    let (c, _) = app.register("carol.hidden", "INDIVIDUAL").await;
    app.graphql_as(&a, "mutation { setSkill(input: { name: \"Rust\", proficiency: 4 }) { proficiency } updateProfile(input: { location: \"Lisbon, Portugal\", headline: \"Systems programmer\" }) { headline } }", json!({})).await;
    app.graphql_as(
        &b,
        "mutation { updateProfile(input: { location: \"Lisbon, Portugal\" }) { headline } }",
        json!({}),
    )
    .await;
    app.graphql_as(&c, "mutation { setSkill(input: { name: \"Rust\", proficiency: 2 }) { proficiency } updateProfile(input: { location: \"Lisbon, Portugal\" }) { headline } updateSettings(input: { showLocation: false }) { privacy { showLocation } } }", json!({})).await;

    let names = |response: Value| -> Vec<String> {
        response["data"]["users"]["edges"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|e| {
                e["node"]["username"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    let query = "query($f: UserFilter) { users(filter: $f) { edges { node { username } } } }";
    assert_eq!(
        names(
            app.graphql(query, json!({ "f": { "role": "EMPLOYER" } }))
                .await
        ),
        ["bob.hiring"]
    );
    assert_eq!(
        names(
            app.graphql(query, json!({ "f": { "skill": "rust" } }))
                .await
        ),
        ["carol.hidden", "alice.rust"]
    );
    // A hidden location is neither shown nor matched.
    assert_eq!(
        names(
            app.graphql(query, json!({ "f": { "location": "lisbon" } }))
                .await
        ),
        ["bob.hiring", "alice.rust"]
    );
    assert_eq!(
        names(
            app.graphql(query, json!({ "f": { "search": "systems" } }))
                .await
        ),
        ["alice.rust"]
    );
    assert_eq!(
        names(app.graphql(query, json!({ "f": { "search": "%" } })).await),
        Vec::<String>::new()
    );
    let hidden = app
        .graphql(
            "{ users(filter: { search: \"carol\" }) { edges { node { profile { location } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        hidden["data"]["users"]["edges"][0]["node"]["profile"]["location"],
        Value::Null
    );
    let own = app
        .graphql_as(&c, "{ me { profile { location } } }", json!({}))
        .await;
    assert_eq!(own["data"]["me"]["profile"]["location"], "Lisbon, Portugal");
}

#[tokio::test(flavor = "current_thread")]
async fn nested_user_lists_cost_a_fixed_number_of_statements() {
    let app = TestApp::new().await;
    // Unoptimised test builds take tens of milliseconds to start the fields of a hundred
    // users; the batching window must cover that (release builds need far less).
    let reader = app
        .reconfigured(|config| config.dataloader_delay_ms = 250)
        .await;
    let query = "{ users(first: 100) { edges { node { username profile { headline } skills { skill { name } proficiency } experiences { title } } } } }";
    let mut counts = Vec::new();
    for batch in [3usize, 97] {
        for n in counts.len() * 100..counts.len() * 100 + batch {
            let (token, _) = app.register(&format!("user{n}"), "INDIVIDUAL").await;
            app.graphql_as(
                &token,
                "mutation { setSkill(input: { name: \"SQL\", proficiency: 3 }) { proficiency } addExperience(input: { title: \"Analyst\", company: \"Acme\", startDate: \"2020-01-01\", isCurrent: true }) { id } }",
                json!({}),
            )
            .await;
        }
        let (response, statements) = count_statements(reader.graphql(query, json!({}))).await;
        assert_eq!(response["errors"], Value::Null, "{response}");
        let listed = response["data"]["users"]["edges"]
            .as_array()
            .map_or(0, Vec::len);
        counts.push((listed, statements));
    }
    let (few, many) = (counts[0], counts[1]);
    assert_eq!((few.0, many.0), (3, 100));
    assert_eq!(
        few.1, many.1,
        "statements must not grow with the number of users: {counts:?}"
    );
    // One for the page, one each for profiles, skills and experiences.
    assert_eq!(many.1, 4, "{counts:?}");
}
