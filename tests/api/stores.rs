//! Store outages: a private Mongo-wire server is killed and restarted under a running
//! braid, which must report it, keep serving what does not need it, and recover alone.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Served, TestApp, stack_var};

/// A SecantusDB (Mongo-wire) process owned by one test, killed when dropped.
pub(crate) struct PrivateMongo {
    port: u16,
    storage: PathBuf,
    child: Option<Child>,
}

impl PrivateMongo {
    pub(crate) fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let storage =
            std::env::temp_dir().join(format!("braid-test-mongo-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&storage).expect("a storage directory");
        let mut mongo = Self {
            port,
            storage,
            child: None,
        };
        mongo.spawn();
        mongo
    }

    pub(crate) fn spawn(&mut self) {
        let venv =
            stack_var("BRAID_STACK_VENV").expect("BRAID_STACK_VENV is set by scripts/stack up");
        let child = Command::new(PathBuf::from(venv).join("bin/secantusd-py"))
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &self.port.to_string(),
                "--storage-path",
            ])
            .arg(&self.storage)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting secantusd-py");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the private Mongo-wire server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("mongodb://127.0.0.1:{}/?directConnection=true", self.port)
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for PrivateMongo {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}

async fn readyz(served: &Served) -> (StatusCode, Value) {
    let response = reqwest::get(served.url("/readyz"))
        .await
        .expect("readyz answers");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn a_mongo_outage_fails_only_the_fields_that_need_it_and_heals() {
    let mut mongo = PrivateMongo::start();
    let url = mongo.url();
    let app = TestApp::with_config(|config| {
        config.mongodb_url = url;
        config.store_timeout_ms = 700;
    })
    .await;
    let served = app.serve().await;
    let (token, _) = app.register("outage.owner", "INDIVIDUAL").await;
    let created = app
        .graphql_as(
            &token,
            "mutation { createTwin(input: { name: \"Steady\", config: { persona: \"before the outage\" } }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(created["errors"], Value::Null, "{created}");
    let twin = created["data"]["createTwin"]["id"].clone();
    assert_eq!(readyz(&served).await.0, StatusCode::OK);

    mongo.kill();
    let (status, body) = readyz(&served).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["stores"]["mongodb"]["status"], "down");
    assert_eq!(body["stores"]["postgres"]["status"], "up");

    // PostgreSQL fields still answer; the MongoDB field fails alone, with its code, and
    // is present in `data` as null.
    let view = "query($id: ID!) { twin(id: $id) { name config { persona } } }";
    let partial = app.graphql_as(&token, view, json!({ "id": twin })).await;
    assert_eq!(
        partial["data"],
        json!({ "twin": { "name": "Steady", "config": null } }),
        "{partial}"
    );
    assert_eq!(
        partial["errors"][0]["extensions"]["code"], "STORE_UNAVAILABLE",
        "{partial}"
    );
    assert_eq!(partial["errors"][0]["path"], json!(["twin", "config"]));

    mongo.spawn();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = readyz(&served).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "braid did not recover: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let healed = app.graphql_as(&token, view, json!({ "id": twin })).await;
    assert_eq!(healed["errors"], Value::Null, "{healed}");
    assert_eq!(
        healed["data"]["twin"]["config"]["persona"],
        "before the outage"
    );
}

/// A private `redis-server` owned by one test, stopped when dropped.
pub(crate) struct PrivateRedis {
    pub(crate) port: u16,
    child: Option<Child>,
}

impl PrivateRedis {
    pub(crate) fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut redis = Self { port, child: None };
        redis.spawn();
        redis
    }

    pub(crate) fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                &self.port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting redis-server (scripts/stack up installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "the private Redis did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn sign_in_and_sessions_survive_a_redis_outage() {
    let mut redis = PrivateRedis::start();
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let app = TestApp::with_config(|config| {
        config.redis_url = url;
        config.store_timeout_ms = 500;
        config.login_attempts_per_account = 2;
    })
    .await;
    let (token, _) = app.register("redis.down", "INDIVIDUAL").await;
    let me = "{ me { username } }";
    assert_eq!(
        app.graphql_as(&token, me, json!({})).await["data"]["me"]["username"],
        "redis.down"
    );

    redis.kill();
    // PostgreSQL stays the source of truth: the session still resolves and sign-in works.
    assert_eq!(
        app.graphql_as(&token, me, json!({})).await["data"]["me"]["username"],
        "redis.down"
    );
    let login =
        "mutation($p: String!) { login(identifier: \"redis.down\", password: $p) { token } }";
    let signed_in = app
        .graphql(login, json!({ "p": crate::harness::TEST_PASSWORD }))
        .await;
    assert!(
        signed_in["data"]["login"]["token"].is_string(),
        "{signed_in}"
    );
    // Limits fall back to local counting rather than failing open.
    for _ in 0..2 {
        app.graphql(login, json!({ "p": "not the right one" }))
            .await;
    }
    let limited = app
        .graphql(login, json!({ "p": crate::harness::TEST_PASSWORD }))
        .await;
    assert_eq!(
        limited["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{limited}"
    );

    let logout = app
        .graphql_as(&token, "mutation { logout }", json!({}))
        .await;
    assert_eq!(logout["data"]["logout"], true);
    redis.spawn();
    // No stale cache survives: the logged-out token stays refused once Redis is back.
    let after =
        braid::graphql::viewer::authenticate(&app.state, Some(&format!("Bearer {token}"))).await;
    assert!(after.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_mutation_mix_ends_every_transaction_once() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let (person, _) = app.register("mix.person", "INDIVIDUAL").await;
    let (owner, _) = app.register("mix.owner", "EMPLOYER").await;
    let project = crate::delivery::create_project(&app, &owner, "Mixed").await;
    let mix = [
        (
            person.clone(),
            json!({ "query": "mutation($h: String!) { updateProfile(input: { headline: $h }) { headline } }", "variables": { "h": "Benchmarking braid" } }),
        ),
        (
            person.clone(),
            json!({ "query": "mutation { setSkill(input: { name: \"Rust\", proficiency: 4 }) { proficiency } }" }),
        ),
        (
            owner.clone(),
            json!({ "query": "mutation($p: ID!) { setProjectCustomField(projectId: $p, key: \"bench\", value: 42) { name } }", "variables": { "p": project } }),
        ),
    ];
    // The warning is seen: a ROLLBACK outside a transaction raises it once.
    let before = crate::harness::transaction_warnings();
    sqlx::query("rollback")
        .execute(&app.state.pg)
        .await
        .expect("a bare rollback only warns");
    assert_eq!(crate::harness::transaction_warnings(), before + 1);

    let before = crate::harness::transaction_warnings();
    let http = reqwest::Client::new();
    let url = served.url("/graphql");
    let workers = (0..16).map(|worker| {
        let (http, url, mix) = (http.clone(), url.clone(), mix.clone());
        tokio::spawn(async move {
            let mut failures = Vec::new();
            for round in 0..20 {
                let (token, body) = &mix[(worker + round) % mix.len()];
                let response: Value = http
                    .post(&url)
                    .bearer_auth(token)
                    .json(body)
                    .send()
                    .await
                    .expect("sent")
                    .json()
                    .await
                    .expect("json");
                if !response["errors"].is_null() {
                    failures.push(response);
                }
            }
            failures
        })
    });
    for worker in workers.collect::<Vec<_>>() {
        let failures = worker.await.expect("joined");
        assert!(failures.is_empty(), "{failures:?}");
    }
    // Clients that hang up mid-request (a load generator stopping, a closed tab): the
    // server must still end each transaction exactly once.
    let impatient = (0..8).map(|worker| {
        let (url, mix) = (url.clone(), mix.clone());
        tokio::spawn(async move {
            for round in 0..40u64 {
                let (token, body) = &mix[(worker + round as usize) % mix.len()];
                let patience =
                    Duration::from_micros(500 + (round * 997 + worker as u64 * 331) % 15_000);
                let http = reqwest::Client::builder()
                    .timeout(patience)
                    .build()
                    .expect("a client");
                let _ = http.post(&url).bearer_auth(token).json(body).send().await;
            }
        })
    });
    for worker in impatient.collect::<Vec<_>>() {
        worker.await.expect("joined");
    }
    // Whatever was cut off has finished by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        crate::harness::transaction_warnings(),
        before,
        "PostgreSQL warned that a transaction was ended twice"
    );
}
