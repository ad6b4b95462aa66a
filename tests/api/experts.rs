//! Experts: profiles and their visibility, knowledge bases, services and bookings with
//! their state machines, the double-booking race, notifications and batching.

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{TestApp, count_statements};

pub(crate) fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

/// The UUID inside a global ID.
pub(crate) fn uuid_of(global: &str) -> Uuid {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(global).expect("base64")).expect("utf-8");
    let (_, uuid) = text.split_once(':').expect("Type:uuid");
    Uuid::parse_str(uuid).expect("a uuid")
}

async fn run(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    match token {
        Some(token) => app.graphql_as(token, query, variables).await,
        None => app.graphql(query, variables).await,
    }
}

const SAVE_PROFILE: &str = "mutation($input: ExpertProfileInput!) { saveExpertProfile(input: $input) { id title visibility yearsExperience } }";

/// Registers an expert with a profile of this visibility; their token and user ID.
pub(crate) async fn expert(app: &TestApp, username: &str, visibility: &str) -> (String, String) {
    let (token, id) = app.register(username, "EXPERT").await;
    let saved = app
        .graphql_as(
            &token,
            SAVE_PROFILE,
            json!({ "input": {
                "title": format!("{username} consulting"),
                "bio": "Twenty years of distributed systems.",
                "expertiseSummary": "Kafka, PostgreSQL, incident response",
                "yearsExperience": 12,
                "websiteUrl": "https://example.com",
                "visibility": visibility,
            } }),
        )
        .await;
    assert_eq!(
        saved["data"]["saveExpertProfile"]["visibility"], visibility,
        "{saved}"
    );
    (token, id)
}

const CREATE_SERVICE: &str = "mutation($input: ExpertServiceInput!) { createExpertService(input: $input) { id status pricingModel price currency } }";

pub(crate) async fn service(app: &TestApp, token: &str, input: Value) -> String {
    let created = app
        .graphql_as(token, CREATE_SERVICE, json!({ "input": input }))
        .await;
    created["data"]["createExpertService"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("service: {created}"))
        .to_owned()
}

pub(crate) fn hourly(title: &str) -> Value {
    json!({ "title": title, "serviceType": "CONSULTATION", "pricingModel": "HOURLY", "price": "120.50", "currency": "EUR" })
}

const BOOK: &str = "mutation($service: ID!, $input: BookServiceInput!) { bookService(serviceId: $service, input: $input) { id status paymentStatus paymentAmount paymentCurrency startTime } }";

/// `bookService` from `start_hours` to `end_hours` hours from now.
pub(crate) async fn book(
    app: &TestApp,
    token: &str,
    service: &str,
    start_hours: f64,
    end_hours: f64,
) -> Value {
    let at = |hours: f64| Utc::now() + chrono::Duration::seconds((hours * 3600.0) as i64);
    book_between(app, token, service, at(start_hours), at(end_hours)).await
}

/// `bookService` from `start` to `end`.
async fn book_between(
    app: &TestApp,
    token: &str,
    service: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Value {
    let at = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    app.graphql_as(
        token,
        BOOK,
        json!({ "service": service, "input": {
            "title": "Architecture review",
            "startTime": at(start),
            "endTime": at(end),
        } }),
    )
    .await
}

pub(crate) const RECORD_PAYMENT: &str = "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { duplicate booking { status paymentStatus } } }";

pub(crate) fn booking_id(response: &Value) -> String {
    response["data"]["bookService"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("booking: {response}"))
        .to_owned()
}

pub(crate) async fn notifications_of(app: &TestApp, user: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select type from notifications where recipient_id = $1 order by created_at, id",
    )
    .bind(uuid_of(user))
    .fetch_all(&app.state.pg)
    .await
    .expect("notifications")
}

#[tokio::test]
async fn expert_profiles_follow_their_visibility() {
    let app = TestApp::new().await;
    let (public, public_id) = expert(&app, "public.expert", "PUBLIC").await;
    let (_, limited_id) = expert(&app, "limited.expert", "LIMITED").await;
    let (private, private_id) = expert(&app, "private.expert", "PRIVATE").await;
    let (other, _) = app.register("curious.reader", "INDIVIDUAL").await;
    let (admin, _) = app.register_admin("expert.admin").await;

    let lookup = "query($id: ID!) { expertProfile(userId: $id) { title user { username } } }";
    let list = "{ experts(first: 50) { edges { node { title } } } }";
    for (viewer, sees) in [
        (None, [true, false, false]),
        (Some(&other), [true, true, false]),
        (Some(&private), [true, true, true]),
        (Some(&admin), [true, true, true]),
    ] {
        for (id, shown) in [&public_id, &limited_id, &private_id].into_iter().zip(sees) {
            let response = run(
                &app,
                viewer.map(String::as_str),
                lookup,
                json!({ "id": id }),
            )
            .await;
            assert_eq!(response["errors"], Value::Null, "{response}");
            assert_eq!(
                !response["data"]["expertProfile"].is_null(),
                shown,
                "{viewer:?} {id}: {response}"
            );
        }
        let listed = run(&app, viewer.map(String::as_str), list, json!({})).await;
        let count = listed["data"]["experts"]["edges"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(count, sees.iter().filter(|s| **s).count(), "{listed}");
    }
    // node(id:) follows the same rule.
    let own = app
        .graphql_as(
            &private,
            "query($id: ID!) { expertProfile(userId: $id) { id } }",
            json!({ "id": private_id }),
        )
        .await;
    let node_id = own["data"]["expertProfile"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let node = "query($id: ID!) { node(id: $id) { ... on ExpertProfile { title } } }";
    assert!(app.graphql(node, json!({ "id": node_id })).await["data"]["node"].is_null());
    assert_eq!(
        app.graphql_as(&admin, node, json!({ "id": node_id })).await["data"]["node"]["title"],
        "private.expert consulting"
    );

    // Filters: search, years, service type.
    service(
        &app,
        &public,
        json!({ "title": "Ask me", "serviceType": "QA", "pricingModel": "FREE" }),
    )
    .await;
    let filtered = app
        .graphql_as(
            &admin,
            "{ a: experts(filter: { search: \"KAFKA\" }) { edges { node { title } } } b: experts(filter: { minYearsExperience: 13 }) { edges { node { title } } } c: experts(filter: { serviceType: QA }) { edges { node { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        filtered["data"]["a"]["edges"].as_array().map(Vec::len),
        Some(3),
        "{filtered}"
    );
    assert_eq!(
        filtered["data"]["b"]["edges"].as_array().map(Vec::len),
        Some(0),
        "{filtered}"
    );
    assert_eq!(
        filtered["data"]["c"]["edges"],
        json!([{ "node": { "title": "public.expert consulting" } }])
    );

    // Only experts save a profile, their own; input is checked.
    let (individual, _) = app.register("not.an.expert", "INDIVIDUAL").await;
    let input = json!({ "input": { "title": "Me" } });
    assert_eq!(
        code(
            &app.graphql_as(&individual, SAVE_PROFILE, input.clone())
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&app.graphql(SAVE_PROFILE, input).await),
        "UNAUTHENTICATED"
    );
    for bad in [
        json!({ "yearsExperience": 81 }),
        json!({ "websiteUrl": "ftp://example.com" }),
        json!({ "title": "x".repeat(101) }),
    ] {
        let refused = app
            .graphql_as(&public, SAVE_PROFILE, json!({ "input": bad }))
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    }
    // Saving again replaces the fields and keeps the visibility when omitted.
    let again = app
        .graphql_as(
            &private,
            SAVE_PROFILE,
            json!({ "input": { "title": "Renamed" } }),
        )
        .await;
    assert_eq!(
        again["data"]["saveExpertProfile"],
        json!({ "id": node_id, "title": "Renamed", "visibility": "PRIVATE", "yearsExperience": null })
    );
}

#[tokio::test]
async fn knowledge_bases_contents_and_tags() {
    let app = TestApp::new().await;
    let (owner, owner_id) = expert(&app, "kb.owner", "PUBLIC").await;
    let (other, _) = app.register("kb.reader", "INDIVIDUAL").await;
    let (admin, _) = app.register_admin("kb.admin").await;

    let no_profile = app.register("kb.noprofile", "EXPERT").await.0;
    let create = "mutation($input: KnowledgeBaseInput!) { createKnowledgeBase(input: $input) { id name isPublic } }";
    let early = app
        .graphql_as(&no_profile, create, json!({ "input": { "name": "Early" } }))
        .await;
    assert_eq!(code(&early), "CONFLICT", "{early}");
    assert_eq!(
        code(
            &app.graphql_as(&other, create, json!({ "input": { "name": "Mine" } }))
                .await
        ),
        "FORBIDDEN"
    );

    let mut ids = Vec::new();
    for (name, public) in [("Open notes", true), ("Private notes", false)] {
        let created = app
            .graphql_as(
                &owner,
                create,
                json!({ "input": { "name": name, "isPublic": public } }),
            )
            .await;
        ids.push(
            created["data"]["createKnowledgeBase"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let (open, private) = (&ids[0], &ids[1]);

    let add = "mutation($kb: ID!, $input: KnowledgeContentInput!) { addKnowledgeContent(knowledgeBaseId: $kb, input: $input) { id status tags contentType } }";
    let added = app
        .graphql_as(
            &owner,
            add,
            json!({ "kb": open, "input": {
            "title": "Backpressure", "contentType": "ARTICLE", "content": "Bound every queue.",
            "tags": ["Kafka", " kafka ", "Streams"],
        } }),
        )
        .await;
    assert_eq!(
        added["data"]["addKnowledgeContent"]["tags"],
        json!(["kafka", "streams"]),
        "{added}"
    );
    assert_eq!(added["data"]["addKnowledgeContent"]["status"], "ACTIVE");
    let content = added["data"]["addKnowledgeContent"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let bodiless = app
        .graphql_as(
            &owner,
            add,
            json!({ "kb": open, "input": { "title": "Empty", "contentType": "LINK" } }),
        )
        .await;
    assert_eq!(code(&bodiless), "BAD_USER_INPUT");
    app.graphql_as(&owner, add, json!({ "kb": private, "input": { "title": "Secret", "contentType": "DOCUMENT", "fileUrl": "https://files.example.com/a.pdf" } }))
        .await;

    let profile = "query($id: ID!) { expertProfile(userId: $id) { knowledgeBases { name contents { edges { node { title tags } } } } } }";
    let as_other = app
        .graphql_as(&other, profile, json!({ "id": owner_id }))
        .await;
    assert_eq!(
        as_other["data"]["expertProfile"]["knowledgeBases"],
        json!([{ "name": "Open notes", "contents": { "edges": [{ "node": { "title": "Backpressure", "tags": ["kafka", "streams"] } }] } }])
    );
    for token in [&owner, &admin] {
        let all = app
            .graphql_as(token, profile, json!({ "id": owner_id }))
            .await;
        assert_eq!(
            all["data"]["expertProfile"]["knowledgeBases"]
                .as_array()
                .map(Vec::len),
            Some(2),
            "{all}"
        );
    }
    let lookup = "query($id: ID!) { knowledgeBase(id: $id) { name } }";
    assert!(
        app.graphql_as(&other, lookup, json!({ "id": private }))
            .await["data"]["knowledgeBase"]
            .is_null()
    );
    assert!(app.graphql(lookup, json!({ "id": private })).await["data"]["knowledgeBase"].is_null());
    assert_eq!(
        app.graphql_as(&admin, lookup, json!({ "id": private }))
            .await["data"]["knowledgeBase"]["name"],
        "Private notes"
    );

    // Updates: tags replaced, others refused.
    let update = "mutation($id: ID!, $input: UpdateKnowledgeContentInput!) { updateKnowledgeContent(id: $id, input: $input) { title tags isFeatured } }";
    let updated = app
        .graphql_as(
            &owner,
            update,
            json!({ "id": content, "input": { "isFeatured": true, "tags": ["rust"] } }),
        )
        .await;
    assert_eq!(
        updated["data"]["updateKnowledgeContent"],
        json!({ "title": "Backpressure", "tags": ["rust"], "isFeatured": true })
    );
    assert_eq!(
        code(
            &app.graphql_as(
                &other,
                update,
                json!({ "id": content, "input": { "title": "Mine" } })
            )
            .await
        ),
        "FORBIDDEN"
    );
    let rename = "mutation($id: ID!) { updateKnowledgeBase(id: $id, input: { isPublic: true, description: \"All of it\" }) { isPublic description } }";
    assert_eq!(
        code(
            &app.graphql_as(&other, rename, json!({ "id": private }))
                .await
        ),
        "FORBIDDEN"
    );

    // Content status: archive and restore; the worker's states are not for clients.
    let set = "mutation($id: ID!, $status: KnowledgeContentStatus!) { setKnowledgeContentStatus(id: $id, status: $status) { status } }";
    let archived = app
        .graphql_as(&owner, set, json!({ "id": content, "status": "ARCHIVED" }))
        .await;
    assert_eq!(
        archived["data"]["setKnowledgeContentStatus"]["status"], "ARCHIVED",
        "{archived}"
    );
    let hidden = app
        .graphql_as(&other, profile, json!({ "id": owner_id }))
        .await;
    assert_eq!(
        hidden["data"]["expertProfile"]["knowledgeBases"][0]["contents"]["edges"],
        json!([])
    );
    let node = "query($id: ID!) { node(id: $id) { ... on KnowledgeContent { title status } } }";
    assert!(app.graphql_as(&other, node, json!({ "id": content })).await["data"]["node"].is_null());
    assert_eq!(
        app.graphql_as(&owner, node, json!({ "id": content })).await["data"]["node"]["status"],
        "ARCHIVED"
    );
    let restored = app
        .graphql_as(&owner, set, json!({ "id": content, "status": "ACTIVE" }))
        .await;
    assert_eq!(
        restored["data"]["setKnowledgeContentStatus"]["status"],
        "ACTIVE"
    );
    let worker_state = app
        .graphql_as(
            &owner,
            set,
            json!({ "id": content, "status": "PROCESSING" }),
        )
        .await;
    assert_eq!(code(&worker_state), "BAD_USER_INPUT");
    // A failed content (the future worker's state) cannot be archived: the trigger refuses.
    sqlx::query("update knowledge_contents set status = 'archived' where id = $1")
        .bind(uuid_of(&content))
        .execute(&app.state.pg)
        .await
        .expect("archive");
    let refused = sqlx::query("update knowledge_contents set status = 'processing' where id = $1")
        .bind(uuid_of(&content))
        .execute(&app.state.pg)
        .await
        .expect_err("archived -> processing is not a transition");
    assert_eq!(
        braid::error::violated_constraint(&refused),
        Some("knowledge_contents_status_transition")
    );
    sqlx::query(
        "alter table knowledge_contents disable trigger knowledge_contents_status_transition",
    )
    .execute(&app.state.pg)
    .await
    .expect("disable");
    sqlx::query("update knowledge_contents set status = 'failed' where id = $1")
        .bind(uuid_of(&content))
        .execute(&app.state.pg)
        .await
        .expect("fail it");
    sqlx::query(
        "alter table knowledge_contents enable trigger knowledge_contents_status_transition",
    )
    .execute(&app.state.pg)
    .await
    .expect("enable");
    let from_failed = app
        .graphql_as(&owner, set, json!({ "id": content, "status": "ARCHIVED" }))
        .await;
    assert_eq!(code(&from_failed), "CONFLICT", "{from_failed}");

    // Deletes: contents then bases; absent things are NOT_FOUND.
    let delete_content = "mutation($id: ID!) { deleteKnowledgeContent(id: $id) }";
    assert_eq!(
        app.graphql_as(&owner, delete_content, json!({ "id": content }))
            .await["data"]["deleteKnowledgeContent"],
        true
    );
    assert_eq!(
        code(
            &app.graphql_as(&owner, delete_content, json!({ "id": content }))
                .await
        ),
        "NOT_FOUND"
    );
    let delete_kb = "mutation($id: ID!) { deleteKnowledgeBase(id: $id) }";
    assert_eq!(
        code(
            &app.graphql_as(&other, delete_kb, json!({ "id": private }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        app.graphql_as(&admin, delete_kb, json!({ "id": private }))
            .await["data"]["deleteKnowledgeBase"],
        true
    );
    assert_eq!(
        code(
            &app.graphql_as(&owner, delete_kb, json!({ "id": private }))
                .await
        ),
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn services_check_prices_and_follow_their_status_machine() {
    let app = TestApp::new().await;
    let (owner, owner_id) = expert(&app, "svc.owner", "PUBLIC").await;
    let (other, _) = app.register("svc.reader", "INDIVIDUAL").await;

    for (input, field) in [
        (
            json!({ "title": "Free?", "serviceType": "QA", "pricingModel": "FREE", "price": "10", "currency": "USD" }),
            "price",
        ),
        (
            json!({ "title": "Free?", "serviceType": "QA", "pricingModel": "FREE", "currency": "USD" }),
            "price",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "currency": "USD" }),
            "price",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "price": "0", "currency": "USD" }),
            "price",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "price": "10.001", "currency": "USD" }),
            "price",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "price": "10" }),
            "currency",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "price": "10", "currency": "US" }),
            "currency",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "price": "10", "currency": "USD",
                    "availability": { "timeZone": "Mars/Olympus", "weekly": [{ "day": "MONDAY", "from": "09:00", "to": "17:00" }] } }),
            "availability.timeZone",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "price": "10", "currency": "USD",
                    "availability": { "timeZone": "UTC", "weekly": [{ "day": "MONDAY", "from": "17:00", "to": "09:00" }] } }),
            "availability.weekly[0].to",
        ),
        (
            json!({ "title": "Hourly", "serviceType": "QA", "pricingModel": "HOURLY", "price": "10", "currency": "USD",
                    "availability": { "timeZone": "UTC", "weekly": [{ "day": "MONDAY", "from": "24:00", "to": "24:00" }] } }),
            "availability.weekly[0].from",
        ),
    ] {
        let refused = app
            .graphql_as(&owner, CREATE_SERVICE, json!({ "input": input }))
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
        assert!(
            refused["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(field)),
            "{refused}"
        );
    }
    // The database holds the same rule.
    let direct = sqlx::query(
        "insert into expert_services (id, expert_id, title, service_type, pricing_model, price, currency)
         values (gen_random_uuid(), $1, 'x', 'qa', 'hourly', null, 'USD')",
    )
    .bind(uuid_of(&owner_id))
    .execute(&app.state.pg)
    .await
    .expect_err("an hourly service without a price");
    assert_eq!(
        braid::error::violated_constraint(&direct),
        Some("expert_services_price_matches_model")
    );
    assert_eq!(
        code(
            &app.graphql_as(&other, CREATE_SERVICE, json!({ "input": hourly("Mine") }))
                .await
        ),
        "FORBIDDEN"
    );

    let paid = service(&app, &owner, hourly("Hourly review")).await;
    let created = app
        .graphql_as(&owner, CREATE_SERVICE, json!({ "input": { "title": "Q&A", "serviceType": "QA", "pricingModel": "PER_QUESTION", "price": "15", "currency": "usd", "status": "DRAFT" } }))
        .await;
    assert_eq!(
        created["data"]["createExpertService"]["currency"], "USD",
        "{created}"
    );
    let draft = created["data"]["createExpertService"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // Updates keep prices consistent: switching to free needs price and currency cleared.
    let update = "mutation($id: ID!, $input: UpdateExpertServiceInput!) { updateExpertService(id: $id, input: $input) { pricingModel price currency } }";
    let half = app
        .graphql_as(
            &owner,
            update,
            json!({ "id": paid, "input": { "pricingModel": "FREE" } }),
        )
        .await;
    assert_eq!(code(&half), "BAD_USER_INPUT", "{half}");
    let free = app
        .graphql_as(&owner, update, json!({ "id": paid, "input": { "pricingModel": "FREE", "price": null, "currency": null } }))
        .await;
    assert_eq!(
        free["data"]["updateExpertService"],
        json!({ "pricingModel": "FREE", "price": null, "currency": null })
    );
    let back = app
        .graphql_as(&owner, update, json!({ "id": paid, "input": { "pricingModel": "HOURLY", "price": "99.9", "currency": "EUR" } }))
        .await;
    assert_eq!(
        back["data"]["updateExpertService"],
        json!({ "pricingModel": "HOURLY", "price": "99.90", "currency": "EUR" })
    );
    assert_eq!(
        code(
            &app.graphql_as(
                &other,
                update,
                json!({ "id": paid, "input": { "title": "Mine" } })
            )
            .await
        ),
        "FORBIDDEN"
    );

    // Others list active services only; the owner lists all of theirs.
    let list = "query($f: ExpertServiceFilterInput) { expertServices(filter: $f) { edges { node { title status } } } }";
    let titles = |response: &Value| -> Vec<String> {
        response["data"]["expertServices"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        titles(&app.graphql(list, json!({})).await),
        ["Hourly review"]
    );
    assert_eq!(
        titles(&app.graphql_as(&owner, list, json!({})).await),
        ["Q&A", "Hourly review"]
    );
    let lookup = "query($id: ID!) { expertService(id: $id) { title } }";
    assert!(
        app.graphql_as(&other, lookup, json!({ "id": draft })).await["data"]["expertService"]
            .is_null()
    );
    // What a client cannot see, a client cannot book: NOT_FOUND, as for a missing id.
    let booked = book(&app, &other, &draft, 30.0, 31.0).await;
    assert_eq!(code(&booked), "NOT_FOUND", "{booked}");

    // Status machine: DRAFT -> ACTIVE -> INACTIVE -> ACTIVE; never back to DRAFT.
    let set = "mutation($id: ID!, $status: ServiceStatus!) { setExpertServiceStatus(id: $id, status: $status) { status } }";
    for (status, expected) in [
        ("ACTIVE", None),
        ("INACTIVE", None),
        ("DRAFT", Some("CONFLICT")),
        ("ACTIVE", None),
        ("DRAFT", Some("CONFLICT")),
    ] {
        let response = app
            .graphql_as(&owner, set, json!({ "id": draft, "status": status }))
            .await;
        match expected {
            None => assert_eq!(
                response["data"]["setExpertServiceStatus"]["status"], status,
                "{response}"
            ),
            Some(c) => assert_eq!(code(&response), c, "{status}: {response}"),
        }
    }
    let fresh = service(&app, &owner, json!({ "title": "Later", "serviceType": "PROJECT", "pricingModel": "SUBSCRIPTION", "price": "300", "currency": "GBP", "status": "DRAFT" })).await;
    let inactive = app
        .graphql_as(&owner, set, json!({ "id": fresh, "status": "INACTIVE" }))
        .await;
    assert_eq!(
        inactive["data"]["setExpertServiceStatus"]["status"], "INACTIVE",
        "{inactive}"
    );
    assert_eq!(
        code(&book(&app, &other, &fresh, 30.0, 31.0).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(
            &app.graphql_as(&other, set, json!({ "id": fresh, "status": "ACTIVE" }))
                .await
        ),
        "FORBIDDEN"
    );
    let absent = "RXhwZXJ0U2VydmljZTowMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA";
    assert_eq!(
        code(
            &app.graphql_as(&owner, set, json!({ "id": absent, "status": "ACTIVE" }))
                .await
        ),
        "NOT_FOUND"
    );

    // Filters.
    let filtered = app
        .graphql(
            list,
            json!({ "f": { "serviceType": "QA", "pricingModel": "PER_QUESTION", "maxPrice": "20", "expertId": owner_id, "search": "q&a" } }),
        )
        .await;
    assert_eq!(titles(&filtered), ["Q&A"], "{filtered}");
    let cheap = app
        .graphql(list, json!({ "f": { "maxPrice": "50" } }))
        .await;
    assert_eq!(titles(&cheap), ["Q&A"], "{cheap}");
}

#[tokio::test]
async fn bookings_follow_their_machines_and_notify() {
    let app = TestApp::new().await;
    let (expert_token, expert_id) = expert(&app, "booked.expert", "LIMITED").await;
    let (client, client_id) = app.register("booking.client", "INDIVIDUAL").await;
    let (stranger, stranger_id) = app.register("booking.stranger", "INDIVIDUAL").await;
    let (admin, _) = app.register_admin("booking.admin").await;
    let hourly_service = service(&app, &expert_token, hourly("Hourly review")).await;

    // Refusals before anything is booked.
    assert_eq!(
        code(&book(&app, &expert_token, &hourly_service, 24.0, 25.0).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&book(&app, &client, &hourly_service, -2.0, -1.0).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(&book(&app, &client, &hourly_service, 25.0, 24.0).await),
        "BAD_USER_INPUT"
    );
    let anonymous = app
        .graphql(BOOK, json!({ "service": hourly_service, "input": { "title": "x", "startTime": "2099-01-01T00:00:00Z", "endTime": "2099-01-01T01:00:00Z" } }))
        .await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");

    // 1.5 hours at 120.50 EUR/h.
    let booked = book(&app, &client, &hourly_service, 24.0, 25.5).await;
    let first = booking_id(&booked);
    assert_eq!(booked["data"]["bookService"]["status"], "SCHEDULED");
    assert_eq!(booked["data"]["bookService"]["paymentStatus"], "PENDING");
    assert_eq!(booked["data"]["bookService"]["paymentAmount"], "180.75");
    assert_eq!(booked["data"]["bookService"]["paymentCurrency"], "EUR");
    assert_eq!(
        notifications_of(&app, &expert_id).await,
        ["booking_created"]
    );
    let overlap = book(&app, &stranger, &hourly_service, 25.0, 26.0).await;
    assert_eq!(code(&overlap), "CONFLICT", "{overlap}");

    // Who sees it.
    let lookup =
        "query($id: ID!) { booking(id: $id) { title service { title } client { username } } }";
    for (token, sees) in [
        (Some(&client), true),
        (Some(&expert_token), true),
        (Some(&admin), true),
        (Some(&stranger), false),
        (None, false),
    ] {
        let response = run(
            &app,
            token.map(String::as_str),
            lookup,
            json!({ "id": first }),
        )
        .await;
        assert_eq!(!response["data"]["booking"].is_null(), sees, "{response}");
    }
    let bookings_field =
        "query($id: ID!) { expertService(id: $id) { bookings { edges { node { title } } } } }";
    assert!(
        app.graphql_as(&stranger, bookings_field, json!({ "id": hourly_service }))
            .await["data"]["expertService"]["bookings"]
            .is_null()
    );
    assert_eq!(
        app.graphql_as(
            &expert_token,
            bookings_field,
            json!({ "id": hourly_service })
        )
        .await["data"]["expertService"]["bookings"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // Payment: clients no longer mark bookings paid; the payment provider's webhook or an
    // admin records it, for exactly what the booking owes, once.
    let client_pays = app
        .graphql_as(
            &client,
            "mutation($id: ID!) { payBooking(id: $id) { status } }",
            json!({ "id": first }),
        )
        .await;
    assert_eq!(
        code(&client_pays),
        "GRAPHQL_VALIDATION_FAILED",
        "{client_pays}"
    );
    let pay = |booking: &str, amount: &str, currency: &str, event: &str| json!({ "input": { "bookingId": booking, "amount": amount, "currency": currency, "providerEventId": event } });
    // Admins record payments.
    let record = async |booking: &str, amount: &str, currency: &str, event: &str| {
        app.graphql_as(
            &admin,
            RECORD_PAYMENT,
            pay(booking, amount, currency, event),
        )
        .await
    };
    for token in [&client, &expert_token, &stranger] {
        let refused = app
            .graphql_as(
                token,
                RECORD_PAYMENT,
                pay(&first, "180.75", "EUR", "evt_first"),
            )
            .await;
        assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    }
    assert_eq!(
        code(
            &app.graphql(RECORD_PAYMENT, pay(&first, "180.75", "EUR", "evt_first"))
                .await
        ),
        "UNAUTHENTICATED"
    );
    for (amount, currency) in [("180.74", "EUR"), ("180.75", "USD"), ("0", "EUR")] {
        let wrong = record(&first, amount, currency, "evt_first").await;
        assert_eq!(
            code(&wrong),
            "BAD_USER_INPUT",
            "{amount} {currency}: {wrong}"
        );
    }
    // Recorded once (amounts compare as numbers, currencies in any case), then again.
    for (amount, currency, duplicate) in [("180.750", "eur", false), ("180.75", "EUR", true)] {
        let recorded = record(&first, amount, currency, "evt_first").await;
        assert_eq!(
            recorded["data"]["recordPayment"],
            json!({ "duplicate": duplicate, "booking": { "status": "SCHEDULED", "paymentStatus": "PAID" } }),
            "{recorded}"
        );
    }
    let second_payment = record(&first, "180.75", "EUR", "evt_other").await;
    assert_eq!(code(&second_payment), "CONFLICT", "{second_payment}");

    // Not started: the expert cannot complete it; the client cancels, which refunds.
    let complete = "mutation($id: ID!) { completeBooking(id: $id) { status paymentStatus } }";
    let cancel = "mutation($id: ID!) { cancelBooking(id: $id) { status paymentStatus } }";
    assert_eq!(
        code(
            &app.graphql_as(&expert_token, complete, json!({ "id": first }))
                .await
        ),
        "CONFLICT"
    );
    assert_eq!(
        code(
            &app.graphql_as(&client, complete, json!({ "id": first }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &app.graphql_as(&stranger, cancel, json!({ "id": first }))
                .await
        ),
        "NOT_FOUND"
    );
    let canceled = app
        .graphql_as(&client, cancel, json!({ "id": first }))
        .await;
    assert_eq!(
        canceled["data"]["cancelBooking"],
        json!({ "status": "CANCELED", "paymentStatus": "REFUNDED" })
    );
    assert_eq!(
        code(
            &app.graphql_as(&client, cancel, json!({ "id": first }))
                .await
        ),
        "CONFLICT"
    );
    assert_eq!(
        code(&record(&first, "180.75", "EUR", "evt_late").await),
        "CONFLICT"
    );
    assert_eq!(
        code(
            &app.graphql_as(&expert_token, complete, json!({ "id": first }))
                .await
        ),
        "CONFLICT"
    );
    assert_eq!(
        notifications_of(&app, &expert_id).await,
        ["booking_created", "booking_paid", "booking_canceled"]
    );

    // The canceled slot is free again; the expert cancels an unpaid booking (stays pending).
    let second = booking_id(&book(&app, &stranger, &hourly_service, 24.0, 25.0).await);
    let by_expert = app
        .graphql_as(&expert_token, cancel, json!({ "id": second }))
        .await;
    assert_eq!(
        by_expert["data"]["cancelBooking"],
        json!({ "status": "CANCELED", "paymentStatus": "PENDING" })
    );

    // Once started, the client may no longer cancel; the expert completes it.
    let third = booking_id(&book(&app, &client, &hourly_service, 48.0, 49.0).await);
    sqlx::query("update service_bookings set start_time = now() - interval '2 hours', end_time = now() - interval '1 hour' where id = $1")
        .bind(uuid_of(&third))
        .execute(&app.state.pg)
        .await
        .expect("move into the past");
    assert_eq!(
        code(
            &app.graphql_as(&client, cancel, json!({ "id": third }))
                .await
        ),
        "CONFLICT"
    );
    let done = app
        .graphql_as(&expert_token, complete, json!({ "id": third }))
        .await;
    assert_eq!(
        done["data"]["completeBooking"],
        json!({ "status": "COMPLETED", "paymentStatus": "PENDING" })
    );
    assert_eq!(
        code(
            &app.graphql_as(&expert_token, complete, json!({ "id": third }))
                .await
        ),
        "CONFLICT"
    );
    assert_eq!(
        code(
            &app.graphql_as(&expert_token, cancel, json!({ "id": third }))
                .await
        ),
        "CONFLICT"
    );
    // Paying after the session is allowed.
    let late = record(&third, "120.50", "EUR", "evt_third").await;
    assert_eq!(
        late["data"]["recordPayment"]["booking"],
        json!({ "status": "COMPLETED", "paymentStatus": "PAID" }),
        "{late}"
    );
    assert_eq!(
        notifications_of(&app, &client_id).await,
        ["booking_completed"]
    );
    assert_eq!(
        notifications_of(&app, &stranger_id).await,
        ["booking_canceled"]
    );

    // Free bookings are paid when made, with no amount or currency; per-question bookings
    // cost the price.
    let free = service(
        &app,
        &expert_token,
        json!({ "title": "Office hours", "serviceType": "QA", "pricingModel": "FREE" }),
    )
    .await;
    let free_booking = book(&app, &client, &free, 10.0, 11.0).await;
    assert_eq!(
        (
            &free_booking["data"]["bookService"]["paymentStatus"],
            &free_booking["data"]["bookService"]["paymentAmount"],
            &free_booking["data"]["bookService"]["paymentCurrency"]
        ),
        (&json!("PAID"), &json!("0.00"), &Value::Null),
        "{free_booking}"
    );
    let question = service(&app, &expert_token, json!({ "title": "One question", "serviceType": "QA", "pricingModel": "PER_QUESTION", "price": "25", "currency": "USD" })).await;
    let asked = book(&app, &client, &question, 10.0, 10.5).await;
    assert_eq!(
        asked["data"]["bookService"]["paymentAmount"], "25.00",
        "{asked}"
    );

    // Inactive services cannot be booked: clients no longer see them.
    app.graphql_as(
        &expert_token,
        "mutation($id: ID!) { setExpertServiceStatus(id: $id, status: INACTIVE) { status } }",
        json!({ "id": question }),
    )
    .await;
    assert_eq!(
        code(&book(&app, &client, &question, 30.0, 31.0).await),
        "NOT_FOUND"
    );

    // My bookings, from both sides.
    let mine = "query($as: BookingSide!, $status: BookingStatus) { myBookings(as: $as, status: $status) { edges { node { status } } } }";
    let count = |response: Value| {
        response["data"]["myBookings"]["edges"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(
        count(
            app.graphql_as(&client, mine, json!({ "as": "CLIENT" }))
                .await
        ),
        4
    );
    assert_eq!(
        count(
            app.graphql_as(
                &client,
                mine,
                json!({ "as": "CLIENT", "status": "CANCELED" })
            )
            .await
        ),
        1
    );
    assert_eq!(
        count(
            app.graphql_as(&expert_token, mine, json!({ "as": "EXPERT" }))
                .await
        ),
        5
    );
    assert_eq!(
        count(
            app.graphql_as(&expert_token, mine, json!({ "as": "CLIENT" }))
                .await
        ),
        0
    );

    // The database refuses transitions off the machines whoever writes.
    for (sql, constraint) in [
        (
            "update service_bookings set status = 'scheduled' where id = $1",
            "service_bookings_status_transition",
        ),
        (
            "update service_bookings set payment_status = 'pending' where id = $1",
            "service_bookings_payment_status_transition",
        ),
    ] {
        let refused = sqlx::query(sql)
            .bind(uuid_of(&third))
            .execute(&app.state.pg)
            .await
            .expect_err("off the machine");
        assert_eq!(
            braid::error::violated_constraint(&refused),
            Some(constraint)
        );
    }
    let refused = sqlx::query("update service_bookings set status = 'canceled' where id = $1")
        .bind(uuid_of(&third))
        .execute(&app.state.pg)
        .await
        .expect_err("completed -> canceled");
    assert_eq!(
        braid::error::violated_constraint(&refused),
        Some("service_bookings_status_transition")
    );
}

#[tokio::test]
async fn bookings_fall_within_the_service_hours_in_its_time_zone() {
    let app = TestApp::new().await;
    let (expert_token, _) = expert(&app, "tokyo.expert", "PUBLIC").await;
    let (client, _) = app.register("tokyo.client", "INDIVIDUAL").await;
    let weekdays = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        .map(|day| json!({ "day": day, "from": "09:00", "to": "17:00" }));
    let office_hours = json!({ "timeZone": "Asia/Tokyo", "weekly": weekdays });
    let mut input = hourly("Tokyo office hours");
    input["availability"] = office_hours.clone();
    let created = app
        .graphql_as(
            &expert_token,
            "mutation($input: ExpertServiceInput!) { createExpertService(input: $input) { id availability { timeZone weekly { day from to } } } }",
            json!({ "input": input }),
        )
        .await;
    assert_eq!(
        created["data"]["createExpertService"]["availability"], office_hours,
        "{created}"
    );
    let tokyo_service = created["data"]["createExpertService"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // The next Monday and Saturday in Tokyo, and instants of their local hours.
    let tokyo = chrono_tz::Asia::Tokyo;
    let today = Utc::now().with_timezone(&tokyo).date_naive();
    let monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let saturday = monday + Duration::days(5);
    let local = |date: chrono::NaiveDate, hour: u32, minute: u32| {
        tokyo
            .from_local_datetime(&date.and_hms_opt(hour, minute, 0).expect("a time"))
            .single()
            .expect("Tokyo has no DST")
            .with_timezone(&Utc)
    };
    // Books the service on `day` from `from` to `to` (hours, minutes) Tokyo time.
    let book_tokyo = async |day, from: (u32, u32), to: (u32, u32)| {
        let (start, end) = (local(day, from.0, from.1), local(day, to.0, to.1));
        book_between(&app, &client, &tokyo_service, start, end).await
    };
    // Inside, the window's edges included.
    for (from, to) in [((10, 0), (11, 0)), ((16, 0), (17, 0))] {
        let booked = book_tokyo(monday, from, to).await;
        assert_eq!(
            booked["data"]["bookService"]["status"], "SCHEDULED",
            "{booked}"
        );
    }
    for (day, from, to, names) in [
        (monday, (18, 0), (19, 0), "18:00"),
        (monday, (8, 30), (9, 30), "08:30"),
        (saturday, (10, 0), (11, 0), "Saturday"),
    ] {
        let refused = book_tokyo(day, from, to).await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{names}: {refused}");
        let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(names)
                && message.contains("Asia/Tokyo")
                && message.contains("Monday 09:00-17:00"),
            "{message}"
        );
    }

    // Cleared, the service is bookable at any time again; a zone must be a real one.
    let update = "mutation($id: ID!, $input: UpdateExpertServiceInput!) { updateExpertService(id: $id, input: $input) { availability { timeZone } } }";
    let mars = app
        .graphql_as(&expert_token, update, json!({ "id": tokyo_service, "input": { "availability": { "timeZone": "Mars/Olympus", "weekly": [] } } }))
        .await;
    assert_eq!(code(&mars), "BAD_USER_INPUT", "{mars}");
    let cleared = app
        .graphql_as(
            &expert_token,
            update,
            json!({ "id": tokyo_service, "input": { "availability": null } }),
        )
        .await;
    assert_eq!(
        cleared["data"]["updateExpertService"],
        json!({ "availability": null }),
        "{cleared}"
    );
    let weekend = book_tokyo(saturday, (10, 0), (11, 0)).await;
    assert_eq!(
        weekend["data"]["bookService"]["status"], "SCHEDULED",
        "{weekend}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_clients_racing_for_one_slot_exactly_one_wins() {
    let app = Arc::new(TestApp::new().await);
    let (expert_token, _) = expert(&app, "race.expert", "PUBLIC").await;
    let service_id = service(&app, &expert_token, hourly("Contested")).await;
    let (a, _) = app.register("race.client.a", "INDIVIDUAL").await;
    let (b, _) = app.register("race.client.b", "INDIVIDUAL").await;
    for round in 0..5 {
        let start = 24.0 + f64::from(round) * 10.0;
        let tasks = [a.clone(), b.clone()].map(|token| {
            let app = Arc::clone(&app);
            let service_id = service_id.clone();
            tokio::spawn(async move { book(&app, &token, &service_id, start, start + 1.0).await })
        });
        let mut codes = Vec::new();
        for task in tasks {
            let response = task.await.expect("the task ran");
            codes.push(if response["errors"].is_null() {
                "OK".to_owned()
            } else {
                code(&response).to_owned()
            });
        }
        codes.sort();
        assert_eq!(codes, ["CONFLICT", "OK"], "round {round}");
    }
    let live: i64 =
        sqlx::query_scalar("select count(*) from service_bookings where status <> 'canceled'")
            .fetch_one(&app.state.pg)
            .await
            .expect("count");
    assert_eq!(live, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_overlapping_bookings_get_success_or_conflict() {
    let app = Arc::new(TestApp::new().await);
    let served = app.serve().await;
    let (expert_token, _) = expert(&app, "crowded.expert", "PUBLIC").await;
    let service_id = service(&app, &expert_token, hourly("Crowded")).await;
    let mut clients = Vec::new();
    for n in 0..50 {
        clients.push(app.register(&format!("crowd.{n}"), "INDIVIDUAL").await.0);
    }
    // Client n asks for an hour starting n * 10 minutes after the first: each request
    // overlaps the five before and after it. All at once, over HTTP.
    let url = served.url("/graphql");
    let http = reqwest::Client::new();
    let tasks = clients.into_iter().enumerate().map(|(n, token)| {
        let at = |minutes: i64| {
            (chrono::Utc::now() + chrono::Duration::minutes(minutes))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        let start = 48 * 60 + 10 * n as i64;
        let request = http.post(&url).bearer_auth(token).json(&json!({
            "query": BOOK,
            "variables": { "service": service_id, "input": {
                "title": "Crowded hour", "startTime": at(start), "endTime": at(start + 60),
            } },
        }));
        tokio::spawn(async move {
            let response = request.send().await.expect("sent");
            response.json::<Value>().await.expect("json")
        })
    });
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for task in tasks.collect::<Vec<_>>() {
        let response = task.await.expect("the task ran");
        let outcome = if response["errors"].is_null() {
            "OK".to_owned()
        } else {
            code(&response).to_owned()
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    let succeeded = outcomes.get("OK").copied().unwrap_or_default();
    assert!(succeeded >= 1, "{outcomes:?}");
    assert_eq!(
        succeeded + outcomes.get("CONFLICT").copied().unwrap_or_default(),
        50,
        "contention is success or CONFLICT, nothing else: {outcomes:?}"
    );
    let live: i64 =
        sqlx::query_scalar("select count(*) from service_bookings where status <> 'canceled'")
            .fetch_one(&app.state.pg)
            .await
            .expect("count");
    assert_eq!(live as usize, succeeded);
}

#[tokio::test(flavor = "current_thread")]
async fn nested_services_cost_a_fixed_number_of_statements() {
    let app = TestApp::new().await;
    let reader = app
        .reconfigured(|config| config.dataloader_delay_ms = 250)
        .await;
    let (admin, _) = app.register_admin("count.admin").await;
    let (client_a, _) = app.register("count.client.a", "INDIVIDUAL").await;
    let (client_b, _) = app.register("count.client.b", "INDIVIDUAL").await;
    let query = "{ expertServices(first: 100) { edges { node { title expert { title user { username profile { headline } } } bookings(first: 5) { edges { node { title client { username } } } } } } } }";
    // Warm the session cache so both counts measure the same work.
    reader.graphql_as(&admin, "{ me { id } }", json!({})).await;
    let mut counts = Vec::new();
    let mut made = 0;
    for size in [3usize, 24] {
        while made < size {
            let (token, _) = expert(&app, &format!("count.expert{made}"), "PUBLIC").await;
            let id = service(&app, &token, hourly(&format!("Service {made}"))).await;
            book(&app, &client_a, &id, 24.0, 25.0).await;
            book(&app, &client_b, &id, 26.0, 27.0).await;
            made += 1;
        }
        let (response, statements) =
            count_statements(reader.graphql_as(&admin, query, json!({}))).await;
        assert_eq!(response["errors"], Value::Null, "{response}");
        let edges = response["data"]["expertServices"]["edges"]
            .as_array()
            .expect("edges");
        assert!(
            edges
                .iter()
                .all(
                    |e| e["node"]["bookings"]["edges"].as_array().map(Vec::len) == Some(2)
                        && !e["node"]["expert"]["user"]["username"].is_null()
                ),
            "{response}"
        );
        counts.push((edges.len(), statements));
    }
    assert_eq!((counts[0].0, counts[1].0), (3, 24));
    assert_eq!(
        counts[0].1, counts[1].1,
        "statements must not grow with the number of services: {counts:?}"
    );
    // The page, experts, bookings, users (experts' and clients'), profiles.
    println!(
        "statements for a page of services with experts, users, profiles, bookings and clients: {counts:?}"
    );
    assert!(counts[1].1 <= 7, "{counts:?}");
}

#[tokio::test]
async fn demo_experts_cover_every_state() {
    let app = TestApp::new().await;
    braid::commands::seed::run((*app.state.config).clone(), false, None)
        .await
        .expect("seeding");
    let profiles: Vec<(String, i64)> = sqlx::query_as(
        "select visibility, count(*) from expert_profiles group by visibility order by visibility",
    )
    .fetch_all(&app.state.pg)
    .await
    .expect("profiles");
    let experts: i64 = sqlx::query_scalar("select count(*) from users where role = 'expert'")
        .fetch_one(&app.state.pg)
        .await
        .expect("experts");
    assert_eq!(
        profiles.iter().map(|(_, n)| n).sum::<i64>(),
        experts,
        "{profiles:?}"
    );
    assert_eq!(profiles.len(), 3, "{profiles:?}");
    let services: Vec<(String, String)> =
        sqlx::query_as("select distinct pricing_model, status from expert_services order by 1, 2")
            .fetch_all(&app.state.pg)
            .await
            .expect("services");
    for model in ["free", "hourly", "per_question", "subscription"] {
        assert!(services.iter().any(|(m, _)| m == model), "{services:?}");
    }
    for status in ["active", "draft", "inactive"] {
        assert!(services.iter().any(|(_, s)| s == status), "{services:?}");
    }
    let states: Vec<(String, String)> = sqlx::query_as(
        "select distinct status, payment_status from service_bookings order by 1, 2",
    )
    .fetch_all(&app.state.pg)
    .await
    .expect("bookings");
    for state in [
        ("canceled", "pending"),
        ("canceled", "refunded"),
        ("completed", "paid"),
        ("completed", "pending"),
        ("scheduled", "paid"),
        ("scheduled", "pending"),
    ] {
        assert!(
            states
                .iter()
                .any(|(s, p)| (s.as_str(), p.as_str()) == state),
            "{state:?} missing from {states:?}"
        );
    }
    let (private_kbs, tags): (i64, i64) = sqlx::query_as(
        "select (select count(*) from expert_knowledge_bases where not is_public), (select count(*) from content_tags)",
    )
    .fetch_one(&app.state.pg)
    .await
    .expect("knowledge");
    assert!(private_kbs > 0 && tags > 0);
    let notified: i64 =
        sqlx::query_scalar("select count(*) from notifications where type like 'booking_%'")
            .fetch_one(&app.state.pg)
            .await
            .expect("notifications");
    assert!(notified > 0);
}
