//! The authorization matrix: anonymous, another user, the owner and an admin, for every
//! private field and every mutation on owned data.

use serde_json::{Value, json};

use crate::harness::TestApp;

/// Who asks.
#[derive(Clone, Copy, Debug)]
enum Asker {
    Anonymous,
    Other,
    Owner,
    Admin,
}

const ASKERS: [Asker; 4] = [Asker::Anonymous, Asker::Other, Asker::Owner, Asker::Admin];

struct Cast {
    app: TestApp,
    owner: String,
    owner_id: String,
    other: String,
    admin: String,
}

impl Cast {
    async fn new() -> Cast {
        let app = TestApp::new().await;
        let (owner, owner_id) = app.register("owner.one", "INDIVIDUAL").await;
        let (other, _) = app.register("other.two", "EMPLOYER").await;
        let (admin, _) = app.register_admin("admin.three").await;
        app.graphql_as(
            &owner,
            "mutation { linkOAuthAccount(input: { provider: \"github\", providerUserId: \"1\", accessToken: \"t\" }) { provider } updateProfile(input: { location: \"Nairobi\", birthDate: \"1990-05-01\" }) { headline } }",
            json!({}),
        )
        .await;
        Cast {
            app,
            owner,
            owner_id,
            other,
            admin,
        }
    }

    async fn ask(&self, asker: Asker, query: &str, variables: Value) -> Value {
        match asker {
            Asker::Anonymous => self.app.graphql(query, variables).await,
            Asker::Other => self.app.graphql_as(&self.other, query, variables).await,
            Asker::Owner => self.app.graphql_as(&self.owner, query, variables).await,
            Asker::Admin => self.app.graphql_as(&self.admin, query, variables).await,
        }
    }
}

#[tokio::test]
async fn private_fields_are_for_the_owner_and_admins() {
    let cast = Cast::new().await;
    let query = "query($id: ID!) { user(id: $id) { username email phoneNumber lastLoginAt isAdmin settings { profileVisibility } sessions { createdAt } oauthAccounts { provider } } }";
    for asker in ASKERS {
        let response = cast.ask(asker, query, json!({ "id": cast.owner_id })).await;
        let user = &response["data"]["user"];
        assert_eq!(user["username"], "owner.one", "{asker:?}: {response}");
        let sees_private = matches!(asker, Asker::Owner | Asker::Admin);
        for field in ["email", "isAdmin", "settings", "sessions", "oauthAccounts"] {
            assert_eq!(
                !user[field].is_null(),
                sees_private,
                "{asker:?} and {field}: {response}"
            );
        }
        assert_eq!(response["errors"], Value::Null, "{asker:?}: {response}");
    }
}

#[tokio::test]
async fn privacy_settings_govern_profile_details_and_visibility() {
    let cast = Cast::new().await;
    let profile = "query($id: ID!) { user(id: $id) { profile { location birthDate } } }";
    // Defaults: location shown, birth date hidden.
    for asker in ASKERS {
        let response = cast
            .ask(asker, profile, json!({ "id": cast.owner_id }))
            .await;
        let p = &response["data"]["user"]["profile"];
        assert_eq!(p["location"], "Nairobi", "{asker:?}");
        assert_eq!(
            !p["birthDate"].is_null(),
            matches!(asker, Asker::Owner | Asker::Admin),
            "{asker:?}"
        );
    }

    for (visibility, visible_to) in [
        ("MEMBERS", [false, true, true, true]),
        ("PRIVATE", [false, false, true, true]),
        ("PUBLIC", [true, true, true, true]),
    ] {
        let changed = cast
            .ask(Asker::Owner, "mutation($v: ProfileVisibility!) { updateSettings(input: { profileVisibility: $v }) { profileVisibility } }", json!({ "v": visibility }))
            .await;
        assert_eq!(
            changed["data"]["updateSettings"]["profileVisibility"],
            visibility
        );
        for (asker, expected) in ASKERS.into_iter().zip(visible_to) {
            let by_id = cast
                .ask(
                    asker,
                    "query($id: ID!) { user(id: $id) { username } }",
                    json!({ "id": cast.owner_id }),
                )
                .await;
            assert_eq!(
                !by_id["data"]["user"].is_null(),
                expected,
                "{visibility} to {asker:?}: user(id)"
            );
            let listed = cast
                .ask(
                    asker,
                    "{ users(filter: { search: \"owner\" }) { edges { node { username } } } }",
                    json!({}),
                )
                .await;
            let count = listed["data"]["users"]["edges"]
                .as_array()
                .map_or(0, Vec::len);
            assert_eq!(count == 1, expected, "{visibility} to {asker:?}: users");
            let node = cast
                .ask(
                    asker,
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": cast.owner_id }),
                )
                .await;
            assert_eq!(
                !node["data"]["node"].is_null(),
                expected,
                "{visibility} to {asker:?}: node"
            );
        }
    }
}

#[tokio::test]
async fn mutations_on_owned_items_follow_the_matrix() {
    let cast = Cast::new().await;
    let add = [
        (
            "addExperience(input: { title: \"T\", company: \"C\", startDate: \"2020-01-01\", isCurrent: true })",
            "updateExperience",
            "input: { title: \"T2\", company: \"C\", startDate: \"2020-01-01\", isCurrent: true }",
            "deleteExperience",
        ),
        (
            "addPortfolioProject(input: { title: \"P\" })",
            "updatePortfolioProject",
            "input: { title: \"P2\" }",
            "deletePortfolioProject",
        ),
        (
            "addEducation(input: { institution: \"U\" })",
            "updateEducation",
            "input: { institution: \"U2\" }",
            "deleteEducation",
        ),
    ];
    for (create, update, input, delete) in add {
        for asker in ASKERS {
            let created = cast
                .ask(
                    Asker::Owner,
                    &format!("mutation {{ item: {create} {{ id }} }}"),
                    json!({}),
                )
                .await;
            let id = created["data"]["item"]["id"]
                .as_str()
                .expect("an id")
                .to_owned();
            let expected = match asker {
                Asker::Anonymous => Some("UNAUTHENTICATED"),
                Asker::Other => Some("FORBIDDEN"),
                Asker::Owner | Asker::Admin => None,
            };
            let updated = cast
                .ask(
                    asker,
                    &format!("mutation($id: ID!) {{ {update}(id: $id, {input}) {{ id }} }}"),
                    json!({ "id": id }),
                )
                .await;
            let deleted = cast
                .ask(
                    asker,
                    &format!("mutation($id: ID!) {{ {delete}(id: $id) }}"),
                    json!({ "id": id }),
                )
                .await;
            for (what, response) in [(update, &updated), (delete, &deleted)] {
                let code = response["errors"][0]["extensions"]["code"].as_str();
                assert_eq!(code, expected, "{what} by {asker:?}: {response}");
            }
            let remaining: i64 = sqlx::query_scalar(
                "select (select count(*) from experiences) + (select count(*) from projects) + (select count(*) from educations)",
            )
            .fetch_one(&cast.app.state.pg)
            .await
            .expect("count");
            assert_eq!(
                remaining,
                i64::from(expected.is_some()),
                "{delete} by {asker:?}"
            );
            if expected.is_some() {
                cast.ask(
                    Asker::Owner,
                    &format!("mutation($id: ID!) {{ {delete}(id: $id) }}"),
                    json!({ "id": id }),
                )
                .await;
            }
        }
    }
}

#[tokio::test]
async fn viewer_scoped_mutations_need_a_viewer_and_catalogue_curation_an_admin() {
    let cast = Cast::new().await;
    for mutation in [
        "mutation { updateProfile(input: { headline: \"x\" }) { headline } }",
        "mutation { updateSettings(input: { theme: DARK }) { ui { theme } } }",
        "mutation { setSkill(input: { name: \"Go\", proficiency: 3 }) { proficiency } }",
        "mutation { removeSkill(skillId: \"U2tpbGw6MDE5MDAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw\") }",
        "mutation { addExperience(input: { title: \"T\", company: \"C\", startDate: \"2020-01-01\", isCurrent: true }) { id } }",
        "mutation { logout }",
        "mutation { logoutEverywhere }",
        "mutation { changePassword(currentPassword: \"a\", newPassword: \"bbbbbbbbbbbbbbbb1\") }",
        "mutation { linkOAuthAccount(input: { provider: \"gitlab\", providerUserId: \"2\", accessToken: \"t\" }) { provider } }",
    ] {
        let response = cast.ask(Asker::Anonymous, mutation, json!({})).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{mutation}: {response}"
        );
    }
    let create =
        "mutation { createSkill(name: \"Zig\", category: PROGRAMMING_LANGUAGE) { name category } }";
    let codes: Vec<Value> = futures::future::join_all(
        [Asker::Anonymous, Asker::Other, Asker::Owner]
            .map(|asker| cast.ask(asker, create, json!({}))),
    )
    .await
    .into_iter()
    .map(|r| r["errors"][0]["extensions"]["code"].clone())
    .collect();
    assert_eq!(
        codes,
        [
            json!("UNAUTHENTICATED"),
            json!("FORBIDDEN"),
            json!("FORBIDDEN")
        ]
    );
    let created = cast.ask(Asker::Admin, create, json!({})).await;
    assert_eq!(
        created["data"]["createSkill"],
        json!({ "name": "Zig", "category": "PROGRAMMING_LANGUAGE" })
    );
    let duplicate = cast
        .ask(
            Asker::Admin,
            "mutation { createSkill(name: \"zig\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(duplicate["errors"][0]["extensions"]["code"], "CONFLICT");
}
