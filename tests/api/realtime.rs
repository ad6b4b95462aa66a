//! Real-time: every subscription with its authorization (on subscribe and per event),
//! delivery across two `braid serve` processes, a Redis restart, teardown without leaks,
//! and the real npm clients (graphql-ws, subscriptions-transport-ws, graphql-sse).

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use braid::graphql::{self, node::NodeId};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{sync::mpsc, task::JoinHandle};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use crate::harness::{TestApp, stack_var};

/// A subscription executed in-process, driven by a task of its own.
struct Live {
    events: mpsc::UnboundedReceiver<Value>,
    task: JoinHandle<()>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The public job board feed.
const JOB_POSTED: &str = "subscription { jobPosted { title } }";

/// Starts a subscription as `token` (anonymous when `None`) and waits until it is
/// registered with the hub, or has answered (an error on subscribe).
async fn live(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Live {
    let viewer = match token {
        Some(token) => graphql::viewer::authenticate(&app.state, Some(&format!("Bearer {token}")))
            .await
            .expect("a valid token"),
        None => graphql::viewer::Viewer::Anonymous,
    };
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    let request = graphql::prepare(request, &app.state, viewer, Default::default());
    let before = app.state.events.stats().subscribers;
    let (sender, events) = mpsc::unbounded_channel();
    let mut stream = app.schema.execute_stream(request);
    let task = tokio::spawn(async move {
        while let Some(response) = stream.next().await {
            let value = serde_json::to_value(&response).expect("a response serialises");
            if sender.send(value).is_err() {
                return;
            }
        }
    });
    let started = Instant::now();
    loop {
        if app.state.events.stats().subscribers > before || !events.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the subscription never registered"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Live { events, task }
}

impl Live {
    /// The next response (10 s at most).
    async fn next(&mut self) -> Value {
        tokio::time::timeout(Duration::from_secs(10), self.events.recv())
            .await
            .expect("an event within 10 s")
            .expect("the subscription is still running")
    }

    /// Asserts nothing arrives for a while.
    async fn quiet(&mut self) {
        if let Ok(Some(value)) =
            tokio::time::timeout(Duration::from_millis(400), self.events.recv()).await
        {
            panic!("expected no event, got {value}");
        }
    }
}

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

fn id_at<'a>(response: &'a Value, field: &str) -> &'a str {
    response["data"][field]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{field}: {response}"))
}

const SEND: &str = "mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { id content } }";
const MESSAGE_ADDED: &str =
    "subscription($c: ID!) { messageAdded(conversationId: $c) { content sender { username } } }";

#[tokio::test]
async fn message_added_reaches_readers_only_and_stops_when_one_is_removed() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("rt_owner", "INDIVIDUAL").await;
    let (member, member_id) = app.register("rt_member", "INDIVIDUAL").await;
    let (outsider, _) = app.register("rt_outsider", "INDIVIDUAL").await;
    let group = app
        .graphql_as(
            &owner,
            "mutation($m: [ID!]!) { createGroupConversation(title: \"Team\", memberIds: $m) { id } }",
            json!({ "m": [member_id] }),
        )
        .await;
    let group = id_at(&group, "createGroupConversation").to_owned();

    let mut refused = live(&app, Some(&outsider), MESSAGE_ADDED, json!({ "c": group })).await;
    assert_eq!(code(&refused.next().await), "NOT_FOUND");
    let mut anonymous = live(&app, None, MESSAGE_ADDED, json!({ "c": group })).await;
    assert_eq!(code(&anonymous.next().await), "UNAUTHENTICATED");

    let mut member_sees = live(&app, Some(&member), MESSAGE_ADDED, json!({ "c": group })).await;
    let mut owner_sees = live(&app, Some(&owner), MESSAGE_ADDED, json!({ "c": group })).await;
    for text in ["first", "second"] {
        let sent = app
            .graphql_as(&owner, SEND, json!({ "c": group, "t": text }))
            .await;
        assert_eq!(sent["data"]["sendMessage"]["content"], text, "{sent}");
    }
    for live in [&mut member_sees, &mut owner_sees] {
        for text in ["first", "second"] {
            assert_eq!(
                live.next().await,
                json!({ "data": { "messageAdded": { "content": text, "sender": { "username": "rt_owner" } } } })
            );
        }
    }

    let removed = app
        .graphql_as(
            &owner,
            "mutation($c: ID!, $u: ID!) { removeConversationMember(conversationId: $c, userId: $u) }",
            json!({ "c": group, "u": member_id }),
        )
        .await;
    assert_eq!(
        removed["data"]["removeConversationMember"], true,
        "{removed}"
    );
    app.graphql_as(&owner, SEND, json!({ "c": group, "t": "after" }))
        .await;
    assert_eq!(
        owner_sees.next().await["data"]["messageAdded"]["content"],
        "after"
    );
    member_sees.quiet().await;
}

#[tokio::test]
async fn notification_added_reaches_its_recipient_only() {
    let app = TestApp::new().await;
    let (alice, _) = app.register("rt_alice", "INDIVIDUAL").await;
    let (bob, bob_id) = app.register("rt_bob", "INDIVIDUAL").await;
    let query = "subscription { notificationAdded { type title isRead } }";
    let mut anonymous = live(&app, None, query, json!({})).await;
    assert_eq!(code(&anonymous.next().await), "UNAUTHENTICATED");
    let mut bob_hears = live(&app, Some(&bob), query, json!({})).await;
    let mut alice_hears = live(&app, Some(&alice), query, json!({})).await;

    let direct = app
        .graphql_as(
            &alice,
            "mutation($u: ID!) { startDirectConversation(userId: $u) { id } }",
            json!({ "u": bob_id }),
        )
        .await;
    let direct = id_at(&direct, "startDirectConversation").to_owned();
    app.graphql_as(&alice, SEND, json!({ "c": direct, "t": "hi bob" }))
        .await;
    assert_eq!(
        bob_hears.next().await,
        json!({ "data": { "notificationAdded": { "type": "message", "title": "New message", "isRead": false } } })
    );
    alice_hears.quiet().await;
}

#[tokio::test]
async fn application_updated_follows_a_job_or_one_application() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("rt_employer", "EMPLOYER").await;
    let (applicant, _) = app.register("rt_applicant", "INDIVIDUAL").await;
    let (stranger, _) = app.register("rt_stranger", "INDIVIDUAL").await;
    let org = app
        .graphql_as(
            &owner,
            "mutation { createOrganization(input: { name: \"Acme\", companySize: EMPLOYEES_11_50 }) { id } }",
            json!({}),
        )
        .await;
    let org = id_at(&org, "createOrganization").to_owned();
    let job = app
        .graphql_as(
            &owner,
            "mutation($o: ID!) { createJob(organizationId: $o, input: { title: \"Rust Engineer\", description: \"Storage.\", employmentType: FULL_TIME, experienceLevel: SENIOR }) { id } }",
            json!({ "o": org }),
        )
        .await;
    let job = id_at(&job, "createJob").to_owned();
    app.graphql_as(
        &owner,
        "mutation($id: ID!) { publishJob(id: $id) { id } }",
        json!({ "id": job }),
    )
    .await;

    let query = "subscription($j: ID, $a: ID) { applicationUpdated(jobId: $j, applicationId: $a) { status applicant { username } } }";
    let mut both = live(&app, Some(&owner), query, json!({ "j": job, "a": job })).await;
    assert_eq!(code(&both.next().await), "BAD_USER_INPUT");
    let mut recruiter = live(&app, Some(&owner), query, json!({ "j": job })).await;

    let applied = app
        .graphql_as(
            &applicant,
            "mutation($j: ID!) { applyToJob(jobId: $j) { id } }",
            json!({ "j": job }),
        )
        .await;
    let application = id_at(&applied, "applyToJob").to_owned();
    assert_eq!(
        recruiter.next().await,
        json!({ "data": { "applicationUpdated": { "status": "APPLIED", "applicant": { "username": "rt_applicant" } } } })
    );

    let mut refused = live(&app, Some(&stranger), query, json!({ "a": application })).await;
    assert_eq!(code(&refused.next().await), "NOT_FOUND");
    let mut own = live(&app, Some(&applicant), query, json!({ "a": application })).await;
    app.graphql_as(
        &owner,
        "mutation($id: ID!) { moveApplication(id: $id, status: REVIEWING) { id } }",
        json!({ "id": application }),
    )
    .await;
    assert_eq!(
        own.next().await["data"]["applicationUpdated"]["status"],
        "REVIEWING"
    );
    assert_eq!(
        recruiter.next().await["data"]["applicationUpdated"]["status"],
        "REVIEWING"
    );
}

#[tokio::test]
async fn booking_updated_reaches_both_parties() {
    let app = TestApp::new().await;
    let (expert, _) = app.register("rt_expert", "EXPERT").await;
    let (client, _) = app.register("rt_client", "INDIVIDUAL").await;
    let (other, _) = app.register("rt_other", "INDIVIDUAL").await;
    let saved = app
        .graphql_as(
            &expert,
            "mutation { saveExpertProfile(input: { title: \"Consulting\", visibility: PUBLIC }) { id } }",
            json!({}),
        )
        .await;
    assert!(saved["errors"].is_null(), "{saved}");
    let service = app
        .graphql_as(
            &expert,
            "mutation { createExpertService(input: { title: \"Review\", serviceType: CONSULTATION, pricingModel: HOURLY, price: \"100\", currency: \"EUR\", status: ACTIVE }) { id } }",
            json!({}),
        )
        .await;
    let service = id_at(&service, "createExpertService").to_owned();

    let query = "subscription($b: ID) { bookingUpdated(bookingId: $b) { status paymentStatus } }";
    let mut expert_hears = live(&app, Some(&expert), query, json!({})).await;
    let mut client_hears = live(&app, Some(&client), query, json!({})).await;
    let mut other_hears = live(&app, Some(&other), query, json!({})).await;
    let at = |hours: i64| (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339();
    let booked = app
        .graphql_as(
            &client,
            "mutation($s: ID!, $from: DateTime!, $to: DateTime!) { bookService(serviceId: $s, input: { title: \"Review\", startTime: $from, endTime: $to }) { id } }",
            json!({ "s": service, "from": at(24), "to": at(25) }),
        )
        .await;
    let booking = id_at(&booked, "bookService").to_owned();
    let scheduled = json!({ "data": { "bookingUpdated": { "status": "SCHEDULED", "paymentStatus": "PENDING" } } });
    assert_eq!(expert_hears.next().await, scheduled);
    assert_eq!(client_hears.next().await, scheduled);

    let mut refused = live(&app, Some(&other), query, json!({ "b": booking })).await;
    assert_eq!(code(&refused.next().await), "NOT_FOUND");
    let mut just_this = live(&app, Some(&client), query, json!({ "b": booking })).await;
    // The payment provider's webhook and `recordPayment` share one path.
    let (admin, _) = app.register_admin("rt_admin").await;
    let paid = app
        .graphql_as(
            &admin,
            "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { duplicate } }",
            json!({ "input": { "bookingId": booking, "amount": "100.00", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(paid["data"]["recordPayment"]["duplicate"], false, "{paid}");
    assert_eq!(
        just_this.next().await["data"]["bookingUpdated"]["paymentStatus"],
        "PAID"
    );
    assert_eq!(
        expert_hears.next().await["data"]["bookingUpdated"]["paymentStatus"],
        "PAID"
    );
    other_hears.quiet().await;
}

#[tokio::test]
async fn twin_training_progress_is_for_the_owner() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("rt_twin_owner", "INDIVIDUAL").await;
    let (other, _) = app.register("rt_twin_other", "INDIVIDUAL").await;
    let twin = app
        .graphql_as(
            &owner,
            "mutation { createTwin(input: { name: \"Mentor\" }) { id } }",
            json!({}),
        )
        .await;
    let twin = id_at(&twin, "createTwin").to_owned();
    let query = "subscription($j: ID, $t: ID) { twinTrainingProgress(jobId: $j, twinId: $t) { id status progress } }";
    let mut refused = live(&app, Some(&other), query, json!({ "t": twin })).await;
    assert_eq!(code(&refused.next().await), "NOT_FOUND");
    let mut by_twin = live(&app, Some(&owner), query, json!({ "t": twin })).await;

    let started = app
        .graphql_as(
            &owner,
            "mutation($t: ID!) { startTwinTraining(twinId: $t) { id } }",
            json!({ "t": twin }),
        )
        .await;
    let job = id_at(&started, "startTwinTraining").to_owned();
    let queued = by_twin.next().await;
    assert_eq!(
        queued["data"]["twinTrainingProgress"],
        json!({ "id": job, "status": "QUEUED", "progress": 0 })
    );

    // The training worker reports progress through `publish_training_progress`.
    let mut by_job = live(&app, Some(&owner), query, json!({ "j": job })).await;
    let mut other_job = live(&app, Some(&other), query, json!({ "j": job })).await;
    assert_eq!(code(&other_job.next().await), "NOT_FOUND");
    let job_id = braid::twins::TrainingJobId::from_global(&job.clone().into()).expect("an id");
    let twin_id = braid::twins::TwinId::from_global(&twin.clone().into()).expect("an id");
    sqlx::query(
        "update twin_training_jobs set status = 'processing', progress = 40, started_at = now()",
    )
    .execute(&app.state.pg)
    .await
    .expect("progress recorded");
    braid::twins::publish_training_progress(&app.state, twin_id, job_id);
    for live in [&mut by_job, &mut by_twin] {
        assert_eq!(
            live.next().await["data"]["twinTrainingProgress"],
            json!({ "id": job, "status": "PROCESSING", "progress": 40 })
        );
    }
}

#[tokio::test]
async fn project_document_changed_reports_each_document() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("rt_pm", "INDIVIDUAL").await;
    let (other, _) = app.register("rt_pm_other", "INDIVIDUAL").await;
    let project = crate::delivery::create_project(&app, &owner, "Orders").await;
    let query = "subscription($p: ID!) { projectDocumentChanged(projectId: $p) { kind documentId project { name } } }";
    let mut refused = live(&app, Some(&other), query, json!({ "p": project })).await;
    assert_eq!(code(&refused.next().await), "NOT_FOUND");
    let mut changes = live(&app, Some(&owner), query, json!({ "p": project })).await;

    let requirement = app
        .graphql_as(
            &owner,
            "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"Customers track orders.\") { id } }",
            json!({ "p": project }),
        )
        .await;
    let requirement = id_at(&requirement, "submitRequirement").to_owned();
    assert_eq!(
        changes.next().await,
        json!({ "data": { "projectDocumentChanged": { "kind": "REQUIREMENT", "documentId": requirement, "project": { "name": "Orders" } } } })
    );
    app.graphql_as(
        &owner,
        "mutation($p: ID!) { updateProject(id: $p, input: { name: \"Orders v2\" }) { id } }",
        json!({ "p": project }),
    )
    .await;
    assert_eq!(
        changes.next().await,
        json!({ "data": { "projectDocumentChanged": { "kind": "PROJECT", "documentId": project, "project": { "name": "Orders v2" } } } })
    );
}

#[tokio::test]
async fn job_posted_is_public_and_filters_by_skill_and_remote_type() {
    let app = TestApp::new().await;
    let (admin, _) = app.register_admin("board.curator").await;
    let skill = app
        .graphql_as(
            &admin,
            "mutation { createSkill(name: \"Rust\") { id } }",
            json!({}),
        )
        .await;
    let rust = id_at(&skill, "createSkill").to_owned();
    let (employer, _) = app.register("board.employer", "EMPLOYER").await;
    let org = crate::hiring::organization(&app, &employer, "Feed").await;
    let draft = |title: &str, remote: &str, skills: Value| {
        let mut input = crate::hiring::job_input(title, "On the board.");
        input["remoteType"] = json!(remote);
        input["skills"] = skills;
        input
    };
    let on_site = crate::hiring::job(
        &app,
        &employer,
        &org,
        draft("On site", "ON_SITE", json!([])),
        false,
    )
    .await;
    let remote_rust = crate::hiring::job(
        &app,
        &employer,
        &org,
        draft("Remote Rust", "REMOTE", json!([{ "skillId": rust }])),
        false,
    )
    .await;

    let mut everything = live(&app, None, JOB_POSTED, json!({})).await;
    let mut remote = live(
        &app,
        None,
        "subscription { jobPosted(remoteType: REMOTE) { title } }",
        json!({}),
    )
    .await;
    let mut by_skill = live(
        &app,
        None,
        "subscription($s: [ID!]) { jobPosted(skillIds: $s) { title } }",
        json!({ "s": [rust] }),
    )
    .await;
    // A field the anonymous viewer may not read fails alone: `null` in the event, with
    // its error, and the rest of the job is delivered.
    let mut guarded = live(
        &app,
        None,
        "subscription { jobPosted { title recommendedCandidates { score } } }",
        json!({}),
    )
    .await;

    crate::hiring::publish(&app, &employer, &on_site).await;
    assert_eq!(
        everything.next().await["data"]["jobPosted"]["title"],
        "On site"
    );
    let event = guarded.next().await;
    assert_eq!(
        event["data"],
        json!({ "jobPosted": { "title": "On site", "recommendedCandidates": null } }),
        "{event}"
    );
    assert_eq!(code(&event), "FORBIDDEN");
    assert_eq!(
        event["errors"][0]["path"],
        json!(["jobPosted", "recommendedCandidates"])
    );
    remote.quiet().await;
    by_skill.quiet().await;

    crate::hiring::publish(&app, &employer, &remote_rust).await;
    for feed in [&mut everything, &mut remote, &mut by_skill] {
        assert_eq!(
            feed.next().await["data"]["jobPosted"]["title"],
            "Remote Rust"
        );
    }

    let refused = app
        .graphql(
            "subscription { jobPosted(skillIds: [\"nope\"]) { title } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
}

#[tokio::test]
async fn deliveries_stay_on_the_instance_while_the_events_reach_the_other() {
    // Two hubs over the same stores (as two instances are): a job published on one
    // reaches a subscriber on the other, and each delivers its own events locally.
    let a = TestApp::new().await;
    let b = a.reconfigured(|_| {}).await;
    let (employer, drafts) = crate::hiring::draft_jobs(&a, 2).await;
    let mut on_b = live(&b, None, JOB_POSTED, json!({})).await;
    wait_for(|| b.state.events.stats().redis_topics == 1).await;
    crate::hiring::publish(&a, &employer, &drafts[0]).await;
    assert_eq!(
        on_b.next().await["data"]["jobPosted"]["title"],
        "Engineer 0"
    );
    crate::hiring::publish(&b, &employer, &drafts[1]).await;
    // Delivered once, locally (the echo from Redis is ignored).
    assert_eq!(
        on_b.next().await["data"]["jobPosted"]["title"],
        "Engineer 1"
    );
    on_b.quiet().await;
    drop(on_b);
    wait_for(|| b.state.events.stats() == idle_stats(true)).await;
}

fn idle_stats(connected: bool) -> braid::events::HubStats {
    braid::events::HubStats {
        topics: 0,
        subscribers: 0,
        redis_topics: 0,
        redis_connected: connected,
    }
}

async fn wait_for(mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the condition did not hold within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A redis-server of this test's own (never the stack's), killed when dropped.
struct OwnRedis {
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    fn start(port: u16) -> OwnRedis {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs (scripts/stack installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        OwnRedis {
            port,
            child: Some(child),
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn local_delivery_survives_a_redis_outage_and_the_hub_reconnects() {
    let mut redis = OwnRedis::start(free_port());
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let a = TestApp::with_config(|c| c.redis_url = url.clone()).await;
    let b = a.reconfigured(|_| {}).await;
    let (employer, drafts) = crate::hiring::draft_jobs(&a, 60).await;
    let mut drafts = drafts.into_iter();
    let mut on_b = live(&b, None, JOB_POSTED, json!({})).await;
    wait_for(|| b.state.events.stats().redis_topics == 1).await;
    let job = drafts.next().expect("a draft");
    crate::hiring::publish(&a, &employer, &job).await;
    assert_eq!(
        on_b.next().await["data"]["jobPosted"]["title"],
        "Engineer 0"
    );

    redis.stop();
    wait_for(|| !b.state.events.stats().redis_connected).await;
    let job = drafts.next().expect("a draft");
    crate::hiring::publish(&b, &employer, &job).await;
    assert_eq!(
        on_b.next().await["data"]["jobPosted"]["title"],
        "Engineer 1"
    );

    let redis = OwnRedis::start(redis.port);
    wait_for(|| {
        let stats = b.state.events.stats();
        stats.redis_connected && stats.redis_topics == 1
    })
    .await;
    // A's publisher is back once its own connection is: retry until B hears one.
    let started = Instant::now();
    loop {
        let job = drafts.next().expect("drafts to publish until B hears one");
        crate::hiring::publish(&a, &employer, &job).await;
        if let Ok(Some(event)) =
            tokio::time::timeout(Duration::from_millis(300), on_b.events.recv()).await
        {
            assert!(event["data"]["jobPosted"]["title"].is_string(), "{event}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no event crossed instances after Redis came back"
        );
    }
    drop(redis);
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(url: &str, token: Option<&str>) -> Socket {
    let mut request = url.into_client_request().expect("a ws request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = connect_async(request).await.expect("the upgrade succeeds");
    let payload = match token {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(next(&mut socket).await["type"], "connection_ack");
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("sent");
}

async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s");
        match message {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(&text).expect("JSON");
                if value["type"] != "ping" {
                    return value;
                }
            }
            Some(Ok(_)) => continue,
            other => panic!("the socket ended: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_thousand_connections_leave_no_task_or_topic_behind() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": JOB_POSTED } });
    let cycle = |close: bool| {
        let url = served.ws_url();
        let subscribe = subscribe.clone();
        let app = &app;
        async move {
            let mut socket = socket(&url, None).await;
            send(&mut socket, subscribe).await;
            wait_for(|| app.state.events.stats().subscribers == 1).await;
            if close {
                socket.close(None).await.expect("closed");
            }
            drop(socket);
            wait_for(|| app.state.events.stats().subscribers == 0).await;
        }
    };
    // Warm up: the hub's Redis connection and the server's own tasks.
    cycle(true).await;
    wait_for(|| app.state.events.stats().redis_connected).await;
    let tasks = || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    };
    let before = tasks();
    for n in 0..1000 {
        // Half close cleanly, half just drop the connection.
        cycle(n % 2 == 0).await;
    }
    wait_for(|| tasks() <= before).await;
    wait_for(|| app.state.events.stats() == idle_stats(true)).await;
    let channel = braid::events::Topic::JobBoard.channel(app.state.redis.prefix());
    let (_, subscribers): (String, i64) = app
        .state
        .redis
        .run(redis::cmd("PUBSUB").arg("NUMSUB").arg(&channel))
        .await
        .expect("PUBSUB NUMSUB");
    assert_eq!(subscribers, 0, "the hub left its Redis subscription behind");
}

fn node(script: &str, args: &[String]) -> String {
    let dir = crate::harness::repo_root().join("tests/js");
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn real_clients_receive_messages_over_websocket_and_sse() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let (alice, _) = app.register("rt_js_alice", "INDIVIDUAL").await;
    let (bob, bob_id) = app.register("rt_js_bob", "INDIVIDUAL").await;
    let (carol, _) = app.register("rt_js_carol", "INDIVIDUAL").await;
    let direct = app
        .graphql_as(
            &alice,
            "mutation($u: ID!) { startDirectConversation(userId: $u) { id } }",
            json!({ "u": bob_id }),
        )
        .await;
    let direct = id_at(&direct, "startDirectConversation").to_owned();
    let args = vec![
        served.ws_url(),
        served.url("/graphql"),
        served.url("/graphql/stream"),
        alice,
        bob,
        carol,
        direct,
    ];
    let stdout = tokio::task::spawn_blocking(move || node("realtime.mjs", &args))
        .await
        .expect("node finished");
    assert!(
        stdout.contains("realtime clients: 7 scenarios passed"),
        "{stdout}"
    );
}

/// `braid serve` as a child process on its own port, over the stores of `app`.
struct Instance {
    child: Child,
    port: u16,
}

impl Instance {
    async fn start(app: &TestApp) -> Instance {
        let config = &app.state.config;
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_braid"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &config.database_url)
            .env(
                "MONGODB_URL",
                stack_var("MONGODB_URL").expect("MONGODB_URL"),
            )
            .env("QDRANT_URL", stack_var("QDRANT_URL").expect("QDRANT_URL"))
            .env("REDIS_URL", &config.redis_url)
            .env("BRAID_MONGODB_DATABASE", &config.mongodb_database)
            .env("BRAID_QDRANT_PREFIX", &config.qdrant_prefix)
            .env("BRAID_MODEL_DIR", &config.model_dir)
            .env("BRAID_REDIS_PREFIX", &config.redis_prefix)
            .env(
                "BRAID_ENCRYPTION_KEY",
                "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy1sb24=",
            )
            .env("BRAID_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("braid serve starts");
        let instance = Instance { child, port };
        let client = reqwest::Client::new();
        let started = Instant::now();
        while client
            .get(instance.url("/healthz"))
            .send()
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "braid serve did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        instance
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A gauge from `/metrics`.
    async fn gauge(&self, name: &str) -> f64 {
        let text = reqwest::get(self.url("/metrics"))
            .await
            .expect("/metrics answers")
            .text()
            .await
            .expect("a body");
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or(0.0)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_mutation_on_one_serve_process_reaches_a_subscriber_on_another() {
    let app = TestApp::new().await;
    let (alice, _) = app.register("rt_two_alice", "INDIVIDUAL").await;
    let (bob, bob_id) = app.register("rt_two_bob", "INDIVIDUAL").await;
    let direct = app
        .graphql_as(
            &alice,
            "mutation($u: ID!) { startDirectConversation(userId: $u) { id } }",
            json!({ "u": bob_id }),
        )
        .await;
    let direct = id_at(&direct, "startDirectConversation").to_owned();
    let (a, b) = tokio::join!(Instance::start(&app), Instance::start(&app));

    let mut on_b = socket(&format!("ws://127.0.0.1:{}/graphql/ws", b.port), Some(&bob)).await;
    send(
        &mut on_b,
        json!({ "id": "m", "type": "subscribe", "payload": { "query": MESSAGE_ADDED, "variables": { "c": direct } } }),
    )
    .await;
    let started = Instant::now();
    while b.gauge("braid_events_redis_topics").await < 1.0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "B never subscribed on Redis"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent: Value = reqwest::Client::new()
        .post(a.url("/graphql"))
        .bearer_auth(&alice)
        .json(&json!({ "query": SEND, "variables": { "c": direct, "t": "across instances" } }))
        .send()
        .await
        .expect("A answers")
        .json()
        .await
        .expect("JSON");
    assert!(sent["errors"].is_null(), "{sent}");
    assert_eq!(
        next(&mut on_b).await,
        json!({ "id": "m", "type": "next", "payload": { "data": { "messageAdded": { "content": "across instances", "sender": { "username": "rt_two_alice" } } } } })
    );
}
