//! `TestApp`: a braid instance over the real local stores, isolated per test.
//!
//! Each test gets its own PostgreSQL database (a copy of a migrated template), MongoDB
//! database, Qdrant collection prefix and Redis key prefix. The store URLs come from the
//! environment or from `.data/stack.env` (written by `scripts/stack up`); a missing store
//! fails the test, it never skips it.

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::atomic::{AtomicU32, Ordering},
};

use braid::{
    commands::migrate,
    config::Config,
    graphql::{self, BraidSchema, viewer::Viewer},
    http::Server,
    state::AppState,
    stores::postgres::MIGRATOR,
};
use clap::Parser;
use serde_json::Value;
use sqlx::{Connection, PgConnection, postgres::PgConnectOptions};
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

/// The repository root.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `node SCRIPT ARGS...` in the npm package at `package` (relative to the repo
/// root, installed by `scripts/test`) and returns its standard output; a failing script
/// fails the test with both of its outputs.
pub(crate) fn run_node(package: &str, script: &str, args: &[String]) -> String {
    let dir = repo_root().join(package);
    assert!(
        dir.join("node_modules").exists(),
        "{package}/node_modules is missing: run `npm ci` in {package} (scripts/test does)"
    );
    let output = std::process::Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

#[derive(Parser)]
pub(crate) struct EnvConfig {
    #[command(flatten)]
    config: Config,
}

/// A stack setting: the environment wins, then `.data/stack.env` (from `scripts/stack up`).
pub(crate) fn stack_var(name: &str) -> Option<String> {
    static FILE: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    if let Ok(value) = std::env::var(name) {
        return Some(value);
    }
    let file = FILE.get_or_init(|| {
        let text = std::fs::read_to_string(repo_root().join(".data/stack.env")).unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let line = line.trim().trim_start_matches("export ").trim();
                let (key, value) = line.split_once('=')?;
                Some((
                    key.to_owned(),
                    value.trim_matches(|c| c == '"' || c == '\'').to_owned(),
                ))
            })
            .collect()
    });
    file.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
}

/// The configuration the stack provides; panics with a clear message when it is absent.
pub(crate) fn base_config() -> Config {
    let mut args = vec!["braid-tests".to_owned()];
    for (var, flag) in [
        ("DATABASE_URL", "--database-url"),
        ("MONGODB_URL", "--mongodb-url"),
        ("QDRANT_URL", "--qdrant-url"),
        ("REDIS_URL", "--redis-url"),
    ] {
        let value = stack_var(var).unwrap_or_else(|| {
            panic!("{var} is not set and .data/stack.env is missing: run `scripts/stack up` (tests need the real stores)")
        });
        args.extend([flag.to_owned(), value]);
    }
    // A fixed key: tests encrypt and decrypt within one run.
    args.extend([
        "--encryption-key".to_owned(),
        "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy1sb24=".to_owned(),
    ]);
    match EnvConfig::try_parse_from(args) {
        Ok(mut env) => {
            // GraphiQL's assets (scripts/test installs them), whatever the working directory.
            env.config.graphiql_assets = repo_root().join("web/graphiql/node_modules");
            env.config
        }
        Err(error) => panic!("invalid store configuration: {error}"),
    }
}

/// The password `TestApp::register` gives every user.
pub(crate) const TEST_PASSWORD: &str = "correct horse battery staple";

static NEXT_APP: AtomicU32 = AtomicU32::new(0);
static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static STALE_STORES_DROPPED: OnceCell<()> = OnceCell::const_new();

fn test_run_tag() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        NEXT_APP.fetch_add(1, Ordering::Relaxed)
    )
}

/// A braid instance for one test.
pub(crate) struct TestApp {
    /// The stores, configured for this test only.
    pub(crate) state: AppState,
    /// The schema bound to `state`.
    pub(crate) schema: BraidSchema,
}

impl TestApp {
    /// A fresh, migrated, empty instance.
    pub(crate) async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    /// Like [`TestApp::new`], with configuration changes (e.g. a private store URL).
    pub(crate) async fn with_config(configure: impl FnOnce(&mut Config)) -> TestApp {
        install_tracing();
        let mut config = base_config();
        let template = TEMPLATE
            .get_or_init(|| prepare_template(config.database_url.clone()))
            .await;
        let tag = test_run_tag();
        let db_name = format!("braid_t_{tag}");
        let mut admin = admin_connection(&config.database_url).await;
        sqlx::query(&format!("create database {db_name} template {template}"))
            .execute(&mut admin)
            .await
            .expect("creating the test database");
        config.database_url = with_database(&config.database_url, &db_name);
        config.mongodb_database = db_name.clone();
        config.qdrant_prefix = format!("t{tag}_");
        config.redis_prefix = format!("braid_t:{tag}:");
        config.store_timeout_ms = 1_500;
        configure(&mut config);
        // Setup is not under test: it gets a patient store timeout of its own, so a test
        // that shortens the timeout does not fail while the machine is busy migrating.
        let mut setup = config.clone();
        setup.store_timeout_ms = setup.store_timeout_ms.max(10_000);
        let setup = AppState::connect(setup)
            .await
            .expect("creating store handles for the setup");
        STALE_STORES_DROPPED
            .get_or_init(|| drop_stale_documents_and_vectors(&setup))
            .await;
        migrate::apply_all(&setup)
            .await
            .expect("migrating the test stores");
        let state = AppState::connect(config)
            .await
            .expect("creating store handles");
        let schema = graphql::build_schema(&state);
        TestApp { state, schema }
    }

    /// Another instance over the same stores with a configuration change (no migration).
    pub(crate) async fn reconfigured(&self, configure: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = (*self.state.config).clone();
        configure(&mut config);
        let state = AppState::connect(config)
            .await
            .expect("creating store handles");
        let schema = graphql::build_schema(&state);
        TestApp { state, schema }
    }

    /// Runs a GraphQL operation in-process as an anonymous viewer and returns the
    /// response as JSON.
    pub(crate) async fn graphql(&self, query: &str, variables: Value) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let request = graphql::prepare(request, &self.state, Viewer::Anonymous, Default::default());
        let response = graphql::execute(&self.schema, &self.state, request).await;
        serde_json::to_value(&response).expect("a response serialises")
    }

    /// Runs a GraphQL operation in-process with `Authorization: Bearer <token>`.
    pub(crate) async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let viewer = graphql::viewer::authenticate(&self.state, Some(&format!("Bearer {token}")))
            .await
            .expect("a valid session token");
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let request = graphql::prepare(request, &self.state, viewer, Default::default());
        let response = graphql::execute(&self.schema, &self.state, request).await;
        serde_json::to_value(&response).expect("a response serialises")
    }

    /// Registers a user and returns their session token and global ID.
    pub(crate) async fn register(&self, username: &str, role: &str) -> (String, String) {
        let response = self
            .graphql(
                "mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }",
                serde_json::json!({ "input": {
                    "email": format!("{username}@example.com"),
                    "username": username,
                    "password": TEST_PASSWORD,
                    "role": role,
                } }),
            )
            .await;
        let payload = &response["data"]["register"];
        assert!(payload.is_object(), "registration failed: {response}");
        (
            payload["token"].as_str().expect("a token").to_owned(),
            payload["user"]["id"].as_str().expect("an id").to_owned(),
        )
    }

    /// Registers a user with the admin capability (granted directly in the database, as
    /// an operator would).
    pub(crate) async fn register_admin(&self, username: &str) -> (String, String) {
        let (token, id) = self.register(username, "INDIVIDUAL").await;
        sqlx::query("update users set is_admin = true where username = $1")
            .bind(username)
            .execute(&self.state.pg)
            .await
            .expect("granting admin");
        // The token has not been used yet, so no cached session predates the grant.
        (token, id)
    }

    /// Serves this instance on a free loopback port until the returned handle drops.
    pub(crate) async fn serve(&self) -> Served {
        let server = Server::bind(
            self.state.clone(),
            "127.0.0.1:0".parse().expect("an address"),
        )
        .await
        .expect("binding a port");
        let addr = server.local_addr().expect("a bound address");
        let shutdown = server.shutdown_token();
        tokio::spawn(server.run());
        Served { addr, shutdown }
    }
}

/// A running server; stops when dropped.
pub(crate) struct Served {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    shutdown: CancellationToken,
}

impl Served {
    /// `http://addr/path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `ws://addr/graphql/ws`.
    pub(crate) fn ws_url(&self) -> String {
        format!("ws://{}/graphql/ws", self.addr)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

async fn admin_connection(url: &str) -> PgConnection {
    let options: PgConnectOptions = url.parse().expect("DATABASE_URL parses");
    PgConnection::connect_with(&options)
        .await
        .unwrap_or_else(|error| {
            panic!("PostgreSQL is not reachable ({error}): run `scripts/stack up`")
        })
}

/// Creates (once per migration set) a migrated template database, and drops the
/// databases of earlier test processes that are no longer running.
async fn prepare_template(url: String) -> String {
    let mut checksum = 0u64;
    for migration in MIGRATOR.iter() {
        for byte in migration.checksum.iter() {
            checksum = checksum.wrapping_mul(31).wrapping_add(u64::from(*byte));
        }
    }
    let template = format!("braid_tpl_{checksum:016x}");
    let mut admin = admin_connection(&url).await;
    // Serialise template creation across concurrent test processes.
    sqlx::query("select pg_advisory_lock(7342001)")
        .execute(&mut admin)
        .await
        .expect("advisory lock");
    drop_stale_databases(&mut admin, &template).await;
    let exists: bool =
        sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
            .bind(&template)
            .fetch_one(&mut admin)
            .await
            .expect("checking the template");
    if !exists {
        let building = format!("{template}_building");
        sqlx::query(&format!("drop database if exists {building} with (force)"))
            .execute(&mut admin)
            .await
            .expect("dropping a half-built template");
        sqlx::query(&format!("create database {building}"))
            .execute(&mut admin)
            .await
            .expect("creating the template database");
        let mut conn = admin_connection(&with_database(&url, &building)).await;
        MIGRATOR
            .run_direct(&mut conn)
            .await
            .expect("migrating the template database");
        conn.close().await.expect("closing the template connection");
        sqlx::query(&format!("alter database {building} rename to {template}"))
            .execute(&mut admin)
            .await
            .expect("publishing the template database");
    }
    sqlx::query("select pg_advisory_unlock(7342001)")
        .execute(&mut admin)
        .await
        .expect("advisory unlock");
    template
}

async fn drop_stale_databases(admin: &mut PgConnection, current_template: &str) {
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 'braid\\_t\\_%' or datname like 'braid\\_tpl\\_%'")
            .fetch_all(&mut *admin)
            .await
            .expect("listing test databases");
    for name in names {
        let stale = match name.strip_prefix("braid_t_") {
            Some(rest) => owner_is_gone(rest),
            // Templates of other migration sets are rebuilt on demand.
            None => name != current_template,
        };
        if stale {
            let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
                .execute(&mut *admin)
                .await;
        }
    }
}

/// Whether the test process that created a `<pid>_<n>`-tagged resource has exited.
fn owner_is_gone(tag: &str) -> bool {
    let mut parts = tag.split('_');
    let (Some(pid), Some(n)) = (parts.next(), parts.next()) else {
        return false;
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    numeric(pid) && numeric(n) && !PathBuf::from(format!("/proc/{pid}")).exists()
}

/// Drops MongoDB databases and Qdrant collections left by test processes that exited.
async fn drop_stale_documents_and_vectors(state: &AppState) {
    let client = state.mongo.client();
    let names = client
        .list_database_names()
        .await
        .expect("MongoDB is not reachable: run `scripts/stack up`");
    for name in names {
        if name.strip_prefix("braid_t_").is_some_and(owner_is_gone) {
            let _ = client.database(&name).drop().await;
        }
    }
    let collections = state
        .qdrant
        .list_collections()
        .await
        .expect("Qdrant is not reachable: run `scripts/stack up`");
    for collection in collections.collections {
        let tag = collection
            .name
            .strip_prefix('t')
            .and_then(|rest| rest.rsplit_once('_'))
            .map(|(tag, _)| tag);
        if tag.is_some_and(owner_is_gone) {
            let _ = state.qdrant.delete_collection(&collection.name).await;
        }
    }
}

thread_local! {
    /// Statements counted on this thread while a `count_statements` call is active.
    static STATEMENTS: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// How many times PostgreSQL warned that a COMMIT or ROLLBACK found no transaction to
/// end (a path that ends one twice), in this test process so far.
pub(crate) fn transaction_warnings() -> usize {
    install_tracing();
    TRANSACTION_WARNINGS.load(Ordering::SeqCst)
}

static TRANSACTION_WARNINGS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// One process-wide subscriber: sqlx's per-statement events (for `count_statements`) and
/// the notices PostgreSQL sends (for `transaction_warnings`).
fn install_tracing() {
    use tracing_subscriber::{Layer, layer::SubscriberExt};

    struct Counter;
    impl<S: tracing::Subscriber> Layer<S> for Counter {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            match event.metadata().target() {
                "sqlx::query" => STATEMENTS.with(|count| count.set(count.get().map(|n| n + 1))),
                "sqlx::postgres::notice" => {
                    struct Message(bool);
                    impl tracing::field::Visit for Message {
                        fn record_debug(
                            &mut self,
                            field: &tracing::field::Field,
                            value: &dyn std::fmt::Debug,
                        ) {
                            if field.name() == "message" {
                                self.0 |=
                                    format!("{value:?}").contains("no transaction in progress");
                            }
                        }
                    }
                    let mut message = Message(false);
                    event.record(&mut message);
                    if message.0 {
                        TRANSACTION_WARNINGS.fetch_add(1, Ordering::SeqCst);
                    }
                }
                _ => {}
            }
        }
    }

    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(
            Counter.with_filter(
                tracing_subscriber::filter::Targets::new()
                    .with_target("sqlx::query", tracing::Level::TRACE)
                    .with_target("sqlx::postgres::notice", tracing::Level::WARN),
            ),
        );
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the tests");
    });
}

/// Counts the SQL statements sqlx runs on this thread while `body` runs. Tests using it
/// run on a current-thread runtime, so every task (DataLoaders included) runs here.
///
/// One process-wide subscriber sees sqlx's per-statement events; a thread-local switch
/// decides which thread is counting, so concurrent tests do not disturb each other.
pub(crate) async fn count_statements<F: std::future::Future>(body: F) -> (F::Output, usize) {
    install_tracing();
    STATEMENTS.with(|count| count.set(Some(0)));
    let output = body.await;
    let counted = STATEMENTS.with(|count| count.take()).unwrap_or_default();
    (output, counted)
}
