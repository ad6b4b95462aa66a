//! Conversations, messages and notifications.

use serde_json::{Value, json};

use crate::harness::{TestApp, count_statements};

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

const DIRECT: &str = "mutation($u: ID!) { startDirectConversation(userId: $u) { id kind } }";
const SEND: &str = "mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { id content sender { username } } }";

#[tokio::test]
async fn direct_conversations_are_unique_per_pair_and_private() {
    let app = TestApp::new().await;
    let (ana, ana_id) = app.register("ana.direct", "INDIVIDUAL").await;
    let (ben, ben_id) = app.register("ben.direct", "EMPLOYER").await;
    let (eve, _) = app.register("eve.outsider", "INDIVIDUAL").await;

    let first = app.graphql_as(&ana, DIRECT, json!({ "u": ben_id })).await;
    let again = app.graphql_as(&ben, DIRECT, json!({ "u": ana_id })).await;
    let id = first["data"]["startDirectConversation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert_eq!(
        again["data"]["startDirectConversation"]["id"],
        id.as_str(),
        "asking again returns the same one"
    );
    assert_eq!(
        code(&app.graphql_as(&ana, DIRECT, json!({ "u": ana_id })).await),
        "BAD_USER_INPUT"
    );

    let sent = app
        .graphql_as(&ana, SEND, json!({ "c": id, "t": "Hello Ben" }))
        .await;
    assert_eq!(
        sent["data"]["sendMessage"]["sender"]["username"], "ana.direct",
        "{sent}"
    );
    for (token, expected) in [(&eve, "NOT_FOUND")] {
        assert_eq!(
            code(
                &app.graphql_as(token, SEND, json!({ "c": id, "t": "intrusion" }))
                    .await
            ),
            expected
        );
    }
    assert_eq!(
        code(&app.graphql(SEND, json!({ "c": id, "t": "anon" })).await),
        "UNAUTHENTICATED"
    );
    let peek = app
        .graphql_as(
            &eve,
            "query($c: ID!) { conversation(id: $c) { id } node(id: $c) { id } }",
            json!({ "c": id }),
        )
        .await;
    assert_eq!(peek["data"], json!({ "conversation": null, "node": null }));
    for (bad, field) in [
        (json!({ "c": id, "t": "  " }), "content"),
        (json!({ "c": id, "t": "x".repeat(10_001) }), "content"),
    ] {
        let refused = app.graphql_as(&ana, SEND, bad).await;
        assert_eq!(code(&refused), "BAD_USER_INPUT");
        assert!(
            refused["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(field))
        );
    }
    let messages: i64 = sqlx::query_scalar("select count(*) from messages")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(messages, 1, "refused messages were not stored");
}

#[tokio::test]
async fn messages_page_newest_first_and_unread_counts_follow_reading() {
    let app = TestApp::new().await;
    let (ana, _) = app.register("ana.reader", "INDIVIDUAL").await;
    let (ben, ben_id) = app.register("ben.reader", "INDIVIDUAL").await;
    let id = app.graphql_as(&ana, DIRECT, json!({ "u": ben_id })).await["data"]["startDirectConversation"]["id"].as_str().expect("id").to_owned();
    for n in 1..=5 {
        app.graphql_as(&ana, SEND, json!({ "c": id, "t": format!("message {n}") }))
            .await;
    }
    let page = "query($c: ID!, $after: String) { conversation(id: $c) { messages(first: 2, after: $after) { edges { node { content } } pageInfo { hasNextPage endCursor } } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let response = app
            .graphql_as(&ben, page, json!({ "c": id, "after": after }))
            .await;
        let messages = &response["data"]["conversation"]["messages"];
        seen.extend(
            messages["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["content"].as_str().unwrap_or_default().to_owned()),
        );
        if messages["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = messages["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        [
            "message 5",
            "message 4",
            "message 3",
            "message 2",
            "message 1"
        ]
    );

    let unread = "{ conversations { edges { node { unreadCount } } } unreadNotificationCount }";
    let before = app.graphql_as(&ben, unread, json!({})).await;
    assert_eq!(
        before["data"]["conversations"]["edges"][0]["node"]["unreadCount"],
        5
    );
    assert_eq!(before["data"]["unreadNotificationCount"], 5);
    let own = app.graphql_as(&ana, unread, json!({})).await;
    assert_eq!(
        own["data"]["conversations"]["edges"][0]["node"]["unreadCount"], 0,
        "own messages are not unread"
    );

    app.graphql_as(
        &ben,
        "mutation($c: ID!) { markConversationRead(conversationId: $c) }",
        json!({ "c": id }),
    )
    .await;
    let after_read = app.graphql_as(&ben, unread, json!({})).await;
    assert_eq!(
        after_read["data"]["conversations"]["edges"][0]["node"]["unreadCount"],
        0
    );

    let notes = app.graphql_as(&ben, "{ notifications(unreadOnly: true, first: 2) { edges { node { id type content actionUrl } } } }", json!({})).await;
    let edges = notes["data"]["notifications"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert_eq!(edges[0]["node"]["type"], "message");
    assert_eq!(edges[0]["node"]["content"], "message 5");
    let ids: Vec<Value> = edges.iter().map(|e| e["node"]["id"].clone()).collect();
    let marked = app
        .graphql_as(
            &ben,
            "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(marked["data"]["markNotificationsRead"], 2);
    // Someone else's notification ids change nothing.
    let foreign = app
        .graphql_as(
            &ana,
            "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(foreign["data"]["markNotificationsRead"], 0);
    let count = app
        .graphql_as(&ben, "{ unreadNotificationCount }", json!({}))
        .await;
    assert_eq!(count["data"]["unreadNotificationCount"], 3);
    let all = app
        .graphql_as(&ben, "mutation { markNotificationsRead }", json!({}))
        .await;
    assert_eq!(all["data"]["markNotificationsRead"], 3);
}

#[tokio::test]
async fn group_owners_manage_members_and_removed_members_lose_access() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("group.owner", "EMPLOYER").await;
    let (member, member_id) = app.register("group.member", "INDIVIDUAL").await;
    let (late, late_id) = app.register("late.joiner", "INDIVIDUAL").await;
    let group = app
        .graphql_as(&owner, "mutation($m: [ID!]!) { createGroupConversation(title: \"Hiring sync\", memberIds: $m) { id kind participants { role user { username } } } }", json!({ "m": [member_id] }))
        .await;
    let id = group["data"]["createGroupConversation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert_eq!(
        group["data"]["createGroupConversation"]["participants"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let add = "mutation($c: ID!, $u: ID!) { addConversationMember(conversationId: $c, userId: $u) { id } }";
    assert_eq!(
        code(
            &app.graphql_as(&member, add, json!({ "c": id, "u": late_id }))
                .await
        ),
        "FORBIDDEN"
    );
    assert!(
        app.graphql_as(&owner, add, json!({ "c": id, "u": late_id }))
            .await["errors"]
            .is_null()
    );
    assert_eq!(
        code(
            &app.graphql_as(&owner, add, json!({ "c": id, "u": late_id }))
                .await
        ),
        "CONFLICT"
    );
    assert!(
        app.graphql_as(&late, SEND, json!({ "c": id, "t": "hi all" }))
            .await["errors"]
            .is_null()
    );

    let remove =
        "mutation($c: ID!, $u: ID!) { removeConversationMember(conversationId: $c, userId: $u) }";
    assert_eq!(
        code(
            &app.graphql_as(&member, remove, json!({ "c": id, "u": late_id }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        app.graphql_as(&owner, remove, json!({ "c": id, "u": late_id }))
            .await["data"]["removeConversationMember"],
        true
    );
    assert_eq!(
        code(
            &app.graphql_as(&late, SEND, json!({ "c": id, "t": "still here?" }))
                .await
        ),
        "NOT_FOUND"
    );
    let gone = app
        .graphql_as(
            &late,
            "query($c: ID!) { conversation(id: $c) { id } }",
            json!({ "c": id }),
        )
        .await;
    assert_eq!(gone["data"]["conversation"], Value::Null);
    // Members may leave; the owner may not.
    assert_eq!(
        app.graphql_as(&member, remove, json!({ "c": id, "u": member_id }))
            .await["data"]["removeConversationMember"],
        true
    );
    let owner_id =
        app.graphql_as(&owner, "{ me { id } }", json!({})).await["data"]["me"]["id"].clone();
    assert_eq!(
        code(
            &app.graphql_as(&owner, remove, json!({ "c": id, "u": owner_id }))
                .await
        ),
        "CONFLICT"
    );
}

#[tokio::test]
async fn twin_conversations_are_readable_by_the_twin_owner() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("twin.maker", "INDIVIDUAL").await;
    let (visitor, _) = app.register("twin.visitor", "EMPLOYER").await;
    let twin = app
        .graphql_as(
            &owner,
            "mutation { createTwin(input: { name: \"Maker's twin\" }) { id } }",
            json!({}),
        )
        .await["data"]["createTwin"]["id"]
        .as_str()
        .expect("a twin")
        .to_owned();
    let start = "mutation($t: ID!) { startTwinConversation(twinId: $t) { id kind participants { twin { name } user { username } } } }";
    let first = app.graphql_as(&visitor, start, json!({ "t": twin })).await;
    let again = app.graphql_as(&visitor, start, json!({ "t": twin })).await;
    let id = first["data"]["startTwinConversation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert_eq!(again["data"]["startTwinConversation"]["id"], id.as_str());
    app.graphql_as(
        &visitor,
        SEND,
        json!({ "c": id, "t": "What does your owner build?" }),
    )
    .await;

    let read = app.graphql_as(&owner, "query($c: ID!) { conversation(id: $c) { canPost messages { edges { node { content } } } } }", json!({ "c": id })).await;
    assert_eq!(read["data"]["conversation"]["canPost"], false, "{read}");
    assert_eq!(
        read["data"]["conversation"]["messages"]["edges"][0]["node"]["content"],
        "What does your owner build?"
    );
    assert_eq!(
        code(
            &app.graphql_as(&owner, SEND, json!({ "c": id, "t": "owner speaking" }))
                .await
        ),
        "FORBIDDEN"
    );
    let listed = app
        .graphql_as(
            &owner,
            "{ conversations { edges { node { kind } } } unreadNotificationCount }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["conversations"]["edges"][0]["node"]["kind"],
        "TWIN"
    );
    assert_eq!(
        listed["data"]["unreadNotificationCount"], 1,
        "the twin's owner hears about it"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_page_of_conversations_costs_a_fixed_number_of_statements() {
    let app = TestApp::new().await;
    let (hub, _) = app.register("hub.person", "EMPLOYER").await;
    for n in 0..20 {
        let (other, other_id) = app.register(&format!("contact{n}"), "INDIVIDUAL").await;
        let id = app.graphql_as(&hub, DIRECT, json!({ "u": other_id })).await["data"]["startDirectConversation"]["id"].as_str().expect("id").to_owned();
        app.graphql_as(&other, SEND, json!({ "c": id, "t": "hello" }))
            .await;
    }
    let reader = app
        .reconfigured(|config| config.dataloader_delay_ms = 250)
        .await;
    reader.graphql_as(&hub, "{ me { id } }", json!({})).await;
    let query = "{ conversations(first: 20) { edges { node { unreadCount participants { user { username } } } } } }";
    let (response, statements) = count_statements(reader.graphql_as(&hub, query, json!({}))).await;
    assert_eq!(response["errors"], Value::Null, "{response}");
    let edges = response["data"]["conversations"]["edges"]
        .as_array()
        .expect("edges");
    assert_eq!(edges.len(), 20);
    assert!(edges.iter().all(|e| e["node"]["unreadCount"] == 1));
    // Page, participants, unread counts (grouped), users.
    assert_eq!(statements, 4, "{response}");
}
